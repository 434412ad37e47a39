/* net-randpool.c -- a pool of random bytes from the kernel, refilled a few thousand at a time. */
#include <stdlib.h>
#include <sys/random.h>

#include "randpool.h"

#define POOL_WORDS 512

static uint64_t pool[POOL_WORDS];
static unsigned left;

/*
 * Every query draws 24 bytes (0x20 case, source port, first server).
 * libbsd's arc4random_buf makes them with a portable ChaCha20 at ~18
 * instructions a byte, 10% of the scanner's own instructions in the
 * benchmark world; the kernel's getrandom(2) fills the same 4 KiB with its
 * vectorised ChaCha20 in a fraction of that. arc4random_buf stays the
 * fallback, should the kernel refuse.
 */
static void
refill(void)
{
	if (getrandom(pool, sizeof(pool), GRND_NONBLOCK) != (ssize_t)sizeof(pool))
		arc4random_buf(pool, sizeof(pool));
	left = POOL_WORDS;
}

uint64_t
randpool_u64(void)
{
	if (left == 0)
		refill();
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
