#!/usr/bin/env bash
# make test: runs the NUnit suite, then prints one plain closing line
# ("N passed, N failed, N skipped") and exits with dotnet test's status.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test tests/UnpServers.Tests/UnpServers.Tests.csproj -c Release --nologo \
  --blame-hang-timeout 5m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { sed -n "s/^ *$1: *\([0-9][0-9]*\) *\$/\1/p" "$log" | tail -1; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
