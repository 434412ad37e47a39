/* bench-responder.c -- the benchmark's child servers: answers for d<i>.bench by a fixed rule,
 * so the verdict of every domain is known in advance.
 *
 * usage: bench-responder ADDR1 ADDR2     (IPv4, port 53; runs until killed)
 *
 * Domain d<i>.bench falls in category i mod 10:
 *   0-5, 9  ok          both servers answer, and list ns1/ns2 as the glue has them
 *   6       missing     (the TLD omits ns2's glue; the servers are as for ok)
 *   7       mismatched  ns2.d<i> A is ADDR2 with its last octet + 2, not the glue
 *   8       lame        the server at ADDR2 refuses d<i>
 * An answer for the apex (d<i> SOA, d<i> NS) is what NSD with minimal-responses
 * off gives: the NS set (in the authority section after a SOA) and, in the
 * additional section, ns1's and ns2's A records as this child has them. For a
 * mismatched domain that is not the glue, so a scanner that believes no
 * mismatch from an additional section still asks "ns2.d<i> A" to decide it.
 * Anything else gets REFUSED. Batched with recvmmsg/sendmmsg on two sockets.
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"

#define BATCH 64
#define MSG_MAX 512

struct server {
	int fd;
	uint32_t addr;		/* network order */
};

static uint32_t addr2_v4;	/* host order: ADDR2 */

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
 * then their A records, as the child has them. The caller counts the two
 * NS records in the section it chose and the two A records as additional.
 * Returns the new end of the message: 68 bytes more.
 */
static size_t
apex_records(uint8_t *msg, size_t pos, uint16_t zone_off, int cat)
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
		put32(p + 12, child_addr(k + 1, cat));
		pos += 16;
	}
	return pos;
}

/* Build the answer in place in msg (len bytes of query); returns its length, 0 to stay silent. */
static size_t
answer(uint8_t *msg, size_t len, uint32_t local)
{
	size_t pos = 12, qend;
	const uint8_t *labels[4];
	int nl = 0;
	long idx;
	int cat, is_second = ntohl(local) == addr2_v4;
	uint16_t qtype, zone_off;

	if (len < 17 || (msg[2] & 0x80) || msg[4] != 0 || msg[5] != 1)
		return 0;
	while (pos < len && msg[pos] != 0) {
		if (msg[pos] > 63)
			return 0;
		if (nl < 4)
			labels[nl] = msg + pos;
		nl++;
		pos += msg[pos] + 1;
	}
	if (pos + 5 > len)
		return 0;
	qend = pos + 5;
	if (nl > 4)
		goto refuse;
	qtype = (uint16_t)(msg[pos + 1] << 8 | msg[pos + 2]);
	msg[2] = 0x84;			/* QR, AA */
	msg[3] = 0;
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);		/* no EDNS echoed: answers are small */
	len = qend;
	if (nl < 2 || !label_is(labels[nl - 1], "bench") || (idx = domain_index(labels[nl - 2])) < 0)
		goto refuse;
	cat = (int)(idx % 10);
	if (cat == 8 && is_second)
		goto refuse;
	zone_off = (uint16_t)(labels[nl - 2] - msg);
	if (nl == 2 && qtype == 6) {
		/* the zone's SOA; its NS set in authority, their addresses in additional */
		put16(msg + 6, 1);
		put16(msg + 8, 2);
		put16(msg + 10, 2);
		len += soa_rr(msg + len, zone_off);
		return apex_records(msg, len, zone_off, cat);
	}
	if (nl == 2 && qtype == 2) {
		/* the zone's NS set, their addresses in additional */
		put16(msg + 6, 2);
		put16(msg + 10, 2);
		return apex_records(msg, len, zone_off, cat);
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

static void
serve(struct server *s)
{
	static uint8_t bufs[BATCH][MSG_MAX];
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	static struct sockaddr_in from[BATCH];
	int n, k = 0;

	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = MSG_MAX;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	if ((n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return;
	for (int i = 0; i < n; i++)
		iov[i].iov_len = answer(bufs[i], msgs[i].msg_len, s->addr);
	/* Silent ones (length 0) are sent as nothing: drop them from the batch. */
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len == 0)
			continue;
		if (k != i) {
			memcpy(bufs[k], bufs[i], iov[i].iov_len);
			iov[k].iov_len = iov[i].iov_len;
			from[k] = from[i];
		}
		msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
		k++;
	}
	if (k > 0 && sendmmsg(s->fd, msgs, (unsigned)k, 0) < 0)
		warn("sendmmsg");
}

int
main(int argc, char **argv)
{
	struct server srv[2];
	struct pollfd pfd[2];
	int big = 4 << 20;

	if (argc != 3)
		errx(2, "usage: bench-responder ADDR1 ADDR2");
	for (int i = 0; i < 2; i++) {
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(53);
		if (inet_pton(AF_INET, argv[1 + i], &sin.sin_addr) != 1)
			errx(2, "bad address %s", argv[1 + i]);
		srv[i].addr = sin.sin_addr.s_addr;
		if ((srv[i].fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
			err(1, "socket");
		setsockopt(srv[i].fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		setsockopt(srv[i].fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		if (bind(srv[i].fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			err(1, "bind %s:53", argv[1 + i]);
		pfd[i].fd = srv[i].fd;
		pfd[i].events = POLLIN;
	}
	addr2_v4 = ntohl(srv[1].addr);
	if (ntohl(srv[0].addr) != addr2_v4 - 1)
		errx(2, "ADDR2 must be ADDR1 + 1 (the rule derives addresses from it)");
	for (;;) {
		if (poll(pfd, 2, -1) == -1)
			continue;
		for (int i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				serve(&srv[i]);
	}
}
