/* net-cookie.c -- SipHash-2-4 of (server, port) under the run's secret key. */
#include <stdlib.h>

#include "cookie.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void
sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 of one 8-byte word (message length 8). */
static uint64_t
siphash_word(const struct cookie_key *key, uint64_t m)
{
	uint64_t v[4] = {
		key->k0 ^ 0x736f6d6570736575ULL, key->k1 ^ 0x646f72616e646f6dULL,
		key->k0 ^ 0x6c7967656e657261ULL, key->k1 ^ 0x7465646279746573ULL,
	};
	uint64_t last = (uint64_t)8 << 56;

	v[3] ^= m; sipround(v); sipround(v); v[0] ^= m;
	v[3] ^= last; sipround(v); sipround(v); v[0] ^= last;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void
cookie_key_random(struct cookie_key *key)
{
	arc4random_buf(key, sizeof(*key));
}

uint16_t
cookie_mask(const struct cookie_key *key, uint32_t server, uint16_t port)
{
	return (uint16_t)siphash_word(key, (uint64_t)server << 16 | port);
}
