#!/bin/sh
# /init of the Linux guest (busybox ash). Mounts the kernel's file systems,
# then, by the kernel command-line word lx= (the kernel hands unknown
# name=value words to init as environment):
#   lx=workload  runs /lx/workload (the test transcript) and powers off
#   lx=shell     (the default) an interactive shell on the console
#   lx=bench     the benchmark (/lx/lxbench, docs/performance.md) and
#                powers off; its first line is the TSC at /init's start
# Either way the VM ends through /sbin/poweroff (guests/linux/poweroff.c).
export PATH=/sbin:/bin
umask 022
[ "$lx" = bench ] && /lx/lxbench boot

# Busybox's own poweroff/halt/reboot signal PID 1: answer them too. A trap
# only runs once the command in the foreground has ended, so the
# interactive shell's poweroff, halt and reboot are functions calling
# /sbin/poweroff at once (/lx/shellrc; Debian's ash prefers its applets
# to PATH).
trap 'exec /sbin/poweroff' USR1 USR2 TERM

mounted() { grep -q "^[^ ]* $1 " /proc/mounts 2>/dev/null; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# DEVTMPFS_MOUNT does not apply to an initramfs root: mount it here.
mounted /dev || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp

case "${lx:-shell}" in
  workload)
    /bin/sh /lx/workload
    ;;
  bench)
    /lx/lxbench /lx/macro
    ;;
  shell)
    echo "lx: busybox shell; 'poweroff' or 'exit' ends the VM"
    # A session of its own with the console's real tty (ttyS0) as its
    # controlling terminal, so job control and Ctrl-C work. In the
    # foreground: ash starts a background job with SIGINT ignored for
    # good, which the shell and everything it runs would inherit.
    PS1='lx# ' ENV=/lx/shellrc setsid cttyhack /bin/sh
    ;;
  *)
    echo "lx: unknown lx=$lx (want workload, bench or shell)"
    ;;
esac
exec /sbin/poweroff
