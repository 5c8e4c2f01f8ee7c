#!/usr/bin/env bash
# install.sh BIN ROOT: make install (ROOT is $(DESTDIR)$(PREFIX)); install.sh --uninstall ROOT.
# What a class needs, readable by everyone whatever the installer's umask:
#   ROOT/bin                 unpservers (the one native executable) and echosrv echocli
#                            daytimesrv daytimecli unpwatch, hard links to it; unp-lab
#   ROOT/share/unpservers    the labs (labs/), labs.sh and need.sh, for unp-lab
#   ROOT/share/doc/unpservers  docs/labs.md, and the answers to the labs' questions (lab-answers.md),
#                            which an instructor may remove
# Debug symbols (*.dbg, *.pdb) are not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRAMS=(echosrv echocli daytimesrv daytimecli unpwatch)

uninstall() {
    local root=$1 p
    for p in unpservers "${PROGRAMS[@]}" unp-lab; do rm -f "$root/bin/$p"; done
    rm -rf "$root/lib/unpservers" "$root/share/unpservers" "$root/share/doc/unpservers"
}
if [ "${1:-}" = --uninstall ]; then
    [ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: install.sh --uninstall ROOT" >&2; exit 64; }
    uninstall "$2"; exit 0
fi
[ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: install.sh BIN ROOT" >&2; exit 64; }
bin=$1 root=$2
for p in unpservers "${PROGRAMS[@]}"; do [ -x "$bin/$p" ] || { echo "install: $bin/$p is missing; run make first" >&2; exit 1; }; done

install -d -m 755 "$root/bin" "$root/share/unpservers/labs" "$root/share/doc/unpservers"
rm -rf "$root/lib/unpservers" # what the JIT-era install left there
# One executable, the programs hard links to it: the name each is run by picks the program.
install -m 755 "$bin/unpservers" "$root/bin/unpservers"
for p in "${PROGRAMS[@]}"; do ln -f "$root/bin/unpservers" "$root/bin/$p"; done
install -m 755 scripts/unp-lab "$root/bin/unp-lab"
install -m 755 scripts/labs.sh scripts/need.sh "$root/share/unpservers/"
rm -f "$root/share/unpservers/labs/"*
install -m 644 labs/*.sh labs/*.bash labs/*.awk "$root/share/unpservers/labs/"
install -m 644 docs/labs.md docs/lab-answers.md "$root/share/doc/unpservers/"
for p in "${PROGRAMS[@]}" unp-lab; do echo "installed $root/bin/$p"; done
echo "the labs: $root/bin/unp-lab --list (answers to their questions: $root/share/doc/unpservers/lab-answers.md)"
