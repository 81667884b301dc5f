#!/usr/bin/env bash
# The suite's self-test: it must be able to fail. Each deliberately broken
# runtime (broken-runtime, wrapping the real one) must be caught by the tests
# that check what it breaks, and the real runtime must pass the same tests.
# Usage: conformance/selftest/run.sh [REAL_RUNTIME]   (default runc)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=$here/../bin/runts-conformance
real=${1:-runc}
case "$real" in */*) ;; *) real=$(command -v "$real" || echo "$here/../../bin/$real") ;; esac
export REAL_RUNTIME=$real
failed=0
out=$(mktemp)
# mode: the tests that must fail
declare -A EXPECT=(
  [drop-last-mount]='mounts.order mounts.option.nosuid mounts.option.rbind mounts.option.ro'
  [ignore-poststart]='hooks.poststart.invoked hooks.poststart.namespace hooks.poststart.path-resolution'
  [ignore-rlimits]='process.rlimits'
  [ignore-readonly]='root.readonly'
)
for mode in "${!EXPECT[@]}"; do
  tests=${EXPECT[$mode]}
  filter="^($(echo "$tests" | sed 's/\./\\./g; s/ /|/g'))\$"
  BREAK=$mode "$suite" --runtime "$here/broken-runtime,$real" --filter "$filter" --json "$out" >/dev/null 2>&1
  for t in $tests; do
    broken=$(jq -r --arg t "$t" '.tests[$t]["broken-runtime"].status' "$out")
    good=$(jq -r --arg t "$t" --arg r "$(basename "$real")" '.tests[$t][$r].status' "$out")
    if [ "$broken" = fail ] && [ "$good" = pass ]; then
      echo "ok - $mode is caught by $t"
    else
      echo "not ok - $mode: $t gave $broken on the broken runtime, $good on $(basename "$real")"
      failed=$((failed + 1))
    fi
  done
done
rm -f "$out"
[ "$failed" -eq 0 ]
