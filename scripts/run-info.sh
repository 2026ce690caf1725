#!/usr/bin/env bash
# One line before `make run` starts the emulator: what boots (the GRUB
# entry, the hypervisor's words, each guest and which one owns the console
# input) and how to leave.
#
#   run-info.sh --emulator NAME --iso ISO --leave HOW "TITLE|KERNEL ARGS|MODULE ARGS..."
#
# The entry is the one mkiso.sh wrote as the ISO's default, in its format.
set -euo pipefail
emu= iso= leave=
while [ $# -gt 1 ]; do
  case "$1" in
    --emulator) emu=$2; shift 2 ;;
    --iso) iso=$2; shift 2 ;;
    --leave) leave=$2; shift 2 ;;
    *) echo "run-info: unknown option $1" >&2; exit 2 ;;
  esac
done
IFS='|' read -r -a parts <<< "$1"
kernel=${parts[1]}
guests=() input= first=
for m in "${parts[@]:2}"; do
  read -r -a words <<< "$m"
  name=${words[0]%.elf} console=serial
  for w in "${words[@]:1}"; do
    case "$w" in
      name=*) name=${w#name=} ;;
      console=*) console=${w#console=} ;;
    esac
  done
  [ "$console" = input ] && [ -z "$input" ] && input=$name
  [ "$console" = serial ] && [ -z "$first" ] && first=$name
  guests+=("$name (${words[0]})")
done
# As kernel/console_mux.c chooses: a console=input guest, else the first
# console=serial one.
[ -z "$input" ] && input=$first
what="${#guests[@]} guest(s): ${guests[*]:-none}"
[ -n "$input" ] && what+="; serial input goes to $input"
echo "run: $emu boots $iso, entry '${parts[0]}': $kernel; $what; leave with $leave"
