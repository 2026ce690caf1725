# Guest loader: ELF validation unit tests on a real cross-assembled guest,
# the module argument parser (name=, mem=, --, the rest) and the Linux zero page.
LOADER_T := $(BUILD)/tests/loader

$(LOADER_T)/guest.elf: tests/unit/loader/guest.S
	@mkdir -p $(dir $@)
	$(TCC) -m32 -nostdlib -static -no-pie -Wl,-Ttext=0x100000 -Wl,--build-id=none -o $@ $<

$(LOADER_T)/test_guest_elf: tests/unit/loader/test_guest_elf.c kernel/guest_elf.c kernel/guest_elf.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Ikernel -DGUEST_ELF_PATH='"$(LOADER_T)/guest.elf"' \
		-o $@ tests/unit/loader/test_guest_elf.c kernel/guest_elf.c -lcmocka

# The same source must also build freestanding for the hypervisor.
$(LOADER_T)/guest_elf.target.o: kernel/guest_elf.c kernel/guest_elf.h
	@mkdir -p $(dir $@)
	$(TCC) $(TARGET_CFLAGS) -c -o $@ $<

$(LOADER_T)/test_guest_args: tests/unit/loader/test_guest_args.c kernel/guest_args.c kernel/cmdline.c \
		include/guest_args.h include/console_mux.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Iinclude -I$(BUILD)/include -o $@ \
		tests/unit/loader/test_guest_args.c kernel/guest_args.c kernel/cmdline.c -lcmocka

# The zero page of the Linux boot protocol, checked against the kernel's
# own <asm/bootparam.h> (linux-libc-dev).
$(LOADER_T)/test_linux_boot: tests/unit/loader/test_linux_boot.c kernel/linux_boot.c include/linux_boot.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Iinclude -o $@ tests/unit/loader/test_linux_boot.c kernel/linux_boot.c -lcmocka

.PHONY: test-unit-loader
test-unit-loader: $(LOADER_T)/test_guest_elf $(LOADER_T)/guest.elf $(LOADER_T)/guest_elf.target.o \
		$(LOADER_T)/test_guest_args $(LOADER_T)/test_linux_boot
	$(LOADER_T)/test_guest_elf
	$(LOADER_T)/test_guest_args
	$(LOADER_T)/test_linux_boot
TEST_TARGETS += test-unit-loader
