/* test_hints.c -- the --parents reader: named.root-style input, and errors a user can act on. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "hints.h"

static bool
read_text(const char *text, struct hints *h, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	bool ok;

	cr_assert_not_null(f);
	err[0] = '\0';
	ok = hints_read(f, "t.hints", h, err, errlen);
	fclose(f);
	return ok;
}

static void
assert_hint(const struct hints *h, size_t i, const char *owner, uint16_t type, const char *data)
{
	char buf[DNAME_TEXT_MAX + 2];
	struct addr want;

	cr_assert(i < h->n, "only %zu records", h->n);
	dname_text(&h->v[i].owner, buf);
	cr_assert_str_eq(buf, owner, "record %zu owner", i);
	cr_assert_eq(h->v[i].type, type, "record %zu type", i);
	if (type == DNS_TYPE_NS) {
		dname_text(&h->v[i].target, buf);
		cr_assert_str_eq(buf, data, "record %zu target", i);
	} else {
		cr_assert(addr_parse(data, &want));
		cr_assert(addr_equal(&h->v[i].addr, &want), "record %zu address is not %s", i, data);
	}
}

/* Expect failure, with "t.hints:LINE: " and a reason containing `words`. */
static void
assert_error(const char *text, unsigned line, const char *words)
{
	struct hints h;
	char err[256], prefix[32];

	cr_assert_not(read_text(text, &h, err, sizeof(err)), "accepted:\n%s", text);
	snprintf(prefix, sizeof(prefix), "t.hints:%u: ", line);
	cr_assert_eq(strncmp(err, prefix, strlen(prefix)), 0, "'%s' should start with '%s'", err, prefix);
	cr_assert(strlen(err) > strlen(prefix), "no reason after the prefix");
	cr_assert(strstr(err, words) != NULL, "'%s' should mention '%s'", err, words);
	cr_assert_eq(h.n, 0, "nothing is returned on error");
	cr_assert_null(h.v);
}

static const char named_root[] =
    ";       This file holds the information on root name servers needed to\n"
    ";       initialize cache of Internet domain name servers\n"
    "$TTL 518400\n"
    ".                        3600000      NS    A.ROOT-SERVERS.NET.\n"
    "A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4\n"
    "A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30\n"
    ";\n"
    "; FORMERLY NS1.ISI.EDU\n"
    ".\tIN\t3600000\tNS\tB.ROOT-SERVERS.NET.   ; class before TTL\n"
    "B.ROOT-SERVERS.NET.\t3600000 in A 170.247.170.2\n"
    "\t\t\t IN AAAA 2801:1b8:10::b\n"
    "\n"
    "com. 86400 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. (\n"
    "            1700000000 ; serial\n"
    "            1800 900 604800\n"
    "            86400 )\n"
    "com. 172800 IN NS a.gtld-servers.net.\n"
    "a.gtld-servers.net. 172800 IN A 192.5.6.30\n"
    "com. 86400 IN DS 19718 13 2 8ACBB0CD28F41250A80A491389424D341522D946B0DA0C0291F2D3D771D7805A\r\n"
    "; END OF FILE\n";

Test(hints, named_root_style)
{
	struct hints h;
	char err[256];

	cr_assert(read_text(named_root, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 8);
	assert_hint(&h, 0, ".", DNS_TYPE_NS, "a.root-servers.net");
	assert_hint(&h, 1, "a.root-servers.net", DNS_TYPE_A, "198.41.0.4");
	assert_hint(&h, 2, "a.root-servers.net", DNS_TYPE_AAAA, "2001:503:ba3e::2:30");
	assert_hint(&h, 3, ".", DNS_TYPE_NS, "b.root-servers.net");
	assert_hint(&h, 4, "b.root-servers.net", DNS_TYPE_A, "170.247.170.2");
	assert_hint(&h, 5, "b.root-servers.net", DNS_TYPE_AAAA, "2801:1b8:10::b");
	assert_hint(&h, 6, "com", DNS_TYPE_NS, "a.gtld-servers.net");
	assert_hint(&h, 7, "a.gtld-servers.net", DNS_TYPE_A, "192.5.6.30");
	hints_free(&h);
	cr_assert_eq(h.n, 0);
	cr_assert_null(h.v);
}

Test(hints, empty_and_comment_only)
{
	struct hints h;
	char err[256];

	cr_assert(read_text("", &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 0);
	hints_free(&h);
	cr_assert(read_text("; nothing\n\n   ; still nothing\n$TTL 1\n", &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 0);
	hints_free(&h);
}

Test(hints, other_classes_and_types_skipped)
{
	struct hints h;
	char err[256];
	const char *text =
	    "example. CH NS ns.example.\n"
	    "example. 60 HS A 192.0.2.1\n"
	    "example. TXT \"hello\"\n"
	    "example. MX 10 mail.example.\n"
	    "example. NS ns.example.\n";

	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 1);
	assert_hint(&h, 0, "example", DNS_TYPE_NS, "ns.example");
	hints_free(&h);
}

Test(hints, skipped_record_with_many_fields)
{
	struct hints h;
	char err[256];
	/* A DNSSEC signature split into chunks, as BIND prints it: more fields
	 * than any NS/A/AAAA record has, but only to be skipped. */
	const char *text =
	    "com. 86400 IN RRSIG NS 8 1 86400 20240101000000 20231201000000 12345 . (\n"
	    "      AAAA BBBB CCCC DDDD EEEE FFFF GGGG HHHH IIII JJJJ )\n"
	    "com. NS a.gtld-servers.net.\n";

	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 1);
	assert_hint(&h, 0, "com", DNS_TYPE_NS, "a.gtld-servers.net");
	hints_free(&h);
}

Test(hints, many_blank_lines_inside_parentheses)
{
	struct hints h;
	char err[256];
	size_t cap = 64 + 2 * 6000 + 64, n = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	/* Blank and comment-only lines inside ( ) are legal and take no room:
	 * more of them than the reader's 4096-byte record buffer. */
	n += (size_t)snprintf(text + n, cap - n, "com. SOA a. b. ( 1 2 3 4 5\n");
	for (int i = 0; i < 6000; i++) {
		text[n++] = ';';
		text[n++] = '\n';
	}
	n += (size_t)snprintf(text + n, cap - n, ")\ncom. NS a.gtld.\n");
	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 1);
	assert_hint(&h, 0, "com", DNS_TYPE_NS, "a.gtld");
	hints_free(&h);
	free(text);
}

Test(hints, overlong_record_is_an_error)
{
	size_t len = 10000;
	char *text = malloc(len + 32);

	cr_assert_not_null(text);
	/* one TXT record of 10000 octets in parentheses, starting on line 2 */
	strcpy(text, ". NS a.root.\nx. TXT ( ");
	for (size_t i = strlen(text); i < len; i++)
		text[i] = i % 8 == 0 ? '\n' : 'z';
	strcpy(text + len, " )\n");
	assert_error(text, 2, "longer");
	free(text);
}

Test(hints, owner_omitted_continues_previous_owner)
{
	struct hints h;
	char err[256];
	const char *text =
	    "ns.example. A 192.0.2.1\n"
	    " A 192.0.2.2\n"
	    "\tAAAA 2001:db8::53\n"
	    "example. NS ns.example.\n"
	    "  NS ns2.example.\n";

	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 5);
	assert_hint(&h, 1, "ns.example", DNS_TYPE_A, "192.0.2.2");
	assert_hint(&h, 2, "ns.example", DNS_TYPE_AAAA, "2001:db8::53");
	assert_hint(&h, 4, "example", DNS_TYPE_NS, "ns2.example");
	hints_free(&h);
}

/* ---- errors ----------------------------------------------------------- */

Test(hints_errors, relative_names)
{
	assert_error("; root\n. NS a.root-servers.net.\ncom. NS a.gtld-servers.net\n", 3, "relative");
	assert_error("example NS ns.example.\n", 1, "relative");
	assert_error("$ORIGIN example.\nns A 192.0.2.1\n$ORIGIN\n", 3, "$ORIGIN");
}

Test(hints_errors, bad_ipv4_in_a)
{
	assert_error("\n\nns. A 192.0.2.300\n", 3, "192.0.2.300");
	assert_error("ns. A 192.0.2\n", 1, "address");
}

Test(hints_errors, ipv6_in_a_and_ipv4_in_aaaa)
{
	assert_error("ns. A 2001:db8::1\n", 1, "2001:db8::1");
	assert_error("ns. AAAA 192.0.2.1\n", 1, "192.0.2.1");
}

Test(hints_errors, unsupported_directives)
{
	assert_error("$TTL 60\n$INCLUDE other.hints\n", 2, "$INCLUDE");
	assert_error("$ORIGIN example\n", 1, "relative");
	assert_error("$ORIGIN\n", 1, "$ORIGIN");
	assert_error("@ NS ns.example.\n", 1, "$ORIGIN");
}

/* Zone files as registries publish them: $ORIGIN, relative names, '@'. */
Test(hints, origin_and_relative_names)
{
	struct hints h;
	char err[256];
	const char *text =
	    "$ORIGIN example.\n"
	    "@ NS ns1\n"
	    "@ NS ns.other.net.\n"
	    "ns1 A 192.0.2.1\n"
	    "$ORIGIN sub.example.\n"
	    "www AAAA 2001:db8::1\n"
	    "$ORIGIN .\n"
	    "net NS a.gtld-servers\n";

	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert_eq(h.n, 5);
	assert_hint(&h, 0, "example", DNS_TYPE_NS, "ns1.example");
	assert_hint(&h, 1, "example", DNS_TYPE_NS, "ns.other.net");
	assert_hint(&h, 2, "ns1.example", DNS_TYPE_A, "192.0.2.1");
	assert_hint(&h, 3, "www.sub.example", DNS_TYPE_AAAA, "2001:db8::1");
	assert_hint(&h, 4, "net", DNS_TYPE_NS, "a.gtld-servers");
	hints_free(&h);
}

Test(hints_errors, unclosed_parenthesis)
{
	assert_error(". NS a.root.\ncom. SOA a. b. ( 1 2 3\n 4 5\n\n", 2, "(");
}

Test(hints_errors, unbalanced_close)
{
	assert_error(". NS a.root. )\n", 1, ")");
}

Test(hints_errors, ns_with_two_targets)
{
	assert_error("com. NS a.gtld-servers.net. b.gtld-servers.net.\n", 1, "NS");
	assert_error("com. NS\n", 1, "NS");
}

Test(hints_errors, a_with_two_addresses)
{
	assert_error("ns. A 192.0.2.1 192.0.2.2\n", 1, "address");
}

Test(hints_errors, first_record_without_owner)
{
	assert_error("  A 192.0.2.1\n", 1, "owner");
}

Test(hints_errors, numeric_type_and_missing_type)
{
	assert_error("ns. 3600 IN 3600 A 192.0.2.1\n", 1, "3600");
	assert_error("ns. 3600 IN\n", 1, "type");
}

Test(hints_errors, line_number_after_multiline_record)
{
	assert_error("com. SOA a. b. (\n 1\n 2 3 4 5 )\nns. A bogus\n", 4, "bogus");
}

Test(hints_errors, small_error_buffer_is_respected)
{
	struct hints h;
	char *err = malloc(12);
	FILE *f = fmemopen((void *)"com. NS relative\n", 17, "r");

	cr_assert_not_null(f);
	cr_assert_not(hints_read(f, "a-long-file-name.hints", &h, err, 12));
	cr_assert_eq(strlen(err), 11, "truncated to the buffer, NUL-terminated");
	fclose(f);
	free(err);
}

/* ---- hints_first_server ----------------------------------------------- */

Test(first_server, first_ns_with_ipv4)
{
	struct hints h;
	char err[256];
	struct addr a, want;
	const char *text =
	    "c.root. A 192.0.2.3\n"
	    ". NS a.root.\n"
	    ". NS b.root.\n"
	    ". NS c.root.\n"
	    "a.root. AAAA 2001:db8::1\n"
	    "b.root. A 192.0.2.2\n"
	    "unrelated. A 192.0.2.9\n";

	cr_assert(read_text(text, &h, err, sizeof(err)), "%s", err);
	cr_assert(hints_first_server(&h, &a));
	cr_assert(addr_parse("192.0.2.2", &want));
	cr_assert(addr_equal(&a, &want), "a.root has no IPv4; b.root is the first that has");
	cr_assert(hints_first_server(&h, NULL), "out may be NULL");
	hints_free(&h);
}

Test(first_server, none)
{
	struct hints h;
	char err[256];
	struct addr a;

	cr_assert(read_text("ns. A 192.0.2.1\n. NS other.\nother. AAAA 2001:db8::2\n", &h, err,
	    sizeof(err)), "%s", err);
	cr_assert_not(hints_first_server(&h, &a), "no NS target has an IPv4 address");
	hints_free(&h);
	memset(&h, 0, sizeof(h));
	cr_assert_not(hints_first_server(&h, &a));
}
