/* deleg-domain.c -- what to ask next for a domain; each step starts when the previous one is complete. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "domain.h"
#include "pool.h"
#include "suffix.h"

struct domain {
	/* First: the pool's link overwrites it while the domain is spare, and
	 * domain_start sets it again (the evidence keeps its tables). */
	struct engine *engine;
	struct resolver *resolver;
	int pending;		/* questions out in the current step */
	void (*next)(struct domain *);	/* the step to run when pending reaches 0 */
	domain_done_fn *done;
	void *ctx;
	struct evidence ev;
};

/* A domain's answers are read with all of its state at hand. */
static const struct engine_reads domain_reads = { .ctx_size = sizeof(struct domain) };

/* One outstanding host resolution of a domain, naming the NS it is about. */
struct op {
	struct domain *d;
	uint8_t ns;
};

/*
 * Which NS, server and type a question of the domain is about, kept in the
 * engine's tag: the answer comes back 20-300 ms later, and an object per
 * question would be one more cache miss then.
 */
struct about {
	uint8_t ns, server;
	uint16_t qtype;
};

static uint32_t
tag_of(uint8_t ns, uint8_t server, uint16_t qtype)
{
	return (uint32_t)qtype << 16 | (uint32_t)ns << 8 | server;
}

static struct about
about_of(uint32_t tag)
{
	return (struct about){ .ns = (uint8_t)(tag >> 8), .server = (uint8_t)tag,
	    .qtype = (uint16_t)(tag >> 16) };
}

/* A question of the step starts: one more to wait for. */
static void *
asked(struct domain *d)
{
	d->pending++;
	return d;
}

static void on_host(void *ctx, const struct host_result *h);
static void probe_servers(struct domain *d);
static void ask_ns_sets(struct domain *d);
static void compare_glue(struct domain *d);
static void finish(struct domain *d);

/*
 * Finished domains and answered ops wait here for the next ones, a domain
 * with its evidence tables (a few KB, past glibc's small-object cache):
 * the window bounds both lists. One scan runs at a time in the process.
 */
static struct pool spare_domains, spare_ops;

static struct op *
op_new(struct domain *d, uint8_t ns)
{
	struct op *op = pool_get(&spare_ops, sizeof(*op));

	op->d = d;
	op->ns = ns;
	d->pending++;
	return op;
}

/* Every step holds one count of its own while it starts questions, so an
 * answer that comes back at once cannot end the step before it has begun. */
static void
step_begin(struct domain *d, void (*next)(struct domain *))
{
	d->pending = 1;
	d->next = next;
}

static void
op_done(struct domain *d)
{
	if (--d->pending == 0)
		d->next(d);
}

static int
ns_index(const struct evidence *ev, const struct dname *name)
{
	for (int i = 0; i < ev->nns; i++)
		if (evidence_name_is(ev, ev->ns[i].name, name))
			return i;
	return -1;
}

/* NS set and glue of the delegation, from the section that carries the NS records. */
static void
read_delegation(struct domain *d, const struct dns_response *resp, uint8_t section,
    const struct dname *domain)
{
	struct evidence *ev = &d->ev;
	/* The glue, gathered here first: the store takes each name's list at once. */
	struct addr glue[EV_MAX_NS][EV_MAX_ADDRS];
	size_t nglue[EV_MAX_NS] = { 0 };

	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];
		struct ev_ns *ns;

		if (rr->section != section || rr->type != DNS_TYPE_NS ||
		    !dname_equal(&rr->owner, domain) || ns_index(ev, &rr->rd.target) >= 0 ||
		    (ns = evidence_add_ns(ev)) == NULL)
			continue;
		ns->name = evidence_put_name(ev, &rr->rd.target);
		ns->in_domain = dname_is_under(&rr->rd.target, domain);
	}
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];
		int k;

		if (rr->section != DNS_ADDITIONAL ||
		    (rr->type != DNS_TYPE_A && rr->type != DNS_TYPE_AAAA) ||
		    (k = ns_index(ev, &rr->owner)) < 0 || !ev->ns[k].in_domain)
			continue;
		(void)addr_set_add(glue[k], &nglue[k], EV_MAX_ADDRS, &rr->rd.addr);
	}
	for (int k = 0; k < ev->nns; k++)
		ev->ns[k].glue = evidence_put_addrs(ev, glue[k], nglue[k]);
}

/* Is there a record of this type for owner in that section? */
static bool
has_rr(const struct dns_response *r, uint8_t section, uint16_t type, const struct dname *owner)
{
	for (size_t i = 0; i < r->nrr; i++)
		if (r->rr[i].section == section && r->rr[i].type == type &&
		    dname_equal(&r->rr[i].owner, owner))
			return true;
	return false;
}

static void
on_parent(void *ctx, const struct walk_result *w)
{
	struct domain *d = ctx;
	struct evidence *ev = &d->ev;
	struct dname domain;

	evidence_name(ev, ev->domain, &domain);
	ev->parent_zone = evidence_put_name(ev, &w->zone);
	ev->have_parent_server = w->have_server;
	ev->parent_server = w->server;
	ev->parent_rtt_ms = w->rtt_ms;
	switch (w->outcome) {
	case WALK_REFERRAL:
		ev->parent = PARENT_DELEGATED;
		read_delegation(d, w->resp, DNS_AUTHORITY, &domain);
		break;
	case WALK_ANSWER:
		/* The parent's server also serves the child and answered from it. */
		if (has_rr(w->resp, DNS_ANSWER, DNS_TYPE_NS, &domain)) {
			ev->parent = PARENT_DELEGATED;
			read_delegation(d, w->resp, DNS_ANSWER, &domain);
		} else {
			ev->parent = PARENT_NOT_DELEGATED;
		}
		break;
	case WALK_NODATA:
		ev->parent = PARENT_NOT_DELEGATED;
		break;
	case WALK_NXDOMAIN:
		ev->parent = PARENT_NXDOMAIN;
		break;
	case WALK_ERROR:
	case WALK_EXCLUDED:
		ev->parent = PARENT_ERROR;
		ev->parent_reason = w->reason;
		break;
	}
	if (ev->parent == PARENT_DELEGATED && ev->nns == 0)
		ev->parent = PARENT_NOT_DELEGATED;	/* no NS record for D: no cut */
	if (ev->parent != PARENT_DELEGATED || ev->parent_only) {
		finish(d);
		return;
	}
	step_begin(d, probe_servers);
	for (uint8_t i = 0; i < ev->nns; i++) {
		struct dname name;

		if (!ev->ns[i].in_domain)
			resolver_host(d->resolver, evidence_name(ev, ev->ns[i].name, &name), on_host,
			    op_new(d, i));
	}
	op_done(d);
}

static void
on_host(void *ctx, const struct host_result *h)
{
	struct op *op = ctx;
	struct domain *d = op->d;
	struct ev_ns *ns = &d->ev.ns[op->ns];
	struct addr addrs[EV_MAX_ADDRS];
	size_t n = 0;

	pool_put(&spare_ops, op);
	ns->resolved = h->outcome == HOST_RESOLVED;
	ns->excluded = h->outcome == HOST_EXCLUDED;
	if (h->outcome == HOST_NXDOMAIN) {
		struct dname name;

		ns->nxdomain = true;
		ns->nx_zone_labels = (uint8_t)h->nx_zone_labels;
		ns->registrable_labels = (uint8_t)suffix_registrable_labels(evidence_name(&d->ev, ns->name, &name));
	}
	ns->unresolved_reason = h->reason;
	for (size_t i = 0; i < h->n4; i++)
		(void)addr_set_add(addrs, &n, EV_MAX_ADDRS, &h->v4[i]);
	for (size_t i = 0; i < h->n6; i++)
		(void)addr_set_add(addrs, &n, EV_MAX_ADDRS, &h->v6[i]);
	ns->addrs = evidence_put_addrs(&d->ev, addrs, n);
	op_done(d);
}

static enum probe
classify_probe(const struct dname *domain, const struct dns_response *r)
{
	switch (r->rcode) {
	case DNS_RCODE_NOERROR:
		break;
	case DNS_RCODE_REFUSED:
		return PROBE_REFUSED;
	case DNS_RCODE_SERVFAIL:
		return PROBE_SERVFAIL;
	case DNS_RCODE_NXDOMAIN:
		return PROBE_NXDOMAIN;
	default:
		return PROBE_OTHER_RCODE;
	}
	if (r->aa && has_rr(r, DNS_ANSWER, DNS_TYPE_SOA, domain))
		return PROBE_AUTHORITATIVE;
	return PROBE_NOT_AUTHORITATIVE;
}

/* Server s's NS set for D: the NS records of D in that section of r. */
static void
read_ns_set(struct evidence *ev, uint8_t s, const struct dns_response *r, uint8_t section,
    const struct dname *domain)
{
	struct ev_server *sv = &ev->servers[s];

	for (size_t i = 0; i < r->nrr; i++) {
		const struct dns_rr *rr = &r->rr[i];
		int k;

		if (rr->section != section || rr->type != DNS_TYPE_NS || !dname_equal(&rr->owner, domain))
			continue;
		sv->has_ns_set = true;
		if ((k = ns_index(ev, &rr->rd.target)) >= 0)
			sv->ns_set |= (uint32_t)1 << k;
		else if ((k = evidence_add_child_ns(ev, &rr->rd.target)) >= 0)
			sv->child_ns |= (uint32_t)1 << k;
	}
}

static uint16_t
addr_qtype(int family)
{
	return family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
}

/*
 * What server s's additional section lists for each glued in-domain name, of
 * the types the glue has: evidence that may spare the explicit questions.
 * Added to what an earlier answer's additional section listed; an explicit
 * answer already there stands.
 */
static void
read_additional(struct evidence *ev, uint8_t s, const struct dns_response *r)
{
	for (uint8_t i = 0; i < ev->nns; i++) {
		const struct ev_ns *ns = &ev->ns[i];
		struct dname name;

		if (!ns->in_domain || ns->glue.n == 0)
			continue;
		evidence_name(ev, ns->name, &name);
		for (int f = 0; f < 2; f++) {
			int family = f == 0 ? AF_INET : AF_INET6;
			uint16_t qtype = addr_qtype(family);
			struct addr addrs[EV_MAX_ADDRS];
			size_t n = 0;

			struct ev_child *c;

			if (!evidence_glue_has(ev, i, family))
				continue;
			if ((c = evidence_child(ev, i, s, qtype)) != NULL && c->kind != CHILD_ADDITIONAL)
				continue;
			if (c != NULL)
				for (uint8_t k = 0; k < c->addrs.n; k++)
					(void)addr_set_add(addrs, &n, EV_MAX_ADDRS,
					    &evidence_addrs(ev, c->addrs)[k]);
			for (size_t k = 0; k < r->nrr; k++)
				if (r->rr[k].section == DNS_ADDITIONAL && r->rr[k].type == qtype &&
				    dname_equal(&r->rr[k].owner, &name))
					(void)addr_set_add(addrs, &n, EV_MAX_ADDRS, &r->rr[k].rd.addr);
			if (n > 0) {
				if (c == NULL)
					c = evidence_add_child(ev);

				c->ns = i;
				c->server = s;
				c->qtype = qtype;
				c->kind = CHILD_ADDITIONAL;
				c->addrs = evidence_put_addrs(ev, addrs, n);
			}
		}
	}
}

/* An authoritative SOA answer is evidence for steps 5 and 6 too (SPEC 2 step 4). */
static void
read_soa_answer(struct evidence *ev, uint8_t s, const struct dns_response *r,
    const struct dname *domain)
{
	for (size_t i = 0; i < r->nrr; i++)
		if (r->rr[i].section == DNS_ANSWER && r->rr[i].type == DNS_TYPE_SOA &&
		    dname_equal(&r->rr[i].owner, domain)) {
			ev->servers[s].serial = r->rr[i].serial;
			break;
		}
	read_ns_set(ev, s, r, DNS_AUTHORITY, domain);
	read_additional(ev, s, r);
}

static bool
on_probe(void *ctx, const struct xreply *x)
{
	struct domain *d = ctx;
	struct about op = about_of(x->tag);
	struct ev_server *s = &d->ev.servers[op.server];

	if (x->kind == X_TIMEOUT) {
		s->result = PROBE_TIMEOUT;
	} else if (x->kind == X_EXCLUDED) {
		s->result = PROBE_EXCLUDED;
	} else {
		struct dname domain;

		evidence_name(&d->ev, d->ev.domain, &domain);
		s->result = classify_probe(&domain, x->resp);
		s->rcode = x->resp->rcode;
		s->rtt_ms = x->rtt_ms;
		if (s->result == PROBE_AUTHORITATIVE)
			read_soa_answer(&d->ev, op.server, x->resp, &domain);
	}
	op_done(d);
	return true;
}

/* Step 4: every address of every NS name gets "D SOA"; an IPv6 one only when
 * the engine reaches it (else it stays not_probed: data, never lame). */
static void
probe_servers(struct domain *d)
{
	struct evidence *ev = &d->ev;
	struct dname domain;

	for (uint8_t i = 0; i < ev->nns; i++) {
		const struct ev_ns *ns = &ev->ns[i];
		struct ev_addrs a = ns->in_domain ? ns->glue : ns->addrs;
		const struct addr *list = evidence_addrs(ev, a);

		for (uint8_t k = 0; k < a.n; k++)
			(void)evidence_add_server(ev, &list[k]);
	}
	evidence_name(ev, ev->domain, &domain);
	step_begin(d, ask_ns_sets);
	for (uint8_t s = 0; s < ev->nservers; s++) {
		if (ev->servers[s].addr.family == AF_INET6 &&
		    !engine_reaches6(d->engine, ev->servers[s].addr.bytes))
			continue;
		engine_ask(d->engine, &domain, DNS_TYPE_SOA, &ev->servers[s].addr, 1,
		    on_probe, asked(d), &domain_reads, tag_of(0, s, DNS_TYPE_SOA));
	}
	op_done(d);
}

static bool
on_child(void *ctx, const struct xreply *x)
{
	struct domain *d = ctx;
	struct about op = about_of(x->tag);
	const struct dns_response *r = x->resp;
	struct dname name, domain;

	evidence_name(&d->ev, d->ev.ns[op.ns].name, &name);
	evidence_name(&d->ev, d->ev.domain, &domain);
	/* Only an authoritative answer is evidence; anything else says nothing of
	 * the data. A negative one must come with D's SOA (SPEC 1). */
	if (x->kind == X_ANSWER && r->aa &&
	    (r->rcode == DNS_RCODE_NOERROR || r->rcode == DNS_RCODE_NXDOMAIN) &&
	    (has_rr(r, DNS_ANSWER, op.qtype, &name) || has_rr(r, DNS_AUTHORITY, DNS_TYPE_SOA, &domain))) {
		/* The explicit answer takes the place of the additional section's. */
		struct ev_child *c = evidence_child(&d->ev, op.ns, op.server, op.qtype);
		struct addr addrs[EV_MAX_ADDRS];
		size_t n = 0;

		if (c == NULL)
			c = evidence_add_child(&d->ev);
		c->ns = op.ns;
		c->server = op.server;
		c->qtype = op.qtype;
		for (size_t i = 0; i < r->nrr; i++)
			if (r->rr[i].section == DNS_ANSWER && r->rr[i].type == op.qtype &&
			    dname_equal(&r->rr[i].owner, &name))
				(void)addr_set_add(addrs, &n, EV_MAX_ADDRS, &r->rr[i].rd.addr);
		c->addrs = evidence_put_addrs(&d->ev, addrs, n);
		c->kind = r->rcode == DNS_RCODE_NXDOMAIN ? CHILD_NXDOMAIN :
		    n > 0 ? CHILD_ADDRS : CHILD_NODATA;
	}
	op_done(d);
	return true;
}

/* A "D NS" answer: the server's NS set (step 6) and, when the question came
 * before the glue's (tag ns 1), what its additional section lists (step 5). */
static bool
on_ns_set(void *ctx, const struct xreply *x)
{
	struct domain *d = ctx;
	const struct dns_response *r = x->resp;
	struct about op = about_of(x->tag);
	struct dname domain;

	evidence_name(&d->ev, d->ev.domain, &domain);
	if (x->kind == X_ANSWER && r->aa && r->rcode == DNS_RCODE_NOERROR &&
	    has_rr(r, DNS_ANSWER, DNS_TYPE_NS, &domain)) {
		read_ns_set(&d->ev, op.server, r, DNS_ANSWER, &domain);
		if (op.ns == 1)
			read_additional(&d->ev, op.server, r);
	}
	op_done(d);
	return true;
}

/*
 * Answer-only servers (Knot DNS, PowerDNS, many providers) answer "D SOA"
 * with the SOA alone: no NS set, no addresses. Their "D NS" answer carries
 * both (NSD, BIND, Knot and PowerDNS all put the in-domain names' addresses
 * in its additional section), so each such server that leaves glue open is
 * asked that first, one question for what would be one per name and type.
 */
static void
ask_ns_sets(struct domain *d)
{
	struct evidence *ev = &d->ev;
	struct dname domain;

	evidence_name(ev, ev->domain, &domain);
	step_begin(d, compare_glue);
	for (uint8_t s = 0; s < ev->nservers; s++)
		if (ev->servers[s].result == PROBE_AUTHORITATIVE && !ev->servers[s].has_ns_set &&
		    evidence_glue_open(ev, s))
			engine_ask(d->engine, &domain, DNS_TYPE_NS, &ev->servers[s].addr, 1,
			    on_ns_set, asked(d), &domain_reads, tag_of(1, s, DNS_TYPE_NS));
	op_done(d);
}

/*
 * Steps 5 and 6: every authoritative server is asked for each glued
 * in-domain name, of each type its additional section did not confirm; and
 * when no server's answer carried D's NS set, one server for it.
 */
static void
compare_glue(struct domain *d)
{
	struct evidence *ev = &d->ev;
	int first_auth = -1;
	bool have_ns_set = false;

	step_begin(d, finish);
	for (uint8_t s = 0; s < ev->nservers; s++) {
		if (ev->servers[s].result != PROBE_AUTHORITATIVE)
			continue;
		if (first_auth < 0)
			first_auth = s;
		have_ns_set |= ev->servers[s].has_ns_set;
	}
	for (uint8_t i = 0; i < ev->nns; i++) {
		const struct ev_ns *ns = &ev->ns[i];
		struct dname name;

		if (!ns->in_domain || ns->glue.n == 0)
			continue;
		evidence_name(ev, ns->name, &name);
		for (uint8_t s = 0; s < ev->nservers; s++) {
			if (ev->servers[s].result != PROBE_AUTHORITATIVE)
				continue;
			for (int f = 0; f < 2; f++) {
				int family = f == 0 ? AF_INET : AF_INET6;
				uint16_t qtype = addr_qtype(family);

				if (evidence_glue_has(ev, i, family) && !evidence_confirmed(ev, i, s, qtype))
					engine_ask(d->engine, &name, qtype, &ev->servers[s].addr, 1,
					    on_child, asked(d), &domain_reads, tag_of(i, s, qtype));
			}
		}
	}
	if (first_auth >= 0 && !have_ns_set) {
		struct dname domain;

		engine_ask(d->engine, evidence_name(ev, ev->domain, &domain), DNS_TYPE_NS,
		    &ev->servers[first_auth].addr, 1, on_ns_set, asked(d), &domain_reads,
		    tag_of(0, (uint8_t)first_auth, DNS_TYPE_NS));
	}
	op_done(d);
}

static void
finish(struct domain *d)
{
	d->done(d->ctx, d);
}

void
domain_start(struct engine *e, struct resolver *r, const struct dname *name,
    bool parent_only, const struct walk_result *parent, domain_done_fn *done, void *ctx)
{
	struct domain *d = pool_reuse(&spare_domains);

	if (d == NULL && (d = calloc(1, sizeof(*d))) == NULL)
		err(1, "out of memory");
	evidence_clear(&d->ev);
	d->pending = 0;
	d->next = NULL;
	d->ev.domain = evidence_put_name(&d->ev, name);
	d->ev.parent_only = parent_only;
	d->engine = e;
	d->resolver = r;
	d->done = done;
	d->ctx = ctx;
	if (parent != NULL)
		on_parent(d, parent);
	else
		resolver_walk(r, name, DNS_TYPE_NS, true, on_parent, d, sizeof(*d));
}

const struct evidence *
domain_evidence(const struct domain *d)
{
	return &d->ev;
}

void
domain_free(struct domain *d)
{
	pool_put(&spare_domains, d);
}

void
domain_release_spares(void)
{
	struct domain *d;

	while ((d = pool_reuse(&spare_domains)) != NULL) {
		evidence_free(&d->ev);
		free(d);
	}
	pool_drain(&spare_ops);
}
