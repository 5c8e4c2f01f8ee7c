#!/usr/bin/env bash
# the same with the book's client blocked in fgets: FIN_WAIT_2, CLOSE_WAIT, RST
# unp: 5.12
# needs: ss:iproute2 ps:procps tcpdump:tcpdump
# UNP 5.12 as the book shows it: with tcpcli01 (echocli --blocking) sitting in fgets, the server's
# child is killed. Its FIN arrives, but the client cannot see it: the server's end waits in
# FIN_WAIT_2, the client's in CLOSE_WAIT, until the next line, whose write draws a RST.
source "$(dirname "$0")/lib.sh"
LAB_WATCH=1 # where unpwatch is installed, its events of each server end the transcript (issue 22)
source "$LAB_DIR/capture.bash"

start_server
capture_start "$PORT"
open_client c1 --blocking
client_send c1 "another line"
wait_for "the echo came back" grep -qx "another line" "$LAB_TMP/c1.out"
child=$(child_pids)
show_ps

say "Kill the child that serves this client; the client is blocked in fgets, reading its stdin."
run kill "$child"
wait_for "the parent reaped the child" grep -qx "child $child terminated by signal 15 (SIGTERM)" "$LOG"
# The client's TCP acknowledges the FIN (its end goes to CLOSE_WAIT), and that ACK may be delayed
# (~40 ms): until it arrives, the server's end is in FIN_WAIT_1. So each state is waited for, with
# a deadline, before ss is shown and anything is said about it.
wait_for "the client's end in CLOSE_WAIT" ss_is close-wait
if ! wait_until 3 ss_is fin-wait-2; then
    show_ss
    fail "the server's end did not reach FIN_WAIT_2 within 3 s (the client's ACK of the FIN): ss shows what it is in above"
fi
show_ss
note "Notice: the server's end (local port $PORT) is in FIN-WAIT-2 (the book's FIN_WAIT_2): its FIN was acknowledged."
note "Notice: the client's end is in CLOSE-WAIT (CLOSE_WAIT): the FIN arrived, but echocli, blocked in fgets, has not read it."
check "the server's end is in FIN_WAIT_2" test "$(ss_count fin-wait-2)" -eq 1
check "the client's end is in CLOSE_WAIT" test "$(ss_count close-wait)" -eq 1
check "echocli is still running" kill -0 "${CLIENT_PID[c1]}"

say "A second line goes in. echocli writes it (the write succeeds), the server's TCP answers with a RST,"
note "and readline, reading the FIN that was waiting, returns 0: the server terminated prematurely."
client_send c1 "one more"
client_wait c1
status=$CLIENT_STATUS
show_timeline "$PORT"
note "echocli said: $(client_err c1)"
check "echocli reported the premature termination" grep -qx "str_cli: server terminated prematurely" "$LAB_TMP/c1.err"
check "echocli exited 1" test "$status" -eq 1
if capture_ok; then
    check "the killed child's end sent a FIN, not a RST" test "$(capture_count "$PORT" '<── FIN')" -eq 1
    check "the line written after it drew a RST" test "$(capture_count "$PORT" '<── RST')" -ge 1
fi

questions "After the kill, which state was each end in, and why does the client's end stay in CLOSE_WAIT? (UNP 5.12)" \
          "The second line was written without an error. What did the server's TCP answer, and what did readline return then?" \
          "Exercise 5.4: are the last two segments of the termination (the client's FIN, and its ACK) ever sent? Look at the timeline."
