/* input-line.c -- classify one line of the domain list; Unicode names become their A-label. */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "inputline.h"

/* Longer than any name's Unicode form can be (253 octets of A-label text
 * come from far fewer characters): a longer line is refused unread. */
#define IDN_TEXT_MAX 1024

static bool
has_non_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* IDNA2008 with UTS #46 non-transitional processing, as `dig +idnin`:
 * "Café.fr" -> "xn--caf-dma.fr"; libidn2's reason when it refuses. */
static enum line_kind
from_unicode(const char *text, size_t len, struct dname *out, const char **why)
{
	char buf[IDN_TEXT_MAX + 1], *ace = NULL;
	int rc;
	bool ok;

	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len > IDN_TEXT_MAX) {
		*why = "name is too long";
		return LINE_INVALID;
	}
	if (memchr(text, '\0', len) != NULL) {
		*why = "NUL byte in the name";
		return LINE_INVALID;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((rc = idn2_to_ascii_8z(buf, &ace, IDN2_NONTRANSITIONAL)) != IDN2_OK) {
		*why = idn2_strerror(rc);
		return LINE_INVALID;
	}
	ok = dname_from_input(ace, strlen(ace), out, why);
	idn2_free(ace);
	return ok ? LINE_IDN : LINE_INVALID;
}

enum line_kind
input_line(const char *line, size_t len, struct dname *out, const char **why)
{
	size_t i = 0;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] == '#')
		return LINE_SKIP;
	if (has_non_ascii(line + i, len - i))
		return from_unicode(line + i, len - i, out, why);
	return dname_from_input(line + i, len - i, out, why) ? LINE_DOMAIN : LINE_INVALID;
}
