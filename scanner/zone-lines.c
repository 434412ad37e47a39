/* zone-lines.c -- a zone file's lines, inflated on the fly when it is gzip, and the split
 * of one registry-format record line. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "inflater.h"
#include "zonelines.h"

/* Lines are found in a window of this much text; a longer line is an error. */
#define TEXT_CHUNK (1 << 20)

struct zonelines {
	int fd;
	char *path;
	bool gzip;
	struct inflater *inflater;	/* gzip: the text, inflated on a thread of its own */
	char *text;		/* [start, end) not yet returned */
	size_t start, end;
	uint64_t lineno;
	char err[256];
};

static int
fail(struct zonelines *z, const char *fmt, const char *detail)
{
	snprintf(z->err, sizeof(z->err), fmt, z->path, detail);
	return -1;
}

static bool
start(struct zonelines *z)
{
	unsigned char magic[2];
	ssize_t got;

	inflater_stop(z->inflater);
	z->inflater = NULL;
	z->start = z->end = 0;
	z->lineno = 0;
	if (lseek(z->fd, 0, SEEK_SET) != 0 || (got = read(z->fd, magic, 2)) < 0 ||
	    lseek(z->fd, 0, SEEK_SET) != 0)
		return fail(z, "%s: cannot read: %s", strerror(errno)), false;
	z->gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
	if (z->gzip && (z->inflater = inflater_start(z->fd, z->path)) == NULL)
		return fail(z, "%s: %s", "cannot start inflating"), false;
	return true;
}

struct zonelines *
zonelines_open(const char *path, char *errbuf, size_t errlen)
{
	struct zonelines *z = calloc(1, sizeof(*z));
	struct stat st;

	if (z == NULL || (z->path = strdup(path)) == NULL || (z->text = malloc(TEXT_CHUNK)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	if ((z->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(errbuf, errlen, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(z->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file: a zone is read more than once, "
		    "so give a file (plain or .gz), not a pipe", path);
		goto out;
	}
	if (!start(z)) {
		snprintf(errbuf, errlen, "%s", z->err);
		goto out;
	}
	return z;
out:
	if (z != NULL) {
		if (z->fd > 0)
			close(z->fd);
		free(z->path);
		free(z->text);
		free(z);
	}
	return NULL;
}

void
zonelines_close(struct zonelines *z)
{
	if (z == NULL)
		return;
	inflater_stop(z->inflater);
	close(z->fd);
	free(z->path);
	free(z->text);
	free(z);
}

bool
zonelines_rewind(struct zonelines *z)
{
	return start(z);
}

const char *
zonelines_error(const struct zonelines *z)
{
	return z->err;
}

uint64_t
zonelines_lineno(const struct zonelines *z)
{
	return z->lineno;
}

/* Append text at z->text + z->end: read(2) for a plain file, the inflater's for
 * gzip. Returns the bytes added, 0 at the end, -1 on error. */
static ssize_t
more(struct zonelines *z)
{
	size_t room = TEXT_CHUNK - z->end;
	ssize_t got;

	if (z->gzip)
		return inflater_read(z->inflater, z->text + z->end, room, z->err, sizeof(z->err));
	while ((got = read(z->fd, z->text + z->end, room)) < 0 && errno == EINTR)
		;
	if (got < 0)
		return fail(z, "%s: read error: %s", strerror(errno));
	return got;
}

int
zonelines_next(struct zonelines *z, const char **line, size_t *len)
{
	for (;;) {
		char *p = z->text + z->start, *nl = memchr(p, '\n', z->end - z->start);
		size_t n = z->end - z->start;
		ssize_t got;

		if (nl != NULL) {
			n = (size_t)(nl - p);
			z->start += n + 1;
		} else {
			if (z->start > 0) {
				memmove(z->text, p, n);
				z->end = n;
				z->start = 0;
				p = z->text;
			}
			if (z->end == TEXT_CHUNK) {
				snprintf(z->err, sizeof(z->err), "%s:%llu: line longer than %d bytes",
				    z->path, (unsigned long long)z->lineno + 1, TEXT_CHUNK);
				return -1;
			}
			if ((got = more(z)) < 0)
				return -1;
			if (got > 0) {
				z->end += (size_t)got;
				continue;
			}
			if (n == 0)
				return 0;
			z->start = z->end;	/* the last line, without a newline */
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		*line = p;
		*len = n;
		z->lineno++;
		return 1;
	}
}

/* The stdio stream over the text, for the master-file reader. */
static ssize_t
stream_read(void *cookie, char *buf, size_t size)
{
	struct zonelines *z = cookie;
	ssize_t got;

	if (z->start == z->end) {
		z->start = z->end = 0;
		if ((got = more(z)) < 0) {
			errno = EIO;
			return -1;
		}
		z->end = (size_t)got;
	}
	got = (ssize_t)(z->end - z->start < size ? z->end - z->start : size);
	memcpy(buf, z->text + z->start, (size_t)got);
	z->start += (size_t)got;
	return got;
}

FILE *
zonelines_stream(struct zonelines *z)
{
	cookie_io_functions_t io = { .read = stream_read };

	if (!start(z))
		return NULL;
	return fopencookie(z, "r", io);
}

/* Bytes that end a field, and those that make a line master-file syntax (a
 * comment, parentheses): one table, one look per byte. Quotes only come in
 * the data of types not read here (TXT), so they need no care. */
enum { C_TAB = 1, C_SPACE = 2, C_BLANK = C_TAB | C_SPACE, C_MASTER = 4 };
static const uint8_t byte_class[256] = {
	[' '] = C_SPACE, ['\t'] = C_TAB, [';'] = C_MASTER, ['('] = C_MASTER, [')'] = C_MASTER,
};

static bool
is_ttl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool
is_class_in(const char *s, size_t n)
{
	return n == 2 && lower(s[0]) == 'i' && lower(s[1]) == 'n';
}

static bool
is_other_class(const char *s, size_t n)
{
	char a, b;

	if (n != 2)
		return false;
	a = lower(s[0]);
	b = lower(s[1]);
	return (a == 'c' && (b == 'h' || b == 's')) || (a == 'h' && b == 's');
}

static uint16_t
type_of(const char *s, size_t n)
{
	switch (n) {
	case 1:
		return lower(s[0]) == 'a' ? DNS_TYPE_A : 0;
	case 2:
		return lower(s[0]) == 'n' && lower(s[1]) == 's' ? DNS_TYPE_NS : 0;
	case 3:
		return lower(s[0]) == 's' && lower(s[1]) == 'o' && lower(s[2]) == 'a' ? DNS_TYPE_SOA : 0;
	case 4:
		return lower(s[0]) == 'a' && lower(s[1]) == 'a' && lower(s[2]) == 'a' &&
		    lower(s[3]) == 'a' ? DNS_TYPE_AAAA : 0;
	default:
		return 0;
	}
}

/* Five fields split at single tabs, the fifth to its first blank: 5; master-file
 * syntax anywhere in the line: -1; any other form: 0. One look per byte: memchr
 * for each tab and then for each of ; ( ) was nine calls a line, a tenth of
 * reading a registry's zone. */
static int
split_tabs(const char *line, size_t len, const char *f[5], size_t flen[5])
{
	size_t from = 0;
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = byte_class[(unsigned char)line[i]];

		if (c == 0)
			continue;
		if (c == C_MASTER)
			return -1;
		if (n == 5)
			continue;	/* the rest of the data: only master syntax matters */
		if (i == from || (n < 4 && c != C_TAB))
			return 0;	/* an empty field, or a space before the data */
		f[n] = line + from;
		flen[n++] = i - from;
		from = i + 1;
	}
	if (n == 4 && from < len) {
		f[4] = line + from;
		flen[4] = len - from;
		n = 5;
	}
	return n == 5 ? 5 : 0;
}

enum zone_line_kind
zone_line_split(const char *line, size_t len, struct zone_line *out, const char **why)
{
	const char *f[5] = { NULL };
	size_t flen[5] = { 0 }, i = 0;
	int nf, k = 1;

	if (len == 0)
		return ZL_BLANK;
	if (line[0] == ' ' || line[0] == '\t' || line[0] == '$')
		return ZL_MASTER;
	/* The registries' lines, "owner<TAB>ttl<TAB>class<TAB>type<TAB>data",
	 * are split by split_tabs; any other spacing by the loop below. */
	if ((nf = split_tabs(line, len, f, flen)) < 0)
		return ZL_MASTER;
	if (nf > 0)
		i = len;
	/* Owner, up to two of TTL and class, the type, the first rdata field;
	 * the rest of the line is only looked at for master-file syntax. */
	while (i < len) {
		size_t from;

		while (i < len && (byte_class[(unsigned char)line[i]] & C_BLANK) != 0)
			i++;
		if (i == len)
			break;
		from = i;
		while (i < len && byte_class[(unsigned char)line[i]] == 0)
			i++;
		if (i < len && byte_class[(unsigned char)line[i]] == C_MASTER)
			return ZL_MASTER;
		if (nf < 5) {
			f[nf] = line + from;
			flen[nf++] = i - from;
		}
	}
	if (nf == 0)
		return ZL_BLANK;
	if (f[0][flen[0] - 1] != '.')
		return ZL_MASTER;	/* relative to a $ORIGIN */
	for (int t = 0; t < 2 && k < nf; t++) {
		if (is_ttl(f[k], flen[k]) || is_class_in(f[k], flen[k]))
			k++;
		else if (is_other_class(f[k], flen[k]))
			return *why = "not class IN", ZL_BAD;
	}
	if (k >= nf || (f[k][0] >= '0' && f[k][0] <= '9'))
		return *why = "no type", ZL_BAD;
	out->owner = f[0];
	out->owner_len = flen[0];
	out->type = type_of(f[k], flen[k]);
	if (k + 1 >= nf) {
		if (out->type != 0)
			return *why = "no data", ZL_BAD;
		out->rdata = NULL;
		out->rdata_len = 0;
		return ZL_RECORD;
	}
	out->rdata = f[k + 1];
	out->rdata_len = flen[k + 1];
	if ((out->type == DNS_TYPE_NS || out->type == DNS_TYPE_SOA) &&
	    out->rdata[out->rdata_len - 1] != '.')
		return ZL_MASTER;
	return ZL_RECORD;
}
