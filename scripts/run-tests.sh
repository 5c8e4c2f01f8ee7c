#!/usr/bin/env bash
# make test: runs the NUnit suite, then prints one plain closing line
# ("N passed, N failed, N skipped") and exits with dotnet test's status.
# A failed test is printed again just above that line, with its message, because a CI log
# is often read from its tail only.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# SIGINT, SIGQUIT, SIGHUP back to their default action: `make test &` from a script starts with
# INT and QUIT ignored, `nohup make test` with HUP ignored; the servers the tests start would
# inherit that (as nohup'd programs do), and the tests that send those signals would wait for nothing.
env --default-signal=INT,QUIT,HUP dotnet test tests/UnpServers.Tests/UnpServers.Tests.csproj -c Release --nologo \
  --blame-hang-timeout 5m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { sed -n "s/^ *$1: *\([0-9][0-9]*\) *\$/\1/p" "$log" | tail -1; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
if [ "${failed:-0}" != 0 ]; then
  echo "---- failed tests, with their messages and first stack lines"
  # From each "Failed Name [time]" line: the message, 5 lines of stack, 30 lines at most.
  awk '/^ *Failed [^:]/ { on = 1; stack = 0; k = 0 }
       /^ *(Passed|Skipped) / || /^(Test Run|Total tests)/ { on = 0 }
       on && /^ *Stack Trace:/ { stack = 1; n = 0 }
       on && k++ < 30 { if (!stack || n++ < 5) print }' "$log"
fi
if grep -q "Test Run Aborted" "$log"; then
  # The host crashed or hung (--blame-hang-timeout): the counts above are of the tests run before it.
  echo "tests: ABORTED after ${passed:-0} passed, ${failed:-0} failed: $(grep -m1 -A1 'test running when the crash occurred' "$log" | tail -1)"
  exit 1
fi
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
