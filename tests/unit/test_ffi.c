// SPDX-License-Identifier: GPL-2.0-only
/*
 * The out-of-line copies of the ring's and the page markers' functions
 * that the shared library exports for bindings (ffi.c, MBUFF_0.5),
 * looked up with dlvsym() in build/lib/libmbuff.so.0: each is there, and
 * the same operations through them and through the inlines leave the same
 * bytes, the same views and the same results.  Also mbuff_version().
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbuff.h>
#include <mbuff/pagemark.h>

#include "libso.h"
#if defined(__has_include)
#if __has_include(<mbuff/version.h>)
#include <mbuff/version.h>
#endif
#endif

#define PAGE	4096
#define DATA	4096
/* The control page, the data, two pages for extents. */
#define AREA	(4 * PAGE)

static void *sym(void *h, const char *name)
{
	void *p = dlvsym(h, name, "MBUFF_0.5");

	cr_assert_not_null(p, "no %s@MBUFF_0.5: %s", name, dlerror());
	return p;
}

/* The exported functions, typed as the inlines. */
#define FN(name) __typeof__(&mbuff_##name) name
struct ffi {
	void *h;
	FN(ring_footprint);
	FN(ring_format);
	FN(ring_format_size);
	FN(ring_attach);
	FN(ring_reserve);
	FN(ring_commit);
	FN(ring_write);
	FN(ring_put_extent);
	FN(ring_free_bytes);
	FN(ring_used_bytes);
	FN(ring_peek);
	FN(ring_consume);
	FN(ring_extent);
	FN(ring_read);
	FN(ring_consumer_sleep);
	FN(ring_wake_consumer);
	FN(ring_consumer_woken);
	FN(ring_producer_sleep);
	FN(ring_wake_producer);
	FN(ring_producer_woken);
	FN(pagemark_init);
	FN(pagemark_empty);
	FN(pagemark_full);
	FN(pagemark_is_empty);
	FN(pagemark_next);
	FN(pagemark_find);
	FN(pagemark_done);
	FN(version);
	FN(list_names);
};

#define LOAD(f, name) ((f)->name = (__typeof__((f)->name))sym((f)->h, \
							       "mbuff_" #name))

static void ffi_load(struct ffi *f)
{
	f->h = libso();
	LOAD(f, ring_footprint);
	LOAD(f, ring_format);
	LOAD(f, ring_format_size);
	LOAD(f, ring_attach);
	LOAD(f, ring_reserve);
	LOAD(f, ring_commit);
	LOAD(f, ring_write);
	LOAD(f, ring_put_extent);
	LOAD(f, ring_free_bytes);
	LOAD(f, ring_used_bytes);
	LOAD(f, ring_peek);
	LOAD(f, ring_consume);
	LOAD(f, ring_extent);
	LOAD(f, ring_read);
	LOAD(f, ring_consumer_sleep);
	LOAD(f, ring_wake_consumer);
	LOAD(f, ring_consumer_woken);
	LOAD(f, ring_producer_sleep);
	LOAD(f, ring_wake_producer);
	LOAD(f, ring_producer_woken);
	LOAD(f, pagemark_init);
	LOAD(f, pagemark_empty);
	LOAD(f, pagemark_full);
	LOAD(f, pagemark_is_empty);
	LOAD(f, pagemark_next);
	LOAD(f, pagemark_find);
	LOAD(f, pagemark_done);
	LOAD(f, version);
	LOAD(f, list_names);
}

static unsigned char *area_new(void)
{
	unsigned char *a = aligned_alloc(PAGE, AREA);

	cr_assert_not_null(a);
	memset(a, 0x5a, AREA);
	return a;
}

/* Two views of two areas are alike: same bytes, same indices. */
static void assert_alike(const unsigned char *a, const struct mbuff_ring *ra,
			 const unsigned char *b, const struct mbuff_ring *rb)
{
	cr_assert_eq(memcmp(a, b, AREA), 0, "the areas differ");
	cr_assert_eq((unsigned char *)ra->ctl - a,
		     (unsigned char *)rb->ctl - b);
	cr_assert_eq(ra->data - a, rb->data - b);
	cr_assert_eq(ra->area - a, rb->area - b);
	cr_assert_eq(ra->mask, rb->mask);
	cr_assert_eq(ra->doubled, rb->doubled);
	cr_assert_eq(ra->prod, rb->prod);
	cr_assert_eq(ra->cons, rb->cons);
	cr_assert_eq(ra->prod_seen, rb->prod_seen);
	cr_assert_eq(ra->cons_seen, rb->cons_seen);
	cr_assert_eq(ra->rec_flags, rb->rec_flags);
	cr_assert_eq(ra->pending, rb->pending);
	cr_assert_eq(ra->area_size, rb->area_size);
}

Test(ffi, every_function_is_exported_in_0_5)
{
	struct ffi f;

	ffi_load(&f);
	/* Not the test's own copies: the library's. */
	cr_assert_neq((void *)f.ring_write, (void *)mbuff_ring_write);
	cr_assert_eq(f.ring_footprint(1), mbuff_ring_footprint(1));
	cr_assert_eq(f.ring_footprint(0), 8);
	cr_assert_eq(f.ring_footprint(9), 24);
	dlclose(f.h);
}

Test(ffi, version_is_a_release)
{
	struct ffi f;
	unsigned int maj, min, pat;

	ffi_load(&f);
	cr_assert_str_eq(f.version(), mbuff_version());
	cr_assert_eq(sscanf(mbuff_version(), "%u.%u.%u", &maj, &min, &pat), 3,
		     "%s", mbuff_version());
	cr_assert(maj > 0 || min >= 5, "%s", mbuff_version());
#ifdef MBUFF_VERSION_STRING
	/* The build's version, when it generates <mbuff/version.h>. */
	cr_assert_str_eq(mbuff_version(), MBUFF_VERSION_STRING);
#endif
	dlclose(f.h);
}

Test(ffi, format_and_attach_as_the_inlines)
{
	unsigned char *a = area_new(), *b = area_new();
	struct mbuff_ring ra, rb;
	struct ffi f;

	ffi_load(&f);
	cr_assert_eq(f.ring_attach(&rb, b, AREA), -EAGAIN);
	cr_assert_eq(f.ring_format_size(b, AREA, 3000), -EINVAL);
	cr_assert_eq(f.ring_format(b, PAGE), -EINVAL);
	cr_assert_eq(mbuff_ring_format_size(a, AREA, DATA), DATA);
	cr_assert_eq(f.ring_format_size(b, AREA, DATA), DATA);
	cr_assert_eq(mbuff_ring_attach(&ra, a, AREA), 0);
	cr_assert_eq(f.ring_attach(&rb, b, AREA), 0);
	assert_alike(a, &ra, b, &rb);
	((struct mbuff_ring_ctl *)b)->version = 1;
	cr_assert_eq(f.ring_attach(&rb, b, AREA), -EPROTO);
	/* The largest power of two after the control page. */
	cr_assert_eq(f.ring_format(b, AREA), 2 * PAGE);
	free(a);
	free(b);
	dlclose(f.h);
}

/*
 * The same stream through both: records of every length around the
 * alignment and the end of the data, batches reserved and peeked, copies
 * in and out, extents, and the sleep and wake-up flags; after each step
 * the two areas and views are alike.
 */
Test(ffi, a_stream_as_the_inlines)
{
	unsigned char *a = area_new(), *b = area_new();
	unsigned char buf[DATA], bufb[DATA];
	struct mbuff_ring pa, ca, pb, cb;
	const void *qa, *qb;
	unsigned char *ea, *eb;
	void *wa, *wb;
	__u32 la, lb, len;
	__u64 ba, bb;
	struct ffi f;
	int i, k;

	ffi_load(&f);
	cr_assert_eq(mbuff_ring_format_size(a, AREA, DATA), DATA);
	cr_assert_eq(f.ring_format_size(b, AREA, DATA), DATA);
	cr_assert_eq(mbuff_ring_attach(&pa, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&ca, a, AREA), 0);
	cr_assert_eq(f.ring_attach(&pb, b, AREA), 0);
	cr_assert_eq(f.ring_attach(&cb, b, AREA), 0);

	/* Empty: the consumer may sleep, and is woken once. */
	cr_assert_eq(mbuff_ring_consumer_sleep(&ca), f.ring_consumer_sleep(&cb));
	cr_assert_eq(mbuff_ring_consumer_woken(&ca), f.ring_consumer_woken(&cb));
	cr_assert_eq(f.ring_consumer_woken(&cb), 0);
	cr_assert_eq(mbuff_ring_read(&ca, buf, sizeof(buf)), -EAGAIN);
	cr_assert_eq(f.ring_read(&cb, bufb, sizeof(bufb)), -EAGAIN);
	cr_assert_eq(f.ring_peek(&cb, &lb), NULL);
	cr_assert_eq(lb, 0);
	mbuff_ring_peek(&ca, &la);
	cr_assert_eq(mbuff_ring_write(&pa, "x", 1), f.ring_write(&pb, "x", 1));
	cr_assert_eq(mbuff_ring_wake_consumer(&pa), 1);
	cr_assert_eq(f.ring_wake_consumer(&pb), 1);
	cr_assert_eq(f.ring_wake_consumer(&pb), 0);
	mbuff_ring_wake_consumer(&pa);
	assert_alike(a, &pa, b, &pb);

	for (i = 0; i < 3000; i++) {
		len = (__u32)(i * 37) % 700;
		memset(buf, i, len);
		if (i % 5 == 0) {
			/* A batch of three reserved, one commit. */
			for (k = 0; k < 3; k++) {
				int r1 = mbuff_ring_reserve(&pa, len, &wa);
				int r2 = f.ring_reserve(&pb, len, &wb);

				cr_assert_eq(r1, r2, "step %d", i);
				if (r1)
					break;
				cr_assert_eq((unsigned char *)wa - a,
					     (unsigned char *)wb - b);
				memcpy(wa, buf, len);
				memcpy(wb, buf, len);
			}
			mbuff_ring_commit(&pa);
			f.ring_commit(&pb);
		} else if (i % 7 == 0) {
			cr_assert_eq(mbuff_ring_put_extent(&pa, 2 * PAGE + i % 64,
							   100),
				     f.ring_put_extent(&pb, 2 * PAGE + i % 64,
						       100));
			cr_assert_eq(f.ring_put_extent(&pb, PAGE, 1), -EINVAL);
			mbuff_ring_commit(&pa);
			f.ring_commit(&pb);
		} else {
			cr_assert_eq(mbuff_ring_write(&pa, buf, len),
				     f.ring_write(&pb, buf, len), "step %d", i);
		}
		cr_assert_eq(mbuff_ring_free_bytes(&pa), f.ring_free_bytes(&pb));
		cr_assert_eq(mbuff_ring_used_bytes(&ca), f.ring_used_bytes(&cb));
		cr_assert_eq(mbuff_ring_producer_woken(&pa, 512),
			     f.ring_producer_woken(&pb, 512));
		assert_alike(a, &pa, b, &pb);

		/* Consume every other step, so the ring fills and wraps. */
		if (i % 2)
			continue;
		if (i % 4 == 0) {
			for (;;) {
				qa = mbuff_ring_peek(&ca, &la);
				qb = f.ring_peek(&cb, &lb);
				cr_assert_eq(la, lb);
				cr_assert_eq(!qa, !qb);
				if (!qa)
					break;
				cr_assert_eq((const unsigned char *)qa - a,
					     (const unsigned char *)qb - b);
				cr_assert_eq(ca.rec_flags, cb.rec_flags);
				ea = mbuff_ring_extent(&ca, qa, la, &ba);
				eb = f.ring_extent(&cb, qb, lb, &bb);
				cr_assert_eq(!ea, !eb);
				cr_assert_eq(ba, bb);
				if (ea)
					cr_assert_eq(ea - a, eb - b);
			}
			mbuff_ring_consume(&ca);
			f.ring_consume(&cb);
		} else {
			long r1 = mbuff_ring_read(&ca, buf, 300);
			long r2 = f.ring_read(&cb, bufb, 300);

			cr_assert_eq(r1, r2, "step %d", i);
			if (r1 > 0)
				cr_assert_eq(memcmp(buf, bufb, r1), 0);
		}
		cr_assert_eq(mbuff_ring_producer_sleep(&pa, 2048),
			     f.ring_producer_sleep(&pb, 2048));
		cr_assert_eq(mbuff_ring_wake_producer(&ca),
			     f.ring_wake_producer(&cb));
		assert_alike(a, &ca, b, &cb);
		assert_alike(a, &pa, b, &pb);
	}
	cr_assert_eq(f.ring_write(&pb, buf, DATA), -EMSGSIZE);
	cr_assert_gt(pb.prod, (__u32)(2 * DATA), "the ring went round");
	free(a);
	free(b);
	dlclose(f.h);
}

/* A corrupt producer index: -EIO and MBUFF_RING_CORRUPT from both. */
Test(ffi, corruption_as_the_inlines)
{
	unsigned char *a = area_new(), *b = area_new();
	struct mbuff_ring ca, cb;
	char buf[16];
	__u32 la, lb;
	struct ffi f;

	ffi_load(&f);
	mbuff_ring_format_size(a, AREA, DATA);
	f.ring_format_size(b, AREA, DATA);
	cr_assert_eq(f.ring_attach(&cb, b, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&ca, a, AREA), 0);
	((struct mbuff_ring_ctl *)a)->prod = 12;
	((struct mbuff_ring_ctl *)b)->prod = 12;
	cr_assert_eq(mbuff_ring_peek(&ca, &la), NULL);
	cr_assert_eq(f.ring_peek(&cb, &lb), NULL);
	cr_assert_eq(la, MBUFF_RING_CORRUPT);
	cr_assert_eq(lb, MBUFF_RING_CORRUPT);
	cr_assert_eq(f.ring_read(&cb, buf, sizeof(buf)), -EIO);
	free(a);
	free(b);
	dlclose(f.h);
}

Test(ffi, pagemarks_as_the_inlines)
{
	unsigned char *a = area_new(), *b = area_new();
	struct mbuff_pagemark ma, mb;
	__u64 last = 1;
	struct ffi f;
	__u32 i;

	ffi_load(&f);
	cr_assert_eq(f.pagemark_init(&mb, b, 32, 4), -1);
	cr_assert_eq(f.pagemark_init(&mb, b + 4, PAGE, 4), -1);
	cr_assert_eq(mbuff_pagemark_init(&ma, a, PAGE, 4), 0);
	cr_assert_eq(f.pagemark_init(&mb, b, PAGE, 4), 0);
	cr_assert_eq(memcmp(a, b, AREA), 0);
	cr_assert_eq(f.pagemark_next(&mb), -1);
	cr_assert_eq(f.pagemark_find(&mb), -1);
	for (i = 0; i < 4; i++)
		cr_assert(f.pagemark_is_empty(&mb, i));

	/* Page 2 written whole, its last word last. */
	memset(a + 2 * PAGE, 1, PAGE - 8);
	memset(b + 2 * PAGE, 1, PAGE - 8);
	cr_assert_eq(f.pagemark_full(&mb, 2), 0, "last word not written");
	memcpy(a + 3 * PAGE - 8, &last, 8);
	memcpy(b + 3 * PAGE - 8, &last, 8);
	cr_assert_eq(mbuff_pagemark_full(&ma, 2), f.pagemark_full(&mb, 2));
	cr_assert(f.pagemark_full(&mb, 2));
	cr_assert_not(f.pagemark_is_empty(&mb, 2));
	cr_assert_eq(f.pagemark_next(&mb), mbuff_pagemark_next(&ma));
	cr_assert_eq(f.pagemark_find(&mb), 2);
	cr_assert_eq(mbuff_pagemark_find(&ma), 2);
	f.pagemark_done(&mb, 2);
	mbuff_pagemark_done(&ma, 2);
	cr_assert(f.pagemark_is_empty(&mb, 2));
	cr_assert_eq(mb.next, ma.next);

	/* Page 0 in order: next moves on. */
	memset(b, 7, PAGE);
	memset(a, 7, PAGE);
	cr_assert_eq(f.pagemark_next(&mb), 0);
	f.pagemark_done(&mb, 0);
	mbuff_pagemark_done(&ma, 0);
	cr_assert_eq(mb.next, 1);
	cr_assert_eq(ma.next, 1);
	f.pagemark_empty(&mb, 3);
	mbuff_pagemark_empty(&ma, 3);
	cr_assert_eq(memcmp(a, b, AREA), 0);
	free(a);
	free(b);
	dlclose(f.h);
}
