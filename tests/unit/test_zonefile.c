/* test_zonefile.c -- a parent zone from its file must answer as its server does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "dnsmsg.h"
#include "zonefile.h"
#include "zonelines.h"

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

/* text as a file of its own (a zone is read from a file, more than once). */
static char *
write_file(const char *text, size_t len)
{
	static char path[64];
	int fd;

	strlcpy(path, "/tmp/gluescan-test-zone.XXXXXX", sizeof(path));
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static struct zonefile *
load_hosts(const char *text, bool hosts)
{
	char err[256], *path = write_file(text, strlen(text));
	struct zonefile *z = zonefile_open(path, err, sizeof(err));

	cr_assert_not_null(z, "%s", err);
	cr_assert(zonefile_index(&z, 1, hosts, err, sizeof(err)), "%s", err);
	unlink(path);
	return z;
}

static struct zonefile *
load(const char *text)
{
	return load_hosts(text, true);
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
static void stream_all(struct zonefile *z, char *out, size_t cap);

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

static void
refused(const char *text, const char *want)
{
	char err[256], *path = write_file(text, strlen(text));
	struct zonefile *z = zonefile_open(path, err, sizeof(err));

	if (z != NULL && zonefile_index(&z, 1, true, err, sizeof(err)))
		cr_assert_fail("accepted: %s", text);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	zonefile_free(z);
	unlink(path);
}

Test(zonefile, errors)
{
	refused("$ORIGIN gtest.\nok NS ns1.ok\n", "SOA");
	refused("$ORIGIN gtest.\n@ SOA a b 1 2 3 4 5\nok NS (a.\n", ":3:");
	refused("ok.gtest.\t3600\tin\tns\tns1.ok.gtest.\n", "SOA");
}

Test(zonefile, a_master_file_record_that_does_not_parse_is_skipped)
{
	struct zonefile *z = load("$ORIGIN gtest.\n@ SOA a b 1 2 3 4 5\nok NS\nok2 NS ns.x.\n"
	    "ok3 A 1.2.3\n");
	char all[256];

	cr_assert_eq(zonefile_stats(z)->bad_lines, 2);
	cr_assert_eq(zonefile_stats(z)->first_bad_line, 3);
	cr_assert(strstr(zonefile_stats(z)->first_bad, "NS") != NULL, "%s", zonefile_stats(z)->first_bad);
	stream_all(z, all, sizeof(all));
	cr_assert_str_eq(all, "ok2.gtest:1");
	zonefile_free(z);
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
	cr_assert_not(zonefile_streamed(z), "a master file is held whole");
	cr_assert_eq(zonefile_stats(z)->glue_records, 20000);
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

/* --- a registry's zone file (ICANN CZDS form), streamed ------------------- */

/* Sorted by owner as `LC_ALL=C sort` sorts, the SOA first and last. */
static const char *czds_text =
    "gtest.\t900\tin\tsoa\tns1.nic.gtest. hostmaster.gtest. 1 1800 900 604800 86400\n"
    "a.b.gtest.\t172800\tin\tns\tns1.provider.gtest2.\n"
    "b.gtest.\t172800\tin\tns\tns1.provider.gtest2.\n"
    "c.d.gtest.\t172800\tin\tns\tns.e.gtest.\n"
    "e.gtest.\t172800\tin\tds\t12345 8 2 ABCDEF\n"
    "e.gtest.\t172800\tin\tns\tns.e.gtest.\n"
    "glue.gtest.\t172800\tin\tns\tns1.glue.gtest.\n"
    "glue.gtest.\t172800\tin\tns\tns2.glue.gtest.\n"
    "glue.gtest.\t172800\tin\tns\tns.host.gtest.\n"
    "gone.gtest.\t172800\tin\tns\tns1.nowhere.gtest.\n"
    "host.gtest.\t172800\tin\tns\tns1.provider.gtest2.\n"
    "ns.e.gtest.\t172800\tin\ta\t192.0.2.5\n"
    "ns.host.gtest.\t172800\tin\ta\t192.0.2.7\n"
    "ns1.glue.gtest.\t172800\tin\ta\t192.0.2.1\n"
    "ns1.glue.gtest.\t172800\tin\taaaa\t2001:db8::1\n"
    "ns2.glue.gtest.\t172800\tin\ta\t192.0.2.300\n"
    "ok.gtest.\t172800\tin\tns\tns1.provider.gtest2.\n"
    "ok.gtest.\t172800\tin\tns\tns2.provider.gtest2.\n"
    "gtest.\t900\tin\tsoa\tns1.nic.gtest. hostmaster.gtest. 1 1800 900 604800 86400\n";

/* Every delegation the stream gives, "name:ns count" joined by spaces. */
static void
stream_all(struct zonefile *z, char *out, size_t cap)
{
	const char *name;
	size_t len;

	out[0] = '\0';
	while (zonefile_next_delegation(z, &name, &len) == 1) {
		struct zdeleg *d = zonefile_take_delegation(z);
		char item[300];

		cr_assert_not_null(d);
		zonefile_delegation_answer(d, &resp);
		snprintf(item, sizeof(item), "%s%.*s:%zu", out[0] ? " " : "", (int)len, name,
		    count(&resp, DNS_AUTHORITY, DNS_TYPE_NS));
		strlcat(out, item, cap);
		zdeleg_free(d);
	}
}

Test(zonefile, registry_form_is_streamed_delegation_by_delegation)
{
	struct zonefile *z = load(czds_text);
	const struct zonefile_stats *st = zonefile_stats(z);
	char all[1024];

	cr_assert(zonefile_streamed(z));
	stream_all(z, all, sizeof(all));
	/* c.d.gtest is a cut below no other: streamed at the end; a.b.gtest
	 * is below the cut b.gtest, occluded. */
	cr_assert_str_eq(all, "b.gtest:1 e.gtest:1 glue.gtest:3 gone.gtest:1 host.gtest:1 "
	    "ok.gtest:2 c.d.gtest:1");
	cr_assert_eq(st->delegations, 7);
	cr_assert_eq(st->glue_records, 4, "the bad address is not glue");
	cr_assert_eq(st->bad_lines, 1);
	cr_assert_eq(st->first_bad_line, 16);
	cr_assert(strstr(st->first_bad, "A") != NULL, "%s", st->first_bad);
	zonefile_free(z);
}

Test(zonefile, a_streamed_delegation_carries_its_glue)
{
	struct zonefile *z = load_hosts(czds_text, false);
	const char *name;
	size_t len;
	struct zdeleg *d = NULL;

	while (zonefile_next_delegation(z, &name, &len) == 1)
		if (len == 10 && memcmp(name, "glue.gtest", len) == 0)
			break;
	cr_assert_not_null(d = zonefile_take_delegation(z));
	zonefile_delegation_answer(d, &resp);
	cr_assert_not(resp.aa);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 3);
	/* ns.host.gtest has an address in the zone too, but it is not under
	 * glue.gtest: no verdict reads it, so the answer leaves it out. */
	cr_assert_eq(count(&resp, DNS_ADDITIONAL, DNS_TYPE_A), 1, "ns1.glue only");
	cr_assert_eq(count(&resp, DNS_ADDITIONAL, DNS_TYPE_AAAA), 1);
	zdeleg_free(d);
	zonefile_free(z);
}

Test(zonefile, a_cut_below_a_cut_is_not_streamed)
{
	const char *text =
	    "gtest.\t900\tin\tsoa\ta.gtest. b.gtest. 1 2 3 4 5\n"
	    "a.b.gtest.\t3600\tin\tns\tns.x.gtest2.\n"
	    "b.gtest.\t3600\tin\tns\tns.x.gtest2.\n";
	struct zonefile *z = load_hosts(text, false);
	char all[256];

	stream_all(z, all, sizeof(all));
	cr_assert_str_eq(all, "b.gtest:1", "a.b is occluded by the cut at b");
	cr_assert_eq(zonefile_stats(z)->delegations, 1);
	zonefile_free(z);
}

Test(zonefile, ns_names_in_the_zone_are_looked_up_before_the_scan)
{
	struct zonefile *z = load(czds_text);

	/* ns.host.gtest: the cut host.gtest, with its glue */
	ask(z, "ns.host.gtest.", DNS_TYPE_A, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NOERROR);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 1);
	/* ns1.nowhere.gtest: nowhere.gtest is not in the zone */
	ask(z, "ns1.nowhere.gtest.", DNS_TYPE_A, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	cr_assert(resp.aa);
	/* a name nobody looked up: the reader cannot say now */
	ask(z, "www.ok.gtest.", DNS_TYPE_A, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_SERVFAIL);
	zonefile_free(z);
}

Test(zonefile, input_names_are_looked_up_a_block_at_a_time)
{
	struct zonefile *z = load_hosts(czds_text, false);
	struct dname q;
	bool failed;
	const char *names[] = { "ok.gtest.", "nothere.gtest.", "ns1.glue.gtest.", "x.a.b.gtest." };

	for (size_t i = 0; i < 4; i++) {
		cr_assert(dname_from_text(names[i], &q));
		cr_assert(zonefile_want(z, &q));
	}
	cr_assert(dname_from_text("other.", &q));
	cr_assert_not(zonefile_want(z, &q), "not under the zone");
	while (!zonefile_lookup_step(z, 3, &failed))
		cr_assert_not(failed);
	ask(z, "ok.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 2);
	ask(z, "nothere.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	ask(z, "ns1.glue.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 3, "below the cut glue.gtest");
	ask(z, "x.a.b.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(count(&resp, DNS_AUTHORITY, DNS_TYPE_NS), 1);
	cr_assert_eq(resp.rr[0].owner.len, 9, "the cut b.gtest, the first from the top");
	zonefile_lookup_clear(z);
	ask(z, "ok.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_SERVFAIL, "forgotten");
	zonefile_free(z);
}

Test(zonefile, an_unsorted_file_is_held_whole)
{
	const char *text =
	    "gtest.\t900\tin\tsoa\ta.gtest. b.gtest. 1 2 3 4 5\n"
	    "ok.gtest.\t3600\tin\tns\tns1.ok.gtest.\n"
	    "b.gtest.\t3600\tin\tns\tns.x.gtest2.\n"
	    "ns1.ok.gtest.\t3600\tin\ta\t192.0.2.1\n";
	struct zonefile *z = load(text);
	char all[256];

	cr_assert_not(zonefile_streamed(z));
	stream_all(z, all, sizeof(all));
	cr_assert_str_eq(all, "ok.gtest:1 b.gtest:1");
	ask(z, "nothere.gtest.", DNS_TYPE_NS, &resp);
	cr_assert_eq(resp.rcode, DNS_RCODE_NXDOMAIN);
	zonefile_free(z);
}

/* text gzipped into a file, in `members` gzip members, cut short by `cut` bytes. */
static char *
write_gzip(const char *text, int members, size_t cut)
{
	static char path[64];
	size_t len = strlen(text), at = 0;
	char *raw;
	size_t rawlen;
	FILE *m;

	strlcpy(path, "/tmp/gluescan-test-zone-gz.XXXXXX", sizeof(path));
	close(mkstemp(path));
	for (int k = 0; k < members; k++) {
		size_t part = k == members - 1 ? len - at : len / (size_t)members;
		gzFile g = gzopen(path, "ab");

		cr_assert_not_null(g);
		cr_assert_eq(gzwrite(g, text + at, (unsigned)part), (int)part);
		gzclose(g);
		at += part;
	}
	m = fopen(path, "r");
	raw = malloc(1 << 20);
	rawlen = fread(raw, 1, 1 << 20, m);
	fclose(m);
	m = fopen(path, "w");
	fwrite(raw, 1, rawlen - cut, m);
	fclose(m);
	free(raw);
	return path;
}

Test(zonefile, gzip_one_or_several_members_read_as_plain)
{
	for (int members = 1; members <= 3; members++) {
		char err[256], all[1024], *path = write_gzip(czds_text, members, 0);
		struct zonefile *z = zonefile_open(path, err, sizeof(err));

		cr_assert_not_null(z, "%s", err);
		cr_assert(zonefile_index(&z, 1, true, err, sizeof(err)), "%s", err);
		cr_assert(zonefile_streamed(z));
		stream_all(z, all, sizeof(all));
		cr_assert_str_eq(all, "b.gtest:1 e.gtest:1 glue.gtest:3 gone.gtest:1 host.gtest:1 "
		    "ok.gtest:2 c.d.gtest:1", "%d members", members);
		zonefile_free(z);
		unlink(path);
	}
}

Test(zonefile, truncated_or_corrupt_gzip_is_an_error)
{
	char err[256], *path = write_gzip(czds_text, 1, 12);
	/* Refused when opened, or when read, whichever meets the end first. */
	struct zonefile *z = zonefile_open(path, err, sizeof(err));

	if (z != NULL) {
		cr_assert_not(zonefile_index(&z, 1, true, err, sizeof(err)));
		zonefile_free(z);
	}
	cr_assert(strstr(err, "truncated gzip") != NULL, "%s", err);
	unlink(path);

	path = write_gzip(czds_text, 1, 0);
	{
		FILE *f = fopen(path, "r+");

		fseek(f, 40, SEEK_SET);
		fputc(0xff, f);
		fputc(0xff, f);
		fputc(0xff, f);
		fclose(f);
	}
	z = zonefile_open(path, err, sizeof(err));
	if (z != NULL) {
		cr_assert_not(zonefile_index(&z, 1, true, err, sizeof(err)));
		zonefile_free(z);
	}
	cr_assert(strstr(err, "gzip") != NULL, "%s", err);
	unlink(path);
}

Test(zonefile, a_pipe_is_refused_with_a_reason)
{
	char err[256];
	int fds[2];
	char path[64];

	cr_assert_eq(pipe(fds), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	cr_assert_null(zonefile_open(path, err, sizeof(err)));
	cr_assert(strstr(err, "not a pipe") != NULL, "%s", err);
	close(fds[0]);
	close(fds[1]);
}

Test(zonefile, registry_lines_split)
{
	struct zone_line l;
	const char *why;

	cr_assert_eq(zone_line_split("ok.com.\t172800\tin\tns\tns1.x.net.", 31, &l, &why), ZL_RECORD);
	cr_assert_eq(l.type, DNS_TYPE_NS);
	cr_assert_eq(l.owner_len, 7);
	cr_assert_eq(l.rdata_len, 10);
	cr_assert_eq(zone_line_split("ok.com. IN 3600 A 192.0.2.1", 27, &l, &why), ZL_RECORD);
	cr_assert_eq(l.type, DNS_TYPE_A);
	cr_assert_eq(zone_line_split("ok.com. NS ns1.x.net.", 21, &l, &why), ZL_RECORD);
	cr_assert_eq(zone_line_split("ok.com. 3600 IN DS 1 8 2 AB", 27, &l, &why), ZL_RECORD);
	cr_assert_eq(l.type, 0);
	cr_assert_eq(zone_line_split("", 0, &l, &why), ZL_BLANK);
	cr_assert_eq(zone_line_split("ok NS ns1.ok", 12, &l, &why), ZL_MASTER, "relative");
	cr_assert_eq(zone_line_split("ok.com. NS ns1", 14, &l, &why), ZL_MASTER, "relative target");
	cr_assert_eq(zone_line_split("$ORIGIN com.", 12, &l, &why), ZL_MASTER);
	cr_assert_eq(zone_line_split(" NS ns1.x.", 10, &l, &why), ZL_MASTER, "owner omitted");
	cr_assert_eq(zone_line_split("ok.com. NS x. ; c", 17, &l, &why), ZL_MASTER);
	cr_assert_eq(zone_line_split("ok.com. SOA a. b. (", 19, &l, &why), ZL_MASTER);
	cr_assert_eq(zone_line_split("ok.com. 3600 IN NS", 18, &l, &why), ZL_BAD);
	cr_assert_eq(zone_line_split("ok.com. 3600 IN 12", 18, &l, &why), ZL_BAD);
	cr_assert_eq(zone_line_split("ok.com. TXT \"a b\"", 17, &l, &why), ZL_RECORD, "quotes");
	cr_assert_eq(l.type, 0);
	cr_assert_eq(zone_line_split("ok.com. 3600 CH A 1.2.3.4", 25, &l, &why), ZL_BAD);
}
