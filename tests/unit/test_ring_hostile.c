// SPDX-License-Identifier: GPL-2.0-only
/* The ring and page markers, read while a hostile peer rewrites them. */
/*
 * Three kinds of test.  The traced ones are deterministic (x86-64 only):
 * the shared pages are made inaccessible, every access to them faults and
 * is single-stepped, so the test counts each load of each shared field in
 * the compiled code, and rewrites a field with a hostile value just
 * before its second load, the moment a peer racing the reader would.  A
 * reader that loads each field once never sees the hostile values.  The
 * rule of ring format 2: a side never loads its own index from shared
 * memory after attach (it keeps it in its view), and loads the other
 * side's index and each header field at most once a call.
 *
 * The peer ones are deterministic too: one side rewrites what the other
 * owns, between calls.  The raced ones run a side against a thread that
 * rewrites the shared fields in a loop, with inaccessible pages around
 * the area, so that any access outside it faults.
 *
 * The kernel builds the headers with -fno-strict-aliasing, and the
 * Makefile builds this test so too: with strict aliasing, the compiler
 * may merge two loads of a field that the kernel's build keeps apart.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <mbuff/pagemark.h>
#include <mbuff/ring.h>

#define PAGE	4096
#define AREA	(2 * MBUFF_RING_CTL_SIZE)	/* 4 KiB of data */
#define DATA	(AREA - MBUFF_RING_CTL_SIZE)
#define REC	((__u32)sizeof(struct mbuff_ring_rec))
#define WILD	0x10000000U	/* an offset, size or index far outside */
/* A ring with room for extents after its data: two pages of buffers. */
#define XAREA	(4 * PAGE)

/* @len bytes with a page nobody may touch on each side. */
static unsigned char *guarded(size_t len)
{
	unsigned char *p = mmap(NULL, len + 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + PAGE, len, PROT_READ | PROT_WRITE), 0);
	return p + PAGE;
}

static void unguard(unsigned char *p, size_t len)
{
	munmap(p - PAGE, len + 2 * PAGE);
}

/* A guarded area of @len bytes holding a ring of DATA bytes, indices at @start. */
static unsigned char *ring_area_of(size_t len, uint32_t start)
{
	unsigned char *a = guarded(len);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;

	cr_assert_eq(mbuff_ring_format_size(a, len, DATA), DATA);
	ctl->prod = start;
	ctl->cons = start;
	return a;
}

static unsigned char *ring_area(uint32_t start)
{
	return ring_area_of(AREA, start);
}

static struct mbuff_ring_rec *header(const struct mbuff_ring *r, uint32_t idx)
{
	return (struct mbuff_ring_rec *)(r->data + (idx & r->mask));
}

/*
 * The calls under test, each compiled on its own as at a kernel call
 * site: the view is reached through a pointer that the compiler cannot
 * tell apart from the shared pages, so (without strict aliasing) a store
 * into the view may change them, and a field loaded before such a store
 * is loaded again after it.  Inlined into a test whose view is a local,
 * those loads could merge, and a test would miss what the kernel does.
 */
#ifdef __clang__
#define KCALL	static __attribute__((noinline))
#else
#define KCALL	static __attribute__((noipa))
#endif

KCALL int k_attach(struct mbuff_ring *r, void *area, __u64 size)
{
	return mbuff_ring_attach(r, area, size);
}

KCALL long k_read(struct mbuff_ring *r, void *buf, __u32 cap)
{
	return mbuff_ring_read(r, buf, cap);
}

KCALL const void *k_peek(struct mbuff_ring *r, __u32 *len)
{
	return mbuff_ring_peek(r, len);
}

KCALL void k_consume(struct mbuff_ring *r)
{
	mbuff_ring_consume(r);
}

KCALL int k_write(struct mbuff_ring *r, const void *buf, __u32 len)
{
	return mbuff_ring_write(r, buf, len);
}

KCALL int k_reserve(struct mbuff_ring *r, __u32 len, void **payload)
{
	return mbuff_ring_reserve(r, len, payload);
}

KCALL void k_commit(struct mbuff_ring *r)
{
	mbuff_ring_commit(r);
}

KCALL int k_put_extent(struct mbuff_ring *r, __u64 offset, __u64 len)
{
	return mbuff_ring_put_extent(r, offset, len);
}

KCALL void *k_extent(const struct mbuff_ring *r, const void *payload,
		     __u32 len, __u64 *bytes)
{
	return mbuff_ring_extent(r, payload, len, bytes);
}

KCALL __u32 k_free_bytes(const struct mbuff_ring *r)
{
	return mbuff_ring_free_bytes(r);
}

KCALL __u32 k_used_bytes(const struct mbuff_ring *r)
{
	return mbuff_ring_used_bytes(r);
}

KCALL int k_producer_sleep(struct mbuff_ring *r, __u32 need)
{
	return mbuff_ring_producer_sleep(r, need);
}

KCALL int k_consumer_sleep(struct mbuff_ring *r)
{
	return mbuff_ring_consumer_sleep(r);
}

KCALL int k_full(const struct mbuff_pagemark *pm, __u32 i)
{
	return mbuff_pagemark_full(pm, i);
}

KCALL int k_is_empty(const struct mbuff_pagemark *pm, __u32 i)
{
	return mbuff_pagemark_is_empty(pm, i);
}

/*
 * The tracer.  A load is counted for the word it starts in; a load that
 * the compiler merges across two fields counts for the first only, which
 * can hide a second load, never make one up.  A load folded into a
 * read-modify-write instruction faults as a store and is not counted.
 */
enum loads { NEVER, ONCE, AT_MOST_ONCE };

static const char *const loads_name[] = { "never", "once", "at most once" };

struct watch {
	const char *what;
	void *addr;
	size_t size;
	enum loads expect;
	int hostile;		/* rewrite the word before its second load */
	uint64_t value;		/* with this */
	unsigned int loads;
};

static struct {
	unsigned char *lo;	/* the traced pages */
	size_t len;
	struct watch *w;
	unsigned int n;
	sigjmp_buf escape;
	void *escaped;		/* a fault outside the traced pages */
	struct sigaction old_segv, old_trap;
} tr;

#if defined(__x86_64__) && defined(REG_ERR)
#define TRACE_TF	0x100UL	/* EFLAGS.TF: trap after one instruction */
#define TRACE_PF_WRITE	0x2UL	/* page fault error code: a store */

static void trace_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	unsigned char *a = si->si_addr;
	unsigned int i;

	(void)sig;
	if (a < tr.lo || a >= tr.lo + tr.len) {
		tr.escaped = a;
		siglongjmp(tr.escape, 1);
	}
	mprotect(tr.lo, tr.len, PROT_READ | PROT_WRITE);
	for (i = 0; i < tr.n; i++) {
		struct watch *w = &tr.w[i];

		if (a < (unsigned char *)w->addr ||
		    a >= (unsigned char *)w->addr + w->size ||
		    (uc->uc_mcontext.gregs[REG_ERR] & TRACE_PF_WRITE))
			continue;
		if (++w->loads == 2 && w->hostile)
			memcpy(w->addr, &w->value, w->size);
	}
	uc->uc_mcontext.gregs[REG_EFL] |= TRACE_TF;
}

static void trace_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~TRACE_TF;
	mprotect(tr.lo, tr.len, PROT_NONE);
}

static void trace_setup(void *lo, size_t len)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO };

	tr.lo = lo;
	tr.len = len;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = trace_segv;
	cr_assert_eq(sigaction(SIGSEGV, &sa, &tr.old_segv), 0);
	sa.sa_sigaction = trace_trap;
	cr_assert_eq(sigaction(SIGTRAP, &sa, &tr.old_trap), 0);
}
#else
static void trace_setup(void *lo, size_t len)
{
	(void)lo;
	(void)len;
	cr_skip_test("tracing loads needs x86-64");
}
#endif

/* Count loads of @n words, from the next trace_on() to trace_off(). */
static void trace_watch(struct watch *w, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		w[i].loads = 0;
	tr.w = w;
	tr.n = n;
}

static void trace_on(void)
{
	cr_assert_eq(mprotect(tr.lo, tr.len, PROT_NONE), 0);
}

static void trace_off(void)
{
	mprotect(tr.lo, tr.len, PROT_READ | PROT_WRITE);
}

static void trace_teardown(void)
{
	trace_off();
	sigaction(SIGSEGV, &tr.old_segv, NULL);
	sigaction(SIGTRAP, &tr.old_trap, NULL);
}

/* Each watched word loaded as often as its watch expects. */
static void loads_as_expected(const char *call)
{
	for (unsigned int i = 0; i < tr.n; i++) {
		const struct watch *w = &tr.w[i];
		unsigned int min = w->expect == ONCE, max = w->expect != NEVER;

		cr_expect(w->loads >= min && w->loads <= max,
			  "%s loads %s %u times, not %s", call, w->what,
			  w->loads, loads_name[w->expect]);
	}
}

/* Run @call with the pages traced; a fault outside them ends the test. */
#define TRACED(call)							\
	do {								\
		if (sigsetjmp(tr.escape, 1)) {				\
			trace_teardown();				\
			cr_assert_fail("%s touched %p, outside the area", \
				 #call, tr.escaped);			\
		}							\
		trace_on();						\
		call;							\
		trace_off();						\
	} while (0)

#define WATCH(what, field, expect, hostile, value) \
	{ what, &(field), sizeof(field), expect, hostile, value, 0 }

/*
 * attach: the control page's fields, each checked and used; each becomes
 * something else before a second load.
 */
Test(traced, attach_loads_each_field_once)
{
	unsigned char *a = ring_area(0x100);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct watch w[] = {
		WATCH("magic", ctl->magic, ONCE, 0, 0),
		WATCH("version", ctl->version, ONCE, 1, MBUFF_RING_VERSION + 1),
		WATCH("size", ctl->size, ONCE, 1, 1U << 30),
		WATCH("data_offset", ctl->data_offset, ONCE, 1, WILD),
		WATCH("prod", ctl->prod, ONCE, 1, WILD),
		WATCH("cons", ctl->cons, ONCE, 1, 4),
	};
	struct mbuff_ring r;
	int ret;

	memset(&r, 0, sizeof(r));
	trace_setup(a, AREA);
	trace_watch(w, 6);
	TRACED(ret = k_attach(&r, a, AREA));
	trace_teardown();
	cr_assert_eq(ret, 0);
	cr_expect_eq(r.data, a + MBUFF_RING_CTL_SIZE,
		     "data at area + %td, not + %d", r.data - a,
		     MBUFF_RING_CTL_SIZE);
	cr_expect_eq(r.mask, DATA - 1, "mask %#x", r.mask);
	cr_expect_eq(r.prod, 0x100, "prod %#x", r.prod);
	cr_expect_eq(r.cons, 0x100, "cons %#x", r.cons);
	loads_as_expected("attach");
	unguard(a, AREA);
}

/*
 * read: the producer's index once when the consumer has nothing left
 * from the last load, never while records it saw are left; its own index
 * never (the peer's rewrite of it is ignored and overwritten); each field
 * of each header (a pad's too) once, each becoming hostile before a
 * second load: prod runs far ahead, a length grows, flags go bad.
 */
Test(traced, read_loads_prod_and_each_header_field_once)
{
	static const uint32_t starts[] = { 0, DATA - 24, 0U - 24 };
	unsigned char *cap_end = guarded(PAGE) + PAGE;

	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		unsigned char *a = ring_area(starts[s]);
		struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
		const uint32_t c = starts[s], second = c + 16;
		/* From DATA - 24, the second record needs a pad of 8. */
		const uint32_t rec2 = (second & (DATA - 1)) + 24 > DATA ?
			second + DATA - (second & (DATA - 1)) : second;
		struct mbuff_ring p, r;
		struct mbuff_ring_rec *h1, *h2, *pad;
		long got;

		cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
		cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
		cr_assert_eq(mbuff_ring_write(&p, "first", 5), 0);
		cr_assert_eq(mbuff_ring_write(&p, "second record", 13), 0);
		h1 = header(&r, c);
		h2 = header(&r, rec2);
		pad = header(&r, second);
		ctl->cons = c + WILD;	/* the producer's rewrite of it */
		{
			struct watch w[] = {
				WATCH("prod", ctl->prod, ONCE, 1, c + WILD),
				WATCH("cons", ctl->cons, NEVER, 0, 0),
				WATCH("the header's len", h1->len, ONCE, 1, 40),
				WATCH("the header's flags", h1->flags, ONCE, 1,
				      0xff),
			};

			trace_setup(a, AREA);
			trace_watch(w, 4);
			/* A payload copied past 16 bytes runs into a guard page. */
			TRACED(got = k_read(&r, cap_end - 16, 16));
			cr_expect_eq(got, 5, "start %#x: read %ld", c, got);
			loads_as_expected("read");
			trace_teardown();
		}
		cr_expect_arr_eq(cap_end - 16, "first", 5);
		cr_expect_eq(ctl->cons, c + 16, "start %#x: cons %#x", c,
			     ctl->cons);
		ctl->prod = c + 16 + 32 + WILD;	/* not to be loaded again */
		{
			struct watch w[] = {
				WATCH("prod", ctl->prod, NEVER, 0, 0),
				WATCH("cons", ctl->cons, NEVER, 0, 0),
				WATCH("the header's len", h2->len, ONCE, 1, 400),
				WATCH("the header's flags", h2->flags, ONCE, 1,
				      MBUFF_RING_REC_PAD),
				WATCH("the pad's len", pad->len, ONCE, 1, 0),
				WATCH("the pad's flags", pad->flags, ONCE, 1, 0),
			};

			trace_setup(a, AREA);
			trace_watch(w, rec2 != second ? 6 : 4);
			TRACED(got = k_read(&r, cap_end - 16, 16));
			cr_expect_eq(got, 13, "start %#x: read %ld", c, got);
			loads_as_expected("read of what was seen");
			trace_teardown();
		}
		cr_expect_arr_eq(cap_end - 16, "second record", 13);
		cr_expect_eq(ctl->cons, rec2 + 24, "start %#x: cons %#x", c,
			     ctl->cons);
		ctl->prod = rec2 + 24;
		{
			struct watch w[] = {
				WATCH("prod", ctl->prod, ONCE, 1, c + WILD),
				WATCH("cons", ctl->cons, NEVER, 0, 0),
			};

			trace_setup(a, AREA);
			trace_watch(w, 2);
			TRACED(got = k_read(&r, cap_end - 16, 16));
			cr_expect_eq(got, -EAGAIN, "start %#x: read %ld", c, got);
			loads_as_expected("read of an empty ring");
			trace_teardown();
		}
		unguard(a, AREA);
	}
	unguard(cap_end - PAGE, PAGE);
}

/*
 * peek a batch, then consume: the producer's index once for the batch
 * (and once more to find it ends), headers once each; consume stores the
 * consumer's index from the view, loading nothing.
 */
Test(traced, peek_batch_and_consume_load_once)
{
	unsigned char *a = ring_area(DATA - 32);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring_rec *h1, *h2;
	struct mbuff_ring p, r;
	const void *q;
	__u32 len;

	cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	cr_assert_eq(mbuff_ring_write(&p, "abc", 3), 0);
	cr_assert_eq(mbuff_ring_write(&p, "defg", 4), 0);
	h1 = header(&r, DATA - 32);
	h2 = header(&r, DATA - 16);
	{
		struct watch w[] = {
			WATCH("prod", ctl->prod, ONCE, 1, DATA - 32 + WILD),
			WATCH("cons", ctl->cons, NEVER, 0, 0),
			WATCH("the header's len", h1->len, ONCE, 1, 20),
			WATCH("the header's flags", h1->flags, ONCE, 1, 4),
		};

		trace_setup(a, AREA);
		trace_watch(w, 4);
		TRACED(q = k_peek(&r, &len));
		cr_expect_eq(q, r.data + DATA - 24, "peek at data + %td",
			     (const unsigned char *)q - r.data);
		cr_expect_eq(len, 3);
		loads_as_expected("peek");
	}
	{
		struct watch w[] = {
			WATCH("prod", ctl->prod, NEVER, 0, 0),
			WATCH("cons", ctl->cons, NEVER, 0, 0),
			WATCH("the header's len", h2->len, ONCE, 1, 20),
			WATCH("the header's flags", h2->flags, ONCE, 1, 4),
		};

		trace_watch(w, 4);
		TRACED(q = k_peek(&r, &len));
		cr_expect_eq(q, r.data + DATA - 8);
		cr_expect_eq(len, 4);
		loads_as_expected("peek of a record already seen");
	}
	{
		struct watch w[] = {
			WATCH("prod", ctl->prod, ONCE, 1, DATA + WILD),
			WATCH("cons", ctl->cons, NEVER, 0, 0),
		};

		trace_watch(w, 2);
		TRACED(q = k_peek(&r, &len));
		cr_expect_null(q);
		cr_expect_eq(len, 0);
		loads_as_expected("peek at the end");

		/* consume: nothing loaded; the peer's rewrite overwritten. */
		ctl->cons = WILD;
		w[0].expect = NEVER;
		trace_watch(w, 2);
		TRACED(k_consume(&r));
		loads_as_expected("consume");
		trace_teardown();
	}
	cr_expect_eq(ctl->cons, DATA, "cons %#x", ctl->cons);
	unguard(a, AREA);
}

/*
 * write, reserve, commit: the producer's own index never (the peer's
 * rewrite is ignored and overwritten by the commit); the consumer's
 * never while the room last seen is enough, else once.
 */
Test(traced, producer_loads_only_the_consumers_index_when_needed)
{
	unsigned char *a = ring_area(0), buf[32] = { 0 };
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct watch w[] = {
		WATCH("prod", ctl->prod, NEVER, 0, 0),
		WATCH("cons", ctl->cons, NEVER, 0, 0),
		WATCH("prod_waiting", ctl->prod_waiting, NEVER, 0, 0),
	};
	struct mbuff_ring p, c;
	__u32 free_bytes;
	void *pl = NULL;
	int ret;

	cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&c, a, AREA), 0);
	ctl->prod = 4;
	trace_setup(a, AREA);
	trace_watch(w, 3);
	TRACED(ret = k_write(&p, "hello", 5));
	cr_expect_eq(ret, 0);
	cr_expect_eq(ctl->prod, 16, "prod %#x", ctl->prod);
	loads_as_expected("write with room");

	/* Fill the ring, then free 64 bytes: not seen yet. */
	while (p.prod != DATA)
		cr_assert_eq(mbuff_ring_write(&p, buf, 8), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(mbuff_ring_read(&c, buf, sizeof(buf)), i ? 8 : 5);
	cr_assert_eq(ctl->cons, 64);
	w[1].expect = ONCE;
	w[1].hostile = 1;
	w[1].value = 0U - WILD;
	trace_watch(w, 3);
	TRACED(ret = k_write(&p, buf, 24));
	cr_expect_eq(ret, 0, "32 bytes: none seen free, 64 freed since");
	loads_as_expected("write without the room seen");
	cr_expect_eq(ctl->prod, DATA + 32, "prod %#x", ctl->prod);

	/* Reserve with the room seen, commit: no load at all. */
	ctl->prod = WILD;
	w[1].expect = NEVER;
	trace_watch(w, 3);
	TRACED(ret = k_reserve(&p, 8, &pl));
	cr_expect_eq(ret, 0);
	cr_expect_eq(pl, p.data + 32 + REC);
	loads_as_expected("reserve");
	trace_watch(w, 3);
	TRACED(k_commit(&p));
	loads_as_expected("commit");
	cr_expect_eq(ctl->prod, DATA + 48, "prod %#x", ctl->prod);

	/* free_bytes, producer_sleep: the consumer's index, once each. */
	ctl->cons = 64;
	w[1].expect = ONCE;
	trace_watch(w, 3);
	TRACED(free_bytes = k_free_bytes(&p));
	cr_expect_eq(free_bytes, 16);
	loads_as_expected("free_bytes");
	trace_watch(w, 3);
	TRACED(ret = k_producer_sleep(&p, 112));
	cr_expect_eq(ret, 1);
	loads_as_expected("producer_sleep");
	trace_teardown();
	cr_expect_eq(ctl->prod_waiting, 1);
	unguard(a, AREA);
}

/* used_bytes, consumer_sleep: the producer's index once, nothing else. */
Test(traced, consumer_sleep_loads_prod_once)
{
	unsigned char *a = ring_area(0);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct watch w[] = {
		WATCH("prod", ctl->prod, ONCE, 1, WILD),
		WATCH("cons", ctl->cons, NEVER, 0, 0),
		WATCH("cons_waiting", ctl->cons_waiting, NEVER, 0, 0),
	};
	struct mbuff_ring r;
	__u32 used;
	int ret;

	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	ctl->prod = 64;
	trace_setup(a, AREA);
	trace_watch(w, 3);
	TRACED(used = k_used_bytes(&r));
	cr_expect_eq(used, 64);
	loads_as_expected("used_bytes");
	ctl->prod = 0;
	trace_watch(w, 3);
	TRACED(ret = k_consumer_sleep(&r));
	cr_expect_eq(ret, 1);
	loads_as_expected("consumer_sleep");
	trace_teardown();
	cr_expect_eq(ctl->cons_waiting, 1);
	unguard(a, AREA);
}

/*
 * extent: the record's offset and length, once each; before a second
 * load they would name the control page and the whole address space.
 */
Test(traced, extent_loads_offset_and_length_once)
{
	unsigned char *a = ring_area_of(XAREA, 0);
	struct mbuff_ring_extent *e;
	struct mbuff_ring p, r;
	__u64 bytes = 0;
	const void *q;
	void *x;
	__u32 len;

	cr_assert_eq(mbuff_ring_attach(&p, a, XAREA), 0);
	cr_assert_eq(mbuff_ring_attach(&r, a, XAREA), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, AREA + 100, 300), 0);
	mbuff_ring_commit(&p);
	q = k_peek(&r, &len);
	cr_assert_not_null(q);
	e = (struct mbuff_ring_extent *)q;
	{
		struct watch w[] = {
			WATCH("the extent's offset", e->offset, ONCE, 1, 0),
			WATCH("the extent's len", e->len, ONCE, 1, ~0ULL),
		};

		trace_setup(a, XAREA);
		trace_watch(w, 2);
		TRACED(x = k_extent(&r, q, len, &bytes));
		loads_as_expected("extent");
		trace_teardown();
	}
	cr_expect_eq(x, a + AREA + 100);
	cr_expect_eq(bytes, 300);

	/* put_extent loads nothing shared but what reserve does. */
	{
		struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
		struct watch w[] = {
			WATCH("prod", ctl->prod, NEVER, 0, 0),
			WATCH("cons", ctl->cons, NEVER, 0, 0),
		};
		int ret;

		trace_setup(a, XAREA);
		trace_watch(w, 2);
		TRACED(ret = k_put_extent(&p, XAREA - 8, 8));
		cr_expect_eq(ret, 0);
		loads_as_expected("put_extent");
		trace_teardown();
	}
	unguard(a, XAREA);
}

/* The marker words: each loaded once, by full() and by is_empty(). */
Test(traced, pagemark_loads_each_marker_once)
{
	unsigned char *pages = guarded(2 * PAGE);
	__u64 *h = (__u64 *)pages, *t = (__u64 *)(pages + PAGE - 16);
	struct mbuff_pagemark pm;
	struct watch w[] = {
		WATCH("tail[1]", t[1], ONCE, 1, MBUFF_PAGEMARK_MAGIC1),
		WATCH("head[0]", h[0], ONCE, 1, 0),
		WATCH("head[1]", h[1], ONCE, 1, MBUFF_PAGEMARK_MAGIC1),
		WATCH("tail[0]", t[0], ONCE, 1, 0),	/* not read by full() */
	};
	int ret;

	cr_assert_eq(mbuff_pagemark_init(&pm, pages, PAGE, 2), 0);
	/* Page 0 written whole, starting like a head marker. */
	memset(pages, 0x5a, PAGE);
	h[0] = MBUFF_PAGEMARK_MAGIC0;
	trace_setup(pages, 2 * PAGE);
	trace_watch(w, 3);
	TRACED(ret = k_full(&pm, 0));
	cr_expect_eq(ret, 1);
	loads_as_expected("full");

	mbuff_pagemark_empty(&pm, 0);
	w[0].value = w[2].value = 0;
	trace_watch(w, 4);
	TRACED(ret = k_is_empty(&pm, 0));
	cr_expect_eq(ret, 1);
	loads_as_expected("is_empty");
	trace_teardown();
	unguard(pages, 2 * PAGE);
}

/*
 * The peer tests: each side's own index is its own.  What the other side
 * writes into the control page between calls never moves it, never makes
 * it write or read outside the data, and is overwritten when the side
 * publishes.
 */
static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Where the producer's index must go for a record of @len bytes. */
static uint32_t next_index(uint32_t prod, uint32_t len)
{
	uint32_t off = prod & (DATA - 1), need = mbuff_ring_footprint(len);

	return prod + (off + need > DATA ? DATA - off : 0) + need;
}

Test(peer, producer_ignores_a_rewritten_prod)
{
	static const uint32_t bad[] = { 4, WILD, 0U - 8, DATA - 3, 0 };
	unsigned char *a = ring_area(DATA - 40);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring p, c;
	uint32_t at = DATA - 40;
	__u32 len;
	void *pl;

	cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&c, a, AREA), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctl->prod = bad[i];
		cr_assert_eq(mbuff_ring_reserve(&p, 20, &pl), 0);
		at = next_index(at, 20);
		cr_assert_eq(p.prod, at, "prod %#x: the producer moved to %#x",
			     bad[i], p.prod);
		cr_assert_eq(pl, p.data + ((at - 32) & (DATA - 1)) + REC);
		memset(pl, 'a' + (int)i, 20);
		cr_assert_eq(ctl->prod, bad[i], "reserve published");
		mbuff_ring_commit(&p);
		cr_assert_eq(ctl->prod, at, "the commit did not overwrite %#x",
			     bad[i]);
		cr_assert_eq(mbuff_ring_used_bytes(&c) & 7, 0);
		cr_assert_eq(*(const char *)mbuff_ring_peek(&c, &len),
			     (char)('a' + i));
		mbuff_ring_consume(&c);
	}
	unguard(a, AREA);
}

Test(peer, consumer_ignores_a_rewritten_cons)
{
	static const uint32_t bad[] = { 4, WILD, 0U - 8, DATA - 3, 1000 };
	/* Five records of 40 bytes end at the end of the data, and at 2^32. */
	unsigned char *a = ring_area(0U - 200);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring p, c;
	unsigned char out[32];

	cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(&c, a, AREA), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'a' + (int)i, 30);
		cr_assert_eq(mbuff_ring_write(&p, out, 30), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctl->cons = bad[i];
		cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 30);
		cr_assert_eq(out[0], (unsigned char)('a' + i),
			     "cons %#x: read elsewhere", bad[i]);
		cr_assert_eq(c.cons, 0U - 200 + 40 * (uint32_t)(i + 1));
		cr_assert_eq(ctl->cons, c.cons, "the consume did not overwrite %#x",
			     bad[i]);
	}
	unguard(a, AREA);
}

/*
 * Whatever the consumer's index says, the producer writes only where its
 * own index is: the bytes that change are those from its index to where
 * it moved (a pad and the record), all inside the data.
 */
Test(peer, garbage_in_cons_keeps_the_producer_in_its_own_room)
{
	static unsigned char before[DATA], buf[DATA];
	unsigned char *a = ring_area(0);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	unsigned long put = 0, refused = 0;
	struct mbuff_ring p;
	uint32_t s = 2463534242U, len, was, off, moved;
	void *pl;
	int ret;

	cr_assert_eq(mbuff_ring_attach(&p, a, AREA), 0);
	memset(buf, 0x3c, sizeof(buf));
	for (int i = 0; i < 5000; i++) {
		uint32_t x = xorshift(&s);

		switch (x & 3) {
		case 0:		/* anything */
			ctl->cons = x;
			break;
		case 1:		/* a little behind, or ahead */
			ctl->cons = p.prod - (x >> 20);
			break;
		case 2:		/* about a ring behind */
			ctl->cons = p.prod - DATA + ((x >> 8) & 0xf8);
			break;
		default:	/* all free */
			ctl->cons = p.prod;
			break;
		}
		len = (x >> 12) % (x & 0x100 ? DATA - 7 : 400);
		memcpy(before, p.data, DATA);
		was = p.prod;
		if (x & 0x200) {
			ret = mbuff_ring_write(&p, buf, len);
		} else {
			ret = mbuff_ring_reserve(&p, len, &pl);
			if (!ret) {
				cr_assert_geq((unsigned char *)pl, p.data + REC);
				cr_assert_leq((unsigned char *)pl + len,
					      p.data + DATA);
				memset(pl, 0x3c, len);
			}
			mbuff_ring_commit(&p);
		}
		cr_assert(ret == 0 || ret == -EAGAIN, "write: %d", ret);
		put += !ret;
		refused += !!ret;
		if (!ret)
			cr_assert_eq(p.prod, next_index(was, len));
		else
			cr_assert(p.prod == was || p.prod == was + DATA -
				  (was & (DATA - 1)), "a refusal moved prod by %u",
				  p.prod - was);
		cr_assert_eq(ctl->prod, p.prod);
		/* Only bytes in [was, p.prod) of the ring may have changed. */
		moved = p.prod - was;
		for (off = 0; off < DATA; off++)
			if (((off - was) & (DATA - 1)) >= moved &&
			    p.data[off] != before[off])
				break;
		cr_assert_eq(off, DATA, "byte %u changed, outside [%#x, %#x)",
			     off, was, p.prod);
	}
	cr_log_info("%lu records, %lu refused", put, refused);
	cr_assert_gt(put, 500);
	cr_assert_gt(refused, 500);
	unguard(a, AREA);
}

/*
 * The raced tests: a thread rewrites the shared fields in a tight loop
 * while the test attaches, reads or writes, for a bounded time.
 */
#define RACE_NS		400000000LL	/* 0.4 s a test */

struct hostile {
	unsigned char *area;
	struct mbuff_ring_ctl *ctl;
	int what;
	int stop;
	unsigned long rounds;
};

enum { HOSTILE_CTL, HOSTILE_PRODUCER, HOSTILE_CONSUMER };

#define STORE(p, v)	__atomic_store_n(p, v, __ATOMIC_RELAXED)
#define LOAD(p)		__atomic_load_n(p, __ATOMIC_RELAXED)

/* Flags a hostile producer writes: known ones mostly, junk now and then. */
static __u32 hostile_flags(uint32_t x)
{
	static const __u32 flags[] = { 0, 0, MBUFF_RING_REC_PAD,
		MBUFF_RING_REC_EXTENT, MBUFF_RING_REC_PAD | MBUFF_RING_REC_EXTENT,
		1U << 5, 0, MBUFF_RING_REC_EXTENT };

	return flags[(x >> 24) & 7];
}

static void *hostile_run(void *arg)
{
	struct hostile *h = arg;
	struct mbuff_ring_ctl *ctl = h->ctl;
	uint32_t s = 2463534242U, x, c;
	unsigned char *rec;
	__u64 *ext;

	while (!LOAD(&h->stop)) {
		x = xorshift(&s);
		switch (h->what) {
		case HOSTILE_CTL:	/* the offset flips, the rest now and then */
			STORE(&ctl->data_offset, h->rounds & 1 ?
			      MBUFF_RING_CTL_SIZE : WILD);
			STORE(&ctl->prod, x & 0x40 ? x & 0xff8 : x);
			STORE(&ctl->cons, x & 0x80 ? (x >> 8) & 0xff8 : x >> 3);
			if (h->rounds & 0xff)
				break;
			STORE(&ctl->size, x & 0x10 ? DATA : 1U << 30);
			STORE(&ctl->version, x & 0x20 ? MBUFF_RING_VERSION : 1);
			break;
		case HOSTILE_PRODUCER:	/* headers, extents and prod, any value */
			c = LOAD(&ctl->cons);
			rec = h->area + MBUFF_RING_CTL_SIZE +
				((c + (x & 0x1f8)) & (DATA - 1) & ~7U);
			STORE((__u32 *)rec, x & 0x100 ? x >> 20 :
			      x & 0x800 ? 16 : x);
			STORE((__u32 *)rec + 1, hostile_flags(x));
			if (rec + 24 <= h->area + MBUFF_RING_CTL_SIZE + DATA) {
				ext = (__u64 *)(rec + 8);
				STORE(&ext[0], x & 0x400 ? AREA + (x >> 19) :
				      (__u64)x << 32 | x);
				STORE(&ext[1], x & 0x1000 ? x >> 18 : ~0ULL - x);
			}
			STORE(&ctl->prod, x & 0x200 ? c + (x >> 22) : x);
			if (!(x & 0xf000))
				STORE(&ctl->cons, x >> 3);
			break;
		case HOSTILE_CONSUMER:	/* cons and prod, any value */
			c = LOAD(&ctl->prod);
			STORE(&ctl->cons, x & 0x100 ? c - (x >> 20) : x);
			if (!(x & 0xf000))
				STORE(&ctl->prod, x >> 3);
			break;
		}
		h->rounds++;
	}
	return NULL;
}

static void hostile_start(struct hostile *h, pthread_t *t, unsigned char *a,
			  int what)
{
	*h = (struct hostile){ .area = a, .ctl = (struct mbuff_ring_ctl *)a,
			       .what = what };
	cr_assert_eq(pthread_create(t, NULL, hostile_run, h), 0);
}

static void hostile_stop(struct hostile *h, pthread_t t)
{
	STORE(&h->stop, 1);
	pthread_join(t, NULL);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

Test(raced, attach_while_the_control_page_changes)
{
	unsigned char *a = ring_area(0);
	unsigned long n = 0, ok = 0, bad_data = 0, bad_mask = 0, bad_idx = 0;
	long long end = now_ns() + RACE_NS;
	struct hostile h;
	struct mbuff_ring r;
	pthread_t t;

	hostile_start(&h, &t, a, HOSTILE_CTL);
	while (!(n & 1023) ? now_ns() < end : 1) {
		n++;
		if (k_attach(&r, a, AREA))
			continue;
		ok++;
		bad_data += r.data != a + MBUFF_RING_CTL_SIZE;
		bad_mask += r.mask != DATA - 1;
		bad_idx += r.prod - r.cons > DATA || ((r.prod | r.cons) & 7);
	}
	hostile_stop(&h, t);
	cr_log_info("%lu attaches, %lu accepted, %lu rewrites", n, ok, h.rounds);
	cr_expect_gt(ok, 0, "no attach accepted the ring");
	cr_expect_eq(bad_data, 0, "%lu of %lu attaches put the data elsewhere",
		     bad_data, ok);
	cr_expect_eq(bad_mask, 0, "%lu of %lu attaches took another size",
		     bad_mask, ok);
	cr_expect_eq(bad_idx, 0, "%lu of %lu attaches took bad indices",
		     bad_idx, ok);
	unguard(a, AREA);
}

/*
 * Every read, peek, consume and extent stays in the area and the buffer
 * given; the consumer's own index only ever moves by whole records.
 */
Test(raced, consume_from_a_hostile_producer)
{
	unsigned char *a = ring_area_of(XAREA, 0), *out = guarded(DATA);
	unsigned char *end = out + DATA, *x;
	unsigned long n = 0, got = 0, eio = 0, ext = 0;
	unsigned long bad_read = 0, bad_peek = 0, bad_ext = 0, bad_idx = 0;
	long long stop = now_ns() + RACE_NS;
	struct hostile h;
	struct mbuff_ring r;
	uint32_t s = 88172645U;
	const unsigned char *p;
	pthread_t t;
	__u32 cap, len;
	__u64 bytes;
	long ret;

	cr_assert_eq(mbuff_ring_attach(&r, a, XAREA), 0);
	hostile_start(&h, &t, a, HOSTILE_PRODUCER);
	while (!(n & 1023) ? now_ns() < stop : 1) {
		n++;
		cap = xorshift(&s) % (DATA + 1);
		/* Right before a guard page: a byte past @cap faults. */
		ret = k_read(&r, end - cap, cap);
		if (ret == -EIO)
			eio++;
		else if (ret >= 0)
			got++;
		bad_read += !(ret == -EAGAIN || ret == -EIO || ret == -EMSGSIZE ||
			      (ret >= 0 && ret <= cap));
		bad_idx += (r.cons & 7) != 0;
		p = k_peek(&r, &len);
		bad_idx += (r.cons & 7) != 0;
		if (!p) {
			k_consume(&r);
			continue;
		}
		if (p < r.data + REC || p + len > r.data + DATA ||
		    ((uintptr_t)p & 7)) {
			bad_peek++;
			continue;
		}
		memcpy(out, p, len);
		x = k_extent(&r, p, len, &bytes);
		if (x) {
			ext++;
			if (x < a + AREA || x > a + XAREA ||
			    bytes > (__u64)(a + XAREA - x))
				bad_ext++;
			else
				memcpy(out, x, bytes < DATA ? bytes : DATA);
		}
		k_consume(&r);
	}
	hostile_stop(&h, t);
	cr_log_info("%lu rounds: %lu records, %lu corrupt, %lu extents; %lu rewrites",
		    n, got, eio, ext, h.rounds);
	cr_expect_eq(bad_read, 0, "%lu reads said more than they could copy",
		     bad_read);
	cr_expect_eq(bad_peek, 0, "%lu peeks pointed outside the data",
		     bad_peek);
	cr_expect_eq(bad_ext, 0, "%lu extents outside the area's buffers",
		     bad_ext);
	cr_expect_eq(bad_idx, 0, "%lu times the consumer's index went off the alignment",
		     bad_idx);
	unguard(out, DATA);
	unguard(a, XAREA);
}

/*
 * Every write and reservation stays in the data, whatever the consumer's
 * index says; the producer's own index moves only as its records do.
 */
Test(raced, produce_for_a_hostile_consumer)
{
	static unsigned char buf[DATA];
	unsigned char *a = ring_area_of(XAREA, 0);
	unsigned long n = 0, put = 0, bad_write = 0, bad_free = 0;
	unsigned long bad_room = 0, bad_idx = 0, bad_ext = 0;
	long long stop = now_ns() + RACE_NS;
	uint32_t s = 521288629U, was, x;
	struct hostile h;
	struct mbuff_ring r;
	pthread_t t;
	__u64 off;
	__u32 len;
	void *pl;
	int ret;

	memset(buf, 0x3c, sizeof(buf));
	cr_assert_eq(mbuff_ring_attach(&r, a, XAREA), 0);
	hostile_start(&h, &t, a, HOSTILE_CONSUMER);
	while (!(n & 1023) ? now_ns() < stop : 1) {
		n++;
		x = xorshift(&s);
		len = x % (DATA + 1);
		was = r.prod;
		switch (x >> 30) {
		case 0:
			ret = k_write(&r, buf, len);
			break;
		case 1:
			off = x & 0x20000 ? (x >> 8) % (XAREA + 64) : x;
			ret = k_put_extent(&r, off, len);
			bad_ext += (ret == -EINVAL) != (off < AREA || off > XAREA ||
							len > XAREA - off);
			if (ret == -EINVAL)
				ret = 0;
			len = sizeof(struct mbuff_ring_extent);
			k_commit(&r);
			break;
		default:
			ret = k_reserve(&r, len, &pl);
			if (!ret) {
				bad_room += (unsigned char *)pl < r.data + REC ||
					(unsigned char *)pl + len > r.data + DATA;
				memset(pl, 0x3c, len);
			}
			k_commit(&r);
			break;
		}
		put += !ret && r.prod != was;
		bad_write += !(ret == 0 || ret == -EAGAIN || ret == -EMSGSIZE);
		if (!ret && r.prod != was)
			bad_idx += r.prod != next_index(was, len);
		else
			bad_idx += r.prod != was &&
				r.prod != was + DATA - (was & (DATA - 1));
		bad_free += k_free_bytes(&r) > DATA;
	}
	hostile_stop(&h, t);
	cr_log_info("%lu rounds: %lu records; %lu rewrites", n, put, h.rounds);
	cr_expect_gt(put, 0, "no record went in");
	cr_expect_eq(bad_write, 0, "%lu writes failed otherwise", bad_write);
	cr_expect_eq(bad_room, 0, "%lu reservations outside the data", bad_room);
	cr_expect_eq(bad_idx, 0, "%lu times the producer's index moved otherwise",
		     bad_idx);
	cr_expect_eq(bad_ext, 0, "%lu extents refused or taken wrongly", bad_ext);
	cr_expect_eq(bad_free, 0, "%lu times more room than the ring has",
		     bad_free);
	unguard(a, XAREA);
}
