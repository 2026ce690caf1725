# The afterburner proven on Linux 6.1 (docs/linux.md). The kernels are
# built by guests/linux/build.mk and cached under build/linux/, so only a
# clean run pays for them (two builds of one to two minutes each on two
# cores).
#
#   test-linux-verify     afterburn-verify finds every sensitive instruction
#                         of the afterburned vmlinux covered, except the
#                         documented raw-.byte list (guests/linux/uncovered.txt);
#                         the plain vmlinux must fail the same check; the
#                         vDSO and the decompressor have no uncovered site.
#   test-linux-plain      the plain kernel boots natively on QEMU, runs the
#                         workload (busybox, lxtest) and powers off; its
#                         transcript equals guests/linux/workload.expected
#   test-linux-afterburn  so does the afterburned one, padding and all
#   test-linux-compare    the two transcripts are the same, line for line
#                         (guests/linux/lxcompare.py)
#   test-linux-shell      the interactive shell: a command, Ctrl-C, poweroff
#   test-linux-bochs-afterburn (and -plain, not in make test) the same boot
#                         and workload natively on Bochs, through GRUB

LINUX_CHECK      := /usr/bin/python3 guests/linux/check-verify.py
LINUX_ALLOW      := guests/linux/uncovered.txt
# 32-bit code beside vmlinux that must have no uncovered site at all: the
# vDSO (its sysenter) and the bzImage decompressor. The 16-bit objects
# (decoded in their own code size, record format 2) may only have the
# .byte far jumps of guests/linux/uncovered16.txt.
LINUX_FULLY_COVERED := \
	$(LINUX_DIR)/afterburn/arch/x86/entry/vdso/vdso32.so.dbg \
	$(LINUX_DIR)/afterburn/arch/x86/boot/compressed/vmlinux
LINUX_16BIT := $(LINUX_DIR)/afterburn/arch/x86/boot/setup.elf \
	$(LINUX_DIR)/afterburn/arch/x86/realmode/rm/realmode.elf
# The workload boot (guests/linux/init.sh, workload.sh): 128 MiB, and
# lxmem= tells the workload what MemTotal to expect.
LINUX_MEM        := 128
LINUX_BOOT_ARGS  := console=ttyS0 panic=-1 lx=workload lxmem=$(LINUX_MEM)
LINUX_BOOT_LIMIT := 120
LINUX_COMPARE    := /usr/bin/python3 guests/linux/lxcompare.py
LINUX_EXPECTED   := guests/linux/workload.expected
linux_transcript  = $(LINUX_DIR)/workload-$(1).log
# What a workload boot prints, in order, after its "Linux version" line:
# $(1) the line prefix ('' natively, '\[linux\] ' under the hypervisor),
# $(2) the variant (plain, afterburn).
linux_workload_expect = \
	--expect '^$(1)serial8250: ttyS0 at I/O 0x3f8 \(irq = 4,' \
	--expect '^$(1)Run /init as init process' \
	--expect '^$(1)lx: workload start' \
	--expect '^$(1)lx: uname: Linux 6\.1\.[0-9]+-$(2) i686$$' \
	--expect '^$(1)lxtest: 0 failures$$' \
	--expect '^$(1)lx: workload done$$' \
	--expect '^$(1)lx: powering off$$'

.PHONY: test-linux test-linux-verify test-linux-plain test-linux-afterburn \
	test-linux-compare
# One after another, also under make -j: test-linux-compare would boot a
# kernel again beside its own boot test when their transcripts are stale.
LINUX_TESTS := test-linux-verify test-linux-plain test-linux-afterburn test-linux-compare \
	test-linux-shell
test-linux:
	@for t in $(LINUX_TESTS); do $(MAKE) --no-print-directory $$t || exit 1; done

test-linux-verify: $(LINUX_DIR)/plain.done $(LINUX_DIR)/afterburn.done \
		$(AFTERBURN_VERIFY) $(LINUX_ALLOW) guests/linux/check-verify.py
	$(LINUX_CHECK) $(LINUX_ALLOW) $(AFTERBURN_VERIFY) $(call linux_vmlinux,afterburn)
	$(LINUX_CHECK) --expect-fail $(LINUX_ALLOW) $(AFTERBURN_VERIFY) \
		$(call linux_vmlinux,plain)
	$(foreach f,$(LINUX_FULLY_COVERED),$(LINUX_CHECK) /dev/null $(AFTERBURN_VERIFY) $(f) &&) true
	$(foreach f,$(LINUX_16BIT),$(LINUX_CHECK) guests/linux/uncovered16.txt $(AFTERBURN_VERIFY) $(f) &&) true

# Boot to the workload and power off: the kernel's milestones in order
# (uname -r carries the variant, LOCALVERSION, so the test knows which
# kernel reached user space; the 8250 on IRQ 4, not polled), no kernel
# complaint, no failed check, exit status 0 through /sbin/poweroff's
# debug-exit write; then every workload line equal to the expected file.
# A passing boot leaves its transcript for test-linux-compare.
# panic=-1 makes a panic end the run at once.
test-linux-plain test-linux-afterburn: test-linux-%: $(LINUX_DIR)/%.done $(LINUX_INITRAMFS) \
		$(LINUX_EXPECTED) guests/linux/lxcompare.py
	rm -f $(call linux_transcript,$*)
	/usr/bin/python3 scripts/systest.py --name linux-$* \
		--timeout $$(( $(LINUX_BOOT_LIMIT) + 10 )) --ordered \
		--expect '^Linux version 6\.1\.[0-9]+-$* ' \
		$(call linux_workload_expect,,$*) \
		--reject 'Kernel panic|BUG:|Oops|WARNING:|FAIL|^poweroff:' --exit 0 -- \
		scripts/run-qemu.sh --kernel $(call linux_bzimage,$*) \
		--initrd $(LINUX_INITRAMFS) --append '$(LINUX_BOOT_ARGS)' \
		--mem $(LINUX_MEM) --timeout $(LINUX_BOOT_LIMIT)
	$(LINUX_COMPARE) $(LINUX_EXPECTED) $(BUILD)/test-logs/linux-$*.log
	cp $(BUILD)/test-logs/linux-$*.log $(call linux_transcript,$*)

# The same boot on Bochs (no -kernel there: GRUB's linux/initrd from an ISO
# of its own, guests/linux/mkiso.sh), the same checks and expected file.
# Bochs ends at /sbin/poweroff's "Shutdown" on port 0x8900; run-bochs.sh
# then exits 0 whatever the guest did, so the transcript is the verdict.
# Under a minute for the workload; make test runs the afterburned one.
linux_bochs_iso = $(LINUX_DIR)/bochs-$(1).iso
$(call linux_bochs_iso,%): $(LINUX_DIR)/%.done $(LINUX_INITRAMFS) guests/linux/mkiso.sh tests/linux.mk
	guests/linux/mkiso.sh $@ $(call linux_bzimage,$*) $(LINUX_INITRAMFS) '$(LINUX_BOOT_ARGS)'

.PHONY: test-linux-bochs-plain test-linux-bochs-afterburn
test-linux-bochs-plain test-linux-bochs-afterburn: test-linux-bochs-%: $(call linux_bochs_iso,%) \
		$(LINUX_EXPECTED) guests/linux/lxcompare.py
	/usr/bin/python3 scripts/systest.py --name linux-bochs-$* \
		--timeout $$(( $(LINUX_BOOT_LIMIT) + 10 )) --ordered \
		--expect '^Linux version 6\.1\.[0-9]+-$* ' \
		$(call linux_workload_expect,,$*) \
		--reject 'Kernel panic|BUG:|Oops|WARNING:|FAIL|^poweroff:' --exit 0 -- \
		scripts/run-bochs.sh --iso $(call linux_bochs_iso,$*) --mem $(LINUX_MEM) \
		--timeout $(LINUX_BOOT_LIMIT)
	$(LINUX_COMPARE) $(LINUX_EXPECTED) $(BUILD)/test-logs/linux-bochs-$*.log

# The interactive shell (lx=shell, the default) over the serial line:
# a command, Ctrl-C ending a foreground job (status 130), poweroff ending
# the VM with status 0 (guests/linux/shelltest.py; it waits on the guest's
# output with a silence limit).
.PHONY: test-linux-shell
test-linux-shell: $(LINUX_DIR)/afterburn.done $(LINUX_INITRAMFS) guests/linux/shelltest.py
	/usr/bin/python3 guests/linux/shelltest.py --name linux-shell --silence 60 -- \
		scripts/run-qemu.sh --interactive --kernel $(call linux_bzimage,afterburn) \
		--initrd $(LINUX_INITRAMFS) --append 'console=ttyS0 panic=-1' \
		--mem $(LINUX_MEM) --timeout $(LINUX_BOOT_LIMIT)

# A transcript older than its kernel or initramfs (or missing) is made
# anew by its boot test; make test has just run both, so it reuses them.
$(call linux_transcript,%): $(LINUX_DIR)/%.done $(LINUX_INITRAMFS) $(LINUX_EXPECTED)
	$(MAKE) --no-print-directory test-linux-$*

# Differential: the plain and the afterburned kernel give the same
# workload transcript, line for line (times dropped, the variant
# normalised). The same script compares native with virtualized runs.
test-linux-compare: $(call linux_transcript,plain) $(call linux_transcript,afterburn) \
		guests/linux/lxcompare.py
	$(LINUX_COMPARE) $(call linux_transcript,plain) $(call linux_transcript,afterburn)

TEST_TARGETS += test-linux-verify test-linux-plain test-linux-afterburn test-linux-compare \
	test-linux-shell test-linux-bochs-afterburn
