/* conf-exclude.c -- the --exclude file, kept as a name tree and sorted IPv4 and IPv6 ranges. */
#include <arpa/inet.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/tree.h>

#include "addr.h"
#include "exclude.h"

struct excluded_name {
	RB_ENTRY(excluded_name) link;
	struct dname name;
};

int excluded_name_cmp(struct excluded_name *a, struct excluded_name *b);

int
excluded_name_cmp(struct excluded_name *a, struct excluded_name *b)
{
	return dname_compare(&a->name, &b->name);
}

RB_HEAD(name_tree, excluded_name);
RB_PROTOTYPE(name_tree, excluded_name, link, excluded_name_cmp)
RB_GENERATE(name_tree, excluded_name, link, excluded_name_cmp)

struct range {
	uint32_t lo, hi;
};

/* An IPv6 address as two 64-bit halves, so ranges sort and merge as IPv4 ones do. */
struct u128 {
	uint64_t hi, lo;
};

struct range6 {
	struct u128 lo, hi;
};

struct exclude {
	struct name_tree names;
	struct range *ranges;
	size_t nranges, cap;
	struct range6 *ranges6;
	size_t nranges6, cap6;
};

static int
u128_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
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

/* b <= a + 1: a range ending at a and one starting at b overlap or touch. */
static bool
u128_touches(struct u128 a, struct u128 b)
{
	struct u128 next = { a.hi + (a.lo == UINT64_MAX), a.lo + 1 };

	return (a.hi == UINT64_MAX && a.lo == UINT64_MAX) || u128_cmp(b, next) <= 0;
}

static bool
add_range6(struct exclude *x, struct u128 lo, struct u128 hi)
{
	if (x->nranges6 == x->cap6) {
		size_t cap = x->cap6 ? x->cap6 * 2 : 16;
		struct range6 *r = reallocarray(x->ranges6, cap, sizeof(*r));

		if (r == NULL)
			return false;
		x->ranges6 = r;
		x->cap6 = cap;
	}
	x->ranges6[x->nranges6].lo = lo;
	x->ranges6[x->nranges6++].hi = hi;
	return true;
}

static int
range6_cmp(const void *a, const void *b)
{
	return u128_cmp(((const struct range6 *)a)->lo, ((const struct range6 *)b)->lo);
}

static void
normalise6(struct exclude *x)
{
	size_t out = 0;

	if (x->nranges6 == 0)
		return;
	qsort(x->ranges6, x->nranges6, sizeof(*x->ranges6), range6_cmp);
	for (size_t i = 0; i < x->nranges6; i++) {
		if (out > 0 && u128_touches(x->ranges6[out - 1].hi, x->ranges6[i].lo)) {
			if (u128_cmp(x->ranges6[i].hi, x->ranges6[out - 1].hi) > 0)
				x->ranges6[out - 1].hi = x->ranges6[i].hi;
		} else {
			x->ranges6[out++] = x->ranges6[i];
		}
	}
	x->nranges6 = out;
}

/* The block of `bits` leading bits of a. */
static bool
add_block6(struct exclude *x, const uint8_t a[16], long bits)
{
	struct u128 v = u128_of(a), mask, lo, hi;

	mask.hi = bits == 0 ? 0 : bits >= 64 ? UINT64_MAX : ~(uint64_t)0 << (64 - bits);
	mask.lo = bits <= 64 ? 0 : bits == 128 ? UINT64_MAX : ~(uint64_t)0 << (128 - bits);
	lo.hi = v.hi & mask.hi;
	lo.lo = v.lo & mask.lo;
	hi.hi = lo.hi | ~mask.hi;
	hi.lo = lo.lo | ~mask.lo;
	return add_range6(x, lo, hi);
}

static bool
add_range(struct exclude *x, uint32_t lo, uint32_t hi)
{
	if (x->nranges == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct range *r = reallocarray(x->ranges, cap, sizeof(*r));

		if (r == NULL)
			return false;
		x->ranges = r;
		x->cap = cap;
	}
	x->ranges[x->nranges].lo = lo;
	x->ranges[x->nranges++].hi = hi;
	return true;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *ra = a, *rb = b;

	return ra->lo < rb->lo ? -1 : ra->lo > rb->lo;
}

/* Sort and merge overlapping ranges so one binary search answers. */
static void
normalise(struct exclude *x)
{
	size_t out = 0;

	if (x->nranges == 0)
		return;		/* qsort of NULL, even of nothing, is undefined */
	qsort(x->ranges, x->nranges, sizeof(*x->ranges), range_cmp);
	for (size_t i = 0; i < x->nranges; i++) {
		if (out > 0 && x->ranges[i].lo <= x->ranges[out - 1].hi + 1ULL) {
			if (x->ranges[i].hi > x->ranges[out - 1].hi)
				x->ranges[out - 1].hi = x->ranges[i].hi;
		} else {
			x->ranges[out++] = x->ranges[i];
		}
	}
	x->nranges = out;
}

/* An address or CIDR block, of either family. */
static bool
parse_block(struct exclude *x, char *text)
{
	char *slash = strchr(text, '/');
	struct addr a;
	long bits;

	if (slash != NULL)
		*slash = '\0';
	if (!addr_parse(text, &a))
		return false;
	if (slash == NULL)
		bits = a.family == AF_INET ? 32 : 128;
	else {
		char *end;

		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || bits < 0 || bits > (a.family == AF_INET ? 32 : 128))
			return false;
	}
	if (a.family == AF_INET6)
		return add_block6(x, a.bytes, bits);
	uint32_t v = addr_v4(&a), mask = bits == 0 ? 0 : ~(uint32_t)0 << (32 - bits);

	return add_range(x, v & mask, (v & mask) | ~mask);
}

static bool
looks_like_address(const char *s)
{
	return strchr(s, ':') != NULL || strchr(s, '/') != NULL ||
	    strspn(s, "0123456789.") == strlen(s);
}

struct exclude *
exclude_read(FILE *f, const char *name, char *err, size_t errlen)
{
	struct exclude *x = calloc(1, sizeof(*x));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;

	if (x == NULL)
		errx(1, "out of memory");
	RB_INIT(&x->names);
	while ((len = getline(&line, &cap, f)) != -1) {
		char *s = line, *hash;
		struct excluded_name *e;
		const char *why;

		lineno++;
		if ((hash = strchr(s, '#')) != NULL)
			*hash = '\0';
		s += strspn(s, " \t");
		s[strcspn(s, " \t\r\n")] = '\0';
		if (*s == '\0')
			continue;
		if (looks_like_address(s)) {
			if (!parse_block(x, s)) {
				snprintf(err, errlen, "%s:%u: '%s' is not an address or CIDR block", name, lineno, s);
				goto fail;
			}
			continue;
		}
		if ((e = calloc(1, sizeof(*e))) == NULL)
			errx(1, "out of memory");
		if (!dname_from_input(s, strlen(s), &e->name, &why)) {
			snprintf(err, errlen, "%s:%u: '%s': %s", name, lineno, s, why);
			free(e);
			goto fail;
		}
		if (RB_INSERT(name_tree, &x->names, e) != NULL)
			free(e);
	}
	free(line);
	normalise(x);
	normalise6(x);
	return x;
fail:
	free(line);
	exclude_free(x);
	return NULL;
}

void
exclude_free(struct exclude *x)
{
	struct excluded_name *e, *next;

	if (x == NULL)
		return;
	RB_FOREACH_SAFE(e, name_tree, &x->names, next) {
		RB_REMOVE(name_tree, &x->names, e);
		free(e);
	}
	free(x->ranges);
	free(x->ranges6);
	free(x);
}

bool
exclude_domain(const struct exclude *x, const struct dname *name)
{
	struct excluded_name key;
	int labels = dname_label_count(name);

	if (x == NULL || RB_EMPTY(&x->names))
		return false;
	for (int strip = 0; strip < labels; strip++) {
		if (!dname_strip(name, strip, &key.name))
			break;
		if (RB_FIND(name_tree, (struct name_tree *)&x->names, &key) != NULL)
			return true;
	}
	return false;
}

bool
exclude_v4(const struct exclude *x, uint32_t addr)
{
	size_t lo = 0, hi;

	if (x == NULL)
		return false;
	hi = x->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < x->ranges[mid].lo)
			hi = mid;
		else if (addr > x->ranges[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

bool
exclude_v6(const struct exclude *x, const uint8_t addr[16])
{
	struct u128 a;
	size_t lo = 0, hi;

	if (x == NULL || x->nranges6 == 0)
		return false;
	a = u128_of(addr);
	hi = x->nranges6;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u128_cmp(a, x->ranges6[mid].lo) < 0)
			hi = mid;
		else if (u128_cmp(a, x->ranges6[mid].hi) > 0)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}
