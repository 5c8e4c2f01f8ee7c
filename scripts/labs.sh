#!/usr/bin/env bash
# labs.sh: the labs in labs/, in the book's order.
#   labs.sh list        their names, startup first, then by the "# unp: N.N" line of each lab's header
#   labs.sh help [CMD]  one line per lab: how to run it (CMD, default "make lab-"), UNP section, what it shows
#   labs.sh needs       every "cmd:package" the "# needs:" lines of the labs and of lib.sh ask for
#   labs.sh run         runs them all (BIN from the environment); exit 77 from a lab means skipped
# LAB_DIR (default: the repository's labs/) is where the labs are.
set -uo pipefail
cd "$(dirname "$0")/.."
labs=${LAB_DIR:-labs}

header() { head -n 15 "$labs/$1.sh" | sed -n "s/^# $2: *//p" | head -n 1; }

list() {
    local f name unp
    for f in "$labs"/*.sh; do
        name=$(basename "$f" .sh)
        [ "$name" = lib ] && continue
        unp=$(header "$name" unp)
        # startup first: every other lab builds on the picture it shows (UNP 5.6), though
        # backlog (UNP 4.5) comes earlier in the book. A lab without a "# unp:" line comes last.
        if [ "$name" = startup ]; then printf '0 0 %s\n' "$name"
        elif [ -n "$unp" ]; then printf '1 %s %s\n' "${unp%%[!0-9.]*}" "$name"
        else printf '2 0 %s\n' "$name"; fi
    done | sort -k1,1n -k2,2V -k3,3 | awk '{print $3}'
}

case ${1:-list} in
list) list ;;
help)
    for name in $(list); do
        # what the lab shows: the first comment line after the shebang that is not a "# unp:" or
        # "# needs:" line, wherever those are
        what=$(awk 'NR == 1 || /^# (unp|needs):/ { next } /^#/ { sub(/^# */, ""); print; exit }' "$labs/$name.sh")
        printf '  %-35s UNP %-9s %s\n' "${2:-make lab-}$name" "$(header "$name" unp)" "$what"
    done ;;
needs) for name in lib $(list); do head -n 15 "$labs/$name.sh" | sed -n 's/^# needs: *//p'; done | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' '; echo ;;
run)
    passed=() failed=() skipped=()
    for name in $(list); do
        echo "################ lab $name (UNP $(header "$name" unp))"
        bash "$labs/$name.sh"
        case $? in
        0) passed+=("$name") ;;
        77) skipped+=("$name") ;;
        *) failed+=("$name") ;;
        esac
    done
    echo "labs: ${#passed[@]} passed, ${#failed[@]} failed, ${#skipped[@]} skipped${skipped[*]:+ (skipped: ${skipped[*]})}${failed[*]:+ (failed: ${failed[*]})}"
    [ ${#failed[@]} -eq 0 ] ;;
*) echo "usage: labs.sh list|help [CMD]|needs|run" >&2; exit 64 ;;
esac
