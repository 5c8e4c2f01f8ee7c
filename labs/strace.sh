#!/usr/bin/env bash
# the system calls of one connection, as strace -f shows them, annotated
# unp: 5.2
# needs: strace:strace
# The system calls of one connection (UNP 4.8, 5.2-5.10), as strace -f shows them: the parent's
# accept4 and clone (fork), the child's read and write (str_echo) and exit, the SIGCHLD the
# parent reads from its signalfd, and its wait4 (waitpid). Each line is annotated.
source "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip "strace is not installed (Debian/Ubuntu: apt-get install strace)"

start_server
say "Attach strace to the running server: -f follows the children it forks."
calls=accept4,clone,clone3,fork,read,write,close,exit,exit_group,wait4,waitid,kill
run_bg "strace -f -e trace=$calls -o strace.out -p $SRV_PID 2> strace.err"
STRACE_PID=$!
note "(strace: pid $STRACE_PID)"
attached() { grep -q 'attached' "$LAB_TMP/strace.err"; }
for _ in $(seq 100); do attached || ! kill -0 "$STRACE_PID" 2>/dev/null && break; sleep 0.05; done
if ! attached; then
    # In the lab's namespaces strace has CAP_SYS_PTRACE over its server; Yama's scope 3 still forbids it.
    scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo "not set")
    skip "strace could not attach ($(head -1 "$LAB_TMP/strace.err")); kernel.yama.ptrace_scope = $scope"
fi

say "One connection: one line, then EOF."
run_line "echocli 127.0.0.1 --port $PORT <<< 'hello, strace'"
wait_for "the child was reaped" grep -Eq '^child [0-9]+ terminated' "$LOG"
wait_for "strace saw the wait4" grep -q 'wait4(' "$LAB_TMP/strace.out"
run kill -TERM "$STRACE_PID" # strace detaches; the server runs on
wait "$STRACE_PID" 2>/dev/null || true
child=$(sed -n 's/^child \([0-9]*\) terminated.*/\1/p' "$LOG" | head -1)

say "What happened, line by line (strace's output, with what each line means):"
# The runtime's other threads read and write too (its own pipes): keep the parent's main
# thread and the child, and what concerns the connection.
awk -v parent="$SRV_PID" -v child="$child" -f "$LAB_DIR/strace-annotate.awk" "$LAB_TMP/strace.out" > "$LAB_TMP/annotated"
cut -c1-160 "$LAB_TMP/annotated"

check "the parent accepted the connection" grep -Eq "^$SRV_PID +accept4\(.*= [0-9]+$" "$LAB_TMP/annotated"
check "the parent forked (clone with SIGCHLD)" grep -Eq 'clone3?\(.*SIGCHLD' "$LAB_TMP/annotated"
check "the child read and wrote the line" test "$(grep -c "^$child .*hello, strace" "$LAB_TMP/annotated")" -ge 2
check "the child exited" grep -Eq "^$child .*exit" "$LAB_TMP/annotated"
check "the parent reaped it with wait4" grep -Eq "^$SRV_PID .*wait4\(.*= $child" "$LAB_TMP/annotated"

questions "Which descriptor did accept4 return? The parent closes it too: why does that not close the client's connection? (UNP 4.8)" \
          "Between the child's exit_group and the parent's wait4, what was the child? Which line tells the parent it is time to wait?" \
          "Why does the parent call wait4 a second time, and what does that call return? (UNP 5.10)"
