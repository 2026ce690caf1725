#!/usr/bin/env bash
# Checks on test-OS transcripts (as kept by scripts/systest.py).
#
#   transcript.sh count LOG MIN      at least MIN "ok" lines, no "not ok",
#                                    closing "N passed, 0 failed" with N = oks
#   transcript.sh compare LOG1 LOG2  identical from the first "testos: start"
#                                    on (GRUB/BIOS noise before it is dropped)
set -euo pipefail

# The test OS's part of a transcript: from "testos: start" (which may follow
# GRUB's escape sequences on the same line) to the end, CRs removed.
strip() {
  tr -d '\r' < "$1" | sed -n '/testos: start/,$p' | sed '1s/.*testos: start/testos: start/'
}

case ${1:-} in
count)
  log=$2 min=$3
  body=$(strip "$log")
  oks=$(grep -cE '^ok [0-9]+ - ' <<< "$body" || true)
  bad=$(grep -cE '^not ok ' <<< "$body" || true)
  closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<< "$body" | tail -1)
  echo "transcript $log: $oks ok, $bad not ok, closing: ${closing:-none}"
  [ "$oks" -ge "$min" ] || { echo "FAIL: fewer than $min ok lines" >&2; exit 1; }
  [ "$bad" -eq 0 ] || { echo "FAIL: not ok lines present" >&2; exit 1; }
  [ "$closing" = "$oks passed, 0 failed" ] || { echo "FAIL: closing line does not match the ok lines" >&2; exit 1; }
  ;;
compare)
  a=$(strip "$2") b=$(strip "$3")
  [ -n "$a" ] || { echo "FAIL: no test-OS transcript in $2" >&2; exit 1; }
  if [ "$a" != "$b" ]; then
    echo "FAIL: transcripts differ ($2 vs $3):" >&2
    diff <(echo "$a") <(echo "$b") | head -20 >&2
    exit 1
  fi
  echo "transcripts identical: $(wc -l <<< "$a") lines"
  ;;
*)
  echo "usage: transcript.sh count LOG MIN | compare LOG1 LOG2" >&2; exit 2 ;;
esac
