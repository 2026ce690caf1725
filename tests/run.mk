# The README's first command and the hypervisor's verdict.
#   test-run-smoke          `make run RUN_MODE=smoke`: the ISO's default entry,
#                           the same command line `make run` types, headless,
#                           to the default guest's lines and a clean power-off
#   test-guests-all-refused modules given, every one refused: the run is a
#                           failure (status 35 through isa-debug-exit), not success
.PHONY: test-run-smoke test-guests-all-refused
test-run-smoke: $(ISO)
	$(MAKE) --no-print-directory run RUN_MODE=smoke

test-guests-all-refused: $(HV_ELF) $(BUILD)/tests/guests/truncated.elf $(BUILD)/tests/guests/hello.elf
	$(PYTHON) scripts/systest.py --name guests-all-refused --timeout 60 --ordered --exit 35 \
		--expect '^loader: refusing module 0 \(trunc\): truncated' \
		--expect '^loader: refusing module 1 \(badmem\): mem= is not a size' \
		--expect '^loader: 0 of 2 modules loaded' \
		--expect '^hypervisor: no guest started \(every module refused\)$$' \
		--expect '^hypervisor: shutdown \(failure\)$$' \
		--reject PANIC --reject '^hypervisor: shutdown \(success\)' \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 50 --append shutdown \
		--initrd "$(BUILD)/tests/guests/truncated.elf name=trunc mem=4M,$(BUILD)/tests/guests/hello.elf name=badmem mem=lots"

TEST_TARGETS += test-run-smoke test-guests-all-refused
