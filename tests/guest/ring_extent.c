// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user side of a ring of extent records (tests/kmod/
 * mbuff_ring_extent.c): each record names a buffer of the area, past the
 * ring's data, that the kernel thread or QEMU's edu device wrote; this
 * program checks every buffer where it lies, no byte copied, with
 * tests/kmod/mbuff_ring_record.h (sequence number and a checksum over
 * every byte), and hands the buffers back by consuming their records, in
 * batches.  Each buffer of a batch is checked again just before the batch
 * is consumed: a buffer the producer reused too early shows up then if not
 * before.  It sleeps and wakes with the ring's waiting flags, the area's
 * notifications (mbuff_area_wait()) and its doorbell (mbuff_area_ring()),
 * never by polling.  The module creates the area and formats the ring;
 * this program attaches.
 *
 *   ring_extent [--start FILE] [--batch N] [--record SIZE] [--calls R]
 *		 [--hold MS] NAME RECORDS
 *
 * --start: write 1 to FILE (the module's start parameter) once attached.
 * --batch: records consumed at once (default 16; fewer when the ring runs
 * empty).  --record: the bytes every extent must hand over (default: those
 * of the first record).  --calls R: one more case, the consumer's system
 * calls (waits and doorbell rings) are at most a 1/R of the records.
 * --hold: keep each batch MS milliseconds before consuming it, a slow
 * consumer: the producer must wait for its buffers.
 * Prints TAP, the throughput, and "buffers N": how many distinct buffers
 * the records named.
 */
#include <getopt.h>
#include <stdint.h>
#include <time.h>

#include <mbuff.h>

#include "../kmod/mbuff_ring_record.h"
#include "mbuff_util.h"
#include "tap.h"

/* Longest the consumer may sleep while the producer runs: a lost wake-up. */
#define RE_WAIT_MS	10000
#define RE_BATCH	16

struct re_opts {
	const char *start;
	unsigned long batch;
	unsigned long record;
	unsigned long calls;
	unsigned long hold;
};

/* A record peeked and not yet consumed. */
struct re_held {
	const void *buf;
	uint32_t len;
	uint64_t seq;
};

struct re_stats {
	uint64_t records;
	uint64_t bytes;
	uint64_t gaps;		/* records out of sequence */
	uint64_t bad;		/* failed checks when peeked */
	uint64_t changed;	/* intact when peeked, not when consumed */
	uint64_t extents;	/* not an extent, or not of the right size */
	uint64_t consumes;	/* mbuff_ring_consume() of a batch */
	uint64_t waits;		/* mbuff_area_wait() calls */
	uint64_t empty;		/* wake-ups that found nothing */
	uint64_t rings;		/* mbuff_area_ring() calls */
	uint64_t buffers;	/* distinct buffers named */
	double secs;		/* first record to last */
	int timeout;
	int corrupt;
};

struct re_consumer {
	struct mbuff_area *a;
	struct mbuff_ring ring;
	struct re_held *held;
	unsigned long nheld;
	unsigned char *seen;	/* a bit per 8 bytes of the area */
	unsigned long hold;	/* ms */
	uint64_t seq;
	uint32_t record;
	struct re_stats st;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: ring_extent [--start FILE] [--batch N] [--record SIZE] [--calls R] [--hold MS] NAME RECORDS\n");
	return 2;
}

/* Ring the producer's doorbell if it sleeps for a buffer or for room. */
static void wake_producer(struct re_consumer *c)
{
	if (!mbuff_ring_wake_producer(&c->ring))
		return;
	c->st.rings++;
	if (mbuff_area_ring(c->a, 1) < 0)
		tap_diag("mbuff_area_ring: %s", mbuff_last_error());
}

/*
 * Check the records held once more, then give them back in one store and
 * wake the producer if it waits for them.
 */
static void release(struct re_consumer *c)
{
	unsigned long i;

	if (c->nheld && c->hold)
		usleep(c->hold * 1000);
	for (i = 0; i < c->nheld; i++) {
		const struct re_held *h = &c->held[i];

		if (mbuff_ring_record_check(h->buf, h->len, h->seq)) {
			if (!c->st.changed)
				tap_diag("record %llu changed before it was consumed",
					 (unsigned long long)h->seq);
			c->st.changed++;
		}
	}
	if (c->nheld)
		c->st.consumes++;
	c->nheld = 0;
	mbuff_ring_consume(&c->ring);
	wake_producer(c);
}

/* Note the buffer at @off; count it if no record named it before. */
static void mark(struct re_consumer *c, uint64_t off)
{
	uint64_t bit = off / 8;

	if (!(c->seen[bit / 8] & (1U << (bit % 8)))) {
		c->seen[bit / 8] |= (unsigned char)(1U << (bit % 8));
		c->st.buffers++;
	}
}

/* A record peeked: find its buffer, check it in place, hold it. */
static void take(struct re_consumer *c, const void *p, uint32_t len)
{
	struct re_stats *st = &c->st;
	const unsigned char *area = mbuff_area_addr(c->a);
	const struct mbuff_ring_record *r;
	__u64 n = 0;	/* not uint64_t: the header takes a __u64 * */
	const void *buf = mbuff_ring_extent(&c->ring, p, len, &n);
	int what;

	if (!c->record && buf)
		c->record = (uint32_t)n;
	if (!buf || n != c->record || ((uintptr_t)buf & 7)) {
		if (!st->extents)
			tap_diag("record %llu: %s (flags %#x, %llu bytes)",
				 (unsigned long long)c->seq,
				 buf ? "an extent of the wrong size or alignment" :
				 "not an extent inside the area past the ring",
				 c->ring.rec_flags, (unsigned long long)n);
		st->extents++;
		c->seq++;
		st->records++;
		return;
	}
	mark(c, (uint64_t)((const unsigned char *)buf - area));
	r = buf;
	what = mbuff_ring_record_check(buf, (uint32_t)n, c->seq);
	if (what == MBUFF_RING_RECORD_SEQ) {
		if (!st->gaps)
			tap_diag("record %llu arrived as %llu",
				 (unsigned long long)c->seq,
				 (unsigned long long)r->seq);
		st->gaps++;
		c->seq = r->seq;
	} else if (what) {
		if (!st->bad)
			tap_diag("record %llu (%llu bytes at offset %#llx) failed its check: %d",
				 (unsigned long long)c->seq,
				 (unsigned long long)n,
				 (unsigned long long)((const unsigned char *)buf - area),
				 what);
		st->bad++;
	} else {
		c->held[c->nheld++] = (struct re_held){ buf, (uint32_t)n, c->seq };
	}
	c->seq++;
	st->records++;
	st->bytes += n;
}

static int wait_area(struct re_consumer *c)
{
	int r;

	c->st.waits++;
	r = mbuff_area_wait(c->a, RE_WAIT_MS);
	if (r == -ETIMEDOUT) {
		c->st.timeout = 1;
		tap_diag("no wake-up within %d ms", RE_WAIT_MS);
	} else if (r < 0) {
		tap_diag("mbuff_area_wait: %s", mbuff_last_error());
	}
	return r;
}

static void report(const struct re_consumer *c)
{
	const struct re_stats *st = &c->st;

	tap_diag("%.2f MiB in %llu records in %.3f s: %.3f MB/s, %.1f records/s",
		 (double)st->bytes / (double)MB, (unsigned long long)st->records,
		 st->secs, st->secs > 0 ? (double)st->bytes / st->secs / 1e6 : 0.0,
		 st->secs > 0 ? (double)st->records / st->secs : 0.0);
	tap_diag("%llu consumes, %llu waits (%llu found nothing), %llu doorbell rings",
		 (unsigned long long)st->consumes, (unsigned long long)st->waits,
		 (unsigned long long)st->empty, (unsigned long long)st->rings);
	tap_diag("buffers %llu", (unsigned long long)st->buffers);
}

static int consume(const struct re_opts *o, const char *name,
		   unsigned long want)
{
	struct re_consumer c = { 0 };
	struct re_stats *st = &c.st;
	unsigned long batch = o->batch ? o->batch : RE_BATCH;
	double t0 = 0;
	const void *p;
	uint32_t len;
	int r;

	tap_plan(7 + !!o->calls);
	r = mbuff_area_open(name, 0, NULL, &c.a);
	if (!r) {
		r = mbuff_area_ring_attach(c.a, &c.ring, 0);
		if (r)
			mbuff_area_close(c.a);
	}
	tap_ok(r == 0, "attach to the ring in '%s' (%s)", name,
	       r ? mbuff_last_error() : "ok");
	if (r)
		tap_exit();
	tap_diag("area %zu bytes, ring data %u bytes, buffers from offset %u",
		 mbuff_area_size(c.a), c.ring.mask + 1,
		 MBUFF_RING_CTL_SIZE + c.ring.mask + 1);
	c.held = calloc(batch, sizeof(*c.held));
	c.seen = calloc(mbuff_area_size(c.a) / 64 + 1, 1);
	if (!c.held || !c.seen) {
		tap_diag("out of memory");
		tap_exit();
	}
	c.record = (uint32_t)o->record;
	c.hold = o->hold;
	if (o->start && write_str(o->start, "1"))
		tap_diag("cannot write 1 to %s: %s", o->start, strerror(errno));

	while (st->records < want) {
		p = mbuff_ring_peek(&c.ring, &len);
		if (p) {
			if (!st->records)
				t0 = clock_s(CLOCK_MONOTONIC);
			take(&c, p, len);
			if (c.nheld == batch)
				release(&c);
			continue;
		}
		if (len == MBUFF_RING_CORRUPT) {
			st->corrupt = 1;
			break;
		}
		/* Empty: give back what is held, wake the producer, then sleep. */
		release(&c);
		if (!mbuff_ring_consumer_sleep(&c.ring))
			continue;
		if (wait_area(&c) < 0)
			break;
		if (!mbuff_ring_used_bytes(&c.ring))
			st->empty++;
	}
	release(&c);
	st->secs = st->records ? clock_s(CLOCK_MONOTONIC) - t0 : 0;

	tap_ok(!st->timeout && !st->corrupt && st->records == want,
	       "received %llu of %lu records (%llu bytes)%s",
	       (unsigned long long)st->records, want,
	       (unsigned long long)st->bytes,
	       st->timeout ? ": a wake-up was lost" :
	       st->corrupt ? ": the ring is corrupt" : "");
	tap_ok(st->records && !st->extents,
	       "every record an extent of %u bytes past the ring, inside the area (%llu not)",
	       c.record, (unsigned long long)st->extents);
	tap_ok(st->records && !st->gaps,
	       "every record in sequence, none lost (%llu gaps)",
	       (unsigned long long)st->gaps);
	tap_ok(st->records && !st->bad,
	       "every buffer checked in place: sequence and checksum over every byte (%llu bad)",
	       (unsigned long long)st->bad);
	tap_ok(st->records && !st->changed,
	       "no buffer changed until its record was consumed (%llu did)",
	       (unsigned long long)st->changed);
	tap_ok(st->waits <= st->records + 1 && st->empty <= st->waits / 2 + 1,
	       "no spinning: %llu waits for %llu records, %llu of them empty",
	       (unsigned long long)st->waits, (unsigned long long)st->records,
	       (unsigned long long)st->empty);
	if (o->calls)
		tap_ok((st->waits + st->rings) * o->calls <= st->records,
		       "at most one system call per %lu records (%llu for %llu)",
		       o->calls, (unsigned long long)(st->waits + st->rings),
		       (unsigned long long)st->records);
	report(&c);
	free(c.held);
	free(c.seen);
	mbuff_area_close(c.a);
	tap_exit();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "record", required_argument, NULL, 'r' },
		{ "calls", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct re_opts o = { 0 };
	unsigned long records;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.start = optarg;
			break;
		case 'b':
			o.batch = parse_size(optarg);
			if (!o.batch)
				return usage();
			break;
		case 'r':
			o.record = parse_size(optarg);
			if (!o.record || o.record > UINT32_MAX)
				return usage();
			break;
		case 'c':
			o.calls = parse_size(optarg);
			if (!o.calls)
				return usage();
			break;
		case 'h':
			o.hold = parse_size(optarg);
			if (!o.hold)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2 || !(records = parse_size(argv[optind + 1])))
		return usage();
	return consume(&o, argv[optind], records);
}
