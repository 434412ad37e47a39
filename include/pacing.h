/* pacing.h -- per-server politeness: questions wait in one queue per server address,
 * and no address is sent more than its share, without holding up the others. */
#ifndef GLUESCAN_PACING_H
#define GLUESCAN_PACING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

/* Embedded in whatever waits to be sent. */
struct paced {
	TAILQ_ENTRY(paced) link;
};

struct pacing;

struct server_rates;

/* pps: the cap for any one server address, in packets a second (to a
 * thousandth); 0 means no cap. No server gets more than its cap in any window
 * of one second (under 1, one packet in any 1/cap seconds), and a server with
 * enough waiting gets 99% of it or more, however high the cap. */
struct pacing *pacing_new(double pps);
/* From now on each server met takes its cap from r instead (kept, not copied). */
void pacing_set_rates(struct pacing *p, const struct server_rates *r);
void pacing_free(struct pacing *p);
/* Queue item for server (IPv4, host order). */
void pacing_push(struct pacing *p, uint32_t server, struct paced *item);
/* The same for an IPv6 server (network order): one cap per address, both
 * families alike (an IPv4-mapped address is the IPv4 server). */
void pacing_push6(struct pacing *p, const uint8_t server[16], struct paced *item);
/* The next item whose server may be sent to now, round-robin over servers;
 * NULL if none may. The caller then sends exactly that one packet. */
struct paced *pacing_pop(struct pacing *p, uint64_t now_ns);
/* Any waiting item, cap or not (to drain). */
struct paced *pacing_pop_any(struct pacing *p);
size_t pacing_waiting(const struct pacing *p);
/* Of those, the ones that wait for their server's cap: past what its bucket
 * holds (10 ms of the cap), so no rate could send them sooner. */
size_t pacing_held(const struct pacing *p);
/* When pacing_pop may next return something (now if it may already; UINT64_MAX if nothing waits). */
uint64_t pacing_next_ns(const struct pacing *p, uint64_t now_ns);
/* Servers tracked right now (memory is bounded by the active ones). */
size_t pacing_servers(const struct pacing *p);

#endif
