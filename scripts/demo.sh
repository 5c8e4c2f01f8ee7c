#!/usr/bin/env bash
# make demo: what a student does in the first lab, in one go.
# echosrv on a free port in the background, a few lines through echocli, the ps and ss
# views of the parent and its children, the same in one unpwatch frame, then the server
# stopped with SIGTERM.
set -euo pipefail
BIN=${1:-bin}
log=$(mktemp /tmp/echosrv-demo.XXXXXX)

"$BIN/echosrv" --port 0 --log "$log" &
srv=$!
trap 'kill -TERM $srv 2>/dev/null || true; wait $srv 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 100); do grep -q 'listening on' "$log" && break; sleep 0.05; done
port=$(sed -n 's/.*listening on .*, port \([0-9]*\),.*/\1/p' "$log")
echo "\$ echosrv --port $port &        # pid $srv"
echo

echo "--- two clients, each echoing a line (the second one stays connected) ---"
printf 'hello, world\n' | "$BIN/echocli" 127.0.0.1 --port "$port"
coproc CLI { "$BIN/echocli" 127.0.0.1 --port "$port"; }
echo 'still here' >&"${CLI[1]}"
read -r reply <&"${CLI[0]}"
echo "$reply"
echo

echo "--- ps: the listening parent and one child per connection (PPID = parent) ---"
ps -o pid,ppid,stat,comm -p "$srv" --ppid "$srv"
echo
echo "--- ss: the listener, and both ends of the open connection ---"
ss -tan "( sport = :$port or dport = :$port )"
echo
echo "--- unpwatch --once: both in one frame, with who holds each socket and where each process waits ---"
"$BIN/unpwatch" --port "$port" --once
echo

exec {CLI[1]}>&-      # Ctrl-D for the second client
wait "$CLI_PID" || true
sleep 0.2
echo "--- the server's log ---"
cat "$log"
echo
echo "--- ss after the clients closed: the client ends in TIME_WAIT (UNP 2.7) ---"
ss -tan "( sport = :$port or dport = :$port )"
kill -TERM "$srv"
wait "$srv" && echo "echosrv stopped with SIGTERM: exit 0"
trap 'rm -f "$log"' EXIT
