/* bench-responder.c -- the benchmark's child servers: answers for d<i>.bench by a fixed rule,
 * so the verdict of every domain is known in advance.
 *
 * usage: bench-responder [--latency] ADDR1 ADDR2   (IPv4, port 53; runs until killed)
 *
 * d<i>.bench is delegated to ns1.d<i> (ADDR1) and ns2.d<i> (ADDR2) and falls in
 * category i mod 10:
 *   0-5, 9  ok          both servers answer, and list ns1/ns2 as the glue has them
 *   6       missing     (the TLD omits ns2's glue; the servers are as for ok)
 *   7       mismatched  ns2.d<i> A is ADDR2 with its last octet + 2, not the glue
 *   8       lame        the server at ADDR2 refuses d<i> (with --latency: stays silent)
 * An answer for the apex (d<i> SOA, d<i> NS) is what NSD with minimal-responses
 * off gives: the NS set (in the authority section after a SOA) and, in the
 * additional section, ns1's and ns2's A records as this child has them. For a
 * mismatched domain that is not the glue, so a scanner that believes no
 * mismatch from an additional section still asks "ns2.d<i> A" to decide it.
 * Anything else gets REFUSED. Batched with recvmmsg/sendmmsg on two sockets.
 *
 * --latency is the internet's pace: every answer leaves 20-300 ms after its
 * query was read, the delay fixed per (domain, server address) by a hash so
 * that runs repeat. Held queries wait in a timing wheel of 1 ms buckets (O(1)
 * per answer, whatever the number held: a scan at 70,000 domains/s keeps
 * about 25,000 of them) and are answered in sendmmsg batches when due.
 *
 * The responder shares the scanner's machine, which the internet's servers
 * do not: what simulating the latency costs is taken from the scanner. So a
 * held query keeps only its header and question (one cache line for the
 * bench's names; the answer is built when it leaves, into a hot buffer), and
 * the loop wakes once a millisecond to read everything that came instead of
 * once per packet: nothing is due sooner than 20 ms after it came anyway.
 *
 * usage: bench-responder --internet [--latency]
 *
 * The internet-shaped world (tools/bench --world internet): one socket on
 * 0.0.0.0:53 answers, from the address each query was sent to, for every
 * server of the world but the TLD (NSD on its own addresses):
 *   127.57.0.1-2        the zone "prov", which holds every provider's NS
 *                       names: ns1.p<k>.prov and ns2.p<k>.prov A are
 *                       127.56.0.0 + 2k and + 2k + 1 (NXDOMAIN for p<k>.prov
 *                       when provider k is dangling)
 *   127.56.0.0/16       provider k's two servers: the d<i>.bench they host,
 *                       silent when the provider is dead, REFUSED for a
 *                       domain it dropped
 *   127.64.0.0/10       ns1.d<i>.bench and ns2.d<i>.bench of a self-hosted
 *                       domain: 127.64.0.0 + 2i and + 2i + 1 (the glue)
 * The rules (which domain is self-hosted or dropped, which provider dead,
 * dangling or answer-only) are hashes of i and k, the same in tools/bench.
 * An answer-only server (as Knot, PowerDNS and many providers) puts no NS
 * set and no additional records in a SOA answer; its `D NS` answer has
 * the glue in the additional section, as all do. SIGTERM prints the queries
 * it got (to prov; about ok domains, at answer-only and NSD-like servers)
 * as one JSON line before it exits.
 */
#include <arpa/inet.h>
#include <err.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"

#define BATCH 64
#define MSG_MAX 512
/* Header and question of the longest name (255 octets): what a held query keeps. */
#define QUERY_MAX (12 + 255 + 4)
#define DELAY_MIN_MS 20
#define DELAY_MAX_MS 300
#define WHEEL_MS 512		/* buckets: more than the longest delay */
#define NONE UINT32_MAX

/* A query held until its answer's time: a link in its bucket's list, or in
 * the free list. Its first 40 bytes of query share the links' cache line. */
struct held {
	uint32_t next;
	uint16_t len;
	uint32_t local;		/* the address it was sent to, network order */
	struct sockaddr_in to;
	uint8_t query[QUERY_MAX];
};

/* One server's answers by the millisecond they are due, as lists of pool indices. */
struct wheel {
	uint32_t head[WHEEL_MS], tail[WHEEL_MS];
	uint64_t done_ms;	/* every bucket up to this millisecond has been sent */
};

struct server {
	int fd;
	uint32_t addr;		/* network order */
	struct wheel wheel;
};

static uint32_t addr2_v4;	/* host order: ADDR2 */
static int latency;		/* --latency */
static int internet;		/* --internet */

/* The held answers of both servers; grows by doubling, never shrinks. */
static struct held *pool;
static uint32_t pool_cap, pool_free = NONE, held_count;

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does the wire label at p (length byte first) equal text, ignoring case? */
static int
label_is(const uint8_t *p, const char *text)
{
	size_t n = strlen(text);

	if (p[0] != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(p[1 + i]) != text[i])
			return 0;
	return 1;
}

/* "d<digits>" label: its number, or -1. */
static long
domain_index(const uint8_t *p)
{
	long v = 0;

	if (p[0] < 2 || lower(p[1]) != 'd')
		return -1;
	for (int i = 2; i <= p[0]; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* RR whose owner is the question name (pointer to offset 12). */
static size_t
rr_header(uint8_t *p, uint16_t type, uint16_t rdlen)
{
	p[0] = 0xc0;
	p[1] = 12;
	put16(p + 2, type);
	put16(p + 4, 1);
	put32(p + 6, 3600);
	put16(p + 10, rdlen);
	return 12;
}

/* SOA with root names: 22 bytes of rdata. owner_off: where the zone's name starts. */
static size_t
soa_rr(uint8_t *p, uint16_t owner_off)
{
	p[0] = (uint8_t)(0xc0 | owner_off >> 8);
	p[1] = (uint8_t)owner_off;
	put16(p + 2, 6);
	put16(p + 4, 1);
	put32(p + 6, 3600);
	put16(p + 10, 22);
	memset(p + 12, 0, 2);
	put32(p + 14, 1);
	put32(p + 18, 3600);
	put32(p + 22, 600);
	put32(p + 26, 86400);
	put32(p + 30, 300);
	return 34;
}

/* The address the child serves for ns<which>.d<i>: the glue, except ns2 of a mismatched domain. */
static uint32_t
child_addr(int which, int cat)
{
	return which == 1 ? addr2_v4 - 1 : addr2_v4 + (cat == 7 ? 2 : 0);
}

/*
 * At msg + pos: the zone's NS set (ns1 and ns2 under the name at zone_off),
 * then their A records (addr1, addr2: host order). The caller counts the two
 * NS records in the section it chose and the two A records as additional.
 * Returns the new end of the message: 68 bytes more.
 */
static size_t
apex_records(uint8_t *msg, size_t pos, uint16_t zone_off, uint32_t addr1, uint32_t addr2)
{
	uint16_t target[2];

	for (int k = 0; k < 2; k++) {
		uint8_t *p = msg + pos;

		p[0] = (uint8_t)(0xc0 | zone_off >> 8);
		p[1] = (uint8_t)zone_off;
		put16(p + 2, 2);
		put16(p + 4, 1);
		put32(p + 6, 3600);
		put16(p + 10, 6);
		p[12] = 3;
		memcpy(p + 13, k == 0 ? "ns1" : "ns2", 3);
		p[16] = (uint8_t)(0xc0 | zone_off >> 8);
		p[17] = (uint8_t)zone_off;
		target[k] = (uint16_t)(pos + 12);
		pos += 18;
	}
	for (int k = 0; k < 2; k++) {
		uint8_t *p = msg + pos;

		p[0] = (uint8_t)(0xc0 | target[k] >> 8);
		p[1] = (uint8_t)target[k];
		put16(p + 2, 1);
		put16(p + 4, 1);
		put32(p + 6, 3600);
		put16(p + 10, 4);
		put32(p + 12, k == 0 ? addr1 : addr2);
		pos += 16;
	}
	return pos;
}

/* The question of a query, as answer() reads it. */
struct question {
	size_t qend;		/* end of the header and question */
	const uint8_t *labels[4];
	int nl;			/* labels in the name (only the first 4 are kept) */
	uint16_t qtype;
	long domain;		/* the i of the d<i>.bench asked about, -1 if none */
};

/* Parse the query msg/len; 0 if it gets no answer at all (not a query, or malformed). */
static int
parse_question(const uint8_t *msg, size_t len, struct question *q)
{
	size_t pos = 12;

	q->nl = 0;
	q->domain = -1;
	if (len < 17 || (msg[2] & 0x80) || msg[4] != 0 || msg[5] != 1)
		return 0;
	while (pos < len && msg[pos] != 0) {
		if (msg[pos] > 63)
			return 0;
		if (q->nl < 4)
			q->labels[q->nl] = msg + pos;
		q->nl++;
		pos += msg[pos] + 1;
	}
	if (pos + 5 > len)
		return 0;
	q->qend = pos + 5;
	q->qtype = (uint16_t)(msg[pos + 1] << 8 | msg[pos + 2]);
	if (q->nl >= 2 && q->nl <= 4 && label_is(q->labels[q->nl - 1], "bench"))
		q->domain = domain_index(q->labels[q->nl - 2]);
	return 1;
}

/* --- the internet-shaped world (--internet) --- */

#define GOLDEN 0x9e3779b97f4a7c15ULL
#define PROV_BASE 0x7f380000u	/* 127.56.0.0: provider k's servers at + 2k and + 2k + 1 */
#define PROV_ZONE 0x7f390000u	/* 127.57.0.0: the zone prov at .1 and .2 */
#define SELF_BASE 0x7f400000u	/* 127.64.0.0/10: self-hosted d<i> at + 2i and + 2i + 1 */
#define SELF_MASK 0xffc00000u
#define PROVIDERS 10000

/* murmur3's finaliser: the world's rules are hashes of i and k (the same in tools/bench). */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* d<i>.bench: 10% self-hosted with glue (a fifth of them answer-only), 2%
 * dropped by their provider; the rest hosted as they should be. */
static unsigned
domain_class(long i)
{
	return (unsigned)(mix64((uint64_t)i + GOLDEN) % 1000);
}

static int
self_hosted(long i)
{
	return domain_class(i) < 100;
}

static int
dropped(long i)
{
	return domain_class(i) >= 100 && domain_class(i) < 120;
}

static int
self_answer_only(long i)
{
	return mix64((uint64_t)i + 2 * GOLDEN) % 5 == 0;
}

/* Provider k (1 = the largest): past the 20 largest, 2% dead (silent) and
 * 2% dangling (p<k>.prov does not exist); every third answer-only. */
static unsigned
provider_class(long k)
{
	return (unsigned)(mix64((uint64_t)k + 4 * GOLDEN) % 100);
}

static int
provider_dead(long k)
{
	return k >= 20 && provider_class(k) < 2;
}

static int
provider_dangling(long k)
{
	return k >= 20 && provider_class(k) >= 2 && provider_class(k) < 4;
}

static int
provider_answer_only(long k)
{
	return k % 3 == 2;
}

/* The provider whose server has this address (network order); 0 if none. */
static long
provider_at(uint32_t local)
{
	uint32_t h = ntohl(local);
	long k = (long)(h - PROV_BASE) / 2;

	return (h & 0xffff0000u) == PROV_BASE && k >= 1 && k <= PROVIDERS ? k : 0;
}

static int
internet_silent(uint32_t local)
{
	long k = provider_at(local);

	return k > 0 && provider_dead(k);
}

/* "p<digits>" label: k, or 0. */
static long
provider_index(const uint8_t *p)
{
	long v = 0;

	if (p[0] < 2 || p[0] > 6 || lower(p[1]) != 'p')
		return 0;
	for (int i = 2; i <= p[0]; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return v <= PROVIDERS ? v : 0;
}

static size_t
refused(uint8_t *msg, size_t qend)
{
	msg[2] = (uint8_t)((msg[2] & 0x79) | 0x80);
	msg[3] = 5;
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);
	return qend;
}

/* NODATA (rcode 0) or NXDOMAIN (3): the SOA of the zone at zone_off in authority. */
static size_t
negative(uint8_t *msg, size_t pos, uint16_t zone_off, int rcode)
{
	msg[3] = (uint8_t)rcode;
	put16(msg + 8, 1);
	return pos + soa_rr(msg + pos, zone_off);
}

/* Two NS records owned by the name at owner_off: ns1.p<k>.prov and ns2.p<k>.prov. */
static size_t
provider_ns(uint8_t *msg, size_t pos, uint16_t owner_off, long k)
{
	char label[8];
	int n = snprintf(label, sizeof(label), "p%ld", k);
	uint16_t tail = 0;

	for (int j = 0; j < 2; j++) {
		uint8_t *p = msg + pos;
		size_t rd = 12;

		p[0] = (uint8_t)(0xc0 | owner_off >> 8);
		p[1] = (uint8_t)owner_off;
		put16(p + 2, 2);
		put16(p + 4, 1);
		put32(p + 6, 3600);
		p[rd] = 3;
		memcpy(p + rd + 1, j == 0 ? "ns1" : "ns2", 3);
		rd += 4;
		if (j == 0) {
			tail = (uint16_t)(pos + rd);
			p[rd] = (uint8_t)n;
			memcpy(p + rd + 1, label, (size_t)n);
			rd += 1 + (size_t)n;
			memcpy(p + rd, "\004prov", 6);
			rd += 6;
		} else {
			p[rd] = (uint8_t)(0xc0 | tail >> 8);
			p[rd + 1] = (uint8_t)tail;
			rd += 2;
		}
		put16(p + 10, (uint16_t)(rd - 12));
		pos += rd;
	}
	return pos;
}

/* The zone prov: the providers' NS names. */
static size_t
answer_prov(uint8_t *msg, const struct question *q)
{
	uint16_t zone_off = (uint16_t)(q->labels[q->nl - 1] - msg);
	size_t len = q->qend;
	long k;

	if (q->nl > 3 || !label_is(q->labels[q->nl - 1], "prov"))
		return refused(msg, q->qend);
	if (q->nl == 1) {
		if (q->qtype != 6)
			return negative(msg, len, zone_off, 0);
		put16(msg + 6, 1);
		return len + soa_rr(msg + len, zone_off);
	}
	k = provider_index(q->labels[q->nl - 2]);
	if (k == 0 || provider_dangling(k) ||
	    (q->nl == 3 && !label_is(q->labels[0], "ns1") && !label_is(q->labels[0], "ns2")))
		return negative(msg, len, zone_off, 3);
	if (q->nl == 3 && q->qtype == 1) {
		put16(msg + 6, 1);
		len += rr_header(msg + len, 1, 4);
		put32(msg + len, PROV_BASE + 2 * (uint32_t)k + (label_is(q->labels[0], "ns2") ? 1 : 0));
		return len + 4;
	}
	return negative(msg, len, zone_off, 0);
}

/* d<i>.bench at provider k's server, or (k == 0) at its own self-hosted one. */
static size_t
answer_child(uint8_t *msg, const struct question *q, long k)
{
	long i = q->domain;
	uint16_t zone_off = (uint16_t)(q->labels[q->nl - 2] - msg);
	uint32_t self = SELF_BASE + 2 * (uint32_t)i;
	size_t len = q->qend;
	int only = k > 0 ? provider_answer_only(k) : self_answer_only(i);

	if (i < 0 || self_hosted(i) != (k == 0) || (k > 0 && dropped(i)))
		return refused(msg, q->qend);
	if (q->nl == 2 && (q->qtype == 6 || q->qtype == 2)) {
		int soa = q->qtype == 6;

		if (soa) {
			put16(msg + 6, 1);
			len += soa_rr(msg + len, zone_off);
			if (only)
				return len;
		}
		put16(msg + (soa ? 8 : 6), 2);
		if (k > 0)
			return provider_ns(msg, len, zone_off, k);
		put16(msg + 10, 2);
		return apex_records(msg, len, zone_off, self, self + 1);
	}
	if (q->nl == 2)
		return negative(msg, len, zone_off, 0);
	if (k == 0 && q->nl == 3 && (label_is(q->labels[0], "ns1") || label_is(q->labels[0], "ns2"))) {
		if (q->qtype != 1)
			return negative(msg, len, zone_off, 0);
		put16(msg + 6, 1);
		len += rr_header(msg + len, 1, 4);
		put32(msg + len, self + (label_is(q->labels[0], "ns2") ? 1 : 0));
		return len + 4;
	}
	return negative(msg, len, zone_off, 3);
}

/* Queries received, for the bench's figures: to the zone prov; about the
 * domains that are ok, self-hosted or not, to answer-only or NSD-like servers. */
static uint64_t queries_prov, queries_ok[2][2];	/* [self-hosted][answer-only] */

static void
count_query(const uint8_t *msg, size_t len, uint32_t local)
{
	struct question q;
	uint32_t h = ntohl(local);
	long k = provider_at(local), i;

	if (!parse_question(msg, len, &q))
		return;
	if (h == PROV_ZONE + 1 || h == PROV_ZONE + 2) {
		queries_prov++;
		return;
	}
	if ((i = q.domain) < 0 || (k == 0 && (h & SELF_MASK) != SELF_BASE))
		return;
	if (k > 0 && (dropped(i) || provider_dead(k) || provider_dangling(k) || self_hosted(i)))
		return;
	queries_ok[k == 0][k > 0 ? provider_answer_only(k) : self_answer_only(i)]++;
}

/* The answer of the server at local (network order) in the internet world; 0: silent. */
static size_t
answer_internet(uint8_t *msg, size_t len, uint32_t local)
{
	struct question q;
	uint32_t h = ntohl(local);
	long k = provider_at(local);

	if (!parse_question(msg, len, &q) || internet_silent(local))
		return 0;
	if (q.nl < 1 || q.nl > 4)
		return refused(msg, q.qend);
	msg[2] = 0x84;			/* QR, AA */
	msg[3] = 0;
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);
	if (h == PROV_ZONE + 1 || h == PROV_ZONE + 2)
		return answer_prov(msg, &q);
	if (q.nl < 2 || q.nl > 3 || (k == 0 && (h & SELF_MASK) != SELF_BASE))
		return refused(msg, q.qend);
	return answer_child(msg, &q, k);
}

/* Does the server at local (network order) stay silent about q? The lame
 * class's second server, with --latency. */
static int
is_silent(const struct question *q, uint32_t local)
{
	if (internet)
		return internet_silent(local);
	return latency && q->domain >= 0 && q->domain % 10 == 8 && ntohl(local) == addr2_v4;
}

/*
 * Build the answer in place in msg (len bytes of query); returns its length,
 * 0 to stay silent.
 */
static size_t
answer(uint8_t *msg, size_t len, uint32_t local)
{
	struct question q;
	const uint8_t **labels = q.labels;
	size_t qend;
	long idx;
	int nl, cat;
	uint16_t qtype, zone_off;

	if (!parse_question(msg, len, &q) || is_silent(&q, local))
		return 0;
	qend = q.qend;
	nl = q.nl;
	qtype = q.qtype;
	idx = q.domain;
	if (nl > 4)
		goto refuse;
	msg[2] = 0x84;			/* QR, AA */
	msg[3] = 0;
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);		/* no EDNS echoed: answers are small */
	len = qend;
	if (idx < 0)
		goto refuse;
	cat = (int)(idx % 10);
	if (cat == 8 && ntohl(local) == addr2_v4)
		goto refuse;
	zone_off = (uint16_t)(labels[nl - 2] - msg);
	if (nl == 2 && qtype == 6) {
		/* the zone's SOA; its NS set in authority, their addresses in additional */
		put16(msg + 6, 1);
		put16(msg + 8, 2);
		put16(msg + 10, 2);
		len += soa_rr(msg + len, zone_off);
		return apex_records(msg, len, zone_off, child_addr(1, cat), child_addr(2, cat));
	}
	if (nl == 2 && qtype == 2) {
		/* the zone's NS set, their addresses in additional */
		put16(msg + 6, 2);
		put16(msg + 10, 2);
		return apex_records(msg, len, zone_off, child_addr(1, cat), child_addr(2, cat));
	}
	if (nl == 3 && qtype == 1 && (label_is(labels[0], "ns1") || label_is(labels[0], "ns2"))) {
		put16(msg + 6, 1);
		len += rr_header(msg + len, 1, 4);
		put32(msg + len, child_addr(label_is(labels[0], "ns1") ? 1 : 2, cat));
		return len + 4;
	}
	if (nl == 2 || (nl == 3 && (label_is(labels[0], "ns1") || label_is(labels[0], "ns2")))) {
		/* NODATA: the SOA in authority */
		put16(msg + 8, 1);
		return len + soa_rr(msg + len, zone_off);
	}
	msg[3] = 3;			/* NXDOMAIN */
	put16(msg + 8, 1);
	return len + soa_rr(msg + len, zone_off);
refuse:
	msg[2] = (uint8_t)((msg[2] & 0x79) | 0x80);
	msg[3] = 5;
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);
	return len < qend ? len : qend;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The delay of every answer about domain from the server at addr: 20-300 ms (murmur3's finaliser). */
static unsigned
delay_ms(long domain, uint32_t addr)
{
	uint64_t x = (uint64_t)domain << 32 ^ addr;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return DELAY_MIN_MS + (unsigned)(x % (DELAY_MAX_MS - DELAY_MIN_MS + 1));
}

static void
wheel_init(struct wheel *w, uint64_t now)
{
	for (int i = 0; i < WHEEL_MS; i++)
		w->head[i] = w->tail[i] = NONE;
	w->done_ms = now;
}

/* Hold the query msg/len (its header and question) from `to` until the
 * millisecond due; done_ms < due < done_ms + WHEEL_MS. */
static void
hold(struct wheel *w, uint64_t due, const uint8_t *msg, size_t len, const struct sockaddr_in *to,
    uint32_t local)
{
	uint32_t i, b = (uint32_t)(due % WHEEL_MS);
	struct held *h;

	if (pool_free == NONE) {
		uint32_t cap = pool_cap ? 2 * pool_cap : 4096;

		if ((pool = reallocarray(pool, cap, sizeof(*pool))) == NULL)
			err(1, "held queries");
		for (i = cap; i > pool_cap; i--) {
			pool[i - 1].next = pool_free;
			pool_free = i - 1;
		}
		pool_cap = cap;
	}
	i = pool_free;
	h = &pool[i];
	pool_free = h->next;
	h->next = NONE;
	h->len = (uint16_t)len;
	h->local = local;
	h->to = *to;
	memcpy(h->query, msg, len);
	if (w->tail[b] == NONE)
		w->head[b] = i;
	else
		pool[w->tail[b]].next = i;
	w->tail[b] = i;
	held_count++;
}

/* The batch's messages, each with its buffer and address. */
struct batch {
	uint8_t bufs[BATCH][MSG_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	/* --internet: the address each query came to, and an answer leaves from */
	uint8_t ctl[BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
};

static void
batch_init(struct batch *b)
{
	for (int i = 0; i < BATCH; i++) {
		b->iov[i].iov_base = b->bufs[i];
		b->iov[i].iov_len = MSG_MAX;
		memset(&b->msgs[i].msg_hdr, 0, sizeof(b->msgs[i].msg_hdr));
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
		b->msgs[i].msg_hdr.msg_name = &b->from[i];
		b->msgs[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		if (internet) {
			b->msgs[i].msg_hdr.msg_control = b->ctl[i];
			b->msgs[i].msg_hdr.msg_controllen = sizeof(b->ctl[i]);
		}
	}
}

/* --internet: message i of b leaves from local (network order). */
static void
set_source(struct batch *b, int i, uint32_t local)
{
	struct msghdr *m = &b->msgs[i].msg_hdr;
	struct cmsghdr *c;
	struct in_pktinfo pi;

	m->msg_control = b->ctl[i];
	m->msg_controllen = sizeof(b->ctl[i]);
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst.s_addr = local;
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

/* --internet: the address the query in message i of b was sent to (network order). */
static uint32_t
query_dest(struct batch *b, int i)
{
	struct msghdr *m = &b->msgs[i].msg_hdr;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return pi.ipi_addr.s_addr;
		}
	return 0;
}

/* Queries are read into rx; held ones are answered from tx. */
static struct batch rx, tx;

static void
send_batch(int fd, struct batch *b, unsigned n)
{
	if (n > 0 && sendmmsg(fd, b->msgs, n, 0) < 0)
		warn("sendmmsg");
}

/* Answer every query due by now, oldest bucket first, in batches. */
static void
wheel_send_due(struct server *s, uint64_t now)
{
	struct wheel *w = &s->wheel;
	unsigned n = 0;

	if (now - w->done_ms > WHEEL_MS)	/* stopped for a while: every bucket is due */
		w->done_ms = now - WHEEL_MS;
	while (w->done_ms < now) {
		uint32_t b = (uint32_t)(++w->done_ms % WHEEL_MS), next;

		for (uint32_t i = w->head[b]; i != NONE; i = next) {
			struct held *h = &pool[i];

			next = h->next;
			memcpy(tx.bufs[n], h->query, h->len);
			tx.iov[n].iov_len = internet ? answer_internet(tx.bufs[n], h->len, h->local) :
			    answer(tx.bufs[n], h->len, h->local);
			tx.from[n] = h->to;
			if (internet)
				set_source(&tx, (int)n, h->local);
			h->next = pool_free;
			pool_free = i;
			held_count--;
			if (++n == BATCH) {
				send_batch(s->fd, &tx, n);
				n = 0;
			}
		}
		w->head[b] = w->tail[b] = NONE;
	}
	send_batch(s->fd, &tx, n);
}

/* Read one batch of queries; answer them now, or (--latency) hold them.
 * Returns how many came. */
static int
serve(struct server *s, uint64_t now)
{
	struct question q;
	int n, k = 0;

	for (int i = 0; i < BATCH; i++) {
		rx.iov[i].iov_len = MSG_MAX;
		rx.msgs[i].msg_hdr.msg_namelen = sizeof(rx.from[i]);
		if (internet)
			rx.msgs[i].msg_hdr.msg_controllen = sizeof(rx.ctl[i]);
	}
	if ((n = recvmmsg(s->fd, rx.msgs, BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		size_t len = rx.msgs[i].msg_len;
		uint32_t local = internet ? query_dest(&rx, i) : s->addr;

		if (internet)
			count_query(rx.bufs[i], len, local);

		if (latency) {
			/* now is truncated to the millisecond: + 1, so that no answer leaves early */
			if (parse_question(rx.bufs[i], len, &q) && !is_silent(&q, local))
				hold(&s->wheel, now + delay_ms(q.domain, local) + 1, rx.bufs[i],
				    q.qend, &rx.from[i], local);
			continue;
		}
		len = internet ? answer_internet(rx.bufs[i], len, local) : answer(rx.bufs[i], len, local);
		if (len == 0)
			continue;
		/* Silent ones are sent as nothing: drop them from the batch. */
		if (k != i) {
			memcpy(rx.bufs[k], rx.bufs[i], len);
			rx.from[k] = rx.from[i];
		}
		rx.iov[k].iov_len = len;
		if (internet)
			set_source(&rx, k, local);
		k++;
	}
	send_batch(s->fd, &rx, (unsigned)k);
	return n;
}

/* A UDP socket on addr:53 (network order; 0: every address, each query's
 * own told by IP_PKTINFO), with the big buffers a benchmark needs. */
static int
open_server(uint32_t addr, const char *name)
{
	struct sockaddr_in sin;
	int big = 4 << 20, on = 1, fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = addr;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (addr == 0) {
		/* beside NSD's sockets on the TLD's addresses (reuseport: yes): theirs are more specific */
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1)
			err(1, "setsockopt");
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s:53", name);
	return fd;
}

static volatile sig_atomic_t stop;

/* --internet: SIGTERM prints the query counts (one JSON line) and ends the responder. */
static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

#define USAGE "usage: bench-responder [--latency] ADDR1 ADDR2 | bench-responder --internet [--latency]"

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "latency", no_argument, NULL, 'l' },
		{ "internet", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct server srv[2];
	struct pollfd pfd[2];
	uint64_t now;
	int c, nsrv;

	while ((c = getopt_long(argc, argv, "li", longopts, NULL)) != -1) {
		if (c == 'l')
			latency = 1;
		else if (c == 'i')
			internet = 1;
		else
			errx(2, USAGE);
	}
	argc -= optind;
	argv += optind;
	nsrv = internet ? 1 : 2;
	if (argc != (internet ? 0 : 2))
		errx(2, USAGE);
	now = now_ms();
	batch_init(&rx);
	batch_init(&tx);
	for (int i = 0; i < nsrv; i++) {
		struct in_addr a = { 0 };

		if (!internet && inet_pton(AF_INET, argv[i], &a) != 1)
			errx(2, "bad address %s", argv[i]);
		srv[i].addr = a.s_addr;
		srv[i].fd = open_server(a.s_addr, internet ? "0.0.0.0" : argv[i]);
		pfd[i].fd = srv[i].fd;
		pfd[i].events = POLLIN;
		wheel_init(&srv[i].wheel, now);
	}
	if (internet)
		signal(SIGTERM, on_term);
	if (!internet) {
		addr2_v4 = ntohl(srv[1].addr);
		if (ntohl(srv[0].addr) != addr2_v4 - 1)
			errx(2, "ADDR2 must be ADDR1 + 1 (the rule derives addresses from it)");
	}
	for (;;) {
		/*
		 * --latency: wake once a millisecond, answer what is due, then
		 * read all that came (the wheel reaches now before new queries
		 * join it 20+ ms ahead). Else wake on each query and answer it.
		 */
		if (stop) {
			printf("{\"queries_prov\":%llu,\"queries_ok\":{\"provider\":{\"nsd_like\":%llu,"
			    "\"answer_only\":%llu},\"self\":{\"nsd_like\":%llu,\"answer_only\":%llu}}}\n",
			    (unsigned long long)queries_prov,
			    (unsigned long long)queries_ok[0][0], (unsigned long long)queries_ok[0][1],
			    (unsigned long long)queries_ok[1][0], (unsigned long long)queries_ok[1][1]);
			return 0;
		}
		if (poll(latency ? NULL : pfd, latency ? 0 : (nfds_t)nsrv, latency ? 1 : -1) == -1)
			continue;
		now = now_ms();
		for (int i = 0; i < nsrv; i++) {
			if (latency) {
				wheel_send_due(&srv[i], now);
				while (serve(&srv[i], now) == BATCH)
					;
			} else if (pfd[i].revents & POLLIN) {
				serve(&srv[i], now);
			}
		}
	}
}
