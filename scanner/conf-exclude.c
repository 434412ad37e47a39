/* conf-exclude.c -- the --exclude file, kept as a name tree and a table of address blocks. */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/tree.h>

#include "cidr.h"
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

struct exclude {
	struct name_tree names;
	struct cidr_table *blocks;
};

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

	if (x == NULL || (x->blocks = cidr_table_new()) == NULL)
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
			struct cidr c;

			if (!cidr_parse(s, &c)) {
				snprintf(err, errlen, "%s:%u: '%s' is not an address or CIDR block", name, lineno, s);
				goto fail;
			}
			if (!cidr_table_add(x->blocks, &c, 0))
				errx(1, "out of memory");
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
	if (!cidr_table_seal(x->blocks))
		errx(1, "out of memory");
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
	cidr_table_free(x->blocks);
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
	uint32_t v;

	return x != NULL && cidr_lookup_v4(x->blocks, addr, &v);
}

bool
exclude_v6(const struct exclude *x, const uint8_t addr[16])
{
	uint32_t v;

	return x != NULL && cidr_lookup_v6(x->blocks, addr, &v);
}
