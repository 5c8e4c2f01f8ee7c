#!/usr/bin/env bash
# normal termination: Ctrl-D; the client's end in TIME_WAIT; the child reaped
# unp: 5.7
# needs: ss:iproute2 ps:procps netstat:net-tools tcpdump:tcpdump
# UNP 5.7: the client types EOF; its end goes to TIME_WAIT; the child exits and is reaped.
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/capture.bash"

start_server
capture_start "$PORT"
open_client c1
client_send c1 "one line"
wait_for "the echo came back" grep -qx "one line" "$LAB_TMP/c1.out"
show_ss

say "The lab types Ctrl-D in the client (EOF on its stdin)."
note "echocli sends its FIN; the child reads EOF, returns from str_echo and exits, which closes the server's end."
client_close c1
client_wait c1
status=$CLIENT_STATUS
wait_for "the child was reaped" no_children
show_ss
show_ps
show_log
show_timeline "$PORT"
tw=$(ss -Htan state time-wait "( dport = :$PORT )" | wc -l)
note "Notice: the TIME_WAIT line is the client's end (peer port $PORT): the side that sent the first FIN does the active close and waits 2MSL (UNP 2.7)."
note "Notice: no child in ps, and the log says it terminated: the parent's SIGCHLD reaper collected it with waitpid()."
check "echocli exited 0" test "$status" -eq 0
capture_ok && check "the client's FIN came first, then the server's (figure 2.5), and no RST" \
    test "$(capture_lines "$PORT" | grep -Eo '(── FIN|<── FIN|RST)' | tr '\n' ' ')" = "── FIN <── FIN "
check "the client's end is in TIME_WAIT" test "$tw" -ge 1
check "the child is gone and reaped (no zombie)" test "$(children)" -eq 0
check "the log shows the child's normal exit" grep -Eq '^child [0-9]+ terminated, exit status 0$' "$LOG"

questions "Which end of the connection is in TIME_WAIT, and why that one? (UNP 2.7, 5.7)" \
          "In the timeline, which side sent the first FIN, and in what order did the other segments of the termination follow?"
