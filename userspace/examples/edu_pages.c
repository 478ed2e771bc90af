// SPDX-License-Identifier: MIT
/*
 * Example: a device fills pages of a contiguous mbuff area by DMA, in no
 * particular order, and a consumer process finds the finished pages by
 * their page markers alone (<mbuff/pagemark.h>): it is never told which
 * page was written, nor when.
 *
 * The driver (this process) has QEMU's edu device write each page in two
 * transfers, the page without its last 8 bytes first and those 8 bytes
 * last: QEMU copies a transfer with memcpy(), whose store order is
 * unknown, and the last word is the one that says the page is complete.
 * Between the two, the head marker and half of the end marker are gone,
 * and the page must not be taken.  The consumer (a child process with its
 * own attachment of the area) marks every page empty, then loops: find a
 * full page, check every byte of it, mark it empty again.  The driver
 * fills only pages whose markers say they are empty, so the consumer's
 * "mark empty" is also how it gives a page back.
 *
 * Layout of the area: PAGES marked pages of 2 KiB at offset 0, then one
 * staging page where the driver prepares what the device is to write.
 * Page contents: the page's sequence number (8 bytes), then a pattern
 * derived from it.
 *
 * Usage: edu_pages [NAME [PAGES [COUNT]]]
 *   defaults: edu-pages 4 16; the area is created contiguous, 64 KiB,
 *   if it does not exist.  Each page costs the device three transfers.
 * Needs what edu_dma needs: root, a pool, `-device edu`, no IOMMU.
 * Exit status: 0 every page arrived once and intact, 1 an error, 2 bad
 * usage.
 *
 * Build: cc edu_pages.c $(pkg-config --cflags --libs mbuff)
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mbuff.h>
#include <mbuff/pagemark.h>

#include "edu.h"

#define PS		2048u	/* bytes per marked page */
#define TAIL		8u	/* the last word: the second transfer */
#define AREA_SIZE	(64u << 10)
#define MAX_COUNT	4096u
#define TIMEOUT		60.0	/* seconds, for either side to give up */

static unsigned char pattern(uint64_t seq, uint64_t i)
{
	return (unsigned char)(seq * 31 + i * 7 + (i >> 8) + 1);
}

/* What page number @seq holds: its number, then the pattern. */
static void page_fill(unsigned char *p, uint64_t seq)
{
	uint64_t i;

	memcpy(p, &seq, sizeof(seq));
	for (i = sizeof(seq); i < PS; i++)
		p[i] = pattern(seq, i);
}

/* The bytes of @p that differ from what page number *@seq holds. */
static unsigned int page_check(const unsigned char *p, uint64_t *seq)
{
	unsigned int bad = 0;
	uint64_t i;

	memcpy(seq, p, sizeof(*seq));
	for (i = sizeof(*seq); i < PS; i++)
		bad += p[i] != pattern(*seq, i);
	return bad;
}

/*
 * The consumer: mark the pages empty, say so on @ready, then take @count
 * pages by their markers.  Return: the exit status.
 */
static int consume(const char *name, uint32_t npages, uint32_t count, int ready)
{
	unsigned char seen[MAX_COUNT] = { 0 };
	unsigned int bad = 0, dup = 0, half = 0, taken = 0;
	struct mbuff_area *area = NULL;
	struct mbuff_pagemark pm;
	uint64_t seq, off;
	double t0;
	long i;

	if (mbuff_area_open(name, 0, NULL, &area)) {
		fprintf(stderr, "consumer: %s: %s\n", name, mbuff_last_error());
		return 1;
	}
	if (mbuff_pagemark_init(&pm, mbuff_area_addr(area), PS, npages) ||
	    mbuff_area_sync(area, 0, (uint64_t)npages * PS, MBUFF_SYNC_TO_DEVICE) ||
	    write(ready, "r", 1) != 1) {
		fprintf(stderr, "consumer: cannot set up the markers\n");
		return 1;
	}
	close(ready);
	t0 = edu_now();
	while (taken < count && edu_now() - t0 < TIMEOUT) {
		/* The device may have written: drop stale lines (no-op on x86). */
		mbuff_area_sync(area, 0, (uint64_t)npages * PS, MBUFF_SYNC_FROM_DEVICE);
		i = mbuff_pagemark_find(&pm);
		if (i < 0) {
			/* Count the pages caught half written: not taken. */
			for (i = 0; i < (long)npages; i++)
				half += !mbuff_pagemark_full(&pm, i) &&
					!mbuff_pagemark_is_empty(&pm, i);
			usleep(2000);
			continue;
		}
		off = (uint64_t)i * PS;
		bad += page_check(pm.base + off, &seq);
		if (seq >= count || seen[seq]++)
			dup++;
		printf("consumer: page %ld holds #%llu\n", i, (unsigned long long)seq);
		mbuff_pagemark_done(&pm, i);
		/* Give it back: the markers must reach memory before the device. */
		mbuff_area_sync(area, off, PS, MBUFF_SYNC_TO_DEVICE);
		taken++;
	}
	printf("consumer: %u of %u pages taken by their markers, %u bytes differ, %u unexpected, %u looks at half-written pages\n",
	       taken, count, bad, dup, half);
	mbuff_area_close(area);
	return taken != count || bad || dup;
}

/* The driver: @count pages through the device, each into an empty page. */
static int produce(struct edu *e, struct mbuff_area *area, uint64_t phys,
		   uint32_t npages, uint32_t count)
{
	uint64_t size = mbuff_area_size(area), stage = (uint64_t)npages * PS;
	unsigned char *base = mbuff_area_addr(area);
	struct mbuff_pagemark pm = { .base = base, .page_size = PS,
				     .npages = npages };
	uint64_t src = edu_dma_addr(phys, size, stage, PS), dst;
	uint32_t seq, n, i;
	double t0;

	for (seq = 0; seq < count; seq++) {
		/* Any empty page, starting from a scrambled one. */
		t0 = edu_now();
		for (n = 0;; n++) {
			i = (seq * 7 + n) % npages;
			mbuff_area_sync(area, (uint64_t)i * PS, PS, MBUFF_SYNC_FROM_DEVICE);
			if (mbuff_pagemark_is_empty(&pm, i))
				break;
			if (n % npages == npages - 1)
				usleep(2000);
			if (edu_now() - t0 > TIMEOUT) {
				fprintf(stderr, "driver: no page given back in %.0f s\n",
					TIMEOUT);
				return -1;
			}
		}
		dst = edu_dma_addr(phys, size, (uint64_t)i * PS, PS);
		if (!src || !dst)
			return -1;
		page_fill(base + stage, seq);
		if (mbuff_area_sync(area, stage, PS, MBUFF_SYNC_TO_DEVICE) ||
		    edu_transfer(e, src, EDU_BUF, PS, 0) ||
		    edu_transfer(e, EDU_BUF, dst, PS - TAIL, 1) ||
		    edu_transfer(e, EDU_BUF + PS - TAIL, dst + PS - TAIL, TAIL, 1))
			return -1;
		printf("driver: #%u -> page %u (phys %#llx)\n", seq, i,
		       (unsigned long long)dst);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .backend = MBUFF_BACKEND_CONTIG,
				.flags = MBUFF_OPEN_CREATE };
	const char *name = argc > 1 ? argv[1] : "edu-pages";
	unsigned long npages = argc > 2 ? strtoul(argv[2], NULL, 0) : 4;
	unsigned long count = argc > 3 ? strtoul(argv[3], NULL, 0) : 16;
	struct mbuff_area *area = NULL;
	struct edu edu = { 0 };
	int ready[2], status, ret = 1;
	uint64_t phys = 0, size;
	pid_t pid;

	if (argc > 4 || !npages || !count || count > MAX_COUNT) {
		fprintf(stderr, "usage: edu_pages [NAME [PAGES [COUNT]]] (COUNT 1 to %u)\n",
			MAX_COUNT);
		return 2;
	}
	if (mbuff_area_open(name, AREA_SIZE, &o, &area)) {
		fprintf(stderr, "edu_pages: %s: %s\n", name, mbuff_last_error());
		return 1;
	}
	size = mbuff_area_size(area);
	if (mbuff_area_phys(area, &phys) || !phys) {
		fprintf(stderr, "edu_pages: %s has no physical address (not contiguous?)\n",
			name);
		goto out_area;
	}
	/* Every page and the staging page inside the area, within reach. */
	if (npages > (size - PS) / PS ||
	    !edu_dma_addr(phys, size, 0, (npages + 1) * PS)) {
		fprintf(stderr, "edu_pages: refused: %lu pages of %u bytes and a staging page do not fit '%s' (%llu bytes at %#llx, below 4 GiB)\n",
			npages, PS, name, (unsigned long long)size,
			(unsigned long long)phys);
		goto out_area;
	}
	if (edu_open(&edu))
		goto out_area;
	printf("area '%s': %lu pages of %u bytes at physical %#llx, staging at +%#lx\n",
	       name, npages, PS, (unsigned long long)phys, npages * PS);

	fflush(stdout);
	if (pipe(ready))
		goto out_edu;
	pid = fork();
	if (pid < 0)
		goto out_edu;
	if (!pid) {
		close(ready[0]);
		status = consume(name, npages, count, ready[1]);
		fflush(stdout);
		_exit(status);
	}
	close(ready[1]);
	if (read(ready[0], &status, 1) != 1) {
		fprintf(stderr, "edu_pages: the consumer did not start\n");
		waitpid(pid, &status, 0);
		goto out_edu;
	}
	if (produce(&edu, area, phys, npages, count)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out_edu;
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status))
		ret = 0;
	printf("edu_pages: the device wrote %lu pages (%lu transfers); the consumer %s\n",
	       count, 3 * count, ret ? "failed" : "took each once, intact");
out_edu:
	edu_close(&edu);
out_area:
	mbuff_area_close(area);
	return ret;
}
