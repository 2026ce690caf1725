/* libFuzzer target for the afterburner's scanner and parser: any input
 * must be either rejected with an error or afterburned, without a crash,
 * leak or undefined behaviour; and an accepted output must contain the
 * input's bytes in order (afterburn only inserts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "burn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char *out = NULL;
	size_t outlen = 0;
	struct ab_ctx c;
	if (!null)
		null = fopen("/dev/null", "w");
	FILE *o = open_memstream(&out, &outlen);
	if (!o)
		return 0;
	ab_ctx_init(&c, null);
	const char *name = "fuzz.s", *buf = (const char *)data;
	ab_burn_unit(&c, 1, &name, &buf, &size, o);
	fclose(o);
	if (c.errors == 0) {
		/* the input is a subsequence of the output */
		size_t j = 0;
		for (size_t i = 0; i < outlen && j < size; i++)
			if (out[i] == (char)data[j])
				j++;
		if (j != size)
			abort();
	}
	ab_ctx_fini(&c);
	free(out);
	return 0;
}
