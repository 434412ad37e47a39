/* report.h -- how the scan is going: the progress line, the closing summary, the --stats JSON. */
#ifndef GLUESCAN_REPORT_H
#define GLUESCAN_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "resolver.h"
#include "scan.h"
#include "zonefile.h"

struct report_view {
	const struct scan_counts *counts;
	const struct engine_stats *net;
	const struct resolver_stats *caches;	/* NULL: not reported */
	double elapsed_s;
	uint64_t bytes_read, bytes_total;	/* input position; total 0 when unknown (a pipe) */
	uint64_t lines_total;	/* lines the scan will write, when known in advance (else 0) */
	struct zonefile *const *zones;	/* the --parent-zone files */
	size_t nzones;
};

/* One line, rewritten in place ("\r"), for a terminal. */
void report_progress(FILE *tty, const struct report_view *v);
/* The line printed once at the end when stderr is not a terminal, or after the progress line. */
void report_summary(FILE *f, const struct report_view *v);
/* The --stats file: one JSON object. */
void report_stats_json(FILE *f, const struct report_view *v);

#endif
