# In-place VMM pure logic: device models, device switch, decoder, virtual
# TLB walk and descriptor checks. Host cmocka tests on a fake backend, plus
# a check that every source also compiles (and links standalone) with the
# target flags.
IPVMM_T    := $(BUILD)/tests/ipvmm
IPVMM_CHK  := $(BUILD)/ipvmm-check
IPVMM_DEV_SRC := ipvmm/util.c ipvmm/devices.c ipvmm/devswitch.c \
	ipvmm/dev/vpic.c ipvmm/dev/vpit.c ipvmm/dev/vrtc.c ipvmm/dev/vuart.c \
	ipvmm/dev/vkbc.c ipvmm/dev/vpci.c
IPVMM_TARGET_SRC := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c \
	kernel/vtlb_walk.c kernel/desc_check.c
IPVMM_INC  := -Iinclude -I$(BUILD)/include -Iipvmm -Ikernel
# Sanitizers catch over-reads and undefined shifts the assertions would miss.
IPVMM_HOST_CFLAGS := $(HOST_CFLAGS) $(IPVMM_INC) -Itests/unit/ipvmm \
	-fsanitize=address,undefined -fno-sanitize-recover=all
IPVMM_HDRS := $(wildcard ipvmm/*.h ipvmm/dev/*.h kernel/vtlb_walk.h \
	kernel/desc_check.h include/afterburn_classes.h tests/unit/ipvmm/*.h)

IPVMM_DEV_TESTS := test_vpic test_vpit test_vrtc test_vuart test_vkbc_pci test_devfuzz
IPVMM_TESTS := $(IPVMM_DEV_TESTS) test_vtlb_walk test_desc_check test_decode test_portio

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
ipvmm-check: $(IPVMM_CHK)/ipvmm-all.o

test-unit-ipvmm: ipvmm-check $(addprefix $(IPVMM_T)/,$(IPVMM_TESTS))
	@set -e; for t in $(IPVMM_TESTS); do echo "== $$t"; $(IPVMM_T)/$$t; done

TEST_TARGETS += test-unit-ipvmm

-include $(wildcard $(IPVMM_T)/*.d) $(IPVMM_CHK_OBJS:.o=.d)
