#!/usr/bin/env bash
# unp: 5.2
# needs: strace:strace
# The system calls of one connection (UNP 4.8, 5.2-5.10), as strace -f shows them: the parent's
# accept4 and clone (fork), the child's read and write (str_echo) and exit, the SIGCHLD the
# parent reads from its signalfd, and its wait4 (waitpid). Each line is annotated.
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "lab skipped: strace attaches to a running server, which needs root (or ptrace rights)"; exit 77; }
command -v strace >/dev/null || { echo "lab skipped: strace is not installed (apt-get install strace)"; exit 77; }

start_server
say "Attach strace to the running server: -f follows the children it forks."
TRACE=$LAB_TMP/strace.out
calls=accept4,clone,clone3,fork,read,write,close,exit,exit_group,wait4,waitid,kill
printf '$ strace -f -e trace=%s -o %s -p %s &\n' "$calls" "$TRACE" "$SRV_PID"
strace -f -e trace="$calls" -o "$TRACE" -p "$SRV_PID" 2> "$LAB_TMP/strace.err" &
STRACE_PID=$!
wait_for "strace attached" grep -q 'attached' "$LAB_TMP/strace.err"

say "One connection: one line, then EOF."
run echocli 127.0.0.1 --port "$PORT" <<< "hello, strace"
wait_for "the child was reaped" grep -Eq '^child [0-9]+ terminated' "$LOG"
wait_for "strace saw the wait4" grep -q 'wait4(' "$TRACE"
kill -TERM "$STRACE_PID" 2>/dev/null || true # strace detaches; the server runs on
wait "$STRACE_PID" 2>/dev/null || true
child=$(sed -n 's/^child \([0-9]*\) terminated.*/\1/p' "$LOG" | head -1)

say "What happened, line by line (strace's output, with what each line means):"
# The runtime's other threads read and write too (its own pipes): keep the parent's main
# thread and the child, and what concerns the connection.
awk -v parent="$SRV_PID" -v child="$child" '
    $1 != parent && $1 != child { next }
    /accept4\(/           { why = "the parent accepts the connection: a new descriptor (UNP 4.6)" }
    /clone3?\(/           { why = "fork(): glibc calls clone with SIGCHLD, the child gets a copy of every descriptor (UNP 4.7)" }
    $1 == parent && /close\(/ { why = "the parent closes the connected socket: the child has it (UNP 4.8)" }
    $1 == child && /read\(/  && /hello/ { why = "str_echo: the child reads the line" }
    $1 == child && /write\(/ && /hello/ { why = "and writes it back (UNP 5.3)" }
    $1 == child && /read\(.*= 0$/       { why = "read returns 0: the client'"'"'s FIN, end of file" }
    $1 == child && /exit/   { why = "the child ends with _exit: the kernel closes its socket (our FIN) and sends the parent SIGCHLD" }
    $1 == child && /exited/ { why = "the child is gone; it is a zombie until the parent waits for it" }
    $1 == parent && /read\(/ && /\\21\\0\\0\\0/ { why = "SIGCHLD (17), read from the signalfd as a signalfd_siginfo (UNP 5.9: the handler, turned into a read)" }
    $1 == parent && /wait4\(/ { why = "waitpid(-1, &stat, WNOHANG): the zombie is reaped (UNP 5.10)" }
    /accept4\(.*EAGAIN/   { why = "accept again: nothing more is queued (the listener is non-blocking; poll said when to come back)" }
    /wait4\(.*ECHILD/     { why = "no child left: the waitpid loop of UNP 5.10 ends" }
    why == "" { next }
    { printf "%s\n      # %s\n", $0, why; why = "" }
' "$TRACE" | cut -c1-160 | tee "$LAB_TMP/annotated"

check "the parent accepted the connection" grep -q 'accept4(' "$LAB_TMP/annotated"
check "the parent forked (clone with SIGCHLD)" grep -Eq 'clone3?\(.*SIGCHLD' "$LAB_TMP/annotated"
check "the child read and wrote the line" test "$(grep -c 'hello, strace' "$LAB_TMP/annotated")" -ge 2
check "the child exited" grep -Eq "^$child .*exit" "$LAB_TMP/annotated"
check "the parent reaped it with wait4" grep -Eq "^$SRV_PID .*wait4\(.*= $child" "$LAB_TMP/annotated"
