/* dnsmsg.h -- DNS messages to and from bytes: queries out, bounds-checked responses in. */
#ifndef GLUESCAN_DNSMSG_H
#define GLUESCAN_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dname.h"

enum {
	DNS_TYPE_A = 1, DNS_TYPE_NS = 2, DNS_TYPE_CNAME = 5, DNS_TYPE_SOA = 6,
	DNS_TYPE_AAAA = 28, DNS_TYPE_OPT = 41,
	DNS_CLASS_IN = 1,
};

enum {
	DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5,
};

enum dns_section { DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL };

#define DNS_HEADER_LEN 12
#define DNS_QUERY_MAX (DNS_HEADER_LEN + DNAME_WIRE_MAX + 4 + 11)
/* Records kept per response; the rest are counted in dropped_rrs. A referral
 * with 13 NS and their A+AAAA glue needs 39. */
#define DNS_MAX_RRS 96

/* One resource record, rdata decoded for the types gluescan reads. */
struct dns_rr {
	uint8_t section;	/* enum dns_section */
	uint16_t type, rclass;
	struct dname owner;
	union {
		struct dname target;	/* NS, CNAME, SOA (mname) */
		struct addr addr;	/* A, AAAA */
	} rd;
	uint32_t serial;	/* SOA */
};

struct dns_response {
	uint16_t id;
	bool qr, aa, tc;
	uint8_t opcode;
	uint16_t rcode;		/* extended by EDNS when an OPT record is present */
	uint8_t qname_len;
	uint8_t qname[DNAME_WIRE_MAX];	/* exactly as received: 0x20 case kept */
	uint16_t qtype, qclass;
	bool has_edns;
	uint16_t edns_size;
	size_t nrr;
	size_t dropped_rrs;
	struct dns_rr rr[DNS_MAX_RRS];
};

enum dns_parse_error {
	DNS_OK = 0,
	DNS_ERR_SHORT,		/* ran past the end of the message */
	DNS_ERR_NAME,		/* bad label type, overlong name */
	DNS_ERR_POINTER,	/* compression pointer forward, to itself, or looping */
	DNS_ERR_QDCOUNT,	/* not exactly one question */
	DNS_ERR_RDATA,		/* rdata length wrong for its type */
};

/*
 * Build a query for the name in `qname` (wire form, case already mixed by
 * the caller) with RD=0 and, when edns_size is non-zero, an OPT record
 * advertising it. Returns the length, or 0 if cap is too small.
 */
size_t dnsmsg_build_query(uint8_t *buf, size_t cap, uint16_t id,
    const uint8_t *qname, size_t qname_len, uint16_t qtype, uint16_t edns_size);

/* Only the header and the question (nrr is 0): enough to match an answer
 * whose records were not all captured. */
enum dns_parse_error dnsmsg_parse_question(const uint8_t *msg, size_t len, struct dns_response *out);
/* Parse a response. Never reads outside msg[0..len). */
enum dns_parse_error dnsmsg_parse(const uint8_t *msg, size_t len, struct dns_response *out);
const char *dnsmsg_error_text(enum dns_parse_error e);

#endif
