# Linux 6.1 as a guest of the hypervisor (docs/linux.md, "Under the
# hypervisor"): the afterburned vmlinux, started by the 32-bit boot
# protocol with the initramfs from an initrd-for= module, runs its /init
# through the in-place VMM and powers off through the board's exit port.
#
#   test-linux-hv           QEMU (TCG), sites pre-virtualized
#   test-linux-hv-trap      QEMU, every site trapping (rewrite=trap)
#   test-linux-hv-bochs     Bochs through GRUB (segment limits enforced)
#   test-linux-hv-refusals  bad Linux modules are refused with their
#                           reason and a good guest beside them still runs
#   test-linux-hv-testos    Linux beside the test OS in one boot: each
#                           transcript equals the one it gives alone

LXT          := $(BUILD)/tests/linux
LX_VMLINUX   := $(call linux_vmlinux,afterburn)
LX_HV_ARGS   := console=ttyS0 panic=-1 lx=workload lxmem=$(LINUX_MEM)
LX_HV_MODS    = $(LX_VMLINUX) name=linux mem=128M -- $(LX_HV_ARGS),$(LINUX_INITRAMFS) initrd-for=linux
LX_HV_DEPS   := $(HV_ELF) $(LINUX_DIR)/afterburn.done $(LINUX_INITRAMFS) $(LINUX_EXPECTED) \
	guests/linux/lxcompare.py
# What must appear, in order, and what never may.
LX_HV_EXPECT := \
	--expect "^loader: guest 0 'linux': Linux boot protocol, zero page 00009000, initramfs [0-9a-f]{8} \([0-9]+ KiB\), command line 'reservetop=64M tsc=reliable $(LX_HV_ARGS)'" \
	--expect '^vm: guest .linux. entering at 01000000 through the IPVMM' \
	--expect '^\[linux\] Linux version 6\.1\.[0-9]+-afterburn' \
	--expect '^\[linux\] BIOS-e820: \[mem 0x00000000fc000000-0x00000000ffffffff\] reserved' \
	--expect '^\[linux\] Reserving virtual address space above 0xfc000000' \
	$(call linux_workload_expect,\[linux\] ,afterburn) \
	--expect '^guest linux exited with status 0$$' \
	--expect '^hypervisor: shutdown \(success\)'
LX_HV_REJECT := --reject 'Kernel panic|BUG:|Oops|WARNING:|unchecked MSR|PANIC|killed|FAIL|^\[linux\] poweroff:'
# The differential: the workload's lines equal the native expected ones.
LX_HV_COMPARE = $(LINUX_COMPARE) $(LINUX_EXPECTED) $(BUILD)/test-logs/$(1).log

.PHONY: test-linux-hv test-linux-hv-trap test-linux-hv-bochs test-linux-hv-refusals
# The runtime-trap table (sensitive instructions that ran unpadded) must
# hold only the committed, explained list; with an empty list the same
# transcript must fail (the check can fail).
LX_RAW_CHECK := $(PYTHON) guests/linux/check-raw-traps.py
test-linux-hv: $(LX_HV_DEPS) guests/linux/raw-traps.txt
	$(PYTHON) scripts/systest.py --name linux-hv --timeout 120 --ordered --exit 0 \
		$(LX_HV_EXPECT) $(LX_HV_REJECT) \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 110 --append "shutdown" \
		--initrd '$(LX_HV_MODS)'
	$(call LX_HV_COMPARE,linux-hv)
	$(LX_RAW_CHECK) guests/linux/raw-traps.txt $(BUILD)/test-logs/linux-hv.log linux
	! $(LX_RAW_CHECK) /dev/null $(BUILD)/test-logs/linux-hv.log linux >/dev/null

test-linux-hv-trap: $(LX_HV_DEPS)
	$(PYTHON) scripts/systest.py --name linux-hv-trap --timeout 240 --ordered --exit 0 \
		--expect '^ipvmm: .*rewrite=trap' $(LX_HV_EXPECT) $(LX_HV_REJECT) \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 230 --append "shutdown rewrite=trap" \
		--initrd '$(LX_HV_MODS)'
	$(call LX_HV_COMPARE,linux-hv-trap)

# One ISO, one build, both ways: the hypervisor hosting the vmlinux (the
# default entry, which test-linux-hv-bochs boots) and the same kernel's
# bzImage natively (GRUB's linux/initrd; test-linux-bochs-afterburn boots
# that natively from an ISO of its own). `make linux` builds it.
LX_ISO := $(LINUX_DIR)/linux.iso
$(LX_ISO): $(LX_HV_DEPS) scripts/mkiso.sh
	@mkdir -p $(LXT)
	cp $(LX_VMLINUX) $(LXT)/vmlinux
	cp $(call linux_bzimage,afterburn) $(LXT)/bzImage
	scripts/mkiso.sh -o $@ -t 3 -f $(HV_ELF) -f $(LXT)/vmlinux -f $(LXT)/bzImage -f $(LINUX_INITRAMFS) \
		-e "Linux 6.1 under the hypervisor|hypervisor.elf shutdown|vmlinux name=linux mem=128M console=input -- $(LX_HV_ARGS)|initramfs.cpio.gz initrd-for=linux" \
		-l "Linux 6.1 natively, the same build|bzImage $(LX_HV_ARGS)|initramfs.cpio.gz"
linux: $(LX_ISO)

test-linux-hv-bochs: $(LX_ISO)
	$(PYTHON) scripts/systest.py --name linux-hv-bochs --timeout 400 --ordered --exit 0 \
		$(LX_HV_EXPECT) $(LX_HV_REJECT) \
		-- scripts/run-bochs.sh --iso $< --timeout 380
	$(call LX_HV_COMPARE,linux-hv-bochs)

# Bad input: not i386 (e_machine patched to x86-64), segments beyond mem=,
# an initramfs that does not fit beside the kernel (the kernel ends at
# 20.8 MiB; the initramfs is 1.7 MB), a Linux guest with no initramfs, an initramfs naming no
# guest. hello still runs and the machine shuts down with success (a
# refused module is not a failed guest).
$(LXT)/vmlinux-x86_64: $(LX_VMLINUX)
	@mkdir -p $(dir $@)
	$(PYTHON) -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[18:20] = (62).to_bytes(2, "little"); open(sys.argv[2], "wb").write(b)' $< $@

test-linux-hv-refusals: $(LX_HV_DEPS) $(LXT)/vmlinux-x86_64 $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name linux-hv-refusals --timeout 60 --exit 0 \
		--expect '^loader: refusing module 0 \(amd64\): not an i386 binary \(EM_386\)$$' \
		--expect '^loader: refusing module 1 \(small\): segment outside the guest.s partition$$' \
		--expect '^loader: refusing module 2 \(tight\): the initramfs does not fit mem= beside the kernel$$' \
		--expect '^loader: refusing module 3 \(bare\): a Linux guest needs its initramfs' \
		--expect '^loader: module 5 \(initrd-for=tight\) unused: its guest was refused$$' \
		--expect '^loader: module 6 \(initrd-for=small\) unused: its guest was refused$$' \
		--expect '^loader: refusing module 7 \(initrd-for=nobody\): names no Linux guest$$' \
		--expect '^loader: 1 of 8 modules loaded' \
		--expect "^loader: guest 4 'good'" \
		--expect '^\[good\] hello: done$$' \
		--expect '^guest good exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 50 --append "shutdown" \
		--initrd "$(LXT)/vmlinux-x86_64 name=amd64 mem=64M,$(LX_VMLINUX) name=small mem=16M,\
	$(LX_VMLINUX) name=tight mem=21M,$(LX_VMLINUX) name=bare mem=64M,$(GT)/hello.elf name=good mem=4M,\
	$(LINUX_INITRAMFS) initrd-for=tight,$(LINUX_INITRAMFS) initrd-for=small,$(LINUX_INITRAMFS) initrd-for=nobody"

TEST_TARGETS += test-linux-hv test-linux-hv-trap test-linux-hv-bochs test-linux-hv-refusals

# Linux beside the test OS in one boot (-icount: the test OS's timer
# cases follow guest progress): the test OS's transcript equals its native
# one, Linux's workload lines equal the native ones (as when it runs alone).
test-linux-hv-testos: $(LX_HV_DEPS) $(GT)/testos-native.log | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name linux-hv-testos --timeout 240 --exit 0 \
		--expect '^\[testos\] [0-9]+ passed, 0 failed' \
		--expect '^guest testos exited with status 0$$' \
		--expect '^\[linux\] lx: powering off$$' \
		--expect '^guest linux exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		$(LX_HV_REJECT) --reject '^\[testos\] not ok' \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 230 --icount --append "shutdown" \
		--initrd '$(TESTOS_ELF) name=testos,$(LX_HV_MODS)'
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/linux-hv-testos.log \
		$(GT)/testos-native.log all
	$(call LX_HV_COMPARE,linux-hv-testos)

TEST_TARGETS += test-linux-hv-testos
.PHONY: test-linux-hv-testos

# make run-linux's shell under the hypervisor (console=input: the serial
# line is Linux's, a prompt shows before its newline): a command, Ctrl-C
# of a foreground job (the 8250's receive interrupt through the virtual
# PIC, the tty's SIGINT), poweroff.
test-linux-hv-shell: $(LX_HV_DEPS) guests/linux/shelltest.py
	$(PYTHON) guests/linux/shelltest.py --name linux-hv-shell --guest linux --silence 60 -- \
		scripts/run-qemu.sh --interactive --kernel $(HV_ELF) --timeout 200 --append shutdown \
		--initrd '$(LX_VMLINUX) name=linux mem=128M console=input -- console=ttyS0 panic=-1,$(LINUX_INITRAMFS) initrd-for=linux'

TEST_TARGETS += test-linux-hv-shell
.PHONY: test-linux-hv-shell
