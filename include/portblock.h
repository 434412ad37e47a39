/* portblock.h -- the source ports the scanner sends from, held so the kernel stays silent. */
#ifndef GLUESCAN_PORTBLOCK_H
#define GLUESCAN_PORTBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct portblock {
	uint16_t lo, hi;
	int *fds;
	int *fds6;		/* the same ports on the IPv6 source; NULL: none held */
	uint16_t *usable;	/* ports we hold */
	size_t nusable;
};

/*
 * Bind a UDP socket on src:port for every port of [lo, hi] that is free,
 * each with a filter that discards everything: the kernel then delivers our
 * answers to a socket instead of replying "port unreachable", and keeps none
 * of them (libpcap sees them before the socket layer).
 */
bool portblock_hold(struct portblock *pb, uint32_t src, uint16_t lo, uint16_t hi,
    char *err, size_t errlen);
/*
 * The first block of `count` ports of which every one is free, trying just
 * above the kernel's ephemeral range first, then the blocks after it and
 * those below the range: several scans on one host each get a block of
 * their own (and capture only their own ports).
 */
bool portblock_hold_free(struct portblock *pb, uint32_t src, uint16_t count, char *err, size_t errlen);
/* Both with the same ports held on the IPv6 source src6 (network order) too,
 * when it is not NULL: a port is usable only when it is free in both. */
bool portblock_hold_dual(struct portblock *pb, uint32_t src, const uint8_t *src6, uint16_t lo,
    uint16_t hi, char *err, size_t errlen);
bool portblock_hold_free_dual(struct portblock *pb, uint32_t src, const uint8_t *src6,
    uint16_t count, char *err, size_t errlen);
void portblock_release(struct portblock *pb);

#endif
