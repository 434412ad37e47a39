/* inputreader.h -- the domain list, line by line, read without ever blocking the scan. */
#ifndef GLUESCAN_INPUTREADER_H
#define GLUESCAN_INPUTREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A line longer than this is consumed whole but only its start is kept. */
#define INPUT_LINE_KEEP 65536

struct inputreader;

/* From a descriptor (file, pipe, terminal); it stays open, the caller closes it.
 * Input that starts with gzip's magic bytes is inflated as it is read (one
 * member or several, as gunzip reads them); lines, offset and hash are then
 * of the inflated text. */
struct inputreader *inputreader_fd(int fd);
/* From memory (the domains given as arguments); buf must outlive the reader. */
struct inputreader *inputreader_mem(const char *buf, size_t len);
void inputreader_free(struct inputreader *r);

enum input_status {
	INPUT_LINE,	/* *line, *len: the line without its newline, valid until the next call */
	INPUT_AGAIN,	/* nothing to read now; the descriptor of inputreader_pollfd will wake */
	INPUT_END,
	INPUT_ERROR,	/* errno set; for gzip that is truncated or corrupt, EIO and inputreader_error */
};

/* The next line. A pipe or terminal is read only when poll(2) says it is
 * readable, one read(2) at a time, so this never waits. */
enum input_status inputreader_next(struct inputreader *r, const char **line, size_t *len);
/* The descriptor to poll for more input; -1 when reads never wait (a file, memory). */
int inputreader_pollfd(const struct inputreader *r);
/* Lines returned so far, and the bytes they spanned (newlines and cut tails included). */
uint64_t inputreader_lines(const struct inputreader *r);
uint64_t inputreader_offset(const struct inputreader *r);
/* Hash of those bytes (resume_hash), so a resumed scan proves it reads the same input. */
uint64_t inputreader_hash(const struct inputreader *r);
/* Size of the input when it is a regular file, else 0. */
uint64_t inputreader_size(const struct inputreader *r);
/* Bytes of the file itself used so far, to set against inputreader_size:
 * for gzip the compressed bytes inflated, else inputreader_offset. */
uint64_t inputreader_consumed(const struct inputreader *r);
/* After INPUT_ERROR: why a gzip input failed ("truncated gzip input",
 * "corrupt gzip input: <zlib's reason>"); NULL when it did not (errno says).
 * A line cut short by the failure is not returned: the lines returned, and
 * inputreader_offset and _hash, are those complete before it. */
const char *inputreader_error(const struct inputreader *r);
/* True when the input is known to hold no further line (a file or memory at
 * its end, or a pipe whose end was seen). */
bool inputreader_at_end(struct inputreader *r);

#endif
