# Afterburner tests (docs/afterburn.md):
#   test-afterburn        cmocka suite: every form, bodies, prefixes, comments,
#                         #APP, directives, errors, golden file, regressions,
#                         gcc -B; each case assembled and checked with Capstone
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
test-afterburn: $(AB_TEST_BIN) $(AFTERBURN_B_AS) $(AFTERBURN) $(AFTERBURN_VERIFY)
	$(AB_TEST_BIN)

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
