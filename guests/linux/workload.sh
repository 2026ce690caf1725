#!/bin/sh
# The Linux guest's workload (/lx/workload, run by /init with lx=workload).
# Every line it prints starts with "lx: " and is the same on every machine
# that runs it correctly (natively on QEMU or Bochs, or under the
# hypervisor), so two transcripts compare line for line
# (guests/linux/lxcompare.py); lines that measure time start with
# "lx: time: " and are dropped by the comparison, and the kernel's variant
# (-plain, -afterburn) in the uname line is normalised by it.
# A check prints "NAME ok" or "NAME FAIL: what it saw".

say() { echo "lx: $*"; }
ok() { say "$1 ok"; }
bad() { n=$1; shift; say "$n FAIL: $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }

# Kernel messages would land in the middle of our lines (the console
# writes to the UART directly, beside the tty's buffer): only emergencies
# go to the console while the workload runs; what the kernel logged
# meanwhile is printed at the end, without our prefix, so the comparison
# ignores it and the tests' rejection of WARNING:, BUG: etc. still sees it.
dmesg -c >/dev/null
dmesg -n 1

t_start=$(uptime_s)
say "workload start"
say "uname: $(uname -s) $(uname -r) $(uname -m)"
say "uid $(id -u), pid 1 is $(ps -o pid,comm | awk '$1 == 1 { print $2 }')"

# /proc/cpuinfo: one processor, and the features lxtest and the kernel
# rely on (cx8 and cmov are required by a 686 kernel; fxsr, sse, sse2 by
# lxtest's FPU checks). Only presence is printed, never model or speed.
say "cpuinfo: processors $(grep -c '^processor' /proc/cpuinfo)"
flags=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo) "
for f in fpu tsc cx8 cmov fxsr sse sse2; do
  case "$flags" in
    *" $f "*) say "cpuinfo: $f yes" ;;
    *) say "cpuinfo: $f no" ;;
  esac
done

# MemTotal against lxmem=MIB from the command line: the kernel's own code,
# data and reserved pages come off the top, so MemTotal must lie in
# [7/8 of lxmem, lxmem].
total_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
want_mb=${lxmem%M}
if [ -z "$want_mb" ]; then
  bad meminfo "no lxmem= on the command line (MemTotal ${total_kb} kB)"
elif [ "$total_kb" -le $((want_mb * 1024)) ] && [ "$total_kb" -ge $((want_mb * 1024 * 7 / 8)) ]; then
  ok "meminfo: MemTotal within 7/8..1 of lxmem=${want_mb}M"
else
  bad meminfo "MemTotal ${total_kb} kB, lxmem=${want_mb}M"
fi

# The mounts /init made, and what devtmpfs and sysfs provide.
for m in "proc /proc proc" "sysfs /sys sysfs" "devtmpfs /dev devtmpfs" "tmpfs /tmp tmpfs"; do
  set -- $m
  if grep -q "^$1 $2 $3 " /proc/mounts; then ok "mount: $2 $3"; else bad mount "$2 is not $3"; fi
done
for d in /dev/null /dev/ttyS0 /dev/rtc0; do
  if [ -c "$d" ]; then ok "devtmpfs: $d"; else bad devtmpfs "$d missing"; fi
done

# The CMOS RTC driver bound and readable.
if grep -q rtc_cmos /sys/class/rtc/rtc0/name 2>/dev/null && hwclock -r >/dev/null 2>&1; then
  ok "rtc: rtc0 is rtc_cmos, readable"
else
  bad rtc "$(cat /sys/class/rtc/rtc0/name 2>&1), hwclock: $(hwclock -r 2>&1)"
fi

# The timer interrupt advances while the shell sleeps; the serial port
# runs on IRQ 4 (interrupt driven, not polled).
irq_count() { awk -v n="$1:" '$1 == n { print $2 }' /proc/interrupts; }
irq_name() { awk -v n="$1:" '$1 == n { print $NF }' /proc/interrupts; }
a=$(irq_count 0); sleep 1; b=$(irq_count 0)
if [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]; then
  say "interrupts: irq 0 advanced over sleep 1"
else
  bad interrupts "irq 0 from '$a' to '$b' over sleep 1"
fi
say "time: irq 0 ticks over sleep 1: $((b - a))"
c=$(irq_count 4)
if [ -n "$c" ] && [ "$c" -gt 0 ] && [ "$(irq_name 4)" = ttyS0 ]; then
  say "interrupts: irq 4 serves ttyS0"
else
  bad interrupts "irq 4: count '$c', name '$(irq_name 4)'"
fi

# 200 fork+exec+wait of /bin/true (a path, so ash cannot use its builtin).
t0=$(uptime_s)
i=0
while [ $i -lt 200 ] && /bin/true; do i=$((i + 1)); done
t1=$(uptime_s)
say "fork-exec-wait: $i of 200 /bin/true completed"
say "time: 200 fork-exec-wait: $(elapsed "$t0" "$t1") s"

# A pipeline of three processes through pipes; the hash is that of the
# numbers 20000 down to 1, one a line.
h=$(seq 1 20000 | sort -rn | md5sum)
h=${h%% *}
if [ "$h" = d29c9b2130d81144350e794f0423148c ]; then
  ok "pipeline: seq 1 20000 | sort -rn | md5sum = $h"
else
  bad pipeline "seq 1 20000 | sort -rn | md5sum = $h"
fi

# A file in tmpfs: written, read back and compared, removed.
f=/tmp/lx.data
seq 1 5000 >"$f"
size=$(wc -c <"$f")
if [ "$size" -eq 23893 ] && seq 1 5000 | cmp -s - "$f" && rm "$f" && [ ! -e "$f" ]; then
  ok "tmpfs: 23893 bytes written, read back, compared, removed"
else
  bad tmpfs "size $size, $(ls -l "$f" 2>&1)"
fi

# Our own C checks: threads, TLS, signals, the FPU, privileged instructions.
/lx/lxtest
say "lxtest exit status $?"

say "time: workload $(elapsed "$t_start" "$(uptime_s)") s"
echo "kernel messages during the workload:"
dmesg
echo "(end of kernel messages)"
say "workload done"
