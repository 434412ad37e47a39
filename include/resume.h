/* resume.h -- where an interrupted scan stopped, and proof that a resumed one reads the same input. */
#ifndef GLUESCAN_RESUME_H
#define GLUESCAN_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESUME_FORMAT 2

/*
 * A scan stops within seconds, leaving the domains in flight undecided: the
 * state is the input read so far, and which of its lines have no output
 * line yet (in flight, or read but not started). A resumed scan reads the
 * same prefix again, scans exactly those lines, then goes on.
 */
struct resume_state {
	uint64_t offset;	/* input bytes read */
	uint64_t lines;		/* input lines in those bytes */
	uint64_t input_hash;	/* hash of those bytes */
	uint64_t *pending;	/* numbers (from 0) of the lines among them without output, ascending */
	size_t npending, pending_cap;
	uint64_t hints_hash;	/* the --parents file: other hints, other verdicts */
	uint64_t shard;		/* I << 32 | N of --shard I/N: another slice, other lines */
	bool complete;		/* the input was read to its end */
};

/* 64-bit FNV-1a: cheap enough to run over every input byte, and the same
 * prefix always gives the same value. Start from RESUME_HASH_INIT. */
#define RESUME_HASH_INIT 0xcbf29ce484222325ULL
uint64_t resume_hash(uint64_t h, const void *data, size_t len);
/* Hash of a whole file; false if it cannot be read. */
bool resume_hash_file(const char *path, uint64_t *out);

/* Add line number k (greater than any added before). */
void resume_add_pending(struct resume_state *st, uint64_t k);
void resume_free(struct resume_state *st);

/* 1 loaded, 0 the file does not exist, -1 unreadable or not a resume file (err says why). */
int resume_load(const char *path, struct resume_state *st, char *err, size_t errlen);
/* Written to a temporary file and renamed, so a crash never leaves half a state. */
bool resume_save(const char *path, const struct resume_state *st);

#endif
