// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel_bench: kernel->user streaming and mapped areas, measured inside
 * a guest against what a process gets without mbuff.  Every stream
 * carries the records of tests/kmod/mbuff_ring_record.h, made in the
 * kernel by mbuff_ring_record_fill() and checked here by
 * mbuff_ring_record_check() over every byte, whatever carries them:
 *
 *   read()        /dev/mbuff_bench_read (tests/kmod/mbuff_bench_read.ko):
 *                 each read() makes a record and copies it out
 *   in place      tests/kmod/mbuff_ring_producer.ko inplace=1: records
 *                 filled where they lie in the ring, checked where they
 *                 lie, a batch freed by one mbuff_ring_consume()
 *   copy          the same module with inplace=0: filled in a kernel
 *                 buffer, copied into the ring
 *   device-written  tests/kmod/mbuff_ring_extent.ko: records written by
 *                 a device (device=cpu: the CPU standing in for one;
 *                 with -e and an edu device, also device=edu, QEMU's
 *                 emulated DMA) into buffers of the area, handed over by
 *                 extent records
 *   limit         one pass of the same check over records already in
 *                 memory, in a buffer larger than the caches
 *
 * and mapped areas (vmalloc and contiguous) against anonymous memory of
 * the same size (and, to tell page size from mapping, anonymous memory
 * kept to 4 KiB pages as the areas are): memset, memcpy, a read sum, and
 * the first touch (creating and mapping, then a first pass).
 *
 * Streams sleep with the ring's waiting flags, mbuff_area_wait() and the
 * doorbell (mbuff_area_ring()), never by polling.  Each case runs RUNS
 * times, each run in rounds with every case once a round (map passes
 * likewise take turns); the table gives the median
 * with the lowest and highest, then one "ratio:" line per comparison
 * (mbuff's median over the other's: above 1 means mbuff is ahead), then
 * the data as tab-separated values, to -o FILE or between "--- tsv ---"
 * and "--- end ---" on stdout.  The "diagnosis" lines come from runs of
 * the same streams whose consumer does not check (the producer's
 * ceiling) and from the counts of the runs: system calls and sleeps per
 * record, the share of the run each side was on a CPU, and the share of
 * both vCPUs the host gave around the run (other guests on the host
 * take its CPUs; a stream between two vCPUs suffers more from that than
 * read() on one).
 *
 * Exit status: 0 when every case ran and every record checked out, 1
 * when one failed, 3 when all that ran passed but a case was skipped (a
 * module missing or without the parameters used), 2 on bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

#include "../../tests/guest/mbuff_util.h"
#include "../../tests/kmod/mbuff_ring_record.h"

#define KB_MAX_RUNS	64
#define KB_WAIT_MS	10000		/* a lost wake-up, not a slow side */
#define KB_MIB		(1024.0 * 1024.0)
#define KB_READ_DEV	"/dev/mbuff_bench_read"
#define KB_PROD		"mbuff_ring_producer"
#define KB_EXT		"mbuff_ring_extent"
#define KB_DEBUGFS	"/sys/kernel/debug"

/* What carries a stream. */
enum kb_kind { KB_READ, KB_INPLACE, KB_COPY, KB_EXTENT };

static const char *const kb_kind_name[] = {
	[KB_READ] = "read()",
	[KB_INPLACE] = "in place",
	[KB_COPY] = "copy",
	[KB_EXTENT] = "device-written",
};

/* Options. */
static struct {
	int runs;
	int rounds;			/* a stream run in rounds */
	unsigned long stream_bytes;	/* per stream run */
	unsigned long edu_bytes;	/* per stream run of device=edu */
	unsigned long limit_bytes;	/* the limit's buffer */
	unsigned long map_bytes;	/* each mapped area */
	unsigned long ring_bytes;	/* ring data; bytes in flight */
	unsigned long batch;		/* producer's publish batch, 0: ring/4 */
	unsigned long cbatch;		/* consumer's consume batch, 0: ring/4 */
	const char *moddir;
	const char *tsv;
	const char *only;		/* sections to run, comma separated */
	int edu;			/* also device=edu */
	int verbose;
} opt = {
	.runs = 5,
	.rounds = 4,
	.stream_bytes = 512UL << 20,
	.edu_bytes = 32UL << 10,
	.limit_bytes = 128UL << 20,
	.map_bytes = 32UL << 20,
	.ring_bytes = 4UL << 20,
	.moddir = "/lib/modules",
};

static int failed;	/* a case failed: exit 1 */
static int skipped;	/* a case could not run: exit 3 */
static volatile uint64_t kb_sink;

/* ---- results -------------------------------------------------------- */

/**
 * struct kb_result - the runs of one case
 * @section: "kernel->user", "diagnosis", "limit", "map", "first-touch"
 * @name: the case
 * @size: record (or area) bytes
 * @unit: of @v
 * @v: one value per run
 * @n: runs done
 * @skip: why the case did not run, or NULL
 * @bad: a run failed
 */
struct kb_result {
	char section[24];
	char name[64];
	unsigned long size;
	const char *unit;
	double v[KB_MAX_RUNS];
	int n;
	const char *skip;
	int bad;
};

#define KB_MAX_RESULTS	96
static struct kb_result results[KB_MAX_RESULTS];
static int nresults;

static struct kb_result *result(const char *section, const char *name,
				unsigned long size, const char *unit)
{
	struct kb_result *r;
	int i;

	for (i = 0; i < nresults; i++) {
		r = &results[i];
		if (!strcmp(r->section, section) && !strcmp(r->name, name) &&
		    r->size == size)
			return r;
	}
	if (nresults == KB_MAX_RESULTS) {
		fprintf(stderr, "kernel_bench: too many cases\n");
		exit(1);
	}
	r = &results[nresults++];
	snprintf(r->section, sizeof(r->section), "%s", section);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->size = size;
	r->unit = unit;
	return r;
}

static void add(struct kb_result *r, double v)
{
	if (r->n < KB_MAX_RUNS)
		r->v[r->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, lowest and highest of @r's runs; 0 when there are none. */
static int stats(const struct kb_result *r, double *med, double *lo,
		 double *hi)
{
	double v[KB_MAX_RUNS];

	if (!r || !r->n || r->skip || r->bad)
		return 0;
	memcpy(v, r->v, sizeof(double) * (size_t)r->n);
	qsort(v, (size_t)r->n, sizeof(double), cmp_double);
	*med = r->n % 2 ? v[r->n / 2] : (v[r->n / 2 - 1] + v[r->n / 2]) / 2;
	*lo = v[0];
	*hi = v[r->n - 1];
	return 1;
}

static struct kb_result *find(const char *section, const char *name,
			      unsigned long size)
{
	int i;

	for (i = 0; i < nresults; i++)
		if (!strcmp(results[i].section, section) &&
		    !strcmp(results[i].name, name) && results[i].size == size)
			return &results[i];
	return NULL;
}

/* ---- odds and ends -------------------------------------------------- */

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static const char *size_name(unsigned long size, char *buf, size_t len)
{
	if (size >= 1UL << 20 && !(size & ((1UL << 20) - 1)))
		snprintf(buf, len, "%luMiB", size >> 20);
	else if (size >= 1024 && !(size & 1023))
		snprintf(buf, len, "%luKiB", size >> 10);
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
	while (*p) {
		if (!strncmp(p, section, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return 0;
}

/* The whole of a small file, all its lines (not only the first). */
static int read_all(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* The value of "KEY N" in a status file's text, or @dflt. */
static long long status_val(const char *text, const char *key, long long dflt)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return dflt;
}

/* ---- modules -------------------------------------------------------- */

/* Load NAME.ko from the module directory with PARAMS: 0 or -errno. */
static int load_module(const char *name, const char *params)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", opt.moddir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = (int)syscall(SYS_finit_module, fd, params, 0);
	ret = ret < 0 ? -errno : 0;
	close(fd);
	if (opt.verbose)
		note("insmod %s %s: %d", name, params, ret);
	return ret;
}

/* Unload NAME, retrying while it is busy: 0 or -errno. */
static int unload_module(const char *name)
{
	int i, ret = 0;

	for (i = 0; i < 500; i++) {
		ret = (int)syscall(SYS_delete_module, name, O_NONBLOCK);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(10000);
	}
	if (ret) {
		ret = -errno;
		fprintf(stderr, "kernel_bench: rmmod %s: %s\n", name,
			strerror(errno));
	}
	return ret;
}

static int module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

/*
 * The kernel thread a module started: the newest kthreadd child named
 * @comm (mbuff_rprod, mbuff_rext), else whose name starts with "mbuff_";
 * 0 when there is none.
 */
static int find_kthread(const char *comm)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int best = 0, exact = 0;
	size_t n = strlen(comm);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64], buf[256], *p;
		int pid = atoi(e->d_name), ppid;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_all(path, buf, sizeof(buf)))
			continue;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1 || ppid != 2)
			continue;
		if (strncmp(strchr(buf, '(') + 1, "mbuff_", 6))
			continue;
		if (!strncmp(strchr(buf, '(') + 1, comm, n) &&
		    strchr(buf, '(')[n + 1] == ')' && pid > exact)
			exact = pid;
		if (pid > best)
			best = pid;
	}
	closedir(d);
	return exact ? exact : best;
}

/* Seconds PID has been on a CPU (schedstat), or NAN. */
static double task_cpu(int pid)
{
	char path[64], buf[128];

	if (pid <= 0)
		return NAN;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	if (read_all(path, buf, sizeof(buf)))
		return NAN;
	return strtod(buf, NULL) / 1e9;
}

/* ---- the host's share ------------------------------------------------ */

/*
 * Other guests on the host take its CPUs from this one's vCPUs now and
 * then, and a stream needs both vCPUs at once.  Before and after each
 * stream round, one fixed piece of work on each vCPU at the same time:
 * the slower time of the two against the best seen says how much of both
 * vCPUs the host gave about then (1.00: all of them).  A sample, not a
 * measure of the whole round: a burst within it goes unseen.
 */
#define KB_PROBE_BYTES	65536
#define KB_PROBE_PASSES	100

struct kb_probe {
	int cpu;
	double secs;
	const void *buf;
};

static double probe_best;

static void *probe_thread(void *arg)
{
	struct kb_probe *p = arg;
	cpu_set_t set;
	double t0;
	int i;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	t0 = clock_s(CLOCK_MONOTONIC);
	for (i = 0; i < KB_PROBE_PASSES; i++)
		kb_sink += mbuff_ring_record_sum(p->buf, KB_PROBE_BYTES);
	p->secs = clock_s(CLOCK_MONOTONIC) - t0;
	return NULL;
}

/* The time of the work on both vCPUs at once, or NAN. */
static double probe(void)
{
	static uint64_t buf[KB_PROBE_BYTES / 8];
	struct kb_probe p[2] = { { 0, 0, buf }, { 1, 0, buf } };
	pthread_t t[2];
	double secs;
	int i, n = 0;

	if (!buf[1])
		mbuff_ring_record_fill(buf, KB_PROBE_BYTES, 0);
	for (i = 0; i < 2; i++)
		n += !pthread_create(&t[i], NULL, probe_thread, &p[i]);
	if (n < 2) {
		if (n)
			pthread_join(t[0], NULL);
		return NAN;
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	secs = p[0].secs > p[1].secs ? p[0].secs : p[1].secs;
	if (!probe_best || secs < probe_best)
		probe_best = secs;
	return secs;
}

/* ---- streams -------------------------------------------------------- */

/**
 * struct kb_case - one stream
 * @kind: what carries it
 * @size: record bytes
 * @check: check every record (else only its sequence number)
 * @device: extent: "cpu" or "edu"
 */
struct kb_case {
	enum kb_kind kind;
	unsigned long size;
	int check;
	const char *device;
};

/**
 * struct kb_run - what one run of a stream measured
 * @secs: start to the last record checked
 * @cons_cpu: the consumer's CPU time in that while (system calls in)
 * @prod_cpu: the producer thread's CPU time (NAN for read())
 * @records: records received
 * @bytes: their bytes
 * @bad: records that failed their check
 * @waits: mbuff_area_wait() calls (each one poll() and read())
 * @empty: waits after which there was still nothing
 * @rings: mbuff_area_ring() calls (doorbells)
 * @consumes: mbuff_ring_consume() calls that freed room
 * @sleeps: the producer slept for room (status)
 * @notifies: the producer woke the consumer (status)
 */
struct kb_run {
	double secs;
	double cons_cpu;
	double prod_cpu;
	uint64_t records;
	uint64_t bytes;
	uint64_t bad;
	uint64_t waits;
	uint64_t empty;
	uint64_t rings;
	uint64_t consumes;
	long long sleeps;
	long long notifies;
};

/*
 * Bytes per run: QEMU's edu device ends each DMA transfer 100 ms (virtual
 * time) after it starts, and the module makes two per piece of at most
 * 4095 bytes (RAM to the device's buffer, then to the area), four for a
 * 4 KiB record: some 10 KB/s, whatever the guest.
 */
static unsigned long case_bytes(const struct kb_case *c)
{
	unsigned long n = c->kind == KB_EXTENT && !strcmp(c->device, "edu") ?
			  opt.edu_bytes : opt.stream_bytes;

	n /= opt.rounds;
	return n < c->size ? c->size : n;
}

/* Report a record that failed its check, the first few times. */
static void bad_record(const struct kb_case *c, uint64_t seq, int what,
		       struct kb_run *st)
{
	if (st->bad++ < 3)
		fprintf(stderr, "kernel_bench: %s %lu: record %llu failed its check (%d)\n",
			kb_kind_name[c->kind], c->size,
			(unsigned long long)seq, what);
}

/* Check record @seq at @p, fully or only its header. */
static void check_record(const struct kb_case *c, const void *p, uint32_t len,
			 uint64_t seq, struct kb_run *st)
{
	const struct mbuff_ring_record *r = p;
	int what;

	if (c->check)
		what = mbuff_ring_record_check(p, len, seq);
	else if (len < MBUFF_RING_RECORD_MIN || r->len != len)
		what = MBUFF_RING_RECORD_LEN;
	else
		what = r->seq == seq ? MBUFF_RING_RECORD_OK : MBUFF_RING_RECORD_SEQ;
	if (what)
		bad_record(c, seq, what, st);
}

static int run_read(const struct kb_case *c, struct kb_run *st)
{
	uint64_t seq, count = case_bytes(c) / c->size;
	double t0, c0;
	void *buf;
	ssize_t n;
	int fd;

	fd = open(KB_READ_DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kernel_bench: %s: %s\n", KB_READ_DEV,
			strerror(errno));
		return -1;
	}
	buf = aligned_alloc(64, c->size);
	if (!buf) {
		close(fd);
		return -1;
	}
	memset(buf, 0, c->size);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (seq = 0; seq < count; seq++) {
		n = read(fd, buf, c->size);
		if (n != (ssize_t)c->size) {
			fprintf(stderr, "kernel_bench: read() of %lu bytes: %zd (%s)\n",
				c->size, n, n < 0 ? strerror(errno) : "short");
			break;
		}
		check_record(c, buf, (uint32_t)c->size, seq, st);
		st->records++;
		st->bytes += c->size;
	}
	st->secs = clock_s(CLOCK_MONOTONIC) - t0;
	st->cons_cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	st->prod_cpu = NAN;
	free(buf);
	close(fd);
	return seq == count ? 0 : -1;
}

/*
 * The read() device's edges, once: sizes it refuses, a buffer it cannot
 * write (the record is not used up), then records 0 and 1 in sequence.
 */
static int read_device_edges(void)
{
	uint64_t buf[8192 / 8 + 1];
	void *none;
	int fd, ok;

	fd = open(KB_READ_DEV, O_RDONLY | O_CLOEXEC);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || none == MAP_FAILED)
		return -1;
	ok = read(fd, buf, 0) < 0 && errno == EINVAL;
	ok &= read(fd, buf, MBUFF_RING_RECORD_MIN - 1) < 0 && errno == EINVAL;
	ok &= read(fd, none, 4096) < 0 && errno == EFAULT;
	munmap(none, 4096);
	ok &= read(fd, buf, 4096) == 4096 &&
	      mbuff_ring_record_check(buf, 4096, 0) == MBUFF_RING_RECORD_OK;
	ok &= read(fd, buf, 8193) < 0 && errno == EINVAL;
	ok &= read(fd, buf, 8192 + 7) < 0 && errno == EINVAL;
	ok &= read(fd, buf, 27) == 27 &&
	      mbuff_ring_record_check(buf, 27, 1) == MBUFF_RING_RECORD_OK;
	close(fd);
	note("read() device: sizes out of range refused, a bad buffer -EFAULT, records in sequence: %s",
	     ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

static void ring_bell(struct mbuff_area *a, struct kb_run *st)
{
	st->rings++;
	if (mbuff_area_ring(a, 1) < 0)
		fprintf(stderr, "kernel_bench: mbuff_area_ring: %s\n",
			mbuff_last_error());
}

/*
 * Take @count records from the ring: peek a batch, check each where it
 * lies, free them all with one consume; sleep with the waiting flag when
 * the ring is empty, after freeing what was taken.
 */
static int consume(const struct kb_case *c, struct mbuff_area *a,
		   struct mbuff_ring *ring, uint64_t count, uint32_t max_recs,
		   struct kb_run *st)
{
	uint32_t len, cbytes = (ring->mask + 1) / 4, taken = 0;
	uint64_t seq = 0;
	const void *p, *rec;
	__u64 bytes;
	int r;

	if (opt.cbatch && opt.cbatch < cbytes)
		cbytes = (uint32_t)opt.cbatch;
	while (seq < count) {
		p = mbuff_ring_peek(ring, &len);
		if (p) {
			rec = p;
			bytes = len;
			if (c->kind == KB_EXTENT) {
				rec = mbuff_ring_extent(ring, p, len, &bytes);
				if (!rec || bytes > UINT32_MAX) {
					fprintf(stderr, "kernel_bench: record %llu is not a valid extent\n",
						(unsigned long long)seq);
					return -1;
				}
			}
			check_record(c, rec, (uint32_t)bytes, seq, st);
			seq++;
			st->records++;
			st->bytes += bytes;
			if (++taken < max_recs && ring->pending < cbytes &&
			    seq < count)
				continue;
			/* A batch: free it, wake the producer if it sleeps. */
			mbuff_ring_consume(ring);
			st->consumes++;
			taken = 0;
			if (mbuff_ring_wake_producer(ring))
				ring_bell(a, st);
			continue;
		}
		if (len == MBUFF_RING_CORRUPT) {
			fprintf(stderr, "kernel_bench: the ring is corrupt after record %llu\n",
				(unsigned long long)seq);
			return -1;
		}
		/* Empty: free what was taken, wake a producer, then sleep. */
		if (ring->pending) {
			mbuff_ring_consume(ring);
			st->consumes++;
		}
		taken = 0;
		if (mbuff_ring_wake_producer(ring))
			ring_bell(a, st);
		if (!mbuff_ring_consumer_sleep(ring))
			continue;
		st->waits++;
		r = mbuff_area_wait(a, KB_WAIT_MS);
		if (r < 0) {
			fprintf(stderr, "kernel_bench: waiting after record %llu: %s\n",
				(unsigned long long)seq, mbuff_last_error());
			return -1;
		}
		if (!mbuff_ring_used_bytes(ring))
			st->empty++;
	}
	mbuff_ring_consume(ring);
	if (mbuff_ring_wake_producer(ring))
		ring_bell(a, st);
	return 0;
}

/* Read the status file of a module until it says done: 0, or -1. */
static int status_done(const char *mod, char *text, size_t len)
{
	char path[128];
	int i;

	snprintf(path, sizeof(path), KB_DEBUGFS "/%s/status", mod);
	for (i = 0; i < KB_WAIT_MS; i++) {
		if (read_all(path, text, len))
			return -1;
		if (status_val(text, "done", 0) == 1)
			return 0;
		if (status_val(text, "error", 0))
			return -1;
		usleep(1000);
	}
	return -1;
}

static unsigned int area_seq;
static int copy_noted;

/* A kernel producer's stream: load, attach, start, consume, unload. */
static int run_module(const struct kb_case *c, struct kb_run *st, int *skip)
{
	const char *mod = c->kind == KB_EXTENT ? KB_EXT : KB_PROD;
	uint64_t count = case_bytes(c) / c->size;
	unsigned long slots = 0, data = 64UL << 10, size;
	char params[512], name[32], path[160], status[1024];
	struct mbuff_area *a = NULL;
	struct mbuff_ring ring;
	double t0 = 0, c0 = 0, p0 = 0;
	int edu = c->kind == KB_EXTENT && !strcmp(c->device, "edu");
	const char *key;
	int ret, pid, i;

	snprintf(name, sizeof(name), "kbench%u", area_seq++);
	if (c->kind == KB_EXTENT) {
		/* As many bytes in flight as the ring of the other cases. */
		slots = opt.ring_bytes / c->size;
		if (slots < 2)
			slots = 2;
		size = MBUFF_RING_CTL_SIZE + data + slots * c->size;
		snprintf(params, sizeof(params),
			 "area=%s size=%luK data=%lu record_size=%lu slots=%lu count=%llu device=%s backend=%s batch=%lu start=0",
			 name, (size + 1023) >> 10, data, c->size, slots,
			 (unsigned long long)count, c->device,
			 edu ? "contig" : "vmalloc",
			 edu ? c->size :
			 opt.batch ? opt.batch : slots * c->size / 4);
	} else {
		size = MBUFF_RING_CTL_SIZE + opt.ring_bytes;
		snprintf(params, sizeof(params),
			 "area=%s size=%luK backend=vmalloc record_size=%lu count=%llu batch=%lu inplace=%d start=0",
			 name, size >> 10, c->size, (unsigned long long)count,
			 opt.batch ? opt.batch : opt.ring_bytes / 4,
			 c->kind == KB_INPLACE);
	}
	ret = load_module(mod, params);
	if (ret) {
		fprintf(stderr, "kernel_bench: insmod %s.ko %s: %s\n", mod,
			params, strerror(-ret));
		/* Missing: skipped; refusing the parameters: failed. */
		*skip = ret == -ENOENT;
		return -1;
	}
	/* The kernel ignores a parameter it does not know: look for it. */
	key = c->kind == KB_EXTENT ? "device" : "inplace";
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, key);
	if (access(path, F_OK) && c->kind == KB_COPY) {
		/* Before inplace=, the producer always copied. */
		if (!copy_noted++)
			note("%s.ko has no inplace parameter: it copies, as inplace=0",
			     mod);
	} else if (access(path, F_OK)) {
		fprintf(stderr, "kernel_bench: %s.ko has no '%s' parameter (not ready?): case skipped\n",
			mod, key);
		unload_module(mod);
		*skip = 1;
		return -1;
	}
	ret = mbuff_area_open(name, 0, NULL, &a);
	if (!ret) {
		ret = mbuff_area_ring_attach(a, &ring, 0);
		if (ret)
			fprintf(stderr, "kernel_bench: attach to '%s': %s\n",
				name, mbuff_last_error());
	} else {
		fprintf(stderr, "kernel_bench: open '%s': %s\n", name,
			mbuff_last_error());
	}
	pid = find_kthread(c->kind == KB_EXTENT ? "mbuff_rext" : "mbuff_rprod");
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/start", mod);
	if (!ret) {
		p0 = task_cpu(pid);
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		t0 = clock_s(CLOCK_MONOTONIC);
		ret = write_str(path, "1");
		if (ret)
			fprintf(stderr, "kernel_bench: cannot write 1 to %s\n", path);
	}
	if (!ret) {
		ret = consume(c, a, &ring, count,
			      c->kind == KB_EXTENT ? (uint32_t)(slots + 3) / 4 :
						     UINT32_MAX, st);
		st->secs = clock_s(CLOCK_MONOTONIC) - t0;
		st->cons_cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		st->prod_cpu = task_cpu(pid) - p0;
		snprintf(path, sizeof(path), KB_DEBUGFS "/%s/status", mod);
		if (ret && !read_all(path, status, sizeof(status)))
			fprintf(stderr, "kernel_bench: %s status:\n%s", mod,
				status);
	}
	if (!ret) {
		ret = status_done(mod, status, sizeof(status));
		if (ret || status_val(status, "error", 0) ||
		    status_val(status, "records", -1) != (long long)count) {
			fprintf(stderr, "kernel_bench: %s did not finish cleanly:\n%s",
				mod, status);
			ret = -1;
		}
		st->sleeps = status_val(status, "sleeps", 0);
		st->notifies = status_val(status, "notifies", 0);
	}
	mbuff_area_close(a);
	i = unload_module(mod);
	return ret || i ? -1 : 0;
}

/* The name of a stream case in the table. */
static const char *case_name(const struct kb_case *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", kb_kind_name[c->kind],
		 c->kind == KB_EXTENT ? " " : "",
		 c->kind == KB_EXTENT ? c->device : "",
		 c->check ? "" : ", no check");
	return buf;
}

/* Counts of a stream's runs, summed (diagnosis). */
struct kb_counts {
	struct kb_run sum;
	double wall;
	double probe[KB_MAX_RUNS];
	int n;
};

static struct kb_counts counts[32];

/* The rounds of the run under way, per case, summed. */
static struct kb_run cur[32];
static double cur_probe[32];

/* One round of a stream: its bytes and counts go to cur[@ci]. */
static void run_stream(const struct kb_case *c, int ci)
{
	struct kb_run st, *a = &cur[ci];
	char name[64];
	struct kb_result *r;
	int skip = 0, ret;
	double t, t2;

	case_name(c, name, sizeof(name));
	r = result(c->check ? "kernel->user" : "diagnosis", name, c->size,
		   "MB/s");
	if (r->skip || r->bad)
		return;
	memset(&st, 0, sizeof(st));
	t = probe();
	ret = c->kind == KB_READ ? run_read(c, &st) : run_module(c, &st, &skip);
	t2 = probe();
	cur_probe[ci] += t2 > t ? t2 : t;
	if (ret || st.bad) {
		if (skip) {
			r->skip = "module missing or without these parameters";
			skipped = 1;
		} else {
			r->bad = 1;
			failed = 1;
		}
		fprintf(stderr, "kernel_bench: %s %lu: %s (%llu bad records)\n",
			name, c->size, skip ? "skipped" : "FAILED",
			(unsigned long long)st.bad);
		return;
	}
	a->secs += st.secs;
	a->bytes += st.bytes;
	a->records += st.records;
	a->waits += st.waits;
	a->empty += st.empty;
	a->rings += st.rings;
	a->consumes += st.consumes;
	a->sleeps += st.sleeps > 0 ? st.sleeps : 0;
	a->notifies += st.notifies > 0 ? st.notifies : 0;
	a->cons_cpu += st.cons_cpu;
	a->prod_cpu += st.prod_cpu;
}

/* The end of a run: its rounds make one value of the case. */
static void end_run(const struct kb_case *c, int ci)
{
	struct kb_counts *k = &counts[ci];
	struct kb_run *a = &cur[ci];
	struct kb_result *r;
	char name[64];

	case_name(c, name, sizeof(name));
	r = result(c->check ? "kernel->user" : "diagnosis", name, c->size,
		   "MB/s");
	if (!r->skip && !r->bad && a->secs > 0) {
		add(r, (double)a->bytes / a->secs / 1e6);
		k->sum.records += a->records;
		k->sum.waits += a->waits;
		k->sum.empty += a->empty;
		k->sum.rings += a->rings;
		k->sum.consumes += a->consumes;
		k->sum.sleeps += a->sleeps;
		k->sum.notifies += a->notifies;
		k->sum.cons_cpu += a->cons_cpu;
		k->sum.prod_cpu += a->prod_cpu;
		k->wall += a->secs;
		k->probe[k->n++] = cur_probe[ci] / opt.rounds;
		if (opt.verbose)
			note("%s %lu: %.1f MB/s, %.3f s, cpu %.3f/%.3f, %llu waits, probe %.2f ms",
			     name, c->size, (double)a->bytes / a->secs / 1e6,
			     a->secs, a->cons_cpu, a->prod_cpu,
			     (unsigned long long)a->waits,
			     cur_probe[ci] / opt.rounds * 1e3);
	}
	memset(a, 0, sizeof(*a));
	cur_probe[ci] = 0;
}

static int edu_present(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[300], v[32], dev[32];
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 e->d_name);
		if (read_all(path, v, sizeof(v)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 e->d_name);
		if (read_all(path, dev, sizeof(dev)))
			continue;
		found = strtoul(v, NULL, 16) == 0x1234 &&
			strtoul(dev, NULL, 16) == 0x11e8;
	}
	closedir(d);
	return found;
}

static struct kb_case cases[32];
static int ncases;

static void add_case(enum kb_kind kind, unsigned long size, int check,
		     const char *device)
{
	cases[ncases++] = (struct kb_case){ kind, size, check, device };
}

static void streams(void)
{
	static const unsigned long sizes[] = { 4096, 65536 };
	int edu = opt.edu && edu_present(), i, run, round, s, ci;
	int loaded = 0;

	if (opt.edu && !edu)
		note("no edu device (boot with -d edu): no device=edu line");
	for (s = 0; s < 2; s++) {
		if (want("read"))
			add_case(KB_READ, sizes[s], 1, NULL);
		if (want("inplace"))
			add_case(KB_INPLACE, sizes[s], 1, NULL);
		if (want("copy"))
			add_case(KB_COPY, sizes[s], 1, NULL);
		if (want("extent"))
			add_case(KB_EXTENT, sizes[s], 1, "cpu");
	}
	if (edu && want("extent"))
		add_case(KB_EXTENT, 4096, 1, "edu");
	if (want("diagnosis")) {
		for (s = 0; s < 2; s++) {
			add_case(KB_READ, sizes[s], 0, NULL);
			add_case(KB_INPLACE, sizes[s], 0, NULL);
			add_case(KB_COPY, sizes[s], 0, NULL);
			add_case(KB_EXTENT, sizes[s], 0, "cpu");
		}
	}
	if (!ncases)
		return;
	if (want("read") || want("diagnosis")) {
		/* 8 KiB for its edges, then 64 KiB for the streams. */
		i = load_module("mbuff_bench_read", "record_size=8192");
		if (!i && read_device_edges())
			failed = 1;
		if (!i)
			unload_module("mbuff_bench_read");
		i = load_module("mbuff_bench_read", "record_size=65536");
		if (i)
			fprintf(stderr, "kernel_bench: insmod mbuff_bench_read.ko: %s\n",
				strerror(-i));
		loaded = !i;
	}
	/*
	 * Run after run, each in rounds, and every case once a round: the
	 * other guests' bursts on the host hit all cases alike.
	 */
	for (run = 0; run < opt.runs; run++) {
		for (round = 0; round < opt.rounds; round++)
			for (ci = 0; ci < ncases; ci++)
				run_stream(&cases[ci], ci);
		for (ci = 0; ci < ncases; ci++)
			end_run(&cases[ci], ci);
		note("streams: run %d of %d done", run + 1, opt.runs);
	}
	if (loaded)
		unload_module("mbuff_bench_read");
}

/* ---- the limit: one pass over records in memory --------------------- */

static void limit(void)
{
	static const unsigned long sizes[] = { 4096, 65536 };
	unsigned long s, i, n;
	struct kb_result *r;
	unsigned char *buf;
	uint64_t bad;
	double t0, t;
	int run;

	buf = mmap(NULL, opt.limit_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "kernel_bench: no %lu bytes for the limit: %s\n",
			opt.limit_bytes, strerror(errno));
		failed = 1;
		return;
	}
	for (s = 0; s < 2; s++) {
		n = opt.limit_bytes / sizes[s];
		r = result("limit", "one pass check", sizes[s], "MB/s");
		for (i = 0; i < n; i++)
			mbuff_ring_record_fill(buf + i * sizes[s],
					       (uint32_t)sizes[s], i);
		for (run = 0; run < opt.runs; run++) {
			bad = 0;
			t0 = clock_s(CLOCK_MONOTONIC);
			for (i = 0; i < n; i++)
				bad += mbuff_ring_record_check(buf + i * sizes[s],
							       (uint32_t)sizes[s],
							       i) != 0;
			t = clock_s(CLOCK_MONOTONIC) - t0;
			if (bad) {
				fprintf(stderr, "kernel_bench: limit: %llu bad records\n",
					(unsigned long long)bad);
				r->bad = 1;
				failed = 1;
				break;
			}
			add(r, (double)(n * sizes[s]) / t / 1e6);
		}
	}
	munmap(buf, opt.limit_bytes);
	note("limit done");
}

/* ---- mappings -------------------------------------------------------- */

/*
 * KB_ANON_4K: anonymous memory in 4 KiB pages only (MADV_NOHUGEPAGE),
 * as the areas are mapped: what page size alone makes of a difference.
 */
enum kb_map { KB_ANON, KB_VMALLOC, KB_CONTIG, KB_ANON_4K, KB_NMAPS };

static const char *const kb_map_name[] = {
	[KB_ANON] = "anon", [KB_VMALLOC] = "vmalloc", [KB_CONTIG] = "contig",
	[KB_ANON_4K] = "anon 4KiB pages",
};

static uint64_t sum_words(const uint64_t *w, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += w[i];
	return s;
}

/* Map @size bytes of @kind; NULL on failure. */
static void *map_get(enum kb_map kind, size_t size, struct mbuff_area **a)
{
	struct mbuff_opts o = { .sz = sizeof(o) };
	char name[32];
	void *p;
	int ret;

	*a = NULL;
	if (kind == KB_ANON || kind == KB_ANON_4K) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		if (kind == KB_ANON_4K)
			madvise(p, size, MADV_NOHUGEPAGE);
		return p;
	}
	snprintf(name, sizeof(name), "kbmap%u", area_seq++);
	o.backend = kind == KB_CONTIG ? MBUFF_BACKEND_CONTIG :
					MBUFF_BACKEND_VMALLOC;
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL;
	o.source = MBUFF_SOURCE_MODULE;
	ret = mbuff_area_open(name, size, &o, a);
	if (ret) {
		fprintf(stderr, "kernel_bench: %s area of %zu bytes: %s\n",
			kb_map_name[kind], size, mbuff_last_error());
		return NULL;
	}
	return mbuff_area_addr(*a);
}

static void map_put(enum kb_map kind, void *p, size_t size,
		    struct mbuff_area *a)
{
	if (kind == KB_ANON || kind == KB_ANON_4K)
		munmap(p, size);
	else
		mbuff_area_close(a);
}

/* Passes of each operation per run: 256 MiB at least, for stable times. */
static unsigned long map_passes(size_t size)
{
	unsigned long n = (256UL << 20) / size;

	return n ? n : 1;
}

/* One pass of operation @op over a mapping: memset, memcpy, sum. */
static void map_op(int op, void *p, size_t size, int run)
{
	if (op == 0)
		memset(p, run, size);
	else if (op == 1)
		memcpy((char *)p + size / 2, p, size / 2);
	else
		kb_sink += sum_words(p, size / sizeof(uint64_t));
}

/*
 * Each run: a fresh mapping of each kind (created and mapped, then a
 * first pass: the first touch), then memset, memcpy (one half onto the
 * other) and a sum of the words, pass after pass, a pass of each kind in
 * turn, so that what the host does meanwhile falls on all kinds alike.
 */
static void maps(void)
{
	static const char *const ops[] = { "memset", "memcpy", "sum" };
	size_t size = opt.map_bytes;
	double mib = (double)size / KB_MIB, t0, t1, t2, secs[KB_NMAPS];
	unsigned long pass, passes = map_passes(size);
	struct kb_result *r[KB_NMAPS][5];
	struct mbuff_area *a[KB_NMAPS];
	void *p[KB_NMAPS];
	char n[64];
	int run, k, i, op, ok;

	for (k = 0; k < KB_NMAPS; k++) {
		for (op = 0; op < 3; op++) {
			snprintf(n, sizeof(n), "%s %s", kb_map_name[k], ops[op]);
			r[k][op] = result("map", n, size, "GB/s");
		}
	}
	for (k = 0; k < KB_NMAPS; k++) {
		snprintf(n, sizeof(n), "%s", kb_map_name[k]);
		r[k][3] = result("first-touch", n, size, "ms/MiB");
		snprintf(n, sizeof(n), "%s, mapping only", kb_map_name[k]);
		r[k][4] = result("first-touch", n, size, "ms/MiB");
	}
	if (!read_all("/sys/kernel/mm/transparent_hugepage/enabled", n,
		       sizeof(n)))
		note("transparent huge pages: %.*s", (int)strcspn(n, "\n"), n);
	for (run = 0; run < opt.runs; run++) {
		ok = 1;
		for (k = 0; k < KB_NMAPS; k++) {
			t0 = clock_s(CLOCK_MONOTONIC);
			p[k] = map_get((enum kb_map)k, size, &a[k]);
			if (!p[k]) {
				ok = 0;
				continue;
			}
			t1 = clock_s(CLOCK_MONOTONIC);
			memset(p[k], 0x5a, size);
			t2 = clock_s(CLOCK_MONOTONIC);
			add(r[k][3], (t2 - t0) * 1e3 / mib);
			add(r[k][4], (t1 - t0) * 1e3 / mib);
		}
		for (op = 0; ok && op < 3; op++) {
			memset(secs, 0, sizeof(secs));
			for (pass = 0; pass < passes; pass++) {
				for (i = 0; i < KB_NMAPS; i++) {
					k = (int)((i + pass) % KB_NMAPS);
					t0 = clock_s(CLOCK_MONOTONIC);
					map_op(op, p[k], size, run);
					secs[k] += clock_s(CLOCK_MONOTONIC) - t0;
				}
			}
			for (k = 0; k < KB_NMAPS; k++)
				add(r[k][op], (double)(op == 1 ? size / 2 : size) *
				    (double)passes / secs[k] / 1e9);
		}
		for (k = 0; k < KB_NMAPS; k++) {
			if (p[k])
				map_put((enum kb_map)k, p[k], size, a[k]);
			else
				for (i = 0; i < 5; i++)
					r[k][i]->bad = 1;
		}
		if (!ok) {
			failed = 1;
			break;
		}
	}
	note("maps done");
}

/* ---- output ---------------------------------------------------------- */

static void table(void)
{
	double med, lo, hi;
	char sz[32];
	int i;

	printf("\n%-13s %-32s %8s %10s %10s %10s  %s\n", "section", "case",
	       "size", "median", "min", "max", "unit");
	for (i = 0; i < nresults; i++) {
		const struct kb_result *r = &results[i];

		size_name(r->size, sz, sizeof(sz));
		if (stats(r, &med, &lo, &hi))
			printf("%-13s %-32s %8s %10.3f %10.3f %10.3f  %s\n",
			       r->section, r->name, sz, med, lo, hi, r->unit);
		else
			printf("%-13s %-32s %8s %10s %10s %10s  %s\n",
			       r->section, r->name, sz, "-", "-", "-",
			       r->skip ? r->skip : "FAILED");
	}
}

/* "ratio: LABEL = N": mbuff's median over the other's. */
static void ratio(const char *label, const struct kb_result *a,
		  const struct kb_result *b)
{
	double ma, mb, lo, hi;

	if (!a || !b)
		return;
	if (stats(a, &ma, &lo, &hi) && stats(b, &mb, &lo, &hi) && mb > 0)
		printf("ratio: %s = %.2f\n", label, ma / mb);
	else
		printf("# ratio: %s: not measured (%s)\n", label,
		       a->skip || b->skip ? "skipped" : "failed");
}

static void ratios(void)
{
	static const unsigned long sizes[] = { 4096, 65536 };
	static const char *const ops[] = { "memset", "memcpy", "sum" };
	char label[128], n[64], m[64];
	int s, k, i;

	printf("\n");
	for (s = 0; s < 2; s++) {
		unsigned long z = sizes[s];
		const char *kib = s ? "64KiB" : "4KiB";
		struct kb_result *rd = find("kernel->user", "read()", z);
		struct kb_result *lim = find("limit", "one pass check", z);

		snprintf(label, sizeof(label), "kernel->user %s in place / read()", kib);
		ratio(label, find("kernel->user", "in place", z), rd);
		snprintf(label, sizeof(label), "kernel->user %s in place / limit", kib);
		ratio(label, find("kernel->user", "in place", z), lim);
		snprintf(label, sizeof(label), "kernel->user %s copy / read()", kib);
		ratio(label, find("kernel->user", "copy", z), rd);
		snprintf(label, sizeof(label), "device-written %s / read()", kib);
		ratio(label, find("kernel->user", "device-written cpu", z), rd);
		snprintf(label, sizeof(label), "device-written %s / limit", kib);
		ratio(label, find("kernel->user", "device-written cpu", z), lim);
	}
	for (k = KB_VMALLOC; k <= KB_CONTIG; k++) {
		for (i = 0; i < 3; i++) {
			snprintf(n, sizeof(n), "%s %s", kb_map_name[k], ops[i]);
			snprintf(m, sizeof(m), "anon %s", ops[i]);
			snprintf(label, sizeof(label), "map %s %s / anon",
				 kb_map_name[k], ops[i]);
			ratio(label, find("map", n, opt.map_bytes),
			      find("map", m, opt.map_bytes));
		}
	}
}

/* The host's share before a stream's runs: median and lowest. */
static void host_share(const struct kb_counts *k)
{
	double v[KB_MAX_RUNS];
	int i, n = 0;

	for (i = 0; i < k->n; i++)
		if (!isnan(k->probe[i]) && k->probe[i] > 0)
			v[n++] = probe_best / k->probe[i];
	if (!n) {
		printf("%11s\n", "-");
		return;
	}
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	printf("%5.2f %5.2f\n", n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
	       v[0]);
}

/* Where the streams' time went: counts per record, CPU shares. */
static void diagnosis(void)
{
	char name[64], sz[32];
	int ci;

	printf("\n# per stream, over all its runs: consumer system calls and producer\n"
	       "# sleeps per 1000 records, each side's time on a CPU / the run's time;\n"
	       "# host: the share of both vCPUs the host gave around each round\n"
	       "# (median of the runs, lowest; 1.00: all of both)\n");
	printf("# %-30s %6s %9s %9s %9s %9s %9s %7s %7s %11s\n", "case", "size",
	       "syscalls", "waits", "empty", "sleeps", "notifies", "cons", "prod",
	       "host");
	for (ci = 0; ci < ncases; ci++) {
		const struct kb_counts *k = &counts[ci];
		double per = k->sum.records ? 1000.0 / (double)k->sum.records : 0;
		uint64_t calls;

		if (!k->n)
			continue;
		/* read(): one per record; a wait is poll() and read(). */
		calls = cases[ci].kind == KB_READ ? k->sum.records :
			2 * k->sum.waits + k->sum.rings;
		printf("# %-30s %6s %9.2f %9.2f %9.2f %9.2f %9.2f %6.0f%% ",
		       case_name(&cases[ci], name, sizeof(name)),
		       size_name(cases[ci].size, sz, sizeof(sz)),
		       (double)calls * per, (double)k->sum.waits * per,
		       (double)k->sum.empty * per, (double)k->sum.sleeps * per,
		       (double)k->sum.notifies * per,
		       100 * k->sum.cons_cpu / k->wall);
		if (isnan(k->sum.prod_cpu))
			printf("%7s ", "-");
		else
			printf("%6.0f%% ", 100 * k->sum.prod_cpu / k->wall);
		host_share(k);
	}
}

static void tsv(FILE *f)
{
	double med, lo, hi;
	int i;

	for (i = 0; i < nresults; i++) {
		const struct kb_result *r = &results[i];

		if (stats(r, &med, &lo, &hi))
			fprintf(f, "%s\t%s\t%lu\t%.4f\t%.4f\t%.4f\t%s\n",
				r->section, r->name, r->size, med, lo, hi,
				r->unit);
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: kernel_bench [-r RUNS] [-k ROUNDS] [-n BYTES] [-E BYTES] [-l BYTES]\n"
		"                    [-m BYTES] [-R BYTES] [-B BYTES] [-C BYTES] [-M DIR]\n"
		"                    [-o FILE] [-s SECTIONS] [-e] [-v]\n"
		"  -r  runs of each case (default 5)\n"
		"  -k  rounds a stream run is made of, every case once a round (default 4)\n"
		"  -n  bytes per stream run, all rounds (default 512M)\n"
		"  -E  bytes per stream run of device=edu (default 32K)\n"
		"  -l  the limit's buffer (default 128M)\n"
		"  -m  bytes of each mapped area (default 32M)\n"
		"  -R  ring data, bytes in flight (default 4M)\n"
		"  -B  bytes the producer publishes at once (default a quarter of -R)\n"
		"  -C  bytes the consumer frees at once (default a quarter of -R)\n"
		"  -M  directory of the test modules (default /lib/modules)\n"
		"  -o  write the tab-separated data to FILE (default: stdout,\n"
		"      between '--- tsv ---' and '--- end ---')\n"
		"  -s  sections, comma separated: read,inplace,copy,extent,limit,\n"
		"      map,diagnosis (default all)\n"
		"  -e  also device=edu (when the guest has an edu device)\n"
		"  -v  a line per run\n");
	return 2;
}

int main(int argc, char **argv)
{
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "r:k:n:E:l:m:R:B:C:M:o:s:ev")) != -1) {
		switch (c) {
		case 'r':
			opt.runs = atoi(optarg);
			if (opt.runs < 1 || opt.runs > KB_MAX_RUNS)
				return usage();
			break;
		case 'n':
			opt.stream_bytes = parse_size(optarg);
			break;
		case 'k':
			opt.rounds = atoi(optarg);
			if (opt.rounds < 1)
				return usage();
			break;
		case 'E':
			opt.edu_bytes = parse_size(optarg);
			break;
		case 'l':
			opt.limit_bytes = parse_size(optarg);
			break;
		case 'm':
			opt.map_bytes = parse_size(optarg);
			break;
		case 'R':
			opt.ring_bytes = parse_size(optarg);
			break;
		case 'B':
			opt.batch = parse_size(optarg);
			break;
		case 'C':
			opt.cbatch = parse_size(optarg);
			break;
		case 'M':
			opt.moddir = optarg;
			break;
		case 'o':
			opt.tsv = optarg;
			break;
		case 's':
			opt.only = optarg;
			break;
		case 'e':
			opt.edu = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || opt.stream_bytes < 65536 || opt.edu_bytes < 4096 ||
	    opt.limit_bytes < 65536 || opt.map_bytes < 65536 ||
	    (opt.map_bytes & 4095) || opt.ring_bytes < 4096 ||
	    (opt.ring_bytes & (opt.ring_bytes - 1)))
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (module_loaded(KB_PROD) || module_loaded(KB_EXT)) {
		fprintf(stderr, "kernel_bench: %s or %s is loaded already\n",
			KB_PROD, KB_EXT);
		return 1;
	}
	note("kernel_bench: %d runs, %lu MiB per stream run, ring %lu KiB",
	     opt.runs, opt.stream_bytes >> 20, opt.ring_bytes >> 10);

	streams();
	if (want("limit"))
		limit();
	if (want("map"))
		maps();

	table();
	ratios();
	if (ncases)
		diagnosis();
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
	if (failed)
		return 1;
	return skipped ? 3 : 0;
}
