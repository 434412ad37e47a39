/* pool.h -- a free list of same-sized objects, so hot paths reuse memory instead of asking malloc. */
#ifndef GLUESCAN_POOL_H
#define GLUESCAN_POOL_H

#include <err.h>
#include <stddef.h>
#include <stdlib.h>

/*
 * Thousands of questions, walks and domains start and end every second, in
 * bursts larger than glibc's per-size cache (7 objects) holds; each miss
 * went through malloc's bins. A pool keeps every freed object for the next
 * one. It never shrinks: its size is the peak in flight, which the window
 * bounds. Objects come back uninitialised.
 */
struct pool {
	void *free;		/* zeroed: an empty pool */
};

/* A freed object, or NULL when the pool is empty. */
static inline void *
pool_reuse(struct pool *p)
{
	void *o = p->free;

	/* The next take reads the next object's link: fetched now, because a
	 * burst of takes (the window admitting hundreds of domains) goes deep
	 * into objects freed long ago, and each link was a cache miss. */
	if (o != NULL && (p->free = *(void **)o) != NULL)
		__builtin_prefetch(p->free);
	return o;
}

/* size: the same for every call on one pool, and at least a pointer's. */
static inline void *
pool_get(struct pool *p, size_t size)
{
	void *o = pool_reuse(p);

	if (o != NULL)
		return o;
	if ((o = malloc(size)) == NULL)
		err(1, "out of memory");
	return o;
}

static inline void
pool_put(struct pool *p, void *o)
{
	*(void **)o = p->free;
	p->free = o;
}

static inline void
pool_drain(struct pool *p)
{
	void *o;

	while ((o = pool_reuse(p)) != NULL)
		free(o);
}

#endif
