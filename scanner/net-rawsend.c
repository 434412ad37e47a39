/* net-rawsend.c -- libnet RAW4 sender; the UDP and IPv4 headers are built once and patched. */
#include <errno.h>
#include <libnet.h>
#include <stdlib.h>
#include <string.h>

#include "rawsend.h"
#include "randpool.h"

struct rawsend {
	libnet_t *l;
	uint32_t src;		/* network order, as libnet wants it */
	libnet_ptag_t udp, ip;
};

struct rawsend *
rawsend_open(const char *ifname, uint32_t src, char *err, size_t errlen, bool *need_privilege)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct rawsend *s = calloc(1, sizeof(*s));

	*need_privilege = false;
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	errno = 0;
	s->l = libnet_init(LIBNET_RAW4, ifname, ebuf);
	if (s->l == NULL) {
		*need_privilege = errno == EPERM || errno == EACCES ||
		    strstr(ebuf, "not permitted") != NULL;
		ebuf[strcspn(ebuf, "\n")] = '\0';
		snprintf(err, errlen, "libnet: %s", ebuf);
		free(s);
		return NULL;
	}
	s->src = htonl(src);
	return s;
}

bool
rawsend_udp(struct rawsend *s, uint32_t dst, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len)
{
	uint16_t udp_len = (uint16_t)(LIBNET_UDP_H + len);

	s->udp = libnet_build_udp(sport, dport, udp_len, 0, payload, (uint32_t)len, s->l, s->udp);
	if (s->udp == -1)
		return false;
	s->ip = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + udp_len), 0,
	    (uint16_t)randpool_u64(), 0, 64, IPPROTO_UDP, 0, s->src, htonl(dst),
	    NULL, 0, s->l, s->ip);
	if (s->ip == -1)
		return false;
	return libnet_write(s->l) != -1;
}

const char *
rawsend_error(struct rawsend *s)
{
	return libnet_geterror(s->l);
}

void
rawsend_close(struct rawsend *s)
{
	if (s != NULL) {
		libnet_destroy(s->l);
		free(s);
	}
}
