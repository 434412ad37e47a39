/* conf-hints.c -- reader for the --parents file (a subset of RFC 1035 master files). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "hints.h"

#define MAX_FIELDS 16
#define MAX_RECORD 4096

struct reader {
	FILE *f;
	const char *name;
	unsigned line, record_line;
	char *err;
	size_t errlen;
};

static bool
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, r->errlen, "%s:%u: ", r->name, r->record_line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Read one logical record: physical lines joined while parentheses are open,
 * comments removed, parentheses replaced by blanks. *starts_blank tells
 * whether the record's first line began with white space (owner omitted).
 * Returns 1 for a record, 0 at end of file, -1 on error.
 */
static int
read_record(struct reader *r, char *out, size_t cap, bool *starts_blank)
{
	char *line = NULL;
	size_t linecap = 0, used = 0;
	int depth = 0;
	ssize_t got;

	out[0] = '\0';
	while ((got = getline(&line, &linecap, r->f)) != -1) {
		r->line++;
		if (depth == 0) {
			r->record_line = r->line;
			*starts_blank = got > 0 && (line[0] == ' ' || line[0] == '\t');
		}
		if (memchr(line, '\0', (size_t)got) != NULL) {
			free(line);
			r->record_line = r->line;
			fail(r, "NUL byte in line");
			return -1;
		}
		for (ssize_t i = 0; i < got; i++) {
			char c = line[i];

			if (c == ';' || c == '\n' || c == '\r')
				break;
			if (c == '(' || c == ')') {
				depth += c == '(' ? 1 : -1;
				c = ' ';
			}
			if (depth < 0) {
				free(line);
				fail(r, "unbalanced ')'");
				return -1;
			}
			if (used + 2 >= cap) {
				free(line);
				fail(r, "record longer than %zu bytes", cap);
				return -1;
			}
			out[used++] = c == '\t' ? ' ' : c;
		}
		if (used == 0 || out[used - 1] != ' ')	/* blank lines take no room */
			out[used++] = ' ';
		out[used] = '\0';
		if (depth == 0) {
			free(line);
			return 1;
		}
	}
	free(line);
	if (ferror(r->f)) {
		fail(r, "read error: %s", strerror(errno));
		return -1;
	}
	if (depth > 0) {
		fail(r, "'(' not closed before end of file");
		return -1;
	}
	return 0;
}

/* Fields past MAX_FIELDS are dropped: only types that are skipped have so many. */
static int
split(char *s, char *fields[MAX_FIELDS])
{
	int n = 0;

	for (char *tok = strtok(s, " "); tok != NULL && n < MAX_FIELDS; tok = strtok(NULL, " "))
		fields[n++] = tok;
	return n;
}

static bool
is_ttl(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool
is_class(const char *s)
{
	return strcasecmp(s, "IN") == 0 || strcasecmp(s, "CH") == 0 ||
	    strcasecmp(s, "HS") == 0 || strcasecmp(s, "CS") == 0;
}

static bool
add_hint(struct reader *r, struct hints *h, const struct hint *rec)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct hint *v = reallocarray(h->v, cap, sizeof(*v));

		if (v == NULL)
			return fail(r, "out of memory");
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *rec;
	return true;
}

static bool
parse_name(struct reader *r, const char *text, struct dname *out)
{
	if (dname_from_text(text, out))
		return true;
	if (text[0] != '\0' && text[strlen(text) - 1] != '.' && strcmp(text, "@") != 0)
		return fail(r, "name '%s' is relative; write it with a trailing dot", text);
	return fail(r, "bad name '%s'", text);
}

static bool
parse_record(struct reader *r, char **f, int nf, bool owner_omitted,
    struct dname *last_owner, bool *have_owner, struct hints *h)
{
	struct hint rec;
	int i = 0;
	bool in_class = true;

	memset(&rec, 0, sizeof(rec));
	if (owner_omitted) {
		if (!*have_owner)
			return fail(r, "record without an owner name");
		rec.owner = *last_owner;
	} else {
		if (!parse_name(r, f[i++], &rec.owner))
			return false;
		*last_owner = rec.owner;
		*have_owner = true;
	}
	/* [ttl] [class] or [class] [ttl], then the type. */
	for (int k = 0; k < 2 && i < nf; k++) {
		if (is_ttl(f[i]))
			i++;
		else if (is_class(f[i]))
			in_class = strcasecmp(f[i++], "IN") == 0;
	}
	if (i >= nf)
		return fail(r, "record has no type");
	const char *type = f[i++];
	int rdata = nf - i;

	if (!in_class)
		return true;
	if (strcasecmp(type, "NS") == 0) {
		if (rdata != 1)
			return fail(r, "NS needs exactly one name");
		rec.type = DNS_TYPE_NS;
		if (!parse_name(r, f[i], &rec.target))
			return false;
	} else if (strcasecmp(type, "A") == 0 || strcasecmp(type, "AAAA") == 0) {
		bool v6 = strcasecmp(type, "AAAA") == 0;

		if (rdata != 1)
			return fail(r, "%s needs exactly one address", type);
		rec.type = v6 ? DNS_TYPE_AAAA : DNS_TYPE_A;
		if (!addr_parse(f[i], &rec.addr) ||
		    rec.addr.family != (v6 ? AF_INET6 : AF_INET))
			return fail(r, "bad %s address '%s'", type, f[i]);
	} else if (isdigit((unsigned char)type[0])) {
		return fail(r, "'%s' is not a record type", type);
	} else {
		return true;	/* SOA, DS, RRSIG, ...: not needed for hints */
	}
	return add_hint(r, h, &rec);
}

bool
hints_read(FILE *f, const char *name, struct hints *out, char *err, size_t errlen)
{
	struct reader r = { f, name, 0, 0, err, errlen };
	char *record = malloc(MAX_RECORD), *fields[MAX_FIELDS];
	struct dname last_owner;
	bool have_owner = false, ok = true, blank;
	int got = 0;

	memset(out, 0, sizeof(*out));
	if (record == NULL)
		return fail(&r, "out of memory");
	while (ok && (got = read_record(&r, record, MAX_RECORD, &blank)) == 1) {
		int nf = split(record, fields);

		if (nf == 0)
			continue;
		else if (fields[0][0] == '$') {
			if (strcasecmp(fields[0], "$TTL") != 0)
				ok = fail(&r, "directive %s is not supported", fields[0]);
		} else
			ok = parse_record(&r, fields, nf, blank, &last_owner, &have_owner, out);
	}
	if (ok && got < 0)
		ok = false;
	free(record);
	if (!ok)
		hints_free(out);
	return ok;
}

bool
hints_first_server(const struct hints *h, struct addr *out)
{
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].type != DNS_TYPE_NS)
			continue;
		for (size_t j = 0; j < h->n; j++) {
			if (h->v[j].type == DNS_TYPE_A && dname_equal(&h->v[j].owner, &h->v[i].target)) {
				if (out != NULL)
					*out = h->v[j].addr;
				return true;
			}
		}
	}
	return false;
}

void
hints_free(struct hints *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
