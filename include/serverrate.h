/* serverrate.h -- the cap of each server address: --per-server, shaped by a --server-rate file, shared by shards. */
#ifndef GLUESCAN_SERVERRATE_H
#define GLUESCAN_SERVERRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The finest cap: one packet in 1000 seconds. */
#define SERVER_RATE_MIN 0.001
#define SERVER_RATE_MAX 10000000.0

struct server_rates;

/* Every address capped at dflt packets a second (0: no cap), each cap
 * shared by `shards` scans. */
struct server_rates *server_rates_new(double dflt, unsigned shards);
void server_rates_free(struct server_rates *r);
/*
 * Lines "CIDR PPS" (IPv4 or IPv6 block or address; PPS from 0.001 to 10^7,
 * 0: no cap), '#' comments, blank lines. The most specific block holding an
 * address gives its cap. On error false, with "name:line: reason" in err.
 */
bool server_rates_read(struct server_rates *r, FILE *f, const char *name, char *err, size_t errlen);
/* The cap of an IPv4 address (host order), of one shard; 0: none. */
double server_rate_v4(const struct server_rates *r, uint32_t addr);
/* The same for an IPv6 address (network order). */
double server_rate_v6(const struct server_rates *r, const uint8_t addr[16]);
/* One shard's part of a cap: cap / shards, rounded down to SERVER_RATE_MIN
 * but never below it, so shards together stay within the cap (0 stays 0). */
double server_rate_share(double cap, unsigned shards);

#endif
