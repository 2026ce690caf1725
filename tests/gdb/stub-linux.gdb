# Batch GDB against the per-guest stub serving Linux (tests/gdbstub.mk,
# test-linux-hv-gdbstub): attached once Linux runs /init (no gdbwait: the
# first request stopped it wherever it was), vmlinux's symbols. Break in
# the sync system call its init makes before it powers off, read its registers
# as it sees them (__KERNEL_CS 0x60, the real CS has RPL 1), a kernel
# variable through its own page tables, step, detach: it powers off.
printf "ATTACHED CS %x\n", $cs
break __ia32_sys_sync
continue
bt 1
printf "LINUX_CS %x SS %x\n", $cs, $ss
# vmlinux has no debug info: init_uts_ns starts with its new_utsname,
# sysname at 0, release at 2 * 65
printf "SYSNAME %s\n", (char *)&init_uts_ns
printf "RELEASE %s\n", (char *)&init_uts_ns + 130
# its first instruction is the tail call's jmp: one stepi lands in ksys_sync
stepi
x/i $pc
monitor vcpu
delete
detach
