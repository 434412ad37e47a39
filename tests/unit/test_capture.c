/* test_capture.c -- the capture's filter text and its decapsulation of IPv4 and IPv6 answers. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <string.h>

#include "bytes.h"
#include "capture.h"

static const uint8_t src6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53, 0, 0x01 };
static const uint8_t dst6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 };

/* An IPv6/UDP packet from [fd00::53:1]:53 to [fd00::2]:dport with `plen` bytes of payload. */
static size_t
ipv6_udp(uint8_t *p, uint16_t dport, size_t plen)
{
	memset(p, 0, 48 + plen);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)(8 + plen));
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, src6, 16);
	memcpy(p + 24, dst6, 16);
	put16(p + 40, 53);
	put16(p + 42, dport);
	put16(p + 44, (uint16_t)(8 + plen));
	for (size_t i = 0; i < plen; i++)
		p[48 + i] = (uint8_t)i;
	return 48 + plen;
}

static size_t
ipv4_udp(uint8_t *p, uint16_t dport, size_t plen)
{
	memset(p, 0, 28 + plen);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(28 + plen));
	p[8] = 64;
	p[9] = 17;
	put32(p + 12, 0x7f350a01);
	put32(p + 16, 0x7f000001);
	put16(p + 20, 53);
	put16(p + 22, dport);
	put16(p + 24, (uint16_t)(8 + plen));
	return 28 + plen;
}

Test(capture, filter_ipv4_only_is_unchanged)
{
	char f[CAPTURE_FILTER_MAX];

	cr_assert(capture_filter(f, sizeof(f), 0x7f000001, NULL, 61000, 62023));
	cr_assert_str_eq(f, "udp and src port 53 and dst host 127.0.0.1 and dst portrange 61000-62023");
}

Test(capture, filter_covers_both_families)
{
	char f[CAPTURE_FILTER_MAX];
	uint8_t longest[16];

	cr_assert(capture_filter(f, sizeof(f), 0x7f000001, dst6, 61000, 62023));
	cr_assert_str_eq(f, "udp and src port 53 and (dst host 127.0.0.1 or dst host fd00::2) "
	    "and dst portrange 61000-62023");
	memset(longest, 0xff, sizeof(longest));
	cr_assert(capture_filter(f, sizeof(f), 0xffffffff, longest, 65535, 65535));
	cr_assert_not(capture_filter(f, 40, 0x7f000001, dst6, 1, 2), "a short buffer is refused");
}

Test(capture, filter_compiles)
{
	char f[CAPTURE_FILTER_MAX];
	struct bpf_program prog;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 1500);

	cr_assert(capture_filter(f, sizeof(f), 0x7f000001, dst6, 61000, 62023));
	cr_assert_eq(pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN), 0, "%s", pcap_geterr(dead));
	pcap_freecode(&prog);
	pcap_close(dead);
}

Test(capture, ipv6_raw)
{
	uint8_t p[200];
	size_t n = ipv6_udp(p, 61001, 30);
	struct udp_packet u;

	cr_assert(capture_parse(DLT_RAW, p, n, n, &u));
	cr_assert_eq(u.family, AF_INET6);
	cr_assert_eq(memcmp(u.src6, src6, 16), 0);
	cr_assert_eq(memcmp(u.dst6, dst6, 16), 0);
	cr_assert_eq(u.src, 0);
	cr_assert_eq(u.sport, 53);
	cr_assert_eq(u.dport, 61001);
	cr_assert_eq(u.len, 30);
	cr_assert_eq(u.payload, p + 48);
	cr_assert_eq(u.payload[29], 29);
	cr_assert_eq(u.ip, p);
	cr_assert_eq(u.ip_len, n);
	cr_assert_not(u.cut);
}

Test(capture, ipv6_ethernet_and_vlan)
{
	uint8_t f[250];
	struct udp_packet u;
	size_t n;

	memset(f, 0, 18);
	f[12] = 0x86;
	f[13] = 0xdd;
	n = 14 + ipv6_udp(f + 14, 61002, 10);
	cr_assert(capture_parse(DLT_EN10MB, f, n, n, &u));
	cr_assert_eq(u.family, AF_INET6);
	cr_assert_eq(u.dport, 61002);
	cr_assert_eq(u.ip, f + 14);

	f[12] = 0x81;
	f[13] = 0x00;
	f[16] = 0x86;
	f[17] = 0xdd;
	n = 18 + ipv6_udp(f + 18, 61003, 10);
	cr_assert(capture_parse(DLT_EN10MB, f, n, n, &u));
	cr_assert_eq(u.dport, 61003);
}

Test(capture, ipv6_linux_sll)
{
	uint8_t f[250];
	struct udp_packet u;
	size_t n;

	memset(f, 0, 16);
	f[14] = 0x86;
	f[15] = 0xdd;
	n = 16 + ipv6_udp(f + 16, 61004, 12);
	cr_assert(capture_parse(DLT_LINUX_SLL, f, n, n, &u));
	cr_assert_eq(u.len, 12);
	memset(f, 0, 20);
	f[0] = 0x86;
	f[1] = 0xdd;
	n = 20 + ipv6_udp(f + 20, 61005, 12);
	cr_assert(capture_parse(DLT_LINUX_SLL2, f, n, n, &u));
	cr_assert_eq(u.dport, 61005);
}

Test(capture, ipv6_cut_by_the_snaplen)
{
	uint8_t p[1600];
	size_t n = ipv6_udp(p, 61006, 1400);
	struct udp_packet u;

	cr_assert(capture_parse(DLT_RAW, p, 1000, n, &u));
	cr_assert(u.cut);
	cr_assert_eq(u.len, 1000 - 48);
	cr_assert_eq(u.ip_len, 1000);
	cr_assert_not(capture_parse(DLT_RAW, p, 1000, 1000, &u),
	    "shorter than its header says, and not cut by us: malformed");
}

Test(capture, ipv6_malformed)
{
	uint8_t p[200], q[200];
	size_t n = ipv6_udp(p, 61007, 20);
	struct udp_packet u;

	cr_assert_not(capture_parse(DLT_RAW, p, 47, 47, &u), "shorter than the headers");
	memcpy(q, p, n);
	q[6] = 44;	/* a fragment header */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	q[6] = 0;	/* hop-by-hop options */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	q[6] = 6;	/* TCP */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	memcpy(q, p, n);
	put16(q + 4, 0);	/* a jumbogram */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	memcpy(q, p, n);
	put16(q + 44, 7);	/* UDP length below its header */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	put16(q + 44, 8 + 21);	/* UDP longer than the IP payload */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	memcpy(q, p, n);
	q[0] = 0x50;	/* neither version */
	cr_assert_not(capture_parse(DLT_RAW, q, n, n, &u));
	q[0] = 0x60;
	cr_assert_not(capture_parse(DLT_EN10MB, q, n, n, &u), "no Ethernet header");
}

Test(capture, ipv6_udp_shorter_than_ip_payload)
{
	uint8_t p[200];
	size_t n = ipv6_udp(p, 61008, 20);
	struct udp_packet u;

	put16(p + 44, 8 + 5);	/* padding after the datagram is not payload */
	cr_assert(capture_parse(DLT_RAW, p, n, n, &u));
	cr_assert_eq(u.len, 5);
	cr_assert_not(u.cut);
}

Test(capture, ipv4_still_parsed)
{
	uint8_t f[250];
	struct udp_packet u;
	size_t n;

	memset(f, 0, 14);
	f[12] = 0x08;
	n = 14 + ipv4_udp(f + 14, 61009, 40);
	cr_assert(capture_parse(DLT_EN10MB, f, n, n, &u));
	cr_assert_eq(u.family, AF_INET);
	cr_assert_eq(u.src, 0x7f350a01);
	cr_assert_eq(u.dst, 0x7f000001);
	cr_assert_eq(u.dport, 61009);
	cr_assert_eq(u.len, 40);
	put16(f + 14 + 6, 0x2000);	/* more fragments */
	cr_assert_not(capture_parse(DLT_EN10MB, f, n, n, &u));
}
