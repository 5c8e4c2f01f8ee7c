#!/usr/bin/env bash
# crash of the server host: retransmissions until TCP gives up (ETIMEDOUT)
# unp: 5.14
# needs: ip:iproute2 tcpdump:tcpdump ss:iproute2
# UNP 5.14, crash of the server host: no FIN, no RST; the client's next line is retransmitted
# until TCP gives up, and the client, blocked in readline, reports the error.
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/netns.bash"
source "$LAB_DIR/capture.bash"

say "Two hosts, a server on one, the book's client (tcpcli01: echocli --blocking) on the other."
netns_setup
start_server_on_host
capture_start "$PORT" "$VETH_C" "$NS_C"
open_host_client c1 --blocking
client_send c1 "before the crash"
wait_for "the echo came back" grep -qx "before the crash" "$LAB_TMP/c1.out"
host_ss "$NS_C"

say "The server host crashes: it stops answering, and sends nothing as it goes."
crash_server_host
note "A line goes into the client: echocli writes it and blocks in readline, waiting for the echo."
client_send c1 "after the crash"
note "TCP retransmits the line, doubling the timeout each time (UNP 5.14), until tcp_retries2 is exhausted."
for _ in $(seq 10); do sleep 0.3; done
host_ss "$NS_C"
client_wait c1
status=$CLIENT_STATUS
show_timeline "$PORT"
note "echocli said: $(client_err c1)"
note "Notice: no FIN and no RST came from the server: the lines marked retransmission are the same bytes sent again,"
note "unanswered, until the client's TCP gave up and readline returned the error (ETIMEDOUT; EHOSTUNREACH if an ICMP"
note "error or a failed ARP was the last thing heard). With the default tcp_retries2 (15) that takes about 15 minutes."
retx=$(capture_count "$PORT" 'PSH.*retransmission')
check "echocli reported a timeout or an unreachable host" grep -Eq '^str_cli: readline error: .*\((ETIMEDOUT|EHOSTUNREACH)\)$' "$LAB_TMP/c1.err"
check "echocli exited 1" test "$status" -eq 1
if capture_ok; then
    check "the line was retransmitted (at least twice: $retx)" test "$retx" -ge 2
    check "the server sent no FIN and no RST" test "$(capture_count "$PORT" '<── [A-Z,]*(FIN|RST)')" -eq 0
fi

questions "How many times was the line retransmitted, and how did the time between two retransmissions change?" \
          "Why did the client receive neither a FIN nor a RST? What error did readline finally return?" \
          "With the default tcp_retries2, how long would the client have waited before that error?"
