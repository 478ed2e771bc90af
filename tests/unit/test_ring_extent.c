// SPDX-License-Identifier: GPL-2.0-only
/*
 * Extent records: a record whose payload names bytes of the area past the
 * ring's data, handed to the consumer without a copy.  The producer may
 * name only bytes past the data and inside the area; the consumer takes
 * an extent only from a record marked so, of the right length, naming
 * such bytes of the area it attached to, whatever the producer rewrote.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <mbuff.h>

#define PAGE	4096
#define DATA	4096
/* The control page, 4 KiB of data, then 8 KiB of buffers. */
#define XAREA	(4 * PAGE)
#define BUFS	(MBUFF_RING_CTL_SIZE + DATA)	/* the first buffer byte */
#define REC	((uint32_t)sizeof(struct mbuff_ring_rec))
#define EXT	((uint32_t)sizeof(struct mbuff_ring_extent))

/* The area, with a page nobody may touch on each side. */
static unsigned char *area_new(void)
{
	unsigned char *p = mmap(NULL, XAREA + 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + PAGE, XAREA, PROT_READ | PROT_WRITE), 0);
	memset(p + PAGE, 0xa5, XAREA);
	return p + PAGE;
}

static void area_free(unsigned char *a)
{
	munmap(a - PAGE, XAREA + 2 * PAGE);
}

/* A ring of DATA bytes in the area, indices at @start, a view for each side. */
static unsigned char *ring_new(struct mbuff_ring *p, struct mbuff_ring *c,
			       uint32_t start)
{
	unsigned char *a = area_new();
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;

	cr_assert_eq(mbuff_ring_format_size(a, XAREA, DATA), DATA);
	ctl->prod = start;
	ctl->cons = start;
	cr_assert_eq(mbuff_ring_attach(p, a, XAREA), 0);
	cr_assert_eq(mbuff_ring_attach(c, a, XAREA), 0);
	return a;
}

/* What a device would have written into the buffers. */
static void device_fill(unsigned char *a)
{
	for (uint32_t i = BUFS; i < XAREA; i++)
		a[i] = (unsigned char)(i * 13 + (i >> 9));
}

static const struct {
	uint64_t offset, len;
	const char *what;
} outside[] = {
	{ 0, 1, "the control page" },
	{ MBUFF_RING_CTL_SIZE - 8, 8, "the control page's end" },
	{ MBUFF_RING_CTL_SIZE, 16, "the data" },
	{ BUFS - 1, 1, "the data's last byte" },
	{ BUFS - 1, 2, "across the data's end" },
	{ XAREA + 1, 0, "past the area" },
	{ XAREA, 1, "the byte after the area" },
	{ XAREA - 8, 9, "running past the area" },
	{ BUFS, XAREA - BUFS + 1, "one byte too long" },
	{ BUFS, UINT64_MAX, "the longest length" },
	{ XAREA - 8, UINT64_MAX - 7, "a length that wraps the end to 0" },
	{ UINT64_MAX, 1, "the last offset" },
	{ UINT64_MAX - 7, 16, "an offset whose end wraps" },
	{ (uint64_t)1 << 63, 8, "2^63" },
};

#define OUTSIDE	(sizeof(outside) / sizeof(outside[0]))

Test(extent, put_extent_refuses_bytes_outside_the_buffers)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	unsigned char before[16];

	memcpy(before, p.data, sizeof(before));
	for (size_t i = 0; i < OUTSIDE; i++) {
		cr_assert_eq(mbuff_ring_put_extent(&p, outside[i].offset,
						   outside[i].len), -EINVAL,
			     "%s", outside[i].what);
		cr_assert_eq(p.prod, 0, "%s: refused, and prod moved",
			     outside[i].what);
		cr_assert_eq(p.pending, 0);
	}
	cr_assert_arr_eq(p.data, before, sizeof(before),
			 "a refused extent wrote a header");
	mbuff_ring_commit(&p);
	cr_assert_eq(p.ctl->prod, 0);

	/* The edges of the buffers are theirs. */
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, XAREA - BUFS), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 0), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, XAREA - 1, 1), 0);
	cr_assert_eq(p.prod, 3 * mbuff_ring_footprint(EXT));
	area_free(a);
}

Test(extent, record_hands_over_the_bytes_it_names)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	struct mbuff_ring_extent e;
	struct mbuff_ring_rec rec;
	const void *q;
	__u64 bytes = 7;
	void *x;
	__u32 len;

	device_fill(a);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS + 100, 300), 0);
	memcpy(&rec, p.data, sizeof(rec));
	cr_assert_eq(rec.len, EXT);
	cr_assert_eq(rec.flags, MBUFF_RING_REC_EXTENT);
	memcpy(&e, p.data + REC, sizeof(e));
	cr_assert_eq(e.offset, BUFS + 100);
	cr_assert_eq(e.len, 300);
	cr_assert_null(mbuff_ring_peek(&c, &len), "published before the commit");
	mbuff_ring_commit(&p);

	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + REC);
	cr_assert_eq(len, EXT);
	cr_assert_eq(c.rec_flags, MBUFF_RING_REC_EXTENT);
	x = mbuff_ring_extent(&c, q, len, &bytes);
	cr_assert_eq(x, a + BUFS + 100, "extent at area + %td",
		     (unsigned char *)x - a);
	cr_assert_eq(bytes, 300);
	for (uint32_t i = 0; i < 300; i++)
		cr_assert_eq(((unsigned char *)x)[i],
			     (unsigned char)((BUFS + 100 + i) * 13 +
					     ((BUFS + 100 + i) >> 9)));
	mbuff_ring_consume(&c);
	cr_assert_eq(c.ctl->cons, mbuff_ring_footprint(EXT));

	/* A batch: extent, plain record, extent of nothing. */
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 4096), 0);
	cr_assert_eq(mbuff_ring_write(&p, "plain record, 16", 16), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, XAREA - 8, 0), 0);
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(mbuff_ring_extent(&c, q, len, &bytes), a + BUFS);
	cr_assert_eq(bytes, 4096);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(len, 16);
	cr_assert_eq(c.rec_flags, 0);
	cr_assert_null(mbuff_ring_extent(&c, q, len, &bytes), "a plain record");
	cr_assert_eq(bytes, 0);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(mbuff_ring_extent(&c, q, len, &bytes), a + XAREA - 8);
	cr_assert_eq(bytes, 0);
	mbuff_ring_consume(&c);

	/* read() copies the extent out; the copy is checked the same way. */
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS + 8, 24), 0);
	mbuff_ring_commit(&p);
	cr_assert_eq(mbuff_ring_read(&c, &e, sizeof(e)), EXT);
	cr_assert_eq(c.rec_flags, MBUFF_RING_REC_EXTENT);
	cr_assert_eq(mbuff_ring_extent(&c, &e, EXT, &bytes), a + BUFS + 8);
	cr_assert_eq(bytes, 24);
	area_free(a);
}

/* An extent record takes room like any other: pads, -EAGAIN. */
Test(extent, put_extent_pads_and_waits_like_any_record)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, DATA - 16);
	struct mbuff_ring_rec rec;
	__u64 bytes;
	const void *q;
	__u32 len;
	int n;

	/* 24 bytes do not fit in the last 16: a pad, the extent at 0. */
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 8), 0);
	memcpy(&rec, p.data + DATA - 16, sizeof(rec));
	cr_assert_eq(rec.flags, MBUFF_RING_REC_PAD);
	cr_assert_eq(p.prod, DATA + 24);
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, c.data + REC);
	cr_assert_eq(mbuff_ring_extent(&c, q, len, &bytes), a + BUFS);
	mbuff_ring_consume(&c);

	/* From 24: 169 to 4080, a pad of 16, one more at 0: full. */
	for (n = 0; !mbuff_ring_put_extent(&p, BUFS, 8); n++)
		cr_assert_lt(n, DATA / 24, "more extents than room");
	cr_assert_eq(n, DATA / 24, "%d extents fit", n);
	cr_assert_eq(p.prod - c.cons, DATA);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 8), -EAGAIN);
	cr_assert_eq(mbuff_ring_put_extent(&p, 0, 8), -EINVAL,
		     "checked before the room");
	area_free(a);
}

/*
 * The consumer checks the extent it reads, once: whatever a hostile
 * producer rewrote after publishing, the answer is NULL and 0 bytes, or
 * bytes inside the buffers.
 */
Test(extent, extent_refuses_what_a_hostile_producer_rewrote)
{
	struct mbuff_ring p, c;
	unsigned char *a = ring_new(&p, &c, 0);
	struct mbuff_ring_extent *e;
	const void *q;
	__u64 bytes;
	__u32 len;

	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 16), 0);
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_not_null(q);
	e = (struct mbuff_ring_extent *)(p.data + REC);
	cr_assert_eq((const void *)e, q);
	for (size_t i = 0; i < OUTSIDE; i++) {
		e->offset = outside[i].offset;
		e->len = outside[i].len;
		bytes = 99;
		cr_assert_null(mbuff_ring_extent(&c, q, len, &bytes), "%s",
			       outside[i].what);
		cr_assert_eq(bytes, 0, "%s", outside[i].what);
	}
	e->offset = BUFS;
	e->len = 16;
	cr_assert_eq(mbuff_ring_extent(&c, q, len, &bytes), a + BUFS);

	/* The length given must be an extent's, and the record marked so. */
	cr_assert_null(mbuff_ring_extent(&c, q, EXT - 8, &bytes));
	cr_assert_null(mbuff_ring_extent(&c, q, EXT + 8, &bytes));
	cr_assert_null(mbuff_ring_extent(&c, q, 0, &bytes));
	c.rec_flags = 0;
	cr_assert_null(mbuff_ring_extent(&c, q, EXT, &bytes), "not an extent");
	mbuff_ring_consume(&c);

	/* An extent header of the wrong length, as peek returns it. */
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 16), 0);
	mbuff_ring_commit(&p);
	((struct mbuff_ring_rec *)(p.data + 24))->len = 8;
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(len, 8);
	cr_assert_eq(c.rec_flags, MBUFF_RING_REC_EXTENT);
	cr_assert_null(mbuff_ring_extent(&c, q, len, &bytes));
	cr_assert_eq(bytes, 0);
	area_free(a);
}

/* The area the consumer attached to bounds it, not the producer's. */
Test(extent, consumer_checks_against_its_own_area)
{
	struct mbuff_ring p, c, small;
	unsigned char *a = ring_new(&p, &c, 0);
	const void *q;
	__u64 bytes;
	__u32 len;

	cr_assert_eq(mbuff_ring_attach(&small, a, BUFS + 256), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS + 200, 100), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS + 200, 56), 0);
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&small, &len);
	cr_assert_null(mbuff_ring_extent(&small, q, len, &bytes),
		       "past the end of the consumer's area");
	q = mbuff_ring_peek(&small, &len);
	cr_assert_eq(mbuff_ring_extent(&small, q, len, &bytes), a + BUFS + 200);
	cr_assert_eq(bytes, 56);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(mbuff_ring_extent(&c, q, len, &bytes), a + BUFS + 200);
	cr_assert_eq(bytes, 100);

	/* A producer with a smaller area may not name bytes past it. */
	cr_assert_eq(mbuff_ring_put_extent(&small, BUFS + 200, 100), -EINVAL);
	area_free(a);
}

/* A ring too small for an extent record at all: -EMSGSIZE. */
Test(extent, put_extent_in_a_ring_of_16_bytes)
{
	unsigned char *a = area_new();
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)a;
	struct mbuff_ring p;

	/* Made by hand: format makes a page or more, attach takes 8 up. */
	cr_assert_eq(mbuff_ring_format_size(a, XAREA, DATA), DATA);
	ctl->size = 16;
	cr_assert_eq(mbuff_ring_attach(&p, a, XAREA), 0);
	cr_assert_eq(mbuff_ring_put_extent(&p, BUFS, 8), -EMSGSIZE);
	cr_assert_eq(mbuff_ring_put_extent(&p, MBUFF_RING_CTL_SIZE + 8, 8),
		     -EINVAL, "inside the 16 bytes of data");
	cr_assert_eq(mbuff_ring_write(&p, "12345678", 8), 0, "a record fits");
	cr_assert_eq(p.prod, 16);
	area_free(a);
}
