# test-guests-gdb: break in a guest by its own symbols, then in the
# hypervisor on that guest's hypercall (scripts/gdb-run.sh --guest).
break gmain
continue
printf "GUEST_CS %x\n", $cs
printf "GUEST_MAGIC %x\n", magic
break hypercall_dispatch
continue
printf "HC_NR %d FROM_CS %x GUEST %s\n", tf->eax, tf->cs, current->guest->name
