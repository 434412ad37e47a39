/* net-randpool.c -- a pool of arc4random bytes, refilled a few thousand at a time. */
#include <stdlib.h>

#include "randpool.h"

#define POOL_WORDS 512

static uint64_t pool[POOL_WORDS];
static unsigned left;

uint64_t
randpool_u64(void)
{
	if (left == 0) {
		arc4random_buf(pool, sizeof(pool));
		left = POOL_WORDS;
	}
	return pool[--left];
}

uint32_t
randpool_below(uint32_t n)
{
	/* Rejection keeps it exactly uniform: redraw the few values past the
	 * largest multiple of n. */
	uint32_t limit = (uint32_t)(-n % n), r;

	do
		r = (uint32_t)randpool_u64();
	while (r < limit);
	return r % n;
}
