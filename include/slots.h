/* slots.h -- the in-flight table: a question's slot is its source port and DNS ID together,
 * so an answer finds its question in one lookup and millions can be out at once. */
#ifndef GLUESCAN_SLOTS_H
#define GLUESCAN_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "cookie.h"
#include "dnsmsg.h"

/*
 * Slot number n names port ports[n >> 16] and DNS ID (n & 0xffff) ^ mask,
 * the mask a keyed hash of that port: a bijection between the numbers
 * below nports * 65536 and the (port, ID) pairs of the block. Numbers are
 * drawn at random, so neither the port nor the ID of a question tells a
 * forger anything of the others'.
 */

/* Embedded in whatever is in flight: where it went and what its answer must echo. */
struct slot {
	uint32_t number;
	uint32_t server;		/* IPv4, host order */
	uint16_t port, id;
	uint16_t qtype;
};

struct slot_table;

/* The source ports held (nports from 1 to 65535); the masks come from key. */
struct slot_table *slot_table_new(const uint16_t *ports, size_t nports, const struct cookie_key *key);
void slot_table_free(struct slot_table *t);
/* nports * 65536: the most questions the table can hold at once. */
size_t slot_capacity(const struct slot_table *t);
size_t slot_used(const struct slot_table *t);

/* A free number for s, at random; sets s->number, port and id. False when all are taken.
 * Memory grows with the slots in use, not with the capacity. */
bool slot_take(struct slot_table *t, struct slot *s);
void slot_release(struct slot_table *t, struct slot *s);
/* The slot in use that an answer to our port with this ID names, or NULL. */
struct slot *slot_find(const struct slot_table *t, uint16_t port, uint16_t id);

/* Start fetching the cell slot_find(t, port, id) will read: with 100,000
 * questions in flight the table is far larger than the cache. */
void slot_prefetch(const struct slot_table *t, uint16_t port, uint16_t id);

/* The mapping alone: number to port and ID, and back (false: not a port of the table). */
void slot_port_id(const struct slot_table *t, uint32_t number, uint16_t *port, uint16_t *id);
bool slot_number(const struct slot_table *t, uint16_t port, uint16_t id, uint32_t *number);

/* The answer is s's: from its server to its port with its ID, a response, the question
 * name byte for byte as sent (0x20 case), its type, class IN (SPEC 6). */
bool slot_answer_matches(const struct slot *s, const uint8_t *sent_name, size_t name_len,
    const struct udp_packet *p, const struct dns_response *r);

#endif
