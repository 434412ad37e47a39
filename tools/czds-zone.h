/* czds-zone.h -- the synthetic TLD of tools/czds-zone: every delegation is a pure
 * function of (seed, index), so the generator, the checker and the child server
 * agree on it without sharing a file.
 *
 * Domain i's label starts with a fixed-width base-26 number that grows with i
 * (then a random tail), so the delegations come out in text order by index and
 * a label read back gives its index. */
#ifndef CZDS_ZONE_H
#define CZDS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZMAX_NS 4
#define ZNAME_MAX 80		/* a delegation: label (at most 20) . tld (at most 47) */
#define ZHOST_MAX 112

struct zmodel {
	uint64_t n;		/* delegations */
	uint64_t seed;
	char tld[48];		/* the zone, e.g. "com" */
	char ext[8];		/* the TLD of the providers outside the zone */
	double glue;		/* share of domains self-hosted (in-domain NS names with glue) */
	double missing;		/* share of the self-hosted whose last NS name has no glue */
	double ds;		/* share with a DS record */
	double aaaa;		/* share of glue hosts with an AAAA record too */
	uint32_t providers;	/* NS providers, Zipf-distributed */
	uint32_t pool_base;	/* IPv4 addresses: pool_base + hash % pool_size */
	uint64_t pool_size;
	/* derived by zmodel_init */
	unsigned width;		/* base-26 digits of the ordered part of a label */
	uint64_t stride;
	double *cdf;		/* providers' cumulative shares */
};

struct zns {
	char name[ZHOST_MAX];	/* without the trailing dot */
	bool in_domain;
	bool glue;		/* an in-domain name with A (and maybe AAAA) records in the zone */
	bool has_aaaa;
	uint32_t a;		/* host order */
	uint8_t aaaa_addr[16];
};

struct zdeleg {
	uint64_t i;
	char name[ZNAME_MAX];	/* label.tld, no trailing dot */
	size_t label_len;
	bool self_hosted, provider, ds, missing;
	unsigned nns;
	struct zns ns[ZMAX_NS];
};

/* Parses the model options shared by every subcommand at argv[*i]; 1 if it took
 * one (and its value), 0 if the option is not a model option. */
int zmodel_option(struct zmodel *m, int argc, char **argv, int *i);
void zmodel_defaults(struct zmodel *m);
void zmodel_init(struct zmodel *m);
void zmodel_free(struct zmodel *m);

/* Cheap test: might domain i have glue records (self-hosted or an in-zone provider)? */
bool zmodel_has_hosts(const struct zmodel *m, uint64_t i);
void zmodel_deleg(const struct zmodel *m, uint64_t i, struct zdeleg *d);
/* The index of the delegation whose label is label/len, or -1. */
int64_t zmodel_index(const struct zmodel *m, const char *label, size_t len);
/* An address for a name the zone does not hold (providers outside it). */
uint32_t zmodel_addr_of(const struct zmodel *m, const char *name, size_t len);
uint64_t zmodel_hash(uint64_t x);

/* The subcommands (czds-zone-gen.c, -check.c, -serve.c); argv from the subcommand on. */
void czds_gen(const struct zmodel *m, const char *stats);
void czds_names(const struct zmodel *m);
int czds_check(const struct zmodel *m, int argc, char **argv);
void czds_serve(const struct zmodel *m, int argc, char **argv);

#endif
