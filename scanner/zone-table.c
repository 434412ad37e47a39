/* zone-table.c -- a zone's names and records, compact: a zone file held whole (about 100
 * bytes a name), or the glue and looked-up names of a streamed one. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "zonetab.h"

#define FIRST_SLOTS 4096

static void *
grow(void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	*cap = *cap ? *cap * 2 : 1024;
	while (*cap < need)
		*cap *= 2;
	if ((v = reallocarray(v, *cap, size)) == NULL)
		err(1, "out of memory");
	return v;
}

static uint32_t
stash(struct zonetab *t, const void *data, size_t len)
{
	uint32_t off = (uint32_t)t->arena_len;

	if (t->arena_len + len > UINT32_MAX)
		errx(1, "zone file too large to hold in memory");
	t->arena = grow(t->arena, &t->arena_cap, t->arena_len + len, 1);
	memcpy(t->arena + off, data, len);
	t->arena_len += len;
	return off;
}

static uint64_t
hash(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* Slot of name: where it is, or the empty slot where it belongs. */
static size_t
slot_of(const struct zonetab *t, const uint8_t *wire, size_t len)
{
	size_t mask = t->nslots - 1, i = hash(wire, len) & mask;

	while (t->slots[i] != 0) {
		const struct zt_node *n = &t->nodes[t->slots[i] - 1];

		if (n->name_len == len && memcmp(t->arena + n->name, wire, len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static void
rehash(struct zonetab *t, size_t nslots)
{
	free(t->slots);
	if ((t->slots = calloc(nslots, sizeof(*t->slots))) == NULL)
		err(1, "out of memory");
	t->nslots = nslots;
	for (size_t k = 0; k < t->nnodes; k++) {
		const struct zt_node *nd = &t->nodes[k];

		t->slots[slot_of(t, t->arena + nd->name, nd->name_len)] = (uint32_t)k + 1;
	}
}

void
zonetab_init(struct zonetab *t)
{
	memset(t, 0, sizeof(*t));
	rehash(t, FIRST_SLOTS);
}

void
zonetab_free(struct zonetab *t)
{
	free(t->arena);
	free(t->nodes);
	free(t->recs);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

void
zonetab_clear(struct zonetab *t)
{
	t->arena_len = t->nnodes = t->nrecs = 0;
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

const struct zt_node *
zonetab_find(const struct zonetab *t, const struct dname *name)
{
	uint32_t i = t->slots[slot_of(t, name->wire, name->len)];

	return i ? &t->nodes[i - 1] : NULL;
}

struct zt_node *
zonetab_get(struct zonetab *t, const struct dname *name)
{
	size_t s;
	struct zt_node *n;

	if (2 * (t->nnodes + 1) > t->nslots)
		rehash(t, t->nslots * 2);
	s = slot_of(t, name->wire, name->len);
	if (t->slots[s] != 0)
		return &t->nodes[t->slots[s] - 1];
	if (t->nnodes >= UINT32_MAX - 1)
		errx(1, "zone file too large to hold in memory");
	t->nodes = grow(t->nodes, &t->nodes_cap, t->nnodes + 1, sizeof(*t->nodes));
	n = &t->nodes[t->nnodes];
	n->name = stash(t, name->wire, name->len);
	n->name_len = name->len;
	n->flags = 0;
	n->first = n->last = ZT_NONE;
	t->slots[s] = (uint32_t)++t->nnodes;
	return n;
}

void
zonetab_add(struct zonetab *t, struct zt_node *n, uint16_t type, const void *data, size_t len)
{
	struct zt_rec *r;
	uint32_t data_off = stash(t, data, len);	/* before recs moves: n may not be in recs */

	t->recs = grow(t->recs, &t->recs_cap, t->nrecs + 1, sizeof(*t->recs));
	r = &t->recs[t->nrecs];
	r->type = type;
	r->data = data_off;
	r->len = (uint8_t)len;
	r->next = ZT_NONE;
	if (n->last == ZT_NONE)
		n->first = (uint32_t)t->nrecs;
	else
		t->recs[n->last].next = (uint32_t)t->nrecs;
	n->last = (uint32_t)t->nrecs++;
	n->flags |= ZT_EXISTS | (type == DNS_TYPE_NS ? ZT_HAS_NS : 0);
}

void
zonetab_node_name(const struct zonetab *t, const struct zt_node *n, struct dname *out)
{
	out->len = n->name_len;
	memcpy(out->wire, t->arena + n->name, n->name_len);
}

void
zonetab_rec_target(const struct zonetab *t, const struct zt_rec *r, struct dname *out)
{
	out->len = r->len;
	memcpy(out->wire, t->arena + r->data, r->len);
}

void
zonetab_rec_addr(const struct zonetab *t, const struct zt_rec *r, struct addr *out)
{
	if (r->type == DNS_TYPE_A)
		addr_from_v4(out, t->arena + r->data);
	else
		addr_from_v6(out, t->arena + r->data);
}

size_t
zonetab_bytes(const struct zonetab *t)
{
	return t->arena_cap + t->nodes_cap * sizeof(*t->nodes) + t->recs_cap * sizeof(*t->recs) +
	    t->nslots * sizeof(*t->slots);
}
