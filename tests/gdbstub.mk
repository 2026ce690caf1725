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
