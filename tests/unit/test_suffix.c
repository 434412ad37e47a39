/* test_suffix.c -- the registrable domain of a name, by Debian's public suffix list. */
#include <criterion/criterion.h>

#include "suffix.h"

static int
registrable(const char *text)
{
	struct dname n;

	cr_assert(dname_from_text(text, &n), "bad test name %s", text);
	return suffix_registrable_labels(&n);
}

Test(suffix, one_label_suffix)
{
	cr_assert_eq(registrable("ns1.example.com."), 2);
	cr_assert_eq(registrable("example.com."), 2);
	cr_assert_eq(registrable("ns1.a.b.example.com."), 2);
}

Test(suffix, two_label_suffix)
{
	cr_assert_eq(registrable("ns1.shop.co.uk."), 3);
	cr_assert_eq(registrable("shop.co.uk."), 3);
	cr_assert_eq(registrable("ns1.gone.shop.co.uk."), 3);
	cr_assert_eq(registrable("x.uk."), 2, "uk itself also takes registrations");
}

Test(suffix, public_suffix_itself)
{
	cr_assert_eq(registrable("co.uk."), 0);
	cr_assert_eq(registrable("com."), 0);
	cr_assert_eq(registrable("."), 0);
}

Test(suffix, wildcard_and_exception)
{
	/* *.kawasaki.jp with the exception !city.kawasaki.jp */
	cr_assert_eq(registrable("ns.a.b.kawasaki.jp."), 4);
	cr_assert_eq(registrable("ns.city.kawasaki.jp."), 3);
}

Test(suffix, private_section)
{
	cr_assert_eq(registrable("ns1.someone.github.io."), 3);
}

Test(suffix, unknown_tld_default_rule)
{
	cr_assert_eq(registrable("ns1.gone.gtest."), 2);
	cr_assert_eq(registrable("gtest."), 0);
}

Test(suffix, non_host_bytes)
{
	struct dname n;
	static const uint8_t wire[] = "\x07" "ns\x00.one" "\x03" "com";

	cr_assert(dname_from_wire(wire, sizeof(wire), &n));
	cr_assert_eq(suffix_registrable_labels(&n), 0, "a label with a NUL and a dot has no text form");
}
