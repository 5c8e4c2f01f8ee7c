#!/usr/bin/env bash
# shutdown of the server host: SIGTERM to every process; each client gets a FIN
# unp: 5.16
# needs: ip:iproute2 tcpdump:tcpdump ss:iproute2 ps:procps
# UNP 5.16, shutdown of the server host: init sends SIGTERM to every process, waits, then
# SIGKILL. The server's processes end, their sockets are closed, and each client sees a FIN.
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/netns.bash"
source "$LAB_DIR/capture.bash"

say "Two hosts, a server on one, two clients (echocli, which polls stdin and the socket) on the other."
netns_setup
start_server_on_host
capture_start "$PORT" "$VETH_C" "$NS_C"
open_host_client c1
open_host_client c2
client_send c1 "one"
client_send c2 "two"
wait_for "the echoes came back" grep -qx two "$LAB_TMP/c2.out"
wait_for "the echoes came back" grep -qx one "$LAB_TMP/c1.out"
run ps -o pid,ppid,stat,comm --pid "$SRV_PID" --ppid "$SRV_PID"

say "The server host shuts down: SIGTERM to every process on it, then, after a grace period, SIGKILL."
run ip netns pids "$NS_S"
run kill -TERM $(ip netns pids "$NS_S")
host_empty() { [ -z "$(ip netns pids "$NS_S")" ]; }
if ! wait_until 5 host_empty; then # init's grace period (5 s here)
    run ip netns pids "$NS_S"
    run kill -KILL $(ip netns pids "$NS_S")
fi
netns_wait_empty "$NS_S"
status=0
wait "$SRV_PID" || status=$?
SRV_PID=""
client_wait c1; s1=$CLIENT_STATUS
client_wait c2; s2=$CLIENT_STATUS
show_log
show_timeline "$PORT"
note "echocli c1 said: $(client_err c1)"
note "echocli c2 said: $(client_err c2)"
note "Notice: SIGTERM reached the parent, which stopped and passed SIGTERM on to its children; each child's exit"
note "closed its socket, so each client got a FIN (<── FIN), no RST, and, polling its socket too, said at once that"
note "the server terminated prematurely. A client blocked in fgets (--blocking) would learn it only at its next line."
check "the server stopped on SIGTERM (exit 0)" test "$status" -eq 0
check "both clients saw the server go first" test "$(grep -cx 'str_cli: server terminated prematurely' "$LAB_TMP/c1.err" "$LAB_TMP/c2.err" | awk -F: '{s += $2} END {print s}')" -eq 2
check "both clients exited 1" test "$s1" -eq 1 -a "$s2" -eq 1
if capture_ok; then
    check "each client received a FIN" test "$(capture_count "$PORT" '<── FIN')" -eq 2
    check "and no RST" test "$(capture_count "$PORT" 'RST')" -eq 0
fi

questions "What did each client receive when the server host shut down, a FIN or a RST? Why? (UNP 5.16)" \
          "echocli reported it at once. When would the book's tcpcli01, blocked in fgets, have learnt it?"
