/* net-cookie.c -- SipHash-2-4 of the source port under the run's secret key. */
#include <stdlib.h>

#include "cookie.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound on four locals: a macro, so they stay in registers. */
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

/* SipHash-2-4 of one 8-byte word (message length 8). */
static uint64_t
siphash_word(const struct cookie_key *key, uint64_t m)
{
	uint64_t v0 = key->k0 ^ 0x736f6d6570736575ULL, v1 = key->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key->k0 ^ 0x6c7967656e657261ULL, v3 = key->k1 ^ 0x7465646279746573ULL;
	uint64_t last = (uint64_t)8 << 56;

	v3 ^= m; SIPROUND; SIPROUND; v0 ^= m;
	v3 ^= last; SIPROUND; SIPROUND; v0 ^= last;
	v2 ^= 0xff;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void
cookie_key_random(struct cookie_key *key)
{
	arc4random_buf(key, sizeof(*key));
}

uint16_t
cookie_mask(const struct cookie_key *key, uint16_t port)
{
	return (uint16_t)siphash_word(key, port);
}
