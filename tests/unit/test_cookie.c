/* test_cookie.c -- the per-run query cookie: reversible for us, unpredictable for a forger. */
#include <criterion/criterion.h>
#include <string.h>

#include "cookie.h"

/* Reproducible inputs (splitmix64); the keys themselves come from cookie_key_random. */
static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define TRIALS 10000

Test(cookie, id_round_trips)
{
	struct cookie_key key;
	uint64_t s = 1;

	cookie_key_random(&key);
	for (int i = 0; i < TRIALS; i++) {
		uint64_t r = next(&s);
		uint16_t port = (uint16_t)(r >> 32), low = (uint16_t)(r >> 48);
		uint16_t id = low ^ cookie_mask(&key, port);

		/* the receiver sees only id and our port */
		cr_assert_eq((uint16_t)(id ^ cookie_mask(&key, port)), low);
	}
}

Test(cookie, neighbouring_ports)
{
	struct cookie_key key;
	int differ = 0;

	cookie_key_random(&key);
	/* a block of consecutive ports must not give related masks */
	for (uint32_t i = 0; i < TRIALS; i++)
		differ += cookie_mask(&key, (uint16_t)(40000 + i % 1000)) !=
		    cookie_mask(&key, (uint16_t)(40001 + i % 1000));
	cr_assert_gt(differ, TRIALS * 99 / 100);
}

Test(cookie, different_port_different_mask)
{
	struct cookie_key key;
	uint64_t s = 3;
	int differ = 0;

	cookie_key_random(&key);
	for (int i = 0; i < TRIALS; i++) {
		uint64_t r = next(&s);
		uint16_t p = (uint16_t)(r >> 32), q = (uint16_t)(r >> 48);

		if (p == q)
			q ^= 1;
		differ += cookie_mask(&key, p) != cookie_mask(&key, q);
	}
	cr_assert_gt(differ, TRIALS * 99 / 100, "only %d of %d differ", differ, TRIALS);
}

Test(cookie, two_random_keys_differ)
{
	struct cookie_key k1, k2;
	uint64_t s = 4;
	int differ = 0;

	cookie_key_random(&k1);
	cookie_key_random(&k2);
	cr_assert(k1.k0 != k2.k0 || k1.k1 != k2.k1, "two runs got the same secret");
	for (int i = 0; i < TRIALS; i++) {
		uint64_t r = next(&s);

		differ += cookie_mask(&k1, (uint16_t)(r >> 32)) !=
		    cookie_mask(&k2, (uint16_t)(r >> 32));
	}
	cr_assert_gt(differ, TRIALS * 99 / 100, "only %d of %d differ", differ, TRIALS);
}

Test(cookie, key_halves_both_matter)
{
	struct cookie_key k1, k2;
	uint64_t s = 5;
	int differ0 = 0, differ1 = 0;

	cookie_key_random(&k1);
	k2 = k1;
	k2.k0 ^= 1;
	for (int i = 0; i < TRIALS; i++) {
		uint64_t r = next(&s);

		differ0 += cookie_mask(&k1, (uint16_t)(r >> 32)) !=
		    cookie_mask(&k2, (uint16_t)(r >> 32));
	}
	k2 = k1;
	k2.k1 ^= (uint64_t)1 << 63;
	for (int i = 0; i < TRIALS; i++) {
		uint64_t r = next(&s);

		differ1 += cookie_mask(&k1, (uint16_t)(r >> 32)) !=
		    cookie_mask(&k2, (uint16_t)(r >> 32));
	}
	cr_assert_gt(differ0, TRIALS * 99 / 100);
	cr_assert_gt(differ1, TRIALS * 99 / 100);
}

Test(cookie, masks_roughly_uniform)
{
	enum { SAMPLES = 1 << 18 };
	static unsigned hi[256], lo[256], bit[16];
	struct cookie_key key;

	/* Structured input, as in a scan: a block of ports, under a few keys. */
	for (uint32_t i = 0; i < SAMPLES; i++) {
		uint16_t m;

		if (i % 4096 == 0)
			cookie_key_random(&key);
		m = cookie_mask(&key, (uint16_t)(50000 + (i & 0xfff)));

		hi[m >> 8]++;
		lo[m & 0xff]++;
		for (int b = 0; b < 16; b++)
			bit[b] += m >> b & 1;
	}
	/* expected 1024 per byte value (sd 32), 131072 per bit (sd 256) */
	for (int v = 0; v < 256; v++) {
		cr_assert(hi[v] > 700 && hi[v] < 1350, "high byte %d seen %u times", v, hi[v]);
		cr_assert(lo[v] > 700 && lo[v] < 1350, "low byte %d seen %u times", v, lo[v]);
	}
	for (int b = 0; b < 16; b++)
		cr_assert(bit[b] > SAMPLES / 2 - 3000 && bit[b] < SAMPLES / 2 + 3000,
		    "bit %d set %u times", b, bit[b]);
}

/* ---- against the published SipHash-2-4 ---------------------------------- */

/* Byte-oriented reference SipHash-2-4 (Aumasson & Bernstein), independent of
 * the scanner's word-oriented one. */
#define RL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define ROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = RL(v1, 13); v1 ^= v0; v0 = RL(v0, 32); \
	v2 += v3; v3 = RL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = RL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = RL(v1, 17); v1 ^= v2; v2 = RL(v2, 32); \
} while (0)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
ref_siphash(const uint8_t k[16], const uint8_t *m, size_t len)
{
	uint64_t k0 = le64(k), k1 = le64(k + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)len << 56, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		w = le64(m + i);
		v3 ^= w;
		ROUND(v0, v1, v2, v3);
		ROUND(v0, v1, v2, v3);
		v0 ^= w;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)m[i + j] << (8 * j);
	v3 ^= b;
	ROUND(v0, v1, v2, v3);
	ROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

Test(cookie, reference_siphash_matches_paper)
{
	uint8_t k[16], m[15];

	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	/* SipHash paper, appendix A */
	cr_assert_eq(ref_siphash(k, m, 15), 0xa129ca6149be45e5ULL);
}

Test(cookie, mask_is_keyed_siphash_of_the_port)
{
	struct cookie_key key;
	uint8_t k[16], m[8];
	uint64_t s = 6;

	for (int t = 0; t < 1000; t++) {
		uint64_t r = next(&s), word;
		uint16_t port = (uint16_t)(r >> 32);

		key.k0 = next(&s);
		key.k1 = next(&s);
		for (int i = 0; i < 8; i++) {
			k[i] = (uint8_t)(key.k0 >> (8 * i));
			k[8 + i] = (uint8_t)(key.k1 >> (8 * i));
		}
		word = port;
		for (int i = 0; i < 8; i++)
			m[i] = (uint8_t)(word >> (8 * i));
		cr_assert_eq(cookie_mask(&key, port), (uint16_t)ref_siphash(k, m, 8), "port %u", port);
	}
}
