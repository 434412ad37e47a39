/* engine-resolver.c -- the resolver's public face: walks and host look-ups from an empty chain. */
#include <err.h>
#include <stdlib.h>

#include "resolver-impl.h"

struct resolver *
resolver_new(struct engine *e)
{
	struct resolver *r = calloc(1, sizeof(*r));

	if (r == NULL)
		err(1, "out of memory");
	r->engine = e;
	RB_INIT(&r->zones);
	RB_INIT(&r->hosts);
	RB_INIT(&r->flights);
	TAILQ_INIT(&r->zone_lru);
	TAILQ_INIT(&r->host_lru);
	resolver_set_memory(r, CACHE_DEFAULT_MEMORY);
	return r;
}

void
resolver_set_memory(struct resolver *r, uint64_t max_memory)
{
	uint64_t share = max_memory / CACHE_SHARE_DIV;

	r->cache_bytes = max_memory > 0 && share < SIZE_MAX ? (size_t)share : SIZE_MAX;
	zone_trim(r);
	host_trim(r);
}

const struct resolver_stats *
resolver_stats(const struct resolver *r)
{
	return &r->stats;
}

void
resolver_free(struct resolver *r)
{
	struct zone *z, *zn;
	struct host *h, *hn;

	if (r == NULL)
		return;
	RB_FOREACH_SAFE(z, zone_tree, &r->zones, zn) {
		RB_REMOVE(zone_tree, &r->zones, z);
		zone_free(z);
	}
	RB_FOREACH_SAFE(h, host_tree, &r->hosts, hn) {
		RB_REMOVE(host_tree, &r->hosts, h);
		free(h);
	}
	for (int k = 0; k < WALK_SIZES; k++)
		pool_drain(&r->walks[k]);
	free(r);
}

void
resolver_walk(struct resolver *r, const struct dname *qname, uint16_t qtype,
    bool find_cut, walk_fn *fn, void *ctx, size_t ctx_size)
{
	static const struct chain empty;

	walk_chained(r, qname, qtype, find_cut, &empty, fn, ctx, ctx_size);
}

void
resolver_host(struct resolver *r, const struct dname *name, host_fn *fn, void *ctx)
{
	static const struct chain empty;

	host_chained(r, name, &empty, fn, ctx);
}

void
resolver_abort(struct resolver *r)
{
	r->aborting = true;
	zone_abort_all(r);
	host_abort_all(r);
	r->aborting = false;
	zone_trim(r);
	host_trim(r);
}
