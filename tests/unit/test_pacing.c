/* test_pacing.c -- the per-server cap on a simulated clock: never above it in any second,
 * and reached however high it is, not one packet per turn of the event loop. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "pacing.h"
#include "serverrate.h"

#define NS 1000000000ull
#define MAX_SERVERS 4

struct item {
	struct paced paced;
	int server;
};

/* The send times of each server, in order. */
struct log {
	uint64_t *at[MAX_SERVERS];
	size_t n[MAX_SERVERS], cap[MAX_SERVERS];
};

static void
log_add(struct log *l, int server, uint64_t t)
{
	if (l->n[server] == l->cap[server]) {
		l->cap[server] = l->cap[server] ? l->cap[server] * 2 : 1024;
		l->at[server] = realloc(l->at[server], l->cap[server] * sizeof(uint64_t));
		cr_assert_not_null(l->at[server]);
	}
	l->at[server][l->n[server]++] = t;
}

static void
log_free(struct log *l)
{
	for (int i = 0; i < MAX_SERVERS; i++)
		free(l->at[i]);
}

/* The most packets in any window [t, t + 1 s): some such window opens at a send. */
static size_t
max_per_second(const uint64_t *at, size_t n)
{
	size_t best = 0, j = 0;

	for (size_t i = 0; i < n; i++) {
		while (j < n && at[j] < at[i] + NS)
			j++;
		if (j - i > best)
			best = j - i;
	}
	return best;
}

static struct item *
item_new(int server)
{
	struct item *it = malloc(sizeof(*it));

	cr_assert_not_null(it);
	it->server = server;
	return it;
}

/* A steady supply: every server always has `depth` items waiting. */
static void
top_up(struct pacing *p, int nservers, size_t depth, size_t *waiting)
{
	for (int s = 0; s < nservers; s++)
		while (waiting[s] < depth) {
			pacing_push(p, (uint32_t)(0x7f350001 + s), &item_new(s)->paced);
			waiting[s]++;
		}
}

/*
 * The event loop's use of the pacing: every turn (`tick` ns apart, or
 * pseudo-random turns up to 2 * tick with jitter) takes up to `batch` items
 * at one time stamp, for `seconds` of simulated time.
 */
static void
run(double cap, int nservers, uint64_t tick, bool jitter, unsigned batch, unsigned seconds,
    struct log *l)
{
	struct pacing *p = pacing_new(cap);
	size_t waiting[MAX_SERVERS] = { 0 };
	uint64_t now = 1000 * NS, end = now + seconds * NS, seed = 7;
	struct paced *pd;

	while (now < end) {
		top_up(p, nservers, 2 * batch, waiting);
		for (unsigned i = 0; i < batch && (pd = pacing_pop(p, now)) != NULL; i++) {
			struct item *it = (struct item *)pd;

			log_add(l, it->server, now);
			waiting[it->server]--;
			free(it);
		}
		if (jitter) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			now += 1 + (seed >> 33) % (2 * tick);
		} else {
			now += tick;
		}
	}
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	pacing_free(p);
}

static void
check(double cap, int nservers, uint64_t tick, bool jitter, unsigned batch, unsigned seconds,
    double want_share)
{
	struct log l = { 0 };

	run(cap, nservers, tick, jitter, batch, seconds, &l);
	for (int s = 0; s < nservers; s++) {
		size_t most = max_per_second(l.at[s], l.n[s]);

		cr_assert_leq(most, (size_t)cap, "cap %.0f: server %d got %zu in one second",
		    cap, s, most);
		cr_assert_geq((double)l.n[s], want_share * cap * seconds,
		    "cap %.0f, tick %llu ns: server %d got %zu in %u s", cap,
		    (unsigned long long)tick, s, l.n[s], seconds);
	}
	log_free(&l);
}

Test(pacing, low_caps_exact)
{
	check(1, 1, 1000000, false, 256, 10, 0.9);
	check(2, 2, 1000000, true, 256, 10, 0.95);
	check(49, 1, 1000000, false, 256, 10, 0.95);
	check(50, 3, 1000000, false, 256, 10, 0.98);
	check(199, 1, 1000000, true, 256, 10, 0.99);
}

/* The bug this replaced: a burst of one gave about one packet per server per turn. */
Test(pacing, high_caps_not_bound_to_turns)
{
	check(10000, 3, 1000000, false, 256, 4, 0.98);
	check(100000, 3, 1000000, false, 1024, 3, 0.98);
	check(100000, 2, 3000000, true, 4096, 3, 0.98);
}

Test(pacing, odd_turns_never_above_cap)
{
	check(1000, 3, 50000, true, 8, 5, 0.95);
	check(3000, 1, 5000000, true, 1 << 16, 5, 0.95);
	check(3000, 1, 40000000, true, 1 << 16, 5, 0.1);
	check(777, 2, 333333, true, 3, 5, 0.95);
}

/* What a server may take in one turn after a pause: the burst, not a second's worth. */
Test(pacing, burst_is_small)
{
	struct pacing *p = pacing_new(100000);
	struct paced *pd;
	size_t n = 0;

	for (int i = 0; i < 5000; i++)
		pacing_push(p, 0x7f350001, &item_new(0)->paced);
	while ((pd = pacing_pop(p, 5 * NS)) != NULL) {
		free(pd);
		n++;
	}
	cr_assert_eq(n, 1000, "took %zu in one turn", n);
	cr_assert_eq(pacing_next_ns(p, 5 * NS), 5 * NS + (NS + 99000) / 99001);
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	pacing_free(p);
}

/* A server forgotten while idle comes back with a full bucket only: no second above the cap. */
Test(pacing, forgetting_idle_servers_keeps_the_cap)
{
	struct log l = { 0 };
	struct pacing *p = pacing_new(300);
	uint64_t now = 10 * NS;
	struct paced *pd;

	for (int round = 0; round < 200; round++, now += NS / 50) {
		/* a few at a time, with pauses long enough for the server to be forgotten */
		for (int i = 0; i < 5; i++)
			pacing_push(p, 0x7f350009, &item_new(0)->paced);
		for (uint64_t t = now; t < now + NS / 50; t += NS / 1000)
			while ((pd = pacing_pop(p, t)) != NULL) {
				log_add(&l, 0, t);
				free(pd);
			}
	}
	cr_assert_leq(max_per_second(l.at[0], l.n[0]), 300);
	cr_assert_eq(l.n[0], 1000);
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	pacing_free(p);
	log_free(&l);
}

Test(pacing, no_cap_no_wait)
{
	struct pacing *p = pacing_new(0);
	struct paced *pd;
	size_t n = 0;

	for (int i = 0; i < 100000; i++)
		pacing_push(p, (uint32_t)(i % 3), &item_new(0)->paced);
	while ((pd = pacing_pop(p, NS)) != NULL) {
		free(pd);
		n++;
	}
	cr_assert_eq(n, 100000);
	cr_assert_eq(pacing_servers(p), 0);
	pacing_free(p);
}

/* Items pushed at t = 0 that one server's bucket lets out at once. */
static size_t
burst_of(struct pacing *p)
{
	size_t n = 0;
	struct paced *it;

	while ((it = pacing_pop(p, 0)) != NULL) {
		free(it);
		n++;
	}
	return n;
}

Test(pacing, ipv6_servers_have_caps_of_their_own)
{
	struct pacing *p = pacing_new(10);
	uint8_t a[16] = { 0xfd, [15] = 1 }, b[16] = { 0xfd, [15] = 2 };
	uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 0x7f, 0x35, 0x00, 0x01 };
	struct paced *it;

	for (int i = 0; i < 5; i++) {
		pacing_push6(p, a, &item_new(0)->paced);
		pacing_push6(p, b, &item_new(1)->paced);
		pacing_push(p, 0x7f350001, &item_new(2)->paced);
		pacing_push6(p, mapped, &item_new(2)->paced);
	}
	cr_assert_eq(pacing_servers(p), 3, "::ffff:127.53.0.1 is the IPv4 server");
	cr_assert_eq(burst_of(p), 3, "a burst of one each, not a shared one");
	while ((it = pacing_pop_any(p)) != NULL)
		free(it);
	pacing_free(p);
}

/* The most packets in any window [t, t + span). */
static size_t
max_in(const uint64_t *at, size_t n, uint64_t span)
{
	size_t best = 0, j = 0;

	for (size_t i = 0; i < n; i++) {
		while (j < n && at[j] < at[i] + span)
			j++;
		if (j - i > best)
			best = j - i;
	}
	return best;
}

/* Caps from a --server-rate file: each server is held to its own, and a slow
 * server's long wait for a token holds up no other. */
Test(pacing, caps_per_server)
{
	static const char file[] = "127.53.0.2 5\n127.53.0.3 0.5\n127.53.0.4 0\n";
	struct server_rates *r = server_rates_new(200, 1);
	FILE *f = fmemopen((void *)file, sizeof(file) - 1, "r");
	struct pacing *p = pacing_new(200);
	size_t waiting[MAX_SERVERS] = { 0 };
	uint64_t now = 1000 * NS, end = now + 6 * NS;
	struct log l = { 0 };
	struct paced *pd;
	char err[128];

	cr_assert(server_rates_read(r, f, "caps", err, sizeof(err)), "%s", err);
	fclose(f);
	pacing_set_rates(p, r);
	for (; now < end; now += NS / 1000) {
		top_up(p, MAX_SERVERS, 64, waiting);
		for (unsigned i = 0; i < 64 && (pd = pacing_pop(p, now)) != NULL; i++) {
			struct item *it = (struct item *)pd;

			log_add(&l, it->server, now);
			waiting[it->server]--;
			free(it);
		}
	}
	cr_assert_leq(max_in(l.at[0], l.n[0], NS), 200);
	cr_assert_geq(l.n[0], 0.98 * 200 * 6, "the default cap: %zu", l.n[0]);
	cr_assert_leq(max_in(l.at[1], l.n[1], NS), 5);
	cr_assert_geq(l.n[1], 5 * 6 - 1, "%zu", l.n[1]);
	cr_assert_leq(max_in(l.at[2], l.n[2], 2 * NS), 1, "0.5 a second: one in any 2 s");
	cr_assert_geq(l.n[2], 3, "%zu", l.n[2]);
	cr_assert_geq(l.n[3], 6 * 1000 * 30, "no cap: %zu", l.n[3]);
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	pacing_free(p);
	server_rates_free(r);
	log_free(&l);
}

/* Servers of different caps go idle side by side: each is forgotten when its
 * own bucket is full, the fast ones not kept waiting behind a slow one. */
Test(pacing, idle_servers_of_other_caps_are_forgotten)
{
	static const char file[] = "127.53.0.1 0.01\n";
	struct server_rates *r = server_rates_new(1000, 1);
	FILE *f = fmemopen((void *)file, sizeof(file) - 1, "r");
	struct pacing *p = pacing_new(1000);
	struct paced *pd;
	char err[128];

	cr_assert(server_rates_read(r, f, "caps", err, sizeof(err)), "%s", err);
	fclose(f);
	pacing_set_rates(p, r);
	pacing_push(p, 0x7f350001, &item_new(0)->paced);
	free(pacing_pop(p, NS));
	for (uint32_t s = 2; s < 1000; s++) {
		pacing_push(p, 0x7f350000 + s, &item_new(1)->paced);
		pd = pacing_pop(p, NS);
		cr_assert_not_null(pd);
		free(pd);
	}
	cr_assert_null(pacing_pop(p, 2 * NS));
	cr_assert_eq(pacing_servers(p), 1, "only the slow server is still remembered: %zu",
	    pacing_servers(p));
	cr_assert_null(pacing_pop(p, 90 * NS));
	cr_assert_eq(pacing_servers(p), 1);
	cr_assert_null(pacing_pop(p, 102 * NS));
	cr_assert_eq(pacing_servers(p), 0);
	pacing_free(p);
	server_rates_free(r);
}

Test(pacing, questions_past_a_bucket_are_counted_as_held)
{
	struct pacing *p = pacing_new(2000);	/* a bucket of 20 */
	struct paced *pd;
	uint64_t now = 1000 * NS;

	for (int i = 0; i < 100; i++)
		pacing_push(p, 0x7f350001, &item_new(0)->paced);
	for (int i = 0; i < 5; i++)
		pacing_push(p, 0x7f350002, &item_new(1)->paced);
	cr_assert_eq(pacing_waiting(p), 105);
	/* server 1's 80 past its bucket wait for the cap; server 2's 5 do not */
	cr_assert_eq(pacing_held(p), 80);
	for (int i = 0; i < 25; i++) {
		cr_assert_not_null(pd = pacing_pop(p, now));
		free(pd);
	}
	/* 20 + 5 sent: the first server's 80 left are 60 past its bucket */
	cr_assert_eq(pacing_waiting(p), 80);
	cr_assert_eq(pacing_held(p), 60);
	cr_assert_null(pacing_pop(p, now), "both buckets are empty now");
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	cr_assert_eq(pacing_held(p), 0);
	pacing_free(p);
}

Test(pacing, without_a_cap_nothing_is_held)
{
	struct pacing *p = pacing_new(0);
	struct paced *pd;

	for (int i = 0; i < 1000; i++)
		pacing_push(p, 0x7f350001, &item_new(0)->paced);
	cr_assert_eq(pacing_held(p), 0);
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	pacing_free(p);
}

Test(pacing, a_cap_of_its_own_holds_past_its_own_bucket)
{
	static const char file[] = "127.53.0.2 200\n127.53.0.3 0\n";
	struct server_rates *r = server_rates_new(2000, 1);
	FILE *f = fmemopen((void *)file, sizeof(file) - 1, "r");
	struct pacing *p = pacing_new(2000);
	struct paced *pd;
	char err[128];

	cr_assert(server_rates_read(r, f, "caps", err, sizeof(err)), "%s", err);
	fclose(f);
	pacing_set_rates(p, r);
	/* 30 each: the default cap's bucket holds 20, the 200/s one 2, the uncapped one all */
	for (int i = 0; i < 30; i++) {
		pacing_push(p, 0x7f350001, &item_new(0)->paced);
		pacing_push(p, 0x7f350002, &item_new(1)->paced);
		pacing_push(p, 0x7f350003, &item_new(2)->paced);
	}
	cr_assert_eq(pacing_held(p), 10 + 28, "%zu", pacing_held(p));
	while ((pd = pacing_pop_any(p)) != NULL)
		free(pd);
	cr_assert_eq(pacing_held(p), 0);
	pacing_free(p);
	server_rates_free(r);
}
