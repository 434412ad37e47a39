/* fuzz_zonefile.c -- libFuzzer target: a --parent-zone file of any content (plain or gzip,
 * registry form or master file) opens or is refused; an open one is indexed, streams
 * its delegations and answers within bounds. */
#include <assert.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_response resp;
	struct zonefile *z;
	struct zdeleg *d;
	struct dname q;
	char err[256], path[64];
	const char *name;
	size_t len;
	int fd = memfd_create("zone", 0);

	if (fd < 0 || size == 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((z = zonefile_open(path, err, sizeof(err))) == NULL ||
	    !zonefile_index(&z, 1, true, err, sizeof(err))) {
		zonefile_free(z);
		close(fd);
		return 0;
	}
	while (zonefile_next_delegation(z, &name, &len) == 1) {
		assert(len > 0);
		if ((d = zonefile_take_delegation(z)) != NULL) {
			zonefile_delegation_answer(d, &resp);
			assert(resp.nrr <= DNS_MAX_RRS);
			zdeleg_free(d);
		}
	}
	zonefile_answer(z, zonefile_origin(z), 2, &resp);
	assert(resp.nrr <= DNS_MAX_RRS);
	if (dname_from_text("a.b.c.d.", &q)) {
		bool failed;

		(void)zonefile_want(z, &q);
		while (!zonefile_lookup_step(z, 1000, &failed))
			;
		zonefile_answer(z, &q, 1, &resp);
		assert(resp.nrr <= DNS_MAX_RRS);
	}
	zonefile_free(z);
	close(fd);
	return 0;
}
