/* net-tcp.c -- length-prefixed DNS over non-blocking TCP (IPv4, IPv6), a bounded number of connections at once. */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcpquery.h"

#define TCP_MSG_MAX 65535

enum conn_state { CONN_FREE, CONN_CONNECTING, CONN_SENDING, CONN_READING };

struct conn {
	enum conn_state state;
	int fd;
	void *owner;
	uint64_t deadline_ns;
	uint8_t out[2 + 512];
	size_t out_len, out_done;
	uint8_t *in;		/* 2 + TCP_MSG_MAX, allocated on first use */
	size_t in_done;
};

struct tcp_pool {
	uint32_t src;
	uint8_t src6[16];
	unsigned max, active;
	struct conn *conns;
};

struct tcp_pool *
tcp_pool_new(unsigned max, uint32_t src)
{
	struct tcp_pool *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->conns = calloc(max, sizeof(*p->conns))) == NULL)
		err(1, "out of memory");
	p->max = max;
	p->src = src;
	return p;
}

void
tcp_pool_free(struct tcp_pool *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < p->max; i++) {
		if (p->conns[i].state != CONN_FREE)
			close(p->conns[i].fd);
		free(p->conns[i].in);
	}
	free(p->conns);
	free(p);
}

bool
tcp_pool_full(const struct tcp_pool *p)
{
	return p->active >= p->max;
}

unsigned
tcp_pool_active(const struct tcp_pool *p)
{
	return p->active;
}

/* A non-blocking TCP socket from src (port 0) connecting to dst, or -1. */
static int
open_socket(const struct sockaddr *src, const struct sockaddr *dst, socklen_t len)
{
	int fd = socket(dst->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (bind(fd, src, len) == -1 ||
	    (connect(fd, dst, len) == -1 && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_v4(uint32_t src, uint32_t dst)
{
	struct sockaddr_in from, to;

	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr.s_addr = htonl(src);
	to = from;
	to.sin_port = htons(53);
	to.sin_addr.s_addr = htonl(dst);
	return open_socket((struct sockaddr *)&from, (struct sockaddr *)&to, sizeof(to));
}

static int
open_v6(const uint8_t src[16], const uint8_t dst[16])
{
	struct sockaddr_in6 from, to;

	memset(&from, 0, sizeof(from));
	from.sin6_family = AF_INET6;
	memcpy(&from.sin6_addr, src, 16);
	to = from;
	to.sin6_port = htons(53);
	memcpy(&to.sin6_addr, dst, 16);
	return open_socket((struct sockaddr *)&from, (struct sockaddr *)&to, sizeof(to));
}

/* A free connection for the query, or NULL when there is none or the query is too long. */
static struct conn *
free_conn(struct tcp_pool *p, size_t len)
{
	struct conn *c = NULL;

	if (tcp_pool_full(p) || len > sizeof(c->out) - 2)
		return NULL;
	for (unsigned i = 0; i < p->max && c == NULL; i++)
		if (p->conns[i].state == CONN_FREE)
			c = &p->conns[i];
	if (c->in == NULL && (c->in = malloc(2 + TCP_MSG_MAX)) == NULL)
		err(1, "out of memory");
	return c;
}

/* c's socket is open: the query goes out as soon as it connects. */
static void
start(struct tcp_pool *p, struct conn *c, const uint8_t *query, size_t len, uint64_t deadline_ns,
    void *owner)
{
	c->out[0] = (uint8_t)(len >> 8);
	c->out[1] = (uint8_t)len;
	memcpy(c->out + 2, query, len);
	c->out_len = len + 2;
	c->out_done = c->in_done = 0;
	c->owner = owner;
	c->deadline_ns = deadline_ns;
	c->state = CONN_CONNECTING;
	p->active++;
}

bool
tcp_start(struct tcp_pool *p, uint32_t dst, const uint8_t *query, size_t len,
    uint64_t deadline_ns, void *owner)
{
	struct conn *c = free_conn(p, len);

	if (c == NULL || (c->fd = open_v4(p->src, dst)) == -1)
		return false;
	start(p, c, query, len, deadline_ns, owner);
	return true;
}

void
tcp_pool_set_src6(struct tcp_pool *p, const uint8_t src6[16])
{
	memcpy(p->src6, src6, 16);
}

bool
tcp_start6(struct tcp_pool *p, const uint8_t dst[16], const uint8_t *query, size_t len,
    uint64_t deadline_ns, void *owner)
{
	struct conn *c = free_conn(p, len);

	if (c == NULL || (c->fd = open_v6(p->src6, dst)) == -1)
		return false;
	start(p, c, query, len, deadline_ns, owner);
	return true;
}

size_t
tcp_pollfds(const struct tcp_pool *p, struct pollfd *out, size_t max)
{
	size_t n = 0;

	for (unsigned i = 0; i < p->max && n < max; i++) {
		const struct conn *c = &p->conns[i];

		if (c->state == CONN_FREE)
			continue;
		out[n].fd = c->fd;
		out[n].events = c->state == CONN_READING ? POLLIN : POLLOUT;
		out[n].revents = 0;
		n++;
	}
	return n;
}

uint64_t
tcp_next_deadline(const struct tcp_pool *p)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < p->max; i++)
		if (p->conns[i].state != CONN_FREE && p->conns[i].deadline_ns < next)
			next = p->conns[i].deadline_ns;
	return next;
}

static void
finish(struct tcp_pool *p, struct conn *c, bool ok, tcp_done_fn *fn, void *ctx)
{
	size_t len = ok ? (size_t)(c->in[0] << 8 | c->in[1]) : 0;

	close(c->fd);
	c->state = CONN_FREE;
	p->active--;
	fn(ctx, c->owner, ok ? c->in + 2 : NULL, len);
}

/* One step of progress; returns -1 failed, 0 in progress, 1 complete. */
static int
advance(struct conn *c)
{
	ssize_t n;

	if (c->state == CONN_CONNECTING) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 || soerr != 0)
			return soerr == EINPROGRESS ? 0 : -1;
		c->state = CONN_SENDING;
	}
	if (c->state == CONN_SENDING) {
		n = send(c->fd, c->out + c->out_done, c->out_len - c->out_done, MSG_NOSIGNAL);
		if (n == -1)
			return errno == EAGAIN || errno == ENOTCONN ? 0 : -1;
		c->out_done += (size_t)n;
		if (c->out_done < c->out_len)
			return 0;
		c->state = CONN_READING;
	}
	for (;;) {
		size_t want = c->in_done < 2 ? 2 : 2 + (size_t)(c->in[0] << 8 | c->in[1]);

		if (c->in_done >= 2 && c->in_done == want)
			return want > 2 ? 1 : -1;
		n = recv(c->fd, c->in + c->in_done, want - c->in_done, 0);
		if (n == 0)
			return -1;	/* closed before the whole message */
		if (n == -1)
			return errno == EAGAIN ? 0 : -1;
		c->in_done += (size_t)n;
	}
}

void
tcp_service(struct tcp_pool *p, uint64_t now_ns, tcp_done_fn *fn, void *ctx)
{
	for (unsigned i = 0; i < p->max; i++) {
		struct conn *c = &p->conns[i];
		int r;

		if (c->state == CONN_FREE)
			continue;
		r = advance(c);
		if (r != 0)
			finish(p, c, r == 1, fn, ctx);
		else if (now_ns >= c->deadline_ns)
			finish(p, c, false, fn, ctx);
	}
}

void
tcp_cancel_all(struct tcp_pool *p, tcp_done_fn *fn, void *ctx)
{
	for (unsigned i = 0; i < p->max; i++)
		if (p->conns[i].state != CONN_FREE)
			finish(p, &p->conns[i], false, fn, ctx);
}
