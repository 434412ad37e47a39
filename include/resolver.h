/* resolver.h -- iterative walks from known zones, with the zone-cut and host-address caches. */
#ifndef GLUESCAN_RESOLVER_H
#define GLUESCAN_RESOLVER_H

#include <stdbool.h>

#include "addr.h"
#include "dname.h"
#include "dnsmsg.h"
#include "engine.h"
#include "hints.h"

#define HOST_MAX_ADDRS 8

struct resolver;

enum walk_outcome {
	WALK_REFERRAL,	/* find_cut: a referral whose owner is the name asked */
	WALK_ANSWER,	/* authoritative answer with records for the name */
	WALK_NXDOMAIN,
	WALK_NODATA,	/* authoritative, no record of that type */
	WALK_ERROR,
	WALK_EXCLUDED,	/* the servers to ask are all in the --exclude list */
};

struct walk_result {
	enum walk_outcome outcome;
	const struct dns_response *resp;	/* valid during the callback; NULL on WALK_ERROR */
	struct dname zone;			/* the zone whose server gave it */
	bool have_server;
	struct addr server;
	double rtt_ms;
	const char *reason;	/* WALK_ERROR: timeout, refused, servfail, no_servers, too_deep, loop, not_authoritative */
};

typedef void walk_fn(void *ctx, const struct walk_result *r);

enum host_outcome { HOST_RESOLVED, HOST_NXDOMAIN, HOST_NO_ADDRESS, HOST_ERROR, HOST_EXCLUDED };

struct host_result {
	enum host_outcome outcome;
	int nx_zone_labels;	/* HOST_NXDOMAIN: the labels of the zone that said so */
	const char *reason;
	const struct addr *v4, *v6;
	size_t n4, n6;
};

typedef void host_fn(void *ctx, const struct host_result *r);

/* How the zone-cut and host caches fared, for --stats. */
struct resolver_stats {
	uint64_t host_hits;		/* a name asked for again: from the cache, or joining its resolution */
	uint64_t host_misses;		/* a name resolved (again, after an eviction) */
	uint64_t host_evictions;	/* idle names forgotten to stay within memory */
	uint64_t zone_hits;		/* a walk that began at a learnt zone, not at the hints */
	uint64_t zone_evictions;	/* idle learnt zones forgotten */
};

struct resolver *resolver_new(struct engine *e);
void resolver_free(struct resolver *r);
/* The caches keep their idle entries within a share of this bound on the
 * scanner's memory (--max-memory; 0: no bound). */
void resolver_set_memory(struct resolver *r, uint64_t max_memory);
const struct resolver_stats *resolver_stats(const struct resolver *r);
/* Seed the zone-cut cache; returns how many zones it learnt. */
size_t resolver_add_hints(struct resolver *r, const struct hints *h);
struct zonefile;
/* Answer the zone of this file from it instead of asking its servers. */
void resolver_add_zonefile(struct resolver *r, const struct zonefile *zf);

/*
 * Ask qname/qtype starting at the deepest known zone above it, following
 * referrals (and caching the zones they reveal). With find_cut the walk
 * starts strictly above qname and ends at the referral for qname itself.
 * fn may be called before resolver_walk returns. ctx_size: the bytes of ctx
 * fn reads, fetched with the answer that ends the walk (engine_reads).
 */
void resolver_walk(struct resolver *r, const struct dname *qname, uint16_t qtype,
    bool find_cut, walk_fn *fn, void *ctx, size_t ctx_size);
/* Addresses of a host name, cached for the whole scan. fn may be called at once. */
void resolver_host(struct resolver *r, const struct dname *name, host_fn *fn, void *ctx);
/* Fail everything that waits on a zone or host still being resolved (used
 * when the scan is drained: they can no longer complete). */
void resolver_abort(struct resolver *r);

#endif
