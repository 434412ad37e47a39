/* net-route.c -- ask the kernel which source address reaches a server, then which interface has it (IPv4, IPv6). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "route.h"

/* A connected UDP socket sends nothing but makes the kernel pick the route. */
static bool
source_for(uint32_t dst, uint32_t *src)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	if (fd == -1)
		return false;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(dst);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0;
	close(fd);
	if (ok)
		*src = ntohl(sin.sin_addr.s_addr);
	return ok;
}

bool
route_find(uint32_t dst, char ifname[IF_NAMESIZE], uint32_t *src, char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (*src == 0 && ifname[0] == '\0' && !source_for(dst, src)) {
		snprintf(err, errlen, "no route to the first server; give -e and -S");
		return false;
	}
	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "cannot list interfaces");
		return false;
	}
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		uint32_t a;

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		if (*src != 0 && ifname[0] == '\0' && a == *src) {
			strlcpy(ifname, i->ifa_name, IF_NAMESIZE);
			found = true;
		} else if (*src == 0 && strcmp(ifname, i->ifa_name) == 0) {
			*src = a;
			found = true;
		} else if (*src != 0 && ifname[0] != '\0') {
			found = true;
		}
	}
	freeifaddrs(ifa);
	if (!found)
		snprintf(err, errlen, *src == 0 ? "interface %s has no IPv4 address" :
		    "no interface has the source address; give -e", ifname);
	return found;
}

bool
route_usable6(const uint8_t a[16])
{
	return (a[0] & 0xe0) == 0x20 || (a[0] & 0xfe) == 0xfc;
}

static bool
source_for6(const uint8_t dst[16], uint8_t src[16])
{
	struct sockaddr_in6 sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	bool ok;

	if (fd == -1)
		return false;
	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_port = htons(53);
	memcpy(&sin.sin6_addr, dst, 16);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0;
	close(fd);
	if (ok)
		memcpy(src, &sin.sin6_addr, 16);
	return ok;
}

static bool
unspecified6(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

bool
route_find6(const uint8_t dst[16], char ifname[IF_NAMESIZE], uint8_t src[16], char *err,
    size_t errlen)
{
	struct ifaddrs *ifa, *i;
	bool want_src = unspecified6(src), found = false;
	char text[INET6_ADDRSTRLEN];

	if (want_src && ifname[0] == '\0' && !source_for6(dst, src)) {
		snprintf(err, errlen, "no IPv6 route to %s; give --source-ip6",
		    inet_ntop(AF_INET6, dst, text, sizeof(text)));
		return false;
	}
	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "cannot list interfaces");
		return false;
	}
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		const uint8_t *a;

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6)
			continue;
		a = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
		if (!route_usable6(a))
			continue;
		if (!unspecified6(src) && memcmp(a, src, 16) == 0 &&
		    (ifname[0] == '\0' || strcmp(ifname, i->ifa_name) == 0)) {
			strlcpy(ifname, i->ifa_name, IF_NAMESIZE);
			found = true;
		} else if (unspecified6(src) && strcmp(ifname, i->ifa_name) == 0) {
			memcpy(src, a, 16);
			found = true;
		}
	}
	freeifaddrs(ifa);
	if (!found && want_src && ifname[0] != '\0')
		snprintf(err, errlen, "interface %s has no global or unique local IPv6 address", ifname);
	else if (!found)
		snprintf(err, errlen, "IPv6 source %s is not a global or unique local address of %s",
		    inet_ntop(AF_INET6, src, text, sizeof(text)),
		    ifname[0] != '\0' ? ifname : "any interface");
	return found;
}

/* Answers kept, direct-mapped by a hash of the address. */
#define ROUTE6_CACHE 4096

struct route6_seen {
	uint8_t addr[16];
	bool known, reaches;
};

struct route6 {
	int fd;				/* a UDP socket, connected to each address asked */
	uint8_t (*src)[16];		/* the interface's usable addresses */
	size_t nsrc;
	struct route6_seen seen[ROUTE6_CACHE];
};

struct route6 *
route6_new(const char *ifname, char *err, size_t errlen)
{
	struct route6 *r = calloc(1, sizeof(*r));
	struct ifaddrs *ifa, *i;
	size_t cap = 0;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->fd = -1;
	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "cannot list interfaces");
		goto fail;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const uint8_t *a;

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(i->ifa_name, ifname) != 0)
			continue;
		a = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
		if (!route_usable6(a))
			continue;
		if (r->nsrc == cap) {
			uint8_t (*more)[16] = reallocarray(r->src, cap ? cap * 2 : 8, 16);

			if (more == NULL) {
				snprintf(err, errlen, "out of memory");
				freeifaddrs(ifa);
				goto fail;
			}
			r->src = more;
			cap = cap ? cap * 2 : 8;
		}
		memcpy(r->src[r->nsrc++], a, 16);
	}
	freeifaddrs(ifa);
	if (r->nsrc == 0) {
		snprintf(err, errlen, "interface %s has no global or unique local IPv6 address", ifname);
		goto fail;
	}
	if ((r->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "IPv6 socket: %s", strerror(errno));
		goto fail;
	}
	return r;
fail:
	route6_free(r);
	return NULL;
}

void
route6_free(struct route6 *r)
{
	if (r == NULL)
		return;
	if (r->fd != -1)
		close(r->fd);
	free(r->src);
	free(r);
}

/* Connecting sends nothing: the kernel picks the route and the source, or
 * says there is none (unreachable, blackhole and prohibit routes too). */
static bool
ask_kernel(struct route6 *r, const uint8_t dst[16])
{
	struct sockaddr_in6 sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_port = htons(53);
	memcpy(&sin.sin6_addr, dst, 16);
	if (connect(r->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(r->fd, (struct sockaddr *)&sin, &len) != 0)
		return false;
	for (size_t i = 0; i < r->nsrc; i++)
		if (memcmp(r->src[i], &sin.sin6_addr, 16) == 0)
			return true;
	return false;
}

bool
route6_reaches(struct route6 *r, const uint8_t dst[16])
{
	uint64_t hi, lo;
	struct route6_seen *s;

	memcpy(&hi, dst, 8);
	memcpy(&lo, dst + 8, 8);
	s = &r->seen[((hi ^ lo * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull) >> 52];
	if (!s->known || memcmp(s->addr, dst, 16) != 0) {
		memcpy(s->addr, dst, 16);
		s->known = true;
		s->reaches = ask_kernel(r, dst);
	}
	return s->reaches;
}
