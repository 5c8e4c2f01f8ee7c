#!/usr/bin/env bash
# the server is stopped with SIGTERM while clients are connected
# unp: 5.16
# needs: ss:iproute2 ps:procps netstat:net-tools
source "$(dirname "$0")/lib.sh"
LAB_WATCH=1 # where unpwatch is installed, its events of each server end the transcript (issue 22)

start_server
for c in c1 c2 c3; do
    open_client "$c"
    client_send "$c" "hello from $c"
    wait_for "$c's echo" grep -qx "hello from $c" "$LAB_TMP/$c.out"
done
kids=$(child_pids)
show_ps
show_ss

say "Stop the server with SIGTERM."
pid=$SRV_PID
status=0
stop_server || status=$?
for c in c1 c2 c3; do client_wait "$c"; eval "status_$c=\$CLIENT_STATUS"; done
alive=0
for k in $kids; do [ -d "/proc/$k" ] && alive=$((alive + 1)); done
SRV_PID=$pid show_ps || true
show_ss
show_log
server_tw=$(ss -Htan state time-wait "( sport = :$PORT )" | wc -l)
note "Notice: no listener is left: the parent closed its listening socket first. Then each child got SIGTERM and the parent"
note "reaped all three (the 'terminated by signal 15' lines) before exiting 0."
note "Each child's death closed its connection, so every client saw the server's FIN and said: $(client_err c1)"
note "Measured: $server_tw of the TIME_WAIT ends $( [ "$server_tw" -eq 1 ] && echo is || echo are) the server's (local port $PORT; ss writes TIME-WAIT): the server closed first,"
note "so its side did the active close and waits 2MSL (UNP 2.7), the mirror image of the normal-termination lab."
check "the server exited 0" test "$status" -eq 0
check "no child is left" test "$alive" -eq 0
check "every child was reaped by the parent" test "$(grep -Ec 'terminated by signal 15 \(SIGTERM\)' "$LOG")" -eq 3
check "every client saw its connection close" test "$status_c1$status_c2$status_c3" = 111
check "no socket is listening on the port" test "$(ss -Htln "( sport = :$PORT )" | wc -l)" -eq 0

questions "After SIGTERM, which side's ends of the connections are in TIME_WAIT, and why that side? (UNP 2.7)" \
          "In what order did the server stop: its listener, its children, itself? Which lines of its log show it?"
