/* fuzz_zonefile.c -- libFuzzer target: a --parent-zone file of any content loads or is refused,
 * and a loaded one answers within bounds. */
#include <assert.h>
#include <stdio.h>

#include "zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_response resp;
	struct zonefile *z;
	struct dname q;
	char err[256];
	FILE *f;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	z = zonefile_load(f, "fuzz", err, sizeof(err));
	fclose(f);
	if (z == NULL)
		return 0;
	zonefile_answer(z, zonefile_origin(z), 2, &resp);
	assert(resp.nrr <= DNS_MAX_RRS);
	if (dname_from_text("a.b.c.d.", &q)) {
		zonefile_answer(z, &q, 1, &resp);
		assert(resp.nrr <= DNS_MAX_RRS);
	}
	zonefile_free(z);
	return 0;
}
