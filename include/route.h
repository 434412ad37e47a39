/* route.h -- which interface and source address reach a server, from the kernel's routing table. */
#ifndef GLUESCAN_ROUTE_H
#define GLUESCAN_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fill whichever of ifname / *src is empty (ifname[0] == 0, *src == 0) for
 * reaching dst (all addresses IPv4, host order). */
bool route_find(uint32_t dst, char ifname[IF_NAMESIZE], uint32_t *src, char *err, size_t errlen);

/*
 * The same for IPv6 (addresses network order; *src all zero is empty). The
 * source must be global (2000::/3) or unique local (fc00::/7): a link-local
 * one needs a scope, ::1 reaches only this host. False (err says why) means
 * this host cannot send IPv6 to dst.
 */
bool route_find6(const uint8_t dst[16], char ifname[IF_NAMESIZE], uint8_t src[16], char *err,
    size_t errlen);
/* a is a global or unique local address. */
bool route_usable6(const uint8_t a[16]);

#endif
