# Top-level build for the pre-virtualizing microhypervisor.
#
# Each component keeps its rules in its own fragment (*/build.mk) and adds
# what it builds to ALL_TARGETS and its tests to TEST_TARGETS; this file
# only holds the toolchain, the shared flags and the user-facing targets.
# `make help` lists them.

.DEFAULT_GOAL := all
SHELL        := /bin/bash
TOP          := $(CURDIR)
BUILD        := build

# Target toolchain: Debian's i686 cross compiler, used freestanding.
CROSS        ?= i686-linux-gnu-
TCC          := $(CROSS)gcc
TAS          := $(CROSS)as
TLD          := $(CROSS)ld
TOBJCOPY     := $(CROSS)objcopy
TOBJDUMP     := $(CROSS)objdump
TNM          := $(CROSS)nm
NASM         ?= nasm
HOSTCC       ?= gcc
PYTHON       ?= python3

# Freestanding C for the hypervisor, the IPVMM and the test OS.
TARGET_CFLAGS := -std=gnu11 -m32 -march=i686 -O2 -g \
	-ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-builtin -fno-asynchronous-unwind-tables \
	-mno-sse -mno-mmx -mno-80387 -mno-red-zone \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-MMD -MP
TARGET_LDFLAGS := -nostdlib -static -no-pie -z noexecstack

# Host programs (afterburner, unit tests).
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-Wstrict-prototypes -Wmissing-prototypes -MMD -MP

ALL_TARGETS  :=
TEST_TARGETS :=
CLEAN_EXTRA  :=

include scripts/config.mk
include afterburn/build.mk
include kernel/build.mk
include guests/build.mk
include tests/build.mk

# ISO_ENTRIES are make words: write a space inside an entry as `~`.

.PHONY: all deps test run run-bochs gdb help clean distclean

all: $(ALL_TARGETS)

# Install missing Debian packages (a no-op when all are present).
deps:
	@scripts/deps.sh

# Every test, each logged under build/test-logs/; ends "N passed, M failed".
test: deps
	@$(MAKE) --no-print-directory all
	@scripts/test-all.sh $(TEST_TARGETS)

help:
	@echo "make              build the hypervisor ISO, the afterburner and the guests"
	@echo "make run          boot the default configuration on QEMU, serial on this terminal"
	@echo "make run-bochs    boot the same ISO on Bochs (its debugger: type 'c')"
	@echo "make gdb          QEMU paused with its gdbstub, GDB attached with symbols"
	@echo "make test         all unit and system tests (installs what is missing)"
	@echo "make bench        native vs pre-virtualized vs trap-and-emulate figures"
	@echo "make linux        build Debian's Linux 6.1 plainly and through the afterburner"
	@echo "make menuconfig   edit the configuration (.config); make defconfig resets it"
	@echo "make deps         install missing Debian packages"
	@echo "make clean        remove build/"

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

distclean: clean
	rm -f .config .config.old

# --- The bootable ISO --------------------------------------------------------
# Fragments append files (ISO_FILES) and GRUB menu entries (ISO_ENTRIES, in
# scripts/mkiso.sh's "TITLE|KERNEL ARGS|MODULE ARGS..." form); entry 0 boots
# by default. Tests build variant ISOs with scripts/mkiso.sh -d N.
# The default configuration, entry 0: the hypervisor hosting the test OS as
# a guest (its module command line names it); the fragments' entries follow.
ISO := $(BUILD)/hypervisor.iso
ISO_DEFAULT_ENTRY := Hypervisor~with~the~test~OS~as~a~guest|hypervisor.elf|testos.elf~name=testos
ALL_TARGETS += $(ISO)
$(ISO): $(ISO_FILES) scripts/mkiso.sh Makefile
	scripts/mkiso.sh -o $@ $(addprefix -f ,$(ISO_FILES)) \
		$(foreach e,$(ISO_DEFAULT_ENTRY) $(ISO_ENTRIES),-e "$(subst ~, ,$(e))")

run: deps
	@$(MAKE) --no-print-directory all
	scripts/run-qemu.sh --iso $(ISO) --interactive

run-bochs: deps
	@$(MAKE) --no-print-directory all
	scripts/run-bochs.sh --iso $(ISO) --interactive
