#!/usr/bin/env bash
# crash and reboot of the server host: the next line draws a RST (ECONNRESET)
# unp: 5.15
# needs: ip:iproute2 tcpdump:tcpdump ss:iproute2 ps:procps
# UNP 5.15, crash and reboot of the server host: it comes back with no process and no TCP
# state, so the client's next line is answered by a RST, and readline fails with ECONNRESET.
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/netns.bash"
source "$LAB_DIR/capture.bash"

say "Two hosts, a server on one, the book's client (echocli --blocking) on the other."
netns_setup
start_server_on_host
capture_start "$PORT" "$VETH_C" "$NS_C"
open_host_client c1 --blocking
client_send c1 "before the crash"
wait_for "the echo came back" grep -qx "before the crash" "$LAB_TMP/c1.out"
host_ss "$NS_S"

say "The server host crashes (it stops answering), loses every process, and reboots with no TCP state."
crash_server_host
note "Every process on the server host is killed; what they would send goes nowhere (the host has no address)."
run ip netns pids "$NS_S"
disown "$SRV_PID" # the lab does not wait for it: bash would report its SIGKILL ("Killed"), which is not the experiment's
run_line "kill -KILL \$(ip netns pids $NS_S)"
netns_wait_empty "$NS_S"
SRV_PID=""
# Its orphaned sockets still hold state in the kernel: the reboot is what loses it.
run ip -n "$NS_S" link set "$VETH_S" down
run ip netns exec "$NS_S" ss -K -tan "( sport = :$PORT )" || true   # ss -K: destroy what is left, as the reboot does
forgotten() { [ -z "$(ip netns exec "$NS_S" ss -Htan "( sport = :$PORT )")" ]; }
wait_for "the server host has no TCP state for the port" forgotten
run ip -n "$NS_S" addr add "$IP_S/24" dev "$VETH_S"
run ip -n "$NS_S" link set "$VETH_S" up
host_ss "$NS_S"
note "The server host is back: same address, no server process, no knowledge of the connection."

say "A line goes into the client: it is sent to the rebooted host, which answers with a RST."
host_ss "$NS_C"
note "Notice: the client's end is still ESTAB: nothing told the client host of the crash or the reboot."
client_send c1 "after the reboot"
client_wait c1
status=$CLIENT_STATUS
show_timeline "$PORT"
note "echocli said: $(client_err c1)"
note "The client still believed in the connection; the rebooted host's TCP knows no such connection and"
note "answers the data with a RST, so readline fails with ECONNRESET (UNP 5.15)."
check "echocli reported the reset" grep -Eq '^str_cli: readline error: Connection reset by peer \(ECONNRESET\)$' "$LAB_TMP/c1.err"
check "echocli exited 1" test "$status" -eq 1
if capture_ok; then
    check "the rebooted host answered the line with a RST" test "$(capture_count "$PORT" '<── RST')" -ge 1
fi

questions "After the reboot, what did the server host answer the client's line with, and why? (UNP 5.15)" \
          "Exercise 5.5: had a new echosrv been started on the rebooted host before the line was sent, would the answer have been different?"
