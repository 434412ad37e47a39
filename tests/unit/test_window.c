/* test_window.c -- the auto window on a simulated clock: what lets domains start and what holds them. */
#include <criterion/criterion.h>
#include <string.h>

#include "window.h"

#define MS 1000000ull

Test(window, starts_at_most_rate_domains_a_second)
{
	struct window w;
	struct window_load l = { 0 };
	unsigned total = 0;

	window_init(&w, 10000, 1000000, 0, 0);
	/* one simulated second in 1 ms steps, nothing waiting to be sent */
	for (uint64_t t = 1; t <= 1000; t++) {
		unsigned n = window_room(&w, 0, &l, t * MS);

		window_started(&w, n);
		total += n;
	}
	cr_assert(total <= 10000 + 100, "%u domains started in one second at --rate 10000", total);
	cr_assert(total >= 9000, "only %u domains started in one second at --rate 10000", total);
}

Test(window, a_full_backlog_holds_it)
{
	struct window w;
	struct window_load l = { .queued = 1024 };

	window_init(&w, 400000, 1000000, 0, 0);
	cr_assert_eq(window_room(&w, 10, &l, MS), 0);
	cr_assert_eq(w.hold, HOLD_RATE);
	l.queued = 10;
	cr_assert_gt(window_room(&w, 10, &l, 2 * MS), 0);
	cr_assert_eq(w.hold, HOLD_NONE);
}

Test(window, a_second_of_the_rate_behind_caps_holds_it)
{
	struct window w;
	struct window_load l = { .capped = 5000 };

	window_init(&w, 2000, 1000000, 0, 0);
	cr_assert_eq(window_room(&w, 10, &l, MS), 0);
	cr_assert_eq(w.hold, HOLD_CAPS);
	/* a few behind the caps: others may still start */
	l.capped = 100;
	cr_assert_gt(window_room(&w, 10, &l, 2 * MS), 0);
}

Test(window, questions_behind_caps_are_no_backlog)
{
	struct window w;
	/* the NS-name zone's two addresses at their cap with 50,000 questions
	 * (half a second of --rate 100000), nothing else waiting */
	struct window_load l = { .queued = 10, .capped = 50000 };

	window_init(&w, 100000, 1000000, 0, 0);
	cr_assert_gt(window_room(&w, 50000, &l, MS), 0, "held by %s", window_hold_name(w.hold));
	cr_assert_eq(w.hold, HOLD_NONE);
	/* what the rate could send now still holds it, capped or not */
	l.queued = 600;
	cr_assert_eq(window_room(&w, 50000, &l, 2 * MS), 0);
	l.capped = 0;
	cr_assert_eq(window_room(&w, 50000, &l, 3 * MS), 0);
	cr_assert_eq(w.hold, HOLD_RATE);
}

Test(window, domains_parked_behind_caps_do_not_count_against_the_limit)
{
	struct window w;
	struct window_load l = { .capped = 20000 };

	window_init(&w, 100000, 1000000, 0, 0);
	/* 20,000 domains in flight, 4096 the probed limit: the 20,000 waiting
	 * for capped servers leave the room for others */
	cr_assert_gt(window_room(&w, 20000, &l, MS), 0, "held by %s", window_hold_name(w.hold));
	l.capped = 0;
	cr_assert_eq(window_room(&w, 20000, &l, 2 * MS), 0);
	cr_assert_eq(w.hold, HOLD_PLATEAU);
}

static uint64_t fake_cpu_ns;

static uint64_t
fake_cpu(void)
{
	return fake_cpu_ns;
}

/* A second with a full backlog and few packets leaving; the loop busy `busy` of it. */
static enum window_hold
hold_when_busy(double busy)
{
	struct window w;
	struct window_load l = { .queued = 5000 };

	fake_cpu_ns = 0;
	window_init(&w, 100000, 1000000, 0, 0);
	w.cpu_clock = fake_cpu;
	w.rate_cpu_ns = 0;
	for (uint64_t t = 1; t <= 1100; t++) {
		fake_cpu_ns = (uint64_t)(busy * (double)(t * MS));
		l.sent = t * 20;	/* 20,000 a second, a fifth of --rate */
		window_started(&w, window_room(&w, 1000, &l, t * MS));
	}
	return w.hold;
}

Test(window, cpu_only_when_the_loop_is_busy)
{
	cr_assert_eq(hold_when_busy(0.25), HOLD_RATE, "a quarter of a core: %s",
	    window_hold_name(hold_when_busy(0.25)));
	cr_assert_eq(hold_when_busy(0.97), HOLD_CPU);
}

Test(window, a_backlog_short_of_the_rate_with_capped_servers_is_the_caps)
{
	struct window w;
	/* many servers, each with a few questions short of their cap's credit */
	struct window_load l = { .queued = 5000, .capped = 10 };

	fake_cpu_ns = 0;
	window_init(&w, 100000, 1000000, 0, 0);
	w.cpu_clock = fake_cpu;
	for (uint64_t t = 1; t <= 1100; t++) {
		fake_cpu_ns = t * MS / 4;
		l.sent = t * 20;
		window_started(&w, window_room(&w, 1000, &l, t * MS));
	}
	cr_assert_eq(w.hold, HOLD_CAPS, "%s", window_hold_name(w.hold));
	/* the rate used: the rate, whatever the caps */
	for (uint64_t t = 1101; t <= 2200; t++) {
		fake_cpu_ns = t * MS / 4;
		l.sent = 22000 + (t - 1100) * 100;
		window_started(&w, window_room(&w, 1000, &l, t * MS));
	}
	cr_assert_eq(w.hold, HOLD_RATE, "%s", window_hold_name(w.hold));
}

Test(window, the_time_in_each_hold_is_counted)
{
	struct window w;
	struct window_load l = { 0 };

	window_init(&w, 100000, 1000000, 0, 0);
	/* 100 ms with room, then 300 ms behind caps, then 50 ms at the --window bound */
	for (uint64_t t = 1; t <= 100; t++)
		window_started(&w, window_room(&w, 10, &l, t * MS));
	l.capped = 200000;
	for (uint64_t t = 101; t <= 400; t++)
		window_room(&w, 10, &l, t * MS);
	w.bound = 10;
	for (uint64_t t = 401; t <= 450; t++)
		window_room(&w, 10, &l, t * MS);
	cr_assert_eq(w.hold_ns[HOLD_CAPS], 300 * MS, "%llu", (unsigned long long)w.hold_ns[HOLD_CAPS]);
	cr_assert_eq(w.hold_ns[HOLD_WINDOW], 49 * MS);
	cr_assert_eq(w.hold_ns[HOLD_NONE] + w.hold_ns[HOLD_RATE], 101 * MS);
}

Test(window, the_window_bound_is_kept)
{
	struct window w;
	struct window_load l = { 0 };

	window_init(&w, 1e6, 50, 0, 0);
	cr_assert_leq(window_room(&w, 0, &l, MS), 50);
	cr_assert_eq(window_room(&w, 50, &l, 2 * MS), 0);
	cr_assert_eq(w.hold, HOLD_WINDOW);
}

Test(window, memory_bound_holds_it)
{
	struct window w;
	struct window_load l = { 0 };

	/* 1 MiB: this test process is already above it */
	window_init(&w, 1e6, 1000000, 1 << 20, 0);
	cr_assert_eq(window_room(&w, 10, &l, 100 * MS), 0);
	cr_assert_eq(w.hold, HOLD_MEMORY);
	/* nothing in flight: one may start, or the scan would never end */
	cr_assert_gt(window_room(&w, 0, &l, 200 * MS), 0);
}

/* A world where the send rate is `per_domain` packets a second per domain in
 * flight up to `ceiling`: the limit grows while that pays, then settles. */
static unsigned
settle(double per_domain, double ceiling, unsigned seconds)
{
	struct window w;
	struct window_load l = { 0 };
	double sent = 0;
	unsigned active = 0;

	window_init(&w, 1e7, 100000000, 0, 0);
	for (uint64_t t = 1; t <= seconds * 1000ull; t++) {
		double r = active * per_domain < ceiling ? active * per_domain : ceiling;
		unsigned n;

		sent += r / 1000;
		l.sent = l.answered = (uint64_t)sent;
		/* each domain's question waits its turn: active / r seconds (Little) */
		if (r > 0)
			l.rtt_ns += (uint64_t)(r / 1000 * (active / r) * 1e9);
		n = window_room(&w, active, &l, t * MS);
		window_started(&w, n);
		active += n;
	}
	return w.limit;
}

Test(window, the_limit_grows_while_more_in_flight_raise_the_rate)
{
	/* long round trips: 4 packets a second per domain, the rate far away */
	cr_assert_geq(settle(4, 1e9, 6), 100000, "limit %u", settle(4, 1e9, 6));
}

Test(window, a_window_alone_holding_the_rate_grows_fourfold)
{
	/* the same world: each doubling doubled the rate, the round trips as
	 * short, so the steps after the first are fourfold: 131,072 within a
	 * second (in steps of two: 32,768) */
	unsigned limit = settle(4, 1e9, 1);

	cr_assert_geq(limit, 131072, "limit %u", limit);
}

Test(window, the_limit_stops_where_the_servers_are_the_limit)
{
	/* 100 packets a second per domain, the servers answer at most 200,000 a second:
	 * 2,000 domains are enough, the limit must not run away */
	unsigned limit = settle(100, 200000, 10);

	cr_assert_geq(limit, 2048, "limit %u", limit);
	cr_assert_leq(limit, 8192, "limit %u", limit);
}

/*
 * Round trips of `life_ms` per domain, 4 packets a second each, and a host
 * that sends at most `cpu` packets a second: past cpu / 4 domains in flight
 * the questions queue and the CPU holds the window. The sent rate over the
 * last half of the run, as a share of what the host can send.
 */
static double
cpu_bound_share(double cpu, unsigned life_ms, unsigned seconds)
{
	struct window w;
	struct window_load l = { 0 };
	static unsigned started[60000];
	double sent = 0, sent_half = 0;
	unsigned active = 0;

	memset(started, 0, sizeof(started));
	window_init(&w, 400000, 100000000, 0, 0);
	for (uint64_t t = 1; t <= seconds * 1000ull; t++) {
		double want = active * 4.0, r = want < cpu ? want : cpu;
		unsigned n;

		if (t > life_ms)
			active -= started[(t - life_ms) % life_ms];
		sent += r / 1000;
		if (t == seconds * 500ull)
			sent_half = sent;
		l.sent = l.answered = (uint64_t)sent;
		l.rtt_ns += (uint64_t)(r / 1000 * life_ms * 1e6);	/* queued or not, as long */
		l.queued = want > cpu ? 4096 : 0;
		n = window_room(&w, active, &l, t * MS);
		window_started(&w, n);
		started[t % life_ms] = n;
		active += n;
	}
	return (sent - sent_half) / (cpu * seconds / 2.0);
}

Test(window, the_cpu_holds_it_and_the_limit_does_not_cut_below)
{
	/* 240,000 packets a second: 60,000 domains of one second in flight */
	double share = cpu_bound_share(240000, 1000, 20);

	cr_assert_geq(share, 0.97, "sent %.2f of what the host can", share);
}

/*
 * A doubling that something else keeps the window from reaching: two
 * periods at the limit of 4096 (the first holds the start and is not judged;
 * answers at 300,000/s, 150 ms each), then four with 6,000 in flight, the
 * backlog full, the answers as fast, each round trip `rtt_growth` times as
 * long and `lost` of the answers coming only to a retry. The limit it
 * ends with.
 */
static unsigned
unreached_doubling(double rtt_growth, double lost)
{
	struct window w;
	struct window_load l = { 0 };

	window_init(&w, 400000, 100000000, 0, 0);
	for (uint64_t t = 1; t <= 1500; t++) {
		bool trial = t > 500;

		l.answered += 300;
		l.rtt_ns += (uint64_t)(300 * 150e6 * (trial ? rtt_growth : 1));
		l.retried += trial ? (uint64_t)(300 * lost) : 0;
		l.sent = l.answered;
		l.queued = trial ? 4096 : 0;
		(void)window_room(&w, trial ? 6000 : 4096, &l, t * MS);
		if (t == 250)
			cr_assert_eq(w.limit, 4096, "doubled on the start's period: %u", w.limit);
		if (t == 501)
			cr_assert_eq(w.limit, 8192, "doubled: %u", w.limit);
	}
	return w.limit;
}

Test(window, an_unreached_doubling_that_came_back_no_later_is_kept)
{
	/* late servers, the CPU the limit: the extra domains did not queue,
	 * and more may come while the silent servers' domains pile up */
	cr_assert_eq(unreached_doubling(1.0, 0), 8192);
}

Test(window, an_unreached_doubling_whose_answers_queued_is_set_back)
{
	/* zero latency: 6,000 in flight for the same rate wait 6000/4096 as long */
	cr_assert_eq(unreached_doubling(6000.0 / 4096, 0), 4096);
}

Test(window, an_unreached_doubling_that_lost_questions_is_set_back)
{
	/* the server's queue was full already: round trips as long, 5% of the
	 * answers only to a retry */
	cr_assert_eq(unreached_doubling(1.0, 0.05), 4096);
}

Test(window, no_answer_is_no_gain)
{
	/* a server that takes a second to answer at all: the limit waits for it */
	struct window w;
	struct window_load l = { 0 };

	window_init(&w, 400000, 100000000, 0, 0);
	for (uint64_t t = 1; t <= 1500; t++) {
		if (t > 1000)
			l.answered += 300;
		l.sent = t * 300;
		(void)window_room(&w, 4096, &l, t * MS);
		if (t == 1000)
			cr_assert_eq(w.limit, 4096, "doubled without an answer: %u", w.limit);
	}
	cr_assert_eq(w.limit, 8192, "no doubling once answers came: %u", w.limit);
}
