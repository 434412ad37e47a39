/* czds-zone-gen.c -- writes the synthetic zone in CZDS format, in text order of owner
 * names, without sorting: the delegations come in index order (which is their
 * text order), and the glue hosts of each first label ("ns1", "dns2", ...)
 * likewise; one stream per first label, merged by owner. */
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "czds-zone.h"

static const char *host_labels[] = { "dns1", "dns2", "dns3", "dns4", "ns1", "ns2", "ns3", "ns4" };
#define NSTREAMS (1 + sizeof(host_labels) / sizeof(host_labels[0]))

struct stream {
	const char *host;	/* NULL: the delegations; else the first label of its glue hosts */
	uint64_t next;		/* the next index to look at */
	bool done;
	char owner[ZHOST_MAX + 2];	/* with the trailing dot */
	char block[2048];	/* the owner's lines */
	size_t block_len;
};

struct counts {
	uint64_t delegations, ns, ds, glue_hosts, glue_a, glue_aaaa, self_hosted, provider_domains,
	    missing, lines, bytes;
};

static char out[1 << 20];
static size_t out_len;
static struct counts c;

static void
flush_out(void)
{
	for (size_t off = 0; off < out_len;) {
		ssize_t w = write(STDOUT_FILENO, out + off, out_len - off);

		if (w < 0)
			err(1, "write");
		off += (size_t)w;
	}
	c.bytes += out_len;
	out_len = 0;
}

static void
emit(const char *s, size_t len)
{
	if (out_len + len > sizeof(out))
		flush_out();
	memcpy(out + out_len, s, len);
	out_len += len;
}

/* One record line into the stream's block. */
static void
add_line(struct stream *s, const char *ttl, const char *type, const char *rdata)
{
	int len = snprintf(s->block + s->block_len, sizeof(s->block) - s->block_len, "%s\t%s\tin\t%s\t%s\n",
	    s->owner, ttl, type, rdata);

	if (len < 0 || (size_t)len >= sizeof(s->block) - s->block_len)
		errx(1, "record block overflow");
	s->block_len += (size_t)len;
	c.lines++;
}

static void
delegation_block(const struct zmodel *m, struct stream *s, const struct zdeleg *d)
{
	char rdata[256];

	snprintf(s->owner, sizeof(s->owner), "%s.", d->name);
	for (unsigned j = 0; j < d->nns; j++) {
		snprintf(rdata, sizeof(rdata), "%s.", d->ns[j].name);
		add_line(s, "172800", "ns", rdata);
	}
	if (d->ds) {
		uint64_t h = zmodel_hash(m->seed ^ 0xd5d5 ^ zmodel_hash(d->i));
		int len = snprintf(rdata, sizeof(rdata), "%u 13 2 ", (unsigned)(h % 65535) + 1);

		for (int k = 0; k < 4; k++, h = zmodel_hash(h))
			len += snprintf(rdata + len, sizeof(rdata) - (size_t)len, "%016llX", (unsigned long long)h);
		add_line(s, "86400", "ds", rdata);
		c.ds++;
	}
	c.delegations++;
	c.ns += d->nns;
	c.self_hosted += d->self_hosted;
	c.provider_domains += d->provider;
	c.missing += d->missing;
}

static void
host_block(struct stream *s, const struct zns *ns)
{
	char addr[INET6_ADDRSTRLEN];
	uint32_t a = htonl(ns->a);

	snprintf(s->owner, sizeof(s->owner), "%s.", ns->name);
	add_line(s, "172800", "a", inet_ntop(AF_INET, &a, addr, sizeof(addr)));
	c.glue_a++;
	if (ns->has_aaaa) {
		add_line(s, "172800", "aaaa", inet_ntop(AF_INET6, ns->aaaa_addr, addr, sizeof(addr)));
		c.glue_aaaa++;
	}
	c.glue_hosts++;
}

/* The stream's next owner and its lines; done when there is none. */
static void
advance(const struct zmodel *m, struct stream *s)
{
	struct zdeleg d;
	size_t hl = s->host ? strlen(s->host) : 0;

	s->block_len = 0;
	for (; s->next < m->n; s->next++) {
		if (s->host == NULL) {
			zmodel_deleg(m, s->next++, &d);
			delegation_block(m, s, &d);
			return;
		}
		if (!zmodel_has_hosts(m, s->next))
			continue;
		zmodel_deleg(m, s->next, &d);
		for (unsigned j = 0; j < d.nns; j++) {
			if (d.ns[j].glue && !strncmp(d.ns[j].name, s->host, hl) && d.ns[j].name[hl] == '.') {
				s->next++;
				host_block(s, &d.ns[j]);
				return;
			}
		}
	}
	s->done = true;
}

static void
write_stats(const char *path, const struct zmodel *m)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		err(1, "%s", path);
	fprintf(f, "{\"delegations\": %llu, \"seed\": %llu, \"tld\": \"%s\", \"glue_share\": %g,\n"
	    " \"ns_records\": %llu, \"ds_records\": %llu, \"glue_hosts\": %llu, \"glue_a\": %llu,"
	    " \"glue_aaaa\": %llu, \"glue_records\": %llu,\n"
	    " \"self_hosted\": %llu, \"provider_domains\": %llu, \"missing\": %llu, \"lines\": %llu,"
	    " \"bytes\": %llu}\n",
	    (unsigned long long)c.delegations, (unsigned long long)m->seed, m->tld, m->glue,
	    (unsigned long long)c.ns, (unsigned long long)c.ds, (unsigned long long)c.glue_hosts,
	    (unsigned long long)c.glue_a, (unsigned long long)c.glue_aaaa,
	    (unsigned long long)(c.glue_a + c.glue_aaaa), (unsigned long long)c.self_hosted,
	    (unsigned long long)c.provider_domains, (unsigned long long)c.missing,
	    (unsigned long long)c.lines, (unsigned long long)c.bytes);
	if (fclose(f) != 0)
		err(1, "%s", path);
}

void
czds_gen(const struct zmodel *m, const char *stats)
{
	static struct stream st[NSTREAMS];
	char line[512];
	int len;

	len = snprintf(line, sizeof(line), "%s.\t900\tin\tsoa\ta.nic-servers.%s. hostmaster.nic-servers.%s. "
	    "1700000000 1800 900 604800 86400\n", m->tld, m->ext, m->ext);
	emit(line, (size_t)len);
	for (char k = 'a'; k <= 'b'; k++) {
		int l = snprintf(line + len, sizeof(line) - (size_t)len, "%s.\t172800\tin\tns\t%c.nic-servers.%s.\n",
		    m->tld, k, m->ext);

		emit(line + len, (size_t)l);
	}
	for (size_t k = 0; k < NSTREAMS; k++) {
		st[k].host = k ? host_labels[k - 1] : NULL;
		advance(m, &st[k]);
	}
	for (;;) {
		struct stream *min = NULL;

		for (size_t k = 0; k < NSTREAMS; k++)
			if (!st[k].done && (min == NULL || strcmp(st[k].owner, min->owner) < 0))
				min = &st[k];
		if (min == NULL)
			break;
		emit(min->block, min->block_len);
		advance(m, min);
	}
	emit(line, (size_t)len);	/* the SOA again, last */
	c.lines += 4;	/* the SOA twice, the apex NS set */
	flush_out();
	if (stats != NULL)
		write_stats(stats, m);
}

/* The delegations' names in zone order: the input list a scan without the
 * whole-zone mode needs. */
void
czds_names(const struct zmodel *m)
{
	struct zdeleg d;

	for (uint64_t i = 0; i < m->n; i++) {
		zmodel_deleg(m, i, &d);
		emit(d.name, strlen(d.name));
		emit("\n", 1);
	}
	flush_out();
}
