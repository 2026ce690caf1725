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
#   test-linux-plain      the plain kernel boots natively on QEMU to /init
#   test-linux-afterburn  so does the afterburned one, padding and all

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
LINUX_BOOT_ARGS  := console=ttyS0 panic=-1
LINUX_BOOT_LIMIT := 120

.PHONY: test-linux test-linux-verify test-linux-plain test-linux-afterburn
test-linux: test-linux-verify test-linux-plain test-linux-afterburn

test-linux-verify: $(LINUX_DIR)/plain.done $(LINUX_DIR)/afterburn.done \
		$(AFTERBURN_VERIFY) $(LINUX_ALLOW) guests/linux/check-verify.py
	$(LINUX_CHECK) $(LINUX_ALLOW) $(AFTERBURN_VERIFY) $(call linux_vmlinux,afterburn)
	$(LINUX_CHECK) --expect-fail $(LINUX_ALLOW) $(AFTERBURN_VERIFY) \
		$(call linux_vmlinux,plain)
	$(foreach f,$(LINUX_FULLY_COVERED),$(LINUX_CHECK) /dev/null $(AFTERBURN_VERIFY) $(f) &&) true
	$(foreach f,$(LINUX_16BIT),$(LINUX_CHECK) guests/linux/uncovered16.txt $(AFTERBURN_VERIFY) $(f) &&) true

# uname -r carries the variant (LOCALVERSION), so each test knows which
# kernel reached user space; panic=-1 makes a panic end the run at once.
test-linux-plain test-linux-afterburn: test-linux-%: $(LINUX_DIR)/%.done $(LINUX_INITRAMFS)
	/usr/bin/python3 scripts/systest.py --name linux-$* \
		--timeout $$(( $(LINUX_BOOT_LIMIT) + 10 )) --ordered \
		--expect '^Linux version 6\.1\.[0-9]+-$*' \
		--expect 'Run /init as init process' \
		--expect '^linux-init: hello from user space' \
		--expect '^linux-init: uname: Linux 6\.1\.[0-9]+-$* .* i686$$' \
		--expect '^linux-init: powering off' \
		--reject 'Kernel panic|BUG:|Oops|WARNING:|iopl:' --exit 0 -- \
		scripts/run-qemu.sh --kernel $(call linux_bzimage,$*) \
		--initrd $(LINUX_INITRAMFS) --append '$(LINUX_BOOT_ARGS)' \
		--timeout $(LINUX_BOOT_LIMIT)

TEST_TARGETS += test-linux-verify test-linux-plain test-linux-afterburn
