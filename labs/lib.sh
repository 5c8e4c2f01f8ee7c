# Shared by every lab: start and stop the server, hold client sessions open, show ps and
# ss, and check what was observed. Each lab sources this file.
set -euo pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$LAB_ROOT/bin}
export PATH="$BIN:$PATH"
for p in echosrv echocli; do
    [ -x "$BIN/$p" ] || { echo "lab: $BIN/$p is missing; run make first" >&2; exit 2; }
done
LAB_TMP=$(mktemp -d /tmp/unp-lab.XXXXXX)
SRV_PID=""
PORT=""
LOG=""

# Narration: what is about to happen, and what to notice. Bold headings only on a terminal,
# and never when NO_COLOR is set (no-color.org): a transcript in a file has no escape codes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
say()  { printf '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
note() { printf '   %s\n' "$*"; }
source "$(dirname "${BASH_SOURCE[0]}")/shquote.bash"
# Every command a lab runs is printed after "$ " exactly as run, so it can be pasted into a shell.
run()  { printf '$ %s\n' "$(shquote "$@")"; "$@"; }
# run_line 'LINE': a command line with pipes or redirections, printed as is, then run by eval.
run_line() { printf '$ %s\n' "$1"; eval "$1"; }
# run_to VAR 'LINE': the same, with the line's output kept in VAR instead of printed.
run_to() { printf '$ %s\n' "$2"; printf -v "$1" '%s' "$(eval "$2")"; }
# plural N NOUN [PLURAL]: "1 child", "5 children"; verb N: "was"/"were".
plural() { if [ "$1" -eq 1 ]; then printf '%s %s' "$1" "$2"; else printf '%s %s' "$1" "${3:-${2}s}"; fi; }
was()    { if [ "$1" -eq 1 ]; then printf was; else printf were; fi; }
fail() { printf '\nLAB FAILED: %s\n' "$*" >&2; exit 1; }
# check "what should hold" command...: prints ok, or fails the lab.
check() {
    local what=$1; shift
    if "$@"; then printf 'ok: %s\n' "$what"; else fail "$what"; fi
}

# start_server [program] [args...]: on a free port, logging to $LOG; sets SRV_PID and PORT.
start_server() {
    local program=echosrv
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then program=$1; shift; fi
    LOG=$LAB_TMP/server.log
    : > "$LOG"
    printf '$ %s &\n' "$(shquote "$program" --port 0 --log "$LOG" "$@")"
    "$program" --port 0 --log "$LOG" "$@" &
    SRV_PID=$!
    for _ in $(seq 200); do grep -q 'listening on' "$LOG" && break; sleep 0.05; done
    PORT=$(sed -n 's/.*listening on .*, port \([0-9]*\),.*/\1/p' "$LOG")
    [ -n "$PORT" ] || fail "the server did not start: $(cat "$LOG")"
    note "(pid $SRV_PID; --port 0 let the kernel pick a free port: $PORT)"
}

# stop_server: SIGTERM, as a person would; the server ends and reaps its children. Returns its status.
stop_server() {
    [ -n "$SRV_PID" ] || return 0
    printf '$ kill -TERM %s\n' "$SRV_PID"
    kill -TERM "$SRV_PID" 2>/dev/null || true
    local status=0
    wait "$SRV_PID" || status=$?
    SRV_PID=""
    return $status
}

# Client sessions held open: open_client NAME starts echocli reading from a fifo;
# client_send NAME LINE types a line; client_close NAME is Ctrl-D.
declare -A CLIENT_PID CLIENT_FD
open_client() {
    local name=$1; shift
    mkfifo "$LAB_TMP/$name.in"
    # Its stdin is a fifo the lab writes lines into, as a person would type them.
    printf '$ %s < %s > %s 2> %s &\n' "$(shquote echocli 127.0.0.1 --port "$PORT" "$@")" \
        "$(shquote "$LAB_TMP/$name.in")" "$(shquote "$LAB_TMP/$name.out")" "$(shquote "$LAB_TMP/$name.err")"
    echocli 127.0.0.1 --port "$PORT" "$@" < "$LAB_TMP/$name.in" > "$LAB_TMP/$name.out" 2> "$LAB_TMP/$name.err" &
    CLIENT_PID[$name]=$!
    exec {fd}> "$LAB_TMP/$name.in"
    CLIENT_FD[$name]=$fd
}
# What the lab types is shown as it would appear in the client's terminal, marked as the lab's.
client_send()  { printf '   [typed into %s] %s\n' "$1" "$2"; printf '%s\n' "$2" >&"${CLIENT_FD[$1]}"; }
client_close() { printf '   [Ctrl-D in %s]\n' "$1"; local fd=${CLIENT_FD[$1]}; exec {fd}>&-; unset "CLIENT_FD[$1]"; }
client_out()   { cat "$LAB_TMP/$1.out"; }
client_err()   { cat "$LAB_TMP/$1.err"; }
# client_wait NAME: waits (at most 5 s) for the client to exit; its status is then in $CLIENT_STATUS.
CLIENT_STATUS=""
client_wait() {
    local pid=${CLIENT_PID[$1]}
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && fail "client $1 did not exit within 5 s"
    CLIENT_STATUS=0
    wait "$pid" || CLIENT_STATUS=$?
}
# wait_for "what" command...: polls for up to 5 s.
wait_for() {
    local what=$1; shift
    for _ in $(seq 100); do "$@" && return 0; sleep 0.05; done
    fail "$what (waited 5 s)"
}

children()  { cat "/proc/$SRV_PID/task/$SRV_PID/children" 2>/dev/null | wc -w; }
child_pids(){ echo $(cat "/proc/$SRV_PID/task/$SRV_PID/children" 2>/dev/null); }
zombies()   { local n=0 c; for c in $(child_pids); do [ "$(awk '{print $3}' "/proc/$c/stat" 2>/dev/null)" = Z ] && n=$((n + 1)); done; echo $n; }
show_ps()   { run ps -o pid,ppid,stat,comm --pid "$SRV_PID" --ppid "$SRV_PID"; }
# ss, and the book's netstat beside it: netstat writes the states as the book does (TIME_WAIT, not TIME-WAIT).
show_ss()   { run ss -tan "( sport = :$PORT or dport = :$PORT )"; show_netstat; }
show_netstat() { run_line "netstat -tan | grep -E 'Proto|:$PORT '"; }
ss_count()  { ss -Htan state "$1" "( sport = :$PORT or dport = :$PORT )" | wc -l; }
show_log()  { printf -- '--- server log ---\n'; cat "$LOG"; printf -- '------------------\n'; }

# Whatever happens, every process this lab started is stopped and reaped.
lab_cleanup() {
    local name
    for name in "${!CLIENT_FD[@]}"; do client_close "$name" 2>/dev/null || true; done
    stop_server 2>/dev/null || true
    local j
    for j in $(jobs -p); do kill -TERM "$j" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$LAB_TMP"
}
trap lab_cleanup EXIT
trap 'exit 143' TERM INT # so that the EXIT trap runs when the lab itself is stopped
