/* zonetab.h -- names of a zone and their NS and address records, held compactly: one
 * arena of names, records in chains, an open-addressing hash from owner to node. */
#ifndef GLUESCAN_ZONETAB_H
#define GLUESCAN_ZONETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dname.h"

#define ZT_NONE UINT32_MAX

/* What is known of a name. */
enum {
	ZT_HAS_NS = 1,		/* it owns NS records: a zone cut (or the apex) */
	ZT_EXISTS = 2,		/* it owns records or has names below it */
	ZT_KNOWN = 4,		/* its existence and NS set were looked up: without
				 * ZT_EXISTS it is known not to exist */
};

struct zt_node {
	uint32_t name;		/* arena offset of the owner's wire form */
	uint8_t name_len;
	uint8_t flags;
	uint32_t first;		/* first record, ZT_NONE for none */
	uint32_t last;		/* records are kept in file order, as a server gives them */
};

struct zt_rec {
	uint32_t next;
	uint16_t type;		/* DNS_TYPE_NS, _A or _AAAA */
	uint8_t len;
	uint32_t data;		/* arena offset: NS target (wire) or address bytes */
};

struct zonetab {
	uint8_t *arena;
	size_t arena_len, arena_cap;
	struct zt_node *nodes;
	size_t nnodes, nodes_cap;
	struct zt_rec *recs;
	size_t nrecs, recs_cap;
	uint32_t *slots;	/* node index + 1; 0 is empty */
	size_t nslots;		/* a power of two, at least twice nnodes */
};

void zonetab_init(struct zonetab *t);
void zonetab_free(struct zonetab *t);
/* Forget every name, keeping the memory for the next ones. */
void zonetab_clear(struct zonetab *t);
const struct zt_node *zonetab_find(const struct zonetab *t, const struct dname *name);
struct zt_node *zonetab_get(struct zonetab *t, const struct dname *name);
/* type DNS_TYPE_NS: data is the target's wire form; _A, _AAAA: 4 or 16 address bytes. */
void zonetab_add(struct zonetab *t, struct zt_node *n, uint16_t type, const void *data, size_t len);
void zonetab_node_name(const struct zonetab *t, const struct zt_node *n, struct dname *out);
void zonetab_rec_target(const struct zonetab *t, const struct zt_rec *r, struct dname *out);
void zonetab_rec_addr(const struct zonetab *t, const struct zt_rec *r, struct addr *out);
/* Bytes held, for the memory report. */
size_t zonetab_bytes(const struct zonetab *t);

#endif
