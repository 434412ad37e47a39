/* test_exclude.c -- --exclude addresses and blocks in both families. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "exclude.h"

static struct exclude *
read_text(const char *text)
{
	char err[256] = "";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct exclude *x;

	cr_assert_not_null(f);
	x = exclude_read(f, "test", err, sizeof(err));
	fclose(f);
	cr_assert_not_null(x, "%s", err);
	return x;
}

static bool
v6(const struct exclude *x, const char *text)
{
	uint8_t a[16];

	cr_assert_eq(inet_pton(AF_INET6, text, a), 1, "%s", text);
	return exclude_v6(x, a);
}

Test(exclude, ipv6_addresses_and_blocks)
{
	struct exclude *x = read_text("2001:db8::53\nfd00:6::/32 # a block\n2001:db8:1::/48\n"
	    "2001:db8:1:1::/64\n192.0.2.0/24\n");

	cr_assert(v6(x, "2001:db8::53"));
	cr_assert_not(v6(x, "2001:db8::54"));
	cr_assert(v6(x, "fd00:6::"));
	cr_assert(v6(x, "fd00:6:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert_not(v6(x, "fd00:7::"));
	cr_assert_not(v6(x, "fd00:5:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert(v6(x, "2001:db8:1:1::1"), "inside both nested blocks");
	cr_assert(v6(x, "2001:db8:1:ffff::1"));
	cr_assert_not(v6(x, "::ffff:192.0.2.1"), "the IPv4 block is not an IPv6 one");
	cr_assert(exclude_v4(x, 0xc0000201));
	exclude_free(x);
}

Test(exclude, ipv6_block_edges)
{
	struct exclude *x = read_text("::/1\nffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n"
	    "a000::/65\n");

	cr_assert(v6(x, "::"));
	cr_assert(v6(x, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert_not(v6(x, "8000::"));
	cr_assert(v6(x, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert_not(v6(x, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
	cr_assert(v6(x, "a000::7fff:ffff:ffff:ffff"));
	cr_assert_not(v6(x, "a000::8000:0:0:0"));
	exclude_free(x);
}

Test(exclude, everything)
{
	struct exclude *x = read_text("::/0\n");

	cr_assert(v6(x, "::"));
	cr_assert(v6(x, "2001:db8::1"));
	cr_assert(v6(x, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert_not(exclude_v4(x, 0x7f000001));
	exclude_free(x);
}
