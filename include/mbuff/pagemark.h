/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Page markers: finding the pages a device has filled by DMA when it
 * gives no byte counter.  Every empty page carries a 16-byte magic at its
 * start and at its end; a producer that writes a whole page overwrites
 * both, and the consumer takes a page once its last 8 bytes and its head
 * marker are overwritten, then marks it empty again.  Pages may be filled
 * in any order.
 *
 * The scheme assumes the producer writes each page whole and its last
 * 8 bytes last: they say the page is complete, whatever else of the end
 * marker is already gone.  Sequential DMA does that; a CPU producer
 * stores the last 8 bytes with release semantics, since memcpy() promises
 * no order.  A page whose payload begins with the 16-byte head magic or
 * ends with the 8 bytes of MBUFF_PAGEMARK_MAGIC1 is not taken, so a
 * producer that can emit such data must not use markers.
 *
 * The markers are written by a device or another process, possibly one
 * the reader does not trust (the kernel reading pages a process fills):
 * each marker word is read once (mbuff_pm_read_once(), or the acquire
 * load of the last word) into a local, and only the local is compared.
 * Where the words are depends on the view alone (@base, @page_size, the
 * page's index), never on anything read from the pages.
 *
 * This file compiles unchanged in the kernel and in user space; only the
 * barrier and read-once macros differ.
 */
#ifndef _MBUFF_PAGEMARK_H
#define _MBUFF_PAGEMARK_H

#include <linux/types.h>

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <asm/barrier.h>
/* Pairs are named at each use. */
#define mbuff_pm_load_acquire(p)	smp_load_acquire(p)	/* see uses */
#define mbuff_pm_store_release(p, v)	smp_store_release(p, v)	/* see uses */
#define mbuff_pm_read_once(p)		READ_ONCE(*(p))		/* no barrier */
#else
#define mbuff_pm_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define mbuff_pm_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define mbuff_pm_read_once(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#endif

/* "MBUFF_STATIC inline": static inline, or exported: see <mbuff/ring.h>. */
#ifndef MBUFF_STATIC
#define MBUFF_STATIC static
#endif

#define MBUFF_PAGEMARK_MAGIC0	0x74706d6566667562ULL	/* "buffempt" */
#define MBUFF_PAGEMARK_MAGIC1	0x8b8f929a99998a9dULL	/* ~MAGIC0 */
#define MBUFF_PAGEMARK_MIN	64	/* smallest page: markers apart */

/**
 * struct mbuff_pagemark - the consumer's view of marked pages
 * @base: first byte of page 0 (8-byte aligned)
 * @page_size: bytes per page, a multiple of 8, at least MBUFF_PAGEMARK_MIN
 * @npages: number of pages
 * @next: the next page mbuff_pagemark_next() looks at
 */
struct mbuff_pagemark {
	unsigned char *base;
	__u32 page_size;
	__u32 npages;
	__u32 next;
};

static inline __u64 *mbuff_pm_head(const struct mbuff_pagemark *pm, __u32 i)
{
	return (__u64 *)(pm->base + (__u64)i * pm->page_size);
}

static inline __u64 *mbuff_pm_tail(const struct mbuff_pagemark *pm, __u32 i)
{
	return (__u64 *)(pm->base + (__u64)(i + 1) * pm->page_size - 16);
}

/**
 * mbuff_pagemark_empty() - mark one page empty again
 * @pm: the view
 * @i: the page
 *
 * Call only for a page the producer will not write until it is told
 * (e.g. after the page was taken, before it is handed back to a device).
 */
MBUFF_STATIC inline void mbuff_pagemark_empty(struct mbuff_pagemark *pm,
					      __u32 i)
{
	__u64 *h = mbuff_pm_head(pm, i), *t = mbuff_pm_tail(pm, i);

	h[0] = MBUFF_PAGEMARK_MAGIC0;
	h[1] = MBUFF_PAGEMARK_MAGIC1;
	t[0] = MBUFF_PAGEMARK_MAGIC0;
	/*
	 * The last word last: pairs with the acquire in mbuff_pagemark_full()
	 * and mbuff_pagemark_is_empty().
	 */
	mbuff_pm_store_release(&t[1], MBUFF_PAGEMARK_MAGIC1);
}

/**
 * mbuff_pagemark_init() - set up the view and mark every page empty
 * @pm: the view
 * @base: first byte of page 0, 8-byte aligned
 * @page_size: bytes per page: a multiple of 8, at least MBUFF_PAGEMARK_MIN
 * @npages: number of pages
 *
 * Return: 0, or -1 for no pages, or a page size or base that cannot carry
 * markers.
 */
MBUFF_STATIC inline int mbuff_pagemark_init(struct mbuff_pagemark *pm,
					    void *base, __u32 page_size,
					    __u32 npages)
{
	__u32 i;

	if (!npages || page_size < MBUFF_PAGEMARK_MIN || page_size % 8 ||
	    ((unsigned long)base & 7))
		return -1;
	pm->base = (unsigned char *)base;
	pm->page_size = page_size;
	pm->npages = npages;
	pm->next = 0;
	for (i = 0; i < npages; i++)
		mbuff_pagemark_empty(pm, i);
	return 0;
}

/**
 * mbuff_pagemark_full() - has page @i been written whole?
 * @pm: the view
 * @i: the page
 *
 * The page's last word is written last: while it still holds the marker,
 * the page is not complete, even when the rest of the end marker is gone.
 *
 * Return: true once the last word and the head marker are overwritten.
 */
MBUFF_STATIC inline int mbuff_pagemark_full(const struct mbuff_pagemark *pm,
					    __u32 i)
{
	const __u64 *h = mbuff_pm_head(pm, i), *t = mbuff_pm_tail(pm, i);
	/* Read the last word first (acquire), then the head. */
	__u64 t1 = mbuff_pm_load_acquire(&t[1]);

	if (t1 == MBUFF_PAGEMARK_MAGIC1)
		return 0;
	return mbuff_pm_read_once(&h[0]) != MBUFF_PAGEMARK_MAGIC0 ||
	       mbuff_pm_read_once(&h[1]) != MBUFF_PAGEMARK_MAGIC1;
}

/**
 * mbuff_pagemark_is_empty() - is page @i marked empty (given back)?
 * @pm: the view
 * @i: the page
 *
 * For the producer: a page it may fill again.  Not the opposite of
 * mbuff_pagemark_full(): a page being marked empty, or half written, is
 * neither.
 *
 * Return: true once all four marker words are in place.
 */
MBUFF_STATIC inline int mbuff_pagemark_is_empty(const struct mbuff_pagemark *pm,
						__u32 i)
{
	const __u64 *h = mbuff_pm_head(pm, i), *t = mbuff_pm_tail(pm, i);
	/* Written last by mbuff_pagemark_empty(): read it first (acquire). */
	__u64 t1 = mbuff_pm_load_acquire(&t[1]);

	return t1 == MBUFF_PAGEMARK_MAGIC1 &&
	       mbuff_pm_read_once(&t[0]) == MBUFF_PAGEMARK_MAGIC0 &&
	       mbuff_pm_read_once(&h[0]) == MBUFF_PAGEMARK_MAGIC0 &&
	       mbuff_pm_read_once(&h[1]) == MBUFF_PAGEMARK_MAGIC1;
}

/**
 * mbuff_pagemark_next() - the next full page in ring order
 * @pm: the view
 *
 * For a producer that fills pages in order (page i, then i + 1, ...).
 *
 * Return: the page's index, or -1 when it is not full yet.
 */
MBUFF_STATIC inline long mbuff_pagemark_next(struct mbuff_pagemark *pm)
{
	return mbuff_pagemark_full(pm, pm->next) ? (long)pm->next : -1;
}

/**
 * mbuff_pagemark_find() - any full page
 * @pm: the view
 *
 * For a producer that fills pages in any order: scans from @pm->next.
 *
 * Return: the index of a full page, or -1 when there is none.
 */
MBUFF_STATIC inline long mbuff_pagemark_find(struct mbuff_pagemark *pm)
{
	__u32 n, i;

	for (n = 0; n < pm->npages; n++) {
		i = (pm->next + n) % pm->npages;
		if (mbuff_pagemark_full(pm, i))
			return i;
	}
	return -1;
}

/**
 * mbuff_pagemark_done() - give a taken page back, marked empty
 * @pm: the view
 * @i: the page, as mbuff_pagemark_next() or _find() returned it
 */
MBUFF_STATIC inline void mbuff_pagemark_done(struct mbuff_pagemark *pm, __u32 i)
{
	mbuff_pagemark_empty(pm, i);
	if (i == pm->next)
		pm->next = (pm->next + 1) % pm->npages;
}

#endif /* _MBUFF_PAGEMARK_H */
