/* conf-hints.c -- the --parents file: NS and address records of the zones a scan starts from. */
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "hints.h"
#include "masterfile.h"

static bool
add_hint(void *ctx, const struct mf_record *rec)
{
	struct hints *h = ctx;

	if (rec->type != DNS_TYPE_NS && rec->type != DNS_TYPE_A && rec->type != DNS_TYPE_AAAA)
		return true;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct hint *v = reallocarray(h->v, cap, sizeof(*v));

		if (v == NULL)
			return false;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n].owner = rec->owner;
	h->v[h->n].type = rec->type;
	h->v[h->n].target = rec->target;
	h->v[h->n].addr = rec->addr;
	h->n++;
	return true;
}

bool
hints_read(FILE *f, const char *name, struct hints *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (masterfile_read(f, name, add_hint, out, err, errlen))
		return true;
	hints_free(out);
	return false;
}

bool
hints_first_server(const struct hints *h, struct addr *out)
{
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].type != DNS_TYPE_NS)
			continue;
		for (size_t j = 0; j < h->n; j++) {
			if (h->v[j].type == DNS_TYPE_A && dname_equal(&h->v[j].owner, &h->v[i].target)) {
				if (out != NULL)
					*out = h->v[j].addr;
				return true;
			}
		}
	}
	return false;
}

void
hints_free(struct hints *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
