/* out-ndjson.c -- the NDJSON report of SPEC section 4; key order is part of the contract. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"

/* One line is built in memory and written with one fwrite: printf's format
 * parsing and per-call locking were most of the cost of writing a verdict. */
struct jbuf {
	char *p;
	size_t len, cap;
};

static const char hex[] = "0123456789abcdef";

/* The line being built; reused, so a scan allocates it once. */
static struct jbuf line;

static void
jb_need(struct jbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	if ((b->p = realloc(b->p, b->cap)) == NULL)
		err(1, "out of memory");
}

static void
jb_c(struct jbuf *b, char c)
{
	jb_need(b, 1);
	b->p[b->len++] = c;
}

static void
jb_s(struct jbuf *b, const char *s)
{
	size_t n = strlen(s);

	jb_need(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
jb_u(struct jbuf *b, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	jb_need(b, (size_t)n);
	while (n > 0)
		b->p[b->len++] = tmp[--n];
}

/* Milliseconds with two decimals, like printf's %.2f for the values we have. */
static void
jb_ms(struct jbuf *b, double ms)
{
	unsigned long hundredths = ms <= 0 ? 0 : (unsigned long)(ms * 100 + 0.5);

	jb_u(b, hundredths / 100);
	jb_c(b, '.');
	jb_c(b, (char)('0' + hundredths / 10 % 10));
	jb_c(b, (char)('0' + hundredths % 10));
}

void
ndjson_release(void)
{
	free(line.p);
	memset(&line, 0, sizeof(line));
}

static void
jb_flush(struct jbuf *b, FILE *f)
{
	fwrite(b->p, 1, b->len, f);
	b->len = 0;
}


/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* JSON string of text as the user wrote it: valid UTF-8 is kept, each byte
 * that is not part of a valid sequence becomes U+FFFD, control characters
 * are escaped; so any line, however broken, yields valid UTF-8 JSON that
 * jq shows as written. */
static void
put_string(struct jbuf *out, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	jb_c(out, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		if (c == '"' || c == '\\') {
			jb_c(out, '\\');
			jb_c(out, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			jb_s(out, "\\u00");
			jb_c(out, hex[c >> 4]);
			jb_c(out, hex[c & 15]);
			i++;
		} else if ((n = utf8_seq(s + i, len - i)) == 0) {
			jb_s(out, "\xef\xbf\xbd");	/* U+FFFD */
			i++;
		} else {
			jb_need(out, n);
			memcpy(out->p + out->len, s + i, n);
			out->len += n;
			i += n;
		}
	}
	jb_c(out, '"');
}

/* A byte a JSON string holds as it is: printable ASCII but '"' and '\\'. */
static bool
plain_byte(uint8_t c)
{
	return c > ' ' && c < 0x7f && c != '"' && c != '\\';
}

/* A name's text. Names are nearly always printable ASCII with nothing to
 * escape: those are copied label by label, the others go through put_string
 * (the same text either way). Several names a line, millions of lines. */
static void
put_name(struct jbuf *out, const struct dname *n)
{
	char buf[DNAME_TEXT_MAX + 2];
	size_t pos = 0, len = 0;

	if (n->len <= 1)
		buf[len++] = '.';
	while (n->len > 1 && n->wire[pos] != 0) {
		uint8_t l = n->wire[pos++];

		for (uint8_t i = 0; i < l; i++) {
			if (!plain_byte(n->wire[pos + i])) {
				dname_text(n, buf);
				put_string(out, buf, strlen(buf));
				return;
			}
		}
		if (len > 0)
			buf[len++] = '.';
		memcpy(buf + len, n->wire + pos, l);
		len += l;
		pos += l;
	}
	jb_need(out, len + 2);
	out->p[out->len++] = '"';
	memcpy(out->p + out->len, buf, len);
	out->len += len;
	out->p[out->len++] = '"';
}

static void
put_ev_name(struct jbuf *out, const struct evidence *ev, struct ev_name n)
{
	struct dname name;

	put_name(out, evidence_name(ev, n, &name));
}

/* The domain to register to take a dangling name over: its last registrable_labels labels. */
static void
put_registrable(struct jbuf *out, const struct evidence *ev, const struct ev_ns *ns)
{
	struct dname name, reg;

	evidence_name(ev, ns->name, &name);
	if (dname_strip(&name, dname_label_count(&name) - ns->registrable_labels, &reg)) {
		jb_s(out, ",\"registrable\":");
		put_name(out, &reg);
	}
}

static void
put_addr(struct jbuf *out, const struct addr *a)
{
	char buf[ADDR_TEXT_MAX];

	jb_c(out, '"');
	jb_s(out, addr_text(a, buf));
	jb_c(out, '"');
}

static void
put_addrs(struct jbuf *out, const struct addr *list, size_t n)
{
	jb_c(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			jb_c(out, ',');
		put_addr(out, &list[i]);
	}
	jb_c(out, ']');
}

static void
put_parent(struct jbuf *out, const struct evidence *ev)
{
	if (ev->parent_zone.len == 0) {
		jb_s(out, ",\"parent\":null");	/* no zone above the domain is known */
		return;
	}
	jb_s(out, ",\"parent\":{\"zone\":");
	put_ev_name(out, ev, ev->parent_zone);
	if (ev->have_parent_server) {
		jb_s(out, ",\"server\":");
		put_addr(out, &ev->parent_server);
		jb_s(out, ",\"rtt_ms\":");
		jb_ms(out, ev->parent_rtt_ms);
	}
	jb_c(out, '}');
}

/* Union of the addresses the authoritative servers gave for NS i. */
static void
put_child(struct jbuf *out, const struct evidence *ev, uint8_t i)
{
	struct addr all[EV_MAX_ADDRS * 2];
	size_t n = 0;

	for (size_t c = 0; c < ev->nchild; c++)
		if (ev->child[c].ns == i)
			for (uint8_t k = 0; k < ev->child[c].addrs.n; k++)
				(void)addr_set_add(all, &n, EV_MAX_ADDRS * 2,
				    &evidence_addrs(ev, ev->child[c].addrs)[k]);
	put_addrs(out, all, n);
}

static void
put_servers(struct jbuf *out, const struct evidence *ev, const struct addr *list, uint8_t n)
{
	jb_s(out, ",\"servers\":[");
	for (uint8_t k = 0; k < n; k++) {
		int s = evidence_server(ev, &list[k]);

		if (k > 0)
			jb_c(out, ',');
		jb_s(out, "{\"addr\":");
		put_addr(out, &list[k]);
		if (s >= 0) {
			const struct ev_server *sv = &ev->servers[s];

			jb_s(out, ",\"result\":\"");
			jb_s(out, probe_name(sv->result));
			jb_c(out, '"');
			if (sv->result == PROBE_OTHER_RCODE)
			{
				jb_s(out, ",\"rcode\":");
				jb_u(out, sv->rcode);
			}
			if (sv->result != PROBE_TIMEOUT && sv->result != PROBE_NOT_PROBED &&
			    sv->result != PROBE_EXCLUDED)
			{
				jb_s(out, ",\"rtt_ms\":");
				jb_ms(out, sv->rtt_ms);
			}
			if (sv->result == PROBE_AUTHORITATIVE) {
				jb_s(out, ",\"serial\":");
				jb_u(out, sv->serial);
			}
		}
		jb_c(out, '}');
	}
	jb_c(out, ']');
}

static void
put_ns(struct jbuf *out, const struct evidence *ev)
{
	jb_s(out, ",\"ns\":[");
	for (uint8_t i = 0; i < ev->nns; i++) {
		const struct ev_ns *ns = &ev->ns[i];

		if (i > 0)
			jb_c(out, ',');
		jb_s(out, "{\"name\":");
		put_ev_name(out, ev, ns->name);
		jb_s(out, ns->in_domain ? ",\"in_domain\":true" : ",\"in_domain\":false");
		if (ns->in_domain) {
			jb_s(out, ",\"glue\":");
			put_addrs(out, evidence_addrs(ev, ns->glue), ns->glue.n);
			jb_s(out, ",\"child\":");
			put_child(out, ev, i);
			put_servers(out, ev, evidence_addrs(ev, ns->glue), ns->glue.n);
		} else {
			jb_s(out, ns->resolved ? ",\"resolved\":true,\"addrs\":" : ",\"resolved\":false,\"addrs\":");
			put_addrs(out, evidence_addrs(ev, ns->addrs), ns->addrs.n);
			put_servers(out, ev, evidence_addrs(ev, ns->addrs), ns->addrs.n);
		}
		jb_c(out, '}');
	}
	jb_c(out, ']');
}

/* Writes element i of a set: a server or an NS name of ev, or a name of the table at arg. */
typedef void put_member_fn(struct jbuf *out, const struct evidence *ev, size_t i, const void *arg);

/* The members i < n of a bit set, as a JSON array. */
static void
put_set(struct jbuf *out, const struct evidence *ev, uint64_t mask, size_t n,
    put_member_fn *put, const void *arg)
{
	bool first = true;

	jb_c(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (!(mask >> i & 1))
			continue;
		if (!first)
			jb_c(out, ',');
		first = false;
		put(out, ev, i, arg);
	}
	jb_c(out, ']');
}

static void
put_server_addr(struct jbuf *out, const struct evidence *ev, size_t s, const void *arg)
{
	(void)arg;
	put_addr(out, &ev->servers[s].addr);
}

static void
put_server_serial(struct jbuf *out, const struct evidence *ev, size_t s, const void *arg)
{
	(void)arg;
	jb_s(out, "{\"addr\":");
	put_addr(out, &ev->servers[s].addr);
	jb_s(out, ",\"serial\":");
	jb_u(out, ev->servers[s].serial);
	jb_c(out, '}');
}

static void
put_named(struct jbuf *out, const struct evidence *ev, size_t i, const void *names)
{
	put_ev_name(out, ev, ((const struct ev_name *)names)[i]);
}

static void
put_parent_name(struct jbuf *out, const struct evidence *ev, size_t i, const void *arg)
{
	(void)arg;
	put_ev_name(out, ev, ev->ns[i].name);
}

/* The addresses of the servers in the mask, as a JSON array. */
static void
put_server_addrs(struct jbuf *out, const struct evidence *ev, uint64_t mask)
{
	put_set(out, ev, mask, ev->nservers, put_server_addr, NULL);
}

static void
put_ns_set(struct jbuf *out, const struct evidence *ev, const struct problem *p)
{
	jb_s(out, ",\"parent_only\":");
	put_set(out, ev, p->parent_only, ev->nns, put_parent_name, NULL);
	jb_s(out, ",\"child_only\":");
	put_set(out, ev, p->child_only, ev->nchild_ns, put_named, ev->child_ns);
	jb_s(out, ",\"servers\":");
	put_server_addrs(out, ev, p->servers);
}

static void
put_serials(struct jbuf *out, const struct evidence *ev, uint64_t mask)
{
	jb_s(out, ",\"serials\":");
	put_set(out, ev, mask, ev->nservers, put_server_serial, NULL);
}

static void
put_problem(struct jbuf *out, const struct evidence *ev, const struct problem *p)
{
	jb_s(out, "{\"kind\":\"");
	jb_s(out, problem_name(p->kind));
	jb_c(out, '"');
	if (p->kind != PROBLEM_NS_SET && p->kind != PROBLEM_SERIAL) {
		jb_s(out, ",\"ns\":");
		put_ev_name(out, ev, ev->ns[p->ns].name);
	}
	switch (p->kind) {
	case PROBLEM_MISSING:
		break;
	case PROBLEM_MISMATCHED:
		jb_s(out, ",\"glue\":");
		put_addr(out, &p->addr);
		jb_s(out, ",\"servers\":");
		put_server_addrs(out, ev, p->servers);
		break;
	case PROBLEM_LAME:
		if (p->has_addr) {
			jb_s(out, ",\"addr\":");
			put_addr(out, &p->addr);
		}
		jb_s(out, ",\"reason\":\"");
		jb_s(out, p->reason);
		jb_c(out, '"');
		if (!p->has_addr) {
			jb_s(out, p->dangling ? ",\"dangling\":true" : ",\"dangling\":false");
			if (p->dangling)
				put_registrable(out, ev, &ev->ns[p->ns]);
			if (ev->ns[p->ns].unresolved_reason != NULL)
			{
				jb_s(out, ",\"detail\":\"");
				jb_s(out, ev->ns[p->ns].unresolved_reason);
				jb_c(out, '"');
			}
		}
		break;
	case PROBLEM_CHILD_ONLY:
		jb_s(out, ",\"addr\":");
		put_addr(out, &p->addr);
		break;
	case PROBLEM_NS_SET:
		put_ns_set(out, ev, p);
		break;
	case PROBLEM_SERIAL:
		put_serials(out, ev, p->servers);
		break;
	}
	jb_c(out, '}');
}

/* After "domain": "input" when the line was written otherwise (an IDN). */
static void
put_input(struct jbuf *out, const char *input)
{
	if (input != NULL) {
		jb_s(out, ",\"input\":");
		put_string(out, input, strlen(input));
	}
}

void
ndjson_domain(FILE *f, const struct evidence *ev, const struct verdict *v, const char *input)
{
	struct jbuf *out = &line;

	jb_s(out, "{\"domain\":");
	put_ev_name(out, ev, ev->domain);
	put_input(out, input);
	jb_s(out, ",\"status\":\"");
	jb_s(out, status_name(v->status));
	jb_c(out, '"');
	if (v->status == STATUS_ERROR)
	{
		jb_s(out, ",\"reason\":\"");
		jb_s(out, ev->parent_reason ? ev->parent_reason : "error");
		jb_c(out, '"');
	}
	if (ev->parent_only && ev->parent == PARENT_DELEGATED)
		jb_s(out, ",\"resolvable\":null");	/* not known: no server was probed */
	else
		jb_s(out, v->resolvable ? ",\"resolvable\":true" : ",\"resolvable\":false");
	put_parent(out, ev);
	put_ns(out, ev);
	jb_s(out, ",\"problems\":[");
	for (size_t i = 0; i < v->nproblems; i++) {
		if (i > 0)
			jb_c(out, ',');
		put_problem(out, ev, &v->problems[i]);
	}
	jb_s(out, "]}\n");
	jb_flush(out, f);
}

void
ndjson_excluded(FILE *f, const struct dname *domain, const char *input)
{
	struct jbuf *out = &line;

	jb_s(out, "{\"domain\":");
	put_name(out, domain);
	put_input(out, input);
	jb_s(out, ",\"status\":\"excluded\",\"resolvable\":false,\"parent\":null,\"ns\":[],\"problems\":[]}\n");
	jb_flush(out, f);
}

void
ndjson_invalid(FILE *f, const char *raw, size_t len, const char *why)
{
	struct jbuf *out = &line;

	jb_s(out, "{\"domain\":null,\"input\":");
	put_string(out, raw, len);
	jb_s(out, ",\"status\":\"invalid\",\"resolvable\":false,\"error\":");
	put_string(out, why, strlen(why));
	jb_s(out, "}\n");
	jb_flush(out, f);
}
