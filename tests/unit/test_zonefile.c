/* test_zonefile.c -- a parent zone from its file must answer as its server does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "zonefile.h"

static const char *zone_text =
    "$ORIGIN gtest.\n"
    "$TTL 3600\n"
    "@ IN SOA ns1.nic hostmaster 1 3600 600 86400 300\n"
    "@ NS ns1.nic\n"
    "ns1.nic A 127.53.1.1\n"
    "ok NS ns1.ok\n"
    "ok NS ns2.provider.gtest2.\n"
    "ns1.ok A 127.53.10.1\n"
    "ns1.ok AAAA fd00::1\n"
    "www A 192.0.2.80\n"
    "a.b.c TXT \"deep\"\n"
    "sub NS ns.sub\n"
    "ns.sub A 127.53.13.1\n"
    "outside.example. A 192.0.2.1\n";

static struct zonefile *
load(const char *text)
{
	char err[256];
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct zonefile *z;

	cr_assert_not_null(f);
	z = zonefile_load(f, "gtest.zone", err, sizeof(err));
	fclose(f);
	cr_assert_not_null(z, "%s", err);
	return z;
}

static void
ask(const struct zonefile *z, const char *name, uint16_t qtype, struct dns_response *resp)
{
	struct dname q;

	cr_assert(dname_from_text(name, &q));
	zonefile_answer(z, &q, qtype, resp);
}

static size_t
count(const struct dns_response *r, uint8_t section, uint16_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nrr; i++)
		if (r->rr[i].section == section && r->rr[i].type == type)
			n++;
	return n;
}

static struct dns_response resp;

Test(zonefile, origin_from_soa)
{
	struct zonefile *z = load(zone_text);
	char buf[DNAME_TEXT_MAX + 2];

	dname_text(zonefile_origin(z), buf);
	cr_assert_str_eq(buf, "gtest");
	zonefile_free(z);
}

Test(zonefile, referral_with_in_zone_glue_only)
{
	struct zonefile *z = load(zone_text);

	ask(z, "ok.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR);
	cr_assert_not(resp.aa, "a referral is not authoritative");
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 2);
	cr_assert_eq(count(&resp, DNS_ADDITIONAL, DNS_TYPE_A), 1, "glue of ns1.ok only");
	cr_assert_eq(count(&resp, DNS_ADDITIONAL, DNS_TYPE_AAAA), 1);
	cr_assert_eq(count(&resp, DNS_ANSWER, DNS_TYPE_NS), 0);
	zonefile_free(z);
}

Test(zonefile, names_below_a_cut_get_the_referral)
{
	struct zonefile *z = load(zone_text);
	char buf[DNAME_TEXT_MAX + 2];

	ask(z, "x.sub.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_not(resp.aa);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 1);
	dname_text(&resp.rr[0].owner, buf);
	cr_assert_str_eq(buf, "sub.gtest", "the cut, not the name asked");
	zonefile_free(z);
}

Test(zonefile, nxdomain_and_nodata)
{
	struct zonefile *z = load(zone_text);

	ask(z, "nothere.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	cr_assert(resp.aa);
	ask(z, "deeper.nothere.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	ask(z, "www.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR, "www exists: NODATA");
	cr_assert(resp.aa);
	cr_assert_eq(resp.nrr, 0);
	ask(z, "www.gtest.", DNS_TYPE_A, &resp);
	cr_assert_eq(count(&resp, DNS_ANSWER, DNS_TYPE_A), 1);
	zonefile_free(z);
}

Test(zonefile, empty_non_terminals_exist)
{
	struct zonefile *z = load(zone_text);

	ask(z, "b.c.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR, "b.c has a name below it: NODATA, not NXDOMAIN");
	ask(z, "c.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR);
	ask(z, "a.b.c.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR);
	ask(z, "z.a.b.c.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	zonefile_free(z);
}

Test(zonefile, apex_and_outside)
{
	struct zonefile *z = load(zone_text);

	ask(z, "gtest.", DNS_TYPE_NS, &resp);
	cr_assert(resp.aa, "the apex NS set is the zone's own, not a cut");
	cr_assert_eq(count(&resp, DNS_ANSWER, DNS_TYPE_NS), 1);
	ask(z, "example.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_REFUSED);
	ask(z, "outside.example.", DNS_TYPE_A, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_REFUSED, "records outside the zone are not served");
	zonefile_free(z);
}

Test(zonefile, question_copied_as_given)
{
	struct zonefile *z = load(zone_text);
	struct dname q;

	cr_assert(dname_from_text("ok.gtest.", &q));
	zonefile_answer(z, &q, DNS_TYPE_NS, &resp);
	cr_assert(resp.qr);
	cr_assert_eq(resp.qtype, DNS_TYPE_NS);
	cr_assert_eq(resp.qname_len, q.len);
	cr_assert_eq(memcmp(resp.qname, q.wire, q.len), 0);
	zonefile_free(z);
}

Test(zonefile, errors)
{
	char err[256];
	const char *no_soa = "$ORIGIN gtest.\nok NS ns1.ok\n";
	const char *bad = "$ORIGIN gtest.\n@ SOA a b 1 2 3 4 5\nok NS\n";
	FILE *f = fmemopen((void *)no_soa, strlen(no_soa), "r");

	cr_assert_null(zonefile_load(f, "z", err, sizeof(err)));
	cr_assert(strstr(err, "SOA") != NULL, "%s", err);
	fclose(f);
	f = fmemopen((void *)bad, strlen(bad), "r");
	cr_assert_null(zonefile_load(f, "z", err, sizeof(err)));
	cr_assert(strncmp(err, "z:3:", 4) == 0, "%s", err);
	fclose(f);
}

Test(zonefile, many_delegations)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct zonefile *z;

	fprintf(f, "gtest. SOA a.gtest. b.gtest. 1 2 3 4 5\n");
	for (int i = 0; i < 20000; i++)
		fprintf(f, "d%d.gtest. NS ns1.d%d.gtest.\nns1.d%d.gtest. A 10.0.%d.%d\n",
		    i, i, i, i / 256, i % 256);
	fclose(f);
	z = load(text);
	cr_assert_geq(zonefile_names(z), 40000);
	for (int i = 0; i < 20000; i += 997) {
		char name[64];

		snprintf(name, sizeof(name), "d%d.gtest.", i);
		ask(z, name, DNS_TYPE_NS, &resp);
		cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 1, "%s", name);
		cr_assert_eq(count(&resp, DNS_ADDITIONAL, DNS_TYPE_A), 1, "%s", name);
		cr_assert_eq(resp.rr[1].rd.addr.bytes[2], i / 256);
		cr_assert_eq(resp.rr[1].rd.addr.bytes[3], i % 256);
	}
	zonefile_free(z);
	free(text);
}
