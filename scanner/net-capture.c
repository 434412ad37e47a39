/* net-capture.c -- libpcap receiver (TPACKET_V3 blocks) with a BPF filter on our port block, IPv4 and IPv6. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "bytes.h"

/*
 * Not immediate mode: libpcap then uses TPACKET_V3, where the kernel packs
 * answers into blocks and wakes the reader once per block rather than once
 * per packet, and a 100-byte answer takes ~150 bytes of ring, not a whole
 * frame. Both costs are paid by whoever sends the answer, on loopback the
 * server itself: in the benchmark world NSD's parent-stage rate went from
 * 158k to 173k answers/s.
 *
 * libpcap cuts the buffer into 64 blocks of 256 KiB, and the kernel closes
 * a block when it is full or CAPTURE_BLOCK_MS after it was opened, even
 * with one answer in it. So when the loop is held up (a slow output pipe,
 * input that trickles in) the ring holds 64 x CAPTURE_BLOCK_MS of answers
 * at any rate, more when they come fast: 4 ms gives a quarter of a second,
 * and adds at most 4 ms to a round trip (no slower here than 1 ms).
 */
#define CAPTURE_BLOCK_MS 4
#define CAPTURE_BUFFER (16 << 20)

struct capture {
	pcap_t *p;
	int linktype;
	uint64_t malformed;
	capture_fn *fn;
	void *ctx;
};

static bool
setup_fail(struct capture *c, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "pcap %s: %s", what, pcap_geterr(c->p));
	return false;
}

/*
 * libpcap 1.10 honours PCAP_D_IN by skipping outgoing frames in user space,
 * after the kernel has cloned and copied each one into the ring: on loopback
 * every answer arrives twice, once as the server's outgoing packet. Asking
 * the kernel to leave outgoing frames out (Linux 4.20+) halves that work;
 * where it is refused, the direction check still holds.
 */
static void
ignore_outgoing(pcap_t *p)
{
#ifdef PACKET_IGNORE_OUTGOING
	int one = 1;

	(void)setsockopt(pcap_fileno(p), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
#else
	(void)p;
#endif
}

bool
capture_filter(char *buf, size_t len, uint32_t dst, const uint8_t *dst6, uint16_t port_lo,
    uint16_t port_hi)
{
	struct in_addr in = { htonl(dst) };
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	int n;

	if (inet_ntop(AF_INET, &in, a, sizeof(a)) == NULL ||
	    (dst6 != NULL && inet_ntop(AF_INET6, dst6, a6, sizeof(a6)) == NULL))
		return false;
	if (dst6 == NULL)
		n = snprintf(buf, len, "udp and src port 53 and dst host %s and dst portrange %u-%u",
		    a, port_lo, port_hi);
	else
		n = snprintf(buf, len, "udp and src port 53 and (dst host %s or dst host %s) "
		    "and dst portrange %u-%u", a, a6, port_lo, port_hi);
	return n > 0 && (size_t)n < len;
}

static bool
setup(struct capture *c, uint32_t dst, const uint8_t *dst6, uint16_t port_lo, uint16_t port_hi,
    char *err, size_t errlen)
{
	struct bpf_program prog;
	char filter[CAPTURE_FILTER_MAX];

	pcap_set_snaplen(c->p, CAPTURE_SNAPLEN);
	pcap_set_immediate_mode(c->p, 0);
	pcap_set_timeout(c->p, CAPTURE_BLOCK_MS);
	pcap_set_buffer_size(c->p, CAPTURE_BUFFER);
	if (pcap_activate(c->p) < 0)
		return setup_fail(c, "activate", err, errlen);
	/* Only inbound: on loopback the kernel would otherwise hand us our own
	 * queries too; where the link cannot tell, the filter still excludes them. */
	(void)pcap_setdirection(c->p, PCAP_D_IN);
	ignore_outgoing(c->p);
	if (!capture_filter(filter, sizeof(filter), dst, dst6, port_lo, port_hi)) {
		snprintf(err, errlen, "pcap filter: cannot write it");
		return false;
	}
	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1)
		return setup_fail(c, "filter", err, errlen);
	if (pcap_setfilter(c->p, &prog) == -1) {
		pcap_freecode(&prog);
		return setup_fail(c, "setfilter", err, errlen);
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(c->p, 1, err) == -1)
		return false;
	c->linktype = pcap_datalink(c->p);
	return true;
}

struct capture *
capture_open(const char *ifname, uint32_t dst, uint16_t port_lo, uint16_t port_hi,
    char *err, size_t errlen)
{
	return capture_open_dual(ifname, dst, NULL, port_lo, port_hi, err, errlen);
}

struct capture *
capture_open_dual(const char *ifname, uint32_t dst, const uint8_t *dst6, uint16_t port_lo,
    uint16_t port_hi, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->p = pcap_create(ifname, ebuf);
	if (c->p == NULL) {
		snprintf(err, errlen, "pcap: %s", ebuf);
		free(c);
		return NULL;
	}
	if (!setup(c, dst, dst6, port_lo, port_hi, err, errlen)) {
		pcap_close(c->p);
		free(c);
		return NULL;
	}
	return c;
}

int
capture_fd(struct capture *c)
{
	return pcap_get_selectable_fd(c->p);
}

static bool
is_ip_ethertype(const uint8_t *t)
{
	return (t[0] == 0x08 && t[1] == 0x00) || (t[0] == 0x86 && t[1] == 0xdd);
}

/* Offset of the IP header for the link types we meet, or -1. */
static inline long __attribute__((always_inline))
network_offset(int linktype, const uint8_t *b, size_t len)
{
	switch (linktype) {
	case DLT_EN10MB: {
		size_t off = 12;

		while (off + 2 <= len && (b[off] == 0x81 || b[off] == 0x88) && b[off + 1] == 0x00)
			off += 4;	/* 802.1Q / QinQ tags */
		if (off + 2 > len || !is_ip_ethertype(b + off))
			return -1;
		return (long)off + 2;
	}
	case DLT_LINUX_SLL:
		return len >= 16 && is_ip_ethertype(b + 14) ? 16 : -1;
	case DLT_LINUX_SLL2:
		return len >= 20 && is_ip_ethertype(b) ? 20 : -1;
	case DLT_RAW:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		return 4;
	default:
		return -1;
	}
}

/* The UDP header at ip + hlen of an IP packet of `total` bytes, of which
 * `len` were captured (wire: whether the capture kept all of it). */
static inline bool __attribute__((always_inline))
parse_udp(const uint8_t *ip, size_t hlen, size_t total, size_t len, struct udp_packet *pkt)
{
	size_t ulen = get16(ip + hlen + 4), have;

	if (ulen < 8 || ulen > total - hlen)
		return false;
	pkt->sport = get16(ip + hlen);
	pkt->dport = get16(ip + hlen + 2);
	have = (total > len ? len : total) - hlen - 8;	/* less when the snaplen cut it */
	pkt->ip = ip;
	pkt->ip_len = total > len ? len : total;
	pkt->payload = ip + hlen + 8;
	pkt->len = ulen - 8 < have ? ulen - 8 : have;
	pkt->cut = pkt->len < ulen - 8;
	return true;
}

static inline bool __attribute__((always_inline))
parse_ipv4(const uint8_t *ip, size_t len, bool whole, struct udp_packet *pkt)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, total = get16(ip + 2);

	if (ihl < 20 || total < ihl + 8 || ihl + 8 > len || ip[9] != 17 || (total > len && whole))
		return false;
	if ((get16(ip + 6) & 0x3fff) != 0)
		return false;	/* a fragment: answers are sized to avoid them */
	pkt->family = AF_INET;
	pkt->src = get32(ip + 12);
	pkt->dst = get32(ip + 16);
	return parse_udp(ip, ihl, total, len, pkt);
}

/*
 * UDP right after the fixed header only: libpcap's `udp` does not follow
 * IPv6 extension headers either, so the filter never passes one, and a
 * fragment (answers are sized to avoid them) is malformed as in IPv4.
 * A jumbogram (payload length 0) cannot be an answer to us.
 */
static inline bool __attribute__((always_inline))
parse_ipv6(const uint8_t *ip, size_t len, bool whole, struct udp_packet *pkt)
{
	size_t total = 40 + (size_t)get16(ip + 4);

	if (len < 48 || total < 48 || ip[6] != 17 || (total > len && whole))
		return false;
	pkt->family = AF_INET6;
	pkt->src = pkt->dst = 0;
	memcpy(pkt->src6, ip + 8, 16);
	memcpy(pkt->dst6, ip + 24, 16);
	return parse_udp(ip, 40, total, len, pkt);
}

/* Inlined into on_packet, which runs once per answer, as the code it
 * replaced was (GCC would call it, having two callers); capture_parse is
 * its face for the tests. */
static inline bool __attribute__((always_inline))
parse(int linktype, const uint8_t *bytes, size_t caplen, size_t wirelen, struct udp_packet *pkt)
{
	long off = network_offset(linktype, bytes, caplen);
	const uint8_t *ip;
	size_t len;

	if (off < 0 || (size_t)off + 20 > caplen)
		return false;
	ip = bytes + off;
	len = caplen - (size_t)off;
	if ((ip[0] >> 4) == 4)
		return parse_ipv4(ip, len, caplen == wirelen, pkt);
	if ((ip[0] >> 4) == 6)
		return parse_ipv6(ip, len, caplen == wirelen, pkt);
	return false;
}

bool
capture_parse(int linktype, const uint8_t *bytes, size_t caplen, size_t wirelen,
    struct udp_packet *pkt)
{
	return parse(linktype, bytes, caplen, wirelen, pkt);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct udp_packet pkt;

	if (parse(c->linktype, bytes, h->caplen, h->len, &pkt))
		c->fn(c->ctx, &pkt);
	else
		c->malformed++;
}

int
capture_dispatch(struct capture *c, capture_fn *fn, void *ctx)
{
	c->fn = fn;
	c->ctx = ctx;
	return pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
}

uint64_t
capture_malformed(const struct capture *c)
{
	return c->malformed;
}

uint64_t
capture_kernel_drops(struct capture *c)
{
	struct pcap_stat st;

	if (pcap_stats(c->p, &st) == -1)
		return 0;
	return st.ps_drop + st.ps_ifdrop;
}

void
capture_close(struct capture *c)
{
	if (c != NULL) {
		pcap_close(c->p);
		free(c);
	}
}
