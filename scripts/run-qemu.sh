#!/usr/bin/env bash
# Boot an image on QEMU, headless, serial console on stdout.
#
#   run-qemu.sh (--iso ISO | --kernel ELF [--append ARGS] [--initrd 'MOD ARGS,...'])
#               [--log FILE] [--timeout SEC] [--mem MIB] [--kvm] [--icount]
#               [--gdb PORT] [--com2 PORT] [--interactive] [--stdin] [-- EXTRA QEMU ARGS]
#
# --stdin: a headless run's serial input is this script's standard input
# (scripts/systest.py --send types on it); otherwise it reads nothing.
# --com2 PORT: the second serial port (COM2, the hypervisor's GDB stub with
# gdb=NAME) on a TCP server at 127.0.0.1:PORT that does not wait for a
# client (scripts/gdb-guest.sh connects GDB to it).
# Exit status: 0 when the guest wrote the success code (0x10) to the
# isa-debug-exit port 0xf4, 124 on timeout, 3 when a headless run ended
# without writing the port (a reset, which -no-reboot turns into QEMU's
# own status 0: a triple fault must never look like success), otherwise
# QEMU's own status ((code << 1) | 1 for any other code written to the port).
set -uo pipefail

iso= kernel= append= initrd= log= timeout=0 mem=256 kvm=0 icount=0 gdb= com2= interactive=0
stdin=/dev/null
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --iso) iso=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --kvm) kvm=1; shift ;;
    --icount) icount=1; shift ;;
    --gdb) gdb=$2; shift 2 ;;
    --com2) com2=$2; shift 2 ;;
    --interactive) interactive=1; shift ;;
    --stdin) stdin=/dev/stdin; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run-qemu: unknown option $1" >&2; exit 2 ;;
  esac
done

# Under scripts/systest.py the harness watches the guest's output and
# stops a silent run itself; this limit only backs it up (8x, as its own).
[ -n "${SYSTEST_WATCH:-}" ] && [ "$timeout" != 0 ] && timeout=$((timeout * 8))
args=(qemu-system-i386 -m "$mem" -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ -n "$iso" ]; then
  args+=(-cdrom "$iso" -boot d)
elif [ -n "$kernel" ]; then
  args+=(-kernel "$kernel")
  [ -n "$append" ] && args+=(-append "$append")
  [ -n "$initrd" ] && args+=(-initrd "$initrd")
else
  echo "run-qemu: need --iso or --kernel" >&2; exit 2
fi
if [ "$interactive" = 1 ]; then
  args+=(-nographic)
  # a -serial of our own would otherwise take COM1 from -nographic's console
  [ -n "$com2" ] && args+=(-serial mon:stdio)
else
  args+=(-display none -serial stdio -monitor none)
fi
[ -n "$com2" ] && args+=(-serial "tcp:127.0.0.1:$com2,server=on,wait=off")
if [ "$kvm" = 1 ]; then
  if [ -w /dev/kvm ]; then args+=(-enable-kvm -cpu host); else echo "run-qemu: /dev/kvm not usable, using TCG" >&2; fi
fi
[ "$icount" = 1 ] && args+=(-icount shift=0,sleep=off)
[ -n "$gdb" ] && args+=(-S -gdb "tcp:127.0.0.1:$gdb")
args+=("${extra[@]}")

run() {
  if [ "$timeout" != 0 ]; then timeout --foreground -k 5 "$timeout" "$@"; else "$@"; fi
}
if [ -n "$log" ]; then
  mkdir -p "$(dirname "$log")"
  if [ "$interactive" = 1 ]; then run "${args[@]}"; else run "${args[@]}" <"$stdin" | tee "$log"; fi
else
  if [ "$interactive" = 1 ]; then run "${args[@]}"; else run "${args[@]}" <"$stdin"; fi
fi
rc=${PIPESTATUS[0]}
case $rc in
  33) exit 0 ;;                          # (0x10 << 1) | 1: success
  0) if [ "$interactive" = 1 ]; then exit 0; fi   # the user quit
     echo "run-qemu: the machine reset (a triple fault?) without an exit code" >&2; exit 3 ;;
  124|137) echo "run-qemu: timed out after ${timeout}s" >&2; exit 124 ;;
  *) exit "$rc" ;;
esac
