# Faults the IPVMM takes on guest memory (docs/ipvmm.md, "Faults on guest
# memory"): the test OS's fault modes (docs/testos.md) natively and as
# guests beside hello. An int whose frame faults on the current stack, or
# on the ring-0 stack from the TSS, escalates #PF, #DF, triple fault
# through the exception table (three faults returned to the IPVMM each);
# ud2 with an empty IDT (limit 0) finds no gate for the #UD, the #GP, the
# #DF: the IPVMM's own delivery triple-faults, no guest memory touched;
# as the machine does natively (a reset); lidt with 8 bytes of stack
# returns natively, while the IPVMM's trampoline frame faults on page 0 at
# an instruction not in the table: that guest is killed with the address
# (previrt: the generic stub's push, error 2; trap mode: the iretd of
# iret_restart reading the frame whose write the table had refused, 0).
# (Included before guests.mk: prerequisites name its paths in full.)
GF_MODS = $(TESTOS_ELF) name=gf-stack mem=20M triple=stack,$(TESTOS_ELF) name=gf-tss mem=20M triple=tss,$(TESTOS_ELF) name=gf-idt mem=20M triple=idt,$(TESTOS_ELF) name=gf-low mem=20M lowstack,$(GT)/hello.elf name=hello mem=4M
GF_EXPECT = \
	--expect '^\[gf-stack\] fault: int at cpl 0 with the stack unmapped$$' \
	--expect '^\[gf-tss\] fault: ring 3 with tss esp0 unmapped$$' \
	--expect '^ipvmm: guest gf-stack: 3 faults on guest memory returned to the IPVMM \(exception table\)$$' \
	--expect '^guest gf-stack killed: IPVMM: triple fault$$' \
	--expect '^ipvmm: guest gf-tss: 3 faults on guest memory returned to the IPVMM \(exception table\)$$' \
	--expect '^guest gf-tss killed: IPVMM: triple fault$$' \
	--expect '^\[gf-idt\] fault: ud2 with an empty idt$$' \
	--expect '^guest gf-idt killed: IPVMM: triple fault$$' \
	--expect '^guest gf-low killed: \#PF page fault \(vector 14\) error 0(x2)? inside the IPVMM at fc[0-9a-f]{6} cr2 00000ffc$$' \
	--expect '^guest hello exited with status 0$$' \
	--expect '^hypervisor: shutdown \(failure\)$$' \
	--reject PANIC --reject 'fault: the process returned' --reject 'fault: lidt with 8 bytes'

.PHONY: test-guests-gfault test-guests-gfault-trap test-guests-gfault-bochs test-testos-faults
test-guests-gfault: $(HV_ELF) $(BUILD)/tests/guests/hello.elf | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gfault --timeout 60 --exit 35 $(GF_EXPECT) \
		-- $(GT_RUN) --icount --append "shutdown" --initrd "$(GF_MODS)"
test-guests-gfault-trap: $(HV_ELF) $(BUILD)/tests/guests/hello.elf | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gfault-trap --timeout 60 --exit 35 $(GF_EXPECT) \
		-- $(GT_RUN) --icount --append "shutdown rewrite=trap" --initrd "$(GF_MODS)"

$(BUILD)/tests/guests/gfault.iso: $(HV_ELF) $(BUILD)/tests/guests/hello.elf scripts/mkiso.sh tests/gfault.mk | $(TESTOS_ELF)
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(TESTOS_ELF) -f $(GT)/hello.elf \
		-e "Guest-memory faults|hypervisor.elf shutdown|$(subst $(comma),|,$(subst $(GT)/,,$(subst $(BUILD)/guests/,,$(GF_MODS))))"
test-guests-gfault-bochs: $(BUILD)/tests/guests/gfault.iso
	$(PYTHON) scripts/systest.py --name guests-gfault-bochs --timeout 200 --exit 0 $(GF_EXPECT) \
		-- scripts/run-bochs.sh --iso $< --timeout 180

# The oracle: natively the three triple faults reset the machine (run-qemu.sh
# status 3) and lowstack exits 0.
test-testos-faults: | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name testos-fault-stack --timeout 60 --exit 3 \
		--expect '^fault: int at cpl 0 with the stack unmapped$$' \
		-- scripts/run-qemu.sh --kernel $(TESTOS_ELF) --timeout 50 --append triple=stack
	$(PYTHON) scripts/systest.py --name testos-fault-tss --timeout 60 --exit 3 \
		--expect '^fault: ring 3 with tss esp0 unmapped$$' --reject 'fault: the process returned' \
		-- scripts/run-qemu.sh --kernel $(TESTOS_ELF) --timeout 50 --append triple=tss
	$(PYTHON) scripts/systest.py --name testos-fault-idt --timeout 60 --exit 3 \
		--expect '^fault: ud2 with an empty idt$$' \
		-- scripts/run-qemu.sh --kernel $(TESTOS_ELF) --timeout 50 --append triple=idt
	$(PYTHON) scripts/systest.py --name testos-fault-low --timeout 60 --exit 0 \
		--expect '^fault: lidt with 8 bytes of stack returned$$' \
		-- scripts/run-qemu.sh --kernel $(TESTOS_ELF) --timeout 50 --append lowstack

TEST_TARGETS += test-testos-faults test-guests-gfault test-guests-gfault-trap test-guests-gfault-bochs
