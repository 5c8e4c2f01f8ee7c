# Packet captures for the labs (UNP figures 2.2, 2.5, 5.x): tcpdump on the lab's own port
# and interface only, shown as a timeline by timeline.awk. Sourced by a lab after lib.sh.
# In the lab's namespaces the student has every capability over its network, so tcpdump runs
# for everyone; only without them (UNP_LAB_NS=none) is there no picture: the lab says so,
# capture_ok is false, and the checks that need the capture are skipped.
CAP_PID=""
CAP_FILE=""

# capture_ok: true when this lab has a capture running or taken.
capture_ok() { [ -n "$CAP_FILE" ]; }

# capture_start PORT [IFACE [NETNS]]: starts tcpdump on IFACE (default lo), in NETNS if given.
# As root, -Z root: tcpdump would switch to its own user, who cannot write into the lab's directory.
capture_start() {
    local port=$1 iface=${2:-lo} ns=${3:-}
    if [ "$UNP_LAB_NS" = none ]; then
        note "(no packet capture: it needs a network namespace of the lab's own, or root)"
        return 0
    fi
    if ! command -v tcpdump >/dev/null; then
        note "(no packet capture: tcpdump is not installed; Debian/Ubuntu: apt-get install tcpdump)"
        return 0
    fi
    CAP_FILE=$LAB_TMP/capture.pcap
    run_bg "${ns:+ip netns exec $ns }tcpdump -i $iface -n -U --immediate-mode -s 128 $([ "$(id -u)" != 0 ] || echo "-Z root ")-w capture.pcap 'tcp port $port' 2> tcpdump.err"
    CAP_PID=$!
    LAB_CLEANUPS+=(capture_stop)
    for _ in $(seq 100); do grep -q 'listening on' "$LAB_TMP/tcpdump.err" && return 0; sleep 0.05; done
    fail "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.err")"
}

# capture_stop: ends tcpdump (SIGINT: it flushes what it captured).
capture_stop() {
    [ -n "$CAP_PID" ] || return 0
    sleep 0.2 # the last packets of the exchange reach the capture
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    CAP_PID=""
}

# capture_lines PORT: the capture as timeline lines (empty without a capture).
capture_lines() {
    capture_ok || return 0
    tcpdump -n -tt -S -r "$CAP_FILE" 2>/dev/null | awk -v server_port="$1" -f "$LAB_DIR/timeline.awk"
}

# show_timeline PORT: prints the exchange, as the book draws it.
show_timeline() {
    capture_ok || return 0
    capture_stop
    out -- '--- packets on port %s (tcpdump; times from the first packet) ---\n' "$1"
    capture_lines "$1"
    out -- '------------------\n'
}

# capture_count PORT REGEX: how many timeline lines match REGEX.
capture_count() { capture_lines "$1" | grep -Ec -- "$2" || true; }
