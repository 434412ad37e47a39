/* engine-exchange.c -- the in-flight table: every question from queue to answer or final timeout. */
#include <err.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "bytes.h"
#include "capture.h"
#include "cookie.h"
#include "engine.h"
#include "pacing.h"
#include "exclude.h"
#include "pcapdump.h"
#include "pool.h"
#include "portblock.h"
#include "randpool.h"
#include "route.h"
#include "rawsend.h"
#include "slots.h"
#include "tcpquery.h"
#include "throttle.h"
#include "timerq.h"

#define SEND_BATCH 256
_Static_assert(DNS_QUERY_MAX <= RAWSEND_PAYLOAD_MAX, "a query must fit a raw packet");
/* TCP exchanges at once, for truncated answers; more wait their turn. */
#define TCP_MAX 64
/* Try k waits timeout << min(k, BACKOFF_MAX_SHIFT): a lossy path gets time. */
#define BACKOFF_MAX_SHIFT 3
/* One timer FIFO per back-off step: within a step every try waits the same
 * time, so each list stays in deadline order and expiry is O(1). */
#define TIMER_LISTS (BACKOFF_MAX_SHIFT + 1)

/*
 * There are as many exchanges as questions in progress, so each holds one
 * copy of its name, in the case of its last try, and its servers, in a tail
 * of one of two sizes: most questions go to one server with a short name.
 * A question with an IPv6 server among its servers holds them all as IPv6
 * addresses (IPv4 ones mapped, ::ffff:a.b.c.d), in a wide tail.
 */
#define SMALL_SERVERS 2
#define SMALL_NAME 48
enum xsize { X_SMALL, X_LARGE, X_SMALL6, X_LARGE6, X_SIZES };

struct exchange {
	/* Waiting to be sent (paced), or on the done list or the TCP wait list
	 * (link): never two at once, so they share their bytes. */
	union {
		struct paced paced;
		TAILQ_ENTRY(exchange) link;
	};
	struct slot slot;		/* the current try: its server, type, port and ID */
	uint8_t nservers, start, tries;
	uint8_t timer_list;		/* which of engine.timers holds it in flight ... */
	bool excluded;			/* settled without asking: all servers excluded */
	uint8_t size;			/* enum xsize */
	uint8_t name_len;
	bool cur6;			/* the current try is to an IPv6 server (slot.server 0) */
	uint8_t ctx_lines, owner_lines;	/* cache lines its callback reads (engine_reads) */
	uint32_t tag;
	uint32_t timer_pos;		/* ... and where */
	uint64_t sent_ns;
	xreply_fn *fn;
	void *ctx;
	const void *owner;
	uint32_t servers[];		/* IPv4, host order (wide: 16 bytes each); then the name */
};

static const struct {
	size_t servers, name, name_at;	/* name_at: bytes of servers before the name */
} xsizes[X_SIZES] = {
	{ SMALL_SERVERS, SMALL_NAME, SMALL_SERVERS * 4 },
	{ ENGINE_MAX_SERVERS, DNAME_WIRE_MAX, ENGINE_MAX_SERVERS * 4 },
	{ SMALL_SERVERS, SMALL_NAME, SMALL_SERVERS * 16 },
	{ ENGINE_MAX_SERVERS, DNAME_WIRE_MAX, ENGINE_MAX_SERVERS * 16 },
};

TAILQ_HEAD(xlist, exchange);

/*
 * Answers are taken from the capture in batches: their cells, questions
 * and owners are fetched for the whole batch before the first is handled.
 * Against late servers each answer's state left the cache long ago, and a
 * chain of misses (cell, question, owner) per answer, one after the other,
 * was most of the time an answer took; fetched together they overlap.
 * The capture's packets are valid only during its callback: copied.
 */
#define RX_BATCH 16

struct rx_batch {
	size_t n;
	struct udp_packet p[RX_BATCH];
	uint8_t ip[RX_BATCH][CAPTURE_SNAPLEN];
};

struct engine {
	struct engine_config cfg;
	struct rawsend *tx, *tx6;	/* tx6: NULL without IPv6 */
	struct route6 *routes6;		/* which IPv6 servers tx6 reaches */
	struct capture *rx;
	struct portblock ports;
	struct cookie_key key;
	struct throttle throttle;
	struct slot_table *slots;
	size_t max_inflight;
	struct pacing *pacing;		/* questions waiting to be sent, one queue per server */
	struct timerq timers[TIMER_LISTS];	/* in flight, by the timeout they wait */
	struct xlist done, tcp_wait;
	size_t nqueued, ninflight, ndone, ntcp_wait;
	struct tcp_pool *tcp;
	struct pool exchanges[X_SIZES];	/* freed exchanges, for the next questions */
	bool draining;
	uint64_t last_send_ns;
	struct dns_response resp;	/* parse buffer: one answer at a time */
	struct rx_batch rx_batch;
	struct pcapdump *dump;
	const struct exclude *exclude;
	struct engine_stats stats;
};

uint64_t
engine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct engine *
engine_new(const struct engine_config *cfg, char *err, size_t errlen, bool *need_privilege)
{
	struct engine *e = calloc(1, sizeof(*e));

	*need_privilege = false;
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	e->pacing = pacing_new(cfg->per_server);
	if (cfg->rates != NULL)
		pacing_set_rates(e->pacing, cfg->rates);
	for (int i = 0; i < TIMER_LISTS; i++)
		timerq_init(&e->timers[i]);
	TAILQ_INIT(&e->done);
	TAILQ_INIT(&e->tcp_wait);
	e->tcp = tcp_pool_new(TCP_MAX, cfg->src);
	if (cfg->ipv6)
		tcp_pool_set_src6(e->tcp, cfg->src6);
	cookie_key_random(&e->key);
	throttle_init(&e->throttle, cfg->rate, engine_now_ns());
	if ((e->tx = rawsend_open(cfg->ifname, cfg->src, err, errlen, need_privilege)) == NULL)
		goto fail;
	if (cfg->ipv6 &&
	    ((e->tx6 = rawsend_open6(cfg->ifname, cfg->src6, err, errlen, need_privilege)) == NULL ||
	    (e->routes6 = route6_new(cfg->ifname, err, errlen)) == NULL))
		goto fail;
	if (cfg->port_lo == 0 ?
	    !portblock_hold_free_dual(&e->ports, cfg->src, cfg->ipv6 ? cfg->src6 : NULL,
	    cfg->port_count, err, errlen) :
	    !portblock_hold_dual(&e->ports, cfg->src, cfg->ipv6 ? cfg->src6 : NULL,
	    cfg->port_lo, cfg->port_hi, err, errlen))
		goto fail;
	e->cfg.port_lo = e->ports.lo;
	e->cfg.port_hi = e->ports.hi;
	e->slots = slot_table_new(e->ports.usable, e->ports.nusable, &e->key);
	e->max_inflight = slot_capacity(e->slots);
	if (cfg->max_inflight > 0 && cfg->max_inflight < e->max_inflight)
		e->max_inflight = cfg->max_inflight;
	if ((e->rx = capture_open_dual(cfg->ifname, cfg->src, cfg->ipv6 ? cfg->src6 : NULL,
	    e->cfg.port_lo, e->cfg.port_hi, err, errlen)) == NULL) {
		*need_privilege = strstr(err, "ermission") != NULL || strstr(err, "not permitted") != NULL;
		goto fail;
	}
	return e;
fail:
	engine_free(e);
	return NULL;
}

void
engine_set_exclude(struct engine *e, const struct exclude *x)
{
	e->exclude = x;
}

void
engine_set_dump(struct engine *e, struct pcapdump *d)
{
	e->dump = d;
}

static struct exchange *
exchange_of(struct paced *item)
{
	return (struct exchange *)((char *)item - offsetof(struct exchange, paced));
}

static struct exchange *
exchange_of_slot(struct slot *s)
{
	return (struct exchange *)((char *)s - offsetof(struct exchange, slot));
}

static bool
wide(const struct exchange *x)
{
	return x->size >= X_SMALL6;
}

/* Server i of a wide exchange. */
static uint8_t *
server6_at(struct exchange *x, unsigned i)
{
	return (uint8_t *)x->servers + 16 * i;
}

static bool
v4_mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* Index of the server the last try went to. */
static unsigned
tried(const struct exchange *x)
{
	return (x->start + x->tries + x->nservers - 1) % x->nservers;
}

static void
server_addr(struct addr *a, uint32_t v4)
{
	addr_from_v4(a, (uint8_t[4]){ (uint8_t)(v4 >> 24), (uint8_t)(v4 >> 16), (uint8_t)(v4 >> 8),
	    (uint8_t)v4 });
}

static void
server_of(struct exchange *x, unsigned i, struct addr *a)
{
	const uint8_t *b;

	if (!wide(x)) {
		server_addr(a, x->servers[i]);
		return;
	}
	b = server6_at(x, i);
	if (v4_mapped(b))
		addr_from_v4(a, b + 12);
	else
		addr_from_v6(a, b);
}

static uint8_t *
name_of(struct exchange *x)
{
	return (uint8_t *)x->servers + xsizes[x->size].name_at;
}

static struct exchange *
exchange_new(struct engine *e, size_t nservers, size_t name_len, bool any6)
{
	enum xsize k = nservers <= SMALL_SERVERS && name_len <= SMALL_NAME ? X_SMALL : X_LARGE;
	struct exchange *x;

	if (any6)
		k = k == X_SMALL ? X_SMALL6 : X_LARGE6;
	x = pool_get(&e->exchanges[k], sizeof(*x) + xsizes[k].name_at + xsizes[k].name);

	x->size = (uint8_t)k;
	return x;
}

static void
exchange_put(struct engine *e, struct exchange *x)
{
	pool_put(&e->exchanges[x->size], x);
}

/* enqueue for a question with an IPv6 server; apart, so that the IPv4
 * path, once per packet sent, stays as short as it was. */
static void __attribute__((noinline))
enqueue_wide(struct engine *e, struct exchange *x, const uint8_t a[16])
{
	x->cur6 = !v4_mapped(a);
	x->slot.server = x->cur6 ? 0 : get32(a + 12);
	if (x->cur6)
		pacing_push6(e->pacing, a, &x->paced);
	else
		pacing_push(e->pacing, x->slot.server, &x->paced);
}

/* Queue the next try, for the server whose turn it is. */
static void
enqueue(struct engine *e, struct exchange *x)
{
	unsigned i = (x->start + x->tries) % x->nservers;

	if (wide(x)) {
		enqueue_wide(e, x, server6_at(x, i));
	} else {
		x->slot.server = x->servers[i];
		pacing_push(e->pacing, x->slot.server, &x->paced);
	}
	e->nqueued++;
}

static void
free_list(struct xlist *l)
{
	struct exchange *x;

	while ((x = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, x, link);
		free(x);
	}
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	if (e->pacing != NULL) {
		struct paced *item;

		while ((item = pacing_pop_any(e->pacing)) != NULL)
			free(exchange_of(item));
		pacing_free(e->pacing);
	}
	for (int i = 0; i < TIMER_LISTS; i++) {
		struct exchange *x;

		while ((x = timerq_first(&e->timers[i])) != NULL) {
			timerq_remove(&e->timers[i], x->timer_pos);
			free(x);
		}
		timerq_free(&e->timers[i]);
	}
	free_list(&e->done);
	free_list(&e->tcp_wait);
	tcp_pool_free(e->tcp);
	rawsend_close(e->tx);
	rawsend_close(e->tx6);
	route6_free(e->routes6);
	capture_close(e->rx);
	portblock_release(&e->ports);
	slot_table_free(e->slots);
	for (int k = 0; k < X_SIZES; k++)
		pool_drain(&e->exchanges[k]);
	free(e);
}

static void
settle_as_timeout(struct engine *e, struct exchange *x)
{
	TAILQ_INSERT_TAIL(&e->done, x, link);
	e->ndone++;
}

/* Lines of ctx fetched ahead of an answer, at most: a domain's state is ~700 bytes. */
#define CTX_LINES_MAX 16
#define LINE 64
#define PAGE_BYTES 4096

/* The cache lines from p to p + len (none when len is 0). */
static size_t
lines_of(const void *p, size_t len)
{
	return len == 0 ? 0 : ((uintptr_t)p % LINE + len + LINE - 1) / LINE;
}

/* The lines an answer's callback reads of p (NULL: none), as kept in an exchange. */
static uint8_t
lines_to_fetch(const void *p, size_t len)
{
	size_t n = p == NULL ? 0 : lines_of(p, len);

	return (uint8_t)(n < CTX_LINES_MAX ? n : CTX_LINES_MAX);
}

/*
 * Fetch `lines` cache lines from p's. A prefetch whose page is not in the
 * TLB does nothing on this machine (a VM: a TLB miss walks two page
 * tables). Against late servers the first read of a domain, prefetched
 * with its batch, was a full miss still: 69% of on_probe's samples. So
 * each page is read once first, which makes the walk happen (reads of
 * independent lines overlap), and the prefetches of its other lines then
 * take ...
 */
static void
touch(uintptr_t at)
{
	uint8_t v = *(const volatile uint8_t *)at;

	__asm__ volatile("" : : "r"(v));	/* read, and kept */
}

/* ... p's object, which the lines span: p itself is read, not its line's
 * start, which may lie before the object; a later page starts inside it. */
static void
prefetch_lines(const void *p, size_t lines)
{
	uintptr_t c = (uintptr_t)p & ~(uintptr_t)(LINE - 1), end = c + lines * LINE;

	if (lines == 0)
		return;
	touch((uintptr_t)p);
	for (uintptr_t page = (c | (PAGE_BYTES - 1)) + 1; page < end; page += PAGE_BYTES)
		touch(page);
	for (uintptr_t k = c; k < end; k += LINE)
		__builtin_prefetch((const void *)k);
}

/* What x's callback will read (engine_reads): its ctx and the owner behind it. */
static void
prefetch_reads(const struct exchange *x)
{
	prefetch_lines(x->ctx, x->ctx_lines);
	prefetch_lines(x->owner, x->owner_lines);
}

void
engine_ask(struct engine *e, const struct dname *qname, uint16_t qtype,
    const struct addr *servers, size_t nservers, xreply_fn *fn, void *ctx,
    const struct engine_reads *reads, uint32_t tag)
{
	const struct addr *keep[ENGINE_MAX_SERVERS];
	size_t n = 0;
	bool excluded = false, any6 = false;
	struct exchange *x;

	for (size_t i = 0; i < nservers && n < ENGINE_MAX_SERVERS; i++) {
		if (servers[i].family == AF_INET6 && engine_reaches6(e, servers[i].bytes)) {
			if (exclude_v6(e->exclude, servers[i].bytes)) {
				excluded = true;
				continue;
			}
			keep[n++] = &servers[i];
			any6 = true;
		} else if (servers[i].family != AF_INET) {
			continue;
		} else if (exclude_v4(e->exclude, addr_v4(&servers[i]))) {
			excluded = true;
		} else {
			keep[n++] = &servers[i];
		}
	}
	x = exchange_new(e, n, qname->len, any6);
	for (size_t i = 0; i < n; i++) {
		if (!any6) {
			x->servers[i] = addr_v4(keep[i]);
		} else if (keep[i]->family == AF_INET6) {
			memcpy(server6_at(x, (unsigned)i), keep[i]->bytes, 16);
		} else {
			memset(server6_at(x, (unsigned)i), 0, 10);
			memset(server6_at(x, (unsigned)i) + 10, 0xff, 2);
			memcpy(server6_at(x, (unsigned)i) + 12, keep[i]->bytes, 4);
		}
	}
	x->nservers = (uint8_t)n;
	x->cur6 = false;
	x->name_len = qname->len;
	memcpy(name_of(x), qname->wire, qname->len);
	x->slot.qtype = qtype;
	x->slot.server = 0;
	x->tries = 0;
	x->fn = fn;
	x->ctx = ctx;
	x->ctx_lines = lines_to_fetch(ctx, reads->ctx_size);
	x->owner = reads->owner;
	x->owner_lines = lines_to_fetch(reads->owner, reads->owner_size);
	x->tag = tag;
	x->excluded = excluded && n == 0;
	if (x->excluded)
		e->stats.excluded++;
	if (x->nservers == 0 || e->draining) {
		settle_as_timeout(e, x);
		return;
	}
	x->start = (uint8_t)randpool_below(x->nservers);
	enqueue(e, x);
}

/* When the try in flight times out: every try of one timer list waits as long. */
static uint64_t
deadline_of(const struct engine *e, const struct exchange *x)
{
	return x->sent_ns + ((uint64_t)e->cfg.timeout_ms * 1000000u << x->timer_list);
}

static size_t
build_query(const struct engine *e, struct exchange *x, uint8_t pkt[DNS_QUERY_MAX])
{
	return dnsmsg_build_query(pkt, DNS_QUERY_MAX, x->slot.id, name_of(x), x->name_len,
	    x->slot.qtype, e->cfg.edns_size);
}

static void
send_one(struct engine *e, struct exchange *x, uint64_t now)
{
	uint8_t pkt[DNS_QUERY_MAX];
	size_t len;

	(void)slot_take(e->slots, &x->slot);	/* the caller saw room */
	dname_recase(name_of(x), x->name_len, randpool_u64());
	len = build_query(e, x, pkt);
	if (x->cur6) {
		const uint8_t *to = server6_at(x, (x->start + x->tries) % x->nservers);

		rawsend_udp6(e->tx6, to, x->slot.port, 53, pkt, len);
		if (e->dump != NULL)
			pcapdump_udp6(e->dump, e->cfg.src6, to, x->slot.port, 53, pkt, len);
	} else {
		rawsend_udp(e->tx, x->slot.server, x->slot.port, 53, pkt, len);
		if (e->dump != NULL)
			pcapdump_udp(e->dump, e->cfg.src, x->slot.server, x->slot.port, 53, pkt, len);
	}
	e->stats.sent++;
	if (x->tries > 0)
		e->stats.retries++;
	x->timer_list = x->tries < BACKOFF_MAX_SHIFT ? x->tries : BACKOFF_MAX_SHIFT;
	x->tries++;
	x->sent_ns = now;
	x->timer_pos = timerq_push(&e->timers[x->timer_list], x);
	e->ninflight++;
	e->last_send_ns = now;
}

static void
send_queued(struct engine *e, uint64_t now)
{
	struct paced *item;

	/* The global rate first, then the server's own cap: a capped server's
	 * questions wait in its queue while the others go. */
	for (unsigned i = 0; i < SEND_BATCH && slot_used(e->slots) < e->max_inflight; i++) {
		if (throttle_wait_ns(&e->throttle, now) > 0 ||
		    (item = pacing_pop(e->pacing, now)) == NULL)
			break;
		(void)throttle_take(&e->throttle, now, 1);
		e->nqueued--;
		send_one(e, exchange_of(item), now);
	}
	rawsend_flush(e->tx);
	if (e->tx6 != NULL)
		rawsend_flush(e->tx6);
}

static void
leave_flight(struct engine *e, struct exchange *x)
{
	timerq_remove(&e->timers[x->timer_list], x->timer_pos);
	e->ninflight--;
	slot_release(e->slots, &x->slot);
}

static bool
tries_left(const struct engine *e, const struct exchange *x)
{
	return !e->draining && x->tries < 1 + e->cfg.retries;
}

static void
requeue(struct engine *e, struct exchange *x)
{
	enqueue(e, x);
}

static void
deliver_timeout(struct engine *e, struct exchange *x)
{
	struct xreply r;

	memset(&r, 0, sizeof(r));
	r.kind = x->excluded ? X_EXCLUDED : X_TIMEOUT;
	r.final = true;
	r.tag = x->tag;
	if (x->nservers > 0)
		server_of(x, tried(x), &r.server);
	x->fn(x->ctx, &r);
	exchange_put(e, x);
}

/* A try that failed without an answer: again if tries are left, else the end. */
static void
try_failed(struct engine *e, struct exchange *x)
{
	e->stats.timeouts++;
	if (tries_left(e, x))
		requeue(e, x);
	else
		deliver_timeout(e, x);
}

/*
 * Questions time out in the order of the ring, so the next ones are known:
 * a question EXPIRE_AHEAD places on is fetched, and one half as far its
 * slot cell and what its callback reads. Against late servers each was
 * sent a second or more ago (and the silent servers' 100,000 domains of
 * the benchmark time out three times each): all of it is cold.
 */
#define EXPIRE_AHEAD 8

static void
expire_prefetch(struct engine *e, const struct timerq *q)
{
	const struct exchange *far = timerq_behind_first(q, EXPIRE_AHEAD);
	const struct exchange *near = timerq_behind_first(q, EXPIRE_AHEAD / 2);

	if (far != NULL)
		__builtin_prefetch(far);
	if (near != NULL) {
		slot_prefetch(e->slots, near->slot.port, near->slot.id);
		prefetch_reads(near);
	}
}

static void
expire(struct engine *e, uint64_t now)
{
	struct exchange *x;

	for (int i = 0; i < TIMER_LISTS; i++) {
		while ((x = timerq_first(&e->timers[i])) != NULL &&
		    (deadline_of(e, x) <= now || e->draining)) {
			expire_prefetch(e, &e->timers[i]);
			leave_flight(e, x);
			try_failed(e, x);
		}
	}
}

static void
settle_done(struct engine *e)
{
	struct exchange *x;

	while ((x = TAILQ_FIRST(&e->done)) != NULL) {
		TAILQ_REMOVE(&e->done, x, link);
		e->ndone--;
		deliver_timeout(e, x);
	}
}

/* e->resp holds x's answer, come at now. */
static void
deliver_answer(struct engine *e, struct exchange *x, uint64_t now)
{
	struct xreply r;

	memset(&r, 0, sizeof(r));
	r.kind = X_ANSWER;
	r.resp = &e->resp;
	r.tag = x->tag;
	if (x->cur6)
		addr_from_v6(&r.server, server6_at(x, tried(x)));
	else
		server_addr(&r.server, x->slot.server);
	r.rtt_ms = (double)(now - x->sent_ns) / 1e6;
	r.final = !tries_left(e, x);
	if (!x->fn(x->ctx, &r) && !r.final)
		requeue(e, x);
	else
		exchange_put(e, x);
}

static void
tcp_enqueue(struct engine *e, struct exchange *x)
{
	TAILQ_INSERT_TAIL(&e->tcp_wait, x, link);
	e->ntcp_wait++;
}

/* The same question, same ID and case, over TCP (RFC 7766). */
static void
tcp_begin(struct engine *e, uint64_t now)
{
	struct exchange *x;

	while (!tcp_pool_full(e->tcp) && (x = TAILQ_FIRST(&e->tcp_wait)) != NULL) {
		uint8_t pkt[DNS_QUERY_MAX];
		size_t len = build_query(e, x, pkt);

		TAILQ_REMOVE(&e->tcp_wait, x, link);
		e->ntcp_wait--;
		x->sent_ns = now;
		e->stats.tcp++;
		if (!(x->cur6 ? tcp_start6(e->tcp, server6_at(x, tried(x)), pkt, len,
		    now + (uint64_t)e->cfg.timeout_ms * 1000000u, x) :
		    tcp_start(e->tcp, x->slot.server, pkt, len,
		    now + (uint64_t)e->cfg.timeout_ms * 1000000u, x)))
			try_failed(e, x);
	}
}

static void
on_tcp_done(void *ctx, void *owner, const uint8_t *msg, size_t len)
{
	struct engine *e = ctx;
	struct exchange *x = owner;

	if (msg != NULL && dnsmsg_parse(msg, len, &e->resp) == DNS_OK && e->resp.id == x->slot.id &&
	    e->resp.qr && e->resp.qname_len == x->name_len &&
	    memcmp(e->resp.qname, name_of(x), x->name_len) == 0 && e->resp.qtype == x->slot.qtype) {
		deliver_answer(e, x, engine_now_ns());
		return;
	}
	e->stats.tcp_failures++;
	try_failed(e, x);
}

/* p, come at now (its batch's clock: one read for all). */
static void
handle_packet(struct engine *e, const struct udp_packet *p, uint64_t now)
{
	struct exchange *x;
	struct slot *s;

	e->stats.received++;
	if (e->dump != NULL)
		pcapdump_ip(e->dump, p->ip, p->ip_len);
	/* An answer the capture cut short is matched by its question, then asked over TCP. */
	if ((p->cut ? dnsmsg_parse_question(p->payload, p->len, &e->resp) :
	    dnsmsg_parse(p->payload, p->len, &e->resp)) != DNS_OK) {
		e->stats.drop_malformed++;
		return;
	}
	if ((s = slot_find(e->slots, p->dport, e->resp.id)) == NULL) {
		e->stats.drop_unmatched++;
		return;
	}
	x = exchange_of_slot(s);
	/* An IPv6 try has server 0 in its slot, as IPv6 packets have source 0:
	 * the family, and then the IPv6 source, tell them apart. */
	if (!slot_answer_matches(s, name_of(x), x->name_len, p, &e->resp) ||
	    (p->family == AF_INET6) != x->cur6 ||
	    (x->cur6 && memcmp(p->src6, server6_at(x, tried(x)), 16) != 0)) {
		e->stats.drop_mismatch++;
		return;
	}
	e->stats.matched++;
	e->stats.rtt_ns += now - x->sent_ns;
	e->stats.matched_retried += x->tries > 1;
	leave_flight(e, x);
	if (e->resp.tc || p->cut) {
		e->stats.truncated++;
		tcp_enqueue(e, x);
		return;
	}
	deliver_answer(e, x, now);
}

/* The DNS ID of a payload, or -1 when it is too short to hold one. */
static int
payload_id(const struct udp_packet *p)
{
	return p->len >= 2 ? get16(p->payload) : -1;
}

static void
handle_batch(struct engine *e)
{
	struct rx_batch *b = &e->rx_batch;
	struct slot *found[RX_BATCH];
	uint64_t now;

	/* The cells were fetched as the packets came; now the questions... */
	for (size_t i = 0; i < b->n; i++) {
		int id = payload_id(&b->p[i]);

		found[i] = id < 0 ? NULL : slot_find(e->slots, b->p[i].dport, (uint16_t)id);
		if (found[i] != NULL)
			__builtin_prefetch(exchange_of_slot(found[i]));
	}
	/*
	 * ... then the rest of each question (its name is compared), its cell
	 * in the timer ring (answering it clears that) and what its callback
	 * reads: its owner's state, and the owner that one hands the answer
	 * on to. One line of the owner alone left a domain's evidence to be
	 * read miss by miss: this took about 6% off the scanner's CPU against
	 * late servers.
	 */
	for (size_t i = 0; i < b->n; i++) {
		struct exchange *x;

		if (found[i] == NULL)
			continue;
		x = exchange_of_slot(found[i]);
		prefetch_lines(x, lines_of(x, sizeof(*x) + xsizes[x->size].name_at + x->name_len));
		timerq_prefetch(&e->timers[x->timer_list], x->timer_pos);
		prefetch_reads(x);
	}
	/* Each is looked up again: handling one answer may end the question
	 * another answer of the batch names (a duplicate). */
	now = b->n > 0 ? engine_now_ns() : 0;
	for (size_t i = 0; i < b->n; i++)
		handle_packet(e, &b->p[i], now);
	b->n = 0;
}

static void
on_packet(void *ctx, const struct udp_packet *p)
{
	struct engine *e = ctx;
	struct rx_batch *b = &e->rx_batch;
	struct udp_packet *q = &b->p[b->n];
	size_t len = p->ip_len < CAPTURE_SNAPLEN ? p->ip_len : CAPTURE_SNAPLEN;
	int id;

	*q = *p;
	memcpy(b->ip[b->n], p->ip, len);
	q->ip = b->ip[b->n];
	q->ip_len = len;
	q->payload = q->ip + (p->payload - p->ip);
	if ((id = payload_id(q)) >= 0)
		slot_prefetch(e->slots, q->dport, (uint16_t)id);
	if (++b->n == RX_BATCH)
		handle_batch(e);
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int
poll_timeout_ms(struct engine *e, uint64_t now, int max_wait_ms)
{
	uint64_t until = now + (uint64_t)max_wait_ms * 1000000u;
	struct exchange *x;

	if (e->ndone > 0)
		return 0;
	for (int i = 0; i < TIMER_LISTS; i++)
		if ((x = timerq_first(&e->timers[i])) != NULL)
			until = min_u64(until, deadline_of(e, x));
	until = min_u64(until, tcp_next_deadline(e->tcp));
	if (e->nqueued > 0 && slot_used(e->slots) < e->max_inflight) {
		/* Sendable when both the global rate and some server's cap allow. */
		uint64_t global = now + throttle_wait_ns(&e->throttle, now);
		uint64_t server = pacing_next_ns(e->pacing, now);

		until = min_u64(until, global > server ? global : server);
	}
	return until <= now ? 0 : (int)((until - now + 999999) / 1000000);
}

void
engine_step(struct engine *e, int max_wait_ms, int wake_fd)
{
	uint64_t now = engine_now_ns();
	struct pollfd pfd[2 + TCP_MAX];
	size_t n;

	expire(e, now);
	settle_done(e);
	send_queued(e, now);
	tcp_begin(e, now);
	pfd[0].fd = capture_fd(e->rx);
	pfd[0].events = POLLIN;
	n = 1 + tcp_pollfds(e->tcp, pfd + 1, TCP_MAX);
	if (wake_fd >= 0) {
		pfd[n].fd = wake_fd;
		pfd[n++].events = POLLIN;
	}
	(void)poll(pfd, (nfds_t)n, poll_timeout_ms(e, now, max_wait_ms));
	/* Read even when poll saw nothing: the capture ring can hold packets
	 * that arrived between the last read and the poll. */
	capture_dispatch(e->rx, on_packet, e);
	handle_batch(e);
	now = engine_now_ns();
	tcp_service(e->tcp, now, on_tcp_done, e);
	expire(e, now);
	settle_done(e);
	e->stats.capture_malformed = capture_malformed(e->rx);
}

bool
engine_reaches6(struct engine *e, const uint8_t addr[16])
{
	return e->tx6 != NULL && route6_reaches(e->routes6, addr);
}

bool
engine_idle(const struct engine *e)
{
	return e->nqueued == 0 && e->ninflight == 0 && e->ndone == 0 &&
	    e->ntcp_wait == 0 && tcp_pool_active(e->tcp) == 0;
}

size_t
engine_queued(const struct engine *e, size_t *capped)
{
	*capped = pacing_held(e->pacing);
	return e->nqueued - *capped;
}

uint64_t
engine_last_send_ns(const struct engine *e)
{
	return e->last_send_ns;
}

void
engine_drain(struct engine *e)
{
	struct exchange *x;

	e->draining = true;
	struct paced *item;

	while ((item = pacing_pop_any(e->pacing)) != NULL) {
		e->nqueued--;
		settle_as_timeout(e, exchange_of(item));
	}
	while ((x = TAILQ_FIRST(&e->tcp_wait)) != NULL) {
		TAILQ_REMOVE(&e->tcp_wait, x, link);
		e->ntcp_wait--;
		settle_as_timeout(e, x);
	}
	tcp_cancel_all(e->tcp, on_tcp_done, e);
	expire(e, engine_now_ns());
}

uint64_t
engine_tries_ms(const struct engine_config *cfg)
{
	uint64_t ms = 0;

	for (unsigned k = 0; k <= cfg->retries; k++)
		ms += (uint64_t)cfg->timeout_ms << (k < BACKOFF_MAX_SHIFT ? k : BACKOFF_MAX_SHIFT);
	return ms;
}

const struct engine_stats *
engine_stats(struct engine *e)
{
	e->stats.kernel_drops = capture_kernel_drops(e->rx);
	e->stats.send_errors = rawsend_errors(e->tx) + (e->tx6 != NULL ? rawsend_errors(e->tx6) : 0);
	return &e->stats;
}

const struct engine_stats *
engine_counters(const struct engine *e)
{
	return &e->stats;
}
