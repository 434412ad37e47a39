/* deleg-evidence.c -- small helpers over the evidence tables. */
#include <err.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

int
evidence_server(const struct evidence *ev, const struct addr *a)
{
	for (int i = 0; i < ev->nservers; i++)
		if (addr_equal(&ev->servers[i].addr, a))
			return i;
	return -1;
}

int
evidence_add_server(struct evidence *ev, const struct addr *a)
{
	int i = evidence_server(ev, a);

	if (i >= 0)
		return i;
	if (ev->nservers >= EV_MAX_SERVERS)
		return -1;
	if (ev->nservers == ev->servers_cap) {
		uint8_t cap = ev->servers_cap ? (uint8_t)(ev->servers_cap * 2) : 4;
		struct ev_server *v = reallocarray(ev->servers, cap, sizeof(*v));

		if (v == NULL)
			err(1, "out of memory");
		ev->servers = v;
		ev->servers_cap = cap;
	}
	memset(&ev->servers[ev->nservers], 0, sizeof(ev->servers[0]));
	ev->servers[ev->nservers].addr = *a;
	return ev->nservers++;
}

struct ev_child *
evidence_add_child(struct evidence *ev)
{
	if (ev->nchild == ev->child_cap) {
		size_t cap = ev->child_cap ? ev->child_cap * 2 : 8;
		struct ev_child *v = reallocarray(ev->child, cap, sizeof(*v));

		if (v == NULL)
			err(1, "out of memory");
		ev->child = v;
		ev->child_cap = cap;
	}
	memset(&ev->child[ev->nchild], 0, sizeof(ev->child[0]));
	return &ev->child[ev->nchild++];
}

struct ev_ns *
evidence_add_ns(struct evidence *ev)
{
	struct ev_ns *ns;

	if (ev->nns == EV_MAX_NS)
		return NULL;
	if (ev->nns == ev->ns_cap) {
		uint8_t cap = ev->ns_cap ? (uint8_t)(ev->ns_cap * 2) : 4;
		struct ev_ns *v = reallocarray(ev->ns, cap, sizeof(*v));

		if (v == NULL)
			err(1, "out of memory");
		ev->ns = v;
		ev->ns_cap = cap;
	}
	ns = &ev->ns[ev->nns++];
	/* Zero all but the address arrays, read only up to their counts:
	 * a whole entry is 800 bytes, and every domain adds a few. */
	memset(ns, 0, offsetof(struct ev_ns, glue));
	ns->nglue = ns->naddrs = 0;
	ns->resolved = ns->excluded = ns->dangling = false;
	ns->unresolved_reason = NULL;
	return ns;
}

void
evidence_clear(struct evidence *ev)
{
	struct ev_ns *ns = ev->ns;
	struct ev_server *servers = ev->servers;
	struct ev_child *child = ev->child;
	uint8_t ns_cap = ev->ns_cap, servers_cap = ev->servers_cap;
	size_t child_cap = ev->child_cap;

	memset(ev, 0, sizeof(*ev));
	ev->ns = ns;
	ev->ns_cap = ns_cap;
	ev->servers = servers;
	ev->servers_cap = servers_cap;
	ev->child = child;
	ev->child_cap = child_cap;
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
}
