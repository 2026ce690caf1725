# The in-place VMM's tests (its image is built by ipvmm/build.mk): host
# cmocka tests of the device models, device switch, decoder, rewriter and
# delivery on a fake backend, the trampolines executed for real, the
# rewrite census, and a check that every source also compiles (and links
# standalone) with the target flags.
IPVMM_T    := $(BUILD)/tests/ipvmm
IPVMM_CHK  := $(BUILD)/ipvmm-check
IPVMM_TARGET_SRC := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC)
IPVMM_T_HDRS := $(IPVMM_HDRS) $(wildcard tests/unit/ipvmm/*.h)
# Sanitizers catch over-reads and undefined shifts the assertions would miss.
IPVMM_HOST_CFLAGS := $(HOST_CFLAGS) $(IPVMM_INC) -Itests/unit/ipvmm \
	-fsanitize=address,undefined -fno-sanitize-recover=all

IPVMM_DEV_TESTS := test_vpic test_vpit test_vrtc test_vuart test_vkbc_pci test_devfuzz
IPVMM_TESTS := $(IPVMM_DEV_TESTS) test_decode test_portio \
	test_rewrite test_deliver test_burn_exec

$(addprefix $(IPVMM_T)/,$(IPVMM_DEV_TESTS)): $(IPVMM_T)/%: tests/unit/ipvmm/%.c \
		tests/unit/ipvmm/fake_backend.c $(IPVMM_DEV_SRC) $(IPVMM_T_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) -lcmocka

$(IPVMM_T)/test_portio: tests/unit/ipvmm/test_portio.c tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_T_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c -lcmocka

# Decoder oracle inputs: the forms assembled by the real cross assembler.
$(IPVMM_T)/forms.elf: tests/unit/ipvmm/forms.S
	@mkdir -p $(dir $@)
	$(TAS) --32 -o $(IPVMM_T)/forms.o $<
	$(TLD) -m elf_i386 -Ttext=0 -e 0 -o $@ $(IPVMM_T)/forms.o

$(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl &: $(IPVMM_T)/forms.elf
	$(TOBJCOPY) -O binary -j .text $< $(IPVMM_T)/forms.text
	$(TOBJCOPY) -O binary -j .tbl $< $(IPVMM_T)/forms.tbl

$(IPVMM_T)/test_decode: tests/unit/ipvmm/test_decode.c ipvmm/decode.c $(IPVMM_T_HDRS) $(AUTOCONF) \
		$(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DFORMS_TEXT='"$(IPVMM_T)/forms.text"' \
		-DFORMS_TBL='"$(IPVMM_T)/forms.tbl"' -MF $@.d -o $@ $< ipvmm/decode.c -lcmocka -lcapstone

$(IPVMM_T)/test_rewrite: tests/unit/ipvmm/test_rewrite.c ipvmm/rewrite.c ipvmm/decode.c \
		ipvmm/util.c $(IPVMM_T_HDRS) $(AUTOCONF) $(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DFORMS_TEXT='"$(IPVMM_T)/forms.text"' \
		-DFORMS_TBL='"$(IPVMM_T)/forms.tbl"' -MF $@.d -o $@ $< ipvmm/rewrite.c \
		ipvmm/decode.c ipvmm/util.c -lcmocka -lcapstone

IPVMM_FE_HOST := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC)
$(IPVMM_T)/test_deliver: tests/unit/ipvmm/test_deliver.c tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_FE_HOST) $(IPVMM_T_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DIPVMM_HOST_TEST -MF $@.d -o $@ $< \
		tests/unit/ipvmm/fake_backend.c $(IPVMM_FE_HOST) -lcmocka

# The trampolines executed for real: a 32-bit static Linux program built
# with the cross toolchain (docs/rewriter.md, "Testing").
IPVMM_EXEC_C := tests/unit/ipvmm/test_burn_exec.c tests/unit/ipvmm/burn_exec_sites.S \
	$(IPVMM_FE_HOST) ipvmm/syms.c
$(IPVMM_T)/test_burn_exec: $(IPVMM_EXEC_C) $(IPVMM_B)/exec/burn.o $(IPVMM_B)/exec/fastdev.o \
		$(IPVMM_B)/exec/direct_pf.o \
		$(IPVMM_T_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) -std=gnu11 -O2 -g -static -Wall -Wextra -Werror -DIPVMM_KERNEL_RPL=3 $(IPVMM_INC) \
		-Wl,--no-warn-rwx-segments -o $@ $(IPVMM_EXEC_C) $(IPVMM_B)/exec/burn.o \
		$(IPVMM_B)/exec/fastdev.o $(IPVMM_B)/exec/direct_pf.o

# burn.asm and fastdev.asm with the same offsets (IPVMM_KERNEL_RPL does not
# change layouts).
$(IPVMM_B)/exec/burn.o $(IPVMM_B)/exec/fastdev.o $(IPVMM_B)/exec/direct_pf.o: $(IPVMM_B)/exec/%.o: ipvmm/%.asm \
		$(IPVMM_B)/gen/ipvmm-offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) $(IPVMM_NASMFLAGS) -o $@ $<

# Every site of the afterburned test OS through the rewriter (figures:
# sites per class). Needs build/guests/testos.elf built with the afterburner.
$(IPVMM_T)/rewrite_census: tests/unit/ipvmm/rewrite_census.c ipvmm/rewrite.c ipvmm/decode.c \
		ipvmm/util.c $(IPVMM_T_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< ipvmm/rewrite.c ipvmm/decode.c ipvmm/util.c

.PHONY: test-ipvmm-sites
test-ipvmm-sites: $(IPVMM_T)/rewrite_census $(BUILD)/guests/testos.elf
	$(IPVMM_T)/rewrite_census $(BUILD)/guests/testos.elf
TEST_TARGETS += test-ipvmm-sites

# Freestanding build of every source; the partial link must leave no
# undefined symbol (no memset, no __udivdi3 from libgcc).
IPVMM_CHK_OBJS := $(patsubst %.c,$(IPVMM_CHK)/%.o,$(IPVMM_TARGET_SRC))
$(IPVMM_CHK)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) $(IPVMM_INC) -c -o $@ $<

$(IPVMM_CHK)/ipvmm-all.o: $(IPVMM_CHK_OBJS)
	$(TLD) -m elf_i386 -r -o $@ $^
	@undef=$$($(TNM) -u $@); if [ -n "$$undef" ]; then \
	  echo "ipvmm: undefined symbols in freestanding build:"; echo "$$undef"; rm -f $@; exit 1; fi

.PHONY: test-unit-ipvmm ipvmm-check
ipvmm-check: $(IPVMM_CHK)/ipvmm-all.o $(IPVMM_B)/ipvmm.o

test-unit-ipvmm: ipvmm-check $(addprefix $(IPVMM_T)/,$(IPVMM_TESTS))
	@set -e; for t in $(IPVMM_TESTS); do echo "== $$t"; $(IPVMM_T)/$$t; done

TEST_TARGETS += test-unit-ipvmm

-include $(wildcard $(IPVMM_T)/*.d) $(IPVMM_CHK_OBJS:.o=.d)
