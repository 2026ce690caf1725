# The self-checking test OS (guests/testos): a Multiboot kernel in C and
# GNU as, built through the afterburner when TESTOS_AFTERBURN=1 (the
# afterburner's `as` is found through gcc -B), else with the plain assembler.
TESTOS_AFTERBURN ?= 1

TESTOS_DIR  := guests/testos
TESTOS_OUT  := $(BUILD)/guests/testos
TESTOS_ELF  := $(BUILD)/guests/testos.elf
TESTOS_SRC  := $(wildcard $(TESTOS_DIR)/*.c) $(wildcard $(TESTOS_DIR)/*.S)
TESTOS_OBJ  := $(patsubst $(TESTOS_DIR)/%,$(TESTOS_OUT)/%.o,$(TESTOS_SRC))

ifeq ($(TESTOS_AFTERBURN),1)
TESTOS_B    := -B$(TOP)/$(AFTERBURN_B)
TESTOS_TOOL := $(or $(AFTERBURN_B_AS),$(AFTERBURN_B)as)
else
TESTOS_B    :=
TESTOS_TOOL :=
endif
TESTOS_CFLAGS := $(TARGET_CFLAGS) $(TESTOS_B) -I$(TESTOS_DIR)

# Objects depend on the assembler in use and on this file, so switching
# TESTOS_AFTERBURN rebuilds everything (the flag is recorded in a stamp).
TESTOS_STAMP := $(TESTOS_OUT)/afterburn-$(TESTOS_AFTERBURN).stamp
$(TESTOS_STAMP):
	@mkdir -p $(dir $@)
	@rm -f $(TESTOS_OUT)/afterburn-*.stamp
	@touch $@

$(TESTOS_OUT)/%.c.o: $(TESTOS_DIR)/%.c $(TESTOS_STAMP) $(TESTOS_TOOL) $(TESTOS_DIR)/build.mk
	@mkdir -p $(dir $@)
	$(TCC) $(TESTOS_CFLAGS) -c -o $@ $<

$(TESTOS_OUT)/%.S.o: $(TESTOS_DIR)/%.S $(TESTOS_STAMP) $(TESTOS_TOOL) $(TESTOS_DIR)/build.mk
	@mkdir -p $(dir $@)
	$(TCC) $(TESTOS_CFLAGS) -c -o $@ $<

$(TESTOS_ELF): $(TESTOS_OBJ) $(TESTOS_DIR)/linker.ld
	$(TCC) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T $(TESTOS_DIR)/linker.ld \
		-o $@ $(TESTOS_OBJ)

-include $(TESTOS_OBJ:.o=.d)

ALL_TARGETS += $(TESTOS_ELF)
ISO_FILES   += $(TESTOS_ELF)
# "~" stands for a space (make splits ISO_ENTRIES on spaces; the ISO rule
# turns "~" back into spaces, as for the hypervisor's entries).
ISO_ENTRIES += test~OS~(native)|testos.elf
ISO_ENTRIES += test~OS~benchmark~(native)|testos.elf~bench
