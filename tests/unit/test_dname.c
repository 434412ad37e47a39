/* test_dname.c -- names from user input and master files, and their ancestry. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"

/* Parse from a heap buffer of exactly len bytes (no NUL), so a read past the
 * given length is an AddressSanitizer report. */
static bool
from_input(const char *text, size_t len, struct dname *out, const char **why)
{
	char *copy = malloc(len ? len : 1);
	bool ok;

	cr_assert_not_null(copy);
	memcpy(copy, text, len);
	*why = NULL;
	ok = dname_from_input(copy, len, out, why);
	free(copy);
	return ok;
}

static void
assert_input_ok(const char *text, const char *want)
{
	struct dname n;
	const char *why;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert(from_input(text, strlen(text), &n, &why), "'%s' rejected: %s", text, why);
	dname_text(&n, buf);
	cr_assert_str_eq(buf, want, "'%s'", text);
}

static const char *
assert_input_bad(const char *text, size_t len)
{
	struct dname n;
	const char *why;

	cr_assert_not(from_input(text, len, &n, &why), "'%.*s' accepted", (int)len, text);
	cr_assert(why != NULL && why[0] != '\0', "no reason for '%.*s'", (int)len, text);
	return why;
}

/* Labels of the given lengths joined by dots, in buf. */
static char *
labels(char *buf, const int *lens, int n)
{
	char *p = buf;

	for (int i = 0; i < n; i++) {
		if (i > 0)
			*p++ = '.';
		memset(p, 'a' + i, (size_t)lens[i]);
		p += lens[i];
	}
	*p = '\0';
	return buf;
}

static struct dname
name(const char *text)
{
	struct dname n;

	cr_assert(dname_from_text(text, &n), "bad test name %s", text);
	return n;
}

/* ---- dname_from_input ------------------------------------------------- */

Test(input, normalises)
{
	assert_input_ok("example.com", "example.com");
	assert_input_ok("example.com.", "example.com");
	assert_input_ok("ExAmPlE.COM", "example.com");
	assert_input_ok("  example.com\t ", "example.com");
	assert_input_ok("example.com\r\n", "example.com");
	assert_input_ok("\t WWW.Example.Com. \r\n", "www.example.com");
	assert_input_ok("xn--bcher-kva.example", "xn--bcher-kva.example");
	assert_input_ok("_dmarc.1-2-3.example", "_dmarc.1-2-3.example");
	assert_input_ok("com", "com");
}

Test(input, wire_form)
{
	struct dname n;
	const char *why;

	cr_assert(from_input("Ab.c", 4, &n, &why));
	cr_assert_eq(n.len, 6);
	cr_assert_eq(memcmp(n.wire, "\x02" "ab" "\x01" "c", 6), 0);
}

Test(input, respects_length_argument)
{
	struct dname n;
	const char *why;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert(from_input("example.comXYZ", 11, &n, &why));
	dname_text(&n, buf);
	cr_assert_str_eq(buf, "example.com");
}

Test(input, empty_labels)
{
	assert_input_bad("a..b", 4);
	assert_input_bad(".a", 2);
	assert_input_bad("a.b..", 5);
	assert_input_bad("..", 2);
	assert_input_bad(".", 1);
	assert_input_bad("", 0);
	assert_input_bad("   \t", 4);
}

Test(input, label_63_ok_64_rejected)
{
	char buf[300];
	int ok[] = { 63, 3 }, bad[] = { 64, 3 }, bad_last[] = { 3, 64 };
	const char *why;

	assert_input_ok(labels(buf, ok, 2), buf);
	why = assert_input_bad(labels(buf, bad, 2), strlen(buf));
	cr_assert(strstr(why, "63") != NULL, "reason should name the limit: %s", why);
	assert_input_bad(labels(buf, bad_last, 2), strlen(buf));
}

Test(input, name_253_ok_254_rejected)
{
	char buf[300], dotted[310];
	int ok[] = { 63, 63, 63, 61 }, bad[] = { 63, 63, 63, 62 };
	struct dname n;
	const char *why;

	labels(buf, ok, 4);
	cr_assert_eq(strlen(buf), 253);
	assert_input_ok(buf, buf);
	cr_assert(from_input(buf, strlen(buf), &n, &why));
	cr_assert_eq(n.len, DNAME_WIRE_MAX);

	/* the trailing dot does not count */
	snprintf(dotted, sizeof(dotted), "%s.", buf);
	assert_input_ok(dotted, buf);

	labels(buf, bad, 4);
	cr_assert_eq(strlen(buf), 254);
	why = assert_input_bad(buf, strlen(buf));
	cr_assert(strstr(why, "253") != NULL, "reason should name the limit: %s", why);
}

Test(input, many_short_labels_over_limit)
{
	char buf[400];
	size_t n = 0;

	while (n < 300) {
		buf[n++] = 'a';
		buf[n++] = '.';
	}
	buf[n - 1] = '\0';	/* 150 one-letter labels: 299 octets */
	assert_input_bad(buf, strlen(buf));
}

Test(input, bad_characters)
{
	static const char *bad[] = {
		"exa mple.com", "example\t.com", "*.example.com", "user@example.com",
		"ex!ample.com", "example.com/", "a\\.b", "exa\"mple",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_input_bad(bad[i], strlen(bad[i]));
}

Test(input, non_ascii_and_nul)
{
	assert_input_bad("b\xc3\xbc" "cher.example", 13);
	assert_input_bad("\xff.example", 9);
	assert_input_bad("exa\0mple.com", 12);
	assert_input_bad("example.com\0", 12);
}

Test(input, reasons_differ_by_fault)
{
	struct dname n;
	const char *empty, *space, *nonascii, *chr;

	cr_assert_not(from_input("a..b", 4, &n, &empty));
	cr_assert_not(from_input("a b", 3, &n, &space));
	cr_assert_not(from_input("\xe9t\xe9", 3, &n, &nonascii));
	cr_assert_not(from_input("a*b", 3, &n, &chr));
	cr_assert_str_neq(empty, space);
	cr_assert_str_neq(space, nonascii);
	cr_assert_str_neq(nonascii, chr);
	cr_assert_str_neq(empty, chr);
}

/* ---- dname_from_text / dname_from_wire -------------------------------- */

Test(text, absolute_names)
{
	struct dname n;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert(dname_from_text("A.ROOT-SERVERS.NET.", &n));
	dname_text(&n, buf);
	cr_assert_str_eq(buf, "a.root-servers.net");
	cr_assert(dname_from_text(".", &n));
	cr_assert_eq(n.len, 1);
	cr_assert_eq(n.wire[0], 0);
}

Test(text, rejects_relative_and_malformed)
{
	struct dname n;
	char buf[300];
	int l64[] = { 64 }, l254[] = { 63, 63, 63, 62 };

	cr_assert_not(dname_from_text("com", &n));
	cr_assert_not(dname_from_text("", &n));
	cr_assert_not(dname_from_text("a..com.", &n));
	cr_assert_not(dname_from_text(".com.", &n));
	cr_assert_not(dname_from_text("a b.com.", &n));
	labels(buf, l64, 1);
	strcat(buf, ".");
	cr_assert_not(dname_from_text(buf, &n));
	labels(buf, l254, 4);
	strcat(buf, ".");
	cr_assert_not(dname_from_text(buf, &n));
	buf[strlen(buf) - 2] = '.';	/* 253 octets: 63.63.63.61 + root */
	buf[strlen(buf) - 1] = '\0';
	cr_assert(dname_from_text(buf, &n), "253 octets is legal");
	cr_assert_eq(n.len, DNAME_WIRE_MAX);
}

Test(wire, lower_cases_and_validates)
{
	struct dname n;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert(dname_from_wire((const uint8_t *)"\x03" "NS1" "\x07" "Example" "\x00", 13, &n));
	dname_text(&n, buf);
	cr_assert_str_eq(buf, "ns1.example");
	cr_assert_eq(n.len, 13);

	cr_assert_not(dname_from_wire((const uint8_t *)"\x03" "abc", 4, &n), "no root label");
	cr_assert_not(dname_from_wire((const uint8_t *)"\x05" "abc" "\x00", 5, &n), "label runs past");
	cr_assert_not(dname_from_wire((const uint8_t *)"\x01" "a" "\x00\x00", 4, &n), "bytes after root");
	cr_assert_not(dname_from_wire((const uint8_t *)"", 0, &n));
	cr_assert(dname_from_wire((const uint8_t *)"", 1, &n), "the root");
	cr_assert_eq(dname_label_count(&n), 0);
}

/* ---- ancestry and text ------------------------------------------------ */

Test(ancestry, is_under_respects_label_boundaries)
{
	struct dname ex = name("example.com."), root = name(".");

	cr_assert(dname_is_under(&ex, &ex), "a zone is under itself");
	struct dname sub = name("a.b.example.com.");
	cr_assert(dname_is_under(&sub, &ex));
	cr_assert(dname_is_under(&ex, &root));
	cr_assert(dname_is_under(&root, &root));
	struct dname x = name("xexample.com.");
	cr_assert_not(dname_is_under(&x, &ex), "xexample.com is not under example.com");
	struct dname com = name("com.");
	cr_assert_not(dname_is_under(&com, &ex));
	struct dname other = name("example.net.");
	cr_assert_not(dname_is_under(&other, &ex));
	struct dname ample = name("ample.com.");
	cr_assert_not(dname_is_under(&ex, &ample));
}

Test(ancestry, is_under_byte_suffix_inside_a_label)
{
	/* One label "x\7example" then "com": its last 13 bytes spell example.com
	 * on the wire, but not on a label boundary. */
	static const uint8_t w[] = { 9, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	struct dname tricky, ex = name("example.com.");

	cr_assert(dname_from_wire(w, sizeof(w), &tricky));
	cr_assert_eq(memcmp(tricky.wire + 2, ex.wire, ex.len), 0);
	cr_assert_not(dname_is_under(&tricky, &ex));
}

Test(ancestry, strip)
{
	struct dname n = name("a.b.example.com."), out;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert(dname_strip(&n, 0, &out));
	cr_assert(dname_equal(&out, &n));
	cr_assert(dname_strip(&n, 2, &out));
	dname_text(&out, buf);
	cr_assert_str_eq(buf, "example.com");
	cr_assert(dname_strip(&n, 4, &out));
	cr_assert_eq(out.len, 1, "stripping every label leaves the root");
	cr_assert_not(dname_strip(&n, 5, &out));
	/* in place */
	cr_assert(dname_strip(&n, 1, &n));
	dname_text(&n, buf);
	cr_assert_str_eq(buf, "b.example.com");
}

Test(ancestry, label_count)
{
	struct dname root = name("."), com = name("com."), abc = name("a.b.c.");

	cr_assert_eq(dname_label_count(&root), 0);
	cr_assert_eq(dname_label_count(&com), 1);
	cr_assert_eq(dname_label_count(&abc), 3);
}

Test(ancestry, text_forms)
{
	struct dname root, n;
	char buf[DNAME_TEXT_MAX + 2], big[300];
	int lens[] = { 63, 63, 63, 61 };
	const char *why;

	dname_root(&root);
	dname_text(&root, buf);
	cr_assert_str_eq(buf, ".");
	labels(big, lens, 4);
	cr_assert(from_input(big, strlen(big), &n, &why));
	dname_text(&n, buf);
	cr_assert_str_eq(buf, big, "longest name round-trips");
}

Test(ancestry, equal_and_compare)
{
	struct dname a = name("example.com."), b = name("EXAMPLE.com."), c = name("example.net.");

	cr_assert(dname_equal(&a, &b));
	cr_assert_not(dname_equal(&a, &c));
	cr_assert_eq(dname_compare(&a, &b), 0);
	cr_assert_neq(dname_compare(&a, &c), 0);
	cr_assert_eq(dname_compare(&a, &c) < 0, dname_compare(&c, &a) > 0, "antisymmetric");
	struct dname sub = name("a.example.com.");
	cr_assert_neq(dname_compare(&a, &sub), 0);
}
