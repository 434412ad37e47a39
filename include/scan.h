/* scan.h -- the scan loop: input through a bounded window of domains, verdicts out as they come. */
#ifndef GLUESCAN_SCAN_H
#define GLUESCAN_SCAN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "resolver.h"
#include "resume.h"
#include "verdict.h"
#include "window.h"

struct scan_counts;
struct exclude;
struct inputreader;
struct zonefile;

struct scan_options {
	struct inputreader *in;
	FILE *out;
	unsigned window;	/* at most this many domains in progress (UINT_MAX: no bound) */
	uint64_t max_memory;	/* no more domains start past this resident size (0: no bound) */
	double rate;		/* --rate: the window grows while the budget goes unused */
	unsigned wait_s;	/* after the input ends: give up this long after the last packet */
	unsigned shard, shards;
	unsigned shuffle;	/* domains read and started in a random order at a time (1: input order) */
	uint64_t seed;		/* of that order */
	bool parent_only;	/* decide each domain from its parent's answer alone */
	const struct exclude *exclude;	/* domains to report as excluded (NULL: none) */
	/* Parent zones read from their files: an --input list's names under a
	 * streamed one are looked up in its file, a block at a time; with
	 * whole_zones the zones' own delegations are the input, in file order. */
	struct zonefile **zones;
	size_t nzones;
	bool whole_zones;
	/* Set by a signal handler: stop at once; what is undecided is left to a resumed scan. */
	volatile sig_atomic_t *stop;
	/* Skip the input this state covers (checking it is the same input). */
	const struct resume_state *resume_from;
	/* Called about once a second with the counts so far and the input position. */
	void (*tick)(void *ctx, const struct scan_counts *c, const struct resume_state *at);
	void *tick_ctx;
};

struct scan_counts {
	uint64_t invalid, excluded;
	uint64_t status[STATUS_COUNT];
	uint64_t decided;	/* domains with a verdict, invalid lines included */
	uint64_t in_flight, max_in_flight;	/* domains started and not yet decided */
	int hold;		/* enum window_hold: what keeps more from starting */
	uint64_t hold_ns[HOLD_COUNT];	/* the scan's wall time in each hold, at its end */
};

enum scan_end {
	SCAN_COMPLETE,		/* the input was read to the end and every line answered */
	SCAN_STOPPED,		/* stopped early; `at` says which lines have no output */
	SCAN_READ_ERROR,	/* errno set */
	SCAN_NOT_SAME_INPUT,	/* the input does not start as the resumed scan's did */
};

/* `at` receives the input position reached and the lines left (for a later resume). */
enum scan_end scan_run(struct engine *e, struct resolver *r, const struct scan_options *opt,
    struct scan_counts *counts, struct resume_state *at);

#endif
