/* engine-hosts.c -- the host-address cache: each out-of-domain NS name is resolved once per scan. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "resolver-impl.h"

/* CNAME links followed inside one answer. */
#define CNAME_MAX 8

int
host_cmp(struct host *a, struct host *b)
{
	return dname_compare(&a->name, &b->name);
}

RB_GENERATE(host_tree, host, link, host_cmp)

/* A finished host with no walk out may be forgotten, oldest first, past the cache's size. */
static void
park(struct resolver *r, struct host *h)
{
	if (!h->done || h->pending > 0 || h->in_lru)
		return;
	TAILQ_INSERT_TAIL(&r->host_lru, h, lru);
	h->in_lru = true;
	r->hosts_idle++;
	r->hosts_idle_bytes += host_bytes();
	host_trim(r);
}

size_t
host_bytes(void)
{
	return sizeof(struct host) + CACHE_ENTRY_OVERHEAD;
}

/* Forget the least recently used idle names past the cache's memory (or count). */
void
host_trim(struct resolver *r)
{
	struct host *h;

	while (!r->aborting && (r->hosts_idle_bytes > r->cache_bytes || r->hosts_idle > HOST_CACHE_MAX) &&
	    (h = TAILQ_FIRST(&r->host_lru)) != NULL) {
		TAILQ_REMOVE(&r->host_lru, h, lru);
		r->hosts_idle--;
		r->hosts_idle_bytes -= host_bytes();
		r->stats.host_evictions++;
		RB_REMOVE(host_tree, &r->hosts, h);
		free(h);
	}
}

/* Used again: to the back of the line. */
static void
touch(struct resolver *r, struct host *h)
{
	if (h->in_lru) {
		TAILQ_REMOVE(&r->host_lru, h, lru);
		TAILQ_INSERT_TAIL(&r->host_lru, h, lru);
	}
}

static void
finish(struct host *h)
{
	struct host_result *res = &h->result;
	struct host_waiter *w;

	h->done = true;
	if (res->n4 + res->n6 > 0) {
		res->outcome = HOST_RESOLVED;
	} else if (h->a_outcome == WALK_NXDOMAIN) {
		res->outcome = HOST_NXDOMAIN;
		res->reason = "nxdomain";
		res->nx_zone_labels = h->nx_zone_labels;
	} else if (h->a_outcome == WALK_EXCLUDED) {
		res->outcome = HOST_EXCLUDED;
		res->reason = "excluded";
	} else if (h->a_outcome == WALK_ERROR) {
		res->outcome = HOST_ERROR;
		res->reason = h->a_reason ? h->a_reason : "error";
	} else {
		res->outcome = HOST_NO_ADDRESS;
		res->reason = "no_address";
	}
	while ((w = TAILQ_FIRST(&h->waiters)) != NULL) {
		TAILQ_REMOVE(&h->waiters, w, link);
		w->fn(w->ctx, res);
		free(w);
	}
	park(h->resolver, h);
}

/* Addresses of type qtype for name in the answer section, through CNAMEs. */
static void
collect(const struct dname *name, uint16_t qtype, const struct dns_response *resp,
    struct addr *out, size_t *n)
{
	struct dname target = *name;

	for (int hop = 0; hop < CNAME_MAX; hop++) {
		bool moved = false;

		for (size_t i = 0; i < resp->nrr && !moved; i++) {
			const struct dns_rr *rr = &resp->rr[i];

			if (rr->section == DNS_ANSWER && rr->type == DNS_TYPE_CNAME &&
			    dname_equal(&rr->owner, &target)) {
				target = rr->rd.target;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];

		if (rr->section == DNS_ANSWER && rr->type == qtype && dname_equal(&rr->owner, &target))
			(void)addr_set_add(out, n, HOST_MAX_ADDRS, &rr->rd.addr);
	}
}

static void
on_walk(struct host *h, uint16_t qtype, const struct walk_result *w)
{
	h->pending--;
	if (h->done) {
		park(h->resolver, h);	/* aborted meanwhile; now idle */
		return;
	}
	if (qtype == DNS_TYPE_A) {
		h->a_outcome = w->outcome;
		h->a_reason = w->reason;
		if (w->outcome == WALK_NXDOMAIN)
			h->nx_zone_labels = dname_label_count(&w->zone);
	}
	if (w->outcome == WALK_ANSWER) {
		if (qtype == DNS_TYPE_A)
			collect(&h->name, qtype, w->resp, h->v4, &h->result.n4);
		else
			collect(&h->name, qtype, w->resp, h->v6, &h->result.n6);
	}
	if (h->pending == 0)
		finish(h);
}

static void
on_walk_a(void *ctx, const struct walk_result *w)
{
	on_walk(ctx, DNS_TYPE_A, w);
}

static void
on_walk_aaaa(void *ctx, const struct walk_result *w)
{
	on_walk(ctx, DNS_TYPE_AAAA, w);
}

static void
fail_now(host_fn *fn, void *ctx, const char *reason)
{
	struct host_result res;

	memset(&res, 0, sizeof(res));
	res.outcome = HOST_ERROR;
	res.reason = reason;
	fn(ctx, &res);
}

void
host_chained(struct resolver *r, const struct dname *name, const struct chain *c,
    host_fn *fn, void *ctx)
{
	struct host key, *h;
	struct host_waiter *w;
	struct chain inner = *c;

	key.name = *name;
	if ((h = RB_FIND(host_tree, &r->hosts, &key)) != NULL) {
		if (h->done) {
			touch(r, h);
			r->stats.host_hits++;
			fn(ctx, &h->result);
			return;
		}
		if (chain_has(c, name)) {
			fail_now(fn, ctx, "loop");
			return;
		}
		r->stats.host_hits++;	/* joins the resolution under way: no question of its own */
	} else {
		if (!chain_push(c, name, &inner)) {
			fail_now(fn, ctx, "too_deep");
			return;
		}
		if ((h = calloc(1, sizeof(*h))) == NULL)
			err(1, "out of memory");
		r->stats.host_misses++;
		h->name = *name;
		h->resolver = r;
		h->result.v4 = h->v4;
		h->result.v6 = h->v6;
		TAILQ_INIT(&h->waiters);
		RB_INSERT(host_tree, &r->hosts, h);
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		err(1, "out of memory");
	w->fn = fn;
	w->ctx = ctx;
	TAILQ_INSERT_TAIL(&h->waiters, w, link);
	if (h->pending == 0 && !h->done) {
		/* New entry: both walks start here; either may finish at once. */
		h->pending = 3;
		walk_chained(r, name, DNS_TYPE_A, false, &inner, on_walk_a, h, 0);
		walk_chained(r, name, DNS_TYPE_AAAA, false, &inner, on_walk_aaaa, h, 0);
		if (--h->pending == 0 && !h->done)
			finish(h);
	}
}

void
host_abort_all(struct resolver *r)
{
	struct host *h;

	RB_FOREACH(h, host_tree, &r->hosts)
		if (!h->done) {
			if (h->a_reason == NULL && h->a_outcome != WALK_NXDOMAIN) {
				h->a_outcome = WALK_ERROR;
				h->a_reason = "aborted";
			}
			finish(h);
		}
}
