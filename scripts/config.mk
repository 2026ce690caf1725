# Kconfig plumbing (python3-kconfiglib). The configuration lives in .config
# (created from configs/defconfig on first use); the build reads the
# generated header build/include/generated/autoconf.h through
# include/config.h, and make itself reads the CONFIG_* values below.

KPY       := /usr/bin/python3
KCONFIG   := Kconfig
CONFIG    := .config
AUTOCONF  := $(BUILD)/include/generated/autoconf.h
KCONFIG_FILES := $(KCONFIG) $(wildcard */Kconfig)

-include $(CONFIG)

$(CONFIG): configs/defconfig $(KCONFIG_FILES)
	@if [ -f $@ ]; then \
	  KCONFIG_CONFIG=$@ $(KPY) -m olddefconfig $(KCONFIG) >/dev/null; \
	else \
	  KCONFIG_CONFIG=$@ $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig >/dev/null; \
	fi
	@touch $@

$(AUTOCONF): $(CONFIG) $(KCONFIG_FILES)
	@mkdir -p $(dir $@)
	@KCONFIG_CONFIG=$(CONFIG) $(KPY) -m genconfig --header-path $@ $(KCONFIG)

.PHONY: menuconfig defconfig savedefconfig
menuconfig:
	KCONFIG_CONFIG=$(CONFIG) $(KPY) -m menuconfig $(KCONFIG)

defconfig:
	KCONFIG_CONFIG=$(CONFIG) $(KPY) -m defconfig --kconfig $(KCONFIG) configs/defconfig

savedefconfig:
	KCONFIG_CONFIG=$(CONFIG) $(KPY) -m savedefconfig --kconfig $(KCONFIG) --out configs/defconfig
