#!/usr/bin/env bash
# SO_KEEPALIVE: probes find the crashed peer of an idle connection, on both sides
# unp: 7.5
# needs: ip:iproute2 tcpdump:tcpdump ss:iproute2
# UNP 7.5, SO_KEEPALIVE: an idle connection whose peer host crashed is found dead by the
# keepalive probes, on both sides (echosrv --keepalive and echocli --keepalive).
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/netns.bash"
source "$LAB_DIR/capture.bash"

say "Two hosts; the server and the client both ask for keepalive probes after 1 s of silence."
netns_setup
start_server_on_host --keepalive 1
capture_start "$PORT" "$VETH_C" "$NS_C"
open_host_client c1 --keepalive 1
client_send c1 "then silence"
wait_for "the echo came back" grep -qx "then silence" "$LAB_TMP/c1.out"
note "--keepalive 1: TCP_KEEPIDLE 1 s, TCP_KEEPINTVL 1 s, TCP_KEEPCNT 3 (the defaults are 2 hours, 75 s, 9)."
host_ss "$NS_C"
note "Notice the timer:(keepalive,...) of each end: probes are due after 1 s of silence."

say "The connection is idle. Then the server host crashes: no FIN, no RST, nothing more from it."
crash_server_host
note "Neither side has anything to send, so without keepalive neither would ever notice."

client_wait c1 15 # idle 1 s, then 3 probes 1 s apart: a few seconds, more on a loaded machine
status=$CLIENT_STATUS
dead() { grep -Eq '^str_echo: read error' "$LOG" || grep -Eq '^child [0-9]+ terminated' "$LOG"; }
for _ in $(seq 200); do dead && break; sleep 0.05; done
show_log
show_timeline "$PORT"
note "echocli said: $(client_err c1)"
note "Notice: the client's probes (keepalive probe: an ACK one byte behind, no data) went unanswered; after 3 of them"
note "its TCP gave up and the pending socket error, ETIMEDOUT, woke echocli's poll. The server's child, blocked in"
note "read, got its own keepalive error: its probes could not even leave the crashed host (no address, no route)."
check "echocli reported the dead connection" grep -Eq '^str_cli: socket error: .*\((ETIMEDOUT|EHOSTUNREACH)\)$' "$LAB_TMP/c1.err"
check "echocli exited 1" test "$status" -eq 1
check "the server's child learnt it too (its read failed and it ended)" dead
if capture_ok; then
    check "the client sent keepalive probes" test "$(capture_count "$PORT" 'keepalive probe')" -ge 2
fi

questions "After the crash, how many keepalive probes did the client send before it gave up, and how far apart? How do the --keepalive 1 settings explain it?" \
          "Without SO_KEEPALIVE, what would either side have noticed of the crash, and when?" \
          "With the default settings (2 hours, 75 s, 9 probes), how long would a dead peer go unnoticed?"
