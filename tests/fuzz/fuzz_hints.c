/* fuzz_hints.c -- libFuzzer target: the --parents reader on arbitrary text. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "dnsmsg.h"
#include "hints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hints h;
	char err[256];
	FILE *f;

	if (size == 0)
		return 0;
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if (hints_read(f, "fuzz", &h, err, sizeof(err))) {
		for (size_t i = 0; i < h.n; i++)
			assert(h.v[i].type == DNS_TYPE_NS || h.v[i].type == DNS_TYPE_A ||
			    h.v[i].type == DNS_TYPE_AAAA);
		hints_free(&h);
	} else {
		assert(strncmp(err, "fuzz:", 5) == 0);
	}
	fclose(f);
	return 0;
}
