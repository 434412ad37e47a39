/* capture.h -- libpcap receiver: the scanner's answers, decapsulated to UDP payloads. */
#ifndef GLUESCAN_CAPTURE_H
#define GLUESCAN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* Answers are at most 1232 bytes of DNS when servers honour our EDNS size
 * (1274 on Ethernet); a larger one is cut at this many bytes of the frame and
 * asked again over TCP. */
#define CAPTURE_SNAPLEN 1500

struct udp_packet {
	uint32_t src, dst;	/* IPv4, host order; 0 for IPv6 */
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
	const uint8_t *ip;	/* the IP packet as captured, for the --pcap file */
	size_t ip_len;
	bool cut;		/* longer than the capture keeps: only its start is here */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t src6[16], dst6[16];	/* IPv6 only, network order */
};

typedef void capture_fn(void *ctx, const struct udp_packet *p);

/* Capture UDP from port 53 to dst:[port_lo, port_hi] on ifname. */
struct capture *capture_open(const char *ifname, uint32_t dst, uint16_t port_lo,
    uint16_t port_hi, char *err, size_t errlen);
/* The same, and to dst6 (network order) when it is not NULL: one handle, one filter. */
struct capture *capture_open_dual(const char *ifname, uint32_t dst, const uint8_t *dst6,
    uint16_t port_lo, uint16_t port_hi, char *err, size_t errlen);
int capture_fd(struct capture *c);
/* Hand every waiting packet to fn; returns how many were read, -1 on error. */
int capture_dispatch(struct capture *c, capture_fn *fn, void *ctx);
/* Packets that were not IPv4/UDP or IPv6/UDP we could read (fragments, extension
 * headers, short, other link types). */
uint64_t capture_malformed(const struct capture *c);
/* Drops reported by the kernel (buffer full). */
uint64_t capture_kernel_drops(struct capture *c);
void capture_close(struct capture *c);

/* The pure parts, for the tests. */
#define CAPTURE_FILTER_MAX 192
/* The BPF filter text for capture_open_dual; false if it does not fit len. */
bool capture_filter(char *buf, size_t len, uint32_t dst, const uint8_t *dst6,
    uint16_t port_lo, uint16_t port_hi);
/* Decapsulate one captured frame of link type linktype (a DLT_ value):
 * caplen bytes kept of wirelen. False: not UDP over IPv4/IPv6 we can read. */
bool capture_parse(int linktype, const uint8_t *bytes, size_t caplen, size_t wirelen,
    struct udp_packet *pkt);

#endif
