/* conf-masterfile.c -- a reader for RFC 1035 master files: what hints and registry zone files use. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "masterfile.h"

#define MAX_FIELDS 16
#define MAX_RECORD 4096

struct reader {
	FILE *f;
	const char *name;
	unsigned line, record_line;
	char *err;
	size_t errlen;
	char *buf;		/* getline's, kept across lines */
	size_t bufcap;
	struct dname origin, last_owner;
	bool have_origin, have_owner;
	mf_bad_fn *bad;		/* NULL: a record that does not parse ends the reading */
	void *bad_ctx;
	size_t reason_at;	/* where the reason starts in err, after "name:line: " */
};

static bool
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, r->errlen, "%s:%u: ", r->name, r->record_line);

	r->reason_at = n >= 0 && (size_t)n < r->errlen ? (size_t)n : 0;
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
	char *line;
	size_t used = 0;
	int depth = 0;
	ssize_t got;

	out[0] = '\0';
	while ((got = getline(&r->buf, &r->bufcap, r->f)) != -1) {
		line = r->buf;
		r->line++;
		if (depth == 0) {
			r->record_line = r->line;
			*starts_blank = got > 0 && (line[0] == ' ' || line[0] == '\t');
		}
		if (memchr(line, '\0', (size_t)got) != NULL) {
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
				fail(r, "unbalanced ')'");
				return -1;
			}
			if (used + 2 >= cap) {
				fail(r, "record longer than %zu bytes", cap);
				return -1;
			}
			out[used++] = c == '\t' ? ' ' : c;
		}
		if (used == 0 || out[used - 1] != ' ')	/* blank lines take no room */
			out[used++] = ' ';
		out[used] = '\0';
		if (depth == 0)
			return 1;
	}
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

/* Absolute as written, relative to $ORIGIN, or '@'. */
static bool
parse_name(struct reader *r, const char *text, struct dname *out)
{
	char buf[DNAME_TEXT_MAX + 2], origin[DNAME_TEXT_MAX + 2];
	size_t n = strlen(text);
	int len;

	if (strcmp(text, "@") == 0) {
		if (!r->have_origin)
			return fail(r, "'@' without a $ORIGIN");
		*out = r->origin;
		return true;
	}
	if (n > 0 && text[n - 1] == '.') {
		if (dname_from_text(text, out))
			return true;
		return fail(r, "bad name '%s'", text);
	}
	if (!r->have_origin)
		return fail(r, "name '%s' is relative; write it with a trailing dot or give a $ORIGIN", text);
	dname_text(&r->origin, origin);
	if (r->origin.len > 1)
		len = snprintf(buf, sizeof(buf), "%s.%s.", text, origin);
	else
		len = snprintf(buf, sizeof(buf), "%s.", text);	/* origin is the root */
	if (len < 0 || (size_t)len >= sizeof(buf) || !dname_from_text(buf, out))
		return fail(r, "bad name '%s'", text);
	return true;
}

static bool
parse_record(struct reader *r, char **f, int nf, bool owner_omitted, mf_record_fn *fn, void *ctx)
{
	struct mf_record rec;
	int i = 0;
	bool in_class = true;

	memset(&rec, 0, sizeof(rec));
	if (owner_omitted) {
		if (!r->have_owner)
			return fail(r, "record without an owner name");
		rec.owner = r->last_owner;
	} else {
		if (!parse_name(r, f[i++], &rec.owner))
			return false;
		r->last_owner = rec.owner;
		r->have_owner = true;
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
	} else if (strcasecmp(type, "SOA") == 0) {
		if (rdata < 2)
			return fail(r, "SOA needs its server and mailbox names");
		rec.type = DNS_TYPE_SOA;
		if (!parse_name(r, f[i], &rec.target))
			return false;
	} else if (isdigit((unsigned char)type[0])) {
		return fail(r, "'%s' is not a record type", type);
	} else {
		rec.type = MF_TYPE_OTHER;	/* DS, RRSIG, TXT, ...: the name exists */
	}
	return fn(ctx, &rec) || fail(r, "out of memory");
}

static bool
directive(struct reader *r, char **f, int nf)
{
	if (strcasecmp(f[0], "$TTL") == 0)
		return true;
	if (strcasecmp(f[0], "$ORIGIN") == 0) {
		struct dname origin;

		if (nf != 2)
			return fail(r, "$ORIGIN needs one name");
		if (!parse_name(r, f[1], &origin))
			return false;
		r->origin = origin;
		r->have_origin = true;
		return true;
	}
	return fail(r, "directive %s is not supported", f[0]);
}

static bool
read_all(struct reader *r, mf_record_fn *fn, void *ctx);

bool
masterfile_read(FILE *f, const char *name, mf_record_fn *fn, void *ctx, char *err, size_t errlen)
{
	struct reader r = { .f = f, .name = name, .err = err, .errlen = errlen };

	return read_all(&r, fn, ctx);
}

bool
masterfile_read_skipping(FILE *f, const char *name, mf_record_fn *fn, mf_bad_fn *bad, void *ctx,
    char *err, size_t errlen)
{
	struct reader r = { .f = f, .name = name, .err = err, .errlen = errlen, .bad = bad,
	    .bad_ctx = ctx };

	return read_all(&r, fn, ctx);
}

static bool
read_all(struct reader *r, mf_record_fn *fn, void *ctx)
{
	char *record = malloc(MAX_RECORD), *fields[MAX_FIELDS];
	bool ok = true, blank;
	int got = 0;

	if (record == NULL)
		return fail(r, "out of memory");
	while (ok && (got = read_record(r, record, MAX_RECORD, &blank)) == 1) {
		int nf = split(record, fields);

		if (nf == 0)
			continue;
		if (fields[0][0] == '$') {
			ok = directive(r, fields, nf);
		} else if (!(ok = parse_record(r, fields, nf, blank, fn, ctx)) && r->bad != NULL &&
		    strcmp(r->err + r->reason_at, "out of memory") != 0) {
			r->bad(r->bad_ctx, r->record_line, r->err + r->reason_at);
			ok = true;
		}
	}
	if (ok && got < 0)
		ok = false;
	free(record);
	free(r->buf);
	return ok;
}
