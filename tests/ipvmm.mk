# In-place VMM pure logic: device models, device switch, decoder, virtual
# TLB walk and descriptor checks. Host cmocka tests on a fake backend, plus
# a check that every source also compiles (and links standalone) with the
# target flags.
IPVMM_T    := $(BUILD)/tests/ipvmm
IPVMM_CHK  := $(BUILD)/ipvmm-check
IPVMM_B    := $(BUILD)/ipvmm
IPVMM_NASMFLAGS := -f elf32 -g -F dwarf -I$(IPVMM_B)/gen/
IPVMM_DEV_SRC := ipvmm/util.c ipvmm/devices.c ipvmm/devswitch.c \
	ipvmm/dev/vpic.c ipvmm/dev/vpit.c ipvmm/dev/vrtc.c ipvmm/dev/vuart.c \
	ipvmm/dev/vkbc.c ipvmm/dev/vpci.c ipvmm/dev/vexit.c
IPVMM_FE_SRC := ipvmm/rewrite.c ipvmm/vcpu.c ipvmm/deliver.c ipvmm/emulate.c ipvmm/frontend.c
IPVMM_TARGET_SRC := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC) \
	kernel/vtlb_walk.c kernel/desc_check.c
IPVMM_INC  := -Iinclude -I$(BUILD)/include -Iipvmm -Ikernel
# Sanitizers catch over-reads and undefined shifts the assertions would miss.
IPVMM_HOST_CFLAGS := $(HOST_CFLAGS) $(IPVMM_INC) -Itests/unit/ipvmm \
	-fsanitize=address,undefined -fno-sanitize-recover=all
IPVMM_HDRS := $(wildcard ipvmm/*.h ipvmm/dev/*.h include/ipvmm/*.h include/x86/*.h kernel/vtlb_walk.h \
	kernel/desc_check.h include/afterburn_classes.h tests/unit/ipvmm/*.h)

IPVMM_DEV_TESTS := test_vpic test_vpit test_vrtc test_vuart test_vkbc_pci test_devfuzz
IPVMM_TESTS := $(IPVMM_DEV_TESTS) test_vtlb_walk test_desc_check test_decode test_portio \
	test_rewrite test_deliver test_burn_exec

$(addprefix $(IPVMM_T)/,$(IPVMM_DEV_TESTS)): $(IPVMM_T)/%: tests/unit/ipvmm/%.c \
		tests/unit/ipvmm/fake_backend.c $(IPVMM_DEV_SRC) $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) -lcmocka

$(IPVMM_T)/test_portio: tests/unit/ipvmm/test_portio.c tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c -lcmocka

$(IPVMM_T)/test_vtlb_walk: tests/unit/ipvmm/test_vtlb_walk.c kernel/vtlb_walk.c $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< kernel/vtlb_walk.c -lcmocka

$(IPVMM_T)/test_desc_check: tests/unit/ipvmm/test_desc_check.c kernel/desc_check.c $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -MF $@.d -o $@ $< kernel/desc_check.c -lcmocka

# Decoder oracle inputs: the forms assembled by the real cross assembler.
$(IPVMM_T)/forms.elf: tests/unit/ipvmm/forms.S
	@mkdir -p $(dir $@)
	$(TAS) --32 -o $(IPVMM_T)/forms.o $<
	$(TLD) -m elf_i386 -Ttext=0 -e 0 -o $@ $(IPVMM_T)/forms.o

$(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl &: $(IPVMM_T)/forms.elf
	$(TOBJCOPY) -O binary -j .text $< $(IPVMM_T)/forms.text
	$(TOBJCOPY) -O binary -j .tbl $< $(IPVMM_T)/forms.tbl

$(IPVMM_T)/test_decode: tests/unit/ipvmm/test_decode.c ipvmm/decode.c $(IPVMM_HDRS) $(AUTOCONF) \
		$(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DFORMS_TEXT='"$(IPVMM_T)/forms.text"' \
		-DFORMS_TBL='"$(IPVMM_T)/forms.tbl"' -MF $@.d -o $@ $< ipvmm/decode.c -lcmocka -lcapstone

$(IPVMM_T)/test_rewrite: tests/unit/ipvmm/test_rewrite.c ipvmm/rewrite.c ipvmm/decode.c \
		ipvmm/util.c $(IPVMM_HDRS) $(AUTOCONF) $(IPVMM_T)/forms.text $(IPVMM_T)/forms.tbl
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DFORMS_TEXT='"$(IPVMM_T)/forms.text"' \
		-DFORMS_TBL='"$(IPVMM_T)/forms.tbl"' -MF $@.d -o $@ $< ipvmm/rewrite.c \
		ipvmm/decode.c ipvmm/util.c -lcmocka -lcapstone

IPVMM_FE_HOST := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC)
$(IPVMM_T)/test_deliver: tests/unit/ipvmm/test_deliver.c tests/unit/ipvmm/fake_backend.c \
		$(IPVMM_FE_HOST) $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(IPVMM_HOST_CFLAGS) -DIPVMM_HOST_TEST -MF $@.d -o $@ $< \
		tests/unit/ipvmm/fake_backend.c $(IPVMM_FE_HOST) -lcmocka

# The trampolines executed for real: a 32-bit static Linux program built
# with the cross toolchain (docs/rewriter.md, "Testing").
IPVMM_EXEC_C := tests/unit/ipvmm/test_burn_exec.c tests/unit/ipvmm/burn_exec_sites.S \
	$(IPVMM_FE_HOST) ipvmm/syms.c
$(IPVMM_T)/test_burn_exec: $(IPVMM_EXEC_C) $(IPVMM_B)/exec/burn.o $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) -std=gnu11 -O2 -g -static -Wall -Wextra -Werror -DIPVMM_KERNEL_RPL=3 $(IPVMM_INC) \
		-Wl,--no-warn-rwx-segments -o $@ $(IPVMM_EXEC_C) $(IPVMM_B)/exec/burn.o

# burn.asm with the same offsets (IPVMM_KERNEL_RPL does not change layouts).
$(IPVMM_B)/exec/burn.o: ipvmm/burn.asm $(IPVMM_B)/gen/ipvmm-offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) $(IPVMM_NASMFLAGS) -o $@ $<

# Every site of the afterburned test OS through the rewriter (figures:
# sites per class). Needs build/guests/testos.elf built with the afterburner.
$(IPVMM_T)/rewrite_census: tests/unit/ipvmm/rewrite_census.c ipvmm/rewrite.c ipvmm/decode.c \
		ipvmm/util.c $(IPVMM_HDRS)
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

# --- the IPVMM image part: trampolines + frontend, one relocatable ----------
# build/ipvmm/ipvmm.o holds every IPVMM object with its sections renamed to
# .ipvmm.text/.ipvmm.rodata/.ipvmm.data/.ipvmm.bss (ipvmm/ipvmm-r.ld; + .ipvmm.shared, the
# first page of the data window) for linker.ld to place at IPVMM_BASE;
# it must not refer to any hypervisor symbol (checked: no undefined).
IPVMM_IMG_C := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC) \
	ipvmm/backend_hv.c ipvmm/syms.c ipvmm/main.c
IPVMM_IMG_OBJS := $(patsubst %.c,$(IPVMM_B)/%.o,$(IPVMM_IMG_C)) $(IPVMM_B)/ipvmm/burn.o \
	$(IPVMM_B)/ipvmm/copy.o

$(IPVMM_B)/gen/ipvmm-offsets.s: ipvmm/ipvmm-offsets.c $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) $(IPVMM_INC) -MF $@.d -S -o $@ $<

$(IPVMM_B)/gen/ipvmm-offsets.inc: $(IPVMM_B)/gen/ipvmm-offsets.s kernel/gen-asm-offsets.py
	$(PYTHON) kernel/gen-asm-offsets.py $< $@ IPVMM_OFFSETS_INC ipvmm/ipvmm-offsets.c

$(IPVMM_B)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) $(IPVMM_INC) -c -o $@ $<

$(IPVMM_B)/ipvmm/burn.o $(IPVMM_B)/ipvmm/copy.o: $(IPVMM_B)/ipvmm/%.o: ipvmm/%.asm \
		$(IPVMM_B)/gen/ipvmm-offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) $(IPVMM_NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

$(IPVMM_B)/ipvmm.o: $(IPVMM_IMG_OBJS) ipvmm/ipvmm-r.ld
	$(TLD) -m elf_i386 -r -T ipvmm/ipvmm-r.ld -o $@ $(IPVMM_IMG_OBJS)
	@undef=$$($(TNM) -u $@); if [ -n "$$undef" ]; then \
	  echo "ipvmm.o: undefined symbols:"; echo "$$undef"; rm -f $@; exit 1; fi
	@bad=$$($(TOBJDUMP) -h $@ | awk '$$2 ~ /^\./ && $$2 !~ /^\.(ipvmm|debug|comment|note|rel)/ {print $$2}'); \
	  if [ -n "$$bad" ]; then echo "ipvmm.o: sections outside .ipvmm.*: $$bad"; rm -f $@; exit 1; fi

.PHONY: test-unit-ipvmm ipvmm-check ipvmm-image
ipvmm-image: $(IPVMM_B)/ipvmm.o
ipvmm-check: $(IPVMM_CHK)/ipvmm-all.o $(IPVMM_B)/ipvmm.o

test-unit-ipvmm: ipvmm-check $(addprefix $(IPVMM_T)/,$(IPVMM_TESTS))
	@set -e; for t in $(IPVMM_TESTS); do echo "== $$t"; $(IPVMM_T)/$$t; done

TEST_TARGETS += test-unit-ipvmm

-include $(wildcard $(IPVMM_T)/*.d) $(IPVMM_CHK_OBJS:.o=.d) $(wildcard $(IPVMM_B)/gen/*.d) \
	$(patsubst %.o,%.d,$(IPVMM_IMG_OBJS))
