/* input-reader.c -- split the input into lines; a pipe is read only when it has data. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputreader.h"
#include "resume.h"

#define READ_CHUNK 65536

struct inputreader {
	int fd;			/* -1: memory */
	bool may_wait;		/* a pipe, socket or terminal */
	bool eof;
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
	return r;
}

void
inputreader_free(struct inputreader *r)
{
	if (r == NULL)
		return;
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

/* One read(2) into the buffer, only when it cannot wait. */
static enum input_status
fill(struct inputreader *r)
{
	ssize_t got;
	size_t base;

	if (r->may_wait) {
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
	got = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? INPUT_AGAIN : INPUT_ERROR;
	if (got == 0)
		r->eof = true;
	r->end += (size_t)got;
	return INPUT_LINE;
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
	return r->may_wait && !r->eof ? r->fd : -1;
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

bool
inputreader_at_end(struct inputreader *r)
{
	if (!r->eof && !r->may_wait && r->start == data_end(r))
		(void)fill(r);
	return r->eof && r->start == data_end(r) && !r->cutting;
}
