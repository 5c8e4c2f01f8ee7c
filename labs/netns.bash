# Two hosts for the labs of UNP 5.14-5.16 and 7.5: network namespaces "client" and "server"
# joined by a veth pair, with private addresses. Inside the lab's own namespaces (lib.sh), no one
# else sees them and they vanish with the lab; as root without those (UNP_LAB_NS=host), they are
# made on the machine itself, named after the lab's pid, and deleted on exit even on failure.
# Without either (a user the kernel gives no namespace), the lab is skipped (exit 77).
# Sourced by a lab after lib.sh.
case $UNP_LAB_NS in
user | root) NS_C=client NS_S=server VETH_C=veth-c VETH_S=veth-s ;;
*) NS_C=unp5-c$$ NS_S=unp5-s$$ VETH_C=unp5c$$ VETH_S=unp5s$$ ;; # IFNAMSIZ: 15 characters at most
esac
IP_C=10.255.5.1
IP_S=10.255.5.2
NETNS_UP=""

# What this run created and has not deleted yet.
netns_leftovers() { { ip netns list 2>/dev/null | grep -Eo "^($NS_C|$NS_S)\b"; ip -o link show 2>/dev/null | grep -Eo "\b($VETH_C|$VETH_S)\b"; } | sort -u; }

# netns_setup: the two hosts, their link, their addresses, and timers in seconds, not minutes.
netns_setup() {
    [ "$UNP_LAB_NS" != none ] || skip "its two hosts are network namespaces, and there are none: $UNP_LAB_NS_WHY"
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    [ -z "$(netns_leftovers)" ] || fail "before the lab: $(netns_leftovers | tr '\n' ' ') already exist"
    NETNS_UP=1
    LAB_CLEANUPS+=(netns_cleanup)
    # ip netns names a namespace by a file in /run/netns: the lab's own /run (its mount namespace).
    if [ "$UNP_LAB_NS" != host ]; then
        note "ip netns names its namespaces in /run/netns: first a /run of the lab's own, seen only inside its namespaces."
        run mount -t tmpfs -o mode=0755 lab-run /run
    fi
    run ip netns add "$NS_C" || skip "ip netns add failed (no network namespaces here?)"
    run ip netns add "$NS_S"
    run ip link add "$VETH_C" netns "$NS_C" type veth peer name "$VETH_S" netns "$NS_S"
    run ip -n "$NS_C" addr add "$IP_C/24" dev "$VETH_C"
    run ip -n "$NS_S" addr add "$IP_S/24" dev "$VETH_S"
    local ns
    for ns in "$NS_C" "$NS_S"; do
        run ip -n "$ns" link set lo up
        # Only inside the lab's hosts: give up on an unanswered segment after about 3 s
        # (tcp_retries2 3: RTO 0.2 + 0.4 + 0.8 + 1.6 s), not the 15 minutes of the default.
        run ip netns exec "$ns" sysctl -qw net.ipv4.tcp_retries2=3
    done
    run ip -n "$NS_C" link set "$VETH_C" up
    run ip -n "$NS_S" link set "$VETH_S" up
    note "Two hosts: client $IP_C (netns $NS_C, $VETH_C) and server $IP_S (netns $NS_S, $VETH_S), joined by a veth pair;"
    note "net.ipv4.tcp_retries2=3 inside them only, so an unanswered segment is given up after seconds."
}

# start_server_on_host [program] [args...]: on the server host, port 9877 (the host is ours).
start_server_on_host() {
    local program=echosrv
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then program=$1; shift; fi
    LOG=$LAB_TMP/server.log
    PORT=9877
    : > "$LOG"
    run_bg "$(shquote ip netns exec "$NS_S" "$program" --port "$PORT" --bind "$IP_S" --log server.log "$@")"
    SRV_PID=$! # ip netns exec execs the program: this is the server's pid
    for _ in $(seq 200); do grep -q 'listening on' "$LOG" && break; sleep 0.05; done
    grep -q 'listening on' "$LOG" || fail "the server did not start: $(cat "$LOG")"
    note "(pid $SRV_PID)"
}

# open_host_client NAME [echocli args...]: an echocli session on the client host (see open_client).
open_host_client() {
    local name=$1; shift
    open_client_line "$name" "$(shquote ip netns exec "$NS_C" echocli "$IP_S" --port "$PORT" "$@")"
}

# host_ss NS: the TCP sockets of one host, on the lab's port.
host_ss() { run ip netns exec "$1" ss -tano "( sport = :$PORT or dport = :$PORT )"; }

# The server host crashes: it answers nothing any more. Its address goes away, so what reaches
# it is dropped without a reply (no RST, no ICMP: forwarding is off); the link stays up, so
# the client's retransmissions can be watched on the wire.
crash_server_host() { run ip -n "$NS_S" addr flush dev "$VETH_S"; }

# netns_kill_all NS SIG: a signal to every process on that host (what init does at shutdown).
netns_kill_all() { local p; for p in $(ip netns pids "$1" 2>/dev/null); do kill "-$2" "$p" 2>/dev/null || true; done; }

# netns_wait_empty NS: until no process is left on that host, SIGKILLing again whatever is still
# listed (a process forked while the first signals went out). 15 s on a loaded machine, then the
# lab fails and shows what was left.
netns_wait_empty() {
    local _
    for _ in $(seq 150); do
        [ -z "$(ip netns pids "$1" 2>/dev/null)" ] && return 0
        netns_kill_all "$1" KILL
        sleep 0.1
    done
    ps -o pid,ppid,stat,wchan:20,cmd --pid "$(ip netns pids "$1" | tr '\n' ',' | sed 's/,$//')" >&2 || true
    fail "the host $1 still has processes after SIGKILL (waited 15 s)"
}

# Whatever happened: every process on the two hosts is killed, the hosts and their link deleted,
# and nothing of ours is left (checked).
netns_cleanup() {
    [ -n "$NETNS_UP" ] || return 0
    NETNS_UP=""
    local ns
    for ns in "$NS_C" "$NS_S"; do netns_kill_all "$ns" KILL; done
    for ns in "$NS_C" "$NS_S"; do
        for _ in $(seq 100); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.05; done
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ -n "$(netns_leftovers)" ]; then
        printf 'LAB FAILED: left behind: %s\n' "$(netns_leftovers | tr '\n' ' ')" >&2
        exit 1
    fi
}
