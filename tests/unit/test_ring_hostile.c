// SPDX-License-Identifier: GPL-2.0-only
/* The ring and page markers, read while a hostile peer rewrites them. */
/*
 * Two kinds of test.  The traced ones are deterministic (x86-64 only):
 * the shared pages are made inaccessible, every access to them faults and
 * is single-stepped, so the test counts each load of each shared field in
 * the compiled code, and rewrites a field with a hostile value just
 * before its second load, the moment a peer racing the reader would.  A
 * reader that loads each field once never sees the hostile values.  The
 * raced ones run the reader against a thread that rewrites the shared
 * fields in a loop, with inaccessible pages around the area, so that any
 * access outside it faults.
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
#define WILD	0x10000000U	/* an offset, size or index far outside */

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

/* A guarded area holding a formatted ring, indices at @start. */
static unsigned char *ring_area(uint32_t start)
{
	unsigned char *a = guarded(AREA);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;

	cr_assert_eq(mbuff_ring_format(a, AREA), DATA);
	ctl->prod = start;
	ctl->cons = start;
	return a;
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

KCALL __u32 k_free_bytes(const struct mbuff_ring *r)
{
	return mbuff_ring_free_bytes(r);
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
 * can hide a second load, never make one up.
 */
struct watch {
	const char *what;
	void *addr;
	size_t size;
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

/*
 * Each watched word loaded at least @min times (0 would mean no tracing)
 * and at most once.  A load folded into a read-modify-write instruction
 * faults as a store and is not counted: pass @min 0 where that can be.
 */
static void loaded_once(const char *call, unsigned int min)
{
	for (unsigned int i = 0; i < tr.n; i++)
		cr_expect(tr.w[i].loads >= min && tr.w[i].loads <= 1,
			  "%s loads %s %u times", call, tr.w[i].what,
			  tr.w[i].loads);
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

#define WATCH(what, field, hostile, value) \
	{ what, &(field), sizeof(field), hostile, value, 0 }

/*
 * attach: the control page's fields, each checked and used; data_offset
 * and size become something else before a second load.
 */
Test(traced, attach_loads_each_field_once)
{
	unsigned char *a = ring_area(0);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct watch w[] = {
		WATCH("magic", ctl->magic, 0, 0),
		WATCH("version", ctl->version, 1, MBUFF_RING_VERSION + 1),
		WATCH("size", ctl->size, 1, 1U << 30),
		WATCH("data_offset", ctl->data_offset, 1, WILD),
	};
	struct mbuff_ring r;
	int ret;

	memset(&r, 0, sizeof(r));
	trace_setup(a, AREA);
	trace_watch(w, 4);
	TRACED(ret = k_attach(&r, a, AREA));
	trace_teardown();
	cr_assert_eq(ret, 0);
	cr_expect_eq(r.data, a + MBUFF_RING_CTL_SIZE,
		     "data at area + %td, not + %d", r.data - a,
		     MBUFF_RING_CTL_SIZE);
	cr_expect_eq(r.mask, DATA - 1, "mask %#x", r.mask);
	loaded_once("attach", 1);
	unguard(a, AREA);
}

/*
 * read: both indices and the header's length, before their second load:
 * prod runs far ahead, cons moves to the next record, the length grows.
 */
Test(traced, read_loads_indices_and_header_once)
{
	static const uint32_t starts[] = { 0, DATA - 16, 0xfffffff0U };
	unsigned char out[64], *cap_end = guarded(PAGE) + PAGE;

	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		unsigned char *a = ring_area(starts[s]);
		struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
		uint32_t c = starts[s];
		struct mbuff_ring r;
		long got;

		cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
		cr_assert_eq(mbuff_ring_write(&r, "first", 5), 0);
		cr_assert_eq(mbuff_ring_write(&r, "second record", 13), 0);
		{
			struct mbuff_ring_rec *rec =
				(struct mbuff_ring_rec *)(r.data + (c & r.mask));
			struct watch w[] = {
				WATCH("prod", ctl->prod, 1, c + WILD),
				WATCH("cons", ctl->cons, 1, c + 16),
				WATCH("the header's len", rec->len, 1, 40),
			};

			trace_setup(a, AREA);
			trace_watch(w, 3);
			/* A payload copied past 16 bytes runs into a guard page. */
			TRACED(got = k_read(&r, cap_end - 16, 16));
			cr_expect_eq(got, 5, "start %#x: read %ld", c, got);
			loaded_once("read", 1);
			trace_teardown();
		}
		cr_expect_arr_eq(cap_end - 16, "first", 5);
		cr_expect_eq(ctl->cons, c + 16, "start %#x: cons %#x", c,
			     ctl->cons);
		ctl->prod = c + 40;
		ctl->cons = c + 16;
		cr_expect_eq(mbuff_ring_read(&r, out, sizeof(out)), 13);
		unguard(a, AREA);
	}
	unguard(cap_end - PAGE, PAGE);
}

/* peek, then consume: the same, and consume frees what peek checked. */
Test(traced, peek_and_consume_load_once)
{
	unsigned char *a = ring_area(DATA - 32);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring_rec *rec;
	const void *p;
	struct mbuff_ring r;
	__u32 len;

	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	cr_assert_eq(mbuff_ring_write(&r, "abc", 3), 0);
	cr_assert_eq(mbuff_ring_write(&r, "defg", 4), 0);
	rec = (struct mbuff_ring_rec *)(r.data + DATA - 32);
	{
		struct watch w[] = {
			WATCH("prod", ctl->prod, 1, DATA - 32 + WILD),
			WATCH("cons", ctl->cons, 1, DATA - 32 + 8),
			WATCH("the header's len", rec->len, 1, 20),
		};

		trace_setup(a, AREA);
		trace_watch(w, 3);
		TRACED(p = k_peek(&r, &len));
		cr_expect_eq(p, r.data + DATA - 24, "peek at data + %td",
			     (const unsigned char *)p - r.data);
		cr_expect_eq(len, 3);
		loaded_once("peek", 1);

		/*
		 * consume: cons once (or folded into one add), and the
		 * length peek checked.
		 */
		ctl->cons = DATA - 32;
		trace_watch(w + 1, 1);
		TRACED(k_consume(&r));
		loaded_once("consume", 0);
		trace_teardown();
	}
	cr_expect_eq(ctl->cons, DATA - 32 + 16, "cons %#x", ctl->cons);
	unguard(a, AREA);
}

/* write: its own index and the consumer's, each once. */
Test(traced, write_loads_indices_once)
{
	unsigned char *a = ring_area(0);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct watch w[] = {
		WATCH("prod", ctl->prod, 1, 4),
		WATCH("cons", ctl->cons, 1, 0U - WILD),
	};
	struct mbuff_ring r;
	__u32 free_bytes;
	int ret;

	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	trace_setup(a, AREA);
	trace_watch(w, 2);
	TRACED(ret = k_write(&r, "hello", 5));
	cr_expect_eq(ret, 0);
	cr_expect_eq(ctl->prod, 16, "prod %#x", ctl->prod);
	loaded_once("write", 1);

	ctl->cons = 0;
	trace_watch(w, 2);
	TRACED(free_bytes = k_free_bytes(&r));
	cr_expect_eq(free_bytes, DATA - 16);
	loaded_once("free_bytes", 1);
	trace_teardown();
	unguard(a, AREA);
}

/* The marker words: each loaded once, by full() and by is_empty(). */
Test(traced, pagemark_loads_each_marker_once)
{
	unsigned char *pages = guarded(2 * PAGE);
	__u64 *h = (__u64 *)pages, *t = (__u64 *)(pages + PAGE - 16);
	struct mbuff_pagemark pm;
	struct watch w[] = {
		WATCH("tail[1]", t[1], 1, MBUFF_PAGEMARK_MAGIC1),
		WATCH("head[0]", h[0], 1, 0),
		WATCH("head[1]", h[1], 1, MBUFF_PAGEMARK_MAGIC1),
		WATCH("tail[0]", t[0], 1, 0),	/* not read by full() */
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
	loaded_once("full", 1);

	mbuff_pagemark_empty(&pm, 0);
	w[0].value = w[2].value = 0;
	trace_watch(w, 4);
	TRACED(ret = k_is_empty(&pm, 0));
	cr_expect_eq(ret, 1);
	loaded_once("is_empty", 1);
	trace_teardown();
	unguard(pages, 2 * PAGE);
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

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

#define STORE(p, v)	__atomic_store_n(p, v, __ATOMIC_RELAXED)
#define LOAD(p)		__atomic_load_n(p, __ATOMIC_RELAXED)

static void *hostile_run(void *arg)
{
	struct hostile *h = arg;
	struct mbuff_ring_ctl *ctl = h->ctl;
	uint32_t s = 2463534242U, x, c;
	__u32 *len;

	while (!LOAD(&h->stop)) {
		x = xorshift(&s);
		switch (h->what) {
		case HOSTILE_CTL:	/* the offset flips, the rest now and then */
			STORE(&ctl->data_offset, h->rounds & 1 ?
			      MBUFF_RING_CTL_SIZE : WILD);
			if (h->rounds & 0xff)
				break;
			STORE(&ctl->size, x & 0x10 ? DATA : 1U << 30);
			STORE(&ctl->version, x & 0x20 ? MBUFF_RING_VERSION : 2);
			break;
		case HOSTILE_PRODUCER:	/* headers and prod, any value */
			c = LOAD(&ctl->cons);
			len = (__u32 *)(h->area + MBUFF_RING_CTL_SIZE +
					((c + (x & 0x38)) & (DATA - 1) & ~7U));
			STORE(len, x & 0x100 ? x >> 20 : x);
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
	unsigned long n = 0, ok = 0, bad_data = 0, bad_mask = 0;
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
	}
	hostile_stop(&h, t);
	cr_log_info("%lu attaches, %lu accepted, %lu rewrites", n, ok, h.rounds);
	cr_expect_gt(ok, 0, "no attach accepted the ring");
	cr_expect_eq(bad_data, 0, "%lu of %lu attaches put the data elsewhere",
		     bad_data, ok);
	cr_expect_eq(bad_mask, 0, "%lu of %lu attaches took another size",
		     bad_mask, ok);
	unguard(a, AREA);
}

/* Every read, peek and consume stays in the area and the buffer given. */
Test(raced, consume_from_a_hostile_producer)
{
	unsigned char *a = ring_area(0), *out = guarded(DATA), *end = out + DATA;
	unsigned long n = 0, got = 0, eio = 0, bad_read = 0, bad_peek = 0;
	long long stop = now_ns() + RACE_NS;
	struct hostile h;
	struct mbuff_ring r;
	uint32_t s = 88172645U;
	const unsigned char *p;
	pthread_t t;
	__u32 cap, len;
	long ret;

	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
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
		p = k_peek(&r, &len);
		if (!p)
			continue;
		if (p < r.data || p + len > r.data + DATA) {
			bad_peek++;
			continue;
		}
		memcpy(out, p, len);
		k_consume(&r);
	}
	hostile_stop(&h, t);
	cr_log_info("%lu rounds: %lu records, %lu corrupt; %lu rewrites", n,
		    got, eio, h.rounds);
	cr_expect_eq(bad_read, 0, "%lu reads said more than they could copy",
		     bad_read);
	cr_expect_eq(bad_peek, 0, "%lu peeks pointed outside the data",
		     bad_peek);
	unguard(out, DATA);
	unguard(a, AREA);
}

/* Every write stays in the area, whatever the consumer's index says. */
Test(raced, produce_for_a_hostile_consumer)
{
	static unsigned char buf[DATA];
	unsigned char *a = ring_area(0);
	unsigned long n = 0, put = 0, bad_write = 0, bad_free = 0;
	long long stop = now_ns() + RACE_NS;
	uint32_t s = 521288629U;
	struct hostile h;
	struct mbuff_ring r;
	pthread_t t;
	__u32 len;
	int ret;

	memset(buf, 0x3c, sizeof(buf));
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	hostile_start(&h, &t, a, HOSTILE_CONSUMER);
	while (!(n & 1023) ? now_ns() < stop : 1) {
		n++;
		len = xorshift(&s) % (DATA + 1);
		ret = k_write(&r, buf, len);
		put += !ret;
		bad_write += !(ret == 0 || ret == -EAGAIN || ret == -EMSGSIZE);
		bad_free += k_free_bytes(&r) > DATA;
	}
	hostile_stop(&h, t);
	cr_log_info("%lu rounds: %lu records; %lu rewrites", n, put, h.rounds);
	cr_expect_eq(bad_write, 0, "%lu writes failed otherwise", bad_write);
	cr_expect_eq(bad_free, 0, "%lu times more room than the ring has",
		     bad_free);
	unguard(a, AREA);
}
