/* zonelines.h -- a zone file as lines, plain or gzip, read as many times as needed. */
#ifndef GLUESCAN_ZONELINES_H
#define GLUESCAN_ZONELINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct zonelines;

/* A regular file only: a zone is read more than once. NULL with err on failure. */
struct zonelines *zonelines_open(const char *path, char *err, size_t errlen);
void zonelines_close(struct zonelines *z);
/* Back to the first line. */
bool zonelines_rewind(struct zonelines *z);
/* 1: *line, *len (no line end; valid until the next call); 0: end; -1: error
 * (zonelines_error says what: truncated or corrupt gzip, read error). */
int zonelines_next(struct zonelines *z, const char **line, size_t *len);
const char *zonelines_error(const struct zonelines *z);
/* Lines returned since the last rewind (the last one's number). */
uint64_t zonelines_lineno(const struct zonelines *z);
/* The whole text as a stdio stream from the first line (for the master-file
 * reader); the stream must be closed before z. */
FILE *zonelines_stream(struct zonelines *z);

/* One record line of a registry zone file (ICANN CZDS: "owner ttl class type
 * rdata", absolute names, one record a line), split in place. */
struct zone_line {
	const char *owner;	/* as written, trailing dot included */
	size_t owner_len;
	uint16_t type;		/* DNS_TYPE_NS, _A, _AAAA, _SOA, or 0 for any other */
	const char *rdata;	/* the first rdata field */
	size_t rdata_len;
};

enum zone_line_kind {
	ZL_RECORD,
	ZL_BLANK,
	ZL_MASTER,	/* master-file syntax beyond one record a line ($ORIGIN, relative
			 * names, parentheses, comments, omitted owner): not this reader's */
	ZL_BAD,		/* a record line that does not parse; *why says why */
};

enum zone_line_kind zone_line_split(const char *line, size_t len, struct zone_line *out,
    const char **why);

#endif
