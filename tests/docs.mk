# The docs name only repository paths and page headings that exist
# (scripts/check-docs.py over README.md and docs/*.md). The negative
# control: a page naming a missing file and a missing heading beside good
# ones must fail the same check, for those two only.
DOCS_PAGES := README.md $(sort $(wildcard docs/*.md))

.PHONY: test-docs
test-docs:
	$(PYTHON) scripts/check-docs.py $(DOCS_PAGES)
	@set -e; d=$$(mktemp -d); trap 'rm -rf $$d' EXIT; \
	 printf 'See `kernel/no_such_file.c`, `ipvmm/rewrite.[ch]`, loader.c and vtlb.md.\n' > $$d/bad.md; \
	 printf 'Also `ipvmm.md`, "Protection on QEMU" and `ipvmm.md`, "No such heading".\n' >> $$d/bad.md; \
	 if $(PYTHON) scripts/check-docs.py $$d/bad.md > $$d/out; then \
	   echo "check-docs accepted a page naming kernel/no_such_file.c"; exit 1; fi; \
	 grep -q 'bad.md:1: kernel/no_such_file.c: ' $$d/out; \
	 grep -q 'bad.md:2: ipvmm.md, "No such heading": no such heading' $$d/out; \
	 test "$$(grep -c '^[^ ]*bad.md:' $$d/out)" = 2; \
	 echo "negative control refused:"; grep 'bad.md:' $$d/out | sed "s|$$d/|  |"

TEST_TARGETS += test-docs
