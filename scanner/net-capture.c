/* net-capture.c -- libpcap receiver (TPACKET_V3 blocks) with a BPF filter on our port block. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "bytes.h"

/* Answers are at most 1232 bytes of DNS when servers honour our EDNS size
 * (1274 on Ethernet); a larger one is cut here and asked again over TCP. */
#define CAPTURE_SNAPLEN 1500

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

static bool
setup(struct capture *c, uint32_t dst, uint16_t port_lo, uint16_t port_hi, char *err, size_t errlen)
{
	struct bpf_program prog;
	struct in_addr in = { htonl(dst) };
	char filter[160];

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
	snprintf(filter, sizeof(filter),
	    "udp and src port 53 and dst host %s and dst portrange %u-%u",
	    inet_ntoa(in), port_lo, port_hi);
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
	if (!setup(c, dst, port_lo, port_hi, err, errlen)) {
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

/* Offset of the IPv4 header for the link types we meet, or -1. */
static long
network_offset(int linktype, const uint8_t *b, size_t len)
{
	switch (linktype) {
	case DLT_EN10MB: {
		size_t off = 12;

		while (off + 2 <= len && (b[off] == 0x81 || b[off] == 0x88) && b[off + 1] == 0x00)
			off += 4;	/* 802.1Q / QinQ tags */
		if (off + 2 > len || b[off] != 0x08 || b[off + 1] != 0x00)
			return -1;
		return (long)off + 2;
	}
	case DLT_LINUX_SLL:
		return len >= 16 && b[14] == 0x08 && b[15] == 0x00 ? 16 : -1;
	case DLT_LINUX_SLL2:
		return len >= 20 && b[0] == 0x08 && b[1] == 0x00 ? 20 : -1;
	case DLT_RAW:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		return 4;
	default:
		return -1;
	}
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	size_t len = h->caplen;
	long off = network_offset(c->linktype, bytes, len);
	const uint8_t *ip;
	size_t ihl, total, ulen, have;
	struct udp_packet pkt;

	if (off < 0 || (size_t)off + 20 > len)
		goto bad;
	ip = bytes + off;
	len -= (size_t)off;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl + 8 || ihl + 8 > len || ip[9] != 17 ||
	    (total > len && h->caplen == h->len))
		goto bad;
	if ((get16(ip + 6) & 0x3fff) != 0)
		goto bad;	/* a fragment: answers are sized to avoid them */
	ulen = get16(ip + ihl + 4);
	if (ulen < 8 || ulen > total - ihl)
		goto bad;
	pkt.src = get32(ip + 12);
	pkt.dst = get32(ip + 16);
	pkt.sport = get16(ip + ihl);
	pkt.dport = get16(ip + ihl + 2);
	have = (total > len ? len : total) - ihl - 8;	/* less when the snaplen cut it */
	pkt.ip = ip;
	pkt.ip_len = total > len ? len : total;
	pkt.payload = ip + ihl + 8;
	pkt.len = ulen - 8 < have ? ulen - 8 : have;
	pkt.cut = pkt.len < ulen - 8;
	c->fn(c->ctx, &pkt);
	return;
bad:
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
