/* test_gzip.c -- gzip read directly: the domain list (inputreader) and the hints and exclusions (gzfile_open). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gzfile.h"
#include "hints.h"
#include "inputreader.h"
#include "resume.h"

/* A buffer that grows: the text given, the gzip made of it, what a reader returned. */
struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void
append(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		cr_assert_not_null(b->p = realloc(b->p, b->cap));
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* One gzip member of text, appended to out. */
static void
gzip_member(struct bytes *out, const void *text, size_t len)
{
	z_stream z = { 0 };
	uLong cap;
	unsigned char *buf;

	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, (uLong)len);
	cr_assert_not_null(buf = malloc(cap));
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	append(out, buf, cap - z.avail_out);
	deflateEnd(&z);
	free(buf);
}

static struct bytes
gzip_of(const char *text)
{
	struct bytes b = { 0 };

	gzip_member(&b, text, strlen(text));
	return b;
}

/* A regular file holding those bytes, opened for reading (removed at once). */
static int
file_of(const void *p, size_t len)
{
	char path[] = "/tmp/gluescan-test-gzip.XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	unlink(path);
	cr_assert_eq(write(fd, p, len), (ssize_t)len);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* What a reader gave: its lines joined by '\n', then how it ended. */
struct readout {
	struct bytes text;
	uint64_t lines, offset, hash;
	enum input_status end;	/* INPUT_END or INPUT_ERROR */
	int err;
	char why[160];
};

/* Read r to its end (a descriptor that never waits); r is freed. */
static struct readout
read_all(struct inputreader *r)
{
	struct readout o = { 0 };
	const char *line;
	size_t len;
	enum input_status st;

	cr_assert_not_null(r);
	while ((st = inputreader_next(r, &line, &len)) == INPUT_LINE) {
		append(&o.text, line, len);
		append(&o.text, "\n", 1);
	}
	cr_assert_neq(st, INPUT_AGAIN, "a file made the reader wait");
	o.end = st;
	o.err = errno;
	o.lines = inputreader_lines(r);
	o.offset = inputreader_offset(r);
	o.hash = inputreader_hash(r);
	if (inputreader_error(r) != NULL)
		strlcpy(o.why, inputreader_error(r), sizeof(o.why));
	inputreader_free(r);
	return o;
}

static struct readout
read_file(const struct bytes *b)
{
	int fd = file_of(b->p, b->len);
	struct readout o = read_all(inputreader_fd(fd));

	close(fd);
	return o;
}

/* The same text as a plain file: what gzip of it must read as. */
static struct readout
read_plain(const char *text)
{
	struct bytes b = { (unsigned char *)text, strlen(text), 0 };

	return read_file(&b);
}

/* Gzip input reads exactly as the text it holds: lines, offset and hash. */
static void
assert_same(const struct readout *got, const struct readout *want)
{
	cr_assert_eq(got->end, INPUT_END, "ended with %d: %s", (int)got->end, got->why);
	cr_assert_eq(got->lines, want->lines, "%llu lines, want %llu",
	    (unsigned long long)got->lines, (unsigned long long)want->lines);
	cr_assert_eq(got->text.len, want->text.len);
	cr_assert(got->text.len == 0 || memcmp(got->text.p, want->text.p, got->text.len) == 0);
	cr_assert_eq(got->offset, want->offset);
	cr_assert_eq(got->hash, want->hash, "hash differs: a resumed scan would refuse the input");
}

static void
readout_free(struct readout *o)
{
	free(o->text.p);
}

static const char *three = "example.com\nexample.net\n# comment\nlast.org";

Test(gzip_input, plain_file_passes_through)
{
	struct bytes b = { 0 };
	struct readout want = read_plain(three), got;

	append(&b, three, strlen(three));
	got = read_file(&b);
	assert_same(&got, &want);
	readout_free(&got);
	readout_free(&want);
	free(b.p);
}

Test(gzip_input, one_member_reads_as_its_text)
{
	struct bytes gz = gzip_of(three);
	struct readout want = read_plain(three), got = read_file(&gz);
	int fd = file_of(gz.p, gz.len);
	struct inputreader *r = inputreader_fd(fd);
	const char *line;
	size_t len;

	assert_same(&got, &want);
	cr_assert_eq(got.lines, 4);
	/* the ETA's position is in compressed bytes: all of them at the end */
	cr_assert_eq(inputreader_size(r), gz.len);
	while (inputreader_next(r, &line, &len) == INPUT_LINE)
		cr_assert(inputreader_consumed(r) <= gz.len);
	cr_assert_eq(inputreader_consumed(r), gz.len);
	cr_assert(inputreader_at_end(r));
	inputreader_free(r);
	close(fd);
	readout_free(&got);
	readout_free(&want);
	free(gz.p);
}

Test(gzip_input, members_follow_each_other_as_gunzip_reads_them)
{
	/* the first member ends inside a line: the line goes on in the second */
	const char *text = "a.example\nb.exa" "mple\nc.example\n" "" "d.example\n";
	struct bytes gz = { 0 };
	struct readout want = read_plain(text), got;

	gzip_member(&gz, "a.example\nb.exa", 15);
	gzip_member(&gz, "mple\nc.example\n", 15);
	gzip_member(&gz, "", 0);
	gzip_member(&gz, "d.example\n", 10);
	got = read_file(&gz);
	assert_same(&got, &want);
	cr_assert_eq(got.lines, 4);
	readout_free(&got);
	readout_free(&want);
	free(gz.p);
}

Test(gzip_input, empty_member_has_no_line)
{
	struct bytes gz = gzip_of("");
	struct readout got = read_file(&gz);

	cr_assert_eq(got.end, INPUT_END, "%s", got.why);
	cr_assert_eq(got.lines, 0);
	cr_assert_eq(got.offset, 0);
	readout_free(&got);
	free(gz.p);
}

Test(gzip_input, lone_magic_byte_is_plain_text)
{
	struct bytes b = { 0 };
	struct readout got;

	append(&b, "\x1f", 1);
	got = read_file(&b);
	cr_assert_eq(got.end, INPUT_END);
	cr_assert_eq(got.lines, 1);
	cr_assert_eq(got.text.len, 2);
	cr_assert_eq(got.text.p[0], 0x1f);
	readout_free(&got);
	free(b.p);
}

/* Lines of every length around the inflate chunk and the kept length, and
 * past it (cut), cross each boundary of the buffer somewhere. */
static char *
long_lines(void)
{
	static const size_t lens[] = { 1, 65535, 65536, 65537, 200000, 0, 3, 131071, 70000, 5 };
	struct bytes b = { 0 };

	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			for (size_t k = 0; k < lens[i]; k++) {
				char c = (char)('a' + (k * 7 + i + (size_t)round) % 26);

				append(&b, &c, 1);
			}
			append(&b, "\n", 1);
		}
	b.p[b.len] = '\0';
	return (char *)b.p;
}

Test(gzip_input, long_lines_across_chunks)
{
	char *text = long_lines();
	struct bytes gz = gzip_of(text);
	struct readout want = read_plain(text), got = read_file(&gz);

	assert_same(&got, &want);
	cr_assert_eq(got.lines, 30);
	readout_free(&got);
	readout_free(&want);
	free(gz.p);
	free(text);
}

Test(gzip_input, truncated_is_an_error_not_a_short_input)
{
	struct bytes gz = gzip_of(three);
	struct readout got;

	for (size_t cut = 1; cut < gz.len; cut++) {
		struct bytes part = { gz.p, cut, cut };

		got = read_file(&part);
		if (cut == 1) {
			/* one byte 0x1f is not gzip's magic: a plain line */
			cr_assert_eq(got.end, INPUT_END);
		} else {
			cr_assert_eq(got.end, INPUT_ERROR, "cut at %zu of %zu: read as complete", cut, gz.len);
			cr_assert_eq(got.err, EIO);
			cr_assert_str_eq(got.why, "truncated gzip input", "cut at %zu", cut);
			/* no line is cut short: what was returned are whole lines of the text */
			cr_assert(got.lines <= 3);
			cr_assert(got.text.len == 0 || memcmp(got.text.p, three, got.text.len) == 0);
		}
		readout_free(&got);
	}
	free(gz.p);
}

Test(gzip_input, truncated_keeps_the_whole_lines_before_it)
{
	char text[4096 * 16];
	struct bytes gz;
	struct readout got;
	size_t n = 0;

	for (int i = 0; n + 32 < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "d%05d.example.com\n", i);
	gz = gzip_of(text);
	gz.len -= 8;	/* the trailer's CRC and length gone: all text inflates, the end is missing */
	got = read_file(&gz);
	cr_assert_eq(got.end, INPUT_ERROR);
	cr_assert_str_eq(got.why, "truncated gzip input");
	cr_assert_eq(got.text.len, n, "the text before the cut: %zu bytes of %zu", got.text.len, n);
	cr_assert_eq(got.offset, n);
	readout_free(&got);
	free(gz.p);
}

Test(gzip_input, corrupt_crc)
{
	struct bytes gz = gzip_of(three);
	struct readout got;

	gz.p[gz.len - 8] ^= 0x55;	/* the CRC-32 */
	got = read_file(&gz);
	cr_assert_eq(got.end, INPUT_ERROR);
	cr_assert_eq(got.err, EIO);
	cr_assert_str_eq(got.why, "corrupt gzip input: incorrect data check");
	readout_free(&got);
	free(gz.p);
}

/* The input reader stops at gz with a "corrupt gzip input: " error; gz is freed. */
static void
assert_input_corrupt(struct bytes *gz)
{
	struct readout got = read_file(gz);

	cr_assert_eq(got.end, INPUT_ERROR);
	cr_assert(strncmp(got.why, "corrupt gzip input: ", 20) == 0, "%s", got.why);
	readout_free(&got);
	free(gz->p);
}

Test(gzip_input, corrupt_data)
{
	struct bytes gz = gzip_of(three);

	memset(gz.p + 10, 0xff, 4);	/* the first bytes of the deflate stream */
	assert_input_corrupt(&gz);
}

Test(gzip_input, garbage_after_a_member_is_corrupt)
{
	struct bytes gz = gzip_of(three);

	append(&gz, "junk", 4);
	assert_input_corrupt(&gz);
}

Test(gzip_input, plain_error_has_no_gzip_reason)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	struct readout got;

	cr_assert(fd >= 0);
	got = read_all(inputreader_fd(fd));
	cr_assert_eq(got.end, INPUT_ERROR);
	cr_assert_eq(got.err, EISDIR);
	cr_assert_str_eq(got.why, "");
	close(fd);
	readout_free(&got);
}

/*
 * A gzip file trickling into a pipe one byte at a time: the reader returns
 * INPUT_AGAIN (never blocks) until the next byte, whose descriptor it names,
 * and the lines come out whole as their bytes arrive.
 */
Test(gzip_input, one_byte_at_a_time_through_a_pipe)
{
	const char *text = "one.example\ntwo.example\n\nthree.example\n";
	struct bytes gz = { 0 };
	struct readout want = read_plain(text), got = { 0 };
	struct inputreader *r;
	const char *line;
	size_t len;
	enum input_status st;
	int p[2];

	gzip_member(&gz, text, 12);
	gzip_member(&gz, text + 12, strlen(text) - 12);
	cr_assert_eq(pipe(p), 0);
	cr_assert_not_null(r = inputreader_fd(p[0]));
	cr_assert_eq(inputreader_size(r), 0);
	for (size_t i = 0; i <= gz.len; i++) {
		if (i < gz.len)
			cr_assert_eq(write(p[1], gz.p + i, 1), 1);
		else
			close(p[1]);
		while ((st = inputreader_next(r, &line, &len)) == INPUT_LINE) {
			append(&got.text, line, len);
			append(&got.text, "\n", 1);
		}
		if (i < gz.len) {
			cr_assert_eq(st, INPUT_AGAIN, "byte %zu: status %d (%s)", i, (int)st,
			    inputreader_error(r) ? inputreader_error(r) : "");
			cr_assert_eq(inputreader_pollfd(r), p[0], "byte %zu: nothing to poll", i);
			cr_assert_eq(inputreader_consumed(r), i + 1 >= 2 ? i + 1 : 0);
		}
	}
	cr_assert_eq(st, INPUT_END, "%s", inputreader_error(r) ? inputreader_error(r) : "");
	cr_assert(inputreader_at_end(r));
	got.end = st;
	got.lines = inputreader_lines(r);
	got.offset = inputreader_offset(r);
	got.hash = inputreader_hash(r);
	assert_same(&got, &want);
	inputreader_free(r);
	close(p[0]);
	readout_free(&got);
	readout_free(&want);
	free(gz.p);
}

/* A truncated gzip through a pipe fails when the writer closes. */
Test(gzip_input, truncated_through_a_pipe)
{
	struct bytes gz = gzip_of(three);
	struct inputreader *r;
	const char *line;
	size_t len;
	enum input_status st;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], gz.p, gz.len - 3), (ssize_t)gz.len - 3);
	cr_assert_not_null(r = inputreader_fd(p[0]));
	while ((st = inputreader_next(r, &line, &len)) == INPUT_LINE)
		;
	cr_assert_eq(st, INPUT_AGAIN);
	close(p[1]);
	while ((st = inputreader_next(r, &line, &len)) == INPUT_LINE)
		;
	cr_assert_eq(st, INPUT_ERROR);
	cr_assert_str_eq(inputreader_error(r), "truncated gzip input");
	cr_assert_eq(inputreader_lines(r), 3);
	cr_assert_eq(inputreader_pollfd(r), -1);
	inputreader_free(r);
	close(p[0]);
	free(gz.p);
}

/* --- gzfile_open: a FILE for the configuration readers -------------------- */

/* A path holding those bytes; the caller unlinks it. */
static char *
path_of(const void *p, size_t len)
{
	static char path[64];
	int fd;

	strlcpy(path, "/tmp/gluescan-test-gzfile.XXXXXX", sizeof(path));
	cr_assert((fd = mkstemp(path)) >= 0);
	cr_assert_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Everything f gives, and whether it ended in an error. */
static struct bytes
slurp(FILE *f)
{
	struct bytes b = { 0 };
	char buf[1000];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		append(&b, buf, n);
	return b;
}

static void
assert_reads_as(const struct bytes *file, const char *want)
{
	char err[256] = "", *path = path_of(file->p, file->len);
	FILE *f = gzfile_open(path, err, sizeof(err));
	struct bytes got;

	cr_assert_not_null(f, "%s", err);
	got = slurp(f);
	cr_assert(!ferror(f), "%s", gzfile_error(f) ? gzfile_error(f) : "");
	cr_assert_null(gzfile_error(f));
	cr_assert_eq(got.len, strlen(want));
	cr_assert(got.len == 0 || memcmp(got.p, want, got.len) == 0);
	cr_assert_eq(fclose(f), 0);
	unlink(path);
	free(got.p);
}

Test(gzfile, plain_passes_through)
{
	struct bytes b = { 0 };

	append(&b, three, strlen(three));
	assert_reads_as(&b, three);
	free(b.p);
}

Test(gzfile, one_member_and_several)
{
	struct bytes gz = gzip_of(three);

	assert_reads_as(&gz, three);
	gzip_member(&gz, "", 0);
	gzip_member(&gz, "more.example\n", 13);
	assert_reads_as(&gz, "example.com\nexample.net\n# comment\nlast.orgmore.example\n");
	free(gz.p);
}

Test(gzfile, empty_member)
{
	struct bytes gz = gzip_of("");

	assert_reads_as(&gz, "");
	free(gz.p);
}

/* The FILE of a bad gzip ends in ferror, errno EIO and the reason. */
static void
assert_fails(const struct bytes *file, const char *why, size_t cmp)
{
	char err[256] = "", *path = path_of(file->p, file->len);
	FILE *f = gzfile_open(path, err, sizeof(err));
	struct bytes got;

	cr_assert_not_null(f, "%s", err);
	errno = 0;
	got = slurp(f);
	cr_assert(ferror(f), "a bad gzip read as a short file");
	cr_assert_eq(errno, EIO);
	cr_assert_not_null(gzfile_error(f));
	cr_assert(strncmp(gzfile_error(f), why, cmp) == 0, "%s", gzfile_error(f));
	fclose(f);
	unlink(path);
	free(got.p);
}

Test(gzfile, truncated)
{
	struct bytes gz = gzip_of(three);

	gz.len -= 5;
	assert_fails(&gz, "truncated gzip input", 100);
	gz.len = 12;
	assert_fails(&gz, "truncated gzip input", 100);
	free(gz.p);
}

Test(gzfile, corrupt_crc)
{
	struct bytes gz = gzip_of(three);

	gz.p[gz.len - 6] ^= 1;
	assert_fails(&gz, "corrupt gzip input: incorrect data check", 100);
	free(gz.p);
}

Test(gzfile, corrupt_data)
{
	struct bytes gz = gzip_of(three);

	memset(gz.p + 10, 0xff, 4);
	assert_fails(&gz, "corrupt gzip input: ", 20);
	free(gz.p);
}

Test(gzfile, unreadable_paths_say_why)
{
	char err[256];

	cr_assert_null(gzfile_open("/nonexistent/x.gz", err, sizeof(err)));
	cr_assert_str_eq(err, "/nonexistent/x.gz: No such file or directory");
	cr_assert_null(gzfile_open("/tmp", err, sizeof(err)));
	cr_assert_str_eq(err, "/tmp: Is a directory");
}

Test(gzfile, error_of_another_file_is_null)
{
	FILE *f = fmemopen((void *)"x", 1, "r");

	cr_assert_not_null(f);
	cr_assert_null(gzfile_error(f));
	fclose(f);
}

/* The hints reader takes a .gz as it is. */
Test(gzfile, hints_read_through_gzip)
{
	struct bytes gz = gzip_of(". NS a.root-servers.net.\na.root-servers.net. A 198.41.0.4\n");
	char err[256] = "", *path = path_of(gz.p, gz.len);
	FILE *f = gzfile_open(path, err, sizeof(err));
	struct hints h;

	cr_assert_not_null(f, "%s", err);
	cr_assert(hints_read(f, path, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 2);
	cr_assert(hints_first_server(&h, NULL));
	hints_free(&h);
	fclose(f);
	unlink(path);
	free(gz.p);
}

/* Newlines in what zlib inflates of in, with all the room it wants. */
static uint64_t
newlines_inflated(z_stream *z, const unsigned char *in, size_t len)
{
	static unsigned char out[1 << 16];
	uint64_t n = 0;
	int ret;

	z->next_in = (unsigned char *)in;
	z->avail_in = (uInt)len;
	do {
		z->next_out = out;
		z->avail_out = sizeof(out);
		ret = inflate(z, Z_NO_FLUSH);
		cr_assert(ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
		for (unsigned char *p = out; p < z->next_out; p++)
			n += *p == '\n';
	} while (z->avail_out == 0);
	return n;
}

/*
 * A thousandfold compression, written into a pipe a few bytes at a time:
 * some of those bytes inflate to more than the buffer has room for, so
 * inflate stops with output pending and no input left. Whenever the reader
 * says to wait for the pipe, it must have returned every line the bytes
 * written so far hold: none may wait for bytes that will come later (or,
 * at the pipe's end, be lost as "truncated").
 */
Test(gzip_input, output_pending_after_the_input_is_used)
{
	struct bytes text = { 0 }, gz = { 0 };
	struct inputreader *r;
	z_stream ref = { 0 };
	const char *line;
	size_t len, off = 0;
	uint64_t n = 0, written_lines = 0;
	enum input_status st = INPUT_AGAIN;
	int p[2];

	for (int i = 0; i < 400000; i++)
		append(&text, "same.example.com\n", 17);
	gzip_member(&gz, text.p, text.len);
	cr_assert_eq(inflateInit2(&ref, 15 + 16), Z_OK);
	cr_assert_eq(pipe(p), 0);
	cr_assert_not_null(r = inputreader_fd(p[0]));
	while (st != INPUT_END) {
		if ((st = inputreader_next(r, &line, &len)) == INPUT_LINE) {
			cr_assert_eq(len, 16);
			n++;
			continue;
		}
		cr_assert_neq(st, INPUT_ERROR, "after %llu lines: %s", (unsigned long long)n,
		    inputreader_error(r) ? inputreader_error(r) : strerror(errno));
		if (st == INPUT_AGAIN) {
			cr_assert_eq(n, written_lines, "waiting for the pipe with lines in hand");
			cr_assert_eq(inputreader_pollfd(r), p[0]);
			if (off == gz.len) {
				close(p[1]);
				continue;
			}
			/* sizes that vary, so that a chunk sometimes ends just where output overflows */
			len = 60 + (off * 31) % 200;
			len = gz.len - off < len ? gz.len - off : len;
			cr_assert_eq(write(p[1], gz.p + off, len), (ssize_t)len);
			written_lines += newlines_inflated(&ref, gz.p + off, len);
			off += len;
		}
	}
	cr_assert_eq(n, 400000);
	cr_assert_eq(inputreader_offset(r), text.len);
	inflateEnd(&ref);
	inputreader_free(r);
	close(p[0]);
	free(text.p);
	free(gz.p);
}

/* Compressed bytes read and not yet inflated need no poll: the reader says so. */
Test(gzip_input, nothing_to_poll_while_input_is_pending)
{
	struct bytes text = { 0 }, gz = { 0 };
	struct inputreader *r;
	const char *line;
	size_t len;
	int p[2];

	for (int i = 0; i < 400000; i++)
		append(&text, "same.example.com\n", 17);
	gzip_member(&gz, text.p, text.len);
	cr_assert(gz.len < 65536, "%zu bytes: more than a pipe holds", gz.len);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], gz.p, gz.len), (ssize_t)gz.len);
	cr_assert_not_null(r = inputreader_fd(p[0]));
	cr_assert_eq(inputreader_next(r, &line, &len), INPUT_LINE);
	cr_assert_eq(inputreader_pollfd(r), -1, "the pipe polled while inflate has input");
	inputreader_free(r);
	close(p[0]);
	close(p[1]);
	free(text.p);
	free(gz.p);
}
