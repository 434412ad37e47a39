/* engine-zones.c -- the zone-cut cache: which servers serve which zone, learnt once per scan. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "resolver-impl.h"
#include "zonefile.h"

int
zone_cmp(struct zone *a, struct zone *b)
{
	return dname_compare(&a->name, &b->name);
}

RB_GENERATE(zone_tree, zone, link, zone_cmp)

bool
chain_has(const struct chain *c, const struct dname *n)
{
	for (uint8_t i = 0; i < c->n; i++)
		if (dname_equal(&c->names[i], n))
			return true;
	return false;
}

bool
chain_push(const struct chain *c, const struct dname *n, struct chain *out)
{
	if (c->n >= CHAIN_MAX)
		return false;
	*out = *c;
	out->names[out->n++] = *n;
	return true;
}

struct zone *
zone_find(struct resolver *r, const struct dname *name)
{
	struct zone key;

	key.name = *name;
	return RB_FIND(zone_tree, &r->zones, &key);
}

struct zone *
zone_deepest(struct resolver *r, const struct dname *name, bool strictly_above)
{
	struct dname d;
	int labels = dname_label_count(name);

	for (int strip = strictly_above ? 1 : 0; strip <= labels; strip++) {
		struct zone *z;

		if (!dname_strip(name, strip, &d))
			break;
		if ((z = zone_find(r, &d)) != NULL) {
			r->stats.zone_hits += !z->pinned;
			return z;
		}
	}
	return NULL;
}

static struct zone *
zone_new(struct resolver *r, const struct dname *name)
{
	struct zone *z = calloc(1, sizeof(*z));

	if (z == NULL)
		err(1, "out of memory");
	z->name = *name;
	z->state = ZONE_UNRESOLVED;
	TAILQ_INIT(&z->waiters);
	RB_INSERT(zone_tree, &r->zones, z);
	return z;
}

static void
zone_add_ns(struct zone *z, const struct dname *ns)
{
	struct dname *v;

	for (uint8_t i = 0; i < z->nns; i++)
		if (dname_equal(&z->ns[i], ns))
			return;
	if (z->nns == ZONE_MAX_NS)
		return;
	if ((v = reallocarray(z->ns, z->nns + 1u, sizeof(*v))) == NULL)
		err(1, "out of memory");
	z->ns = v;
	z->ns[z->nns++] = *ns;
}

void
zone_free(struct zone *z)
{
	free(z->ns);
	free(z);
}

static bool
idle(const struct zone *z)
{
	return !z->pinned && z->users == 0 && z->pending == 0 && z->state != ZONE_RESOLVING;
}

void
zone_use(struct resolver *r, struct zone *z)
{
	if (z->in_lru) {
		TAILQ_REMOVE(&r->zone_lru, z, lru);
		z->in_lru = false;
		r->zones_idle--;
		r->zones_idle_bytes -= z->lru_bytes;
	}
	z->users++;
}

size_t
zone_bytes(const struct zone *z)
{
	return sizeof(*z) + z->nns * sizeof(*z->ns) + 2 * CACHE_ENTRY_OVERHEAD;
}

/* Forget the least recently used idle zones past the cache's memory (or count). */
void
zone_trim(struct resolver *r)
{
	struct zone *z;

	while (!r->aborting && (r->zones_idle_bytes > r->cache_bytes || r->zones_idle > ZONE_CACHE_MAX) &&
	    (z = TAILQ_FIRST(&r->zone_lru)) != NULL) {
		TAILQ_REMOVE(&r->zone_lru, z, lru);
		r->zones_idle--;
		r->zones_idle_bytes -= z->lru_bytes;
		r->stats.zone_evictions++;
		RB_REMOVE(zone_tree, &r->zones, z);
		zone_free(z);
	}
}

void
zone_release(struct resolver *r, struct zone *z)
{
	z->users--;
	if (!idle(z) || z->in_lru)
		return;
	TAILQ_INSERT_TAIL(&r->zone_lru, z, lru);
	z->in_lru = true;
	r->zones_idle++;
	z->lru_bytes = zone_bytes(z);
	r->zones_idle_bytes += z->lru_bytes;
	zone_trim(r);
}

/* Both families: the engine asks the IPv6 ones only when it has IPv6. */
static void
zone_add_addr(struct zone *z, const struct addr *a)
{
	size_t n = z->naddrs;

	if (addr_set_add(z->addrs, &n, ENGINE_MAX_SERVERS, a))
		z->naddrs = (uint8_t)n;
	if (z->naddrs > 0 && z->state == ZONE_UNRESOLVED)
		z->state = ZONE_READY;
}

size_t
resolver_add_hints(struct resolver *r, const struct hints *h)
{
	size_t count = 0;

	for (size_t i = 0; i < h->n; i++) {
		struct zone *z;

		if (h->v[i].type != DNS_TYPE_NS)
			continue;
		if ((z = zone_find(r, &h->v[i].owner)) == NULL) {
			z = zone_new(r, &h->v[i].owner);
			z->pinned = true;
			count++;
		}
		zone_add_ns(z, &h->v[i].target);
		for (size_t j = 0; j < h->n; j++)
			if ((h->v[j].type == DNS_TYPE_A || h->v[j].type == DNS_TYPE_AAAA) &&
			    dname_equal(&h->v[j].owner, &h->v[i].target))
				zone_add_addr(z, &h->v[j].addr);
	}
	return count;
}

void
resolver_add_zonefile(struct resolver *r, const struct zonefile *zf)
{
	struct zone *z = zone_find(r, zonefile_origin(zf));

	if (z == NULL)
		z = zone_new(r, zonefile_origin(zf));
	z->file = zf;
	z->state = ZONE_READY;
	z->pinned = true;
}

struct zone *
zone_learn(struct resolver *r, const struct dname *owner, const struct dns_response *resp,
    const struct dname *bailiwick)
{
	struct zone *z = zone_find(r, owner);

	if (z != NULL)
		return z;
	z = zone_new(r, owner);
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];

		if (rr->section == DNS_AUTHORITY && rr->type == DNS_TYPE_NS &&
		    dname_equal(&rr->owner, owner))
			zone_add_ns(z, &rr->rd.target);
	}
	/* Glue is believed only for names the answering server is responsible for. */
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];

		if (rr->section != DNS_ADDITIONAL ||
		    (rr->type != DNS_TYPE_A && rr->type != DNS_TYPE_AAAA) ||
		    !dname_is_under(&rr->owner, bailiwick))
			continue;
		for (uint8_t k = 0; k < z->nns; k++)
			if (dname_equal(&rr->owner, &z->ns[k]))
				zone_add_addr(z, &rr->rd.addr);
	}
	return z;
}

static void
wake(struct zone *z)
{
	struct waiter *w;

	while ((w = TAILQ_FIRST(&z->waiters)) != NULL) {
		TAILQ_REMOVE(&z->waiters, w, link);
		w->fn(w->ctx);
		free(w);
	}
}

static void
settle(struct zone *z)
{
	if (z->state != ZONE_RESOLVING || z->pending > 0)
		return;
	z->state = z->naddrs > 0 ? ZONE_READY : ZONE_DEAD;
	wake(z);
}

static void
on_ns_host(void *ctx, const struct host_result *h)
{
	struct zone *z = ctx;

	z->pending--;
	if (z->state != ZONE_RESOLVING)
		return;		/* aborted meanwhile */
	for (size_t i = 0; i < h->n4; i++)
		zone_add_addr(z, &h->v4[i]);
	for (size_t i = 0; i < h->n6; i++)
		zone_add_addr(z, &h->v6[i]);
	settle(z);
}

/* A glueless zone: find its servers' addresses by walking to their names. */
static void
zone_resolve(struct resolver *r, struct zone *z, const struct chain *c)
{
	struct chain inner;
	uint8_t n = z->nns < ZONE_RESOLVE_NS ? z->nns : ZONE_RESOLVE_NS;

	z->state = ZONE_RESOLVING;
	if (!chain_push(c, &z->name, &inner) || n == 0) {
		settle(z);
		return;
	}
	z->pending = n + 1;	/* +1 holds settle() back until every lookup has started */
	for (uint8_t i = 0; i < n; i++)
		host_chained(r, &z->ns[i], &inner, on_ns_host, z);
	z->pending--;
	settle(z);
}

bool
zone_wait(struct resolver *r, struct zone *z, const struct chain *c, void (*fn)(void *), void *ctx)
{
	struct waiter *w;

	if (z->state == ZONE_RESOLVING && chain_has(c, &z->name))
		return false;
	if (z->state == ZONE_UNRESOLVED)
		zone_resolve(r, z, c);
	if (z->state == ZONE_READY || z->state == ZONE_DEAD) {
		fn(ctx);
		return true;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		err(1, "out of memory");
	w->fn = fn;
	w->ctx = ctx;
	TAILQ_INSERT_TAIL(&z->waiters, w, link);
	return true;
}

void
zone_abort_all(struct resolver *r)
{
	struct zone *z;

	RB_FOREACH(z, zone_tree, &r->zones) {
		if (z->state == ZONE_RESOLVING) {
			z->state = z->naddrs > 0 ? ZONE_READY : ZONE_DEAD;
			wake(z);
		}
	}
}
