# The hostile suite's later cases (docs/security.md, "The hostile suite"):
# the interrupts-off watchdog, the shared page, an exit while busy, and
# the page-table kills of test-guests-vtlb on Bochs. (Included after
# guests.mk: GT, GT_RUN_IC and the guests' rules are its.)

# The interrupts-off watchdog (CONFIG_GUEST_CLI_LIMIT_MS, 300 ms in a tree
# of its own): a busy loop after cli with its timer's event pending never
# ends; it is killed after 300 ms of its own CPU time, while a guest that
# keeps the same event out for 100 ms and then takes it goes on, and hello
# beside them finishes. (Before the watchdog the run hung until QEMU's
# timeout.)
GT_CLI := $(GT)/cli300
define CLI_HV_BUILD
	@mkdir -p $(GT_CLI)
	KCONFIG_CONFIG=$(GT_CLI)/.config $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig >/dev/null
	echo CONFIG_GUEST_CLI_LIMIT_MS=300 >> $(GT_CLI)/.config
	KCONFIG_CONFIG=$(GT_CLI)/.config $(KPY) -m olddefconfig $(KCONFIG) >/dev/null
	$(MAKE) --no-print-directory BUILD=$(GT_CLI) CONFIG=$(GT_CLI)/.config $(GT_CLI)/hypervisor.elf >/dev/null
endef
CLI_MODS := $(GT)/hostile.elf name=h-cli mem=4M act=clispin,$(GT)/hostile.elf name=h-short mem=4M act=clishort,$(GT)/hello.elf name=hello mem=4M
CLI_EXPECT := \
	--expect '^\[h-cli\] hostile: cli, timer pending, spinning$$' \
	--expect '^guest h-cli killed: interrupts disabled for 300 ms of its CPU time with an event pending \(0x1\)$$' \
	--expect '^\[h-short\] hostile: clishort ok$$' \
	--expect '^guest h-short exited with status 0$$' \
	--expect '^guest hello exited with status 0$$' \
	--expect '^hypervisor: shutdown \(failure\)' \
	--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
	--reject PANIC --reject 'still alive' --reject 'clishort FAIL' --reject 'NOT ALL RETURNED'

test-guests-cli-watchdog: $(GT)/hostile.elf $(GT)/hello.elf
	$(CLI_HV_BUILD)
	$(PYTHON) scripts/systest.py --name guests-cli-watchdog --timeout 60 --exit 35 $(CLI_EXPECT) \
		-- scripts/run-qemu.sh --kernel $(GT_CLI)/hypervisor.elf --timeout 50 --icount --append shutdown \
		--initrd "$(CLI_MODS)"

# The same through GRUB on Bochs (the ISO is made here: its hypervisor is
# the 300 ms tree's, rebuilt by the sub-make when a source changed).
test-guests-cli-watchdog-bochs: $(GT)/hostile.elf $(GT)/hello.elf scripts/mkiso.sh
	$(CLI_HV_BUILD)
	scripts/mkiso.sh -o $(GT_CLI)/cli.iso -t 0 -f $(GT_CLI)/hypervisor.elf -f $(GT)/hostile.elf -f $(GT)/hello.elf \
		-e "Interrupts-off watchdog (300 ms)|hypervisor.elf shutdown|$(subst $(comma),|,$(subst $(GT)/,,$(CLI_MODS)))"
	$(PYTHON) scripts/systest.py --name guests-cli-watchdog-bochs --timeout 200 --exit 0 $(CLI_EXPECT) \
		-- scripts/run-bochs.sh --iso $(GT_CLI)/cli.iso --timeout 180

.PHONY: test-guests-cli-watchdog test-guests-cli-watchdog-bochs
TEST_TARGETS += test-guests-cli-watchdog test-guests-cli-watchdog-bochs

# What the hypervisor shares with a guest (tests/guests/shared_acts.h):
# h-sh overwrites its whole shared page (the guest's own memory) and its
# calls still answer as documented; its exit with the IPVMM's stop status
# is an ordinary exit for a guest the IPVMM does not run. h-exit leaves
# with a timer 200 ms ahead, 4 KiB of output draining and a partial
# line: the line comes out once before its exit line and nothing of it
# after, its timer never fires (the spinner keeps the machine up past the
# deadline), the pools are whole.
# The shared-page and busy-exit lines both emulators must print.
HOSTILE_SHARED_EXPECT := \
	--expect '^\[h-sh\] hostile: shpage calls answered$$' \
	--expect '^guest h-sh exited with status -559087614$$' \
	--expect '^\[h-exit\] hostile: exitbusy partial line$$' \
	--expect '^guest h-exit exited with status 0$$' \
	--expect '^stats: guest h-exit upcalls irq 0 exc 0, soft ints 0, rollbacks 0, timer fires 0;' \
	--expect '^guest h-spin exited with status 0$$' \
	--expect '^guest hello exited with status 0$$'

test-guests-shared: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf
	$(PYTHON) scripts/systest.py --name guests-shared --timeout 60 --exit 35 \
		--expect '^\[h-sh\] hostile: shpage console$$' \
		$(HOSTILE_SHARED_EXPECT) \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject 'shpage FAIL' --reject 'NOT ALL RETURNED' \
		--reject '^\[h-exit\] (?!hostile:)(.{0,62}|.{64,})$$' \
		-- $(GT_RUN_IC) --append "shutdown" --initrd "$(GT)/hostile.elf name=h-sh mem=4M act=shpage,\
	$(GT)/hostile.elf name=h-exit mem=4M act=exitbusy,$(GT)/hostile.elf name=h-spin mem=4M act=spin,\
	$(GT)/hello.elf name=hello mem=4M"
	tr -d '\r' < $(BUILD)/test-logs/guests-shared.log | awk '/^guest h-exit exited/ { gone = 1 } \
		gone && /^\[h-exit\]/ { print "guests-shared: after its exit: " $$0; bad = 1 } END { exit bad }'

.PHONY: test-guests-shared
TEST_TARGETS += test-guests-shared

# On Bochs, which checks segment limits: the same shared-page and exit
# cases, and the page-table kills of test-guests-vtlb (tests/guests/
# vtlb_acts.h); the store to the hypervisor through pg6's own PDE stops
# at the segment limit first, a #GP its own exception upcall gets (it
# exits with 0x100 + 13), where QEMU's shadow gives the #PF kill. The
# spinner runs 3 s here: h-exit's 4 KiB drain at the UART's pace first.
HOSTILE_B := $(GT)/hostile.elf name=h-sh mem=4M act=shpage,$(GT)/hostile.elf name=h-exit mem=4M act=exitbusy,$(GT)/hostile.elf name=h-spin mem=4M act=spinlong,$(GT)/hello.elf name=hello mem=4M,$(GT)/paging.elf name=pg3 mem=8M ipvmm=self act=pteend,$(GT)/paging.elf name=pg4 mem=8M ipvmm=self act=pseout,$(GT)/paging.elf name=pg5 mem=8M ipvmm=self act=ptout,$(GT)/paging.elf name=pg6 mem=8M ipvmm=self act=holewr
$(GT)/hostile-b.iso: $(HV_ELF) $(GT)/hostile.elf $(GT)/hello.elf $(GT)/paging.elf scripts/mkiso.sh tests/hostile.mk
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(GT)/hostile.elf -f $(GT)/hello.elf -f $(GT)/paging.elf \
		-e "Shared page and page-table attacks|hypervisor.elf shutdown|$(subst $(comma),|,$(subst $(GT)/,,$(HOSTILE_B)))"
test-guests-hostile-bochs: $(GT)/hostile-b.iso
	$(PYTHON) scripts/systest.py --name guests-hostile-bochs --timeout 300 --exit 0 \
		$(HOSTILE_SHARED_EXPECT) \
		--expect '^\[pg3\] paging: all checks passed$$' \
		--expect '^guest pg3 killed: page tables point outside the partition \(00800000, for 40006000\)$$' \
		--expect '^guest pg4 killed: page tables point outside the partition \(00800000, for e0400000\)$$' \
		--expect '^guest pg5 killed: page tables point outside the partition \(7ff00000, for e0800000\)$$' \
		--expect '^\[pg6\] paging: storing to 0xFD100000 through its own PDE$$' \
		--expect '^guest pg6 exited with status 269$$' \
		--expect '^pools: ([0-9]+) KiB free \(\1 before the guests\), shadow pool ([0-9]+) pages used \(\2\), kmap ([0-9]+) slots \(\3\)$$' \
		--expect '^hypervisor: shutdown \(failure\)' \
		--reject PANIC --reject 'shpage FAIL' --reject 'NOT ALL RETURNED' --reject 'paging: FAIL' \
		--reject 'still alive' \
		-- scripts/run-bochs.sh --iso $< --timeout 280

.PHONY: test-guests-hostile-bochs
TEST_TARGETS += test-guests-hostile-bochs
