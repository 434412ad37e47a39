/* rawsend.h -- raw IPv4/UDP packets out through libnet. */
#ifndef GLUESCAN_RAWSEND_H
#define GLUESCAN_RAWSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rawsend;

/* src is host order. On failure err says why; *need_privilege is set when
 * the cause is a missing CAP_NET_RAW. */
struct rawsend *rawsend_open(const char *ifname, uint32_t src, char *err, size_t errlen,
    bool *need_privilege);
bool rawsend_udp(struct rawsend *s, uint32_t dst, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len);
const char *rawsend_error(struct rawsend *s);
void rawsend_close(struct rawsend *s);

#endif
