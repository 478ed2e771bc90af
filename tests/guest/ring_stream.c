// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user side of a ring stream with a kernel module at the other end
 * (tests/kmod/mbuff_ring_producer.c, mbuff_ring_consumer.c): every record
 * checked or written with tests/kmod/mbuff_ring_record.h, sleeping and
 * waking with the ring's waiting flags, the area's notifications and its
 * doorbell, never by polling.  The module creates the area and formats
 * the ring; this program attaches.
 *
 *   consume [--start FILE] [--blocked] [--batch N] NAME BYTES
 *	kernel->user: read BYTES bytes of records in place through a doubled
 *	view, check each one's sequence number and checksum.  --start: write
 *	1 to FILE (the producer's start parameter) once attached; with
 *	--blocked, only once this process sleeps in mbuff_area_wait(), and
 *	check that it slept there without spinning until woken.
 *   produce [--record SIZE] [--batch N] NAME BYTES
 *	user->kernel: write BYTES bytes of SIZE-byte records (default 4096),
 *	then sleep until the kernel consumer has drained the ring.
 *
 * --batch N: wake the other side once N bytes wait (consume: are free), or
 * before blocking; default a quarter of the ring, 1 after every record.
 * BYTES and SIZE take K, M, G suffixes.  Prints TAP and the throughput.
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include <mbuff.h>

#include "../kmod/mbuff_ring_record.h"
#include "mbuff_util.h"
#include "tap.h"

/* Longest a side may sleep while the other one runs: a lost wake-up. */
#define RS_WAIT_MS	10000
/* --blocked: how long the process must stay asleep before the start. */
#define RS_BLOCK_MS	300

struct rs_opts {
	const char *start;
	int blocked;
	unsigned long batch;
	unsigned long record;
};

/* Counts of one side's run. */
struct rs_stats {
	uint64_t records;
	uint64_t bytes;
	uint64_t gaps;		/* records out of sequence */
	uint64_t bad;		/* other failed checks */
	uint64_t waits;		/* mbuff_area_wait() calls */
	uint64_t empty;		/* wake-ups that found nothing to do */
	uint64_t rings;		/* mbuff_area_ring() calls */
	double secs;		/* first record to last */
	int timeout;		/* a wait ran out */
	int corrupt;		/* the ring was */
};

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "64M" and the like; 0 when it is not a size. */
static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
	}
	return *end ? 0 : v;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: ring_stream consume [--start FILE] [--blocked] [--batch N] NAME BYTES\n"
		"       ring_stream produce [--record SIZE] [--batch N] NAME BYTES\n");
	return 2;
}

static void report(const char *way, const struct rs_stats *st)
{
	double mib = (double)st->bytes / (double)MB;

	tap_diag("%s: %.1f MiB in %.3f s: %.1f MB/s", way, mib, st->secs,
		 st->secs > 0 ? (double)st->bytes / st->secs / 1e6 : 0.0);
	tap_diag("%llu records; %llu waits (%llu found nothing), %llu doorbell rings",
		 (unsigned long long)st->records, (unsigned long long)st->waits,
		 (unsigned long long)st->empty, (unsigned long long)st->rings);
}

/* Wakes and sleeps are few: far fewer system calls than records. */
static void check_calls(const struct rs_stats *st)
{
	tap_ok(st->waits <= st->records + 1 && st->empty <= st->waits / 2 + 1,
	       "no spinning: %llu waits for %llu records, %llu of them empty",
	       (unsigned long long)st->waits, (unsigned long long)st->records,
	       (unsigned long long)st->empty);
	tap_ok((st->waits + st->rings) * 8 <= st->records,
	       "a busy stream needs far fewer system calls than records (%llu for %llu)",
	       (unsigned long long)(st->waits + st->rings),
	       (unsigned long long)st->records);
}

/* Ring the kernel side's doorbell: it sleeps and must be woken. */
static void ring_bell(struct mbuff_area *a, struct rs_stats *st)
{
	st->rings++;
	if (mbuff_area_ring(a, 1) < 0)
		tap_diag("mbuff_area_ring: %s", mbuff_last_error());
}

static int wait_area(struct mbuff_area *a, struct rs_stats *st)
{
	int r;

	st->waits++;
	r = mbuff_area_wait(a, RS_WAIT_MS);
	if (r == -ETIMEDOUT) {
		st->timeout = 1;
		tap_diag("no wake-up within %d ms", RS_WAIT_MS);
	} else if (r < 0) {
		tap_diag("mbuff_area_wait: %s", mbuff_last_error());
	}
	return r;
}

/* The state letter of /proc/PID/stat, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static int write_start(const char *file)
{
	int fd = open(file, O_WRONLY);
	int ok = fd >= 0 && write(fd, "1", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/*
 * --blocked: a child waits until the parent sleeps with its waiting flag
 * set, leaves it asleep for RS_BLOCK_MS more, then starts the producer.
 */
static pid_t start_when_blocked(struct mbuff_ring *ring, const char *file)
{
	pid_t parent = getpid(), pid = fork();
	int i;

	if (pid)
		return pid;
	for (i = 0; i < RS_WAIT_MS; i++) {
		if (__atomic_load_n(&ring->ctl->cons_waiting, __ATOMIC_ACQUIRE) &&
		    proc_state(parent) == 'S')
			break;
		usleep(1000);
	}
	usleep(RS_BLOCK_MS * 1000);
	_exit(i < RS_WAIT_MS && !write_start(file) ? 0 : 1);
}

static int open_ring(const char *name, struct mbuff_area **a,
		     struct mbuff_ring *ring, unsigned int flags)
{
	int r = mbuff_area_open(name, 0, NULL, a);

	if (!r) {
		r = mbuff_area_ring_attach(*a, ring, flags);
		if (r)
			mbuff_area_close(*a);
	}
	tap_ok(r == 0, "attach to the ring in '%s'%s (%s)", name,
	       flags & MBUFF_RING_VIEW_DOUBLED ? " with a doubled view" : "",
	       r ? mbuff_last_error() : "ok");
	if (!r)
		tap_diag("area %zu bytes, ring data %u bytes",
			 mbuff_area_size(*a), ring->mask + 1);
	return r;
}

/* One record seen in place: check it, count it, consume it. */
static void take(struct mbuff_ring *ring, const void *p, uint32_t len,
		 uint64_t *seq, struct rs_stats *st)
{
	const struct mbuff_ring_record *r = p;
	int what = mbuff_ring_record_check(p, len, *seq);

	if (what == MBUFF_RING_RECORD_SEQ) {
		if (!st->gaps)
			tap_diag("record %llu arrived as %llu",
				 (unsigned long long)*seq,
				 (unsigned long long)r->seq);
		st->gaps++;
		*seq = r->seq;
	} else if (what) {
		if (!st->bad)
			tap_diag("record %llu (%u bytes) failed its check: %d",
				 (unsigned long long)*seq, len, what);
		st->bad++;
	}
	(*seq)++;
	st->records++;
	st->bytes += len;
	mbuff_ring_consume(ring);
}

static int consume(const struct rs_opts *o, const char *name,
		   unsigned long want)
{
	double t0 = 0, wall = 0, cpu = 0, w0, c0;
	struct rs_stats st = { 0 };
	struct mbuff_ring ring;
	struct mbuff_area *a;
	unsigned long batch;
	pid_t child = 0;
	uint64_t seq = 0;
	const void *p;
	uint32_t len;
	int status = -1;

	tap_plan(o->blocked ? 8 : 6);
	if (open_ring(name, &a, &ring, MBUFF_RING_VIEW_DOUBLED))
		tap_exit();
	batch = o->batch ? o->batch : (ring.mask + 1) / 4;
	if (o->blocked)
		child = start_when_blocked(&ring, o->start);
	else if (o->start && write_start(o->start))
		tap_diag("cannot write 1 to %s: %s", o->start, strerror(errno));

	while (st.bytes < want) {
		p = mbuff_ring_peek(&ring, &len);
		if (p) {
			if (!st.records)
				t0 = now(CLOCK_MONOTONIC);
			take(&ring, p, len, &seq, &st);
			if (mbuff_ring_used_bytes(&ring) + batch <= ring.mask + 1 &&
			    mbuff_ring_wake_producer(&ring))
				ring_bell(a, &st);
			continue;
		}
		if (len == MBUFF_RING_CORRUPT) {
			st.corrupt = 1;
			break;
		}
		/* Empty: wake a producer waiting for room before blocking. */
		if (mbuff_ring_wake_producer(&ring))
			ring_bell(a, &st);
		if (!mbuff_ring_consumer_sleep(&ring))
			continue;
		w0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		if (wait_area(a, &st) < 0)
			break;
		if (st.waits == 1) {
			wall = now(CLOCK_MONOTONIC) - w0;
			cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
		if (!mbuff_ring_used_bytes(&ring))
			st.empty++;
	}
	st.secs = st.records ? now(CLOCK_MONOTONIC) - t0 : 0;

	if (o->blocked) {
		if (child < 0 || waitpid(child, &status, 0) < 0)
			status = -1;
		tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		       st.records && wall * 1000 >= RS_BLOCK_MS * 0.9,
		       "blocked in mbuff_area_wait() before the producer started, woken by it (slept %.0f ms)",
		       wall * 1000);
		tap_ok(cpu < wall / 10,
		       "asleep, not spinning: %.1f ms of CPU time in %.0f ms",
		       cpu * 1000, wall * 1000);
	}
	tap_ok(!st.timeout && !st.corrupt && st.bytes >= want,
	       "received %llu of %lu bytes (%llu records)%s",
	       (unsigned long long)st.bytes, want, (unsigned long long)st.records,
	       st.timeout ? ": a wake-up was lost" :
	       st.corrupt ? ": the ring is corrupt" : "");
	tap_ok(st.records && !st.gaps, "every record in sequence, none lost (%llu gaps)",
	       (unsigned long long)st.gaps);
	tap_ok(st.records && !st.bad, "every checksum matches (%llu bad)",
	       (unsigned long long)st.bad);
	check_calls(&st);
	report("kernel->user", &st);
	mbuff_area_close(a);
	tap_exit();
	return 0;
}

static int produce(const struct rs_opts *o, const char *name,
		   unsigned long want)
{
	unsigned long rec = o->record ? o->record : 4096, batch, n, seq;
	struct rs_stats st = { 0 };
	struct mbuff_ring ring;
	struct mbuff_area *a;
	uint32_t need;
	double t0;
	void *buf;
	int r = 0;

	tap_plan(5);
	if (open_ring(name, &a, &ring, MBUFF_RING_VIEW_DOUBLED))
		tap_exit();
	batch = o->batch ? o->batch : (ring.mask + 1) / 4;
	need = mbuff_ring_footprint((uint32_t)rec);
	buf = aligned_alloc(8, (rec + 7) & ~7UL);
	if (!buf || rec < MBUFF_RING_RECORD_MIN || need > ring.mask + 1) {
		tap_diag("bad record size %lu", rec);
		tap_exit();
	}
	n = want / rec;
	t0 = now(CLOCK_MONOTONIC);
	for (seq = 0; seq < n && !r; seq++) {
		mbuff_ring_record_fill(buf, (uint32_t)rec, seq);
		while ((r = mbuff_ring_write(&ring, buf, (uint32_t)rec)) == -EAGAIN) {
			/* Full: wake a consumer waiting for data before blocking. */
			if (mbuff_ring_wake_consumer(&ring))
				ring_bell(a, &st);
			if (!mbuff_ring_producer_sleep(&ring, need))
				continue;
			if (wait_area(a, &st) < 0)
				break;
			if (mbuff_ring_free_bytes(&ring) < need)
				st.empty++;
		}
		if (r)
			break;
		st.records++;
		st.bytes += rec;
		if (ring.mask + 1 - mbuff_ring_free_bytes(&ring) >= batch &&
		    mbuff_ring_wake_consumer(&ring))
			ring_bell(a, &st);
	}
	tap_ok(!r && st.records == n,
	       "wrote %lu records of %lu bytes (%lu bytes)%s", n, rec, n * rec,
	       st.timeout ? ": a wake-up was lost" : r ? ": the ring refused one" : "");

	/* Wait, asleep, until the kernel has consumed everything. */
	if (mbuff_ring_wake_consumer(&ring))
		ring_bell(a, &st);
	while (!st.timeout && mbuff_ring_free_bytes(&ring) < ring.mask + 1) {
		if (mbuff_ring_producer_sleep(&ring, ring.mask + 1) &&
		    wait_area(a, &st) < 0)
			break;
	}
	st.secs = now(CLOCK_MONOTONIC) - t0;
	tap_ok(!st.timeout && mbuff_ring_free_bytes(&ring) == ring.mask + 1,
	       "the kernel consumer drained the ring");
	check_calls(&st);
	report("user->kernel", &st);
	free(buf);
	mbuff_area_close(a);
	tap_exit();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "blocked", no_argument, NULL, 'b' },
		{ "batch", required_argument, NULL, 'B' },
		{ "record", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_opts o = { 0 };
	unsigned long bytes;
	const char *mode;
	int c;

	if (argc < 2)
		return usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.start = optarg;
			break;
		case 'b':
			o.blocked = 1;
			break;
		case 'B':
			o.batch = parse_size(optarg);
			if (!o.batch)
				return usage();
			break;
		case 'r':
			o.record = parse_size(optarg);
			if (!o.record)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2 || !(bytes = parse_size(argv[optind + 1])))
		return usage();
	if (!strcmp(mode, "consume") && !o.record && (!o.blocked || o.start))
		return consume(&o, argv[optind], bytes);
	if (!strcmp(mode, "produce") && !o.start && !o.blocked)
		return produce(&o, argv[optind], bytes);
	return usage();
}
