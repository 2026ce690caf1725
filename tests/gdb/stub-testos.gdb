# Batch GDB against the hypervisor's per-guest stub (tests/gdbstub.mk,
# test-guests-gdbstub[-bochs]): the test OS is held at its first stop
# point (gdbwait) while the other guest runs; break in it by its own
# symbols, read its registers as it sees them and a variable through its
# own page tables, step one instruction, show its virtual CPU, be refused
# the IPVMM window and the hole, detach. scripts/gdb-guest.sh connected.
printf "ATTACHED CS %x\n", $cs
monitor guests
break test_intr
continue
bt 1
# its SEL_KCODE 0x08 as the guest loaded it (the real CS has RPL 1)
printf "AT test_intr CS %x SS %x DS %x\n", $cs, $ss, $ds
printf "TESTOS_MAGIC %x CASES %u FAILED %u\n", mb_magic, n_cases, n_failed
printf "PC %x IS test_intr %d\n", $pc, $pc == (unsigned)test_intr
stepi
printf "STEPPED %d\n", $pc > (unsigned)test_intr && $pc < (unsigned)test_intr + 16
x/i $pc
# Three more to test_intr's cli (an afterburn site: rewritten, x/i shows
# the rewrite), one over it (one guest instruction either way, the
# virtual IF now 0), one over its pushf site (a call into the IPVMM,
# stepped over whole; the flags it pushed show the virtual IF).
stepi 4
printf "AT_CLI_SITE %d\n", $pc == (unsigned)test_intr + 8
x/i $pc
stepi
printf "AFTER_CLI +%d IF %d\n", $pc - (unsigned)test_intr, ($eflags >> 9) & 1
stepi
printf "AFTER_PUSHF +%d PUSHED_IF %d PUSHED_TF %d\n", $pc - (unsigned)test_intr, (*(unsigned *)$esp >> 9) & 1, (*(unsigned *)$esp >> 8) & 1
monitor vcpu
# A register write goes to the guest and back: ebx changed and restored.
set $old = $ebx
set var $ebx = 0x12345678
printf "EBX %x\n", $ebx
set var $ebx = $old
# Refused: a selector other than the one the guest loaded (E02); the
# IPVMM window and the hypervisor's hole, which are no guest memory (E0e).
# (In python: an error would end a batch script.)
python
for cmd in ["set var $cs = 0x10", "x/x 0xfc000000", "x/x 0xfd000000",
            "set var *(int *)0xfc800000 = 1", "x/x 0xfffffffe"]:
    try:
        gdb.execute(cmd)
        print("ALLOWED " + cmd)
    except gdb.error as e:
        print("REFUSED %s: %s" % (cmd, e))
end
delete
detach
