# The per-guest GDB stub (docs/debugging.md, "The per-guest stub").
#   test-kernel-gdbstub-unit  cmocka tests of the packet layer (kernel/gdbstub_pkt.c)
#   test-kernel-gdb-fuzz      the packet layer under libFuzzer, a short deterministic run
#   fuzz-gdbstub              the long run (FUZZ_SECONDS, default 3600)
GS_UNIT := $(BUILD)/tests/kernel/test_gdbstub_pkt
GS_FUZZ_BIN := $(BUILD)/tests/kernel/fuzz_gdbstub
GS_FUZZ_DIR := $(BUILD)/fuzz-gdbstub

$(GS_UNIT): tests/unit/kernel/test_gdbstub_pkt.c kernel/gdbstub_pkt.c include/gdbstub_pkt.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Iinclude -o $@ $(filter %.c,$^) -lcmocka

$(GS_FUZZ_BIN): tests/unit/kernel/fuzz_gdbstub.c kernel/gdbstub_pkt.c include/gdbstub_pkt.h \
		tests/unit/kernel/fuzz_gdbstub.dict
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iinclude -o $@ $(filter %.c,$^)

.PHONY: test-kernel-gdbstub-unit test-kernel-gdb-fuzz fuzz-gdbstub
test-kernel-gdbstub-unit: $(GS_UNIT)
	$(GS_UNIT)

test-kernel-gdb-fuzz: $(GS_FUZZ_BIN)
	@mkdir -p $(GS_FUZZ_DIR)
	cd $(GS_FUZZ_DIR) && $(TOP)/$(GS_FUZZ_BIN) -runs=300000 -seed=1 -max_len=2200 -dict=$(TOP)/tests/unit/kernel/fuzz_gdbstub.dict

fuzz-gdbstub: $(GS_FUZZ_BIN)
	@mkdir -p $(GS_FUZZ_DIR)/corpus
	cd $(GS_FUZZ_DIR) && $(TOP)/$(GS_FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=2200 -dict=$(TOP)/tests/unit/kernel/fuzz_gdbstub.dict corpus

TEST_TARGETS += test-kernel-gdbstub-unit test-kernel-gdb-fuzz

# --- system tests: batch GDB (and a raw client) against the stub ------------
# The test OS ("testos", held by gdbwait at its first stop point) beside a
# second one ("other") that runs all the while, under -icount. GDB breaks
# in test_intr by the test OS's own symbols, reads its registers as it sees
# them and its variables through its own page tables, steps, reads its
# virtual CPU, is refused the IPVMM window and the hole, detaches; both
# test OSes then finish with transcripts equal to the native one
# (tests/guests/progress.py), and the hypervisor ends in success.
GS_NATIVE := $(BUILD)/tests/guests/testos-native.log
GS_GUESTS := $(TESTOS_ELF) name=testos,$(TESTOS_ELF) name=other
GS_RUN := scripts/gdb-guest.sh --name testos --symbols $(TESTOS_ELF) --kernel $(HV_ELF) \
	--append shutdown --initrd "$(GS_GUESTS)" --icount
# What the hypervisor says about the session, in order, after GDB's output.
GS_SERIAL = \
	--expect '^== serial ==$$' \
	--expect '^gdbstub: guest testos served on COM2 \(0x2f8\), held at its first stop point \(gdbwait\)$$' \
	--expect '^gdbstub: guest testos held at eip [0-9a-f]{8} for GDB on COM2 \(gdbwait\)$$' \
	--expect '^gdbstub: guest testos held [0-9]+ us at eip [0-9a-f]{8}; the other guests ran [0-9.]+ % of it$$' \
	--expect '^gdbstub: GDB detached$$' \
	--expect '^guest testos exited with status 0$$' \
	--expect '^hypervisor: shutdown \(success\)'
GS_REJECT = --reject PANIC --reject '^\[(testos|other)\] not ok' --reject 'killed'

.PHONY: test-guests-gdbstub test-guests-gdbstub-trap test-guests-gdbstub-malformed test-guests-gdbstub-bochs
# What GDB prints, in order; $(1) is the rewrite mode, whose site code the
# steps over test_intr's cli and pushf sites walk: pre-virtualized, the cli
# is one movb into the virtual IF and the pushf a call into the IPVMM
# stepped over whole (the rewritten site's last byte is a nop); in trap
# mode the site is ud2 before the original cli, which the IPVMM emulates.
GS_STEP_previrt = \
	--expect '^=> 0x[0-9a-f]+ <test_intr\+8>:\s+movb\s+\$$0x0,0xfc800004$$' \
	--expect '^AFTER_CLI \+15 IF 0$$' \
	--expect '^AFTER_PUSHF \+21 PUSHED_IF 0 PUSHED_TF 0$$'
GS_STEP_trap = \
	--expect '^=> 0x[0-9a-f]+ <test_intr\+8>:\s+ud2$$' \
	--expect '^AFTER_CLI \+11 IF 0$$' \
	--expect '^AFTER_PUSHF \+12 PUSHED_IF 0 PUSHED_TF 0$$'
gs_gdb_expect = \
	--expect '^ATTACHED CS 8$$' \
	--expect '^0 testos running \(this stub\)$$' \
	--expect '^1 other running$$' \
	--expect '^Breakpoint 1, test_intr \(\) at guests/testos/' \
	--expect '^\#0  test_intr \(\) at guests/testos/' \
	--expect '^AT test_intr CS 8 SS 10 DS 10$$' \
	--expect '^TESTOS_MAGIC 2badb002 CASES [1-9][0-9]* FAILED 0$$' \
	--expect '^PC [0-9a-f]+ IS test_intr 1$$' \
	--expect '^STEPPED 1$$' \
	--expect '^=> 0x[0-9a-f]+ <test_intr\+1>:' \
	--expect '^AT_CLI_SITE 1$$' \
	$(GS_STEP_$(1)) \
	--expect '^guest testos \(under the IPVMM\): virtual IF [01], cr0 8[0-9a-f]{7} cr3 [0-9a-f]{8} cr4 [0-9a-f]{8}, paging on$$' \
	--expect '^pending [0-9a-f]{8} \(shared page\), redirect due [01], timer (not )?armed$$' \
	--expect '^real: cs 0009 eflags [0-9a-f]{8} esp [0-9a-f]{8}, shadow cr3 [0-9a-f]{8}$$' \
	--expect '^EBX 12345678$$' \
	--expect '^REFUSED set var \$$cs = 0x10: Could not write register "cs"; remote failure reply .E02.$$' \
	--expect '^(0xfc000000:\s+)?REFUSED x/x 0xfc000000: Cannot access memory at address 0xfc000000$$' \
	--expect '^(0xfd000000:\s+)?REFUSED x/x 0xfd000000: Cannot access memory at address 0xfd000000$$' \
	--expect '^REFUSED set var \*\(int \*\)0xfc800000 = 1: Cannot access memory at address 0xfc800000$$' \
	--expect '^(0xfffffffe:\s+)?REFUSED x/x 0xfffffffe: Cannot access memory' \
	--expect '^\[Inferior 1 \(Remote target\) detached\]$$'

test-guests-gdbstub: $(HV_ELF) $(GS_NATIVE) | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gdbstub --timeout 150 --ordered --exit 0 \
		$(call gs_gdb_expect,previrt) \
		$(GS_SERIAL) $(GS_REJECT) --reject '^ALLOWED' \
		-- $(GS_RUN) --batch tests/gdb/stub-testos.gdb
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-gdbstub.log $(GS_NATIVE) all
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub.log $(GS_NATIVE) all

# The same in trap mode (rewrite=trap): the steps over trapping sites.
test-guests-gdbstub-trap: $(HV_ELF) $(GS_NATIVE) | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gdbstub-trap --timeout 150 --ordered --exit 0 \
		$(call gs_gdb_expect,trap) \
		$(GS_SERIAL) $(GS_REJECT) --reject '^ALLOWED' \
		-- $(subst --append shutdown,--append "shutdown rewrite=trap",$(GS_RUN)) \
		--batch tests/gdb/stub-testos.gdb
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-gdbstub-trap.log $(GS_NATIVE) all
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub-trap.log $(GS_NATIVE) all

# Malformed and refused packets from a raw client (tests/gdb/stub-malformed.py
# asserts each answer), then continue, Ctrl-C (T02) and detach: the
# hypervisor and both guests are unharmed.
test-guests-gdbstub-malformed: $(HV_ELF) $(GS_NATIVE) | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gdbstub-malformed --timeout 150 --ordered --exit 0 \
		--expect '^OK bad checksum -> -$$' \
		--expect '^OK overlong packet \(2000 bytes\) -> E03$$' \
		--expect '^OK write the hypervisor \(the hole\) -> E0e$$' \
		--expect '^OK Ctrl-C -> T02thread:1;$$' \
		--expect '^stub-malformed: all answers as documented$$' \
		$(GS_SERIAL) $(GS_REJECT) \
		-- $(GS_RUN) --client "$(PYTHON) tests/gdb/stub-malformed.py"
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-gdbstub-malformed.log $(GS_NATIVE) all
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub-malformed.log $(GS_NATIVE) all

# GDB's k: the held guest is killed with the reason recorded (X09 to a
# stop query, E09 after), the other finishes as natively; a killed guest
# makes the run a failure (status 35).
test-guests-gdbstub-kill: $(HV_ELF) $(GS_NATIVE) | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gdbstub-kill --timeout 150 --ordered --exit 35 \
		--expect '^OK \? -> X09$$' \
		--expect '^OK g -> E09$$' \
		--expect '^stub-kill: killed as documented$$' \
		--expect '^guest testos killed: killed from GDB \(k\) at eip [0-9a-f]{8}$$' \
		--expect '^summary: guest testos killed: killed from GDB' \
		--expect '^summary: guest other exited with status 0' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject '^\[other\] not ok' \
		-- $(GS_RUN) --client "$(PYTHON) tests/gdb/stub-kill.py"
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub-kill.log $(GS_NATIVE) all

# Linux (the afterburned vmlinux, its symbols; no debug info in it): GDB
# attaches once Linux prints its banner (no gdbwait), breaks in the sync
# system call its /init makes before powering off, reads CS/SS as Linux
# loaded them (__KERNEL_CS 0x60, __KERNEL_DS 0x68), a kernel variable
# through Linux's own page tables, steps, detaches; Linux powers off.
GS_LX_VMLINUX := $(call linux_vmlinux,afterburn)
test-linux-hv-gdbstub: $(HV_ELF) $(LINUX_DIR)/afterburn.done $(LINUX_INITRAMFS)
	$(PYTHON) scripts/systest.py --name linux-hv-gdbstub --timeout 150 --ordered --exit 0 \
		--expect '^ATTACHED CS 60$$' \
		--expect '^Breakpoint 1, 0x[0-9a-f]+ in __ia32_sys_sync \(\)$$' \
		--expect '^LINUX_CS 60 SS 68$$' \
		--expect '^SYSNAME Linux$$' \
		--expect '^RELEASE 6\.1\.[0-9]+-afterburn$$' \
		--expect '^=> 0x[0-9a-f]+ <ksys_sync>:' \
		--expect '^guest linux \(under the IPVMM\): virtual IF [01], cr0 8[0-9a-f]{7} cr3 [0-9a-f]{8} cr4 [0-9a-f]{8}, paging on$$' \
		--expect '^real: cs 0061 ' \
		--expect '^\[Inferior 1 \(Remote target\) detached\]$$' \
		--expect '^== serial ==$$' \
		--expect '^gdbstub: guest linux served on COM2 \(0x2f8\)$$' \
		--expect '^\[linux\] lx: powering off' \
		--expect '^gdbstub: GDB detached$$' \
		--expect '^guest linux exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject 'Kernel panic|BUG:|Oops|PANIC|killed' \
		-- scripts/gdb-guest.sh --name linux --symbols $(GS_LX_VMLINUX) --kernel $(HV_ELF) \
		--append shutdown --after '^\[linux\] Linux version' \
		--initrd '$(GS_LX_VMLINUX) name=linux mem=128M -- console=ttyS0 panic=-1 lx=workload lxmem=128,$(LINUX_INITRAMFS) initrd-for=linux' \
		--batch tests/gdb/stub-linux.gdb

# The same two sessions on Bochs (no gdbstub of its own in Debian's build):
# GRUB boots the hypervisor with gdb=testos gdbwait, COM2 reaches GDB
# through scripts/gdb/relay.py.
GS_ISO := $(BUILD)/tests/gdbstub/gdbstub-bochs.iso
$(GS_ISO): $(HV_ELF) scripts/mkiso.sh | $(TESTOS_ELF)
	@mkdir -p $(dir $@)
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(TESTOS_ELF) \
		-e "The test OS under the GDB stub|hypervisor.elf shutdown gdb=testos gdbwait|testos.elf name=testos|testos.elf name=other"
GS_RUN_BOCHS := scripts/gdb-guest.sh --name testos --symbols $(TESTOS_ELF) --bochs --iso $(GS_ISO)

test-guests-gdbstub-bochs: $(GS_ISO) $(GS_NATIVE)
	$(PYTHON) scripts/systest.py --name guests-gdbstub-bochs --timeout 300 --ordered --exit 0 \
		$(call gs_gdb_expect,previrt) $(GS_SERIAL) $(GS_REJECT) --reject '^ALLOWED' \
		-- $(GS_RUN_BOCHS) --batch tests/gdb/stub-testos.gdb
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-gdbstub-bochs.log $(GS_NATIVE) all
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub-bochs.log $(GS_NATIVE) all

test-guests-gdbstub-malformed-bochs: $(GS_ISO) $(GS_NATIVE)
	$(PYTHON) scripts/systest.py --name guests-gdbstub-malformed-bochs --timeout 300 --ordered --exit 0 \
		--expect '^stub-malformed: all answers as documented$$' \
		$(GS_SERIAL) $(GS_REJECT) \
		-- $(GS_RUN_BOCHS) --client "$(PYTHON) tests/gdb/stub-malformed.py"
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-gdbstub-malformed-bochs.log $(GS_NATIVE) all
	$(PYTHON) tests/guests/progress.py other $(BUILD)/test-logs/guests-gdbstub-malformed-bochs.log $(GS_NATIVE) all

.PHONY: test-guests-gdbstub-malformed-bochs test-guests-gdbstub-kill test-linux-hv-gdbstub
TEST_TARGETS += test-guests-gdbstub test-guests-gdbstub-trap test-guests-gdbstub-malformed \
	test-guests-gdbstub-kill \
	test-guests-gdbstub-bochs \
	test-guests-gdbstub-malformed-bochs test-linux-hv-gdbstub
