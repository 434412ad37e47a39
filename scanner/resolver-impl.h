/* resolver-impl.h -- what the walk, the zone-cut cache and the host cache share inside the resolver. */
#ifndef GLUESCAN_RESOLVER_IMPL_H
#define GLUESCAN_RESOLVER_IMPL_H

#include <stdint.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include "pool.h"
#include "resolver.h"

/* Referrals one walk may follow; names nest deeper than this only in attacks. */
#define WALK_MAX_REFERRALS 16
/* Nested resolutions (a glueless zone whose server name needs a walk of its own ...). */
#define CHAIN_MAX 4
#define ZONE_MAX_NS 16
/* NS names of a glueless zone we resolve before giving up on it. */
#define ZONE_RESOLVE_NS 4
/*
 * Idle learned zones and resolved host names are kept while they fit in a
 * share of --max-memory each (resolver_set_memory): past that the least
 * recently used idle one is forgotten, so memory is bounded whatever the
 * input (zones from the hints and zone files always stay). The internet has
 * millions of NS names; each is asked once while they fit. A build may bound
 * the caches by count as well (the tinycache test build: one entry each).
 */
#define CACHE_SHARE_DIV 8
/* Until resolver_set_memory says otherwise: the default --max-memory's most. */
#define CACHE_DEFAULT_MEMORY (1ull << 30)
#ifndef ZONE_CACHE_MAX
#define ZONE_CACHE_MAX SIZE_MAX
#endif
#ifndef HOST_CACHE_MAX
#define HOST_CACHE_MAX SIZE_MAX
#endif
/* What a cached entry costs beside its struct: the allocator's header, rounding. */
#define CACHE_ENTRY_OVERHEAD 32

/* Walks come in two sizes (engine-walk.c). */
#define WALK_SIZES 2

/* The names being resolved on the way to this walk: meeting one again is a loop. */
struct chain {
	uint8_t n;
	struct dname names[CHAIN_MAX];
};

struct waiter {
	TAILQ_ENTRY(waiter) link;
	void (*fn)(void *ctx);
	void *ctx;
};
TAILQ_HEAD(waiters, waiter);

enum zone_state {
	ZONE_UNRESOLVED,	/* NS names known, no address yet */
	ZONE_RESOLVING,
	ZONE_READY,
	ZONE_DEAD,		/* none of its servers has an address */
};

struct zonefile;

struct zone {
	RB_ENTRY(zone) link;
	TAILQ_ENTRY(zone) lru;		/* idle: forgettable, least recently used first */
	bool in_lru, pinned;		/* pinned: from the hints or a zone file */
	size_t lru_bytes;		/* in_lru: what it counts for in the cache */
	int users;			/* walks standing at this zone */
	struct dname name;
	const struct zonefile *file;	/* answered from its zone file, not over the network */
	enum zone_state state;
	struct addr addrs[ENGINE_MAX_SERVERS];	/* its servers, IPv4 and IPv6 (engine_ask picks) */
	uint8_t naddrs;
	struct dname *ns;		/* its NS names, for resolving a glueless zone */
	uint8_t nns;
	int pending;
	struct waiters waiters;
};

struct host_waiter {
	TAILQ_ENTRY(host_waiter) link;
	host_fn *fn;
	void *ctx;
};
TAILQ_HEAD(host_waiters, host_waiter);

struct host {
	RB_ENTRY(host) link;
	struct resolver *resolver;
	TAILQ_ENTRY(host) lru;		/* done and idle: forgettable */
	bool in_lru;
	struct dname name;
	bool done;
	int pending;			/* walks (A, AAAA) still out */
	struct addr v4[HOST_MAX_ADDRS], v6[HOST_MAX_ADDRS];
	enum walk_outcome a_outcome;
	int nx_zone_labels;		/* of the zone an NXDOMAIN came from */
	const char *a_reason;
	struct host_result result;
	struct host_waiters waiters;
};

RB_HEAD(zone_tree, zone);
RB_HEAD(host_tree, host);
RB_HEAD(flight_tree, flight);
TAILQ_HEAD(zone_lru, zone);
TAILQ_HEAD(host_lru, host);

struct resolver {
	struct engine *engine;
	struct zone_tree zones;
	struct host_tree hosts;
	struct zone_lru zone_lru;
	struct host_lru host_lru;
	size_t zones_idle, hosts_idle;
	size_t zones_idle_bytes, hosts_idle_bytes;	/* what the idle ones hold */
	size_t cache_bytes;		/* the most each cache's idle entries may hold */
	struct resolver_stats stats;
	struct pool walks[WALK_SIZES];	/* finished walks, for the next ones, by size */
	struct flight_tree flights;	/* referrals being asked for, walks waiting on them */
	bool aborting;		/* nothing is forgotten while the trees are walked */
};

int zone_cmp(struct zone *a, struct zone *b);
int host_cmp(struct host *a, struct host *b);
RB_PROTOTYPE(zone_tree, zone, link, zone_cmp)
RB_PROTOTYPE(host_tree, host, link, host_cmp)

bool chain_has(const struct chain *c, const struct dname *n);
bool chain_push(const struct chain *c, const struct dname *n, struct chain *out);

/* Zone cache. */
struct zone *zone_find(struct resolver *r, const struct dname *name);
struct zone *zone_deepest(struct resolver *r, const struct dname *name, bool strictly_above);
/* Learn the zone a referral reveals (glue taken only inside `bailiwick`). */
struct zone *zone_learn(struct resolver *r, const struct dname *owner,
    const struct dns_response *resp, const struct dname *bailiwick);
/* Ready the zone's addresses; fn(ctx) runs when it is READY or DEAD (maybe at once).
 * False if that would wait on a resolution this chain is itself part of. */
bool zone_wait(struct resolver *r, struct zone *z, const struct chain *c, void (*fn)(void *), void *ctx);
void zone_abort_all(struct resolver *r);
/* A walk comes to stand at z / leaves it (the zone may be forgotten once idle). */
void zone_use(struct resolver *r, struct zone *z);
void zone_release(struct resolver *r, struct zone *z);
void zone_free(struct zone *z);
void zone_trim(struct resolver *r);
void host_trim(struct resolver *r);
/* The memory a cached entry holds, for the caches' share. */
size_t zone_bytes(const struct zone *z);
size_t host_bytes(void);

/* Walks and hosts with an explicit chain. */
void walk_chained(struct resolver *r, const struct dname *qname, uint16_t qtype, bool find_cut,
    const struct chain *c, walk_fn *fn, void *ctx, size_t ctx_size);
void host_chained(struct resolver *r, const struct dname *name, const struct chain *c,
    host_fn *fn, void *ctx);
void host_abort_all(struct resolver *r);

#endif
