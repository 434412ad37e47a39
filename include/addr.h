/* addr.h -- an IPv4 or IPv6 address as data: compared, hashed, printed. */
#ifndef GLUESCAN_ADDR_H
#define GLUESCAN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Big enough for INET6_ADDRSTRLEN without pulling in <netinet/in.h>. */
#define ADDR_TEXT_MAX 46

struct addr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 uses the first 4 */
};

void addr_from_v4(struct addr *a, const uint8_t bytes[4]);
void addr_from_v6(struct addr *a, const uint8_t bytes[16]);
bool addr_parse(const char *text, struct addr *out);
/* Canonical text (inet_ntop); buf must hold ADDR_TEXT_MAX bytes. */
const char *addr_text(const struct addr *a, char buf[ADDR_TEXT_MAX]);
bool addr_equal(const struct addr *a, const struct addr *b);
uint32_t addr_v4(const struct addr *a);	/* host order; family must be AF_INET */

/* Append a to the set (array of *n, capacity cap) unless present; false when full. */
bool addr_set_add(struct addr *set, size_t *n, size_t cap, const struct addr *a);
bool addr_set_has(const struct addr *set, size_t n, const struct addr *a);

#endif
