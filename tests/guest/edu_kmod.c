// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA by QEMU's edu device into an area, driven by the kernel: the test
 * module tests/kmod/mbuff_edu_dma.ko takes the area through the kernel API
 * and has the device copy a pattern from one offset to another (through
 * the physical address, or chunk by chunk through the runs of a vmalloc
 * area); this process checks the bytes through its own mapping, and the
 * module's runs against mbuff_area_sglist().  Needs a guest with -d edu
 * and a pool.  Usage: edu_kmod contig|vmalloc
 */
#include <stdint.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

#define SRC 0x100
#define DST 0x20123
#define LEN 12000

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 0x5a + (i >> 8));
}

int main(int argc, char **argv)
{
	const char *param = "/sys/module/mbuff_edu_dma/parameters/result";
	struct mbuff_sg_entry ents[512];
	struct mbuff_area *a = NULL;
	char cmd[256], res[160] = "", name[40];
	unsigned long long kphys = 0;
	uint64_t phys = 0;
	int runs = -1, chunks = -1, n, ok;
	size_t i, bad = 0;
	unsigned char *p;
	FILE *f;

	if (argc != 2 || (strcmp(argv[1], "contig") && strcmp(argv[1], "vmalloc"))) {
		fprintf(stderr, "usage: edu_kmod contig|vmalloc\n");
		return 2;
	}
	snprintf(name, sizeof(name), "edu-k-%s", argv[1]);
	tap_plan(6);
	snprintf(cmd, sizeof(cmd),
		 "insmod /lib/modules/mbuff_edu_dma.ko area=%s backend=%s src=%d dst=%d len=%d",
		 name, argv[1], SRC, DST, LEN);
	tap_ok(system(cmd) == 0, "%s", cmd);

	f = fopen(param, "r");
	if (f) {
		if (!fgets(res, sizeof(res), f))
			res[0] = 0;
		fclose(f);
	}
	res[strcspn(res, "\n")] = 0;
	sscanf(res, "ok phys=%llx runs=%d chunks=%d", &kphys, &runs, &chunks);
	tap_ok(!strncmp(res, "ok ", 3) && chunks >= LEN / 4095 + 1,
	       "the module drove the device: %s", res);

	if (mbuff_area_open(name, 0, NULL, &a)) {
		tap_diag("open %s: %s", name, mbuff_last_error());
		for (i = 0; i < 4; i++)
			tap_ok(0, "setup");
		return 1;
	}
	p = mbuff_area_addr(a);
	mbuff_area_sync(a, DST, LEN, MBUFF_SYNC_FROM_DEVICE);
	for (i = 0; i < LEN; i++)
		bad += p[DST + i] != pattern(i) || p[SRC + i] != pattern(i);
	tap_ok(!bad, "%s: the %d bytes the device wrote at %#x are the kernel's pattern, seen through this mapping (%zu differ)",
	       argv[1], LEN, DST, bad);

	n = mbuff_area_sglist(a, ents, 512);
	mbuff_area_phys(a, &phys);
	if (!strcmp(argv[1], "contig"))
		ok = n == 1 && runs == 1 && phys && kphys == phys;
	else
		ok = n > 0 && runs == n && kphys == 0;
	tap_ok(ok, "%s: the module's runs (%d, phys %#llx) are the area's (%d, phys %#llx)",
	       argv[1], runs, kphys, n, (unsigned long long)phys);
	if (!strcmp(argv[1], "vmalloc")) {
		/* How many run boundaries the copy crossed: informative. */
		uint64_t off = 0;
		int cross = 0;

		for (i = 0; (int)i < n && i < 512; off += ents[i].len, i++)
			if ((off > SRC && off < SRC + LEN) || (off > DST && off < DST + LEN))
				cross++;
		tap_diag("the source and destination cross %d run boundaries", cross);
	}
	mbuff_area_close(a);

	tap_ok(system("rmmod mbuff_edu_dma") == 0, "the module unloads");
	tap_ok(mb_gone(name), "the area '%s' went with the module's count", name);
	return tap_failed ? 1 : 0;
}
