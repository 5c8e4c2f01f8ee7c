# shquote WORD...: the words as they must be typed at a shell prompt: a word is left plain when
# it is safe, else put in single quotes. Sourced by lib.sh (to print what a lab runs) and by
# scripts/check-transcript.sh (to find those commands in a transcript).
shquote() {
    local w out=() sq="'"
    for w in "$@"; do
        if [[ $w =~ ^[A-Za-z0-9_./:=,+@%^-]+$ ]]; then out+=("$w"); else out+=("'${w//$sq/$sq\\$sq$sq}'"); fi
    done
    printf '%s' "${out[*]}"
}
