/* czds-zone-check.c -- checks gluescan's NDJSON for the synthetic zone line by line
 * against the model: each delegation exactly once, its status, its NS names
 * (and whether each is in-domain) and the glue of each in-domain name.
 *
 *   czds-zone check [MODEL] [--probed] [--seen-out FILE] [--seen-in FILE | --any] < verdicts.ndjson
 *
 * Status expected: `missing` for a domain with an in-domain NS name without
 * glue, else `delegated` (--parent-only), or `ok` with --probed (the children
 * answered by `czds-zone serve`). Without --seen-in every delegation of the
 * zone must have its line; with it, exactly those of the set a former check
 * wrote with --seen-out (a --shard's slice, whatever gluescan's slicing); with
 * --any, any number of them (but each at most once). With --probed a line
 * with status ok must have no problems either.
 * Prints a JSON summary; exits 1 when anything was wrong. */
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "czds-zone.h"

static const char *statuses[] = { "ok", "delegated", "missing", "mismatched", "lame", "nxdomain",
	"not_delegated", "error", "invalid" };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

struct tally {
	uint64_t lines, wrong, unknown, duplicate, absent, status, ns, glue, malformed;
	uint64_t per_status[NSTATUS + 1];	/* the last: any other */
	char first[300];	/* the first wrong line, cut */
};

/* The string value starting at p (after its opening quote): its length, up to the quote. */
static size_t
str_len(const char *p)
{
	const char *q = strchr(p, '"');

	return q ? (size_t)(q - p) : strlen(p);
}

/* After `key` in line from p: the position just past it, or NULL. */
static const char *
after(const char *p, const char *key)
{
	const char *q = strstr(p, key);

	return q ? q + strlen(key) : NULL;
}

/* From p at '{' or '[': past the matching close (no escapes in our names). */
static const char *
skip_nested(const char *p)
{
	int depth = 0;
	bool in_str = false;

	for (; *p; p++) {
		if (in_str) {
			in_str = *p != '"';
			continue;
		}
		if (*p == '"')
			in_str = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
	}
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The glue the model gives ns, as sorted text. */
static size_t
want_glue(const struct zns *ns, char out[2][INET6_ADDRSTRLEN])
{
	uint32_t a = htonl(ns->a);
	size_t n = 0;

	if (!ns->glue)
		return 0;
	inet_ntop(AF_INET, &a, out[n++], INET6_ADDRSTRLEN);
	if (ns->has_aaaa)
		inet_ntop(AF_INET6, ns->aaaa_addr, out[n++], INET6_ADDRSTRLEN);
	if (n == 2 && strcmp(out[0], out[1]) > 0) {
		char t[INET6_ADDRSTRLEN];

		memcpy(t, out[0], sizeof(t));
		memcpy(out[0], out[1], sizeof(t));
		memcpy(out[1], t, sizeof(t));
	}
	return n;
}

/* One "ns" object of the line at p ('{'): does it match one of d's NS names? Sets *end past it. */
static int
check_ns(const struct zdeleg *d, const char *p, const char **end, bool *matched, struct tally *t)
{
	const char *name, *q, *flag;
	size_t len, ng = 0;
	char got[4][INET6_ADDRSTRLEN], want[2][INET6_ADDRSTRLEN];
	char *gotp[4];
	int found = -1;

	if ((*end = skip_nested(p)) == NULL || strncmp(p, "{\"name\":\"", 9) != 0)
		return -1;
	name = p + 9;
	len = str_len(name);
	for (unsigned j = 0; j < d->nns; j++)
		if (!matched[j] && strlen(d->ns[j].name) == len && !memcmp(d->ns[j].name, name, len))
			found = (int)j;
	if (found < 0) {
		t->ns++;
		return 1;
	}
	matched[found] = true;
	q = name + len;
	flag = d->ns[found].in_domain ? "\",\"in_domain\":true" : "\",\"in_domain\":false";
	if (strncmp(q, flag, strlen(flag)) != 0) {
		t->ns++;
		return 1;
	}
	if (!d->ns[found].in_domain)
		return 0;
	if ((q = after(q, "\"glue\":[")) == NULL || q > *end)
		return -1;
	while (*q == '"' && ng < 4) {
		size_t l = str_len(q + 1);

		if (l >= INET6_ADDRSTRLEN)
			return -1;
		memcpy(got[ng], q + 1, l);
		got[ng][l] = '\0';
		gotp[ng] = got[ng];
		ng++;
		q += l + 2;
		q += *q == ',';
	}
	qsort(gotp, ng, sizeof(gotp[0]), cmp_str);
	if (ng != want_glue(&d->ns[found], want) || (ng > 0 && strcmp(gotp[0], want[0])) ||
	    (ng > 1 && strcmp(gotp[1], want[1]))) {
		t->glue++;
		return 1;
	}
	return 0;
}

/* Is the rest of the line (its "ns" array) d's NS set? 0: yes, 1: no, -1: not parsed. */
static int
check_ns_set(const struct zdeleg *d, const char *line, struct tally *t)
{
	bool matched[ZMAX_NS] = { false };
	const char *p = after(line, "\"ns\":[");
	unsigned n = 0;

	if (p == NULL)
		return -1;
	while (*p == '{') {
		const char *end;
		int r = check_ns(d, p, &end, matched, t);

		if (r != 0)
			return r;
		n++;
		p = end + (*end == ',');
	}
	if (*p != ']')
		return -1;
	if (n != d->nns) {
		t->ns++;
		return 1;
	}
	return 0;
}

static void
wrong(struct tally *t, const char *line)
{
	if (t->wrong++ == 0)
		strlcpy(t->first, line, sizeof(t->first));
}

/* One line; its delegation marked in seen. */
static void
check_line(const struct zmodel *m, char *line, bool probed, const uint8_t *expect, uint8_t *seen,
    struct tally *t)
{
	const char *dom = after(line, "{\"domain\":\""), *st, *dot;
	size_t dlen, slen, k;
	int64_t i;
	struct zdeleg d;
	int r;

	t->lines++;
	if (dom == NULL || (st = after(dom, "\",\"status\":\"")) == NULL) {
		t->malformed++;
		wrong(t, line);
		return;
	}
	dlen = str_len(dom);
	slen = str_len(st);
	for (k = 0; k < NSTATUS; k++)
		if (strlen(statuses[k]) == slen && !memcmp(statuses[k], st, slen))
			break;
	t->per_status[k]++;
	dot = memchr(dom, '.', dlen);
	if (dot == NULL || strlen(m->tld) != dlen - (size_t)(dot - dom) - 1 ||
	    memcmp(dot + 1, m->tld, strlen(m->tld)) != 0 ||
	    (i = zmodel_index(m, dom, (size_t)(dot - dom))) < 0 ||
	    (expect != NULL && !(expect[i / 8] & 1 << i % 8))) {
		t->unknown++;
		wrong(t, line);
		return;
	}
	if (seen[i / 8] & 1 << i % 8) {
		t->duplicate++;
		wrong(t, line);
		return;
	}
	seen[i / 8] |= (uint8_t)(1 << i % 8);
	zmodel_deleg(m, (uint64_t)i, &d);
	if (k != (d.missing ? 2 : probed ? 0 : 1)) {
		t->status++;
		wrong(t, line);
		return;
	}
	if (probed && k == 0 && strstr(st, "\"problems\":[]") == NULL) {
		t->status++;
		wrong(t, line);
		return;
	}
	if ((r = check_ns_set(&d, st, t)) != 0) {
		t->malformed += r < 0;
		wrong(t, line);
	}
}

static uint8_t *
read_set(const char *path, size_t bytes)
{
	FILE *f = fopen(path, "r");
	uint8_t *set = malloc(bytes);

	if (f == NULL)
		err(2, "%s", path);
	if (set == NULL)
		err(1, "malloc");
	if (fread(set, 1, bytes, f) != bytes || fgetc(f) != EOF)
		errx(2, "%s: not a set of this zone's delegations", path);
	fclose(f);
	return set;
}

static void
write_set(const char *path, const uint8_t *set, size_t bytes)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(set, 1, bytes, f) != bytes || fclose(f) != 0)
		err(1, "%s", path);
}

static void
print_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

int
czds_check(const struct zmodel *m, int argc, char **argv)
{
	const char *seen_out = NULL, *seen_in = NULL;
	bool probed = false, any = false;
	size_t bytes = (size_t)(m->n + 7) / 8, cap = 0;
	uint8_t *seen, *expect = NULL;
	uint64_t want = m->n;
	struct tally t;
	char *line = NULL;
	ssize_t len;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--probed"))
			probed = true;
		else if (!strcmp(argv[i], "--seen-out") && i + 1 < argc)
			seen_out = argv[++i];
		else if (!strcmp(argv[i], "--any"))
			any = true;
		else if (!strcmp(argv[i], "--seen-in") && i + 1 < argc)
			seen_in = argv[++i];
		else
			errx(2, "check: unknown option '%s'", argv[i]);
	}
	memset(&t, 0, sizeof(t));
	if ((seen = calloc(1, bytes)) == NULL)
		err(1, "calloc");
	if (seen_in != NULL) {
		expect = read_set(seen_in, bytes);
		want = 0;
		for (size_t k = 0; k < bytes; k++)
			want += (uint64_t)__builtin_popcount(expect[k]);
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		line[len - 1] = line[len - 1] == '\n' ? '\0' : line[len - 1];
		check_line(m, line, probed, expect, seen, &t);
	}
	for (size_t k = 0; k < bytes; k++)
		t.absent += (uint64_t)__builtin_popcount(seen[k]);
	t.absent = any ? 0 : want - t.absent;
	t.wrong += t.absent;
	if (seen_out != NULL)
		write_set(seen_out, seen, bytes);
	printf("{\"lines\": %llu, \"expected\": %llu, \"wrong\": %llu, \"absent\": %llu, \"unknown\": %llu,"
	    " \"duplicate\": %llu, \"wrong_status\": %llu, \"wrong_ns\": %llu, \"wrong_glue\": %llu,"
	    " \"malformed\": %llu, \"statuses\": {", (unsigned long long)t.lines, (unsigned long long)want,
	    (unsigned long long)t.wrong, (unsigned long long)t.absent, (unsigned long long)t.unknown,
	    (unsigned long long)t.duplicate, (unsigned long long)t.status, (unsigned long long)t.ns,
	    (unsigned long long)t.glue, (unsigned long long)t.malformed);
	for (size_t k = 0, first = 1; k <= NSTATUS; k++) {
		if (t.per_status[k] == 0)
			continue;
		printf("%s\"%s\": %llu", first ? "" : ", ", k < NSTATUS ? statuses[k] : "other",
		    (unsigned long long)t.per_status[k]);
		first = 0;
	}
	printf("}, \"first_wrong\": ");
	print_json_str(t.first);
	printf("}\n");
	free(line);
	free(seen);
	free(expect);
	return t.wrong != 0;
}
