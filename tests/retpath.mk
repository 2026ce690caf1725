# The way back to a guest (kernel/retpath.c, kernel/guest_code.c):
# selectors a guest holds whose descriptors it then replaced, and an iret
# into virtual-8086 mode, beside a well-behaved guest. A replaced data
# segment comes back null and the guest goes on; an unusable CS or SS, and
# virtual-8086 mode, kill only that guest with the reason; an emulated
# instruction that ends its code segment raises the #GP of the next fetch. Each reset the
# machine before (a triple fault: run-qemu.sh now says so, status 3).
RP_ACTS := es:stale-es np:stale-np xo:stale-xo ss:stale-ss cs:stale-cs lim:eip-limit vm:vm86
RP_MODS := $(foreach a,$(RP_ACTS),hostile.elf~name=h-$(word 1,$(subst :, ,$(a)))~mem=4M~act=$(word 2,$(subst :, ,$(a)))) \
	hello.elf~name=hello~mem=4M
# QEMU's -initrd list (comma-separated paths) and GRUB's module lines.
RP_GUESTS := $(subst ~, ,$(subst $(eval) ,$(comma),$(addprefix $(GT)/,$(RP_MODS))))
RP_GRUB   := $(subst ~, ,$(subst $(eval) ,|,$(RP_MODS)))
RP_EXPECT := \
	--expect '^guest h-es exited with status 0$$' \
	--expect '^guest h-np exited with status 0$$' \
	--expect '^guest h-xo exited with status 0$$' \
	--expect '^\[h-es\] hostile: stale selector after the return: 0000$$' \
	--expect '^guest h-ss killed: cannot return: ss is not a present writable data segment \(cs 0819 ss 0051 at eip 002[0-9a-f]{5}\)$$' \
	--expect '^guest h-cs killed: cannot return: cs is not a present code segment \(cs 0059 ss 0821 at eip 002[0-9a-f]{5}\)$$' \
	--expect '^guest h-lim killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{2}000: past the cs limit 002[0-9a-f]{2}fff$$' \
	--expect '^guest hello exited with status 0$$' \
	--expect '^hypervisor: shutdown \(failure\)$$' \
	--reject PANIC --reject 'hostile: FAIL' --reject 'was not stopped' --reject 'still alive'

.PHONY: test-guests-retpath test-guests-retpath-bochs
test-guests-retpath: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-retpath --timeout 60 --exit 35 $(RP_EXPECT) \
		--expect '^guest h-vm killed: entered virtual-8086 mode \(EFLAGS\.VM\) at 0900:00000000$$' \
		-- $(GT_RUN) --append shutdown --initrd "$(RP_GUESTS)"

# Bochs (and hardware) ignore EFLAGS.VM in an iret at CPL 1 and check the
# real-mode CS 0x0900 as a selector instead: RPL 0 below CPL 1, #GP(0x900).
$(GT)/retpath.iso: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf scripts/mkiso.sh tests/retpath.mk
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(GT)/hostile.elf -f $(GT)/hello.elf \
		-e "Return-path attacks|hypervisor.elf shutdown|$(RP_GRUB)"
test-guests-retpath-bochs: $(GT)/retpath.iso
	$(PYTHON) scripts/systest.py --name guests-retpath-bochs --timeout 200 --exit 0 $(RP_EXPECT) \
		--expect '^guest h-vm killed: \#GP general protection \(vector 13\) error 0x900 at eip 002[0-9a-f]{5}' \
		-- scripts/run-bochs.sh --iso $< --timeout 180

TEST_TARGETS += test-guests-retpath test-guests-retpath-bochs
