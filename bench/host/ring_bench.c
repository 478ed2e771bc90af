// SPDX-License-Identifier: GPL-2.0-only
/*
 * Records from one process to another (fork), on the host:
 *
 *   mbuff ring  the ring of a process-only area (shared memory under
 *               /dev/shm), copying (mbuff_ring_write(), mbuff_ring_read())
 *               or in place (reserve a batch, fill, one commit; peek a
 *               batch, use, one consume);
 *   ck_ring     Concurrency Kit's SPSC ring of slot indices plus a slab of
 *               record slots, both in anonymous shared memory mapped
 *               before fork(), in place (fill the slot, enqueue; dequeue,
 *               use the slot) or copying (into the slot, out of it);
 *   pipe        write() and read() of whole records (1 MiB of buffer),
 *
 * at 16 B, 256 B and 4 KiB, each side busy polling (pause, no system
 * call) or sleeping (waiting flags and futex wake-ups; the pipe blocks).
 * Both rings have 1 MiB of record memory.  Every transport does the same
 * work per record: the producer writes every byte (a pattern from the
 * sequence number), the consumer reads every byte (a sum that must match
 * the pattern) and checks the sequence number.
 *
 * Output: a throughput table (medians of RUNS runs with min and max), the
 * `ratio: host ...` lines `make bench` gathers (mbuff's median over the
 * anchor's), a latency table (half a round trip).  -o FILE writes the
 * throughput as tab-separated lines: section (host), transport, variant,
 * size_bytes, median_MBps, min_MBps, max_MBps.  Timings depend on the
 * machine and on what else runs on it: `make bench` runs this, `make
 * test` does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ck_ring.h>
#include <mbuff.h>

/* Record memory of either ring: 255 records of 4 KiB, 43690 of 16 B. */
#define DATA_BYTES	(1U << 20)
#define AREA_BYTES	(MBUFF_RING_CTL_SIZE + DATA_BYTES)
#define MAX_RECORD	4096
/* A side that sees no progress for this long gives up (a hung peer). */
#define WAIT_MS		10000
/*
 * Batches.  Records per commit (consume): each publication is a store to
 * a cache line the other side reads, so publishing every record moves
 * that line between the CPUs once a record; every 32 records, a
 * thirty-second as often.  32 records of 4 KiB are an eighth of the ring,
 * well under the quarter that keeps the other side busy while this side
 * fills the next batch; smaller rings get a quarter of their records.
 *
 * A polling side that has to wait goes on once a batch is there (records,
 * or room for them), in either ring: going on at the first record has the
 * consumer read the cache line the producer is writing the next record
 * into, and lines then cross between the CPUs several times each (at
 * 16 B, waiting for a batch made copying through the mbuff ring twice as
 * fast, through ck_ring 1.4 times).
 *
 * A sleeping side looks whether the other sleeps once a quarter of the
 * ring has gone through, and before it sleeps itself: woken for less, a
 * side runs a short while and sleeps again, a futex wake-up for a few
 * records (looking every batch cost both rings up to half their
 * throughput at 16 B).
 */
#define BATCH		32
#define LAT_WARMUP	1000
/* The longest a throughput run and a latency run take. */
#define RUN_CAP_S	0.8
#define LAT_CAP_S	0.3

#define NSIZES		3
static const uint32_t sizes[NSIZES] = { 16, 256, 4096 };

enum transport { T_MBUFF, T_CK, T_PIPE };

static const char *const transport_names[] = {
	[T_MBUFF] = "mbuff ring",
	[T_CK] = "ck_ring",
	[T_PIPE] = "pipe",
};

struct bench_case {
	enum transport t;
	bool in_place;
	bool sleeping;
};

/* Run in this order, one run of each before the next run of any. */
static const struct bench_case cases[] = {
	{ T_MBUFF, true, true },
	{ T_MBUFF, false, true },
	{ T_CK, true, true },
	{ T_CK, false, true },
	{ T_PIPE, false, true },
	{ T_MBUFF, true, false },
	{ T_MBUFF, false, false },
	{ T_CK, true, false },
	{ T_CK, false, false },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* Latency: the in-place rings and the pipe. */
static const struct bench_case lat_cases[] = {
	{ T_MBUFF, true, true },
	{ T_CK, true, true },
	{ T_PIPE, false, true },
	{ T_MBUFF, true, false },
	{ T_CK, true, false },
};
#define NLAT	(sizeof(lat_cases) / sizeof(lat_cases[0]))

/*
 * The ck_ring side of the shared memory: ck's ring as ck lays it out,
 * then the same waiting discipline as the mbuff ring's (a flag per side,
 * a futex word counting notifications), each on a line of its own.
 */
struct ck_shm {
	struct ck_ring ring;
	uint32_t events __attribute__((aligned(MBUFF_RING_LINE)));
	uint32_t prod_waiting __attribute__((aligned(MBUFF_RING_LINE)));
	uint32_t cons_waiting __attribute__((aligned(MBUFF_RING_LINE)));
} __attribute__((aligned(MBUFF_RING_LINE)));

#define CK_HDR_BYTES	4096
_Static_assert(sizeof(struct ck_shm) <= CK_HDR_BYTES, "ck_shm outgrows its page");

/**
 * struct chan - one direction between the two processes
 * @t: what carries the records
 * @sleeping: sides sleep (futex) rather than spin when they must wait
 * @size: the record's bytes
 * @batch: records per commit and consume (mbuff) and between wake checks
 * @wake: records between checks whether the other side sleeps
 * @name: the area's name (mbuff)
 * @area: the area (mbuff)
 * @ring: this process's view of its ring (mbuff)
 * @ck: the shared ck_ring header (ck)
 * @ck_len: the length of its mapping (ck)
 * @ck_buf: the ring of slot indices (ck)
 * @slab: the record slots (ck)
 * @slots: their number, the ring's size (ck)
 * @seen: the notification count this process last saw (ck)
 * @fd: read end, write end (pipe)
 */
struct chan {
	enum transport t;
	bool sleeping;
	uint32_t size;
	uint32_t batch;
	uint32_t wake;
	char name[MBUFF_NAME_SIZE];
	struct mbuff_area *area;
	struct mbuff_ring ring;
	struct ck_shm *ck;
	size_t ck_len;
	struct ck_ring_buffer *ck_buf;
	unsigned char *slab;
	uint32_t slots;
	uint32_t seen;
	int fd[2];
};

/* -b and -w. */
static uint32_t opt_batch = BATCH;
static uint32_t opt_wake;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* Busy polling; gives up after WAIT_MS without progress. */
struct spin {
	unsigned long n;
	double since;
};

static int spin_once(struct spin *s)
{
	cpu_relax();
	if (++s->n & 0xffff)
		return 0;
	if (!s->since)
		s->since = now_s();
	return now_s() - s->since > WAIT_MS / 1000.0 ? -ETIMEDOUT : 0;
}

/*
 * The consumer's clock: from the first record checked to the last.  A run
 * stops after RUN_CAP_S even when records are left (the producer is then
 * killed), so that a machine busy with other work, where a polling side
 * can spin away whole time slices of the CPU its peer needs, still gets
 * through every case in bounded time.  The clock is read once every 4096
 * records, in every transport alike.
 */
struct timing {
	double t0;
	double deadline;
	uint64_t done;
};

static inline bool timed(struct timing *tm, uint64_t seq)
{
	if (seq & 4095)
		return false;
	if (!seq) {
		tm->t0 = now_s();
		tm->deadline = tm->t0 + RUN_CAP_S;
		return false;
	}
	return now_s() > tm->deadline;
}

/* Records checked when the loop over @count ended at @seq. */
static inline uint64_t timed_done(uint64_t seq, uint64_t count)
{
	return seq < count ? seq + 1 : count;
}

/*
 * The work per record.  A record is 64-bit words: the sequence number,
 * then the sequence number plus multiples of an odd constant, so that the
 * sum of all words is known from the sequence number alone and a stale,
 * torn or misplaced record fails the check.
 */
#define PATTERN_STEP	0x9e3779b97f4a7c15ULL

/*
 * Two words a vector (SSE2 on x86-64, NEON on arm64), four vectors a
 * step with no dependency between them, as memcpy() and memset() go: word
 * by word, or with one chain of additions, filling and summing a 4 KiB
 * record took two to three times as long, longer than the rest of its
 * way through any transport, and the ratios would measure this loop.
 * 8-byte alignment only: mbuff payloads follow an 8-byte header.
 */
typedef uint64_t u64x2 __attribute__((vector_size(16), aligned(8)));

static inline void fill(void *p, uint32_t len, uint64_t seq)
{
	const u64x2 step2 = { 2 * PATTERN_STEP, 2 * PATTERN_STEP };
	const u64x2 step8 = { 8 * PATTERN_STEP, 8 * PATTERN_STEP };
	u64x2 *w = p, a = { seq, seq + PATTERN_STEP };
	u64x2 b = a + step2, c = b + step2, d = c + step2;
	uint32_t i = 0, n = len / 16;

	for (; i + 4 <= n; i += 4) {
		w[i] = a;
		w[i + 1] = b;
		w[i + 2] = c;
		w[i + 3] = d;
		a += step8;
		b += step8;
		c += step8;
		d += step8;
	}
	for (; i < n; i++) {
		w[i] = a;
		a += step2;
	}
}

static inline bool check(const void *p, uint32_t len, uint64_t seq)
{
	const u64x2 *w = p;
	u64x2 a = { 0, 0 }, b = a, c = a, d = a;
	uint32_t i = 0, n = len / 16;
	uint64_t words = len / 8;

	for (; i + 4 <= n; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	for (; i < n; i++)
		a += w[i];
	a += b + c + d;
	return w[0][0] == seq && a[0] + a[1] == words * seq +
	       PATTERN_STEP * (words * (words - 1) / 2);
}

static long futex(uint32_t *word, int op, uint32_t val,
		  const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* ---- the mbuff ring ---- */

/* What a polling consumer waits for: a batch, or the records left. */
static inline uint32_t min_want(const struct chan *c, uint64_t left)
{
	return left < c->batch ? (uint32_t)left : c->batch;
}

static int mb_wake_consumer(struct chan *c)
{
	return mbuff_ring_wake_consumer(&c->ring) ? mbuff_area_notify(c->area) : 0;
}

static int mb_wake_producer(struct chan *c)
{
	return mbuff_ring_wake_producer(&c->ring) ? mbuff_area_notify(c->area) : 0;
}

static int mb_sleep(struct chan *c)
{
	int ret = mbuff_area_wait(c->area, WAIT_MS);

	return ret < 0 ? ret : 0;
}

/*
 * No room: publish what is reserved (the consumer may be waiting for it,
 * and a failed reserve may have left a pad the consumer must skip before
 * there is room), wake the consumer if it sleeps, then wait.  A polling
 * producer waits for room for a batch (see BATCH).
 */
static int mb_producer_wait(struct chan *c, struct spin *s)
{
	uint32_t want = c->batch * mbuff_ring_footprint(c->size);
	int ret;

	mbuff_ring_commit(&c->ring);
	if (!c->sleeping) {
		do {
			ret = spin_once(s);
		} while (!ret && mbuff_ring_free_bytes(&c->ring) < want);
		return ret;
	}
	ret = mb_wake_consumer(c);
	if (ret)
		return ret;
	if (!mbuff_ring_producer_sleep(&c->ring, mbuff_ring_footprint(c->size)))
		return 0;
	return mb_sleep(c);
}

/*
 * Nothing to read: free what was peeked, wake the producer if it sleeps,
 * then wait.  A polling consumer waits for @want records.
 */
static int mb_consumer_wait(struct chan *c, struct spin *s, uint32_t want)
{
	int ret;

	mbuff_ring_consume(&c->ring);
	if (!c->sleeping) {
		want *= mbuff_ring_footprint(c->size);
		do {
			ret = spin_once(s);
		} while (!ret && mbuff_ring_used_bytes(&c->ring) < want);
		return ret;
	}
	ret = mb_wake_producer(c);
	if (ret)
		return ret;
	if (!mbuff_ring_consumer_sleep(&c->ring))
		return 0;
	return mb_sleep(c);
}

static int mb_produce(struct chan *c, bool in_place, uint64_t count)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	struct mbuff_ring *ring = &c->ring;
	uint32_t n = 0, since = 0, size = c->size;
	uint64_t seq;
	int ret;

	for (seq = 0; seq < count; seq++) {
		struct spin s = { 0 };
		void *p;

		if (in_place) {
			while ((ret = mbuff_ring_reserve(ring, size, &p))) {
				if (ret != -EAGAIN)
					return ret;
				/* The wait commits what this batch reserved. */
				n = 0;
				ret = mb_producer_wait(c, &s);
				if (ret)
					return ret;
			}
			fill(p, size, seq);
		} else {
			fill(buf, size, seq);
			while ((ret = mbuff_ring_write(ring, buf, size))) {
				if (ret != -EAGAIN)
					return ret;
				ret = mb_producer_wait(c, &s);
				if (ret)
					return ret;
			}
		}
		if (++n < c->batch)
			continue;
		n = 0;
		mbuff_ring_commit(ring);
		/*
		 * A full barrier and a look at the consumer's flag, once the
		 * consumer has enough to be worth waking for.
		 */
		if (c->sleeping && (since += c->batch) >= c->wake) {
			since = 0;
			ret = mb_wake_consumer(c);
			if (ret)
				return ret;
		}
	}
	mbuff_ring_commit(ring);
	return c->sleeping ? mb_wake_consumer(c) : 0;
}

static int mb_consume(struct chan *c, bool in_place, uint64_t count,
		      struct timing *tm)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	struct mbuff_ring *ring = &c->ring;
	uint32_t n = 0, since = 0, size = c->size, len;
	const void *p;
	uint64_t seq;
	long got;
	int ret;

	for (seq = 0; seq < count; seq++) {
		struct spin s = { 0 };

		if (in_place) {
			while (!(p = mbuff_ring_peek(ring, &len))) {
				if (len)
					return -EIO;
				n = 0;
				ret = mb_consumer_wait(c, &s, min_want(c, count - seq));
				if (ret)
					return ret;
			}
		} else {
			while ((got = mbuff_ring_read(ring, buf, size)) == -EAGAIN) {
				ret = mb_consumer_wait(c, &s, min_want(c, count - seq));
				if (ret)
					return ret;
			}
			if (got < 0)
				return (int)got;
			len = (uint32_t)got;
			p = buf;
		}
		if (len != size || !check(p, size, seq))
			return -EIO;
		if (timed(tm, seq))
			break;
		if (++n < c->batch)
			continue;
		n = 0;
		mbuff_ring_consume(ring);
		if (c->sleeping && (since += c->batch) >= c->wake) {
			since = 0;
			ret = mb_wake_producer(c);
			if (ret)
				return ret;
		}
	}
	tm->done = timed_done(seq, count);
	mbuff_ring_consume(ring);
	return c->sleeping ? mb_wake_producer(c) : 0;
}

/* ---- ck_ring, with the mbuff ring's waiting discipline ---- */

/* As libmbuff's process areas do: count, then wake every waiter. */
static int ck_notify(struct chan *c)
{
	__atomic_add_fetch(&c->ck->events, 1, __ATOMIC_RELEASE);
	futex(&c->ck->events, FUTEX_WAKE, INT_MAX, NULL);
	return 0;
}

/* Until a notification this process has not seen yet. */
static int ck_sleep(struct chan *c)
{
	struct timespec left = { WAIT_MS / 1000, 0 };
	uint32_t cur;

	for (;;) {
		cur = __atomic_load_n(&c->ck->events, __ATOMIC_ACQUIRE);
		if (cur != c->seen) {
			c->seen = cur;
			return 0;
		}
		if (futex(&c->ck->events, FUTEX_WAIT, cur, &left) &&
		    errno == ETIMEDOUT)
			return -ETIMEDOUT;
	}
}

/* W2: pairs with W1 in ck_consumer_sleep() or ck_producer_sleep(). */
static int ck_wake(struct chan *c, uint32_t *waiting)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(waiting, __ATOMIC_ACQUIRE))
		return 0;
	return __atomic_exchange_n(waiting, 0, __ATOMIC_SEQ_CST) ?
	       ck_notify(c) : 0;
}

static bool ck_consumer_sleep(struct chan *c)
{
	uint32_t *waiting = &c->ck->cons_waiting;

	__atomic_store_n(waiting, 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* W1 */
	if (ck_ring_size(&c->ck->ring)) {
		__atomic_store_n(waiting, 0, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

static bool ck_producer_sleep(struct chan *c)
{
	uint32_t *waiting = &c->ck->prod_waiting;
	struct ck_ring *r = &c->ck->ring;

	__atomic_store_n(waiting, 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* W1 */
	if (ck_ring_size(r) < ck_ring_capacity(r) - 1) {
		__atomic_store_n(waiting, 0, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

static int ck_producer_wait(struct chan *c, struct spin *s)
{
	struct ck_ring *r = &c->ck->ring;
	int ret;

	if (!c->sleeping) {
		do {
			ret = spin_once(s);
		} while (!ret &&
			 ck_ring_capacity(r) - 1 - ck_ring_size(r) < c->batch);
		return ret;
	}
	ret = ck_wake(c, &c->ck->cons_waiting);
	if (ret)
		return ret;
	return ck_producer_sleep(c) ? ck_sleep(c) : 0;
}

static int ck_consumer_wait(struct chan *c, struct spin *s, uint32_t want)
{
	int ret;

	if (!c->sleeping) {
		do {
			ret = spin_once(s);
		} while (!ret && ck_ring_size(&c->ck->ring) < want);
		return ret;
	}
	ret = ck_wake(c, &c->ck->prod_waiting);
	if (ret)
		return ret;
	return ck_consumer_sleep(c) ? ck_sleep(c) : 0;
}

/*
 * ck_ring_enqueue_spsc() is ck_ring_enqueue_reserve_spsc() and
 * ck_ring_enqueue_commit_spsc() in one, the same load of the consumer's
 * index and the same store of the producer's.  Split here so that the room
 * check comes before the slot is written: the ring has as many entries as
 * there are slots, and holds one fewer, so once it has room for one more
 * index the consumer has dequeued the index after the one that last used
 * this slot, and is done with that slot.  (Checking only at the enqueue,
 * after filling, would let the producer overwrite the slot the consumer
 * is still reading.)
 */
static int ck_produce(struct chan *c, bool in_place, uint64_t count)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	struct ck_ring *r = &c->ck->ring;
	uint32_t n = 0, size = c->size, mask = c->slots - 1, since = 0;
	struct ck_ring_buffer *e;
	unsigned char *slot;
	uint64_t seq;
	int ret;

	for (seq = 0; seq < count; seq++) {
		struct spin s = { 0 };

		if (!in_place)
			fill(buf, size, seq);
		while (!(e = ck_ring_enqueue_reserve_spsc(r, c->ck_buf))) {
			ret = ck_producer_wait(c, &s);
			if (ret)
				return ret;
		}
		slot = c->slab + (size_t)(seq & mask) * size;
		if (in_place)
			fill(slot, size, seq);
		else
			memcpy(slot, buf, size);
		e->value = (void *)(uintptr_t)(seq & mask);
		ck_ring_enqueue_commit_spsc(r);
		/* ck publishes every record; only the wake check batches. */
		if (!c->sleeping || ++n < c->batch)
			continue;
		n = 0;
		if ((since += c->batch) >= c->wake) {
			since = 0;
			ret = ck_wake(c, &c->ck->cons_waiting);
			if (ret)
				return ret;
		}
	}
	return c->sleeping ? ck_wake(c, &c->ck->cons_waiting) : 0;
}

static int ck_consume(struct chan *c, bool in_place, uint64_t count,
		      struct timing *tm)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	struct ck_ring *r = &c->ck->ring;
	uint32_t n = 0, size = c->size, mask = c->slots - 1, since = 0;
	const unsigned char *slot;
	uint64_t seq;
	void *v;
	int ret;

	for (seq = 0; seq < count; seq++) {
		struct spin s = { 0 };

		while (!ck_ring_dequeue_spsc(r, c->ck_buf, &v)) {
			ret = ck_consumer_wait(c, &s, min_want(c, count - seq));
			if (ret)
				return ret;
		}
		slot = c->slab + (size_t)((uintptr_t)v & mask) * size;
		if (!in_place) {
			memcpy(buf, slot, size);
			slot = buf;
		}
		if (!check(slot, size, seq))
			return -EIO;
		if (timed(tm, seq))
			break;
		if (!c->sleeping || ++n < c->batch)
			continue;
		n = 0;
		if ((since += c->batch) >= c->wake) {
			since = 0;
			ret = ck_wake(c, &c->ck->prod_waiting);
			if (ret)
				return ret;
		}
	}
	tm->done = timed_done(seq, count);
	return c->sleeping ? ck_wake(c, &c->ck->prod_waiting) : 0;
}

/* ---- the pipe ---- */

static int write_full(int fd, const void *buf, uint32_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0)
			return -errno;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, uint32_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n <= 0)
			return n ? -errno : -EPIPE;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

static int pipe_produce(struct chan *c, uint64_t count)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	uint64_t seq;
	int ret;

	for (seq = 0; seq < count; seq++) {
		fill(buf, c->size, seq);
		ret = write_full(c->fd[1], buf, c->size);
		if (ret)
			return ret;
	}
	return 0;
}

static int pipe_consume(struct chan *c, uint64_t count, struct timing *tm)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	uint64_t seq;
	int ret;

	for (seq = 0; seq < count; seq++) {
		ret = read_full(c->fd[0], buf, c->size);
		if (ret)
			return ret;
		if (!check(buf, c->size, seq))
			return -EIO;
		if (timed(tm, seq))
			break;
	}
	tm->done = timed_done(seq, count);
	return 0;
}

/* ---- channels ---- */

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static int chan_open(struct chan *c, const struct bench_case *bc,
		     uint32_t size, int index)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	uint32_t records;
	size_t hdr;
	char *m;
	int ret;

	memset(c, 0, sizeof(*c));
	c->t = bc->t;
	c->sleeping = bc->sleeping;
	c->size = size;
	c->fd[0] = -1;
	c->fd[1] = -1;
	switch (bc->t) {
	case T_MBUFF:
		snprintf(c->name, sizeof(c->name), "ring-bench-%d-%d",
			 (int)getpid(), index);
		ret = mbuff_area_open(c->name, AREA_BYTES, &o, &c->area);
		if (ret)
			return ret;
		/* The mappings keep the memory; no name is left behind. */
		mbuff_destroy(c->name, MBUFF_SOURCE_PROCESS);
		if (mbuff_ring_format_size(mbuff_area_addr(c->area),
					   mbuff_area_size(c->area),
					   DATA_BYTES) < 0) {
			mbuff_area_close(c->area);
			return -EINVAL;
		}
		ret = mbuff_area_ring_attach(c->area, &c->ring, 0);
		if (ret) {
			mbuff_area_close(c->area);
			return ret;
		}
		records = DATA_BYTES / mbuff_ring_footprint(size);
		break;
	case T_CK:
		c->slots = DATA_BYTES / size;
		hdr = CK_HDR_BYTES + (size_t)c->slots * sizeof(*c->ck_buf);
		hdr = (hdr + 4095) & ~(size_t)4095;
		c->ck_len = hdr + DATA_BYTES;
		m = mmap(NULL, c->ck_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -errno;
		c->ck = (struct ck_shm *)m;
		c->ck_buf = (struct ck_ring_buffer *)(m + CK_HDR_BYTES);
		c->slab = (unsigned char *)m + hdr;
		ck_ring_init(&c->ck->ring, c->slots);
		records = c->slots - 1;
		break;
	case T_PIPE:
		if (pipe2(c->fd, O_CLOEXEC))
			return -errno;
		/*
		 * The rings' memory, if pipe-max-size allows: a pipe of 1 MiB
		 * went as fast as one of the default 64 KiB, or faster.
		 */
		fcntl(c->fd[1], F_SETPIPE_SZ, DATA_BYTES);
		records = DATA_BYTES / size;
		break;
	default:
		return -EINVAL;
	}
	c->batch = max_u32(1, min_u32(opt_batch, records / 4));
	c->wake = opt_wake ? opt_wake : max_u32(c->batch, records / 4);
	return 0;
}

/* The producer keeps the pipe's write end, the consumer its read end. */
static void chan_side(struct chan *c, bool producer)
{
	if (c->t != T_PIPE)
		return;
	close(c->fd[producer ? 0 : 1]);
	c->fd[producer ? 0 : 1] = -1;
}

static void chan_close(struct chan *c)
{
	if (c->area)
		mbuff_area_close(c->area);
	if (c->ck)
		munmap(c->ck, c->ck_len);
	if (c->fd[0] >= 0)
		close(c->fd[0]);
	if (c->fd[1] >= 0)
		close(c->fd[1]);
}

static int produce(struct chan *c, const struct bench_case *bc, uint64_t count)
{
	switch (c->t) {
	case T_MBUFF:
		return mb_produce(c, bc->in_place, count);
	case T_CK:
		return ck_produce(c, bc->in_place, count);
	case T_PIPE:
		return pipe_produce(c, count);
	}
	return -EINVAL;
}

static int consume(struct chan *c, const struct bench_case *bc, uint64_t count,
		   struct timing *tm)
{
	switch (c->t) {
	case T_MBUFF:
		return mb_consume(c, bc->in_place, count, tm);
	case T_CK:
		return ck_consume(c, bc->in_place, count, tm);
	case T_PIPE:
		return pipe_consume(c, count, tm);
	}
	return -EINVAL;
}

/*
 * Reap the child: 0 when it finished its part; kill it first when the
 * parent is done without it (failed, or stopped by the clock), and then
 * how it ended does not count.
 */
static int child_done(pid_t pid, bool stop)
{
	int status;

	if (stop)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	if (stop)
		return 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

/*
 * Records per second from a child producer to the parent, timed from the
 * first record the parent has checked to the last (fork() and setting up
 * stay out).
 */
static int run_stream(const struct bench_case *bc, uint32_t size,
		      uint64_t count, double *rate)
{
	struct timing tm = { 0 };
	struct chan c;
	double t1;
	pid_t pid;
	int ret, cret;

	ret = chan_open(&c, bc, size, 0);
	if (ret)
		return ret;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		chan_close(&c);
		return ret;
	}
	if (!pid) {
		chan_side(&c, true);
		_exit(produce(&c, bc, count) ? 1 : 0);
	}
	chan_side(&c, false);
	ret = consume(&c, bc, count, &tm);
	t1 = now_s();
	cret = child_done(pid, ret || tm.done < count);
	if (!ret)
		ret = cret;
	chan_close(&c);
	if (!ret && tm.done < 2)
		ret = -ENODATA;
	if (!ret)
		*rate = (double)(tm.done - 1) / (t1 - tm.t0);
	return ret;
}

/* ---- latency: one record there, one back ---- */

static int send1(struct chan *c, void *buf, uint64_t seq)
{
	struct spin s = { 0 };
	struct ck_ring_buffer *e;
	unsigned char *slot;
	void *p;
	int ret;

	switch (c->t) {
	case T_MBUFF:
		while ((ret = mbuff_ring_reserve(&c->ring, c->size, &p))) {
			if (ret != -EAGAIN)
				return ret;
			ret = mb_producer_wait(c, &s);
			if (ret)
				return ret;
		}
		fill(p, c->size, seq);
		mbuff_ring_commit(&c->ring);
		return c->sleeping ? mb_wake_consumer(c) : 0;
	case T_CK:
		while (!(e = ck_ring_enqueue_reserve_spsc(&c->ck->ring,
							   c->ck_buf))) {
			ret = ck_producer_wait(c, &s);
			if (ret)
				return ret;
		}
		slot = c->slab + (size_t)(seq & (c->slots - 1)) * c->size;
		fill(slot, c->size, seq);
		e->value = (void *)(uintptr_t)(seq & (c->slots - 1));
		ck_ring_enqueue_commit_spsc(&c->ck->ring);
		return c->sleeping ? ck_wake(c, &c->ck->cons_waiting) : 0;
	case T_PIPE:
		fill(buf, c->size, seq);
		return write_full(c->fd[1], buf, c->size);
	}
	return -EINVAL;
}

static int recv1(struct chan *c, void *buf, uint64_t seq)
{
	struct spin s = { 0 };
	const void *p;
	uint32_t len;
	void *v;
	int ret;

	switch (c->t) {
	case T_MBUFF:
		while (!(p = mbuff_ring_peek(&c->ring, &len))) {
			if (len)
				return -EIO;
			ret = mb_consumer_wait(c, &s, 1);
			if (ret)
				return ret;
		}
		ret = len == c->size && check(p, len, seq) ? 0 : -EIO;
		mbuff_ring_consume(&c->ring);
		return ret;
	case T_CK:
		while (!ck_ring_dequeue_spsc(&c->ck->ring, c->ck_buf, &v)) {
			ret = ck_consumer_wait(c, &s, 1);
			if (ret)
				return ret;
		}
		p = c->slab + (size_t)((uintptr_t)v & (c->slots - 1)) * c->size;
		return check(p, c->size, seq) ? 0 : -EIO;
	case T_PIPE:
		ret = read_full(c->fd[0], buf, c->size);
		if (ret)
			return ret;
		return check(buf, c->size, seq) ? 0 : -EIO;
	}
	return -EINVAL;
}

/*
 * Half the round trip of a record sent to a child and sent back, after
 * LAT_WARMUP round trips (or 0.1 s of them); the child echoes until it is
 * killed.  At most @rounds round trips, or LAT_CAP_S of them.
 */
static int run_latency(const struct bench_case *bc, uint32_t size,
		       uint64_t rounds, double *latency)
{
	static unsigned char buf[MAX_RECORD] __attribute__((aligned(64)));
	uint64_t i, warm = 0;
	struct chan there, back;
	double start, t0 = 0, t1;
	pid_t pid;
	int ret, cret;

	ret = chan_open(&there, bc, size, 1);
	if (ret)
		return ret;
	ret = chan_open(&back, bc, size, 2);
	if (ret) {
		chan_close(&there);
		return ret;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (!pid) {
		chan_side(&there, false);
		chan_side(&back, true);
		for (i = 0;; i++)
			if (recv1(&there, buf, i) || send1(&back, buf, i))
				_exit(1);
	}
	chan_side(&there, true);
	chan_side(&back, false);
	start = now_s();
	for (i = 0; !ret; i++) {
		if (!t0 && (i == LAT_WARMUP ||
			    (!(i & 63) && now_s() - start > 0.1))) {
			t0 = now_s();
			warm = i;
		}
		if (t0 && (i - warm == rounds ||
			   (!((i - warm) & 63) && now_s() - t0 > LAT_CAP_S)))
			break;
		ret = send1(&there, buf, i);
		if (!ret)
			ret = recv1(&back, buf, i);
	}
	t1 = now_s();
	cret = child_done(pid, true);
	if (!ret)
		ret = cret;
	if (!ret)
		*latency = (t1 - t0) / (double)(i - warm) / 2;
out:
	chan_close(&back);
	chan_close(&there);
	return ret;
}

/* ---- results ---- */

#define MAX_RUNS	64

/* Options. */
static unsigned long opt_records, opt_runs = 5, opt_rounds = 5000, opt_size;
static const char *opt_only;

struct result {
	double v[MAX_RUNS];
	int n;
	bool failed;
	double median, min, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void summarize(struct result *r)
{
	double v[MAX_RUNS];

	if (!r->n)
		return;
	memcpy(v, r->v, sizeof(v[0]) * (size_t)r->n);
	qsort(v, (size_t)r->n, sizeof(v[0]), cmp_double);
	r->min = v[0];
	r->max = v[r->n - 1];
	r->median = r->n % 2 ? v[r->n / 2] : (v[r->n / 2 - 1] + v[r->n / 2]) / 2;
}

static const char *variant_name(const struct bench_case *bc)
{
	if (bc->t == T_PIPE)
		return "copy, blocking";
	if (bc->in_place)
		return bc->sleeping ? "in place, sleeping" : "in place, polling";
	return bc->sleeping ? "copy, sleeping" : "copy, polling";
}

/* -s and -c. */
static bool selected(const struct bench_case *bc, uint32_t size)
{
	char label[64];

	if (opt_size && opt_size != size)
		return false;
	snprintf(label, sizeof(label), "%s, %s", transport_names[bc->t],
		 variant_name(bc));
	return !opt_only || strstr(label, opt_only);
}

/*
 * 0.1 to 0.7 s a run on an idle machine (under a minute for the whole
 * program, latency included); RUN_CAP_S bounds it on a busy one.
 */
static uint64_t default_count(const struct bench_case *bc, uint32_t size)
{
	uint64_t n = size <= 16 ? 16000000 : size <= 256 ? 6000000 : 1000000;

	/* The pipe takes a system call or two a record. */
	return bc->t == T_PIPE ? n / 16 : n;
}

static void report_failure(const char *what, const struct bench_case *bc,
			   uint32_t size, int ret)
{
	fprintf(stderr, "%s%s, %s, %u bytes: %s (%s)\n", what,
		transport_names[bc->t], variant_name(bc), size, strerror(-ret),
		mbuff_last_error());
}

/* Every case RUNS times, one run of each before the next run of any. */
static int measure_throughput(struct result res[NSIZES][NCASES])
{
	int failed = 0;
	unsigned long r;
	size_t s, i;

	for (s = 0; s < NSIZES; s++)
		for (r = 0; r < opt_runs; r++)
			for (i = 0; i < NCASES; i++) {
				const struct bench_case *bc = &cases[i];
				struct result *x = &res[s][i];
				uint64_t n = opt_records ? opt_records :
					default_count(bc, sizes[s]);
				double rate = 0;
				int ret;

				if (!selected(bc, sizes[s]) || x->failed)
					continue;
				ret = run_stream(bc, sizes[s], n, &rate);
				if (ret) {
					report_failure("", bc, sizes[s], ret);
					x->failed = true;
					failed = 1;
					continue;
				}
				x->v[x->n++] = rate;
			}
	return failed;
}

static void print_throughput(struct result res[NSIZES][NCASES])
{
	size_t s, i;

	printf("%-11s %-19s %5s %10s %21s %13s\n", "transport", "variant",
	       "bytes", "MB/s", "min - max MB/s", "records/s");
	for (s = 0; s < NSIZES; s++)
		for (i = 0; i < NCASES; i++) {
			struct result *x = &res[s][i];
			double mb = sizes[s] / 1e6;

			if (!selected(&cases[i], sizes[s]))
				continue;
			printf("%-11s %-19s %5u ", transport_names[cases[i].t],
			       variant_name(&cases[i]), sizes[s]);
			if (x->failed || !x->n) {
				printf("failed\n");
				continue;
			}
			summarize(x);
			printf("%10.1f %10.1f - %-8.1f %13.0f\n", x->median * mb,
			       x->min * mb, x->max * mb, x->median);
		}
}

/* The median of a case, 0 when it was not measured. */
static double median_of(struct result *res, enum transport t, bool in_place,
			bool sleeping)
{
	size_t i;

	for (i = 0; i < NCASES; i++)
		if (cases[i].t == t && cases[i].in_place == in_place &&
		    cases[i].sleeping == sleeping)
			return res[i].failed || !res[i].n ? 0 : res[i].median;
	return 0;
}

static void print_ratio(uint32_t size, const char *what, double a, double b)
{
	if (!a || !b)
		return;
	if (size >= 1024 && !(size % 1024))
		printf("ratio: host %uKiB %s = %.2f\n", size / 1024, what, a / b);
	else
		printf("ratio: host %uB %s = %.2f\n", size, what, a / b);
}

/* mbuff's median over the anchor's: > 1, mbuff ahead. */
static void print_ratios(struct result res[NSIZES][NCASES])
{
	size_t s;

	for (s = 0; s < NSIZES; s++) {
		struct result *x = res[s];

		print_ratio(sizes[s], "in place / ck_ring (sleeping)",
			    median_of(x, T_MBUFF, true, true),
			    median_of(x, T_CK, true, true));
		print_ratio(sizes[s], "copy / ck_ring (sleeping)",
			    median_of(x, T_MBUFF, false, true),
			    median_of(x, T_CK, false, true));
		print_ratio(sizes[s], "in place / ck_ring (polling)",
			    median_of(x, T_MBUFF, true, false),
			    median_of(x, T_CK, true, false));
		print_ratio(sizes[s], "copy / ck_ring (polling)",
			    median_of(x, T_MBUFF, false, false),
			    median_of(x, T_CK, false, false));
		print_ratio(sizes[s], "in place / pipe",
			    median_of(x, T_MBUFF, true, true),
			    median_of(x, T_PIPE, false, true));
	}
}

/* For the plot: section, transport, variant, size_bytes, MB/s median, min, max. */
static int write_tsv(const char *path, struct result res[NSIZES][NCASES])
{
	FILE *f = fopen(path, "w");
	size_t s, i;

	if (!f) {
		perror(path);
		return 1;
	}
	for (s = 0; s < NSIZES; s++)
		for (i = 0; i < NCASES; i++) {
			struct result *x = &res[s][i];
			double mb = sizes[s] / 1e6;

			if (!selected(&cases[i], sizes[s]) || x->failed || !x->n)
				continue;
			fprintf(f, "host\t%s\t%s\t%u\t%.1f\t%.1f\t%.1f\n",
				transport_names[cases[i].t], variant_name(&cases[i]),
				sizes[s], x->median * mb, x->min * mb, x->max * mb);
		}
	if (fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* The latency table, a size at a time. */
static int measure_latency(void)
{
	static struct result lat[NSIZES][NLAT];
	int failed = 0;
	unsigned long r;
	size_t s, i;

	printf("\nlatency, half a round trip (%lu round trips a run)\n", opt_rounds);
	printf("%-11s %-19s %5s %10s %21s\n", "transport", "variant", "bytes",
	       "us", "min - max us");
	for (s = 0; s < NSIZES; s++) {
		for (r = 0; r < opt_runs; r++)
			for (i = 0; i < NLAT; i++) {
				const struct bench_case *bc = &lat_cases[i];
				struct result *x = &lat[s][i];
				double l = 0;
				int ret;

				if (!selected(bc, sizes[s]) || x->failed)
					continue;
				ret = run_latency(bc, sizes[s], opt_rounds, &l);
				if (ret) {
					report_failure("latency: ", bc, sizes[s], ret);
					x->failed = true;
					failed = 1;
					continue;
				}
				x->v[x->n++] = l;
			}
		for (i = 0; i < NLAT; i++) {
			struct result *x = &lat[s][i];

			if (!selected(&lat_cases[i], sizes[s]))
				continue;
			printf("%-11s %-19s %5u ", transport_names[lat_cases[i].t],
			       variant_name(&lat_cases[i]), sizes[s]);
			if (x->failed || !x->n) {
				printf("failed\n");
				continue;
			}
			summarize(x);
			printf("%10.2f %10.2f - %-8.2f\n", x->median * 1e6,
			       x->min * 1e6, x->max * 1e6);
		}
		fflush(stdout);
	}
	return failed;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ring_bench [-n RECORDS] [-r RUNS] [-o FILE] [-l ROUNDS]\n"
		"                  [-s SIZE] [-c TEXT] [-b BATCH] [-w RECORDS]\n"
		"  -n  records per throughput run (default: by size and transport)\n"
		"  -r  runs per case; medians are reported (default 5)\n"
		"  -o  write the throughput to FILE, tab-separated: host, transport,\n"
		"      variant, size_bytes, median_MBps, min_MBps, max_MBps\n"
		"  -l  round trips per latency run, 0: no latency (default 5000)\n"
		"  -s  only records of SIZE bytes (16, 256 or 4096)\n"
		"  -c  only cases whose \"transport, variant\" contains TEXT\n"
		"  -b  records in a batch (default %d; at most a quarter ring)\n"
		"  -w  records between wake checks (default: a quarter ring)\n",
		BATCH);
}

int main(int argc, char **argv)
{
	static struct result res[NSIZES][NCASES];
	const char *out = NULL;
	int opt, failed;

	while ((opt = getopt(argc, argv, "n:r:o:l:s:c:b:w:h")) != -1) {
		switch (opt) {
		case 'n':
			opt_records = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			opt_runs = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			opt_rounds = strtoul(optarg, NULL, 0);
			break;
		case 's':
			opt_size = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			opt_only = optarg;
			break;
		case 'b':
			opt_batch = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			opt_wake = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (opt_records && opt_records < 2) || !opt_runs ||
	    opt_runs > MAX_RUNS || !opt_batch) {
		usage(stderr);
		return 2;
	}
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");

	printf("host: one process writes records, another reads them; %ld CPUs; ",
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("medians of %lu runs\n", opt_runs);
	printf("rings of %u bytes of records (ck_ring: slots, and its ring of indices besides)\n",
	       DATA_BYTES);
	printf("batches of %u records (mbuff commits, consumes; polling waits for one); ",
	       opt_batch);
	if (opt_wake)
		printf("wake checks every %u records\n\n", opt_wake);
	else
		printf("wake checks every quarter ring\n\n");
	fflush(stdout);

	failed = measure_throughput(res);
	print_throughput(res);
	printf("\n");
	print_ratios(res);
	fflush(stdout);
	if (out && write_tsv(out, res))
		failed = 1;
	if (opt_rounds && measure_latency())
		failed = 1;
	return failed;
}
