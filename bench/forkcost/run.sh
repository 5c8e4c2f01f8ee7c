#!/usr/bin/env bash
# make forkcost: what one fork of the running echosrv parent costs, against the C serv01 (UNP 5.10 tcpserv04, 30.5),
# measured from outside on the real servers (bench/forkcost/forkcost.c says how).
# Usage: run.sh [--count N] [NAME=VALUE ...]   (NAME=VALUE: extra environment for echosrv only,
# to measure a lever, e.g. DOTNET_GCgen0size=0x40000; the re-exec of fork-safety R1 keeps it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=2000
if [ "${1:-}" = --count ]; then count=$2; shift 2; fi
for kv in "$@"; do
  case $kv in *=*) ;; *) echo "run.sh: $kv is not NAME=VALUE"; echo "usage: run.sh [--count N] [NAME=VALUE ...]"; exit 64 ;; esac
done
case $count in ''|*[!0-9]*|0) echo "run.sh: --count must be a positive number, not '$count'"; echo "usage: run.sh [--count N] [NAME=VALUE ...]"; exit 64 ;; esac
forkcost=$root/bench/bin/forkcost
for f in "$forkcost" "$root/bench/bin/serv01" "$root/bin/echosrv"; do
  [ -x "$f" ] || { echo "run.sh: $f is missing: run make forkcost"; exit 1; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
  # TERM: echosrv stops and reaps its children itself; forkcost left none to serv01.
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# start NAME: starts the server, sets port and pid once it listens.
start() {
  if [ "$1" = c ]; then
    "$root/bench/bin/serv01" --port 0 >"$tmp/c.out" 2>&1 &
    pids+=($!); log=$tmp/c.out
  else
    env "${@:2}" "$root/bin/echosrv" --port 0 --max-children 64 --log "$tmp/ours.log" >/dev/null 2>&1 &
    pids+=($!); log=$tmp/ours.log
  fi
  for _ in $(seq 1 1500); do
    line=$(grep -m1 'port [0-9]' "$log" 2>/dev/null) && break
    sleep 0.01
  done
  port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' <<<"$line")
  pid=$(sed -n 's/.*pid \([0-9]*\).*/\1/p' <<<"$line")
  [ -n "$port" ] || { echo "run.sh: $1 did not start"; cat "$log"; exit 1; }
}

printf '%-6s %-6s %10s %14s %13s %13s %6s %9s %9s\n' server child "us/conn" "parent cpu us" "child cpu us" "child faults" maps "rss KiB" "anon KiB"
for who in c ours; do
  start "$who" "$@"
  for mode in close echo; do
    out=$("$forkcost" "$port" "$pid" "$count" "$mode") || exit 1
    eval "$out"
    printf '%-6s %-6s %10s %14s %13s %13s %6s %9s %9s\n' "$who" "$mode" "$wall_us" "$parent_cpu_us" "$child_cpu_us" "$child_minflt" "$maps" "$rss_kib" "$anon_kib"
  done
done
[ $# -gt 0 ] && echo "(ours with: $*)"
exit 0
