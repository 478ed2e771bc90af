// SPDX-License-Identifier: GPL-2.0-only
/* The ring, one thread: each call, errors, splits, doubled view, 2^32 wrap. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mbuff.h>

#define AREA	(2 * MBUFF_RING_CTL_SIZE)	/* 4 KiB of data */
#define DATA	(AREA - MBUFF_RING_CTL_SIZE)

static char *uname_(const char *base)
{
	static char buf[4][40];
	static int i;
	char *b = buf[i++ % 4];

	snprintf(b, 40, "%s-%d", base, getpid());
	return b;
}

/* The area a test made, removed even when an assertion ends the test. */
static const char *test_area;

static void process_only(void)
{
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
}

static void remove_area(void)
{
	if (test_area)
		mbuff_destroy(test_area, MBUFF_SOURCE_PROCESS);
}

/* A page-aligned area full of junk, so that format must clear the ctl. */
static void *area_new(size_t size)
{
	void *a = aligned_alloc(4096, size);

	cr_assert_not_null(a);
	memset(a, 0xa5, size);
	return a;
}

/* A formatted area of AREA bytes and a view of it, indices at @start. */
static void *ring_new(struct mbuff_ring *r, uint32_t start)
{
	void *a = area_new(AREA);
	struct mbuff_ring_ctl *ctl = a;

	cr_assert_eq(mbuff_ring_format(a, AREA), DATA);
	ctl->prod = start;
	ctl->cons = start;
	cr_assert_eq(mbuff_ring_attach(r, a, AREA), 0);
	return a;
}

static void pattern(unsigned char *buf, uint32_t len, unsigned int seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

Test(ring, format)
{
	struct mbuff_ring_ctl *ctl;
	void *a = area_new(4 * 4096);
	void *big;

	ctl = a;
	cr_assert_eq(mbuff_ring_format(a, 0), -EINVAL);
	cr_assert_eq(mbuff_ring_format(a, AREA - 1), -EINVAL);
	cr_assert_eq(ctl->magic, 0xa5a5a5a5, "a refused format wrote");
	cr_assert_eq(mbuff_ring_format(a, AREA), 4096);
	cr_assert_eq(ctl->magic, MBUFF_RING_MAGIC);
	cr_assert_eq(ctl->version, MBUFF_RING_VERSION);
	cr_assert_eq(ctl->size, 4096);
	cr_assert_eq(ctl->data_offset, MBUFF_RING_CTL_SIZE);
	cr_assert_eq(ctl->flags, 0);
	cr_assert_eq(ctl->prod, 0);
	cr_assert_eq(ctl->cons, 0);
	cr_assert_eq(ctl->prod_waiting, 0);
	cr_assert_eq(ctl->cons_waiting, 0);
	cr_assert_eq(ctl->reserved0[26], 0);
	cr_assert_eq(ctl->cons_pad[29], 0);
	/* The largest power of two that fits after the control page. */
	cr_assert_eq(mbuff_ring_format(a, 3 * 4096 - 1), 4096);
	cr_assert_eq(mbuff_ring_format(a, 3 * 4096), 8192);
	cr_assert_eq(mbuff_ring_format(a, 4 * 4096), 8192);
	free(a);

	/* Never more than 2^31 bytes of data, whatever the area. */
	if (sizeof(size_t) < 8)
		return;
	big = mmap(NULL, (1ULL << 32) + 2 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	cr_assert_neq(big, MAP_FAILED);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 32) + 2 * 4096), 1L << 31);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 31) + 4096 - 8), 1L << 30);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 31) + 4096), 1L << 31);
	munmap(big, (1ULL << 32) + 2 * 4096);
}

/* One bad field at a time: -EAGAIN for no ring (yet), -EINVAL for a bad one. */
Test(ring, attach_errors)
{
	static const uint32_t bad_sizes[] = { 0, 3000, 4097, 4, 8192 };
	struct mbuff_ring r = { 0 };
	void *a = area_new(AREA);
	struct mbuff_ring_ctl *ctl = a;

	memset(a, 0, AREA);
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EAGAIN, "zeroed area");
	mbuff_ring_format(a, AREA);
	ctl->magic ^= 1;
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EAGAIN, "bad magic");

	mbuff_ring_format(a, AREA);
	ctl->version = MBUFF_RING_VERSION + 1;
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EINVAL, "bad version");

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		mbuff_ring_format(a, AREA);
		ctl->size = bad_sizes[i];
		cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EINVAL,
			     "size %u", bad_sizes[i]);
	}
	mbuff_ring_format(a, AREA);
	ctl->data_offset = 0;
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EINVAL, "data_offset 0");
	ctl->data_offset = 2 * MBUFF_RING_CTL_SIZE;
	cr_assert_eq(mbuff_ring_attach(&r, a, 4 * AREA), -EINVAL,
		     "data_offset elsewhere");
	mbuff_ring_format(a, AREA);
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA - 1), -EINVAL,
		     "area smaller than the ring");
	cr_assert_null(r.ctl, "a refused attach filled the view");

	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	cr_assert_eq((void *)r.ctl, a);
	cr_assert_eq((void *)r.data, (char *)a + MBUFF_RING_CTL_SIZE);
	cr_assert_eq(r.mask, DATA - 1);
	cr_assert_eq(r.doubled, 0);
	free(a);
}

Test(ring, round_trip)
{
	static const char msg[] = "hello, ring";	/* 11 bytes and a NUL */
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);
	struct mbuff_ring_rec rec;
	char buf[64] = { 0 };
	const void *p;
	__u32 len;

	cr_assert_eq(mbuff_ring_footprint(0), 8);
	cr_assert_eq(mbuff_ring_footprint(1), 16);
	cr_assert_eq(mbuff_ring_footprint(8), 16);
	cr_assert_eq(mbuff_ring_footprint(9), 24);
	cr_assert_eq(mbuff_ring_free_bytes(&r), DATA);
	cr_assert_eq(mbuff_ring_write(&r, msg, 11), 0);
	cr_assert_eq(r.ctl->prod, 24);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 24);
	cr_assert_eq(mbuff_ring_free_bytes(&r), DATA - 24);
	memcpy(&rec, r.data, sizeof(rec));
	cr_assert_eq(rec.len, 11);
	cr_assert_eq(rec.flags, 0);
	cr_assert_arr_eq(r.data + 8, msg, 11);

	cr_assert_eq(mbuff_ring_read(&r, buf, sizeof(buf)), 11);
	cr_assert_str_eq(buf, "hello, ring");
	cr_assert_eq(r.ctl->cons, 24);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 0);

	/* Zero bytes are a record too; peek tells it from "empty". */
	cr_assert_eq(mbuff_ring_write(&r, msg, 0), 0);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 8);
	len = 99;
	p = mbuff_ring_peek(&r, &len);
	cr_assert_eq(p, r.data + 32);
	cr_assert_eq(len, 0);
	mbuff_ring_consume(&r);
	cr_assert_eq(r.ctl->cons, 32);

	/* Peek and consume a record in place. */
	cr_assert_eq(mbuff_ring_write(&r, msg, 12), 0);
	p = mbuff_ring_peek(&r, &len);
	cr_assert_eq(len, 12);
	cr_assert_eq(p, r.data + 40);
	cr_assert_str_eq(p, msg);
	cr_assert_eq(r.ctl->cons, 32, "peek consumed");
	mbuff_ring_consume(&r);
	cr_assert_eq(r.ctl->cons, 56);
	cr_assert_eq(mbuff_ring_read(&r, buf, sizeof(buf)), -EAGAIN);
	free(a);
}

Test(ring, full_and_empty)
{
	unsigned char buf[128], out[128];
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);
	__u32 len = 7, want;
	const void *p;
	int n;

	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EAGAIN);
	cr_assert_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(len, 0);

	/* 100 bytes take 112: 36 fit in 4096, leaving 64. */
	for (n = 0;; n++) {
		pattern(buf, 100, n);
		if (mbuff_ring_write(&r, buf, 100))
			break;
	}
	cr_assert_eq(n, DATA / 112);
	cr_assert_eq(mbuff_ring_write(&r, buf, 100), -EAGAIN);
	cr_assert_eq(r.ctl->prod, 36 * 112, "a refused write moved prod");
	cr_assert_eq(mbuff_ring_free_bytes(&r), 64);
	cr_assert_eq(mbuff_ring_write(&r, buf, 57), -EAGAIN, "57 bytes take 72");
	pattern(buf, 56, 36);
	cr_assert_eq(mbuff_ring_write(&r, buf, 56), 0, "56 bytes take 64");
	cr_assert_eq(mbuff_ring_free_bytes(&r), 0);
	cr_assert_eq(mbuff_ring_used_bytes(&r), DATA);
	cr_assert_eq(mbuff_ring_write(&r, buf, 0), -EAGAIN);

	/* One read makes room for exactly one more record. */
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 100);
	pattern(buf, 100, 0);
	cr_assert_arr_eq(out, buf, 100);
	pattern(buf, 100, 37);
	cr_assert_eq(mbuff_ring_write(&r, buf, 100), 0);
	cr_assert_eq(mbuff_ring_write(&r, buf, 0), -EAGAIN);

	/* Everything comes out once, in order. */
	for (n = 1; n <= 37; n++) {
		want = n == 36 ? 56 : 100;
		pattern(buf, want, n);
		p = mbuff_ring_peek(&r, &len);
		cr_assert_not_null(p, "record %d", n);
		cr_assert_eq(len, want, "record %d", n);
		cr_assert_arr_eq(p, buf, len, "record %d", n);
		mbuff_ring_consume(&r);
	}
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EAGAIN);
	cr_assert_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(mbuff_ring_used_bytes(&r), 0);
	free(a);
}

Test(ring, msgsize)
{
	static unsigned char buf[DATA], out[DATA];
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);

	cr_assert_eq(mbuff_ring_write(&r, buf, 1), 0);
	/* Never fits: -EMSGSIZE even when the ring has no room now. */
	cr_assert_eq(mbuff_ring_write(&r, buf, DATA - 7), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_write(&r, buf, 0xffffffffU), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_write(&r, buf, 0xfffffff9U), -EMSGSIZE,
		     "the rounded length wraps to 0");
	cr_assert_eq(mbuff_ring_write(&r, buf, DATA - 8), -EAGAIN);
	cr_assert_eq(r.ctl->prod, 16);
	cr_assert_eq(mbuff_ring_read(&r, out, 1), 1);

	/* The largest record fills the ring alone. */
	pattern(buf, DATA - 8, 5);
	cr_assert_eq(mbuff_ring_write(&r, buf, DATA - 8), 0);
	cr_assert_eq(mbuff_ring_free_bytes(&r), 0);

	/* Too small a buffer leaves the record where it is. */
	cr_assert_eq(mbuff_ring_read(&r, out, DATA - 9), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_read(&r, out, 0), -EMSGSIZE);
	cr_assert_eq(r.ctl->cons, 16);
	cr_assert_eq(mbuff_ring_used_bytes(&r), DATA);
	cr_assert_eq(mbuff_ring_read(&r, out, DATA - 8), DATA - 8);
	cr_assert_arr_eq(out, buf, DATA - 8);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 0);
	free(a);
}

Test(ring, corrupt_header_is_eio)
{
	struct mbuff_ring_rec rec;
	unsigned char out[64];
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);

	cr_assert_eq(mbuff_ring_write(&r, "abc", 3), 0);
	rec.len = 9;	/* 24 bytes, more than were written */
	rec.flags = 0;
	memcpy(r.data, &rec, sizeof(rec));
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	rec.len = 0xfffffffcU;	/* its footprint wraps to 8 */
	memcpy(r.data, &rec, sizeof(rec));
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	cr_assert_eq(r.ctl->cons, 0);
	rec.len = 3;
	memcpy(r.data, &rec, sizeof(rec));
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 3);
	cr_assert_arr_eq(out, "abc", 3);
	free(a);
}

/* Records that run past the end of the data, in a plain view. */
Test(ring, split_records)
{
	unsigned char buf[128], out[128];
	struct mbuff_ring r;
	void *a = ring_new(&r, DATA - 16);
	const void *p;
	__u32 len;

	/* Header in the last 16 bytes, then 8 payload bytes, then 92 at 0. */
	pattern(buf, 100, 1);
	cr_assert_eq(mbuff_ring_write(&r, buf, 100), 0);
	cr_assert_arr_eq(r.data + DATA - 8, buf, 8);
	cr_assert_arr_eq(r.data, buf + 8, 92);
	p = mbuff_ring_peek(&r, &len);
	cr_assert_null(p, "a split record in place");
	cr_assert_eq(len, 100);
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 100);
	cr_assert_arr_eq(out, buf, 100);
	free(a);

	/*
	 * Records are 8-aligned and a header is 8 bytes, so a header is never
	 * split: only indices set off the alignment would split one, and the
	 * consumer takes those for corruption (ring_untrusted).
	 */

	/* A payload that ends at the very end, and one that starts at 0. */
	a = ring_new(&r, DATA - 104);
	pattern(buf, 96, 2);
	cr_assert_eq(mbuff_ring_write(&r, buf, 96), 0);
	p = mbuff_ring_peek(&r, &len);
	cr_assert_eq(p, r.data + DATA - 96);
	cr_assert_eq(len, 96);
	cr_assert_arr_eq(p, buf, 96);
	mbuff_ring_consume(&r);
	cr_assert_eq(r.ctl->cons, DATA);
	free(a);

	a = ring_new(&r, DATA - 8);
	pattern(buf, 50, 3);
	cr_assert_eq(mbuff_ring_write(&r, buf, 50), 0);
	p = mbuff_ring_peek(&r, &len);
	cr_assert_eq(p, r.data);
	cr_assert_arr_eq(p, buf, 50);
	mbuff_ring_consume(&r);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 0);
	free(a);
}

/* The same through mbuff_area_ring_attach(): plain and doubled views. */
Test(ring, doubled_view, .init = process_only, .fini = remove_area)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	unsigned char buf[128], out[128];
	struct mbuff_ring plain, dbl, other;
	const char *n = test_area = uname_("ring-dbl");
	struct mbuff_area *area, *second;
	const unsigned char *p;
	__u32 len;

	cr_assert_eq(mbuff_area_open(n, AREA, &o, &area), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_ring_attach(area, &plain, 0), -EAGAIN);
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(mbuff_area_ring_attach(area, &plain, MBUFF_RING_VIEW_DOUBLED),
		     -EAGAIN);
	cr_assert_eq(mbuff_ring_format(mbuff_area_addr(area), mbuff_area_size(area)),
		     DATA);
	cr_assert_eq(mbuff_area_ring_attach(area, &plain, 2), -EINVAL);
	cr_assert_eq(mbuff_area_ring_attach(area, &plain, 0), 0);
	cr_assert_eq(plain.doubled, 0);
	cr_assert_eq((void *)plain.ctl, mbuff_area_addr(area));
	cr_assert_eq(mbuff_area_ring_attach(area, &dbl, MBUFF_RING_VIEW_DOUBLED), 0,
		     "%s", mbuff_last_error());
	cr_assert_eq(dbl.doubled, 1);
	cr_assert_eq(dbl.mask, DATA - 1);
	cr_assert_neq((void *)dbl.ctl, mbuff_area_addr(area));
	cr_assert_eq(mbuff_area_ring_attach(area, &other, MBUFF_RING_VIEW_DOUBLED),
		     -EBUSY, "one doubled view per handle");
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &second), 0);
	cr_assert_eq(mbuff_area_ring_attach(second, &other, MBUFF_RING_VIEW_DOUBLED),
		     0, "another handle, another view");

	plain.ctl->prod = DATA - 16;
	plain.ctl->cons = DATA - 16;
	cr_assert_eq(dbl.ctl->prod, DATA - 16, "the views share the control page");

	/* Split in the plain view, whole in the doubled one. */
	pattern(buf, 100, 4);
	cr_assert_eq(mbuff_ring_write(&plain, buf, 100), 0);
	cr_assert_null(mbuff_ring_peek(&plain, &len));
	cr_assert_eq(len, 100);
	p = mbuff_ring_peek(&dbl, &len);
	cr_assert_eq(p, dbl.data + DATA - 8);
	cr_assert_eq(len, 100);
	cr_assert_arr_eq(p, buf, 100);
	p = mbuff_ring_peek(&other, &len);
	cr_assert_arr_eq(p, buf, 100, "the view of the second handle");
	mbuff_ring_consume(&dbl);
	cr_assert_eq(plain.ctl->cons, DATA - 16 + 112);
	cr_assert_eq(mbuff_ring_used_bytes(&plain), 0);

	/* Written in one piece through the doubled view, split in memory. */
	plain.ctl->prod = DATA - 16;
	plain.ctl->cons = DATA - 16;
	pattern(buf, 120, 5);
	cr_assert_eq(mbuff_ring_write(&dbl, buf, 120), 0);
	cr_assert_arr_eq(plain.data + DATA - 8, buf, 8);
	cr_assert_arr_eq(plain.data, buf + 8, 112);
	cr_assert_eq(mbuff_ring_read(&plain, out, sizeof(out)), 120);
	cr_assert_arr_eq(out, buf, 120);

	mbuff_area_close(second);
	mbuff_area_close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* Free-running 32-bit indices across 2^32, set before anything is written. */
Test(ring, index_wrap)
{
	unsigned char buf[320], out[320];
	const uint32_t start = 0xffffff00U;
	uint32_t total, inring, len;
	unsigned int sent, got = 0;
	struct mbuff_ring r;
	void *a = ring_new(&r, start);

	/* 208 bytes each: the second record crosses 2^32. */
	pattern(buf, 200, 0);
	cr_assert_eq(mbuff_ring_write(&r, buf, 200), 0);
	cr_assert_eq(r.ctl->prod, 0xffffffd0U);
	pattern(buf, 200, 1);
	cr_assert_eq(mbuff_ring_write(&r, buf, 200), 0);
	cr_assert_eq(r.ctl->prod, 0xa0);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 416);
	cr_assert_eq(mbuff_ring_free_bytes(&r), DATA - 416);
	sent = 2;
	total = 416;
	inring = 416;

	/* 5000 records of 1..300 bytes, up to three in for one out. */
	while (got < 5000) {
		while (sent < 5000) {
			len = 1 + (sent * 7919) % 300;
			pattern(buf, len, sent);
			if (mbuff_ring_write(&r, buf, len))
				break;
			total += mbuff_ring_footprint(len);
			inring += mbuff_ring_footprint(len);
			sent++;
			if (sent % 3 == 0)
				break;
		}
		cr_assert_eq(mbuff_ring_used_bytes(&r), inring, "record %u", got);
		cr_assert_eq(mbuff_ring_free_bytes(&r), DATA - inring);
		len = got < 2 ? 200 : 1 + (got * 7919) % 300;
		pattern(buf, len, got);
		cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), len,
			     "record %u", got);
		cr_assert_arr_eq(out, buf, len, "record %u", got);
		inring -= mbuff_ring_footprint(len);
		got++;
	}
	cr_assert_eq(r.ctl->prod, start + total);
	cr_assert_eq(r.ctl->cons, start + total);
	cr_assert_lt(r.ctl->cons, start, "the indices did not wrap");
	cr_assert_eq(mbuff_ring_used_bytes(&r), 0);
	cr_assert_eq(mbuff_ring_free_bytes(&r), DATA);
	free(a);
}

Test(ring, consumer_waiting_flag)
{
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);
	unsigned char out[16];

	cr_assert_eq(mbuff_ring_wake_consumer(&r), 0, "nobody sleeps");
	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 1, "empty: sleep");
	cr_assert_eq(r.ctl->cons_waiting, 1);
	cr_assert_eq(r.ctl->prod_waiting, 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 1);
	cr_assert_eq(r.ctl->cons_waiting, 0, "the waker clears the flag");
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 0, "one wake-up per sleep");

	cr_assert_eq(mbuff_ring_write(&r, "x", 1), 0);
	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 0, "data: do not sleep");
	cr_assert_eq(r.ctl->cons_waiting, 0, "flag left set");
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 0);

	/* Sleeps on an empty ring; a record then comes. */
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 1);
	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 1);
	cr_assert_eq(mbuff_ring_write(&r, "y", 1), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 1);
	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 0);
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 1);
	cr_assert_eq(out[0], 'y');
	free(a);
}

Test(ring, producer_waiting_flag)
{
	unsigned char buf[100] = { 0 }, out[100];
	struct mbuff_ring r;
	void *a = ring_new(&r, 0);

	cr_assert_eq(mbuff_ring_wake_producer(&r), 0, "nobody sleeps");
	cr_assert_eq(mbuff_ring_producer_sleep(&r, DATA), 0, "room: no sleep");
	cr_assert_eq(r.ctl->prod_waiting, 0, "flag left set");

	while (!mbuff_ring_write(&r, buf, 100))
		;
	cr_assert_eq(mbuff_ring_free_bytes(&r), 64);
	cr_assert_eq(mbuff_ring_producer_sleep(&r, 64), 0, "64 bytes fit");
	cr_assert_eq(r.ctl->prod_waiting, 0);
	cr_assert_eq(mbuff_ring_producer_sleep(&r, 112), 1, "112 do not");
	cr_assert_eq(r.ctl->prod_waiting, 1);
	cr_assert_eq(r.ctl->cons_waiting, 0);
	cr_assert_eq(mbuff_ring_wake_producer(&r), 1);
	cr_assert_eq(r.ctl->prod_waiting, 0, "the waker clears the flag");
	cr_assert_eq(mbuff_ring_wake_producer(&r), 0, "one wake-up per sleep");

	/* Sleeps on a full ring; a read then makes room. */
	cr_assert_eq(mbuff_ring_producer_sleep(&r, 112), 1);
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 100);
	cr_assert_eq(mbuff_ring_wake_producer(&r), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&r, 112), 0);
	cr_assert_eq(mbuff_ring_write(&r, buf, 100), 0);
	free(a);
}

/* The flags and the process source's wait/notify together, in one thread. */
Test(ring, wait_notify_protocol, .init = process_only, .fini = remove_area)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	struct mbuff_area *cons_area, *prod_area;
	const char *n = test_area = uname_("ring-wait");
	struct mbuff_ring r;
	unsigned char out[16];

	cr_assert_eq(mbuff_area_open(n, AREA, &o, &cons_area), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &prod_area), 0);
	mbuff_ring_format(mbuff_area_addr(cons_area), AREA);
	cr_assert_eq(mbuff_area_ring_attach(cons_area, &r, 0), 0);

	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 1);
	cr_assert_eq(mbuff_area_wait(cons_area, 0), -ETIMEDOUT);
	cr_assert_eq(mbuff_ring_write(&r, "a", 1), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 1);
	cr_assert_eq(mbuff_area_notify(prod_area), 0);
	cr_assert_geq(mbuff_area_wait(cons_area, 1000), 0, "%s",
		      mbuff_last_error());
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 1);

	/* Nobody waits: no wake-up is asked for, nothing is sent. */
	cr_assert_eq(mbuff_ring_write(&r, "b", 1), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&r), 0);
	cr_assert_eq(mbuff_area_wait(cons_area, 0), -ETIMEDOUT);
	cr_assert_eq(mbuff_ring_consumer_sleep(&r), 0);

	mbuff_area_close(prod_area);
	mbuff_area_close(cons_area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/*
 * A consumer that does not trust its producer: indices or headers that
 * claim more than was produced make the ring corrupt (-EIO), and never
 * make the consumer read or move outside it.
 */
#define BAD_AREA	8192
#define BAD_DATA	4096

static void *bad_ring_new(struct mbuff_ring *r)
{
	void *a = aligned_alloc(4096, BAD_AREA);

	memset(a, 0, BAD_AREA);
	cr_assert_eq(mbuff_ring_format(a, BAD_AREA), BAD_DATA);
	cr_assert_eq(mbuff_ring_attach(r, a, BAD_AREA), 0);
	return a;
}

Test(ring_untrusted, prod_more_than_a_ring_ahead)
{
	static unsigned char out[65536];
	struct mbuff_ring_rec rec = { .len = 60000 };
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);
	__u32 len;

	memcpy(r.data, &rec, sizeof(rec));
	r.ctl->prod = 65536;
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	cr_assert_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(len, MBUFF_RING_CORRUPT);
	free(a);
}

Test(ring_untrusted, header_length_that_wraps)
{
	struct mbuff_ring_rec rec = { .len = 0xfffffff8U };
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);
	char out[16];
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&r, "x", 1), 0);
	memcpy(r.data, &rec, sizeof(rec));
	cr_assert_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(len, MBUFF_RING_CORRUPT);
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	free(a);
}

Test(ring_untrusted, header_longer_than_produced)
{
	struct mbuff_ring_rec rec = { .len = 100 };
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&r, "x", 1), 0);
	memcpy(r.data, &rec, sizeof(rec));
	cr_assert_null(mbuff_ring_peek(&r, &len));
	mbuff_ring_consume(&r);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 16, "cons did not move");
	free(a);
}

Test(ring_untrusted, consume_uses_the_length_peek_checked)
{
	struct mbuff_ring_rec rec = { .len = 1000 };
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&r, "abc", 3), 0);
	cr_assert_eq(mbuff_ring_write(&r, "defg", 4), 0);
	cr_assert_not_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(len, 3);
	/* The producer rewrites the header between peek and consume. */
	memcpy(r.data, &rec, sizeof(rec));
	mbuff_ring_consume(&r);
	cr_assert_eq(mbuff_ring_used_bytes(&r), 16, "only the peeked 16 bytes freed");
	free(a);
}

Test(ring_untrusted, indices_off_the_alignment)
{
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);
	char out[16];
	__u32 len;

	/* A consumer index off the alignment: the header would be split. */
	r.ctl->prod = BAD_DATA - 4 + 16;
	r.ctl->cons = BAD_DATA - 4;
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	cr_assert_null(mbuff_ring_peek(&r, &len));
	cr_assert_eq(len, MBUFF_RING_CORRUPT);
	cr_assert_eq(r.ctl->cons, BAD_DATA - 4, "cons moved");

	/* A producer index that publishes part of a record. */
	r.ctl->prod = 0;
	r.ctl->cons = 0;
	cr_assert_eq(mbuff_ring_write(&r, "abcdefgh", 8), 0);
	r.ctl->prod = 12;
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), -EIO);
	r.ctl->prod = 16;
	cr_assert_eq(mbuff_ring_read(&r, out, sizeof(out)), 8);
	cr_assert_arr_eq(out, "abcdefgh", 8);
	free(a);
}

/* The producer trusts the consumer's index no more than it must. */
Test(ring_untrusted, consumer_index_out_of_range)
{
	struct mbuff_ring r;
	void *a = bad_ring_new(&r);

	cr_assert_eq(mbuff_ring_write(&r, "x", 1), 0);
	r.ctl->cons = 17;	/* ahead of prod */
	cr_assert_eq(mbuff_ring_free_bytes(&r), 0);
	cr_assert_eq(mbuff_ring_write(&r, "y", 1), -EAGAIN);
	r.ctl->cons = 16 - BAD_DATA - 8;	/* more than a ring behind */
	cr_assert_eq(mbuff_ring_free_bytes(&r), 0);
	cr_assert_eq(mbuff_ring_write(&r, "y", 1), -EAGAIN);
	cr_assert_eq(r.ctl->prod, 16, "a refused write moved prod");
	r.ctl->cons = 16 - BAD_DATA;	/* exactly a ring behind: full */
	cr_assert_eq(mbuff_ring_free_bytes(&r), 0);
	r.ctl->cons = 0;
	cr_assert_eq(mbuff_ring_free_bytes(&r), BAD_DATA - 16);
	free(a);
}
