// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring under load: two threads, then two processes, stream records
 * through a process-only area, blocking with the waiting flags and futex
 * wake-ups.  Each side either copies (mbuff_ring_write(), _read()) or
 * works in place (reserves a batch, fills it and commits once; peeks a
 * batch and consumes it once).  The ring is 4 KiB with records of 1..300
 * bytes, or tiny: the largest record's footprint is the whole data, half
 * of it, or just over half (every other entry is a pad).  The consumer
 * checks every record's bytes, and where it lies by the rules of format 2
 * (pads included); the last record carries the producer's count and
 * checksum.  A side that makes no progress for STRESS_WAIT_MS fails: a
 * stall is a failure, not a hang.  Then each side's waiting flag races
 * the other side's wake-up check, round after round, and no wake-up may
 * be lost.  A plain program printing TAP, so that it can also be built
 * with -fsanitize=thread and -fsanitize=address,undefined (Criterion's
 * runner does not start under TSAN).
 * Usage: ring_stress [RECORDS]	(the 4 KiB ring's; tiny rings take fewer)
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

#define STRESS_RECORDS		500000UL
/* One page of control, one of data: the ring is full or empty often. */
#define STRESS_AREA		(2 * MBUFF_RING_CTL_SIZE)
#define STRESS_DATA		(STRESS_AREA - MBUFF_RING_CTL_SIZE)
#define STRESS_BUF		STRESS_DATA
#define STRESS_BATCH		8	/* the most records a batch takes */
/* No progress for this long while the other side runs: a stall. */
#define STRESS_WAIT_MS		10000
/* Each stream ends within this, or the program fails (not hangs). */
#define STRESS_LIMIT_S		600
/* The free-running indices cross 2^32 after the first record or two. */
#define STRESS_START		0xffffff00U
#define STRESS_END_MAGIC	0x444e4552U	/* "REND" */
#define REC			((uint32_t)sizeof(struct mbuff_ring_rec))

/**
 * struct stream - one way of streaming
 * @what: the test's name
 * @processes: producer in a child process, else in a thread
 * @doubled: both sides use a doubled view (mbuff_area_ring_attach())
 * @prod_batch: the producer reserves up to this many records, fills them
 *	in place and commits once; 0: it copies each in (mbuff_ring_write())
 * @cons_batch: the consumer peeks up to this many records, uses them in
 *	place and consumes once; 0: it copies each out (mbuff_ring_read())
 * @min_len: the shortest data record
 * @max_len: the longest; a quarter of the records are this long
 * @scale: records: the count asked for, divided by this
 * @pad_each: every record is at offset 0 with a pad before it (all
 *	footprints over half the data)
 */
struct stream {
	const char *what;
	int processes;
	int doubled;
	unsigned int prod_batch;
	unsigned int cons_batch;
	uint32_t min_len;
	uint32_t max_len;
	unsigned int scale;
	int pad_each;
};

/* Footprints of the longest records of the tiny rings. */
#define ONE_RING	(STRESS_DATA - 8)	/* footprint: the data */
#define HALF_RING	(STRESS_DATA / 2 - 8)	/* half the data */
#define OVER_HALF	(STRESS_DATA / 2)	/* half and 8 bytes */

/* The last record: what the producer sent, for the consumer to compare. */
struct stress_end {
	uint32_t magic;
	uint32_t pad;
	uint64_t count;
	uint64_t sum;
	uint64_t sleeps;
	uint64_t wakes;
};

/**
 * struct side - one end of a stream
 * @area: its own handle (its own event count for mbuff_area_wait())
 * @ring: its view of the ring
 * @st: how to stream
 * @count: data records to move
 * @sum: FNV-1a of the payloads moved
 * @sleeps: times it slept in mbuff_area_wait()
 * @wakes: wake-ups it sent
 * @progress: when it last moved a record (now_s())
 * @model: where the consumer's index must be after the last record
 * @pads: pads the model skipped (consumer)
 * @inplace: records the consumer checked where they lie
 * @told: mbuff_ring_*_sleep() said "do not sleep" (room, or data) with
 *	this side's index at @told_at: the next call must move it
 * @told_at: see @told
 * @end: what the producer reported (consumer)
 * @ret: 0 or -1 (producer thread)
 * @err: why it failed
 */
struct side {
	struct mbuff_area *area;
	struct mbuff_ring ring;
	const struct stream *st;
	unsigned long count;
	uint64_t sum;
	unsigned long sleeps;
	unsigned long wakes;
	double progress;
	uint32_t model;
	unsigned long pads;
	unsigned long inplace;
	int told;
	uint32_t told_at;
	struct stress_end end;
	int ret;
	char err[256];
};

static int side_fail(struct side *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int side_fail(struct side *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Data record @seq's length; the last record is a struct stress_end. */
static uint32_t rec_len(const struct stream *st, uint64_t seq, uint64_t count)
{
	uint64_t h = mix(seq);

	if (seq == count)
		return sizeof(struct stress_end);
	if (h >> 62 == 0)
		return st->max_len;
	return st->min_len + (uint32_t)(h % (st->max_len - st->min_len + 1));
}

/* Record @seq: its sequence number (as much of it as fits), then noise. */
static void rec_fill(uint64_t seq, unsigned char *buf, uint32_t len)
{
	uint64_t h = seq;
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (i < 8) {
			buf[i] = (unsigned char)(seq >> (8 * i));
			continue;
		}
		if (i % 8 == 0)
			h = mix(h + i);
		buf[i] = (unsigned char)(h >> (8 * (i % 8)));
	}
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, uint32_t len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL

/* Wait for the other side to set @flag, without sleeping on it. */
static int spin_until_set(const __u32 *flag)
{
	double end = now_s() + STRESS_WAIT_MS / 1000.0;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (now_s() > end)
			return -1;
		sched_yield();
	}
	return 0;
}

/* A side that has not moved a record for STRESS_WAIT_MS has stalled. */
static int stalled(struct side *s, const char *who)
{
	if (now_s() - s->progress < STRESS_WAIT_MS / 1000.0)
		return 0;
	return side_fail(s, "%s: no progress for %d ms: stalled", who,
			 STRESS_WAIT_MS);
}

/* Sleep until woken, no longer than the progress allows. */
static int side_wait(struct side *s, const char *why)
{
	double left = s->progress + STRESS_WAIT_MS / 1000.0 - now_s();
	int ret;

	if (left <= 0)
		return side_fail(s, "%s, no progress for %d ms", why,
				 STRESS_WAIT_MS);
	s->sleeps++;
	ret = mbuff_area_wait(s->area, (int)(left * 1000) + 1);
	if (ret == -ETIMEDOUT)
		return side_fail(s, "%s and no wake-up for %d ms", why,
				 STRESS_WAIT_MS);
	if (ret < 0)
		return side_fail(s, "%s: wait: %s", why, strerror(-ret));
	return 0;
}

static int notify(struct side *s, const char *who)
{
	int ret = mbuff_area_notify(s->area);

	s->wakes++;
	if (ret)
		return side_fail(s, "%s: notify: %s", who, strerror(-ret));
	return 0;
}

/*
 * No room for a record of @need bytes: wake the consumer if it sleeps (a
 * pad that went out alone may be all it waits for), then sleep unless
 * room came meanwhile.
 */
static int wait_room(struct side *s, uint32_t need)
{
	if (mbuff_ring_wake_consumer(&s->ring) && notify(s, "producer"))
		return -1;
	if (!mbuff_ring_producer_sleep(&s->ring, need)) {
		s->told = 1;
		s->told_at = s->ring.prod;
		return stalled(s, "producer");
	}
	return side_wait(s, "producer: no room");
}

/*
 * Room enough for the next record, the pad it needs reckoned in, is what
 * producer_sleep() says there is: the reserve after it moves the index.
 */
static int room_as_told(struct side *s, uint32_t len)
{
	int told = s->told;

	s->told = 0;
	if (!told || s->ring.prod != s->told_at)
		return 0;
	return side_fail(s, "producer: told there was room for %u bytes at %#x, none was found",
			 len, s->told_at);
}

/* Published: wake the consumer if it sleeps. */
static int produced(struct side *s)
{
	s->progress = now_s();
	if (mbuff_ring_wake_consumer(&s->ring))
		return notify(s, "producer");
	return 0;
}

/* The last record: what was sent, at @p. */
static void put_end(struct side *s, unsigned char *p, struct stress_end *end)
{
	end->count = s->count;
	end->sleeps = s->sleeps;
	end->wakes = s->wakes;
	memcpy(p, end, sizeof(*end));
}

/* Copy each record in, sleeping while there is no room. */
static int produce_copies(struct side *s, struct stress_end *end)
{
	unsigned char buf[STRESS_BUF];
	uint64_t seq;
	uint32_t len;
	int ret;

	for (seq = 0; seq <= s->count; seq++) {
		len = rec_len(s->st, seq, s->count);
		if (seq < s->count) {
			rec_fill(seq, buf, len);
			end->sum = fnv1a(end->sum, buf, len);
		} else {
			put_end(s, buf, end);
		}
		while ((ret = mbuff_ring_write(&s->ring, buf, len)) == -EAGAIN)
			if (room_as_told(s, len) ||
			    wait_room(s, mbuff_ring_footprint(len)))
				return -1;
		s->told = 0;
		if (ret)
			return side_fail(s, "producer: writing %u bytes: %s", len,
					 strerror(-ret));
		if (produced(s))
			return -1;
	}
	return 0;
}

/*
 * Reserve batches of up to @prod_batch records, fill them where they lie
 * (last to first: the order is the producer's own) and publish each batch
 * with one commit; when no room is left, commit what was reserved (a pad
 * with it) and wait.
 */
static int produce_batches(struct side *s, struct stress_end *end)
{
	uint32_t lens[STRESS_BATCH], len = 0;
	void *pl[STRESS_BATCH];
	unsigned int n, i, batch;
	uint64_t seq = 0;
	int ret = 0;

	while (seq <= s->count) {
		batch = 1 + (unsigned int)(mix(seq ^ 0x5eed) % s->st->prod_batch);
		for (n = 0; n < batch && seq + n <= s->count; n++) {
			len = rec_len(s->st, seq + n, s->count);
			ret = mbuff_ring_reserve(&s->ring, len, &pl[n]);
			if (ret)
				break;
			lens[n] = len;
		}
		if (ret && ret != -EAGAIN)
			return side_fail(s, "producer: reserving %u bytes: %s",
					 len, strerror(-ret));
		if (room_as_told(s, len))
			return -1;
		for (i = n; i-- > 0;)
			if (seq + i < s->count)
				rec_fill(seq + i, pl[i], lens[i]);
		/* The checksum in order; the last record carries it. */
		for (i = 0; i < n; i++) {
			if (seq + i < s->count)
				end->sum = fnv1a(end->sum, pl[i], lens[i]);
			else
				put_end(s, pl[i], end);
		}
		mbuff_ring_commit(&s->ring);
		if (n && produced(s))
			return -1;
		seq += n;
		if (ret == -EAGAIN && wait_room(s, mbuff_ring_footprint(len)))
			return -1;
	}
	return 0;
}

static int produce(struct side *s)
{
	struct stress_end end = { .magic = STRESS_END_MAGIC, .sum = FNV_BASIS };

	/* Let the consumer find the ring empty and go to sleep first. */
	if (spin_until_set(&s->ring.ctl->cons_waiting))
		return side_fail(s, "producer: the consumer never went to sleep");
	s->progress = now_s();
	if (s->st->prod_batch)
		return produce_batches(s, &end);
	return produce_copies(s, &end);
}

/* Nothing to take: wake a producer waiting for room, then sleep. */
static int wait_data(struct side *s)
{
	/* A peek that found a pad alone freed it: that is room too. */
	if (mbuff_ring_wake_producer(&s->ring) && notify(s, "consumer"))
		return -1;
	if (!mbuff_ring_consumer_sleep(&s->ring)) {
		s->told = 1;
		s->told_at = s->ring.cons;
		return stalled(s, "consumer");
	}
	return side_wait(s, "consumer: no data");
}

/* Data is what consumer_sleep() says there is: the next take moves the index. */
static int data_as_told(struct side *s)
{
	int told = s->told;

	s->told = 0;
	if (!told || s->ring.cons != s->told_at)
		return 0;
	return side_fail(s, "consumer: told there was data at %#x, none was found",
			 s->told_at);
}

/* Consumed: wake the producer if it sleeps for room. */
static int consumed(struct side *s)
{
	s->progress = now_s();
	if (mbuff_ring_wake_producer(&s->ring))
		return notify(s, "consumer");
	return 0;
}

/*
 * Record @seq, @len bytes at @p: its bytes, then where it lies: the model
 * puts it after the last, past a pad when it would run past the end of
 * the data; @inplace: @p is where the record lies in the ring.
 */
static int check_record(struct side *s, uint64_t seq, const unsigned char *p,
			uint32_t len, int inplace)
{
	const struct mbuff_ring *r = &s->ring;
	uint32_t wlen = rec_len(s->st, seq, s->count), i, off, need;
	unsigned char want[STRESS_BUF];
	uint64_t got = 0;

	for (i = 0; i < len && i < 8; i++)
		got |= (uint64_t)p[i] << (8 * i);
	if (len != wlen)
		return side_fail(s, "consumer: record %llu has %u bytes, not %u (sequence bytes %#llx)",
				 (unsigned long long)seq, len, wlen,
				 (unsigned long long)got);
	if (seq == s->count) {
		memcpy(&s->end, p, sizeof(s->end));
	} else {
		rec_fill(seq, want, wlen);
		for (i = 0; i < len; i++)
			if (p[i] != want[i])
				return side_fail(s, "consumer: record %llu differs at byte %u of %u (sequence bytes %#llx)",
						 (unsigned long long)seq, i, len,
						 (unsigned long long)got);
		s->sum = fnv1a(s->sum, p, len);
	}
	need = mbuff_ring_footprint(len);
	off = s->model & r->mask;
	if (off + need > r->mask + 1) {
		s->model += r->mask + 1 - off;
		s->pads++;
		off = 0;
	}
	s->model += need;
	if (inplace && p != r->data + off + REC)
		return side_fail(s, "consumer: record %llu at data + %td, not + %u",
				 (unsigned long long)seq, p - r->data, off + REC);
	if (r->cons != s->model)
		return side_fail(s, "consumer: index %#x after record %llu, not %#x",
				 r->cons, (unsigned long long)seq, s->model);
	s->inplace += inplace;
	return 0;
}

/* Copy each record out, sleeping while there is none. */
static int consume_copies(struct side *s, uint64_t *seq)
{
	unsigned char buf[STRESS_BUF];
	long n;

	n = mbuff_ring_read(&s->ring, buf, sizeof(buf));
	if (data_as_told(s))
		return -1;
	if (n == -EAGAIN)
		return wait_data(s);
	if (n < 0)
		return side_fail(s, "consumer: read: %s", strerror((int)-n));
	if (check_record(s, *seq, buf, (uint32_t)n, 0))
		return -1;
	++*seq;
	return consumed(s);
}

/* Peek a batch, check each record where it lies, consume them at once. */
static int consume_batch(struct side *s, uint64_t *seq)
{
	unsigned int n, batch;
	const unsigned char *p;
	__u32 len;

	batch = 1 + (unsigned int)(mix(~*seq) % s->st->cons_batch);
	for (n = 0; n < batch && *seq <= s->count; n++) {
		p = mbuff_ring_peek(&s->ring, &len);
		if (!p && len)
			return side_fail(s, "consumer: the ring is corrupt");
		if (!p)
			break;
		if (check_record(s, *seq, p, len, 1))
			return -1;
		++*seq;
	}
	if (data_as_told(s))
		return -1;
	if (!n)
		return wait_data(s);
	mbuff_ring_consume(&s->ring);
	return consumed(s);
}

static int consume(struct side *s)
{
	const struct mbuff_ring *r = &s->ring;
	uint64_t seq = 0;
	int waited = 0;

	s->sum = FNV_BASIS;
	s->model = r->cons;
	s->progress = now_s();
	while (seq <= s->count) {
		if (s->st->cons_batch ? consume_batch(s, &seq) :
		    consume_copies(s, &seq))
			return -1;
		/* Let the producer fill the ring and go to sleep once. */
		if (seq && !waited++ && spin_until_set(&r->ctl->prod_waiting))
			return side_fail(s, "consumer: the producer never waited for room");
	}
	if (s->end.magic != STRESS_END_MAGIC || s->end.count != s->count)
		return side_fail(s, "consumer: bad last record (magic %#x, count %llu)",
				 s->end.magic, (unsigned long long)s->end.count);
	if (s->end.sum != s->sum)
		return side_fail(s, "consumer: checksum %#llx, the producer sent %#llx",
				 (unsigned long long)s->sum,
				 (unsigned long long)s->end.sum);
	if (mbuff_ring_used_bytes(r))
		return side_fail(s, "consumer: %u bytes left after the last record",
				 mbuff_ring_used_bytes(r));
	if (r->ctl->cons != s->model)
		return side_fail(s, "consumer: index %#x published, expected %#x",
				 r->ctl->cons, s->model);
	return 0;
}

/*
 * The wake-up flags in a store-buffer race: each round, one thread sets
 * its waiting flag and looks at the ring while the other changes the ring
 * and looks at the flag, both let go at once.  The sleeper may see the
 * change, the waker the flag, or both; never neither (W1/W2).
 */
#define LITMUS_ROUNDS	200000

/**
 * struct litmus - what the two threads of the race share
 * @prod: the producer's view
 * @cons: the consumer's view
 * @arrived: times a thread reached meet()
 * @woken: the waker saw the flag, this round
 * @producer_sleeps: which side goes to sleep
 */
struct litmus {
	struct mbuff_ring prod;
	struct mbuff_ring cons;
	unsigned int arrived;
	int woken;
	int producer_sleeps;
};

/* Both threads leave together (a spinning barrier). */
static void meet(struct litmus *l, unsigned int *met)
{
	unsigned int want = 2 * ++*met, spins = 0;

	__atomic_add_fetch(&l->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&l->arrived, __ATOMIC_ACQUIRE) < want)
		if (++spins % 1024 == 0)
			sched_yield();
}

static void *litmus_waker(void *arg)
{
	struct litmus *l = arg;
	unsigned char buf[100] = { 0 };
	unsigned int met = 0, i;

	for (i = 0; i < LITMUS_ROUNDS; i++) {
		meet(l, &met);
		if (l->producer_sleeps) {
			mbuff_ring_read(&l->cons, buf, sizeof(buf));
			l->woken = mbuff_ring_wake_producer(&l->cons);
		} else {
			mbuff_ring_write(&l->prod, buf, 1);
			l->woken = mbuff_ring_wake_consumer(&l->prod);
		}
		meet(l, &met);
		meet(l, &met);	/* the sleeper puts the ring back */
	}
	return NULL;
}

static int litmus_run(int producer_sleeps)
{
	unsigned long lost = 0, saw = 0, flagged = 0;
	struct litmus l = { .producer_sleeps = producer_sleeps };
	unsigned char buf[100] = { 0 };
	unsigned int met = 0, i;
	void *area = aligned_alloc(4096, STRESS_AREA);
	__u32 *flag, need = mbuff_ring_footprint(100);
	pthread_t t;
	int slept, ret = 0;

	if (!area || mbuff_ring_format(area, STRESS_AREA) < 0 ||
	    mbuff_ring_attach(&l.prod, area, STRESS_AREA) ||
	    mbuff_ring_attach(&l.cons, area, STRESS_AREA)) {
		printf("# no ring\n");
		free(area);
		return -1;
	}
	/* The producer waits for room for 100 bytes, the consumer for data. */
	if (producer_sleeps)
		while (!mbuff_ring_write(&l.prod, buf, 100))
			;
	flag = producer_sleeps ? &l.prod.ctl->prod_waiting :
		&l.cons.ctl->cons_waiting;
	if (pthread_create(&t, NULL, litmus_waker, &l)) {
		free(area);
		return -1;
	}
	for (i = 0; i < LITMUS_ROUNDS; i++) {
		meet(&l, &met);
		if (producer_sleeps)
			slept = mbuff_ring_producer_sleep(&l.prod, need);
		else
			slept = mbuff_ring_consumer_sleep(&l.cons);
		meet(&l, &met);
		lost += slept && !l.woken;
		saw += !slept;
		flagged += l.woken;
		if (producer_sleeps)
			ret |= mbuff_ring_write(&l.prod, buf, 100);
		else
			ret |= mbuff_ring_read(&l.cons, buf, sizeof(buf)) != 1;
		__atomic_store_n(flag, 0, __ATOMIC_RELEASE);
		meet(&l, &met);
	}
	pthread_join(t, NULL);
	free(area);
	printf("# %u rounds: the sleeper saw the %s %lu times, the waker saw the flag %lu times, neither %lu times\n",
	       LITMUS_ROUNDS, producer_sleeps ? "room" : "record", saw,
	       flagged, lost);
	if (ret)
		printf("# the ring did not behave (write or read failed)\n");
	return lost || ret ? -1 : 0;
}

static void *producer_thread(void *arg)
{
	struct side *s = arg;

	s->ret = produce(s);
	return NULL;
}

/* The view of a side; a doubled one lives until the handle is closed. */
static int side_attach(struct side *s)
{
	return mbuff_area_ring_attach(s->area, &s->ring,
				      s->st->doubled ? MBUFF_RING_VIEW_DOUBLED : 0);
}

static int stream_threads(struct side *prod, struct side *cons,
			  const char *name)
{
	pthread_t t;
	int ret;

	ret = mbuff_area_open(name, 0, NULL, &prod->area);
	if (ret)
		return side_fail(cons, "second handle: %s", mbuff_last_error());
	/*
	 * One mapping of the ring for both threads, so TSAN sees them meet;
	 * each side its own copy of the view.
	 */
	ret = side_attach(cons);
	if (ret) {
		mbuff_area_close(prod->area);
		return side_fail(cons, "attach: %s", mbuff_last_error());
	}
	prod->ring = cons->ring;
	ret = pthread_create(&t, NULL, producer_thread, prod);
	if (ret) {
		mbuff_area_close(prod->area);
		return side_fail(cons, "pthread_create: %s", strerror(ret));
	}
	ret = consume(cons);
	pthread_join(t, NULL);
	mbuff_area_close(prod->area);
	if (!ret && prod->ret)
		ret = side_fail(cons, "%s", prod->err);
	else if (ret && prod->ret)
		fprintf(stdout, "# and %s\n", prod->err);
	return ret;
}

/* The producer of stream_processes(), with a handle of its own. */
static int producer_child(struct side *s, const char *name)
{
	int ret;

	/* A consumer that dies leaves no producer behind. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	ret = mbuff_area_open(name, 0, NULL, &s->area);
	if (ret) {
		side_fail(s, "producer: open: %s", mbuff_last_error());
	} else {
		ret = side_attach(s);
		if (ret)
			side_fail(s, "producer: attach: %s", mbuff_last_error());
		else
			ret = produce(s);
		mbuff_area_close(s->area);
	}
	if (ret)
		fprintf(stdout, "# %s\n", s->err);
	return ret;
}

static volatile pid_t child_pid;

static int stream_processes(struct side *prod, struct side *cons,
			    const char *name)
{
	int ret, status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return side_fail(cons, "fork: %s", strerror(errno));
	if (!pid) {
		ret = producer_child(prod, name);
		fflush(stdout);
		_exit(ret ? 1 : 0);
	}
	child_pid = pid;
	ret = side_attach(cons);
	if (ret)
		side_fail(cons, "attach: %s", mbuff_last_error());
	else
		ret = consume(cons);
	if (ret)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return side_fail(cons, "waitpid: %s", strerror(errno));
	child_pid = 0;
	if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))
		ret = side_fail(cons, "the producer failed (status %#x)", status);
	return ret;
}

static int stream_run(const struct stream *st, unsigned long count, int index)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	struct side prod = { .st = st, .count = count, .ret = -1 };
	struct side cons = { .st = st, .count = count };
	struct mbuff_ring_ctl *ctl;
	char name[MBUFF_NAME_SIZE];
	double t0, t;
	int ret;

	snprintf(name, sizeof(name), "ring-stress-%d-%d", (int)getpid(), index);
	ret = mbuff_area_open(name, STRESS_AREA, &o, &cons.area);
	if (ret) {
		printf("# open '%s': %s\n", name, mbuff_last_error());
		return -1;
	}
	ctl = mbuff_area_addr(cons.area);
	if (mbuff_ring_format(ctl, mbuff_area_size(cons.area)) != STRESS_DATA) {
		printf("# format failed\n");
		ret = -1;
		goto out_close;
	}
	ctl->prod = STRESS_START;
	ctl->cons = STRESS_START;
	t0 = now_s();
	if (st->processes)
		ret = stream_processes(&prod, &cons, name);
	else
		ret = stream_threads(&prod, &cons, name);
	t = now_s() - t0;
	if (ret) {
		printf("# %s\n", cons.err);
		goto out_close;
	}
	printf("# %lu records of %u..%u bytes in %.2f s (%.0f/s), %lu pads, %lu checked in place\n",
	       count, st->min_len, st->max_len, t, count / t, cons.pads,
	       cons.inplace);
	printf("# consumer: %lu sleeps, %llu wake-ups sent to it; producer: %llu sleeps, %lu wake-ups sent to it\n",
	       cons.sleeps, (unsigned long long)cons.end.wakes,
	       (unsigned long long)cons.end.sleeps, cons.wakes);
	/* Forced by the start of the stream: each side slept, was woken. */
	if (!cons.sleeps || !cons.end.sleeps || !cons.wakes ||
	    !cons.end.wakes || !cons.pads) {
		printf("# a path was not taken: sleeps, wake-ups and pads must all be > 0\n");
		ret = -1;
	}
	if (st->pad_each && cons.pads < count) {
		printf("# %lu pads for %lu records just over half the ring\n",
		       cons.pads, count);
		ret = -1;
	}
	if (st->cons_batch && cons.inplace != count + 1) {
		printf("# %lu of %lu records checked in place\n", cons.inplace,
		       count + 1);
		ret = -1;
	}
out_close:
	mbuff_area_close(cons.area);
	if (mbuff_destroy(name, MBUFF_SOURCE_PROCESS)) {
		printf("# destroy '%s': %s\n", name, mbuff_last_error());
		ret = -1;
	}
	return ret;
}

/* A stream still running at the limit: a failure, reported as one. */
static void on_alarm(int sig)
{
	static const char msg[] =
		"not ok - a stream still running after the time limit: stalled\n";
	ssize_t n;

	(void)sig;
	if (child_pid > 0)
		kill(child_pid, SIGKILL);
	n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(1);
}

int main(int argc, char **argv)
{
	static const struct stream streams[] = {
		{ "two threads, records copied in and out",
		  0, 0, 0, 0, 1, 300, 1, 0 },
		{ "two threads, doubled view, batches reserved and peeked in place",
		  0, 1, STRESS_BATCH, STRESS_BATCH, 1, 300, 1, 0 },
		{ "two processes, copied in, batches peeked in place",
		  1, 0, 0, STRESS_BATCH, 1, 300, 1, 0 },
		{ "two processes, batches reserved in place, copied out",
		  1, 0, STRESS_BATCH, 0, 1, 300, 1, 0 },
		{ "two threads, tiny ring: the longest record fills it, in place",
		  0, 0, 4, 4, 1, ONE_RING, 25, 0 },
		{ "two processes, tiny ring: the longest record fills it, copied out",
		  1, 0, 3, 0, 1, ONE_RING, 25, 0 },
		{ "two threads, tiny ring: two of the longest fill it, copied in",
		  0, 0, 0, 4, 1, HALF_RING, 25, 0 },
		{ "two processes, tiny ring: two of the longest fill it, in place",
		  1, 0, 4, 4, 1, HALF_RING, 25, 0 },
		{ "two threads, tiny ring: records just over half of it, reserved",
		  0, 0, 2, 0, HALF_RING + 1, OVER_HALF, 25, 1 },
		{ "two processes, tiny ring: records just over half of it, peeked",
		  1, 0, 0, 3, HALF_RING + 1, OVER_HALF, 25, 1 },
	};
	const int n = sizeof(streams) / sizeof(streams[0]);
	unsigned long count = STRESS_RECORDS, c;
	int i, ret, failed = 0;

	if (argc == 2)
		count = strtoul(argv[1], NULL, 0);
	if (argc > 2 || count < 1000) {
		fprintf(stderr, "usage: ring_stress [RECORDS >= 1000]\n");
		return 2;
	}
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
	signal(SIGALRM, on_alarm);
	printf("1..%d\n", n + 2);
	for (i = 0; i < n; i++) {
		c = count / streams[i].scale;
		alarm(STRESS_LIMIT_S);
		ret = stream_run(&streams[i], c < 100 ? 100 : c, i);
		printf("%s %d - %s\n", ret ? "not ok" : "ok", i + 1,
		       streams[i].what);
		fflush(stdout);
		failed |= !!ret;
	}
	for (i = 0; i < 2; i++) {
		alarm(STRESS_LIMIT_S);
		ret = litmus_run(i);
		printf("%s %d - no lost wake-up of the %s racing with the %s\n",
		       ret ? "not ok" : "ok", n + i + 1,
		       i ? "producer" : "consumer", i ? "consumer" : "producer");
		fflush(stdout);
		failed |= !!ret;
	}
	alarm(0);
	return failed;
}
