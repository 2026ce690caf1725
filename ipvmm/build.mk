# The in-place VMM's image part (docs/ipvmm.md, "The image"): every IPVMM
# object folded into one relocatable, build/ipvmm/ipvmm.o, that
# kernel/build.mk links into hypervisor.elf at IPVMM_BASE. Its tests are in
# tests/ipvmm.mk.
#
#   build/ipvmm/ipvmm.o             the sections .ipvmm.text/.ipvmm.rodata/
#                                   .ipvmm.shared/.ipvmm.data/.ipvmm.bss only
#                                   (ipvmm/ipvmm-r.ld); no undefined symbol
#   build/ipvmm/gen/ipvmm-offsets.inc  the layouts burn.asm shares with C
#
# Sources are listed, not globbed, as in kernel/build.mk.

IPVMM_B    := $(BUILD)/ipvmm
IPVMM_NASMFLAGS := -f elf32 -g -F dwarf -I$(IPVMM_B)/gen/
IPVMM_DEV_SRC := ipvmm/util.c ipvmm/devices.c ipvmm/devswitch.c \
	ipvmm/dev/vpic.c ipvmm/dev/vpit.c ipvmm/dev/vrtc.c ipvmm/dev/vuart.c \
	ipvmm/dev/vkbc.c ipvmm/dev/vpci.c ipvmm/dev/vexit.c
IPVMM_FE_SRC := ipvmm/rewrite.c ipvmm/vcpu.c ipvmm/deliver.c ipvmm/emulate.c ipvmm/frontend.c \
	ipvmm/fastsite.c ipvmm/fastio.c ipvmm/direct_gate.c
IPVMM_INC  := -Iinclude -I$(BUILD)/include -Iipvmm -Ikernel
IPVMM_HDRS := $(wildcard ipvmm/*.h ipvmm/dev/*.h include/ipvmm/*.h include/x86/*.h include/afterburn_classes.h)

# The image: the device models, the decoder, the frontend, the real backend
# (hypercalls) and the start code, with the trampolines of burn.asm. It must
# not refer to any hypervisor symbol: the IPVMM only uses hypercalls.
IPVMM_IMG_C := $(IPVMM_DEV_SRC) ipvmm/decode.c ipvmm/portio.c $(IPVMM_FE_SRC) \
	ipvmm/backend_hv.c ipvmm/syms.c ipvmm/main.c
IPVMM_IMG_OBJS := $(patsubst %.c,$(IPVMM_B)/%.o,$(IPVMM_IMG_C)) $(IPVMM_B)/ipvmm/burn.o \
	$(IPVMM_B)/ipvmm/copy.o $(IPVMM_B)/ipvmm/direct.o $(IPVMM_B)/ipvmm/direct_pf.o \
	$(IPVMM_B)/ipvmm/fastdev.o

$(IPVMM_B)/gen/ipvmm-offsets.s: ipvmm/ipvmm-offsets.c $(IPVMM_HDRS) $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) $(IPVMM_INC) -MF $@.d -S -o $@ $<

$(IPVMM_B)/gen/ipvmm-offsets.inc: $(IPVMM_B)/gen/ipvmm-offsets.s kernel/gen-asm-offsets.py
	$(PYTHON) kernel/gen-asm-offsets.py $< $@ IPVMM_OFFSETS_INC ipvmm/ipvmm-offsets.c

$(IPVMM_B)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) $(IPVMM_INC) -c -o $@ $<

$(IPVMM_B)/ipvmm/burn.o $(IPVMM_B)/ipvmm/copy.o $(IPVMM_B)/ipvmm/direct.o $(IPVMM_B)/ipvmm/direct_pf.o \
		$(IPVMM_B)/ipvmm/fastdev.o: $(IPVMM_B)/ipvmm/%.o: ipvmm/%.asm \
		$(IPVMM_B)/gen/ipvmm-offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) $(IPVMM_NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

$(IPVMM_B)/ipvmm.o: $(IPVMM_IMG_OBJS) ipvmm/ipvmm-r.ld
	$(TLD) -m elf_i386 -r -T ipvmm/ipvmm-r.ld -o $@ $(IPVMM_IMG_OBJS)
	@undef=$$($(TNM) -u $@); if [ -n "$$undef" ]; then \
	  echo "ipvmm.o: undefined symbols:"; echo "$$undef"; rm -f $@; exit 1; fi
	@bad=$$($(TOBJDUMP) -h $@ | awk '$$2 ~ /^\./ && $$2 !~ /^\.(ipvmm|debug|comment|note|rel)/ {print $$2}'); \
	  if [ -n "$$bad" ]; then echo "ipvmm.o: sections outside .ipvmm.*: $$bad"; rm -f $@; exit 1; fi

.PHONY: ipvmm-image
ipvmm-image: $(IPVMM_B)/ipvmm.o

-include $(wildcard $(IPVMM_B)/gen/*.d) $(patsubst %.o,%.d,$(IPVMM_IMG_OBJS))
