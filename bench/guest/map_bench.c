// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a contiguous area's user mapping is best filled: 2 MiB entries
 * (huge_map=1, where the kernel maps pfns so) against 4 KiB pages
 * (huge_map=0), for one area of SIZE (default 32 MiB) through /dev/mbuff:
 *   map    mmap() alone (nothing is mapped until touched)
 *   touch  the first write to every page: the faults
 *   random 4 Mi reads of 8 bytes at random places: what the TLB gains
 *   seq    a sum over the whole area, mapped already
 * Prints, per case, the median of RUNS runs with its minimum, then one
 * "ratio:" line per case (4 KiB time / 2 MiB time: > 1 means the 2 MiB
 * entries are ahead).  On a kernel that maps no 2 MiB pfn entries (before
 * 6.12) both halves use 4 KiB pages and the ratios are near 1.
 *
 *   map_bench [-r RUNS] [-s SIZE]
 * Exit 0 when every case ran, 1 on a failure.
 */
#include <getopt.h>
#include <stdint.h>

#include "../../tests/guest/mbuff_util.h"

#define HUGE_PARAM	"/sys/module/mbuff/parameters/huge_map"
#define MAX_RUNS	32
#define RANDOM_READS	(4u << 20)

enum { C_MAP, C_TOUCH, C_RANDOM, C_SEQ, C_N };
static const char *const case_name[C_N] = { "map", "touch", "random", "seq" };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run: the four times, in seconds. */
static int run(int fd, size_t size, double t[C_N], volatile uint64_t *sink)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, sum = 0;
	double t0, t1;
	unsigned char *p;
	size_t i;

	t0 = clock_s(CLOCK_MONOTONIC);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	t1 = clock_s(CLOCK_MONOTONIC);
	if (p == MAP_FAILED) {
		perror("map_bench: mmap");
		return -1;
	}
	t[C_MAP] = t1 - t0;
	t0 = t1;
	for (i = 0; i < size; i += 4096)
		p[i] = (unsigned char)i;
	t1 = clock_s(CLOCK_MONOTONIC);
	t[C_TOUCH] = t1 - t0;
	t0 = t1;
	for (i = 0; i < RANDOM_READS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += *(volatile uint64_t *)(p + ((x % size) & ~7ULL));
	}
	t1 = clock_s(CLOCK_MONOTONIC);
	t[C_RANDOM] = t1 - t0;
	t0 = t1;
	for (i = 0; i < size; i += 8)
		sum += *(uint64_t *)(p + i);
	t1 = clock_s(CLOCK_MONOTONIC);
	t[C_SEQ] = t1 - t0;
	*sink += sum;
	munmap(p, size);
	return 0;
}

int main(int argc, char **argv)
{
	double t[2][C_N][MAX_RUNS], med[2][C_N], lo[2][C_N], hi[2][C_N];
	size_t size = 32UL << 20;
	volatile uint64_t sink = 0;
	int runs = 5, opt, fd, h, r, c, ret = 0;
	struct mbuff_open o;

	while ((opt = getopt(argc, argv, "r:s:")) != -1) {
		if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 's')
			size = parse_size(optarg);
		else
			return 1;
	}
	if (runs < 1 || runs > MAX_RUNS || !size || size % (2UL << 20)) {
		fprintf(stderr, "map_bench: 1 to %d runs, a size in 2 MiB units\n",
			MAX_RUNS);
		return 1;
	}
	fd = mb_open("map-bench", size, MBUFF_BACKEND_CONTIG, MBUFF_MEM_CACHED,
		     MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, &o);
	if (fd < 0) {
		fprintf(stderr, "map_bench: cannot create a %zu-byte contiguous area: %s\n",
			size, strerror(-fd));
		return 1;
	}
	for (h = 0; h < 2; h++) {
		/* h = 0: 4 KiB pages, h = 1: 2 MiB entries where possible */
		if (write_str(HUGE_PARAM, h ? "1" : "0")) {
			ret = 1;
			break;
		}
		for (r = 0; r < runs && !ret; r++) {
			double one[C_N] = { 0 };

			if (run(fd, size, one, &sink))
				ret = 1;
			for (c = 0; c < C_N; c++)
				t[h][c][r] = one[c];
		}
	}
	write_str(HUGE_PARAM, "1");
	close(fd);
	if (ret)
		return ret;

	printf("# map_bench: %zu MiB contiguous area, %d runs\n", size >> 20,
	       runs);
	printf("# %-8s %12s %12s %12s %12s\n", "case", "4K median", "4K min",
	       "2M median", "2M min");
	for (c = 0; c < C_N; c++) {
		for (h = 0; h < 2; h++) {
			double v[MAX_RUNS];

			memcpy(v, t[h][c], sizeof(double) * (size_t)runs);
			med[h][c] = median(v, runs);
			lo[h][c] = v[0];
			hi[h][c] = v[runs - 1];
		}
		printf("# %-8s %10.3f ms %10.3f ms %10.3f ms %10.3f ms\n",
		       case_name[c], med[0][c] * 1e3, lo[0][c] * 1e3,
		       med[1][c] * 1e3, lo[1][c] * 1e3);
	}
	for (c = 0; c < C_N; c++)
		printf("ratio: %s %zuM, 2 MiB entries vs 4 KiB pages = %.2f\n",
		       case_name[c], size >> 20, med[0][c] / med[1][c]);
	/* section, case, bytes, median, min, max, unit */
	printf("--- tsv ---\n");
	for (c = 0; c < C_N; c++)
		for (h = 0; h < 2; h++)
			printf("map\t%s %s\t%zu\t%.4f\t%.4f\t%.4f\tms\n",
			       case_name[c], h ? "2M" : "4K", size,
			       med[h][c] * 1e3, lo[h][c] * 1e3,
			       hi[h][c] * 1e3);
	printf("--- end ---\n");
	return 0;
}
