/* test_slots.c -- the in-flight table: slot numbers over (port, ID), every one reachable,
 * never two questions on one port and ID, and forged answers refused when it is full. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "slots.h"

#define SERVER 0x7f350a01u	/* 127.53.10.1 */

/* Ports with a hole in the middle (a port of the block someone else held). */
static const uint16_t ports3[] = { 61000, 61001, 61003 };

static struct slot_table *
table(const uint16_t *ports, size_t n)
{
	struct cookie_key key;

	cookie_key_random(&key);
	return slot_table_new(ports, n, &key);
}

Test(slots, number_round_trips_through_port_and_id)
{
	struct slot_table *t = table(ports3, 3);

	cr_assert_eq(slot_capacity(t), 3 * 65536);
	for (uint32_t n = 0; n < slot_capacity(t); n++) {
		uint16_t port, id;
		uint32_t back;

		slot_port_id(t, n, &port, &id);
		cr_assert_eq(port, ports3[n >> 16]);
		cr_assert(slot_number(t, port, id, &back));
		cr_assert_eq(back, n);
	}
	slot_table_free(t);
}

Test(slots, ports_not_held_name_no_slot)
{
	struct slot_table *t = table(ports3, 3);
	uint32_t n;

	cr_assert_not(slot_number(t, 61002, 1, &n), "the hole of the block");
	cr_assert_not(slot_number(t, 60999, 1, &n));
	cr_assert_not(slot_number(t, 61004, 1, &n));
	cr_assert_not(slot_number(t, 53, 1, &n));
	cr_assert_null(slot_find(t, 61002, 1));
	slot_table_free(t);
}

/* Fill the whole table: every number is handed out once, so no two questions in
 * flight share a port and an ID; then it refuses more. */
static void
fill(const uint16_t *ports, size_t nports)
{
	struct slot_table *t = table(ports, nports);
	size_t cap = slot_capacity(t);
	struct slot *s = calloc(cap, sizeof(*s));
	uint8_t *seen = calloc(cap, 1);
	struct slot extra;

	cr_assert(s != NULL && seen != NULL);
	for (size_t i = 0; i < cap; i++) {
		uint32_t n;

		s[i].server = SERVER;
		cr_assert(slot_take(t, &s[i]), "slot %zu of %zu", i, cap);
		cr_assert_lt(s[i].number, cap);
		cr_assert_not(seen[s[i].number], "number %u handed out twice", s[i].number);
		seen[s[i].number] = 1;
		cr_assert(slot_number(t, s[i].port, s[i].id, &n));
		cr_assert_eq(n, s[i].number);
		cr_assert_eq(slot_find(t, s[i].port, s[i].id), &s[i]);
	}
	cr_assert_eq(slot_used(t), cap);
	cr_assert_not(slot_take(t, &extra));
	/* every slot answers to its own port and ID, and only its own */
	for (size_t i = 0; i < cap; i++)
		cr_assert_eq(slot_find(t, s[i].port, s[i].id), &s[i]);
	/* release every other one, then take them again */
	for (size_t i = 0; i < cap; i += 2)
		slot_release(t, &s[i]);
	cr_assert_eq(slot_used(t), cap / 2);
	for (size_t i = 1; i < cap; i += 2)
		cr_assert_eq(slot_find(t, s[i].port, s[i].id), &s[i]);
	for (size_t i = 0; i < cap; i += 2)
		cr_assert_null(slot_find(t, s[i].port, s[i].id));
	for (size_t i = 0; i < cap; i += 2)
		cr_assert(slot_take(t, &s[i]));
	cr_assert_eq(slot_used(t), cap);
	free(s);
	free(seen);
	slot_table_free(t);
}

Test(slots, every_slot_reachable_one_port)
{
	static const uint16_t one[] = { 5353 };

	fill(one, 1);
}

Test(slots, every_slot_reachable_three_ports)
{
	fill(ports3, 3);
}

/* Random draws spread over the ports and the IDs. */
Test(slots, draws_spread)
{
	enum { N = 30000 };
	struct slot_table *t = table(ports3, 3);
	struct slot *s = calloc(N, sizeof(*s));
	unsigned per_port[3] = { 0 }, high_ids = 0;

	for (int i = 0; i < N; i++) {
		cr_assert(slot_take(t, &s[i]));
		per_port[s[i].number >> 16]++;
		high_ids += s[i].id >= 32768;
	}
	for (int p = 0; p < 3; p++)
		cr_assert(per_port[p] > N / 3 - 600 && per_port[p] < N / 3 + 600, "port %d: %u", p,
		    per_port[p]);
	cr_assert(high_ids > N / 2 - 600 && high_ids < N / 2 + 600);
	for (int i = 0; i < N; i++)
		slot_release(t, &s[i]);
	cr_assert_eq(slot_used(t), 0);
	free(s);
	slot_table_free(t);
}

/* Churn: take and release at random, checking against a plain list. */
Test(slots, churn_keeps_every_slot_findable)
{
	enum { N = 5000, ROUNDS = 200000 };
	struct slot_table *t = table(ports3, 3);
	struct slot *s = calloc(N, sizeof(*s));
	bool *in = calloc(N, sizeof(*in));
	uint64_t x = 42;

	for (int r = 0; r < ROUNDS; r++) {
		int i;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (int)((x >> 33) % N);
		if (in[i]) {
			cr_assert_eq(slot_find(t, s[i].port, s[i].id), &s[i]);
			slot_release(t, &s[i]);
			cr_assert_null(slot_find(t, s[i].port, s[i].id));
		} else {
			cr_assert(slot_take(t, &s[i]));
		}
		in[i] = !in[i];
		if (r % 20000 == 0)
			for (int k = 0; k < N; k++)
				if (in[k])
					cr_assert_eq(slot_find(t, s[k].port, s[k].id), &s[k]);
	}
	free(s);
	free(in);
	slot_table_free(t);
}

/* ---- answers: a full table, so every forged port and ID lands on a question ---- */

static const uint8_t sent[] = "\003wWw\007ExAmPlE\003cOm";	/* as sent: 0x20 case */

static void
answer(const struct slot *s, struct udp_packet *p, struct dns_response *r)
{
	memset(p, 0, sizeof(*p));
	memset(r, 0, sizeof(*r));
	p->src = s->server;
	p->dport = s->port;
	p->sport = 53;
	r->id = s->id;
	r->qr = true;
	r->qname_len = sizeof(sent);
	memcpy(r->qname, sent, sizeof(sent));
	r->qtype = s->qtype;
	r->qclass = DNS_CLASS_IN;
}

Test(slots, forged_answers_refused_while_full)
{
	static const uint16_t one[] = { 61000 };
	struct slot_table *t = table(one, 1);
	struct slot *s = calloc(65536, sizeof(*s));
	uint64_t x = 7;
	unsigned unmatched = 0;

	for (int i = 0; i < 65536; i++) {
		s[i].server = SERVER;
		s[i].qtype = DNS_TYPE_SOA;
		cr_assert(slot_take(t, &s[i]));
	}
	for (int k = 0; k < 100000; k++) {
		struct udp_packet p;
		struct dns_response r;
		struct slot *hit;
		uint16_t id;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		id = (uint16_t)(x >> 40);
		hit = slot_find(t, 61000, id);
		cr_assert_not_null(hit, "a full table has a question on every ID");
		cr_assert_eq(hit->id, id);
		answer(hit, &p, &r);
		cr_assert(slot_answer_matches(hit, sent, sizeof(sent), &p, &r), "the real answer");
		switch (k % 7) {
		case 0:
			p.src ^= (uint32_t)(x >> 8) | 1;	/* another source */
			break;
		case 1:
			r.qname[1 + (x >> 20) % 3] ^= 0x20;	/* a letter in the other case */
			break;
		case 2:
			r.qtype = DNS_TYPE_A;
			break;
		case 3:
			r.qclass = 3;	/* CHAOS */
			break;
		case 4:
			r.qr = false;	/* a query, not an answer */
			break;
		case 5:
			r.qname_len--;
			break;
		case 6:
			/* the right ID on a port of ours the table does not hold */
			unmatched += slot_find(t, 61001, id) == NULL;
			continue;
		}
		cr_assert_not(slot_answer_matches(hit, sent, sizeof(sent), &p, &r), "forgery %d", k % 7);
	}
	cr_assert_gt(unmatched, 0);
	free(s);
	slot_table_free(t);
}
