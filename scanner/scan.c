/* scan.c -- feed domains into the window, step the engine, write each verdict when it is reached. */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "exclude.h"
#include "inputline.h"
#include "inputreader.h"
#include "ndjson.h"
#include "pool.h"
#include "scan.h"
#include "window.h"
#include "zonefile.h"

/* A domain read and waiting in the block to start. */
struct queued {
	struct dname name;
	uint64_t line;		/* input line number, from 0 */
	char *input;		/* the line as written, for an IDN; else NULL */
	struct zdeleg *deleg;	/* the delegation, read from the parent's zone file */
};

/* A domain in flight: what its output line and the resume state need
 * besides the evidence. */
struct started {
	struct scan *s;		/* first: the pool's link overwrites it when spare */
	uint64_t line;
	char *input;
	bool flying;
};

/*
 * Decided lines are flushed at most this often: a write per turn of the
 * loop, a few lines each, cost a tenth of the CPU of a scan against late
 * servers (the loop turns often, with few answers per turn). A line still
 * leaves within about FLUSH_NS plus a turn, so `| jq` streams.
 */
#define FLUSH_NS 2000000u
/* Lines of a zone file a lookup reads per turn of the loop (a few ms). */
#define LOOKUP_LINES 65536
/* Delegations of whole zones read into a block per turn, at most. */
#define FILL_LINES 65536
/* Domains decided from a zone file alone started per turn, between flushes. */
#define OFFLINE_BATCH 4096

struct scan {
	const struct scan_options *opt;
	struct scan_counts *counts;
	struct resume_state *at;
	unsigned active;
	int read_errno;
	bool input_over;
	bool stopping;		/* a signal came: nothing more is written or started */
	struct queued *block;	/* the domains of the current shuffle block */
	size_t nblock, next, block_cap;
	/*
	 * Every started object made, in flight or spare: a stop finds the lines
	 * in flight here. Not a list of those in flight: unlinking a domain
	 * that ends touched its two neighbours, cache misses each when domains
	 * end 20-300 ms apart.
	 */
	struct started **all;
	size_t nall, all_cap;
	struct pool spare_started;
	struct window window;
	unsigned short rng[3];	/* nrand48 state, from --seed */
	/* With whole_zones: the zone being read, and the position in the
	 * input its delegations make (a name a line). */
	size_t zone_at;
	uint64_t zlines, zoffset, zhash;
	bool looking;		/* the block's names are being looked up in zone files */
	struct dns_response *resp;	/* a delegation's referral, built from the zone file */
};

static void
on_domain_done(void *ctx, struct domain *d)
{
	struct started *st = ctx;
	struct scan *s = st->s;
	struct verdict v;

	/* After a stop, a domain ends only because its questions were cut
	 * short: its line is left to the resumed scan. */
	if (!s->stopping) {
		verdict_decide(domain_evidence(d), &v);
		ndjson_domain(s->opt->out, domain_evidence(d), &v, st->input);
		s->counts->status[v.status]++;
		s->counts->decided++;
		verdict_free(&v);
	}
	domain_free(d);
	st->flying = false;
	free(st->input);
	pool_put(&s->spare_started, st);
	s->active--;
	s->counts->in_flight = s->active;
}

/* The next line of the input: the list's, or each delegation's name. */
static enum input_status
next_line(struct scan *s, const char **text, size_t *len)
{
	if (!s->opt->whole_zones)
		return inputreader_next(s->opt->in, text, len);
	while (s->zone_at < s->opt->nzones) {
		int got = zonefile_next_delegation(s->opt->zones[s->zone_at], text, len);

		if (got > 0) {
			s->zlines++;
			s->zoffset += *len + 1;
			s->zhash = resume_hash(resume_hash(s->zhash, *text, *len), "\n", 1);
			return INPUT_LINE;
		}
		if (got < 0) {
			errno = EIO;
			return INPUT_ERROR;
		}
		s->zone_at++;
	}
	return INPUT_END;
}

/* The delegation that comes with the line just read, taken. */
static struct zdeleg *
line_deleg(struct scan *s)
{
	return s->opt->whole_zones ? zonefile_take_delegation(s->opt->zones[s->zone_at]) : NULL;
}

static uint64_t
lines_read(const struct scan *s)
{
	return s->opt->whole_zones ? s->zlines : inputreader_lines(s->opt->in);
}

static bool
input_at_end(struct scan *s)
{
	return s->opt->whole_zones ? s->zone_at == s->opt->nzones : inputreader_at_end(s->opt->in);
}

/* The line as the user wrote it, without line end and surrounding blanks. */
static char *
written_text(const char *text, size_t len)
{
	char *copy;

	while (len > 0 && (text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	if ((copy = strndup(text, len)) == NULL)
		err(1, "out of memory");
	return copy;
}

/* One line of ours: invalid and excluded lines are answered on the spot,
 * domains join the block. */
static void
take_line(struct scan *s, const char *text, size_t len, uint64_t lineno, struct zdeleg *deleg)
{
	struct queued *q = &s->block[s->nblock];
	const char *why;
	enum line_kind kind = LINE_DOMAIN;
	char *input;

	if (deleg != NULL)
		q->name = *zdeleg_name(deleg);	/* read and checked by the zone's reader */
	else
		kind = input_line(text, len, &q->name, &why);

	switch (kind) {
	case LINE_SKIP:
		return;
	case LINE_INVALID:
		while (len > 0 && text[len - 1] == '\r')
			len--;
		ndjson_invalid(s->opt->out, text, len, why);
		s->counts->invalid++;
		s->counts->decided++;
		return;
	case LINE_DOMAIN:
	case LINE_IDN:
		input = kind == LINE_IDN ? written_text(text, len) : NULL;
		if (exclude_domain(s->opt->exclude, &q->name)) {
			ndjson_excluded(s->opt->out, &q->name, input);
			free(input);
			zdeleg_free(deleg);
			s->counts->excluded++;
			s->counts->decided++;
			return;
		}
		q->line = lineno;
		q->input = input;
		q->deleg = deleg;
		s->nblock++;
	}
}

static bool
our_line(const struct scan *s, uint64_t lineno)
{
	return lineno % s->opt->shards == s->opt->shard - 1;
}

/* Read lines until the block holds `shuffle` domains, the input has nothing
 * more to give right now (a pipe: what came so far starts at once), or it
 * ends. */
static void
fill_block(struct scan *s)
{
	const char *text;
	size_t len;

	/* A zone's delegations are there to read at once, but a slice of them
	 * (--shard) may be far apart: the answers must not wait. Decided from the
	 * zone alone, they are not shuffled, and a small block is still in the
	 * cache when its delegations are decided and freed (a block of 65,536 was
	 * 8 MB, and its reads and frees missed it). */
	unsigned most = !s->opt->whole_zones ? UINT_MAX : s->opt->parent_only ? OFFLINE_BATCH : FILL_LINES;

	s->nblock = s->next = 0;
	for (unsigned read = 0; s->nblock < s->opt->shuffle && !*s->opt->stop; read++) {
		uint64_t lineno = lines_read(s);

		if (read >= most && s->nblock > 0)
			return;

		switch (next_line(s, &text, &len)) {
		case INPUT_AGAIN:
			return;
		case INPUT_ERROR:
			s->read_errno = errno;
			/* FALLTHROUGH */
		case INPUT_END:
			s->input_over = true;
			return;
		case INPUT_LINE:
			if (our_line(s, lineno))
				take_line(s, text, len, lineno, line_deleg(s));
			break;
		}
	}
}

/* Fisher-Yates with the scan's seeded generator: the same --seed, the same order. */
static void
shuffle_block(struct scan *s)
{
	for (size_t i = s->nblock; i > 1; i--) {
		size_t j = (size_t)nrand48(s->rng) % i;
		struct queued t = s->block[i - 1];

		s->block[i - 1] = s->block[j];
		s->block[j] = t;
	}
}

static void
start_one(struct scan *s, struct engine *e, struct resolver *r)
{
	struct queued *q = &s->block[s->next++];
	struct started *st = pool_reuse(&s->spare_started);
	struct walk_result given, *parent = NULL;

	if (st == NULL) {
		if (s->nall == s->all_cap) {
			s->all_cap = s->all_cap ? s->all_cap * 2 : 1024;
			if ((s->all = reallocarray(s->all, s->all_cap, sizeof(*s->all))) == NULL)
				err(1, "out of memory");
		}
		if ((st = malloc(sizeof(*st))) == NULL)
			err(1, "out of memory");
		s->all[s->nall++] = st;
	}
	st->s = s;
	st->line = q->line;
	st->input = q->input;
	st->flying = true;
	s->active++;
	s->counts->in_flight = s->active;
	if (s->active > s->counts->max_in_flight)
		s->counts->max_in_flight = s->active;
	if (q->deleg != NULL) {
		/* The parent's answer, as its server would give it. */
		zonefile_delegation_answer(q->deleg, s->resp);
		memset(&given, 0, sizeof(given));
		given.outcome = WALK_REFERRAL;
		given.resp = s->resp;
		given.zone = *zdeleg_zone(q->deleg);
		parent = &given;
	}
	domain_start(e, r, &q->name, s->opt->parent_only, parent, on_domain_done, st);
	zdeleg_free(q->deleg);
}

/* Names of an --input block under streamed zones are looked up in their
 * files before the block starts: true when there are any. */
static bool
want_lookups(struct scan *s)
{
	bool any = false;

	for (size_t z = 0; z < s->opt->nzones; z++)
		for (size_t i = 0; i < s->nblock; i++)
			any |= zonefile_want(s->opt->zones[z], &s->block[i].name);
	return any;
}

/* One turn's share of the lookups: true when they are complete. */
static bool
lookups_done(struct scan *s)
{
	bool done = true, failed;

	for (size_t z = 0; z < s->opt->nzones; z++) {
		done &= zonefile_lookup_step(s->opt->zones[z], LOOKUP_LINES, &failed);
		if (failed) {
			s->looking = false;
			s->read_errno = EIO;
			s->input_over = true;
			s->next = s->nblock;
			return false;
		}
	}
	return done;
}

/* Started with no question to send: the parent's answer came from its zone
 * file, and no child is to be asked. */
static bool
offline(const struct scan *s, const struct queued *q)
{
	return q->deleg != NULL && s->opt->parent_only;
}

static unsigned
room(struct scan *s, struct engine *e)
{
	struct window_load l;
	const struct engine_stats *c = engine_counters(e);

	l.queued = engine_queued(e, &l.capped);
	l.sent = c->sent;
	l.answered = c->matched;
	l.rtt_ns = c->rtt_ns;
	l.retried = c->matched_retried;
	return window_room(&s->window, s->active, &l, engine_now_ns());
}

/* Start domains while the window has room and input is there to take. */
static void
admit(struct scan *s, struct engine *e, struct resolver *r)
{
	unsigned n = room(s, e), started = 0, decided = 0;

	while (!*s->opt->stop) {
		if (s->looking) {
			if (!lookups_done(s))
				break;
			s->looking = false;
		}
		if (s->next == s->nblock) {
			if (s->input_over)
				break;
			for (size_t z = 0; z < s->opt->nzones; z++)
				zonefile_lookup_clear(s->opt->zones[z]);
			fill_block(s);
			if (!s->opt->parent_only || !s->opt->whole_zones)
				shuffle_block(s);	/* not for domains that send nothing */
			if (s->nblock == 0)
				break;
			if (!s->opt->whole_zones && want_lookups(s)) {
				s->looking = true;
				continue;
			}
		}
		if (offline(s, &s->block[s->next])) {
			if (decided++ == OFFLINE_BATCH)
				break;
		} else if (started++ == n) {
			started--;
			break;
		}
		start_one(s, e, r);
	}
	window_started(&s->window, started);
	s->counts->hold = s->window.hold;
}

static bool
wants_input(const struct scan *s)
{
	return !s->stopping && !s->input_over && s->next == s->nblock &&
	    s->window.hold == HOLD_NONE && !s->opt->whole_zones;
}

/* Work waits that needs no network: the loop must not sleep. */
static bool
busy(const struct scan *s)
{
	return !s->stopping && (s->looking || (s->next < s->nblock && offline(s, &s->block[s->next])));
}

static void
note_position(struct scan *s)
{
	if (s->opt->whole_zones) {
		s->at->offset = s->zoffset;
		s->at->lines = s->zlines;
		s->at->input_hash = s->zhash;
		return;
	}
	s->at->offset = inputreader_offset(s->opt->in);
	s->at->lines = inputreader_lines(s->opt->in);
	s->at->input_hash = inputreader_hash(s->opt->in);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A signal: the lines read without output (in flight, or waiting in the
 * block) become the resume state at once, then every question is settled
 * without sending, so the domains in flight end quickly and unwritten.
 */
static void
begin_stop(struct scan *s, struct engine *e, struct resolver *r)
{
	note_position(s);
	s->at->npending = 0;
	for (size_t i = 0; i < s->nall; i++)
		if (s->all[i]->flying)
			resume_add_pending(s->at, s->all[i]->line);
	for (size_t i = s->next; i < s->nblock; i++) {
		resume_add_pending(s->at, s->block[i].line);
		free(s->block[i].input);
		zdeleg_free(s->block[i].deleg);
	}
	s->next = s->nblock = 0;
	if (s->at->npending > 0)
		qsort(s->at->pending, s->at->npending, sizeof(uint64_t), cmp_u64);
	s->at->complete = s->at->npending == 0 && s->read_errno == 0 &&
	    (s->input_over || input_at_end(s));
	s->stopping = true;
	engine_drain(e);
	resolver_abort(r);
}

/*
 * Read again the input a resumed scan covered, proving by its hash that it is
 * the same; its lines without output join the first block. false: another
 * input. A stop while a pipe is slow to give the prefix leaves the state as
 * it was (*stopped).
 */
static bool
replay_resumed(struct scan *s, const struct resume_state *from, bool *stopped)
{
	struct inputreader *in = s->opt->in;
	size_t k = 0;
	const char *text;
	size_t len;
	struct { uint64_t line; char *text; size_t len; struct zdeleg *deleg; } *carry;

	*stopped = false;
	if ((carry = calloc(from->npending + 1, sizeof(*carry))) == NULL)
		err(1, "out of memory");
	while (lines_read(s) < from->lines) {
		uint64_t lineno = lines_read(s);
		enum input_status st = next_line(s, &text, &len);

		if (st == INPUT_AGAIN) {
			if (*s->opt->stop) {
				*stopped = true;
				break;
			}
			struct pollfd p = { .fd = inputreader_pollfd(in), .events = POLLIN };

			(void)poll(&p, 1, 100);
			continue;
		}
		if (st != INPUT_LINE)
			break;
		if (k < from->npending && from->pending[k] == lineno) {
			carry[k].line = lineno;
			carry[k].len = len;
			if ((carry[k].text = malloc(len + 1)) == NULL)
				err(1, "out of memory");
			memcpy(carry[k].text, text, len);
			carry[k].deleg = line_deleg(s);
			k++;
		}
	}
	note_position(s);
	bool same = !*stopped && s->at->lines == from->lines &&
	    s->at->offset == from->offset && s->at->input_hash == from->input_hash &&
	    k == from->npending;

	for (size_t i = 0; i < k; i++) {
		if (same)
			take_line(s, carry[i].text, carry[i].len, carry[i].line, carry[i].deleg);
		else
			zdeleg_free(carry[i].deleg);
		free(carry[i].text);
	}
	free(carry);
	return same || *stopped;
}

static void
copy_state(struct resume_state *to, const struct resume_state *from)
{
	to->offset = from->offset;
	to->lines = from->lines;
	to->input_hash = from->input_hash;
	to->npending = 0;
	for (size_t i = 0; i < from->npending; i++)
		resume_add_pending(to, from->pending[i]);
	to->complete = false;
}

enum scan_end
scan_run(struct engine *e, struct resolver *r, const struct scan_options *opt,
    struct scan_counts *counts, struct resume_state *at)
{
	struct scan s = { .opt = opt, .counts = counts, .at = at };
	bool drained = false, stalled = false, stopped_early = false, unflushed;
	uint64_t next_tick = engine_now_ns(), now, flushed_ns = 0, flushed_decided = 0;
	size_t first = opt->resume_from != NULL ? opt->resume_from->npending : 0;

	memset(counts, 0, sizeof(*counts));
	s.zhash = RESUME_HASH_INIT;
	at->offset = at->lines = at->npending = 0;
	at->input_hash = RESUME_HASH_INIT;
	at->complete = false;
	window_init(&s.window, opt->rate, opt->window, opt->max_memory, engine_now_ns());
	s.block_cap = opt->shuffle > first ? opt->shuffle : first;
	if ((s.block = reallocarray(NULL, s.block_cap, sizeof(*s.block))) == NULL)
		err(1, "out of memory");
	s.rng[0] = (unsigned short)opt->seed;
	s.rng[1] = (unsigned short)(opt->seed >> 16);
	s.rng[2] = (unsigned short)(opt->seed >> 32);
	if (opt->resume_from != NULL) {
		if (!replay_resumed(&s, opt->resume_from, &stopped_early)) {
			free(s.block);
			return SCAN_NOT_SAME_INPUT;
		}
		if (stopped_early) {
			copy_state(at, opt->resume_from);
			free(s.block);
			return SCAN_STOPPED;
		}
		shuffle_block(&s);
	}
	if ((s.resp = malloc(sizeof(*s.resp))) == NULL)
		err(1, "out of memory");
	for (;;) {
		if (*opt->stop && !s.stopping)
			begin_stop(&s, e, r);
		if (!s.stopping)
			admit(&s, e, r);
		unflushed = counts->decided != flushed_decided;
		if (unflushed && (now = engine_now_ns()) - flushed_ns >= FLUSH_NS) {
			fflush(opt->out);
			flushed_decided = counts->decided;
			flushed_ns = now;
			unflushed = false;
		}
		if (s.active == 0 && (s.stopping || (s.input_over && s.next == s.nblock)))
			break;
		/* Waiting for admission tokens, or lines not yet flushed: look again
		 * soon, or the budget of the sleep would be lost past the admission
		 * burst, or a line would wait on the network. */
		engine_step(e, busy(&s) ? 0 : s.window.hold == HOLD_RATE || unflushed ? 1 : 100,
		    wants_input(&s) ? inputreader_pollfd(opt->in) : -1);
		if (opt->tick != NULL && engine_now_ns() >= next_tick) {
			if (!s.stopping)
				note_position(&s);
			opt->tick(opt->tick_ctx, counts, at);
			next_tick = engine_now_ns() + 1000000000u;
		}
		if (s.active > 0 && engine_idle(e)) {
			/* Open domains with nothing to send or wait for are waiting
			 * on each other's resolutions (a loop across domains): fail
			 * those resolutions so the domains go on, input or not. */
			if (stalled)
				errx(1, "internal error: %u domains stalled", s.active);
			resolver_abort(r);
			stalled = true;
			continue;
		}
		stalled = false;
		if (s.stopping || !s.input_over || s.next < s.nblock || drained)
			continue;
		/* No more input: past --wait after the last packet, stop waiting for
		 * the network; the open questions are settled as timeouts, so every
		 * domain still gets its line. */
		if (engine_now_ns() - engine_last_send_ns(e) > (uint64_t)opt->wait_s * 1000000000u) {
			engine_drain(e);
			resolver_abort(r);
			drained = true;
		}
	}
	memcpy(counts->hold_ns, s.window.hold_ns, sizeof(counts->hold_ns));
	free(s.block);
	free(s.resp);
	pool_drain(&s.spare_started);	/* all of them: none is in flight now */
	free(s.all);
	domain_release_spares();
	fflush(opt->out);
	if (!s.stopping) {
		note_position(&s);
		at->complete = s.read_errno == 0;
	}
	if (s.read_errno != 0) {
		errno = s.read_errno;
		return SCAN_READ_ERROR;
	}
	return at->complete ? SCAN_COMPLETE : SCAN_STOPPED;
}
