/* portblock.h -- the source ports the scanner sends from, held so the kernel stays silent. */
#ifndef GLUESCAN_PORTBLOCK_H
#define GLUESCAN_PORTBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct portblock {
	uint16_t lo, hi;
	int *fds;
	uint16_t *usable;	/* ports we hold */
	size_t nusable;
};

/* A block of `count` ports just above the kernel's ephemeral range. */
void portblock_default(uint16_t count, uint16_t *lo, uint16_t *hi);
/*
 * Bind a UDP socket on src:port for every port of [lo, hi] that is free,
 * each with a filter that discards everything: the kernel then delivers our
 * answers to a socket instead of replying "port unreachable", and keeps none
 * of them (libpcap sees them before the socket layer).
 */
bool portblock_hold(struct portblock *pb, uint32_t src, uint16_t lo, uint16_t hi,
    char *err, size_t errlen);
uint16_t portblock_pick(const struct portblock *pb);
void portblock_release(struct portblock *pb);

#endif
