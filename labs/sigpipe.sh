#!/usr/bin/env bash
# writing to a socket that has received a RST: EPIPE, or death by SIGPIPE
# unp: 5.13
# needs: ps:procps
source "$(dirname "$0")/lib.sh"

start_server

demo() { # $1: --sigpipe value
    open_client c "--sigpipe-demo" --sigpipe "$1"
    client_send c "first line"
    wait_for "the first line came back" grep -qx "first line" "$LAB_TMP/c.out"
    child=$(child_pids)
    show_ps
    run kill "$child"
    wait_for "the child died" grep -qx "child $child terminated by signal 15 (SIGTERM)" "$LOG"
    note "The lab types a second line into echocli. --sigpipe-demo writes its first byte: the dead child's socket"
    note "answers with a RST. It sleeps a second, then writes the rest to a socket that has received a RST."
    client_send c "second line"
    client_wait c
    status=$CLIENT_STATUS
    client_close c
    unset 'CLIENT_PID[c]'
    rm -f "$LAB_TMP/c.in"
}

say "1. SIGPIPE ignored (the default for echocli, as for every .NET process)"
demo ignore
note "echocli said: $(client_err c); exit status $status"
check "the second write failed with EPIPE" grep -qx "write error: Broken pipe (EPIPE)" "$LAB_TMP/c.err"
check "exit status 1" test "$status" -eq 1

say "2. SIGPIPE's default action (--sigpipe default)"
demo default
note "exit status $status = 128 + 13: the process was killed by signal 13, SIGPIPE, and printed nothing."
check "echocli died of SIGPIPE: the shell shows 141" test "$status" -eq 141
check "it printed nothing" test ! -s "$LAB_TMP/c.err"

questions "The second line's first write succeeded although the child was dead: what did the server's end answer it with? (UNP 5.13)" \
          "What did the next write do with SIGPIPE ignored, and with its default action? How does the exit status tell them apart?"
