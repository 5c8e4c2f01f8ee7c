#!/usr/bin/env bash
# What unpwatch costs (issue 22: at most 2% of one core at 10 frames a second with 200
# connections held): its CPU time, utime + stime from /proc/PID/stat, while it draws the full
# screen on a pty (script(1)) and watches echosrv holding N connections, each served by a
# forked child, over S seconds after a warm-up.
# As root, it runs in a network namespace of its own with a TCP socket table of its own
# (net.ipv4.tcp_child_ehash_entries), because every sock_diag dump walks the whole table: on a
# machine where a benchmark left 100,000 TIME_WAITs, that walk, not unpwatch, is what costs
# (see tools/unpwatch/DumpBudget.cs). --shared-table measures in the machine's own table.
# Usage: cost.sh [--connections N] [--seconds S] [--shared-table]   (bin/ built by make)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${BIN:-$root/bin}
unpwatch=${UNPWATCH:-$bin/unpwatch}   # another build of it, e.g. a Native AOT one
connections=200 seconds=30 shared=0
usage() { echo "usage: cost.sh [--connections N] [--seconds S] [--shared-table]"; exit 64; }
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=${2:-}; shift 2 ;;
    --seconds) seconds=${2:-}; shift 2 ;;
    --shared-table) shared=1; shift ;;
    --inner) inner=1; shift ;;
    *) echo "cost.sh: unknown argument '$1'"; usage ;;
  esac
done
case $connections$seconds in *[!0-9]*|'') echo "cost.sh: --connections and --seconds take whole numbers"; usage ;; esac
for p in "$bin/echosrv" "$unpwatch"; do [ -x "$p" ] || { echo "cost.sh: $p is missing: run make"; exit 1; }; done

# Outside: as root, a namespace whose socket table is its own, then this script again inside it.
if [ "${inner:-0}" = 0 ] && [ "$shared" = 0 ] && [ "$(id -u)" = 0 ]; then
  old=$(sysctl -n net.ipv4.tcp_child_ehash_entries)
  sysctl -qw net.ipv4.tcp_child_ehash_entries=4096   # read only when a namespace is made:
  unshare -n sleep 100000 & holder=$!                  # this one gets its own table,
  sleep 0.2
  sysctl -qw net.ipv4.tcp_child_ehash_entries="$old"  # and the machine's setting is back at once
  trap 'kill $holder 2>/dev/null; wait $holder 2>/dev/null' EXIT
  nsenter -t "$holder" -n "$0" --inner --connections "$connections" --seconds "$seconds"
  exit
fi
[ "${inner:-0}" = 1 ] && ip link set lo up

tmp=$(mktemp -d)
srv= holder= view=
cleanup() {
  [ -n "$view" ] && { kill -TERM "$view" 2>/dev/null; wait "$view" 2>/dev/null; }
  exec 3>&-
  [ -n "$holder" ] && { kill -KILL "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; }
  [ -n "$srv" ] && { kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; }
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin/echosrv" --port 0 --max-children $((connections + 10)) --log "$tmp/srv.log" >/dev/null 2>&1 & srv=$!
for _ in $(seq 100); do grep -q 'listening on' "$tmp/srv.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on .*, port \([0-9]*\),.*/\1/p' "$tmp/srv.log")
[ -n "$port" ] || { echo "cost.sh: echosrv did not start"; cat "$tmp/srv.log"; exit 1; }

# N connections held open by one shell, each served by a child of its own.
bash -c 'for i in $(seq '"$connections"'); do exec {fd}<>/dev/tcp/127.0.0.1/'"$port"' || exit 1; done; exec sleep 100000' & holder=$!
for _ in $(seq 300); do
  n=$(wc -w < "/proc/$srv/task/$srv/children")
  [ "$n" -ge "$connections" ] && break; sleep 0.1
done
echo "echosrv $srv on port $port: $n children, one per connection"

# The full-screen view on a pty, 120x50, its output thrown away. script's stdin is a FIFO
# nobody writes: no keys, and no end of file.
mkfifo "$tmp/keys"
exec 3<>"$tmp/keys"
COLUMNS=120 LINES=50 TERM=xterm SHELL=/bin/sh script -qfec "exec $unpwatch --port $port" /dev/null <&3 >/dev/null 2>&1 & view=$!
watcher=
for _ in $(seq 100); do
  for c in $(cat "/proc/$view/task/$view/children" 2>/dev/null); do
    [ "$(readlink "/proc/$c/exe")" = "$(readlink -f "$unpwatch")" ] && watcher=$c
  done
  [ -n "$watcher" ] && break; sleep 0.1
done
[ -n "$watcher" ] || { echo "cost.sh: unpwatch did not start"; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$watcher/stat"; }
hz=$(getconf CLK_TCK)
sleep 5   # warm-up: start-up, the first scan of /proc, the JIT's second tier
a=$(ticks); sleep "$seconds"; b=$(ticks)
awk -v t=$((b - a)) -v hz="$hz" -v s="$seconds" -v n="$connections" \
  'BEGIN { printf "unpwatch: %.2f%% of one core (%d ticks of CPU in %d s), watching %d connections at 10 frames/s\n", 100 * t / hz / s, t, s, n }'
