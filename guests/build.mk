# Each guest keeps its rules in guests/NAME/build.mk.
include $(sort $(wildcard guests/*/build.mk))
