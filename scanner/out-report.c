/* out-report.c -- progress line, summary line and the --stats JSON, from the same counters. */
#include "report.h"
#include "window.h"

static unsigned long long
dropped(const struct engine_stats *n)
{
	return (unsigned long long)(n->drop_malformed + n->drop_unmatched + n->drop_mismatch);
}

static void
status_counts(FILE *f, const struct scan_counts *c)
{
	for (int s = 0; s < STATUS_COUNT; s++)
		if (c->status[s] > 0)
			fprintf(f, " %s %llu", status_name((enum status)s),
			    (unsigned long long)c->status[s]);
	if (c->invalid > 0)
		fprintf(f, " invalid %llu", (unsigned long long)c->invalid);
	if (c->excluded > 0)
		fprintf(f, " excluded %llu", (unsigned long long)c->excluded);
}

static double
per_second(uint64_t n, double secs)
{
	return secs > 0 ? (double)n / secs : 0;
}

void
report_progress(FILE *tty, const struct report_view *v)
{
	fprintf(tty, "\r\033[K%.0f pkt/s, %llu done", per_second(v->net->sent, v->elapsed_s),
	    (unsigned long long)v->counts->decided);
	if (v->lines_total > 0) {
		double frac = (double)v->counts->decided / (double)v->lines_total;

		fprintf(tty, " of %llu (%.1f%%, ETA %.0f s)", (unsigned long long)v->lines_total,
		    100 * frac, frac > 0 ? v->elapsed_s * (1 - frac) / frac : 0);
	} else if (v->bytes_total > 0 && v->bytes_read > 0) {
		double frac = (double)v->bytes_read / (double)v->bytes_total;

		fprintf(tty, " (%.1f%%, ETA %.0f s)", 100 * frac,
		    frac > 0 ? v->elapsed_s * (1 - frac) / frac : 0);
	}
	fprintf(tty, ", %llu in flight (held by %s):", (unsigned long long)v->counts->in_flight,
	    window_hold_name((enum window_hold)v->counts->hold));
	status_counts(tty, v->counts);
	fflush(tty);
}

void
report_summary(FILE *f, const struct report_view *v)
{
	const struct engine_stats *n = v->net;

	fprintf(f, "gluescan: %llu lines in %.1f s:", (unsigned long long)v->counts->decided,
	    v->elapsed_s);
	status_counts(f, v->counts);
	fprintf(f, "; packets sent %llu, matched %llu, retries %llu, over TCP %llu, "
	    "dropped %llu (unmatched %llu, mismatched %llu, malformed %llu)\n",
	    (unsigned long long)n->sent, (unsigned long long)n->matched,
	    (unsigned long long)n->retries, (unsigned long long)n->tcp, dropped(n),
	    (unsigned long long)n->drop_unmatched, (unsigned long long)n->drop_mismatch,
	    (unsigned long long)n->drop_malformed);
}

/* What each --parent-zone file cost: read how, how often, what it holds. */
static void
zones_json(FILE *f, const struct report_view *v)
{
	if (v->nzones == 0)
		return;
	fprintf(f, "\"zones\":[");
	for (size_t i = 0; i < v->nzones; i++) {
		const struct zonefile_stats *st = zonefile_stats(v->zones[i]);
		char name[DNAME_TEXT_MAX + 2];

		dname_text(zonefile_origin(v->zones[i]), name);
		fprintf(f, "%s{\"zone\":\"%s\",\"streamed\":%s,\"delegations\":%llu,"
		    "\"glue_records\":%llu,\"records\":%llu,\"bad_lines\":%llu,\"passes\":%llu,"
		    "\"bytes\":%zu}", i ? "," : "", name,
		    zonefile_streamed(v->zones[i]) ? "true" : "false",
		    (unsigned long long)st->delegations, (unsigned long long)st->glue_records,
		    (unsigned long long)st->records, (unsigned long long)st->bad_lines,
		    (unsigned long long)st->passes, zonefile_bytes(v->zones[i]));
	}
	fprintf(f, "],");
}

void
report_stats_json(FILE *f, const struct report_view *v)
{
	const struct engine_stats *n = v->net;
	const struct scan_counts *c = v->counts;

	fprintf(f, "{\"lines\":%llu,\"status\":{", (unsigned long long)c->decided);
	for (int s = 0; s < STATUS_COUNT; s++)
		fprintf(f, "\"%s\":%llu,", status_name((enum status)s), (unsigned long long)c->status[s]);
	fprintf(f, "\"invalid\":%llu,\"excluded\":%llu},", (unsigned long long)c->invalid,
	    (unsigned long long)c->excluded);
	/* not_udp: captured frames that are not UDP over IPv4 or IPv6. */
	fprintf(f, "\"packets\":{\"sent\":%llu,\"send_errors\":%llu,\"received\":%llu,"
	    "\"matched\":%llu,\"dropped\":%llu,\"dropped_by_reason\":{\"unmatched\":%llu,"
	    "\"mismatched\":%llu,\"malformed\":%llu,\"not_udp\":%llu,\"kernel\":%llu}},",
	    (unsigned long long)n->sent, (unsigned long long)n->send_errors,
	    (unsigned long long)n->received, (unsigned long long)n->matched, dropped(n),
	    (unsigned long long)n->drop_unmatched, (unsigned long long)n->drop_mismatch,
	    (unsigned long long)n->drop_malformed, (unsigned long long)n->capture_malformed,
	    (unsigned long long)n->kernel_drops);
	fprintf(f, "\"questions_excluded\":%llu,", (unsigned long long)n->excluded);
	fprintf(f, "\"domains_in_flight_max\":%llu,\"window_held_by\":\"%s\",\"window_held_s\":{",
	    (unsigned long long)c->max_in_flight, window_hold_name((enum window_hold)c->hold));
	for (int h = 0; h < HOLD_COUNT; h++)
		fprintf(f, "%s\"%s\":%.3f", h > 0 ? "," : "", window_hold_name((enum window_hold)h),
		    (double)c->hold_ns[h] / 1e9);
	fprintf(f, "},");
	if (v->caches != NULL)
		fprintf(f, "\"caches\":{\"host\":{\"hits\":%llu,\"misses\":%llu,\"evictions\":%llu},"
		    "\"zone\":{\"hits\":%llu,\"evictions\":%llu}},",
		    (unsigned long long)v->caches->host_hits, (unsigned long long)v->caches->host_misses,
		    (unsigned long long)v->caches->host_evictions, (unsigned long long)v->caches->zone_hits,
		    (unsigned long long)v->caches->zone_evictions);
	fprintf(f, "\"retries\":%llu,\"timeouts\":%llu,\"truncated\":%llu,\"tcp\":%llu,"
	    "\"tcp_failures\":%llu,",
	    (unsigned long long)n->retries, (unsigned long long)n->timeouts,
	    (unsigned long long)n->truncated, (unsigned long long)n->tcp,
	    (unsigned long long)n->tcp_failures);
	zones_json(f, v);
	fprintf(f, "\"elapsed_s\":%.3f,\"rates\":{\"domains_per_s\":%.1f,\"packets_sent_per_s\":%.1f,"
	    "\"packets_received_per_s\":%.1f}}\n", v->elapsed_s,
	    per_second(c->decided, v->elapsed_s), per_second(n->sent, v->elapsed_s),
	    per_second(n->received, v->elapsed_s));
}
