#!/usr/bin/env bash
# the accept queue for a listen() backlog of 0..14, beside UNP figure 4.10
# unp: 4.5
# needs: ss:iproute2
# UNP 4.5: how many connections does the kernel queue for a listen() backlog of 0..14,
# while the server does not call accept()?
source "$(dirname "$0")/lib.sh"
unset LISTENQ

# UNP figure 4.10, two of its columns: Linux 2.4.7, and the traditional BSD rule
# 3 * backlog / 2 + 1 (MacOS 10.2.6, AIX 5.1).
unp_linux=(3 4 5 6 7 8 9 10 11 12 13 14 15 16 17)
unp_bsd=(1 2 4 5 7 8 10 11 13 14 16 17 19 20 22)

# queued BACKLOG: connections the kernel completes for a listener that is not accepting.
queued() {
    start_server --backlog "$1" --max-children 1
    # One client takes the only child; at --max-children 1 the parent then stops calling accept().
    open_client holder
    client_send holder "hold"
    wait_for "the holder's echo" grep -qx hold "$LAB_TMP/holder.out"
    local ok=ok.$1 tries=$(($1 + 6)) pids=() i
    : > "$ok"
    # bash's /dev/tcp: connect() returns once the handshake completes, queued or not.
    run_line "for i in \$(seq $tries); do ( exec 3<>/dev/tcp/127.0.0.1/$PORT && echo ok >> $ok && sleep 10 ) 2>/dev/null & pids+=(\$!); done"
    # Those beyond the queue wait for SYN retransmissions, which are dropped too. Read the
    # listener's accept queue (ss: Recv-Q) once a second has passed and it has held still
    # for half a second.
    local last=-1 still=0 t
    out '$ %s    # every 0.1 s, until it has held still for 0.5 s\n' "ss -Htln '( sport = :$PORT )' | awk '{print \$2}'"
    for t in $(seq 50); do
        sleep 0.1
        QUEUED=$(ss -Htln "( sport = :$PORT )" | awk '{print $2}')
        if [ "$QUEUED" = "$last" ]; then still=$((still + 1)); else still=0; fi
        last=$QUEUED
        [ "$t" -ge 10 ] && [ "$still" -ge 5 ] && break
    done
    CONNECTED=$(wc -l < "$ok")
    note "Recv-Q: $QUEUED"
    run_line 'kill ${pids[*]} 2>/dev/null || true'
    wait "${pids[@]}" 2>/dev/null || true
    client_close holder
    client_wait holder
    stop_server
    rm -f "$LAB_TMP/holder.in"
}

say "For each backlog, hold the server busy (--max-children 1), then open backlog + 6 connections and count those that complete."
out '\n   %-8s %-16s %-18s %-16s %s\n' backlog "queued (Recv-Q)" "connect() returned" "UNP: Linux 2.4.7" "UNP: 3b/2+1 (BSD)"
measured=()
early=0
for b in $(seq 0 14); do
    queued "$b" > "$LAB_TMP/row$b.txt" # the commands of each row: printed below the table
    measured+=("$QUEUED")
    [ "$CONNECTED" -gt "$QUEUED" ] && early=$((early + 1))
    out '   %-8s %-16s %-18s %-16s %s\n' "$b" "$QUEUED" "$CONNECTED" "${unp_linux[$b]}" "${unp_bsd[$b]}"
done
say "How each row was measured: the commands it ran, row by row (they differ only in --backlog and the count)"
for b in $(seq 0 14); do out '%s-- backlog %s\n' "$([ "$b" -eq 0 ] || echo)" "$b"; cat "$LAB_TMP/row$b.txt"; done

# Expected: backlog + 1. Now and then one more: see the note printed below.
over=()
for b in $(seq 0 14); do [ "${measured[$b]}" -eq $((b + 2)) ] && over+=("$b"); done
say "What the numbers say"
if [ "${#over[@]}" = 0 ]; then
    note "This kernel ($(uname -r)) queued exactly backlog + 1 completed connections for every backlog, 0 included."
else
    note "This kernel ($(uname -r)) queued: ${measured[*]} (backlog 0..14): backlog + 1, except for backlog ${over[*]}, one more."
fi
note "UNP's Linux 2.4.7 column shows backlog + 3, and the BSD-derived systems 3 * backlog / 2 + 1: the book's"
note "point is that the backlog was never an exact count. Linux today keeps two queues (UNP 4.5): half-open"
note "connections (SYN received) in the SYN queue, sized by net.ipv4.tcp_max_syn_backlog and backed by SYN cookies,"
note "and completed ones in the accept queue, which is full once it holds more than backlog entries: hence backlog + 1."
note "When it is full the kernel drops the next SYN, and the client's connect() waits for its retransmissions: not refused, just late."
note "ss shows the accept queue of a listener as Recv-Q (its length) and Send-Q (the backlog, capped by net.core.somaxconn)."
if [ "${#over[@]}" -gt 0 ]; then
    note "Why one more for backlog ${over[*]}: the test \"is the queue full?\" and the step that adds a connection to it are"
    note "separate, and a Linux listener takes completed handshakes on every CPU at once, without a lock. Two final ACKs"
    note "handled at the same moment on two CPUs can both find the queue not yet full, and both get in."
fi
if [ "$early" -gt 0 ]; then
    note "Measured: for $early of the backlogs, more clients saw connect() return than the queue holds. A client's"
    note "connect() returns on the SYN-ACK (UNP 4.3); if the accept queue filled up before its final ACK arrived, the"
    note "server dropped that ACK and left the connection half-open, while the client believes it is established."
else
    note "Every client whose connect() returned is in the queue: none got a SYN-ACK whose ACK was then dropped."
fi

# The checks: each returns non-zero, after saying which backlog broke it, when it does not hold.
never_fewer() {
    local b
    for b in $(seq 0 14); do
        [ "${measured[$b]}" -ge 1 ] || { note "backlog $b: nothing was queued"; return 1; }
        [ "$b" -eq 0 ] || [ "${measured[$b]}" -ge "${measured[$((b - 1))]}" ] ||
            { note "the queue shrank from backlog $((b - 1)) to $b"; return 1; }
    done
}
backlog_plus_one() {
    local b
    for b in $(seq 0 14); do
        [ "${measured[$b]}" -le $((b + 2)) ] && [ "${measured[$b]}" -ge $((b + 1)) ] ||
            { note "backlog $b: ${measured[$b]} queued, not backlog + 1 (or one more in a race)"; return 1; }
    done
}
check "a larger backlog never queues fewer connections, and backlog 0 still queues one" never_fewer
check "this Linux queues backlog + 1 completed connections (one more when two handshakes race)" backlog_plus_one

questions "For backlog 0, 1 and 5, how many completed connections did this kernel queue? What rule does the table follow?" \
          "The clients that did not fit: were they refused? What happened to their SYNs, and to their connect()?" \
          "Which column of ss -tln shows how many connections wait in the accept queue, and which shows the backlog?"
