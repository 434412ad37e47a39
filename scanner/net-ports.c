/* net-ports.c -- hold the source-port block with drop-everything UDP sockets, on the IPv4 and the IPv6 source. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portblock.h"

/* The kernel's ephemeral range: ports it may hand to other programs' sockets. */
static void
ephemeral_range(unsigned *elo, unsigned *ehi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	*elo = 32768;
	*ehi = 60999;
	if (f != NULL) {
		if (fscanf(f, "%u %u", elo, ehi) != 2) {
			*elo = 32768;
			*ehi = 60999;
		}
		fclose(f);
	}
}

/* Start of the k-th candidate block of `count` ports, given the ephemeral
 * range [elo, ehi]: above it first, then downwards from just below it; 0
 * when there is none. */
static uint16_t
candidate_block(unsigned elo, unsigned ehi, uint16_t count, unsigned k)
{
	unsigned above = ehi < 65535 ? (65535 - ehi) / count : 0;

	if (k < above)
		return (uint16_t)(ehi + 1 + k * count);
	k -= above;
	if (elo >= 1024 + (k + 1) * (unsigned)count)
		return (uint16_t)(elo - (k + 1) * count);
	return 0;
}

static bool
raise_fd_limit(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return false;
	if (rl.rlim_cur >= need)
		return true;
	rl.rlim_cur = need <= rl.rlim_max ? need : rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= need;
}

/* A UDP socket bound to addr (port set) that keeps nothing it receives. */
static int
hold_one(const struct sockaddr *addr, socklen_t addrlen)
{
	static struct sock_filter drop_all[] = { { BPF_RET | BPF_K, 0, 0, 0 } };
	struct sock_fprog prog = { 1, drop_all };
	int fd = socket(addr->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), small = 1, one = 1;

	if (fd == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) == -1 ||
	    (addr->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, addr, addrlen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
hold_v4(uint32_t src, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(src);
	return hold_one((struct sockaddr *)&sin, sizeof(sin));
}

static int
hold_v6(const uint8_t src6[16], uint16_t port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	memcpy(&sin6.sin6_addr, src6, 16);
	return hold_one((struct sockaddr *)&sin6, sizeof(sin6));
}

/* Hold port on both sources (src6 NULL: IPv4 only); false, holding nothing, if either is taken. */
static bool
hold_port(struct portblock *pb, size_t i, uint32_t src, const uint8_t *src6, uint16_t port)
{
	pb->fds[i] = hold_v4(src, port);
	if (pb->fds6 == NULL)
		return pb->fds[i] != -1;
	pb->fds6[i] = pb->fds[i] == -1 ? -1 : hold_v6(src6, port);
	if (pb->fds6[i] == -1 && pb->fds[i] != -1) {
		close(pb->fds[i]);
		pb->fds[i] = -1;
	}
	return pb->fds6[i] != -1;
}

/* With `whole`, a block with any port taken is given back at once and false returned. */
static bool
hold_block(struct portblock *pb, uint32_t src, const uint8_t *src6, uint16_t lo, uint16_t hi,
    bool whole, char *err, size_t errlen)
{
	size_t count = (size_t)hi - lo + 1, families = src6 != NULL ? 2 : 1;

	memset(pb, 0, sizeof(*pb));
	pb->lo = lo;
	pb->hi = hi;
	if (!raise_fd_limit(families * count + 64)) {
		snprintf(err, errlen, "cannot raise the open-file limit to %zu for %zu source ports "
		    "(ulimit -n, or a smaller --source-port range)", families * count + 64, count);
		return false;
	}
	pb->fds = calloc(count, sizeof(*pb->fds));
	pb->usable = calloc(count, sizeof(*pb->usable));
	if (src6 != NULL)
		pb->fds6 = calloc(count, sizeof(*pb->fds6));
	if (pb->fds == NULL || pb->usable == NULL || (src6 != NULL && pb->fds6 == NULL)) {
		free(pb->fds);
		free(pb->fds6);
		free(pb->usable);
		memset(pb, 0, sizeof(*pb));
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		uint16_t port = (uint16_t)(lo + i);

		if (hold_port(pb, i, src, src6, port)) {
			pb->usable[pb->nusable++] = port;
		} else if (whole) {
			/* fds after i were never opened */
			for (size_t j = i + 1; j < count; j++) {
				pb->fds[j] = -1;
				if (pb->fds6 != NULL)
					pb->fds6[j] = -1;
			}
			portblock_release(pb);
			snprintf(err, errlen, "port %u is taken", port);
			return false;
		}
	}
	if (pb->nusable == 0) {
		snprintf(err, errlen, "no free source port in %u-%u", lo, hi);
		return false;
	}
	return true;
}

bool
portblock_hold(struct portblock *pb, uint32_t src, uint16_t lo, uint16_t hi,
    char *err, size_t errlen)
{
	return hold_block(pb, src, NULL, lo, hi, false, err, errlen);
}

bool
portblock_hold_dual(struct portblock *pb, uint32_t src, const uint8_t *src6, uint16_t lo,
    uint16_t hi, char *err, size_t errlen)
{
	return hold_block(pb, src, src6, lo, hi, false, err, errlen);
}

bool
portblock_hold_free(struct portblock *pb, uint32_t src, uint16_t count, char *err, size_t errlen)
{
	return portblock_hold_free_dual(pb, src, NULL, count, err, errlen);
}

bool
portblock_hold_free_dual(struct portblock *pb, uint32_t src, const uint8_t *src6, uint16_t count,
    char *err, size_t errlen)
{
	uint16_t lo;
	unsigned elo, ehi;

	ephemeral_range(&elo, &ehi);
	for (unsigned k = 0; (lo = candidate_block(elo, ehi, count, k)) != 0; k++)
		if (hold_block(pb, src, src6, lo, (uint16_t)(lo + count - 1), true, err, errlen))
			return true;
	snprintf(err, errlen, "no block of %u free source ports (other scans hold them all?); "
	    "give one with --source-port", count);
	return false;
}

void
portblock_release(struct portblock *pb)
{
	size_t count = (size_t)pb->hi - pb->lo + 1;

	for (size_t i = 0; pb->fds != NULL && i < count; i++)
		if (pb->fds[i] != -1)
			close(pb->fds[i]);
	for (size_t i = 0; pb->fds6 != NULL && i < count; i++)
		if (pb->fds6[i] != -1)
			close(pb->fds6[i]);
	free(pb->fds);
	free(pb->fds6);
	free(pb->usable);
	memset(pb, 0, sizeof(*pb));
}
