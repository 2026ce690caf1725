# Each component keeps its test rules in tests/COMPONENT.mk and appends its
# phony test targets to TEST_TARGETS; `make test` runs them in that order.
include $(sort $(filter-out tests/build.mk,$(wildcard tests/*.mk)))
