# Test OS system tests: boot it natively from a GRUB ISO whose default entry
# is the test OS, on QEMU (TCG) and on Bochs; compare the two transcripts;
# check the coverage of its .afterburn records; run the benchmark mode once
# and check its lines' shape (never their values).
TESTOS_ISO     := $(BUILD)/iso/testos-native.iso
TESTOS_LOGS    := $(BUILD)/test-logs
TESTOS_MIN_OK  := 60
TESTOS_EXPECT  := --expect 'testos: start' --expect '^[0-9]+ passed, 0 failed' \
	--reject '^not ok' --reject 'panic'

$(TESTOS_ISO): $(TESTOS_ELF) scripts/mkiso.sh tests/testos.mk
	scripts/mkiso.sh -o $@ -d 0 -f $(TESTOS_ELF) \
		-e "test OS (native)|testos.elf" -e "test OS benchmark (native)|testos.elf bench"

.PHONY: test-testos-qemu test-testos-bochs test-testos-stable test-testos-verify test-testos-bench
test-testos-qemu: $(TESTOS_ISO)
	$(PYTHON) scripts/systest.py --name testos-qemu --timeout 240 $(TESTOS_EXPECT) --exit 0 -- \
		scripts/run-qemu.sh --iso $(TESTOS_ISO) --timeout 200
	guests/testos/transcript.sh count $(TESTOS_LOGS)/testos-qemu.log $(TESTOS_MIN_OK)

test-testos-bochs: $(TESTOS_ISO)
	$(PYTHON) scripts/systest.py --name testos-bochs --timeout 400 $(TESTOS_EXPECT) -- \
		scripts/run-bochs.sh --iso $(TESTOS_ISO) --timeout 360
	guests/testos/transcript.sh count $(TESTOS_LOGS)/testos-bochs.log $(TESTOS_MIN_OK)

# Both transcripts from the first test-OS line on must be byte-identical.
test-testos-stable: test-testos-qemu test-testos-bochs
	guests/testos/transcript.sh compare $(TESTOS_LOGS)/testos-qemu.log $(TESTOS_LOGS)/testos-bochs.log

# Zero sensitive instructions outside .afterburn records (needs the
# afterburned build: TESTOS_AFTERBURN=1 and the afterburner's verifier).
test-testos-verify: $(TESTOS_ELF)
	@if [ "$(TESTOS_AFTERBURN)" != 1 ]; then \
	  echo "test-testos-verify: TESTOS_AFTERBURN=0, the ELF has no .afterburn records" >&2; exit 1; fi
	$(AFTERBURN_VERIFY) $(TESTOS_ELF)

TESTOS_BENCH_OPS := cli_sti pushf_popf pic_eoi cr3_reload invlpg page_fault pic_imr_read pit_latch_read \
	rtc_read uart_lsr_read pci_cfg_read kbc_status_read timer_irq syscall as_switch dz_storm
test-testos-bench: $(TESTOS_ELF)
	$(PYTHON) scripts/systest.py --name testos-bench --timeout 300 --exit 0 --ordered \
		--expect '^testos: start \(bench\)' \
		$(foreach op,$(TESTOS_BENCH_OPS),--expect '^bench: op=$(op) iters=[1-9][0-9]* cycles=[0-9]+ cycles_per_op=[0-9]+$$') \
		--expect '^bench: done ops=$(words $(TESTOS_BENCH_OPS)) status=ok$$' \
		--reject '^not ok' --reject 'panic' -- \
		scripts/run-qemu.sh --kernel $(TESTOS_ELF) --append bench --timeout 280

TEST_TARGETS += test-testos-qemu test-testos-bochs test-testos-stable test-testos-bench
ifeq ($(TESTOS_AFTERBURN),1)
TEST_TARGETS += test-testos-verify
endif
