// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-marker helper across the kernel boundary: the kernel (the test
 * client, standing in for a device) fills pages of an area out of order;
 * a process finds each one by its markers alone, checks it and marks it
 * empty again; a half-written page is not taken.
 * Needs mbuff_test_client.ko loaded.  Usage: pagemark_kernel vmalloc|contig
 */
#include <stdarg.h>

#include <mbuff/pagemark.h>

#include "mbuff_util.h"
#include "tap.h"

#define PAGE	4096
#define NPAGES	16

int main(int argc, char **argv)
{
	static const unsigned int order[] = { 9, 3, 12, 0, 15, 4 };
	const char *backend = argc > 1 ? argv[1] : "";
	struct mbuff_pagemark pm;
	unsigned char *p;
	char name[32];
	size_t k;
	int fd, r;

	if (strcmp(backend, "vmalloc") && strcmp(backend, "contig")) {
		fprintf(stderr, "usage: pagemark_kernel vmalloc|contig\n");
		return 2;
	}
	snprintf(name, sizeof(name), "pm-%s", backend);
	tap_plan(4);
	r = kctl("get %s %d %s cached create", name, PAGE * NPAGES, backend);
	fd = r ? r : mb_open(name, 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE * NPAGES, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0);
	if (!tap_ok(p != MAP_FAILED && !mbuff_pagemark_init(&pm, p, PAGE, NPAGES),
		    "kernel creates '%s', a process maps it and marks %d pages empty (%s)",
		    name, NPAGES, r ? strerror(-r) : "ok"))
		tap_exit();

	r = kctl("fill %s %d %d 0x77", name, 5 * PAGE, PAGE / 2);
	tap_ok(!r && mbuff_pagemark_find(&pm) == -1,
	       "a page the kernel wrote only half of is not taken");
	r = kctl("fill %s %d %d 0x77", name, 5 * PAGE + PAGE / 2, PAGE / 2);
	tap_ok(!r && mbuff_pagemark_find(&pm) == 5 && p[5 * PAGE + 100] == 0x77 &&
	       (mbuff_pagemark_done(&pm, 5), mbuff_pagemark_find(&pm) == -1),
	       "once the rest is written it is taken, then marked empty again");

	for (k = 0, r = 0; k < sizeof(order) / sizeof(order[0]) && !r; k++) {
		long i;

		r = kctl("fill %s %u %d %#x", name, order[k] * PAGE, PAGE,
			 (unsigned int)(0x30 + k));
		i = mbuff_pagemark_find(&pm);
		if (r || i != (long)order[k] || mem_check(p + i * PAGE, PAGE, 0x30 + k) >= 0) {
			tap_diag("after the kernel filled page %u: found %ld", order[k], i);
			r = -1;
			break;
		}
		mbuff_pagemark_done(&pm, (__u32)i);
		/* The kernel sees the marker again ('b', the first byte of
		 * MBUFF_PAGEMARK_MAGIC0 in little-endian order). */
		r = kctl("check %s %u 1 0x62", name, order[k] * PAGE);
	}
	tap_ok(!r, "pages filled by the kernel in the order 9 3 12 0 15 4 are each found by their markers");
	munmap(p, PAGE * NPAGES);
	close(fd);
	kctl("put %s", name);
	tap_exit();
}
