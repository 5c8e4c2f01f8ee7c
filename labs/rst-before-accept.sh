#!/usr/bin/env bash
# a connection reset while it waits in the accept queue; the server goes on
# unp: 5.11
# needs: ss:iproute2 netstat:net-tools tcpdump:tcpdump
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/capture.bash"

start_server --max-children 1
capture_start "$PORT"
say "Keep the server from accepting: one client holds its only child (--max-children 1)."
open_client holder
client_send holder "hold"
wait_for "the holder's echo" grep -qx hold "$LAB_TMP/holder.out"

say "A second client connects (the kernel completes the handshake and queues it) and at once closes with a RST."
run_line "echocli --linger0 127.0.0.1 --port $PORT < /dev/null"
run ss -tln "( sport = :$PORT )"
recvq=$(ss -Htln "( sport = :$PORT )" | awk '{print $2}')
note "The listener's Recv-Q is $recvq: the reset connection is still in the accept queue."

say "Release the server: the holder leaves, the parent accepts what is queued."
client_close holder
client_wait holder
dealt_with() { grep -q '^accept error' "$LOG" || [ "$(grep -Ec '^child [0-9]+ terminated' "$LOG")" -ge 2 ]; }
wait_for "the reset connection was dealt with (accept failed, or its child ended)" dealt_with
show_log
show_timeline "$PORT"
note "Notice: the --linger0 client's connection is the one that ends with RST: no FIN, the handshake then a reset (UNP 7.5)."
capture_ok && check "the --linger0 client closed with a RST" test "$(capture_count "$PORT" '── RST')" -ge 1

if grep -q '^accept error: .*(ECONNABORTED)' "$LOG"; then
    note "Measured: accept() failed with ECONNABORTED, as POSIX says it should (UNP 5.11). The server logged it and"
    note "called accept() again, as UNP's loop does."
elif grep -q '^accept error: .*(EPROTO)' "$LOG"; then
    note "Measured: accept() failed with EPROTO, the SVR4 behaviour of UNP 5.11. The server retried."
else
    port=$(grep '^connection from' "$LOG" | sed -n '2s/.*port //p')
    note "Measured: Linux's accept() returned the reset connection like any other (client port $port): no"
    note "ECONNABORTED. The connection had been established, so Linux hands it over and lets the first read report it."
    if grep -q '^str_echo: read error: Connection reset by peer (ECONNRESET)' "$LOG"; then
        note "The child's first read() then failed with ECONNRESET, logged as 'str_echo: read error', and it exited 0."
    else
        note "The child's first read() returned 0, as for a FIN, and it exited normally."
    fi
fi

say "The server keeps working."
run_to reply "echo 'after the reset' | echocli 127.0.0.1 --port $PORT"
note "echocli printed: $reply"
check "the reset connection reached accept() one way or the other" test "$(grep -c -e '^connection from' -e '^accept error' "$LOG")" -ge 2
check "a new client is served" test "$reply" = "after the reset"
check "the parent is alive" kill -0 "$SRV_PID"

questions "What did Linux's accept() give the server for the connection reset while it was queued: an error, or the connection? (UNP 5.11)" \
          "What did the child's first read() on it return, and which line of the server's log shows it?" \
          "In the timeline, how does the --linger0 client's close differ from a normal close? (UNP 7.5, SO_LINGER)"
