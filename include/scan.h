/* scan.h -- the scan loop: input through a bounded window of domains, verdicts out as they come. */
#ifndef GLUESCAN_SCAN_H
#define GLUESCAN_SCAN_H

#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "resolver.h"
#include "verdict.h"

struct scan_options {
	FILE *in, *out;
	unsigned window;	/* domains in progress at once */
	unsigned wait_s;	/* after the input ends: give up this long after the last packet */
};

struct scan_counts {
	uint64_t invalid;
	uint64_t status[STATUS_OK + 1];
	uint64_t decided;	/* domains with a verdict, invalid lines included */
};

/* Returns 0, or -1 if reading the input failed (errno set). */
int scan_run(struct engine *e, struct resolver *r, const struct scan_options *opt,
    struct scan_counts *counts);

#endif
