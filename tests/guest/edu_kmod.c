// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA by QEMU's edu device into an area, driven by the kernel: the test
 * module tests/kmod/mbuff_edu_dma.ko takes the area through the kernel API
 * and has the device copy a pattern from one offset to another (through
 * the physical address, or chunk by chunk through the runs of a vmalloc
 * area); this process checks the bytes through its own mapping, and the
 * module's runs against mbuff_area_sglist().  With "outside", the module
 * is asked for copies that would leave the area, and the device's own DMA
 * registers show that it was never programmed.  Needs a guest with -d edu
 * and a pool.  Usage: edu_kmod contig|vmalloc|outside
 */
#include <stdint.h>

#include <mbuff.h>

#include "../../userspace/examples/edu.h"
#include "mbuff_util.h"
#include "tap.h"

#define SRC 0x100
#define DST 0x20123
#define LEN 12000

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 0x5a + (i >> 8));
}

static void read_result(char *res, size_t len)
{
	FILE *f = fopen("/sys/module/mbuff_edu_dma/parameters/result", "r");

	res[0] = 0;
	if (f) {
		if (!fgets(res, len, f))
			res[0] = 0;
		fclose(f);
	}
	res[strcspn(res, "\n")] = 0;
}

/* Sentinels in the device's DMA registers, none of them a start. */
#define SENT_SRC	0x0badd000ULL
#define SENT_DST	0x0beef000ULL
#define SENT_COUNT	0x123ULL

static int edu_sentinels(int set)
{
	struct edu e = { 0 };
	int ok;

	if (edu_open(&e))
		return 0;
	if (set) {
		edu_wr(&e, EDU_DMA_SRC, SENT_SRC);
		edu_wr(&e, EDU_DMA_DST, SENT_DST);
		edu_wr(&e, EDU_DMA_COUNT, SENT_COUNT);
	}
	ok = edu_rd(&e, EDU_DMA_SRC) == SENT_SRC &&
	     edu_rd(&e, EDU_DMA_DST) == SENT_DST &&
	     edu_rd(&e, EDU_DMA_COUNT) == SENT_COUNT &&
	     !(edu_rd(&e, EDU_DMA_CMD) & EDU_CMD_START);
	if (!ok)
		tap_diag("edu registers: src %#llx dst %#llx count %#llx cmd %#llx",
			 (unsigned long long)edu_rd(&e, EDU_DMA_SRC),
			 (unsigned long long)edu_rd(&e, EDU_DMA_DST),
			 (unsigned long long)edu_rd(&e, EDU_DMA_COUNT),
			 (unsigned long long)edu_rd(&e, EDU_DMA_CMD));
	edu_close(&e);
	return ok;
}

/*
 * Copies the module must refuse: each would read or write past the end of
 * a 1 MiB area.  The device's registers must still hold the sentinels.
 */
static int outside(void)
{
	static const struct {
		const char *backend;
		unsigned int src, dst, len;
	} c[] = {
		{ "contig", 0x100, 0xff000, 8000 },	/* dst ends 3904 past */
		{ "contig", 0xfffff, 0x1000, 2 },	/* src ends 1 past */
		{ "vmalloc", 0x100, 0xff000, 8000 },
		{ "vmalloc", 0x100000, 0x1000, 1 },	/* src at the end */
	};
	char cmd[256], res[160];
	unsigned int i;

	tap_plan(3 * 4 + 1);
	tap_ok(edu_sentinels(1), "sentinels written to the device's DMA registers");
	for (i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd),
			 "insmod /lib/modules/mbuff_edu_dma.ko area=edu-out backend=%s size=1048576 src=%u dst=%u len=%u",
			 c[i].backend, c[i].src, c[i].dst, c[i].len);
		tap_ok(system(cmd) == 0, "%s", cmd);
		read_result(res, sizeof(res));
		tap_ok(!strncmp(res, "error -22 ranges", 16),
		       "%s: [%#x, +%u) -> [%#x, +%u) refused: %s", c[i].backend,
		       c[i].src, c[i].len, c[i].dst, c[i].len, res);
		if (system("rmmod mbuff_edu_dma"))
			tap_diag("rmmod failed");
		tap_ok(edu_sentinels(0) && mb_gone("edu-out"),
		       "%s: the device was never programmed, the area is gone",
		       c[i].backend);
	}
	return tap_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct mbuff_sg_entry ents[512];
	struct mbuff_area *a = NULL;
	char cmd[256], res[160] = "", name[40];
	unsigned long long kphys = 0;
	uint64_t phys = 0;
	int runs = -1, chunks = -1, n, ok;
	size_t i, bad = 0;
	unsigned char *p;

	if (argc == 2 && !strcmp(argv[1], "outside"))
		return outside();
	if (argc != 2 || (strcmp(argv[1], "contig") && strcmp(argv[1], "vmalloc"))) {
		fprintf(stderr, "usage: edu_kmod contig|vmalloc|outside\n");
		return 2;
	}
	snprintf(name, sizeof(name), "edu-k-%s", argv[1]);
	tap_plan(6);
	snprintf(cmd, sizeof(cmd),
		 "insmod /lib/modules/mbuff_edu_dma.ko area=%s backend=%s src=%d dst=%d len=%d",
		 name, argv[1], SRC, DST, LEN);
	tap_ok(system(cmd) == 0, "%s", cmd);

	read_result(res, sizeof(res));
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
