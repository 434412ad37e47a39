/* zonefile.h -- a parent zone read from its zone file, answering as its servers would (--parent-zone). */
#ifndef GLUESCAN_ZONEFILE_H
#define GLUESCAN_ZONEFILE_H

#include <stdio.h>

#include "dname.h"
#include "dnsmsg.h"

struct zonefile;

/* The zone is the owner of the file's first SOA record. NULL with err on failure. */
struct zonefile *zonefile_load(FILE *f, const char *name, char *err, size_t errlen);
void zonefile_free(struct zonefile *z);
const struct dname *zonefile_origin(const struct zonefile *z);
size_t zonefile_names(const struct zonefile *z);
/*
 * Fill resp with what an authoritative server of the zone answers to
 * qname/qtype without recursion: a referral (NS in authority, glue in
 * additional), an authoritative answer, NODATA, NXDOMAIN, or REFUSED for a
 * name outside the zone. The question is copied from qname as given.
 */
void zonefile_answer(const struct zonefile *z, const struct dname *qname, uint16_t qtype,
    struct dns_response *resp);

#endif
