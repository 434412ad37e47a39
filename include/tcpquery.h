/* tcpquery.h -- DNS over TCP for truncated answers: non-blocking sockets the event loop drives. */
#ifndef GLUESCAN_TCPQUERY_H
#define GLUESCAN_TCPQUERY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_pool;

/* msg is NULL when the exchange failed or timed out; valid during the call only. */
typedef void tcp_done_fn(void *ctx, void *owner, const uint8_t *msg, size_t len);

/* At most `max` connections at once, from source address src (host order). */
struct tcp_pool *tcp_pool_new(unsigned max, uint32_t src);
void tcp_pool_free(struct tcp_pool *p);
bool tcp_pool_full(const struct tcp_pool *p);
unsigned tcp_pool_active(const struct tcp_pool *p);
/* Send query (without the length prefix) to dst:53; false if no socket could be made. */
bool tcp_start(struct tcp_pool *p, uint32_t dst, const uint8_t *query, size_t len,
    uint64_t deadline_ns, void *owner);
/* The IPv6 source address (network order) for tcp_start6. */
void tcp_pool_set_src6(struct tcp_pool *p, const uint8_t src6[16]);
/* tcp_start to [dst]:53 (network order), from the IPv6 source. */
bool tcp_start6(struct tcp_pool *p, const uint8_t dst[16], const uint8_t *query, size_t len,
    uint64_t deadline_ns, void *owner);
/* Fill pollfds for the connections; returns how many. */
size_t tcp_pollfds(const struct tcp_pool *p, struct pollfd *out, size_t max);
/* Earliest deadline of an open connection, or UINT64_MAX. */
uint64_t tcp_next_deadline(const struct tcp_pool *p);
/* Make progress on every connection; finished or expired ones go to fn. */
void tcp_service(struct tcp_pool *p, uint64_t now_ns, tcp_done_fn *fn, void *ctx);
/* Fail every open connection through fn. */
void tcp_cancel_all(struct tcp_pool *p, tcp_done_fn *fn, void *ctx);

#endif
