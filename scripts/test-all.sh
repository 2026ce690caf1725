#!/usr/bin/env bash
# Run each test target given as an argument with make, one after another,
# keep every log under build/test-logs/, show the tail of a failing one, and
# close with "N passed, M failed". Exit status 1 if anything failed.
set -u
logs=build/test-logs
mkdir -p "$logs"
pass=0 fail=0 n=0 failed=()
for t in "$@"; do
  n=$((n + 1))
  start=$(date +%s)
  if make --no-print-directory "$t" >"$logs/$t.out" 2>&1; then
    pass=$((pass + 1))
    echo "ok $n - $t ($(( $(date +%s) - start ))s)"
  else
    fail=$((fail + 1)); failed+=("$t")
    echo "not ok $n - $t ($(( $(date +%s) - start ))s), log: $logs/$t.out"
    tail -n 30 "$logs/$t.out" | sed 's/^/#   /'
  fi
done
[ $fail -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
