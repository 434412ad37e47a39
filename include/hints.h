/* hints.h -- the --parents file: NS and address records of known zones, in master-file format. */
#ifndef GLUESCAN_HINTS_H
#define GLUESCAN_HINTS_H

#include <stdio.h>

#include "addr.h"
#include "dname.h"

struct hint {
	struct dname owner;
	uint16_t type;		/* DNS_TYPE_NS, DNS_TYPE_A or DNS_TYPE_AAAA */
	struct dname target;	/* NS */
	struct addr addr;	/* A, AAAA */
};

struct hints {
	struct hint *v;
	size_t n, cap;
};

/*
 * Read records from f (named `name` in messages). Absolute names only;
 * `;` comments, $TTL, optional TTL and class in either order, parentheses
 * spanning lines. Records other than NS/A/AAAA are skipped. On error returns
 * false with "name:line: reason" in err.
 */
bool hints_read(FILE *f, const char *name, struct hints *out, char *err, size_t errlen);
/* The IPv4 address of the first NS target that has one (out may be NULL). */
bool hints_first_server(const struct hints *h, struct addr *out);
void hints_free(struct hints *h);

#endif
