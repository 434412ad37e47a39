/* evidence.h -- everything learnt about one domain: the input of the verdict and of the report. */
#ifndef GLUESCAN_EVIDENCE_H
#define GLUESCAN_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dname.h"

#define EV_MAX_NS 32
#define EV_MAX_ADDRS 16
#define EV_MAX_SERVERS 64

/* Room in place for the first tables (deleg-evidence.c sizes them). */
#define EV_FIRST_BYTES 512

/* Sets of NS names and of servers are bit masks. */
_Static_assert(EV_MAX_NS <= 32 && EV_MAX_SERVERS <= 64, "masks too narrow");

enum parent_outcome {
	PARENT_DELEGATED,
	PARENT_NXDOMAIN,
	PARENT_NOT_DELEGATED,
	PARENT_ERROR,
};

/* What one nameserver address said to "D SOA". */
enum probe {
	PROBE_NOT_PROBED,	/* IPv6 while probing is IPv4 only: never lame */
	PROBE_AUTHORITATIVE,
	PROBE_TIMEOUT,
	PROBE_REFUSED,
	PROBE_SERVFAIL,
	PROBE_NOT_AUTHORITATIVE,	/* AA=0, a referral, or no SOA of D */
	PROBE_NXDOMAIN,
	PROBE_OTHER_RCODE,
	PROBE_EXCLUDED,		/* in the --exclude list: skipped, never lame */
};

/*
 * A domain in progress costs what it holds, not the worst case: names (at
 * their wire length) and address lists live packed in the evidence's store
 * and are named by these references, which stay valid as the store grows.
 */
struct ev_name {
	uint32_t off;
	uint8_t len;		/* 0: no name */
};

struct ev_addrs {
	uint32_t off;
	uint8_t n;
};

/*
 * An authoritative server's NS set for D, from the authority section of its
 * SOA answer (or from the one explicit "D NS"), as two bit sets: the
 * parent's NS names it lists (bit i: evidence.ns[i]) and the names only the
 * child has (bit j: evidence.child_ns[j]).
 */
struct ev_server {
	double rtt_ms;
	struct addr addr;
	uint16_t rcode;		/* PROBE_OTHER_RCODE */
	enum probe result;
	uint32_t serial;	/* PROBE_AUTHORITATIVE: its SOA serial */
	bool has_ns_set;
	uint32_t ns_set, child_ns;
};

struct ev_ns {
	struct ev_name name;
	struct ev_addrs glue;		/* in-domain names: from the parent */
	/* Out-of-domain names: what gluescan's own resolution found. */
	struct ev_addrs addrs;
	bool in_domain;
	bool resolved;
	bool excluded;		/* its resolution would have asked only excluded servers */
	/*
	 * The name does not exist: the labels of the zone that said so and of
	 * the name's registrable domain (0: the name is a public suffix). Its
	 * domain is free to register when that zone is above it.
	 */
	bool nxdomain;
	uint8_t nx_zone_labels, registrable_labels;
	const char *unresolved_reason;	/* static string */
};

/*
 * One authoritative server's addresses for an in-domain name n, of one type:
 * its explicit answer for "n A" or "n AAAA", or what the additional section
 * of its SOA answer listed. The additional section may omit records, so it
 * confirms glue but never contradicts it: what it does not confirm is asked
 * again, and the explicit answer takes the entry's place.
 */
enum child_kind { CHILD_ADDRS, CHILD_NXDOMAIN, CHILD_NODATA, CHILD_ADDITIONAL };

struct ev_child {
	uint8_t ns, server;	/* indices into evidence.ns / evidence.servers */
	uint16_t qtype;
	enum child_kind kind;
	struct ev_addrs addrs;
};

struct evidence {
	/*
	 * Pointers, then counts and sizes, then the rest: packed, the fields
	 * take 128 bytes (192 when in the order of their use), and every domain
	 * in flight carries them.
	 */
	struct ev_ns *ns;		/* grows with evidence_add_ns, up to EV_MAX_NS */
	struct ev_server *servers;	/* grows with evidence_add_server, up to EV_MAX_SERVERS */
	struct ev_child *child;		/* grows with reallocarray */
	struct ev_name *child_ns;	/* NS names some server lists and the parent does not */
	uint8_t *store;			/* the names and address lists, packed */
	const char *parent_reason;	/* PARENT_ERROR: static string */
	float parent_rtt_ms;		/* printed to 0.01 ms, which a float holds */
	uint32_t nchild, child_cap;
	uint32_t store_len, store_cap;
	uint32_t ns_cap, servers_cap, child_ns_cap;
	uint16_t first_used;		/* bytes of first[] taken */
	struct ev_name domain;
	struct ev_name parent_zone;
	enum parent_outcome parent;
	uint8_t nns, nservers, nchild_ns;
	bool parent_only;		/* the children were not asked (--parent-only) */
	bool have_parent_server;
	struct addr parent_server;
	/*
	 * The first tables and store of a common domain, in place: the answers
	 * of a domain come 20-300 ms apart, long after its memory has left the
	 * cache, and one block of adjacent lines is read faster than five
	 * blocks malloc put anywhere. A table that outgrows its place moves to
	 * the heap. An evidence is never copied by value: the tables point here.
	 */
	_Alignas(max_align_t) uint8_t first[EV_FIRST_BYTES];
};

/* Copy into the store. */
struct ev_name evidence_put_name(struct evidence *ev, const struct dname *n);
struct ev_addrs evidence_put_addrs(struct evidence *ev, const struct addr *list, size_t n);
/* Read back: the addresses until the next evidence_put_*; the name as a copy. */
const struct addr *evidence_addrs(const struct evidence *ev, struct ev_addrs a);
const struct dname *evidence_name(const struct evidence *ev, struct ev_name n, struct dname *out);
bool evidence_name_is(const struct evidence *ev, struct ev_name n, const struct dname *d);

/* Index of the server with this address, or -1. */
int evidence_server(const struct evidence *ev, const struct addr *a);
/* Add the server unless present; -1 when the table is full. */
int evidence_add_server(struct evidence *ev, const struct addr *a);
struct ev_child *evidence_add_child(struct evidence *ev);
/* The entry for NS ns, server and qtype, or NULL. */
struct ev_child *evidence_child(struct evidence *ev, uint8_t ns, uint8_t server, uint16_t qtype);
/* Server s has already listed (in an additional section or an explicit
 * answer) every glue address of NS ns of this type (A or AAAA). */
bool evidence_confirmed(const struct evidence *ev, uint8_t ns, uint8_t s, uint16_t qtype);
/* Glue of this family (AF_INET, AF_INET6) for NS ns. */
bool evidence_glue_has(const struct evidence *ev, uint8_t ns, int family);
/* Server s leaves some glue open: of an in-domain NS name, a type of glue
 * it has not confirmed, which only a further question to s can settle. */
bool evidence_glue_open(const struct evidence *ev, uint8_t s);
/* Index of the child-only NS name, added unless present; -1 when EV_MAX_NS are there. */
int evidence_add_child_ns(struct evidence *ev, const struct dname *name);
/* A new NS entry (name empty, counts 0), or NULL when EV_MAX_NS are there. */
struct ev_ns *evidence_add_ns(struct evidence *ev);
/* Empty again, keeping the tables' memory for the next domain unless a large
 * one made them larger than most domains need. */
void evidence_clear(struct evidence *ev);
void evidence_free(struct evidence *ev);

#endif
