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

comma        := ,
ALL_TARGETS  :=
TEST_TARGETS :=
CLEAN_EXTRA  :=

include scripts/config.mk
include afterburn/build.mk
include ipvmm/build.mk
include kernel/build.mk
include guests/build.mk
include tests/build.mk

# Everything below uses the variables the fragments fill (ALL_TARGETS,
# ISO_FILES, ISO_ENTRIES, TEST_TARGETS), so it stands after every include:
# make expands a rule's prerequisites where the rule stands, and a rule
# written above an include would silently miss that fragment's additions.

# --- The bootable ISO --------------------------------------------------------
# Fragments append files (ISO_FILES) and GRUB menu entries (ISO_ENTRIES, in
# scripts/mkiso.sh's "TITLE|KERNEL ARGS|MODULE ARGS..." form); entry 0 boots
# by default. Tests build variant ISOs with scripts/mkiso.sh -d N.
# ISO_ENTRIES are make words: write a space inside an entry as `~`.
# The default configuration, entry 0: the hypervisor hosting the test OS as
# a guest (its module command line names it); the hypervisor powers the
# machine off (`shutdown`) when every guest has stopped, with success only
# if each exited 0. The fragments' entries follow.
ISO := $(BUILD)/hypervisor.iso
ISO_DEFAULT_ENTRY := Hypervisor~with~the~test~OS~as~a~guest|hypervisor.elf~shutdown|testos.elf~name=testos
ALL_TARGETS += $(ISO)
$(ISO): $(ISO_FILES) scripts/mkiso.sh Makefile
	scripts/mkiso.sh -o $@ $(addprefix -f ,$(ISO_FILES)) \
		$(foreach e,$(ISO_DEFAULT_ENTRY) $(ISO_ENTRIES),-e "$(subst ~, ,$(e))")

.PHONY: all build deps test run run-bochs run-linux gdb help clean distclean

# `make` on a fresh clone first installs what is missing (a no-op, one
# dpkg query, when everything is there), then builds; `make build` only builds.
all: deps
	@$(MAKE) --no-print-directory build
build: $(ALL_TARGETS)

# Install missing Debian packages (a no-op when all are present).
deps:
	@scripts/deps.sh

# Every test, each logged under build/test-logs/; ends "N passed, M failed".
test: deps
	@$(MAKE) --no-print-directory build
	@scripts/test-all.sh $(TEST_TARGETS)

# make run: the ISO's default entry on QEMU, serial on this terminal.
# RUN_MODE=smoke runs the very same command line headless and checks the
# transcript (the default guest's first and last lines, a clean power-off):
# what CI does to prove the README's first command (test-run-smoke too).
RUN_MODE ?= interactive
RUN_QEMU := scripts/run-qemu.sh --iso $(ISO)
RUN_INFO = scripts/run-info.sh --emulator $(1) --iso $(ISO) --leave $(2) \
	"$(subst ~, ,$(ISO_DEFAULT_ENTRY))"
RUN_SMOKE := $(PYTHON) scripts/systest.py --name run-smoke --timeout 120 --ordered --exit 0 \
	--expect '^pvhv: pre-virtualizing microhypervisor' \
	--expect "^loader: guest 0 'testos'" \
	--expect '^\[testos\] testos: start' \
	--expect '^\[testos\] [0-9]+ passed, 0 failed' \
	--expect '^guest testos exited with status 0$$' \
	--expect '^hypervisor: shutdown \(success\)' \
	--reject PANIC --reject killed --
run: deps
	@$(MAKE) --no-print-directory build
	@$(call RUN_INFO,QEMU,'Ctrl-a x')
ifeq ($(RUN_MODE),smoke)
	$(RUN_SMOKE) $(RUN_QEMU) --timeout 300
	@echo "run: smoke run passed (log: build/test-logs/run-smoke.log)"
else
	$(RUN_QEMU) --interactive
endif

run-bochs: deps
	@$(MAKE) --no-print-directory build
	@$(call RUN_INFO,Bochs,"type 'c' at Bochs' prompt to start; Ctrl-c then 'q' to leave")
	scripts/run-bochs.sh --iso $(ISO) --interactive

# make run-linux: Linux 6.1 (the afterburned vmlinux) under the hypervisor
# on QEMU, its serial console on this terminal and the serial input its
# own (console=input). The first run builds the kernels (minutes).
LINUX_RUN_ARGS ?= console=ttyS0
run-linux: deps
	@$(MAKE) --no-print-directory build linux
	@echo "run-linux: QEMU, the hypervisor hosting Linux 6.1 ($(call linux_vmlinux,afterburn), mem=128M," \
		"console=input, Linux's command line '$(LINUX_RUN_ARGS)'); leave with poweroff or Ctrl-a x"
	scripts/run-qemu.sh --kernel $(HV_ELF) --append "shutdown" --interactive --initrd \
		'$(call linux_vmlinux,afterburn) name=linux mem=128M console=input -- $(LINUX_RUN_ARGS),$(LINUX_INITRAMFS) initrd-for=linux'

# Help: the targets a user types, then the tests worth running alone.
help:
	@echo "make              build the hypervisor ISO, the afterburner and the guests"
	@echo "make run          boot the default configuration on QEMU, serial on this terminal"
	@echo "                  (RUN_MODE=smoke: the same headless, transcript checked)"
	@echo "make run-bochs    boot the same ISO on Bochs (its debugger: type 'c')"
	@echo "make run-linux    Linux 6.1 under the hypervisor on QEMU, its console here"
	@echo "make gdb          QEMU paused with its gdbstub, GDB attached with symbols"
	@echo "                  (GDB_APPEND, GDB_INITRD, GDB_ISO, GDB_GUESTS: docs/debugging.md)"
	@echo "make debug-guest  GDB on the hypervisor's per-guest stub (COM2), guest NAME=testos"
	@echo "                  (DEBUG_SYMBOLS, DEBUG_INITRD, DEBUG_APPEND: docs/debugging.md)"
	@echo "make run-bochs-debug  Bochs's debugger with the hypervisor's symbols (ldsym)"
	@echo "make test         all unit and system tests (installs what is missing)"
	@echo "make bench        native vs pre-virtualized vs trap-and-emulate figures"
	@echo "make linux        build Debian's Linux 6.1 plainly and through the afterburner"
	@echo "make test-linux   both Linux builds, afterburn-verify, both boot natively"
	@echo "make fuzz-afterburn  a long libFuzzer run of the afterburner's scanner"
	@echo "make fuzz-hypercalls a long libFuzzer run of the hypercall decoder (FUZZ_SECONDS)"
	@echo "make fuzz-gdbstub    a long libFuzzer run of the GDB stub's packet layer (FUZZ_SECONDS)"
	@echo "make menuconfig   edit the configuration (.config); make defconfig resets it"
	@echo "make deps         install missing Debian packages"
	@echo "make clean        remove build/ (distclean: and .config)"
	@echo ""
	@echo "Single tests (make test runs them all, in this order; logs in build/test-logs/):"
	@printf '  %-36s %s\n' $(TEST_TARGETS)

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

distclean: clean
	rm -f .config .config.old
