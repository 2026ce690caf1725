# The hostile OS (docs/hostile.md): attacks run in sequence as TAP cases on
# the test OS's core (entry, IDT and trap handling, console, TAP, descriptor
# and paging helpers: the same sources of guests/testos/, compiled again
# here), in two builds of the same sources:
#   hostile-os.elf      through the afterburner (its sensitive instructions
#                       padded and recorded: the real IPVMM rewrites them)
#   hostile-os-raw.elf  the plain assembler, no .afterburn records: every
#                       sensitive instruction reaches the IPVMM's #GP fallback
HOSTILE_DIR  := guests/hostile
HOSTILE_CORE := entry.S vectors.S probes.S user.S desc.c trap.c console.c tap.c util.c vm.c pic.c proc.c
HOSTILE_SRC  := $(notdir $(wildcard $(HOSTILE_DIR)/*.c) $(wildcard $(HOSTILE_DIR)/*.S))
HOSTILE_ELF  := $(BUILD)/guests/hostile-os.elf
HOSTILE_RAW_ELF := $(BUILD)/guests/hostile-os-raw.elf
HOSTILE_CFLAGS := $(TARGET_CFLAGS) -I$(HOSTILE_DIR) -Iguests/testos -Iinclude

# $(1) variant (ab, raw), $(2) gcc -B flag, $(3) the assembler it needs, $(4) the ELF
define hostile_variant
HOSTILE_OBJ_$(1) := $$(addprefix $(BUILD)/guests/hostile/$(1)/core/,$$(addsuffix .o,$(HOSTILE_CORE))) \
	$$(addprefix $(BUILD)/guests/hostile/$(1)/own/,$$(addsuffix .o,$(HOSTILE_SRC)))
$(BUILD)/guests/hostile/$(1)/core/%.o: guests/testos/% $(3) $(HOSTILE_DIR)/build.mk
	@mkdir -p $$(dir $$@)
	$$(TCC) $$(HOSTILE_CFLAGS) $(2) -c -o $$@ $$<
$(BUILD)/guests/hostile/$(1)/own/%.o: $(HOSTILE_DIR)/% $(3) $(HOSTILE_DIR)/build.mk
	@mkdir -p $$(dir $$@)
	$$(TCC) $$(HOSTILE_CFLAGS) $(2) -c -o $$@ $$<
$(4): $$(HOSTILE_OBJ_$(1)) guests/testos/linker.ld
	$$(TCC) $$(TARGET_CFLAGS) $$(TARGET_LDFLAGS) -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T guests/testos/linker.ld -o $$@ $$(HOSTILE_OBJ_$(1))
-include $$(HOSTILE_OBJ_$(1):.o=.d)
endef
$(eval $(call hostile_variant,ab,-B$(TOP)/$(AFTERBURN_B) -DHOSTILE_AFTERBURN=1,$(or $(AFTERBURN_B_AS),$(AFTERBURN_B)as),$(HOSTILE_ELF)))
$(eval $(call hostile_variant,raw,-DHOSTILE_AFTERBURN=0,,$(HOSTILE_RAW_ELF)))

ALL_TARGETS += $(HOSTILE_ELF) $(HOSTILE_RAW_ELF)
