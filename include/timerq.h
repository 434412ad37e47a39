/* timerq.h -- questions in the order they were sent, each one removable in place. */
#ifndef GLUESCAN_TIMERQ_H
#define GLUESCAN_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every question of one timer list waits as long, so the list is in the
 * order of sending and its first entry times out first. A ring of pointers
 * instead of a linked list: an answer that ends a question clears its cell
 * and touches no neighbour. Against late servers the neighbours of a
 * question sent 20-300 ms ago are cold, two misses per answer (and their
 * lines written back), while its cell sits in the last second of sends.
 * Cleared cells are skipped when they reach the front; the ring holds the
 * span from the oldest question in the list to the newest, which is what
 * was sent within one timeout.
 */
struct timerq {
	void **cells;
	uint32_t mask;		/* capacity - 1; capacity a power of two */
	uint32_t head, tail;	/* positions: they wrap, only their difference counts */
};

void timerq_init(struct timerq *q);
void timerq_free(struct timerq *q);
/* Append p (never NULL); its position, for timerq_remove. */
uint32_t timerq_push(struct timerq *q, void *p);
/* Take out what timerq_push(…) = pos appended, wherever it is. */
void timerq_remove(struct timerq *q, uint32_t pos);
/* The oldest entry still in, or NULL. */
void *timerq_first(const struct timerq *q);
/* The entry k places behind the oldest (NULL: cleared, or none there). */
void *timerq_behind_first(const struct timerq *q, uint32_t k);
/* Start fetching the cell timerq_remove(q, pos) will clear. */
void timerq_prefetch(const struct timerq *q, uint32_t pos);
/* Positions between the oldest and the newest, cleared cells included. */
size_t timerq_span(const struct timerq *q);

#endif
