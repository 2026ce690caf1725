#!/usr/bin/env bash
# Boot an ISO on Bochs, headless, COM1 captured to a file and echoed.
#
#   run-bochs.sh --iso ISO [--log FILE] [--timeout SEC] [--mem MIB] [--interactive]
#
# Debian's Bochs is built with its internal debugger, which reads commands
# from the terminal: we run it under a pty (script -qc) with a command file
# holding "c" so it just continues. It exits when the guest writes
# "Shutdown" to port 0x8900. Exit status: 0 when Bochs ended by itself,
# 124 on timeout. Success of the guest is judged from the transcript.
set -uo pipefail

iso= log= timeout=0 mem=256 interactive=0
while [ $# -gt 0 ]; do
  case "$1" in
    --iso) iso=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --interactive) interactive=1; shift ;;
    *) echo "run-bochs: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$iso" ] || { echo "run-bochs: need --iso" >&2; exit 2; }
# Under scripts/systest.py the harness watches the guest's output and
# stops a silent run itself; this limit only backs it up (8x, as its own).
[ -n "${SYSTEST_WATCH:-}" ] && [ "$timeout" != 0 ] && timeout=$((timeout * 8))

work=$(mktemp -d "${TMPDIR:-/tmp}/bochs.XXXXXX")
trap 'rm -rf "$work"' EXIT
serial=${log:-$work/serial.log}
mkdir -p "$(dirname "$serial")"
: > "$serial"

cat > "$work/bochsrc" <<RC
megs: $mem
cpu: model=corei7_sandy_bridge_2600k, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path="$(realpath "$iso")", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$serial"
clock: sync=none, time0=utc
speaker: enabled=1, mode=dummy
display_library: term
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
RC
echo c > "$work/cmds"

cmd="bochs -q -f '$work/bochsrc' -rc '$work/cmds'"
[ "$interactive" = 1 ] && cmd="bochs -q -f '$work/bochsrc'"

# Echo the transcript while Bochs runs.
tail -n +1 -F "$serial" 2>/dev/null &
tailpid=$!
if [ "$timeout" != 0 ]; then
  timeout -k 5 "$timeout" script -qefc "$cmd" /dev/null </dev/null >"$work/term.out" 2>&1
else
  if [ "$interactive" = 1 ]; then script -qefc "$cmd" /dev/null; else script -qefc "$cmd" /dev/null </dev/null >"$work/term.out" 2>&1; fi
fi
rc=$?
sleep 0.3
kill "$tailpid" 2>/dev/null; wait "$tailpid" 2>/dev/null
if [ $rc = 124 ] || [ $rc = 137 ]; then
  echo "run-bochs: timed out after ${timeout}s" >&2
  grep -E '^[0-9]+[ePi]\[' "$work/bochs.log" | grep -v '^.*i\[' | tail -5 >&2
  exit 124
fi
exit 0
