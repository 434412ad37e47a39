/* zone-inflate.c -- a gzip zone file inflated on a second thread while the scan reads it.
 *
 * A .com scan reads 23 GB of text two or three times. With zlib, inflating was two
 * fifths of the CPU of reading a registry's zone (about 230 MB of text a second
 * here); ISA-L's igzip inflates the same file about five times faster (1.3 GB/s),
 * checksums included. The thread does nothing but that: it reads the file,
 * inflates it into a ring of chunks, and the reader copies them out; the event
 * loop, the engine and everything else stay on one thread. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

#include "inflater.h"

#define RAW_CHUNK (256 << 10)
#define CHUNK (256 << 10)
#define RING 8

struct chunk {
	size_t len;
	char text[CHUNK];
};

struct inflater {
	int fd;
	const char *path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct chunk *ring[RING];
	unsigned head, count;	/* the reader's next chunk; chunks filled and not yet read */
	size_t taken;		/* bytes of the head chunk already read */
	bool done, stop;	/* done: no chunk will come after these */
	char err[256];
	/* The thread's own. */
	struct inflate_state zs;
	unsigned char raw[RAW_CHUNK];
};

/* Hand the chunk just filled over to the reader. */
static void
put(struct inflater *in)
{
	pthread_mutex_lock(&in->lock);
	in->count++;
	pthread_cond_signal(&in->filled);
	pthread_mutex_unlock(&in->lock);
}

/* The slot to fill next, once the reader has left it; RING when told to stop. */
static unsigned
room(struct inflater *in)
{
	unsigned slot;

	pthread_mutex_lock(&in->lock);
	while (in->count == RING && !in->stop)
		pthread_cond_wait(&in->emptied, &in->lock);
	slot = in->stop ? RING : (in->head + in->count) % RING;
	pthread_mutex_unlock(&in->lock);
	return slot;
}

static void
finish(struct inflater *in, const char *fmt, const char *detail)
{
	pthread_mutex_lock(&in->lock);
	if (fmt != NULL)
		snprintf(in->err, sizeof(in->err), fmt, in->path, detail);
	in->done = true;
	pthread_cond_signal(&in->filled);
	pthread_mutex_unlock(&in->lock);
}

static const char *
inflate_error(int rc)
{
	switch (rc) {
	case ISAL_INVALID_WRAPPER: return "not a gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "not deflate data";
	case ISAL_INCORRECT_CHECKSUM: return "checksum mismatch";
	case ISAL_NEED_DICT: return "needs a dictionary";
	default: return "invalid compressed data";
	}
}

static void *
run(void *arg)
{
	struct inflater *in = arg;
	bool in_member = false, raw_eof = false;
	unsigned slot;

	while ((slot = room(in)) < RING) {
		struct chunk *c = in->ring[slot];

		in->zs.next_out = (uint8_t *)c->text;
		in->zs.avail_out = CHUNK;
		while (in->zs.avail_out > 0) {
			uint32_t out_before;
			int rc;

			if (in->zs.avail_in == 0 && !raw_eof) {
				ssize_t got;

				while ((got = read(in->fd, in->raw, RAW_CHUNK)) < 0 && errno == EINTR)
					;
				if (got < 0) {
					finish(in, "%s: read error: %s", strerror(errno));
					return NULL;
				}
				raw_eof = got == 0;
				in->zs.next_in = in->raw;
				in->zs.avail_in = (uint32_t)got;
			}
			/* A gzip file may be several members one after the other (as
			 * `cat a.gz b.gz` makes); gunzip reads them all. */
			if (!in_member) {
				uint8_t *next = in->zs.next_in;
				uint32_t avail = in->zs.avail_in;

				if (avail == 0)
					break;
				isal_inflate_reset(&in->zs);
				in->zs.crc_flag = ISAL_GZIP;	/* parse the header, check the CRC */
				in->zs.next_in = next;
				in->zs.avail_in = avail;
				in_member = true;
			}
			out_before = in->zs.avail_out;
			rc = isal_inflate(&in->zs);
			if (rc < 0) {
				finish(in, "%s: corrupt gzip: %s", inflate_error(rc));
				return NULL;
			}
			if (in->zs.block_state == ISAL_BLOCK_FINISH) {
				in_member = false;
			} else if (raw_eof && in->zs.avail_in == 0 &&
			    in->zs.avail_out == out_before) {
				/* No input left and nothing more came out: the member
				 * never ended. (Output still held inside igzip comes
				 * out on the calls before this one.) */
				finish(in, "%s: truncated gzip: the file ends inside its "
				    "compressed data%s", "");
				return NULL;
			}
		}
		c->len = CHUNK - in->zs.avail_out;
		if (c->len > 0)
			put(in);
		if (c->len < CHUNK) {
			finish(in, NULL, NULL);
			return NULL;
		}
	}
	return NULL;
}

struct inflater *
inflater_start(int fd, const char *path)
{
	struct inflater *in = calloc(1, sizeof(*in));
	sigset_t all, old;
	bool started;

	if (in == NULL)
		return NULL;
	in->fd = fd;
	in->path = path;
	for (unsigned i = 0; i < RING; i++)
		if ((in->ring[i] = malloc(sizeof(*in->ring[i]))) == NULL)
			goto fail;
	isal_inflate_init(&in->zs);
	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->filled, NULL);
	pthread_cond_init(&in->emptied, NULL);
	/* The thread takes no signal: SIGINT and SIGTERM are the event loop's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	started = pthread_create(&in->thread, NULL, run, in) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started)
		goto fail;
	return in;
fail:
	for (unsigned i = 0; i < RING; i++)
		free(in->ring[i]);
	free(in);
	return NULL;
}

ssize_t
inflater_read(struct inflater *in, char *buf, size_t cap, char *err, size_t errlen)
{
	struct chunk *c;
	size_t n;

	pthread_mutex_lock(&in->lock);
	while (in->count == 0 && !in->done)
		pthread_cond_wait(&in->filled, &in->lock);
	if (in->count == 0) {
		pthread_mutex_unlock(&in->lock);
		if (in->err[0] == '\0')
			return 0;
		snprintf(err, errlen, "%s", in->err);
		return -1;
	}
	c = in->ring[in->head];
	pthread_mutex_unlock(&in->lock);
	/* The head chunk is the reader's until it gives it back. */
	n = c->len - in->taken < cap ? c->len - in->taken : cap;
	memcpy(buf, c->text + in->taken, n);
	in->taken += n;
	if (in->taken == c->len) {
		pthread_mutex_lock(&in->lock);
		in->taken = 0;
		in->head = (in->head + 1) % RING;
		in->count--;
		pthread_cond_signal(&in->emptied);
		pthread_mutex_unlock(&in->lock);
	}
	return (ssize_t)n;
}

void
inflater_stop(struct inflater *in)
{
	if (in == NULL)
		return;
	pthread_mutex_lock(&in->lock);
	in->stop = true;
	pthread_cond_signal(&in->emptied);
	pthread_mutex_unlock(&in->lock);
	pthread_join(in->thread, NULL);
	pthread_mutex_destroy(&in->lock);
	pthread_cond_destroy(&in->filled);
	pthread_cond_destroy(&in->emptied);
	for (unsigned i = 0; i < RING; i++)
		free(in->ring[i]);
	free(in);
}
