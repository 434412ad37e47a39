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

#endif
