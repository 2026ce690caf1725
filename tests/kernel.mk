# Hypervisor tests: host unit tests (cmocka) of the pure-logic sources, and
# system tests booting the real image on QEMU (ISO through GRUB, and
# -kernel with -initrd modules), on Bochs (ISO), a deliberate panic, and a
# batch GDB session against QEMU's gdbstub. Logs: build/test-logs/.
KT := $(BUILD)/tests/kernel
KT_CFLAGS := $(HOST_CFLAGS) -Iinclude -I$(BUILD)/include -Ikernel

$(KT)/test_fmt: tests/unit/kernel/test_fmt.c kernel/fmt.c include/fmt.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KT_CFLAGS) -Wno-format -Wno-format-zero-length -o $@ $(filter %.c,$^) -lcmocka

$(KT)/test_frame: tests/unit/kernel/test_frame.c kernel/frame.c include/frame.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KT_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka

$(KT)/test_multiboot: tests/unit/kernel/test_multiboot.c kernel/mbparse.c kernel/cmdline.c \
		include/multiboot.h include/hv.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KT_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka

# The virtual TLB's walk and the descriptor checks decode guest-supplied
# values: sanitizers catch over-reads and undefined shifts the assertions
# would miss.
KT_SAN_CFLAGS := $(KT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all

$(KT)/test_vtlb_walk: tests/unit/kernel/test_vtlb_walk.c kernel/vtlb_walk.c kernel/vtlb_walk.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KT_SAN_CFLAGS) -MF $@.d -o $@ $(filter %.c,$^) -lcmocka

$(KT)/test_desc_check: tests/unit/kernel/test_desc_check.c kernel/desc_check.c kernel/desc_check.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KT_SAN_CFLAGS) -MF $@.d -o $@ $(filter %.c,$^) -lcmocka

# Both are pure logic: built freestanding with the target flags, their
# partial link must leave no undefined symbol (no memset, no __udivdi3).
KT_PURE_SRC := kernel/vtlb_walk.c kernel/desc_check.c
KT_PURE_OBJS := $(patsubst %.c,$(KT)/pure/%.o,$(KT_PURE_SRC))
$(KT)/pure/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) -Iinclude -I$(BUILD)/include -Ikernel -c -o $@ $<

$(KT)/pure/pure-all.o: $(KT_PURE_OBJS)
	$(TLD) -m elf_i386 -r -o $@ $^
	@undef=$$($(TNM) -u $@); if [ -n "$$undef" ]; then \
	  echo "kernel: undefined symbols in the freestanding build:"; echo "$$undef"; rm -f $@; exit 1; fi

KT_UNIT := $(KT)/test_fmt $(KT)/test_frame $(KT)/test_multiboot $(KT)/test_vtlb_walk \
	$(KT)/test_desc_check

.PHONY: test-kernel-unit
test-kernel-unit: $(KT_UNIT) $(KT)/pure/pure-all.o
	@set -e; for t in $(KT_UNIT); do echo "== $$t"; $$t; done
	@echo "== kernel/gen-vectors.py refuses bad tables"
	@set -e; d=$$(mktemp -d); trap 'rm -rf $$d' EXIT; \
	 grep -v '^0x05 ' kernel/vectors.tbl > $$d/missing.tbl; \
	 { cat kernel/vectors.tbl; echo '0x20 - 0 twice'; } > $$d/dup.tbl; \
	 sed 's/^0x82 .*/0x82  -    4  hypercall/' kernel/vectors.tbl > $$d/dpl.tbl; \
	 cp kernel/vectors.tbl $$d/good.tbl; \
	 for t in missing dup dpl; do \
	   if $(PYTHON) kernel/gen-vectors.py $$d/$$t.tbl $$d/o.asm $$d/o.h $$d/o.c 2>$$d/err; \
	   then echo "accepted $$t.tbl"; exit 1; else echo "refused $$t.tbl: $$(cat $$d/err)"; fi; \
	 done; \
	 $(PYTHON) kernel/gen-vectors.py $$d/good.tbl $$d/o.asm $$d/o.h $$d/o.c; \
	 grep -q '^vector_82:' $$d/o.asm && grep -q 'VECTOR_COUNT 49' $$d/o.h; \
	 test "$$(grep -A49 '^vector_dpl_table:' $$d/o.asm | tail -1 | tr -d '[:space:]')" = db1; \
	 echo "the table's DPL-1 hypercall line (last) makes vector 0x82 with a DPL-1 gate"

# --- boot images for the system tests -------------------------------------------
$(KT)/hello.mod:
	@mkdir -p $(dir $@)
	echo "a test module for the hypervisor's Multiboot parsing" > $@

# The self-test entry of the real image, with one module, as its own ISO.
$(KT)/selftest.iso: $(HV_ELF) $(KT)/hello.mod scripts/mkiso.sh
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(KT)/hello.mod \
		-e "Hypervisor self-test|hypervisor.elf shutdown|hello.mod name=hello mem=4M"

# What every successful self-test transcript shows, in this order, with
# the lines for the modules each test passes (KT_MODS_*) in between.
KT_EXPECT_HEAD := \
	--expect '^pvhv: pre-virtualizing microhypervisor' \
	--expect "^cmdline: 'shutdown" \
	--expect '^memory map: [0-9]+ entries' \
	--expect '^  mem 0000000000100000-[0-9a-f]{16} available'
KT_MOD := --expect "^  module 0: [0-9a-f]{8}-[0-9a-f]{8} [0-9]+ bytes name
# GRUB 2 passes a module's arguments only; QEMU's -initrd passes "FILE ARGS".
KT_MODS_ISO := --expect '^modules: 1$$' $(KT_MOD) '' args 'name=hello mem=4M'"
KT_MODS_KERNEL := --expect '^modules: 2$$' $(KT_MOD) 'hello.mod' args 'name=hello mem=4M'" \
	--expect "^  module 1: [0-9a-f]{8}-[0-9a-f]{8} [0-9]+ bytes name 'hello.mod' args 'second'"
KT_FRAME := --expect '^frame: [0-9]+ free ranges'
KT_EXPECT_TAIL := \
	--expect '^clock: TSC at [1-9][0-9]* kHz \(mul 0x[0-9a-f]+ shift [0-9]+\), PIT channel 0 one-shot' \
	--expect '^timer: scheduler tick [0-9]+ Hz' \
	--expect '^timer: ticks [0-9]+ -> [1-9][0-9]* with interrupts enabled' \
	--expect '^trap: caught expected \#BP breakpoint \(vector 3\) at fd1[0-9a-f]{5} selftest_run' \
	--expect '^selftest: int3 resumed' \
	--expect '^trap: caught expected \#UD invalid opcode \(vector 6\) at fd1[0-9a-f]{5} ' \
	--expect '^selftest: ud2 resumed' \
	--expect '^pic: spurious IRQ 7 and 15 recognised \([0-9]+ so far\)' \
	--expect '^thread A: step 0 ' \
	--expect '^thread B: step 0 ' \
	--expect '^thread A: step 1 ' \
	--expect '^thread B: step 1 ' \
	--expect '^threads: [0-9]+ threads, [0-9]+ steps, [0-9]+ switches between them: interleaved' \
	--expect '^frame: carved a 4096 KiB partition at [0-9a-f]{8}' \
	--expect '^selftest: [0-9]+ checks, 0 failed' \
	--reject 'PANIC' --reject 'FAIL' --reject 'NOT interleaved' --reject 'DISABLED'
# These images carry only text modules (hello.mod), which the loader
# refuses: the self-test passed, but a run whose every module was refused
# ends in failure (docs/build.md, "The hypervisor's verdict"), status 35
# on QEMU.
KT_VERDICT := \
	--expect '^loader: refusing module 0 \(hello\): not an ELF file' \
	--expect '^loader: 0 of [12] modules loaded' \
	--expect '^hypervisor: no guest started \(every module refused\)$$' \
	--expect '^hypervisor: shutdown \(failure\)$$' \
	--reject 'shutdown \(success\)'

.PHONY: test-kernel-qemu-iso test-kernel-qemu-kernel test-kernel-bochs-iso \
	test-kernel-panic test-kernel-gdb test-kernel-uart-input test-kernel-vga \
	test-kernel-pit-hz

test-kernel-qemu-iso: $(KT)/selftest.iso
	$(PYTHON) scripts/systest.py --name kernel-qemu-iso --timeout 120 --ordered --exit 35 \
		$(KT_EXPECT_HEAD) $(KT_MODS_ISO) $(KT_FRAME) $(KT_EXPECT_TAIL) $(KT_VERDICT) -- scripts/run-qemu.sh --iso $< --timeout 100

test-kernel-bochs-iso: $(KT)/selftest.iso
	$(PYTHON) scripts/systest.py --name kernel-bochs-iso --timeout 200 --ordered --exit 0 \
		$(KT_EXPECT_HEAD) $(KT_MODS_ISO) $(KT_FRAME) $(KT_EXPECT_TAIL) $(KT_VERDICT) -- scripts/run-bochs.sh --iso $< --timeout 180

# QEMU's own Multiboot loader: two modules, QEMU's "file args" form; with
# loglevel=4 the debug lines (the free ranges) show. (The panic test runs at
# loglevel=2 and checks info lines are gone.)
test-kernel-qemu-kernel: $(HV_ELF) $(KT)/hello.mod
	$(PYTHON) scripts/systest.py --name kernel-qemu-kernel --timeout 60 --ordered --exit 35 \
		$(KT_EXPECT_HEAD) $(KT_MODS_KERNEL) $(KT_FRAME) \
		--expect '^frame:   [0-9a-f]{8}\.\.[0-9a-f]{8}$$' \
		$(KT_EXPECT_TAIL) $(KT_VERDICT) \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --append "shutdown loglevel=4" --timeout 50 \
		--initrd "$(KT)/hello.mod name=hello mem=4M,$(KT)/hello.mod second"

# A deliberate #PF after the self-test: the panic report and the failure code
# (0x11 on isa-debug-exit: QEMU exits 35).
test-kernel-panic: $(HV_ELF)
	$(PYTHON) scripts/systest.py --name kernel-panic --timeout 60 --ordered --exit 35 \
		--expect '^PANIC: unexpected \#PF page fault in the hypervisor' \
		--expect '^trap 14 \(\#PF page fault\) error 0x2 at eip fd1[0-9a-f]{5} selftest_crash\+' \
		--expect '^eax [0-9a-f]{8} ebx' \
		--expect '^cs 0800 ds 0808' \
		--expect '^cr0 [0-9a-f]{8} cr2 0dead000 ' \
		--expect '^backtrace:' \
		--expect '^  \#0 fd1[0-9a-f]{5} kmain\+0x' \
		--expect '^hypervisor halted' \
		--reject 'shutdown \(success\)' \
		--reject '^selftest: start' \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --append "crash loglevel=2" --timeout 50

# Serial input: without `shutdown` the hypervisor idles, echoing COM1
# input; 'q' ends the machine with success. We keep typing until it does.
test-kernel-uart-input: $(HV_ELF)
	$(PYTHON) scripts/systest.py --name kernel-uart-input --timeout 60 --ordered --exit 0 \
		--expect '^selftest: [0-9]+ checks, 0 failed' \
		--expect "^hypervisor: idle \(type 'q'" \
		--expect '^hypervisor: shutdown requested' \
		-- bash -c '(for i in $$(seq 100); do sleep 0.3; printf q; done) 2>/dev/null | \
		scripts/run-qemu.sh --kernel $(HV_ELF) --interactive --timeout 50'

# Batch GDB against QEMU's gdbstub: break by symbol, read variables.
test-kernel-gdb: $(HV_ELF)
	$(PYTHON) scripts/systest.py --name kernel-gdb --timeout 150 --ordered --exit 0 \
		--expect '^Breakpoint 1, selftest_run \(\) at kernel/selftest.c' \
		--expect '^PIT_HZ $(CONFIG_PIT_HZ)$$' \
		--expect '^LOGLEVEL 4$$' \
		--expect '^Breakpoint 2, thread_run_current \(\)' \
		--expect '^THREAD_ID [1-9]' \
		--expect '^TICKS [1-9][0-9]*$$' \
		--expect 'in thread_entry_trampoline \(\) at kernel/entry.asm' \
		--expect '^thread [1-9][0-9]* \([a-zA-Z]+\), runnable$$' \
		--expect '^guest none: a hypervisor thread$$' \
		--expect '^  0 boot +(runnable|blocked) +switches [0-9]+ $$' \
		--expect '^\* *[1-9][0-9]* [a-zA-Z]+ +runnable +switches [0-9]+ $$' \
		-- scripts/gdb-run.sh --elf $(HV_ELF) --append "shutdown loglevel=4" \
		--batch tests/gdb/break-and-read.gdb

# The VGA text screen mirrors the log: read it with GDB once the hypervisor
# reaches idle() (the last rows of the self-test must be on it).
test-kernel-vga: $(HV_ELF)
	$(PYTHON) scripts/systest.py --name kernel-vga --timeout 150 --ordered --exit 0 \
		--expect '^Breakpoint 1, idle \(\)' \
		--expect '^VGA\|thread A: step 0 ' \
		--expect '^VGA\|threads: .*: interleaved' \
		--expect '^VGA\|selftest: [0-9]+ checks, 0 failed' \
		-- scripts/gdb-run.sh --elf $(HV_ELF) --batch tests/gdb/vga-screen.gdb

# Kconfig really configures: the same sources built with CONFIG_PIT_HZ=1000
# in a build tree of their own must tick at 1000 Hz and still pass.
KT_HZ := $(KT)/hz1000
test-kernel-pit-hz:
	@mkdir -p $(KT_HZ)
	KCONFIG_CONFIG=$(KT_HZ)/.config $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig >/dev/null
	echo CONFIG_PIT_HZ=1000 >> $(KT_HZ)/.config
	KCONFIG_CONFIG=$(KT_HZ)/.config $(KPY) -m olddefconfig $(KCONFIG) >/dev/null
	$(MAKE) --no-print-directory BUILD=$(KT_HZ) CONFIG=$(KT_HZ)/.config $(KT_HZ)/hypervisor.elf >/dev/null
	$(PYTHON) scripts/systest.py --name kernel-pit-hz --timeout 60 --ordered --exit 0 \
		--expect '^timer: scheduler tick 1000 Hz \(CONFIG_PIT_HZ=1000\)' \
		--expect '^timer: ticks [0-9]+ -> [1-9][0-9]* with interrupts enabled' \
		--expect '^threads: .*: interleaved' \
		--expect '^selftest: [0-9]+ checks, 0 failed' \
		--reject 'PANIC' --reject 'FAIL' \
		-- scripts/run-qemu.sh --kernel $(KT_HZ)/hypervisor.elf --append shutdown --timeout 50

-include $(wildcard $(KT)/*.d) $(KT_PURE_OBJS:.o=.d)

TEST_TARGETS += test-kernel-unit test-kernel-qemu-kernel test-kernel-qemu-iso \
	test-kernel-bochs-iso test-kernel-panic test-kernel-gdb test-kernel-uart-input \
	test-kernel-vga test-kernel-pit-hz
