/* conf-cidr.c -- address blocks flattened into sorted disjoint ranges: one binary search finds the most specific. */
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

/* An address as two 64-bit halves; IPv4 in the low 32 bits of lo. */
struct u128 {
	uint64_t hi, lo;
};

struct block {
	struct u128 lo, hi;
	uint32_t value, order;
};

/* Disjoint, sorted: what the most specific block says over [lo, hi]. */
struct range {
	struct u128 lo, hi;
	uint32_t value;
};

struct family {
	struct block *blocks;
	size_t nblocks, cap;
	struct range *ranges;
	size_t nranges;
};

struct cidr_table {
	struct family v4, v6;
	uint32_t added;
};

static const struct u128 U128_MAX = { UINT64_MAX, UINT64_MAX };

static int
u128_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

/* a + 1 and a - 1; callers never step past either end. */
static struct u128
u128_next(struct u128 a)
{
	struct u128 r = { a.hi + (a.lo == UINT64_MAX), a.lo + 1 };

	return r;
}

static struct u128
u128_prev(struct u128 a)
{
	struct u128 r = { a.hi - (a.lo == 0), a.lo - 1 };

	return r;
}

bool
cidr_parse(const char *text, struct cidr *out)
{
	char buf[ADDR_TEXT_MAX + 8], *slash, *end;
	unsigned max;
	long bits;

	if (strlcpy(buf, text, sizeof(buf)) >= sizeof(buf))
		return false;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (!addr_parse(buf, &out->a))
		return false;
	max = out->a.family == AF_INET ? 32 : 128;
	out->bits = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return false;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || bits < 0 || bits > (long)max)
			return false;
		out->bits = (unsigned)bits;
	}
	return true;
}

struct cidr_table *
cidr_table_new(void)
{
	return calloc(1, sizeof(struct cidr_table));
}

void
cidr_table_free(struct cidr_table *t)
{
	if (t == NULL)
		return;
	free(t->v4.blocks);
	free(t->v4.ranges);
	free(t->v6.blocks);
	free(t->v6.ranges);
	free(t);
}

static struct u128
u128_of(const uint8_t b[16])
{
	struct u128 v = { 0, 0 };

	for (int i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | b[i];
		v.lo = v.lo << 8 | b[8 + i];
	}
	return v;
}

bool
cidr_table_add(struct cidr_table *t, const struct cidr *c, uint32_t value)
{
	struct family *f = c->a.family == AF_INET ? &t->v4 : &t->v6;
	struct u128 v, mask;
	struct block *b;

	if (f->nblocks == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;

		if ((b = reallocarray(f->blocks, cap, sizeof(*b))) == NULL)
			return false;
		f->blocks = b;
		f->cap = cap;
	}
	if (c->a.family == AF_INET) {
		v.hi = 0;
		v.lo = addr_v4(&c->a);
		mask.hi = UINT64_MAX;	/* the upper 96 bits stay 0 at both ends */
		mask.lo = ~(uint64_t)UINT32_MAX |
		    (c->bits == 0 ? 0 : (uint32_t)(~(uint32_t)0 << (32 - c->bits)));
	} else {
		v = u128_of(c->a.bytes);
		mask.hi = c->bits == 0 ? 0 : c->bits >= 64 ? UINT64_MAX : ~(uint64_t)0 << (64 - c->bits);
		mask.lo = c->bits <= 64 ? 0 : c->bits == 128 ? UINT64_MAX : ~(uint64_t)0 << (128 - c->bits);
	}
	b = &f->blocks[f->nblocks++];
	b->lo.hi = v.hi & mask.hi;
	b->lo.lo = v.lo & mask.lo;
	b->hi.hi = b->lo.hi | ~mask.hi;
	b->hi.lo = b->lo.lo | ~mask.lo;
	b->value = value;
	b->order = t->added++;
	return true;
}

/* Outer blocks before the blocks they hold, equal ones in the order added. */
static int
block_cmp(const void *pa, const void *pb)
{
	const struct block *a = pa, *b = pb;
	int c = u128_cmp(a->lo, b->lo);

	if (c == 0)
		c = -u128_cmp(a->hi, b->hi);
	if (c == 0)
		c = a->order < b->order ? -1 : a->order > b->order;
	return c;
}

static void
emit(struct family *f, struct u128 lo, struct u128 hi, uint32_t value)
{
	struct range *last = f->nranges > 0 ? &f->ranges[f->nranges - 1] : NULL;

	if (last != NULL && last->value == value && u128_cmp(u128_next(last->hi), lo) == 0) {
		last->hi = hi;
		return;
	}
	f->ranges[f->nranges].lo = lo;
	f->ranges[f->nranges].hi = hi;
	f->ranges[f->nranges++].value = value;
}

/*
 * Blocks either nest or are apart, so in sorted order they are a walk down
 * and up a tree: the stack holds the blocks around the cursor, innermost on
 * top, and each stretch of addresses goes to the block on top.
 */
static bool
flatten(struct family *f)
{
	struct block *stack[129 + 1];
	struct u128 cursor = { 0, 0 };
	bool past_end = false;
	size_t n = 0, depth = 0;

	if (f->nblocks == 0)
		return true;
	qsort(f->blocks, f->nblocks, sizeof(*f->blocks), block_cmp);
	for (size_t i = 0; i < f->nblocks; i++) {	/* of equal blocks, the last added */
		if (n > 0 && u128_cmp(f->blocks[n - 1].lo, f->blocks[i].lo) == 0 &&
		    u128_cmp(f->blocks[n - 1].hi, f->blocks[i].hi) == 0)
			f->blocks[n - 1] = f->blocks[i];
		else
			f->blocks[n++] = f->blocks[i];
	}
	f->nblocks = n;
	if ((f->ranges = reallocarray(NULL, 2 * n + 1, sizeof(*f->ranges))) == NULL)
		return false;
	for (size_t i = 0; i <= n; i++) {
		struct block *b = i < n ? &f->blocks[i] : NULL;

		/* Close the blocks that end before b (all of them after the last). */
		while (depth > 0 && (b == NULL || u128_cmp(stack[depth - 1]->hi, b->lo) < 0)) {
			struct block *top = stack[--depth];

			if (!past_end && u128_cmp(cursor, top->hi) <= 0) {
				emit(f, cursor, top->hi, top->value);
				if (u128_cmp(top->hi, U128_MAX) == 0)
					past_end = true;
				else
					cursor = u128_next(top->hi);
			}
		}
		if (b == NULL)
			break;
		if (depth > 0 && u128_cmp(cursor, b->lo) < 0)
			emit(f, cursor, u128_prev(b->lo), stack[depth - 1]->value);
		cursor = b->lo;
		stack[depth++] = b;
	}
	free(f->blocks);
	f->blocks = NULL;
	f->nblocks = f->cap = 0;
	return true;
}

bool
cidr_table_seal(struct cidr_table *t)
{
	return flatten(&t->v4) && flatten(&t->v6);
}

static bool
lookup(const struct family *f, struct u128 a, uint32_t *value)
{
	size_t lo = 0, hi = f->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u128_cmp(a, f->ranges[mid].lo) < 0)
			hi = mid;
		else if (u128_cmp(a, f->ranges[mid].hi) > 0)
			lo = mid + 1;
		else {
			*value = f->ranges[mid].value;
			return true;
		}
	}
	return false;
}

bool
cidr_lookup_v4(const struct cidr_table *t, uint32_t addr, uint32_t *value)
{
	struct u128 a = { 0, addr };

	return t != NULL && t->v4.nranges > 0 && lookup(&t->v4, a, value);
}

bool
cidr_lookup_v6(const struct cidr_table *t, const uint8_t addr[16], uint32_t *value)
{
	return t != NULL && t->v6.nranges > 0 && lookup(&t->v6, u128_of(addr), value);
}
