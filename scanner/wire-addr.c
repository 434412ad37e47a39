/* wire-addr.c -- addresses as data. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

void
addr_from_v4(struct addr *a, const uint8_t bytes[4])
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	memcpy(a->bytes, bytes, 4);
}

void
addr_from_v6(struct addr *a, const uint8_t bytes[16])
{
	a->family = AF_INET6;
	memcpy(a->bytes, bytes, 16);
}

bool
addr_parse(const char *text, struct addr *out)
{
	uint8_t buf[16];

	if (inet_pton(AF_INET, text, buf) == 1) {
		addr_from_v4(out, buf);
		return true;
	}
	if (inet_pton(AF_INET6, text, buf) == 1) {
		addr_from_v6(out, buf);
		return true;
	}
	return false;
}

/* Dotted quad without sprintf (glibc's inet_ntop uses it): this runs for
 * every address of every verdict written. */
static void
v4_text(const uint8_t b[4], char *out)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

const char *
addr_text(const struct addr *a, char buf[ADDR_TEXT_MAX])
{
	if (a->family == AF_INET)
		v4_text(a->bytes, buf);
	else if (inet_ntop(a->family, a->bytes, buf, ADDR_TEXT_MAX) == NULL)
		strcpy(buf, "?");
	return buf;
}

bool
addr_equal(const struct addr *a, const struct addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

uint32_t
addr_v4(const struct addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	    (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

bool
addr_set_has(const struct addr *set, size_t n, const struct addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (addr_equal(&set[i], a))
			return true;
	return false;
}

bool
addr_set_add(struct addr *set, size_t *n, size_t cap, const struct addr *a)
{
	if (addr_set_has(set, *n, a))
		return true;
	if (*n >= cap)
		return false;
	set[(*n)++] = *a;
	return true;
}
