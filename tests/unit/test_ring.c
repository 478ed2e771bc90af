// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring, one thread, format 2: each call and its errors, records
 * reserved and filled in place and published by one commit, records
 * peeked in place and freed by one consume, pads at the end of the data,
 * the smallest rings over many laps and the 2^32 wrap, the waiting flags.
 * Every test gives each side its own view, as two programs have.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mbuff.h>

#include "ring_area.h"

#define AREA	(2 * MBUFF_RING_CTL_SIZE)	/* 4 KiB of data */
#define DATA	(AREA - MBUFF_RING_CTL_SIZE)
#define REC	((uint32_t)sizeof(struct mbuff_ring_rec))
#define PAGE	4096
/* Indices 16 laps of DATA before 2^32: every run of more laps crosses it. */
#define WRAP_START	(0U - 16 * DATA)

/*
 * @len bytes of junk (so that format must clear the control page) between
 * two pages nobody may touch: a call that reads or writes past the data
 * ends the test with a fault.
 */
static unsigned char *area_new(size_t len)
{
	unsigned char *p = mmap(NULL, len + 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + PAGE, len, PROT_READ | PROT_WRITE), 0);
	memset(p + PAGE, 0xa5, len);
	return p + PAGE;
}

static void area_free(void *a, size_t len)
{
	munmap((unsigned char *)a - PAGE, len + 2 * PAGE);
}

/*
 * A formatted ring of DATA bytes, both indices at @start, and a view for
 * each side: @p the producer's, @c the consumer's.
 */
static unsigned char *ring_new(struct mbuff_ring *p, struct mbuff_ring *c,
			       uint32_t start)
{
	unsigned char *a = area_new(AREA);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;

	cr_assert_eq(mbuff_ring_format(a, AREA), DATA);
	ctl->prod = start;
	ctl->cons = start;
	cr_assert_eq(mbuff_ring_attach(p, a, AREA), 0);
	cr_assert_eq(mbuff_ring_attach(c, a, AREA), 0);
	return a;
}

static void pattern(unsigned char *buf, uint32_t len, unsigned int seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

/* The header at @off in the data, as the other side would read it. */
static struct mbuff_ring_rec header_at(const struct mbuff_ring *r, uint32_t off)
{
	struct mbuff_ring_rec rec;

	memcpy(&rec, r->data + off, sizeof(rec));
	return rec;
}

static void header_put(struct mbuff_ring *r, uint32_t off, uint32_t len,
		       uint32_t flags)
{
	struct mbuff_ring_rec rec = { .len = len, .flags = flags };

	memcpy(r->data + off, &rec, sizeof(rec));
}

/* @n records of @len bytes, each copied in and published. */
static void write_n(struct mbuff_ring *p, unsigned int n, uint32_t len)
{
	unsigned char buf[DATA];

	for (unsigned int i = 0; i < n; i++) {
		pattern(buf, len, i);
		cr_assert_eq(mbuff_ring_write(p, buf, len), 0, "record %u", i);
	}
}

/* @n records of @len bytes copied out and freed, checked against write_n(). */
static void read_n(struct mbuff_ring *c, unsigned int first, unsigned int n,
		   uint32_t len)
{
	unsigned char buf[DATA], out[DATA];

	for (unsigned int i = first; i < first + n; i++) {
		pattern(buf, len, i);
		cr_assert_eq(mbuff_ring_read(c, out, sizeof(out)), len,
			     "record %u", i);
		cr_assert_arr_eq(out, buf, len, "record %u", i);
	}
}

Test(ring, format_clears_the_control_page_and_picks_the_size)
{
	struct mbuff_ring_ctl *ctl;
	unsigned char *a = area_new(4 * PAGE);
	void *big;

	ctl = (struct mbuff_ring_ctl *)a;
	cr_assert_eq(mbuff_ring_format(a, 0), -EINVAL);
	cr_assert_eq(mbuff_ring_format(a, AREA - 1), -EINVAL);
	cr_assert_eq(ctl->magic, 0xa5a5a5a5, "a refused format wrote");
	cr_assert_eq(mbuff_ring_format(a, AREA), 4096);
	cr_assert_eq(ctl->magic, MBUFF_RING_MAGIC);
	cr_assert_eq(ctl->version, MBUFF_RING_VERSION);
	cr_assert_eq(ctl->version, 2);
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
	area_free(a, 4 * PAGE);

	/* Never more than 2^31 bytes of data, whatever the area. */
	if (sizeof(size_t) < 8)
		return;
	big = mmap(NULL, (1ULL << 32) + 2 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	cr_assert_neq(big, MAP_FAILED);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 32) + 2 * 4096), 1L << 31);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 31) + 4096 - 8), 1L << 30);
	cr_assert_eq(mbuff_ring_format(big, (1ULL << 31) + 4096), 1L << 31);
	cr_assert_eq(mbuff_ring_format_size(big, (1ULL << 32) + 2 * 4096,
					    1U << 31), 1L << 31);
	munmap(big, (1ULL << 32) + 2 * 4096);
}

/* A data size asked for: a power of two of a page or more that fits. */
Test(ring, format_size_takes_the_size_asked_for)
{
	static const uint32_t bad[] = { 1, 8, 2048, 4095, 6144, 12288, 16384,
					1U << 31 };
	unsigned char *a = area_new(4 * PAGE);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(mbuff_ring_format_size(a, 4 * PAGE, bad[i]), -EINVAL,
			     "data size %u", bad[i]);
		cr_assert_eq(ctl->magic, 0xa5a5a5a5, "a refused format wrote");
	}
	cr_assert_eq(mbuff_ring_format_size(a, AREA - 1, 4096), -EINVAL);
	cr_assert_eq(mbuff_ring_format_size(a, 4 * PAGE, 0), 8192,
		     "0: the largest that fits");
	cr_assert_eq(mbuff_ring_format_size(a, 4 * PAGE, 8192), 8192);
	cr_assert_eq(ctl->size, 8192);

	/* The rest of the area is left to the buffers of extent records. */
	memset(a + 2 * PAGE, 0x3c, 2 * PAGE);
	cr_assert_eq(mbuff_ring_format_size(a, 4 * PAGE, 4096), 4096);
	cr_assert_eq(ctl->size, 4096);
	cr_assert_eq(ctl->data_offset, MBUFF_RING_CTL_SIZE);
	cr_assert_eq(a[2 * PAGE], 0x3c, "format wrote past the control page");
	cr_assert_eq(a[4 * PAGE - 1], 0x3c);
	cr_assert_eq(mbuff_ring_attach(&r, a, 4 * PAGE), 0);
	cr_assert_eq(r.mask, 4095);
	cr_assert_eq(r.area, a);
	cr_assert_eq(r.area_size, 4 * PAGE);
	area_free(a, 4 * PAGE);
}

/*
 * One bad field at a time: -EAGAIN for no ring (yet), -EPROTO for another
 * format, -EINVAL for a bad one or indices no producer could have left.
 */
Test(ring, attach_refuses_what_is_not_a_ring_of_format_2)
{
	static const uint32_t bad_sizes[] = { 0, 3000, 4097, 4, 8192 };
	static const uint32_t versions[] = { 0, 1, 3, 0xffffffffU };
	static const struct { uint32_t prod, cons; const char *what; } bad_idx[] = {
		{ 4, 0, "prod off the alignment" },
		{ 8, 4, "cons off the alignment" },
		{ DATA + 8, 0, "more than a ring apart" },
		{ 0, 8, "cons ahead of prod" },
		{ 0x80000000U, 0, "half the index space apart" },
	};
	struct mbuff_ring r = { 0 };
	unsigned char *a = area_new(AREA);
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;

	memset(a, 0, AREA);
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EAGAIN, "zeroed area");
	mbuff_ring_format(a, AREA);
	ctl->magic ^= 1;
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EAGAIN, "bad magic");

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		mbuff_ring_format(a, AREA);
		ctl->version = versions[i];
		cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EPROTO,
			     "version %u", versions[i]);
	}
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
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EINVAL,
		     "data_offset elsewhere");
	mbuff_ring_format(a, AREA);
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA - 1), -EINVAL,
		     "area smaller than the ring");
	for (size_t i = 0; i < sizeof(bad_idx) / sizeof(bad_idx[0]); i++) {
		mbuff_ring_format(a, AREA);
		ctl->prod = bad_idx[i].prod;
		ctl->cons = bad_idx[i].cons;
		cr_assert_eq(mbuff_ring_attach(&r, a, AREA), -EINVAL, "%s",
			     bad_idx[i].what);
	}
	cr_assert_null(r.ctl, "a refused attach filled the view");

	/* A full ring, its indices across 2^32: taken as they are. */
	mbuff_ring_format(a, AREA);
	ctl->prod = DATA - 16;
	ctl->cons = 0U - 16;
	cr_assert_eq(mbuff_ring_attach(&r, a, AREA), 0);
	cr_assert_eq((void *)r.ctl, a);
	cr_assert_eq(r.data, a + MBUFF_RING_CTL_SIZE);
	cr_assert_eq(r.mask, DATA - 1);
	cr_assert_eq(r.doubled, 0);
	cr_assert_eq(r.pending, 0);
	cr_assert_eq(r.prod, DATA - 16);
	cr_assert_eq(r.cons, 0U - 16);
	cr_assert_eq(r.rec_flags, 0);
	cr_assert_eq(r.area, a);
	cr_assert_eq(r.area_size, AREA);
	area_free(a, AREA);
}

Test(ring, write_then_read_and_peek_in_place)
{
	static const char msg[] = "hello, ring";	/* 11 bytes and a NUL */
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	struct mbuff_ring_rec rec;
	char buf[64] = { 0 };
	const void *q;
	__u32 len;

	cr_assert_eq(mbuff_ring_footprint(0), 8);
	cr_assert_eq(mbuff_ring_footprint(1), 16);
	cr_assert_eq(mbuff_ring_footprint(8), 16);
	cr_assert_eq(mbuff_ring_footprint(9), 24);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);
	cr_assert_eq(mbuff_ring_write(&p, msg, 11), 0);
	cr_assert_eq(p.ctl->prod, 24);
	cr_assert_eq(p.prod, 24);
	cr_assert_eq(p.pending, 0, "write leaves nothing unpublished");
	cr_assert_eq(mbuff_ring_used_bytes(&c), 24);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA - 24);
	rec = header_at(&p, 0);
	cr_assert_eq(rec.len, 11);
	cr_assert_eq(rec.flags, 0);
	cr_assert_arr_eq(p.data + 8, msg, 11);

	cr_assert_eq(mbuff_ring_read(&c, buf, sizeof(buf)), 11);
	cr_assert_str_eq(buf, "hello, ring");
	cr_assert_eq(c.ctl->cons, 24);
	cr_assert_eq(c.cons, 24);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);

	/* Zero bytes are a record too; peek tells it from "empty". */
	cr_assert_eq(mbuff_ring_write(&p, msg, 0), 0);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 8);
	len = 99;
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + 32);
	cr_assert_eq(len, 0);
	cr_assert_eq(c.ctl->cons, 24, "peek freed the record");
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, 32);

	/* Peek and consume a record in place. */
	cr_assert_eq(mbuff_ring_write(&p, msg, 12), 0);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(len, 12);
	cr_assert_eq(q, c.data + 40);
	cr_assert_str_eq(q, msg);
	cr_assert_eq(c.rec_flags, 0);
	cr_assert_eq(c.ctl->cons, 32, "peek freed the record");
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, 56);
	cr_assert_eq(mbuff_ring_read(&c, buf, sizeof(buf)), -EAGAIN);
	area_free(a, AREA);
}

/* Reserve several, fill them in any order; one commit publishes them all. */
Test(ring, reserve_fills_in_place_and_one_commit_publishes_all)
{
	static const uint32_t lens[] = { 5, 16, 0, 100 };
	unsigned char buf[128];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *pl[4];
	uint32_t off = 0;
	const void *q;
	__u32 len;

	for (int i = 0; i < 4; i++) {
		cr_assert_eq(mbuff_ring_reserve(&p, lens[i], &pl[i]), 0);
		cr_assert_eq(pl[i], p.data + off + REC, "record %d", i);
		cr_assert_eq(header_at(&p, off).len, lens[i]);
		cr_assert_eq(header_at(&p, off).flags, 0);
		off += mbuff_ring_footprint(lens[i]);
		cr_assert_eq(p.prod, off);
		cr_assert_eq(p.pending, off);
	}
	cr_assert_eq(p.ctl->prod, 0, "reserve published");
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA - off,
		     "reserved room is taken");

	/* Filled last to first; the consumer sees nothing yet. */
	for (int i = 3; i >= 0; i--) {
		pattern(pl[i], lens[i], i);
		cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
		cr_assert_null(mbuff_ring_peek(&c, &len));
		cr_assert_eq(len, 0);
	}
	mbuff_ring_commit(&p);
	cr_assert_eq(p.ctl->prod, off);
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(mbuff_ring_used_bytes(&c), off);
	for (int i = 0; i < 4; i++) {
		q = mbuff_ring_peek(&c, &len);
		cr_assert_eq(q, pl[i], "record %d read elsewhere", i);
		cr_assert_eq(len, lens[i]);
		pattern(buf, len, i);
		cr_assert_arr_eq(q, buf, len, "record %d", i);
	}
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(c.ctl->cons, 0, "peek freed records");
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, off);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);
	area_free(a, AREA);
}

/* Reserve until there is no room: -EAGAIN, nothing published or moved. */
Test(ring, reserve_says_eagain_when_full)
{
	unsigned char buf[56];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *pl[DATA / 64], *none = NULL;
	const void *q;
	__u32 len;
	int n, ret;

	/* 56 bytes take 64: exactly 64 of them fill the ring. */
	for (n = 0;; n++) {
		cr_assert_leq(n, DATA / 64, "more records than room");
		ret = mbuff_ring_reserve(&p, 56, n < DATA / 64 ? &pl[n] : &none);
		if (ret)
			break;
		cr_assert_eq(pl[n], p.data + 64 * n + REC);
	}
	cr_assert_eq(ret, -EAGAIN);
	cr_assert_eq(n, DATA / 64);
	cr_assert_null(none, "a refused reserve gave room");
	cr_assert_eq(p.prod, DATA);
	cr_assert_eq(p.pending, DATA);
	cr_assert_eq(p.ctl->prod, 0, "a refused reserve published");
	cr_assert_eq(mbuff_ring_reserve(&p, 0, &none), -EAGAIN);
	cr_assert_eq(p.prod, DATA, "a refused reserve moved the index");

	for (n = 0; n < DATA / 64; n++)
		pattern(pl[n], 56, n);
	mbuff_ring_commit(&p);
	cr_assert_eq(p.ctl->prod, DATA);
	cr_assert_eq(mbuff_ring_free_bytes(&p), 0);
	for (n = 0; n < DATA / 64; n++) {
		q = mbuff_ring_peek(&c, &len);
		cr_assert_eq(q, pl[n]);
		pattern(buf, 56, n);
		cr_assert_arr_eq(q, buf, 56, "record %d", n);
	}
	mbuff_ring_consume(&c);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);
	area_free(a, AREA);
}

/*
 * -EMSGSIZE for a record that can never fit (len > data - 8, lengths
 * whose footprint wraps), whatever the room; the largest record fits an
 * empty ring alone; a read buffer too small leaves the record.
 */
Test(ring, msgsize_for_records_that_never_fit)
{
	static const uint32_t never[] = { DATA - 7, DATA, 0xffffffffU,
					  0xfffffff9U, 0xfffffff8U, 0x80000000U };
	static unsigned char buf[DATA], out[DATA];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *pl = NULL;
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&p, buf, 1), 0);
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		cr_assert_eq(mbuff_ring_reserve(&p, never[i], &pl), -EMSGSIZE,
			     "len %#x", never[i]);
		cr_assert_eq(mbuff_ring_write(&p, buf, never[i]), -EMSGSIZE,
			     "len %#x", never[i]);
	}
	cr_assert_null(pl);
	cr_assert_eq(p.prod, 16, "a refused record moved the index");
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(p.ctl->prod, 16);

	/* The largest record, at offset 16: a pad to the end goes out alone. */
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 8, &pl), -EAGAIN);
	cr_assert_eq(p.ctl->prod, DATA);
	cr_assert_eq(header_at(&p, 16).len, DATA - 16 - REC);
	cr_assert_eq(header_at(&p, 16).flags, MBUFF_RING_REC_PAD);
	cr_assert_eq(mbuff_ring_read(&c, out, 1), 1);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(c.ctl->cons, DATA, "the pad was not freed");

	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 8, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	pattern(pl, DATA - 8, 5);
	mbuff_ring_commit(&p);
	cr_assert_eq(mbuff_ring_free_bytes(&p), 0);
	/* Full now, and still -EMSGSIZE for what never fits. */
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 7, &pl), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_reserve(&p, 0, &pl), -EAGAIN);

	cr_assert_eq(mbuff_ring_read(&c, out, DATA - 9), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_read(&c, out, 0), -EMSGSIZE);
	cr_assert_eq(c.ctl->cons, DATA);
	cr_assert_eq(mbuff_ring_used_bytes(&c), DATA);
	cr_assert_eq(mbuff_ring_read(&c, out, DATA - 8), DATA - 8);
	pattern(buf, DATA - 8, 5);
	cr_assert_arr_eq(out, buf, DATA - 8);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	area_free(a, AREA);
}

/* write() publishes what was reserved before it, even when it finds no room. */
Test(ring, write_commits_records_reserved_before_it)
{
	static unsigned char out[DATA];
	unsigned char buf[100];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *x, *y;

	cr_assert_eq(mbuff_ring_reserve(&p, 10, &x), 0);
	cr_assert_eq(mbuff_ring_reserve(&p, 20, &y), 0);
	memset(x, 'x', 10);
	memset(y, 'y', 20);
	cr_assert_eq(p.ctl->prod, 0);
	memset(buf, 'z', 30);
	cr_assert_eq(mbuff_ring_write(&p, buf, 30), 0);
	cr_assert_eq(p.ctl->prod, 24 + 32 + 40);
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 10);
	cr_assert_eq(out[9], 'x');
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 20);
	cr_assert_eq(out[19], 'y');
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 30);
	cr_assert_eq(out[29], 'z');

	/* A record ending at the very end, then a write that finds no room. */
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 96 - REC, &x), 0);
	cr_assert_eq(p.prod, DATA);
	memset(x, 'w', DATA - 96 - REC);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), -EAGAIN);
	cr_assert_eq(p.ctl->prod, DATA, "the reserved record did not go out");
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), DATA - 96 - REC);
	cr_assert_eq(out[0], 'w');
	cr_assert_eq(out[DATA - 96 - REC - 1], 'w');
	area_free(a, AREA);
}

Test(ring, full_and_empty)
{
	unsigned char buf[128], out[128];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	__u32 len = 7;

	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), -EAGAIN);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);

	write_n(&p, DATA / 64, 56);
	cr_assert_eq(mbuff_ring_free_bytes(&p), 0);
	cr_assert_eq(mbuff_ring_used_bytes(&c), DATA);
	cr_assert_eq(mbuff_ring_write(&p, buf, 0), -EAGAIN);
	cr_assert_eq(p.ctl->prod, DATA, "a refused write moved prod");

	/* One read makes room for exactly one more record. */
	read_n(&c, 0, 1, 56);
	cr_assert_eq(mbuff_ring_free_bytes(&p), 64);
	cr_assert_eq(mbuff_ring_write(&p, buf, 57), -EAGAIN, "57 bytes take 72");
	pattern(buf, 56, DATA / 64);
	cr_assert_eq(mbuff_ring_write(&p, buf, 56), 0);
	cr_assert_eq(mbuff_ring_write(&p, buf, 0), -EAGAIN);

	/* Everything comes out once, in order. */
	read_n(&c, 1, DATA / 64, 56);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), -EAGAIN);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);
	cr_assert_eq(c.ctl->cons, DATA + 64);
	area_free(a, AREA);
}

/* A record that would run past the end: a pad to the end, the record at 0. */
Test(ring, record_past_the_end_pads_and_starts_at_zero)
{
	unsigned char buf[128];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 32);
	const void *q;
	void *pl;
	__u32 len;

	pattern(buf, 100, 1);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	cr_assert_eq(header_at(&p, DATA - 32).len, 32 - REC);
	cr_assert_eq(header_at(&p, DATA - 32).flags, MBUFF_RING_REC_PAD);
	cr_assert_eq(header_at(&p, 0).len, 100);
	cr_assert_eq(header_at(&p, 0).flags, 0);
	cr_assert_arr_eq(p.data + REC, buf, 100);
	cr_assert_eq(p.ctl->prod, DATA - 32 + 32 + 112);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 144, "the pad counts");
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA - 144);

	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + REC, "the pad was not skipped");
	cr_assert_eq(len, 100);
	cr_assert_arr_eq(q, buf, 100);
	cr_assert_eq(c.pending, 144);
	cr_assert_eq(c.ctl->cons, DATA - 32, "peek freed the pad");
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, DATA + 112);
	area_free(a, AREA);

	/* One that ends at the very end needs no pad; the next starts at 0. */
	a = ring_new(&p, &c, DATA - 112);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	cr_assert_eq(p.ctl->prod, DATA);
	cr_assert_eq(mbuff_ring_reserve(&p, 1, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	cr_assert_eq(p.prod, DATA + 16);
	area_free(a, AREA);

	/* The smallest pad: a bare header in the last 8 bytes. */
	a = ring_new(&p, &c, DATA - 8);
	cr_assert_eq(mbuff_ring_reserve(&p, 1, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	cr_assert_eq(header_at(&p, DATA - 8).len, 0);
	cr_assert_eq(header_at(&p, DATA - 8).flags, MBUFF_RING_REC_PAD);
	*(unsigned char *)pl = 'k';
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + REC);
	cr_assert_eq(len, 1);
	cr_assert_eq(*(const unsigned char *)q, 'k');
	area_free(a, AREA);
}

/*
 * Room for the pad but not the record: -EAGAIN, and the pad goes out by
 * itself (nothing else was reserved), so that the consumer can free it;
 * the consumer frees a pad it finds alone at once.
 */
Test(ring, pad_goes_out_alone_when_the_record_does_not_fit)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *pl = NULL;
	__u32 len;

	write_n(&p, 127, 24);		/* 32 bytes each: up to 4064 */
	read_n(&c, 0, 2, 24);		/* room: 96 */
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), -EAGAIN);
	cr_assert_null(pl);
	cr_assert_eq(header_at(&p, 4064).len, 32 - REC);
	cr_assert_eq(header_at(&p, 4064).flags, MBUFF_RING_REC_PAD);
	cr_assert_eq(p.prod, DATA);
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(p.ctl->prod, DATA, "the pad was not published");
	cr_assert_eq(mbuff_ring_free_bytes(&p), 64);
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), -EAGAIN);
	cr_assert_eq(p.prod, DATA, "a second refusal moved the index");

	read_n(&c, 2, 125, 24);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 32, "only the pad is left");
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(c.pending, 0);
	cr_assert_eq(c.ctl->cons, DATA, "the lone pad was not freed");
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	area_free(a, AREA);
}

/* No room even for the pad: -EAGAIN, and nothing is written. */
Test(ring, no_room_for_the_pad_writes_nothing)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 64);
	unsigned char before[8];
	uint32_t at;
	void *pl;

	write_n(&p, 1, 56);		/* 4032..4096 */
	write_n(&p, 62, 56);		/* 0..3968: room 64, a pad needs 128 */
	at = p.prod;
	cr_assert_eq(at & (DATA - 1), 3968);
	memcpy(before, p.data + 3968, sizeof(before));
	/* 200 bytes take 208: past the end from 3968. */
	cr_assert_eq(mbuff_ring_reserve(&p, 200, &pl), -EAGAIN);
	cr_assert_eq(p.prod, at);
	cr_assert_eq(p.pending, 0);
	cr_assert_eq(p.ctl->prod, at);
	cr_assert_arr_eq(p.data + 3968, before, sizeof(before),
			 "a pad without room for it");

	read_n(&c, 0, 1, 56);		/* room 128: the pad fits */
	cr_assert_eq(mbuff_ring_reserve(&p, 200, &pl), -EAGAIN);
	cr_assert_eq(p.ctl->prod, at + 128);
	cr_assert_eq(header_at(&p, 3968).len, 128 - REC);
	cr_assert_eq(header_at(&p, 3968).flags, MBUFF_RING_REC_PAD);
	area_free(a, AREA);
}

/*
 * A record reserved and not yet filled: the pad a later reserve makes
 * waits for the commit, and the consumer frees it with the record before.
 */
Test(ring, pad_waits_for_the_records_reserved_before_it)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	const void *q;
	void *x, *pl = NULL;
	__u32 len;

	write_n(&p, 127, 24);
	read_n(&c, 0, 2, 24);		/* room: 96 */
	cr_assert_eq(mbuff_ring_reserve(&p, 8, &x), 0);
	cr_assert_eq(x, p.data + 4064 + REC);
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), -EAGAIN);
	cr_assert_null(pl);
	cr_assert_eq(header_at(&p, 4080).len, 16 - REC);
	cr_assert_eq(header_at(&p, 4080).flags, MBUFF_RING_REC_PAD);
	cr_assert_eq(p.prod, DATA);
	cr_assert_eq(p.pending, 32);
	cr_assert_eq(p.ctl->prod, 4064, "published a record not yet filled");
	memcpy(x, "reserved", 8);
	mbuff_ring_commit(&p);
	cr_assert_eq(p.ctl->prod, DATA);

	read_n(&c, 2, 125, 24);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, x);
	cr_assert_eq(len, 8);
	cr_assert_arr_eq(q, "reserved", 8);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(c.ctl->cons, 4064, "freed a record still peeked");
	cr_assert_eq(c.pending, 32);
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, DATA);
	cr_assert_eq(c.pending, 0);
	area_free(a, AREA);
}

/*
 * The producer's index last seen covers a record and the pad after it;
 * the record after the pad comes later.  A peek that skips the pad looks
 * at the producer's index again and finds it.
 */
Test(ring, peek_looks_again_after_a_pad)
{
	unsigned char buf[100];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	const void *q;
	void *x, *pl;
	__u32 len;

	write_n(&p, 126, 24);		/* up to 4032 */
	read_n(&c, 0, 1, 24);		/* room 96 */
	cr_assert_eq(mbuff_ring_reserve(&p, 8, &x), 0);		/* 4032..4048 */
	memcpy(x, "record A", 8);
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), -EAGAIN);	/* a pad */
	mbuff_ring_commit(&p);
	cr_assert_eq(p.ctl->prod, DATA, "A and the pad");

	read_n(&c, 1, 125, 24);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, x);
	mbuff_ring_consume(&c);		/* A; the pad is still seen ahead */

	pattern(buf, 100, 7);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	cr_assert_eq(p.ctl->prod, DATA + 112);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_not_null(q, "the record after the pad was not looked for");
	cr_assert_eq(q, c.data + REC);
	cr_assert_eq(len, 100);
	cr_assert_arr_eq(q, buf, 100);
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, DATA + 112);
	area_free(a, AREA);
}

/* Peek a batch, free it with one consume; read() frees what was peeked. */
Test(ring, one_consume_frees_a_batch_and_read_frees_what_was_peeked)
{
	static const uint32_t lens[10] = { 1, 2, 3, 40, 5, 60, 7, 8, 90, 10 };
	unsigned char buf[128], out[128];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	uint32_t ends[10], end = 0;
	const void *q;
	__u32 len;
	int i;

	for (i = 0; i < 10; i++) {
		pattern(buf, lens[i], i);
		cr_assert_eq(mbuff_ring_write(&p, buf, lens[i]), 0);
		end += mbuff_ring_footprint(lens[i]);
		ends[i] = end;
	}
	for (i = 0; i < 5; i++) {
		q = mbuff_ring_peek(&c, &len);
		cr_assert_eq(len, lens[i]);
		pattern(buf, len, i);
		cr_assert_arr_eq(q, buf, len, "record %d", i);
	}
	cr_assert_eq(c.ctl->cons, 0, "peek freed records");
	cr_assert_eq(c.pending, ends[4]);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA - end);
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, ends[4]);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA - end + ends[4]);
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, ends[4], "a second consume moved cons");

	/* Two peeked, then a read: three freed. */
	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), lens[7]);
	pattern(buf, lens[7], 7);
	cr_assert_arr_eq(out, buf, lens[7]);
	cr_assert_eq(c.ctl->cons, ends[7]);
	cr_assert_eq(c.pending, 0);

	/* Two peeked, the ring empty: read says -EAGAIN and frees them. */
	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(c.ctl->cons, ends[7]);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), -EAGAIN);
	cr_assert_eq(c.ctl->cons, end);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	area_free(a, AREA);
}

/* -EMSGSIZE leaves the record, and frees a pad skipped before it. */
Test(ring, read_msgsize_leaves_the_record_and_frees_the_pad)
{
	unsigned char buf[128], out[128];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 48);
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&p, "peeked", 6), 0);	/* 16 bytes */
	pattern(buf, 100, 3);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);	/* a 32-byte pad first */
	cr_assert_eq(p.ctl->prod, DATA - 48 + 16 + 32 + 112);

	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(mbuff_ring_read(&c, out, 99), -EMSGSIZE);
	cr_assert_eq(c.ctl->cons, DATA, "the peeked record and the pad");
	cr_assert_eq(c.pending, 0);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 112);
	cr_assert_eq(mbuff_ring_read(&c, out, 0), -EMSGSIZE);
	cr_assert_eq(c.ctl->cons, DATA);
	cr_assert_eq(mbuff_ring_read(&c, out, 100), 100);
	cr_assert_arr_eq(out, buf, 100);
	cr_assert_eq(c.ctl->cons, DATA + 112);
	area_free(a, AREA);
}

/*
 * The rules of format 2 on their own, to check the ring against: where a
 * record of @len bytes goes, given the producer's index and the room the
 * consumer left (@freed, its published index).
 */
struct model {
	uint32_t prod;
	uint32_t freed;
	unsigned int pads;
};

static int model_reserve(struct model *m, uint32_t len, uint32_t *at)
{
	uint32_t need = mbuff_ring_footprint(len), off = m->prod & (DATA - 1);
	uint32_t room = DATA - (m->prod - m->freed), pad = DATA - off;

	if (off + need > DATA) {
		/* The pad goes first, as soon as there is room for it. */
		if (room < pad)
			return -EAGAIN;
		m->prod += pad;
		m->pads++;
		room -= pad;
	}
	if (need > room)
		return -EAGAIN;
	*at = m->prod;
	m->prod += need;
	return 0;
}

/*
 * @count records of @lens (taken in turn) through a ring starting at
 * @start, up to @batch reserved and committed at once, then up to @batch
 * peeked and consumed at once, round after round.  Each record must lie
 * where the model puts it, come out whole and in order, and every round
 * must move an index: a round that moves none is a stall.  Returns the
 * pads the model made.
 */
static unsigned int lockstep(uint32_t start, const uint32_t *lens,
			     unsigned int nlens, unsigned int count,
			     unsigned int batch)
{
	static unsigned char buf[DATA];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, start);
	struct model m = { start, start, 0 };
	uint32_t *at = calloc(count, sizeof(*at)), len, was_p, was_c;
	unsigned int sent = 0, got = 0, round = 0, n;
	const void *q;
	void *pl;
	int ret, want;

	cr_assert_not_null(at);
	while (got < count) {
		was_p = p.prod;
		was_c = c.cons;
		for (n = 0; n < batch && sent < count; n++) {
			len = lens[sent % nlens];
			want = model_reserve(&m, len, &at[sent]);
			ret = mbuff_ring_reserve(&p, len, &pl);
			cr_assert_eq(ret, want, "record %u (%u bytes) at %#x: %d, not %d",
				     sent, len, p.prod, ret, want);
			cr_assert_eq(p.prod, m.prod, "record %u: producer at %#x, not %#x",
				     sent, p.prod, m.prod);
			if (ret)
				break;
			cr_assert_eq(pl, p.data + (at[sent] & (DATA - 1)) + REC,
				     "record %u", sent);
			pattern(pl, len, sent++);
		}
		mbuff_ring_commit(&p);
		cr_assert_eq(p.ctl->prod, m.prod);
		for (n = 0; n < batch; n++) {
			q = mbuff_ring_peek(&c, &len);
			if (!q) {
				cr_assert_eq(len, 0, "record %u: corrupt", got);
				break;
			}
			cr_assert_lt(got, sent, "a record never sent");
			cr_assert_eq(q, c.data + (at[got] & (DATA - 1)) + REC,
				     "record %u read elsewhere", got);
			cr_assert_eq(len, lens[got % nlens]);
			pattern(buf, len, got);
			cr_assert_arr_eq(q, buf, len, "record %u", got);
			got++;
		}
		mbuff_ring_consume(&c);
		cr_assert_eq(c.ctl->cons, c.cons);
		/* Freed up to the last record peeked, or a pad past it. */
		if (got)
			cr_assert_leq(m.prod - c.cons, m.prod - at[got - 1] -
				      mbuff_ring_footprint(lens[(got - 1) % nlens]));
		m.freed = c.cons;
		cr_assert(p.prod != was_p || c.cons != was_c,
			  "round %u stalled: %u sent, %u taken, prod %#x, cons %#x",
			  round, sent, got, p.prod, c.cons);
		round++;
	}
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	cr_assert_lt(p.prod, start, "the indices did not wrap");
	free(at);
	area_free(a, AREA);
	return m.pads;
}

/* The largest record's footprint is the data size: one record a lap. */
Test(ring, tiny_ring_of_one_record)
{
	static const uint32_t one[] = { DATA - 8 };
	static const uint32_t mixed[] = { DATA - 8, 1, DATA - 8, 2040, 8,
					  DATA - 8, 0, 4000 };

	cr_assert_eq(mbuff_ring_footprint(DATA - 8), DATA);
	cr_assert_eq(lockstep(WRAP_START, one, 1, 100, 1), 0);
	cr_assert_eq(lockstep(WRAP_START, one, 1, 100, 4), 0);
	/* Off the start: one pad, then every record at 0. */
	cr_assert_eq(lockstep(WRAP_START + 8, one, 1, 100, 3), 1);
	cr_assert_gt(lockstep(WRAP_START, mixed, 8, 400, 1), 100);
	cr_assert_gt(lockstep(WRAP_START + 16, mixed, 8, 400, 5), 100);
}

/* Two of the largest records fill the data. */
Test(ring, tiny_ring_of_two_records)
{
	static const uint32_t two[] = { DATA / 2 - 8 };
	static const uint32_t mixed[] = { DATA / 2 - 8, 1, DATA / 2 - 8,
					  DATA / 2 - 8, 100, 0, 1000 };

	cr_assert_eq(lockstep(WRAP_START, two, 1, 200, 1), 0);
	cr_assert_eq(lockstep(WRAP_START, two, 1, 200, 3), 0);
	cr_assert_eq(lockstep(WRAP_START + 8, two, 1, 200, 2), 1);
	cr_assert_gt(lockstep(WRAP_START, mixed, 7, 700, 1), 50);
	cr_assert_gt(lockstep(WRAP_START + 24, mixed, 7, 700, 4), 50);
}

/* A footprint just over half the data: every other entry is a pad. */
Test(ring, tiny_ring_just_over_half)
{
	static const uint32_t over[] = { DATA / 2 };
	static const uint32_t varied[] = { DATA / 2, DATA / 2 - 7, DATA / 2 - 3 };

	cr_assert_eq(mbuff_ring_footprint(DATA / 2), DATA / 2 + 8);
	cr_assert_eq(mbuff_ring_footprint(DATA / 2 - 7), DATA / 2 + 8);
	cr_assert_eq(lockstep(WRAP_START, over, 1, 200, 1), 199);
	cr_assert_eq(lockstep(WRAP_START, over, 1, 200, 2), 199);
	cr_assert_eq(lockstep(WRAP_START, varied, 3, 200, 4), 199);
	/* Off the start, the first record needs a pad too. */
	cr_assert_eq(lockstep(WRAP_START + DATA / 2, varied, 3, 200, 3), 200);
	cr_assert_eq(lockstep(WRAP_START + 8, varied, 3, 200, 3), 199);
}

/* Records of 1..300 bytes, batches of one to eight, across 2^32. */
Test(ring, many_records_across_the_index_wrap)
{
	static uint32_t lens[5000];

	for (unsigned int i = 0; i < 5000; i++)
		lens[i] = 1 + (i * 7919) % 300;
	cr_assert_gt(lockstep(0U - 0x10000, lens, 5000, 5000, 1), 20);
	cr_assert_gt(lockstep(0U - 0x10000 + 0xf00, lens, 5000, 5000, 3), 20);
	cr_assert_gt(lockstep(0U - 0x10000 + 8, lens, 5000, 5000, 8), 20);
}

/* The room the producer waits for: the pad reckoned in. */
Test(ring, want_reckons_the_pad)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);

	cr_assert_eq(mbuff_ring_want(&p, 8), 8);
	cr_assert_eq(mbuff_ring_want(&p, DATA), DATA);
	cr_assert_eq(mbuff_ring_want(&p, DATA + 8), DATA, "more: until empty");
	cr_assert_eq(mbuff_ring_want(&p, 0xffffffffU), DATA);
	area_free(a, AREA);

	a = ring_new(&p, &c, 5 * DATA - 32);		/* at offset 4064 */
	cr_assert_eq(mbuff_ring_want(&p, 32), 32, "fits before the end");
	cr_assert_eq(mbuff_ring_want(&p, 40), 32 + 40);
	cr_assert_eq(mbuff_ring_want(&p, 112), 32 + 112);
	cr_assert_eq(mbuff_ring_want(&p, DATA - 32), DATA);
	/* Pad and record never fit at once: the pad goes first, alone. */
	cr_assert_eq(mbuff_ring_want(&p, DATA - 24), 32);
	cr_assert_eq(mbuff_ring_want(&p, DATA), DATA);
	area_free(a, AREA);
}

/*
 * producer_sleep() and producer_woken() reckon the pad: room for the
 * record alone is not enough when it needs a pad first, and whenever
 * they say "room", the next reserve makes progress.
 */
Test(ring, producer_sleep_reckons_the_pad)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	__u32 len;
	void *pl;

	write_n(&p, 127, 24);		/* up to 4064 */
	read_n(&c, 0, 3, 24);		/* room 128: a pad of 32 and 96 */
	cr_assert_geq(mbuff_ring_free_bytes(&p), 112);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 112), 1,
		     "112 bytes are free, but the record needs a pad too");
	cr_assert_eq(p.ctl->prod_waiting, 1);
	cr_assert_eq(mbuff_ring_producer_woken(&p, 112), 0);
	read_n(&c, 3, 1, 24);		/* room 160 */
	cr_assert_eq(mbuff_ring_producer_woken(&p, 112), 1);
	cr_assert_eq(mbuff_ring_wake_producer(&c), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 112), 0);
	cr_assert_eq(p.ctl->prod_waiting, 0, "flag left set");
	cr_assert_eq(mbuff_ring_reserve(&p, 100, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	mbuff_ring_commit(&p);
	area_free(a, AREA);

	/* A record too big to go with its pad: room for the pad is enough. */
	a = ring_new(&p, &c, 0);
	write_n(&p, 127, 24);
	read_n(&c, 0, 1, 24);		/* room 64 */
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA - 24), 0,
		     "room for the pad: it can go");
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 32, &pl), -EAGAIN);
	cr_assert_eq(p.ctl->prod, DATA, "the pad went out");
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA - 24), 1);
	read_n(&c, 1, 126, 24);
	cr_assert_eq(mbuff_ring_producer_woken(&p, DATA - 24), 0,
		     "the record needs the pad's room too");
	/* The consumer frees the pad when it looks for the next record. */
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(mbuff_ring_producer_woken(&p, DATA - 24), 1);
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 32, &pl), 0);
	area_free(a, AREA);
}

/* need >= the data size: until the ring is empty. */
Test(ring, producer_sleep_until_empty)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 40);
	__u32 len;
	void *pl;

	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA), 0, "empty: no sleep");
	cr_assert_eq(mbuff_ring_write(&p, "x", 1), 0);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA + 8), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 0xffffffffU), 1);
	cr_assert_eq(mbuff_ring_producer_woken(&p, 0xffffffffU), 0);
	cr_assert_eq(mbuff_ring_read(&c, &len, sizeof(len)), 1);
	cr_assert_eq(mbuff_ring_producer_woken(&p, 0xffffffffU), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA), 0);

	/*
	 * The largest record at offset 56: its pad goes out alone, and the
	 * producer waits until the consumer has freed the pad too.
	 */
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 8, &pl), -EAGAIN);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA), 1);
	cr_assert_eq(mbuff_ring_producer_woken(&p, DATA), 0);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(mbuff_ring_producer_woken(&p, DATA), 1);
	cr_assert_eq(mbuff_ring_reserve(&p, DATA - 8, &pl), 0);
	area_free(a, AREA);
}

Test(ring, consumer_waiting_flag)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	unsigned char out[16];

	cr_assert_eq(mbuff_ring_wake_consumer(&p), 0, "nobody sleeps");
	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 1, "empty: sleep");
	cr_assert_eq(c.ctl->cons_waiting, 1);
	cr_assert_eq(c.ctl->prod_waiting, 0);
	cr_assert_eq(mbuff_ring_consumer_woken(&c), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 1);
	cr_assert_eq(c.ctl->cons_waiting, 0, "the waker clears the flag");
	cr_assert_eq(mbuff_ring_consumer_woken(&c), 1, "woken by the flag");
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 0, "one wake-up per sleep");

	cr_assert_eq(mbuff_ring_write(&p, "x", 1), 0);
	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 0, "data: do not sleep");
	cr_assert_eq(c.ctl->cons_waiting, 0, "flag left set");
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 0);

	/* Sleeps on an empty ring; a record then comes. */
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 1);
	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 1);
	cr_assert_eq(mbuff_ring_write(&p, "y", 1), 0);
	cr_assert_eq(mbuff_ring_consumer_woken(&c), 1, "woken by the record");
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 1);
	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 0);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 1);
	cr_assert_eq(out[0], 'y');
	area_free(a, AREA);
}

Test(ring, producer_waiting_flag)
{
	unsigned char buf[100] = { 0 };
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);

	cr_assert_eq(mbuff_ring_wake_producer(&c), 0, "nobody sleeps");
	cr_assert_eq(mbuff_ring_producer_sleep(&p, DATA), 0, "room: no sleep");
	cr_assert_eq(p.ctl->prod_waiting, 0, "flag left set");

	write_n(&p, DATA / 64, 56);
	read_n(&c, 0, 1, 56);
	cr_assert_eq(mbuff_ring_free_bytes(&p), 64);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 64), 0, "64 bytes fit");
	cr_assert_eq(p.ctl->prod_waiting, 0);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 112), 1, "112 do not");
	cr_assert_eq(p.ctl->prod_waiting, 1);
	cr_assert_eq(p.ctl->cons_waiting, 0);
	cr_assert_eq(mbuff_ring_wake_producer(&c), 1);
	cr_assert_eq(p.ctl->prod_waiting, 0, "the waker clears the flag");
	cr_assert_eq(mbuff_ring_producer_woken(&p, 112), 1, "woken by the flag");
	cr_assert_eq(mbuff_ring_wake_producer(&c), 0, "one wake-up per sleep");

	/* Sleeps on a full ring; a read then makes room. */
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 112), 1);
	read_n(&c, 1, 1, 56);
	cr_assert_eq(mbuff_ring_producer_woken(&p, 112), 1, "woken by the room");
	cr_assert_eq(mbuff_ring_wake_producer(&c), 1);
	cr_assert_eq(mbuff_ring_producer_sleep(&p, 112), 0);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	area_free(a, AREA);
}

/* The flags and the process source's wait/notify together, in one thread. */
Test(ring, wait_notify_protocol, .init = process_only, .fini = remove_area)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	struct mbuff_area *cons_area, *prod_area;
	const char *n = test_area = uname_("ring-wait");
	struct mbuff_ring p, c;
	unsigned char out[16];

	cr_assert_eq(mbuff_area_open(n, AREA, &o, &cons_area), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &prod_area), 0);
	mbuff_ring_format(mbuff_area_addr(cons_area), AREA);
	cr_assert_eq(mbuff_area_ring_attach(cons_area, &c, 0), 0);
	cr_assert_eq(mbuff_area_ring_attach(prod_area, &p, 0), 0);

	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 1);
	cr_assert_eq(mbuff_area_wait(cons_area, 0), -ETIMEDOUT);
	cr_assert_eq(mbuff_ring_write(&p, "a", 1), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 1);
	cr_assert_eq(mbuff_area_notify(prod_area), 0);
	cr_assert_geq(mbuff_area_wait(cons_area, 1000), 0, "%s",
		      mbuff_last_error());
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 1);

	/* Nobody waits: no wake-up is asked for, nothing is sent. */
	cr_assert_eq(mbuff_ring_write(&p, "b", 1), 0);
	cr_assert_eq(mbuff_ring_wake_consumer(&p), 0);
	cr_assert_eq(mbuff_area_wait(cons_area, 0), -ETIMEDOUT);
	cr_assert_eq(mbuff_ring_consumer_sleep(&c), 0);

	mbuff_area_close(prod_area);
	mbuff_area_close(cons_area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/*
 * A consumer that does not trust its producer: indices or headers that
 * claim more than was produced make the ring corrupt (-EIO,
 * MBUFF_RING_CORRUPT), and never make the consumer read or move outside
 * the data (a page after it faults) or free what it did not take.
 */
static void expect_corrupt(unsigned char *a, const char *what)
{
	static unsigned char out[DATA];
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	uint32_t prod = ctl->prod, cons = ctl->cons;
	struct mbuff_ring v;
	__u32 len = 0;

	/* A view attached while the ring looked empty, then the bad index. */
	ctl->prod = cons;
	cr_assert_eq(mbuff_ring_attach(&v, a, AREA), 0);
	ctl->prod = prod;
	cr_assert_null(mbuff_ring_peek(&v, &len), "%s: peek", what);
	cr_assert_eq(len, MBUFF_RING_CORRUPT, "%s: peek said %u bytes", what, len);
	cr_assert_eq(mbuff_ring_read(&v, out, sizeof(out)), -EIO, "%s: read", what);
	cr_assert_eq(ctl->cons, cons, "%s: cons moved", what);
	cr_assert_eq(v.cons, cons, "%s: the view's cons moved", what);
}

Test(ring_untrusted, prod_more_than_a_ring_ahead)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);

	header_put(&p, 0, 60000, 0);
	c.ctl->prod = 65536;
	expect_corrupt(a, "prod 65536");
	c.ctl->prod = DATA + 8;
	expect_corrupt(a, "prod a ring and 8 ahead");
	c.ctl->prod = 0U - 8;
	expect_corrupt(a, "prod behind cons");
	area_free(a, AREA);
}

Test(ring_untrusted, header_length_that_wraps)
{
	static const uint32_t lens[] = { 0xfffffff8U, 0xfffffffcU, 0xffffffffU };
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);

	cr_assert_eq(mbuff_ring_write(&p, "x", 1), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		header_put(&p, 0, lens[i], 0);
		expect_corrupt(a, "len 0xffff...");
	}
	area_free(a, AREA);
}

Test(ring_untrusted, header_longer_than_produced)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);

	cr_assert_eq(mbuff_ring_write(&p, "x", 1), 0);
	header_put(&p, 0, 100, 0);
	expect_corrupt(a, "len 100 of 16 bytes");
	mbuff_ring_consume(&c);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 16, "cons moved");
	area_free(a, AREA);
}

Test(ring_untrusted, consume_uses_the_length_peek_checked)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&p, "abc", 3), 0);
	cr_assert_eq(mbuff_ring_write(&p, "defg", 4), 0);
	cr_assert_not_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, 3);
	/* The producer rewrites the header between peek and consume. */
	header_put(&p, 0, 1000, 0);
	mbuff_ring_consume(&c);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 16, "only the peeked 16 bytes freed");
	area_free(a, AREA);
}

Test(ring_untrusted, unknown_flag_bits)
{
	static const uint32_t bad[] = { 1U << 2, 1U << 31, 0xfffffffcU,
					MBUFF_RING_REC_EXTENT | (1U << 7) };
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	__u32 len;

	cr_assert_eq(mbuff_ring_write(&p, "abc", 3), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		header_put(&p, 0, 3, bad[i]);
		expect_corrupt(a, "unknown flags");
	}
	header_put(&p, 0, 3, MBUFF_RING_REC_EXTENT);
	cr_assert_not_null(mbuff_ring_peek(&c, &len), "a known flag");
	cr_assert_eq(c.rec_flags, MBUFF_RING_REC_EXTENT);
	area_free(a, AREA);
}

/* A pad must not start at 0: at most one is skipped a call. */
Test(ring_untrusted, pad_at_offset_zero)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	unsigned char buf[100];
	__u32 len;

	/* A pad over the whole data would end at the end, as pads must. */
	write_n(&p, DATA / 64, 56);
	header_put(&p, 0, DATA - REC, MBUFF_RING_REC_PAD);
	expect_corrupt(a, "a pad of the whole data at 0");
	header_put(&p, 0, 56, MBUFF_RING_REC_PAD);
	expect_corrupt(a, "a pad of 64 bytes at 0");
	area_free(a, AREA);

	/*
	 * A valid pad, then another at 0: corrupt, and the consumer never
	 * moves past the second (it may free the first).
	 */
	a = ring_new(&p, &c, DATA - 32);
	pattern(buf, 100, 2);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	header_put(&p, 0, DATA - REC, MBUFF_RING_REC_PAD);
	cr_assert_null(mbuff_ring_peek(&c, &len));
	cr_assert_eq(len, MBUFF_RING_CORRUPT);
	cr_assert_eq(mbuff_ring_read(&c, buf, sizeof(buf)), -EIO);
	cr_assert_leq(c.ctl->cons - (DATA - 32), 32, "cons %#x", c.ctl->cons);
	cr_assert_leq(c.cons - (DATA - 32), 32, "cons %#x", c.cons);
	area_free(a, AREA);
}

/* A pad must end exactly at the end of the data. */
Test(ring_untrusted, pad_not_ending_at_the_end)
{
	static const uint32_t lens[] = { 0, 16, 32, 100, DATA };
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 32);
	unsigned char buf[100];

	pattern(buf, 100, 9);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		header_put(&p, DATA - 32, lens[i], MBUFF_RING_REC_PAD);
		expect_corrupt(a, "a pad of the wrong length");
	}
	header_put(&p, DATA - 32, 32 - REC, MBUFF_RING_REC_PAD);
	cr_assert_eq(mbuff_ring_read(&c, buf, sizeof(buf)), 100);
	cr_assert_eq(c.ctl->cons, DATA + 112);
	cr_assert_eq(mbuff_ring_used_bytes(&c), 0);
	area_free(a, AREA);
}

/* A record must end by the end of the data: records never wrap. */
Test(ring_untrusted, record_running_past_the_end)
{
	static unsigned char out[DATA];
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 32);
	unsigned char buf[100];
	const unsigned char *q;
	__u32 len;

	pattern(buf, 100, 4);
	cr_assert_eq(mbuff_ring_write(&p, buf, 100), 0);	/* 144 published */
	header_put(&p, DATA - 32, 100, 0);
	expect_corrupt(a, "100 bytes at 4064");
	header_put(&p, DATA - 32, 32 - REC + 1, 0);
	expect_corrupt(a, "25 bytes at 4064");

	/* Exactly to the end is a record like any other. */
	header_put(&p, DATA - 32, 32 - REC, 0);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + DATA - 32 + REC);
	cr_assert_eq(len, 32 - REC);
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 100);
	cr_assert_arr_eq(out, buf, 100);
	area_free(a, AREA);
}

/*
 * The consumer's own index is its own: a misaligned prod is corrupt, and
 * a cons the producer rewrites changes nothing the consumer reads.
 */
Test(ring_untrusted, indices_off_the_alignment)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	char out[16];

	cr_assert_eq(mbuff_ring_write(&p, "abcdefgh", 8), 0);
	c.ctl->prod = 12;
	expect_corrupt(a, "prod 12");
	c.ctl->prod = 4;
	expect_corrupt(a, "prod 4");
	c.ctl->prod = 16;
	c.ctl->cons = DATA - 4;
	cr_assert_eq(mbuff_ring_read(&c, out, sizeof(out)), 8);
	cr_assert_arr_eq(out, "abcdefgh", 8);
	cr_assert_eq(c.ctl->cons, 16, "cons not stored from the view");
	area_free(a, AREA);
}

/*
 * The producer trusts the consumer's index no more than it must: when
 * the room it last saw is not enough, it loads the index again, and one
 * ahead of its own or more than a ring behind is no room at all.
 */
Test(ring_untrusted, consumer_index_out_of_range)
{
	static const struct { uint32_t cons; const char *what; } bad[] = {
		{ DATA + 8, "ahead of prod" },
		{ 0U - 8, "more than a ring behind" },
		{ 0, "exactly a ring behind: full" },
	};
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	void *pl = NULL;

	write_n(&p, DATA / 16, 8);	/* full */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.ctl->cons = bad[i].cons;
		cr_assert_eq(mbuff_ring_free_bytes(&p), 0, "%s", bad[i].what);
		cr_assert_eq(mbuff_ring_write(&p, "y", 1), -EAGAIN, "%s",
			     bad[i].what);
		cr_assert_eq(mbuff_ring_reserve(&p, 1, &pl), -EAGAIN, "%s",
			     bad[i].what);
		cr_assert_null(pl);
		cr_assert_eq(p.prod, DATA, "a refused write moved prod");
		cr_assert_eq(p.ctl->prod, DATA);
	}
	p.ctl->cons = 16;
	cr_assert_eq(mbuff_ring_free_bytes(&p), 16);
	cr_assert_eq(mbuff_ring_reserve(&p, 8, &pl), 0);
	cr_assert_eq(pl, p.data + REC);
	area_free(a, AREA);
}
