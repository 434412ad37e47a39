/* test_timerq.c -- the timer ring: order of pushes, removal in place, growth and wrap-around. */
#include <criterion/criterion.h>

#include "timerq.h"

Test(timerq, first_is_the_oldest_left)
{
	struct timerq q;
	int v[3];
	uint32_t pos[3];

	timerq_init(&q);
	cr_assert_null(timerq_first(&q));
	for (int i = 0; i < 3; i++)
		pos[i] = timerq_push(&q, &v[i]);
	cr_assert_eq(timerq_first(&q), &v[0]);
	cr_assert_eq(timerq_behind_first(&q, 2), &v[2]);
	cr_assert_null(timerq_behind_first(&q, 3), "nothing behind the newest");
	/* an answer ends the middle one: the order of the others stands */
	timerq_remove(&q, pos[1]);
	cr_assert_eq(timerq_first(&q), &v[0]);
	cr_assert_null(timerq_behind_first(&q, 1), "a cleared cell");
	cr_assert_eq(timerq_span(&q), 3);
	timerq_remove(&q, pos[0]);
	/* the cleared middle is skipped at once */
	cr_assert_eq(timerq_first(&q), &v[2]);
	cr_assert_eq(timerq_span(&q), 1);
	timerq_remove(&q, pos[2]);
	cr_assert_null(timerq_first(&q));
	cr_assert_eq(timerq_span(&q), 0);
	timerq_free(&q);
}

/* 100,000 in flight, answered out of order, while the ring grows and its
 * positions wrap past 2^32. */
Test(timerq, grows_and_wraps_keeping_every_position)
{
	static int v[100000];
	static uint32_t pos[100000];
	struct timerq q;
	int next_oldest = 0;

	timerq_init(&q);
	q.head = q.tail = UINT32_MAX - 5000;	/* as after 4 billion questions */
	for (int i = 0; i < 100000; i++) {
		pos[i] = timerq_push(&q, &v[i]);
		/* every third one is answered at once */
		if (i % 3 == 1)
			timerq_remove(&q, pos[i]);
	}
	for (int i = 0; i < 100000; i++) {
		if (i % 3 == 1)
			continue;
		cr_assert_eq(timerq_first(&q), &v[i], "the oldest left is %d", i);
		timerq_remove(&q, pos[i]);
		next_oldest = i;
	}
	cr_assert_eq(next_oldest, 99999);
	cr_assert_null(timerq_first(&q));
	timerq_free(&q);
}
