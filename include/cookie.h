/* cookie.h -- the per-run secret that ties an answer's DNS ID and port to its in-flight slot. */
#ifndef GLUESCAN_COOKIE_H
#define GLUESCAN_COOKIE_H

#include <stdint.h>

struct cookie_key {
	uint64_t k0, k1;
};

void cookie_key_random(struct cookie_key *key);
/*
 * The 16-bit mask for a query to `server` (IPv4, host order) from source
 * port `port`: the DNS ID sent is slot ^ mask, so the answer's ID and
 * destination port give the slot back without any lookup, and an off-path
 * forger who does not know the key hits a random slot.
 */
uint16_t cookie_mask(const struct cookie_key *key, uint32_t server, uint16_t port);

#endif
