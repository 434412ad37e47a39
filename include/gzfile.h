/* gzfile.h -- a configuration file read through gzip when it is gzip, as a stdio FILE either way. */
#ifndef GLUESCAN_GZFILE_H
#define GLUESCAN_GZFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Open path for reading: a gzip file (one member or several) reads as its
 * inflated text, any other file as it is. NULL with "path: reason" in err
 * when it cannot be opened or is a directory. Close with fclose.
 */
FILE *gzfile_open(const char *path, char *err, size_t errlen);

/* Why f, opened by gzfile_open, failed to read ("truncated gzip input",
 * "corrupt gzip input: <zlib's reason>"): the stream then has ferror(f) set
 * and errno EIO. NULL when it did not fail that way. */
const char *gzfile_error(FILE *f);

#endif
