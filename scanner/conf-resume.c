/* conf-resume.c -- the --resume file: a few "key value" lines under a format version. */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resume.h"

uint64_t
resume_hash(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

bool
resume_hash_file(const char *path, uint64_t *out)
{
	uint8_t buf[65536];
	size_t n;
	uint64_t h = RESUME_HASH_INIT;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return false;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = resume_hash(h, buf, n);
	n = (size_t)ferror(f);
	fclose(f);
	*out = h;
	return n == 0;
}

void
resume_add_pending(struct resume_state *st, uint64_t k)
{
	if (st->npending == st->pending_cap) {
		size_t cap = st->pending_cap ? st->pending_cap * 2 : 1024;
		uint64_t *p = reallocarray(st->pending, cap, sizeof(*p));

		if (p == NULL)
			err(1, "out of memory");
		st->pending = p;
		st->pending_cap = cap;
	}
	st->pending[st->npending++] = k;
}

void
resume_free(struct resume_state *st)
{
	free(st->pending);
	st->pending = NULL;
	st->npending = st->pending_cap = 0;
}

/* "pending N" and N lines "first count": runs of consecutive line numbers,
 * ascending, inside the lines read. */
/* More lines than any window holds in flight: a larger count is damage. */
#define RESUME_PENDING_MAX (1u << 26)

static bool
load_pending(FILE *f, struct resume_state *st)
{
	uint64_t runs, first, count, next = 0;

	if (fscanf(f, "pending %" SCNx64 "\n", &runs) != 1)
		return false;
	for (uint64_t i = 0; i < runs; i++) {
		if (fscanf(f, "%" SCNx64 " %" SCNx64 "\n", &first, &count) != 2 || count == 0 ||
		    first < next || first > st->lines || count > st->lines - first ||
		    count > RESUME_PENDING_MAX - st->npending)
			return false;
		for (uint64_t k = first; k < first + count; k++)
			resume_add_pending(st, k);
		next = first + count;
	}
	return true;
}

static void
save_pending(FILE *f, const struct resume_state *st)
{
	size_t runs = 0;

	for (size_t i = 0; i < st->npending; i++)
		if (i == 0 || st->pending[i] != st->pending[i - 1] + 1)
			runs++;
	fprintf(f, "pending %zx\n", runs);
	for (size_t i = 0; i < st->npending;) {
		size_t j = i + 1;

		while (j < st->npending && st->pending[j] == st->pending[j - 1] + 1)
			j++;
		fprintf(f, "%" PRIx64 " %zx\n", st->pending[i], j - i);
		i = j;
	}
}

int
resume_load(const char *path, struct resume_state *st, char *err, size_t errlen)
{
	FILE *f;
	char key[32];
	uint64_t value, complete = 0;
	unsigned version = 0, seen = 0;
	struct { const char *key; uint64_t *value; } fields[] = {
		{ "offset", &st->offset }, { "lines", &st->lines },
		{ "input_hash", &st->input_hash }, { "hints_hash", &st->hints_hash },
		{ "shard", &st->shard }, { "complete", &complete },
	};

	memset(st, 0, sizeof(*st));
	f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fscanf(f, "gluescan-resume %u\n", &version) != 1) {
		fclose(f);
		snprintf(err, errlen, "%s is not a gluescan resume file", path);
		return -1;
	}
	if (version != RESUME_FORMAT) {
		fclose(f);
		snprintf(err, errlen, "%s is a resume file of format %u; this gluescan reads format %d "
		    "only (start the scan again without it)", path, version, RESUME_FORMAT);
		return -1;
	}
	while (seen != (1u << (sizeof(fields) / sizeof(fields[0]))) - 1 &&
	    fscanf(f, "%31s %" SCNx64 "\n", key, &value) == 2) {
		for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcmp(key, fields[i].key) == 0) {
				*fields[i].value = value;
				seen |= 1u << i;
			}
		}
	}
	st->complete = complete != 0;
	if (seen != (1u << (sizeof(fields) / sizeof(fields[0]))) - 1 || !load_pending(f, st)) {
		fclose(f);
		resume_free(st);
		snprintf(err, errlen, "%s is incomplete or damaged", path);
		return -1;
	}
	fclose(f);
	return 1;
}

bool
resume_save(const char *path, const struct resume_state *st)
{
	char tmp[4096];
	FILE *f;
	bool ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL)
		return false;
	/* Numbers in hex: the hashes use all 64 bits. */
	fprintf(f, "gluescan-resume %d\n", RESUME_FORMAT);
	fprintf(f, "offset %" PRIx64 "\nlines %" PRIx64 "\n", st->offset, st->lines);
	fprintf(f, "input_hash %" PRIx64 "\nhints_hash %" PRIx64 "\n", st->input_hash, st->hints_hash);
	fprintf(f, "shard %" PRIx64 "\n", st->shard);
	fprintf(f, "complete %d\n", st->complete ? 1 : 0);
	save_pending(f, st);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return false;
	}
	return true;
}
