/* engine-timerq.c -- a ring of pointers in the order of their pushes; an entry is removed by clearing its cell. */
#include <err.h>
#include <stdlib.h>

#include "timerq.h"

#define CELLS_MIN 1024

void
timerq_init(struct timerq *q)
{
	*q = (struct timerq){ 0 };
}

void
timerq_free(struct timerq *q)
{
	free(q->cells);
	timerq_init(q);
}

size_t
timerq_span(const struct timerq *q)
{
	return (uint32_t)(q->tail - q->head);
}

/* Twice the room; every position keeps naming its entry. */
static void
grow(struct timerq *q)
{
	size_t cap = q->cells == NULL ? CELLS_MIN : ((size_t)q->mask + 1) * 2;
	void **cells;

	if (cap > (size_t)1 << 31)
		errx(1, "more than 2^31 questions waiting for their timeout");
	if ((cells = reallocarray(NULL, cap, sizeof(*cells))) == NULL)
		err(1, "out of memory");
	for (uint32_t pos = q->head; pos != q->tail; pos++)
		cells[pos & (cap - 1)] = q->cells[pos & q->mask];
	free(q->cells);
	q->cells = cells;
	q->mask = (uint32_t)(cap - 1);
}

uint32_t
timerq_push(struct timerq *q, void *p)
{
	uint32_t pos = q->tail;

	if (q->cells == NULL || timerq_span(q) == (size_t)q->mask + 1)
		grow(q);
	q->cells[pos & q->mask] = p;
	q->tail = pos + 1;
	return pos;
}

void
timerq_remove(struct timerq *q, uint32_t pos)
{
	q->cells[pos & q->mask] = NULL;
	/* The front advances at once past what is cleared there: what times out
	 * in order is removed in order. */
	while (q->head != q->tail && q->cells[q->head & q->mask] == NULL)
		q->head++;
}

void *
timerq_first(const struct timerq *q)
{
	return q->head == q->tail ? NULL : q->cells[q->head & q->mask];
}

void *
timerq_behind_first(const struct timerq *q, uint32_t k)
{
	return k < timerq_span(q) ? q->cells[(q->head + k) & q->mask] : NULL;
}

void
timerq_prefetch(const struct timerq *q, uint32_t pos)
{
	__builtin_prefetch(&q->cells[pos & q->mask], 1);
}
