/* scan-window.c -- admit domains while the send budget would otherwise go unused. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "window.h"

/*
 * Backlog the engine keeps to send at the rate: 5 ms of it, between one and
 * four of its send batches. More waiting gains nothing (the loop turns far
 * faster) and costs: at zero latency a backlog of 20 ms of 400,000 pps kept
 * 12,000 domains in flight and took a third more CPU per answer than 2,000.
 */
#define BACKLOG_S 0.005
#define BACKLOG_MIN 256
#define BACKLOG_MAX 1024
/* Admissions may come in bursts of 10 ms of the rate. */
#define BURST_S 0.01
#define BURST_MIN 64
/* Resident size is read from /proc at most this often. */
#define RSS_EVERY_NS 50000000u
/*
 * Questions waiting for per-server caps are no backlog: the rate cannot
 * send them sooner, and domains for other servers may start beside them.
 * Past this many seconds of the rate of them, though, the window stops
 * growing: each is a domain held in memory, and one busy server's queue
 * (or its zone's) would otherwise take in the whole input.
 */
#define CAPPED_S 1.0
/* The loop busy this share of the wall time, or more: its CPU is the limit. */
#define CPU_BUSY 0.9
/*
 * The probe of the limit: every period, while the limit held admissions
 * back, double it (a domain's first question leaves at once, so the rate
 * answers within the period); when that raised the rate of answers by less
 * than GAIN, go back and wait before probing again, PLATEAU_PERIODS at
 * first, twice as long after each probe that bought nothing. Answers, not
 * packets sent: a limit past what the servers' socket buffers hold loses
 * answers, and the retries it causes raise only the packets sent.
 */
/* Where a zero-latency scan settles (the bench world's servers): starting
 * lower only cost the first second of a scan against late servers, while
 * each doubling waited a period to be judged. */
#define LIMIT_START 4096
#define PROBE_NS 250000000u
/* The start's period, only measured: shorter, since the window waits on it. */
#define FIRST_PROBE_NS 100000000u
#define GAIN 1.05
/*
 * A doubling that raised the answers' rate this much, their round trips as
 * short, showed the window alone holding the rate: the servers did not
 * queue. The next step is then fourfold. Against late servers a scan starts
 * with tens of thousands of domains too few, and each doubling costs a
 * period: in steps of two the first second ran at a third of the rate.
 */
#define STRONG_GAIN 1.5
#define STRONG_STEP 4
#define PLATEAU_PERIODS 8
#define PLATEAU_MAX_PERIODS 240
#define JUDGE_PERIODS 4
/* Round trips no longer than this many times those before a doubling: the
 * extra domains did not queue. */
#define RTT_SLACK 1.2
/* ... and at most LOST_GROWTH times as large a share of the answers coming
 * only to a retry, plus LOST_SLACK: a queue that overflows loses first
 * tries, which a retry then gets answered. Not timeouts: the silent
 * servers' share of those grows over their 7 s of tries while a scan ramps
 * up. */
#define LOST_GROWTH 1.2
#define LOST_SLACK 0.01

static const char *const hold_names[HOLD_COUNT] = {
	[HOLD_NONE] = "input", [HOLD_RATE] = "rate", [HOLD_CPU] = "cpu",
	[HOLD_CAPS] = "per-server caps", [HOLD_MEMORY] = "memory", [HOLD_WINDOW] = "window",
	[HOLD_PLATEAU] = "servers",
};

const char *
window_hold_name(enum window_hold h)
{
	return h < HOLD_COUNT ? hold_names[h] : "?";
}

static double
burst(const struct window *w)
{
	double b = w->rate * BURST_S;

	return b < BURST_MIN ? BURST_MIN : b;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
window_init(struct window *w, double rate, unsigned bound, uint64_t max_memory, uint64_t now_ns)
{
	*w = (struct window){ .rate = rate, .bound = bound, .max_memory = max_memory,
	    .last_ns = now_ns, .rate_ns = now_ns, .limit = LIMIT_START, .probe_ns = now_ns,
	    .hold_since_ns = now_ns, .cpu_clock = thread_cpu_ns };
	w->rate_cpu_ns = w->cpu_clock();
	w->tokens = burst(w);
	if (w->limit > bound)
		w->limit = bound;
}

uint64_t
window_resident_bytes(void)
{
	unsigned long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void
measure(struct window *w, const struct window_load *l, uint64_t now)
{
	if (now - w->rss_ns >= RSS_EVERY_NS) {
		w->rss = window_resident_bytes();
		w->rss_ns = now;
	}
	if (now - w->rate_ns >= 1000000000u) {
		uint64_t cpu = w->cpu_clock();

		w->sent_per_s = (double)(l->sent - w->rate_sent) * 1e9 / (double)(now - w->rate_ns);
		w->busy = (double)(cpu - w->rate_cpu_ns) / (double)(now - w->rate_ns);
		w->rate_sent = l->sent;
		w->rate_cpu_ns = cpu;
		w->rate_ns = now;
	}
	w->tokens += (double)(now - w->last_ns) * w->rate / 1e9;
	if (w->tokens > burst(w))
		w->tokens = burst(w);
	w->last_ns = now;
}

/* The period just measured ends: its figures are kept for the next one (a
 * doubling is judged against the better of the two before it), and whether
 * the limit held admissions back starts over. */
static void
end_period(struct window *w, double rate, double rtt)
{
	w->rate_prev = rate;
	w->rtt_prev = rtt;
	w->limited = false;
}

/* The period's answers took no longer than those before the doubling. */
static bool
as_short(const struct window *w, double rtt)
{
	return rtt > 0 && rtt <= w->rtt_before * RTT_SLACK;
}

/* Once a period: grow the limit where it held the window back, unless the
 * last growth bought no rate. */
static void
probe(struct window *w, const struct window_load *l, uint64_t now)
{
	uint64_t answered = l->answered - w->answered_at_probe;
	uint64_t retried = l->retried - w->retried_at_probe;
	double rate, rtt = 0, lost = 0;
	bool failed, strong;

	if (now - w->probe_ns < (w->measured ? PROBE_NS : FIRST_PROBE_NS))
		return;
	rate = (double)answered * 1e9 / (double)(now - w->probe_ns);
	if (answered > 0) {
		rtt = (double)(l->rtt_ns - w->rtt_at_probe) / (double)answered;
		lost = (double)retried / (double)answered;
	}
	w->probe_ns = now;
	w->answered_at_probe = l->answered;
	w->rtt_at_probe = l->rtt_ns;
	w->retried_at_probe = l->retried;
	/*
	 * The first period holds the start (the first questions, the first
	 * answers on their way): a doubling judged against its rate looked
	 * like a gain whatever it bought, and the parent stage of a 10M-line
	 * stream went on doubling to 65,536 domains, far past what the
	 * server's socket buffer holds, losing answers all the way.
	 */
	if (!w->measured) {
		w->measured = true;
		end_period(w, 0, 0);
		return;
	}
	/*
	 * A doubling is judged in the first period the window reaches it. When
	 * something else holds the window below it (the backlog, the CPU), it
	 * is judged after JUDGE_PERIODS without reaching it: kept if in the
	 * last of them (the window has had a second to fill the room) answers
	 * came faster or their round trips stayed as short, and in none more
	 * answers came only to a retry; else set back to where it was. A limit
	 * that was never used must not ratchet up: at zero latency more in
	 * flight only queues at the servers, the round trips grow with the
	 * queue, or stay as long as a full queue while first tries are lost.
	 * Nor may one that bought nothing but room be cut: against late
	 * servers the silent ones' domains pile up over their 7 s of tries
	 * while the CPU holds the answer rate, and a limit set back to the
	 * most domains the trial let in bound again at once, stopping
	 * admissions for a period in five.
	 */
	if (w->grew && !w->limited) {
		w->trial_lost |= lost > w->lost_before * LOST_GROWTH + LOST_SLACK;
		if (++w->waited >= JUDGE_PERIODS) {
			bool gained = rate >= w->rate_before * GAIN || as_short(w, rtt);

			if (!gained || w->trial_lost)
				w->limit = w->limit_before;
			w->grew = false;
		}
		end_period(w, rate, rtt);
		return;
	}
	failed = w->grew && rate < w->rate_before * GAIN;
	strong = w->grew && rate >= w->rate_before * STRONG_GAIN && as_short(w, rtt);
	if (w->grew && !failed)
		w->backoff = 0;
	w->grew = false;
	if (failed) {
		w->limit = w->limit_before;
		w->backoff = w->backoff == 0 ? PLATEAU_PERIODS :
		    w->backoff * 2 < PLATEAU_MAX_PERIODS ? w->backoff * 2 : PLATEAU_MAX_PERIODS;
		w->plateau = w->backoff;
	} else if (w->plateau > 0) {
		w->plateau--;
	} else if (w->limited && answered > 0 && w->limit < w->bound) {
		/* Without an answer in the period there is no rate to beat. */
		unsigned step = strong ? STRONG_STEP : 2;

		w->limit_before = w->limit;
		/* The better of the last two periods: one slow period must not
		 * make noise look like a gain. */
		w->rate_before = rate > w->rate_prev ? rate : w->rate_prev;
		w->rtt_before = rtt > 0 && (w->rtt_prev == 0 || rtt < w->rtt_prev) ? rtt : w->rtt_prev;
		w->lost_before = lost;
		w->limit = w->limit < w->bound / step ? w->limit * step : w->bound;
		w->grew = true;
		w->waited = 0;
		w->trial_lost = false;
	}
	end_period(w, rate, rtt);
}

/* Why the window may not grow now; HOLD_NONE if it may. *moving: the
 * domains that count against the probed limit. */
static enum window_hold
held_by(struct window *w, unsigned active, const struct window_load *l, unsigned *moving)
{
	double backlog = w->rate * BACKLOG_S;

	if (backlog < BACKLOG_MIN)
		backlog = BACKLOG_MIN;
	if (backlog > BACKLOG_MAX)
		backlog = BACKLOG_MAX;
	/* A domain waiting for a cap has (nearly always) one question there:
	 * it is parked, not in the way of the servers the limit measures. */
	*moving = l->capped < active ? active - (unsigned)l->capped : 0;
	if (active >= w->bound)
		return HOLD_WINDOW;
	/* With nothing in flight a domain starts whatever the size: the
	 * caches and the allocator's free memory would otherwise stop the
	 * scan for good. */
	if (w->max_memory > 0 && w->rss >= w->max_memory && active > 0)
		return HOLD_MEMORY;
	if ((double)l->queued >= backlog) {
		/* Enough to send: the rate is used; or this loop cannot keep up;
		 * or neither, and the questions wait on servers short of their
		 * caps' credit (each within its bucket, so not counted capped). */
		if (w->sent_per_s >= 0.9 * w->rate)
			return HOLD_RATE;
		if (w->busy >= CPU_BUSY)
			return HOLD_CPU;
		return l->capped > 0 ? HOLD_CAPS : HOLD_RATE;
	}
	if ((double)l->capped >= w->rate * CAPPED_S)
		return HOLD_CAPS;
	if (*moving >= w->limit) {
		w->limited = true;
		return HOLD_PLATEAU;
	}
	return HOLD_NONE;
}

unsigned
window_room(struct window *w, unsigned active, const struct window_load *l, uint64_t now)
{
	unsigned moving;
	double room;

	measure(w, l, now);
	probe(w, l, now);
	if (now > w->hold_since_ns) {
		w->hold_ns[w->hold] += now - w->hold_since_ns;
		w->hold_since_ns = now;
	}
	if ((w->hold = held_by(w, active, l, &moving)) != HOLD_NONE)
		return 0;
	room = w->tokens < (double)(w->limit - moving) ? w->tokens : (double)(w->limit - moving);
	/* Out of admission tokens: domains start as fast as the rate allows. */
	w->hold = room < 1 ? HOLD_RATE : HOLD_NONE;
	return room < 1 ? 0 : (unsigned)room;
}

void
window_started(struct window *w, unsigned n)
{
	w->tokens -= n;
}

uint64_t
window_default_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t quarter = pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size / 4 : 0;
	uint64_t gib = 1ull << 30;

	return quarter > 0 && quarter < gib ? quarter : gib;
}
