/* pcapdump.h -- every packet sent and received, as a pcap file Wireshark and tcpdump read. */
#ifndef GLUESCAN_PCAPDUMP_H
#define GLUESCAN_PCAPDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcapdump;

/* Link type "raw IP" (LINKTYPE_RAW): each record is an IPv4 or an IPv6 packet. */
struct pcapdump *pcapdump_open(const char *path, char *err, size_t errlen);
/* An IP packet (either family) as it went out or came in. */
void pcapdump_ip(struct pcapdump *d, const uint8_t *ip, size_t len);
/* A UDP datagram we sent (headers rebuilt as the kernel sent them). */
void pcapdump_udp(struct pcapdump *d, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, const uint8_t *payload, size_t len);
/* The same over IPv6 (addresses network order). */
void pcapdump_udp6(struct pcapdump *d, const uint8_t src[16], const uint8_t dst[16],
    uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len);
/* False if writing failed at any point. */
bool pcapdump_close(struct pcapdump *d);

#endif
