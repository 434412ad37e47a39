/* out-pcapdump.c -- the --pcap file (LINKTYPE_RAW: IPv4 and IPv6 alike), written through libpcap's dumper. */
#include <err.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "pcapdump.h"
#include "bytes.h"

struct pcapdump {
	pcap_t *dead;
	pcap_dumper_t *dumper;
};

struct pcapdump *
pcapdump_open(const char *path, char *err, size_t errlen)
{
	struct pcapdump *d = calloc(1, sizeof(*d));

	if (d == NULL)
		errx(1, "out of memory");
	d->dead = pcap_open_dead(DLT_RAW, 65535);
	if (d->dead == NULL || (d->dumper = pcap_dump_open(d->dead, path)) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    d->dead ? pcap_geterr(d->dead) : "pcap_open_dead failed");
		if (d->dead)
			pcap_close(d->dead);
		free(d);
		return NULL;
	}
	return d;
}

void
pcapdump_ip(struct pcapdump *d, const uint8_t *ip, size_t len)
{
	struct pcap_pkthdr h;

	gettimeofday(&h.ts, NULL);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d->dumper, &h, ip);
}

/* The ones' complement sum of len bytes (an odd last byte padded with 0), added to sum. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len % 2 == 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
	return (uint16_t)~sum16(0, p, len);
}

void
pcapdump_udp(struct pcapdump *d, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t pkt[28 + 1500];

	if (len > sizeof(pkt) - 28)
		return;
	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	put16(pkt + 2, (uint16_t)(28 + len));
	pkt[8] = 64;
	pkt[9] = 17;
	put32(pkt + 12, src);
	put32(pkt + 16, dst);
	put16(pkt + 10, ip_checksum(pkt, 20));
	put16(pkt + 20, sport);
	put16(pkt + 22, dport);
	put16(pkt + 24, (uint16_t)(8 + len));	/* UDP checksum 0: none, valid over IPv4 */
	memcpy(pkt + 28, payload, len);
	pcapdump_ip(d, pkt, 28 + len);
}

void
pcapdump_udp6(struct pcapdump *d, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
    uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t pkt[48 + 1500], pseudo[4] = { 0, 0, 0, 17 };
	uint16_t sum;

	if (len > sizeof(pkt) - 48)
		return;
	memset(pkt, 0, 48);
	pkt[0] = 0x60;
	put16(pkt + 4, (uint16_t)(8 + len));
	pkt[6] = 17;
	pkt[7] = 64;
	memcpy(pkt + 8, src, 16);
	memcpy(pkt + 24, dst, 16);
	put16(pkt + 40, sport);
	put16(pkt + 42, dport);
	put16(pkt + 44, (uint16_t)(8 + len));
	memcpy(pkt + 48, payload, len);
	/* Over IPv6 the UDP checksum is mandatory (RFC 8200 8.1): the pseudo
	 * header is both addresses, the UDP length and the next header. */
	sum = (uint16_t)~sum16(sum16(sum16(0, pkt + 8, 32), pseudo, 4) + (uint32_t)(8 + len),
	    pkt + 40, 8 + len);
	put16(pkt + 46, sum == 0 ? 0xffff : sum);
	pcapdump_ip(d, pkt, 48 + len);
}

bool
pcapdump_close(struct pcapdump *d)
{
	bool ok;

	if (d == NULL)
		return true;
	ok = pcap_dump_flush(d->dumper) == 0;
	pcap_dump_close(d->dumper);
	pcap_close(d->dead);
	free(d);
	return ok;
}
