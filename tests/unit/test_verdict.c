/* test_verdict.c -- SPEC section 3 as a table: evidence in, status, resolvable and problems out. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>

#include "dnsmsg.h"
#include "ndjson.h"
#include "suffix.h"
#include "verdict.h"

/* ---- building evidence by hand ---------------------------------------- */

static struct addr
ip(const char *text)
{
	struct addr a;

	cr_assert(addr_parse(text, &a), "bad test address %s", text);
	return a;
}

static void
ev_init(struct evidence *ev, const char *domain)
{
	struct dname n;

	memset(ev, 0, sizeof(*ev));
	cr_assert(dname_from_text(domain, &n));
	ev->domain = evidence_put_name(ev, &n);
	ev->parent = PARENT_DELEGATED;
	cr_assert(dname_from_text("com.", &n));
	ev->parent_zone = evidence_put_name(ev, &n);
}

static uint8_t
add_ns(struct evidence *ev, const char *name)
{
	struct ev_ns *ns = evidence_add_ns(ev);
	struct dname n, domain;

	cr_assert_not_null(ns);
	cr_assert(dname_from_text(name, &n));
	ns->name = evidence_put_name(ev, &n);
	ns->in_domain = dname_is_under(&n, evidence_name(ev, ev->domain, &domain));
	return (uint8_t)(ev->nns - 1);
}

/* In-domain NS with the glue addresses given (NULL-terminated). */
static uint8_t
ns_glued(struct evidence *ev, const char *name, ...)
{
	uint8_t i = add_ns(ev, name);
	va_list ap;
	const char *a;
	struct addr list[EV_MAX_ADDRS];
	size_t n = 0;

	cr_assert(ev->ns[i].in_domain, "%s is not in the domain", name);
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) != NULL)
		list[n++] = ip(a);
	va_end(ap);
	ev->ns[i].glue = evidence_put_addrs(ev, list, n);
	return i;
}

/* Out-of-domain NS that resolved to the addresses given (NULL-terminated). */
static uint8_t
ns_resolved(struct evidence *ev, const char *name, ...)
{
	uint8_t i = add_ns(ev, name);
	va_list ap;
	const char *a;
	struct addr list[EV_MAX_ADDRS];
	size_t n = 0;

	cr_assert_not(ev->ns[i].in_domain, "%s is in the domain", name);
	ev->ns[i].resolved = true;
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) != NULL)
		list[n++] = ip(a);
	va_end(ap);
	ev->ns[i].addrs = evidence_put_addrs(ev, list, n);
	return i;
}

/* Out-of-domain NS that did not resolve: its servers timed out. */
static uint8_t
ns_unresolved(struct evidence *ev, const char *name)
{
	uint8_t i = add_ns(ev, name);

	ev->ns[i].resolved = false;
	ev->ns[i].unresolved_reason = "timeout";
	return i;
}

/* Out-of-domain NS that does not exist: NXDOMAIN from zone, as deleg-domain.c records it. */
static uint8_t
ns_nxdomain(struct evidence *ev, const char *name, const char *zone)
{
	uint8_t i = add_ns(ev, name);
	struct dname n, z;

	cr_assert(dname_from_text(name, &n) && dname_from_text(zone, &z));
	ev->ns[i].resolved = false;
	ev->ns[i].unresolved_reason = "nxdomain";
	ev->ns[i].nxdomain = true;
	ev->ns[i].nx_zone_labels = (uint8_t)dname_label_count(&z);
	ev->ns[i].registrable_labels = (uint8_t)suffix_registrable_labels(&n);
	return i;
}

/* What the address said to "D SOA". */
static uint8_t
server(struct evidence *ev, const char *addr, enum probe result)
{
	struct addr a = ip(addr);
	int s = evidence_add_server(ev, &a);

	cr_assert(s >= 0);
	ev->servers[s].result = result;
	if (result == PROBE_OTHER_RCODE)
		ev->servers[s].rcode = DNS_RCODE_NOTIMP;
	return (uint8_t)s;
}

/* One authoritative server's answer for "ns A/AAAA" (addresses NULL-terminated). */
static void
child(struct evidence *ev, uint8_t ns, const char *srv, uint16_t qtype, enum child_kind kind, ...)
{
	struct addr a = ip(srv);
	int s = evidence_server(ev, &a);
	struct ev_child *c;
	va_list ap;
	const char *x;
	struct addr list[EV_MAX_ADDRS];
	size_t n = 0;

	cr_assert(s >= 0, "server %s not probed", srv);
	c = evidence_add_child(ev);
	c->ns = ns;
	c->server = (uint8_t)s;
	c->qtype = qtype;
	c->kind = kind;
	va_start(ap, kind);
	while ((x = va_arg(ap, const char *)) != NULL)
		list[n++] = ip(x);
	va_end(ap);
	c->addrs = evidence_put_addrs(ev, list, n);
}

/* What server srv's NS set for D holds (names NULL-terminated). */
static void
ns_set(struct evidence *ev, const char *srv, ...)
{
	struct addr a = ip(srv);
	int s = evidence_server(ev, &a);
	va_list ap;
	const char *x;

	cr_assert(s >= 0, "server %s not probed", srv);
	ev->servers[s].has_ns_set = true;
	va_start(ap, srv);
	while ((x = va_arg(ap, const char *)) != NULL) {
		struct dname n;
		int k = -1;

		cr_assert(dname_from_text(x, &n));
		for (int i = 0; i < ev->nns; i++)
			if (evidence_name_is(ev, ev->ns[i].name, &n))
				k = i;
		if (k >= 0) {
			ev->servers[s].ns_set |= (uint32_t)1 << k;
		} else {
			k = evidence_add_child_ns(ev, &n);
			cr_assert(k >= 0);
			ev->servers[s].child_ns |= (uint32_t)1 << k;
		}
	}
	va_end(ap);
}

static void
serial(struct evidence *ev, const char *srv, uint32_t value)
{
	struct addr a = ip(srv);
	int s = evidence_server(ev, &a);

	cr_assert(s >= 0, "server %s not probed", srv);
	ev->servers[s].serial = value;
}

#define A(ev, ns, srv, ...) child(ev, ns, srv, DNS_TYPE_A, CHILD_ADDRS, __VA_ARGS__, (const char *)NULL)
/* What the additional section of srv's SOA answer listed for the name. */
#define ADDITIONAL_A(ev, ns, srv, ...) \
	child(ev, ns, srv, DNS_TYPE_A, CHILD_ADDITIONAL, __VA_ARGS__, (const char *)NULL)
#define NS_SET(ev, srv, ...) ns_set(ev, srv, __VA_ARGS__, (const char *)NULL)
#define AAAA(ev, ns, srv, ...) child(ev, ns, srv, DNS_TYPE_AAAA, CHILD_ADDRS, __VA_ARGS__, (const char *)NULL)
#define GLUE(ev, name, ...) ns_glued(ev, name, __VA_ARGS__, (const char *)NULL)
#define RESOLVED(ev, name, ...) ns_resolved(ev, name, __VA_ARGS__, (const char *)NULL)

/* ---- the cases ---------------------------------------------------------- */

/* Two in-domain names, both servers authoritative and agreeing with the glue. */
static void
healthy(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	A(ev, n1, "192.0.2.2", "192.0.2.1");
	A(ev, n2, "192.0.2.1", "192.0.2.2");
	A(ev, n2, "192.0.2.2", "192.0.2.2");
}

static void
parent_nxdomain(struct evidence *ev)
{
	ev->parent = PARENT_NXDOMAIN;
}

static void
parent_not_delegated(struct evidence *ev)
{
	ev->parent = PARENT_NOT_DELEGATED;
}

static void
parent_error(struct evidence *ev)
{
	ev->parent = PARENT_ERROR;
	ev->parent_reason = "timeout";
}

/* Even with names and servers recorded, the parent's answer decides first. */
static void
parent_nxdomain_over_evidence(struct evidence *ev)
{
	GLUE(ev, "ns1.example.com.", "192.0.2.1");
	server(ev, "192.0.2.1", PROBE_TIMEOUT);
	ev->parent = PARENT_NXDOMAIN;
}

static void
missing_all(struct evidence *ev)
{
	add_ns(ev, "ns1.example.com.");
	add_ns(ev, "ns2.example.com.");
}

static void
missing_partial(struct evidence *ev)
{
	add_ns(ev, "ns1.example.com.");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	A(ev, n2, "192.0.2.2", "192.0.2.2");
}

static void
missing_with_outside_ns(struct evidence *ev)
{
	add_ns(ev, "ns1.example.com.");
	RESOLVED(ev, "ns.provider.net.", "198.51.100.7");
	server(ev, "198.51.100.7", PROBE_AUTHORITATIVE);
}

/* The glue of ns1 is stale: the old address is dead, the live server lists a new one. */
static void
stale_glue(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	server(ev, "192.0.2.1", PROBE_TIMEOUT);
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.2", "198.51.100.1");
	A(ev, n2, "192.0.2.2", "192.0.2.2");
}

/* After a migration the old server still answers from the old data. */
static void
servers_disagree(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	A(ev, n1, "192.0.2.2", "192.0.2.1");
	A(ev, n2, "192.0.2.1", "192.0.2.2");
	A(ev, n2, "192.0.2.2", "203.0.113.2");
}

static void
child_nxdomain(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	child(ev, n1, "192.0.2.1", DNS_TYPE_A, CHILD_NXDOMAIN, (const char *)NULL);
}

static void
child_nodata(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	child(ev, n1, "192.0.2.1", DNS_TYPE_A, CHILD_NODATA, (const char *)NULL);
}

/* The child lists one more address than the parent's glue. */
static void
child_only_extra(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1", "192.0.2.99");
}

/* Same IPv4, different IPv6; the IPv6 address is not probed. */
static void
aaaa_only_difference(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "2001:db8::1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "2001:db8::1", PROBE_NOT_PROBED);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	AAAA(ev, n1, "192.0.2.1", "2001:db8::2");
}

/* ns2 answers badly in the way given; ns1 is fine. */
static void
lame_second(struct evidence *ev, enum probe how)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	GLUE(ev, "ns2.example.com.", "192.0.2.2");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", how);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

static void lame_timeout(struct evidence *ev) { lame_second(ev, PROBE_TIMEOUT); }
static void lame_refused(struct evidence *ev) { lame_second(ev, PROBE_REFUSED); }
static void lame_servfail(struct evidence *ev) { lame_second(ev, PROBE_SERVFAIL); }
static void lame_not_auth(struct evidence *ev) { lame_second(ev, PROBE_NOT_AUTHORITATIVE); }
static void lame_nxdomain(struct evidence *ev) { lame_second(ev, PROBE_NXDOMAIN); }
static void lame_rcode(struct evidence *ev) { lame_second(ev, PROBE_OTHER_RCODE); }

static void
outside_lame(struct evidence *ev)
{
	RESOLVED(ev, "ns1.provider.net.", "198.51.100.1");
	RESOLVED(ev, "ns2.provider.net.", "198.51.100.2");
	server(ev, "198.51.100.1", PROBE_AUTHORITATIVE);
	server(ev, "198.51.100.2", PROBE_REFUSED);
}

static void
dangling_outside(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	ns_nxdomain(ev, "ns.expired-provider.net.", "net.");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

static void
unresolvable_outside(struct evidence *ev)
{
	RESOLVED(ev, "ns1.provider.net.", "198.51.100.1");
	ns_unresolved(ev, "ns2.provider.net.");
	server(ev, "198.51.100.1", PROBE_AUTHORITATIVE);
}

static void
ipv6_not_probed(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "2001:db8::1");

	RESOLVED(ev, "ns.provider.net.", "2001:db8:5::5");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "2001:db8::1", PROBE_NOT_PROBED);
	server(ev, "2001:db8:5::5", PROBE_NOT_PROBED);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	AAAA(ev, n1, "192.0.2.1", "2001:db8::1");
}

/* One of each: unglued ns1, mismatched ns2, lame ns3. */
static void
precedence_missing(struct evidence *ev)
{
	add_ns(ev, "ns1.example.com.");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	GLUE(ev, "ns3.example.com.", "192.0.2.3");
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.3", PROBE_SERVFAIL);
	A(ev, n2, "192.0.2.2", "198.51.100.2");
}

static void
precedence_mismatched(struct evidence *ev)
{
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	GLUE(ev, "ns3.example.com.", "192.0.2.3");
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.3", PROBE_SERVFAIL);
	A(ev, n2, "192.0.2.2", "198.51.100.2");
}

static void
all_lame(struct evidence *ev)
{
	GLUE(ev, "ns1.example.com.", "192.0.2.1");
	GLUE(ev, "ns2.example.com.", "192.0.2.2");
	RESOLVED(ev, "ns.provider.net.", "198.51.100.3");
	server(ev, "192.0.2.1", PROBE_TIMEOUT);
	server(ev, "192.0.2.2", PROBE_TIMEOUT);
	server(ev, "198.51.100.3", PROBE_NOT_AUTHORITATIVE);
}

/* ns1's A question timed out at server 2: silence is not disagreement. */
static void
child_timeout_not_mismatch(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");
	uint8_t n2 = GLUE(ev, "ns2.example.com.", "192.0.2.2");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	A(ev, n2, "192.0.2.1", "192.0.2.2");
	A(ev, n2, "192.0.2.2", "192.0.2.2");
}

static void
outside_only_ok(struct evidence *ev)
{
	RESOLVED(ev, "ns1.provider.net.", "198.51.100.1", "2001:db8:1::1");
	RESOLVED(ev, "ns2.provider.org.", "203.0.113.2");
	server(ev, "198.51.100.1", PROBE_AUTHORITATIVE);
	server(ev, "2001:db8:1::1", PROBE_NOT_PROBED);
	server(ev, "203.0.113.2", PROBE_AUTHORITATIVE);
}

/* ns1.example.com serves example.com under .com: the NS name equals D's child. */
static void
ns_named_like_domain(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "example.com.", "192.0.2.1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

/* Two glue addresses, only one of which the child lists. */
static void
one_of_two_glue_stale(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "192.0.2.11");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.11", PROBE_TIMEOUT);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

/* The AAAA glue's name has no AAAA at the child (authoritative NODATA). */
static void
aaaa_nodata(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "2001:db8::1");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "2001:db8::1", PROBE_NOT_PROBED);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	child(ev, n1, "192.0.2.1", DNS_TYPE_AAAA, CHILD_NODATA, (const char *)NULL);
}

/* "xexample.com" names are not inside example.com: no glue needed. */
static void
lookalike_outside(struct evidence *ev)
{
	uint8_t n = RESOLVED(ev, "ns.xexample.com.", "198.51.100.9");

	cr_assert_not(ev->ns[n].in_domain);
	server(ev, "198.51.100.9", PROBE_AUTHORITATIVE);
}

/* A server in the --exclude list is skipped, never lame. */
static void
excluded_server(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	GLUE(ev, "ns2.example.com.", "192.0.2.2");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_EXCLUDED);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

/* An out-of-domain name whose resolution would only ask excluded servers. */
static void
excluded_outside(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");
	uint8_t n2 = add_ns(ev, "ns.excluded-provider.net.");

	ev->ns[n2].excluded = true;
	ev->ns[n2].unresolved_reason = "excluded";
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
}

/* ---- the SOA answer's evidence: additional section, NS set, serial ------ */

/* Two names, two servers, both of the same mind. */
static void
two_servers(struct evidence *ev)
{
	GLUE(ev, "ns1.example.com.", "192.0.2.1");
	GLUE(ev, "ns2.example.com.", "192.0.2.2");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_AUTHORITATIVE);
}

/* Each server's additional section listed every glue address: nothing asked. */
static void
additional_complete(struct evidence *ev)
{
	two_servers(ev);
	ADDITIONAL_A(ev, 0, "192.0.2.1", "192.0.2.1");
	ADDITIONAL_A(ev, 1, "192.0.2.1", "192.0.2.2");
	ADDITIONAL_A(ev, 0, "192.0.2.2", "192.0.2.1");
	ADDITIONAL_A(ev, 1, "192.0.2.2", "192.0.2.2");
}

/* ns1 has two glue addresses. Server .1's additional section listed one,
 * so it was asked, and its explicit answer (which took the entry's place)
 * lists both; server .11's additional section listed both. */
static void
additional_partial(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "192.0.2.11");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.11", PROBE_AUTHORITATIVE);
	ADDITIONAL_A(ev, n1, "192.0.2.11", "192.0.2.1", "192.0.2.11");
	A(ev, n1, "192.0.2.1", "192.0.2.1", "192.0.2.11");
}

/* The same, but the explicit question went unanswered: a partial
 * additional section is no evidence of a mismatch. */
static void
additional_partial_unasked(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1", "192.0.2.11");

	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.11", PROBE_AUTHORITATIVE);
	ADDITIONAL_A(ev, n1, "192.0.2.1", "192.0.2.1");
	ADDITIONAL_A(ev, n1, "192.0.2.11", "192.0.2.1", "192.0.2.11");
}

/* No additional section (minimal responses): the explicit answers decide. */
static void
additional_absent_mismatch(struct evidence *ev)
{
	two_servers(ev);
	A(ev, 0, "192.0.2.1", "192.0.2.1");
	A(ev, 1, "192.0.2.1", "192.0.2.2");
	A(ev, 0, "192.0.2.2", "192.0.2.1");
	A(ev, 1, "192.0.2.2", "203.0.113.2");
}

/* The additional section lists another address and no explicit answer came:
 * the child's address is reported, the glue is not called wrong. */
static void
additional_different_unasked(struct evidence *ev)
{
	two_servers(ev);
	ADDITIONAL_A(ev, 0, "192.0.2.1", "192.0.2.1");
	ADDITIONAL_A(ev, 1, "192.0.2.1", "203.0.113.2");
	ADDITIONAL_A(ev, 0, "192.0.2.2", "192.0.2.1");
	ADDITIONAL_A(ev, 1, "192.0.2.2", "192.0.2.2");
}

/* The same difference, and the explicit answer confirms it: a mismatch. */
static void
additional_different_confirmed(struct evidence *ev)
{
	additional_different_unasked(ev);
	A(ev, 1, "192.0.2.1", "203.0.113.2");
}

/* The explicit answer says the additional section was wrong to differ. */
static void
additional_different_refuted(struct evidence *ev)
{
	two_servers(ev);
	ADDITIONAL_A(ev, 0, "192.0.2.1", "192.0.2.1");
	ADDITIONAL_A(ev, 0, "192.0.2.2", "192.0.2.1");
	ADDITIONAL_A(ev, 1, "192.0.2.2", "192.0.2.2");
	A(ev, 1, "192.0.2.1", "192.0.2.2");
}

static void
ns_sets_equal(struct evidence *ev)
{
	additional_complete(ev);
	NS_SET(ev, "192.0.2.1", "ns1.example.com.", "ns2.example.com.");
	NS_SET(ev, "192.0.2.2", "ns2.example.com.", "ns1.example.com.");
}

/* The child added ns3 (both servers); the parent still lists ns1 and ns2. */
static void
ns_set_child_superset(struct evidence *ev)
{
	additional_complete(ev);
	NS_SET(ev, "192.0.2.1", "ns1.example.com.", "ns2.example.com.", "ns3.example.com.");
	NS_SET(ev, "192.0.2.2", "ns1.example.com.", "ns2.example.com.", "ns3.example.com.");
}

/* The child moved to other names, and one server still has the old set. */
static void
ns_set_disjoint(struct evidence *ev)
{
	additional_complete(ev);
	NS_SET(ev, "192.0.2.1", "ns1.example.com.", "ns2.example.com.");
	NS_SET(ev, "192.0.2.2", "a.ns.example.net.", "b.ns.example.net.");
}

/* Only a non-authoritative server gave another set: not evidence. */
static void
ns_set_of_lame_server(struct evidence *ev)
{
	uint8_t n1 = GLUE(ev, "ns1.example.com.", "192.0.2.1");

	GLUE(ev, "ns2.example.com.", "192.0.2.2");
	server(ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	server(ev, "192.0.2.2", PROBE_NOT_AUTHORITATIVE);
	A(ev, n1, "192.0.2.1", "192.0.2.1");
	NS_SET(ev, "192.0.2.1", "ns1.example.com.", "ns2.example.com.");
	NS_SET(ev, "192.0.2.2", "ns9.example.com.");
}

static void
serials_equal(struct evidence *ev)
{
	additional_complete(ev);
	serial(ev, "192.0.2.1", 2026112101);
	serial(ev, "192.0.2.2", 2026112101);
}

static void
serials_differ(struct evidence *ev)
{
	additional_complete(ev);
	serial(ev, "192.0.2.1", 2026112101);
	serial(ev, "192.0.2.2", 2026110301);
}

/* A timed-out server has no serial to compare. */
static void
serial_of_silent_server(struct evidence *ev)
{
	lame_second(ev, PROBE_TIMEOUT);
	serial(ev, "192.0.2.1", 7);
}

/*
 * The table: case, status, resolvable, then the number of problems of each
 * kind (missing, mismatched, lame, child_only, ns_set, serial). Each row is
 * its own test.
 */
#define VERDICT_CASES(X) \
	X(healthy,			STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(parent_nxdomain,		STATUS_NXDOMAIN,	false,	0, 0, 0, 0, 0, 0) \
	X(parent_not_delegated,		STATUS_NOT_DELEGATED,	false,	0, 0, 0, 0, 0, 0) \
	X(parent_error,			STATUS_ERROR,		false,	0, 0, 0, 0, 0, 0) \
	X(parent_nxdomain_over_evidence, STATUS_NXDOMAIN,	false,	0, 0, 0, 0, 0, 0) \
	X(missing_all,			STATUS_MISSING,		false,	2, 0, 0, 0, 0, 0) \
	X(missing_partial,		STATUS_MISSING,		true,	1, 0, 0, 0, 0, 0) \
	X(missing_with_outside_ns,	STATUS_MISSING,		true,	1, 0, 0, 0, 0, 0) \
	X(stale_glue,			STATUS_MISMATCHED,	true,	0, 1, 1, 1, 0, 0) \
	X(servers_disagree,		STATUS_MISMATCHED,	true,	0, 1, 0, 1, 0, 0) \
	X(child_nxdomain,		STATUS_MISMATCHED,	true,	0, 1, 0, 0, 0, 0) \
	X(child_nodata,			STATUS_MISMATCHED,	true,	0, 1, 0, 0, 0, 0) \
	X(child_only_extra,		STATUS_OK,		true,	0, 0, 0, 1, 0, 0) \
	X(aaaa_only_difference,		STATUS_MISMATCHED,	true,	0, 1, 0, 1, 0, 0) \
	X(aaaa_nodata,			STATUS_MISMATCHED,	true,	0, 1, 0, 0, 0, 0) \
	X(lame_timeout,			STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(lame_refused,			STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(lame_servfail,		STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(lame_not_auth,		STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(lame_nxdomain,		STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(lame_rcode,			STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(outside_lame,			STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(dangling_outside,		STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(unresolvable_outside,		STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(ipv6_not_probed,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(precedence_missing,		STATUS_MISSING,		true,	1, 1, 1, 1, 0, 0) \
	X(precedence_mismatched,	STATUS_MISMATCHED,	true,	0, 1, 1, 1, 0, 0) \
	X(all_lame,			STATUS_LAME,		false,	0, 0, 3, 0, 0, 0) \
	X(child_timeout_not_mismatch,	STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(outside_only_ok,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(ns_named_like_domain,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(one_of_two_glue_stale,	STATUS_MISMATCHED,	true,	0, 1, 1, 0, 0, 0) \
	X(lookalike_outside,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(excluded_server,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(excluded_outside,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(additional_complete,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(additional_partial,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(additional_partial_unasked,	STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(additional_absent_mismatch,	STATUS_MISMATCHED,	true,	0, 1, 0, 1, 0, 0) \
	X(additional_different_unasked,	STATUS_OK,		true,	0, 0, 0, 1, 0, 0) \
	X(additional_different_confirmed, STATUS_MISMATCHED,	true,	0, 1, 0, 1, 0, 0) \
	X(additional_different_refuted,	STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(ns_sets_equal,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(ns_set_child_superset,	STATUS_OK,		true,	0, 0, 0, 0, 1, 0) \
	X(ns_set_disjoint,		STATUS_OK,		true,	0, 0, 0, 0, 1, 0) \
	X(ns_set_of_lame_server,	STATUS_LAME,		true,	0, 0, 1, 0, 0, 0) \
	X(serials_equal,		STATUS_OK,		true,	0, 0, 0, 0, 0, 0) \
	X(serials_differ,		STATUS_OK,		true,	0, 0, 0, 0, 0, 1) \
	X(serial_of_silent_server,	STATUS_LAME,		true,	0, 0, 1, 0, 0, 0)

static void
decide(void (*build)(struct evidence *), struct evidence *ev, struct verdict *v)
{
	ev_init(ev, "example.com.");
	build(ev);
	verdict_decide(ev, v);
}

#define NKINDS (PROBLEM_SERIAL + 1)

static void
run_case(const char *name, void (*build)(struct evidence *), enum status status,
    bool resolvable, const unsigned want[NKINDS])
{
	struct evidence ev;
	struct verdict v;
	unsigned count[NKINDS] = { 0 };

	decide(build, &ev, &v);
	cr_expect_eq(v.status, status, "%s: status %s, want %s", name,
	    status_name(v.status), status_name(status));
	cr_expect_eq(v.resolvable, resolvable, "%s: resolvable %d", name, v.resolvable);
	for (size_t p = 0; p < v.nproblems; p++) {
		cr_assert(v.problems[p].kind <= PROBLEM_SERIAL);
		cr_assert(v.problems[p].ns < ev.nns, "%s: problem names NS %u", name,
		    v.problems[p].ns);
		count[v.problems[p].kind]++;
	}
	for (int k = 0; k < NKINDS; k++)
		cr_expect_eq(count[k], want[k], "%s: %u %s problems, want %u", name,
		    count[k], problem_name((enum problem_kind)k), want[k]);
	verdict_free(&v);
	evidence_free(&ev);
}

#define AS_TEST(c, status, resolvable, missing, mismatched, lame, child_only, ns_set, serial) \
	Test(verdict_table, c) \
	{ \
		static const unsigned want[NKINDS] = { \
			missing, mismatched, lame, child_only, ns_set, serial \
		}; \
		run_case(#c, c, status, resolvable, want); \
	}
VERDICT_CASES(AS_TEST)

static const struct problem *
find(const struct verdict *v, enum problem_kind kind, size_t nth)
{
	for (size_t i = 0, seen = 0; i < v->nproblems; i++)
		if (v->problems[i].kind == kind && seen++ == nth)
			return &v->problems[i];
	cr_assert_fail("no %s problem #%zu", problem_name(kind), nth);
	return NULL;
}

/* ---- details the table does not show -------------------------------------- */

static void
assert_ip(const struct addr *a, const char *want)
{
	struct addr w = ip(want);
	char buf[ADDR_TEXT_MAX];

	cr_assert(addr_equal(a, &w), "address %s, want %s", addr_text(a, buf), want);
}

Test(verdict, lame_reasons_are_spec_words)
{
	static const struct { void (*build)(struct evidence *); const char *reason; } want[] = {
		{ lame_timeout, "timeout" }, { lame_refused, "refused" },
		{ lame_servfail, "servfail" }, { lame_not_auth, "not_authoritative" },
		{ lame_nxdomain, "nxdomain" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct evidence ev;
		struct verdict v;
		const struct problem *p;

		decide(want[i].build, &ev, &v);
		p = find(&v, PROBLEM_LAME, 0);
		cr_assert_str_eq(p->reason, want[i].reason);
		cr_assert_eq(p->ns, 1, "ns2 is the lame one");
		cr_assert(p->has_addr);
		assert_ip(&p->addr, "192.0.2.2");
		verdict_free(&v);
		evidence_free(&ev);
	}
}

Test(verdict, other_rcode_has_a_reason)
{
	struct evidence ev;
	struct verdict v;

	decide(lame_rcode, &ev, &v);
	cr_assert(find(&v, PROBLEM_LAME, 0)->reason != NULL);
	cr_assert_str_neq(find(&v, PROBLEM_LAME, 0)->reason, "authoritative");
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, stale_glue_details)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *m, *l, *c;
	struct addr live = ip("192.0.2.2");

	decide(stale_glue, &ev, &v);
	m = find(&v, PROBLEM_MISMATCHED, 0);
	cr_assert_eq(m->ns, 0);
	cr_assert(m->has_addr);
	assert_ip(&m->addr, "192.0.2.1");
	cr_assert_eq(m->servers, (uint64_t)1 << evidence_server(&ev, &live),
	    "the live server 192.0.2.2 did not list it");
	l = find(&v, PROBLEM_LAME, 0);
	cr_assert_eq(l->ns, 0);
	assert_ip(&l->addr, "192.0.2.1");
	cr_assert_str_eq(l->reason, "timeout");
	c = find(&v, PROBLEM_CHILD_ONLY, 0);
	cr_assert_eq(c->ns, 0);
	assert_ip(&c->addr, "198.51.100.1");
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, disagreeing_server_is_named)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *m;
	struct addr old = ip("192.0.2.2");

	decide(servers_disagree, &ev, &v);
	m = find(&v, PROBLEM_MISMATCHED, 0);
	cr_assert_eq(m->ns, 1);
	assert_ip(&m->addr, "192.0.2.2");
	cr_assert_eq(m->servers, (uint64_t)1 << evidence_server(&ev, &old),
	    "exactly the server that listed another address");
	assert_ip(&find(&v, PROBLEM_CHILD_ONLY, 0)->addr, "203.0.113.2");
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, aaaa_difference_details)
{
	struct evidence ev;
	struct verdict v;

	decide(aaaa_only_difference, &ev, &v);
	assert_ip(&find(&v, PROBLEM_MISMATCHED, 0)->addr, "2001:db8::1");
	assert_ip(&find(&v, PROBLEM_CHILD_ONLY, 0)->addr, "2001:db8::2");
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, unresolvable_carries_dangling)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *p;

	decide(dangling_outside, &ev, &v);
	p = find(&v, PROBLEM_LAME, 0);
	cr_assert_eq(p->ns, 1);
	cr_assert_str_eq(p->reason, "unresolvable");
	cr_assert(p->dangling);
	cr_assert_not(p->has_addr, "an unresolvable name has no address to blame");
	verdict_free(&v);
	evidence_free(&ev);

	decide(unresolvable_outside, &ev, &v);
	p = find(&v, PROBLEM_LAME, 0);
	cr_assert_str_eq(p->reason, "unresolvable");
	cr_assert_not(p->dangling);
	verdict_free(&v);
	evidence_free(&ev);
}

/* dangling: the NS name's registrable domain does not exist where its registry would delegate it. */
static bool
dangles(const char *ns, const char *nx_zone)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *p;
	bool dangling;

	ev_init(&ev, "example.org.");
	ns_nxdomain(&ev, ns, nx_zone);
	verdict_decide(&ev, &v);
	cr_assert_eq(v.status, STATUS_LAME, "%s", ns);
	p = find(&v, PROBLEM_LAME, 0);
	cr_assert_str_eq(p->reason, "unresolvable");
	dangling = p->dangling;
	verdict_free(&v);
	evidence_free(&ev);
	return dangling;
}

/* The problem as a line of NDJSON: the domain to register, and only for a dangling name. */
static char *
problem_json(const char *ns, const char *nx_zone)
{
	struct evidence ev;
	struct verdict v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	ev_init(&ev, "example.org.");
	ns_nxdomain(&ev, ns, nx_zone);
	verdict_decide(&ev, &v);
	ndjson_domain(f, &ev, &v, NULL);
	fclose(f);
	verdict_free(&v);
	evidence_free(&ev);
	return buf;
}

Test(verdict, dangling_names_registrable)
{
	char *line = problem_json("ns1.shop.co.uk.", "co.uk.");

	cr_assert_not_null(strstr(line, "\"ns\":\"ns1.shop.co.uk\",\"reason\":\"unresolvable\","
	    "\"dangling\":true,\"registrable\":\"shop.co.uk\""), "%s", line);
	free(line);
	line = problem_json("ns1.gone.shop.co.uk.", "shop.co.uk.");
	cr_assert_not_null(strstr(line, "\"dangling\":false"), "%s", line);
	cr_assert_null(strstr(line, "registrable"), "%s", line);
	free(line);
	ndjson_release();
}

Test(verdict, dangling_by_public_suffix)
{
	/* NXDOMAIN from the registry's zone or above: anyone may register the domain */
	cr_assert(dangles("ns1.gone.com.", "com."));
	cr_assert(dangles("ns1.shop.co.uk.", "co.uk."));
	cr_assert(dangles("ns1.shop.co.uk.", "uk."), "co.uk served inside uk: still the registry");
	cr_assert(dangles("shop.co.uk.", "co.uk."), "the NS name is the registrable domain itself");
	cr_assert(dangles("ns.b.a.gone.com.", "."), "NXDOMAIN from the root");
	/* NXDOMAIN from inside a registered domain: a name is missing, nothing to register */
	cr_assert_not(dangles("ns1.sub.example.com.", "example.com."));
	cr_assert_not(dangles("ns1.gone.shop.co.uk.", "shop.co.uk."));
	cr_assert_not(dangles("ns1.a.b.sub.example.com.", "sub.example.com."));
	/* the name is a public suffix: no one can register it */
	cr_assert_not(dangles("co.uk.", "uk."));
	cr_assert_not(dangles("gtestfake.", "."));
	/* an unknown TLD has the list's default rule: one label is the suffix */
	cr_assert(dangles("ns1.gone.gtest.", "gtest."));
	cr_assert_not(dangles("ns1.sub.there.gtest.", "there.gtest."));
}

Test(verdict, missing_names_the_unglued_ns)
{
	struct evidence ev;
	struct verdict v;

	decide(missing_partial, &ev, &v);
	cr_assert_eq(find(&v, PROBLEM_MISSING, 0)->ns, 0);
	cr_assert_not(find(&v, PROBLEM_MISSING, 0)->has_addr);
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, same_evidence_same_verdict)
{
	struct evidence ev;
	struct verdict a, b;

	decide(precedence_missing, &ev, &a);
	verdict_decide(&ev, &b);
	cr_assert_eq(a.status, b.status);
	cr_assert_eq(a.resolvable, b.resolvable);
	cr_assert_eq(a.nproblems, b.nproblems);
	for (size_t i = 0; i < a.nproblems; i++) {
		cr_assert_eq(a.problems[i].kind, b.problems[i].kind);
		cr_assert_eq(a.problems[i].ns, b.problems[i].ns);
	}
	verdict_free(&a);
	verdict_free(&b);
	evidence_free(&ev);
}

Test(verdict, many_problems_grow)
{
	struct evidence ev;
	struct verdict v;
	char name[64], addr[32];

	ev_init(&ev, "example.com.");
	for (int i = 0; i < EV_MAX_NS; i++) {
		snprintf(name, sizeof(name), "ns%d.example.com.", i);
		snprintf(addr, sizeof(addr), "192.0.2.%d", i + 1);
		GLUE(&ev, name, addr);
		server(&ev, addr, PROBE_TIMEOUT);
	}
	verdict_decide(&ev, &v);
	cr_assert_eq(v.status, STATUS_LAME);
	cr_assert_not(v.resolvable);
	cr_assert_eq(v.nproblems, EV_MAX_NS);
	verdict_free(&v);
	cr_assert_null(v.problems);
	evidence_free(&ev);
}

/* Which names and servers an ns_set finding names. */
static void
assert_ns_set(void (*build)(struct evidence *), uint32_t parent_only, unsigned child_only,
    uint64_t servers)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *p;

	decide(build, &ev, &v);
	p = find(&v, PROBLEM_NS_SET, 0);
	cr_assert_eq(p->parent_only, parent_only, "parent_only %#x", p->parent_only);
	cr_assert_eq((unsigned)__builtin_popcount(p->child_only), child_only);
	cr_assert_eq(ev.nchild_ns, child_only, "each child-only name once");
	cr_assert_eq(p->servers, servers, "servers %#llx", (unsigned long long)p->servers);
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, ns_set_details)
{
	assert_ns_set(ns_set_child_superset, 0, 1, 3);
	assert_ns_set(ns_set_disjoint, 3, 2, 2);
}

Test(verdict, serial_names_every_authoritative_server)
{
	struct evidence ev;
	struct verdict v;

	decide(serials_differ, &ev, &v);
	cr_assert_eq(find(&v, PROBLEM_SERIAL, 0)->servers, 3);
	verdict_free(&v);
	evidence_free(&ev);
}

/* A mismatch stands on the explicit answer: the server it names is the one
 * that answered explicitly, not the one whose additional section agreed. */
Test(verdict, mismatch_from_the_explicit_answer_only)
{
	struct evidence ev;
	struct verdict v;
	const struct problem *m;
	struct addr asked = ip("192.0.2.1");

	decide(additional_different_confirmed, &ev, &v);
	m = find(&v, PROBLEM_MISMATCHED, 0);
	assert_ip(&m->addr, "192.0.2.2");
	cr_assert_eq(m->servers, (uint64_t)1 << evidence_server(&ev, &asked));
	verdict_free(&v);
	evidence_free(&ev);
}

/* A parent set of EV_MAX_NS names may have been cut: a name beyond it is not
 * called the child's own. */
Test(verdict, full_parent_ns_set_is_not_compared)
{
	struct evidence ev;
	struct verdict v;
	char name[64];

	ev_init(&ev, "example.com.");
	for (int i = 0; i < EV_MAX_NS; i++) {
		snprintf(name, sizeof(name), "ns%d.provider.net.", i);
		RESOLVED(&ev, name, "198.51.100.1");
	}
	server(&ev, "198.51.100.1", PROBE_AUTHORITATIVE);
	NS_SET(&ev, "198.51.100.1", "ns0.provider.net.", "ns99.provider.net.");
	verdict_decide(&ev, &v);
	cr_assert_eq(v.status, STATUS_OK);
	cr_assert_eq(v.nproblems, 0);
	verdict_free(&v);
	evidence_free(&ev);
}

Test(verdict, names)
{
	cr_assert_str_eq(status_name(STATUS_OK), "ok");
	cr_assert_str_eq(status_name(STATUS_NXDOMAIN), "nxdomain");
	cr_assert_str_eq(status_name(STATUS_NOT_DELEGATED), "not_delegated");
	cr_assert_str_eq(status_name(STATUS_ERROR), "error");
	cr_assert_str_eq(status_name(STATUS_MISSING), "missing");
	cr_assert_str_eq(status_name(STATUS_MISMATCHED), "mismatched");
	cr_assert_str_eq(status_name(STATUS_LAME), "lame");
	cr_assert_str_eq(problem_name(PROBLEM_CHILD_ONLY), "child_only");
	cr_assert_str_eq(problem_name(PROBLEM_MISMATCHED), "mismatched");
	cr_assert_str_eq(problem_name(PROBLEM_NS_SET), "ns_set");
	cr_assert_str_eq(problem_name(PROBLEM_SERIAL), "serial");
	cr_assert_str_eq(probe_name(PROBE_AUTHORITATIVE), "authoritative");
	cr_assert_str_eq(probe_name(PROBE_NOT_AUTHORITATIVE), "not_authoritative");
}

/* --parent-only: only the parent's answer was read; names not resolved and
 * servers not asked are no findings. */
Test(verdict, parent_only_finds_only_what_the_parent_shows)
{
	struct evidence ev;
	struct verdict v;

	ev_init(&ev, "example.com.");
	ev.parent_only = true;
	(void)add_ns(&ev, "ns1.provider.net.");
	(void)ns_glued(&ev, "ns1.example.com.", "192.0.2.1", NULL);
	verdict_decide(&ev, &v);
	cr_assert_eq(v.status, STATUS_DELEGATED);
	cr_assert_eq(v.nproblems, 0, "the provider's name was never resolved: not lame");
	verdict_free(&v);
	(void)add_ns(&ev, "ns2.example.com.");
	verdict_decide(&ev, &v);
	cr_assert_eq(v.status, STATUS_MISSING);
	cr_assert_eq(v.nproblems, 1);
	cr_assert_eq(v.problems[0].kind, PROBLEM_MISSING);
	verdict_free(&v);
	evidence_free(&ev);
}

/* What a server leaves open (deleg-domain asks an answer-only server "D NS"
 * first, and by name only what is still open after its additional section). */
Test(evidence, glue_open_until_every_type_is_confirmed)
{
	struct evidence ev;
	uint8_t n1, n2, s1, s2;

	ev_init(&ev, "example.com.");
	n1 = GLUE(&ev, "ns1.example.com.", "192.0.2.1", "2001:db8::1");
	n2 = GLUE(&ev, "ns2.example.com.", "192.0.2.2");
	(void)RESOLVED(&ev, "ns.provider.net.", "198.51.100.1");
	s1 = server(&ev, "192.0.2.1", PROBE_AUTHORITATIVE);
	s2 = server(&ev, "192.0.2.2", PROBE_AUTHORITATIVE);
	cr_assert(evidence_glue_open(&ev, s1), "nothing listed yet");
	ADDITIONAL_A(&ev, n1, "192.0.2.1", "192.0.2.1");
	ADDITIONAL_A(&ev, n2, "192.0.2.1", "192.0.2.2");
	cr_assert(evidence_confirmed(&ev, n1, s1, DNS_TYPE_A));
	cr_assert_not(evidence_confirmed(&ev, n1, s1, DNS_TYPE_AAAA));
	cr_assert(evidence_glue_open(&ev, s1), "ns1's AAAA glue is not confirmed");
	child(&ev, n1, "192.0.2.1", DNS_TYPE_AAAA, CHILD_ADDITIONAL, "2001:db8::1", (const char *)NULL);
	cr_assert_not(evidence_glue_open(&ev, s1), "every type of every glued name confirmed");
	cr_assert(evidence_glue_open(&ev, s2), "another server's additional section says nothing of s2");
	ADDITIONAL_A(&ev, n1, "192.0.2.2", "192.0.2.9");
	cr_assert_not(evidence_confirmed(&ev, n1, s2, DNS_TYPE_A), "a different address confirms nothing");
	evidence_free(&ev);
}

Test(evidence, out_of_domain_names_leave_nothing_open)
{
	struct evidence ev;
	uint8_t s;

	ev_init(&ev, "example.com.");
	(void)RESOLVED(&ev, "ns1.provider.net.", "198.51.100.1");
	(void)RESOLVED(&ev, "ns2.provider.net.", "198.51.100.2");
	s = server(&ev, "198.51.100.1", PROBE_AUTHORITATIVE);
	cr_assert_not(evidence_glue_open(&ev, s), "no glue to confirm: no D NS for it");
	evidence_free(&ev);
}
