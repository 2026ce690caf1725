# Guest tests: tiny Multiboot guests under tests/guests/
# booted as modules of the hypervisor (QEMU -kernel with several -initrd
# modules; Bochs through a GRUB ISO), malformed modules made from a good
# one, and the afterburned test OS. Logs: build/test-logs/guests-*.log.
GT := $(BUILD)/tests/guests
GT_CFLAGS := $(filter-out -MMD -MP,$(TARGET_CFLAGS)) -Iinclude -Itests/guests
# Linked at 2 MiB, not 1 MiB: GDB mixes up a guest's debug info with the
# hypervisor's .boot section at machine 1 MiB (docs/debugging.md).
GT_LINK := 0x200000
GT_LDFLAGS := $(TARGET_LDFLAGS) -Wl,-Ttext=$(GT_LINK) -Wl,--build-id=none

$(GT)/%.elf: tests/guests/start.S tests/guests/%.c tests/guests/guest.h include/hypercall.h \
		include/hypercall_table.h
	@mkdir -p $(dir $@)
	$(TCC) $(GT_CFLAGS) $(GT_LDFLAGS) -o $@ tests/guests/start.S tests/guests/$*.c

# com1 knows nothing of the hypervisor: its own entry, no .no_ipvmm
# section, so it starts through the IPVMM.
$(GT)/com1.elf: tests/guests/start_raw.S tests/guests/com1.c tests/guests/guest.h
	@mkdir -p $(dir $@)
	$(TCC) $(GT_CFLAGS) $(GT_LDFLAGS) -o $@ tests/guests/start_raw.S tests/guests/com1.c

$(GT)/truncated.elf: $(GT)/hello.elf tests/guests/corrupt.py
	$(PYTHON) tests/guests/corrupt.py truncate $< $@
$(GT)/outside.elf: $(GT)/hello.elf tests/guests/corrupt.py
	$(PYTHON) tests/guests/corrupt.py outside $< $@

TESTOS_ELF ?= $(BUILD)/guests/testos.elf
GT_GUESTS := $(GT)/hello.elf $(GT)/com1.elf $(GT)/hostile.elf
GT_RUN := scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 50

.PHONY: test-guests-pool test-guests-gdb test-guests-gdb-testos test-guests-bench test-guests-qemu \
	test-guests-hostile test-guests-malformed test-guests-bochs test-guests-testos \
	test-guests-testos-trap test-guests-testos-bochs test-guests-testos-bochs-trap test-guests-badsite

# Two well-behaved guests side by side: hypercalls, and COM1 by trap and
# emulate; both exit 0, so the machine shuts down with success. hello's
# mem_upper is 8 MiB - 1 MiB - the 48 KiB IPVMM data window in the
# partition's tail (docs/ipvmm.md, "1. Load"). Neither has .afterburn
# records. hello runs without an IPVMM (start.S's .no_ipvmm section); com1
# starts through the IPVMM, whose #GP fallback emulates its every cli, sti,
# in and out (counted in its raw-traps lines) and whose power-off port
# model ends it.
test-guests-qemu: $(HV_ELF) $(GT_GUESTS)
	$(PYTHON) scripts/systest.py --name guests-qemu --timeout 60 --exit 0 \
		--expect "^loader: guest 0 'hello': partition [0-9a-f]{8}-[0-9a-f]{8} \(8192 KiB\), entry 0020000c, 4 segments, 0 afterburn sites, cmdline 'alpha beta'" \
		--expect "^loader: guest 1 'com1': partition [0-9a-f]{8}-[0-9a-f]{8} \([0-9]+ KiB\), entry 0020000c, [0-9]+ segments, 0 afterburn sites" \
		--expect "^vm: guest 'hello' entering at 0020000c \(cr3" \
		--expect "^vm: guest 'com1' entering at 0020000c through the IPVMM" \
		--expect '^\[hello\] hello: version 00010002 magic 2badb002 mem_upper 00001bd0 KiB$$' \
		--expect "^\[hello\] hello: cmdline 'alpha beta'$$" \
		--expect '^\[hello\] hello: done$$' \
		--expect '^guest hello exited with status 0$$' \
		--expect '^\[com1\] com1: hello through the trap path$$' \
		--expect '^\[com1\] com1: scratch register ok$$' \
		--expect '^\[com1\] com1: partial line without newline$$' \
		--expect '^guest com1 exited with status 0$$' \
		--expect '^summary: guest hello exited with status 0 \([1-9][0-9]* hypercalls' \
		--expect '^raw traps: guest com1: [1-9][0-9]* unpadded sensitive sites trapped \([1-9][0-9]+ emulated in all\)$$' \
		--expect '^raw trap: guest com1: CLI at 002[0-9a-f]{5} x1$$' \
		--expect '^summary: guest com1 exited with status 0' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject FAIL --reject killed \
		-- $(GT_RUN) --append "shutdown" \
		--initrd "$(GT)/hello.elf name=hello mem=8M alpha beta,$(GT)/com1.elf name=com1"

# Hostile guests next to a good one: every bad argument gets its error code,
# every act kills only that guest with its reason; hello still finishes.
# The ninth module overflows the guest table (CONFIG_MAX_GUESTS=8) and is
# refused by name.
# A killed guest makes the run a failure (exit 35), by design.
# h-hv, h-text and h-read reach into the hypervisor beyond their segment
# limit. QEMU's TCG does not check segment limits; the shadow page tables
# stop them (not mapped, or read-only: #PF). test-guests-bochs checks the
# same act is a #GP kill where limits are enforced (docs/ipvmm.md,
# "Protection on QEMU").
test-guests-hostile: $(HV_ELF) $(GT_GUESTS)
	$(PYTHON) scripts/systest.py --name guests-hostile --timeout 60 --exit 35 \
		--expect '^\[h-lgdt\] hostile: all checks passed$$' \
		--expect '^guest h-lgdt killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode 0f 01\)$$' \
		--expect '^guest h-pf killed: \#PF page fault \(vector 14\) error 0 at eip 002[0-9a-f]{5} cr2 7ffffff0$$' \
		--expect '^guest h-int80 killed: \#GP general protection \(vector 13\) error 0x402 at eip 002[0-9a-f]{5}$$' \
		--expect '^guest h-hlt killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode fa f4\)$$' \
		--expect '^loader: refusing module 8 \(h-ok\): guest table full \(CONFIG_MAX_GUESTS\)$$' \
		--expect '^\[h-hv\] hostile: writing to 0xFD100000$$' \
		--expect '^guest h-hv killed: \#PF page fault \(vector 14\) error 0x2 at eip 002[0-9a-f]{5} cr2 fd100000$$' \
		--expect '^guest h-text killed: \#PF page fault \(vector 14\) error 0x3 at eip 002[0-9a-f]{5} cr2 fd101000$$' \
		--expect '^guest h-read killed: \#PF page fault \(vector 14\) error 0 at eip 002[0-9a-f]{5} cr2 fd400000$$' \
		--expect '^guest hello exited with status 0$$' \
		--expect '^summary: guest h-lgdt killed: ' \
		--expect '^summary: guest hello exited with status 0' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject 'hostile: FAIL' --reject 'still alive' --reject 'not stopped' \
		-- $(GT_RUN) --append "shutdown" --initrd "$(GT)/hello.elf name=hello mem=4M,\
	$(GT)/hostile.elf name=h-lgdt mem=4M act=lgdt,\
	$(GT)/hostile.elf name=h-pf mem=4M act=pf,$(GT)/hostile.elf name=h-int80 mem=4M act=int80,\
	$(GT)/hostile.elf name=h-hlt mem=4M act=hlt,$(GT)/hostile.elf name=h-hv mem=4M act=hvwrite,\
	$(GT)/hostile.elf name=h-text mem=4M act=hvtext,$(GT)/hostile.elf name=h-read mem=4M act=hvread,\
	$(GT)/hostile.elf name=h-ok mem=4M"

# Malformed modules are refused with their reason; the good one still runs
# and the run succeeds (a refused module is not a guest that failed).
test-guests-malformed: $(HV_ELF) $(GT)/hello.elf $(GT)/truncated.elf $(GT)/outside.elf
	$(PYTHON) scripts/systest.py --name guests-malformed --timeout 60 --exit 0 \
		--expect '^loader: refusing module 0 \(trunc\): truncated: segment data past the end of the module$$' \
		--expect '^loader: refusing module 1 \(outside\): segment outside the guest.s partition$$' \
		--expect '^loader: refusing module 2 \(badmem\): mem= is not a size' \
		--expect "^loader: guest 3 'good'" \
		--expect '^loader: 1 of 4 modules loaded' \
		--expect '^\[good\] hello: done$$' \
		--expect '^guest good exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC \
		-- $(GT_RUN) --append "shutdown" --initrd "$(GT)/truncated.elf name=trunc mem=4M,\
	$(GT)/outside.elf name=outside mem=4M,$(GT)/hello.elf name=badmem mem=lots,\
	$(GT)/hello.elf name=good mem=4M"

# The same guests through GRUB on Bochs, which enforces segment limits:
# the hostile stores into the hypervisor are a #GP (the limit is checked
# before paging) that kills only h-hv and h-text.
# The afterburned test OS rides along: GRUB's args-only command lines, and
# its kill on Bochs too.
$(GT)/guests.iso: $(HV_ELF) $(GT_GUESTS) $(GT)/paging.elf scripts/mkiso.sh | $(TESTOS_ELF)
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(GT)/hello.elf -f $(GT)/com1.elf \
		-f $(GT)/hostile.elf -f $(GT)/paging.elf -f $(TESTOS_ELF) -e "Hypervisor with test guests|hypervisor.elf shutdown|\
	hello.elf name=hello mem=4M alpha|com1.elf name=com1 mem=4M|hostile.elf name=h-hv mem=4M act=hvwrite|\
	hostile.elf name=h-lgdt mem=4M act=lgdt|hostile.elf name=h-text mem=4M act=hvtext|testos.elf name=testos|\
	paging.elf name=paging mem=8M ipvmm=self"

test-guests-bochs: $(GT)/guests.iso $(GT)/testos-native.log
	$(PYTHON) scripts/systest.py --name guests-bochs --timeout 200 --exit 0 \
		--expect "^\[hello\] hello: cmdline 'alpha'$$" \
		--expect '^guest hello exited with status 0$$' \
		--expect '^\[com1\] com1: hello through the trap path$$' \
		--expect '^guest com1 exited with status 0$$' \
		--expect '^\[h-hv\] hostile: all checks passed$$' \
		--expect '^guest h-hv killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode [0-9a-f]{2} [0-9a-f]{2}\)$$' \
		--expect '^guest h-lgdt killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode 0f 01\)$$' \
		--expect '^guest h-text killed: \#GP general protection \(vector 13\) error 0 at eip 002[0-9a-f]{5} \(opcode [0-9a-f]{2} [0-9a-f]{2}\)$$' \
		--expect '^\[testos\] testos: start' \
		--expect $(TESTOS_STOP) \
		--expect '^\[paging\] paging: all checks passed$$' \
		--expect '^guest paging exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject 'hostile: FAIL' --reject 'was not stopped' --reject 'paging: FAIL' \
		-- scripts/run-bochs.sh --iso $< --timeout 180
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-bochs.log \
		$(GT)/testos-native.log all

# The differential test: the afterburned test OS through the
# IPVMM, pre-virtualized and in trap mode, on QEMU and on Bochs. Its
# [testos] lines, prefix stripped, must equal its native transcript line
# for line (tests/guests/progress.py ... all), it must exit 0 through the
# power-off port, and the hypervisor must end in success. The native
# transcript is the oracle: a virtualization bug fixed gets a test OS case.
TESTOS_STOP := '^guest testos exited with status 0$$'

$(GT)/testos-native.log: $(TESTOS_ELF)
	@mkdir -p $(dir $@)
	scripts/run-qemu.sh --kernel $(TESTOS_ELF) --timeout 100 > $@.tmp 2>&1
	grep -q '^testos: start' $@.tmp
	grep -q '^[0-9]* passed, 0 failed' $@.tmp
	mv $@.tmp $@

# $(1) name, $(2) rewrite mode
define testos_qemu
test-guests-testos$(1): $(HV_ELF) $(GT)/testos-native.log | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-testos$(1) --timeout 120 --ordered --exit 0 \
		--expect '^ipvmm: text [0-9]+ KiB shared, data window [0-9]+ KiB per guest, rewrite=$(2)' \
		--expect "^loader: guest 0 'testos': partition [0-9a-f]{8}-[0-9a-f]{8} \(32768 KiB\), entry [0-9a-f]{8}, [0-9]+ segments, [1-9][0-9]* afterburn sites" \
		--expect '^\[testos\] testos: start' \
		--expect '^\[testos\] [0-9]+ passed, 0 failed' \
		--expect $$(TESTOS_STOP) \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'IPVMM could not rewrite' --reject '^\[testos\] not ok' \
		-- $(GT_RUN_LONG) --append "shutdown rewrite=$(2)" --initrd "$(TESTOS_ELF) name=testos"
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-testos$(1).log \
		$(GT)/testos-native.log all
endef
# The test OS's runs count instructions (-icount shift=0,sleep=off): its
# time, the PIT and the TSC follow the guest's own progress, so a slow or
# loaded host cannot make a timer case pass or fail (under plain TCG guest
# time is host time: case 70's spinner starved and case 95 saw 10 ticks
# on a loaded host). `make run` and test-run-smoke keep plain TCG.
GT_RUN_LONG := scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 110 --icount
$(eval $(call testos_qemu,,previrt))
$(eval $(call testos_qemu,-trap,trap))

# The direct system-call gate is per guest (docs/security.md, "The direct
# system-call gate"): the test OS installs one for int $0x80 at its start;
# a direct guest beside it that issues int $0x80 must still get the #GP
# of a vector it has no gate for, not the test OS's entry, and the test
# OS's own int $0x80 cases still match its native transcript. Its page
# faults take the direct #PF delivery too (docs/ipvmm.md).
test-guests-direct-gate: $(HV_ELF) $(GT)/hostile.elf $(GT)/testos-native.log | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-direct-gate --timeout 120 --exit 35 \
		--expect '^\[testos\] [0-9]+ passed, 0 failed' \
		--expect $(TESTOS_STOP) \
		--expect '^\[h-int80\] hostile: int \$$0x80$$' \
		--expect '^guest h-int80 killed: \#GP general protection \(vector 13\) error 0x402 at eip 002[0-9a-f]{5}$$' \
		--expect '^ipvmm: guest testos: direct gate 80: [1-9][0-9]* entries direct, [1-9][0-9]* emulated$$' \
		--expect '^ipvmm: guest testos: \#PF: [1-9][0-9]* delivered direct, [1-9][0-9]* emulated$$' \
		--expect 'stats: guest testos .*HC_DIRECT_GATE:1' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject '^\[testos\] not ok' --reject 'hostile: FAIL' \
		-- $(GT_RUN_LONG) --append "shutdown" \
		--initrd "$(TESTOS_ELF) name=testos,$(GT)/hostile.elf name=h-int80 mem=4M act=int80 late"
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-direct-gate.log \
		$(GT)/testos-native.log all
TEST_TARGETS += test-guests-direct-gate

# Both modes on Bochs, through GRUB (the previrt run also rides along in
# test-guests-bochs, beside the hostile guests).
# $(1) name, $(2) rewrite mode
define testos_bochs
$(GT)/testos-bochs$(1).iso: $(HV_ELF) $(TESTOS_ELF) scripts/mkiso.sh
	scripts/mkiso.sh -o $$@ -t 0 -f $(HV_ELF) -f $(TESTOS_ELF) \
		-e "The test OS, rewrite=$(2)|hypervisor.elf shutdown rewrite=$(2)|testos.elf name=testos"

test-guests-testos-bochs$(1): $(GT)/testos-bochs$(1).iso $(GT)/testos-native.log
	$(PYTHON) scripts/systest.py --name guests-testos-bochs$(1) --timeout 400 --ordered --exit 0 \
		--expect '^ipvmm: .*rewrite=$(2)' \
		--expect '^\[testos\] [0-9]+ passed, 0 failed' \
		--expect $$(TESTOS_STOP) \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'IPVMM could not rewrite' --reject '^\[testos\] not ok' \
		-- scripts/run-bochs.sh --iso $$< --timeout 380
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-testos-bochs$(1).log \
		$(GT)/testos-native.log all
endef
$(eval $(call testos_bochs,,previrt))
$(eval $(call testos_bochs,-trap,trap))

# Console input (the hypervisor's serial input routed to the console
# guest's COM1 model): the test OS's echo mode gets the same keystrokes
# natively and through the IPVMM in both modes, and its transcripts must
# be equal. QEMU holds input back while the UART is full, so nothing typed
# before the guest reads is lost in either run.
ECHO_INPUT := (sleep 2; printf 'hello world\nsecond line\nq\n') 2>/dev/null
$(GT)/testos-echo-native.log: $(TESTOS_ELF)
	@mkdir -p $(dir $@)
	bash -c "$(ECHO_INPUT) | scripts/run-qemu.sh --kernel $(TESTOS_ELF) --append echo \
		--interactive --timeout 60" > $@.raw 2>&1
	tr -d '\r' < $@.raw | sed -n 's/.*\(testos: start\)/\1/; /^testos: start/,$$p' > $@.tmp
	grep -q '^echo: bye' $@.tmp
	mv $@.tmp $@

# $(1) name, $(2) rewrite mode
define testos_echo
test-guests-console-input$(1): $(HV_ELF) $(GT)/testos-echo-native.log | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-console-input$(1) --timeout 90 --ordered --exit 0 \
		--expect '^\[testos\] testos: start \(echo\)' \
		--expect '^\[testos\] echo: hello world' \
		--expect '^\[testos\] echo: bye' \
		--expect $$(TESTOS_STOP) \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'echo: no input' \
		-- bash -c "$(ECHO_INPUT) | scripts/run-qemu.sh --kernel $(HV_ELF) \
		--append 'shutdown rewrite=$(2)' --initrd '$(TESTOS_ELF) name=testos echo' \
		--interactive --timeout 80"
	$(PYTHON) tests/guests/progress.py testos $(BUILD)/test-logs/guests-console-input$(1).log \
		$(GT)/testos-echo-native.log all
endef
$(eval $(call testos_echo,,previrt))
$(eval $(call testos_echo,-trap,trap))

# console= chooses: two echo guests, the second console=input, get the
# keystrokes in that one only (the first, the default owner otherwise,
# hears 5 s of silence and fails, status 0x11); a console=none guest's lines are
# dropped while it still runs and exits 0.
test-guests-console-select: $(HV_ELF) $(GT)/hello.elf | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-console-select --timeout 90 --exit 35 \
		--expect '^\[b\] echo: hello world' \
		--expect '^\[b\] echo: bye' \
		--expect '^guest b exited with status 0$$' \
		--expect '^\[a\] echo: no input' \
		--expect '^guest a exited with status 17$$' \
		--expect '^guest quiet exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject '^\[quiet\]' --reject '^\[a\] echo: hello' \
		-- bash -c "$(ECHO_INPUT) | scripts/run-qemu.sh --kernel $(HV_ELF) --append shutdown \
		--initrd '$(GT)/hello.elf name=quiet mem=4M console=none,$(TESTOS_ELF) name=a echo mem=8M,$(TESTOS_ELF) name=b echo mem=8M console=input' \
		--interactive --timeout 80"

TEST_TARGETS += test-guests-console-input test-guests-console-input-trap test-guests-console-select
.PHONY: test-guests-console-input test-guests-console-input-trap test-guests-console-select

# A guest whose .afterburn record 9 is shrunk to one byte (too small to
# rewrite): the IPVMM stops at it and the hypervisor records the kill
# with the site's address (corrupt.py prints it); the good guest beside it
# still exits 0.
$(GT)/smallsite.elf $(GT)/smallsite.site &: tests/guests/corrupt.py | $(TESTOS_ELF)
	@mkdir -p $(dir $@)
	$(PYTHON) tests/guests/corrupt.py smallsite $(TESTOS_ELF) $(GT)/smallsite.elf > $(GT)/smallsite.site

test-guests-badsite: $(HV_ELF) $(GT)/smallsite.elf $(GT)/smallsite.site $(GT)/hello.elf
	site=$$(cat $(GT)/smallsite.site); \
	$(PYTHON) scripts/systest.py --name guests-badsite --timeout 60 --exit 35 \
		--expect "^\[small\] ipvmm: .*0x$$site$$" \
		--expect "^guest small killed: IPVMM could not rewrite the afterburn site at $$site \(9 of [0-9]+ rewritten\)$$" \
		--expect '^guest hello exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject '^\[small\] testos: start' \
		-- $(GT_RUN) --append "shutdown" \
		--initrd "$(GT)/smallsite.elf name=small,$(GT)/hello.elf name=hello mem=4M"

# make gdb for guests: one GDB session with the hypervisor's and a guest's
# symbols breaks in the guest by its own function name, reads its
# arguments and registers (ring 1), and then in the hypervisor's hypercall
# path for the same guest.
test-guests-gdb: $(HV_ELF) $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-gdb --timeout 150 --ordered --exit 0 \
		--expect '^Breakpoint 1, gmain \(magic=732803074, mbi=0x[0-9a-f]+\) at tests/guests/hello.c' \
		--expect '^GUEST_CS 819$$' \
		--expect '^GUEST_MAGIC 2badb002$$' \
		--expect '^Breakpoint 2, hypercall_dispatch \(tf=.*\) at kernel/hypercall.c' \
		--expect '^HC_NR 0 FROM_CS 819 GUEST hello$$' \
		-- scripts/gdb-run.sh --elf $(HV_ELF) --append "shutdown" \
		--initrd "$(GT)/hello.elf name=hello mem=4M" --guest $(GT)/hello.elf \
		--batch tests/guests/gdb-break.gdb

# The same for the afterburned test OS pre-virtualized through the IPVMM:
# (at the hypercall stop also the helpers of scripts/gdb/pvhv.py: the
# current guest, its virtual CPU, the threads, its shadow page tables)
# a breakpoint in the IPVMM (its virtual PIC, ring 1 in the guest's address
# space), then in the test OS by its own symbols (testos.elf, linked at
# 1 MiB, identity-mapped by its own page tables) with its own selector
# with RPL 1 (SEL_KCODE 0x08 -> CS 0x9), its variables read through its
# page tables; then the hypervisor's hypercall path and the guest's exit,
# to the shutdown (docs/debugging.md, "A guest under the IPVMM").
test-guests-gdb-testos: $(HV_ELF) | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-gdb-testos --timeout 150 --ordered --exit 0 \
		--expect '^Breakpoint 1, vpic_write \(.*\) at ipvmm/dev/vpic\.c:[0-9]+$$' \
		--expect '^IPVMM_CS 9 PORT (20|21|a0|a1)$$' \
		--expect '^Breakpoint 2, test_intr \(\) at guests/testos/[a-z0-9_]+\.[ch]:[0-9]+$$' \
		--expect '^#1 +0x[0-9a-f]+ in kmain \(.*\) at guests/testos/main\.c:[0-9]+$$' \
		--expect '^test_intr in section \.text of .*/testos\.elf$$' \
		--expect '^GUEST_CS 9 RING 1$$' \
		--expect '^TESTOS_MAGIC 2badb002 CASES [1-9][0-9]? FAILED 0$$' \
		--expect "^pvhv: stopped in a guest's address space; the hypervisor's data is not mapped here" \
		--expect '^Breakpoint 3, hypercall_dispatch \(tf=.*\) at kernel/hypercall\.c' \
		--expect '^HC_NR ([0-9]|1[0-4]) FROM_CS 9 GUEST testos$$' \
		--expect '^thread [0-9]+ \(testos\), runnable$$' \
		--expect '^guest testos \(index 0, running\), partition [0-9a-f]{8}\+2000000, VM thread$$' \
		--expect '^guest testos: virtual IF [01] \(shared page\), pending [0-9a-f]{8}, sti_hook ' \
		--expect '^guest testos: cr0 80010033 cr3 [0-9a-f]{8} cr4 [0-9a-f]{8}, paging on, shadow slot [0-9]$$' \
		--expect '^guest testos: upcalls irq fc[0-9a-f]{6} exc fc[0-9a-f]{6} stack fc8[0-9a-f]{5};' \
		--expect '^ +0 boot +runnable' \
		--expect '^ +[0-9]+ testos-irq +(blocked|runnable) +urgent switches [0-9]+ for testos$$' \
		--expect '^\* *[0-9]+ testos +runnable +switches [0-9]+ VM thread of testos$$' \
		--expect '^guest testos: physical-mode shadow cr3 [0-9a-f]{8}, linear 0\.\.02000000$$' \
		--expect '^  phys pde   0: 1024 pages, first 00000000 -> machine [0-9a-f]{8} rw$$' \
		--expect '^  phys: 8 page tables, 8192 pages mapped below the hole$$' \
		--expect '^guest testos: virtual TLB, [0-9]+ slots, current [0-9]+, [0-9]+ page tables in use, [1-9][0-9]* fills$$' \
		--expect '^slot [0-9]+: guest cr3 [0-9a-f]{8}, shadow cr3 [0-9a-f]{8} \(current\)$$' \
		--expect '^  slot [0-9]+: [1-9][0-9]* page tables, [1-9][0-9]* pages mapped below the hole$$' \
		--expect '^Breakpoint 4, guest_exit \(.*\) at kernel/vm\.c' \
		--expect '^EXIT GUEST testos STATUS 0$$' \
		--expect '^Breakpoint 5, machine_shutdown \(.*\)' \
		--expect '^SHUTDOWN ok=1$$' \
		--reject 'internal-error' --reject 'in _start \(\) at boot/' \
		-- scripts/gdb-run.sh --elf $(HV_ELF) --append "shutdown" \
		--initrd "$(TESTOS_ELF) name=testos" --guest $(TESTOS_ELF) \
		--batch tests/guests/gdb-testos.gdb

# Round-trip costs under -icount shift=0 (a TSC tick is one instruction):
# the numbers are in the log; the test checks they were measured and that
# a hypercall costs more than an empty loop iteration and less than a trap
# through the #GP emulation path: com1's inb, through the IPVMM (the
# hypervisor's entry, the exception upcall, the decoder reading guest
# memory, the device switch, the return through iret_restart).
test-guests-bench: $(HV_ELF) $(GT)/bench.elf $(GT)/com1.elf
	$(PYTHON) scripts/systest.py --name guests-bench --timeout 60 --exit 0 \
		--expect '^\[bench\] bench: empty loop +0x0000000[0-9a-f] ticks' \
		--expect '^\[bench\] bench: hypercall version +0x00000(0[1-9a-f]|1[0-9a-f])[0-9a-f] ticks' \
		--expect '^guest bench exited with status 0$$' \
		--expect '^\[c-bench\] com1: bench trapped inb 0x3fd 0x0000(0[1-9a-f]|[1-9a-f][0-9a-f])[0-9a-f]{2} ticks' \
		--expect '^guest c-bench exited with status 0$$' \
		-- $(GT_RUN) --icount --append "shutdown" --initrd "$(GT)/bench.elf name=bench mem=4M,\
	$(GT)/com1.elf name=c-bench mem=4M bench"

TEST_TARGETS += test-guests-gdb test-guests-gdb-testos test-guests-bench test-guests-qemu test-guests-hostile test-guests-malformed \
	test-guests-bochs test-guests-testos test-guests-testos-trap test-guests-testos-bochs \
	test-guests-testos-bochs-trap \
	test-guests-badsite

# Fixed pools run out cleanly: with CONFIG_SHADOW_POOL_PAGES=10 (five pages
# per 4 MiB guest: directory, its memory, the IPVMM text, the IPVMM data
# window, the hypervisor's trap entry) the third guest is refused, its partition returned, and
# the first two still run. Built in a tree of its own, like test-kernel-pit-hz.
GT_POOL := $(GT)/pool8
test-guests-pool: $(GT)/hello.elf
	@mkdir -p $(GT_POOL)
	KCONFIG_CONFIG=$(GT_POOL)/.config $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig >/dev/null
	echo CONFIG_SHADOW_POOL_PAGES=10 >> $(GT_POOL)/.config
	KCONFIG_CONFIG=$(GT_POOL)/.config $(KPY) -m olddefconfig $(KCONFIG) >/dev/null
	$(MAKE) --no-print-directory BUILD=$(GT_POOL) CONFIG=$(GT_POOL)/.config $(GT_POOL)/hypervisor.elf >/dev/null
	$(PYTHON) scripts/systest.py --name guests-pool --timeout 60 --exit 0 \
		--expect "^loader: guest 0 'a'" --expect "^loader: guest 1 'b'" \
		--expect '^loader: refusing module 2 \(c\): shadow page-table pool empty \(CONFIG_SHADOW_POOL_PAGES\)$$' \
		--expect '^loader: 2 of 3 modules loaded, shadow pool 10/10 pages$$' \
		--expect '^guest a exited with status 0$$' --expect '^guest b exited with status 0$$' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--reject 'NOT ALL RETURNED' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'not returned' \
		-- scripts/run-qemu.sh --kernel $(GT_POOL)/hypervisor.elf --timeout 50 --append shutdown \
		--initrd "$(GT)/hello.elf name=a mem=4M,$(GT)/hello.elf name=b mem=4M,$(GT)/hello.elf name=c mem=4M"

TEST_TARGETS += test-guests-pool

# A full thread table refuses a guest at its start, with the reason,
# rather than failing one of its hypercalls later: every guest takes its
# VM thread and its IRQ thread (HC_SET_TIMER's) when it starts. With
# CONFIG_THREAD_TABLE=4 (the boot flow, then a's two) b finds the table
# full: refused, its partition and pools returned; a still runs and sets
# its timer. A guest that could not start fails the run (exit 35).
GT_THR := $(GT)/threads4
test-guests-threads: $(GT)/hello.elf $(GT)/hostile.elf
	@mkdir -p $(GT_THR)
	KCONFIG_CONFIG=$(GT_THR)/.config $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig >/dev/null
	echo CONFIG_THREAD_TABLE=4 >> $(GT_THR)/.config
	KCONFIG_CONFIG=$(GT_THR)/.config $(KPY) -m olddefconfig $(KCONFIG) >/dev/null
	$(MAKE) --no-print-directory BUILD=$(GT_THR) CONFIG=$(GT_THR)/.config $(GT_THR)/hypervisor.elf >/dev/null
	$(PYTHON) scripts/systest.py --name guests-threads --timeout 60 --exit 35 \
		--expect "^loader: guest 0 'a'" --expect "^loader: guest 1 'b'" \
		--expect '^thread: table full \(CONFIG_THREAD_TABLE=4\)$$' \
		--expect '^vm: refusing guest b at its start: thread table full \(CONFIG_THREAD_TABLE\)$$' \
		--expect '^\[a\] hostile: timerfar ok \(far never fired, past fired once\)$$' \
		--expect '^guest a exited with status 0$$' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject 'not returned' --reject '^\[b\]' --reject 'summary: guest b' \
		-- scripts/run-qemu.sh --kernel $(GT_THR)/hypervisor.elf --timeout 50 --icount --append shutdown \
		--initrd "$(GT)/hostile.elf name=a mem=4M act=timerfar,$(GT)/hello.elf name=b mem=4M"

TEST_TARGETS += test-guests-threads

# The virtual TLB and events: two `paging` guests, each its own IPVMM
# (ipvmm=self), run their own page tables side by side with hello: A/D
# bits, #PF upcalls with CR2 and error code, invlpg, two CR3s, ud2, ring-3
# code (U/S, int $0x80 as #GP(0x402)), a timer with HC_WAIT, an interrupt
# upcall, the iret_restart roll-back (and a hostile region outside its
# "IPVMM text", ignored), global pages shared by two address spaces
# (tests/guests/vtlb_global.h), a self-map, 4 MiB pages, its tail, a PDE of its
# own in the hole (tests/guests/vtlb_acts.h). The second one then takes a
# #PF with no exception upcall registered and is killed for it (so the
# run ends in failure, by design); pg3..pg5 point a PTE, a 4 MiB page and
# a page table at or past their partition's end (mem=8M), pg6 stores to
# the hypervisor through a PDE of its own: each killed, the pools whole.
test-guests-vtlb: $(HV_ELF) $(GT)/paging.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-vtlb --timeout 60 --exit 35 \
		--expect '^\[pg1\] paging: all checks passed$$' \
		--expect '^\[pg2\] paging: all checks passed$$' \
		--expect '^guest pg1 exited with status 0$$' \
		--expect '^vtlb: guest pg1: [1-9][0-9]* fills, 3 \#PF reflected, [1-9][0-9]* cr3 switches \([1-9][0-9]* cached, [0-9]+ entries re-walked\), [1-9][0-9]* pool resets; upcalls: 6 exception, 4 interrupt, 1 roll-backs; 6 timer expiries$$' \
		--expect '^vtlb: guest pg1: [1-9][0-9]* shadow PDEs linked to a shared page table of global entries$$' \
		--expect '^\[pg2\] paging: reading 0x00000010 unmapped, no upcall$$' \
		--expect '^guest pg2 killed: \#PF its page tables do not allow: error 0 at eip 002[0-9a-f]{5} cr2 00000010 \(no exception upcall\)$$' \
		--expect '^guest pg3 killed: page tables point outside the partition \(00800000, for 40006000\)$$' \
		--expect '^guest pg4 killed: page tables point outside the partition \(00800000, for e0400000\)$$' \
		--expect '^guest pg5 killed: page tables point outside the partition \(7ff00000, for e0800000\)$$' \
		--expect '^\[pg6\] paging: storing to 0xFD100000 through its own PDE$$' \
		--expect '^guest pg6 killed: \#PF page fault \(vector 14\) error 0x2 at eip 002[0-9a-f]{5} cr2 fd100000$$' \
		--expect '^guest hello exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--reject PANIC --reject 'paging: FAIL' --reject 'still alive' \
		-- $(GT_RUN) --append "shutdown" --initrd "$(GT)/paging.elf name=pg1 mem=8M ipvmm=self,\
	$(GT)/paging.elf name=pg2 mem=8M ipvmm=self act=nohandler,$(GT)/hello.elf name=hello mem=4M,\
	$(GT)/paging.elf name=pg3 mem=8M ipvmm=self act=pteend,$(GT)/paging.elf name=pg4 mem=8M ipvmm=self act=pseout,\
	$(GT)/paging.elf name=pg5 mem=8M ipvmm=self act=ptout,$(GT)/paging.elf name=pg6 mem=8M ipvmm=self act=holewr"

# The virtual TLB's costs under -icount (one tick = one instruction,
# hypervisor included); the numbers are in the log.
test-guests-vtlb-bench: $(HV_ELF) $(GT)/paging.elf
	$(PYTHON) scripts/systest.py --name guests-vtlb-bench --timeout 60 --ordered --exit 0 \
		--expect '^\[paging\] paging: bench invlpg hypercall 0x00000(0[1-9a-f]|1[0-9a-f])[0-9a-f] ticks' \
		--expect '^\[paging\] paging: bench \#PF fill \(walk \+ shadow entry\) 0x00000[0-9a-f]{3} ticks' \
		--expect '^\[paging\] paging: bench cr3 switch' \
		--expect '^\[paging\] paging: bench exception upcall round trip \(ud2\) 0x00000[0-9a-f]{3} ticks' \
		--expect '^\[paging\] paging: all checks passed$$' \
		-- $(GT_RUN) --icount --append "shutdown" --initrd "$(GT)/paging.elf name=paging mem=8M ipvmm=self bench"

.PHONY: test-guests-vtlb test-guests-vtlb-bench
TEST_TARGETS += test-guests-vtlb test-guests-vtlb-bench

# --- Time, scheduling, console and the watchdog (docs/security.md) ---
# Under -icount shift=0,sleep=off (a TSC tick is one instruction, so the
# counts are the guest-visible ones, never the host's wall clock).
GT_RUN_IC := scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 100 --icount
# hostile.c includes these acts (the pattern rule's recipe still builds it).
$(GT)/paging.elf: tests/guests/vtlb_acts.h tests/guests/vtlb_global.h include/ipvmm/shared.h
$(GT)/hostile.elf: tests/guests/shared_acts.h tests/guests/sched_acts.h tests/guests/retpath_acts.h tests/guests/priv_acts.h include/ipvmm/shared.h

# A deadline at 2^64-1 saturates instead of wrapping into the past: it
# never fires, and the clock event stays at the scheduler tick (about 100
# interrupts a second), not a storm of minimal PIT counts; a deadline in
# the past fires exactly once.
test-guests-timer: $(HV_ELF) $(GT)/hostile.elf
	$(PYTHON) scripts/systest.py --name guests-timer --timeout 60 --exit 0 \
		--expect '^\[h-far\] hostile: timerfar ok \(far never fired, past fired once\)$$' \
		--expect '^guest h-far exited with status 0$$' \
		--expect '^clock: [0-9]{1,3} timer interrupts, [0-9]+ scheduler ticks$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'timerfar FAIL' \
		-- $(GT_RUN_IC) --append "shutdown" --initrd "$(GT)/hostile.elf name=h-far mem=4M act=timerfar"
	$(PYTHON) scripts/systest.py --name guests-timer-periodic --timeout 60 --exit 0 \
		--expect '^\[h-per\] hostile: timerperiod ok \(floor refused, on its grid, coalesced, replaced, cancelled\)$$' \
		--expect '^guest h-per exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'timerperiod FAIL' \
		-- $(GT_RUN_IC) --append "shutdown" --initrd "$(GT)/hostile.elf name=h-per mem=4M act=timerperiod"

.PHONY: test-guests-timer
TEST_TARGETS += test-guests-timer

# Fairness: a CPU-bound guest beside one that is CPU-bound too and
# re-arms a 50 us deadline each time the last fired (its IRQ thread wakes
# 20,000 times a second). Each must get a fair half of the time it was
# alive (40-60 %, counted in TSC ticks by the scheduler's accounting), and
# neither may wait runnable longer than 2 scheduler quanta. The re-arming
# guest comes first: its VM thread is the round robin's next after its
# IRQ thread, which is the order that let the wake-ups steal the other's
# slices.
SCHED_SHARE := (4[0-9]|5[0-9])\.[0-9] %
SCHED_WAIT := longest wait [0-9]+ us \(([01]\.[0-9]|2\.0) quanta\)
test-guests-fair: $(HV_ELF) $(GT)/hostile.elf
	$(PYTHON) scripts/systest.py --name guests-fair --timeout 60 --exit 0 \
		--expect '^\[h-rearm\] hostile: rearm fired [0-9a-f]{8}$$' \
		--expect '^guest h-rearm exited with status 0$$' \
		--expect '^guest h-spin exited with status 0$$' \
		--expect '^sched: guest h-rearm cpu $(SCHED_SHARE) .*, $(SCHED_WAIT)' \
		--expect '^sched: guest h-spin cpu $(SCHED_SHARE) .*, $(SCHED_WAIT)' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC \
		-- $(GT_RUN_IC) --append "shutdown" --initrd "$(GT)/hostile.elf name=h-rearm mem=4M act=rearm,\
	$(GT)/hostile.elf name=h-spin mem=4M act=spin"

.PHONY: test-guests-fair
TEST_TARGETS += test-guests-fair

# The watchdog: HC_WAIT with no timer armed and no console input routed
# to the guest can never end; such a guest is killed with its reason, and
# the machine still reaches its shutdown. (A guest's `sti; hlt` is no such
# wait any more: every guest that hlts runs through the IPVMM, whose PIT
# model counts from reset as a BIOS leaves it, so its timer is armed.)
# (Before the watchdog the run hung here until the silence limit.)
test-guests-watchdog: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-watchdog --timeout 30 --exit 35 \
		--expect '^\[h-wait\] hostile: HC_WAIT with nothing armed$$' \
		--expect '^guest h-wait killed: waits with nothing armed \(no timer, no console input\)$$' \
		--expect '^guest hello exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--reject 'not returned' --reject 'NOT ALL RETURNED' \
		--reject PANIC --reject 'still alive' \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 40 --append "shutdown" \
		--initrd "$(GT)/hello.elf name=hello mem=4M,$(GT)/hostile.elf name=h-wait mem=4M act=waitforever"

.PHONY: test-guests-watchdog
TEST_TARGETS += test-guests-watchdog

# The console's kill (kernel/console_cmd.c): a guest spinning for ever
# with interrupts on (its fair share, no watchdog ends it) and one blocked
# in HC_WAIT on a timer an hour ahead are stopped from outside by Ctrl-] k
# N, typed on the serial input once each has said what it does; Ctrl-] l
# lists them first, an unknown command prints the help. The blocked one
# must be woken to die. (Before the command the run never ended.)
CONKILL_SEND := \
	--send '^\[h-wait\] hostile: waiting an hour$$::\x1dl' \
	--send '^console: guest 1 h-wait: running, [0-9]+ ms of CPU$$::\x1dx' \
	--send '^console: Ctrl-\] then:::\x1dk0\r' \
	--send '^guest h-spin killed: ::\x1dk1\r'
test-guests-console-kill: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-console-kill --timeout 30 --exit 35 $(CONKILL_SEND) \
		--expect '^console: guest 0 h-spin: running, [0-9]+ ms of CPU$$' \
		--expect '^console: guest 2 hello: (running|exited), [0-9]+ ms of CPU$$' \
		--expect '^console: killing guest 0 h-spin$$' \
		--expect '^guest h-spin killed: killed from the console$$' \
		--expect '^console: killing guest 1 h-wait$$' \
		--expect '^guest h-wait killed: killed from the console$$' \
		--expect '^guest hello exited with status 0$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--reject 'NOT ALL RETURNED' --reject PANIC \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 60 --stdin --append "shutdown" \
		--initrd "$(GT)/hostile.elf name=h-spin mem=4M act=forever,$(GT)/hostile.elf name=h-wait mem=4M act=waitlong,$(GT)/hello.elf name=hello mem=4M"

.PHONY: test-guests-console-kill
TEST_TARGETS += test-guests-console-kill

# A console flood: 64 writes of 4 KiB (4096 lines of 63 bytes) beside a
# CPU-bound guest. The output ring takes them and the UART's interrupt
# drains it with interrupts on; a flooder that fills it blocks (counted:
# "console: guest X waited N times"), the machine does not. The flooder
# gets no more than its fair share while both run, the spinner's wait
# stays bounded, every line arrives whole, nothing is dropped. (QEMU's
# UART is not paced at the baud rate, so here the ring rarely fills; on
# Bochs or hardware a 4 KiB write is 355 ms of line time.)
test-guests-conflood: $(HV_ELF) $(GT)/hostile.elf
	$(PYTHON) scripts/systest.py --name guests-conflood --timeout 60 --exit 0 \
		--expect '^\[h-flood\] abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk$$' \
		--expect '^\[h-flood\] hostile: conflood done$$' \
		--expect '^guest h-flood exited with status 0$$' \
		--expect '^guest h-spin exited with status 0$$' \
		--expect '^sched: guest h-flood cpu $(SCHED_SHARE) .*, $(SCHED_WAIT)' \
		--expect '^sched: guest h-spin cpu .*, $(SCHED_WAIT)' \
		--expect '^uart: 0 bytes dropped$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject '^\[h-flood\] (?!hostile:)(.{0,62}|.{64,})$$' \
		-- $(GT_RUN_IC) --append "shutdown" --initrd "$(GT)/hostile.elf name=h-flood mem=4M act=conflood,\
	$(GT)/hostile.elf name=h-spin mem=4M act=spin"

.PHONY: test-guests-conflood
TEST_TARGETS += test-guests-conflood

# The test OS's timing cases (its PIT rate among them) beside two benign
# CPU-bound guests loaded before it: its timer wake-ups reach it within
# its own budget, so it still passes every case. (Before the budgeted
# round robin its IRQ thread's wake-ups restarted the round robin at the
# spinners: case 95, the PIT rate, saw 4 ticks.)
test-guests-testos-spin: $(HV_ELF) $(GT)/hostile.elf | $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name guests-testos-spin --timeout 120 --exit 0 \
		--expect '^\[testos\] [0-9]+ passed, 0 failed' \
		--expect '^guest testos exited with status 0$$' \
		--expect '^guest s1 exited with status 0$$' --expect '^guest s2 exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject '^\[testos\] not ok' \
		-- $(GT_RUN_LONG) --append "shutdown" --initrd "$(GT)/hostile.elf name=s1 mem=4M act=spinlong,\
	$(GT)/hostile.elf name=s2 mem=4M act=spinlong,$(TESTOS_ELF) name=testos"

.PHONY: test-guests-testos-spin
TEST_TARGETS += test-guests-testos-spin
