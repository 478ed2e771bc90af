// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff's devmem source, the legacy path: with no module, an area named
 * in MBUFF_DEVMEM maps the reserved range through /dev/mem for the modern
 * and the classic API; once the module has claimed the range, opening it
 * fails with EPERM and a message that says why.  Leaves 0x600DCAFE at
 * PHYS + 0x300 for busybox devmem.
 * Usage: lib_devmem NAME PHYS free|claimed
 */
#include <stdarg.h>
#include <stdint.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_area *a;
	uint64_t phys = 0, want;
	volatile uint32_t *w;
	char *p;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: lib_devmem NAME PHYS free|claimed\n");
		return 2;
	}
	want = strtoull(argv[2], NULL, 0);
	if (!strcmp(argv[3], "claimed")) {
		tap_plan(2);
		r = mbuff_area_open(argv[1], 0, NULL, &a);
		tap_ok(r == -EPERM && strstr(mbuff_last_error(), "claimed"),
		       "a range the module claimed is refused: %s", mbuff_last_error());
		tap_ok(mbuff_attach(argv[1], 4096) == NULL && errno == EPERM,
		       "the classic mbuff_attach() fails with EPERM as well");
		tap_exit();
	}

	tap_plan(6);
	r = mbuff_area_open(argv[1], 0, NULL, &a);
	if (!tap_ok(r == 0, "open '%s' from MBUFF_DEVMEM (%s)", argv[1],
		    r ? mbuff_last_error() : "ok"))
		tap_exit();
	mbuff_area_info(a, &info);
	r = mbuff_area_phys(a, &phys);
	tap_ok(info.source == MBUFF_SOURCE_DEVMEM && r == 0 && phys == want,
	       "its source is devmem and its physical base %#llx",
	       (unsigned long long)phys);
	w = mbuff_area_addr(a);
	w[0x300 / 4] = 0x600DCAFE;
	w[0x400 / 4] = 0x12345678;
	p = mbuff_alloc(argv[1], 4096);
	tap_ok(p && ((volatile uint32_t *)p)[0x400 / 4] == 0x12345678,
	       "the classic mbuff_alloc() maps the same memory");
	mbuff_free(argv[1], p);
	tap_ok(mbuff_area_notify(a) == -EOPNOTSUPP && mbuff_area_wait(a, 0) == -EOPNOTSUPP,
	       "notification is not possible without the module (EOPNOTSUPP)");
	o.memtype = MBUFF_MEM_WC;
	tap_ok(mbuff_area_open(argv[1], 0, &o, &a) == -EOPNOTSUPP,
	       "write-combined through /dev/mem: EOPNOTSUPP");
	o.memtype = MBUFF_MEM_CACHED;
	tap_ok(mbuff_area_open(argv[1], (size_t)1 << 30, &o, &a) == -EINVAL,
	       "asking for more than the range: EINVAL");
	tap_exit();
}
