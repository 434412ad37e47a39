/* test_dnsmsg.c -- the DNS codec: exact query bytes, hand-built responses, hostile input. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"

/* A response built byte by byte, the way a test reader can check against RFC 1035. */
struct msg {
	uint8_t b[8192];
	size_t n;
};

static void
put8(struct msg *m, unsigned v)
{
	cr_assert(m->n < sizeof(m->b), "test message overflow");
	m->b[m->n++] = (uint8_t)v;
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, (v >> 8) & 0xff);
	put8(m, v & 0xff);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void
put_bytes(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

/* The labels of a dotted name without the root label; returns where they start. */
static size_t
put_labels(struct msg *m, const char *dotted)
{
	size_t at = m->n;
	const char *s = dotted;

	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		put8(m, (unsigned)l);
		put_bytes(m, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	return at;
}

/* An uncompressed name; "" is the root. Returns its offset. */
static size_t
put_name(struct msg *m, const char *dotted)
{
	size_t at = put_labels(m, dotted);

	put8(m, 0);
	return at;
}

static void
put_ptr(struct msg *m, size_t off)
{
	put16(m, 0xc000 | (unsigned)off);
}

static void
put_header(struct msg *m, uint16_t id, uint16_t flags, unsigned qd, unsigned an,
    unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* Type, class, TTL and a placeholder rdlength; returns where rdlength is. */
static size_t
rr_begin(struct msg *m, uint16_t type, uint16_t rclass, uint32_t ttl)
{
	size_t at;

	put16(m, type);
	put16(m, rclass);
	put32(m, ttl);
	at = m->n;
	put16(m, 0);
	return at;
}

static void
rr_end(struct msg *m, size_t at)
{
	size_t rdlen = m->n - at - 2;

	m->b[at] = (uint8_t)(rdlen >> 8);
	m->b[at + 1] = (uint8_t)rdlen;
}

static void
put_a(struct msg *m, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	size_t at = rr_begin(m, DNS_TYPE_A, DNS_CLASS_IN, 3600);

	put8(m, a);
	put8(m, b);
	put8(m, c);
	put8(m, d);
	rr_end(m, at);
}

/* Parse the first len bytes from a heap copy of exactly that size, so that
 * AddressSanitizer sees any read past the end. */
static enum dns_parse_error
parse_len(const struct msg *m, size_t len, struct dns_response *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum dns_parse_error e;

	cr_assert_not_null(copy);
	memcpy(copy, m->b, len);
	e = dnsmsg_parse(copy, len, r);
	free(copy);
	return e;
}

static struct dns_response *
new_resp(void)
{
	struct dns_response *r = calloc(1, sizeof(*r));

	cr_assert_not_null(r);
	return r;
}

static void
assert_name(const struct dname *n, const char *want)
{
	char buf[DNAME_TEXT_MAX + 2];

	dname_text(n, buf);
	cr_assert_str_eq(buf, want);
}

static void
assert_addr(const struct addr *a, const char *want)
{
	struct addr w;

	cr_assert(addr_parse(want, &w), "bad test address %s", want);
	cr_assert(addr_equal(a, &w), "address is not %s", want);
}

/* The question section for qname (as spelt) / qtype, at offset 12. */
static size_t
put_question(struct msg *m, const char *qname, uint16_t qtype)
{
	size_t at = put_name(m, qname);

	put16(m, qtype);
	put16(m, DNS_CLASS_IN);
	return at;
}

/*
 * A referral from com. for ExAmPlE.CoM NS, compressed as real servers do:
 * NS owners point at the question, NS targets are "nsN" + pointer to the
 * question, glue owners point at the NS targets. With an OPT record.
 */
static void
build_referral(struct msg *m)
{
	size_t q, ns1, ns2, at;
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };

	put_header(m, 0x1234, 0x8000, 1, 0, 2, 4);
	q = put_question(m, "ExAmPlE.CoM", DNS_TYPE_NS);
	cr_assert_eq(q, 12);

	put_ptr(m, q);
	at = rr_begin(m, DNS_TYPE_NS, DNS_CLASS_IN, 172800);
	ns1 = put_labels(m, "ns1");
	put_ptr(m, q);
	rr_end(m, at);

	put_ptr(m, q);
	at = rr_begin(m, DNS_TYPE_NS, DNS_CLASS_IN, 172800);
	ns2 = put_labels(m, "NS2");
	put_ptr(m, q);
	rr_end(m, at);

	put_ptr(m, ns1);
	put_a(m, 192, 0, 2, 1);
	put_ptr(m, ns1);
	at = rr_begin(m, DNS_TYPE_AAAA, DNS_CLASS_IN, 172800);
	put_bytes(m, v6, 16);
	rr_end(m, at);
	put_ptr(m, ns2);
	put_a(m, 192, 0, 2, 2);

	put8(m, 0);
	at = rr_begin(m, DNS_TYPE_OPT, 1232, 0);
	rr_end(m, at);
}

/* ---- queries ---------------------------------------------------------- */

Test(query, exact_bytes_with_edns)
{
	static const uint8_t qname[] = "\x07" "ExAmPlE" "\x03" "cOm";	/* + the root's 0 */
	static const uint8_t want[] = {
		0xbe, 0xef,		/* ID */
		0x00, 0x00,		/* QR=0, opcode 0, AA=0, TC=0, RD=0, RA=0, rcode 0 */
		0x00, 0x01,		/* QDCOUNT */
		0x00, 0x00, 0x00, 0x00,	/* ANCOUNT, NSCOUNT */
		0x00, 0x01,		/* ARCOUNT: the OPT */
		7, 'E', 'x', 'A', 'm', 'P', 'l', 'E', 3, 'c', 'O', 'm', 0,
		0x00, 0x02, 0x00, 0x01,	/* NS IN */
		0x00,			/* OPT owner: root */
		0x00, 0x29,		/* type OPT */
		0x04, 0xd0,		/* UDP payload size 1232 */
		0x00, 0x00, 0x00, 0x00,	/* extended rcode, version 0, DO=0 */
		0x00, 0x00,		/* rdlength */
	};
	uint8_t buf[DNS_QUERY_MAX];
	size_t n = dnsmsg_build_query(buf, sizeof(buf), 0xbeef, qname, sizeof(qname),
	    DNS_TYPE_NS, 1232);

	cr_assert_eq(n, sizeof(want));
	cr_assert_eq(memcmp(buf, want, n), 0, "query bytes differ from RFC 1035/6891 layout");
	cr_assert_eq(buf[2] & 0x01, 0, "RD must be 0");
}

Test(query, without_edns_has_no_additional)
{
	static const uint8_t qname[] = "\x03" "com";
	uint8_t buf[DNS_QUERY_MAX];
	size_t n = dnsmsg_build_query(buf, sizeof(buf), 7, qname, sizeof(qname), DNS_TYPE_SOA, 0);

	cr_assert_eq(n, 12 + sizeof(qname) + 4);
	cr_assert_eq(buf[10], 0);
	cr_assert_eq(buf[11], 0, "ARCOUNT must be 0 without EDNS");
	cr_assert_eq(buf[12 + sizeof(qname)], 0);
	cr_assert_eq(buf[12 + sizeof(qname) + 1], DNS_TYPE_SOA);
}

Test(query, cap_too_small_returns_zero_and_writes_nothing)
{
	static const uint8_t qname[] = "\x07" "example" "\x03" "com";
	size_t need = 12 + sizeof(qname) + 4 + 11;
	uint8_t *exact = malloc(need), *small = malloc(need - 1);

	cr_assert_eq(dnsmsg_build_query(small, need - 1, 1, qname, sizeof(qname), DNS_TYPE_NS, 1232), 0);
	cr_assert_eq(dnsmsg_build_query(exact, need, 1, qname, sizeof(qname), DNS_TYPE_NS, 1232), need);
	free(exact);
	free(small);
}

Test(query, longest_name_fits_query_max)
{
	uint8_t qname[DNAME_WIRE_MAX], buf[DNS_QUERY_MAX];
	size_t pos = 0;

	/* 63+63+63+61 octets of labels: 255 on the wire with the root. */
	for (int l = 0; l < 4; l++) {
		uint8_t len = l < 3 ? 63 : 61;

		qname[pos++] = len;
		memset(qname + pos, 'a', len);
		pos += len;
	}
	qname[pos++] = 0;
	cr_assert_eq(pos, DNAME_WIRE_MAX);
	cr_assert_eq(dnsmsg_build_query(buf, sizeof(buf), 1, qname, pos, DNS_TYPE_NS, 1232),
	    DNS_QUERY_MAX);
}

Test(query, parses_back)
{
	static const uint8_t qname[] = "\x03" "wWw" "\x07" "ExAmple" "\x03" "NET";
	uint8_t buf[DNS_QUERY_MAX];
	size_t n = dnsmsg_build_query(buf, sizeof(buf), 0x4242, qname, sizeof(qname),
	    DNS_TYPE_AAAA, 1232);
	struct dns_response *r = new_resp();

	cr_assert_eq(dnsmsg_parse(buf, n, r), DNS_OK);
	cr_assert_eq(r->id, 0x4242);
	cr_assert_not(r->qr);
	cr_assert_eq(r->qtype, DNS_TYPE_AAAA);
	cr_assert_eq(r->qclass, DNS_CLASS_IN);
	cr_assert_eq(r->qname_len, sizeof(qname));
	cr_assert_eq(memcmp(r->qname, qname, sizeof(qname)), 0);
	cr_assert(r->has_edns);
	cr_assert_eq(r->edns_size, 1232);
	cr_assert_eq(r->nrr, 0, "the OPT is not a record of the response");
	free(r);
}

/* ---- responses -------------------------------------------------------- */

Test(response, referral_with_compressed_glue)
{
	struct msg m;
	struct dns_response *r = new_resp();

	build_referral(&m);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->id, 0x1234);
	cr_assert(r->qr);
	cr_assert_not(r->aa);
	cr_assert_not(r->tc);
	cr_assert_eq(r->rcode, DNS_RCODE_NOERROR);
	cr_assert_eq(r->qtype, DNS_TYPE_NS);
	cr_assert_eq(r->nrr, 5);
	cr_assert_eq(r->dropped_rrs, 0);

	for (int i = 0; i < 2; i++) {
		cr_assert_eq(r->rr[i].section, DNS_AUTHORITY);
		cr_assert_eq(r->rr[i].type, DNS_TYPE_NS);
		cr_assert_eq(r->rr[i].rclass, DNS_CLASS_IN);
		assert_name(&r->rr[i].owner, "example.com");
	}
	assert_name(&r->rr[0].rd.target, "ns1.example.com");
	assert_name(&r->rr[1].rd.target, "ns2.example.com");

	cr_assert_eq(r->rr[2].section, DNS_ADDITIONAL);
	cr_assert_eq(r->rr[2].type, DNS_TYPE_A);
	assert_name(&r->rr[2].owner, "ns1.example.com");
	assert_addr(&r->rr[2].rd.addr, "192.0.2.1");
	cr_assert_eq(r->rr[3].type, DNS_TYPE_AAAA);
	assert_name(&r->rr[3].owner, "ns1.example.com");
	assert_addr(&r->rr[3].rd.addr, "2001:db8::1");
	cr_assert_eq(r->rr[4].type, DNS_TYPE_A);
	assert_name(&r->rr[4].owner, "ns2.example.com");
	assert_addr(&r->rr[4].rd.addr, "192.0.2.2");

	cr_assert(r->has_edns);
	cr_assert_eq(r->edns_size, 1232);
	free(r);
}

Test(response, qname_case_kept_owner_lowered)
{
	struct msg m;
	struct dns_response *r = new_resp();
	static const uint8_t sent[] = "\x07" "ExAmPlE" "\x03" "CoM";

	put_header(&m, 1, 0x8400, 1, 1, 0, 0);
	put_question(&m, "ExAmPlE.CoM", DNS_TYPE_A);
	put_name(&m, "WWW.EXAMPLE.COM");	/* uncompressed, upper case */
	put_a(&m, 192, 0, 2, 80);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->qname_len, sizeof(sent));
	cr_assert_eq(memcmp(r->qname, sent, sizeof(sent)), 0, "0x20 case of the question must survive");
	assert_name(&r->rr[0].owner, "www.example.com");
	cr_assert(r->aa);
	free(r);
}

Test(response, header_flags_and_rcode)
{
	struct msg m;
	struct dns_response *r = new_resp();

	/* QR, opcode 2 (STATUS), AA, TC, rcode REFUSED. */
	put_header(&m, 0xffff, 0x8000 | 2 << 11 | 0x0400 | 0x0200 | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	put_question(&m, "example.com", DNS_TYPE_SOA);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->id, 0xffff);
	cr_assert(r->qr);
	cr_assert_eq(r->opcode, 2);
	cr_assert(r->aa);
	cr_assert(r->tc);
	cr_assert_eq(r->rcode, DNS_RCODE_REFUSED);
	cr_assert_not(r->has_edns);
	free(r);
}

Test(response, multi_hop_backward_pointers)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t q, ex, at;

	put_header(&m, 1, 0x8400, 1, 2, 0, 0);
	q = put_question(&m, "com", DNS_TYPE_NS);
	/* owner "example" + ->com, its NS target "ns1" + ->owner (two hops) */
	ex = put_labels(&m, "example");
	put_ptr(&m, q);
	at = rr_begin(&m, DNS_TYPE_NS, DNS_CLASS_IN, 1);
	put_labels(&m, "ns1");
	put_ptr(&m, ex);
	rr_end(&m, at);
	/* a second record whose owner is a bare pointer into the previous rdata */
	put_ptr(&m, at + 2);
	put_a(&m, 198, 51, 100, 1);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->nrr, 2);
	assert_name(&r->rr[0].owner, "example.com");
	assert_name(&r->rr[0].rd.target, "ns1.example.com");
	assert_name(&r->rr[1].owner, "ns1.example.com");
	free(r);
}

Test(response, soa_and_unknown_types)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t q, at;

	put_header(&m, 9, 0x8400, 1, 1, 1, 0);
	q = put_question(&m, "example.com", DNS_TYPE_SOA);
	put_ptr(&m, q);
	at = rr_begin(&m, DNS_TYPE_SOA, DNS_CLASS_IN, 3600);
	put_labels(&m, "ns1");
	put_ptr(&m, q);
	put_labels(&m, "hostmaster");
	put_ptr(&m, q);
	for (int i = 0; i < 5; i++)
		put32(&m, 1000 + i);
	rr_end(&m, at);
	put_ptr(&m, q);
	at = rr_begin(&m, 16 /* TXT */, DNS_CLASS_IN, 60);
	put8(&m, 5);
	put_bytes(&m, "hello", 5);
	rr_end(&m, at);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->nrr, 2);
	cr_assert_eq(r->rr[0].type, DNS_TYPE_SOA);
	cr_assert_eq(r->rr[0].section, DNS_ANSWER);
	assert_name(&r->rr[0].rd.target, "ns1.example.com");
	cr_assert_eq(r->rr[0].serial, 1000, "the serial is the first number after the names");
	cr_assert_eq(r->rr[1].type, 16);
	cr_assert_eq(r->rr[1].section, DNS_AUTHORITY);
	free(r);
}

/* An SOA whose rdata ends before its five numbers, or runs past them. */
Test(response, soa_rdata_must_hold_the_numbers_exactly)
{
	for (int numbers = 4; numbers <= 6; numbers += 2) {
		struct msg m;
		struct dns_response *r = new_resp();
		size_t q, at;

		put_header(&m, 9, 0x8400, 1, 1, 0, 0);
		q = put_question(&m, "example.com", DNS_TYPE_SOA);
		put_ptr(&m, q);
		at = rr_begin(&m, DNS_TYPE_SOA, DNS_CLASS_IN, 3600);
		put_labels(&m, "ns1");
		put_ptr(&m, q);
		put_labels(&m, "hostmaster");
		put_ptr(&m, q);
		for (int i = 0; i < numbers; i++)
			put32(&m, 1);
		rr_end(&m, at);
		cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_RDATA, "%d numbers", numbers);
		free(r);
	}
}

/* ---- hostile input ---------------------------------------------------- */

/* A parser that loops on hostile pointers must fail here, not hang the run. */
TestSuite(hostile, .timeout = 10);

Test(hostile, pointer_to_itself_in_question)
{
	struct msg m;
	struct dns_response *r = new_resp();

	put_header(&m, 1, 0x8000, 1, 0, 0, 0);
	put_ptr(&m, 12);
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_POINTER);
	free(r);
}

Test(hostile, pointer_to_itself_in_owner)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t self;

	put_header(&m, 1, 0x8000, 1, 1, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	self = m.n;
	put_ptr(&m, self);
	put_a(&m, 1, 2, 3, 4);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_POINTER);
	free(r);
}

Test(hostile, label_then_pointer_back_into_same_name)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t start;

	put_header(&m, 1, 0x8000, 1, 1, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	start = put_labels(&m, "loop");
	put_ptr(&m, start);	/* loop.loop.loop... */
	put_a(&m, 1, 2, 3, 4);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_POINTER);
	free(r);
}

Test(hostile, two_pointers_pointing_at_each_other)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t p1, at;

	put_header(&m, 1, 0x8000, 1, 2, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	/* Opaque rdata holding two pointers at each other: p1 -> p2, p2 -> p1. */
	put_ptr(&m, 12);
	at = rr_begin(&m, 16, DNS_CLASS_IN, 0);
	p1 = m.n;
	put_ptr(&m, p1 + 2);
	put_ptr(&m, p1);
	rr_end(&m, at);
	/* A later owner jumps (legally, backwards) into the pair. */
	put_ptr(&m, p1);
	put_a(&m, 1, 2, 3, 4);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_POINTER);
	free(r);
}

Test(hostile, forward_pointer)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t at, later;

	put_header(&m, 1, 0x8000, 1, 2, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	at = m.n;
	put_ptr(&m, 0);		/* patched below to point at the next owner */
	put_a(&m, 1, 2, 3, 4);
	later = put_name(&m, "valid.example");
	put_a(&m, 1, 2, 3, 5);
	m.b[at] = (uint8_t)(0xc0 | later >> 8);
	m.b[at + 1] = (uint8_t)later;
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_POINTER);
	free(r);
}

Test(hostile, pointer_past_end)
{
	struct msg m;
	struct dns_response *r = new_resp();

	put_header(&m, 1, 0x8000, 1, 1, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	put_ptr(&m, 0x3fff);
	put_a(&m, 1, 2, 3, 4);
	cr_assert_neq(parse_len(&m, m.n, r), DNS_OK);
	free(r);
}

static void
check_every_prefix(const struct msg *m)
{
	struct dns_response *r = new_resp();

	cr_assert_eq(parse_len(m, m->n, r), DNS_OK, "the whole message must parse");
	for (size_t len = 0; len < m->n; len++) {
		enum dns_parse_error e = parse_len(m, len, r);

		cr_assert_eq(e, DNS_ERR_SHORT, "prefix of %zu/%zu bytes: got %s", len, m->n,
		    dnsmsg_error_text(e));
	}
	free(r);
}

Test(hostile, every_prefix_of_referral_is_short)
{
	struct msg m;

	build_referral(&m);
	check_every_prefix(&m);
}

Test(hostile, every_prefix_of_soa_answer_is_short)
{
	struct msg m;
	size_t q, at;

	put_header(&m, 9, 0x8400, 1, 1, 1, 1);
	q = put_question(&m, "example.com", DNS_TYPE_SOA);
	put_ptr(&m, q);
	at = rr_begin(&m, DNS_TYPE_SOA, DNS_CLASS_IN, 3600);
	put_labels(&m, "ns1");
	put_ptr(&m, q);
	put_name(&m, "hostmaster.example.com");
	for (int i = 0; i < 5; i++)
		put32(&m, 7);
	rr_end(&m, at);
	put_ptr(&m, q);
	at = rr_begin(&m, 16, DNS_CLASS_IN, 60);
	put_bytes(&m, "\x03" "abc", 4);
	rr_end(&m, at);
	put8(&m, 0);
	at = rr_begin(&m, DNS_TYPE_OPT, 4096, 0);
	put_bytes(&m, "\x00\x0a\x00\x08" "cookie!!", 12);	/* an EDNS option */
	rr_end(&m, at);
	check_every_prefix(&m);
}

Test(hostile, reserved_label_types)
{
	static const uint8_t kinds[] = { 0x40, 0x80, 0x7f, 0xbf };

	for (size_t k = 0; k < sizeof(kinds); k++) {
		struct msg m;
		struct dns_response *r = new_resp();

		put_header(&m, 1, 0x8000, 1, 0, 0, 0);
		put8(&m, kinds[k]);
		for (int i = 0; i < 70; i++)
			put8(&m, 'a');
		put8(&m, 0);
		put16(&m, DNS_TYPE_A);
		put16(&m, DNS_CLASS_IN);
		cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_NAME, "label byte 0x%02x", kinds[k]);
		free(r);
	}
}

/* An answer whose owner is `first` octets of label plus a pointer to a name of
 * three 63-octet labels (193 octets on the wire with the root). */
static enum dns_parse_error
long_owner(uint8_t first, struct dns_response *r)
{
	struct msg m;
	size_t at, base;

	put_header(&m, 1, 0x8000, 1, 2, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	put_ptr(&m, 12);
	at = rr_begin(&m, 16, DNS_CLASS_IN, 0);
	base = m.n;
	for (int l = 0; l < 3; l++) {
		put8(&m, 63);
		for (int i = 0; i < 63; i++)
			put8(&m, 'b');
	}
	put8(&m, 0);
	rr_end(&m, at);
	cr_assert_eq(m.n - base, 193);
	put8(&m, first);
	for (int i = 0; i < first; i++)
		put8(&m, 'c');
	put_ptr(&m, base);
	put_a(&m, 1, 2, 3, 4);
	return parse_len(&m, m.n, r);
}

Test(hostile, name_over_255_through_pointer)
{
	struct dns_response *r = new_resp();

	cr_assert_eq(long_owner(62, r), DNS_ERR_NAME, "63+193 = 256 octets");
	cr_assert_eq(long_owner(63, r), DNS_ERR_NAME);
	free(r);
}

Test(hostile, name_of_exactly_255_through_pointer)
{
	struct dns_response *r = new_resp();

	cr_assert_eq(long_owner(61, r), DNS_OK, "62+193 = 255 octets is legal");
	cr_assert_eq(r->nrr, 2);
	cr_assert_eq(r->rr[1].owner.len, 255);
	free(r);
}

Test(hostile, overlong_question_name)
{
	struct msg m;
	struct dns_response *r = new_resp();

	put_header(&m, 1, 0x8000, 1, 0, 0, 0);
	for (int l = 0; l < 5; l++) {
		put8(&m, 63);
		for (int i = 0; i < 63; i++)
			put8(&m, 'q');
	}
	put8(&m, 0);
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_NAME);
	free(r);
}

Test(hostile, qdcount_zero_and_two)
{
	struct msg m;
	struct dns_response *r = new_resp();

	put_header(&m, 1, 0x8000, 0, 0, 0, 0);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_QDCOUNT);

	put_header(&m, 1, 0x8000, 2, 0, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	put_question(&m, "b", DNS_TYPE_A);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_QDCOUNT);
	free(r);
}

static enum dns_parse_error
addr_with_rdlen(uint16_t type, size_t rdlen, struct dns_response *r)
{
	struct msg m;
	size_t at;

	put_header(&m, 1, 0x8400, 1, 1, 0, 0);
	put_question(&m, "a", type);
	put_ptr(&m, 12);
	at = rr_begin(&m, type, DNS_CLASS_IN, 0);
	for (size_t i = 0; i < rdlen; i++)
		put8(&m, (unsigned)i);
	rr_end(&m, at);
	return parse_len(&m, m.n, r);
}

Test(hostile, address_rdata_length)
{
	struct dns_response *r = new_resp();

	cr_assert_eq(addr_with_rdlen(DNS_TYPE_A, 5, r), DNS_ERR_RDATA);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_A, 3, r), DNS_ERR_RDATA);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_A, 0, r), DNS_ERR_RDATA);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_AAAA, 4, r), DNS_ERR_RDATA);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_AAAA, 17, r), DNS_ERR_RDATA);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_A, 4, r), DNS_OK);
	cr_assert_eq(addr_with_rdlen(DNS_TYPE_AAAA, 16, r), DNS_OK);
	free(r);
}

Test(hostile, ns_rdata_length_must_match_name)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t at;

	/* rdlength one longer than the name in it */
	put_header(&m, 1, 0x8000, 1, 0, 1, 0);
	put_question(&m, "example", DNS_TYPE_NS);
	put_ptr(&m, 12);
	at = rr_begin(&m, DNS_TYPE_NS, DNS_CLASS_IN, 0);
	put_name(&m, "ns.example");
	put8(&m, 0xee);
	rr_end(&m, at);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_RDATA);

	/* rdlength shorter than the name: the name runs into the next record */
	put_header(&m, 1, 0x8000, 1, 0, 2, 0);
	put_question(&m, "example", DNS_TYPE_NS);
	put_ptr(&m, 12);
	at = rr_begin(&m, DNS_TYPE_NS, DNS_CLASS_IN, 0);
	put_name(&m, "ns.example");
	m.b[at + 1] = 3;
	put_ptr(&m, 12);
	put_a(&m, 1, 2, 3, 4);
	cr_assert_neq(parse_len(&m, m.n, r), DNS_OK);
	free(r);
}

Test(hostile, rdlength_past_end)
{
	struct msg m;
	struct dns_response *r = new_resp();

	put_header(&m, 1, 0x8000, 1, 1, 0, 0);
	put_question(&m, "a", DNS_TYPE_A);
	put_ptr(&m, 12);
	rr_begin(&m, 16, DNS_CLASS_IN, 0);
	m.b[m.n - 2] = 0xff;
	m.b[m.n - 1] = 0xff;
	put_bytes(&m, "short", 5);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_SHORT);
	free(r);
}

Test(hostile, error_texts_are_distinct)
{
	const char *t[] = {
		dnsmsg_error_text(DNS_ERR_SHORT), dnsmsg_error_text(DNS_ERR_NAME),
		dnsmsg_error_text(DNS_ERR_POINTER), dnsmsg_error_text(DNS_ERR_QDCOUNT),
		dnsmsg_error_text(DNS_ERR_RDATA),
	};

	for (size_t i = 0; i < 5; i++) {
		cr_assert(t[i] != NULL && t[i][0] != '\0');
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(t[i], t[j]);
	}
}

/* ---- EDNS and limits -------------------------------------------------- */

static void
opt_response(struct msg *m, unsigned hdr_rcode, uint8_t ext_rcode, uint16_t size)
{
	size_t at;

	put_header(m, 1, 0x8000 | hdr_rcode, 1, 0, 0, 1);
	put_question(m, "example.com", DNS_TYPE_NS);
	put8(m, 0);
	at = rr_begin(m, DNS_TYPE_OPT, size, (uint32_t)ext_rcode << 24 | 0x8000);
	rr_end(m, at);
}

Test(edns, opt_sets_size_and_extended_rcode)
{
	struct msg m;
	struct dns_response *r = new_resp();

	opt_response(&m, 0, 1, 4096);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert(r->has_edns);
	cr_assert_eq(r->edns_size, 4096);
	cr_assert_eq(r->rcode, 16, "BADVERS = 1 << 4 | 0");
	cr_assert_eq(r->nrr, 0);

	opt_response(&m, DNS_RCODE_NXDOMAIN, 0xff, 512);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->edns_size, 512);
	cr_assert_eq(r->rcode, 0xff << 4 | DNS_RCODE_NXDOMAIN);

	opt_response(&m, DNS_RCODE_SERVFAIL, 0, 1232);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->rcode, DNS_RCODE_SERVFAIL, "extended bits 0 leave the header rcode");
	free(r);
}

Test(edns, reused_response_is_reset)
{
	struct msg m;
	struct dns_response *r = new_resp();

	build_referral(&m);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert(r->has_edns);
	put_header(&m, 2, 0x8400, 1, 0, 0, 0);
	put_question(&m, "example.com", DNS_TYPE_SOA);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_not(r->has_edns);
	cr_assert_eq(r->edns_size, 0);
	cr_assert_eq(r->nrr, 0);
	cr_assert_eq(r->dropped_rrs, 0);
	free(r);
}

static void
many_a(struct msg *m, unsigned count)
{
	put_header(m, 1, 0x8400, 1, count, 0, 0);
	put_question(m, "big.example", DNS_TYPE_A);
	for (unsigned i = 0; i < count; i++) {
		put_ptr(m, 12);
		put_a(m, 10, 0, (uint8_t)(i >> 8), (uint8_t)i);
	}
}

Test(limits, records_beyond_max_are_counted)
{
	struct msg m;
	struct dns_response *r = new_resp();

	many_a(&m, DNS_MAX_RRS + 4);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->nrr, DNS_MAX_RRS);
	cr_assert_eq(r->dropped_rrs, 4);
	for (unsigned i = 0; i < DNS_MAX_RRS; i++) {
		uint8_t want[4] = { 10, 0, (uint8_t)(i >> 8), (uint8_t)i };
		struct addr a;

		addr_from_v4(&a, want);
		cr_assert(addr_equal(&r->rr[i].rd.addr, &a), "record %u kept in order", i);
	}
	free(r);
}

Test(limits, exactly_max_records_drops_none)
{
	struct msg m;
	struct dns_response *r = new_resp();

	many_a(&m, DNS_MAX_RRS);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_OK);
	cr_assert_eq(r->nrr, DNS_MAX_RRS);
	cr_assert_eq(r->dropped_rrs, 0);
	free(r);
}

Test(limits, dropped_records_are_still_validated)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t at;

	many_a(&m, DNS_MAX_RRS + 1);
	/* append a bad A after the limit and count it */
	m.b[7] = DNS_MAX_RRS + 2;
	put_ptr(&m, 12);
	at = rr_begin(&m, DNS_TYPE_A, DNS_CLASS_IN, 0);
	put_bytes(&m, "\x01\x02\x03\x04\x05", 5);
	rr_end(&m, at);
	cr_assert_eq(parse_len(&m, m.n, r), DNS_ERR_RDATA);
	free(r);
}

/* ---- 0x20 ------------------------------------------------------------- */

static struct dname
wire_name(const char *text)
{
	struct dname n;
	const char *why = NULL;

	cr_assert(dname_from_input(text, strlen(text), &n, &why), "%s: %s", text, why);
	return n;
}

static bool
same_ignoring_case(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

Test(mix_case, same_letters_ignoring_case)
{
	struct dname n = wire_name("www.example-1.co_uk");
	uint8_t out[DNAME_WIRE_MAX];
	uint64_t bits = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 200; i++, bits = bits * 6364136223846793005ULL + 1442695040888963407ULL) {
		dname_mix_case(&n, out, bits);
		cr_assert(same_ignoring_case(out, n.wire, n.len));
	}
}

Test(mix_case, zero_and_all_ones)
{
	struct dname n = wire_name("ab1.cd");
	uint8_t out[DNAME_WIRE_MAX];

	dname_mix_case(&n, out, 0);
	cr_assert_eq(memcmp(out, n.wire, n.len), 0, "no bits: unchanged");
	dname_mix_case(&n, out, ~(uint64_t)0);
	cr_assert_eq(memcmp(out, "\x03" "AB1" "\x02" "CD", n.len), 0);
}

Test(mix_case, successive_bits_to_successive_letters)
{
	struct dname n = wire_name("a1-b.c");
	uint8_t out[DNAME_WIRE_MAX];

	dname_mix_case(&n, out, 0x2);		/* second letter only: 'b' */
	cr_assert_eq(memcmp(out, "\x04" "a1-B" "\x01" "c", n.len), 0);
	dname_mix_case(&n, out, 0x5);		/* first and third: 'a', 'c' */
	cr_assert_eq(memcmp(out, "\x04" "A1-b" "\x01" "C", n.len), 0);
}

Test(mix_case, distinct_bits_give_distinct_patterns)
{
	struct dname n = wire_name("example.com");	/* 10 letters */
	static uint8_t seen[1024][DNAME_WIRE_MAX];

	for (unsigned b = 0; b < 1024; b++) {
		dname_mix_case(&n, seen[b], b);
		for (unsigned c = 0; c < b; c++)
			cr_assert_neq(memcmp(seen[b], seen[c], n.len), 0, "bits %u and %u collide", b, c);
	}
}

Test(mix_case, digits_hyphens_and_lengths_untouched)
{
	struct dname n = wire_name("0-9_8.a-1.zz");
	uint8_t out[DNAME_WIRE_MAX];

	for (uint64_t b = 0; b < 64; b++) {
		size_t pos = 0;

		dname_mix_case(&n, out, b * 0x0101010101010101ULL);
		while (pos < n.len) {
			uint8_t l = n.wire[pos];

			cr_assert_eq(out[pos], l, "length byte at %zu", pos);
			for (size_t i = pos + 1; i <= pos + l; i++)
				if (!(n.wire[i] >= 'a' && n.wire[i] <= 'z'))
					cr_assert_eq(out[i], n.wire[i], "non-letter at %zu", i);
			pos += (size_t)l + 1;
		}
	}
}

Test(mix_case, long_name_letters_beyond_64_also_vary)
{
	char text[200];
	struct dname n;
	uint8_t lo[DNAME_WIRE_MAX], hi[DNAME_WIRE_MAX];

	memset(text, 'x', 63);
	text[63] = '.';
	memset(text + 64, 'y', 63);
	text[127] = '\0';
	n = wire_name(text);
	dname_mix_case(&n, lo, 0);
	dname_mix_case(&n, hi, ~(uint64_t)0);
	for (size_t i = 1; i + 1 < n.len; i++)
		if (n.wire[i] == 'x' || n.wire[i] == 'y')
			cr_assert_neq(lo[i], hi[i], "letter at %zu ignored the bits", i);
}

/* An answer the capture cut short: matched by header and question alone. */
Test(parse, question_of_a_cut_answer)
{
	struct msg m;
	struct dns_response *r = new_resp();
	size_t question_end = 12 + 13 + 4;	/* "ExAmPlE.CoM" is 13 bytes on the wire */

	build_referral(&m);
	for (size_t len = question_end; len < m.n; len++) {
		uint8_t *copy = malloc(len);

		cr_assert_not_null(copy);
		memcpy(copy, m.b, len);
		cr_assert_eq(dnsmsg_parse(copy, len, r), DNS_ERR_SHORT, "cut at %zu", len);
		cr_assert_eq(dnsmsg_parse_question(copy, len, r), DNS_OK, "cut at %zu", len);
		cr_assert_eq(r->id, 0x1234);
		cr_assert_eq(r->qtype, DNS_TYPE_NS);
		cr_assert_eq(r->qname_len, 13);
		cr_assert_eq(memcmp(r->qname, "\x07" "ExAmPlE" "\x03" "CoM", 13), 0, "case kept");
		cr_assert_eq(r->nrr, 0);
		free(copy);
	}
	for (size_t len = 0; len < question_end; len++)
		cr_assert_neq(dnsmsg_parse_question(m.b, len, r), DNS_OK, "cut at %zu", len);
	free(r);
}
