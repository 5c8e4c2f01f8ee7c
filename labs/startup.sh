#!/usr/bin/env bash
# normal startup: the listening parent; a client; two ESTABLISHED ends and a child
# unp: 5.6
# needs: ss:iproute2 ps:procps netstat:net-tools tcpdump:tcpdump
source "$(dirname "$0")/lib.sh"
LAB_WATCH=1 # where unpwatch is installed, its events of each server end the transcript (issue 22)
source "$LAB_DIR/capture.bash"

say "Start the server. Before any client: one process, one socket in LISTEN."
start_server
capture_start "$PORT"
show_ps
[ $$ != 1 ] || note "(PPID 1: the lab's shell, pid 1 in the lab's own pid namespace; started from your shell, it would be your shell's pid.)"
show_ss
check "the parent is alone (no child yet)" test "$(children)" -eq 0
check "its socket is in LISTEN on port $PORT" test "$(ss_count listening)" -eq 1

say "Start a client; the lab types a line into it and leaves the session open."
open_client c1
client_send c1 "hello"
wait_for "the echo came back" grep -qx hello "$LAB_TMP/c1.out"
note "echocli printed: $(client_out c1)"
show_ps
show_ss
child=$(child_pids)
note "Notice: a second echosrv, pid $child, whose PPID is the parent $SRV_PID: the child that fork() made for this connection."
note "Notice: two ESTAB lines, the client's end (its ephemeral port -> $PORT) and the server's end (port $PORT -> the client's port)."
note "The LISTEN socket is still there: the parent goes on accepting while its child serves."
note "Why tcp6 in netstat, and [::ffff:127.0.0.1] in ss: echosrv listens on the IPv6 wildcard (:::$PORT, ss: *) with"
note "IPV6_V6ONLY off, one dual-stack socket that also takes IPv4 clients (UNP 12.2). Its ends are IPv6 sockets, and"
note "the IPv4 client is the IPv4-mapped address ::ffff:127.0.0.1 (netstat prints it as 127.0.0.1 on a tcp6 line)."
note "Start it with echosrv --bind 0.0.0.0 and the listener is IPv4 only: netstat then shows tcp lines,"
note "0.0.0.0:$PORT in LISTEN and 127.0.0.1 at both ends, as in the book's figures."
note "(STAT: the parent is 'Sl', multi-threaded, as every .NET process is; the child is 'S': fork() copies only the calling thread.)"
check "exactly one child, whose parent is the server" test "$(children)" -eq 1 -a "$(awk '{print $4}' /proc/$child/stat)" = "$SRV_PID"
check "two ESTABLISHED ends, one per side" test "$(ss_count established)" -eq 2
check "the listener is still in LISTEN" test "$(ss_count listening)" -eq 1
show_timeline "$PORT"
note "Notice: the three-way handshake of figure 2.2 (SYN, SYN,ACK, ACK), then the line and its echo, each acknowledged."
capture_ok && check "the connection began with SYN, SYN,ACK, ACK" test "$(capture_lines "$PORT" | head -3 | grep -Ec '── (SYN|SYN,ACK|ACK) ')" -eq 3

questions "Once the client was connected, how many echosrv processes were there, and which column of ps tells the parent from its child?" \
          "Why did ss show two ESTAB lines for one connection? Which port is the client's ephemeral port?" \
          "In the timeline, which segments make the three-way handshake, and which carry the line and its echo? (UNP figures 2.2, 2.5)"
