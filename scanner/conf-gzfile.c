/* conf-gzfile.c -- zlib's gzFile under a stdio FILE, so the line readers of hints and exclusions take .gz as they are. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gzfile.h"

/* The cookie of one open FILE; gzfile_error finds it by its FILE. */
struct gzfile {
	gzFile gz;
	FILE *f;
	char error[128];	/* "" until a read fails */
	LIST_ENTRY(gzfile) link;
};

static LIST_HEAD(, gzfile) open_files = LIST_HEAD_INITIALIZER(open_files);

/* gzread reads plain files as they are; a gzip stream that ends inside a
 * member gives 0 with Z_BUF_ERROR, bytes that do not inflate -1. */
static ssize_t
gzfile_read(void *cookie, char *buf, size_t size)
{
	struct gzfile *g = cookie;
	int n, zerr;
	const char *msg, *sep;

	n = gzread(g->gz, buf, size > INT_MAX ? INT_MAX : (unsigned)size);
	if (n > 0)
		return n;
	msg = gzerror(g->gz, &zerr);
	if (n == 0 && zerr != Z_BUF_ERROR)
		return 0;
	/* zlib's message starts with the name gzdopen gave: "<fd:N>: " */
	if ((sep = strstr(msg, ">: ")) != NULL)
		msg = sep + 3;
	if (zerr == Z_BUF_ERROR)
		strlcpy(g->error, "truncated gzip input", sizeof(g->error));
	else if (zerr == Z_ERRNO)
		snprintf(g->error, sizeof(g->error), "%s", strerror(errno));
	else
		snprintf(g->error, sizeof(g->error), "corrupt gzip input: %s", msg);
	errno = EIO;
	return -1;
}

static int
gzfile_close(void *cookie)
{
	struct gzfile *g = cookie;
	int ret = gzclose_r(g->gz);

	LIST_REMOVE(g, link);
	free(g);
	return ret == Z_OK ? 0 : EOF;
}

FILE *
gzfile_open(const char *path, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = { .read = gzfile_read, .close = gzfile_close };
	struct gzfile *g;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EISDIR;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL || (g->gz = gzdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(g);
		close(fd);
		return NULL;
	}
	if ((g->f = fopencookie(g, "r", io)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		gzclose_r(g->gz);
		free(g);
		return NULL;
	}
	LIST_INSERT_HEAD(&open_files, g, link);
	return g->f;
}

const char *
gzfile_error(FILE *f)
{
	struct gzfile *g;

	LIST_FOREACH(g, &open_files, link)
		if (g->f == f)
			return g->error[0] != '\0' ? g->error : NULL;
	return NULL;
}
