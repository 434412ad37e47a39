/* engine-pacing.c -- one token bucket and one FIFO per server address, served round-robin. */
#include <err.h>
#include <stdlib.h>
#include <sys/tree.h>

#include "pacing.h"

TAILQ_HEAD(paced_list, paced);

enum server_list { IN_NONE, IN_READY, IN_SLEEPING, IN_IDLE };

struct server {
	RB_ENTRY(server) node;
	TAILQ_ENTRY(server) link;	/* in exactly one of ready, sleeping, idle */
	enum server_list in;
	uint32_t addr;
	double tokens;
	uint64_t last_ns;		/* tokens were right at this time */
	uint64_t wake_ns;		/* sleeping: a token is due */
	struct paced_list waiting;
	size_t nwaiting;
};

TAILQ_HEAD(server_list_head, server);
RB_HEAD(server_tree, server);

struct pacing {
	double pps, burst;
	struct server_tree servers;
	size_t nservers, nwaiting;
	/* ready: work and a token; sleeping: work, no token yet; idle: no work,
	 * kept until its bucket is full again (forgetting it sooner would let a
	 * server be hit again at once). Each is FIFO; sleeping wake times are
	 * all within one token's time, so FIFO order is close enough. */
	struct server_list_head ready, sleeping, idle;
};

int server_cmp(struct server *a, struct server *b);

int
server_cmp(struct server *a, struct server *b)
{
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

RB_PROTOTYPE(server_tree, server, node, server_cmp)
RB_GENERATE(server_tree, server, node, server_cmp)

struct pacing *
pacing_new(double pps)
{
	struct pacing *p = calloc(1, sizeof(*p));

	if (p == NULL)
		err(1, "out of memory");
	p->pps = pps;
	/* No burst: a server never sees more than its cap in any second. */
	p->burst = 1;
	RB_INIT(&p->servers);
	TAILQ_INIT(&p->ready);
	TAILQ_INIT(&p->sleeping);
	TAILQ_INIT(&p->idle);
	return p;
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

	if (s->in != IN_NONE)
		TAILQ_REMOVE(lists[s->in], s, link);
	s->in = to;
	if (to != IN_NONE)
		TAILQ_INSERT_TAIL(lists[to], s, link);
}

static void
refill(const struct pacing *p, struct server *s, uint64_t now)
{
	if (now > s->last_ns) {
		s->tokens += (double)(now - s->last_ns) * p->pps / 1e9;
		if (s->tokens > p->burst)
			s->tokens = p->burst;
		s->last_ns = now;
	}
}

static uint64_t
token_due(const struct pacing *p, const struct server *s)
{
	return s->last_ns + (uint64_t)((1 - s->tokens) * 1e9 / p->pps) + 1;
}

void
pacing_push(struct pacing *p, uint32_t server, struct paced *item)
{
	struct server key, *s;

	key.addr = server;
	if ((s = RB_FIND(server_tree, &p->servers, &key)) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			err(1, "out of memory");
		s->addr = server;
		s->tokens = p->burst;
		TAILQ_INIT(&s->waiting);
		RB_INSERT(server_tree, &p->servers, s);
		p->nservers++;
	}
	TAILQ_INSERT_TAIL(&s->waiting, item, link);
	s->nwaiting++;
	p->nwaiting++;
	if (s->in == IN_NONE || s->in == IN_IDLE)
		move(p, s, IN_READY);
}

static struct paced *
take(struct pacing *p, struct server *s)
{
	struct paced *item = TAILQ_FIRST(&s->waiting);

	TAILQ_REMOVE(&s->waiting, item, link);
	s->nwaiting--;
	p->nwaiting--;
	return item;
}

/* Forget idle servers whose bucket has filled up again: bounded memory. */
static void
forget_idle(struct pacing *p, uint64_t now)
{
	struct server *s;

	while ((s = TAILQ_FIRST(&p->idle)) != NULL) {
		refill(p, s, now);
		if (s->tokens < p->burst)
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

	while ((s = TAILQ_FIRST(&p->sleeping)) != NULL && s->wake_ns <= now)
		move(p, s, IN_READY);
	forget_idle(p, now);
	while ((s = TAILQ_FIRST(&p->ready)) != NULL) {
		if (p->pps > 0) {
			refill(p, s, now);
			if (s->tokens < 1) {
				s->wake_ns = token_due(p, s);
				move(p, s, IN_SLEEPING);
				continue;
			}
			s->tokens -= 1;
		}
		item = take(p, s);
		if (s->nwaiting > 0) {
			move(p, s, IN_READY);	/* to the back: round-robin */
		} else if (p->pps > 0) {
			move(p, s, IN_IDLE);
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

	while ((s = TAILQ_FIRST(&p->ready)) != NULL || (s = TAILQ_FIRST(&p->sleeping)) != NULL) {
		if (s->nwaiting > 0) {
			struct paced *item = take(p, s);

			if (s->nwaiting == 0)
				move(p, s, IN_IDLE);
			return item;
		}
		move(p, s, IN_IDLE);
	}
	return NULL;
}

size_t
pacing_waiting(const struct pacing *p)
{
	return p->nwaiting;
}

uint64_t
pacing_next_ns(const struct pacing *p, uint64_t now)
{
	if (!TAILQ_EMPTY(&p->ready))
		return now;
	if (!TAILQ_EMPTY(&p->sleeping))
		return TAILQ_FIRST(&p->sleeping)->wake_ns;
	return UINT64_MAX;
}

size_t
pacing_servers(const struct pacing *p)
{
	return p->nservers;
}
