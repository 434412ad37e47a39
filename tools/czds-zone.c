/* czds-zone.c -- a synthetic TLD zone in CZDS format (gTLD registry agreement, Spec 4) of N
 * delegations with a .com-like mix, and the tools that know its every delegation:
 *
 *   czds-zone gen   [MODEL] [--stats FILE]         the zone on stdout (| gzip -1 for .gz)
 *   czds-zone check [MODEL] [CHECK]                gluescan's NDJSON on stdin, checked
 *   czds-zone serve [MODEL] [ADDR...]              the children's servers (port 53)
 *   czds-zone names [MODEL]                        the delegations' names, one a line
 *
 * MODEL (the same for all three, or they disagree):
 *   -n N            delegations (default 1000000)
 *   --seed S        (default 1)
 *   --tld T         the zone (default com); providers outside it are under .net
 *   --glue F        share of domains self-hosted: in-domain NS names with glue (0.02)
 *   --missing F     share of those whose last NS name has no glue (0.05)
 *   --ds F          share with a DS record (0.05)
 *   --aaaa F        share of glue hosts with an AAAA record too (0.2)
 *   --providers P   NS providers, Zipf-distributed; one in four inside the zone (4000)
 *   --pool CIDR     IPv4 addresses of glue and provider hosts are drawn from it
 *                   (default: all of 1.0.0.0-223.255.255.255)
 * Besides: domains with 1-4 NS names (mostly 2), provider domains inside the zone
 * are delegations with glue of their own. Every delegation is a function of
 * (seed, index), see czds-zone-model.c.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "czds-zone.h"

static void
usage(void)
{
	fprintf(stderr, "usage: czds-zone gen|check|serve|names [-n N] [--seed S] [--tld T] [--glue F] "
	    "[--missing F] [--ds F] [--aaaa F] [--providers P] [--pool CIDR] [...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct zmodel m;
	char **rest;
	int nrest = 0, rc = 0;
	const char *stats = NULL;

	if (argc < 2)
		usage();
	zmodel_defaults(&m);
	if ((rest = calloc((size_t)argc, sizeof(*rest))) == NULL)
		err(1, "calloc");
	for (int i = 2; i < argc; i++) {
		if (zmodel_option(&m, argc, argv, &i))
			continue;
		if (!strcmp(argv[1], "gen") && !strcmp(argv[i], "--stats") && i + 1 < argc)
			stats = argv[++i];
		else
			rest[nrest++] = argv[i];
	}
	zmodel_init(&m);
	if (!strcmp(argv[1], "gen") && nrest == 0)
		czds_gen(&m, stats);
	else if (!strcmp(argv[1], "names") && nrest == 0)
		czds_names(&m);
	else if (!strcmp(argv[1], "check"))
		rc = czds_check(&m, nrest, rest);
	else if (!strcmp(argv[1], "serve"))
		czds_serve(&m, nrest, rest);
	else
		usage();
	zmodel_free(&m);
	free(rest);
	return rc;
}
