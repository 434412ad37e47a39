/* fuzz_ndjson.c -- libFuzzer target: whatever bytes a line holds, its NDJSON line is one valid UTF-8 JSON object. */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputline.h"
#include "ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A strict reader of the JSON the writers produce: objects, arrays, strings,
 * numbers, true/false/null. Returns the end of the value or NULL. */
static const unsigned char *value(const unsigned char *p, const unsigned char *end, int depth);

static const unsigned char *
ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Well-formed UTF-8 (RFC 3629) at p, its length, or 0. */
static size_t
utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned cp;
	size_t n;

	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0) {
		n = 2;
		cp = *p & 0x1f;
	} else if ((*p & 0xf0) == 0xe0) {
		n = 3;
		cp = *p & 0x0f;
	} else if ((*p & 0xf8) == 0xf0) {
		n = 4;
		cp = *p & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static const unsigned char *
string(const unsigned char *p, const unsigned char *end)
{
	if (p == end || *p++ != '"')
		return NULL;
	while (p < end && *p != '"') {
		size_t n;

		if (*p < 0x20)
			return NULL;
		if (*p == '\\') {
			if (++p == end)
				return NULL;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (p + i >= end || strchr("0123456789abcdefABCDEF", p[i]) == NULL || p[i] == 0)
						return NULL;
				p += 5;
			} else if (strchr("\"\\/bfnrt", *p) != NULL && *p != 0) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		if ((n = utf8(p, end)) == 0)
			return NULL;
		p += n;
	}
	return p < end ? p + 1 : NULL;
}

static const unsigned char *
container(const unsigned char *p, const unsigned char *end, int depth, char close, int keyed)
{
	p = ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			if ((p = string(ws(p, end), end)) == NULL)
				return NULL;
			p = ws(p, end);
			if (p == end || *p++ != ':')
				return NULL;
		}
		if ((p = value(ws(p, end), end, depth + 1)) == NULL)
			return NULL;
		p = ws(p, end);
		if (p == end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const unsigned char *
value(const unsigned char *p, const unsigned char *end, int depth)
{
	if (p == end || depth > 32)
		return NULL;
	switch (*p) {
	case '{':
		return container(p, end, depth, '}', 1);
	case '[':
		return container(p, end, depth, ']', 0);
	case '"':
		return string(p, end);
	}
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++)
		if ((size_t)(end - p) >= strlen(*w) && memcmp(p, *w, strlen(*w)) == 0)
			return p + strlen(*w);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		while (p < end && strchr("-+.eE0123456789", *p) != NULL && *p != 0)
			p++;
		return p;
	}
	return NULL;
}

static void
assert_one_json_line(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len;

	assert(len > 1 && buf[len - 1] == '\n');
	assert(memchr(buf, '\n', len - 1) == NULL);
	assert(*p == '{');
	p = value(p, end - 1, 0);
	assert(p == end - 1);
}

/* Text that JSON needs no escape for: valid UTF-8, no control character, quote or backslash. */
static bool
plain_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '"' || p[i] == '\\' ||
		    (k = utf8(p + i, p + n)) == 0)
			return false;
	return true;
}

/* Such a line comes out as written: "input":"<the line>". */
static void
assert_kept(const char *buf, size_t len, const uint8_t *line, size_t n)
{
	char *want = malloc(n + 11);

	assert(want != NULL);
	memcpy(want, "\"input\":\"", 9);
	memcpy(want + 9, line, n);
	memcpy(want + 9 + n, "\"", 2);
	assert(memmem(buf, len, want, n + 10) != NULL);
	free(want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dname name;
	const char *why = NULL;
	char *buf = NULL, *input;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	/* A line ends at its newline: the scan splits the input there. */
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl != NULL ? (size_t)(nl - data) : size;

	assert(f != NULL);
	switch (input_line((const char *)data, n, &name, &why)) {
	case LINE_SKIP:
		break;
	case LINE_INVALID:
		ndjson_invalid(f, (const char *)data, n, why);
		break;
	case LINE_DOMAIN:
		ndjson_excluded(f, &name, NULL);
		break;
	case LINE_IDN:
		input = strndup((const char *)data, n);
		assert(input != NULL);
		ndjson_excluded(f, &name, input);
		free(input);
		break;
	}
	fclose(f);
	if (len > 0) {
		assert_one_json_line(buf, len);
		if (memmem(buf, len, "\"input\":", 8) != NULL && plain_text(data, n))
			assert_kept(buf, len, data, n);
	}
	free(buf);
	ndjson_release();
	return 0;
}
