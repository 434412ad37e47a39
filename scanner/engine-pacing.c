/* engine-pacing.c -- one token bucket and one FIFO per server address, served round-robin. */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/tree.h>

#include "pacing.h"
#include "serverrate.h"

/* Credit is counted in 10^-12 of a packet: a nanosecond at a cap with three
 * decimals (a whole number of thousandths of a packet per second) adds a
 * whole number of units, so the accounting is exact however fine the clock. */
#define UNIT 1000000000000ull

/* A server's token bucket: what its cap allows. */
struct bucket {
	uint64_t rate;			/* units a nanosecond it refills at; 0: no cap */
	uint64_t full;			/* its size, in UNITs */
};

TAILQ_HEAD(paced_list, paced);

enum server_list { IN_NONE, IN_READY, IN_SLEEPING, IN_IDLE };

struct server {
	RB_ENTRY(server) node;
	union {				/* in exactly one of ready, sleeping, idle */
		TAILQ_ENTRY(server) link;	/* ready; sleeping, idle at the default cap */
		RB_ENTRY(server) wake;		/* sleeping, idle at a cap of its own */
	};
	enum server_list in;
	bool own_cap;			/* --server-rate gave it a bucket of its own */
	uint64_t addr_hi, addr_lo;	/* the IPv6 address; IPv4 as ::ffff:a.b.c.d */
	struct bucket b;
	uint64_t credit;		/* in UNITs; at most b.full */
	uint64_t last_ns;		/* credit was right at this time */
	uint64_t wake_ns;		/* sleeping: a packet's credit is due; idle: the bucket is full */
	struct paced_list waiting;
	size_t nwaiting;
};

TAILQ_HEAD(server_list_head, server);
RB_HEAD(server_tree, server);
RB_HEAD(wake_tree, server);

struct pacing {
	double dflt_pps;
	struct bucket dflt;		/* a server's bucket, when rates is NULL or says dflt_pps */
	const struct server_rates *rates;
	struct server_tree servers;
	size_t nservers, nwaiting;
	size_t held;			/* questions past what their server's bucket holds */
	/*
	 * ready: work and a token; sleeping: work, no token yet; idle: no work,
	 * kept until its bucket is full again (forgetting it sooner would let a
	 * server be hit again at once). Ready is FIFO. Servers of one cap
	 * sleep nearly in the order they wake (within one token's time), so
	 * those at the default cap wait in FIFO lists; those at caps of their
	 * own in trees by wake_ns, so that a slow one holds up no other.
	 */
	struct server_list_head ready, sleeping, idle;
	struct wake_tree sleeping_own, idle_own;
};

int server_cmp(struct server *a, struct server *b);
int wake_cmp(struct server *a, struct server *b);

int
server_cmp(struct server *a, struct server *b)
{
	if (a->addr_lo != b->addr_lo)
		return a->addr_lo < b->addr_lo ? -1 : 1;
	return a->addr_hi < b->addr_hi ? -1 : a->addr_hi > b->addr_hi;
}

/* By wake time; the address makes the key unique. */
int
wake_cmp(struct server *a, struct server *b)
{
	if (a->wake_ns != b->wake_ns)
		return a->wake_ns < b->wake_ns ? -1 : 1;
	return server_cmp(a, b);
}

RB_PROTOTYPE(server_tree, server, node, server_cmp)
RB_GENERATE(server_tree, server, node, server_cmp)
RB_PROTOTYPE(wake_tree, server, wake, wake_cmp)
RB_GENERATE(wake_tree, server, wake, wake_cmp)

/*
 * A bucket of `burst` packets refilled at cap - burst + 1 a second. In any
 * window of one second a server gets less than burst + rate = cap + 1
 * packets, so at most its cap: the credit it had when the window opened (at
 * most burst) plus what accrued until its last packet, which leaves before
 * the window closes (less than rate). The burst is 10 ms of the cap: a
 * server may take many packets in one turn of the event loop (a turn is
 * shorter), so a high cap is reached, not one packet per turn, and the
 * steady rate is 1% under the cap. At least 2, so that the millisecond the
 * loop's timing may be late is not lost each time; but under 50 a second
 * the packet the burst costs would be more than that, and it stays 1 (under
 * one a second, one packet in each 1/cap seconds).
 */
static struct bucket
bucket_of(double pps)
{
	struct bucket b = { 0, 0 };

	if (pps > 0) {
		uint64_t whole = (uint64_t)pps;
		uint64_t burst = whole < 50 ? 1 : whole / 100 > 2 ? whole / 100 : 2;

		b.rate = (uint64_t)((pps - (double)burst + 1) * 1000 + 0.5);
		if (b.rate == 0)
			b.rate = 1;
		b.full = burst * UNIT;
	}
	return b;
}

struct pacing *
pacing_new(double pps)
{
	struct pacing *p = calloc(1, sizeof(*p));

	if (p == NULL)
		err(1, "out of memory");
	p->dflt_pps = pps;
	p->dflt = bucket_of(pps);
	RB_INIT(&p->servers);
	TAILQ_INIT(&p->ready);
	TAILQ_INIT(&p->sleeping);
	TAILQ_INIT(&p->idle);
	RB_INIT(&p->sleeping_own);
	RB_INIT(&p->idle_own);
	return p;
}

void
pacing_set_rates(struct pacing *p, const struct server_rates *r)
{
	p->rates = r;
}

/* The bucket of a server met for the first time. */
static struct bucket
server_bucket(const struct pacing *p, uint64_t hi, uint64_t lo)
{
	uint8_t a[16];
	double pps;

	if (p->rates == NULL)
		return p->dflt;
	if (hi == 0 && lo >> 32 == 0xffff) {
		pps = server_rate_v4(p->rates, (uint32_t)lo);
	} else {
		for (int i = 0; i < 8; i++) {
			a[i] = (uint8_t)(hi >> (56 - 8 * i));
			a[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
		}
		pps = server_rate_v6(p->rates, a);
	}
	return pps == p->dflt_pps ? p->dflt : bucket_of(pps);
}

void
pacing_free(struct pacing *p)
{
	struct server *s, *next;

	if (p == NULL)
		return;
	RB_FOREACH_SAFE(s, server_tree, &p->servers, next) {
		RB_REMOVE(server_tree, &p->servers, s);
		free(s);
	}
	free(p);
}

static void
move(struct pacing *p, struct server *s, enum server_list to)
{
	struct server_list_head *lists[] = { NULL, &p->ready, &p->sleeping, &p->idle };
	struct wake_tree *trees[] = { NULL, NULL, &p->sleeping_own, &p->idle_own };

	if (s->in == IN_READY || (s->in != IN_NONE && !s->own_cap))
		TAILQ_REMOVE(lists[s->in], s, link);
	else if (s->in != IN_NONE)
		RB_REMOVE(wake_tree, trees[s->in], s);
	s->in = to;
	if (to == IN_READY || (to != IN_NONE && !s->own_cap))
		TAILQ_INSERT_TAIL(lists[to], s, link);
	else if (to != IN_NONE)
		RB_INSERT(wake_tree, trees[to], s);
}

/* The first server of the list or the tree whose wake time has come, or NULL. */
static struct server *
due(struct server_list_head *list, struct wake_tree *tree, uint64_t now)
{
	struct server *s = TAILQ_FIRST(list);

	if (s != NULL && s->wake_ns <= now)
		return s;
	s = RB_MIN(wake_tree, tree);
	return s != NULL && s->wake_ns <= now ? s : NULL;
}

static void
refill(struct server *s, uint64_t now)
{
	if (now > s->last_ns) {
		uint64_t gap = s->b.full - s->credit;
		uint64_t elapsed = now - s->last_ns;

		/* Dividing first keeps the product from overflowing on long gaps. */
		s->credit = elapsed >= gap / s->b.rate + 1 ? s->b.full : s->credit + elapsed * s->b.rate;
		if (s->credit > s->b.full)
			s->credit = s->b.full;
		s->last_ns = now;
	}
}

/* The first time the credit reaches `level` units (it is short of them now). */
static uint64_t
credit_due(const struct server *s, uint64_t level)
{
	return s->last_ns + (level - s->credit + s->b.rate - 1) / s->b.rate;
}

static void
go_idle(struct pacing *p, struct server *s)
{
	move(p, s, IN_NONE);	/* out of a tree before its key changes */
	s->wake_ns = s->credit >= s->b.full ? s->last_ns : credit_due(s, s->b.full);
	move(p, s, IN_IDLE);
}

/* A server's questions past the first `depth` wait for its cap: its bucket
 * holds no more (10 ms of the cap). Without a cap, none waits. */
static size_t
depth(const struct server *s)
{
	return s->b.rate > 0 ? (size_t)(s->b.full / UNIT) : SIZE_MAX;
}

/* Inlined into both callers: pacing_push runs once per packet sent. */
static inline void __attribute__((always_inline))
push(struct pacing *p, uint64_t hi, uint64_t lo, struct paced *item)
{
	struct server key, *s;

	key.addr_hi = hi;
	key.addr_lo = lo;
	if ((s = RB_FIND(server_tree, &p->servers, &key)) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			err(1, "out of memory");
		s->addr_hi = hi;
		s->addr_lo = lo;
		s->b = server_bucket(p, hi, lo);
		s->own_cap = s->b.rate != p->dflt.rate || s->b.full != p->dflt.full;
		s->credit = s->b.full;
		TAILQ_INIT(&s->waiting);
		RB_INSERT(server_tree, &p->servers, s);
		p->nservers++;
	}
	TAILQ_INSERT_TAIL(&s->waiting, item, link);
	if (++s->nwaiting > depth(s))
		p->held++;
	p->nwaiting++;
	if (s->in == IN_NONE || s->in == IN_IDLE)
		move(p, s, IN_READY);
}

void
pacing_push(struct pacing *p, uint32_t server, struct paced *item)
{
	push(p, 0, 0xffff00000000ull | server, item);
}

void
pacing_push6(struct pacing *p, const uint8_t server[16], struct paced *item)
{
	uint64_t hi = 0, lo = 0;

	for (int i = 0; i < 8; i++) {
		hi = hi << 8 | server[i];
		lo = lo << 8 | server[8 + i];
	}
	push(p, hi, lo, item);
}

static struct paced *
take(struct pacing *p, struct server *s)
{
	struct paced *item = TAILQ_FIRST(&s->waiting);

	TAILQ_REMOVE(&s->waiting, item, link);
	if (s->nwaiting-- > depth(s))
		p->held--;
	p->nwaiting--;
	return item;
}

/* Forget idle servers whose bucket has filled up again: bounded memory. */
static void
forget_idle(struct pacing *p, uint64_t now)
{
	struct server *s;

	while ((s = due(&p->idle, &p->idle_own, now)) != NULL) {
		refill(s, now);
		if (s->credit < s->b.full)
			break;
		move(p, s, IN_NONE);
		RB_REMOVE(server_tree, &p->servers, s);
		p->nservers--;
		free(s);
	}
}

struct paced *
pacing_pop(struct pacing *p, uint64_t now)
{
	struct server *s;
	struct paced *item;

	while ((s = due(&p->sleeping, &p->sleeping_own, now)) != NULL)
		move(p, s, IN_READY);
	forget_idle(p, now);
	while ((s = TAILQ_FIRST(&p->ready)) != NULL) {
		if (s->b.rate > 0) {
			refill(s, now);
			if (s->credit < UNIT) {
				s->wake_ns = credit_due(s, UNIT);
				move(p, s, IN_SLEEPING);
				continue;
			}
			s->credit -= UNIT;
		}
		item = take(p, s);
		if (s->nwaiting > 0) {
			move(p, s, IN_READY);	/* to the back: round-robin */
		} else if (s->b.rate > 0) {
			go_idle(p, s);
		} else {
			move(p, s, IN_NONE);
			RB_REMOVE(server_tree, &p->servers, s);
			p->nservers--;
			free(s);
		}
		return item;
	}
	return NULL;
}

struct paced *
pacing_pop_any(struct pacing *p)
{
	struct server *s;

	while ((s = TAILQ_FIRST(&p->ready)) != NULL || (s = TAILQ_FIRST(&p->sleeping)) != NULL ||
	    (s = RB_MIN(wake_tree, &p->sleeping_own)) != NULL) {
		if (s->nwaiting > 0) {
			struct paced *item = take(p, s);

			if (s->nwaiting == 0)
				go_idle(p, s);
			return item;
		}
		go_idle(p, s);
	}
	return NULL;
}

size_t
pacing_waiting(const struct pacing *p)
{
	return p->nwaiting;
}

size_t
pacing_held(const struct pacing *p)
{
	return p->held;
}

uint64_t
pacing_next_ns(const struct pacing *p, uint64_t now)
{
	const struct server *own = RB_MIN(wake_tree, (struct wake_tree *)&p->sleeping_own);
	uint64_t next = own != NULL ? own->wake_ns : UINT64_MAX;

	if (!TAILQ_EMPTY(&p->ready))
		return now;
	if (!TAILQ_EMPTY(&p->sleeping) && TAILQ_FIRST(&p->sleeping)->wake_ns < next)
		return TAILQ_FIRST(&p->sleeping)->wake_ns;
	return next;
}

size_t
pacing_servers(const struct pacing *p)
{
	return p->nservers;
}
