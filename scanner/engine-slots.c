/* engine-slots.c -- slot numbers over (port, ID), kept in an open-addressing table of the slots in use. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "randpool.h"
#include "slots.h"

/* The table starts this small and doubles; it is never more than half full,
 * so a lookup reads one or two cells. */
#define CELLS_MIN 1024
/* Random draws that hit a slot in use before the search goes on from the last
 * one in order: only a table close to full gets there. */
#define DRAWS 16
#define NO_INDEX UINT16_MAX
/* No number reaches it: the most is 65535 ports * 65536 - 1. */
#define EMPTY UINT32_MAX

struct cell {
	uint32_t number;		/* EMPTY: a free cell */
	struct slot *slot;
};

struct slot_table {
	uint16_t *ports;		/* by index */
	uint16_t *masks;		/* by index */
	uint16_t *index;		/* port - lo -> index, NO_INDEX for ports not held */
	uint16_t lo, hi;
	size_t nports;
	/*
	 * Linear probing over cells that hold the number beside the slot: a
	 * search passes other cells, and reading their numbers there costs no
	 * cache miss on questions sent long ago (with 100,000 in flight, the
	 * slots themselves are scattered over tens of MB), and the slot found
	 * is in the cell's own cache line.
	 */
	struct cell *cells;
	size_t ncells;			/* a power of two */
	unsigned shift;			/* 64 - log2(ncells) */
	size_t used;
	uint64_t next_draw;		/* the next random draw, its cell already fetched */
};

static void *
table_alloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		err(1, "out of memory");
	return p;
}

static void
alloc_cells(struct slot_table *t)
{
	t->cells = table_alloc(t->ncells, sizeof(*t->cells));
	for (size_t i = 0; i < t->ncells; i++)
		t->cells[i].number = EMPTY;
}

struct slot_table *
slot_table_new(const uint16_t *ports, size_t nports, const struct cookie_key *key)
{
	struct slot_table *t = table_alloc(1, sizeof(*t));

	t->nports = nports;
	t->ports = table_alloc(nports, sizeof(*t->ports));
	t->masks = table_alloc(nports, sizeof(*t->masks));
	memcpy(t->ports, ports, nports * sizeof(*ports));
	t->lo = t->hi = ports[0];
	for (size_t i = 0; i < nports; i++) {
		t->masks[i] = cookie_mask(key, ports[i]);
		t->lo = ports[i] < t->lo ? ports[i] : t->lo;
		t->hi = ports[i] > t->hi ? ports[i] : t->hi;
	}
	t->index = table_alloc((size_t)(t->hi - t->lo) + 1, sizeof(*t->index));
	memset(t->index, 0xff, ((size_t)(t->hi - t->lo) + 1) * sizeof(*t->index));
	for (size_t i = 0; i < nports; i++)
		t->index[ports[i] - t->lo] = (uint16_t)i;
	t->ncells = CELLS_MIN;
	t->shift = 64 - 10;
	alloc_cells(t);
	t->next_draw = randpool_u64();
	return t;
}

void
slot_table_free(struct slot_table *t)
{
	if (t == NULL)
		return;
	free(t->ports);
	free(t->masks);
	free(t->index);
	free(t->cells);
	free(t);
}

size_t
slot_capacity(const struct slot_table *t)
{
	return t->nports << 16;
}

size_t
slot_used(const struct slot_table *t)
{
	return t->used;
}

/* Where number's search starts: Fibonacci hashing, so numbers that differ in
 * the port alone do not crowd one run of cells. */
static size_t
home(const struct slot_table *t, uint32_t number)
{
	return (size_t)(((uint64_t)number * 0x9e3779b97f4a7c15ULL) >> t->shift);
}

/* The slot number a random draw names: a port of the block, an ID. */
static uint32_t
draw_number(const struct slot_table *t, uint64_t r)
{
	return (uint32_t)((r >> 16 & 0xffffffffu) * t->nports >> 32) << 16 | (uint16_t)r;
}

/* The cell that holds number, or the empty cell where it would go. */
static size_t
cell_of(const struct slot_table *t, uint32_t number)
{
	size_t i = home(t, number);

	while (t->cells[i].number != EMPTY && t->cells[i].number != number)
		i = (i + 1) & (t->ncells - 1);
	return i;
}

static void
grow(struct slot_table *t)
{
	struct cell *old = t->cells;
	size_t n = t->ncells;

	t->ncells *= 2;
	t->shift--;
	alloc_cells(t);
	for (size_t i = 0; i < n; i++)
		if (old[i].number != EMPTY)
			t->cells[cell_of(t, old[i].number)] = old[i];
	free(old);
}

void
slot_port_id(const struct slot_table *t, uint32_t number, uint16_t *port, uint16_t *id)
{
	*port = t->ports[number >> 16];
	*id = (uint16_t)(number ^ t->masks[number >> 16]);
}

bool
slot_number(const struct slot_table *t, uint16_t port, uint16_t id, uint32_t *number)
{
	uint16_t i;

	if (port < t->lo || port > t->hi || (i = t->index[port - t->lo]) == NO_INDEX)
		return false;
	*number = (uint32_t)i << 16 | (uint16_t)(id ^ t->masks[i]);
	return true;
}

bool
slot_take(struct slot_table *t, struct slot *s)
{
	uint32_t number = 0;
	size_t cell = 0;
	bool found = false;

	if (t->used == slot_capacity(t))
		return false;
	if (2 * (t->used + 1) > t->ncells)
		grow(t);
	for (int k = 0; k < DRAWS && !found; k++) {
		uint64_t r = t->next_draw;

		t->next_draw = randpool_u64();
		number = draw_number(t, r);
		cell = cell_of(t, number);
		found = t->cells[cell].number == EMPTY;
	}
	while (!found) {
		number = number + 1 == slot_capacity(t) ? 0 : number + 1;
		cell = cell_of(t, number);
		found = t->cells[cell].number == EMPTY;
	}
	t->cells[cell] = (struct cell){ number, s };
	t->used++;
	/* The next take's cell is a cache miss in a large table: start it now. */
	__builtin_prefetch(&t->cells[home(t, draw_number(t, t->next_draw))], 1);
	s->number = number;
	slot_port_id(t, number, &s->port, &s->id);
	return true;
}

/* Backward-shift deletion: the entries after the hole that may move into it
 * do, so every search still ends at its first empty cell. */
void
slot_release(struct slot_table *t, struct slot *s)
{
	size_t mask = t->ncells - 1, hole = cell_of(t, s->number), j = hole;

	if (t->cells[hole].slot != s)
		errx(1, "internal error: slot %u is not in use", (unsigned)s->number);
	for (;;) {
		size_t h;

		j = (j + 1) & mask;
		if (t->cells[j].number == EMPTY)
			break;
		h = home(t, t->cells[j].number);
		/* It stays when its home lies cyclically in (hole, j]. */
		if (((j - h) & mask) >= ((j - hole) & mask)) {
			t->cells[hole] = t->cells[j];
			hole = j;
		}
	}
	t->cells[hole] = (struct cell){ EMPTY, NULL };
	t->used--;
}

struct slot *
slot_find(const struct slot_table *t, uint16_t port, uint16_t id)
{
	uint32_t number;

	if (!slot_number(t, port, id, &number))
		return NULL;
	return t->cells[cell_of(t, number)].slot;
}

void
slot_prefetch(const struct slot_table *t, uint16_t port, uint16_t id)
{
	uint32_t number;

	if (slot_number(t, port, id, &number))
		__builtin_prefetch(&t->cells[home(t, number)]);
}

bool
slot_answer_matches(const struct slot *s, const uint8_t *sent_name, size_t name_len,
    const struct udp_packet *p, const struct dns_response *r)
{
	return s->server == p->src && s->port == p->dport && s->id == r->id && r->qr &&
	    r->qname_len == name_len && memcmp(r->qname, sent_name, name_len) == 0 &&
	    r->qtype == s->qtype && r->qclass == DNS_CLASS_IN;
}
