#!/usr/bin/env bash
# Boot an ISO on Bochs, headless, COM1 captured to a file and echoed.
#
#   run-bochs.sh --iso ISO [--log FILE] [--timeout SEC] [--mem MIB] [--interactive]
#                [--com2 PORT] [--symbols FILE]
#
# Debian's Bochs is built with its internal debugger, which reads commands
# from the terminal: we run it under a pty (script -qc) with a command file
# holding "c" so it just continues. It exits when the guest writes
# "Shutdown" to port 0x8900. Exit status: 0 when Bochs ended by itself,
# 124 on timeout, 125 when Bochs itself got stuck (watch_bochs). Success
# of the guest is judged from the transcript.
# --com2 PORT: COM2 (the hypervisor's GDB stub) connects to a TCP server at
# 127.0.0.1:PORT when Bochs starts (scripts/gdb/relay.py listens there).
# --symbols FILE: the debugger loads FILE ("ADDR NAME" lines) with ldsym
# first (make run-bochs-debug), so its prompts and `u` name functions.
set -uo pipefail

iso= log= timeout=0 mem=256 interactive=0 com2= symbols=
while [ $# -gt 0 ]; do
  case "$1" in
    --iso) iso=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --interactive) interactive=1; shift ;;
    --com2) com2=$2; shift 2 ;;
    --symbols) symbols=$(realpath "$2"); shift 2 ;;
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
[ -n "$com2" ] && echo "com2: enabled=1, mode=socket-client, dev=127.0.0.1:$com2" >> "$work/bochsrc"
: > "$work/cmds"
[ -n "$symbols" ] && echo "ldsym global \"$symbols\"" >> "$work/cmds"
[ "$interactive" = 1 ] || echo c >> "$work/cmds"

cmd="bochs -q -f '$work/bochsrc' -rc '$work/cmds'"

# The screen. With its debugger compiled in, Bochs's term display does not
# draw on our terminal: it opens a pty of its own, prints
# 'Bochs connected to screen "/dev/pts/N"' and writes the curses rendering
# of the VGA text screen into it. Unread, that pty fills (the kernel's tty
# buffer, 64 KiB: a few hundred scrolled lines) and Bochs blocks in
# write(2) for good, mid-run, with no error (the screen-pty hang,
# tests/hang.mk). Drain it, raw, to screen.out.
drain_screen() {
  local pts= i
  for i in $(seq 1 600); do
    pts=$(sed -n 's/.*Bochs connected to screen "\([^"]*\)".*/\1/p' "$work/term.out" 2>/dev/null | head -n 1)
    [ -n "$pts" ] && break
    sleep 0.1
  done
  if [ -z "$pts" ]; then
    echo "run-bochs: Bochs never named its screen pty; its screen output is not drained" >&2
    return
  fi
  stty -F "$pts" raw -echo 2>/dev/null
  exec cat "$pts" > /dev/null 2>&1
}

# Bochs with clock sync=none burns CPU whenever it emulates, hlt included:
# a Bochs whose main thread uses none for $stuck s is blocked on the host,
# not in the guest. Say where, and stop it, instead of waiting for the silence limit.
stuck=30
watch_bochs() {
  local pid= i t last= same=0
  for i in $(seq 1 600); do
    pid=$(pgrep -f -- "-f $work/bochsrc" | head -n 1)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || return
  while [ -d "/proc/$pid" ]; do
    # The emulating thread only: Bochs's helper threads wake on timers.
    t=$(awk '{print $14 + $15}' "/proc/$pid/task/$pid/stat" 2>/dev/null) || return
    if [ "$t" = "$last" ]; then same=$((same + 5)); else same=0; last=$t; fi
    if [ "$same" -ge "$stuck" ]; then
      local sc fd
      sc=$(cat "/proc/$pid/syscall" 2>/dev/null)
      fd=$(echo "$sc" | awk '{printf "%d", $2}')
      echo >&2   # the transcript may end mid-line
      echo "run-bochs: Bochs stopped emulating: no CPU time for ${stuck}s, in syscall" \
        "$(echo "$sc" | cut -d' ' -f1) (fd $fd -> $(readlink "/proc/$pid/fd/$fd" 2>/dev/null)," \
        "wchan $(cat "/proc/$pid/wchan" 2>/dev/null)); stopping it" >&2
      : > "$work/stuck"
      kill -9 "$pid" 2>/dev/null
      return
    fi
    sleep 5
  done
}

# Echo the transcript while Bochs runs.
tail -n +1 -F "$serial" 2>/dev/null &
tailpid=$!
: > "$work/term.out"
drain_screen & helpers=($!)
# An interactive session idles at the debugger's prompt: no watchdog there.
[ "$interactive" = 0 ] && { watch_bochs & helpers+=($!); }
if [ "$timeout" != 0 ]; then
  timeout -k 5 "$timeout" script -qefc "$cmd" /dev/null </dev/null >"$work/term.out" 2>&1
elif [ "$interactive" = 1 ]; then
  script -qefc "$cmd" "$work/term.out"     # the typescript names the screen pty
else
  script -qefc "$cmd" /dev/null </dev/null >"$work/term.out" 2>&1
fi
rc=$?
sleep 0.3
kill "$tailpid" "${helpers[@]}" 2>/dev/null; wait "$tailpid" "${helpers[@]}" 2>/dev/null
if [ -e "$work/stuck" ]; then
  exit 125
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
  echo "run-bochs: timed out after ${timeout}s" >&2
  grep -E '^[0-9]+[ePi]\[' "$work/bochs.log" | grep -v '^.*i\[' | tail -5 >&2
  exit 124
fi
exit 0
