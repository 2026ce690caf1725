# Hypervisor image rules (boot/, kernel/, drivers/, and ipvmm/'s one
# relocatable build/ipvmm/ipvmm.o from ipvmm/build.mk).
#
#   build/hypervisor.elf      the Multiboot image (two link passes: the second
#                             carries a symbol table generated from the first)
#   build/hypervisor.lst      objdump -d listing, for reading panics
#   build/include/generated/  asm-offsets.inc, vectors.h
#
# Sources are listed, not globbed: files other work adds to kernel/ join the
# image when they are added here.

HV_OUT   := $(BUILD)/kernel
HV_GEN   := $(BUILD)/include/generated
HV_ELF   := $(BUILD)/hypervisor.elf

HV_BOOT_ASM   := boot/multiboot.asm boot/high.asm boot/stack.asm
HV_KERNEL_ASM := kernel/entry.asm
HV_KERNEL_C   := kernel/main.c kernel/gdt.c kernel/idt.c kernel/trap.c \
	kernel/panic.c kernel/log.c kernel/fmt.c kernel/mbparse.c kernel/cmdline.c \
	kernel/frame.c kernel/frame_boot.c kernel/mm.c kernel/thread.c \
	kernel/sched.c kernel/timer.c kernel/timer_hooks.c kernel/symbols.c kernel/selftest.c \
	kernel/guest_elf.c kernel/guest_args.c kernel/linux_boot.c kernel/linux_load.c kernel/loader.c kernel/guest_table.c kernel/shadow.c \
	kernel/guest_mem.c kernel/vm.c kernel/hypercall.c kernel/console_mux.c kernel/console_cmd.c kernel/bench_report.c \
	kernel/retpath.c kernel/guest_code.c kernel/vtlb.c kernel/vtlb_walk.c kernel/desc_check.c kernel/events.c \
	kernel/ipvmm_load.c kernel/ipvmm_fixup.c kernel/clock.c kernel/fpu.c \
	kernel/gdbstub.c kernel/gdbstub_pkt.c kernel/gdbstub_guest.c
HV_DRIVERS_C  := drivers/uart.c drivers/pic.c drivers/pit.c drivers/vga.c \
	drivers/machine.c drivers/rtc.c

HV_CFLAGS := $(TARGET_CFLAGS) -Iinclude -I$(BUILD)/include -Ikernel
HV_NASMFLAGS := -f elf32 -g -F dwarf -I$(HV_GEN)/
HV_LIBGCC := $(shell $(TCC) -print-libgcc-file-name 2>/dev/null)

HV_OBJS := $(patsubst %.asm,$(HV_OUT)/%.o,$(HV_BOOT_ASM) $(HV_KERNEL_ASM)) \
	$(patsubst %.c,$(HV_OUT)/%.o,$(HV_KERNEL_C) $(HV_DRIVERS_C)) \
	$(HV_OUT)/gen/vectors.o $(HV_OUT)/gen/vector_names.o \
	$(BUILD)/ipvmm/ipvmm.o

HV_GENERATED := $(AUTOCONF) $(HV_GEN)/asm-offsets.inc $(HV_GEN)/vectors.h

ALL_TARGETS += $(HV_ELF) $(BUILD)/hypervisor.lst
ISO_FILES   += $(HV_ELF)
# After the top-level default entry: the hypervisor alone, and its boot
# self-test that shuts the machine down. ("~" stands for a space: make splits ISO_ENTRIES on
# spaces, see the top-level ISO rule.)
ISO_ENTRIES += Hypervisor~(no~guests)|hypervisor.elf
ISO_ENTRIES += Hypervisor~boot~self-test,~then~shutdown|hypervisor.elf~shutdown

# --- generated sources ---------------------------------------------------
$(HV_GEN)/vectors.h $(HV_OUT)/gen/vectors.asm $(HV_OUT)/gen/vector_names.c &: \
		kernel/vectors.tbl kernel/gen-vectors.py
	@mkdir -p $(HV_GEN) $(HV_OUT)/gen
	$(PYTHON) kernel/gen-vectors.py $< $(HV_OUT)/gen/vectors.asm $(HV_GEN)/vectors.h \
		$(HV_OUT)/gen/vector_names.c

$(HV_OUT)/asm-offsets.s: kernel/asm-offsets.c $(AUTOCONF) $(HV_GEN)/vectors.h
	@mkdir -p $(dir $@)
	$(TCC) $(HV_CFLAGS) -S -o $@ $<

$(HV_GEN)/asm-offsets.inc: $(HV_OUT)/asm-offsets.s kernel/gen-asm-offsets.py
	@mkdir -p $(dir $@)
	$(PYTHON) kernel/gen-asm-offsets.py $< $@

# --- objects ---------------------------------------------------------------
$(HV_OUT)/%.o: %.c $(AUTOCONF) $(HV_GEN)/vectors.h
	@mkdir -p $(dir $@)
	$(TCC) $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/gen/%.o: $(HV_OUT)/gen/%.c $(AUTOCONF) $(HV_GEN)/vectors.h
	$(TCC) $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/%.o: %.asm $(HV_GEN)/asm-offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) $(HV_NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

$(HV_OUT)/gen/vectors.o: $(HV_OUT)/gen/vectors.asm $(HV_GEN)/asm-offsets.inc
	$(NASM) $(HV_NASMFLAGS) -o $@ $<

$(HV_OUT)/linker.lds: linker.ld include/layout.h
	@mkdir -p $(dir $@)
	$(TCC) -E -P -x c -undef -D__ASSEMBLER__ -Iinclude -o $@ $<

# --- two-pass link -----------------------------------------------------------
HV_LINK = $(TLD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
	-T $(HV_OUT)/linker.lds

$(HV_OUT)/symbols.empty.c: kernel/gen-symbols.py
	@mkdir -p $(dir $@)
	$(PYTHON) kernel/gen-symbols.py /dev/null $@

$(HV_OUT)/pass1.elf: $(HV_OBJS) $(HV_OUT)/symbols.empty.o $(HV_OUT)/linker.lds
	$(HV_LINK) -o $@ $(HV_OBJS) $(HV_OUT)/symbols.empty.o $(HV_LIBGCC)

$(HV_OUT)/symbols.gen.c: $(HV_OUT)/pass1.elf kernel/gen-symbols.py
	$(TNM) -n $< > $(HV_OUT)/pass1.nm
	$(PYTHON) kernel/gen-symbols.py $(HV_OUT)/pass1.nm $@

$(HV_OUT)/symbols.%.o: $(HV_OUT)/symbols.%.c kernel/symbols.h
	$(TCC) $(HV_CFLAGS) -c -o $@ $<

# The table sits after .text, so no code moves between the passes; check it.
$(HV_ELF): $(HV_OUT)/pass1.elf $(HV_OUT)/symbols.gen.o
	$(HV_LINK) -o $@ $(HV_OBJS) $(HV_OUT)/symbols.gen.o $(HV_LIBGCC)
	@$(TNM) -n $(HV_OUT)/pass1.elf | grep -i ' t ' > $(HV_OUT)/pass1.text
	@$(TNM) -n $@ | grep -i ' t ' > $(HV_OUT)/pass2.text
	@cmp -s $(HV_OUT)/pass1.text $(HV_OUT)/pass2.text || \
		{ echo "hypervisor: code moved between link passes" >&2; rm -f $@; exit 1; }
	@echo "hypervisor: $@ $$(stat -c %s $@) bytes; loaded $$($(TCC:gcc=size) $@ | awk 'NR==2{print $$4}') bytes (text+data+bss)"

$(BUILD)/hypervisor.lst: $(HV_ELF)
	$(TOBJDUMP) -d -M intel -S $< > $@

-include $(HV_OBJS:.o=.d)

# --- make gdb ------------------------------------------------------------------
# QEMU paused with its gdbstub on a free port, GDB attached with the
# hypervisor's symbols (scripts/gdb-run.sh writes build/gdbinit).
# GDB_APPEND / GDB_INITRD choose what boots through QEMU's -kernel (fast);
# GDB_ISO=build/hypervisor.iso boots the ISO through GRUB instead.
# GDB_GUESTS lists guest ELFs whose symbols GDB loads at their link address
# (docs/debugging.md, "Guests").
GDB_APPEND ?=
GDB_INITRD ?=
GDB_ISO    ?=
GDB_GUESTS ?=
gdb: deps
	@$(MAKE) --no-print-directory build $(GDB_ISO)
	scripts/gdb-run.sh --elf $(HV_ELF) --append "$(GDB_APPEND)" --initrd "$(GDB_INITRD)" \
		$(if $(GDB_ISO),--iso $(GDB_ISO)) $(foreach g,$(GDB_GUESTS),--guest $(g))

# --- make debug-guest, make run-bochs-debug ---------------------------------------
# GDB on the hypervisor's own per-guest stub (COM2, gdb=NAME gdbwait):
# NAME is the guest, DEBUG_SYMBOLS its ELF, DEBUG_INITRD the modules (one
# of them named NAME), DEBUG_APPEND the hypervisor's other words
# (docs/debugging.md, "The per-guest stub").
NAME          ?= testos
DEBUG_SYMBOLS ?= $(BUILD)/guests/testos.elf
DEBUG_INITRD  ?= $(BUILD)/guests/testos.elf name=$(NAME)
DEBUG_APPEND  ?= shutdown
.PHONY: debug-guest run-bochs-debug
debug-guest: deps
	@$(MAKE) --no-print-directory build
	scripts/gdb-guest.sh --name $(NAME) --symbols $(DEBUG_SYMBOLS) --kernel $(HV_ELF) \
		--append "$(DEBUG_APPEND)" --initrd "$(DEBUG_INITRD)"

# Bochs's own debugger with the hypervisor's symbols (ldsym reads "ADDR NAME").
$(BUILD)/hypervisor.sym: $(HV_ELF)
	$(TNM) -n $< | awk '$$2 ~ /^[tTwW]$$/ {print $$1, $$3}' > $@
run-bochs-debug: deps
	@$(MAKE) --no-print-directory build $(BUILD)/hypervisor.sym
	@echo "run-bochs-debug: Bochs's debugger, symbols loaded; 'c' runs, Ctrl-c stops, 'q' leaves"
	scripts/run-bochs.sh --iso $(BUILD)/hypervisor.iso --interactive --symbols $(BUILD)/hypervisor.sym
