/* cookie.h -- the per-run secret that ties an answer's DNS ID and port to its in-flight slot. */
#ifndef GLUESCAN_COOKIE_H
#define GLUESCAN_COOKIE_H

#include <stdint.h>

struct cookie_key {
	uint64_t k0, k1;
};

void cookie_key_random(struct cookie_key *key);
/*
 * The 16-bit mask of source port `port`: the DNS ID sent is the low half of
 * the slot number ^ mask (slots.h), so the answer's ID and destination port
 * give the slot back, and an off-path forger who does not know the key
 * cannot tell which slots a port's IDs name. Not of the server: two
 * questions in flight never share a port and an ID, whoever they went to.
 */
uint16_t cookie_mask(const struct cookie_key *key, uint16_t port);

#endif
