#!/usr/bin/env bash
# five connections close at once: what each way of reaping leaves behind
# unp: 5.8-5.10
# needs: ps:procps
source "$(dirname "$0")/lib.sh"
LAB_WATCH=1 # where unpwatch is installed, its events of each server end the transcript (issue 22)

five_clients_close_together() {
    run_line "echocli -n 5 127.0.0.1 --port $PORT > /dev/null"
}
terminated() { grep -Ec '^child [0-9]+ terminated' "$LOG" || true; }
# settled: every child has exited, and each is either reaped (logged) or a zombie.
settled() { [ "$(zombies)" -eq "$(children)" ] && [ $(( $(terminated) + $(zombies) )) -eq 5 ]; }

say "1. --reap none (tcpserv01): nothing calls wait, so every child becomes a zombie."
start_server --reap none
five_clients_close_together
wait_for "five children exited" settled
show_ps pid,ppid,stat,args
z=$(zombies)
note "Notice: five children in state Z, <defunct>: they have exited, but their parent never asked for their status."
check "five zombies" test "$z" -eq 5
stop_server

say "2. --reap wait (tcpserv03): one wait() per SIGCHLD."
start_server --reap wait
five_clients_close_together
# At least one SIGCHLD arrives, so at least one wait() runs: until the server has read it, five
# zombies and nothing reaped is only a moment, not the outcome.
reaped_one() { settled && [ "$(terminated)" -ge 1 ]; }
wait_for "five children exited, at least one reaped" reaped_one
sleep 0.3 # a late SIGCHLD may still reap one
wait_for "five children exited, at least one reaped" reaped_one
show_ps pid,ppid,stat,args
z=$(zombies)
reaped=$(terminated)
show_log
note "Measured: $reaped of the 5 children $(was "$reaped") reaped by wait(), $(plural "$z" zombie) $( [ "$z" -eq 1 ] && echo remains || echo remain)."
if [ "$z" -gt 0 ]; then
    note "Why: the five children exited at nearly the same moment. SIGCHLD is a standard signal, and standard"
    note "signals are not queued: while one SIGCHLD was pending, the others merged into it. The server saw"
    note "$(plural "$reaped" notification), called wait() $(plural "$reaped" time), and $(plural "$z" zombie) $( [ "$z" -eq 1 ] && echo is || echo are) left until the next SIGCHLD (UNP 5.10)."
else
    note "This time the five SIGCHLDs arrived far enough apart that each was seen on its own, so each got its wait()."
    note "Run the lab again: when the exits coincide, notifications merge and zombies remain (UNP 5.10)."
fi
check "every child is either reaped or a zombie" test $((reaped + z)) -eq 5
stop_server

say "3. --reap waitpid (tcpserv04, the default): waitpid(-1, WNOHANG) in a loop at each SIGCHLD."
start_server
five_clients_close_together
wait_for "five children exited" settled
show_ps pid,ppid,stat,args
show_log
z=$(zombies)
note "Notice: no zombie. One notification may stand for five exits; the loop collects every one of them."
check "no zombie" test "$z" -eq 0
check "five children terminated" test "$(grep -Ec '^child [0-9]+ terminated, exit status 0$' "$LOG")" -eq 5

questions "With --reap none, what did ps show for the five children, and why does the kernel keep them at all? (UNP 5.8)" \
          "With --reap wait, how many children were reaped this time, and why is it not always five? (UNP 5.9)" \
          "What does the default, waitpid(-1, ..., WNOHANG) in a loop, do that one wait() per SIGCHLD cannot, and why WNOHANG? (UNP 5.10)"
