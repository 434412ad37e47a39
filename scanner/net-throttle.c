/* net-throttle.c -- token bucket. */
#include "throttle.h"

void
throttle_init(struct throttle *t, double rate, uint64_t now_ns)
{
	t->rate = rate;
	/* A few milliseconds' worth, so batching in the event loop does not
	 * turn into bursts that overflow small socket buffers on the way. */
	t->burst = rate / 200 > 16 ? rate / 200 : 16;
	t->tokens = t->burst;
	t->last_ns = now_ns;
}

static void
refill(struct throttle *t, uint64_t now_ns)
{
	if (now_ns > t->last_ns) {
		t->tokens += (double)(now_ns - t->last_ns) * t->rate / 1e9;
		if (t->tokens > t->burst)
			t->tokens = t->burst;
		t->last_ns = now_ns;
	}
}

unsigned
throttle_take(struct throttle *t, uint64_t now_ns, unsigned want)
{
	unsigned n;

	refill(t, now_ns);
	n = t->tokens < want ? (unsigned)t->tokens : want;
	t->tokens -= n;
	return n;
}

uint64_t
throttle_wait_ns(const struct throttle *t, uint64_t now_ns)
{
	double have = t->tokens;

	if (now_ns > t->last_ns)
		have += (double)(now_ns - t->last_ns) * t->rate / 1e9;
	if (have >= 1)
		return 0;
	return (uint64_t)((1 - have) * 1e9 / t->rate) + 1;
}
