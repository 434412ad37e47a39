/* test_evidence.c -- the evidence tables: the first ones in place, larger ones moved to the
 * heap with every entry kept, and an evidence cleared for the next domain starting clean. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "evidence.h"

static struct dname
name_n(unsigned i)
{
	char text[64];
	struct dname d;

	snprintf(text, sizeof(text), "ns%u.a-rather-long-label-to-fill-the-store.example.", i);
	cr_assert(dname_from_text(text, &d));
	return d;
}

static struct addr
addr_n(unsigned i)
{
	struct addr a;

	addr_from_v4(&a, (uint8_t[4]){ 192, 0, 2, (uint8_t)i });
	return a;
}

static bool
in_place(const struct evidence *ev, const void *p)
{
	return (const uint8_t *)p >= ev->first && (const uint8_t *)p < ev->first + EV_FIRST_BYTES;
}

/* A domain with the most NS names, servers and child entries: every table
 * outgrows its room in place, and what was written before the move reads back. */
static void
fill_large(struct evidence *ev)
{
	struct dname domain;
	struct ev_name names[EV_MAX_NS];

	cr_assert(dname_from_text("example.", &domain));
	ev->domain = evidence_put_name(ev, &domain);
	for (unsigned i = 0; i < EV_MAX_NS; i++) {
		struct ev_ns *ns = evidence_add_ns(ev);
		struct dname n = name_n(i);
		struct addr a = addr_n(i);

		cr_assert_not_null(ns, "NS %u", i);
		ns->name = names[i] = evidence_put_name(ev, &n);
		ns->glue = evidence_put_addrs(ev, &a, 1);
	}
	cr_assert_null(evidence_add_ns(ev), "no more than EV_MAX_NS");
	for (unsigned i = 0; i < EV_MAX_SERVERS; i++) {
		struct addr a = addr_n(i);

		cr_assert_eq(evidence_add_server(ev, &a), (int)i);
		cr_assert_eq(evidence_add_server(ev, &a), (int)i, "present: the same index");
	}
	for (unsigned i = 0; i < 100; i++) {
		struct ev_child *c = evidence_add_child(ev);

		c->ns = (uint8_t)(i % EV_MAX_NS);
		c->server = (uint8_t)(i % EV_MAX_SERVERS);
		c->qtype = (uint16_t)(i < 50 ? 1 : 28);
	}
	/* Everything reads back after the moves. */
	cr_assert(evidence_name_is(ev, ev->domain, &domain));
	for (unsigned i = 0; i < EV_MAX_NS; i++) {
		struct dname n = name_n(i), back;
		struct addr a = addr_n(i);

		cr_assert(evidence_name_is(ev, ev->ns[i].name, &n), "NS %u", i);
		evidence_name(ev, names[i], &back);
		cr_assert(dname_equal(&back, &n));
		cr_assert(addr_equal(evidence_addrs(ev, ev->ns[i].glue), &a));
		cr_assert_eq(evidence_server(ev, &a), (int)i);
	}
	for (unsigned i = 0; i < 100; i++)
		cr_assert_not_null(evidence_child(ev, (uint8_t)(i % EV_MAX_NS),
		    (uint8_t)(i % EV_MAX_SERVERS), (uint16_t)(i < 50 ? 1 : 28)), "child %u", i);
	cr_assert_not(in_place(ev, ev->ns) || in_place(ev, ev->servers) || in_place(ev, ev->child) ||
	    in_place(ev, ev->store), "the large tables are on the heap");
}

/* The common domain: two NS names with one address each, two servers. */
static void
fill_small(struct evidence *ev)
{
	struct dname domain;

	cr_assert(dname_from_text("small.example.", &domain));
	ev->domain = evidence_put_name(ev, &domain);
	for (unsigned i = 0; i < 2; i++) {
		struct ev_ns *ns = evidence_add_ns(ev);
		struct dname n = name_n(i);
		struct addr a = addr_n(i);

		ns->name = evidence_put_name(ev, &n);
		ns->glue = evidence_put_addrs(ev, &a, 1);
		cr_assert_eq(evidence_add_server(ev, &a), (int)i);
	}
	(void)evidence_add_child(ev);
	cr_assert(evidence_name_is(ev, ev->domain, &domain));
	for (unsigned i = 0; i < 2; i++) {
		struct dname n = name_n(i);

		cr_assert(evidence_name_is(ev, ev->ns[i].name, &n));
	}
}

Test(evidence, a_common_domain_lives_in_place)
{
	struct evidence ev;

	memset(&ev, 0, sizeof(ev));
	fill_small(&ev);
	cr_assert(in_place(&ev, ev.ns) && in_place(&ev, ev.servers) && in_place(&ev, ev.child) &&
	    in_place(&ev, ev.store), "two NS names, two servers: no malloc");
	evidence_free(&ev);
}

Test(evidence, tables_move_to_the_heap_keeping_every_entry)
{
	struct evidence ev;

	memset(&ev, 0, sizeof(ev));
	fill_large(&ev);
	evidence_free(&ev);
}

Test(evidence, cleared_for_the_next_domain_in_either_order)
{
	struct evidence ev;

	memset(&ev, 0, sizeof(ev));
	fill_small(&ev);
	evidence_clear(&ev);
	cr_assert_eq(ev.nns + ev.nservers + ev.nchild + ev.store_len, 0);
	fill_large(&ev);
	evidence_clear(&ev);
	cr_assert_eq(ev.nns + ev.nservers + ev.nchild + ev.store_len, 0);
	fill_small(&ev);
	evidence_clear(&ev);
	fill_large(&ev);
	evidence_free(&ev);
}
