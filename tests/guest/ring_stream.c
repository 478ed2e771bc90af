// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user side of a ring stream with a kernel module at the other end
 * (tests/kmod/mbuff_ring_producer.c, mbuff_ring_consumer.c): every record
 * checked or written with tests/kmod/mbuff_ring_record.h, sleeping and
 * waking with the ring's waiting flags, the area's notifications and its
 * doorbell, never by polling.  The module creates the area and formats
 * the ring; this program attaches.
 *
 *   consume [--start FILE] [--blocked] [--batch N] [--doubled] [--timeout SEC]
 *	    NAME BYTES
 *	kernel->user: read BYTES bytes of records in place, check each
 *	one's sequence number and checksum where it lies, and free them a
 *	batch at a time (one mbuff_ring_consume()).  --start: write 1 to
 *	FILE (the producer's start parameter) once attached; with
 *	--blocked, only once this process sleeps in mbuff_area_wait(), and
 *	check that it slept there without spinning until woken.
 *   produce [--record SIZE] [--batch N] [--inplace] [--doubled] [--timeout SEC]
 *	    NAME BYTES
 *	user->kernel: write BYTES bytes of SIZE-byte records (default 4096),
 *	each copied in with mbuff_ring_write(), or with --inplace reserved
 *	and filled where it lies and published a batch at a time (one
 *	mbuff_ring_commit()); then sleep until the kernel consumer has
 *	drained the ring.
 *
 * --batch N: publish (produce --inplace) or free (consume) at most about
 * N bytes of records at a time, and wake the other side once N bytes wait
 * (consume: are free), or before blocking; default a quarter of the ring,
 * 1 after every record.  --doubled: attach through a doubled view
 * (MBUFF_RING_VIEW_DOUBLED); records never wrap, so nothing needs it, but
 * the view must work.  --timeout SEC: give up after SEC seconds without
 * progress (default 120), so that a stream that stalls, asleep or
 * spinning, fails instead of hanging.  BYTES and SIZE take K, M, G
 * suffixes.  Prints TAP and the throughput.
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
/* --timeout's default, in seconds. */
#define RS_TIMEOUT	120

struct rs_opts {
	const char *start;
	int blocked;
	int inplace;
	int doubled;
	unsigned long batch;
	unsigned long record;
	unsigned long timeout;
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
	uint64_t batches;	/* mbuff_ring_commit() or _consume() calls */
	double secs;		/* first record to last */
	double longest;		/* the longest wait, in seconds */
	double limit;		/* --timeout */
	double deadline;	/* stalled if no progress by then (monotonic) */
	uint64_t progress;	/* what progress was when it was set */
	int timeout;		/* a wait ran out */
	int late;		/* --timeout ran out */
	int corrupt;		/* the ring was */
};

static int usage(void)
{
	fprintf(stderr,
		"usage: ring_stream consume [--start FILE] [--blocked] [--batch N] [--doubled]\n"
		"                           [--timeout SEC] NAME BYTES\n"
		"       ring_stream produce [--record SIZE] [--batch N] [--inplace] [--doubled]\n"
		"                           [--timeout SEC] NAME BYTES\n");
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
	tap_diag("%llu batches published or freed; the longest wait %.1f ms",
		 (unsigned long long)st->batches, st->longest * 1000);
}

/*
 * Wakes and sleeps are few.  A side sleeps about once per batch at most
 * and wakes the other as often, plus a wake-up now and then that finds
 * nothing: three system calls per batch at most, a batch being @batch
 * bytes (the ring's data when that is less) or a single record when that
 * is more.  For batches of 24 records or more that is one call per 8
 * records; a ring that holds one or two records needs a few per record.
 */
static void check_calls(const struct rs_stats *st, unsigned long batch,
			uint32_t data)
{
	uint64_t calls = st->waits + st->rings, per = 1, limit;
	uint32_t fp;

	if (st->records) {
		fp = mbuff_ring_footprint((uint32_t)(st->bytes / st->records));
		per = (batch < data ? batch : data) / fp;
	}
	per = per < 1 ? 1 : per > 24 ? 24 : per;
	limit = 3 * st->records / per + 4;
	tap_ok(st->waits <= st->records + 1 && st->empty <= st->waits / 2 + 1,
	       "no spinning: %llu waits for %llu records, %llu of them empty",
	       (unsigned long long)st->waits, (unsigned long long)st->records,
	       (unsigned long long)st->empty);
	tap_ok(st->records && calls <= limit,
	       "a busy stream needs few system calls: %llu for %llu records, at most %llu (%llu records a batch)",
	       (unsigned long long)calls, (unsigned long long)st->records,
	       (unsigned long long)limit, (unsigned long long)per);
}

/*
 * --timeout: a stream that makes no progress (records, or room freed while
 * draining) for that long has stalled, asleep or spinning; say so once.
 * Called wherever a side finds nothing to do.
 */
static int late(struct rs_stats *st, uint64_t progress)
{
	double t = clock_s(CLOCK_MONOTONIC);

	if (progress != st->progress) {
		st->progress = progress;
		st->deadline = t + st->limit;
	}
	if (!st->late && t > st->deadline) {
		st->late = 1;
		tap_diag("no progress for %.0f s: the stream stalled", st->limit);
	}
	return st->late;
}

static void start_clock(struct rs_stats *st, unsigned long timeout)
{
	st->limit = (double)timeout;
	st->deadline = clock_s(CLOCK_MONOTONIC) + st->limit;
}

/* Ring the kernel side's doorbell: it sleeps and must be woken. */
static void ring_bell(struct mbuff_area *a, struct rs_stats *st)
{
	st->rings++;
	if (mbuff_area_ring(a, 1) < 0)
		tap_diag("mbuff_area_ring: %s", mbuff_last_error());
}

/* Sleep until notified: RS_WAIT_MS at most, and not past the deadline. */
static int wait_area(struct mbuff_area *a, struct rs_stats *st)
{
	double t = clock_s(CLOCK_MONOTONIC), left = st->deadline - t;
	int ms = RS_WAIT_MS, r;

	if (left * 1000 < ms)
		ms = left > 0 ? (int)(left * 1000) + 1 : 1;
	st->waits++;
	r = mbuff_area_wait(a, ms);
	t = clock_s(CLOCK_MONOTONIC) - t;
	if (t > st->longest)
		st->longest = t;
	if (r == -ETIMEDOUT && !late(st, st->progress)) {
		st->timeout = 1;
		tap_diag("no wake-up within %d ms", ms);
	} else if (r < 0 && r != -ETIMEDOUT) {
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
	_exit(i < RS_WAIT_MS && !write_str(file, "1") ? 0 : 1);
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

/* One record seen in place: check it where it lies, count it. */
static void take(const void *p, uint32_t len, uint64_t *seq,
		 struct rs_stats *st)
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
}

/* Free the records peeked; wake the producer if it sleeps for room. */
static void consume_batch(struct mbuff_area *a, struct mbuff_ring *ring,
			  struct rs_stats *st)
{
	if (ring->pending) {
		mbuff_ring_consume(ring);
		st->batches++;
	}
	if (mbuff_ring_wake_producer(ring))
		ring_bell(a, st);
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
	start_clock(&st, o->timeout);
	if (open_ring(name, &a, &ring, o->doubled ? MBUFF_RING_VIEW_DOUBLED : 0))
		tap_exit();
	batch = o->batch ? o->batch : (ring.mask + 1) / 4;
	if (o->blocked)
		child = start_when_blocked(&ring, o->start);
	else if (o->start && write_str(o->start, "1"))
		tap_diag("cannot write 1 to %s: %s", o->start, strerror(errno));

	while (st.bytes < want) {
		p = mbuff_ring_peek(&ring, &len);
		if (p) {
			if (!st.records)
				t0 = clock_s(CLOCK_MONOTONIC);
			take(p, len, &seq, &st);
			/*
			 * Free the batch before another record like this one
			 * would take it past @batch bytes; wake the producer
			 * once a batch is free.
			 */
			if (ring.pending + mbuff_ring_footprint(len) > batch) {
				mbuff_ring_consume(&ring);
				st.batches++;
				if (mbuff_ring_used_bytes(&ring) + batch <= ring.mask + 1 &&
				    mbuff_ring_wake_producer(&ring))
					ring_bell(a, &st);
			}
			continue;
		}
		/*
		 * NULL with a length is a corrupt ring, never an empty one:
		 * waiting for data on a record that cannot be taken spins.
		 */
		if (len) {
			st.corrupt = 1;
			break;
		}
		/* Empty: free the batch, wake the producer, before blocking. */
		consume_batch(a, &ring, &st);
		if (late(&st, st.records))
			break;
		if (!mbuff_ring_consumer_sleep(&ring))
			continue;
		w0 = clock_s(CLOCK_MONOTONIC);
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (wait_area(a, &st) < 0)
			break;
		if (st.waits == 1) {
			wall = clock_s(CLOCK_MONOTONIC) - w0;
			cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
		if (!mbuff_ring_used_bytes(&ring))
			st.empty++;
	}
	st.secs = st.records ? clock_s(CLOCK_MONOTONIC) - t0 : 0;
	/* The last batch. */
	consume_batch(a, &ring, &st);

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
	tap_ok(!st.timeout && !st.late && !st.corrupt && st.bytes >= want,
	       "received %llu of %lu bytes (%llu records)%s",
	       (unsigned long long)st.bytes, want, (unsigned long long)st.records,
	       st.timeout ? ": a wake-up was lost" :
	       st.late ? ": the stream stalled" :
	       st.corrupt ? ": the ring is corrupt" : "");
	tap_ok(st.records && !st.gaps, "every record in sequence, none lost (%llu gaps)",
	       (unsigned long long)st.gaps);
	tap_ok(st.records && !st.bad, "every checksum matches (%llu bad)",
	       (unsigned long long)st.bad);
	check_calls(&st, batch, ring.mask + 1);
	report("kernel->user", &st);
	mbuff_area_close(a);
	tap_exit();
	return 0;
}

/*
 * No room for the next record (@need bytes, a footprint): publish what is
 * reserved (records, and a pad the failed reservation may have taken:
 * the consumer must see them to make room), wake the consumer, and sleep
 * until there is room.  Returns 0 to try again, -1 to give up.
 */
static int wait_room(struct mbuff_area *a, struct mbuff_ring *ring,
		     uint32_t need, struct rs_stats *st)
{
	if (ring->pending) {
		mbuff_ring_commit(ring);
		st->batches++;
	}
	if (mbuff_ring_wake_consumer(ring))
		ring_bell(a, st);
	if (late(st, st->records))
		return -1;
	if (!mbuff_ring_producer_sleep(ring, need))
		return 0;
	if (wait_area(a, st) < 0)
		return -1;
	if (mbuff_ring_free_bytes(ring) < mbuff_ring_want(ring, need))
		st->empty++;
	return 0;
}

/* Record @seq: reserved and filled in place, or copied in from @buf. */
static int put(const struct rs_opts *o, struct mbuff_area *a,
	       struct mbuff_ring *ring, void *buf, uint32_t rec, uint64_t seq,
	       struct rs_stats *st)
{
	uint32_t need = mbuff_ring_footprint(rec);
	void *p;
	int r;

	if (!o->inplace)
		mbuff_ring_record_fill(buf, rec, seq);
	for (;;) {
		if (o->inplace)
			r = mbuff_ring_reserve(ring, rec, &p);
		else
			r = mbuff_ring_write(ring, buf, rec);
		if (r != -EAGAIN)
			break;
		if (wait_room(a, ring, need, st))
			return -EAGAIN;
	}
	if (!r && o->inplace)
		mbuff_ring_record_fill(p, rec, seq);
	return r;
}

static int produce(const struct rs_opts *o, const char *name,
		   unsigned long want)
{
	unsigned long rec = o->record ? o->record : 4096, batch, n, seq;
	struct rs_stats st = { 0 };
	struct mbuff_ring ring;
	struct mbuff_area *a;
	void *buf = NULL;
	double t0;
	int r = 0;

	tap_plan(5);
	start_clock(&st, o->timeout);
	if (open_ring(name, &a, &ring, o->doubled ? MBUFF_RING_VIEW_DOUBLED : 0))
		tap_exit();
	batch = o->batch ? o->batch : (ring.mask + 1) / 4;
	if (!o->inplace)
		buf = aligned_alloc(8, (rec + 7) & ~7UL);
	if ((!o->inplace && !buf) || rec < MBUFF_RING_RECORD_MIN ||
	    rec > ring.mask + 1 ||
	    mbuff_ring_footprint((uint32_t)rec) > ring.mask + 1) {
		tap_diag("bad record size %lu", rec);
		tap_exit();
	}
	n = want / rec;
	t0 = clock_s(CLOCK_MONOTONIC);
	for (seq = 0; seq < n && !r; seq++) {
		r = put(o, a, &ring, buf, (uint32_t)rec, seq, &st);
		if (r)
			break;
		st.records++;
		st.bytes += rec;
		/*
		 * In place, publish a batch once @batch bytes are reserved;
		 * then (copied: after every record) wake the consumer once a
		 * batch waits.
		 */
		if (o->inplace && ring.pending < batch)
			continue;
		if (ring.pending) {
			mbuff_ring_commit(&ring);
			st.batches++;
		}
		if (ring.mask + 1 - mbuff_ring_free_bytes(&ring) >= batch &&
		    mbuff_ring_wake_consumer(&ring))
			ring_bell(a, &st);
	}
	tap_ok(!r && st.records == n,
	       "wrote %lu records of %lu bytes (%lu bytes)%s%s", n, rec, n * rec,
	       o->inplace ? ", filled in place" : "",
	       st.timeout ? ": a wake-up was lost" : st.late ? ": the stream stalled" :
	       r ? ": the ring refused one" : "");

	/* Publish the rest; wait, asleep, until the kernel has consumed it all. */
	if (ring.pending) {
		mbuff_ring_commit(&ring);
		st.batches++;
	}
	if (mbuff_ring_wake_consumer(&ring))
		ring_bell(a, &st);
	while (!st.timeout &&
	       !late(&st, st.records + mbuff_ring_free_bytes(&ring)) &&
	       mbuff_ring_free_bytes(&ring) < ring.mask + 1) {
		if (mbuff_ring_producer_sleep(&ring, ring.mask + 1) &&
		    wait_area(a, &st) < 0)
			break;
	}
	st.secs = clock_s(CLOCK_MONOTONIC) - t0;
	tap_ok(!st.timeout && mbuff_ring_free_bytes(&ring) == ring.mask + 1,
	       "the kernel consumer drained the ring");
	check_calls(&st, batch, ring.mask + 1);
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
		{ "inplace", no_argument, NULL, 'i' },
		{ "doubled", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_opts o = { .timeout = RS_TIMEOUT };
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
		case 'i':
			o.inplace = 1;
			break;
		case 'd':
			o.doubled = 1;
			break;
		case 't':
			o.timeout = parse_size(optarg);
			if (!o.timeout)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2 || !(bytes = parse_size(argv[optind + 1])))
		return usage();
	if (!strcmp(mode, "consume") && !o.record && !o.inplace &&
	    (!o.blocked || o.start))
		return consume(&o, argv[optind], bytes);
	if (!strcmp(mode, "produce") && !o.start && !o.blocked)
		return produce(&o, argv[optind], bytes);
	return usage();
}
