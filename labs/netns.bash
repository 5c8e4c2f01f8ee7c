# Two hosts for the labs of UNP 5.14-5.16 and 7.5: network namespaces "client" and "server"
# joined by a veth pair, with private addresses, created by the lab and deleted on exit even
# on failure. Sourced by a lab after lib.sh. Needs root; without it the lab is skipped
# (exit 77, which make labs and LabTests count as skipped, not failed).
NS_C=unp5-c$$
NS_S=unp5-s$$
VETH_C=unp5c$$        # the client host's interface (IFNAMSIZ: 15 characters at most)
VETH_S=unp5s$$
IP_C=10.255.5.1
IP_S=10.255.5.2
NETNS_UP=""

netns_skip() { printf 'lab skipped: %s\n' "$*"; exit 77; }

# What this run created and has not deleted yet: namespaces and links named after our pid.
netns_leftovers() { { ip netns list 2>/dev/null | grep -Eo "unp5-[cs]$$\b"; ip -o link show 2>/dev/null | grep -Eo "unp5[cs]$$\b"; } | sort -u; }

# netns_setup: the two hosts, their link, their addresses, and timers in seconds, not minutes.
netns_setup() {
    [ "$(id -u)" = 0 ] || netns_skip "it creates network namespaces, which needs root (run it with sudo)"
    command -v ip >/dev/null || netns_skip "ip (iproute2) is not installed"
    [ -z "$(netns_leftovers)" ] || fail "before the lab: $(netns_leftovers | tr '\n' ' ') already exist"
    NETNS_UP=1
    trap 'lab_cleanup; netns_cleanup' EXIT
    ip netns add "$NS_C" || netns_skip "ip netns add failed (no network namespaces here?)"
    ip netns add "$NS_S"
    ip link add "$VETH_C" netns "$NS_C" type veth peer name "$VETH_S" netns "$NS_S"
    ip -n "$NS_C" addr add "$IP_C/24" dev "$VETH_C"
    ip -n "$NS_S" addr add "$IP_S/24" dev "$VETH_S"
    for ns in "$NS_C" "$NS_S"; do
        ip -n "$ns" link set lo up
        # Only inside the lab's hosts: give up on an unanswered segment after about 3 s
        # (tcp_retries2 3: RTO 0.2 + 0.4 + 0.8 + 1.6 s), not the 15 minutes of the default.
        ip netns exec "$ns" sysctl -qw net.ipv4.tcp_retries2=3
    done
    ip -n "$NS_C" link set "$VETH_C" up
    ip -n "$NS_S" link set "$VETH_S" up
    note "Two hosts: client $IP_C (netns $NS_C, $VETH_C) and server $IP_S (netns $NS_S, $VETH_S), joined by a veth pair;"
    note "net.ipv4.tcp_retries2=3 inside them only, so an unanswered segment is given up after seconds."
}

# on_client CMD... / on_server CMD...: run a command on one host.
on_client() { ip netns exec "$NS_C" "$@"; }
on_server() { ip netns exec "$NS_S" "$@"; }

# start_server_on_host [program] [args...]: on the server host, port 9877 (the host is ours).
start_server_on_host() {
    local program=echosrv
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then program=$1; shift; fi
    LOG=$LAB_TMP/server.log
    PORT=9877
    : > "$LOG"
    printf '$ ip netns exec %s %s --port %s --bind %s --log %s %s &\n' "$NS_S" "$program" "$PORT" "$IP_S" "$LOG" "$*"
    ip netns exec "$NS_S" "$BIN/$program" --port "$PORT" --bind "$IP_S" --log "$LOG" "$@" &
    SRV_PID=$! # ip netns exec execs the program: this is the server's pid
    for _ in $(seq 200); do grep -q 'listening on' "$LOG" && break; sleep 0.05; done
    grep -q 'listening on' "$LOG" || fail "the server did not start: $(cat "$LOG")"
}

# open_host_client NAME [echocli args...]: an echocli session on the client host (see open_client).
open_host_client() {
    local name=$1; shift
    mkfifo "$LAB_TMP/$name.in"
    printf '$ ip netns exec %s echocli %s --port %s %s\n' "$NS_C" "$IP_S" "$PORT" "$*"
    ip netns exec "$NS_C" "$BIN/echocli" "$IP_S" --port "$PORT" "$@" < "$LAB_TMP/$name.in" > "$LAB_TMP/$name.out" 2> "$LAB_TMP/$name.err" &
    CLIENT_PID[$name]=$!
    exec {fd}> "$LAB_TMP/$name.in"
    CLIENT_FD[$name]=$fd
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
