/* test_inputline.c -- one line of the domain list: skipped, a domain, or invalid with a reason. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "inputline.h"

/* Classify a line held in a heap buffer of exactly its length (no NUL). */
static enum line_kind
classify(const char *line, size_t len, struct dname *out, const char **why)
{
	char *copy = malloc(len ? len : 1);
	enum line_kind k;

	cr_assert_not_null(copy);
	memcpy(copy, line, len);
	*why = NULL;
	k = input_line(copy, len, out, why);
	free(copy);
	return k;
}

/* line must be a domain of that kind (LINE_DOMAIN or LINE_IDN) whose text is want. */
static void
assert_name(const char *line, enum line_kind kind, const char *want)
{
	struct dname n;
	const char *why;
	char buf[DNAME_TEXT_MAX + 2];

	cr_assert_eq(classify(line, strlen(line), &n, &why), kind, "'%s': %s", line, why);
	dname_text(&n, buf);
	cr_assert_str_eq(buf, want);
}

static void
assert_domain(const char *line, const char *want)
{
	assert_name(line, LINE_DOMAIN, want);
}

static void
assert_idn(const char *line, const char *want)
{
	assert_name(line, LINE_IDN, want);
}

static void
assert_kind(const char *line, size_t len, enum line_kind want)
{
	struct dname n;
	const char *why;
	enum line_kind k = classify(line, len, &n, &why);

	cr_assert_eq(k, want, "'%.*s': kind %d", (int)len, line, (int)k);
	if (want == LINE_INVALID)
		cr_assert(why != NULL && why[0] != '\0', "an invalid line needs a reason");
}

Test(inputline, skips_blank_and_comments)
{
	static const char *skip[] = {
		"", "\n", "\r\n", "   \n", "\t \r\n", "# a comment\n", "#\n",
		"   # indented comment", "\t#example.com", "#example.com\r\n",
	};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		assert_kind(skip[i], strlen(skip[i]), LINE_SKIP);
}

Test(inputline, domains_are_normalised)
{
	assert_domain("example.com\n", "example.com");
	assert_domain("example.com\r\n", "example.com");
	assert_domain("Example.COM.\r\n", "example.com");
	assert_domain("   example.org  \n", "example.org");
	assert_domain("\texample.net\t\r\n", "example.net");
	assert_domain("example.com", "example.com");	/* last line without newline */
}

Test(inputline, invalid_lines_have_reasons)
{
	static const char *bad[] = {
		"a..b\n", ".example.com\n", "exa mple.com\n", "*.example.com\r\n",
		"user@example.com\n", "example.com # trailing words\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_kind(bad[i], strlen(bad[i]), LINE_INVALID);
	assert_kind("exa\0mple.com\n", 13, LINE_INVALID);
}

Test(inputline, only_given_bytes_are_read)
{
	struct dname n;
	const char *why;
	char buf[DNAME_TEXT_MAX + 2];

	/* a line handed over as a slice of a larger buffer */
	cr_assert_eq(classify("example.com\nnext.example\n", 12, &n, &why), LINE_DOMAIN);
	dname_text(&n, buf);
	cr_assert_str_eq(buf, "example.com");
}

Test(inputline, long_label_line_is_invalid)
{
	char line[80];

	memset(line, 'a', 64);
	memcpy(line + 64, ".com\n", 6);
	assert_kind(line, strlen(line), LINE_INVALID);
	memcpy(line + 63, ".com\n", 6);	/* 63 octets: the longest label */
	assert_kind(line, strlen(line), LINE_DOMAIN);
}

/* Unicode lines become A-labels as dig +idnin gives them (IDNA2008, UTS #46
 * non-transitional): mapped to lower case, sharp s kept. */
Test(inputline, unicode_names_become_a_labels)
{
	assert_idn("caf\xc3\xa9.fr\n", "xn--caf-dma.fr");
	assert_idn("B\xc3\xbc" "cher.DE.\r\n", "xn--bcher-kva.de");
	assert_idn("  fa\xc3\x9f.de  \n", "xn--fa-hia.de");
	assert_idn("\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", "xn--r8jz45g.xn--zckzah");
}

Test(inputline, names_libidn2_refuses_are_invalid_with_its_reason)
{
	struct dname n;
	const char *why;

	/* a snowman is not allowed in IDNA2008 */
	cr_assert_eq(classify("\xe2\x98\x83.com\n", 8, &n, &why), LINE_INVALID);
	cr_assert(strstr(why, "disallowed") != NULL, "reason '%s'", why);
	/* bytes that are not UTF-8 */
	cr_assert_eq(classify("bad\xff\xfe.de\n", 9, &n, &why), LINE_INVALID);
	cr_assert(strstr(why, "encoding") != NULL, "reason '%s'", why);
	/* a label may not start with a hyphen, in Unicode either */
	cr_assert_eq(classify("-\xc3\xbc.de", 6, &n, &why), LINE_INVALID);
	/* converted, but still not a host name: the usual reason */
	assert_kind("a \xc3\xbc.de\n", 8, LINE_INVALID);
	assert_kind("\xc3\xbc..de\n", 7, LINE_INVALID);
	/* NUL inside a Unicode line */
	assert_kind("\xc3\xbc\0x.de\n", 8, LINE_INVALID);
}
