/* wire-dname.c -- domain names: input validation, wire form, ancestry. */
#include <ctype.h>
#include <string.h>

#include "dname.h"

/* Locale-free: DNS case folding is ASCII only (RFC 4343). */
static uint8_t
ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static bool
label_char_ok(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

bool
dname_from_input(const char *text, size_t len, struct dname *out, const char **why)
{
	size_t start = 0, end = len, pos = 0, label = 0;

	while (start < end && (text[start] == ' ' || text[start] == '\t'))
		start++;
	while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
	    text[end - 1] == '\r' || text[end - 1] == '\n'))
		end--;
	if (end > start && text[end - 1] == '.')
		end--;
	if (end == start) {
		*why = "empty name";
		return false;
	}
	if (end - start > DNAME_TEXT_MAX - 1) {
		*why = "name longer than 253 octets";
		return false;
	}
	/* wire[label] holds the length of the label being filled. */
	out->wire[0] = 0;
	pos = 1;
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '.') {
			if (out->wire[label] == 0) {
				*why = "empty label";
				return false;
			}
			label = pos++;
			out->wire[label] = 0;
			continue;
		}
		if (c == ' ' || c == '\t') {
			*why = "white space inside the name";
			return false;
		}
		if (c >= 0x80) {
			*why = "non-ASCII character (use the xn-- form)";
			return false;
		}
		if (!label_char_ok(c)) {
			*why = "character not allowed in a host name";
			return false;
		}
		if (out->wire[label] == DNAME_LABEL_MAX) {
			*why = "label longer than 63 octets";
			return false;
		}
		out->wire[label]++;
		out->wire[pos++] = ascii_lower(c);
	}
	if (out->wire[label] == 0) {
		*why = "empty label";
		return false;
	}
	out->wire[pos++] = 0;
	out->len = (uint8_t)pos;
	return true;
}

bool
dname_from_text(const char *text, struct dname *out)
{
	size_t n = strlen(text), pos = 1, label = 0;

	if (n == 1 && text[0] == '.') {
		dname_root(out);
		return true;
	}
	if (n < 2 || text[n - 1] != '.')
		return false;
	n--;
	out->wire[0] = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '.') {
			if (out->wire[label] == 0)
				return false;
			label = pos++;
			out->wire[label] = 0;
			continue;
		}
		if (c <= ' ' || c >= 0x7f || c == '\\' ||
		    out->wire[label] == DNAME_LABEL_MAX || pos >= DNAME_WIRE_MAX - 1)
			return false;
		out->wire[label]++;
		out->wire[pos++] = ascii_lower(c);
	}
	if (out->wire[label] == 0)
		return false;
	out->wire[pos++] = 0;
	out->len = (uint8_t)pos;
	return true;
}

void
dname_text(const struct dname *n, char buf[DNAME_TEXT_MAX + 2])
{
	size_t pos = 0, out = 0;

	if (n->len <= 1) {
		strcpy(buf, ".");
		return;
	}
	while (n->wire[pos] != 0) {
		uint8_t l = n->wire[pos++];

		if (out > 0)
			buf[out++] = '.';
		memcpy(buf + out, n->wire + pos, l);
		out += l;
		pos += l;
	}
	buf[out] = '\0';
}

void
dname_root(struct dname *out)
{
	out->len = 1;
	out->wire[0] = 0;
}

bool
dname_equal(const struct dname *a, const struct dname *b)
{
	return a->len == b->len && memcmp(a->wire, b->wire, a->len) == 0;
}

int
dname_compare(const struct dname *a, const struct dname *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->wire, b->wire, n);

	if (c != 0)
		return c;
	return (int)a->len - (int)b->len;
}

int
dname_label_count(const struct dname *n)
{
	int count = 0;

	for (size_t pos = 0; n->wire[pos] != 0; pos += n->wire[pos] + 1)
		count++;
	return count;
}

bool
dname_strip(const struct dname *n, int count, struct dname *out)
{
	size_t pos = 0;

	for (int i = 0; i < count; i++) {
		if (n->wire[pos] == 0)
			return false;
		pos += n->wire[pos] + 1;
	}
	out->len = (uint8_t)(n->len - pos);
	memmove(out->wire, n->wire + pos, out->len);
	return true;
}

bool
dname_is_under(const struct dname *name, const struct dname *zone)
{
	size_t pos = 0;

	if (zone->len > name->len)
		return false;
	/* Walk label boundaries so "xexample.com" is not under "example.com". */
	while (name->len - pos > zone->len)
		pos += name->wire[pos] + 1;
	return name->len - pos == zone->len &&
	    memcmp(name->wire + pos, zone->wire, zone->len) == 0;
}

void
dname_recase(uint8_t *wire, size_t len, uint64_t bits)
{
	size_t pos = 0;

	while (pos < len) {
		uint8_t l = wire[pos++];

		for (uint8_t i = 0; i < l && pos < len; i++, pos++) {
			uint8_t c = wire[pos] | 0x20;

			if (c >= 'a' && c <= 'z') {
				wire[pos] = bits & 1 ? (uint8_t)(c - 'a' + 'A') : c;
				bits = bits >> 1 | bits << 63;
			}
		}
	}
}

void
dname_mix_case(const struct dname *n, uint8_t *out, uint64_t bits)
{
	memcpy(out, n->wire, n->len);
	dname_recase(out, n->len, bits);
}

bool
dname_from_wire(const uint8_t *wire, size_t len, struct dname *out)
{
	size_t pos = 0;

	if (len == 0 || len > DNAME_WIRE_MAX)
		return false;
	while (pos < len && wire[pos] != 0) {
		if (wire[pos] > DNAME_LABEL_MAX)
			return false;
		pos += wire[pos] + 1;
	}
	if (pos != len - 1 || wire[pos] != 0)
		return false;
	/* Length bytes are at most 63, below 'A': folding every byte of the
	 * name leaves them as they are, in one pass with no label bookkeeping. */
	for (size_t i = 0; i < len; i++)
		out->wire[i] = ascii_lower(wire[i]);
	out->len = (uint8_t)len;
	return true;
}
