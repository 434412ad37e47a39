/* zonefile.h -- a parent zone read from its file (--parent-zone): its delegations one by
 * one, and answers to the walks as its servers would give them. */
#ifndef GLUESCAN_ZONEFILE_H
#define GLUESCAN_ZONEFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "dname.h"
#include "dnsmsg.h"

struct zonefile;
struct zdeleg;		/* one delegation of the zone: the name and its NS names */

struct zonefile_stats {
	uint64_t delegations;	/* zone cuts below the apex, occluded ones excluded */
	uint64_t glue_records;	/* A and AAAA records below the apex */
	uint64_t records, outside;	/* records read; records for names outside the zone */
	uint64_t bad_lines;	/* record lines skipped that do not parse */
	uint64_t first_bad_line;
	char first_bad[200];	/* why the first of them did not parse */
	uint64_t passes;	/* times the file was read */
};

/*
 * Open a zone file, plain or gzip; its first record must be the SOA, which
 * names the zone. A file in the registries' form (ICANN CZDS: one record a
 * line, absolute names, sorted by owner) is streamed: only its glue and the
 * names looked up are held. Any other master file ($ORIGIN, relative names,
 * unsorted) is read into memory whole (about 100 bytes a name). NULL with
 * err on failure.
 */
struct zonefile *zonefile_open(const char *path, char *err, size_t errlen);
/* Before the scan, read the streamed zones once: glue, delegations counted,
 * order checked (a zone found unsorted is read into memory instead). With
 * hosts, the NS names under any of the zones are then looked up in their
 * zone's file, so that resolving them needs no server of those zones. */
bool zonefile_index(struct zonefile **zones, size_t n, bool hosts, char *err, size_t errlen);
void zonefile_free(struct zonefile *z);
/* Told every million lines read before the scan (the passes of zonefile_index
 * take minutes for .com): the file, the pass (1, 2) and the lines so far. */
typedef void zonefile_progress_fn(void *ctx, const char *path, unsigned pass, uint64_t lines);
void zonefile_set_progress(struct zonefile *z, zonefile_progress_fn *fn, void *ctx);
const struct dname *zonefile_origin(const struct zonefile *z);
bool zonefile_streamed(const struct zonefile *z);
const struct zonefile_stats *zonefile_stats(const struct zonefile *z);
/* Bytes the zone holds in memory. */
size_t zonefile_bytes(const struct zonefile *z);
const char *zonefile_error(const struct zonefile *z);

/*
 * The zone's delegations, in file order: 1 and the name (text, no trailing
 * dot, valid until the next call), 0 at the end, -1 on a read error.
 */
int zonefile_next_delegation(struct zonefile *z, const char **name, size_t *len);
/* The delegation the last call returned, now the caller's (NULL: taken). */
struct zdeleg *zonefile_take_delegation(struct zonefile *z);
const struct dname *zdeleg_name(const struct zdeleg *d);
const struct dname *zdeleg_zone(const struct zdeleg *d);
void zdeleg_free(struct zdeleg *d);
/* The referral the zone's server gives for d, with the glue of its in-domain NS names. */
void zonefile_delegation_answer(const struct zdeleg *d, struct dns_response *resp);

/*
 * Names to look up in a streamed zone's file before they are asked (the
 * domains of an --input list): false when name is not under a streamed
 * zone. A lookup reads the whole file once, `lines` lines at a call:
 * true when it is complete (at once when nothing is wanted).
 */
bool zonefile_want(struct zonefile *z, const struct dname *name);
bool zonefile_lookup_step(struct zonefile *z, unsigned lines, bool *failed);
/* Forget the names looked up (their domains have started). */
void zonefile_lookup_clear(struct zonefile *z);

/*
 * Fill resp with what an authoritative server of the zone answers to
 * qname/qtype without recursion: a referral (NS in authority, glue in
 * additional), an authoritative answer, NODATA, NXDOMAIN, REFUSED for a name
 * outside the zone, or SERVFAIL for a name of a streamed zone that was not
 * looked up. The question is copied from qname as given.
 */
void zonefile_answer(const struct zonefile *z, const struct dname *qname, uint16_t qtype,
    struct dns_response *resp);

#endif
