/* engine-walk.c -- iterative resolution: ask the deepest known zone, follow referrals down. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "resolver-impl.h"
#include "zonefile.h"

/*
 * A walk lives while its question is out, and a window starts thousands at
 * once: it keeps its name and its chain at their wire length, in a tail of
 * one of two sizes (almost every walk has a short name and at most one
 * name in its chain).
 */
enum wsize { W_SMALL, W_LARGE };
static const size_t wtail[WALK_SIZES] = {
	128,
	DNAME_WIRE_MAX + CHAIN_MAX * (1 + DNAME_WIRE_MAX),
};

struct walk {
	struct resolver *r;
	uint16_t qtype;
	bool find_cut;
	uint8_t size;			/* enum wsize */
	uint8_t qname_len, nchain;
	struct zone *zone;
	int referrals;
	const char *last_error;
	struct flight *leads;		/* the flight this walk's question serves */
	bool solo;			/* waited at this zone once: asks it itself */
	TAILQ_ENTRY(walk) follow;	/* in a flight's followers */
	walk_fn *fn;
	void *ctx;
	uint16_t ctx_size;		/* bytes of ctx fn reads (resolver_walk) */
	uint8_t tail[];			/* qname, then each chain name: its length, its wire */
};

static const struct dname *
qname_of(const struct walk *w, struct dname *out)
{
	out->len = w->qname_len;
	memcpy(out->wire, w->tail, w->qname_len);
	return out;
}

static const struct chain *
chain_of(const struct walk *w, struct chain *out)
{
	size_t pos = w->qname_len;

	out->n = w->nchain;
	for (uint8_t i = 0; i < w->nchain; i++) {
		out->names[i].len = w->tail[pos++];
		memcpy(out->names[i].wire, w->tail + pos, out->names[i].len);
		pos += out->names[i].len;
	}
	return out;
}

/*
 * Walks that would ask the same zone for the same child (example.com and
 * example.com's NS names, or a whole window of .com domains asking the root
 * for "com") need one referral between them: the first asks, the others
 * follow and, once it lands, carry on from the deepest zone known. Without
 * this, every domain the window starts before a referral is cached asks the
 * root and the TLD again.
 */
struct flight {
	RB_ENTRY(flight) link;
	const struct zone *zone;
	struct dname child;		/* the name one label below the zone */
	TAILQ_HEAD(, walk) followers;
};

static int
flight_cmp(struct flight *a, struct flight *b)
{
	if (a->zone != b->zone)
		return (uintptr_t)a->zone < (uintptr_t)b->zone ? -1 : 1;
	if (a->child.len != b->child.len)
		return a->child.len < b->child.len ? -1 : 1;
	return memcmp(a->child.wire, b->child.wire, a->child.len);
}

RB_PROTOTYPE(flight_tree, flight, link, flight_cmp)
RB_GENERATE(flight_tree, flight, link, flight_cmp)

static void walk_at(struct walk *w, struct zone *z);

static void
finish(struct walk *w, enum walk_outcome outcome, const struct xreply *x, const char *reason)
{
	struct walk_result res;

	memset(&res, 0, sizeof(res));
	res.outcome = outcome;
	res.reason = reason;
	if (w->zone != NULL) {
		res.zone = w->zone->name;
		zone_release(w->r, w->zone);
	}
	if (x != NULL && x->kind == X_ANSWER) {
		res.resp = x->resp;
		res.have_server = x->server.family != 0;	/* not from a zone file */
		res.server = x->server;
		res.rtt_ms = x->rtt_ms;
	}
	w->fn(w->ctx, &res);
	pool_put(&w->r->walks[w->size], w);
}

static const char *
rcode_reason(uint16_t rcode)
{
	switch (rcode) {
	case DNS_RCODE_SERVFAIL: return "servfail";
	case DNS_RCODE_REFUSED: return "refused";
	case DNS_RCODE_FORMERR: return "formerr";
	case DNS_RCODE_NOTIMP: return "notimp";
	default: return "bad_rcode";
	}
}

static bool
has_answer(const struct walk *w, const struct dns_response *resp)
{
	struct dname qname;

	qname_of(w, &qname);
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];

		if (rr->section == DNS_ANSWER && dname_equal(&rr->owner, &qname) &&
		    (rr->type == w->qtype || rr->type == DNS_TYPE_CNAME))
			return true;
	}
	return false;
}

/* The owner of the NS records in the authority section, if they form a
 * downward referral: strictly below the zone asked, and above (or at) qname. */
static const struct dname *
referral_owner(const struct walk *w, const struct dns_response *resp)
{
	struct dname qname;

	qname_of(w, &qname);
	for (size_t i = 0; i < resp->nrr; i++) {
		const struct dns_rr *rr = &resp->rr[i];

		if (rr->section != DNS_AUTHORITY || rr->type != DNS_TYPE_NS)
			continue;
		if (dname_equal(&rr->owner, &w->zone->name) ||
		    !dname_is_under(&rr->owner, &w->zone->name) ||
		    !dname_is_under(&qname, &rr->owner))
			return NULL;
		return &rr->owner;
	}
	return NULL;
}

/* A bad answer from one server: try the next, or give up with what we saw. */
static bool
try_next(struct walk *w, const struct xreply *x, const char *reason)
{
	w->last_error = reason;
	if (!x->final)
		return false;
	finish(w, WALK_ERROR, x, reason);
	return true;
}

static bool
handle_reply(struct walk *w, const struct xreply *x)
{
	const struct dns_response *resp = x->resp;
	const struct dname *owner;
	struct dname qname;

	if (x->kind == X_EXCLUDED) {
		finish(w, WALK_EXCLUDED, x, "excluded");
		return true;
	}
	if (x->kind == X_TIMEOUT) {
		finish(w, WALK_ERROR, x, w->last_error ? w->last_error : "timeout");
		return true;
	}
	if (resp->rcode == DNS_RCODE_NXDOMAIN) {
		finish(w, WALK_NXDOMAIN, x, NULL);
		return true;
	}
	if (resp->rcode != DNS_RCODE_NOERROR)
		return try_next(w, x, rcode_reason(resp->rcode));
	if (resp->aa && has_answer(w, resp)) {
		finish(w, WALK_ANSWER, x, NULL);
		return true;
	}
	if ((owner = referral_owner(w, resp)) != NULL) {
		struct zone *next;

		if (w->find_cut && dname_equal(owner, qname_of(w, &qname))) {
			finish(w, WALK_REFERRAL, x, NULL);
			return true;
		}
		if (++w->referrals > WALK_MAX_REFERRALS) {
			finish(w, WALK_ERROR, x, "too_deep");
			return true;
		}
		next = zone_learn(w->r, owner, resp, &w->zone->name);
		walk_at(w, next);
		return true;
	}
	if (resp->aa) {
		finish(w, WALK_NODATA, x, NULL);
		return true;
	}
	return try_next(w, x, "not_authoritative");
}

/* The followers go on from the deepest zone now known: past w's zone if the
 * flight brought a referral, else they ask that zone themselves. */
static void
land(struct resolver *r, struct flight *f)
{
	struct walk *w;

	RB_REMOVE(flight_tree, &r->flights, f);
	while ((w = TAILQ_FIRST(&f->followers)) != NULL) {
		struct dname qname;
		struct zone *z = zone_deepest(r, qname_of(w, &qname), w->find_cut);

		TAILQ_REMOVE(&f->followers, w, follow);
		if (z == NULL || z == w->zone) {
			w->solo = true;
			z = w->zone;
		}
		walk_at(w, z);
	}
	free(f);
}

static bool
on_reply(void *ctx, const struct xreply *x)
{
	struct walk *w = ctx;
	struct resolver *r = w->r;
	struct flight *f = w->leads;
	bool done;

	/* Handling may free w, or send it on to lead a flight further down. */
	w->leads = NULL;
	done = handle_reply(w, x);
	if (!done)
		w->leads = f;	/* the same question goes to the next server */
	else if (f != NULL)
		land(r, f);
	return done;
}

/* Follow a flight to the same child of this zone, or start one; false when
 * this walk is to ask itself. */
static bool
follow_flight(struct walk *w)
{
	struct flight key, *f;
	struct dname qname;
	int below = dname_label_count(qname_of(w, &qname)) - dname_label_count(&w->zone->name);

	/* One label below, the answer is this name's own: nobody else's. */
	if (w->solo || below < 2)
		return false;
	key.zone = w->zone;
	if (!dname_strip(&qname, below - 1, &key.child))
		return false;
	if ((f = RB_FIND(flight_tree, &w->r->flights, &key)) != NULL) {
		TAILQ_INSERT_TAIL(&f->followers, w, follow);
		return true;
	}
	if ((f = malloc(sizeof(*f))) == NULL)
		err(1, "out of memory");
	*f = key;
	TAILQ_INIT(&f->followers);
	RB_INSERT(flight_tree, &w->r->flights, f);
	w->leads = f;
	return false;
}

/* The zone's file answers at once, as its server would have. */
static void
ask_zonefile(struct walk *w)
{
	struct dns_response *resp = malloc(sizeof(*resp));
	struct xreply x;
	struct dname qname;

	if (resp == NULL)
		err(1, "out of memory");
	zonefile_answer(w->zone->file, qname_of(w, &qname), w->qtype, resp);
	memset(&x, 0, sizeof(x));
	x.kind = X_ANSWER;
	x.resp = resp;
	x.final = true;
	(void)on_reply(w, &x);
	free(resp);
}

static void
on_zone_ready(void *ctx)
{
	struct walk *w = ctx;
	struct dname qname;

	if (w->zone->file != NULL) {
		ask_zonefile(w);
		return;
	}
	if (w->zone->state != ZONE_READY) {
		finish(w, WALK_ERROR, NULL, "no_servers");
		return;
	}
	if (follow_flight(w))
		return;
	engine_ask(w->r->engine, qname_of(w, &qname), w->qtype, w->zone->addrs, w->zone->naddrs, on_reply, w,
	    &(struct engine_reads){ sizeof(*w) + wtail[w->size], w->ctx, w->ctx_size }, 0);
}

static void
walk_at(struct walk *w, struct zone *z)
{
	struct chain chain;

	if (z != w->zone)
		w->solo = false;
	/* Take the new zone before leaving the old, so trimming spares both. */
	zone_use(w->r, z);
	if (w->zone != NULL)
		zone_release(w->r, w->zone);
	w->zone = z;
	if (!zone_wait(w->r, z, chain_of(w, &chain), on_zone_ready, w))
		finish(w, WALK_ERROR, NULL, "loop");
}

void
walk_chained(struct resolver *r, const struct dname *qname, uint16_t qtype, bool find_cut,
    const struct chain *c, walk_fn *fn, void *ctx, size_t ctx_size)
{
	size_t len = qname->len, pos;
	enum wsize k;
	struct walk *w;
	struct zone *z;

	for (uint8_t i = 0; i < c->n; i++)
		len += 1 + (size_t)c->names[i].len;
	k = len <= wtail[W_SMALL] ? W_SMALL : W_LARGE;
	w = pool_get(&r->walks[k], sizeof(*w) + wtail[k]);
	w->size = (uint8_t)k;
	w->r = r;
	w->qname_len = qname->len;
	memcpy(w->tail, qname->wire, qname->len);
	pos = qname->len;
	w->nchain = c->n;
	for (uint8_t i = 0; i < c->n; i++) {
		w->tail[pos++] = c->names[i].len;
		memcpy(w->tail + pos, c->names[i].wire, c->names[i].len);
		pos += c->names[i].len;
	}
	w->qtype = qtype;
	w->find_cut = find_cut;
	w->zone = NULL;
	w->referrals = 0;
	w->last_error = NULL;
	w->leads = NULL;
	w->solo = false;
	w->fn = fn;
	w->ctx = ctx;
	w->ctx_size = (uint16_t)(ctx_size < UINT16_MAX ? ctx_size : UINT16_MAX);
	if ((z = zone_deepest(r, qname, find_cut)) == NULL) {
		finish(w, WALK_ERROR, NULL, "no_servers");
		return;
	}
	walk_at(w, z);
}
