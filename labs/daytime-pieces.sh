#!/usr/bin/env bash
# TCP is a byte stream: a reply written in pieces takes the client several reads
# unp: 1.2
# needs: tcpdump:tcpdump
# UNP 1.2 and exercise 1.5: TCP is a byte stream with no record boundaries. A daytime server that
# writes its 26-byte reply in pieces makes the client's read loop take several reads.
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/capture.bash"

say "The daytime server as written: one write of the whole reply."
start_server daytimesrv
run daytimecli 127.0.0.1 --port "$PORT" --count | tee "$LAB_TMP/one.out"
stop_server || true # (the iterative daytimesrv may die of the SIGTERM: issue 9, item 3)

say "Now the reply in 4-byte pieces (exercise 1.5): each write its own segment (TCP_NODELAY), 10 ms apart."
start_server daytimesrv --write-size 4
capture_start "$PORT"
run daytimecli 127.0.0.1 --port "$PORT" --count | tee "$LAB_TMP/pieces.out"
show_timeline "$PORT"
one=$(sed -n 's/^counter = //p' "$LAB_TMP/one.out")
pieces=$(sed -n 's/^counter = //p' "$LAB_TMP/pieces.out")
note "Notice: the same 26 bytes, but $pieces reads instead of $one: daytimecli reads until read() returns 0 (the FIN),"
note "so it prints the same line whatever the pieces. A client that expected one read per reply would be wrong."
check "one write: one read" test "$one" -eq 1
check "pieces: more than one read ($pieces)" test "$pieces" -gt 1
if capture_ok; then
    check "the reply went out as 7 data segments (26 bytes, 4 at a time)" test "$(capture_count "$PORT" "<── PSH")" -eq 7
fi

questions "How many reads did daytimecli need for one write, and for the 4-byte pieces? Where does that second number come from? (exercise 1.5)" \
          "Both runs printed the same line: what tells daytimecli that the whole reply has arrived?"
