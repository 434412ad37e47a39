/* scan.c -- feed domains into the window, step the engine, write each verdict when it is reached. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "domain.h"
#include "exclude.h"
#include "inputline.h"
#include "ndjson.h"
#include "scan.h"

struct scan {
	const struct scan_options *opt;
	struct scan_counts *counts;
	struct resume_state *at;	/* bytes and lines read so far */
	unsigned active;
	char *line;
	size_t cap;
	int read_errno;
	bool input_over;
	struct dname *block;		/* the domains of the current shuffle block */
	size_t nblock, next;
	unsigned short rng[3];		/* nrand48 state, from --seed */
};

static void
on_domain_done(void *ctx, struct domain *d)
{
	struct scan *s = ctx;
	struct verdict v;

	verdict_decide(domain_evidence(d), &v);
	ndjson_domain(s->opt->out, domain_evidence(d), &v);
	s->counts->status[v.status]++;
	s->counts->decided++;
	verdict_free(&v);
	domain_free(d);
	s->active--;
	s->counts->in_flight = s->active;
}

/* Read lines until the block holds `shuffle` domains or the input ends (or a
 * stop comes while waiting for input). Invalid and excluded lines are
 * answered on the spot. */
static void
fill_block(struct scan *s)
{
	ssize_t len;

	s->nblock = s->next = 0;
	while (s->nblock < s->opt->shuffle &&
	    (len = getline(&s->line, &s->cap, s->opt->in)) != -1) {
		struct dname *name = &s->block[s->nblock];
		const char *why;

		s->at->offset += (uint64_t)len;
		s->at->lines++;
		s->at->input_hash = resume_hash(s->at->input_hash, s->line, (size_t)len);
		if ((s->at->lines - 1) % s->opt->shards != s->opt->shard - 1)
			continue;	/* another shard's line */
		switch (input_line(s->line, (size_t)len, name, &why)) {
		case LINE_SKIP:
			continue;
		case LINE_INVALID:
			while (len > 0 && (s->line[len - 1] == '\n' || s->line[len - 1] == '\r'))
				len--;
			ndjson_invalid(s->opt->out, s->line, (size_t)len, why);
			s->counts->invalid++;
			s->counts->decided++;
			continue;
		case LINE_DOMAIN:
			if (exclude_domain(s->opt->exclude, name)) {
				ndjson_excluded(s->opt->out, name);
				s->counts->excluded++;
				s->counts->decided++;
				continue;
			}
			s->nblock++;
		}
	}
	if (s->nblock == s->opt->shuffle)
		return;
	s->input_over = true;
	if (ferror(s->opt->in)) {
		if (errno == EINTR && *s->opt->stop) {
			/* The signal to stop came while waiting for input: the
			 * line being read is not ours yet, so not counted. */
			clearerr(s->opt->in);
			return;
		}
		s->read_errno = errno;
	}
	s->at->complete = s->read_errno == 0;
}

/* Fisher-Yates with the scan's seeded generator: the same --seed, the same order. */
static void
shuffle_block(struct scan *s)
{
	for (size_t i = s->nblock; i > 1; i--) {
		size_t j = (size_t)nrand48(s->rng) % i;
		struct dname t = s->block[i - 1];

		s->block[i - 1] = s->block[j];
		s->block[j] = t;
	}
}

/*
 * Start the next domain; false when there is none to start: the input is
 * over, or a stop was asked for. A stop takes effect between blocks only, so
 * every line before the resume point has its answer.
 */
static bool
admit_one(struct scan *s, struct engine *e, struct resolver *r)
{
	if (s->next == s->nblock) {
		if (s->input_over || *s->opt->stop)
			return false;
		fill_block(s);
		shuffle_block(s);
		if (s->nblock == 0)
			return false;
	}
	s->active++;
	s->counts->in_flight = s->active;
	if (s->active > s->counts->max_in_flight)
		s->counts->max_in_flight = s->active;
	domain_start(e, r, &s->block[s->next++], s->opt->parent_only, on_domain_done, s);
	return true;
}

/* Read past what the resumed scan covered, hashing it: the same bytes or nothing. */
static bool
skip_resumed(struct scan *s, const struct resume_state *from)
{
	char buf[65536];

	while (s->at->offset < from->offset) {
		uint64_t left = from->offset - s->at->offset;
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		size_t got = fread(buf, 1, want, s->opt->in);

		if (got == 0)
			return false;
		s->at->offset += got;
		s->at->input_hash = resume_hash(s->at->input_hash, buf, got);
	}
	s->at->lines = from->lines;
	return s->at->input_hash == from->input_hash;
}

/* A file or memory stream answers at once; a pipe or terminal may wait forever. */
static bool
cannot_block(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	return fd < 0 || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
}

enum scan_end
scan_run(struct engine *e, struct resolver *r, const struct scan_options *opt,
    struct scan_counts *counts, struct resume_state *at)
{
	struct scan s = { .opt = opt, .counts = counts, .at = at };
	bool more = true, drained = false, stalled = false;
	uint64_t next_tick = engine_now_ns();

	memset(counts, 0, sizeof(*counts));
	at->offset = at->lines = 0;
	at->input_hash = RESUME_HASH_INIT;
	at->complete = false;
	if (opt->resume_from != NULL && !skip_resumed(&s, opt->resume_from))
		return SCAN_NOT_SAME_INPUT;
	if ((s.block = reallocarray(NULL, opt->shuffle, sizeof(*s.block))) == NULL)
		err(1, "out of memory");
	s.rng[0] = (unsigned short)opt->seed;
	s.rng[1] = (unsigned short)(opt->seed >> 16);
	s.rng[2] = (unsigned short)(opt->seed >> 32);
	for (;;) {
		while (more && s.active < opt->window)
			more = admit_one(&s, e, r);
		fflush(opt->out);
		if (!more && s.active == 0)
			break;
		engine_step(e, 100);
		if (opt->tick != NULL && engine_now_ns() >= next_tick) {
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
		if (more || drained)
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
	free(s.line);
	free(s.block);
	domain_release_spares();
	fflush(opt->out);
	if (!at->complete && s.read_errno == 0 && cannot_block(opt->in)) {
		/* Stopped right at the end of the input: nothing is left to resume. */
		int c = getc(opt->in);

		if (c == EOF)
			at->complete = !ferror(opt->in);
		else
			ungetc(c, opt->in);
	}
	if (s.read_errno != 0) {
		errno = s.read_errno;
		return SCAN_READ_ERROR;
	}
	return at->complete ? SCAN_COMPLETE : SCAN_STOPPED;
}
