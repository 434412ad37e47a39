/* engine-zonefile.c -- a zone held compactly in memory: names in one arena, records in
 * chains, an open-addressing hash from owner name to node. */
#include <err.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "masterfile.h"
#include "zonefile.h"

#define NONE UINT32_MAX

struct node {
	uint32_t name;		/* arena offset of the owner's wire form */
	uint8_t name_len;
	uint8_t has_ns;
	uint32_t first;		/* first record, NONE for a name with none (an empty non-terminal) */
	uint32_t last;		/* records are kept in file order, as a server gives them */
};

struct rec {
	uint32_t next;
	uint16_t type;
	uint32_t data;		/* arena offset: NS target (wire) or address bytes */
	uint8_t len;
};

struct zonefile {
	struct dname origin;
	bool have_origin;
	uint8_t *arena;
	size_t arena_len, arena_cap;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct rec *recs;
	size_t nrecs, recs_cap;
	uint32_t *slots;	/* node index + 1; 0 is empty */
	size_t nslots;		/* a power of two, at least twice nnodes */
	size_t skipped;		/* records outside the zone */
};

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
stash(struct zonefile *z, const void *data, size_t len)
{
	uint32_t off = (uint32_t)z->arena_len;

	if (z->arena_len + len > UINT32_MAX)
		errx(1, "zone file too large");
	z->arena = grow(z->arena, &z->arena_cap, z->arena_len + len, 1);
	memcpy(z->arena + off, data, len);
	z->arena_len += len;
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
slot_of(const struct zonefile *z, const struct dname *name)
{
	size_t mask = z->nslots - 1, i = hash(name->wire, name->len) & mask;

	while (z->slots[i] != 0) {
		const struct node *n = &z->nodes[z->slots[i] - 1];

		if (n->name_len == name->len && memcmp(z->arena + n->name, name->wire, name->len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static void
rehash(struct zonefile *z)
{
	size_t n = z->nslots ? z->nslots * 2 : 4096;

	free(z->slots);
	if ((z->slots = calloc(n, sizeof(*z->slots))) == NULL)
		err(1, "out of memory");
	z->nslots = n;
	for (size_t k = 0; k < z->nnodes; k++) {
		struct dname d;
		const struct node *nd = &z->nodes[k];

		d.len = nd->name_len;
		memcpy(d.wire, z->arena + nd->name, d.len);
		z->slots[slot_of(z, &d)] = (uint32_t)k + 1;
	}
}

static const struct node *
find(const struct zonefile *z, const struct dname *name)
{
	uint32_t i = z->slots[slot_of(z, name)];

	return i ? &z->nodes[i - 1] : NULL;
}

static struct node *
find_or_add(struct zonefile *z, const struct dname *name)
{
	size_t s;
	struct node *n;

	if (2 * (z->nnodes + 1) > z->nslots)
		rehash(z);
	s = slot_of(z, name);
	if (z->slots[s] != 0)
		return &z->nodes[z->slots[s] - 1];
	z->nodes = grow(z->nodes, &z->nodes_cap, z->nnodes + 1, sizeof(*z->nodes));
	n = &z->nodes[z->nnodes];
	n->name = stash(z, name->wire, name->len);
	n->name_len = name->len;
	n->has_ns = 0;
	n->first = n->last = NONE;
	z->slots[s] = (uint32_t)++z->nnodes;
	return n;
}

static void
add_rec(struct zonefile *z, struct node *n, uint16_t type, const void *data, size_t len)
{
	struct rec *r;

	z->recs = grow(z->recs, &z->recs_cap, z->nrecs + 1, sizeof(*z->recs));
	r = &z->recs[z->nrecs];
	r->type = type;
	r->data = stash(z, data, len);
	r->len = (uint8_t)len;
	r->next = NONE;
	if (n->last == NONE)
		n->first = (uint32_t)z->nrecs;
	else
		z->recs[n->last].next = (uint32_t)z->nrecs;
	n->last = (uint32_t)z->nrecs++;
}

static bool
on_record(void *ctx, const struct mf_record *rec)
{
	struct zonefile *z = ctx;
	struct node *n;

	if (!z->have_origin && rec->type == DNS_TYPE_SOA) {
		z->origin = rec->owner;
		z->have_origin = true;
	}
	if (z->have_origin && !dname_is_under(&rec->owner, &z->origin)) {
		z->skipped++;
		return true;
	}
	n = find_or_add(z, &rec->owner);
	switch (rec->type) {
	case DNS_TYPE_NS:
		n->has_ns = 1;
		add_rec(z, n, rec->type, rec->target.wire, rec->target.len);
		break;
	case DNS_TYPE_A:
		add_rec(z, n, rec->type, rec->addr.bytes, 4);
		break;
	case DNS_TYPE_AAAA:
		add_rec(z, n, rec->type, rec->addr.bytes, 16);
		break;
	default:
		break;		/* the name exists; that is all we need of it */
	}
	return true;
}

/* Every name between a record's owner and the origin exists (RFC 8020). */
static void
add_empty_non_terminals(struct zonefile *z)
{
	size_t n = z->nnodes;
	int origin_labels = dname_label_count(&z->origin);

	for (size_t k = 0; k < n; k++) {
		struct dname d, up;

		d.len = z->nodes[k].name_len;
		memcpy(d.wire, z->arena + z->nodes[k].name, d.len);
		for (int strip = 1; dname_label_count(&d) - strip > origin_labels; strip++) {
			if (!dname_strip(&d, strip, &up))
				break;
			(void)find_or_add(z, &up);
		}
	}
}

struct zonefile *
zonefile_load(FILE *f, const char *name, char *errbuf, size_t errlen)
{
	struct zonefile *z = calloc(1, sizeof(*z));

	if (z == NULL)
		err(1, "out of memory");
	rehash(z);
	if (!masterfile_read(f, name, on_record, z, errbuf, errlen)) {
		zonefile_free(z);
		return NULL;
	}
	if (!z->have_origin) {
		snprintf(errbuf, errlen, "%s: no SOA record, so no zone to read", name);
		zonefile_free(z);
		return NULL;
	}
	add_empty_non_terminals(z);
	return z;
}

void
zonefile_free(struct zonefile *z)
{
	if (z == NULL)
		return;
	free(z->arena);
	free(z->nodes);
	free(z->recs);
	free(z->slots);
	free(z);
}

const struct dname *
zonefile_origin(const struct zonefile *z)
{
	return &z->origin;
}

size_t
zonefile_names(const struct zonefile *z)
{
	return z->nnodes;
}

static void
put_rr(struct dns_response *resp, uint8_t section, const struct dname *owner,
    const struct zonefile *z, const struct rec *r)
{
	struct dns_rr *rr;

	if (resp->nrr == DNS_MAX_RRS) {
		resp->dropped_rrs++;
		return;
	}
	rr = &resp->rr[resp->nrr++];
	rr->section = section;
	rr->type = r->type;
	rr->rclass = DNS_CLASS_IN;
	rr->owner = *owner;
	if (r->type == DNS_TYPE_NS) {
		rr->rd.target.len = r->len;
		memcpy(rr->rd.target.wire, z->arena + r->data, r->len);
	} else if (r->type == DNS_TYPE_A) {
		addr_from_v4(&rr->rd.addr, z->arena + r->data);
	} else {
		addr_from_v6(&rr->rd.addr, z->arena + r->data);
	}
}

static void
put_records(const struct zonefile *z, const struct node *n, const struct dname *owner,
    uint16_t type, uint8_t section, struct dns_response *resp)
{
	for (uint32_t i = n->first; i != NONE; i = z->recs[i].next)
		if (z->recs[i].type == type)
			put_rr(resp, section, owner, z, &z->recs[i]);
}

/* The NS set of the cut at `cut`, with the glue the zone holds for its names. */
static void
referral(const struct zonefile *z, const struct node *cut, const struct dname *owner,
    struct dns_response *resp)
{
	put_records(z, cut, owner, DNS_TYPE_NS, DNS_AUTHORITY, resp);
	for (uint32_t i = cut->first; i != NONE; i = z->recs[i].next) {
		struct dname target;
		const struct node *glue;

		if (z->recs[i].type != DNS_TYPE_NS)
			continue;
		target.len = z->recs[i].len;
		memcpy(target.wire, z->arena + z->recs[i].data, target.len);
		if (!dname_is_under(&target, &z->origin) || (glue = find(z, &target)) == NULL)
			continue;
		put_records(z, glue, &target, DNS_TYPE_A, DNS_ADDITIONAL, resp);
		put_records(z, glue, &target, DNS_TYPE_AAAA, DNS_ADDITIONAL, resp);
	}
}

void
zonefile_answer(const struct zonefile *z, const struct dname *qname, uint16_t qtype,
    struct dns_response *resp)
{
	int below = dname_label_count(qname) - dname_label_count(&z->origin);
	const struct node *n = NULL;

	memset(resp, 0, offsetof(struct dns_response, rr));
	resp->qr = true;
	resp->qname_len = qname->len;
	memcpy(resp->qname, qname->wire, qname->len);
	resp->qtype = qtype;
	resp->qclass = DNS_CLASS_IN;
	if (!dname_is_under(qname, &z->origin)) {
		resp->rcode = DNS_RCODE_REFUSED;
		return;
	}
	/* Down from the origin: the first name with NS records is a cut. */
	for (int strip = below - 1; strip >= 0; strip--) {
		struct dname at;

		(void)dname_strip(qname, strip, &at);
		if ((n = find(z, &at)) == NULL) {
			resp->aa = true;
			resp->rcode = DNS_RCODE_NXDOMAIN;
			return;
		}
		if (n->has_ns) {
			referral(z, n, &at, resp);
			return;
		}
	}
	resp->aa = true;
	if (n == NULL)
		n = find(z, qname);	/* the origin itself */
	if (n != NULL)
		put_records(z, n, qname, qtype, DNS_ANSWER, resp);
}
