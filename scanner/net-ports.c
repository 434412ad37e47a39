/* net-ports.c -- hold the source-port block with drop-everything UDP sockets. */
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

/* Start of the k-th candidate block of `count` ports: above the ephemeral
 * range first, then downwards from just below it; 0 when there is none. */
static uint16_t
candidate_block(uint16_t count, unsigned k)
{
	unsigned elo, ehi, above;

	ephemeral_range(&elo, &ehi);
	above = ehi < 65535 ? (65535 - ehi) / count : 0;
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

static int
hold_one(uint32_t src, uint16_t port)
{
	static struct sock_filter drop_all[] = { { BPF_RET | BPF_K, 0, 0, 0 } };
	struct sock_fprog prog = { 1, drop_all };
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), small = 1;

	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(src);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* With `whole`, a block with any port taken is given back at once and false returned. */
static bool
hold_block(struct portblock *pb, uint32_t src, uint16_t lo, uint16_t hi, bool whole,
    char *err, size_t errlen)
{
	size_t count = (size_t)hi - lo + 1;

	memset(pb, 0, sizeof(*pb));
	pb->lo = lo;
	pb->hi = hi;
	if (!raise_fd_limit(count + 64)) {
		snprintf(err, errlen, "cannot raise the open-file limit to %zu for %zu source ports "
		    "(ulimit -n, or a smaller --source-port range)", count + 64, count);
		return false;
	}
	pb->fds = calloc(count, sizeof(*pb->fds));
	pb->usable = calloc(count, sizeof(*pb->usable));
	if (pb->fds == NULL || pb->usable == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		uint16_t port = (uint16_t)(lo + i);

		pb->fds[i] = hold_one(src, port);
		if (pb->fds[i] != -1) {
			pb->usable[pb->nusable++] = port;
		} else if (whole) {
			/* fds after i were never opened */
			for (size_t j = i + 1; j < count; j++)
				pb->fds[j] = -1;
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
	return hold_block(pb, src, lo, hi, false, err, errlen);
}

bool
portblock_hold_free(struct portblock *pb, uint32_t src, uint16_t count, char *err, size_t errlen)
{
	uint16_t lo;

	for (unsigned k = 0; (lo = candidate_block(count, k)) != 0; k++)
		if (hold_block(pb, src, lo, (uint16_t)(lo + count - 1), true, err, errlen))
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
	free(pb->fds);
	free(pb->usable);
	memset(pb, 0, sizeof(*pb));
}
