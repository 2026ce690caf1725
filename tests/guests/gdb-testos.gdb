# test-guests-gdb-testos: break in the afterburned test OS by its own
# symbols while it runs pre-virtualized through the IPVMM (ring 1, on its
# own page tables), then in the hypervisor on its hypercalls, then let it
# run to the hypervisor's shutdown. scripts/gdb-run.sh --guest loads
# build/guests/testos.elf at its link address (1 MiB): the test OS
# identity-maps its kernel, so guest-linear = link address.
#
# In the IPVMM (the hypervisor's .ipvmm section, mapped at 0xFC000000 in
# the guest's address space, ring 1): the test OS's pic_init programs the
# 8259 with out instructions, afterburn sites that reach the virtual PIC.
break vpic_write
continue
printf "IPVMM_CS %x PORT %x\n", $cs, port
delete
# In the guest: test_intr runs once, after the boot and desc cases (its
# cli, 8 bytes in, is an afterburn site the IPVMM rewrote at load).
break test_intr
continue
bt 2
info symbol $pc
# the CPU's CS: the test OS's SEL_KCODE (0x08) with RPL 1
printf "GUEST_CS %x RING %d\n", $cs, $cs & 3
printf "TESTOS_MAGIC %x CASES %u FAILED %u\n", mb_magic, n_cases, n_failed
# stopped in the guest's address space: the helpers say they cannot see
pvhv-guest
delete
# In the hypervisor: the next hypercall (any call number), then the
# guest's exit. (Not `break hypercall_dispatch if tf->eax == 2`: GDB
# evaluates a condition by stopping QEMU at every hit, hundreds of
# hypercalls, which slows the guest enough to fail its PIT rate case.)
break hypercall_dispatch
continue
printf "HC_NR %d FROM_CS %x GUEST %s\n", tf->eax, tf->cs, current->guest->name
# The helpers (scripts/gdb/pvhv.py), stopped in the hypervisor for the guest.
pvhv-guest
pvhv-vcpu
pvhv-threads
pvhv-shadow testos
delete
break guest_exit
continue
printf "EXIT GUEST %s STATUS %d\n", g->name, status
delete
break machine_shutdown
continue
printf "SHUTDOWN ok=%d\n", ok
