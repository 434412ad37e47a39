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
	ev->servers = reserve(ev->servers, ev->nservers, &ev->servers_cap, 4, sizeof(*ev->servers));
	memset(&ev->servers[ev->nservers], 0, sizeof(ev->servers[0]));
	ev->servers[ev->nservers].addr = *a;
	return ev->nservers++;
}

struct ev_child *
evidence_add_child(struct evidence *ev)
{
	ev->child = reserve(ev->child, ev->nchild, &ev->child_cap, 8, sizeof(*ev->child));
	memset(&ev->child[ev->nchild], 0, sizeof(ev->child[0]));
	return &ev->child[ev->nchild++];
}

struct ev_ns *
evidence_add_ns(struct evidence *ev)
{
	struct ev_ns *ns;

	if (ev->nns == EV_MAX_NS)
		return NULL;
	ev->ns = reserve(ev->ns, ev->nns, &ev->ns_cap, 4, sizeof(*ev->ns));
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
	size_t ns_cap = ev->ns_cap, servers_cap = ev->servers_cap, child_cap = ev->child_cap;

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
