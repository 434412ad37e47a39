/* window.h -- how many domains may be in progress: as many as keep the send budget busy. */
#ifndef GLUESCAN_WINDOW_H
#define GLUESCAN_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What holds the window from growing, for the progress line and --stats. */
enum window_hold {
	HOLD_NONE,	/* nothing: it grows as input comes */
	HOLD_RATE,	/* enough questions wait to use the --rate budget */
	HOLD_CPU,	/* questions wait, fewer leave than --rate allows, and the loop is busy: its CPU is the limit */
	HOLD_CAPS,	/* a second of the rate of questions waits for servers at their --per-server cap,
			 * or the questions waiting leave slower than the rate, at capped servers */
	HOLD_MEMORY,	/* --max-memory reached */
	HOLD_WINDOW,	/* the --window bound reached */
	HOLD_PLATEAU,	/* more in flight no longer raised the rate: servers or network are the limit */
	HOLD_COUNT
};

const char *window_hold_name(enum window_hold h);

/* What the engine has waiting right now. */
struct window_load {
	size_t queued;		/* questions waiting that the rate may send now */
	size_t capped;		/* questions waiting for their server's --per-server cap */
	uint64_t sent;		/* packets sent since the start */
	uint64_t answered;	/* answers matched since the start */
	uint64_t rtt_ns;	/* their round trips, summed */
	uint64_t retried;	/* answers that came only to a retry: the first try was lost */
};

struct window {
	double rate;		/* --rate, packets per second */
	unsigned bound;		/* --window: at most this many domains */
	uint64_t max_memory;	/* bytes */
	double tokens;		/* domains that may start; refilled at `rate` */
	uint64_t last_ns;
	uint64_t rss, rss_ns;	/* resident size, as last read */
	uint64_t rate_ns, rate_sent;	/* the send rate is measured over ~1 s */
	double sent_per_s;
	uint64_t (*cpu_clock)(void);	/* the loop's CPU time, ns (a test may set its own) */
	uint64_t rate_cpu_ns;
	double busy;		/* the loop's CPU time over the wall time, that second */
	/* The limit found by probing: doubled while that raises the rate of
	 * answers (or, unreached, leaves their round trips as short), set back
	 * when it does not. */
	unsigned limit, limit_before;
	double rate_before;
	double rtt_before;	/* the answers' mean round trip then, ns */
	double lost_before;	/* the share of answers that came only to a retry then */
	uint64_t probe_ns, answered_at_probe, rtt_at_probe, retried_at_probe;
	bool measured;		/* a first period was measured: the start is behind */
	bool limited;		/* the limit held admissions back this period */
	bool grew;		/* the last period grew the limit */
	unsigned plateau;	/* periods to wait before probing again */
	unsigned backoff;	/* that wait, doubled by each probe that bought nothing */
	unsigned waited;	/* periods a doubling has waited to be reached */
	bool trial_lost;	/* since the last doubling, more answers came only to a retry */
	double rate_prev, rtt_prev;	/* the last period's */
	enum window_hold hold;
	uint64_t hold_since_ns;
	uint64_t hold_ns[HOLD_COUNT];	/* wall time spent in each hold */
};

void window_init(struct window *w, double rate, unsigned bound, uint64_t max_memory, uint64_t now_ns);
/*
 * How many more domains may start now, with `active` in progress. The engine
 * needs a backlog of questions of a few ms of the rate to keep sending;
 * below it another domain is admitted (at most `rate` domains a second, since
 * each costs at least one packet), so round trips and silent servers never
 * leave the budget idle; above it, or at the memory or --window bound, the
 * window stops growing and w->hold says why. Questions waiting for a
 * server's cap are no backlog, and their domains do not count against the
 * probed limit: only a second of the rate of them stops the window. A domain limit found by probing
 * keeps the window from growing where more in flight would only queue at the
 * servers (at zero latency a server's socket buffer holds thousands).
 */
unsigned window_room(struct window *w, unsigned active, const struct window_load *l, uint64_t now_ns);
/* Domains started: the admission budget is spent. */
void window_started(struct window *w, unsigned n);
/* The process's resident size now, from /proc (0 when unknown). */
uint64_t window_resident_bytes(void);
/* The default --max-memory: 1 GiB, at most a quarter of the RAM. */
uint64_t window_default_memory(void);

#endif
