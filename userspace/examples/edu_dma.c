// SPDX-License-Identifier: MIT
/*
 * Example: a user-space driver for QEMU's edu PCI device (1234:11e8) that
 * makes the device DMA into a contiguous mbuff area by its physical
 * address.  LEN bytes written by the CPU at SRC of the area go RAM ->
 * device buffer -> RAM to DST of the area; every byte is checked, and so
 * are the bytes around DST that the device must not have touched.
 *
 * Usage: edu_dma [NAME [SIZE [SRC DST LEN]]]
 *   defaults: edu-dma 1M 0 0x10000 4000; LEN at most 4095 (the device's
 *   buffer is 4 KiB), SRC+LEN and DST+LEN within the area.
 * Needs root (sysfs PCI files, the area's physical address), a pool for
 * contiguous areas, and a guest started with `-device edu`.  There must
 * be no IOMMU between the device and memory: physical == bus address.
 * Exit status: 0 the data arrived intact, 1 an error or a refused
 * transfer, 2 bad usage.
 *
 * Build: cc edu_dma.c $(pkg-config --cflags --libs mbuff)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbuff.h>

#include "edu.h"

/* A number with an optional K or M suffix. */
static uint64_t num(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	return v;
}

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 7 + 0x5a + (i >> 8));
}

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .backend = MBUFF_BACKEND_CONTIG,
				.flags = MBUFF_OPEN_CREATE };
	const char *name = argc > 1 ? argv[1] : "edu-dma";
	uint64_t size = argc > 2 ? num(argv[2]) : 1 << 20;
	uint64_t soff = argc > 5 ? num(argv[3]) : 0;
	uint64_t doff = argc > 5 ? num(argv[4]) : 0x10000;
	uint64_t len = argc > 5 ? num(argv[5]) : 4000;
	uint64_t phys = 0, src, dst, i, bad = 0, guard = 0;
	struct mbuff_area *area = NULL;
	struct edu edu = { .verbose = 1 };
	unsigned char *p;
	int ret = 1;

	if (argc > 6 || argc == 4 || argc == 5 || (argc > 2 && size < 4096)) {
		fprintf(stderr, "usage: edu_dma [NAME [SIZE [SRC DST LEN]]]\n");
		return 2;
	}
	if (len > EDU_BUF_MAX) {
		fprintf(stderr, "edu_dma: refused: %llu bytes do not fit the device's buffer (%d at most)\n",
			(unsigned long long)len, EDU_BUF_MAX);
		return 1;
	}
	if (mbuff_area_open(name, size, &o, &area)) {
		fprintf(stderr, "edu_dma: %s: %s\n", name, mbuff_last_error());
		return 1;
	}
	size = mbuff_area_size(area);
	if (mbuff_area_phys(area, &phys) || !phys) {
		fprintf(stderr, "edu_dma: %s has no physical address (not contiguous?)\n",
			name);
		goto out_area;
	}
	src = edu_dma_addr(phys, size, soff, len);
	dst = edu_dma_addr(phys, size, doff, len);
	if (!src || !dst || (soff < doff + len && doff < soff + len)) {
		fprintf(stderr, "edu_dma: refused: [%#llx, +%llu) -> [%#llx, +%llu) is not two disjoint ranges inside '%s' (%llu bytes at %#llx, below 4 GiB)\n",
			(unsigned long long)soff, (unsigned long long)len,
			(unsigned long long)doff, (unsigned long long)len, name,
			(unsigned long long)size, (unsigned long long)phys);
		goto out_area;
	}
	printf("area '%s': %llu bytes at physical %#llx\n", name,
	       (unsigned long long)size, (unsigned long long)phys);

	if (edu_open(&edu))
		goto out_area;
	printf("edu at %s, ident %#x\n", edu.dir, edu_rd32(&edu, EDU_IDENT));

	/* The CPU writes the source and clears the destination and 64 bytes
	 * either side of it (when inside the area). */
	p = mbuff_area_addr(area);
	for (i = 0; i < len; i++)
		p[soff + i] = pattern(i);
	for (i = doff >= 64 ? doff - 64 : 0; i < doff + len + 64 && i < size; i++)
		if (i < soff || i >= soff + len)
			p[i] = 0;
	if (mbuff_area_sync(area, soff, len, MBUFF_SYNC_TO_DEVICE) ||
	    mbuff_area_sync(area, doff, len, MBUFF_SYNC_BIDIRECTIONAL)) {
		fprintf(stderr, "edu_dma: sync: %s\n", mbuff_last_error());
		goto out_bar;
	}
	if (edu_transfer(&edu, src, EDU_BUF, len, 0) ||
	    edu_transfer(&edu, EDU_BUF, dst, len, 1))
		goto out_bar;
	if (mbuff_area_sync(area, doff, len, MBUFF_SYNC_FROM_DEVICE)) {
		fprintf(stderr, "edu_dma: sync: %s\n", mbuff_last_error());
		goto out_bar;
	}

	for (i = 0; i < len; i++) {
		if (p[doff + i] != pattern(i) && !bad++)
			fprintf(stderr, "first difference at +%llu: %#x, want %#x\n",
				(unsigned long long)i, p[doff + i], pattern(i));
		if (p[soff + i] != pattern(i))
			bad++;
	}
	for (i = doff >= 64 ? doff - 64 : 0; i < doff + len + 64 && i < size; i++)
		if ((i < doff || i >= doff + len) && (i < soff || i >= soff + len) && p[i])
			guard++;
	printf("%llu bytes from offset %#llx arrived at offset %#llx (phys %#llx): %llu differ, %llu bytes outside touched\n",
	       (unsigned long long)len, (unsigned long long)soff,
	       (unsigned long long)doff, (unsigned long long)dst,
	       (unsigned long long)bad, (unsigned long long)guard);
	ret = bad || guard;
out_bar:
	edu_close(&edu);
out_area:
	mbuff_area_close(area);
	return ret;
}
