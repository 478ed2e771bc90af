// SPDX-License-Identifier: GPL-2.0-only
/* The page-marker helper: empty pages, whole and partial writes, pages
 * filled out of order, in-order taking, and a producer thread. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbuff/pagemark.h>

#define PAGE 4096
#define NPAGES 8

static uint64_t mem[NPAGES * PAGE / 8];

static void fill_page(unsigned int i, unsigned char byte)
{
	memset((unsigned char *)mem + (size_t)i * PAGE, byte, PAGE);
}

Test(pagemark, init_refuses_bad_geometry)
{
	struct mbuff_pagemark pm;

	cr_assert_eq(mbuff_pagemark_init(&pm, mem, 32, 4), -1);
	cr_assert_eq(mbuff_pagemark_init(&pm, mem, 100, 4), -1);
	cr_assert_eq(mbuff_pagemark_init(&pm, (char *)mem + 4, PAGE, 4), -1);
	cr_assert_eq(mbuff_pagemark_init(&pm, mem, PAGE, NPAGES), 0);
}

Test(pagemark, empty_pages_are_not_taken)
{
	struct mbuff_pagemark pm;

	mbuff_pagemark_init(&pm, mem, PAGE, NPAGES);
	for (unsigned int i = 0; i < NPAGES; i++)
		cr_assert_not(mbuff_pagemark_full(&pm, i), "page %u", i);
	cr_assert_eq(mbuff_pagemark_next(&pm), -1);
	cr_assert_eq(mbuff_pagemark_find(&pm), -1);
}

Test(pagemark, partial_writes_are_not_taken)
{
	struct mbuff_pagemark pm;
	unsigned char *p = (unsigned char *)mem;

	mbuff_pagemark_init(&pm, mem, PAGE, NPAGES);
	memset(p, 0x11, PAGE / 2);			/* head only */
	cr_assert_not(mbuff_pagemark_full(&pm, 0));
	memset(p + 2 * PAGE + PAGE / 2, 0x22, PAGE / 2);	/* tail only */
	cr_assert_not(mbuff_pagemark_full(&pm, 2));
	memset(p + PAGE + 8, 0x33, PAGE - 16);		/* all but the last word */
	cr_assert_not(mbuff_pagemark_full(&pm, 1),
		      "the last word decides, whatever else of the tail is gone");
	memset(p + 3 * PAGE, 0x44, PAGE - 8);
	cr_assert_not(mbuff_pagemark_full(&pm, 3), "the same, head included");
	memset(p + 4 * PAGE, 0x55, 8);			/* one word of the head */
	memset(p + 5 * PAGE - 8, 0x55, 8);		/* and the last word */
	cr_assert(mbuff_pagemark_full(&pm, 4),
		  "one word of the head and the last word are enough");
}

Test(pagemark, out_of_order)
{
	static const unsigned int order[] = { 5, 2, 7, 0, 3 };
	struct mbuff_pagemark pm;

	mbuff_pagemark_init(&pm, mem, PAGE, NPAGES);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		long i;

		fill_page(order[k], (unsigned char)(0x40 + k));
		i = mbuff_pagemark_find(&pm);
		cr_assert_eq(i, order[k], "found %ld after filling %u", i, order[k]);
		cr_assert_eq(((unsigned char *)mem)[i * PAGE + 100], 0x40 + k);
		mbuff_pagemark_done(&pm, (uint32_t)i);
		cr_assert_not(mbuff_pagemark_full(&pm, (uint32_t)i),
			      "marked empty again");
	}
	cr_assert_eq(mbuff_pagemark_find(&pm), -1);
}

Test(pagemark, in_order_waits_for_the_next_page)
{
	struct mbuff_pagemark pm;

	mbuff_pagemark_init(&pm, mem, PAGE, NPAGES);
	fill_page(1, 0xaa);
	cr_assert_eq(mbuff_pagemark_next(&pm), -1, "page 0 is not full yet");
	fill_page(0, 0xbb);
	cr_assert_eq(mbuff_pagemark_next(&pm), 0);
	mbuff_pagemark_done(&pm, 0);
	cr_assert_eq(mbuff_pagemark_next(&pm), 1);
	mbuff_pagemark_done(&pm, 1);
	cr_assert_eq(pm.next, 2);
	for (unsigned int i = 2; i < NPAGES; i++) {
		fill_page(i, 0xcc);
		cr_assert_eq(mbuff_pagemark_next(&pm), i);
		mbuff_pagemark_done(&pm, i);
	}
	cr_assert_eq(pm.next, 0, "wraps to page 0");
}

Test(pagemark, empty_only_when_given_back)
{
	struct mbuff_pagemark pm;
	unsigned char *p = (unsigned char *)mem + PAGE;
	uint64_t *h = (uint64_t *)p, *t = (uint64_t *)(p + PAGE - 16);

	mbuff_pagemark_init(&pm, mem, PAGE, NPAGES);
	cr_assert(mbuff_pagemark_is_empty(&pm, 1), "marked by init");
	memset(p, 0x44, PAGE / 2);			/* half written */
	cr_assert_not(mbuff_pagemark_is_empty(&pm, 1));
	cr_assert_not(mbuff_pagemark_full(&pm, 1));
	fill_page(1, 0x55);				/* written whole */
	cr_assert_not(mbuff_pagemark_is_empty(&pm, 1));
	cr_assert(mbuff_pagemark_full(&pm, 1));
	/* Being marked empty: the head and one tail word, not the last. */
	h[0] = MBUFF_PAGEMARK_MAGIC0;
	h[1] = MBUFF_PAGEMARK_MAGIC1;
	t[0] = MBUFF_PAGEMARK_MAGIC0;
	cr_assert_not(mbuff_pagemark_full(&pm, 1), "no longer full");
	cr_assert_not(mbuff_pagemark_is_empty(&pm, 1), "and not empty yet");
	t[1] = MBUFF_PAGEMARK_MAGIC1;
	cr_assert(mbuff_pagemark_is_empty(&pm, 1));
	fill_page(1, 0x66);
	mbuff_pagemark_done(&pm, 1);
	cr_assert(mbuff_pagemark_is_empty(&pm, 1), "given back by done()");
}

static struct mbuff_pagemark shared_pm;

static void *producer(void *arg)
{
	unsigned int rounds = *(unsigned int *)arg;

	for (unsigned int n = 0; n < rounds; n++) {
		unsigned int i = n % NPAGES;
		unsigned char *p = (unsigned char *)mem + (size_t)i * PAGE;
		uint32_t seq = n;

		/*
		 * Wait until the consumer gave the page back: marked empty,
		 * not merely "not full", which a page is while being marked.
		 */
		while (!mbuff_pagemark_is_empty(&shared_pm, i))
			usleep(10);
		memcpy(p + 16, &seq, sizeof(seq));
		memset(p + 20, (unsigned char)n, PAGE - 28);
		/* The head last but one, the last word last. */
		__atomic_store_n((uint64_t *)p, (uint64_t)n + 1, __ATOMIC_RELEASE);
		__atomic_store_n((uint64_t *)(p + PAGE - 8), (uint64_t)n + 1,
				 __ATOMIC_RELEASE);
	}
	return NULL;
}

Test(pagemark, producer_thread)
{
	unsigned int rounds = 20000, got = 0;
	pthread_t t;

	mbuff_pagemark_init(&shared_pm, mem, PAGE, NPAGES);
	pthread_create(&t, NULL, producer, &rounds);
	while (got < rounds) {
		long i = mbuff_pagemark_next(&shared_pm);
		unsigned char *p;
		uint32_t seq;

		if (i < 0)
			continue;
		p = (unsigned char *)mem + i * PAGE;
		memcpy(&seq, p + 16, sizeof(seq));
		cr_assert_eq(seq, got, "page %ld holds %u, wanted %u", i, seq, got);
		cr_assert_eq(p[PAGE - 9], (unsigned char)got);
		mbuff_pagemark_done(&shared_pm, (uint32_t)i);
		got++;
	}
	pthread_join(t, NULL);
}
