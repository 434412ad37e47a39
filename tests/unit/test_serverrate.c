/* test_serverrate.c -- the --server-rate file, the most specific block, and the shard rule. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "serverrate.h"

static struct server_rates *
rates_of(double dflt, unsigned shards, const char *text, char *err, size_t errlen)
{
	struct server_rates *r = server_rates_new(dflt, shards);
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	bool ok;

	cr_assert_not_null(f);
	ok = server_rates_read(r, f, "caps.txt", err, errlen);
	fclose(f);
	if (!ok) {
		server_rates_free(r);
		return NULL;
	}
	return r;
}

static double
cap4(const struct server_rates *r, const char *text)
{
	struct in_addr a;

	cr_assert_eq(inet_pton(AF_INET, text, &a), 1, "%s", text);
	return server_rate_v4(r, ntohl(a.s_addr));
}

static double
cap6(const struct server_rates *r, const char *text)
{
	uint8_t a[16];

	cr_assert_eq(inet_pton(AF_INET6, text, a), 1, "%s", text);
	return server_rate_v6(r, a);
}

static const char FILE_TEXT[] =
    "# a hosting provider's own servers\n"
    "\n"
    "198.51.100.0/24   5000\n"
    "198.51.100.128/25 800   # the older half\n"
    "198.51.100.7      0\n"
    "\t10.0.0.0/8\t20\r\n"
    "2001:db8::/32 300\n"
    "2001:db8:1::/48 0.5\n"
    "2001:db8:1::53/128 7\n";

Test(serverrate, most_specific_block_wins)
{
	char err[256] = "";
	struct server_rates *r = rates_of(50, 1, FILE_TEXT, err, sizeof(err));

	cr_assert_not_null(r, "%s", err);
	cr_assert_float_eq(cap4(r, "198.51.100.1"), 5000, 1e-9);
	cr_assert_float_eq(cap4(r, "198.51.100.127"), 5000, 1e-9);
	cr_assert_float_eq(cap4(r, "198.51.100.128"), 800, 1e-9);
	cr_assert_float_eq(cap4(r, "198.51.100.255"), 800, 1e-9);
	cr_assert_float_eq(cap4(r, "198.51.100.7"), 0, 1e-9, "0: no cap");
	cr_assert_float_eq(cap4(r, "198.51.100.6"), 5000, 1e-9);
	cr_assert_float_eq(cap4(r, "198.51.101.0"), 50, 1e-9, "outside every block: --per-server");
	cr_assert_float_eq(cap4(r, "10.255.255.255"), 20, 1e-9);
	cr_assert_float_eq(cap4(r, "11.0.0.0"), 50, 1e-9);
	cr_assert_float_eq(cap6(r, "2001:db8:ffff::1"), 300, 1e-9);
	cr_assert_float_eq(cap6(r, "2001:db8:1::1"), 0.5, 1e-9);
	cr_assert_float_eq(cap6(r, "2001:db8:1::53"), 7, 1e-9);
	cr_assert_float_eq(cap6(r, "2001:db9::1"), 50, 1e-9);
	server_rates_free(r);
}

Test(serverrate, families_apart)
{
	char err[256] = "";
	struct server_rates *r = rates_of(50, 1, "::/0 9\n0.0.0.0/0 3\n", err, sizeof(err));

	cr_assert_not_null(r, "%s", err);
	cr_assert_float_eq(cap4(r, "192.0.2.1"), 3, 1e-9, "::/0 holds no IPv4 address");
	cr_assert_float_eq(cap6(r, "fd00::1"), 9, 1e-9);
	cr_assert_float_eq(cap6(r, "::ffff:192.0.2.1"), 9, 1e-9);
	server_rates_free(r);
}

Test(serverrate, bad_lines_name_file_and_line)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "192.0.2.0/24 10\n192.0.2.0/33 5\n", "caps.txt:2: '192.0.2.0/33' is not an address or CIDR block" },
		{ "192.0.2.0/24\n", "caps.txt:1: want 'CIDR PPS'" },
		{ "# c\n\n192.0.2.0/24 5 6\n", "caps.txt:3: want 'CIDR PPS'" },
		{ "192.0.2.0/24 -1\n", "caps.txt:1: '-1' is not a rate" },
		{ "192.0.2.0/24 fast\n", "caps.txt:1: 'fast' is not a rate" },
		{ "192.0.2.0/24 0.0001\n", "caps.txt:1: '0.0001' is not a rate" },
		{ "192.0.2.0/24 1e9\n", "caps.txt:1: '1e9' is not a rate" },
		{ "192.0.2.0/24 nan\n", "caps.txt:1: 'nan' is not a rate" },
		{ "ns1.example.net 5\n", "caps.txt:1: 'ns1.example.net' is not an address" },
		{ "192.0.2.0/ 5\n", "caps.txt:1: '192.0.2.0/' is not an address" },
		{ "2001:db8::/129 5\n", "caps.txt:1: '2001:db8::/129' is not an address" },
		{ "192.0.2.0/+8 5\n", "caps.txt:1: '192.0.2.0/+8' is not an address" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		struct server_rates *r = rates_of(50, 1, bad[i].text, err, sizeof(err));
		const char *want = bad[i].want;

		cr_assert_null(r, "accepted %s", bad[i].text);
		cr_assert(strncmp(err, want, strlen(want)) == 0, "got '%s', want '%s...'", err, want);
		cr_assert_null(strchr(err, '\n'), "one line: %s", err);
	}
}

Test(serverrate, shards_share_every_cap)
{
	char err[256] = "";
	struct server_rates *r = rates_of(50, 4, "192.0.2.0/24 2000\n192.0.2.9 0\n"
	    "198.51.100.1 1\n2001:db8::/32 3\n", err, sizeof(err));

	cr_assert_not_null(r, "%s", err);
	cr_assert_float_eq(cap4(r, "203.0.113.1"), 12.5, 1e-9, "the default too");
	cr_assert_float_eq(cap4(r, "192.0.2.1"), 500, 1e-9);
	cr_assert_float_eq(cap4(r, "192.0.2.9"), 0, 1e-9, "no cap stays none");
	cr_assert_float_eq(cap4(r, "198.51.100.1"), 0.25, 1e-9);
	cr_assert_float_eq(cap6(r, "2001:db8::1"), 0.75, 1e-9);
	server_rates_free(r);
}

Test(serverrate, share_rounds_down_but_stays_positive)
{
	cr_assert_float_eq(server_rate_share(2000, 1), 2000, 1e-9);
	cr_assert_float_eq(server_rate_share(2000, 3), 666.666, 1e-9);
	cr_assert_float_eq(server_rate_share(1, 3), 0.333, 1e-9);
	cr_assert_float_eq(server_rate_share(0.3, 1), 0.3, 1e-9);
	cr_assert_float_eq(server_rate_share(50, 1000000), SERVER_RATE_MIN, 1e-12);
	cr_assert_float_eq(server_rate_share(0, 8), 0, 1e-12);
	for (unsigned n = 1; n < 200; n++) {
		double share = server_rate_share(7, n);

		cr_assert_gt(share, 0);
		cr_assert(share * n <= 7 + 1e-9 || share == SERVER_RATE_MIN,
		    "%u shards of %.3f exceed 7", n, share);
	}
}

static bool
lookup4(const struct cidr_table *t, const char *text, uint32_t *v)
{
	struct in_addr a;

	cr_assert_eq(inet_pton(AF_INET, text, &a), 1, "%s", text);
	return cidr_lookup_v4(t, ntohl(a.s_addr), v);
}

static void
add(struct cidr_table *t, const char *text, uint32_t value)
{
	struct cidr c;

	cr_assert(cidr_parse(text, &c), "%s", text);
	cr_assert(cidr_table_add(t, &c, value));
}

Test(cidr, nested_disjoint_repeated_and_edges)
{
	struct cidr_table *t = cidr_table_new();
	uint8_t top[16], bottom[16] = { 0 };
	uint32_t v;

	memset(top, 0xff, sizeof(top));
	add(t, "0.0.0.0/0", 1);
	add(t, "10.0.0.0/8", 2);
	add(t, "10.1.0.0/16", 3);
	add(t, "10.1.2.3", 4);
	add(t, "10.2.0.0/16", 5);
	add(t, "10.2.0.0/16", 6);		/* the later of equal blocks */
	add(t, "255.255.255.255/32", 7);
	add(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124", 8);
	add(t, "::/1", 9);
	cr_assert(cidr_table_seal(t));
	cr_assert(lookup4(t, "0.0.0.0", &v) && v == 1);
	cr_assert(lookup4(t, "9.255.255.255", &v) && v == 1);
	cr_assert(lookup4(t, "10.0.0.0", &v) && v == 2);
	cr_assert(lookup4(t, "10.1.2.2", &v) && v == 3);
	cr_assert(lookup4(t, "10.1.2.3", &v) && v == 4);
	cr_assert(lookup4(t, "10.1.2.4", &v) && v == 3);
	cr_assert(lookup4(t, "10.1.255.255", &v) && v == 3);
	cr_assert(lookup4(t, "10.2.9.9", &v) && v == 6);
	cr_assert(lookup4(t, "10.3.0.0", &v) && v == 2);
	cr_assert(lookup4(t, "11.0.0.0", &v) && v == 1);
	cr_assert(lookup4(t, "255.255.255.254", &v) && v == 1);
	cr_assert(lookup4(t, "255.255.255.255", &v) && v == 7);
	cr_assert(cidr_lookup_v6(t, top, &v) && v == 8);
	cr_assert(cidr_lookup_v6(t, bottom, &v) && v == 9);
	top[0] = 0x7f;
	cr_assert(cidr_lookup_v6(t, top, &v) && v == 9);
	top[0] = 0x80;
	cr_assert_not(cidr_lookup_v6(t, top, &v));
	cidr_table_free(t);
}

Test(cidr, empty_table_holds_nothing)
{
	struct cidr_table *t = cidr_table_new();
	uint8_t a[16] = { 0 };
	uint32_t v;

	cr_assert(cidr_table_seal(t));
	cr_assert_not(cidr_lookup_v4(t, 0x0a000001, &v));
	cr_assert_not(cidr_lookup_v6(t, a, &v));
	cr_assert_not(cidr_lookup_v4(NULL, 0x0a000001, &v));
	cidr_table_free(t);
}
