/* deleg-evidence.c -- the evidence tables and the store that packs their names and addresses. */
#include <err.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "evidence.h"

/*
 * First sizes, for the common domain (two NS names, an address each, asked
 * for from two servers), and the sizes past which a table is given back
 * when the domain ends: the pool of domains keeps each one's tables, so a
 * rare large domain must not leave them large for all that follow.
 */
#define NS_FIRST 2
#define SERVERS_FIRST 2
#define CHILD_FIRST 4
#define CHILD_NS_FIRST 2
#define STORE_FIRST 192
#define NS_KEEP 8
#define SERVERS_KEEP 8
#define CHILD_KEEP 16
#define CHILD_NS_KEEP 8
#define STORE_KEEP 1024

int
evidence_server(const struct evidence *ev, const struct addr *a)
{
	for (int i = 0; i < ev->nservers; i++)
		if (addr_equal(&ev->servers[i].addr, a))
			return i;
	return -1;
}

_Static_assert(NS_FIRST * sizeof(struct ev_ns) + SERVERS_FIRST * sizeof(struct ev_server) +
    CHILD_FIRST * sizeof(struct ev_child) + CHILD_NS_FIRST * sizeof(struct ev_name) +
    STORE_FIRST <= EV_FIRST_BYTES, "the first tables fit in place");

static bool
in_place(const struct evidence *ev, const void *v)
{
	return (const uint8_t *)v >= ev->first && (const uint8_t *)v < ev->first + EV_FIRST_BYTES;
}

/* len bytes of the room in place, or NULL when it is spent. */
static void *
take_in_place(struct evidence *ev, size_t len)
{
	size_t at = ev->first_used;

	len = (len + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	if (at + len > EV_FIRST_BYTES)
		return NULL;
	ev->first_used = (uint16_t)(at + len);
	return ev->first + at;
}

/* Table v of *cap entries of size bytes, for at least `need` entries: in
 * place at first when there is room, then on the heap, doubling. */
static void *
grow_table(struct evidence *ev, void *v, size_t need, uint32_t *cap, size_t first, size_t size)
{
	size_t ncap = *cap ? (size_t)*cap * 2 : first;
	void *grown;

	while (ncap < need)
		ncap *= 2;
	if (*cap == 0 && ncap == first && (grown = take_in_place(ev, first * size)) != NULL) {
		*cap = first;
		return grown;
	}
	if (!in_place(ev, v))
		grown = reallocarray(v, ncap, size);
	else if ((grown = reallocarray(NULL, ncap, size)) != NULL)
		memcpy(grown, v, *cap * size);
	if (grown == NULL)
		err(1, "out of memory");
	*cap = (uint32_t)ncap;
	return grown;
}

/* Room for entry n in table v of *cap entries, doubling from first. */
static void *
reserve(struct evidence *ev, void *v, size_t n, uint32_t *cap, size_t first, size_t size)
{
	return n < *cap ? v : grow_table(ev, v, n + 1, cap, first, size);
}

int
evidence_add_server(struct evidence *ev, const struct addr *a)
{
	int i = evidence_server(ev, a);

	if (i >= 0)
		return i;
	if (ev->nservers >= EV_MAX_SERVERS)
		return -1;
	ev->servers = reserve(ev, ev->servers, ev->nservers, &ev->servers_cap, SERVERS_FIRST,
	    sizeof(*ev->servers));
	memset(&ev->servers[ev->nservers], 0, sizeof(ev->servers[0]));
	ev->servers[ev->nservers].addr = *a;
	return ev->nservers++;
}

struct ev_child *
evidence_add_child(struct evidence *ev)
{
	ev->child = reserve(ev, ev->child, ev->nchild, &ev->child_cap, CHILD_FIRST, sizeof(*ev->child));
	memset(&ev->child[ev->nchild], 0, sizeof(ev->child[0]));
	return &ev->child[ev->nchild++];
}

struct ev_child *
evidence_child(struct evidence *ev, uint8_t ns, uint8_t server, uint16_t qtype)
{
	for (size_t i = 0; i < ev->nchild; i++) {
		struct ev_child *c = &ev->child[i];

		if (c->ns == ns && c->server == server && c->qtype == qtype)
			return c;
	}
	return NULL;
}

int
evidence_add_child_ns(struct evidence *ev, const struct dname *name)
{
	for (int i = 0; i < ev->nchild_ns; i++)
		if (evidence_name_is(ev, ev->child_ns[i], name))
			return i;
	if (ev->nchild_ns == EV_MAX_NS)
		return -1;
	ev->child_ns = reserve(ev, ev->child_ns, ev->nchild_ns, &ev->child_ns_cap, CHILD_NS_FIRST,
	    sizeof(*ev->child_ns));
	ev->child_ns[ev->nchild_ns] = evidence_put_name(ev, name);
	return ev->nchild_ns++;
}

struct ev_ns *
evidence_add_ns(struct evidence *ev)
{
	struct ev_ns *ns;

	if (ev->nns == EV_MAX_NS)
		return NULL;
	ev->ns = reserve(ev, ev->ns, ev->nns, &ev->ns_cap, NS_FIRST, sizeof(*ev->ns));
	ns = &ev->ns[ev->nns++];
	memset(ns, 0, sizeof(*ns));
	return ns;
}

/* Room for len more bytes in the store; their offset. */
static uint32_t
store_reserve(struct evidence *ev, size_t len)
{
	size_t off = ev->store_len;

	if (off + len > ev->store_cap)
		ev->store = grow_table(ev, ev->store, off + len, &ev->store_cap, STORE_FIRST, 1);
	ev->store_len += len;
	return (uint32_t)off;
}

struct ev_name
evidence_put_name(struct evidence *ev, const struct dname *n)
{
	struct ev_name ref = { store_reserve(ev, n->len), n->len };

	memcpy(ev->store + ref.off, n->wire, n->len);
	return ref;
}

struct ev_addrs
evidence_put_addrs(struct evidence *ev, const struct addr *list, size_t n)
{
	struct ev_addrs ref = { 0, (uint8_t)n };

	if (n > 0) {
		ref.off = store_reserve(ev, n * sizeof(*list));
		memcpy(ev->store + ref.off, list, n * sizeof(*list));
	}
	return ref;
}

/* struct addr is all bytes: a list of them needs no alignment in the store. */
_Static_assert(_Alignof(struct addr) == 1, "addresses are stored unaligned");

const struct addr *
evidence_addrs(const struct evidence *ev, struct ev_addrs a)
{
	return a.n == 0 ? NULL : (const struct addr *)(ev->store + a.off);
}

const struct dname *
evidence_name(const struct evidence *ev, struct ev_name n, struct dname *out)
{
	out->len = n.len;
	if (n.len > 0)
		memcpy(out->wire, ev->store + n.off, n.len);
	return out;
}

bool
evidence_name_is(const struct evidence *ev, struct ev_name n, const struct dname *d)
{
	return n.len == d->len && memcmp(ev->store + n.off, d->wire, n.len) == 0;
}

/* Give a table back when it grew past what most domains need; one in place
 * is left there, as the room in place starts over. */
static void
shrink(struct evidence *ev, void **v, uint32_t *cap, size_t keep)
{
	if (in_place(ev, *v) || *cap > keep) {
		if (!in_place(ev, *v))
			free(*v);
		*v = NULL;
		*cap = 0;
	}
}

void
evidence_clear(struct evidence *ev)
{
	void *ns = ev->ns, *servers = ev->servers, *child = ev->child, *child_ns = ev->child_ns;
	void *store = ev->store;
	uint32_t ns_cap = ev->ns_cap, servers_cap = ev->servers_cap, child_cap = ev->child_cap;
	uint32_t child_ns_cap = ev->child_ns_cap, store_cap = ev->store_cap;

	shrink(ev, &ns, &ns_cap, NS_KEEP);
	shrink(ev, &servers, &servers_cap, SERVERS_KEEP);
	shrink(ev, &child, &child_cap, CHILD_KEEP);
	shrink(ev, &child_ns, &child_ns_cap, CHILD_NS_KEEP);
	shrink(ev, &store, &store_cap, STORE_KEEP);
	/* The room in place is not cleared: what takes it writes it first. */
	memset(ev, 0, offsetof(struct evidence, first));
	ev->ns = ns;
	ev->ns_cap = ns_cap;
	ev->servers = servers;
	ev->servers_cap = servers_cap;
	ev->child = child;
	ev->child_cap = child_cap;
	ev->child_ns = child_ns;
	ev->child_ns_cap = child_ns_cap;
	ev->store = store;
	ev->store_cap = store_cap;
}

void
evidence_free(struct evidence *ev)
{
	/* Kept up to no size: every table goes. */
	shrink(ev, (void **)&ev->servers, &ev->servers_cap, 0);
	shrink(ev, (void **)&ev->ns, &ev->ns_cap, 0);
	shrink(ev, (void **)&ev->child, &ev->child_cap, 0);
	shrink(ev, (void **)&ev->child_ns, &ev->child_ns_cap, 0);
	shrink(ev, (void **)&ev->store, &ev->store_cap, 0);
	ev->nservers = ev->nns = ev->nchild_ns = 0;
	ev->nchild = ev->store_len = ev->first_used = 0;
}

bool
evidence_glue_has(const struct evidence *ev, uint8_t ns, int family)
{
	const struct ev_ns *n = &ev->ns[ns];
	const struct addr *glue = evidence_addrs(ev, n->glue);

	for (uint8_t k = 0; k < n->glue.n; k++)
		if (glue[k].family == family)
			return true;
	return false;
}

bool
evidence_confirmed(const struct evidence *ev, uint8_t ns, uint8_t s, uint16_t qtype)
{
	const struct ev_ns *n = &ev->ns[ns];
	const struct addr *glue = evidence_addrs(ev, n->glue);
	const struct ev_child *c = NULL;

	for (uint32_t i = 0; i < ev->nchild && c == NULL; i++)
		if (ev->child[i].ns == ns && ev->child[i].server == s && ev->child[i].qtype == qtype)
			c = &ev->child[i];
	if (c == NULL)
		return false;
	for (uint8_t k = 0; k < n->glue.n; k++)
		if ((glue[k].family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA) == qtype &&
		    !addr_set_has(evidence_addrs(ev, c->addrs), c->addrs.n, &glue[k]))
			return false;
	return true;
}

bool
evidence_glue_open(const struct evidence *ev, uint8_t s)
{
	for (uint8_t i = 0; i < ev->nns; i++) {
		if (!ev->ns[i].in_domain || ev->ns[i].glue.n == 0)
			continue;
		if ((evidence_glue_has(ev, i, AF_INET) && !evidence_confirmed(ev, i, s, DNS_TYPE_A)) ||
		    (evidence_glue_has(ev, i, AF_INET6) && !evidence_confirmed(ev, i, s, DNS_TYPE_AAAA)))
			return true;
	}
	return false;
}
