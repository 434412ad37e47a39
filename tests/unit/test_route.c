/* test_route.c -- which IPv6 source addresses can reach other hosts. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "route.h"

static bool
usable(const char *text)
{
	uint8_t a[16];

	cr_assert_eq(inet_pton(AF_INET6, text, a), 1, "%s", text);
	return route_usable6(a);
}

Test(route, global_and_unique_local_sources)
{
	cr_assert(usable("2001:db8::1"));
	cr_assert(usable("2a00:1450:4001:82b::200e"));
	cr_assert(usable("3fff::1"));
	cr_assert(usable("fd00::6:10:1"));
	cr_assert(usable("fc00::1"));
}

Test(route, sources_that_reach_no_server)
{
	cr_assert_not(usable("::1"), "loopback");
	cr_assert_not(usable("::"), "unspecified");
	cr_assert_not(usable("fe80::1"), "link-local needs a scope");
	cr_assert_not(usable("ff02::1"), "multicast");
	cr_assert_not(usable("::ffff:192.0.2.1"), "IPv4-mapped");
	cr_assert_not(usable("fec0::1"), "site-local, deprecated");
}

/* An interface without a global or unique local address reaches no IPv6
 * server (the scan then has no IPv6): said, not a crash or an empty table. */
Test(route, no_usable_source_no_ipv6)
{
	char err[128] = "";

	cr_assert_null(route6_new("gs-no-such0", err, sizeof(err)));
	cr_assert(strstr(err, "gs-no-such0") != NULL, "%s", err);
}
