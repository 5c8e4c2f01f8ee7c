#!/usr/bin/env bash
# install.sh BIN ROOT: make install (ROOT is $(DESTDIR)$(PREFIX)); install.sh --uninstall ROOT.
# What a class needs, readable by everyone whatever the installer's umask:
#   ROOT/bin                 echosrv echocli daytimesrv daytimecli, and unp-lab
#   ROOT/lib/unpservers      the programs as built with the .NET runtime (their dlls beside them);
#                            a native build (one executable per program) needs no such folder
#   ROOT/share/unpservers    the labs (labs/), labs.sh and need.sh, for unp-lab
#   ROOT/share/doc/unpservers  docs/labs.md, and the answers to the labs' questions (lab-answers.md),
#                            which an instructor may remove
# Debug symbols (*.dbg, *.pdb) are not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRAMS=(echosrv echocli daytimesrv daytimecli)

uninstall() {
    local root=$1 p
    for p in "${PROGRAMS[@]}" unp-lab; do rm -f "$root/bin/$p"; done
    rm -rf "$root/lib/unpservers" "$root/share/unpservers" "$root/share/doc/unpservers"
}
if [ "${1:-}" = --uninstall ]; then
    [ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: install.sh --uninstall ROOT" >&2; exit 64; }
    uninstall "$2"; exit 0
fi
[ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: install.sh BIN ROOT" >&2; exit 64; }
bin=$1 root=$2
for p in "${PROGRAMS[@]}"; do [ -x "$bin/$p" ] || { echo "install: $bin/$p is missing; run make first" >&2; exit 1; }; done

install -d -m 755 "$root/bin" "$root/share/unpservers/labs" "$root/share/doc/unpservers"
if [ -f "$bin/echosrv.dll" ]; then
    # Built for the .NET runtime: each program is an apphost that loads its dll from its own
    # folder (it follows the link), so the folder is installed whole and the programs linked.
    rm -rf "$root/lib/unpservers"
    install -d -m 755 "$root/lib/unpservers"
    find "$bin" -maxdepth 1 -type f ! -name '.*' ! -name '*.dbg' ! -name '*.pdb' -print0 |
        while IFS= read -r -d '' f; do
            if [ -x "$f" ]; then mode=755; else mode=644; fi
            install -m "$mode" "$f" "$root/lib/unpservers/"
        done
    for p in "${PROGRAMS[@]}"; do ln -sfn "../lib/unpservers/$p" "$root/bin/$p"; done
else
    # Native: each program is one executable, and nothing else is needed.
    rm -rf "$root/lib/unpservers"
    for p in "${PROGRAMS[@]}"; do install -m 755 "$bin/$p" "$root/bin/$p"; done
fi
install -m 755 scripts/unp-lab "$root/bin/unp-lab"
install -m 755 scripts/labs.sh scripts/need.sh "$root/share/unpservers/"
rm -f "$root/share/unpservers/labs/"*
install -m 644 labs/*.sh labs/*.bash labs/*.awk "$root/share/unpservers/labs/"
install -m 644 docs/labs.md docs/lab-answers.md "$root/share/doc/unpservers/"
for p in "${PROGRAMS[@]}" unp-lab; do echo "installed $root/bin/$p"; done
echo "the labs: $root/bin/unp-lab --list (answers to their questions: $root/share/doc/unpservers/lab-answers.md)"
