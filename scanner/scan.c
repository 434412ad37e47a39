/* scan.c -- feed domains into the window, step the engine, write each verdict when it is reached. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "inputline.h"
#include "ndjson.h"
#include "scan.h"

struct scan {
	const struct scan_options *opt;
	struct scan_counts *counts;
	unsigned active;
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
}

/* Read lines until one domain is started or the input ends; false at the end. */
static bool
admit_one(struct scan *s, struct engine *e, struct resolver *r, char **line, size_t *cap, int *read_errno)
{
	ssize_t len;

	while ((len = getline(line, cap, s->opt->in)) != -1) {
		struct dname name;
		const char *why;

		switch (input_line(*line, (size_t)len, &name, &why)) {
		case LINE_SKIP:
			continue;
		case LINE_INVALID:
			while (len > 0 && ((*line)[len - 1] == '\n' || (*line)[len - 1] == '\r'))
				len--;
			ndjson_invalid(s->opt->out, *line, (size_t)len, why);
			s->counts->invalid++;
			s->counts->decided++;
			continue;
		case LINE_DOMAIN:
			s->active++;
			domain_start(e, r, &name, on_domain_done, s);
			return true;
		}
	}
	if (ferror(s->opt->in))
		*read_errno = errno;
	return false;
}

int
scan_run(struct engine *e, struct resolver *r, const struct scan_options *opt,
    struct scan_counts *counts)
{
	struct scan s = { opt, counts, 0 };
	char *line = NULL;
	size_t cap = 0;
	bool more = true, drained = false;
	int read_errno = 0;

	memset(counts, 0, sizeof(*counts));
	for (;;) {
		while (more && s.active < opt->window)
			more = admit_one(&s, e, r, &line, &cap, &read_errno);
		fflush(opt->out);
		if (!more && s.active == 0)
			break;
		engine_step(e, 100);
		if (drained && engine_idle(e))
			errx(1, "internal error: %u domains stalled after the drain", s.active);
		if (more || drained)
			continue;
		/* Input is over. Nothing left to send or wait for while domains are
		 * still open means they wait on each other (a resolution loop across
		 * domains); past --wait, stop waiting for the network. Either way the
		 * open questions are settled as timeouts, so every domain gets a line. */
		if (engine_idle(e) ||
		    engine_now_ns() - engine_last_send_ns(e) > (uint64_t)opt->wait_s * 1000000000u) {
			engine_drain(e);
			resolver_abort(r);
			drained = true;
		}
	}
	free(line);
	fflush(opt->out);
	if (read_errno != 0) {
		errno = read_errno;
		return -1;
	}
	return 0;
}
