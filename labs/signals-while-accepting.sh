#!/usr/bin/env bash
# signals while the server waits for connections: nothing is lost
# unp: 5.9
# needs: ps:procps
source "$(dirname "$0")/lib.sh"

start_server
say "While clients come and go (each child's exit is a SIGCHLD), send SIGUSR1 and SIGHUP over and over."
rounds=20
run_line "for _ in \$(seq 60); do kill -USR1 $SRV_PID; kill -HUP $SRV_PID; sleep 0.02; done &"
signaller=$!
failed=0
run_line "for i in \$(seq $rounds); do echocli -n 5 127.0.0.1 --port $PORT > round\$i.out || failed=\$((failed + 1)); done"
wait "$signaller"
sleep 0.3
run kill -USR1 "$SRV_PID"
wait_for "the final stats line" grep -q "^stats: accepted $((rounds * 5)), active 0" "$LOG"

echoed=$(cat "$LAB_TMP"/round*.out | wc -l)
usr1=$(grep -c '^stats:' "$LOG" || true)
hup=$(grep -c '^received SIGHUP' "$LOG" || true)
sigchld=$(grep -Ec '^child [0-9]+ terminated' "$LOG" || true)
note "Measured: $((rounds * 5)) connections, $(plural "$echoed" line) echoed, $(plural "$failed" client) failed;"
note "the server logged $(plural "$usr1" "SIGUSR1 stats line"), $(plural "$hup" "SIGHUP reopen"), and reaped $(plural "$sigchld" child children)."
if [ "$usr1" -lt 61 ] || [ "$hup" -lt 60 ]; then
    note "Fewer lines than the 61 SIGUSR1 and 60 SIGHUP sent: like SIGCHLD, these are standard signals, and a second"
    note "one sent while the first is still pending merges into it (UNP 5.9: signals are not queued)."
else
    note "Every SIGUSR1 and SIGHUP sent (61 and 60) was seen: none was sent while another of its kind was still pending."
    note "Had two arrived together, they would have merged into one: standard signals are not queued (UNP 5.9)."
fi
grep '^stats:' "$LOG" | tail -1 | sed 's/^/   last: /'

say "How the server's main loop receives signals"
note "In UNP, a SIGCHLD handler runs while accept() is blocked, and accept() then fails with EINTR; the book"
note "restarts it by hand (5.9). This server never blocks in accept(): its one loop is poll() over two descriptors,"
note "the listening socket and a signalfd. Its signals (CHLD, TERM, INT, HUP, USR1) are blocked in every thread"
note "and arrive as data on the signalfd, so a signal is just another readable descriptor, read in the main loop,"
note "and no system call is ever interrupted. The listening socket is non-blocking, so accept() cannot hang either."
note "Why not the book's handler: a .NET process cannot run C# in a signal handler (the runtime forbids managed code"
note "in signal context), the runtime installs its own handlers with SA_RESTART (so accept() would be restarted,"
note "never see EINTR), and its handlers forward signals to runtime threads, which a forked child does not have."
note "The accept() loop still retries EINTR, ECONNABORTED and EPROTO, as UNP's does, should one ever come back."

check "every connection was served: $((rounds * 5)) lines echoed" test "$echoed" -eq $((rounds * 5))
check "no client failed" test "$failed" -eq 0
check "the server accepted every connection" grep -q "^stats: accepted $((rounds * 5)), active 0" "$LOG"
check "the signals were received (stats and reopen lines logged)" test "$usr1" -ge 1 -a "$hup" -ge 1
check "every child was reaped" test "$(children)" -eq 0
check "the server is still running" kill -0 "$SRV_PID"

questions "How many SIGUSR1 and SIGHUP were sent, and how many lines did the server log for them? Why can it be fewer?" \
          "UNP's server must restart accept() when a signal interrupts it (5.9). Why does this server never see EINTR?"
