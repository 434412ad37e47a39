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
};

struct problem {
	enum problem_kind kind;
	uint8_t ns;
	bool has_addr;
	struct addr addr;	/* the glue (mismatched), the server (lame), the child's (child_only) */
	const char *reason;	/* lame */
	bool dangling;		/* lame, unresolvable: the name's domain is not registered */
	uint64_t servers;	/* mismatched: bit i = evidence.servers[i] does not list it */
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
