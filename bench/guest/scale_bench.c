// SPDX-License-Identifier: GPL-2.0-only
/*
 * scale_bench: what creating, opening, listing and attaching cost as the
 * areas, their sizes and the processes grow, measured inside a guest:
 *
 *   create  creating and mapping one area (mbuff_area_open() with
 *           MBUFF_OPEN_CREATE) of 4 KiB, 1 MiB and 64 MiB, contiguous and
 *           vmalloc, then the first touch (a read of every page); the
 *           zeroing within the creation shown apart, as the kernel
 *           counted it (/sys/kernel/debug/mbuff/zero_ns)
 *   busy    opens of an existing area and creations of small ones by
 *           one thread while another creates a large contiguous area,
 *           against the same with nothing else going on
 *   count   MBUFF_IOC_OPEN of an existing area by name, and the library's
 *           mbuff_area_open() + mbuff_area_close(), with 100 and then
 *           10,000 areas in existence; then, with the 10,000, `mbuffctl
 *           list` and `mbuffctl info` (run as programs) and mbuff_list()
 *   attach  1,000 processes attaching to one area at once (each opens
 *           and maps it by name and checks what the parent wrote),
 *           against one process attaching with nothing else going on
 *
 * Each case runs RUNS times (the create cases, short and noisy, three
 * times as often); the table gives the median with the lowest
 * and highest, then one "ratio:" line per comparison (above 1: mbuff
 * ahead of the anchor the line names), then the data as tab-separated
 * values, to -o FILE or between "--- tsv ---" and "--- end ---".
 *
 * Runs as root with a pool (512 MiB free at least for -s busy) and the
 * module's default parameters.  Exit status: 0 when every case ran and
 * checked out, 1 when one failed, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

#include "../../tests/guest/mbuff_util.h"

#define SB_MAX_RUNS	64
#define SB_MAX_RESULTS	64
#define SB_POOL_AVAIL	"/sys/class/misc/mbuff/pools/pool0/avail"

static struct {
	int runs;
	unsigned int areas;		/* the many */
	unsigned int few;		/* the few */
	unsigned int ops;		/* opens per run */
	unsigned int procs;		/* attaching at once */
	unsigned long big;		/* the large create of -s busy */
	const char *mbuffctl;
	const char *tsv;
	const char *only;
	int verbose;
} opt = {
	.runs = 5,
	.areas = 10000,
	.few = 100,
	.ops = 2000,
	.procs = 1000,
	.big = 512UL << 20,
	.mbuffctl = "mbuffctl",
};

static int failed;

/* ---- results -------------------------------------------------------- */

/**
 * struct sb_result - the runs of one case
 * @section: the table's section, also the plot's panel (one unit each)
 * @name: the case
 * @size: area bytes, 0 when the case has no size
 * @unit: of @v
 * @v: one value per run
 * @n: runs done
 * @bad: a run failed
 */
struct sb_result {
	char section[16];
	char name[64];
	unsigned long size;
	const char *unit;
	double v[SB_MAX_RUNS];
	int n;
	int bad;
};

static struct sb_result results[SB_MAX_RESULTS];
static int nresults;

static struct sb_result *find(const char *section, const char *name,
			      unsigned long size)
{
	int i;

	for (i = 0; i < nresults; i++)
		if (!strcmp(results[i].section, section) &&
		    !strcmp(results[i].name, name) && results[i].size == size)
			return &results[i];
	return NULL;
}

static struct sb_result *result(const char *section, const char *name,
				unsigned long size, const char *unit)
{
	struct sb_result *r = find(section, name, size);

	if (r)
		return r;
	if (nresults == SB_MAX_RESULTS) {
		fprintf(stderr, "scale_bench: too many cases\n");
		exit(1);
	}
	r = &results[nresults++];
	snprintf(r->section, sizeof(r->section), "%s", section);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->size = size;
	r->unit = unit;
	return r;
}

static void add(struct sb_result *r, double v)
{
	if (r->n < SB_MAX_RUNS)
		r->v[r->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median, lowest and highest of @r's runs; 0 when there are none. */
static int stats(const struct sb_result *r, double *med, double *lo,
		 double *hi)
{
	double v[SB_MAX_RUNS];

	if (!r || !r->n || r->bad)
		return 0;
	memcpy(v, r->v, sizeof(double) * (size_t)r->n);
	*med = median(v, r->n);
	*lo = v[0];
	*hi = v[r->n - 1];
	return 1;
}

static double med_of(const char *section, const char *name,
		     unsigned long size)
{
	double med, lo, hi;

	return stats(find(section, name, size), &med, &lo, &hi) ? med : -1;
}

/* ---- odds and ends -------------------------------------------------- */

__attribute__((format(printf, 1, 2)))
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("scale_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failed = 1;
}

static const char *size_name(unsigned long size, char *buf, size_t len)
{
	if (!size)
		snprintf(buf, len, "-");
	else if (size >= MB && !(size % MB))
		snprintf(buf, len, "%luMiB", size / MB);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%luKiB", size / 1024);
	else
		snprintf(buf, len, "%luB", size);
	return buf;
}

static int want(const char *section)
{
	const char *p = opt.only;
	size_t n = strlen(section);

	if (!p)
		return 1;
	while (p) {
		if (!strncmp(p, section, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* A cheap generator for the names to open: the same sequence each run. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* MBUFF_IOC_OPEN on @fd: 0 or -errno. */
static int ioc_open(int fd, const char *name, unsigned long size,
		    unsigned int backend, unsigned int flags)
{
	struct mbuff_open o;

	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	o.flags = flags;
	snprintf(o.name, sizeof(o.name), "%s", name);
	o.size = size;
	o.backend = backend;
	return neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &o));
}

static int ioc_destroy(int fd, const char *name)
{
	struct mbuff_name n;

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n);
	snprintf(n.name, sizeof(n.name), "%s", name);
	return neg_errno(ioctl(fd, MBUFF_IOC_DESTROY, &n));
}

/* Areas in existence (MBUFF_IOC_LIST with no room), or -errno. */
static long area_count(void)
{
	struct mbuff_list l;
	int fd = mb_open_dev(), ret;

	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	ret = neg_errno(ioctl(fd, MBUFF_IOC_LIST, &l));
	close(fd);
	return ret ? ret : (long)l.count;
}

/* Wait for every area to be gone (teardowns run on a workqueue). */
static int wait_no_areas(void)
{
	int i;

	for (i = 0; i < 3000; i++) {
		if (area_count() == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* The module's references: one per open file and per area not torn down. */
static long long module_refs(void)
{
	char buf[32];

	if (read_file("/sys/module/mbuff/refcnt", buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static long long refs0;	/* with no area and no file of ours */

/* Wait for the module's references to be @refs again: 0, or -1 after 30 s. */
static int settle(long long refs)
{
	int i;

	for (i = 0; i < 3000; i++) {
		if (module_refs() <= refs)
			return 0;
		usleep(10000);
	}
	return -1;
}

static long long pool_avail(void)
{
	char buf[32];

	if (read_file(SB_POOL_AVAIL, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/*
 * The kernel's own count of the time it spent zeroing the memory of new
 * areas (a contiguous area's memset, a vmalloc area's zeroed page
 * allocations), in ms, read around each creation; -1 without debugfs.
 */
#define SB_ZERO_NS	"/sys/kernel/debug/mbuff/zero_ns"

static double zero_ms(void)
{
	char buf[32];

	if (read_file(SB_ZERO_NS, buf, sizeof(buf)))
		return -1;
	return (double)strtoull(buf, NULL, 10) / 1e6;
}

/* ---- create: creating and mapping against the size ------------------- */

static const unsigned long create_sizes[] = { 4096, 1UL << 20, 64UL << 20 };
#define SB_NSIZES (sizeof(create_sizes) / sizeof(create_sizes[0]))

static const char *backend_name(unsigned int backend)
{
	return backend == MBUFF_BACKEND_CONTIG ? "contig" : "vmalloc";
}

/* One run of one case: create and map, touch, zero, close. */
static int create_one(unsigned int backend, unsigned long size,
		      unsigned int seq)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	struct mbuff_area *a;
	volatile const uint64_t *p;
	double t0, t1, t2, z0, z1;
	char name[32], n[64];
	unsigned long off;
	uint64_t nonzero = 0;
	int ret;

	snprintf(name, sizeof(name), "sbc%u", seq);
	o.backend = backend;
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL;
	o.source = MBUFF_SOURCE_MODULE;
	z0 = zero_ms();
	t0 = now();
	ret = mbuff_area_open(name, size, &o, &a);
	t1 = now();
	z1 = zero_ms();
	if (ret) {
		fail("create %s %lu bytes: %s", backend_name(backend), size,
		     mbuff_last_error());
		return ret;
	}
	p = mbuff_area_addr(a);
	for (off = 0; off < size; off += 4096)
		nonzero |= p[off / 8];
	t2 = now();
	mbuff_area_close(a);
	if (nonzero) {
		fail("a new %s area of %lu bytes is not zeroed",
		     backend_name(backend), size);
		return -EIO;
	}
	snprintf(n, sizeof(n), "%s create+map", backend_name(backend));
	add(result("scale-create", n, size, "ms"), (t1 - t0) * 1e3);
	snprintf(n, sizeof(n), "%s first touch", backend_name(backend));
	add(result("scale-create", n, size, "ms"), (t2 - t1) * 1e3);
	if (z0 >= 0 && z1 >= z0) {
		snprintf(n, sizeof(n), "%s zeroing", backend_name(backend));
		add(result("scale-create", n, size, "ms"), z1 - z0);
		/* Paired in each run: the noise of one is not the other's. */
		snprintf(n, sizeof(n), "%s create+map less zeroing",
			 backend_name(backend));
		add(result("scale-create", n, size, "ms"),
		    (t1 - t0) * 1e3 - (z1 - z0));
	}
	return 0;
}

static void creates(void)
{
	static const unsigned int backends[] = {
		MBUFF_BACKEND_CONTIG, MBUFF_BACKEND_VMALLOC,
	};
	unsigned int seq = 0, b, s;
	int run;

	if (zero_ms() < 0)
		note("create: no %s (debugfs not mounted?): the zeroing is not shown apart",
		     SB_ZERO_NS);
	/* Short and noisy cases: three times as many runs. */
	for (run = 0; run < 3 * opt.runs && run < SB_MAX_RUNS; run++) {
		for (s = 0; s < SB_NSIZES; s++) {
			for (b = 0; b < 2; b++) {
				/*
				 * The last one's teardown done, so that no
				 * case pays for another's.
				 */
				if (settle(refs0))
					fail("create: a teardown did not end");
				if (create_one(backends[b], create_sizes[s],
					       seq++))
					return;
			}
		}
	}
	if (wait_no_areas())
		fail("create: areas left behind");
}

/* ---- busy: opens and creations while a large area is created ---------- */

static atomic_int big_state;	/* 1: creating, 2: created */
static int big_ret;
static double big_secs;

static void *big_create(void *arg)
{
	int fd = *(int *)arg;
	double t0 = now();

	atomic_store(&big_state, 1);
	big_ret = ioc_open(fd, "sbbig", opt.big, MBUFF_BACKEND_CONTIG,
			   MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL);
	big_secs = now() - t0;
	atomic_store(&big_state, 2);
	return NULL;
}

/* One operation of kind @k (0: open, 1: create): seconds, or < 0. */
static double busy_op(int k, int fd, unsigned int *seq)
{
	char name[32];
	double t0 = now();
	int cfd, ret;

	if (!k) {
		ret = ioc_open(fd, "sbsmall", 0, MBUFF_BACKEND_ANY, 0);
	} else {
		/* A new area that goes with its file. */
		snprintf(name, sizeof(name), "sbn%u", (*seq)++);
		cfd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		if (cfd < 0)
			return -1;
		ret = ioc_open(cfd, name, 4096, MBUFF_BACKEND_CONTIG,
			       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL);
		close(cfd);
	}
	if (ret) {
		fail("busy: %s: %s", k ? "create" : "open", strerror(-ret));
		return -1;
	}
	return now() - t0;
}

static void busy(void)
{
	static const char *const kind[] = { "open", "create" };
	long long avail0 = pool_avail(), refs;
	int hfd = mb_open_dev(), bfd = mb_open_dev(), afd, run, k, i;
	unsigned int seq = 0;
	struct sb_result *during[2], *alone[2];
	char n[64], sz[16];
	pthread_t t;
	double d;

	if (avail0 < (long long)(opt.big + (16UL << 20))) {
		fail("busy: the pool has %lld bytes free, want %lu and more",
		     avail0, opt.big);
		goto out;
	}
	if (ioc_open(hfd, "sbsmall", 4096, MBUFF_BACKEND_CONTIG,
		     MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD)) {
		fail("busy: cannot create the small area");
		goto out;
	}
	avail0 = pool_avail();
	/* Its files and the small area: what is left when all has settled. */
	refs = module_refs();
	for (k = 0; k < 2; k++) {
		snprintf(n, sizeof(n), "%s, during a %s create", kind[k],
			 size_name(opt.big, sz, sizeof(sz)));
		during[k] = result("scale-busy", n, 4096, "us");
		snprintf(n, sizeof(n), "%s, alone", kind[k]);
		alone[k] = result("scale-busy", n, 4096, "us");
	}
	for (run = 0; run < opt.runs; run++) {
		double sum[2] = { 0, 0 };
		int cnt[2] = { 0, 0 };

		/* Alone: as many of each as a big create usually allows. */
		for (i = 0; i < 100; i++) {
			k = i % 2;
			d = busy_op(k, bfd, &seq);
			if (d < 0)
				goto out;
			sum[k] += d;
			cnt[k]++;
		}
		for (k = 0; k < 2; k++)
			add(alone[k], sum[k] / cnt[k] * 1e6);
		if (settle(refs))
			fail("busy: a teardown did not end");

		/*
		 * During: from when the large area has its memory (the pool
		 * shows it taken: it is being zeroed) until it is created,
		 * opens and creations in turn; an operation counts when it
		 * started before the creation ended.
		 */
		afd = mb_open_dev();
		atomic_store(&big_state, 0);
		if (pthread_create(&t, NULL, big_create, &afd)) {
			fail("busy: pthread_create");
			close(afd);
			goto out;
		}
		while (atomic_load(&big_state) != 2 &&
		       pool_avail() > avail0 - (long long)opt.big)
			;
		sum[0] = sum[1] = 0;
		cnt[0] = cnt[1] = 0;
		for (i = 0; atomic_load(&big_state) != 2; i++) {
			k = i % 2;
			d = busy_op(k, bfd, &seq);
			if (d < 0)
				break;
			sum[k] += d;
			cnt[k]++;
		}
		pthread_join(t, NULL);
		close(afd);
		if (big_ret) {
			fail("busy: the %s create: %s",
			     size_name(opt.big, sz, sizeof(sz)),
			     strerror(-big_ret));
			goto out;
		}
		if (opt.verbose)
			note("busy run %d: the large create took %.0f ms; %d opens, %d creates during it",
			     run, big_secs * 1e3, cnt[0], cnt[1]);
		add(result("scale-busy", "the large create itself", opt.big,
			   "us"), big_secs * 1e6);
		for (k = 0; k < 2; k++) {
			if (!cnt[k]) {
				fail("busy: no %s started during the large create",
				     kind[k]);
				during[k]->bad = 1;
				continue;
			}
			add(during[k], sum[k] / cnt[k] * 1e6);
		}
		if (settle(refs))
			fail("busy: a teardown did not end");
	}
out:
	close(bfd);
	ioc_destroy(hfd, "sbsmall");
	close(hfd);
	if (wait_no_areas())
		fail("busy: areas left behind");
}

/* ---- count: open and list with 100 and 10,000 areas ------------------ */

static void area_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "sn%05u", i);
}

/* Create areas @from to @to - 1 with HOLD: 0 or -errno. */
static int create_range(unsigned int from, unsigned int to)
{
	char name[32], n[64];
	double t0 = now();
	unsigned int i;
	int fd = mb_open_dev(), ret = 0;

	for (i = from; i < to && !ret; i++) {
		area_name(name, sizeof(name), i);
		ret = ioc_open(fd, name, 4096, MBUFF_BACKEND_VMALLOC,
			       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL |
			       MBUFF_OPEN_HOLD);
		if (ret)
			fail("count: creating area %u: %s", i, strerror(-ret));
	}
	/* The last one stays selected until the file goes. */
	close(fd);
	if (ret)
		return ret;
	snprintf(n, sizeof(n), "create with HOLD, areas %u to %u", from, to);
	add(result("scale-count", n, 0, "us"),
	    (now() - t0) * 1e6 / (to - from));
	return 0;
}

/* DESTROY areas @from to @to - 1, dropping their HOLD. */
static void destroy_range(unsigned int from, unsigned int to)
{
	char name[32], n[64];
	double t0 = now();
	unsigned int i;
	int fd = mb_open_dev(), ret;

	for (i = from; i < to; i++) {
		area_name(name, sizeof(name), i);
		ret = ioc_destroy(fd, name);
		if (ret)
			fail("count: destroy %s: %s", name, strerror(-ret));
	}
	close(fd);
	snprintf(n, sizeof(n), "destroy, areas %u to %u", from, to);
	add(result("scale-count", n, 0, "us"),
	    (now() - t0) * 1e6 / (to - from));
}

/* One run of opens by name of random ones among the first @count areas. */
static int open_run(unsigned int count)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	struct mbuff_area *a;
	char name[32], n[64];
	uint32_t s = 2463534242u;
	unsigned int i, libops = opt.ops / 4 ? opt.ops / 4 : 1;
	int fd = mb_open_dev(), ret = 0;
	double t0;

	o.source = MBUFF_SOURCE_MODULE;
	t0 = now();
	for (i = 0; i < opt.ops && !ret; i++) {
		area_name(name, sizeof(name), rnd(&s) % count);
		ret = ioc_open(fd, name, 0, MBUFF_BACKEND_ANY, 0);
		if (ret)
			fail("count: open %s: %s", name, strerror(-ret));
	}
	close(fd);
	if (ret)
		return ret;
	snprintf(n, sizeof(n), "MBUFF_IOC_OPEN, %u areas", count);
	add(result("scale-count", n, 0, "us"), (now() - t0) * 1e6 / opt.ops);
	t0 = now();
	for (i = 0; i < libops; i++) {
		area_name(name, sizeof(name), rnd(&s) % count);
		ret = mbuff_area_open(name, 0, &o, &a);
		if (ret) {
			fail("count: mbuff_area_open %s: %s", name,
			     mbuff_last_error());
			return ret;
		}
		mbuff_area_close(a);
	}
	snprintf(n, sizeof(n), "mbuff_area_open+close, %u areas", count);
	add(result("scale-count", n, 0, "us"), (now() - t0) * 1e6 / libops);
	return 0;
}

/* Run mbuffctl ARGS with its output to /dev/null: seconds, or < 0. */
static double run_mbuffctl(const char *a1, const char *a2)
{
	double t0 = now();
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execlp(opt.mbuffctl, opt.mbuffctl, a1, a2, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fail("%s %s %s failed (status %#x)", opt.mbuffctl, a1,
		     a2 ? a2 : "", status);
		return -1;
	}
	return now() - t0;
}

/* One run of mbuffctl list and info, and mbuff_list(), with @count areas. */
static void list_run(unsigned int count)
{
	char (*names)[MBUFF_NAME_SIZE] = NULL;
	char n[64], name[32];
	size_t got = 0;
	double d, t0;
	int ret;

	d = run_mbuffctl("list", NULL);
	snprintf(n, sizeof(n), "mbuffctl list, %u areas", count);
	if (d >= 0)
		add(result("scale-list", n, 0, "ms"), d * 1e3);
	else
		result("scale-list", n, 0, "ms")->bad = 1;

	area_name(name, sizeof(name), count / 2);
	d = run_mbuffctl("info", name);
	snprintf(n, sizeof(n), "mbuffctl info, %u areas", count);
	if (d >= 0)
		add(result("scale-list", n, 0, "ms"), d * 1e3);
	else
		result("scale-list", n, 0, "ms")->bad = 1;

	t0 = now();
	ret = mbuff_list(&names, &got, MBUFF_SOURCE_MODULE);
	d = now() - t0;
	snprintf(n, sizeof(n), "mbuff_list(), %u areas", count);
	if (ret || got != count) {
		fail("mbuff_list: %d, %zu names, want %u", ret, got, count);
		result("scale-list", n, 0, "ms")->bad = 1;
	} else {
		add(result("scale-list", n, 0, "ms"), d * 1e3);
	}
	free(names);
}

/*
 * The few areas stay; each run opens among them, creates the rest, opens
 * among all and lists them, and destroys the rest again, so that the few
 * and the many are measured close together whatever the host does.
 */
static void counts(void)
{
	long long refs;
	int run;

	if (area_count() != 0) {
		fail("count: areas exist already");
		return;
	}
	if (create_range(0, opt.few))
		goto out;
	refs = module_refs();
	for (run = 0; run < opt.runs; run++) {
		if (open_run(opt.few))
			break;
		if (create_range(opt.few, opt.areas)) {
			destroy_range(opt.few, opt.areas);
			break;
		}
		if (open_run(opt.areas))
			run = opt.runs;
		else
			list_run(opt.areas);
		destroy_range(opt.few, opt.areas);
		if (settle(refs))
			fail("count: a teardown did not end");
	}
out:
	destroy_range(0, opt.few);
	if (wait_no_areas())
		fail("count: areas left behind");
}

/* ---- attach: many processes attaching to one area at once ------------- */

#define SB_MAGIC 0x6d62756666736362ULL

/* Shared with the children. */
struct sb_shared {
	atomic_uint started;
	atomic_uint bad;
	double secs[];		/* each child's attach time */
};

/*
 * A child: wait for the go (EOF on @go), attach, check, say so on @done,
 * stay attached until EOF on @rel.
 */
static void attach_child(unsigned int idx, int go, int done, int rel,
			 struct sb_shared *sh)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	struct mbuff_area *a;
	volatile uint64_t *p;
	double t0;
	char c = 1;

	o.source = MBUFF_SOURCE_MODULE;
	atomic_fetch_add(&sh->started, 1);
	if (read(go, &c, 1) < 0)
		_exit(1);
	t0 = now();
	if (mbuff_area_open("sbatt", 0, &o, &a)) {
		atomic_fetch_add(&sh->bad, 1);
		_exit(1);
	}
	p = mbuff_area_addr(a);
	if (p[0] != SB_MAGIC)
		atomic_fetch_add(&sh->bad, 1);
	sh->secs[idx] = now() - t0;
	p[1 + idx] = idx + 1;
	if (write(done, &c, 1) != 1)
		_exit(1);
	while (read(rel, &c, 1) < 0 && errno == EINTR)
		;
	mbuff_area_close(a);
	_exit(0);
}

/*
 * Fork @n children, let them attach at once: seconds from the go to the
 * last one attached, or < 0.  With @fd (the parent's file on the area),
 * checks the area's mapping count with all of them attached.
 */
static double attach_all(unsigned int n, struct sb_shared *sh, int fd)
{
	int go[2], done[2], rel[2], status, ok = 1;
	unsigned int i, forked = 0, got = 0;
	struct mbuff_info info;
	double t0 = -1, t1 = -1;
	char buf[256];
	ssize_t r;
	pid_t pid;

	if (pipe(go) || pipe(done) || pipe(rel)) {
		fail("attach: pipe: %s", strerror(errno));
		return -1;
	}
	atomic_store(&sh->started, 0);
	atomic_store(&sh->bad, 0);
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0) {
			fail("attach: fork %u: %s", i, strerror(errno));
			ok = 0;
			break;
		}
		if (!pid) {
			close(go[1]);
			close(done[0]);
			close(rel[1]);
			attach_child(i, go[0], done[1], rel[0], sh);
		}
		forked++;
	}
	close(go[0]);
	close(done[1]);
	close(rel[0]);
	/* Every child waiting for the go (or nearly: in read()). */
	while (ok && atomic_load(&sh->started) < forked)
		usleep(1000);
	t0 = now();
	close(go[1]);
	while (got < forked) {
		r = read(done[0], buf, sizeof(buf));
		if (r <= 0)
			break;
		got += (unsigned int)r;
	}
	t1 = now();
	if (got < forked || !ok) {
		fail("attach: %u of %u children attached", got, n);
		ok = 0;
	} else if (fd >= 0) {
		if (mb_info(fd, "sbatt", &info)) {
			fail("attach: MBUFF_IOC_INFO: %s", strerror(errno));
			ok = 0;
		} else if (info.maps != n) {
			fail("attach: %u children attached, the area counts %u mappings",
			     n, info.maps);
			ok = 0;
		} else if (opt.verbose) {
			note("attach: %u mappings, %u files", info.maps,
			     info.files);
		}
	}
	close(rel[1]);
	close(done[0]);
	for (i = 0; i < forked; i++) {
		pid = wait(&status);
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			ok = 0;
	}
	if (atomic_load(&sh->bad)) {
		fail("attach: %u children saw another area or other data",
		     atomic_load(&sh->bad));
		ok = 0;
	}
	return ok ? t1 - t0 : -1;
}

static void attaches(void)
{
	size_t size = 4096 + 8UL * opt.procs;
	struct sb_result *all, *one, *per, *slow;
	struct sb_shared *sh;
	size_t shsize = sizeof(*sh) + sizeof(double) * opt.procs;
	uint64_t *p;
	char n[64];
	double d, sum;
	int fd = mb_open_dev(), run, i, ret;

	size = (size + 4095) & ~4095UL;
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		fail("attach: mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	ret = ioc_open(fd, "sbatt", size, MBUFF_BACKEND_VMALLOC,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD);
	p = ret ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fail("attach: the area: %s", strerror(ret ? -ret : errno));
		goto out;
	}
	p[0] = SB_MAGIC;
	munmap(p, size);

	snprintf(n, sizeof(n), "%u processes at once", opt.procs);
	all = result("scale-attach", n, 0, "ms");
	one = result("scale-attach", "one process alone", 0, "ms");
	snprintf(n, sizeof(n), "one of %u, median", opt.procs);
	per = result("scale-attach", n, 0, "ms");
	snprintf(n, sizeof(n), "one of %u, slowest", opt.procs);
	slow = result("scale-attach", n, 0, "ms");
	for (run = 0; run < opt.runs; run++) {
		/*
		 * One alone, ten times: the mean of its own time (from its
		 * wake-up on, which the 1,000 share out among them).
		 */
		for (sum = 0, i = 0; i < 10; i++) {
			if (attach_all(1, sh, -1) < 0)
				goto out;
			sum += sh->secs[0];
		}
		add(one, sum / 10 * 1e3);
		d = attach_all(opt.procs, sh, fd);
		if (d < 0) {
			all->bad = 1;
			goto out;
		}
		add(all, d * 1e3);
		add(per, median(sh->secs, (int)opt.procs) * 1e3);
		add(slow, sh->secs[opt.procs - 1] * 1e3);
	}
out:
	ioc_destroy(fd, "sbatt");
	close(fd);
	munmap(sh, shsize);
	if (wait_no_areas())
		fail("attach: areas left behind");
}

/* ---- output ---------------------------------------------------------- */

static void table(void)
{
	double med, lo, hi;
	char sz[32];
	int i;

	printf("\n%-13s %-40s %8s %10s %10s %10s  %s\n", "section", "case",
	       "size", "median", "min", "max", "unit");
	for (i = 0; i < nresults; i++) {
		const struct sb_result *r = &results[i];

		size_name(r->size, sz, sizeof(sz));
		if (stats(r, &med, &lo, &hi))
			printf("%-13s %-40s %8s %10.3f %10.3f %10.3f  %s\n",
			       r->section, r->name, sz, med, lo, hi, r->unit);
		else
			printf("%-13s %-40s %8s %10s %10s %10s  %s\n",
			       r->section, r->name, sz, "-", "-", "-",
			       "FAILED");
	}
}

static void ratio(const char *label, double mine, double anchor)
{
	if (mine > 0 && anchor > 0)
		printf("ratio: %s = %.2f\n", label, anchor / mine);
	else
		printf("# ratio: %s: not measured\n", label);
}

/*
 * Creation against size: the 4 KiB area's time over the 64 MiB one's
 * less its zeroing.  A 64 MiB area cannot cost less than a 4 KiB one:
 * when the difference comes out lower, it is within the noise, and the
 * ratio is 1 (the same cost).
 */
static void ratio_size(const char *what, unsigned int backend)
{
	char label[128], n[64], z[64];
	double c4, c64, z64, rest;

	snprintf(n, sizeof(n), "%s %s", backend_name(backend), what);
	snprintf(z, sizeof(z), "%s zeroing", backend_name(backend));
	c4 = med_of("scale-create", n, 4096);
	c64 = med_of("scale-create", n, 64UL << 20);
	z64 = med_of("scale-create", z, 64UL << 20);
	if (!strcmp(what, "create+map+touch")) {
		double t4, t64;

		snprintf(n, sizeof(n), "%s first touch", backend_name(backend));
		t4 = med_of("scale-create", n, 4096);
		t64 = med_of("scale-create", n, 64UL << 20);
		snprintf(n, sizeof(n), "%s create+map", backend_name(backend));
		c4 = t4 < 0 ? -1 : med_of("scale-create", n, 4096) + t4;
		c64 = t64 < 0 ? -1 :
			med_of("scale-create", n, 64UL << 20) + t64;
		rest = c64 - z64;
	} else {
		/* The median of each run's difference. */
		snprintf(n, sizeof(n), "%s create+map less zeroing",
			 backend_name(backend));
		rest = med_of("scale-create", n, 64UL << 20);
	}
	snprintf(label, sizeof(label), "%s %s 64MiB less zeroing vs 4KiB",
		 what, backend_name(backend));
	if (c4 <= 0 || c64 <= 0 || z64 < 0) {
		printf("# ratio: %s: not measured\n", label);
		return;
	}
	if (rest < c4) {
		note("%s: 64 MiB less zeroing %.3f ms, 4 KiB %.3f ms: the same",
		     label, rest, c4);
		rest = c4;
	}
	printf("ratio: %s = %.2f\n", label, c4 / rest);
}

static void ratios(void)
{
	char label[128], a[64], b[64], sz[16];
	double one, all;
	int k;

	printf("\n");
	ratio_size("create+map", MBUFF_BACKEND_CONTIG);
	ratio_size("create+map+touch", MBUFF_BACKEND_CONTIG);
	ratio_size("create+map", MBUFF_BACKEND_VMALLOC);
	ratio_size("create+map+touch", MBUFF_BACKEND_VMALLOC);
	for (k = 0; k < 2; k++) {
		const char *kind = k ? "create" : "open";

		snprintf(a, sizeof(a), "%s, during a %s create", kind,
			 size_name(opt.big, sz, sizeof(sz)));
		snprintf(b, sizeof(b), "%s, alone", kind);
		snprintf(label, sizeof(label), "%s during a big create vs alone",
			 kind);
		ratio(label, med_of("scale-busy", a, 4096),
		      med_of("scale-busy", b, 4096));
	}
	snprintf(a, sizeof(a), "MBUFF_IOC_OPEN, %u areas", opt.areas);
	snprintf(b, sizeof(b), "MBUFF_IOC_OPEN, %u areas", opt.few);
	snprintf(label, sizeof(label), "open by name %u vs %u areas",
		 opt.areas, opt.few);
	ratio(label, med_of("scale-count", a, 0), med_of("scale-count", b, 0));
	snprintf(a, sizeof(a), "mbuff_area_open+close, %u areas", opt.areas);
	snprintf(b, sizeof(b), "mbuff_area_open+close, %u areas", opt.few);
	snprintf(label, sizeof(label), "library open by name %u vs %u areas",
		 opt.areas, opt.few);
	ratio(label, med_of("scale-count", a, 0), med_of("scale-count", b, 0));
	snprintf(a, sizeof(a), "mbuffctl list, %u areas", opt.areas);
	snprintf(label, sizeof(label), "list %u areas vs 1 s", opt.areas);
	ratio(label, med_of("scale-list", a, 0), 1000);
	snprintf(a, sizeof(a), "mbuffctl info, %u areas", opt.areas);
	snprintf(label, sizeof(label), "info with %u areas vs 1 s", opt.areas);
	ratio(label, med_of("scale-list", a, 0), 1000);
	/* The anchor: as many single attaches, one after the other. */
	snprintf(a, sizeof(a), "%u processes at once", opt.procs);
	all = med_of("scale-attach", a, 0);
	one = med_of("scale-attach", "one process alone", 0);
	snprintf(label, sizeof(label),
		 "attach %u processes at once vs %u x one alone", opt.procs,
		 opt.procs);
	ratio(label, all, one > 0 ? one * opt.procs : -1);
}

static void tsv(FILE *f)
{
	double med, lo, hi;
	int i;

	for (i = 0; i < nresults; i++) {
		const struct sb_result *r = &results[i];

		if (stats(r, &med, &lo, &hi))
			fprintf(f, "%s\t%s\t%lu\t%.4f\t%.4f\t%.4f\t%s\n",
				r->section, r->name, r->size, med, lo, hi,
				r->unit);
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: scale_bench [-r RUNS] [-n AREAS] [-f FEW] [-O OPS] [-P PROCS]\n"
		"                   [-b BYTES] [-c MBUFFCTL] [-o FILE] [-s SECTIONS] [-v]\n"
		"  -r  runs of each case (default 5)\n"
		"  -n  areas for the open and list cases (default 10000)\n"
		"  -f  the few areas they are compared with (default 100)\n"
		"  -O  opens by name per run (default 2000; the library's: a quarter)\n"
		"  -P  processes attaching at once (default 1000)\n"
		"  -b  bytes of the large create of the busy cases (default 512M)\n"
		"  -c  the mbuffctl to run (default: mbuffctl on PATH)\n"
		"  -o  write the tab-separated data to FILE (default: stdout,\n"
		"      between '--- tsv ---' and '--- end ---')\n"
		"  -s  sections, comma separated: create,busy,count,attach\n"
		"      (default all)\n"
		"  -v  more notes\n");
	return 2;
}

int main(int argc, char **argv)
{
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "r:n:f:O:P:b:c:o:s:v")) != -1) {
		switch (c) {
		case 'r':
			opt.runs = atoi(optarg);
			if (opt.runs < 1 || opt.runs > SB_MAX_RUNS)
				return usage();
			break;
		case 'n':
			opt.areas = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'f':
			opt.few = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'O':
			opt.ops = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'P':
			opt.procs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			opt.big = parse_size(optarg);
			break;
		case 'c':
			opt.mbuffctl = optarg;
			break;
		case 'o':
			opt.tsv = optarg;
			break;
		case 's':
			opt.only = optarg;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || !opt.few || opt.areas <= opt.few ||
	    opt.areas > 99999 || !opt.ops || !opt.procs ||
	    opt.big < (1UL << 20) || (opt.big & 4095))
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	note("scale_bench: %d runs; %u and %u areas, %u processes, a %lu MiB create",
	     opt.runs, opt.few, opt.areas, opt.procs, opt.big >> 20);
	if (area_count() != 0) {
		fprintf(stderr, "scale_bench: areas exist already\n");
		return 1;
	}
	refs0 = module_refs();

	if (want("create"))
		creates();
	if (want("busy"))
		busy();
	if (want("count"))
		counts();
	if (want("attach"))
		attaches();

	table();
	ratios();
	if (opt.tsv) {
		f = fopen(opt.tsv, "w");
		if (!f) {
			perror(opt.tsv);
			return 1;
		}
		tsv(f);
		fclose(f);
	} else {
		printf("--- tsv ---\n");
		tsv(stdout);
		printf("--- end ---\n");
	}
	return failed;
}
