# The docs name only repository paths that exist (scripts/check-docs.py
# over README.md and docs/*.md). The negative control: a page naming a
# missing file must fail the same check, and only for that file.
DOCS_PAGES := README.md $(sort $(wildcard docs/*.md))

.PHONY: test-docs
test-docs:
	$(PYTHON) scripts/check-docs.py $(DOCS_PAGES)
	@set -e; d=$$(mktemp -d); trap 'rm -rf $$d' EXIT; \
	 printf 'See `kernel/no_such_file.c`, `ipvmm/rewrite.[ch]`, loader.c and vtlb.md.\n' > $$d/bad.md; \
	 if $(PYTHON) scripts/check-docs.py $$d/bad.md > $$d/out; then \
	   echo "check-docs accepted a page naming kernel/no_such_file.c"; exit 1; fi; \
	 grep -q 'bad.md:1: kernel/no_such_file.c: ' $$d/out; \
	 test "$$(grep -c 'no such file' $$d/out)" = 1; \
	 echo "negative control refused: $$(head -1 $$d/out | sed "s|$$d/||")"

TEST_TARGETS += test-docs
