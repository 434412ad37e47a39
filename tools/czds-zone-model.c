/* czds-zone-model.c -- the synthetic zone's delegations, each a function of (seed, index):
 * a .com-like mix of NS names at Zipf-distributed providers (most outside the
 * zone, some inside it with glue), self-hosted domains with glue, DS records. */
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "czds-zone.h"

#define NS_TTL "172800"

/* splitmix64's finaliser */
uint64_t
zmodel_hash(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ x >> 30) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ x >> 27) * 0x94d049bb133111ebULL;
	return x ^ x >> 31;
}

/* Independent draws for index i: one per salt. */
static uint64_t
draw(const struct zmodel *m, uint64_t i, unsigned salt)
{
	return zmodel_hash(m->seed ^ zmodel_hash(i * 64 + salt));
}

static double
unit(uint64_t h)
{
	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

void
zmodel_defaults(struct zmodel *m)
{
	memset(m, 0, sizeof(*m));
	m->n = 1000000;
	m->seed = 1;
	strlcpy(m->tld, "com", sizeof(m->tld));
	m->glue = 0.02;
	m->missing = 0.05;
	m->ds = 0.05;
	m->aaaa = 0.2;
	m->providers = 4000;
	m->pool_base = 0x01000000;		/* 1.0.0.0 - 223.255.255.255 */
	m->pool_size = 0xdf000000ULL - 0x01000000ULL;
}

static double
share(const char *opt, const char *v)
{
	char *end;
	double x = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || !(x >= 0 && x <= 1))
		errx(2, "%s '%s': a share between 0 and 1", opt, v);
	return x;
}

static uint64_t
count(const char *opt, const char *v, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long x = strtoull(v, &end, 10);

	if (*v < '0' || *v > '9' || *end != '\0' || x < lo || x > hi)
		errx(2, "%s '%s': a number from %llu to %llu", opt, v,
		    (unsigned long long)lo, (unsigned long long)hi);
	return x;
}

static void
set_pool(struct zmodel *m, const char *v)
{
	char buf[64], *slash;
	struct in_addr a;
	unsigned long bits;

	strlcpy(buf, v, sizeof(buf));
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (slash == NULL || inet_pton(AF_INET, buf, &a) != 1)
		errx(2, "--pool '%s': an IPv4 prefix, e.g. 127.55.2.0/26", v);
	bits = (unsigned long)count("--pool length", slash + 1, 8, 30);
	m->pool_size = (1ULL << (32 - bits)) - 2;	/* no network or broadcast address */
	m->pool_base = (ntohl(a.s_addr) & ~(uint32_t)(((1ULL << (32 - bits)) - 1))) + 1;
}

int
zmodel_option(struct zmodel *m, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v;

	if (strcmp(o, "-n") && strcmp(o, "--seed") && strcmp(o, "--tld") && strcmp(o, "--glue") &&
	    strcmp(o, "--missing") && strcmp(o, "--ds") && strcmp(o, "--aaaa") &&
	    strcmp(o, "--providers") && strcmp(o, "--pool"))
		return 0;
	if (*i + 1 >= argc)
		errx(2, "%s needs a value", o);
	v = argv[++*i];
	if (!strcmp(o, "-n"))
		m->n = count(o, v, 1, 10000000000ULL);
	else if (!strcmp(o, "--seed"))
		m->seed = count(o, v, 0, UINT64_MAX);
	else if (!strcmp(o, "--tld")) {
		for (const char *p = v; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
				errx(2, "--tld '%s': one lowercase label", v);
		if (*v == '\0' || strlcpy(m->tld, v, sizeof(m->tld)) >= sizeof(m->tld))
			errx(2, "--tld '%s': one label of 1-47 characters", v);
	} else if (!strcmp(o, "--glue"))
		m->glue = share(o, v);
	else if (!strcmp(o, "--missing"))
		m->missing = share(o, v);
	else if (!strcmp(o, "--ds"))
		m->ds = share(o, v);
	else if (!strcmp(o, "--aaaa"))
		m->aaaa = share(o, v);
	else if (!strcmp(o, "--providers"))
		m->providers = (uint32_t)count(o, v, 1, 1000000);
	else
		set_pool(m, v);
	return 1;
}

void
zmodel_init(struct zmodel *m)
{
	double room, sum = 0;

	strlcpy(m->ext, strcmp(m->tld, "net") ? "net" : "org", sizeof(m->ext));
	/* room for the in-zone providers' slots: at most one domain in four */
	if (m->providers > m->n / 4)
		m->providers = m->n / 4 ? (uint32_t)(m->n / 4) : 1;
	m->width = 3;
	for (room = 26 * 26 * 26; room < 4.0 * (double)m->n; room *= 26)
		m->width++;
	m->stride = (uint64_t)(room / (double)m->n);
	if ((m->cdf = calloc(m->providers, sizeof(double))) == NULL)
		err(1, "calloc");
	for (uint32_t k = 0; k < m->providers; k++)
		m->cdf[k] = sum += 1.0 / (k + 1);
	for (uint32_t k = 0; k < m->providers; k++)
		m->cdf[k] /= sum;
}

void
zmodel_free(struct zmodel *m)
{
	free(m->cdf);
	m->cdf = NULL;
}

/* Provider k: how many NS hosts it has (2-4), and whether it lives inside the zone
 * (one in four, the largest always), as domaincontrol.com does in .com. */
static unsigned
provider_hosts(const struct zmodel *m, uint32_t k)
{
	return 2 + (unsigned)(zmodel_hash(m->seed ^ 0x5150 ^ zmodel_hash(k)) % 3);
}

static bool
provider_in_zone(const struct zmodel *m, uint32_t k)
{
	return k == 0 || zmodel_hash(m->seed ^ 0x7a07 ^ zmodel_hash(k)) % 4 == 0;
}

/* The domain index an in-zone provider k is: spread evenly over the zone. */
static uint64_t
provider_slot(const struct zmodel *m, uint32_t k)
{
	return (2 * (uint64_t)k + 1) * m->n / (2 * (uint64_t)m->providers);
}

/* The in-zone provider whose domain is index i, or -1. */
static int64_t
provider_at(const struct zmodel *m, uint64_t i)
{
	uint64_t k0 = i * m->providers / m->n;

	for (uint64_t k = k0 ? k0 - 1 : 0; k <= k0 + 1 && k < m->providers; k++)
		if (provider_slot(m, (uint32_t)k) == i && provider_in_zone(m, (uint32_t)k))
			return (int64_t)k;
	return -1;
}

bool
zmodel_has_hosts(const struct zmodel *m, uint64_t i)
{
	return unit(draw(m, i, 1)) < m->glue || provider_at(m, i) >= 0;
}

/* Domain i's label: `width` base-26 digits of i * stride + jitter, then 0-12
 * characters of [a-z0-9-] (not ending with a hyphen). */
static size_t
label_of(const struct zmodel *m, uint64_t i, char *out)
{
	static const char tail_chars[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789-e";
	uint64_t v = i * m->stride + draw(m, i, 7) % m->stride, t = draw(m, i, 16);
	size_t len = m->width, tail = t % 13;

	for (size_t k = m->width; k-- > 0; v /= 26)
		out[k] = (char)('a' + v % 26);
	t >>= 4;
	for (size_t k = 0; k < tail; k++, t = k % 9 ? t >> 6 : zmodel_hash(t))
		out[len++] = tail_chars[t % 64 == 62 && k + 1 == tail ? 0 : t % 64];
	out[len] = '\0';
	return len;
}

int64_t
zmodel_index(const struct zmodel *m, const char *label, size_t len)
{
	uint64_t v = 0, i;
	char want[32];

	if (len < m->width || len > m->width + 12)
		return -1;
	for (size_t k = 0; k < m->width; k++) {
		if (label[k] < 'a' || label[k] > 'z')
			return -1;
		v = v * 26 + (uint64_t)(label[k] - 'a');
	}
	i = v / m->stride;
	if (i >= m->n || label_of(m, i, want) != len || memcmp(want, label, len) != 0)
		return -1;
	return (int64_t)i;
}

static uint32_t
pool_addr(const struct zmodel *m, uint64_t h)
{
	return m->pool_base + (uint32_t)(h % m->pool_size);
}

uint32_t
zmodel_addr_of(const struct zmodel *m, const char *name, size_t len)
{
	uint64_t h = m->seed;

	for (size_t k = 0; k < len; k++)
		h = zmodel_hash(h ^ (uint8_t)name[k]);
	return pool_addr(m, h);
}

static uint32_t
pick_provider(const struct zmodel *m, uint64_t h)
{
	double u = unit(h);
	uint32_t lo = 0, hi = m->providers - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (m->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The name of provider k's domain, without the trailing dot. */
static void
provider_domain(const struct zmodel *m, uint32_t k, char *out, size_t size)
{
	static const char *syl[] = { "ka", "lo", "mi", "ne", "po", "ra", "si", "tu", "va", "do",
		"be", "gi", "zo", "hu", "fe", "ya" };
	char label[32];
	size_t len;
	uint64_t h = zmodel_hash(m->seed ^ 0xd0d0 ^ zmodel_hash(k));

	if (provider_in_zone(m, k)) {
		label_of(m, provider_slot(m, k), label);
		snprintf(out, size, "%s.%s", label, m->tld);
		return;
	}
	len = 0;
	for (unsigned s = 0; s < 2 + h % 3; s++, h >>= 4)
		len += strlcpy(label + len, syl[(h >> 2) % 16], sizeof(label) - len);
	snprintf(out, size, "%sdns%u.%s", label, k, m->ext);
}

/* NS names per delegation: 1 (1%), 2 (79%), 3 (5%), 4 (15%). */
static unsigned
ns_count(uint64_t h)
{
	unsigned r = (unsigned)(h % 100);

	return r < 1 ? 1 : r < 80 ? 2 : r < 85 ? 3 : 4;
}

static void
glue_of(const struct zmodel *m, uint64_t i, unsigned j, struct zns *ns)
{
	uint64_t h = draw(m, i, 24 + j), h6 = draw(m, i, 32 + j);

	ns->glue = true;
	ns->a = pool_addr(m, h);
	ns->has_aaaa = unit(draw(m, i, 40 + j)) < m->aaaa;
	memset(ns->aaaa_addr, 0, 16);
	ns->aaaa_addr[0] = 0x20;
	ns->aaaa_addr[1] = 0x01;
	ns->aaaa_addr[2] = 0x0d;
	ns->aaaa_addr[3] = 0xb8;
	for (int k = 4; k < 10; k++, h6 >>= 8)
		ns->aaaa_addr[k] = (uint8_t)h6;
	ns->aaaa_addr[15] = (uint8_t)(j + 1);
}

void
zmodel_deleg(const struct zmodel *m, uint64_t i, struct zdeleg *d)
{
	int64_t k = provider_at(m, i);
	char dom[96];

	memset(d, 0, sizeof(*d));
	d->i = i;
	d->label_len = label_of(m, i, d->name);
	snprintf(d->name + d->label_len, sizeof(d->name) - d->label_len, ".%s", m->tld);
	d->ds = unit(draw(m, i, 3)) < m->ds;
	d->provider = k >= 0;
	d->self_hosted = !d->provider && unit(draw(m, i, 1)) < m->glue;
	if (d->provider || d->self_hosted) {
		const char *style = d->provider || draw(m, i, 6) % 3 ? "ns" : "dns";

		d->nns = d->provider ? provider_hosts(m, (uint32_t)k) : ns_count(draw(m, i, 4));
		d->missing = d->self_hosted && d->nns > 1 && unit(draw(m, i, 2)) < m->missing;
		for (unsigned j = 0; j < d->nns; j++) {
			snprintf(d->ns[j].name, sizeof(d->ns[j].name), "%s%u.%s", style, j + 1, d->name);
			d->ns[j].in_domain = true;
			if (!(d->missing && j + 1 == d->nns))
				glue_of(m, i, j, &d->ns[j]);
		}
		return;
	}
	k = pick_provider(m, draw(m, i, 5));
	provider_domain(m, (uint32_t)k, dom, sizeof(dom));
	d->nns = ns_count(draw(m, i, 4));
	if (d->nns > provider_hosts(m, (uint32_t)k))
		d->nns = provider_hosts(m, (uint32_t)k);
	for (unsigned j = 0; j < d->nns; j++)
		snprintf(d->ns[j].name, sizeof(d->ns[j].name), "ns%u.%s", j + 1, dom);
}
