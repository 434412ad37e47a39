/* fuzz_dnsmsg.c -- libFuzzer target: the response parser must reject or accept any bytes without
 * reading outside them, and what it accepts must be self-consistent. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "dname.h"
#include "dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
assert_dname(const struct dname *n)
{
	struct dname strict;

	assert(dname_from_wire(n->wire, n->len, &strict));
	assert(strict.len == n->len && memcmp(strict.wire, n->wire, n->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_response resp;

	/* What parses whole has a question that parses alone, as a cut capture would. */
	if (dnsmsg_parse(data, size, &resp) != DNS_OK) {
		(void)dnsmsg_parse_question(data, size, &resp);
		return 0;
	}
	{
		static struct dns_response top;

		assert(dnsmsg_parse_question(data, size, &top) == DNS_OK);
		assert(top.id == resp.id && top.qtype == resp.qtype && top.nrr == 0);
	}
	assert(resp.nrr <= DNS_MAX_RRS);
	assert(resp.qname_len >= 1 && resp.qname_len <= DNAME_WIRE_MAX);
	for (size_t i = 0; i < resp.nrr; i++) {
		const struct dns_rr *rr = &resp.rr[i];

		assert(rr->owner.len >= 1 && rr->owner.len <= DNAME_WIRE_MAX);
		assert(rr->section <= DNS_ADDITIONAL);
		/* Names come out of decompression already what struct dname
		 * promises: the strict reader accepts them, and they are folded. */
		assert_dname(&rr->owner);
		if (rr->type == DNS_TYPE_NS || rr->type == DNS_TYPE_CNAME || rr->type == DNS_TYPE_SOA)
			assert_dname(&rr->rd.target);
	}
	return 0;
}
