# Linux 6.1 guest (docs/linux.md): Debian's linux-source-6.1 built as a
# small i386 kernel twice, plainly and through the afterburner, plus an
# initramfs holding the project's static /init. `make linux` builds it all;
# it is slow on a clean tree (minutes), so it is not in ALL_TARGETS.
# guests/linux/build.sh does the Kbuild work and its own caching; the make
# stamps below only spare calling it when none of its inputs moved.

LINUX_DIR       := $(BUILD)/linux
LINUX_VARIANTS  := plain afterburn
LINUX_INIT      := $(LINUX_DIR)/init
LINUX_INITRAMFS := $(LINUX_DIR)/initramfs.cpio.gz
linux_bzimage    = $(LINUX_DIR)/$(1)/arch/x86/boot/bzImage
linux_vmlinux    = $(LINUX_DIR)/$(1)/vmlinux
LINUX_RECIPE    := guests/linux/build.sh guests/linux/config.fragment

# Static glibc from libc6-dev-i386-cross (gcc-multilib would conflict with
# the cross compiler); stripped, since it only has to run.
LINUX_INIT_CFLAGS := -std=gnu11 -O2 -static -s -Wall -Wextra -Werror \
	-Wstrict-prototypes -Wmissing-prototypes

$(LINUX_INIT): guests/linux/init.c
	@mkdir -p $(dir $@)
	$(TCC) $(LINUX_INIT_CFLAGS) -o $@ $<

# newc cpio, owned by root, sorted and without timestamps in the gzip
# header so equal inputs give an equal archive. /dev/console comes from the
# kernel's built-in initramfs (init makes it itself if it is missing).
$(LINUX_INITRAMFS): $(LINUX_INIT) guests/linux/build.mk
	rm -rf $(LINUX_DIR)/initramfs-root
	mkdir -p $(LINUX_DIR)/initramfs-root/dev $(LINUX_DIR)/initramfs-root/proc
	cp $(LINUX_INIT) $(LINUX_DIR)/initramfs-root/init
	cd $(LINUX_DIR)/initramfs-root && find . | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9n >$(TOP)/$@.tmp
	mv $@.tmp $@

$(LINUX_DIR)/plain.done: $(LINUX_RECIPE)
	guests/linux/build.sh plain
	touch $@

# A new afterburn-as makes build.sh rebuild the afterburned kernel from
# clean (when its content changed; it compares a hash).
$(LINUX_DIR)/afterburn.done: $(LINUX_RECIPE) $(AFTERBURN_B_AS)
	guests/linux/build.sh afterburn
	touch $@

.PHONY: linux
linux: $(foreach v,$(LINUX_VARIANTS),$(LINUX_DIR)/$(v).done) $(LINUX_INITRAMFS)
