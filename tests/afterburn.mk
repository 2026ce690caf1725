# Afterburner tests (docs/afterburn.md):
#   test-afterburn        cmocka suite: every form, bodies, prefixes, comments,
#                         #APP, directives, errors, golden file, regressions,
#                         gcc -B; each case assembled and checked with Capstone
#                         (and test_mixed: 16-bit code, new mnemonics, data in code)
#   test-afterburn-mixed16[-native|-hv|-trap]  the mixed-mode guest: verified,
#                         run natively, pre-virtualized and in trap mode
#   test-afterburn-fuzz   a short deterministic libFuzzer run (fixed seed and
#                         run count) over the seed corpus
#   fuzz-afterburn        the long fuzz run (FUZZ_SECONDS, default 180); a crash
#                         input is left in build/fuzz-afterburn/ to be copied to
#                         tests/unit/afterburn/regress/

AB_TEST_DIR  := tests/unit/afterburn
AB_TEST_BIN  := $(BUILD)/tests/afterburn/test_afterburn
AB_FUZZ_BIN  := $(BUILD)/tests/afterburn/fuzz_afterburn
AB_FUZZ_DIR  := $(BUILD)/fuzz-afterburn
FUZZ_SECONDS ?= 180

$(AB_TEST_BIN): $(AB_TEST_DIR)/test_afterburn.c $(AB_TEST_DIR)/harness.c \
		$(AB_TEST_DIR)/harness.h $(AB_CORE_OBJS) $(AB_VERIFY_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(AB_CFLAGS) -I$(AB_TEST_DIR) -DAB_TESTDIR='"$(TOP)/$(AB_TEST_DIR)"' \
		-DAB_B_DIR='"$(TOP)/$(BUILD)/afterburn-b"' -DAB_INCLUDE_DIR='"$(TOP)/include"' -o $@ \
		$(AB_TEST_DIR)/test_afterburn.c $(AB_TEST_DIR)/harness.c \
		$(AB_CORE_OBJS) $(AB_VERIFY_OBJS) -lcmocka -lcapstone

AB_MIXED_BIN := $(BUILD)/tests/afterburn/test_mixed
$(AB_MIXED_BIN): $(AB_TEST_DIR)/test_mixed.c $(AB_TEST_DIR)/harness.c \
		$(AB_TEST_DIR)/harness.h $(AB_CORE_OBJS) $(AB_VERIFY_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(AB_CFLAGS) -I$(AB_TEST_DIR) -DAB_B_DIR='"$(TOP)/$(BUILD)/afterburn-b"' -o $@ \
		$(AB_TEST_DIR)/test_mixed.c $(AB_TEST_DIR)/harness.c \
		$(AB_CORE_OBJS) $(AB_VERIFY_OBJS) -lcmocka -lcapstone

# The scanner core rebuilt with libFuzzer and sanitizers (clang from Debian).
$(AB_FUZZ_BIN): $(AB_TEST_DIR)/fuzz_afterburn.c $(AB_OBJ)/lexer.c afterburn/burn.c \
		afterburn/bodies.c afterburn/classify.c afterburn/lex.h afterburn/burn.h \
		afterburn/run.h afterburn/classify.h \
		include/afterburn_classes.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Iinclude -Iafterburn -o $@ \
		$(AB_TEST_DIR)/fuzz_afterburn.c $(AB_OBJ)/lexer.c afterburn/burn.c \
		afterburn/bodies.c afterburn/classify.c

.PHONY: test-afterburn test-afterburn-fuzz fuzz-afterburn
test-afterburn: $(AB_TEST_BIN) $(AB_MIXED_BIN) $(AFTERBURN_B_AS) $(AFTERBURN) $(AFTERBURN_VERIFY)
	$(AB_TEST_BIN)
	$(AB_MIXED_BIN)

test-afterburn-fuzz: $(AB_FUZZ_BIN)
	rm -rf $(AB_FUZZ_DIR)/smoke && mkdir -p $(AB_FUZZ_DIR)/smoke
	cp -f $(AB_TEST_DIR)/golden.s $(wildcard $(AB_TEST_DIR)/regress/*.s) $(AB_FUZZ_DIR)/smoke/
	$(AB_FUZZ_BIN) -seed=1 -runs=30000 -max_len=4096 \
		-artifact_prefix=$(AB_FUZZ_DIR)/ $(AB_FUZZ_DIR)/smoke

fuzz-afterburn: $(AB_FUZZ_BIN)
	@mkdir -p $(AB_FUZZ_DIR)/corpus
	cp -f $(AB_TEST_DIR)/golden.s $(wildcard $(AB_TEST_DIR)/regress/*.s) $(AB_FUZZ_DIR)/corpus/
	$(AB_FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=$(AB_FUZZ_DIR)/ $(AB_FUZZ_DIR)/corpus

TEST_TARGETS += test-afterburn test-afterburn-fuzz

# The mixed-mode guest (tests/guests/mixed16*.{S,c}): a .code16 trampoline,
# stac/clac behind CPUID, data after a ud2, built through afterburn-as with
# gcc -B like a third-party kernel. afterburn-verify must pass it (16-bit
# sites in .afterburn16, the signature a dead range, not "outsb"); it runs
# natively and under the hypervisor pre-virtualized and in trap mode.
MX16_ELF := $(BUILD)/tests/guests/mixed16.elf
MX16_SRC := tests/guests/mixed16_start.S tests/guests/mixed16.c
MX16_RUN_EXPECT = --expect '$(1)mixed16: start$$' \
	--expect '$(1)mixed16: smap (present, stac and clac ran|absent, stac and clac not run)$$' \
	--expect '$(1)mixed16: data in code: signature xen read$$' \
	--expect '$(1)mixed16: site16 fa, site32 $(2)$$' \
	--expect '$(1)mixed16: done$$' --reject FAIL

$(MX16_ELF): $(MX16_SRC) $(AFTERBURN_B_AS) tests/afterburn.mk
	@mkdir -p $(dir $@)
	$(TCC) $(filter-out -MMD -MP,$(TARGET_CFLAGS)) -B$(TOP)/$(AFTERBURN_B) \
		$(TARGET_LDFLAGS) -Wl,-Ttext=0x200000 -Wl,--build-id=none -Wl,-z,noseparate-code -o $@ $(MX16_SRC)

.PHONY: test-afterburn-mixed16 test-afterburn-mixed16-native test-afterburn-mixed16-hv \
	test-afterburn-mixed16-trap
test-afterburn-mixed16: $(MX16_ELF) $(AFTERBURN_VERIFY)
	$(AFTERBURN_VERIFY) $(MX16_ELF) | tee $(BUILD)/tests/guests/mixed16.verify
	grep -q ' 0 uncovered, 0 bad records, .* [1-9][0-9]* records and [1-9][0-9]* instructions 16-bit, 1 dead ranges after ud2 (3 bytes): OK$$' \
		$(BUILD)/tests/guests/mixed16.verify
	grep -q '^skipped .text+0x[0-9a-f]* (0x[0-9a-f]* <dic_signature+0x[0-9a-f]*>): 3 bytes after ud2' \
		$(BUILD)/tests/guests/mixed16.verify
	! grep -q '^uncovered' $(BUILD)/tests/guests/mixed16.verify

# Natively the 32-bit site is the original cli (fa).
test-afterburn-mixed16-native: $(MX16_ELF)
	$(PYTHON) scripts/systest.py --name afterburn-mixed16-native --timeout 30 --exit 0 \
		$(call MX16_RUN_EXPECT,^,fa) -- scripts/run-qemu.sh --kernel $(MX16_ELF) --timeout 20

# Pre-virtualized the 32-bit cli is "movb $0, vif" (c6); in trap mode
# "ud2; cli" (0f 0b). The 16-bit site is counted and left alone.
# $(1) target suffix, $(2) rewrite mode, $(3) first byte(s) of site32
define mx16_hv
test-afterburn-mixed16-$(1): $(HV_ELF) $(MX16_ELF)
	$(PYTHON) scripts/systest.py --name afterburn-mixed16-$(1) --timeout 60 --exit 0 \
		--expect "^loader: guest 0 'mixed16': .* [1-9][0-9]* afterburn sites" \
		--expect "^loader: guest 0 'mixed16': [1-9][0-9]* 16-bit afterburn sites left as they are" \
		$$(call MX16_RUN_EXPECT,^\[mixed16\] ,$(3)) \
		--expect '^guest mixed16 exited with status 0$$$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'IPVMM could not rewrite' \
		-- scripts/run-qemu.sh --kernel $(HV_ELF) --timeout 50 \
		--append "shutdown rewrite=$(2)" --initrd "$(MX16_ELF) name=mixed16"
endef
$(eval $(call mx16_hv,hv,previrt,c6))
$(eval $(call mx16_hv,trap,trap,0f 0b))

TEST_TARGETS += test-afterburn-mixed16 test-afterburn-mixed16-native test-afterburn-mixed16-hv \
	test-afterburn-mixed16-trap
