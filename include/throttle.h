/* throttle.h -- token bucket that paces packets to the configured rate. */
#ifndef GLUESCAN_THROTTLE_H
#define GLUESCAN_THROTTLE_H

#include <stdint.h>

struct throttle {
	double rate;		/* tokens per second */
	double burst;		/* bucket size: at most this many back to back */
	double tokens;
	uint64_t last_ns;
};

void throttle_init(struct throttle *t, double rate, uint64_t now_ns);
/* How many of `want` packets may leave now; those are taken from the bucket. */
unsigned throttle_take(struct throttle *t, uint64_t now_ns, unsigned want);
/* Nanoseconds until one more token is available (0 if one is). */
uint64_t throttle_wait_ns(const struct throttle *t, uint64_t now_ns);

#endif
