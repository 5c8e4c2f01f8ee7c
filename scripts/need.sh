#!/usr/bin/env bash
# need.sh WHO [--lab FILE]... [cmd:package]...: makes sure each command is installed.
# WHO is what needs them ("make lab-startup"). --lab FILE adds the lab's "# needs:" header line(s).
# Missing packages are installed with apt-get as root, or with sudo when it needs no password;
# otherwise one line says what is missing and how to get it, and the exit status is 1.
set -euo pipefail
who=${1:?usage: need.sh WHO [--lab FILE]... [cmd:package]...}; shift
wanted=()
while [ $# -gt 0 ]; do
    if [ "$1" = --lab ]; then
        [ $# -ge 2 ] || { echo "need.sh: --lab needs a file" >&2; exit 64; }
        # "# needs: cmd:package ..." in the lab's header (its first 15 lines), any number of such lines.
        while read -r -a words; do wanted+=("${words[@]:2}"); done < <(head -n 15 "$2" | grep '^# needs:' || true)
        shift 2
    else
        wanted+=("$1"); shift
    fi
done

missing_cmds=() missing_pkgs=()
for cp in "${wanted[@]+"${wanted[@]}"}"; do
    cmd=${cp%%:*} pkg=${cp#*:}
    # sbin too: a user's PATH may lack it, though the tools there (ip, tcpdump) work for them.
    PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" > /dev/null 2>&1 && continue
    missing_cmds+=("$cmd")
    case " ${missing_pkgs[*]-} " in *" $pkg "*) ;; *) missing_pkgs+=("$pkg") ;; esac
done
[ ${#missing_pkgs[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then sudo=""
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then sudo="sudo -n"
else
    echo "$who needs ${missing_cmds[*]} (Debian/Ubuntu: sudo apt-get install ${missing_pkgs[*]}); ask whoever runs this machine to install them" >&2
    exit 1
fi
echo "$who: installing ${missing_pkgs[*]} (for ${missing_cmds[*]})"
if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_pkgs[@]}" > /dev/null; }; then
    echo "$who needs ${missing_cmds[*]}: apt-get install ${missing_pkgs[*]} failed" >&2
    exit 1
fi
