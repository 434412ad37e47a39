/* engine.h -- questions to DNS servers: pacing, the in-flight table, timers, retries, matching. */
#ifndef GLUESCAN_ENGINE_H
#define GLUESCAN_ENGINE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dname.h"
#include "dnsmsg.h"

#define ENGINE_MAX_SERVERS 16

struct server_rates;

struct engine_config {
	char ifname[IF_NAMESIZE];
	uint32_t src;			/* host order */
	bool ipv6;			/* IPv6 servers this host routes to are asked too, from src6 on ifname */
	uint8_t src6[16];		/* network order */
	uint16_t port_lo, port_hi;	/* 0: the first free block of port_count ports */
	uint16_t port_count;
	double rate;			/* packets per second, all servers */
	double per_server;		/* packets per second to any one address; 0: no cap */
	const struct server_rates *rates;	/* the cap of each address instead (NULL: per_server) */
	unsigned retries;		/* tries after the first */
	unsigned timeout_ms;		/* per try */
	uint16_t edns_size;		/* 0: no EDNS */
	/* Questions in flight at once. A slot is a source port and a DNS ID
	 * together (slots.h), so there are 65,536 per port held; 0, or more
	 * than that: all of them. Memory follows what is in flight, not this. */
	size_t max_inflight;
};

struct engine_stats {
	uint64_t sent, send_errors, retries, timeouts;
	uint64_t received, matched;
	uint64_t rtt_ns;		/* the matched answers' round trips, summed */
	uint64_t matched_retried;	/* answers that came only to a retry */
	uint64_t drop_malformed;	/* not a DNS message we could parse */
	uint64_t drop_unmatched;	/* port and ID name no slot in flight */
	uint64_t drop_mismatch;		/* slot found, but server, name, type or class differ */
	uint64_t capture_malformed, kernel_drops;
	uint64_t truncated;		/* answers with TC=1 ... */
	uint64_t tcp, tcp_failures;	/* ... asked again over TCP */
	uint64_t excluded;		/* questions not sent: all their servers excluded */
};

enum xkind {
	X_ANSWER,
	X_TIMEOUT,
	X_EXCLUDED,	/* every server given is in the --exclude list: nothing sent */
};

struct xreply {
	enum xkind kind;
	const struct dns_response *resp;	/* X_ANSWER: valid during the callback only */
	struct addr server;
	double rtt_ms;
	bool final;				/* no try left: the return value is ignored */
	uint32_t tag;				/* as given to engine_ask */
};

/* Called for each answer and once on the final timeout (or exclusion). Return true when the
 * question is settled; false asks for another try (on the next server). */
typedef bool xreply_fn(void *ctx, const struct xreply *r);

struct engine;
struct pcapdump;
struct exclude;

struct engine *engine_new(const struct engine_config *cfg, char *err, size_t errlen,
    bool *need_privilege);
void engine_free(struct engine *e);
/* Servers never to query (NULL: none). */
void engine_set_exclude(struct engine *e, const struct exclude *x);
/* Copy every UDP packet sent and received to d (NULL: stop). */
void engine_set_dump(struct engine *e, struct pcapdump *d);

/*
 * What an answer's callback reads, fetched into the cache with the batch of
 * answers it came in: against late servers all of it left the cache long
 * ago. The first ctx_size bytes of ctx (0: none) and, when ctx hands the
 * answer on to an owner of its own (a walk to its domain), owner_size bytes
 * of that one: fetched from here, the owner costs no wait for ctx's line
 * that names it.
 */
struct engine_reads {
	size_t ctx_size;
	const void *owner;
	size_t owner_size;
};

/*
 * Ask qname/qtype of the servers given: IPv4 ones, and IPv6 ones the engine
 * reaches (engine_reaches6; others are ignored; with none the question
 * times out at once). Try k goes to server (start + k) mod n,
 * start chosen at random. fn is never called from inside engine_ask.
 * The reply carries tag back: which of ctx's questions it answers, so a
 * caller needs no object of its own per question.
 */
void engine_ask(struct engine *e, const struct dname *qname, uint16_t qtype,
    const struct addr *servers, size_t nservers, xreply_fn *fn, void *ctx,
    const struct engine_reads *reads, uint32_t tag);

/* This IPv6 server is asked: the engine has IPv6 (engine_config.ipv6) and
 * the host a route to it from a usable source (route6_reaches). */
bool engine_reaches6(struct engine *e, const uint8_t addr[16]);

/* Send what the rate allows, wait up to max_wait_ms for answers (or until
 * wake_fd, when not -1, is readable), run timers. */
void engine_step(struct engine *e, int max_wait_ms, int wake_fd);
bool engine_idle(const struct engine *e);
/* Questions waiting to be sent that the rate could send soon; *capped: the
 * others, waiting for their server's --per-server cap whatever the rate. */
size_t engine_queued(const struct engine *e, size_t *capped);
uint64_t engine_last_send_ns(const struct engine *e);
/* Settle every question, now and from now on, as a final timeout. */
void engine_drain(struct engine *e);
/* The counters, with the kernel's drop count and the send errors brought up
 * to date (a system call: for reports, not for every turn of the loop). */
const struct engine_stats *engine_stats(struct engine *e);
/* The counters kept per packet (sent, matched, ...) as they are, at no cost. */
const struct engine_stats *engine_counters(const struct engine *e);
/* How long all the tries of one question can take, back-off included. */
uint64_t engine_tries_ms(const struct engine_config *cfg);
uint64_t engine_now_ns(void);

#endif
