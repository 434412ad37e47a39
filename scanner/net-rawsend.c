/* net-rawsend.c -- raw IPv4/UDP and IPv6/UDP out through libnet's socket: headers built once, patched, sent in batches. */
#include <errno.h>
#include <libnet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bytes.h"
#include "rawsend.h"
#include "randpool.h"

/* Up to this many packets leave in one sendmmsg(2): one system call
 * instead of 64, the cheapest part of a send left to save. */
#define RAWSEND_BATCH 64
#define HDR_LEN (LIBNET_IPV4_H + LIBNET_UDP_H)
#define HDR6_LEN (LIBNET_IPV6_H + LIBNET_UDP_H)

union inet_sockaddr {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* One family per handle: rawsend_open gives an IPv4 one, rawsend_open6 an IPv6 one. */
struct rawsend {
	libnet_t *l;
	int fd;				/* libnet's raw socket (IP_HDRINCL; IPv6: IPPROTO_RAW) */
	uint8_t hdr[HDR6_LEN];		/* IP + UDP headers as libnet built them */
	unsigned n;			/* packets waiting in the batch */
	uint16_t ip_id;
	uint64_t errors;
	uint8_t pkt[RAWSEND_BATCH][HDR6_LEN + RAWSEND_PAYLOAD_MAX];
	struct iovec iov[RAWSEND_BATCH];
	union inet_sockaddr to[RAWSEND_BATCH];
	struct mmsghdr msg[RAWSEND_BATCH];
};

/*
 * libnet builds the headers once (version, lengths, TTL, protocol, source),
 * assembled by the same call libnet_write makes; libnet 1.1.6 offers its
 * culling functions in link mode only. Each packet then patches what
 * differs: length, IP ID, destination, ports and the UDP checksum, which
 * libnet computes. Assembling through libnet's blocks for every packet cost
 * an allocation, two copies and a free each.
 */
static bool
build_template(struct rawsend *s, uint32_t src)
{
	uint8_t *pkt;
	uint32_t size;

	if (libnet_build_udp(0, 53, LIBNET_UDP_H, 0, NULL, 0, s->l, 0) == -1 ||
	    libnet_build_ipv4(HDR_LEN, 0, 0, 0, 64, IPPROTO_UDP, 0, htonl(src), 0,
	    NULL, 0, s->l, 0) == -1 ||
	    libnet_pblock_coalesce(s->l, &pkt, &size) == -1)
		return false;
	if (size == HDR_LEN)
		memcpy(s->hdr, pkt, HDR_LEN);
	free(pkt);	/* no link-layer aligner in raw mode: libnet_write frees it so too */
	libnet_clear_packet(s->l);
	return size == HDR_LEN;
}

/* The same for IPv6: version, payload length, next header, hop limit, source. */
static bool
build_template6(struct rawsend *s, const uint8_t src[16])
{
	struct libnet_in6_addr a, any;
	uint8_t *pkt;
	uint32_t size;

	memcpy(&a, src, 16);
	memset(&any, 0, sizeof(any));
	if (libnet_build_udp(0, 53, LIBNET_UDP_H, 0, NULL, 0, s->l, 0) == -1 ||
	    libnet_build_ipv6(0, 0, LIBNET_UDP_H, IPPROTO_UDP, 64, a, any, NULL, 0, s->l, 0) == -1 ||
	    libnet_pblock_coalesce(s->l, &pkt, &size) == -1)
		return false;
	if (size == HDR6_LEN)
		memcpy(s->hdr, pkt, HDR6_LEN);
	free(pkt);
	libnet_clear_packet(s->l);
	return size == HDR6_LEN;
}

/* libnet's raw socket for the family, its headers built, the batch addressed. */
static struct rawsend *
open_family(int family, const char *ifname, const uint8_t *src, char *err, size_t errlen,
    bool *need_privilege)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct rawsend *s = calloc(1, sizeof(*s));
	bool built;

	*need_privilege = false;
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	errno = 0;
	s->l = libnet_init(family == AF_INET ? LIBNET_RAW4 : LIBNET_RAW6, ifname, ebuf);
	if (s->l == NULL) {
		*need_privilege = errno == EPERM || errno == EACCES ||
		    strstr(ebuf, "not permitted") != NULL;
		ebuf[strcspn(ebuf, "\n")] = '\0';
		snprintf(err, errlen, "libnet: %s", ebuf);
		free(s);
		return NULL;
	}
	built = family == AF_INET ? build_template(s, get32(src)) : build_template6(s, src);
	if (!built) {
		snprintf(err, errlen, "libnet: cannot build the packet headers: %s",
		    libnet_geterror(s->l));
		rawsend_close(s);
		return NULL;
	}
	s->fd = libnet_getfd(s->l);
	s->ip_id = (uint16_t)randpool_u64();
	for (unsigned i = 0; i < RAWSEND_BATCH; i++) {
		s->iov[i].iov_base = s->pkt[i];
		if (family == AF_INET)
			s->to[i].v4.sin_family = AF_INET;
		else
			s->to[i].v6.sin6_family = AF_INET6;
		s->msg[i].msg_hdr.msg_name = &s->to[i];
		s->msg[i].msg_hdr.msg_namelen = family == AF_INET ?
		    sizeof(s->to[i].v4) : sizeof(s->to[i].v6);
		s->msg[i].msg_hdr.msg_iov = &s->iov[i];
		s->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return s;
}

struct rawsend *
rawsend_open(const char *ifname, uint32_t src, char *err, size_t errlen, bool *need_privilege)
{
	uint8_t a[4];

	put32(a, src);
	return open_family(AF_INET, ifname, a, err, errlen, need_privilege);
}

struct rawsend *
rawsend_open6(const char *ifname, const uint8_t src[16], char *err, size_t errlen,
    bool *need_privilege)
{
	return open_family(AF_INET6, ifname, src, err, errlen, need_privilege);
}

/* The buffer of the next packet of the batch (flushing a full one), or NULL,
 * counted as an error, when the payload does not fit a packet. */
static inline uint8_t *
next_packet(struct rawsend *s, size_t len)
{
	if (len > RAWSEND_PAYLOAD_MAX) {
		s->errors++;
		return NULL;
	}
	if (s->n == RAWSEND_BATCH)
		rawsend_flush(s);
	return s->pkt[s->n];
}

void
rawsend_udp(struct rawsend *s, uint32_t dst, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len)
{
	uint8_t *p;

	if ((p = next_packet(s, len)) == NULL)
		return;
	memcpy(p, s->hdr, HDR_LEN);
	memcpy(p + HDR_LEN, payload, len);
	put16(p + 2, (uint16_t)(HDR_LEN + len));
	put16(p + 4, s->ip_id++);	/* only ties fragments together: a counter does */
	put32(p + 16, dst);
	put16(p + LIBNET_IPV4_H, sport);
	put16(p + LIBNET_IPV4_H + 2, dport);
	put16(p + LIBNET_IPV4_H + 4, (uint16_t)(LIBNET_UDP_H + len));
	/* The IPv4 header checksum is left to the kernel, which always fills
	 * it in for IP_HDRINCL sockets (raw(7)). */
	if (libnet_inet_checksum(s->l, p, IPPROTO_UDP, 0, p, p + HDR_LEN + len) == -1) {
		s->errors++;
		return;
	}
	s->to[s->n].v4.sin_addr.s_addr = htonl(dst);
	s->iov[s->n].iov_len = HDR_LEN + len;
	s->n++;
}

void
rawsend_udp6(struct rawsend *s, const uint8_t dst[16], uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len)
{
	uint8_t *p;

	if ((p = next_packet(s, len)) == NULL)
		return;
	memcpy(p, s->hdr, HDR6_LEN);
	memcpy(p + HDR6_LEN, payload, len);
	put16(p + 4, (uint16_t)(LIBNET_UDP_H + len));	/* payload length */
	memcpy(p + 24, dst, 16);
	put16(p + LIBNET_IPV6_H, sport);
	put16(p + LIBNET_IPV6_H + 2, dport);
	put16(p + LIBNET_IPV6_H + 4, (uint16_t)(LIBNET_UDP_H + len));
	/* Nothing fills in an IPv6 header for us; the UDP checksum is
	 * mandatory, and one that sums to zero is sent as 0xffff (RFC 8200). */
	if (libnet_inet_checksum(s->l, p, IPPROTO_UDP, 0, p, p + HDR6_LEN + len) == -1) {
		s->errors++;
		return;
	}
	if (get16(p + LIBNET_IPV6_H + 6) == 0)
		put16(p + LIBNET_IPV6_H + 6, 0xffff);
	memcpy(&s->to[s->n].v6.sin6_addr, dst, 16);
	s->iov[s->n].iov_len = HDR6_LEN + len;
	s->n++;
}

void
rawsend_flush(struct rawsend *s)
{
	unsigned done = 0;

	/* sendmmsg stops at the first packet that fails and reports it on the
	 * next call: count that one and go on with the rest. */
	while (done < s->n) {
		int r = sendmmsg(s->fd, s->msg + done, s->n - done, 0);

		if (r > 0)
			done += (unsigned)r;
		else if (r == -1 && errno == EINTR)
			continue;
		else {
			s->errors++;
			done++;
		}
	}
	s->n = 0;
}

uint64_t
rawsend_errors(const struct rawsend *s)
{
	return s->errors;
}

void
rawsend_close(struct rawsend *s)
{
	if (s != NULL) {
		libnet_destroy(s->l);
		free(s);
	}
}
