/* test_window.c -- the auto window on a simulated clock: what lets domains start and what holds them. */
#include <criterion/criterion.h>

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

Test(window, questions_all_behind_caps_hold_it)
{
	struct window w;
	struct window_load l = { .queued = 5000, .capped = 1 };

	window_init(&w, 2000, 1000000, 0, 0);
	cr_assert_eq(window_room(&w, 10, &l, MS), 0);
	cr_assert_eq(w.hold, HOLD_CAPS);
	/* a few behind the caps: others may still start */
	l.queued = 100;
	cr_assert_gt(window_room(&w, 10, &l, 2 * MS), 0);
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

	/* 16 MiB: this test process is already above it */
	window_init(&w, 1e6, 1000000, 1 << 20, 0);
	cr_assert_eq(window_room(&w, 0, &l, 100 * MS), 0);
	cr_assert_eq(w.hold, HOLD_MEMORY);
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

Test(window, the_limit_stops_where_the_servers_are_the_limit)
{
	/* 100 packets a second per domain, the servers answer at most 200,000 a second:
	 * 2,000 domains are enough, the limit must not run away */
	unsigned limit = settle(100, 200000, 10);

	cr_assert_geq(limit, 2048, "limit %u", limit);
	cr_assert_leq(limit, 8192, "limit %u", limit);
}
