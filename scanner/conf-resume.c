/* conf-resume.c -- the --resume file: a few "key value" lines under a format version. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	if (fscanf(f, "gluescan-resume %u\n", &version) != 1 || version != RESUME_FORMAT) {
		fclose(f);
		snprintf(err, errlen, "%s is not a gluescan resume file of format %d", path, RESUME_FORMAT);
		return -1;
	}
	while (fscanf(f, "%31s %" SCNx64 "\n", key, &value) == 2) {
		for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcmp(key, fields[i].key) == 0) {
				*fields[i].value = value;
				seen |= 1u << i;
			}
		}
	}
	st->complete = complete != 0;
	fclose(f);
	if (seen != (1u << (sizeof(fields) / sizeof(fields[0]))) - 1) {
		snprintf(err, errlen, "%s is incomplete or damaged", path);
		return -1;
	}
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
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return false;
	}
	return true;
}
