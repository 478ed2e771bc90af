// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scale with the module's default parameters: 10,000 areas at once (each
 * opened by name, listed, destroyed, nothing left behind), 1,000
 * processes attached to one area, creations and opens that do not wait
 * for another area's zeroing, and the mappings behind that (a large
 * contiguous area mapped twice and at an offset, partial munmap() and
 * mprotect(), MADV_DONTNEED).  Runs as root with a pool of 1 GiB (512 MiB
 * of it free at least).  Usage: scale [AREAS [PROCS [BIG]]] (default
 * 10000 1000 512M).
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/wait.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

#define PLAN 27

#define SC_SYSFS	"/sys/class/misc/mbuff"
#define SC_POOL_AVAIL	SC_SYSFS "/pools/pool0/avail"
#define SC_REFCNT	"/sys/module/mbuff/refcnt"
#define SC_AREA		4096UL
#define SC_PAGE		4096UL
#define SC_HUGE		(2UL << 20)

/* What the defaults must allow; the counts tried may be lower. */
#define SC_MANY		10000

static unsigned int n_areas = SC_MANY;
static unsigned int n_procs = 1000;
static unsigned long big = 512UL << 20;

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* MBUFF_IOC_OPEN on @fd: 0 or -errno; the answer in @out when given. */
static int ioc_open(int fd, const char *name, unsigned long size,
		    unsigned int backend, unsigned int flags, size_t align,
		    struct mbuff_open *out)
{
	struct mbuff_open o;
	int ret;

	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	o.flags = flags;
	snprintf(o.name, sizeof(o.name), "%s", name);
	o.size = size;
	o.backend = backend;
	o.align = (__u32)align;
	ret = neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &o));
	if (!ret && out)
		*out = o;
	return ret;
}

static int ioc_destroy(int fd, const char *name)
{
	struct mbuff_name n;

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n);
	snprintf(n.name, sizeof(n.name), "%s", name);
	return neg_errno(ioctl(fd, MBUFF_IOC_DESTROY, &n));
}

/* MBUFF_IOC_LIST into @names (room for @cap): the count, or -errno. */
static long ioc_list(char (*names)[MBUFF_NAME_SIZE], unsigned int cap)
{
	struct mbuff_list l;
	int fd = mb_open_dev(), ret;

	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.capacity = cap;
	l.names = (__u64)(uintptr_t)names;
	ret = neg_errno(ioctl(fd, MBUFF_IOC_LIST, &l));
	close(fd);
	return ret ? ret : (long)l.count;
}

static long long file_value(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/* UIO devices named "mbuff:..." */
static long uio_count(void)
{
	char path[300], buf[64];
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/uio/%s/name",
			 e->d_name);
		if (!read_file(path, buf, sizeof(buf)) &&
		    !strncmp(buf, "mbuff:", 6))
			n++;
	}
	closedir(d);
	return n;
}

/* Entries of a directory, . and .. aside. */
static long dir_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * Wait until the module holds no more references than @base: every
 * teardown queued has run (each area holds one until its memory is
 * back).  0, or -1 after 60 s.
 */
static int wait_refcnt(long long base)
{
	int i;

	for (i = 0; i < 6000; i++) {
		if (file_value(SC_REFCNT) <= base)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* ---- faults: touch memory and tell the signal it raised --------------- */

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_env, 1);
}

/* Read (or write @v to) the word at @p: 0, or the signal it raised. */
static int touch(volatile uint64_t *p, int write, uint64_t v, uint64_t *got)
{
	/* Not kept in a register sigsetjmp() would not restore. */
	volatile uint64_t val = v;
	struct sigaction sa, old_segv, old_bus;
	int sig = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	fault_sig = 0;
	if (!sigsetjmp(fault_env, 1)) {
		if (write)
			*p = val;
		else if (got)
			*got = *p;
		else
			(void)*p;
	} else {
		sig = fault_sig;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

static const char *sig_name(int sig)
{
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" :
	       sig ? "a signal" : "nothing";
}

/* ---- 10,000 areas ------------------------------------------------------ */

static void area_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "st%05u", i);
}

static void test_many(void)
{
	char (*names)[MBUFF_NAME_SIZE] = NULL;
	unsigned char *seen = NULL;
	long long max = file_value("/sys/module/mbuff/parameters/max_areas");
	long long ref0 = file_value(SC_REFCNT), refs;
	unsigned int i, made = 0, bad = 0, destroyed = 0;
	struct mbuff_open o;
	char name[32];
	long n, uio;
	double t0;
	int fd = mb_open_dev(), ret = 0;

	tap_ok(max >= SC_MANY, "max_areas defaults to %lld, room for %u areas",
	       max, SC_MANY);

	t0 = now();
	for (i = 0; i < n_areas; i++) {
		area_name(name, sizeof(name), i);
		ret = ioc_open(fd, name, SC_AREA, MBUFF_BACKEND_VMALLOC,
			       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL |
			       MBUFF_OPEN_HOLD, 0, NULL);
		if (ret)
			break;
	}
	made = i;
	if (ret)
		tap_diag("creating area %u: %s", i, strerror(-ret));
	tap_ok(made == n_areas, "%u areas of 4 KiB created, each with HOLD (%u, %.1f s)",
	       n_areas, made, now() - t0);

	t0 = now();
	for (i = 0; i < made; i++) {
		area_name(name, sizeof(name), i);
		ret = ioc_open(fd, name, 0, MBUFF_BACKEND_ANY, 0, 0, &o);
		if (ret || o.size != SC_AREA ||
		    o.backend != MBUFF_BACKEND_VMALLOC) {
			if (!bad++)
				tap_diag("opening %s: %s, size %llu, backend %u",
					 name, strerror(-ret),
					 (unsigned long long)o.size, o.backend);
		}
	}
	tap_ok(made && !bad, "each opens by name with its size and backend (%u wrong, %.1f s)",
	       bad, now() - t0);

	names = calloc(n_areas + 1, MBUFF_NAME_SIZE);
	seen = calloc(n_areas, 1);
	n = names && seen ? ioc_list(names, n_areas + 1) : -ENOMEM;
	for (bad = 0, i = 0; n == (long)made && i < made; i++) {
		char *end;
		unsigned long k = strtoul(names[i] + 2, &end, 10);

		if (strncmp(names[i], "st", 2) || *end || k >= made ||
		    seen[k]++)
			bad++;
	}
	tap_ok(n == (long)n_areas && !bad,
	       "MBUFF_IOC_LIST counts %ld areas and names each once (%u wrong)",
	       n, bad);
	free(names);
	free(seen);

	uio = uio_count();
	tap_ok(uio == (long)made, "each has its UIO device (%ld)", uio);

	/* The selected one goes with the file, the others by DESTROY. */
	t0 = now();
	for (i = 0; i < made; i++) {
		area_name(name, sizeof(name), i);
		destroyed += !ioc_destroy(fd, name);
	}
	close(fd);
	tap_ok(destroyed == made && made,
	       "DESTROY drops each one's HOLD (%u of %u, %.1f s)", destroyed,
	       made, now() - t0);

	t0 = now();
	for (i = 0; i < 3000 && (n = ioc_list(NULL, 0)) > 0; i++)
		usleep(10000);
	tap_ok(n == 0, "no area is left (MBUFF_IOC_LIST counts %ld, %.1f s)", n,
	       now() - t0);
	ret = wait_refcnt(ref0);
	refs = file_value(SC_REFCNT);
	uio = uio_count();
	n = dir_count("/sys/class/mbuff");
	tap_ok(!ret && !uio && !n,
	       "every teardown ran: module references %lld (%lld before), %ld UIO devices, %ld sysfs directories",
	       refs, ref0, uio, n);
}

/* ---- 1,000 processes on one area -------------------------------------- */

#define SC_ATT_SIZE	(64UL << 10)
/* One word per process in the first 16 KiB, the parent's data after. */
#define SC_ATT_SLOTS	2048
#define SC_ATT_DATA	SC_ATT_SLOTS
#define SC_ATT_WORDS	(SC_ATT_SIZE / 8)

static uint64_t att_word(size_t i)
{
	return (uint64_t)i * 0x9e3779b97f4a7c15ULL ^ 0x5ca1e;
}

/*
 * A child: attach by name through the library, check the parent's data,
 * leave its mark in its slot, say so on @done, stay attached until EOF on
 * @rel.  Exit 0, or 1 when something was wrong.
 */
static void att_child(unsigned int idx, int done, int rel)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	struct mbuff_area *a;
	volatile uint64_t *p;
	char c = 0;
	size_t i;
	int bad = 0;

	o.source = MBUFF_SOURCE_MODULE;
	if (mbuff_area_open("stattach", 0, &o, &a))
		_exit(2);
	p = mbuff_area_addr(a);
	for (i = SC_ATT_DATA; i < SC_ATT_WORDS; i++)
		bad |= p[i] != att_word(i);
	p[idx] = idx + 1;
	c = (char)bad;
	if (write(done, &c, 1) != 1)
		_exit(3);
	while (read(rel, &c, 1) < 0 && errno == EINTR)
		;
	mbuff_area_close(a);
	_exit(bad);
}

static void test_attach(void)
{
	unsigned int i, forked = 0, got = 0, bad = 0, marks = 0, exits = 0;
	int fd = mb_open_dev(), done[2], rel[2], status, ret;
	struct mbuff_info info = { 0 }, after = { 0 };
	volatile uint64_t *p;
	char buf[256];
	double t0;
	ssize_t r;
	pid_t pid;

	ret = ioc_open(fd, "stattach", SC_ATT_SIZE, MBUFF_BACKEND_VMALLOC,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD,
		       0, NULL);
	p = ret ? MAP_FAILED : mmap(NULL, SC_ATT_SIZE, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		tap_diag("the area: %s", strerror(ret ? -ret : errno));
		for (i = 0; i < 6; i++)
			tap_ok(0, "1,000 processes: no area");
		return;
	}
	for (i = SC_ATT_DATA; i < SC_ATT_WORDS; i++)
		p[i] = att_word(i);
	munmap((void *)p, SC_ATT_SIZE);

	if (pipe(done) || pipe(rel)) {
		perror("pipe");
		exit(1);
	}
	t0 = now();
	for (i = 0; i < n_procs; i++) {
		pid = fork();
		if (pid < 0) {
			tap_diag("fork %u: %s", i, strerror(errno));
			break;
		}
		if (!pid) {
			close(done[0]);
			close(rel[1]);
			att_child(i, done[1], rel[0]);
		}
		forked++;
	}
	close(done[1]);
	close(rel[0]);
	while (got < forked && (r = read(done[0], buf, sizeof(buf))) > 0) {
		for (i = 0; i < (unsigned int)r; i++)
			bad += !!buf[i];
		got += (unsigned int)r;
	}
	tap_ok(forked == n_procs && got == n_procs,
	       "%u processes attached to one area by name (%u forked, %u attached, %.1f s)",
	       n_procs, forked, got, now() - t0);

	/* Asked by name from a file of its own: it counts nothing itself. */
	fd = mb_open_dev();
	ret = mb_info(fd, "stattach", &info);
	tap_ok(!ret && info.maps == n_procs,
	       "MBUFF_IOC_INFO counts %u mappings, one per process", info.maps);
	tap_ok(!ret && info.files == n_procs,
	       "and %u open files, one per process (one descriptor per library handle)",
	       info.files);
	tap_ok(got == n_procs && !bad,
	       "every process saw the data the parent wrote (%u did not)", bad);

	ret = ioc_open(fd, "stattach", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	p = ret ? MAP_FAILED : mmap(NULL, SC_ATT_SIZE, PROT_READ, MAP_SHARED,
				    fd, 0);
	if (p != MAP_FAILED) {
		for (i = 0; i < n_procs; i++)
			marks += p[i] == i + 1;
		munmap((void *)p, SC_ATT_SIZE);
	}
	tap_ok(marks == n_procs,
	       "the parent sees each process's mark in the same memory (%u of %u)",
	       marks, n_procs);

	close(rel[1]);
	close(done[0]);
	for (i = 0; i < forked; i++) {
		pid = wait(&status);
		exits += pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status);
	}
	ret = ret ? ret : mb_info(fd, "stattach", &after);
	tap_ok(exits == forked && !ret && !after.maps && after.files == 1,
	       "all detached and exited (%u of %u cleanly): %u mappings, %u files left (this one)",
	       exits, forked, after.maps, after.files);
	ioc_destroy(fd, "stattach");
	close(fd);
}

/* ---- no waiting on another area's zeroing ------------------------------ */

#define SC_OPENS	20
#define SC_CREATES	5

static atomic_int big_state;		/* 1: creating, 2: created */
static atomic_uint opens_done, creates_done;
static unsigned int opens_seen, creates_seen;	/* at the create's end */
static int big_ret;
static double big_secs;

static void *big_create(void *arg)
{
	int fd = *(int *)arg;
	double t0 = now();

	atomic_store(&big_state, 1);
	big_ret = ioc_open(fd, "stbig", big, MBUFF_BACKEND_CONTIG,
			   MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, 0, NULL);
	/* What the other thread had done by the time it returned. */
	opens_seen = atomic_load(&opens_done);
	creates_seen = atomic_load(&creates_done);
	big_secs = now() - t0;
	atomic_store(&big_state, 2);
	return NULL;
}

static void test_busy(void)
{
	int hfd = mb_open_dev(), bfd = mb_open_dev(), afd = mb_open_dev();
	long long avail0, avail;
	unsigned int i, opens_bad = 0, creates_bad = 0, nonzero = 0;
	volatile uint64_t *p;
	char name[32];
	pthread_t t;
	int ret, cfd, started;

	ret = ioc_open(hfd, "stsmall", SC_AREA, MBUFF_BACKEND_CONTIG,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD, 0,
		       NULL);
	avail0 = file_value(SC_POOL_AVAIL);
	if (ret || avail0 < (long long)big + (16 << 20)) {
		tap_diag("the small area: %s; the pool has %lld bytes free, want %lu and more",
			 strerror(-ret), avail0, big);
		for (i = 0; i < 4; i++)
			tap_ok(0, "no waiting: cannot set up");
		goto out;
	}
	if (pthread_create(&t, NULL, big_create, &afd)) {
		perror("pthread_create");
		exit(1);
	}
	/*
	 * The pool shows the large area's memory taken before it is zeroed:
	 * from then on until the create returns, it is being zeroed.
	 */
	do
		avail = file_value(SC_POOL_AVAIL);
	while (atomic_load(&big_state) != 2 && avail > avail0 - (long long)big);
	started = atomic_load(&big_state) != 2;
	for (i = 0; i < SC_OPENS; i++) {
		ret = ioc_open(bfd, "stsmall", 0, MBUFF_BACKEND_ANY, 0, 0,
			       NULL);
		opens_bad += !!ret;
		atomic_fetch_add(&opens_done, 1);
	}
	for (i = 0; i < SC_CREATES; i++) {
		snprintf(name, sizeof(name), "stnew%u", i);
		cfd = mb_open_dev();
		ret = ioc_open(cfd, name, SC_AREA, MBUFF_BACKEND_CONTIG,
			       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, 0, NULL);
		creates_bad += !!ret;
		close(cfd);
		atomic_fetch_add(&creates_done, 1);
	}
	pthread_join(t, NULL);
	if (!started)
		tap_diag("the %lu MiB create ended before its memory showed taken",
			 big >> 20);
	tap_ok(!big_ret, "a %lu MiB contiguous area created meanwhile (%.0f ms)",
	       big >> 20, big_secs * 1e3);
	tap_ok(started && !opens_bad && opens_seen == SC_OPENS,
	       "%u opens of another area by name all returned while it was being zeroed (%u had when it returned, %u failed)",
	       SC_OPENS, opens_seen, opens_bad);
	tap_ok(started && !creates_bad && creates_seen == SC_CREATES,
	       "%u creations of other areas all returned while it was being zeroed (%u had when it returned, %u failed)",
	       SC_CREATES, creates_seen, creates_bad);

	/* The large one is whole and zeroed: a word of each 64 KiB. */
	p = big_ret ? MAP_FAILED :
		      mmap(NULL, big, PROT_READ, MAP_SHARED, afd, 0);
	if (p != MAP_FAILED) {
		for (i = 0; i < big / 8; i += 8192)
			nonzero += !!p[i];
		munmap((void *)p, big);
	}
	tap_ok(p != MAP_FAILED && !nonzero,
	       "it maps whole and reads zero (%u words of %lu not)", nonzero,
	       big >> 16);
out:
	close(afd);
	close(bfd);
	ioc_destroy(hfd, "stsmall");
	close(hfd);
}

/* ---- mappings ----------------------------------------------------------- */

/* An mmap of @fd at an address aligned to @align (0: anywhere). */
static uint64_t *map_at(int fd, size_t len, off_t off, size_t align, int prot)
{
	char *r, *a;
	void *p;

	if (!align)
		return mmap(NULL, len, prot, MAP_SHARED, fd, off);
	r = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (r == MAP_FAILED)
		return MAP_FAILED;
	a = (char *)(((uintptr_t)r + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(a, len, prot, MAP_SHARED | MAP_FIXED, fd, off);
	if (a > r)
		munmap(r, (size_t)(a - r));
	munmap(a + len, (size_t)(r + len + align - (a + len)));
	return p;
}

/*
 * Each page of @w (@len bytes): its number plus @salt in its first word,
 * the complement in its last.
 */
static void mark_pages(uint64_t *w, size_t len, uint64_t salt)
{
	size_t pg;

	for (pg = 0; pg < len / SC_PAGE; pg++) {
		w[pg * SC_PAGE / 8] = pg + salt;
		w[(pg + 1) * SC_PAGE / 8 - 1] = ~(pg + salt);
	}
}

/* -1 when each page of @w holds its mark, else the first that does not. */
static long check_pages(const uint64_t *w, size_t len, uint64_t salt)
{
	size_t pg;

	for (pg = 0; pg < len / SC_PAGE; pg++)
		if (w[pg * SC_PAGE / 8] != pg + salt ||
		    w[(pg + 1) * SC_PAGE / 8 - 1] != ~(pg + salt))
			return (long)pg;
	return -1;
}

/* A contiguous area of @size mapped twice, once at a 2 MiB boundary. */
static void test_twice(const char *name, size_t size)
{
	int fd = mb_open_dev();
	uint64_t *m1 = MAP_FAILED, *m2 = MAP_FAILED;
	long bad1 = -2, bad2 = -2;
	int ret;

	ret = ioc_open(fd, name, size, MBUFF_BACKEND_CONTIG,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, SC_HUGE, NULL);
	if (!ret) {
		m1 = map_at(fd, size, 0, SC_HUGE, PROT_READ | PROT_WRITE);
		m2 = map_at(fd, size, 0, 0, PROT_READ | PROT_WRITE);
	}
	if (m1 != MAP_FAILED && m2 != MAP_FAILED) {
		mark_pages(m1, size, 1);
		bad1 = check_pages(m2, size, 1);
		mark_pages(m2, size, 7);
		bad2 = check_pages(m1, size, 7);
	}
	tap_ok(bad1 == -1 && bad2 == -1,
	       "a %zu KiB contiguous area (2 MiB aligned) mapped twice, at a 2 MiB boundary and anywhere: each sees the other's writes on every page (%s; first bad pages %ld, %ld)",
	       size >> 10, ret ? strerror(-ret) : "created", bad1, bad2);
	if (m1 != MAP_FAILED)
		munmap(m1, size);
	if (m2 != MAP_FAILED)
		munmap(m2, size);
	close(fd);
}

static void test_maps(void)
{
	const size_t size = 4 * SC_HUGE;
	int fd = mb_open_dev(), ret, sig, sig2;
	uint64_t *m = MAP_FAILED, *o = MAP_FAILED, v = 0;
	long bad = -2;

	test_twice("sttwice", size);
	test_twice("sttail", 3 * SC_HUGE / 2 + SC_PAGE);

	/* At an offset: 4 KiB (no 2 MiB entry fits) and 2 MiB. */
	ret = ioc_open(fd, "stoff", size, MBUFF_BACKEND_CONTIG,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, SC_HUGE, NULL);
	if (!ret)
		m = map_at(fd, size, 0, SC_HUGE, PROT_READ | PROT_WRITE);
	if (m != MAP_FAILED) {
		mark_pages(m, size, 100);
		o = map_at(fd, SC_HUGE, (off_t)SC_PAGE, SC_HUGE, PROT_READ);
		if (o != MAP_FAILED) {
			bad = check_pages(o, SC_HUGE, 101);
			munmap(o, SC_HUGE);
		}
		o = map_at(fd, SC_HUGE, (off_t)SC_HUGE, SC_HUGE, PROT_READ);
		if (o != MAP_FAILED) {
			if (bad == -1)
				bad = check_pages(o, SC_HUGE, 100 + 512);
			munmap(o, SC_HUGE);
		} else {
			bad = -2;
		}
	}
	tap_ok(bad == -1,
	       "mapped at offsets 4 KiB and 2 MiB into it, each mapping starts at that byte of the area (first bad page %ld)",
	       bad);

	/* Part of a contiguous mapping: split, or refused with EINVAL. */
	if (m != MAP_FAILED) {
		char *hole = (char *)m + SC_HUGE / 2;

		ret = munmap(hole, SC_PAGE) ? -errno : 0;
		if (!ret) {
			sig = touch((uint64_t *)hole, 0, 0, NULL);
			sig2 = touch(m + (SC_HUGE / 2 + SC_PAGE) / 8, 0, 0, &v);
			tap_ok(sig == SIGSEGV && !sig2 &&
			       v == SC_HUGE / 2 / SC_PAGE + 1 + 100,
			       "munmap() of one page in a contiguous mapping splits it: the page is gone (%s), the next one reads right",
			       sig_name(sig));
		} else {
			bad = check_pages(m, size, 100);
			tap_ok(ret == -EINVAL && bad == -1,
			       "munmap() of one page in a contiguous mapping is refused cleanly (%s) and the mapping stays whole",
			       strerror(-ret));
		}
		hole = (char *)m + SC_HUGE + SC_HUGE / 2;
		ret = mprotect(hole, SC_PAGE, PROT_READ) ? -errno : 0;
		if (!ret) {
			sig = touch((uint64_t *)hole, 1, 1, NULL);
			sig2 = touch((uint64_t *)(hole + SC_PAGE), 1,
				     SC_HUGE * 3 / 2 / SC_PAGE + 1 + 100, NULL);
			tap_ok(sig == SIGSEGV && !sig2,
			       "mprotect(PROT_READ) of one page of it: writing that page faults (%s), the next one takes writes",
			       sig_name(sig));
		} else {
			sig = touch((uint64_t *)hole, 1,
				    SC_HUGE * 3 / 2 / SC_PAGE + 100, NULL);
			tap_ok(ret == -EINVAL && !sig,
			       "mprotect() of one page of it is refused cleanly (%s) and the page stays writable",
			       strerror(-ret));
		}
		/* Drop what is mapped past the hole: refaults, or refused. */
		ret = madvise((char *)m + SC_HUGE, size - SC_HUGE,
			      MADV_DONTNEED) ? -errno : 0;
		sig = touch(m + 3 * SC_HUGE / 8, 0, 0, &v);
		tap_ok((!ret || ret == -EINVAL) && !sig && v == 3 * 512 + 100,
		       "MADV_DONTNEED on it: %s, then reading gives the data back (%s)",
		       ret ? strerror(-ret) : "done", sig_name(sig));
		munmap(m, size);
	} else {
		for (ret = 0; ret < 3; ret++)
			tap_ok(0, "partial munmap, mprotect, MADV_DONTNEED: no mapping");
	}
	close(fd);

	/* vmalloc: split and dropped mappings fault their pages back in. */
	fd = mb_open_dev();
	ret = ioc_open(fd, "stvm", SC_HUGE, MBUFF_BACKEND_VMALLOC,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, 0, NULL);
	m = o = MAP_FAILED;
	if (!ret) {
		m = map_at(fd, SC_HUGE, 0, 0, PROT_READ | PROT_WRITE);
		o = map_at(fd, SC_HUGE, 0, 0, PROT_READ | PROT_WRITE);
	}
	if (m != MAP_FAILED && o != MAP_FAILED) {
		mark_pages(m, SC_HUGE, 5);
		ret = madvise(m, SC_HUGE, MADV_DONTNEED) ? -errno : 0;
		sig = touch(m, 0, 0, NULL);
		bad = sig ? -2 : check_pages(m, SC_HUGE, 5);
		tap_ok(!ret && !sig && bad == -1,
		       "MADV_DONTNEED on a vmalloc mapping (%s), then reading gives the data back (%s, first bad page %ld)",
		       ret ? strerror(-ret) : "done", sig_name(sig), bad);
		/* The other mapping, untouched by the madvise(). */
		ret = munmap((char *)o + SC_PAGE * 8, SC_PAGE) ? -errno : 0;
		sig = touch(o + SC_PAGE * 8 / 8, 0, 0, NULL);
		sig2 = touch(o + SC_PAGE * 9 / 8, 0, 0, &v);
		tap_ok(!ret && sig == SIGSEGV && !sig2 && v == 9 + 5,
		       "munmap() of one page of a vmalloc mapping: the page is gone (%s), the next one reads right (%s)",
		       sig_name(sig), sig_name(sig2));
		munmap(o, SC_PAGE * 8);
		munmap((char *)o + SC_PAGE * 9, SC_HUGE - SC_PAGE * 9);
	} else {
		tap_ok(0, "MADV_DONTNEED on a vmalloc mapping: no mapping");
		tap_ok(0, "munmap() of one page of a vmalloc mapping: no mapping");
		if (o != MAP_FAILED)
			munmap(o, SC_HUGE);
	}
	if (m != MAP_FAILED)
		munmap(m, SC_HUGE);
	close(fd);
}

int main(int argc, char **argv)
{
	long long ref0, refs;
	long n;
	int ret;

	if (argc > 1)
		n_areas = (unsigned int)strtoul(argv[1], NULL, 0);
	if (argc > 2)
		n_procs = (unsigned int)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		big = parse_size(argv[3]);
	if (argc > 4 || !n_areas || n_areas > 99999 || !n_procs ||
	    n_procs > SC_ATT_SLOTS || big < SC_HUGE || big % SC_HUGE) {
		fprintf(stderr, "usage: scale [AREAS [PROCS [BIG]]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(PLAN);
	n = ioc_list(NULL, 0);
	if (n) {
		printf("Bail out! %ld areas exist already\n", n);
		return 1;
	}
	ref0 = file_value(SC_REFCNT);

	test_many();
	test_attach();
	test_busy();
	test_maps();

	n = ioc_list(NULL, 0);
	for (int i = 0; i < 3000 && n > 0; i++) {
		usleep(10000);
		n = ioc_list(NULL, 0);
	}
	ret = wait_refcnt(ref0);
	refs = file_value(SC_REFCNT);
	tap_ok(!n && !ret,
	       "at the end no area is left and every teardown ran (%ld areas, module references %lld, %lld at the start)",
	       n, refs, ref0);
	tap_exit();
}
