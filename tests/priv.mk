# Raw privileged instructions, one per class (tests/guests/priv_acts.h),
# each in its own hostile guest beside hello: every one ends only its guest
# with the reason, except popf, which cannot raise IOPL in ring 1 (the
# guest checks and goes on); hello exits 0 and the hypervisor runs on.
# The hostile guest runs without an IPVMM (.no_ipvmm), so nothing emulates
# them: each is the #GP kill naming its first bytes. cli; hlt in a guest
# through the IPVMM (com1) is the IPVMM's stop.
PRIV_KILLED := lidt:0f_01 ltr:0f_00 lldt:0f_00 movcr0:0f_22 movcr3:0f_22 \
	movdr7:0f_23 wrmsr:0f_30 rdmsr:0f_32 wbinvd:0f_09 clts:0f_06 invlpg:0f_01 \
	lmsw:0f_01 outpic:e6 inpit:e4
priv_empty :=
priv_space := $(priv_empty) $(priv_empty)
priv_name = $(word 1,$(subst :, ,$(1)))
priv_op   = $(subst _, ,$(word 2,$(subst :, ,$(1))))
priv_mod  = $(GT)/hostile.elf~name=h-$(call priv_name,$(1))~mem=4M~act=priv-$(call priv_name,$(1))
priv_exp  = --expect '^guest h-$(call priv_name,$(1)) killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode $(call priv_op,$(1))[ )]'
# QEMU's -initrd list for acts $(1) and hello (~ is a space inside a module)
priv_initrd = $(subst ~, ,$(subst $(priv_space),$(comma),$(strip \
	$(foreach a,$(1),$(call priv_mod,$(a))) $(GT)/hello.elf~name=hello~mem=4M)))
# $(1) target, $(2) the acts (at most 7: CONFIG_MAX_GUESTS is 8, hello is one)
define priv_run
test-guests-$(1): $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-$(1) --timeout 60 --exit 35 \
		$(foreach a,$(2),$(call priv_exp,$(a))) \
		--expect '^guest hello exited with status 0$$$$' --expect '^hypervisor: shutdown \(failure\)$$$$' \
		--reject PANIC --reject 'hostile: FAIL' --reject 'went on after it' \
		-- $(GT_RUN) --append shutdown --initrd "$(call priv_initrd,$(2))"
endef
PRIV_A := $(wordlist 1,7,$(PRIV_KILLED))
PRIV_B := $(wordlist 8,14,$(PRIV_KILLED))
$(eval $(call priv_run,priv-a,$(PRIV_A)))
$(eval $(call priv_run,priv-b,$(PRIV_B)))
test-guests-priv-c: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf $(GT)/com1.elf
	$(PYTHON) scripts/systest.py --name guests-priv-c --timeout 60 --exit 35 \
		--expect '^guest h-hltvif killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode fa f4\)$$' \
		--expect '^\[c-hlt\] com1: cli; hlt$$' \
		--expect '^guest c-hlt killed: IPVMM: hlt with interrupts disabled \(the guest stopped itself\)$$' \
		--expect '^\[h-popf\] hostile: ok   popf cannot raise IOPL' \
		--expect '^guest h-popf exited with status 0$$' \
		--expect '^guest hello exited with status 0$$' --expect '^hypervisor: shutdown \(failure\)$$' \
		--reject PANIC --reject 'hostile: FAIL' --reject 'still alive' \
		-- $(GT_RUN) --append shutdown --initrd "$(GT)/hostile.elf name=h-hltvif mem=4M act=priv-hltvif,\
	$(GT)/hostile.elf name=h-popf mem=4M act=priv-popfiopl,$(GT)/hello.elf name=hello mem=4M,\
	$(GT)/com1.elf name=c-hlt mem=4M hlt"

.PHONY: test-guests-priv-a test-guests-priv-b test-guests-priv-c
TEST_TARGETS += test-guests-priv-a test-guests-priv-b test-guests-priv-c

# EFLAGS and stacks a ring-1 kernel sets on its own: a stack that wraps
# into the hole, NT then iret (a task return), TF by popf, sysenter with
# the hypervisor's MSRs, a store to the IDT sidt reveals, AC in ring 1.
PRIV_D := $(GT)/hostile.elf name=h-stackwrap mem=4M act=priv-stackwrap,$(GT)/hostile.elf name=h-ntiret mem=4M act=priv-ntiret,$(GT)/hostile.elf name=h-tfpopf mem=4M act=priv-tfpopf,$(GT)/hostile.elf name=h-sysenter mem=4M act=priv-sysenter,$(GT)/hostile.elf name=h-idtwrite mem=4M act=priv-idtwrite,$(GT)/hostile.elf name=h-ac mem=4M act=priv-acunaligned,$(GT)/hello.elf name=hello mem=4M
PRIV_D_EXPECT := \
	--expect '^guest h-ntiret killed: \#TS invalid TSS \(vector 10\) error 0 at eip 002[0-9a-f]{5}$$' \
	--expect '^guest h-tfpopf killed: \#DB debug \(vector 1\) error 0 at eip 002[0-9a-f]{5}$$' \
	--expect '^guest h-sysenter killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode 0f 34\)$$' \
	--expect '^\[h-ac\] hostile: ok   ac: unaligned store in ring 1' \
	--expect '^guest h-ac exited with status 0$$' \
	--expect '^guest hello exited with status 0$$' --expect '^hypervisor: shutdown \(failure\)$$' \
	--reject PANIC --reject 'hostile: FAIL'
test-guests-priv-d: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-priv-d --timeout 60 --exit 35 $(PRIV_D_EXPECT) \
		--expect '^guest h-stackwrap killed: \#PF page fault \(vector 14\) error 0x2 at eip 002[0-9a-f]{5} cr2 fffffffc$$' \
		--expect '^guest h-idtwrite killed: \#PF page fault \(vector 14\) error 0x3 at eip 002[0-9a-f]{5} cr2 fd1[0-9a-f]{5}$$' \
		-- $(GT_RUN) --append shutdown --initrd "$(PRIV_D)"

# The same on Bochs, which checks segment limits before paging: the
# wrapping stack and the IDT store stop at the limit (#SS, #GP).
$(GT)/priv-d.iso: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf scripts/mkiso.sh tests/priv.mk
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(GT)/hostile.elf -f $(GT)/hello.elf \
		-e "EFLAGS and stack attacks|hypervisor.elf shutdown|$(subst $(comma),|,$(subst $(GT)/,,$(PRIV_D)))"
test-guests-priv-d-bochs: $(GT)/priv-d.iso
	$(PYTHON) scripts/systest.py --name guests-priv-d-bochs --timeout 200 --exit 0 $(PRIV_D_EXPECT) \
		--expect '^guest h-stackwrap killed: \#SS stack fault \(vector 12\) error 0 at eip 002[0-9a-f]{5}$$' \
		--expect '^guest h-idtwrite killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5}' \
		-- scripts/run-bochs.sh --iso $< --timeout 180

.PHONY: test-guests-priv-d test-guests-priv-d-bochs
TEST_TARGETS += test-guests-priv-d test-guests-priv-d-bochs
