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

/*
 * Which IPv6 servers this host can reach: those the kernel has a route to
 * whose source address (the one it would pick) is a global or unique local
 * address of the scan's interface. Answers are kept (a few thousand
 * addresses, by hash), so asking costs a system call per new address only.
 */
struct route6;

/* For interface ifname; NULL (err says why) when it has no usable address. */
struct route6 *route6_new(const char *ifname, char *err, size_t errlen);
void route6_free(struct route6 *r);
bool route6_reaches(struct route6 *r, const uint8_t dst[16]);

#endif
