/* input-reader.c -- split the input into lines; a pipe is read only when it has data; gzip is inflated on the way. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "inputreader.h"
#include "resume.h"

#define READ_CHUNK 65536
/* gzip's magic bytes, then zlib's windowBits for a gzip stream (not zlib's own format). */
#define GZIP_MAGIC0 0x1f
#define GZIP_MAGIC1 0x8b
#define GZIP_WBITS (15 + 16)

/*
 * A gzip input: compressed bytes are read into buf and inflated into the
 * reader's line buffer, so the lines and their offset and hash are of the
 * inflated text. Members follow each other as gunzip reads them; the end of
 * the input inside a member, or bytes that do not inflate, fail the reader
 * for good.
 */
struct gunzip {
	z_stream z;
	unsigned char buf[READ_CHUNK];
	uint64_t read;		/* compressed bytes read(2) so far */
	bool in_member;		/* bytes of a member fed, its end not yet seen */
	bool out_full;		/* the last inflate filled the room given: more may be pending */
};

struct inputreader {
	int fd;			/* -1: memory */
	bool may_wait;		/* a pipe, socket or terminal */
	bool eof;
	bool sniffed;		/* gzip or not is known (from the first two bytes) */
	struct gunzip *gz;	/* NULL: plain text */
	char error[128];	/* why a gzip input failed; "" while it has not */
	uint64_t size;
	char *buf;		/* [start, end) unconsumed */
	size_t start, end, cap;
	const char *mem;	/* memory input: the whole buffer */
	size_t mem_len;
	bool cutting;		/* inside a line past INPUT_LINE_KEEP: dropping its tail */
	uint64_t lines, offset, hash;
};

static struct inputreader *
reader_new(void)
{
	struct inputreader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->hash = RESUME_HASH_INIT;
	return r;
}

struct inputreader *
inputreader_fd(int fd)
{
	struct inputreader *r = reader_new();
	struct stat st;

	if (r == NULL)
		return NULL;
	r->fd = fd;
	if (fstat(fd, &st) == 0) {
		r->may_wait = !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
		r->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	} else {
		r->may_wait = true;
	}
	r->cap = READ_CHUNK;
	if ((r->buf = malloc(r->cap)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

struct inputreader *
inputreader_mem(const char *buf, size_t len)
{
	struct inputreader *r = reader_new();

	if (r == NULL)
		return NULL;
	r->fd = -1;
	r->mem = buf;
	r->mem_len = len;
	r->eof = true;
	r->sniffed = true;
	return r;
}

void
inputreader_free(struct inputreader *r)
{
	if (r == NULL)
		return;
	if (r->gz != NULL) {
		inflateEnd(&r->gz->z);
		free(r->gz);
	}
	free(r->buf);
	free(r);
}

static const char *
data(const struct inputreader *r)
{
	return r->fd == -1 ? r->mem : r->buf;
}

static size_t
data_end(const struct inputreader *r)
{
	return r->fd == -1 ? r->mem_len : r->end;
}

/* Bytes [start, start + n) leave the buffer: counted and hashed. */
static void
consume(struct inputreader *r, size_t n)
{
	r->hash = resume_hash(r->hash, data(r) + r->start, n);
	r->offset += n;
	r->start += n;
}

/* The input fails for good; lines complete before the failure are still returned. */
static enum input_status
gz_fail(struct inputreader *r, const char *why, const char *zmsg)
{
	snprintf(r->error, sizeof(r->error), "%s%s%s", why, zmsg ? ": " : "", zmsg ? zmsg : "");
	return INPUT_LINE;
}

/* The first bytes start with gzip's magic: what was read so far is compressed. */
static bool
gz_start(struct inputreader *r)
{
	struct gunzip *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return false;
	if (inflateInit2(&g->z, GZIP_WBITS) != Z_OK) {
		free(g);
		return false;
	}
	memcpy(g->buf, r->buf, r->end);
	g->z.next_in = g->buf;
	g->z.avail_in = (uInt)r->end;
	g->read = r->end;
	r->end = 0;
	r->gz = g;
	return true;
}

/* Gzip or not, once two bytes are there, or the end, or a first byte other than 0x1f. */
static enum input_status
sniff(struct inputreader *r)
{
	const unsigned char *b = (const unsigned char *)r->buf;

	if (r->end < 2 && !r->eof && (r->end == 0 || b[0] == GZIP_MAGIC0))
		return INPUT_LINE;
	r->sniffed = true;
	if (r->end >= 2 && b[0] == GZIP_MAGIC0 && b[1] == GZIP_MAGIC1 && !gz_start(r)) {
		errno = ENOMEM;
		return INPUT_ERROR;
	}
	return INPUT_LINE;
}

/* Inflate what is pending into the buffer, after one read(2) when nothing is. */
static enum input_status
gz_fill(struct inputreader *r)
{
	struct gunzip *g = r->gz;
	uInt room = r->cap - r->end > UINT_MAX ? UINT_MAX : (uInt)(r->cap - r->end);
	int ret;

	if (g->z.avail_in == 0 && !g->out_full) {
		ssize_t got = read(r->fd, g->buf, sizeof(g->buf));

		if (got < 0)
			return errno == EINTR || errno == EAGAIN ? INPUT_AGAIN : INPUT_ERROR;
		if (got == 0) {
			if (g->in_member)
				return gz_fail(r, "truncated gzip input", NULL);
			r->eof = true;
			return INPUT_LINE;
		}
		g->z.next_in = g->buf;
		g->z.avail_in = (uInt)got;
		g->read += (uint64_t)got;
	}
	g->in_member = true;
	g->z.next_out = (unsigned char *)r->buf + r->end;
	g->z.avail_out = room;
	ret = inflate(&g->z, Z_NO_FLUSH);
	r->end += room - g->z.avail_out;
	g->out_full = g->z.avail_out == 0;
	switch (ret) {
	case Z_STREAM_END:
		/* A member ends; whatever follows must be another one. */
		g->in_member = g->out_full = false;
		(void)inflateReset(&g->z);
		break;
	case Z_OK:
	case Z_BUF_ERROR:
		break;
	default:
		return gz_fail(r, "corrupt gzip input", g->z.msg ? g->z.msg : zError(ret));
	}
	return INPUT_LINE;
}

/* One read(2) into the buffer, only when it cannot wait. */
static enum input_status
fill(struct inputreader *r)
{
	ssize_t got;
	size_t base;

	if (r->error[0] != '\0') {
		errno = EIO;
		return INPUT_ERROR;
	}
	if (r->may_wait && (r->gz == NULL || (r->gz->z.avail_in == 0 && !r->gz->out_full))) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };

		if (poll(&p, 1, 0) == 0)
			return INPUT_AGAIN;
	}
	/* Unconsumed bytes move to the head (after the kept start of a cut line). */
	base = r->cutting ? INPUT_LINE_KEEP : 0;

	if (r->start > base) {
		memmove(r->buf + base, r->buf + r->start, r->end - r->start);
		r->end -= r->start - base;
		r->start = base;
	}
	if (r->cap - r->end < READ_CHUNK / 4) {
		char *nb = realloc(r->buf, r->cap * 2);

		if (nb == NULL)
			return INPUT_ERROR;
		r->buf = nb;
		r->cap *= 2;
	}
	if (r->gz != NULL)
		return gz_fill(r);
	got = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? INPUT_AGAIN : INPUT_ERROR;
	if (got == 0)
		r->eof = true;
	r->end += (size_t)got;
	return r->sniffed ? INPUT_LINE : sniff(r);
}

enum input_status
inputreader_next(struct inputreader *r, const char **line, size_t *len)
{
	for (;;) {
		const char *p = data(r) + r->start;
		size_t avail = data_end(r) - r->start;
		const char *nl = memchr(p, '\n', avail);
		enum input_status st;

		if (r->cutting) {
			/* The kept start of a long line sits before start; drop up to its newline. */
			size_t drop = nl != NULL ? (size_t)(nl - p) + 1 : avail;

			consume(r, drop);
			if (nl != NULL || (r->eof && r->start == data_end(r))) {
				r->cutting = false;
				r->lines++;
				*line = r->buf;
				*len = INPUT_LINE_KEEP;
				return INPUT_LINE;
			}
		} else if (nl != NULL || (r->eof && avail > 0)) {
			size_t n = nl != NULL ? (size_t)(nl - p) : avail;

			*line = p;
			*len = n;
			consume(r, n + (nl != NULL));
			r->lines++;
			return INPUT_LINE;
		} else if (r->eof) {
			return INPUT_END;
		} else if (r->fd != -1 && avail >= INPUT_LINE_KEEP) {
			/* A line this long is kept at the buffer's head, its tail dropped. */
			memmove(r->buf, p, avail);
			r->start = 0;
			r->end = avail;
			consume(r, INPUT_LINE_KEEP);
			r->cutting = true;
			continue;
		}
		if (r->eof)
			return INPUT_END;
		if ((st = fill(r)) != INPUT_LINE)
			return st;
	}
}

int
inputreader_pollfd(const struct inputreader *r)
{
	if (r->gz != NULL && (r->gz->z.avail_in > 0 || r->gz->out_full))
		return -1;
	return r->may_wait && !r->eof && r->error[0] == '\0' ? r->fd : -1;
}

uint64_t
inputreader_lines(const struct inputreader *r)
{
	return r->lines;
}

uint64_t
inputreader_offset(const struct inputreader *r)
{
	return r->offset;
}

uint64_t
inputreader_hash(const struct inputreader *r)
{
	return r->hash;
}

uint64_t
inputreader_size(const struct inputreader *r)
{
	return r->size;
}

uint64_t
inputreader_consumed(const struct inputreader *r)
{
	return r->gz != NULL ? r->gz->read - r->gz->z.avail_in : r->offset;
}

const char *
inputreader_error(const struct inputreader *r)
{
	return r->error[0] != '\0' ? r->error : NULL;
}

bool
inputreader_at_end(struct inputreader *r)
{
	if (!r->eof && !r->may_wait && r->start == data_end(r) && r->error[0] == '\0')
		(void)fill(r);
	return r->eof && r->start == data_end(r) && !r->cutting;
}
