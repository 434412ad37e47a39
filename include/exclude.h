/* exclude.h -- the --exclude file: domains and zones not to scan, addresses never to query. */
#ifndef GLUESCAN_EXCLUDE_H
#define GLUESCAN_EXCLUDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dname.h"

struct exclude;

/*
 * One entry a line: a domain name (it and everything below it is skipped), an
 * IPv4 or IPv6 address, or a CIDR block; '#' comments. On error returns NULL
 * with "name:line: reason" in err.
 */
struct exclude *exclude_read(FILE *f, const char *name, char *err, size_t errlen);
void exclude_free(struct exclude *x);
/* True when name or one of its ancestors is listed. */
bool exclude_domain(const struct exclude *x, const struct dname *name);
/* True when the IPv4 address (host order) falls in a listed address or block. */
bool exclude_v4(const struct exclude *x, uint32_t addr);
/* The same for an IPv6 address (network order). */
bool exclude_v6(const struct exclude *x, const uint8_t addr[16]);

#endif
