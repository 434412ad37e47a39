/* deleg-evidence.c -- the evidence tables and the store that packs their names and addresses. */
#include <err.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* Room for entry n in table v of *cap entries, doubling from first. */
static void *
reserve(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : first;
	if ((v = reallocarray(v, *cap, size)) == NULL)
		err(1, "out of memory");
	return v;
}

int
evidence_add_server(struct evidence *ev, const struct addr *a)
{
	int i = evidence_server(ev, a);

	if (i >= 0)
		return i;
	if (ev->nservers >= EV_MAX_SERVERS)
		return -1;
	ev->servers = reserve(ev->servers, ev->nservers, &ev->servers_cap, SERVERS_FIRST,
	    sizeof(*ev->servers));
	memset(&ev->servers[ev->nservers], 0, sizeof(ev->servers[0]));
	ev->servers[ev->nservers].addr = *a;
	return ev->nservers++;
}

struct ev_child *
evidence_add_child(struct evidence *ev)
{
	ev->child = reserve(ev->child, ev->nchild, &ev->child_cap, CHILD_FIRST, sizeof(*ev->child));
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
	ev->child_ns = reserve(ev->child_ns, ev->nchild_ns, &ev->child_ns_cap, CHILD_NS_FIRST,
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
	ev->ns = reserve(ev->ns, ev->nns, &ev->ns_cap, NS_FIRST, sizeof(*ev->ns));
	ns = &ev->ns[ev->nns++];
	memset(ns, 0, sizeof(*ns));
	return ns;
}

/* Room for len more bytes in the store; their offset. */
static uint32_t
store_reserve(struct evidence *ev, size_t len)
{
	size_t off = ev->store_len;

	if (off + len > ev->store_cap) {
		size_t cap = ev->store_cap ? ev->store_cap : STORE_FIRST;

		while (cap < off + len)
			cap *= 2;
		if ((ev->store = realloc(ev->store, cap)) == NULL)
			err(1, "out of memory");
		ev->store_cap = cap;
	}
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

/* Give a table back when it grew past what most domains need. */
static void
shrink(void **v, size_t *cap, size_t keep)
{
	if (*cap > keep) {
		free(*v);
		*v = NULL;
		*cap = 0;
	}
}

void
evidence_clear(struct evidence *ev)
{
	struct evidence kept = *ev;

	shrink((void **)&kept.ns, &kept.ns_cap, NS_KEEP);
	shrink((void **)&kept.servers, &kept.servers_cap, SERVERS_KEEP);
	shrink((void **)&kept.child, &kept.child_cap, CHILD_KEEP);
	shrink((void **)&kept.child_ns, &kept.child_ns_cap, CHILD_NS_KEEP);
	shrink((void **)&kept.store, &kept.store_cap, STORE_KEEP);
	memset(ev, 0, sizeof(*ev));
	ev->ns = kept.ns;
	ev->ns_cap = kept.ns_cap;
	ev->servers = kept.servers;
	ev->servers_cap = kept.servers_cap;
	ev->child = kept.child;
	ev->child_cap = kept.child_cap;
	ev->child_ns = kept.child_ns;
	ev->child_ns_cap = kept.child_ns_cap;
	ev->store = kept.store;
	ev->store_cap = kept.store_cap;
}

void
evidence_free(struct evidence *ev)
{
	free(ev->servers);
	ev->servers = NULL;
	ev->nservers = ev->servers_cap = 0;
	free(ev->ns);
	ev->ns = NULL;
	ev->nns = ev->ns_cap = 0;
	free(ev->child);
	ev->child = NULL;
	ev->nchild = ev->child_cap = 0;
	free(ev->child_ns);
	ev->child_ns = NULL;
	ev->nchild_ns = ev->child_ns_cap = 0;
	free(ev->store);
	ev->store = NULL;
	ev->store_len = ev->store_cap = 0;
}
