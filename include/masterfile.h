/* masterfile.h -- RFC 1035 master files (hints, registry zone files), record by record. */
#ifndef GLUESCAN_MASTERFILE_H
#define GLUESCAN_MASTERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "dname.h"

#define MF_TYPE_OTHER 0		/* a type gluescan does not read: only its owner counts */

struct mf_record {
	struct dname owner;
	uint16_t type;		/* DNS_TYPE_NS, _A, _AAAA, _SOA, or MF_TYPE_OTHER (class IN only) */
	struct dname target;	/* NS; SOA: the primary server */
	struct addr addr;	/* A, AAAA */
};

/* Return false to stop reading (the reader then fails with "out of memory"). */
typedef bool mf_record_fn(void *ctx, const struct mf_record *rec);

/*
 * Read f (named `name` in messages) and hand every record to fn. Knows `;`
 * comments, $ORIGIN, $TTL, optional TTL and class in either order, owner
 * omitted on continuation lines, '@', and parentheses spanning lines.
 * Relative names need a $ORIGIN. On error returns false with
 * "name:line: reason" in err.
 */
bool masterfile_read(FILE *f, const char *name, mf_record_fn *fn, void *ctx,
    char *err, size_t errlen);
/* A record that does not parse (a zone file's line): told to bad, and skipped. */
typedef void mf_bad_fn(void *ctx, unsigned line, const char *reason);
/* The same, a record that does not parse skipped after telling bad (the
 * syntax around records, such as an unclosed parenthesis, still fails). */
bool masterfile_read_skipping(FILE *f, const char *name, mf_record_fn *fn, mf_bad_fn *bad,
    void *ctx, char *err, size_t errlen);

#endif
