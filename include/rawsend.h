/* rawsend.h -- raw IPv4/UDP and IPv6/UDP packets out through libnet, in batches. */
#ifndef GLUESCAN_RAWSEND_H
#define GLUESCAN_RAWSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest UDP payload sent; larger ones are counted as errors. */
#define RAWSEND_PAYLOAD_MAX 512

struct rawsend;

/* src is host order. On failure err says why; *need_privilege is set when
 * the cause is a missing CAP_NET_RAW. */
struct rawsend *rawsend_open(const char *ifname, uint32_t src, char *err, size_t errlen,
    bool *need_privilege);
/* The same for IPv6 (src in network order). */
struct rawsend *rawsend_open6(const char *ifname, const uint8_t src[16], char *err,
    size_t errlen, bool *need_privilege);
/* Queue one packet (addresses host order) on a handle of rawsend_open; it
 * leaves at the next flush, or when the batch is full. */
void rawsend_udp(struct rawsend *s, uint32_t dst, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len);
/* The same on a handle of rawsend_open6 (dst in network order). */
void rawsend_udp6(struct rawsend *s, const uint8_t dst[16], uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len);
void rawsend_flush(struct rawsend *s);
/* Packets that could not be built or sent, so far. */
uint64_t rawsend_errors(const struct rawsend *s);
void rawsend_close(struct rawsend *s);

#endif
