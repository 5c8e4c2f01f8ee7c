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

# lab_header NAME: sets unp and needs (the "# unp:" and "# needs:" lines among the first 15) and
# what (what the lab shows: the first comment line after the shebang that is neither), with
# bash's own read: a process per field made `unp-lab --list` take seconds on a busy machine.
lab_header() {
    local line n=0
    unp="" needs="" what=""
    while IFS= read -r line; do
        n=$((n + 1))
        [ $n -eq 1 ] && continue
        case $line in
        "# unp:"*) [ $n -gt 15 ] || [ -n "$unp" ] || trim unp "${line#"# unp:"}" ;;
        "# needs:"*) [ $n -gt 15 ] || [ -n "$needs" ] || trim needs "${line#"# needs:"}" ;;
        "#"*) [ -n "$what" ] || trim what "${line#"#"}" ;;
        esac
        [ $n -lt 15 ] || [ -z "$what" ] || break
    done < "$labs/$1.sh"
}
# trim VAR TEXT: VAR=TEXT without its leading blanks.
trim() { printf -v "$1" '%s' "${2#"${2%%[! ]*}"}"; }

list() {
    local f name unp needs what
    for f in "$labs"/*.sh; do
        name=${f##*/} name=${name%.sh}
        [ "$name" = lib ] && continue
        lab_header "$name"
        # startup first: every other lab builds on the picture it shows (UNP 5.6), though
        # backlog (UNP 4.5) comes earlier in the book. A lab without a "# unp:" line comes last.
        if [ "$name" = startup ]; then printf '0 0 %s\n' "$name"
        elif [ -n "$unp" ]; then printf '1 %s %s\n' "${unp%%[!0-9.]*}" "$name"
        else printf '2 0 %s\n' "$name"; fi
    done | sort -k1,1n -k2,2V -k3,3 | { while read -r _ _ name; do printf '%s\n' "$name"; done; }
}

case ${1:-list} in
list) list ;;
help)
    for name in $(list); do
        lab_header "$name"
        printf '  %-35s UNP %-9s %s\n' "${2:-make lab-}$name" "$unp" "$what"
    done ;;
needs) for name in lib $(list); do lab_header "$name"; printf '%s\n' $needs; done | sort -u | tr '\n' ' '; echo ;;
run)
    passed=() failed=() skipped=()
    for name in $(list); do
        lab_header "$name"
        echo "################ lab $name (UNP $unp)"
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
