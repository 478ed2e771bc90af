// SPDX-License-Identifier: GPL-2.0-only
/*
 * CMA areas (MBUFF_BACKEND_CMA).
 *
 *   cma none
 * A kernel without CMA (Debian amd64): MBUFF_FEAT_CMA is clear, and a CMA
 * area is refused with EOPNOTSUPP, from user space and from kernel code,
 * leaving nothing behind.
 *
 *   cma default
 * A kernel with CMA and no device tree (x86_64, the debug kernel with a
 * 32 MiB default area): CMA areas come from the default area and give
 * their memory back, map, are seen alike by processes, kernel code and
 * their dma-buf, report one physical run, and bad sizes, alignments,
 * backends, memory types (x86 makes cached CMA areas only) and quotas are
 * refused.
 *
 *   cma dt POOL_PHYS POOL_SIZE CMA_PHYS CMA_SIZE
 * arm64 booted with tests/guest/arm64-cma.dtsi: the mbuff node names a
 * no-map shared-dma-pool region (a pool at POOL_PHYS) and a reusable one
 * (a CMA region at CMA_PHYS), and its child "cma-dt" is a CMA area made
 * at probe.  Areas come from the region first, then from the kernel's
 * default CMA area, whose free memory (CmaFree) they take and give back;
 * they map, are seen alike by processes, by kernel code (any memory
 * type) and by their dma-buf, report one physical run, and bad sizes, alignments, backends and quotas are refused,
 * as are two more nodes of the fixture whose regions cannot serve.
 * Needs the test client module.  Each mode checks a quota as uid 1000,
 * for which /dev/mbuff is made 0666 for a moment.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "mbuff_util.h"
#include "tap.h"

#define SYS "/sys/class/misc/mbuff"

static unsigned long long pool_phys, pool_size, cma_phys, cma_size;
static int dt;	/* booted with the device-tree fixture */

/* CmaFree of /proc/meminfo in bytes, or -1. */
static long long cma_free(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaFree: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static void area_str(const char *name, const char *attr, char *buf,
		     size_t size)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/class/mbuff/%s/%s", name, attr);
	if (read_file(path, buf, size))
		snprintf(buf, size, "(none)");
}

static int in_region(long long phys, unsigned long size)
{
	return phys >= (long long)cma_phys &&
	       (unsigned long long)phys + size <= cma_phys + cma_size;
}

/* Did an area of @size at @phys come from where it should, by @src? */
static int first_choice(const char *src, long long phys, unsigned long size)
{
	if (dt)
		return !strncmp(src, "mbuff-cma@", 10) && in_region(phys, size);
	return !strcmp(src, "default") && phys > 0;
}

/* Create a CMA area, held by a user count: 0 or -errno. */
static int create(const char *name, unsigned long size, unsigned int memtype,
		  unsigned int align)
{
	struct mbuff_open req;
	int fd = mb_open_dev(), ret = 0;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD;
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.size = size;
	req.backend = MBUFF_BACKEND_CMA;
	req.memtype = memtype;
	req.align = align;
	if (ioctl(fd, MBUFF_IOC_OPEN, &req) < 0)
		ret = -errno;
	else if (req.backend != MBUFF_BACKEND_CMA)
		ret = -EPROTO;
	close(fd);
	return ret;
}

/*
 * create() again while it fails with ENOMEM, up to 10 tries 0.2 s apart:
 * a CMA allocation fails when a movable page in its range cannot be
 * migrated at that moment (locked, or under I/O by another process), and
 * the kernel's CMA users retry.  *tries: how many it took.
 */
static int create_retry(const char *name, unsigned long size, int *tries)
{
	int ret;

	for (*tries = 1;; ++*tries) {
		ret = create(name, size, MBUFF_MEM_CACHED, 0);
		if (ret != -ENOMEM || *tries == 10)
			return ret;
		usleep(200000);
	}
}

static int features(void)
{
	struct mbuff_info info;
	int fd = mb_open_dev(), ret = mb_info(fd, NULL, &info);

	close(fd);
	return ret ? -1 : !!(info.features & MBUFF_FEAT_CMA);
}

static int test_none(void)
{
	int r;

	tap_plan(4);
	tap_ok(features() == 0, "MBUFF_FEAT_CMA is clear: the kernel has no CMA");
	r = create("cma-none", 1 << 20, MBUFF_MEM_CACHED, 0);
	tap_ok(r == -EOPNOTSUPP, "a CMA area is refused: %s", strerror(-r));
	tap_ok(mb_exists("cma-none") == 0 && mb_gone("cma-none"),
	       "and nothing of it is left (no area, no UIO device)");
	r = kctl("get cma-none 1M cma cached create");
	tap_ok(r == -EOPNOTSUPP, "kernel code is refused alike: %s",
	       strerror(-r));
	return tap_exit();
}

/* The DT's area, made at probe from the region. */
static void test_dt_area(void)
{
	char be[32], src[64];
	long long phys = mb_sysfs("cma-dt", "phys_addr");

	area_str("cma-dt", "backend", be, sizeof(be));
	area_str("cma-dt", "cma", src, sizeof(src));
	tap_ok(!strcmp(be, "cma") && in_region(phys, 1 << 20) &&
	       !strncmp(src, "mbuff-cma@", 10) &&
	       mb_sysfs("cma-dt", "kernel_users") == 1,
	       "the device tree's area 'cma-dt': backend %s, from %s at %#llx, held by the device",
	       be, src, phys);
	area_str("alias-dt", "backend", be, sizeof(be));
	area_str("alias-dt", "memtype", src, sizeof(src));
	tap_ok(!strcmp(be, "contiguous") && !strcmp(src, "write-combined"),
	       "mbuff,backend \"contig\" and mbuff,memtype \"wc\" make a %s %s area",
	       be, src);
}

/* An area from the region (or the default area): maps, shared, kernel
 * view, SG list. */
static void test_first_area(void)
{
	const unsigned long size = 8 << 20;
	struct mbuff_sglist sl;
	struct mbuff_sg_entry ent[4];
	unsigned char *p, *q;
	char src[64];
	long long phys;
	int fd, r, st;
	pid_t pid;

	long long before = cma_free(), after;

	r = create("cma-a", size, MBUFF_MEM_CACHED, 0);
	after = cma_free();
	phys = mb_sysfs("cma-a", "phys_addr");
	area_str("cma-a", "cma", src, sizeof(src));
	tap_ok(!r && first_choice(src, phys, size) &&
	       before - after >= (long long)size,
	       "an 8 MiB CMA area comes from the %s CMA area %s at %#llx, CmaFree down %lld KiB (%s)",
	       dt ? "device tree's" : "kernel's", src, phys,
	       (before - after) / 1024, strerror(-r));

	fd = mb_open("cma-a", 0, MBUFF_BACKEND_CMA, 0, 0, NULL);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0);
	tap_ok(p != MAP_FAILED && mem_check(p, size, 0) < 0,
	       "it maps and reads as zeros");
	if (p == MAP_FAILED) {
		tap_ok(0, "shared");
		tap_ok(0, "kernel");
		tap_ok(0, "sglist");
		tap_ok(0, "offset");
		return;
	}
	memset(p, 0x3c, size);
	pid = fork();
	if (!pid) {
		int cfd = mb_open("cma-a", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);

		unsigned char *q = cfd < 0 ? MAP_FAILED :
			mmap(NULL, size, PROT_READ, MAP_SHARED, cfd, 0);

		_exit(q != MAP_FAILED && mem_check(q, size, 0x3c) < 0 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st),
	       "another process opens it by name and sees the bytes");
	r = kctl("get cma-a 0 cma cached 0");
	if (!r)
		r = kctl("check cma-a 0 %lu 0x3c", size);
	kctl("put cma-a");
	tap_ok(!r, "kernel code opens it as a CMA area and reads the same bytes (%s)",
	       strerror(-r));

	memset(&sl, 0, sizeof(sl));
	sl.argsz = sizeof(sl);
	sl.capacity = 4;
	sl.entries = (uintptr_t)ent;
	r = neg_errno(ioctl(fd, MBUFF_IOC_SGLIST, &sl));
	tap_ok(!r && sl.count == 1 && ent[0].phys == (uint64_t)phys &&
	       ent[0].len == size,
	       "MBUFF_IOC_SGLIST: one run of %llu bytes at %#llx (%s)",
	       (unsigned long long)ent[0].len,
	       (unsigned long long)ent[0].phys, strerror(-r));
	/* A mapping at an offset: the pfns of the pages it starts at. */
	q = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd, 3 << 20);
	r = kctl("get cma-a 0 cma cached 0");
	if (!r)
		r = kctl("fill cma-a %d 4096 0x77", (3 << 20) + 4096);
	kctl("put cma-a");
	tap_ok(q != MAP_FAILED && !r && mem_check(q + 4096, 4096, 0x77) < 0 &&
	       mem_check(q, 4096, 0x3c) < 0,
	       "a mapping 3 MiB into the area shows what kernel code wrote there (%s)",
	       strerror(-r));
	if (q != MAP_FAILED)
		munmap(q, 1 << 20);
	memset(p + (3 << 20) + 4096, 0x3c, 4096);
	munmap(p, size);
	close(fd);
}

/* Write-combined: the user and the kernel mapping agree; x86 refuses. */
static void test_wc(void)
{
	const unsigned long size = 1 << 20;
	unsigned char *p = MAP_FAILED;
	char mt[32];
	int fd, r;

	r = create("cma-wc", size, MBUFF_MEM_WC, 0);
#ifdef __x86_64__
	tap_ok(r == -EOPNOTSUPP && mb_exists("cma-wc") == 0,
	       "x86: a write-combined CMA area is refused (the linear mapping stays write-back): %s",
	       strerror(-r));
	return;
#endif
	fd = r ? r : mb_open("cma-wc", 0, MBUFF_BACKEND_CMA, 0, 0, NULL);
	if (fd >= 0)
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		memset(p, 0xa5, size);
		r = kctl("get cma-wc 0 cma wc 0");
		if (!r)
			r = kctl("check cma-wc 0 %lu 0xa5", size);
		if (!r)
			r = kctl("fill cma-wc 4096 4096 0x11");
		kctl("put cma-wc");
	}
	area_str("cma-wc", "memtype", mt, sizeof(mt));
	tap_ok(p != MAP_FAILED && !r && mem_check(p + 4096, 4096, 0x11) < 0 &&
	       mem_check(p + 8192, 4096, 0xa5) < 0 &&
	       !strcmp(mt, "write-combined"),
	       "a %s CMA area: kernel code reads what a process wrote, and the process what it wrote (%s)",
	       mt, strerror(-r));
	if (p != MAP_FAILED)
		munmap(p, size);
	if (fd >= 0)
		close(fd);
}

/* When the region is full, the default CMA area. */
static void test_default(void)
{
	const unsigned long size = 24 << 20;
	long long before = cma_free(), after, phys;
	char src[64];
	int r;

	r = create("cma-b", size, MBUFF_MEM_CACHED, 0);
	after = cma_free();
	phys = mb_sysfs("cma-b", "phys_addr");
	area_str("cma-b", "cma", src, sizeof(src));
	tap_ok(!r && !strcmp(src, "default") && phys > 0 &&
	       !in_region(phys, size),
	       "24 MiB more do not fit in the region: they come from the %s CMA area at %#llx (%s)",
	       src, phys, strerror(-r));
	tap_ok(before > 0 && before - after >= (long long)size,
	       "CmaFree went down by %lld KiB for it (%lld -> %lld KiB)",
	       (before - after) / 1024, before / 1024, after / 1024);
}

/* MBUFF_IOC_EXPORT of NAME: the dma-buf descriptor or -errno. */
static int export(const char *name)
{
	struct mbuff_export e;
	int fd = mb_open_dev(), ret;

	memset(&e, 0, sizeof(e));
	e.argsz = sizeof(e);
	snprintf(e.name, sizeof(e.name), "%s", name);
	ret = ioctl(fd, MBUFF_IOC_EXPORT, &e) < 0 ? -errno : (int)e.fd;
	close(fd);
	return ret;
}

static void test_refusals(void)
{
	long long phys;
	int r1, r2, r3, r4, r5, buf;
	unsigned char *p = MAP_FAILED;

	r1 = create("cma-big", 1UL << 30, MBUFF_MEM_CACHED, 0);
	tap_ok(r1 == -ENOMEM && mb_exists("cma-big") == 0,
	       "1 GiB, more than any CMA area holds: %s, and no area is left",
	       strerror(-r1));
	r1 = create("cma-al", 4 << 20, MBUFF_MEM_CACHED, 1 << 20);
	phys = mb_sysfs("cma-al", "phys_addr");
	tap_ok(!r1 && phys > 0 && !(phys % (1 << 20)),
	       "a 4 MiB area aligned to 1 MiB is at %#llx (%s)", phys,
	       strerror(-r1));
	r1 = create("cma-al2", 1 << 20, MBUFF_MEM_CACHED, 4 << 20);
	r2 = create("cma-al3", 1 << 20, MBUFF_MEM_CACHED, 3 << 20);
	tap_ok(r1 == -EINVAL && r2 == -EINVAL && mb_exists("cma-al2") == 0,
	       "an alignment beyond what CMA gives the size, or not a power of two: %s, %s",
	       strerror(-r1), strerror(-r2));
	r3 = mb_open("cma-a", 0, MBUFF_BACKEND_CONTIG, 0, 0, NULL);
	r4 = mb_open("cma-a", 0, MBUFF_BACKEND_VMALLOC, 0, 0, NULL);
	r5 = mb_open("cma-a", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	tap_ok(r3 == -EINVAL && r4 == -EINVAL && r5 >= 0,
	       "opening the CMA area as contiguous or vmalloc: %s, %s; as any: %s",
	       strerror(r3 < 0 ? -r3 : 0), strerror(r4 < 0 ? -r4 : 0),
	       strerror(r5 < 0 ? -r5 : 0));
	if (r5 >= 0)
		close(r5);

	buf = export("cma-a");
	if (buf >= 0)
		p = mmap(NULL, 8 << 20, PROT_READ, MAP_SHARED, buf, 0);
	tap_ok(p != MAP_FAILED && mem_check(p, 8 << 20, 0x3c) < 0,
	       "its dma-buf maps the same bytes (%s)",
	       buf < 0 ? strerror(-buf) : "ok");
	if (p != MAP_FAILED)
		munmap(p, 8 << 20);
	if (buf >= 0)
		close(buf);
}

/* The no-map shared-dma-pool region is a pool for contiguous areas. */
static void test_pool(void)
{
	int fd = mb_open("cma-pool", 1 << 20, MBUFF_BACKEND_CONTIG, 0,
			 MBUFF_OPEN_CREATE, NULL);
	long long phys = fd < 0 ? -1 : mb_sysfs("cma-pool", "phys_addr");
	char buf[64];
	long long pphys = -1;

	if (!read_file(SYS "/pools/pool0/phys_addr", buf, sizeof(buf)))
		pphys = strtoll(buf, NULL, 0);
	tap_ok(pphys == (long long)pool_phys && phys >= (long long)pool_phys &&
	       (unsigned long long)phys + (1 << 20) <= pool_phys + pool_size,
	       "the no-map shared-dma-pool region is pool0 (%#llx), and a contiguous area comes from it (%#llx)",
	       pphys, phys);
	if (fd >= 0)
		close(fd);
}

/* user_max_cma_mb (16 by default) for a user without CAP_SYS_RESOURCE. */
static void test_quota(void)
{
	struct stat sb;
	int st, chmodded = !stat("/dev/mbuff", &sb) &&
			   !chmod("/dev/mbuff", 0666);
	pid_t pid = fork();

	if (!pid) {
		int a, b, c;

		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(9);
		a = create("cma-q1", 16 << 20, MBUFF_MEM_CACHED, 0);
		b = create("cma-q2", 1 << 20, MBUFF_MEM_CACHED, 0);
		mb_destroy("cma-q1");
		mb_gone("cma-q1");
		c = create("cma-q3", 1 << 20, MBUFF_MEM_CACHED, 0);
		mb_destroy("cma-q3");
		mb_gone("cma-q3");
		_exit(a ? 1 : b != -EDQUOT ? 2 : c ? 3 : 0);
	}
	waitpid(pid, &st, 0);
	if (chmodded)
		chmod("/dev/mbuff", sb.st_mode & 07777);
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st),
	       "uid 1000 creates 16 MiB of CMA areas, is refused 1 MiB more with EDQUOT, and gets it once the first is gone (exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
	static const char * const names[] = {
		"cma-a", "cma-wc", "cma-b", "cma-al", "cma-pool",
	};
	char src1[64], src2[64];
	long long start;
	unsigned int i;
	int gone = 1, r1, r2 = 0, t1 = 0, t2 = 0;

	if (argc == 2 && !strcmp(argv[1], "none"))
		return test_none();
	dt = argc == 6 && !strcmp(argv[1], "dt");
	if (!dt && (argc != 2 || strcmp(argv[1], "default"))) {
		fprintf(stderr, "usage: cma none | cma default | cma dt POOL_PHYS POOL_SIZE CMA_PHYS CMA_SIZE\n");
		return 2;
	}
	if (dt) {
		pool_phys = strtoull(argv[2], NULL, 0);
		pool_size = parse_size(argv[3]);
		cma_phys = strtoull(argv[4], NULL, 0);
		cma_size = parse_size(argv[5]);
	}
	tap_plan(dt ? 21 : 15);
	start = cma_free();
	tap_ok(features() == 1, "MBUFF_FEAT_CMA is set");
	if (dt) {
		test_dt_area();
		tap_ok(!system("dmesg | grep -q 'mbuff-nocompat@58000000 is reusable: it needs compatible'") &&
		       !system("dmesg | grep -q 'mbuff-plain@58400000 needs no-map (a pool) or reusable'") &&
		       !system("dmesg | grep -q 'mbuff,backend \"pool\": use contiguous, cma or vmalloc'") &&
		       mb_exists("never") == 0,
		       "device-tree nodes naming a reusable region without shared-dma-pool, a region neither no-map nor reusable, or an area of an unknown backend are refused");
	}
	test_first_area();
	test_wc();
	if (dt)
		test_default();
	test_refusals();
	if (dt)
		test_pool();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		mb_destroy(names[i]);
		gone &= mb_gone(names[i]);
	}
	test_quota();
	/* Only if every area gave its memory back do these fit again. */
	if (dt) {
		r1 = create_retry("cma-all", cma_size - (1 << 20), &t1);
		r2 = create_retry("cma-def", 48 << 20, &t2);
		area_str("cma-all", "cma", src1, sizeof(src1));
		area_str("cma-def", "cma", src2, sizeof(src2));
		gone &= !strncmp(src1, "mbuff-cma@", 10) &&
			!strcmp(src2, "default");
	} else {
		r1 = create_retry("cma-all", 24 << 20, &t1);
	}
	tap_ok(gone && !r1 && !r2,
	       "when the areas go, CMA has their memory back: %s fit again (%s, %s; tries %d, %d; CmaFree %lld KiB, %lld KiB at the start)",
	       dt ? "the rest of the region and 48 MiB of the default area" :
	       "24 MiB of the 32 MiB default area",
	       strerror(-r1), strerror(-r2), t1, t2, cma_free() / 1024,
	       start / 1024);
	mb_destroy("cma-all");
	mb_destroy("cma-def");
	return tap_exit();
}
