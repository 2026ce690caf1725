# The hostile OS (guests/hostile, docs/hostile.md): its attacks in sequence,
# afterburned and raw, each build beside the test OS and hello; its acts
# (the attacks that end a guest) in fresh guests beside the same two. The
# hostile OS's transcript must equal its expected one (every case's ok
# line, tests/guests/transcript_eq.py), the test OS's its native one
# (tests/guests/progress.py ... all), hello's its usual lines; every kill
# has its recorded reason. (Included after guests.mk: GT, GT_RUN_IC and
# the test OS's native transcript are its.)
HOS_WELL   := $(TESTOS_ELF) name=testos,$(GT)/hello.elf name=hello mem=4M
HOS_DEPS   := $(HV_ELF) $(HOSTILE_ELF) $(HOSTILE_RAW_ELF) $(GT)/hello.elf $(GT)/testos-native.log \
	tests/guests/transcript_eq.py | $(TESTOS_ELF)
HOS_HELLO  := --expect '^\[hello\] hello: version 00010002 magic 2badb002 mem_upper 00000bd0 KiB$$' \
	--expect "^\[hello\] hello: cmdline ''$$" --expect '^\[hello\] hello: done$$' \
	--expect '^guest hello exited with status 0$$' --expect '^guest testos exited with status 0$$'
HOS_RUN    := scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 200 --icount --append shutdown
# $(1) the log's name: the test OS's transcript equals its native one.
HOS_TESTOS_EQ = $(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/$(1).log $(GT)/testos-native.log all

# $(1) target suffix, $(2) ELF, $(3) expected transcript
define hostile_os_qemu
test-hostile-os$(1): $(HOS_DEPS)
	$(PYTHON) scripts/systest.py --name hostile-os$(1) --timeout 260 --exit 0 \
		--expect '^\[hos\] [0-9]+ passed, 0 failed$$$$' --expect '^guest hos exited with status 0$$$$' \
		$$(HOS_HELLO) --expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject '^\[hos\] not ok' --reject '^\[testos\] not ok' \
		-- $(HOS_RUN) --initrd "$(2) name=hos,$(HOS_WELL)"
	$(PYTHON) tests/guests/transcript_eq.py hos $(BUILD)/test-logs/hostile-os$(1).log $(3)
	$$(call HOS_TESTOS_EQ,hostile-os$(1))
endef
$(eval $(call hostile_os_qemu,,$(HOSTILE_ELF),guests/hostile/expected.txt))
$(eval $(call hostile_os_qemu,-raw,$(HOSTILE_RAW_ELF),guests/hostile/expected-raw.txt))

# The acts, six a run beside the test OS and hello (CONFIG_MAX_GUESTS=8).
# A killed guest makes the run a failure (exit 35), by design.
HOS_EIP := 00[0-9a-f]{6}
HOS_ACTS_A := hvwrite hvread ptepast psepast esp0hv ipvmmff
HOS_EXPECT_A := \
	--expect '^guest h-hvwrite killed: \#PF page fault \(vector 14\) error 0x2 at eip $(HOS_EIP) cr2 fd100000$$' \
	--expect '^guest h-hvread killed: \#PF page fault \(vector 14\) error 0 at eip $(HOS_EIP) cr2 fd400000$$' \
	--expect '^guest h-ptepast killed: page tables point outside the partition \(7ff00000, for 80000000\)$$' \
	--expect '^guest h-psepast killed: page tables point outside the partition \(7fc00000, for 80000000\)$$' \
	--expect '^guest h-esp0hv killed: IPVMM: triple fault$$' \
	--expect '^guest h-ipvmmff killed: \#PF page fault \(vector 14\) error 0 inside the IPVMM at fc0[0-9a-f]{5} cr2 '
HOS_ACTS_B := ipvmm00 shared triple clihlt stack tf
HOS_EXPECT_B := \
	--expect '^guest h-ipvmm00 killed: \#PF page fault \(vector 14\) error 0 inside the IPVMM at fc0[0-9a-f]{5} cr2 ' \
	--expect '^guest h-shared killed: \#PF page fault \(vector 14\) error 0 at eip ffffffff cr2 ffffffff$$' \
	--expect '^guest h-triple killed: IPVMM: triple fault$$' \
	--expect '^guest h-clihlt killed: IPVMM: hlt with interrupts disabled' \
	--expect '^guest h-stack killed: IPVMM: triple fault$$' \
	--expect '^\[h-tf\] hostile: act=tf survived$$' --expect '^guest h-tf exited with status 17$$'
# The raw build's acts where the CPU, not the IPVMM, decides: iret with VM
# (QEMU's TCG enters virtual-8086 mode at CPL 1: killed), popf with TF (a
# real #DB, delivered to the guest), and the afterburned iret with VM
# (refused by the emulated iret: #GP(cs) to the guest); a store to the
# hypervisor's text (read-only in the shadow: #PF); a mov to CR3 of a
# directory past the partition, in both builds (stopped by the IPVMM).
HOS_ACTS_C := vm86 tf
HOS_EXPECT_C := \
	--expect '^guest r-vm86 killed: entered virtual-8086 mode \(EFLAGS.VM\) at 0008:' \
	--expect '^\[r-tf\] hostile: act=tf caught vector 1 error 0$$' \
	--expect '^guest h-cr3past killed: IPVMM: mov to cr3 of a page directory outside the partition$$' \
	--expect '^guest r-cr3past killed: IPVMM: mov to cr3 of a page directory outside the partition$$' \
	--expect '^guest h-hvtext killed: \#PF page fault \(vector 14\) error 0x3 at eip $(HOS_EIP) cr2 fd101000$$' \
	--expect '^\[h-vm86\] hostile: act=vm86 caught vector 13 error 8$$'
hos_empty :=
hos_space := $(hos_empty) $(hos_empty)
# "ELF name=P-ACT act=ACT," for each act (the module list's commas, no spaces between)
hos_acts = $(subst |, ,$(subst $(hos_space),,$(foreach a,$(2),$(1)|name=$(3)-$(a)|act=$(a),)))

# $(1) run, $(2) the act modules
define hostile_os_acts
test-hostile-os-acts-$(1): $(HOS_DEPS)
	$(PYTHON) scripts/systest.py --name hostile-os-acts-$(1) --timeout 260 --exit 35 \
		$$(HOS_EXPECT_$(1)) $$(HOS_HELLO) --expect '^hypervisor: shutdown \(failure\)' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$$$' \
		--reject PANIC --reject '^\[testos\] not ok' \
		-- $(HOS_RUN) --initrd "$(2)$(HOS_WELL)"
	$$(call HOS_TESTOS_EQ,hostile-os-acts-$(1))
endef
$(eval $(call hostile_os_acts,A,$(call hos_acts,$(HOSTILE_ELF),$(HOS_ACTS_A),h)))
$(eval $(call hostile_os_acts,B,$(call hos_acts,$(HOSTILE_ELF),$(HOS_ACTS_B),h)))
HOS_MODS_C := $(call hos_acts,$(HOSTILE_RAW_ELF),$(HOS_ACTS_C),r)$(HOSTILE_ELF) name=h-vm86 act=vm86$(comma)$(HOSTILE_ELF) name=h-hvtext act=hvtext$(comma)$(HOSTILE_ELF) name=h-cr3past act=cr3past$(comma)$(HOSTILE_RAW_ELF) name=r-cr3past act=cr3past$(comma)
$(eval $(call hostile_os_acts,C,$(HOS_MODS_C)))

.PHONY: test-hostile-os test-hostile-os-raw test-hostile-os-acts-A test-hostile-os-acts-B test-hostile-os-acts-C
TEST_TARGETS += test-hostile-os test-hostile-os-raw test-hostile-os-acts-A test-hostile-os-acts-B \
	test-hostile-os-acts-C

# The same on Bochs through GRUB. Bochs checks segment limits: a store to
# or a load from the hypervisor is a #GP(0) the guest's own handler gets
# (QEMU: a #PF kill), and it checks CPL for EFLAGS.VM: the raw iret with
# VM traps and is refused like the emulated one (#GP(cs)).
HOS_ISO_FILES := -f $(HV_ELF) -f $(HOSTILE_ELF) -f $(HOSTILE_RAW_ELF) -f $(TESTOS_ELF) -f $(GT)/hello.elf
HOS_WELL_GRUB := testos.elf name=testos|hello.elf name=hello mem=4M
$(GT)/hostile-os-bochs.iso: $(HV_ELF) $(HOSTILE_ELF) $(HOSTILE_RAW_ELF) $(GT)/hello.elf scripts/mkiso.sh \
		tests/hostile_os.mk | $(TESTOS_ELF)
	scripts/mkiso.sh -o $@ -t 0 $(HOS_ISO_FILES) -e "The hostile OS, both builds|hypervisor.elf shutdown|\
	hostile-os.elf name=hos|hostile-os-raw.elf name=hos-raw|$(HOS_WELL_GRUB)"

test-hostile-os-bochs: $(GT)/hostile-os-bochs.iso $(HOS_DEPS)
	$(PYTHON) scripts/systest.py --name hostile-os-bochs --timeout 600 --exit 0 \
		--expect '^guest hos exited with status 0$$' --expect '^guest hos-raw exited with status 0$$' \
		$(HOS_HELLO) --expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject '^\[hos\] not ok' --reject '^\[hos-raw\] not ok' --reject '^\[testos\] not ok' \
		-- scripts/run-bochs.sh --iso $< --timeout 580
	$(PYTHON) tests/guests/transcript_eq.py hos $(BUILD)/test-logs/hostile-os-bochs.log guests/hostile/expected.txt
	$(PYTHON) tests/guests/transcript_eq.py hos-raw $(BUILD)/test-logs/hostile-os-bochs.log \
		guests/hostile/expected-raw.txt
	$(call HOS_TESTOS_EQ,hostile-os-bochs)

# (a continued line is a space: "| " becomes "|" again)
HOS_ACTS_BOCHS := $(subst |$(hos_space),|,hostile-os.elf name=h-hvwrite act=hvwrite|hostile-os.elf name=h-hvread act=hvread|\
	hostile-os.elf name=h-ptepast act=ptepast|hostile-os.elf name=h-esp0hv act=esp0hv|\
	hostile-os-raw.elf name=r-vm86 act=vm86|hostile-os-raw.elf name=r-tf act=tf)
$(GT)/hostile-os-acts-bochs.iso: $(HV_ELF) $(HOSTILE_ELF) $(HOSTILE_RAW_ELF) $(GT)/hello.elf scripts/mkiso.sh \
		tests/hostile_os.mk | $(TESTOS_ELF)
	scripts/mkiso.sh -o $@ -t 0 $(HOS_ISO_FILES) -e "The hostile OS's acts|hypervisor.elf shutdown|\
	$(HOS_ACTS_BOCHS)|$(HOS_WELL_GRUB)"

test-hostile-os-acts-bochs: $(GT)/hostile-os-acts-bochs.iso $(HOS_DEPS)
	$(PYTHON) scripts/systest.py --name hostile-os-acts-bochs --timeout 600 --exit 0 \
		--expect '^\[h-hvwrite\] hostile: act=hvwrite caught vector 13 error 0$$' \
		--expect '^\[h-hvread\] hostile: act=hvread caught vector 13 error 0$$' \
		--expect '^guest h-ptepast killed: page tables point outside the partition \(7ff00000, for 80000000\)$$' \
		--expect '^guest h-esp0hv killed: IPVMM: triple fault$$' \
		--expect '^\[r-vm86\] hostile: act=vm86 caught vector 13 error 8$$' \
		--expect '^\[r-tf\] hostile: act=tf caught vector 1 error 0$$' \
		$(HOS_HELLO) --expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject '^\[testos\] not ok' --reject 'survived' \
		-- scripts/run-bochs.sh --iso $< --timeout 580
	$(call HOS_TESTOS_EQ,hostile-os-acts-bochs)

.PHONY: test-hostile-os-bochs test-hostile-os-acts-bochs
TEST_TARGETS += test-hostile-os-bochs test-hostile-os-acts-bochs
