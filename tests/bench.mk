# Benchmarks (docs/performance.md): the afterburned test OS in its
# benchmark mode natively, pre-virtualized and trap-and-emulate, in one run.
#   make bench          all modes that work (+ KVM when usable), the
#                       afterburner's MB/s and the Linux build times;
#                       results in build/bench/ (results.csv, results.md,
#                       ratios.png, logs/)
#   test-bench-parse    the harness's parser and CSV check on synthetic
#                       transcripts (can fail without an emulator)
#   test-bench-short    TCG icount run of every mode into build/bench/short/;
#                       the CSV must hold every operation of the test OS in
#                       native and in every other mode present, and, when
#                       previrt is present, the entries-per-operation
#                       targets must hold; never asserts on time
BENCH_PY   := /usr/bin/python3 scripts/bench.py
BENCH_DIR  := $(BUILD)/bench
BENCH_ASM  := $(BENCH_DIR)/asm
BENCH_DEPS := $(TESTOS_ELF) $(HV_ELF) scripts/bench.py scripts/bench-plot.gp

# Input for the afterburner's MB/s: the test OS's sources compiled once more
# through afterburn-as with AFTERBURN_KEEP, which keeps each unit's assembly
# (*.in0.s) exactly as the assembler received it (objects discarded).
$(BENCH_ASM)/stamp: $(TESTOS_SRC) $(AFTERBURN_B_AS) tests/bench.mk
	@rm -rf $(BENCH_ASM) && mkdir -p $(BENCH_ASM)/keep $(BENCH_ASM)/obj
	@for f in $(TESTOS_SRC); do \
	  AFTERBURN_KEEP=$(TOP)/$(BENCH_ASM)/keep $(TCC) $(filter-out -MMD -MP,$(TARGET_CFLAGS)) \
	    -B$(TOP)/$(AFTERBURN_B) -I$(TESTOS_DIR) -c -o $(BENCH_ASM)/obj/$$(basename $$f).o $$f || exit 1; \
	done
	@touch $@

.PHONY: bench test-bench-parse test-bench-short
bench: $(BENCH_DEPS) $(AFTERBURN) $(BENCH_ASM)/stamp bench-linux
	$(BENCH_PY) --kvm --out $(BENCH_DIR) --asm $(BENCH_ASM)/keep

# The Linux rows: the same kernel natively, pre-virtualized and trapping
# (scripts/bench_linux.py; build/bench/linux/).
.PHONY: bench-linux
bench-linux: $(HV_ELF) $(LINUX_DIR)/afterburn.done $(LINUX_INITRAMFS)
	$(PYTHON) scripts/bench_linux.py --out $(BENCH_DIR)/linux

test-bench-parse:
	$(BENCH_PY) --selftest

# TESTOS_BENCH_OPS (tests/testos.mk) lists the test OS's operations.
test-bench-short: $(BENCH_DEPS)
	$(if $(TESTOS_BENCH_OPS),,$(error tests/bench.mk: TESTOS_BENCH_OPS is empty))
	$(BENCH_PY) --short --timeout 600 --out $(BENCH_DIR)/short --expect-ops "$(TESTOS_BENCH_OPS)"

TEST_TARGETS += test-bench-parse test-bench-short
