# Linux 6.1 guest (docs/linux.md): Debian's linux-source-6.1 built as a
# small i386 kernel twice, plainly and through the afterburner, plus an
# initramfs: busybox, /init and the workload (shell scripts), our static
# poweroff and lxtest. `make linux` builds it all;
# it is slow on a clean tree (minutes), so it is not in ALL_TARGETS.
# guests/linux/build.sh does the Kbuild work and its own caching; the make
# stamps below only spare calling it when none of its inputs moved.

LINUX_DIR       := $(BUILD)/linux
LINUX_VARIANTS  := plain afterburn
LINUX_INITRAMFS := $(LINUX_DIR)/initramfs.cpio.gz
linux_bzimage    = $(LINUX_DIR)/$(1)/arch/x86/boot/bzImage
linux_vmlinux    = $(LINUX_DIR)/$(1)/vmlinux
LINUX_RECIPE    := guests/linux/build.sh guests/linux/config.fragment

# Our static programs: /sbin/poweroff and /lx/lxtest. Static glibc from
# libc6-dev-i386-cross (gcc-multilib would conflict with the cross
# compiler); stripped, since they only have to run. lxtest's doubles are
# SSE2 and its long doubles x87 (guests/linux/lxtest.c).
LINUX_PROG_CFLAGS := -std=gnu11 -O2 -static -s -Wall -Wextra -Werror \
	-Wstrict-prototypes -Wmissing-prototypes
LINUX_POWEROFF := $(LINUX_DIR)/poweroff
LINUX_LXTEST   := $(LINUX_DIR)/lxtest
LINUX_LXBENCH  := $(LINUX_DIR)/lxbench

$(LINUX_POWEROFF): guests/linux/poweroff.c
	@mkdir -p $(dir $@)
	$(TCC) $(LINUX_PROG_CFLAGS) -o $@ $<

$(LINUX_LXTEST): guests/linux/lxtest.c
	@mkdir -p $(dir $@)
	$(TCC) $(LINUX_PROG_CFLAGS) -pthread -msse2 -mfpmath=sse -o $@ $< -lm

$(LINUX_LXBENCH): guests/linux/lxbench.c
	@mkdir -p $(dir $@)
	$(TCC) $(LINUX_PROG_CFLAGS) -o $@ $<

# Debian's busybox-static for i386 (scripts/deps.sh --linux installs it),
# and the applets the image links to it in /bin: what /init, the workload
# and an interactive session use. poweroff, halt and reboot are not among
# them: /sbin/poweroff is ours (busybox's would signal init).
LINUX_BUSYBOX := /bin/busybox
LINUX_APPLETS := sh ash awk basename cat chmod clear cmp cp cttyhack cut \
	date dd df dirname dmesg du echo env expr false find free grep head \
	hexdump hwclock id kill less ln ls md5sum mkdir mknod mount mv nproc \
	od printf ps pwd readlink rm rmdir sed seq setsid sha256sum sleep \
	sort stat stty sync tail tee test time top touch tr true tty umount \
	uname uniq uptime vi watch wc which xargs yes
LINUX_ROOT := $(LINUX_DIR)/initramfs-root

# newc cpio, owned by root, sorted, every mtime 0 and no timestamp in the
# gzip header, so equal inputs give an equal archive. /dev/console comes
# from the kernel's built-in initramfs; /dev is devtmpfs at run time.
# The Linux packages, installed once before anything below runs (under
# make -j two installers at once would fight over dpkg's lock).
.PHONY: linux-deps
linux-deps:
	@scripts/deps.sh --linux

$(LINUX_INITRAMFS): $(LINUX_POWEROFF) $(LINUX_LXTEST) $(LINUX_LXBENCH) guests/linux/init.sh \
		guests/linux/workload.sh guests/linux/macro.sh guests/linux/shellrc \
		guests/linux/build.mk | linux-deps
	file -L $(LINUX_BUSYBOX) | grep -q 'ELF 32-bit LSB executable, Intel 80386.*statically linked' || \
		{ echo "linux: $(LINUX_BUSYBOX) is not a static i386 ELF: $$(file -L $(LINUX_BUSYBOX))" >&2; exit 1; }
	rm -rf $(LINUX_ROOT)
	mkdir -p $(addprefix $(LINUX_ROOT)/,bin sbin lx dev proc sys tmp)
	cp $(LINUX_BUSYBOX) $(LINUX_ROOT)/bin/busybox
	for a in $(LINUX_APPLETS); do ln -s busybox $(LINUX_ROOT)/bin/$$a; done
	install -m 755 guests/linux/init.sh $(LINUX_ROOT)/init
	install -m 755 guests/linux/workload.sh $(LINUX_ROOT)/lx/workload
	install -m 644 guests/linux/shellrc $(LINUX_ROOT)/lx/shellrc
	install -m 755 $(LINUX_LXTEST) $(LINUX_ROOT)/lx/lxtest
	install -m 755 $(LINUX_LXBENCH) $(LINUX_ROOT)/lx/lxbench
	install -m 755 guests/linux/macro.sh $(LINUX_ROOT)/lx/macro
	install -m 755 $(LINUX_POWEROFF) $(LINUX_ROOT)/sbin/poweroff
	find $(LINUX_ROOT) -exec touch -h -d @0 {} +
	cd $(LINUX_ROOT) && find . | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9n >$(TOP)/$@.tmp
	mv $@.tmp $@

$(LINUX_DIR)/plain.done: $(LINUX_RECIPE) | linux-deps
	guests/linux/build.sh plain
	touch $@

# A new afterburn-as makes build.sh rebuild the afterburned kernel from
# clean (when its content changed; it compares a hash).
$(LINUX_DIR)/afterburn.done: $(LINUX_RECIPE) $(AFTERBURN_B_AS) | linux-deps
	guests/linux/build.sh afterburn
	touch $@

.PHONY: linux
linux: $(foreach v,$(LINUX_VARIANTS),$(LINUX_DIR)/$(v).done) $(LINUX_INITRAMFS)
