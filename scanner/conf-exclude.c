/* conf-exclude.c -- the --exclude file, kept as a name tree and sorted IPv4 ranges. */
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

struct exclude {
	struct name_tree names;
	struct range *ranges;
	size_t nranges, cap;
};

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

/* An address or CIDR; IPv6 ones are accepted and never match (IPv4 is probed). */
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
	if (a.family != AF_INET)
		return true;
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
