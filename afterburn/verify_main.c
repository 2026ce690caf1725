/* afterburn-verify ELF...: the coverage proof for afterburned files. Lists
 * every uncovered sensitive instruction and every bad record, prints the
 * sites per class, exits 1 if anything is wrong (2: unreadable input). */
#include <stdlib.h>
#include <string.h>
#include "classify.h"
#include "verify.h"

int main(int argc, char **argv)
{
	int quiet = argc > 1 && !strcmp(argv[1], "-q");
	int status = 0;
	if (argc < 2 + quiet) {
		fputs("usage: afterburn-verify [-q] ELF...\n"
		      "  -q  only the summary line per file\n", stderr);
		return 2;
	}
	for (int i = 1 + quiet; i < argc; i++) {
		struct ab_vstats st;
		int n = ab_verify(argv[i], quiet ? NULL : stdout, &st);
		if (n < 0) {
			status = 2;
			continue;
		}
		unsigned cov = 0, unc = 0;
		for (int c = 0; c < AB_CLASS_COUNT; c++) {
			cov += st.covered[c];
			unc += st.uncovered[c];
		}
		if (!quiet) {
			printf("%s: sites per class (covered / uncovered):\n", argv[i]);
			for (int c = 0; c < AB_CLASS_COUNT; c++)
				if (st.covered[c] || st.uncovered[c])
					printf("  %-10s %6u / %u\n", ab_classes[c].name,
					       st.covered[c], st.uncovered[c]);
		}
		printf("%s: %u records, %u covered, %u uncovered, %u bad records, "
		       "%u instructions decoded, %u bytes skipped, %u records and %u "
		       "instructions 16-bit, %u dead ranges after ud2 (%u bytes): %s\n",
		       argv[i], st.records, cov, unc, st.bad_records, st.insns, st.skipped,
		       st.records16, st.insns16, st.dead_ranges, st.dead_bytes,
		       n ? "FAIL" : "OK");
		if (n && status == 0)
			status = 1;
	}
	return status;
}
