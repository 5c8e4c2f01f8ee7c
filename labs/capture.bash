# Packet captures for the labs (UNP figures 2.2, 2.5, 5.x): tcpdump on the lab's own port
# and interface only, shown as a timeline by timeline.awk. Sourced by a lab after lib.sh.
# Without root or without tcpdump a lab still runs: it says why there is no picture, and
# capture_ok is false, so checks that need the capture are skipped.
CAP_PID=""
CAP_FILE=""
CAP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# capture_ok: true when this lab has a capture running or taken.
capture_ok() { [ -n "$CAP_FILE" ]; }

# capture_start PORT [IFACE [NETNS]]: starts tcpdump on IFACE (default lo), in NETNS if given.
capture_start() {
    local port=$1 iface=${2:-lo} ns=${3:-}
    if [ "$(id -u)" != 0 ] || ! command -v tcpdump >/dev/null; then
        note "(no packet capture: it needs root and tcpdump)"
        return 0
    fi
    CAP_FILE=$LAB_TMP/capture.pcap
    local err=$LAB_TMP/tcpdump.err
    ${ns:+ip netns exec "$ns"} tcpdump -i "$iface" -n -U --immediate-mode -s 128 -w "$CAP_FILE" "tcp port $port" 2> "$err" &
    CAP_PID=$!
    for _ in $(seq 100); do grep -q 'listening on' "$err" && return 0; sleep 0.05; done
    fail "tcpdump did not start: $(cat "$err")"
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
    tcpdump -n -tt -S -r "$CAP_FILE" 2>/dev/null | awk -v server_port="$1" -f "$CAP_DIR/timeline.awk"
}

# show_timeline PORT: prints the exchange, as the book draws it.
show_timeline() {
    capture_ok || return 0
    capture_stop
    printf -- '--- packets on port %s (tcpdump; times from the first packet) ---\n' "$1"
    capture_lines "$1"
    printf -- '------------------\n'
}

# capture_count PORT REGEX: how many timeline lines match REGEX.
capture_count() { capture_lines "$1" | grep -Ec -- "$2" || true; }
