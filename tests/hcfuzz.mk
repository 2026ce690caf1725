# The hypercall decoder under libFuzzer (tests/unit/kernel/fuzz_hypercall.c):
# random register sets and guests against a model of the documented checks.
#   test-kernel-hc-fuzz  a short deterministic run (fixed seed and count)
#   fuzz-hypercalls      the long run (FUZZ_SECONDS, default 3600); a crash
#                        input is left in build/fuzz-hypercalls/
HC_FUZZ_BIN := $(BUILD)/tests/kernel/fuzz_hypercall
HC_FUZZ_DIR := $(BUILD)/fuzz-hypercalls
# The IPVMM text's end is a linker symbol in the hypervisor; here an
# absolute one at a fixed address inside the IPVMM window.
$(HC_FUZZ_BIN): tests/unit/kernel/fuzz_hypercall.c kernel/hypercall.c kernel/desc_check.c \
		kernel/desc_check.h kernel/hypercall_glue.h include/hypercall.h include/hypercall_table.h \
		include/guest.h include/hypercall_hv.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iinclude -I$(BUILD)/include -Ikernel -Wl,--no-relax \
		-Wl,--defsym=__ipvmm_text_end=0xfc010000 -o $@ \
		tests/unit/kernel/fuzz_hypercall.c kernel/desc_check.c

.PHONY: test-kernel-hc-fuzz fuzz-hypercalls
test-kernel-hc-fuzz: $(HC_FUZZ_BIN)
	@mkdir -p $(HC_FUZZ_DIR)
	cd $(HC_FUZZ_DIR) && $(TOP)/$(HC_FUZZ_BIN) -runs=500000 -seed=1
FUZZ_SECONDS ?= 3600
fuzz-hypercalls: $(HC_FUZZ_BIN)
	@mkdir -p $(HC_FUZZ_DIR)/corpus
	cd $(HC_FUZZ_DIR) && $(TOP)/$(HC_FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) corpus

TEST_TARGETS += test-kernel-hc-fuzz
