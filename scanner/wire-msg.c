/* wire-msg.c -- DNS messages: query building and bounds-checked response parsing. */
#include <string.h>

#include "dnsmsg.h"
#include "bytes.h"

size_t
dnsmsg_build_query(uint8_t *buf, size_t cap, uint16_t id,
    const uint8_t *qname, size_t qname_len, uint16_t qtype, uint16_t edns_size)
{
	size_t need = DNS_HEADER_LEN + qname_len + 4 + (edns_size ? 11 : 0);
	uint8_t *p = buf;

	if (need > cap)
		return 0;
	put16(p, id);
	put16(p + 2, 0);		/* QR=0 opcode=QUERY RD=0 */
	put16(p + 4, 1);
	put16(p + 6, 0);
	put16(p + 8, 0);
	put16(p + 10, edns_size ? 1 : 0);
	p += DNS_HEADER_LEN;
	memcpy(p, qname, qname_len);
	p += qname_len;
	put16(p, qtype);
	put16(p + 2, DNS_CLASS_IN);
	p += 4;
	if (edns_size) {
		*p++ = 0;		/* root owner */
		put16(p, DNS_TYPE_OPT);
		put16(p + 2, edns_size);
		memset(p + 4, 0, 6);	/* extended rcode, version, flags, rdlen */
		p += 10;
	}
	return (size_t)(p - buf);
}

/*
 * Read a possibly compressed name at *pos. Pointers must go strictly
 * backwards from the earliest point reached so far, which rules out loops.
 * On success *pos is past the name as it stands in the message.
 */
static enum dns_parse_error
read_name(const uint8_t *msg, size_t len, size_t *pos, uint8_t *out, uint8_t *out_len)
{
	size_t p = *pos, end_of_name = 0, n = 0, floor = *pos;
	bool jumped = false;

	for (;;) {
		if (p >= len)
			return DNS_ERR_SHORT;
		uint8_t l = msg[p];

		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return DNS_ERR_SHORT;
			size_t target = (size_t)(l & 0x3f) << 8 | msg[p + 1];

			if (target >= floor)
				return DNS_ERR_POINTER;
			if (!jumped)
				end_of_name = p + 2;
			jumped = true;
			floor = target;
			p = target;
			continue;
		}
		if (l & 0xc0)
			return DNS_ERR_NAME;
		if (n + l + 1 > DNAME_WIRE_MAX)
			return DNS_ERR_NAME;
		if (p + 1 + l > len)
			return DNS_ERR_SHORT;
		memcpy(out + n, msg + p, (size_t)l + 1);
		n += (size_t)l + 1;
		p += (size_t)l + 1;
		if (l == 0)
			break;
	}
	*pos = jumped ? end_of_name : p;
	*out_len = (uint8_t)n;
	return DNS_OK;
}

static enum dns_parse_error
read_dname(const uint8_t *msg, size_t len, size_t *pos, struct dname *out)
{
	uint8_t raw[DNAME_WIRE_MAX], n;
	enum dns_parse_error e = read_name(msg, len, pos, raw, &n);

	if (e != DNS_OK)
		return e;
	return dname_from_wire(raw, n, out) ? DNS_OK : DNS_ERR_NAME;
}

static enum dns_parse_error
read_rdata(const uint8_t *msg, size_t len, size_t pos, uint16_t rdlen, struct dns_rr *rr)
{
	size_t p = pos;
	enum dns_parse_error e;

	switch (rr->type) {
	case DNS_TYPE_A:
		if (rdlen != 4)
			return DNS_ERR_RDATA;
		addr_from_v4(&rr->rd.addr, msg + pos);
		return DNS_OK;
	case DNS_TYPE_AAAA:
		if (rdlen != 16)
			return DNS_ERR_RDATA;
		addr_from_v6(&rr->rd.addr, msg + pos);
		return DNS_OK;
	case DNS_TYPE_NS:
	case DNS_TYPE_CNAME:
		if ((e = read_dname(msg, len, &p, &rr->rd.target)) != DNS_OK)
			return e;
		/* The name must fill the rdata exactly. */
		return p == pos + rdlen ? DNS_OK : DNS_ERR_RDATA;
	case DNS_TYPE_SOA: {
		struct dname rname;

		/* mname, rname, then serial and four more 32-bit fields (RFC 1035 3.3.13). */
		if ((e = read_dname(msg, len, &p, &rr->rd.target)) != DNS_OK)
			return e;
		if (p > pos + rdlen)
			return DNS_ERR_RDATA;
		if ((e = read_dname(msg, len, &p, &rname)) != DNS_OK)
			return e;
		if (p + 20 != pos + rdlen)
			return DNS_ERR_RDATA;
		rr->serial = get32(msg + p);
		return DNS_OK;
	}
	default:
		return DNS_OK;
	}
}

/* Header and question; *pos is left after the question. */
static enum dns_parse_error
parse_top(const uint8_t *msg, size_t len, struct dns_response *out, size_t *pos,
    uint16_t count[3])
{
	enum dns_parse_error e;

	*pos = DNS_HEADER_LEN;
	if (len < DNS_HEADER_LEN)
		return DNS_ERR_SHORT;
	out->id = get16(msg);
	out->qr = msg[2] & 0x80;
	out->opcode = (msg[2] >> 3) & 0x0f;
	out->aa = msg[2] & 0x04;
	out->tc = msg[2] & 0x02;
	out->rcode = msg[3] & 0x0f;
	if (get16(msg + 4) != 1)
		return DNS_ERR_QDCOUNT;
	count[DNS_ANSWER] = get16(msg + 6);
	count[DNS_AUTHORITY] = get16(msg + 8);
	count[DNS_ADDITIONAL] = get16(msg + 10);
	out->nrr = 0;
	out->dropped_rrs = 0;
	out->has_edns = false;
	out->edns_size = 0;

	if ((e = read_name(msg, len, pos, out->qname, &out->qname_len)) != DNS_OK)
		return e;
	if (*pos + 4 > len)
		return DNS_ERR_SHORT;
	out->qtype = get16(msg + *pos);
	out->qclass = get16(msg + *pos + 2);
	*pos += 4;
	return DNS_OK;
}

enum dns_parse_error
dnsmsg_parse_question(const uint8_t *msg, size_t len, struct dns_response *out)
{
	size_t pos;
	uint16_t count[3];

	return parse_top(msg, len, out, &pos, count);
}

enum dns_parse_error
dnsmsg_parse(const uint8_t *msg, size_t len, struct dns_response *out)
{
	size_t pos;
	uint16_t count[3];
	enum dns_parse_error e;

	if ((e = parse_top(msg, len, out, &pos, count)) != DNS_OK)
		return e;

	for (int s = DNS_ANSWER; s <= DNS_ADDITIONAL; s++) {
		for (uint16_t i = 0; i < count[s]; i++) {
			struct dns_rr tmp, *rr = out->nrr < DNS_MAX_RRS ? &out->rr[out->nrr] : &tmp;
			uint16_t rdlen;

			if ((e = read_dname(msg, len, &pos, &rr->owner)) != DNS_OK)
				return e;
			if (pos + 10 > len)
				return DNS_ERR_SHORT;
			rr->section = (uint8_t)s;
			rr->type = get16(msg + pos);
			rr->rclass = get16(msg + pos + 2);
			rdlen = get16(msg + pos + 8);
			pos += 10;
			if (pos + rdlen > len)
				return DNS_ERR_SHORT;
			if (rr->type == DNS_TYPE_OPT) {
				/* Extended rcode: upper 8 bits live in the OPT "TTL". */
				out->has_edns = true;
				out->edns_size = rr->rclass;
				out->rcode |= (uint16_t)(msg[pos - 6] << 4);
				pos += rdlen;
				continue;
			}
			if ((e = read_rdata(msg, len, pos, rdlen, rr)) != DNS_OK)
				return e;
			pos += rdlen;
			if (rr == &tmp)
				out->dropped_rrs++;
			else
				out->nrr++;
		}
	}
	return DNS_OK;
}

const char *
dnsmsg_error_text(enum dns_parse_error e)
{
	switch (e) {
	case DNS_OK: return "ok";
	case DNS_ERR_SHORT: return "truncated message";
	case DNS_ERR_NAME: return "bad name";
	case DNS_ERR_POINTER: return "bad compression pointer";
	case DNS_ERR_QDCOUNT: return "question count is not one";
	case DNS_ERR_RDATA: return "bad rdata length";
	}
	return "unknown";
}
