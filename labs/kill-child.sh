#!/usr/bin/env bash
# the server's child is killed: its FIN, the client notices, the parent serves on
# unp: 5.12
# needs: ss:iproute2 ps:procps netstat:net-tools tcpdump:tcpdump
source "$(dirname "$0")/lib.sh"
LAB_WATCH=1 # where unpwatch is installed, its events of each server end the transcript (issue 22)
source "$LAB_DIR/capture.bash"

start_server
capture_start "$PORT"
open_client c1
client_send c1 "another line"
wait_for "the echo came back" grep -qx "another line" "$LAB_TMP/c1.out"
child=$(child_pids)
show_ps

say "Kill the child that serves this client."
run kill "$child"
client_wait c1
status=$CLIENT_STATUS
# The client sees the FIN and the parent its SIGCHLD at the same moment: let the parent log it.
wait_for "the parent reaped the child" grep -qx "child $child terminated by signal 15 (SIGTERM)" "$LOG"
show_ss
show_log
show_timeline "$PORT"
note "echocli said: $(client_err c1)"
note "Notice: killing the child closed its descriptors, so the kernel sent a FIN to the client. echocli waits in poll()"
note "on both stdin and the socket (strcliselect02), so it sees the FIN at once and says the server terminated prematurely"
note "(UNP's first str_cli, blocked in fgets, would only notice at the next line it typed)."
check "echocli reported the premature termination" grep -qx "str_cli: server terminated prematurely" "$LAB_TMP/c1.err"
check "echocli exited 1" test "$status" -eq 1
capture_ok && check "the killed child's socket sent a FIN, not a RST" test "$(capture_count "$PORT" '<── FIN')" -eq 1 -a "$(capture_count "$PORT" 'RST')" -eq 0
check "the parent logged the child's death by SIGTERM" grep -qx "child $child terminated by signal 15 (SIGTERM)" "$LOG"

say "The parent is still there, and serves a new client."
run_to reply "echo 'still serving' | echocli 127.0.0.1 --port $PORT"
note "echocli printed: $reply"
check "a new client is served" test "$reply" = "still serving"
check "the parent is alive" kill -0 "$SRV_PID"

questions "What did the killed child's socket send, a FIN or a RST? Why that one?" \
          "echocli said at once that the server terminated; the book's client (lab kill-child-blocking) does not. Why?" \
          "Which line of the server's log shows the child was reaped, and what told the parent it had died?"
