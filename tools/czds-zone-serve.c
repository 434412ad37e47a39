/* czds-zone-serve.c -- the synthetic zone's children and its providers' TLD on one set
 * of UDP sockets, answering from the model, so that a scan with children probed
 * has every verdict known in advance.
 *
 *   czds-zone serve [MODEL] [ADDR...]
 *
 * Listens on port 53 of every address of --pool (at most 1022 of them: the
 * glue and provider hosts all lead there) and of each ADDR (e.g. the server
 * that the hints give for the providers' TLD; every address answers for
 * everything). Answers, authoritatively:
 *   D SOA / D NS     for a delegation D of the zone: the SOA (or NS set), the NS
 *                    set in authority after a SOA, the glue of its in-domain
 *                    names in additional (as NSD gives them: the child agrees
 *                    with the parent, so every verdict is ok or missing)
 *   n A / n AAAA     n an in-domain NS name of D: its glue (a name without glue
 *                    still has an address: the child has it, the parent not)
 *   h.p.net A        a provider's host outside the zone: its address in the pool
 * anything else under D or .net: NXDOMAIN or NODATA with a SOA; else REFUSED.
 * Batched with recvmmsg/sendmmsg; runs until killed. */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "czds-zone.h"

#define BATCH 64
#define MSG_MAX 1232
#define MAX_SOCKETS 1100

struct question {
	char name[256];		/* lower case, no trailing dot */
	size_t len;
	uint16_t label_off[128];	/* wire offset of each label */
	size_t label_pos[128];	/* its offset in name */
	unsigned nl;
	uint16_t qtype;
	size_t qend;
};

static int
parse_question(const uint8_t *msg, size_t len, struct question *q)
{
	size_t pos = 12;

	q->len = 0;
	q->nl = 0;
	if (len < 17 || (msg[2] & 0x80) || get16(msg + 4) != 1)
		return 0;
	while (pos < len && msg[pos] != 0) {
		size_t l = msg[pos];

		if (l > 63 || pos + 1 + l >= len || q->len + l + 1 >= sizeof(q->name) || q->nl == 128)
			return 0;
		q->label_off[q->nl] = (uint16_t)pos;
		q->label_pos[q->nl++] = q->len ? q->len + 1 : 0;
		if (q->len)
			q->name[q->len++] = '.';
		for (size_t k = 0; k < l; k++) {
			uint8_t c = msg[pos + 1 + k];

			q->name[q->len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		pos += 1 + l;
	}
	q->name[q->len] = '\0';
	if (pos + 5 > len)
		return 0;
	q->qtype = get16(msg + pos + 1);
	q->qend = pos + 5;
	return 1;
}

/* A record header at p: owner a pointer to off. */
static size_t
rr(uint8_t *p, uint16_t off, uint16_t type, uint16_t rdlen)
{
	put16(p, (uint16_t)(0xc000 | off));
	put16(p + 2, type);
	put16(p + 4, 1);
	put32(p + 6, 3600);
	put16(p + 10, rdlen);
	return 12;
}

static size_t
soa(uint8_t *p, uint16_t off)
{
	size_t n = rr(p, off, 6, 22);

	memset(p + n, 0, 2);
	put32(p + n + 2, 1);
	put32(p + n + 6, 3600);
	put32(p + n + 10, 600);
	put32(p + n + 14, 86400);
	put32(p + n + 18, 300);
	return n + 22;
}

/* name (text, no trailing dot) in wire form at p. */
static size_t
wire_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n] = (uint8_t)l;
		memcpy(p + n + 1, name, l);
		n += l + 1;
		name += l + (dot != NULL);
	}
	p[n] = 0;
	return n + 1;
}

struct reply {
	uint8_t *msg;
	size_t len;
	uint16_t an, ns, ar;
};

static void
add_a(struct reply *r, uint16_t owner, uint32_t a)
{
	r->len += rr(r->msg + r->len, owner, 1, 4);
	put32(r->msg + r->len, a);
	r->len += 4;
}

static void
add_aaaa(struct reply *r, uint16_t owner, const uint8_t *a)
{
	r->len += rr(r->msg + r->len, owner, 28, 16);
	memcpy(r->msg + r->len, a, 16);
	r->len += 16;
}

/* D's NS records (owner at zone_off), then the glue of its in-domain names. */
static void
ns_and_glue(struct reply *r, const struct zdeleg *d, uint16_t zone_off, bool in_answer)
{
	uint16_t target[ZMAX_NS];

	for (unsigned j = 0; j < d->nns; j++) {
		size_t at = r->len + 12, n = wire_name(r->msg + at, d->ns[j].name);

		r->len += rr(r->msg + r->len, zone_off, 2, (uint16_t)n) + n;
		target[j] = (uint16_t)at;
	}
	if (in_answer)
		r->an += (uint16_t)d->nns;
	else
		r->ns += (uint16_t)d->nns;
	for (unsigned j = 0; j < d->nns; j++) {
		if (!d->ns[j].glue)
			continue;
		add_a(r, target[j], d->ns[j].a);
		r->ar++;
		if (d->ns[j].has_aaaa) {
			add_aaaa(r, target[j], d->ns[j].aaaa_addr);
			r->ar++;
		}
	}
}

/* The answer about a name under the zone: q's label k is D's label. */
static int
answer_child(const struct zmodel *m, const struct question *q, unsigned k, struct reply *r)
{
	const char *label = q->name + q->label_pos[k];
	int64_t i = zmodel_index(m, label, strcspn(label, "."));
	uint16_t zone_off = q->label_off[k];
	struct zdeleg d;

	if (i < 0)
		return -1;
	zmodel_deleg(m, (uint64_t)i, &d);
	if (k == 0 && (q->qtype == 6 || q->qtype == 2)) {
		if (q->qtype == 6) {
			r->len += soa(r->msg + r->len, zone_off);
			r->an++;
		}
		ns_and_glue(r, &d, zone_off, q->qtype == 2);
		return 0;
	}
	for (unsigned j = 0; k > 0 && j < d.nns; j++) {
		if (!d.ns[j].in_domain || strcmp(d.ns[j].name, q->name) != 0)
			continue;
		if (q->qtype == 1 || (q->qtype == 28 && d.ns[j].has_aaaa)) {
			if (q->qtype == 1)
				add_a(r, 12, d.ns[j].glue ? d.ns[j].a : zmodel_addr_of(m, q->name, q->len));
			else
				add_aaaa(r, 12, d.ns[j].aaaa_addr);
			r->an++;
			return 0;
		}
		k = 0;		/* NODATA */
		break;
	}
	r->len += soa(r->msg + r->len, zone_off);
	r->ns++;
	if (k > 0)
		r->msg[3] = 3;	/* NXDOMAIN */
	return 0;
}

/* The providers' TLD (label k of q): every host under it has an address. */
static void
answer_ext(const struct zmodel *m, const struct question *q, unsigned k, struct reply *r)
{
	if (k >= 2 && q->qtype == 1) {
		add_a(r, 12, zmodel_addr_of(m, q->name, q->len));
		r->an++;
		return;
	}
	r->len += soa(r->msg + r->len, q->label_off[k]);
	r->ns++;
}

/* Builds the answer to the query msg/len in out; its length, 0 for none. */
static size_t
answer(const struct zmodel *m, const uint8_t *msg, size_t len, uint8_t *out)
{
	struct question q;
	struct reply r = { .msg = out };
	unsigned last;

	if (!parse_question(msg, len, &q))
		return 0;
	memcpy(out, msg, q.qend);
	out[2] = 0x84;		/* QR, AA */
	out[3] = 0;
	r.len = q.qend;
	last = q.nl ? q.nl - 1 : 0;
	if (q.nl >= 2 && !strcmp(q.name + q.label_pos[last], m->tld)) {
		if (answer_child(m, &q, last - 1, &r) < 0)
			goto refuse;
	} else if (q.nl >= 1 && !strcmp(q.name + q.label_pos[last], m->ext)) {
		answer_ext(m, &q, last, &r);
	} else
		goto refuse;
	put16(out + 6, r.an);
	put16(out + 8, r.ns);
	put16(out + 10, r.ar);
	return r.len;
refuse:
	out[2] = (uint8_t)(0x80 | (msg[2] & 0x79));
	out[3] = 5;
	memset(out + 6, 0, 6);
	return q.qend;
}

static int
listen_on(uint32_t addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), size = 4 << 20;

	sin.sin_addr.s_addr = htonl(addr);
	if (fd < 0)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		char a[INET_ADDRSTRLEN];

		err(1, "bind %s:53", inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a)));
	}
	return fd;
}

static void
serve_batch(const struct zmodel *m, int fd)
{
	static uint8_t in[BATCH][MSG_MAX], out[BATCH][MSG_MAX];
	static struct sockaddr_in from[BATCH];
	static struct iovec iov[BATCH], oiov[BATCH];
	static struct mmsghdr rmsg[BATCH], smsg[BATCH];
	int n, k = 0;

	for (int j = 0; j < BATCH; j++) {
		iov[j] = (struct iovec){ .iov_base = in[j], .iov_len = MSG_MAX };
		rmsg[j].msg_hdr = (struct msghdr){ .msg_name = &from[j], .msg_namelen = sizeof(from[j]),
			.msg_iov = &iov[j], .msg_iovlen = 1 };
	}
	if ((n = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return;
	for (int j = 0; j < n; j++) {
		size_t len = answer(m, in[j], rmsg[j].msg_len, out[k]);

		if (len == 0)
			continue;
		oiov[k] = (struct iovec){ .iov_base = out[k], .iov_len = len };
		smsg[k].msg_hdr = (struct msghdr){ .msg_name = &from[j], .msg_namelen = sizeof(from[j]),
			.msg_iov = &oiov[k], .msg_iovlen = 1 };
		k++;
	}
	for (int sent = 0; sent < k;) {
		int s = sendmmsg(fd, smsg + sent, (unsigned)(k - sent), 0);

		if (s <= 0)
			break;	/* a full buffer: the scanner retries, as with any lost answer */
		sent += s;
	}
}

void
czds_serve(const struct zmodel *m, int argc, char **argv)
{
	static struct pollfd pfd[MAX_SOCKETS];
	size_t n = 0;

	if (m->pool_size > 1022)
		errx(2, "serve: --pool must be a prefix of at most 1022 addresses (/22 or longer)");
	for (uint64_t k = 0; k < m->pool_size; k++)
		pfd[n++] = (struct pollfd){ .fd = listen_on(m->pool_base + (uint32_t)k), .events = POLLIN };
	for (int i = 0; i < argc; i++) {
		struct in_addr a;

		if (inet_pton(AF_INET, argv[i], &a) != 1)
			errx(2, "serve: '%s' is not an IPv4 address", argv[i]);
		if (n == MAX_SOCKETS)
			errx(2, "serve: too many addresses");
		pfd[n++] = (struct pollfd){ .fd = listen_on(ntohl(a.s_addr)), .events = POLLIN };
	}
	for (;;) {
		if (poll(pfd, n, -1) < 0)
			err(1, "poll");
		for (size_t k = 0; k < n; k++)
			if (pfd[k].revents & POLLIN)
				serve_batch(m, pfd[k].fd);
	}
}
