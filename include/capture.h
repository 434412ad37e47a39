/* capture.h -- libpcap receiver: the scanner's answers, decapsulated to UDP payloads. */
#ifndef GLUESCAN_CAPTURE_H
#define GLUESCAN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

struct udp_packet {
	uint32_t src, dst;	/* host order */
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
	const uint8_t *ip;	/* the IPv4 packet as captured, for the --pcap file */
	size_t ip_len;
	bool cut;		/* longer than the capture keeps: only its start is here */
};

typedef void capture_fn(void *ctx, const struct udp_packet *p);

/* Capture UDP from port 53 to dst:[port_lo, port_hi] on ifname. */
struct capture *capture_open(const char *ifname, uint32_t dst, uint16_t port_lo,
    uint16_t port_hi, char *err, size_t errlen);
int capture_fd(struct capture *c);
/* Hand every waiting packet to fn; returns how many were read, -1 on error. */
int capture_dispatch(struct capture *c, capture_fn *fn, void *ctx);
/* Packets that were not IPv4/UDP we could read (fragments, short, other link types). */
uint64_t capture_malformed(const struct capture *c);
/* Drops reported by the kernel (buffer full). */
uint64_t capture_kernel_drops(struct capture *c);
void capture_close(struct capture *c);

#endif
