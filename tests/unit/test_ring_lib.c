// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff's ring attach on process-only areas: the plain view and the
 * doubled one (the data mapped twice in a row), rings of another format
 * refused with EPROTO and a message that says so, and the attach of
 * release 0.1 (mbuff_area_ring_attach@MBUFF_0.1, through dlvsym() on the
 * shared library), which keeps attaching rings of format 1 for programs
 * built before 0.3 and refuses rings of format 2.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mbuff.h>

#include "libso.h"
#include "ring_area.h"

#define PAGE	4096
#define DATA	4096
/* The control page, the data, two pages of buffers for extents. */
#define AREA	(4 * PAGE)
#define REC	((uint32_t)sizeof(struct mbuff_ring_rec))

static struct mbuff_area *area_create(const char *name)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	struct mbuff_area *area;

	cr_assert_eq(mbuff_area_open(name, AREA, &o, &area), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_size(area), AREA);
	return area;
}

/* Two handles on one area, as producer and consumer would have. */
Test(lib_ring, attach_gives_each_handle_a_plain_view, .init = process_only,
	.fini = remove_area)
{
	const char *n = test_area = uname_("lring-plain");
	struct mbuff_area *pa = area_create(n), *ca;
	unsigned char *pbase = mbuff_area_addr(pa), *cbase;
	struct mbuff_ring p, c;
	const unsigned char *q;
	__u64 bytes;
	void *pl;
	__u32 len;

	cr_assert_eq(mbuff_ring_format_size(pbase, AREA, DATA), DATA);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &ca), 0, "%s",
		     mbuff_last_error());
	cbase = mbuff_area_addr(ca);
	cr_assert_eq(mbuff_area_ring_attach(pa, &p, 0), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_ring_attach(ca, &c, 0), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq((void *)p.ctl, pbase);
	cr_assert_eq(p.data, pbase + MBUFF_RING_CTL_SIZE);
	cr_assert_eq(p.mask, DATA - 1);
	cr_assert_eq(p.doubled, 0);
	cr_assert_eq(p.area, pbase);
	cr_assert_eq(p.area_size, AREA);
	cr_assert_eq((void *)c.ctl, cbase);
	cr_assert_eq(c.area, cbase);

	/* In place from one mapping, in place in the other. */
	cr_assert_eq(mbuff_ring_reserve(&p, 11, &pl), 0);
	memcpy(pl, "in place 11", 11);
	memcpy(pbase + 2 * PAGE, "device bytes", 12);
	cr_assert_eq(mbuff_ring_put_extent(&p, 2 * PAGE, 12), 0);
	mbuff_ring_commit(&p);
	q = mbuff_ring_peek(&c, &len);
	cr_assert_eq(q, cbase + MBUFF_RING_CTL_SIZE + REC);
	cr_assert_eq(len, 11);
	cr_assert_arr_eq(q, "in place 11", 11);
	q = mbuff_ring_peek(&c, &len);
	q = mbuff_ring_extent(&c, q, len, &bytes);
	cr_assert_eq(q, cbase + 2 * PAGE, "the extent in the consumer's mapping");
	cr_assert_eq(bytes, 12);
	cr_assert_arr_eq(q, "device bytes", 12);
	mbuff_ring_consume(&c);
	cr_assert_eq(mbuff_ring_free_bytes(&p), DATA);

	mbuff_area_close(ca);
	mbuff_area_close(pa);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/*
 * MBUFF_RING_VIEW_DOUBLED: the data twice in a row, the same bytes; one
 * such view per handle; records and extents as in the plain view.
 */
Test(lib_ring, doubled_view_maps_the_data_twice, .init = process_only,
	.fini = remove_area)
{
	const char *n = test_area = uname_("lring-dbl");
	struct mbuff_area *area = area_create(n), *second;
	unsigned char *base = mbuff_area_addr(area);
	struct mbuff_ring plain, dbl, other;
	unsigned char buf[128];
	const unsigned char *q;
	__u64 bytes;
	__u32 len;

	cr_assert_eq(mbuff_ring_format_size(base, AREA, DATA), DATA);
	cr_assert_eq(mbuff_area_ring_attach(area, &plain, 0), 0);
	cr_assert_eq(mbuff_area_ring_attach(area, &dbl, MBUFF_RING_VIEW_DOUBLED),
		     0, "%s", mbuff_last_error());
	cr_assert_eq(dbl.doubled, 1);
	cr_assert_eq(dbl.mask, DATA - 1);
	cr_assert_neq((void *)dbl.ctl, base, "the doubled view is a new mapping");
	cr_assert_eq(dbl.data, (unsigned char *)dbl.ctl + MBUFF_RING_CTL_SIZE);
	cr_assert_eq(dbl.area, base, "extents resolve in the area's mapping");
	cr_assert_eq(dbl.area_size, AREA);
	dbl.data[5] = 0x77;
	cr_assert_eq(dbl.data[DATA + 5], 0x77, "the second copy differs");
	cr_assert_eq(plain.data[5], 0x77);
	dbl.data[DATA + DATA - 1] = 0x66;
	cr_assert_eq(plain.data[DATA - 1], 0x66);
	cr_assert_eq(dbl.ctl->magic, MBUFF_RING_MAGIC);

	cr_assert_eq(mbuff_area_ring_attach(area, &other, MBUFF_RING_VIEW_DOUBLED),
		     -EBUSY, "one doubled view per handle");
	cr_assert_eq(errno, EBUSY);
	cr_assert_eq(mbuff_area_ring_attach(area, &other, 0), 0,
		     "a plain view beside it");

	/* Written through the doubled view, read through the plain one. */
	for (int i = 0; i < 100; i++) {
		memset(buf, i, sizeof(buf));
		cr_assert_eq(mbuff_ring_write(&dbl, buf, 100), 0, "record %d", i);
		cr_assert_eq(mbuff_ring_read(&plain, buf, sizeof(buf)), 100);
		cr_assert_eq(buf[0], i);
		cr_assert_eq(buf[99], i);
	}
	cr_assert_eq(mbuff_ring_put_extent(&dbl, 3 * PAGE, PAGE), 0);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &second), 0);
	cr_assert_eq(mbuff_area_ring_attach(second, &other, MBUFF_RING_VIEW_DOUBLED),
		     0, "another handle, another view");
	mbuff_ring_commit(&dbl);
	q = mbuff_ring_peek(&other, &len);
	cr_assert_not_null(q);
	cr_assert_lt(q, other.data + DATA, "records never need the second copy");
	cr_assert_not_null(mbuff_ring_extent(&other, q, len, &bytes));
	cr_assert_eq(bytes, PAGE);

	mbuff_area_close(second);
	mbuff_area_close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* No ring yet, bad flags, a bad ring: refused, the view left alone. */
Test(lib_ring, attach_errors, .init = process_only, .fini = remove_area)
{
	const char *n = test_area = uname_("lring-err");
	struct mbuff_area *area = area_create(n);
	struct mbuff_ring_ctl *ctl = mbuff_area_addr(area);
	struct mbuff_ring r, junk;

	memset(&r, 0x5a, sizeof(r));
	memcpy(&junk, &r, sizeof(r));
	cr_assert_eq(mbuff_area_ring_attach(area, &r, 0), -EAGAIN);
	cr_assert_eq(errno, EAGAIN);
	cr_assert(strstr(mbuff_last_error(), "yet"), "%s", mbuff_last_error());
	cr_assert_eq(mbuff_area_ring_attach(area, &r, MBUFF_RING_VIEW_DOUBLED),
		     -EAGAIN);
	cr_assert_eq(mbuff_ring_format_size(ctl, AREA, DATA), DATA);
	cr_assert_eq(mbuff_area_ring_attach(area, &r, 2), -EINVAL);
	cr_assert_eq(mbuff_area_ring_attach(area, &r, 1U << 31), -EINVAL);
	ctl->size = 3000;
	cr_assert_eq(mbuff_area_ring_attach(area, &r, 0), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "valid"), "%s", mbuff_last_error());
	ctl->size = DATA;
	ctl->prod = 4;
	cr_assert_eq(mbuff_area_ring_attach(area, &r, MBUFF_RING_VIEW_DOUBLED),
		     -EINVAL, "misaligned prod");
	cr_assert_arr_eq(&r, &junk, sizeof(r), "a refused attach wrote the view");

	mbuff_area_close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* Both sides store their index into the control page: no read-only side. */
Test(lib_ring, attach_needs_a_writable_handle, .init = process_only,
	.fini = remove_area)
{
	struct mbuff_opts ro = { .sz = sizeof(ro), .prot = PROT_READ };
	const char *n = test_area = uname_("lring-ro");
	struct mbuff_area *area = area_create(n), *reader;
	struct mbuff_ring r, junk;

	cr_assert_eq(mbuff_ring_format_size(mbuff_area_addr(area), AREA, DATA),
		     DATA);
	cr_assert_eq(mbuff_area_open(n, 0, &ro, &reader), 0, "%s",
		     mbuff_last_error());
	memset(&r, 0x5a, sizeof(r));
	memcpy(&junk, &r, sizeof(r));
	for (unsigned int f = 0; f <= MBUFF_RING_VIEW_DOUBLED; f++) {
		errno = 0;
		cr_assert_eq(mbuff_area_ring_attach(reader, &r, f), -EBADF,
			     "flags %u", f);
		cr_assert_eq(errno, EBADF);
		cr_assert(strstr(mbuff_last_error(), "writable"), "%s",
			  mbuff_last_error());
		cr_assert_arr_eq(&r, &junk, sizeof(r));
	}
	cr_assert_eq(mbuff_area_ring_attach(area, &r, 0), 0);
	mbuff_area_close(reader);
	mbuff_area_close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* A ring of another format: EPROTO, and the message names both formats. */
Test(lib_ring, attach_refuses_another_format, .init = process_only,
	.fini = remove_area)
{
	static const unsigned int flags[] = { 0, MBUFF_RING_VIEW_DOUBLED };
	const char *n = test_area = uname_("lring-fmt");
	struct mbuff_area *area = area_create(n);
	struct mbuff_ring_ctl *ctl = mbuff_area_addr(area);
	struct mbuff_ring r, junk;
	char want[64];

	memset(&r, 0x5a, sizeof(r));
	memcpy(&junk, &r, sizeof(r));
	for (unsigned int v = 1; v <= 3; v += 2) {
		for (int f = 0; f < 2; f++) {
			cr_assert_eq(mbuff_ring_format_size(ctl, AREA, DATA), DATA);
			ctl->version = v;
			errno = 0;
			cr_assert_eq(mbuff_area_ring_attach(area, &r, flags[f]),
				     -EPROTO, "format %u", v);
			cr_assert_eq(errno, EPROTO);
			snprintf(want, sizeof(want), "format %u", v);
			cr_assert(strstr(mbuff_last_error(), want),
				  "the message does not say '%s': %s", want,
				  mbuff_last_error());
			snprintf(want, sizeof(want), "%u", MBUFF_RING_VERSION);
			cr_assert(strstr(mbuff_last_error(), want), "%s",
				  mbuff_last_error());
			cr_assert_arr_eq(&r, &junk, sizeof(r));
		}
	}
	/* Not a view left behind: a doubled one can still be made. */
	ctl->version = MBUFF_RING_VERSION;
	cr_assert_eq(mbuff_area_ring_attach(area, &r, MBUFF_RING_VIEW_DOUBLED), 0,
		     "%s", mbuff_last_error());
	mbuff_area_close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* struct mbuff_ring of release 0.1, which the 0.1 attach fills. */
struct mbuff_ring_0_1 {
	struct mbuff_ring_ctl *ctl;
	unsigned char *data;
	__u32 mask;
	int doubled;
	__u32 peeked;
};

/* The 0.1 attach's type. */
typedef int attach_0_1_fn(struct mbuff_area *area, struct mbuff_ring_0_1 *ring,
			  unsigned int flags);

/* The library's own calls, from the shared library. */
struct lib {
	void *h;
	__typeof__(&mbuff_area_open) open;
	__typeof__(&mbuff_area_close) close;
	__typeof__(&mbuff_area_addr) addr;
	__typeof__(&mbuff_last_error) last_error;
	attach_0_1_fn *attach_0_1;
	__typeof__(&mbuff_area_ring_attach) attach_0_3;
};

static void lib_load(struct lib *l)
{
	l->h = libso();
	l->open = (__typeof__(l->open))dlsym(l->h, "mbuff_area_open");
	l->close = (__typeof__(l->close))dlsym(l->h, "mbuff_area_close");
	l->addr = (__typeof__(l->addr))dlsym(l->h, "mbuff_area_addr");
	l->last_error = (__typeof__(l->last_error))dlsym(l->h, "mbuff_last_error");
	l->attach_0_1 = (attach_0_1_fn *)dlvsym(l->h, "mbuff_area_ring_attach",
						"MBUFF_0.1");
	l->attach_0_3 = (__typeof__(l->attach_0_3))
		dlvsym(l->h, "mbuff_area_ring_attach", "MBUFF_0.3");
	cr_assert(l->open && l->close && l->addr && l->last_error);
	cr_assert_not_null(l->attach_0_1, "no mbuff_area_ring_attach@MBUFF_0.1");
	cr_assert_not_null(l->attach_0_3, "no mbuff_area_ring_attach@MBUFF_0.3");
}

/* A ring of format 1, as release 0.2 set it up. */
static void format_1(void *area)
{
	struct mbuff_ring_ctl *ctl = area;

	memset(ctl, 0, sizeof(*ctl));
	ctl->version = 1;
	ctl->size = DATA;
	ctl->data_offset = MBUFF_RING_CTL_SIZE;
	ctl->prod = 12;		/* format 1 indices, not checked at attach */
	ctl->cons = 4;
	__atomic_store_n(&ctl->magic, MBUFF_RING_MAGIC, __ATOMIC_RELEASE);
}

static struct mbuff_area *lib_create(struct lib *l, const char *name)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	struct mbuff_area *area;

	cr_assert_eq(l->open(name, AREA, &o, &area), 0, "%s", l->last_error());
	return area;
}

Test(lib_ring, symbol_versions_of_attach)
{
	struct lib l;

	lib_load(&l);
	cr_assert_neq((void *)l.attach_0_1, (void *)l.attach_0_3);
	cr_assert_eq(dlsym(l.h, "mbuff_area_ring_attach"), (void *)l.attach_0_3,
		     "the default is 0.3's");
	cr_assert_null(dlsym(l.h, "mbuff_area_ring_attach_0_1"),
		       "an internal name");
	dlclose(l.h);
}

/* Programs built before 0.3 keep attaching the rings they know. */
Test(lib_ring, attach_0_1_takes_a_ring_of_format_1, .init = process_only,
	.fini = remove_area)
{
	const char *n = test_area = uname_("lring-01");
	struct { struct mbuff_ring_0_1 r; unsigned char guard[64]; } old;
	struct mbuff_area *area;
	unsigned char *base;
	struct mbuff_ring r;
	struct lib l;

	lib_load(&l);
	area = lib_create(&l, n);
	base = l.addr(area);
	format_1(base);
	memset(&old, 0x5a, sizeof(old));
	cr_assert_eq(l.attach_0_1(area, &old.r, 0), 0, "%s", l.last_error());
	cr_assert_eq((void *)old.r.ctl, base);
	cr_assert_eq(old.r.data, base + MBUFF_RING_CTL_SIZE);
	cr_assert_eq(old.r.mask, DATA - 1);
	cr_assert_eq(old.r.doubled, 0);
	cr_assert_eq(old.r.peeked, 0);
	for (size_t i = 0; i < sizeof(old.guard); i++)
		cr_assert_eq(old.guard[i], 0x5a, "written past the 0.1 struct");

	memset(&old, 0x5a, sizeof(old));
	cr_assert_eq(l.attach_0_1(area, &old.r, MBUFF_RING_VIEW_DOUBLED), 0, "%s",
		     l.last_error());
	cr_assert_eq(old.r.doubled, 1);
	cr_assert_eq(old.r.mask, DATA - 1);
	cr_assert_neq((void *)old.r.ctl, base);
	cr_assert_eq(old.r.ctl->version, 1);
	old.r.data[DATA + 3] = 0x42;	/* format 1 read split records so */
	cr_assert_eq(base[MBUFF_RING_CTL_SIZE + 3], 0x42);
	for (size_t i = 0; i < sizeof(old.guard); i++)
		cr_assert_eq(old.guard[i], 0x5a, "written past the 0.1 struct");
	cr_assert_eq(l.attach_0_1(area, &old.r, 2), -EINVAL);

	/* And 0.3's attach refuses it: its code would misread it. */
	cr_assert_eq(l.attach_0_3(area, &r, 0), -EPROTO);
	cr_assert_eq(errno, EPROTO);
	cr_assert(strstr(l.last_error(), "format 1"), "%s", l.last_error());
	l.close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	dlclose(l.h);
}

/* ... and are refused rings of format 2, with a message that says why. */
Test(lib_ring, attach_0_1_refuses_a_ring_of_format_2, .init = process_only,
	.fini = remove_area)
{
	const char *n = test_area = uname_("lring-02");
	struct { struct mbuff_ring_0_1 r; unsigned char guard[64]; } old, junk;
	struct mbuff_area *area;
	struct mbuff_ring r;
	struct lib l;

	lib_load(&l);
	area = lib_create(&l, n);
	memset(&old, 0x5a, sizeof(old));
	memcpy(&junk, &old, sizeof(old));
	cr_assert_eq(l.attach_0_1(area, &old.r, 0), -EAGAIN, "no ring yet");
	cr_assert_eq(mbuff_ring_format_size(l.addr(area), AREA, DATA), DATA);
	for (unsigned int f = 0; f <= MBUFF_RING_VIEW_DOUBLED; f++) {
		errno = 0;
		cr_assert_eq(l.attach_0_1(area, &old.r, f), -EPROTO);
		cr_assert_eq(errno, EPROTO);
		cr_assert(strstr(l.last_error(), "format 2"), "%s",
			  l.last_error());
		cr_assert(strstr(l.last_error(), "rebuild"), "%s",
			  l.last_error());
		cr_assert_arr_eq(&old, &junk, sizeof(old),
				 "a refused attach wrote the view");
	}
	/* The default attach of the same library takes it. */
	cr_assert_eq(l.attach_0_3(area, &r, 0), 0, "%s", l.last_error());
	cr_assert_eq(r.mask, DATA - 1);
	cr_assert_eq(r.area, l.addr(area));
	cr_assert_eq(r.area_size, AREA);
	l.close(area);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	dlclose(l.h);
}
