#!/usr/bin/env bash
# check-transcript.sh [--commands LOG] [FILE...]: checks a lab's output (stdin if no FILE) is a transcript a student
# can paste from and trust:
#   - every line "$ COMMAND" is valid shell (bash -n), so it can be pasted as printed;
#   - no terminal escape codes (the output of a lab that is not on a terminal is plain text);
#   - no "now type a line" (the lab types; it must not ask the reader to);
#   - numbers agree with their nouns ("1 child", "1 of the 5 children was");
#   - it pastes (issue 21, rule 6): no job-control noise ("line 12: 41 Killed ..."); a server, and a
#     client the lab types into, are started with "&" and with the redirections they ran with;
#     every pid a command uses (kill, ps --pid, strace -p) was printed before it; and a "Notice:"
#     line that names a TCP state or <defunct> is true of the ss/netstat (or ps) output above it;
#   - with --commands LOG: every program a lab started is in a "$ " line, with its arguments.
# check-transcript.sh --wrap REALBIN DIR LOG: makes DIR a BIN for the labs whose programs log
# each command line they are started with to LOG, then exec the real one in REALBIN.
# Prints each problem with its line number; exits 1 if there is any.
set -uo pipefail
source "$(dirname "$0")/../labs/shquote.bash"

if [ "${1:-}" = --wrap ]; then
    [ $# -eq 4 ] || { echo "usage: check-transcript.sh --wrap REALBIN DIR LOG" >&2; exit 64; }
    real=$(cd "$2" && pwd) dir=$3 log=$4
    mkdir -p "$dir"; : > "$log"
    for p in echosrv echocli daytimesrv daytimecli; do
        # exec: the program keeps the pid the lab saw, and its own name in ps.
        printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$(printf "%%q " %s "$@")" >> %s\nexec %s/%s "$@"\n' \
            "$p" "$(printf %q "$log")" "$(printf %q "$real")" "$p" > "$dir/$p"
        chmod +x "$dir/$p"
    done
    exit 0
fi
commands=""
if [ "${1:-}" = --commands ]; then
    [ $# -ge 2 ] || { echo "usage: check-transcript.sh [--commands LOG] [FILE...]" >&2; exit 64; }
    commands=$2; shift 2
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat "$@" > "$tmp"
problems=0
problem() { printf 'transcript line %s: %s\n   %s\n' "$1" "$2" "$3"; problems=$((problems + 1)); }

# A number after a space or "(" (not "IPv4"), then a noun or verb that disagrees with it.
one_plural='(^|[[:space:](])1 (children|zombies|clients|connections|notifications|times|lines|processes|ends)([^a-z]|$)'
one_of_were='(^|[[:space:](])1 of the [0-9]+ [a-z]+ were([^a-z]|$)'
many_singular='(^|[[:space:](])([02-9]|[1-9][0-9]+) (child|zombie|client|notification|time) (was|is|remains)([^a-z]|$)'
# One bash -n over every command, each on a line of its own; only if that fails, one per line
# to say which (a transcript holds a hundred commands, and a bash each is slow on a busy machine).
commands_run=$(mktemp)
trap 'rm -f "$tmp" "$commands_run"' EXIT
grep '^\$ ' "$tmp" | cut -c3- > "$commands_run"
per_line=""
bash -n "$commands_run" 2> /dev/null || per_line=yes
n=0
while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    if [[ $line == '$ '* ]] && [ -n "$per_line" ]; then
        err=$(bash -n <<< "${line#'$ '}" 2>&1) || problem "$n" "not valid shell: ${err##*: }" "$line"
    fi
    if [[ $line == *$'\e'* ]]; then problem "$n" "a terminal escape code" "${line//$'\e'/\\e}"; fi
    shopt -s nocasematch
    if [[ $line =~ (now[[:space:]]+type|(^|[^a-z])type[[:space:]]+(a|another|one)[[:space:]]+line) ]]; then
        problem "$n" "asks the reader to type what the lab types itself" "$line"
    fi
    shopt -u nocasematch
    if [[ $line =~ $one_plural ]] || [[ $line =~ $one_of_were ]] || [[ $line =~ $many_singular ]]; then
        problem "$n" "a number that does not agree with its noun" "$line"
    fi
done < "$tmp"
[ "$n" -gt 0 ] || { echo "transcript is empty"; exit 1; }

# Rule 6, in one pass: each finding is a "transcript line N: ..." line, as problem() prints them.
findings=$(awk '
function problem(what) { printf "transcript line %d: %s\n   %s\n", NR, what, $0 }
# The TCP states as ss and netstat write them, and as the book does: one name each.
function norm(s) { s = toupper(s); gsub(/_/, "-", s); gsub(/FIN-WAIT([12])/, "FIN-WAIT-&", s); gsub(/FIN-WAIT-FIN-WAIT/, "FIN-WAIT-", s)
                   gsub(/ESTABLISHED/, "ESTAB", s); return s }
BEGIN { nstates = split("FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT TIME-WAIT LAST-ACK CLOSING SYN-SENT SYN-RECV ESTAB LISTEN", states, " ") }
{
    line = $0
    if (line ~ /line [0-9]+: +[0-9]+ +(Killed|Terminated|Done|Stopped|Hangup|Aborted|Quit|Interrupt|User defined signal [12])( |$)/ ||
        line ~ /^\[[0-9]+\][-+]? +(Done|Running|Stopped|Killed|Terminated|Exit [0-9]+)/) problem("job-control noise, not part of the experiment")
    # The numbers this line shows, as words: "(pid 10;" shows 10, an address "10.255.5.1" does not.
    for (w = 1; w <= NF; w++) { x = $w; gsub(/^[([]+|[],;:.)]+$/, "", x); if (x ~ /^[0-9]+$/) later[x] = 1 }
    if (line ~ /^\$ /) {
        cmd = substr(line, 3)
        # Every pid used here was shown before (in an earlier line, output or narration).
        rest = cmd; gsub(/[0-9]*[<>]+&?[0-9]*/, " ", rest) # not the 2 of "2> file"
        while (match(rest, /(kill( -[A-Z0-9]+)*|--pid|--ppid|-p)( [0-9][0-9,]*)+/)) {
            m = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
            k = split(m, ws, /[ ,]/)
            for (i = 2; i <= k; i++)
                if (ws[i] ~ /^[0-9]+$/ && !(ws[i] in seen)) { problem("uses pid " ws[i] ", which the transcript has not shown"); seen[ws[i]] = 1 }
        }
        if (cmd ~ /(^|[ ;(])(echosrv|daytimesrv)( |$)/ && cmd !~ /--inetd/ && cmd !~ /&$/) problem("starts a server without the \"&\" it ran with")
        if (match(cmd, /< *[A-Za-z0-9_.-]+\.in( |$)/)) { f = substr(cmd, RSTART, RLENGTH); gsub(/[< ]/, "", f); sub(/\.in$/, "", f); input[f] = NR; bg[f] = (cmd ~ /&$/) }
        if (cmd ~ /(^| )(ss|netstat) /) { since_ss = 1; ss_out = "" }
        if (cmd ~ /(^| )ps /) { since_ps = 1; ps_out = "" }
    }
    if (match(line, /^   \[typed into [^]]+\]/)) {
        f = substr(line, 16, RLENGTH - 16)
        if (!(f in input)) problem("types into " f ", whose command (with \"< " f ".in\") the transcript has not shown")
        else if (!bg[f]) problem("types into " f ", whose command was not started with \"&\"")
    }
    if (line ~ /^   Notice:/) {
        said = norm(line)
        for (i = 1; i <= nstates; i++)
            if (said ~ ("(^|[^A-Z-])" states[i] "([^A-Z0-9-]|$)") && ss_out !~ ("(^|[^A-Z-])" states[i] "([^A-Z0-9-]|$)"))
                problem("names " states[i] ", which the ss/netstat output above it does not show")
        if (line ~ /<defunct>/ && ps_out !~ /<defunct>/) problem("names <defunct>, which the ps output above it does not show")
    }
    # What this line printed, for the Notice lines below it (after the checks: a Notice is no evidence).
    if (line !~ /^\$ /) {
        if (since_ss) ss_out = ss_out " " norm(line)
        if (since_ps) ps_out = ps_out " " line
    }
    for (x in later) seen[x] = 1
    delete later
}' "$tmp")
if [ -n "$findings" ]; then
    printf '%s\n' "$findings"
    problems=$((problems + $(grep -c '^transcript line' <<< "$findings")))
fi
if [ -n "$commands" ]; then
    started=0
    while IFS= read -r logged; do
        [ -n "$logged" ] || continue
        started=$((started + 1))
        eval "argv=($logged)"
        want=$(shquote "${argv[@]}")
        # printed as typed: the same words, ended by the end of the line or a shell operator
        pattern="$(printf '%s' "$want" | sed 's/[][\.*^$(){}+?|]/\\&/g')( *([<>|&;#)]|[0-9]>|$))"
        grep -q -E -- "^$pattern" "$commands_run" || grep -q -E -- "[ ;(/]$pattern" "$commands_run" ||
            problem "-" "a command the lab ran but did not print" "$want"
    done < "$commands"
fi
if [ "$problems" -gt 0 ]; then
    echo "check-transcript: $problems $( [ "$problems" -eq 1 ] && echo problem || echo problems) in $n $( [ "$n" -eq 1 ] && echo line || echo lines)"; exit 1
fi
echo "check-transcript: $n $( [ "$n" -eq 1 ] && echo line || echo lines), every command pasteable, plain text${commands:+, every program started printed}"
