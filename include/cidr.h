/* cidr.h -- IPv4 and IPv6 address blocks, each with a value; an address finds its most specific block. */
#ifndef GLUESCAN_CIDR_H
#define GLUESCAN_CIDR_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* An address and the number of its leading bits that count. */
struct cidr {
	struct addr a;
	unsigned bits;
};

/* "192.0.2.0/24", "2001:db8::/32", or a bare address (all its bits). */
bool cidr_parse(const char *text, struct cidr *out);

struct cidr_table;

struct cidr_table *cidr_table_new(void);
void cidr_table_free(struct cidr_table *t);
/* Blocks may nest or repeat: the most specific one holding an address
 * gives its value; of equal blocks, the last one added. False: no memory. */
bool cidr_table_add(struct cidr_table *t, const struct cidr *c, uint32_t value);
/* After the last add, before the first lookup. False: no memory. */
bool cidr_table_seal(struct cidr_table *t);
/* The value of the most specific block holding the IPv4 address (host
 * order), or false when none holds it. */
bool cidr_lookup_v4(const struct cidr_table *t, uint32_t addr, uint32_t *value);
/* The same for an IPv6 address (network order). IPv4 and IPv6 blocks are
 * apart: ::/0 holds no IPv4 address. */
bool cidr_lookup_v6(const struct cidr_table *t, const uint8_t addr[16], uint32_t *value);

#endif
