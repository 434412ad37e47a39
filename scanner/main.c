/* main.c -- options, then wiring: hints into the resolver, the engine onto the network, the scan loop. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "exclude.h"
#include "gzfile.h"
#include "zonefile.h"
#include "hints.h"
#include "inputreader.h"
#include "resolver.h"
#include "route.h"
#include "scan.h"
#include "serverrate.h"
#include "suffix.h"
#include "window.h"
#include "ndjson.h"
#include "pcapdump.h"
#include "report.h"
#include "resume.h"

#ifndef GLUESCAN_VERSION
#define GLUESCAN_VERSION "0.1.0"
#endif
#ifndef GLUESCAN_HINTS
#define GLUESCAN_HINTS "/usr/local/share/gluescan/root.hints"
#endif

/* Exit codes; a stop by signal exits 128 + the signal (130 SIGINT, 143 SIGTERM). */
enum { EXIT_USAGE = 2, EXIT_SIGNAL_BASE = 128 };

/* Where an interrupted scan without --resume leaves its state. */
#define DEFAULT_RESUME "gluescan.resume"

#define DEFAULT_PORTS 1024
#define WAIT_AUTO UINT_MAX
#define SHUFFLE_AUTO UINT_MAX
#define DEFAULT_PER_SERVER 50
#define WINDOW_AUTO UINT_MAX
/* Names waiting in a shuffle block cost about 270 bytes each. */
#define DEFAULT_SHUFFLE 16384
/* With a list and a streamed zone file, each block's names are looked up in
 * one pass over the file: blocks this large (about 70 MB) make fewer passes. */
#define LOOKUP_SHUFFLE 262144
/* The output's stdio buffer (see its setvbuf). */
#define OUTPUT_BUFFER (64 << 10)

/* --ipv6: auto probes the IPv6 addresses this host routes to, when it has IPv6. */
enum ipv6_mode { IPV6_AUTO, IPV6_ON, IPV6_OFF };

/* Where --ipv6 auto looks for a route when the hints have no IPv6 server:
 * a.root-servers.net, as good a stand-in for "the IPv6 internet" as any. */
#define IPV6_PROBE_DST "2001:503:ba3e::2:30"

struct options {
	const char *input, *output, *parents, *resume, *pcap, *stats, *exclude, *server_rate;
	const char *parent_zones[16];
	unsigned nparent_zones;
	struct engine_config eng;
	unsigned window, wait_s, shard, shards, shuffle;
	uint64_t max_memory;
	uint64_t seed;
	bool seed_given;
	bool quiet, ports_given, parent_only;
	enum ipv6_mode ipv6;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gluescan [options] [domain ...]\n"
	    "Check DNS delegations: glue present and correct, every nameserver authoritative.\n"
	    "One NDJSON line per input domain.\n\n"
	    "  -i, --input FILE        domains, one per line; '-' = stdin (default without domain args)\n"
	    "                          (gzip, a file or a pipe, is read as it is)\n"
	    "  -o, --output FILE       NDJSON output (default stdout)\n"
	    "  -p, --parents FILE      hints: NS + A/AAAA of known zones, master-file format\n"
	    "                          (plain or gzip; default: %s)\n"
	    "  -r, --rate PPS          packets per second, all servers together (default 2000)\n"
	    "      --per-server PPS    cap for any single server address (default %d; 0: none)\n"
	    "      --server-rate FILE  caps by address block, lines 'CIDR PPS' (the most\n"
	    "                          specific block wins; 0: none); --per-server elsewhere\n"
	    "  -e, --interface IF      default: the interface of the route to the first server\n"
	    "  -S, --source-ip IP      default: that interface's address\n"
	    "      --ipv6 auto|on|off  probe each IPv6 nameserver address this host has a route\n"
	    "                          to from a global or unique local source (the others:\n"
	    "                          not_probed); auto (default): none when the interface\n"
	    "                          has no such source; on: exit then; off: data only\n"
	    "      --source-ip6 IP     IPv6 source address (default: the route's)\n"
	    "      --source-port P[-Q] ports to send from (default: the first block of %d free\n"
	    "                          ports above, else below, the kernel's ephemeral range)\n"
	    "      --retries N         tries after the first, per question (default 2)\n"
	    "      --timeout MS        first try (default 1000); later tries wait 2x, 4x, 8x\n"
	    "      --wait S            after the input ends, stop waiting S seconds after the\n"
	    "                          last packet sent (default: all tries of one question)\n"
	    "      --window N|auto     domains in progress at once; auto (default): as many as\n"
	    "                          keep the --rate budget busy; N: at most N\n"
	    "      --max-memory SIZE   no more domains start past this much memory (e.g. 512M,\n"
	    "                          2G; default 1G, at most a quarter of the RAM)\n"
	    "      --shuffle N         start the domains of each block of N input domains in a\n"
	    "                          random order (default %d, or --window N if smaller;\n"
	    "                          1: input order)\n"
	    "      --seed N            seed of that order (default: random)\n"
	    "      --edns-size N       EDNS0 UDP payload size advertised (default 1232; 0: no\n"
	    "                          EDNS); truncated answers are asked again over TCP\n"
	    "      --resume FILE       continue the scan FILE describes; on SIGINT/SIGTERM the\n"
	    "                          scan stops within 2 s, writes the lines decided and\n"
	    "                          FILE (default on interruption: ./%s)\n"
	    "      --shard I/N         scan only the I-th of N disjoint slices of the input\n"
	    "                          (line k goes to slice k mod N + 1); every per-server\n"
	    "                          cap is divided by N (to 0.001 at least)\n"
	    "      --parent-zone FILE  take delegations and glue from this zone file (plain or\n"
	    "                          gzip) instead of asking its zone's servers (repeatable,\n"
	    "                          up to 16); with no -i and no domains: scan every\n"
	    "                          delegation of it\n"
	    "      --parent-only       stop at each parent's answer: status delegated (or\n"
	    "                          nxdomain, not_delegated, error, missing); no child asked\n"
	    "      --exclude FILE      domains/zones to skip (status \"excluded\") and server\n"
	    "                          addresses or CIDR blocks never to query (plain or gzip)\n"
	    "      --pcap FILE         also write every UDP packet sent and received (pcap)\n"
	    "      --stats FILE        JSON summary at the end: counts, packets, drops, rates\n"
	    "  -q, --quiet             no progress line and no summary on stderr\n"
	    "  -h, --help              this text\n"
	    "  -V, --version           version\n\n"
	    "Needs CAP_NET_RAW and CAP_NET_ADMIN: run as root or\n"
	    "  setcap cap_net_raw,cap_net_admin=eip ./gluescan\n"
	    "Exit status: 0 done, 1 runtime failure, 2 bad option, unreadable file or\n"
	    "damaged gzip, 130 (SIGINT) or 143 (SIGTERM) stopped, resume state written.\n",
	    GLUESCAN_HINTS, DEFAULT_PER_SERVER, DEFAULT_PORTS, DEFAULT_SHUFFLE, DEFAULT_RESUME);
}

static void __attribute__((noreturn))
bad_option(const char *fmt, const char *arg)
{
	fprintf(stderr, "gluescan: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see gluescan --help)\n");
	exit(EXIT_USAGE);
}

static unsigned long
number(const char *arg, const char *what, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v < lo || v > hi) {
		fprintf(stderr, "gluescan: %s '%s' must be a whole number from %lu to %lu\n",
		    what, arg, lo, hi);
		exit(EXIT_USAGE);
	}
	return v;
}

static void
parse_ports(const char *arg, struct options *o)
{
	char buf[32], *dash;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		bad_option("bad --source-port '%s'", arg);
	if ((dash = strchr(buf, '-')) != NULL)
		*dash = '\0';
	o->eng.port_lo = (uint16_t)number(buf, "--source-port", 1, 65535);
	o->eng.port_hi = dash ? (uint16_t)number(dash + 1, "--source-port", 1, 65535) : o->eng.port_lo;
	if (o->eng.port_hi < o->eng.port_lo)
		bad_option("--source-port '%s': the range is reversed", arg);
	o->ports_given = true;
}

static void
parse_window(const char *arg, struct options *o)
{
	o->window = strcmp(arg, "auto") == 0 ? WINDOW_AUTO :
	    (unsigned)number(arg, "--window", 1, 100000000);
}

/* 512M, 2G, 1048576 (bytes), 64K. */
static void
parse_memory(const char *arg, struct options *o)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end == 'T' || *end == 't')
		shift = 40;
	if (shift > 0)
		end++;
	if (errno != 0 || end == arg || arg[0] == '-' || *end != '\0' || v == 0 ||
	    v > (UINT64_MAX >> shift) || (v << shift) < (16ull << 20))
		bad_option("--max-memory '%s' must be a size of at least 16M, e.g. 512M or 2G", arg);
	o->max_memory = (uint64_t)v << shift;
}

static void
parse_shard(const char *arg, struct options *o)
{
	char buf[32], *slash;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf) || (slash = strchr(buf, '/')) == NULL)
		bad_option("--shard '%s' must be I/N, e.g. 2/8", arg);
	*slash = '\0';
	o->shards = (unsigned)number(slash + 1, "--shard N", 1, 1000000);
	o->shard = (unsigned)number(buf, "--shard I", 1, o->shards);
}

/* The shipped root hints: installed copy, else targets/ beside the binary. */
static const char *
default_hints(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (access(GLUESCAN_HINTS, R_OK) == 0)
		return GLUESCAN_HINTS;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if (snprintf(path, sizeof(path), "%s/targets/root.hints", exe) < (int)sizeof(path) &&
		    access(path, R_OK) == 0)
			return path;
	}
	return GLUESCAN_HINTS;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "parents", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'e' },
		{ "source-ip", required_argument, NULL, 'S' },
		{ "ipv6", required_argument, NULL, '6' },
		{ "source-ip6", required_argument, NULL, '7' },
		{ "source-port", required_argument, NULL, 'P' },
		{ "retries", required_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "wait", required_argument, NULL, 'W' },
		{ "window", required_argument, NULL, 'N' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "resume", required_argument, NULL, 'U' },
		{ "edns-size", required_argument, NULL, 'Z' },
		{ "pcap", required_argument, NULL, 'C' },
		{ "shard", required_argument, NULL, 'H' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "per-server", required_argument, NULL, 'B' },
		{ "server-rate", required_argument, NULL, 'K' },
		{ "parent-zone", required_argument, NULL, 'Y' },
		{ "parent-only", no_argument, NULL, 'O' },
		{ "shuffle", required_argument, NULL, 'F' },
		{ "seed", required_argument, NULL, 'D' },
		{ "stats", required_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct addr a;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:o:p:r:e:S:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->input = optarg; break;
		case 'o': o->output = optarg; break;
		case 'p': o->parents = optarg; break;
		case 'r': o->eng.rate = (double)number(optarg, "--rate", 1, 10000000); break;
		case 'e':
			if (strlcpy(o->eng.ifname, optarg, sizeof(o->eng.ifname)) >= sizeof(o->eng.ifname))
				bad_option("interface name '%s' is too long", optarg);
			break;
		case 'S':
			if (!addr_parse(optarg, &a) || a.family != AF_INET)
				bad_option("--source-ip '%s' is not an IPv4 address", optarg);
			o->eng.src = addr_v4(&a);
			break;
		case '6':
			if (strcmp(optarg, "auto") == 0)
				o->ipv6 = IPV6_AUTO;
			else if (strcmp(optarg, "on") == 0)
				o->ipv6 = IPV6_ON;
			else if (strcmp(optarg, "off") == 0)
				o->ipv6 = IPV6_OFF;
			else
				bad_option("--ipv6 '%s': auto, on or off", optarg);
			break;
		case '7':
			if (!addr_parse(optarg, &a) || a.family != AF_INET6)
				bad_option("--source-ip6 '%s' is not an IPv6 address", optarg);
			memcpy(o->eng.src6, a.bytes, 16);
			break;
		case 'P': parse_ports(optarg, o); break;
		case 'R': o->eng.retries = (unsigned)number(optarg, "--retries", 0, 20); break;
		case 'T': o->eng.timeout_ms = (unsigned)number(optarg, "--timeout", 1, 60000); break;
		case 'W': o->wait_s = (unsigned)number(optarg, "--wait", 0, 86400); break;
		case 'N': parse_window(optarg, o); break;
		case 'M': parse_memory(optarg, o); break;
		case 'U': o->resume = optarg; break;
		case 'C': o->pcap = optarg; break;
		case 'H': parse_shard(optarg, o); break;
		case 'X': o->exclude = optarg; break;
		case 'O': o->parent_only = true; break;
		case 'Y':
			if (o->nparent_zones == sizeof(o->parent_zones) / sizeof(o->parent_zones[0]))
				bad_option("too many --parent-zone files (at most 16; '%s')", optarg);
			o->parent_zones[o->nparent_zones++] = optarg;
			break;
		case 'B': o->eng.per_server = (double)number(optarg, "--per-server", 0, 10000000); break;
		case 'K': o->server_rate = optarg; break;
		case 'F': o->shuffle = (unsigned)number(optarg, "--shuffle", 1, 65536); break;
		case 'D':
			o->seed = number(optarg, "--seed", 0, ULONG_MAX);
			o->seed_given = true;
			break;
		case 'J': o->stats = optarg; break;
		case 'Z':
			o->eng.edns_size = (uint16_t)number(optarg, "--edns-size", 0, 65535);
			if (o->eng.edns_size > 0 && o->eng.edns_size < 512)
				bad_option("--edns-size '%s': 0 (no EDNS) or at least 512", optarg);
			break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("gluescan %s\n", GLUESCAN_VERSION); exit(0);
		case ':': bad_option("option '%s' needs a value", argv[optind - 1]); break;
		default: bad_option("unknown option '%s'", argv[optind - 1]); break;
		}
	}
	return optind;
}

/* A file the scan reads (input or configuration): readable, or a one-line message and exit 2. */
static FILE *
open_config(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	struct stat st;

	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		fprintf(stderr, "gluescan: cannot read %s%s: %s\n", what, path, strerror(errno));
		exit(EXIT_USAGE);
	}
	return f;
}

static void __attribute__((noreturn))
bad_config(const char *errbuf)
{
	fprintf(stderr, "gluescan: %s\n", errbuf);
	exit(EXIT_USAGE);
}

/* A configuration file, read through gzip when it is gzip (gzfile_open). */
static FILE *
open_gzconfig(const char *path, const char *what)
{
	char errbuf[512];
	FILE *f = gzfile_open(path, errbuf, sizeof(errbuf));

	if (f == NULL) {
		fprintf(stderr, "gluescan: cannot read %s%s\n", what, errbuf);
		exit(EXIT_USAGE);
	}
	return f;
}

/* A read that failed (a truncated or corrupt .gz) is said as such, not as a short file. */
static void
check_read(FILE *f, const char *path)
{
	const char *why = gzfile_error(f);

	if (!ferror(f))
		return;
	fprintf(stderr, "gluescan: %s: %s\n", path, why != NULL ? why : strerror(errno));
	exit(EXIT_USAGE);
}

/* Domains given as arguments are read like an input file from this buffer. */
static char *args_buf;
/* The input file, when one is named. */
static FILE *input_file;

static struct inputreader *
open_input(const struct options *o, int argc, char **argv, int first_arg)
{
	struct inputreader *in;

	if (first_arg < argc) {
		size_t len = 0;
		FILE *f;

		if (o->input != NULL)
			bad_option("give domains either as arguments or with -i, not both%s", "");
		if ((f = open_memstream(&args_buf, &len)) == NULL)
			err(1, "open_memstream");
		for (int i = first_arg; i < argc; i++)
			fprintf(f, "%s\n", argv[i]);
		fclose(f);
		in = inputreader_mem(args_buf, len);
	} else if (o->input == NULL || strcmp(o->input, "-") == 0) {
		in = inputreader_fd(STDIN_FILENO);
	} else {
		input_file = open_config(o->input, "");
		in = inputreader_fd(fileno(input_file));
	}
	if (in == NULL)
		err(1, "out of memory");
	return in;
}

static void
load_hints(const char *path, struct hints *h)
{
	char errbuf[512];
	FILE *f = open_gzconfig(path, "hints ");
	bool ok = hints_read(f, path, h, errbuf, sizeof(errbuf));

	check_read(f, path);
	if (!ok)
		bad_config(errbuf);
	fclose(f);
	if (!hints_first_server(h, NULL)) {
		fprintf(stderr, "gluescan: %s: no NS record with an IPv4 address, so no zone to start from\n", path);
		exit(EXIT_USAGE);
	}
}

/* The first IPv6 address of a server in the hints, else IPV6_PROBE_DST. */
static void
ipv6_probe_dst(const struct hints *h, uint8_t dst[16])
{
	struct addr a;

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].type == DNS_TYPE_AAAA) {
			memcpy(dst, h->v[i].addr.bytes, 16);
			return;
		}
	(void)addr_parse(IPV6_PROBE_DST, &a);
	memcpy(dst, a.bytes, 16);
}

/*
 * Whether the engine sends IPv6, and from where: one global or unique local
 * source on the interface the IPv4 queries leave by (one capture sees one
 * interface): --source-ip6, else the one of the route to the first IPv6
 * server of the hints (or a root server) when that route leaves there, else
 * the interface's first. Which addresses are then probed is the engine's
 * question, per address (engine_reaches6). --ipv6 on exits when there is no
 * such source; auto goes without IPv6.
 */
static void
setup_ipv6(struct options *o, const struct hints *h)
{
	char ifname[IF_NAMESIZE] = "", errbuf[256];
	uint8_t dst[16];
	static const uint8_t unset[16];

	if (o->ipv6 == IPV6_OFF)
		return;
	ipv6_probe_dst(h, dst);
	if (memcmp(o->eng.src6, unset, 16) == 0 &&
	    (!route_find6(dst, ifname, o->eng.src6, errbuf, sizeof(errbuf)) ||
	    strcmp(ifname, o->eng.ifname) != 0))
		memset(o->eng.src6, 0, 16);
	strlcpy(ifname, o->eng.ifname, sizeof(ifname));
	if (!route_find6(dst, ifname, o->eng.src6, errbuf, sizeof(errbuf))) {
		if (o->ipv6 == IPV6_ON)
			errx(1, "--ipv6 on: %s", errbuf);
		memset(o->eng.src6, 0, 16);
		return;
	}
	o->eng.ipv6 = true;
}

/* What the progress line and the closing reports need. */
struct progress {
	struct engine *engine;
	const struct inputreader *in;	/* how much of input_size is used, for the ETA */
	uint64_t t0, input_size;
	uint64_t lines_total;	/* known in advance: the delegations of whole zones */
	struct zonefile *const *zones;
	size_t nzones;
	bool tty;
};

static struct report_view
view(const struct progress *p, const struct scan_counts *c, const struct resume_state *at)
{
	/* Of a .gz input, the compressed bytes used: input_size is the file's. */
	struct report_view v = {
		.counts = c, .net = engine_stats(p->engine),
		.elapsed_s = (double)(engine_now_ns() - p->t0) / 1e9,
		.bytes_read = p->in != NULL ? inputreader_consumed(p->in) : at->offset,
		.bytes_total = p->input_size,
		.lines_total = p->lines_total, .zones = p->zones, .nzones = p->nzones,
	};

	return v;
}

static void
on_tick(void *ctx, const struct scan_counts *c, const struct resume_state *at)
{
	struct report_view v = view(ctx, c, at);

	report_progress(stderr, &v);
}

static void
write_stats(const char *path, const struct report_view *v)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		err(1, "cannot write %s", path);
	report_stats_json(f, v);
	if (fclose(f) == EOF)
		err(1, "writing %s", path);
}

/* The signal that asked for a stop, 0 before one came. */
static volatile sig_atomic_t stop_requested;

/* First signal: stop, flush, write the resume state. Second: leave at once. */
static void
on_signal(int sig)
{
	if (stop_requested != 0)
		_exit(EXIT_SIGNAL_BASE + sig);
	stop_requested = sig;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static struct exclude *
load_exclude(const char *path)
{
	char errbuf[512];
	struct exclude *x;
	FILE *f;

	if (path == NULL)
		return NULL;
	f = open_gzconfig(path, "");
	x = exclude_read(f, path, errbuf, sizeof(errbuf));
	check_read(f, path);
	if (x == NULL)
		bad_config(errbuf);
	fclose(f);
	return x;
}

/* A zone file's passes before the scan, on the progress line. */
static void
on_zone_progress(void *ctx, const char *path, unsigned pass, uint64_t lines)
{
	(void)ctx;
	fprintf(stderr, "\r\033[Kreading %s before the scan, pass %u: %llu lines", path, pass,
	    (unsigned long long)lines);
	fflush(stderr);
}

/* --per-server for every address, shaped by --server-rate, shared by the shards. */
static struct server_rates *
load_server_rates(const struct options *o)
{
	struct server_rates *r = server_rates_new(o->eng.per_server, o->shards);
	char errbuf[512];
	FILE *f;
	bool ok;

	if (o->server_rate != NULL) {
		f = open_gzconfig(o->server_rate, "");
		ok = server_rates_read(r, f, o->server_rate, errbuf, sizeof(errbuf));
		check_read(f, o->server_rate);
		if (!ok)
			bad_config(errbuf);
		fclose(f);
	}
	return r;
}

/*
 * The --parent-zone files: opened, then read once for their glue (and, when
 * children are probed, for the NS names under them). Lines that do not parse
 * are skipped and said in one line per file.
 */
static void
load_zonefiles(const struct options *o, struct zonefile **zones)
{
	char errbuf[512];

	bool tty = !o->quiet && isatty(STDERR_FILENO);

	for (unsigned i = 0; i < o->nparent_zones; i++) {
		if ((zones[i] = zonefile_open(o->parent_zones[i], errbuf, sizeof(errbuf))) == NULL)
			bad_config(errbuf);
		if (tty)
			zonefile_set_progress(zones[i], on_zone_progress, NULL);
	}
	if (!zonefile_index(zones, o->nparent_zones, !o->parent_only, errbuf, sizeof(errbuf)))
		bad_config(errbuf);
	if (tty)
		fputs("\r\033[K", stderr);
	for (unsigned i = 0; i < o->nparent_zones; i++) {
		const struct zonefile_stats *st = zonefile_stats(zones[i]);

		if (st->bad_lines > 0)
			fprintf(stderr, "gluescan: %s: %llu record line%s skipped that do%s not parse "
			    "(the first, line %llu: %s)\n", o->parent_zones[i],
			    (unsigned long long)st->bad_lines, st->bad_lines == 1 ? "" : "s",
			    st->bad_lines == 1 ? "es" : "", (unsigned long long)st->first_bad_line,
			    st->first_bad);
	}
}

static bool
any_streamed(struct zonefile **zones, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (zonefile_streamed(zones[i]))
			return true;
	return false;
}

/* Delegations this slice scans when the input is the zones themselves. */
static uint64_t
whole_zone_lines(const struct options *o, struct zonefile **zones)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < o->nparent_zones; i++)
		n += zonefile_stats(zones[i])->delegations;
	return n / o->shards + (n % o->shards >= o->shard);
}

static uint64_t
shard_id(const struct options *o)
{
	return (uint64_t)o->shard << 32 | o->shards;
}

/* The state a --resume FILE holds, refused when it belongs to another scan. */
static bool
load_resume(const char *path, uint64_t hints_hash, uint64_t shard, struct resume_state *st)
{
	char errbuf[512];
	int got = resume_load(path, st, errbuf, sizeof(errbuf));

	if (got < 0) {
		fprintf(stderr, "gluescan: %s\n", errbuf);
		exit(EXIT_USAGE);
	}
	if (got == 0)
		return false;
	if (st->hints_hash != hints_hash) {
		fprintf(stderr, "gluescan: %s was written for a scan with other --parents hints\n", path);
		exit(EXIT_USAGE);
	}
	if (st->shard != shard) {
		fprintf(stderr, "gluescan: %s was written for another --shard\n", path);
		exit(EXIT_USAGE);
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct options o = {
		.eng = { .rate = 2000, .per_server = DEFAULT_PER_SERVER, .retries = 2,
		    .timeout_ms = 1000, .edns_size = 1232,
		    .max_inflight = 0 },
		.window = WINDOW_AUTO, .wait_s = WAIT_AUTO, .shard = 1, .shards = 1, .shuffle = SHUFFLE_AUTO,
	};
	struct scan_options so = { .stop = &stop_requested };
	struct scan_counts counts;
	struct resume_state from = { 0 }, at = { 0 };
	struct engine *e;
	struct resolver *r;
	struct addr first;
	struct hints hints;
	struct pcapdump *dump = NULL;
	struct exclude *excl;
	struct server_rates *rates;
	struct zonefile *zones[16];
	struct progress prog;
	struct report_view final;
	char errbuf[512], gz_failed[PATH_MAX + 160] = "";
	const char *hints_path, *resume_path;
	bool need_priv, resuming = false;
	uint64_t t0 = engine_now_ns(), hints_hash, fixed;
	unsigned shuffle;
	enum scan_end end;
	int first_arg = parse_args(argc, argv, &o);

	hints_path = o.parents ? o.parents : default_hints();
	load_hints(hints_path, &hints);
	if (!resume_hash_file(hints_path, &hints_hash))
		errx(EXIT_USAGE, "cannot read hints %s", hints_path);
	if (o.resume != NULL && (resuming = load_resume(o.resume, hints_hash, shard_id(&o), &from))) {
		if (from.complete) {
			if (!o.quiet)
				fprintf(stderr, "gluescan: %s: that scan is complete, nothing left\n", o.resume);
			return 0;
		}
		so.resume_from = &from;
	}
	load_zonefiles(&o, zones);
	so.max_memory = o.max_memory != 0 ? o.max_memory : window_default_memory();
	/* A bound the fixed costs (zone glue, hints) already exceed would
	 * admit no domain ever: say so now rather than wait. */
	if ((fixed = window_resident_bytes()) >= so.max_memory) {
		fprintf(stderr, "gluescan: --max-memory %llu MiB is less than the %llu MiB the zone files "
		    "and hints already take; raise it\n", (unsigned long long)(so.max_memory >> 20),
		    (unsigned long long)(fixed >> 20));
		for (unsigned i = 0; i < o.nparent_zones; i++)
			zonefile_free(zones[i]);
		hints_free(&hints);
		resume_free(&from);
		return EXIT_USAGE;
	}
	so.zones = zones;
	so.nzones = o.nparent_zones;
	/* No list and no names: the zones' own delegations are the input. */
	so.whole_zones = o.nparent_zones > 0 && first_arg == argc && o.input == NULL;
	so.in = so.whole_zones ? NULL : open_input(&o, argc, argv, first_arg);
	so.out = stdout;
	/* A resumed scan adds to its output rather than overwrite what the first part wrote. */
	if (o.output != NULL && (so.out = fopen(o.output, resuming ? "a" : "w")) == NULL) {
		fprintf(stderr, "gluescan: cannot write %s: %s\n", o.output, strerror(errno));
		return EXIT_USAGE;
	}
	/* The scan flushes every few ms (scan.c); between flushes, one write
	 * of up to 64 KiB rather than one per 4 KiB: a 1M-domain scan writes
	 * 500 MB, and each write(2) to ext4 costs page zeroing of its own. */
	setvbuf(so.out, NULL, _IOFBF, OUTPUT_BUFFER);
	so.window = o.window;
	so.rate = o.eng.rate;
	so.exclude = excl = load_exclude(o.exclude);
	o.eng.rates = rates = load_server_rates(&o);
	so.shard = o.shard;
	so.parent_only = o.parent_only;
	shuffle = any_streamed(zones, o.nparent_zones) && !so.whole_zones ? LOOKUP_SHUFFLE :
	    DEFAULT_SHUFFLE;
	so.shuffle = o.shuffle != SHUFFLE_AUTO ? o.shuffle : (o.window < shuffle ? o.window : shuffle);
	so.seed = o.seed_given ? o.seed : (uint64_t)arc4random() << 32 | arc4random();
	so.shards = o.shards;
	so.wait_s = o.wait_s != WAIT_AUTO ? o.wait_s : (unsigned)(engine_tries_ms(&o.eng) / 1000) + 2;

	if (!o.ports_given)
		o.eng.port_count = DEFAULT_PORTS;
	(void)hints_first_server(&hints, &first);
	if (!route_find(addr_v4(&first), o.eng.ifname, &o.eng.src, errbuf, sizeof(errbuf)))
		errx(1, "%s", errbuf);
	setup_ipv6(&o, &hints);
	if ((e = engine_new(&o.eng, errbuf, sizeof(errbuf), &need_priv)) == NULL) {
		if (need_priv)
			errx(1, "raw packets need CAP_NET_RAW and CAP_NET_ADMIN: run as root or "
			    "'setcap cap_net_raw,cap_net_admin=eip %s'", argv[0]);
		errx(1, "%s", errbuf);
	}
	if (o.pcap != NULL) {
		if ((dump = pcapdump_open(o.pcap, errbuf, sizeof(errbuf))) == NULL)
			errx(EXIT_USAGE, "%s", errbuf);
		engine_set_dump(e, dump);
	}
	engine_set_exclude(e, excl);
	r = resolver_new(e);
	resolver_set_memory(r, so.max_memory);
	resolver_add_hints(r, &hints);
	hints_free(&hints);
	for (unsigned i = 0; i < o.nparent_zones; i++)
		resolver_add_zonefile(r, zones[i]);
	catch_signals();

	prog.engine = e;
	prog.t0 = t0;
	prog.in = so.in;
	prog.input_size = so.in != NULL ? inputreader_size(so.in) : 0;
	prog.lines_total = so.whole_zones ? whole_zone_lines(&o, zones) : 0;
	prog.zones = zones;
	prog.nzones = o.nparent_zones;
	prog.tty = !o.quiet && isatty(STDERR_FILENO);
	if (prog.tty) {
		so.tick = on_tick;
		so.tick_ctx = &prog;
	}
	end = scan_run(e, r, &so, &counts, &at);
	for (unsigned i = 0; end == SCAN_READ_ERROR && i < o.nparent_zones; i++)
		if (*zonefile_error(zones[i]) != '\0')
			errx(EXIT_USAGE, "%s", zonefile_error(zones[i]));
	if (end == SCAN_READ_ERROR && (so.in == NULL || inputreader_error(so.in) == NULL))
		err(1, "reading the input");
	/* A truncated or corrupt .gz: the lines before the failure are written,
	 * and a --resume FILE says where they end, so that the scan of the whole
	 * file, fetched again, goes on from there. */
	if (end == SCAN_READ_ERROR)
		snprintf(gz_failed, sizeof(gz_failed), "%s: %s (after %llu lines)",
		    o.input != NULL && strcmp(o.input, "-") != 0 ? o.input : "stdin",
		    inputreader_error(so.in), (unsigned long long)at.lines);
	if (end == SCAN_NOT_SAME_INPUT)
		errx(EXIT_USAGE, "%s: the input is not the one this resume file was written for",
		    o.resume);
	final = view(&prog, &counts, &at);
	final.caches = resolver_stats(r);
	if (prog.tty)
		fputc('\n', stderr);
	if (!o.quiet)
		report_summary(stderr, &final);
	if (o.stats != NULL)
		write_stats(o.stats, &final);
	if (!pcapdump_close(dump))
		errx(1, "writing %s failed", o.pcap);
	engine_set_dump(e, NULL);
	if (ferror(so.out) || fclose(so.out) == EOF)
		err(1, "writing the output");
	inputreader_free(so.in);
	if (input_file != NULL)
		fclose(input_file);
	free(args_buf);
	ndjson_release();
	suffix_release();
	exclude_free(excl);
	resolver_free(r);
	engine_free(e);
	server_rates_free(rates);
	for (unsigned i = 0; i < o.nparent_zones; i++)
		zonefile_free(zones[i]);

	at.hints_hash = hints_hash;
	at.shard = shard_id(&o);
	resume_path = o.resume ? o.resume : (end == SCAN_STOPPED ? DEFAULT_RESUME : NULL);
	if (resume_path != NULL && !resume_save(resume_path, &at))
		err(1, "writing the resume state to %s", resume_path);
	if (gz_failed[0] != '\0') {
		fprintf(stderr, "gluescan: %s\n", gz_failed);
		resume_free(&at);
		resume_free(&from);
		return EXIT_USAGE;
	}
	if (end == SCAN_STOPPED) {
		fprintf(stderr, "gluescan: interrupted after %llu input lines, %zu of them left "
		    "undecided; continue with --resume %s (and the same input)\n",
		    (unsigned long long)at.lines, at.npending, resume_path);
		resume_free(&at);
		resume_free(&from);
		return EXIT_SIGNAL_BASE + (stop_requested ? stop_requested : SIGINT);
	}
	resume_free(&at);
	resume_free(&from);
	return 0;
}
