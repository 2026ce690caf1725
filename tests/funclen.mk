# Functions a reader can hold: no production function over 80 lines
# (scripts/check-function-length.py over the hypervisor, its drivers, the
# IPVMM, the afterburner and boot; tests and guests are not production).
# Entries of scripts/function-length-allow.txt are reported, not failed.
# The negative control: an 81-line function beside an 80-line one, a
# struct initializer and a long comment must fail the same check, for the
# 81-line function only.
FUNCLEN_DIRS  := kernel drivers ipvmm afterburn boot
FUNCLEN_ALLOW := scripts/function-length-allow.txt

.PHONY: test-function-length
test-function-length:
	$(PYTHON) scripts/check-function-length.py --top 10 --allow $(FUNCLEN_ALLOW) $(FUNCLEN_DIRS)
	@set -e; d=$$(mktemp -d); trap 'rm -rf $$d' EXIT; \
	 { echo 'static int ok(void)'; echo '{'; for i in $$(seq 78); do echo '	x();'; done; echo '}'; \
	   echo 'static const struct s t = {'; for i in $$(seq 90); do echo '	{ 1 },'; done; echo '};'; \
	   echo '/*'; for i in $$(seq 90); do echo ' * {'; done; echo ' */'; \
	   echo 'int too_long(int a)'; echo '{'; for i in $$(seq 79); do echo '	if (a) { a--; }'; done; echo '}'; \
	 } > $$d/bad.c; \
	 if $(PYTHON) scripts/check-function-length.py $$d/bad.c > $$d/out; then \
	   echo "check-function-length accepted an 81-line function"; exit 1; fi; \
	 grep -q 'bad.c:[0-9]*: too_long: 81 lines, over 80' $$d/out; \
	 test "$$(grep -c 'lines, over' $$d/out)" = 1; \
	 echo "negative control refused:"; grep 'lines, over' $$d/out | sed "s|$$d/|  |"

TEST_TARGETS += test-function-length
