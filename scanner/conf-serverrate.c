/* conf-serverrate.c -- per-server caps: the default, the blocks of a --server-rate file, divided among shards. */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "serverrate.h"

struct server_rates {
	double dflt;			/* one shard's part, as all the caps here */
	unsigned shards;
	struct cidr_table *blocks;	/* value: index into caps */
	double *caps;
	size_t ncaps, cap;
};

double
server_rate_share(double cap, unsigned shards)
{
	double share;

	if (cap <= 0)
		return 0;
	/* In thousandths, nudged so that a decimal such as 0.3 is not a hair under itself. */
	share = (double)(uint64_t)(cap * 1000 / (shards > 0 ? shards : 1) + 1e-6) / 1000;
	return share < SERVER_RATE_MIN ? SERVER_RATE_MIN : share;
}

struct server_rates *
server_rates_new(double dflt, unsigned shards)
{
	struct server_rates *r = calloc(1, sizeof(*r));

	if (r == NULL)
		err(1, "out of memory");
	r->shards = shards;
	r->dflt = server_rate_share(dflt, shards);
	return r;
}

void
server_rates_free(struct server_rates *r)
{
	if (r == NULL)
		return;
	cidr_table_free(r->blocks);
	free(r->caps);
	free(r);
}

static bool
parse_pps(const char *s, double *out)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || v > SERVER_RATE_MAX || (v > 0 && v < SERVER_RATE_MIN))
		return false;
	*out = v;
	return true;
}

static void
add_cap(struct server_rates *r, const struct cidr *c, double pps)
{
	if (r->ncaps == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		double *v = reallocarray(r->caps, cap, sizeof(*v));

		if (v == NULL)
			err(1, "out of memory");
		r->caps = v;
		r->cap = cap;
	}
	r->caps[r->ncaps] = server_rate_share(pps, r->shards);
	if (!cidr_table_add(r->blocks, c, (uint32_t)r->ncaps++))
		err(1, "out of memory");
}

bool
server_rates_read(struct server_rates *r, FILE *f, const char *name, char *errbuf, size_t errlen)
{
	char *line = NULL;
	size_t linecap = 0;
	unsigned lineno = 0;
	bool ok = false;

	if (r->blocks == NULL && (r->blocks = cidr_table_new()) == NULL)
		err(1, "out of memory");
	while (getline(&line, &linecap, f) != -1) {
		char *words[3], *s = line;
		struct cidr c;
		double pps;
		int n = 0;

		lineno++;
		s[strcspn(s, "#\r\n")] = '\0';
		while (n < 3 && (words[n] = strsep(&s, " \t")) != NULL)
			if (*words[n] != '\0')
				n++;
		if (n == 0)
			continue;
		if (n != 2) {
			snprintf(errbuf, errlen, "%s:%u: want 'CIDR PPS' (e.g. '192.0.2.0/24 500')", name, lineno);
			goto out;
		}
		if (!cidr_parse(words[0], &c)) {
			snprintf(errbuf, errlen, "%s:%u: '%s' is not an address or CIDR block", name, lineno,
			    words[0]);
			goto out;
		}
		if (!parse_pps(words[1], &pps)) {
			snprintf(errbuf, errlen, "%s:%u: '%s' is not a rate: packets a second, 0 (no cap) "
			    "or from 0.001 to 10000000", name, lineno, words[1]);
			goto out;
		}
		add_cap(r, &c, pps);
	}
	if (ferror(f)) {
		snprintf(errbuf, errlen, "%s: read error", name);
		goto out;
	}
	if (!cidr_table_seal(r->blocks))
		err(1, "out of memory");
	ok = true;
out:
	free(line);
	return ok;
}

double
server_rate_v4(const struct server_rates *r, uint32_t addr)
{
	uint32_t i;

	return cidr_lookup_v4(r->blocks, addr, &i) ? r->caps[i] : r->dflt;
}

double
server_rate_v6(const struct server_rates *r, const uint8_t addr[16])
{
	uint32_t i;

	return cidr_lookup_v6(r->blocks, addr, &i) ? r->caps[i] : r->dflt;
}
