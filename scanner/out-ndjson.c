/* out-ndjson.c -- the NDJSON report of SPEC section 4; key order is part of the contract. */
#include <string.h>

#include "ndjson.h"

/* JSON string; bytes that are not printable ASCII come out as \u00XX so that
 * any input line, however broken, yields valid JSON. */
static void
put_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
put_name(FILE *out, const struct dname *n)
{
	char buf[DNAME_TEXT_MAX + 2];

	dname_text(n, buf);
	put_string(out, buf, strlen(buf));
}

static void
put_addr(FILE *out, const struct addr *a)
{
	char buf[ADDR_TEXT_MAX];

	fprintf(out, "\"%s\"", addr_text(a, buf));
}

static void
put_addrs(FILE *out, const struct addr *list, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		put_addr(out, &list[i]);
	}
	fputc(']', out);
}

static void
put_parent(FILE *out, const struct evidence *ev)
{
	if (ev->parent_zone.len == 0) {
		fputs(",\"parent\":null", out);	/* no zone above the domain is known */
		return;
	}
	fputs(",\"parent\":{\"zone\":", out);
	put_name(out, &ev->parent_zone);
	if (ev->have_parent_server) {
		fputs(",\"server\":", out);
		put_addr(out, &ev->parent_server);
		fprintf(out, ",\"rtt_ms\":%.2f", ev->parent_rtt_ms);
	}
	fputc('}', out);
}

/* Union of the addresses the authoritative servers gave for NS i. */
static void
put_child(FILE *out, const struct evidence *ev, uint8_t i)
{
	struct addr all[EV_MAX_ADDRS * 2];
	size_t n = 0;

	for (size_t c = 0; c < ev->nchild; c++)
		if (ev->child[c].ns == i)
			for (uint8_t k = 0; k < ev->child[c].naddrs; k++)
				(void)addr_set_add(all, &n, EV_MAX_ADDRS * 2, &ev->child[c].addrs[k]);
	put_addrs(out, all, n);
}

static void
put_servers(FILE *out, const struct evidence *ev, const struct addr *list, uint8_t n)
{
	fputs(",\"servers\":[", out);
	for (uint8_t k = 0; k < n; k++) {
		int s = evidence_server(ev, &list[k]);

		if (k > 0)
			fputc(',', out);
		fputs("{\"addr\":", out);
		put_addr(out, &list[k]);
		if (s >= 0) {
			const struct ev_server *sv = &ev->servers[s];

			fprintf(out, ",\"result\":\"%s\"", probe_name(sv->result));
			if (sv->result == PROBE_OTHER_RCODE)
				fprintf(out, ",\"rcode\":%u", sv->rcode);
			if (sv->result != PROBE_TIMEOUT && sv->result != PROBE_NOT_PROBED &&
			    sv->result != PROBE_EXCLUDED)
				fprintf(out, ",\"rtt_ms\":%.2f", sv->rtt_ms);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static void
put_ns(FILE *out, const struct evidence *ev)
{
	fputs(",\"ns\":[", out);
	for (uint8_t i = 0; i < ev->nns; i++) {
		const struct ev_ns *ns = &ev->ns[i];

		if (i > 0)
			fputc(',', out);
		fputs("{\"name\":", out);
		put_name(out, &ns->name);
		fprintf(out, ",\"in_domain\":%s", ns->in_domain ? "true" : "false");
		if (ns->in_domain) {
			fputs(",\"glue\":", out);
			put_addrs(out, ns->glue, ns->nglue);
			fputs(",\"child\":", out);
			put_child(out, ev, i);
			put_servers(out, ev, ns->glue, ns->nglue);
		} else {
			fprintf(out, ",\"resolved\":%s,\"addrs\":", ns->resolved ? "true" : "false");
			put_addrs(out, ns->addrs, ns->naddrs);
			put_servers(out, ev, ns->addrs, ns->naddrs);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static void
put_problem(FILE *out, const struct evidence *ev, const struct problem *p)
{
	fprintf(out, "{\"kind\":\"%s\",\"ns\":", problem_name(p->kind));
	put_name(out, &ev->ns[p->ns].name);
	switch (p->kind) {
	case PROBLEM_MISSING:
		break;
	case PROBLEM_MISMATCHED:
		fputs(",\"glue\":", out);
		put_addr(out, &p->addr);
		fputs(",\"servers\":[", out);
		for (uint8_t s = 0, first = 1; s < ev->nservers; s++) {
			if (!(p->servers >> s & 1))
				continue;
			if (!first)
				fputc(',', out);
			first = 0;
			put_addr(out, &ev->servers[s].addr);
		}
		fputc(']', out);
		break;
	case PROBLEM_LAME:
		if (p->has_addr) {
			fputs(",\"addr\":", out);
			put_addr(out, &p->addr);
		}
		fprintf(out, ",\"reason\":\"%s\"", p->reason);
		if (!p->has_addr) {
			fprintf(out, ",\"dangling\":%s", p->dangling ? "true" : "false");
			if (ev->ns[p->ns].unresolved_reason != NULL)
				fprintf(out, ",\"detail\":\"%s\"", ev->ns[p->ns].unresolved_reason);
		}
		break;
	case PROBLEM_CHILD_ONLY:
		fputs(",\"addr\":", out);
		put_addr(out, &p->addr);
		break;
	}
	fputc('}', out);
}

void
ndjson_domain(FILE *out, const struct evidence *ev, const struct verdict *v)
{
	fputs("{\"domain\":", out);
	put_name(out, &ev->domain);
	fprintf(out, ",\"status\":\"%s\"", status_name(v->status));
	if (v->status == STATUS_ERROR)
		fprintf(out, ",\"reason\":\"%s\"", ev->parent_reason ? ev->parent_reason : "error");
	if (ev->parent_only && ev->parent == PARENT_DELEGATED)
		fputs(",\"resolvable\":null", out);	/* not known: no server was probed */
	else
		fprintf(out, ",\"resolvable\":%s", v->resolvable ? "true" : "false");
	put_parent(out, ev);
	put_ns(out, ev);
	fputs(",\"problems\":[", out);
	for (size_t i = 0; i < v->nproblems; i++) {
		if (i > 0)
			fputc(',', out);
		put_problem(out, ev, &v->problems[i]);
	}
	fputs("]}\n", out);
}

void
ndjson_excluded(FILE *out, const struct dname *domain)
{
	fputs("{\"domain\":", out);
	put_name(out, domain);
	fputs(",\"status\":\"excluded\",\"resolvable\":false,\"parent\":null,\"ns\":[],\"problems\":[]}\n", out);
}

void
ndjson_invalid(FILE *out, const char *raw, size_t len, const char *why)
{
	fputs("{\"domain\":null,\"input\":", out);
	put_string(out, raw, len);
	fputs(",\"status\":\"invalid\",\"resolvable\":false,\"error\":", out);
	put_string(out, why, strlen(why));
	fputs("}\n", out);
}
