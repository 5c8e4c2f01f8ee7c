# Shared by every lab: start and stop the server, hold client sessions open, show ps and
# ss, check what was observed, ask the questions. Each lab sources this file first.
# What every lab needs (its own namespaces, its loopback brought up), besides its own "# needs:":
# needs: unshare:util-linux ip:iproute2
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_NAME=$(basename "$0" .sh)
# The programs: UNP_LAB_BIN (make and unp-lab set it), else the checkout's bin/.
BIN=${UNP_LAB_BIN:-$(cd "$LAB_DIR/.." && pwd)/bin}
for p in echosrv echocli; do
    [ -x "$BIN/$p" ] || { echo "lab: $BIN/$p is missing; run make first" >&2; exit 2; }
done
# Where the answers to the questions are: UNP_LAB_DOCS (unp-lab sets it), else the checkout's docs/,
# named as the student typed the lab's path (make lab-NAME runs in the checkout: docs/...).
LAB_DOCS=${UNP_LAB_DOCS:-$(cd "$LAB_DIR/.." && pwd)/docs}
LAB_DOCS_SHOWN=$LAB_DOCS # as the transcript names it: relative from the checkout's top
[ "$LAB_DOCS" != "$PWD/docs" ] || LAB_DOCS_SHOWN=docs
# A stdout that is closed from the start: nothing is started, and one line says why. (Descriptor 1
# may be open all the same, on a file bash opened for reading, such as this one: its flags say.)
lab_stdout_writable() {
    local flags
    flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$$/fdinfo/1" 2>/dev/null) && [ -n "$flags" ] && (( (8#$flags & 3) != 0 ))
}
lab_stdout_writable || { echo "lab: standard output is closed" >&2; exit 2; }

export PATH="$BIN:$PATH"
source "$LAB_DIR/namespace.bash" # outside the lab's namespaces: runs the lab inside them, then exits
LAB_TMP=$UNP_LAB_TMP
# What the programs leave in TMPDIR (the .NET runtime's diagnostic pipes) goes with the lab's directory.
export TMPDIR=$LAB_TMP
cd "$LAB_TMP"
# A network of its own: only a loopback, down until brought up. The book's port is ours to use.
case $UNP_LAB_NS in
user | root) ip link set lo up; LAB_PORT=9877 ;;
*) LAB_PORT=0 ;;
esac
SRV_PID=""
PORT=""
LOG=""
LAB_CLEANUPS=()   # what the lab's helpers (capture.bash, netns.bash) undo on exit, last first

# Narration: what is about to happen, and what to notice. Bold headings only on a terminal,
# and never when NO_COLOR is set (no-color.org): a transcript in a file has no escape codes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
# STEP=1 (make lab-NAME STEP=1, unp-lab --step NAME): a pause before each step, for showing a lab
# to a class. The prompt goes to the terminal, not into the transcript.
LAB_STEP=${UNP_LAB_STEP:-}
if [ -n "$LAB_STEP" ] && ! { : < /dev/tty; } 2>/dev/null; then
    echo "lab: STEP=1 pauses need a terminal; running without pauses" >&2; LAB_STEP=""
fi
LAB_STEPS=0
pause() {
    [ -n "$LAB_STEP" ] || return 0
    LAB_STEPS=$((LAB_STEPS + 1))
    printf '%s[step %s: Enter to go on]%s' "$BOLD" "$LAB_STEPS" "$PLAIN" > /dev/tty
    read -r _ < /dev/tty || true
}
# out FORMAT ARGS...: printf to the transcript. A reader that went away (| head, a quit less) is
# no error to report: SIGPIPE's trap below ends the lab quietly. Any other failure says so.
out() { printf "$@" 2>/dev/null && return 0; [ -p /dev/stdout ] || echo "lab: cannot write to standard output" >&2; return 1; }
say()  { pause; out '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
note() { out '   %s\n' "$*"; }
source "$LAB_DIR/shquote.bash"
# Every command a lab runs is printed after "$ " exactly as run, so it can be pasted into a shell.
run()  { out '$ %s\n' "$(shquote "$@")"; "$@"; }
# run_line 'LINE': a command line with pipes or redirections, printed as is, then run by eval.
run_line() { out '$ %s\n' "$1"; eval "$1"; }
# run_bg 'LINE': the same in the background, printed with its "&"; its pid is then in $!.
run_bg() { out '$ %s &\n' "$1"; eval "$1 &"; }
# run_to VAR 'LINE': the same, with the line's output kept in VAR instead of printed.
run_to() { out '$ %s\n' "$2"; printf -v "$1" '%s' "$(eval "$2")"; }
# plural N NOUN [PLURAL]: "1 child", "5 children"; verb N: "was"/"were".
plural() { if [ "$1" -eq 1 ]; then printf '%s %s' "$1" "$2"; else printf '%s %s' "$1" "${3:-${2}s}"; fi; }
was()    { if [ "$1" -eq 1 ]; then printf was; else printf were; fi; }
fail() { printf '\nLAB FAILED: %s\n' "$*" >&2; exit 1; }
# skip WHY: this lab cannot run here (exit 77: make labs and the tests count it as skipped).
skip() { out 'lab skipped: %s\n' "$*"; exit 77; }
# check "what should hold" command...: prints ok, or fails the lab.
check() {
    local what=$1; shift
    if "$@"; then out 'ok: %s\n' "$what"; else fail "$what"; fi
}

# The lab's introduction: where it runs. One line, so that every transcript says it.
case $UNP_LAB_NS in
user | root) note "(in namespaces of its own: its own network with its own loopback and ports, and its own processes, pid 1 being the lab: $LAB_DOCS_SHOWN/labs.md)" ;;
*) note "(on this machine's own network: ${UNP_LAB_NS_WHY:-UNP_LAB_NS=$UNP_LAB_NS})" ;;
esac

# start_server [program] [args...]: on the lab's port, logging to $LOG; sets SRV_PID and PORT.
start_server() {
    local program=echosrv
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then program=$1; shift; fi
    LOG=$LAB_TMP/server.log
    : > "$LOG"
    run_bg "$(shquote "$program" --port "$LAB_PORT" --log server.log "$@")"
    SRV_PID=$!
    for _ in $(seq 200); do grep -q 'listening on' "$LOG" && break; sleep 0.05; done
    PORT=$(sed -n 's/.*listening on .*, port \([0-9]*\),.*/\1/p' "$LOG")
    [ -n "$PORT" ] || fail "the server did not start: $(cat "$LOG")"
    if [ "$LAB_PORT" = 0 ]; then note "(pid $SRV_PID; --port 0 let the kernel pick a free port: $PORT)"; else note "(pid $SRV_PID)"; fi
    [ -z "$LAB_WATCH" ] || watch_start
}

# stop_server: SIGTERM, as a person would; the server ends and reaps its children. Returns its status.
stop_server() {
    [ -n "$SRV_PID" ] || return 0
    out '$ kill -TERM %s\n' "$SRV_PID"
    kill -TERM "$SRV_PID" 2>/dev/null || true
    local status=0
    wait "$SRV_PID" || status=$?
    SRV_PID=""
    watch_stop
    return $status
}

# Client sessions held open: open_client NAME starts echocli reading from a fifo;
# client_send NAME LINE types a line; client_close NAME is Ctrl-D.
declare -A CLIENT_PID CLIENT_FD
# open_client_line NAME 'COMMAND': the session's command, its stdin a fifo the lab writes lines
# into, as a person would type them, its output in NAME.out and NAME.err.
open_client_line() {
    local name=$1
    mkfifo "$LAB_TMP/$name.in"
    run_bg "$2 < $name.in > $name.out 2> $name.err"
    CLIENT_PID[$name]=$!
    exec {fd}> "$LAB_TMP/$name.in"
    CLIENT_FD[$name]=$fd
}
open_client() { local name=$1; shift; open_client_line "$name" "$(shquote echocli 127.0.0.1 --port "$PORT" "$@")"; }
# What the lab types is shown as it would appear in the client's terminal, marked as the lab's.
client_send()  { out '   [typed into %s] %s\n' "$1" "$2"; printf '%s\n' "$2" >&"${CLIENT_FD[$1]}"; }
client_close() { out '   [Ctrl-D in %s]\n' "$1"; local fd=${CLIENT_FD[$1]}; exec {fd}>&-; unset "CLIENT_FD[$1]"; }
client_out()   { cat "$LAB_TMP/$1.out"; }
client_err()   { cat "$LAB_TMP/$1.err"; }
# client_wait NAME [SECONDS]: waits (5 s by default) for the client to exit; its status is then in $CLIENT_STATUS.
CLIENT_STATUS=""
client_wait() {
    local pid=${CLIENT_PID[$1]} tries=$(( ${2:-5} * 20 ))
    for _ in $(seq "$tries"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && fail "client $1 did not exit within ${2:-5} s"
    CLIENT_STATUS=0
    wait "$pid" || CLIENT_STATUS=$?
}
# wait_until SECONDS command...: polls the command every 50 ms until it holds (0) or the time is up (1).
wait_until() {
    local tries=$(( $1 * 20 )); shift
    for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.05; done
    return 1
}
# wait_for "what" command...: the same for up to 5 s, and the lab fails if it never holds.
wait_for() { local what=$1; shift; wait_until 5 "$@" || fail "$what (waited 5 s)"; }

children()  { cat "/proc/$SRV_PID/task/$SRV_PID/children" 2>/dev/null | wc -w; }
child_pids(){ echo $(cat "/proc/$SRV_PID/task/$SRV_PID/children" 2>/dev/null); }
zombies()   { local n=0 c; for c in $(child_pids); do [ "$(awk '{print $3}' "/proc/$c/stat" 2>/dev/null)" = Z ] && n=$((n + 1)); done; echo $n; }
# show_ps [FORMAT]: the server and its children; "args" in the format shows a zombie as <defunct>.
show_ps()   { run ps -o "${1:-pid,ppid,stat,comm}" --pid "$SRV_PID" --ppid "$SRV_PID"; }
# ss, and the book's netstat beside it: netstat writes the states as the book does (TIME_WAIT, not TIME-WAIT).
show_ss()   { run ss -tan "( sport = :$PORT or dport = :$PORT )"; show_netstat; }
show_netstat() { run_line "netstat -tan | grep -E 'Proto|:$PORT '"; }
ss_count()  { ss -Htan state "$1" "( sport = :$PORT or dport = :$PORT )" | wc -l; }
# For wait_for and wait_until, which run their command again each time (a "$(...)" in their
# arguments would be expanded once, before the first try): ss_is STATE [N], no_children.
ss_is()     { [ "$(ss_count "$1")" -eq "${2:-1}" ]; }
no_children() { [ "$(children)" -eq 0 ]; }
show_log()  { out -- '--- server log ---\n'; cat "$LOG"; out -- '------------------\n'; }

# watch_start / watch_stop: the hook for unpwatch (issue 22), which records what it sees of the
# server's processes and sockets as events, inside the lab's namespaces. A lab that sets LAB_WATCH=1
# has one watcher per server (start_server starts it, stop_server shows its events); nothing
# happens where unpwatch is not installed.
LAB_WATCH=""
WATCH_PID=""
watch_start() {
    command -v unpwatch >/dev/null || return 0
    run_bg "unpwatch --port $PORT --events watch.events > watch.out 2>&1"
    WATCH_PID=$!
}
watch_stop() {
    [ -n "$WATCH_PID" ] || return 0
    # SIGTERM: a background command of a script starts with SIGINT ignored. Two seconds to stop.
    kill -TERM "$WATCH_PID" 2>/dev/null || true
    watcher_gone() { ! kill -0 "$WATCH_PID" 2>/dev/null; }
    wait_until 2 watcher_gone || kill -KILL "$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
    WATCH_PID=""
    out -- '--- what unpwatch saw ---\n'; cat "$LAB_TMP/watch.events" 2>/dev/null || true; out -- '------------------\n'
    rm -f "$LAB_TMP/watch.events"
}

# lab_teardown: every process this lab started is stopped and reaped: the clients get their
# Ctrl-D, the server its SIGTERM, the watcher shows what it saw, then what the lab's helpers
# registered is undone, last first.
lab_teardown() {
    local name i
    for name in "${!CLIENT_FD[@]}"; do client_close "$name" || true; done
    stop_server || true
    watch_stop
    for ((i = ${#LAB_CLEANUPS[@]} - 1; i >= 0; i--)); do ${LAB_CLEANUPS[$i]} || true; done
    for i in $(jobs -p); do kill -TERM "$i" 2>/dev/null || true; done
    wait 2>/dev/null || true
}

# questions Q...: the lab's last words, one to three questions whose answers its transcript holds;
# the answers are in one file of docs/, which an instructor may keep or remove.
questions() {
    lab_teardown
    say "Questions (answers: $LAB_DOCS_SHOWN/lab-answers.md, \"$LAB_NAME\")"
    local i=0 q
    for q in "$@"; do i=$((i + 1)); out '   %s. %s\n' "$i" "$q"; done
    [ -f "$LAB_DOCS/lab-answers.md" ] || note "(the answers are not installed here: ask your instructor)"
}

# Whatever happens (the end, a failed check, Ctrl-C, a closed terminal, a reader that quit early),
# everything is stopped and the lab's directory removed. Signals that come meanwhile are ignored,
# so that a second Ctrl-C cannot cut it short.
lab_cleanup() {
    trap '' INT TERM HUP PIPE
    lab_teardown 2>/dev/null
    cd /
    rm -rf "$LAB_TMP"
}
trap lab_cleanup EXIT
# So that the EXIT trap runs when the lab itself is stopped, and its status says how (128 + signal).
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# A reader that went away (make lab-NAME | head): nothing more is printed, everything is stopped.
trap 'exec > /dev/null; exit 141' PIPE
