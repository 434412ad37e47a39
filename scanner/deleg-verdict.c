/* deleg-verdict.c -- findings and status from evidence; no I/O, no state: the same evidence, the same verdict. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "verdict.h"

static struct problem *
add(struct verdict *v, enum problem_kind kind, uint8_t ns)
{
	struct problem *p;

	if (v->nproblems == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct problem *np = reallocarray(v->problems, cap, sizeof(*np));

		if (np == NULL)
			err(1, "out of memory");
		v->problems = np;
		v->cap = cap;
	}
	p = &v->problems[v->nproblems++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->ns = ns;
	return p;
}

static bool
is_lame(enum probe p)
{
	return p != PROBE_NOT_PROBED && p != PROBE_AUTHORITATIVE && p != PROBE_EXCLUDED;
}

static const char *
lame_reason(const struct ev_server *s)
{
	return probe_name(s->result);
}

/* Glue address g of NS i: which authoritative servers answered for the name
 * in g's family without listing g. */
static uint64_t
servers_without(const struct evidence *ev, uint8_t i, const struct addr *g)
{
	uint16_t qtype = g->family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
	uint64_t mask = 0;

	for (size_t c = 0; c < ev->nchild; c++) {
		const struct ev_child *ch = &ev->child[c];

		/* An additional section confirms, never contradicts (SPEC 2 step 5). */
		if (ch->ns != i || ch->qtype != qtype || ch->kind == CHILD_ADDITIONAL)
			continue;
		if (!addr_set_has(evidence_addrs(ev, ch->addrs), ch->addrs.n, g))
			mask |= (uint64_t)1 << ch->server;
	}
	return mask;
}

static void
check_glue(const struct evidence *ev, uint8_t i, struct verdict *v)
{
	const struct ev_ns *ns = &ev->ns[i];
	const struct addr *glue = evidence_addrs(ev, ns->glue);
	struct addr only[EV_MAX_ADDRS * 2];
	size_t nonly = 0;

	for (uint8_t g = 0; g < ns->glue.n; g++) {
		uint64_t mask = servers_without(ev, i, &glue[g]);

		if (mask != 0) {
			struct problem *p = add(v, PROBLEM_MISMATCHED, i);

			p->has_addr = true;
			p->addr = glue[g];
			p->servers = mask;
		}
	}
	for (size_t c = 0; c < ev->nchild; c++) {
		const struct ev_child *ch = &ev->child[c];
		const struct addr *addrs = evidence_addrs(ev, ch->addrs);

		if (ch->ns != i)
			continue;
		for (uint8_t k = 0; k < ch->addrs.n; k++) {
			if (addr_set_has(glue, ns->glue.n, &addrs[k]) ||
			    addr_set_has(only, nonly, &addrs[k]))
				continue;
			only[nonly++] = addrs[k];
			struct problem *p = add(v, PROBLEM_CHILD_ONLY, i);

			p->has_addr = true;
			p->addr = addrs[k];
			if (nonly == EV_MAX_ADDRS * 2)
				return;
		}
	}
}

static void
check_servers(const struct evidence *ev, uint8_t i, struct verdict *v)
{
	const struct ev_ns *ns = &ev->ns[i];
	struct ev_addrs a = ns->in_domain ? ns->glue : ns->addrs;
	const struct addr *list = evidence_addrs(ev, a);
	uint8_t n = a.n;

	if (!ns->in_domain && !ns->resolved && !ns->excluded) {
		struct problem *p = add(v, PROBLEM_LAME, i);

		p->reason = "unresolvable";
		/* ns1.shop.co.uk, NXDOMAIN from co.uk (or above): shop.co.uk is free
		 * to register. From shop.co.uk itself: only a name in it is missing. */
		p->dangling = ns->nxdomain && ns->registrable_labels > ns->nx_zone_labels;
		return;
	}
	for (uint8_t k = 0; k < n; k++) {
		int s = evidence_server(ev, &list[k]);

		if (s >= 0 && is_lame(ev->servers[s].result)) {
			struct problem *p = add(v, PROBLEM_LAME, i);

			p->has_addr = true;
			p->addr = list[k];
			p->reason = lame_reason(&ev->servers[s]);
		}
	}
}

/*
 * Each server's NS set against the parent's (SPEC 2 step 6). A parent set
 * of EV_MAX_NS names may have been cut there, and the names cut off would
 * pass for the child's own: such a set is not compared.
 */
static void
check_ns_sets(const struct evidence *ev, struct verdict *v)
{
	uint32_t parent, parent_only = 0, child_only = 0;
	uint64_t servers = 0;

	if (ev->nns >= EV_MAX_NS)
		return;
	parent = ((uint32_t)1 << ev->nns) - 1;
	for (uint8_t s = 0; s < ev->nservers; s++) {
		const struct ev_server *sv = &ev->servers[s];

		if (sv->result != PROBE_AUTHORITATIVE || !sv->has_ns_set ||
		    (sv->ns_set == parent && sv->child_ns == 0))
			continue;
		parent_only |= parent & ~sv->ns_set;
		child_only |= sv->child_ns;
		servers |= (uint64_t)1 << s;
	}
	if (servers != 0) {
		struct problem *p = add(v, PROBLEM_NS_SET, 0);

		p->parent_only = parent_only;
		p->child_only = child_only;
		p->servers = servers;
	}
}

static void
check_serials(const struct evidence *ev, struct verdict *v)
{
	uint64_t servers = 0;
	bool differ = false;
	int first = -1;

	for (uint8_t s = 0; s < ev->nservers; s++) {
		if (ev->servers[s].result != PROBE_AUTHORITATIVE)
			continue;
		servers |= (uint64_t)1 << s;
		if (first < 0)
			first = s;
		else if (ev->servers[s].serial != ev->servers[first].serial)
			differ = true;
	}
	if (differ)
		add(v, PROBLEM_SERIAL, 0)->servers = servers;
}

static bool
has(const struct verdict *v, enum problem_kind kind)
{
	for (size_t i = 0; i < v->nproblems; i++)
		if (v->problems[i].kind == kind)
			return true;
	return false;
}

void
verdict_decide(const struct evidence *ev, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	switch (ev->parent) {
	case PARENT_NXDOMAIN:
		v->status = STATUS_NXDOMAIN;
		return;
	case PARENT_NOT_DELEGATED:
		v->status = STATUS_NOT_DELEGATED;
		return;
	case PARENT_ERROR:
		v->status = STATUS_ERROR;
		return;
	case PARENT_DELEGATED:
		break;
	}
	for (uint8_t i = 0; i < ev->nns; i++)
		if (ev->ns[i].in_domain && ev->ns[i].glue.n == 0)
			add(v, PROBLEM_MISSING, i);
	if (ev->parent_only) {
		/* No name was resolved and no server asked: nothing else was
		 * checked, so nothing else is a finding. */
		v->status = has(v, PROBLEM_MISSING) ? STATUS_MISSING : STATUS_DELEGATED;
		return;
	}
	for (uint8_t i = 0; i < ev->nns; i++)
		if (ev->ns[i].in_domain)
			check_glue(ev, i, v);
	for (uint8_t i = 0; i < ev->nns; i++)
		check_servers(ev, i, v);
	check_ns_sets(ev, v);
	check_serials(ev, v);
	for (uint8_t s = 0; s < ev->nservers; s++)
		if (ev->servers[s].result == PROBE_AUTHORITATIVE)
			v->resolvable = true;
	if (has(v, PROBLEM_MISSING))
		v->status = STATUS_MISSING;
	else if (has(v, PROBLEM_MISMATCHED))
		v->status = STATUS_MISMATCHED;
	else if (has(v, PROBLEM_LAME))
		v->status = STATUS_LAME;
	else
		v->status = STATUS_OK;
}

void
verdict_free(struct verdict *v)
{
	free(v->problems);
	memset(v, 0, sizeof(*v));
}

const char *
status_name(enum status s)
{
	static const char *names[] = {
		"nxdomain", "not_delegated", "error", "missing", "mismatched", "lame", "ok",
		"delegated",
	};

	return s < STATUS_COUNT ? names[s] : "?";
}

const char *
problem_name(enum problem_kind k)
{
	static const char *names[] = {
		"missing", "mismatched", "lame", "child_only", "ns_set", "serial",
	};

	return k <= PROBLEM_SERIAL ? names[k] : "?";
}

const char *
probe_name(enum probe p)
{
	static const char *names[] = {
		"not_probed", "authoritative", "timeout", "refused", "servfail",
		"not_authoritative", "nxdomain", "bad_rcode", "excluded",
	};

	return p <= PROBE_EXCLUDED ? names[p] : "?";
}
