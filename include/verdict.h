/* verdict.h -- the status of a domain as a pure function of its evidence (SPEC section 3). */
#ifndef GLUESCAN_VERDICT_H
#define GLUESCAN_VERDICT_H

#include "evidence.h"

enum status {
	STATUS_NXDOMAIN,
	STATUS_NOT_DELEGATED,
	STATUS_ERROR,
	STATUS_MISSING,
	STATUS_MISMATCHED,
	STATUS_LAME,
	STATUS_OK,
	STATUS_DELEGATED,	/* --parent-only: the parent delegates; the children were not asked */
	STATUS_COUNT
};

enum problem_kind {
	PROBLEM_MISSING,	/* in-domain NS name without glue */
	PROBLEM_MISMATCHED,	/* a glue address some authoritative server does not list */
	PROBLEM_LAME,		/* an address not answering authoritatively, or an unresolvable name */
	PROBLEM_CHILD_ONLY,	/* an address only the child lists: reported, not a fault */
	PROBLEM_NS_SET,		/* some server's NS set for D is not the parent's */
	PROBLEM_SERIAL,		/* the authoritative servers' SOA serials are not all equal */
};

/* ns_set and serial are about the domain, not one NS name: they have no ns. */
struct problem {
	enum problem_kind kind;
	uint8_t ns;
	bool has_addr;
	struct addr addr;	/* the glue (mismatched), the server (lame), the child's (child_only) */
	const char *reason;	/* lame */
	bool dangling;		/* lame, unresolvable: the name's registrable domain does not exist */
	/* Bit i = evidence.servers[i]. mismatched: does not list the glue;
	 * ns_set: its NS set differs; serial: authoritative (has a serial). */
	uint64_t servers;
	/* ns_set: parent NS names some server omits (bit i = evidence.ns[i]) and
	 * names only the child lists (bit j = evidence.child_ns[j]). */
	uint32_t parent_only, child_only;
};

struct verdict {
	enum status status;
	bool resolvable;
	struct problem *problems;
	size_t nproblems, cap;
};

void verdict_decide(const struct evidence *ev, struct verdict *out);
void verdict_free(struct verdict *v);
const char *status_name(enum status s);
const char *problem_name(enum problem_kind k);
const char *probe_name(enum probe p);

#endif
