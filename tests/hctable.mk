# The hypercall table (include/hypercall_table.h) against everything that
# names a call: docs/hypercalls.md's tables, kernel/hypercall.c's decode
# and invoke steps, the IPVMM's calls (scripts/check-hypercalls.py), with
# negative controls that add a call, a register or an error in one place
# only and must be refused (scripts/test-check-hypercalls.sh).
.PHONY: test-hypercall-table
test-hypercall-table: $(AUTOCONF)
	scripts/test-check-hypercalls.sh $(BUILD)/tests/hctable $(TCC) \
		"$(filter-out -MMD -MP,$(TARGET_CFLAGS)) -I$(BUILD)/include -Ikernel -Iipvmm"

TEST_TARGETS += test-hypercall-table
