// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring under load: two threads, then two processes, stream a million
 * records of 1..300 bytes through a process-only area, blocking with the
 * waiting flags and futex wake-ups; then each side's waiting flag races
 * the other side's wake-up check, round after round, and no wake-up may be
 * lost.  A plain program printing TAP, so that it can also be built with
 * -fsanitize=thread and -fsanitize=address,undefined (Criterion's runner
 * does not start under TSAN).
 * Usage: ring_stress [RECORDS]
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

#define STRESS_RECORDS		1000000UL
#define STRESS_MAX_LEN		300
#define STRESS_BUF		512
/* One page of control, one of data: the ring is full or empty often. */
#define STRESS_AREA		(2 * MBUFF_RING_CTL_SIZE)
/* No wake-up for this long while the other side runs: one was lost. */
#define STRESS_WAIT_MS		10000
/* The free-running indices cross 2^32 after the first record or two. */
#define STRESS_START		0xffffff00U
#define STRESS_END_MAGIC	0x444e4552U	/* "REND" */

/**
 * struct stream - one way of streaming
 * @what: the test's name
 * @processes: producer in a child process, else in a thread
 * @doubled: both sides use a doubled view (mbuff_area_ring_attach())
 * @peek: the consumer reads in place (mbuff_ring_peek()), copying only
 *	the records a plain view sees split; else it copies every record
 */
struct stream {
	const char *what;
	int processes;
	int doubled;
	int peek;
};

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
 * @split: records that ran past the end of the data
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
	unsigned long split;
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

static uint32_t rec_len(uint64_t seq)
{
	return 1 + (uint32_t)(mix(seq) % STRESS_MAX_LEN);
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

/* Append one record, sleeping while there is no room. */
static int put(struct side *s, const void *buf, uint32_t len)
{
	int ret;

	while ((ret = mbuff_ring_write(&s->ring, buf, len)) == -EAGAIN) {
		if (!mbuff_ring_producer_sleep(&s->ring,
					       mbuff_ring_footprint(len)))
			continue;
		s->sleeps++;
		ret = mbuff_area_wait(s->area, STRESS_WAIT_MS);
		if (ret < 0)
			return side_fail(s, "producer: no room and no wake-up for %d ms (%s)",
					 STRESS_WAIT_MS, strerror(-ret));
	}
	if (ret)
		return side_fail(s, "producer: writing %u bytes: %s", len,
				 strerror(-ret));
	if (mbuff_ring_wake_consumer(&s->ring)) {
		s->wakes++;
		ret = mbuff_area_notify(s->area);
		if (ret)
			return side_fail(s, "producer: notify: %s", strerror(-ret));
	}
	return 0;
}

static int produce(struct side *s)
{
	struct stress_end end = { .magic = STRESS_END_MAGIC };
	unsigned char buf[STRESS_BUF];
	unsigned long seq;
	uint32_t len;

	/* Let the consumer find the ring empty and go to sleep first. */
	if (spin_until_set(&s->ring.ctl->cons_waiting))
		return side_fail(s, "producer: the consumer never went to sleep");
	end.sum = FNV_BASIS;
	for (seq = 0; seq < s->count; seq++) {
		len = rec_len(seq);
		rec_fill(seq, buf, len);
		end.sum = fnv1a(end.sum, buf, len);
		if (put(s, buf, len))
			return -1;
	}
	end.count = seq;
	end.sleeps = s->sleeps;
	end.wakes = s->wakes;
	return put(s, &end, sizeof(end));
}

/*
 * Take the next record, sleeping while there is none: in place (returns 1;
 * mbuff_ring_consume() it after use) or copied to @buf (returns 0).
 */
static int take(struct side *s, unsigned char *buf, const unsigned char **p,
		uint32_t *len)
{
	long n;
	int ret;

	for (;;) {
		*len = 0;
		if (s->st->peek) {
			*p = mbuff_ring_peek(&s->ring, len);
			if (*p)
				return 1;
		}
		if (!s->st->peek || *len) {
			n = mbuff_ring_read(&s->ring, buf, STRESS_BUF);
			if (n >= 0) {
				*p = buf;
				if (s->st->peek && (uint32_t)n != *len)
					return side_fail(s, "consumer: peek said %u bytes, read %ld",
							 *len, n);
				*len = (uint32_t)n;
				return 0;
			}
			if (n != -EAGAIN || s->st->peek)
				return side_fail(s, "consumer: read: %s",
						 strerror((int)-n));
		}
		if (!mbuff_ring_consumer_sleep(&s->ring))
			continue;
		s->sleeps++;
		ret = mbuff_area_wait(s->area, STRESS_WAIT_MS);
		if (ret < 0)
			return side_fail(s, "consumer: no data and no wake-up for %d ms (%s)",
					 STRESS_WAIT_MS, strerror(-ret));
	}
}

static int check_record(struct side *s, unsigned long seq,
			const unsigned char *p, uint32_t len)
{
	unsigned char want[STRESS_BUF];
	uint32_t wlen = rec_len(seq), i;
	uint64_t got = 0;

	rec_fill(seq, want, wlen);
	for (i = 0; i < len && i < 8; i++)
		got |= (uint64_t)p[i] << (8 * i);
	if (len != wlen)
		return side_fail(s, "consumer: record %lu has %u bytes, not %u (sequence bytes %#llx)",
				 seq, len, wlen, (unsigned long long)got);
	for (i = 0; i < len; i++)
		if (p[i] != want[i])
			return side_fail(s, "consumer: record %lu differs at byte %u of %u (sequence bytes %#llx)",
					 seq, i, len, (unsigned long long)got);
	s->sum = fnv1a(s->sum, p, len);
	return 0;
}

static int check_end(struct side *s, const unsigned char *p, uint32_t len)
{
	if (len != sizeof(s->end))
		return side_fail(s, "consumer: last record has %u bytes", len);
	memcpy(&s->end, p, sizeof(s->end));
	if (s->end.magic != STRESS_END_MAGIC || s->end.count != s->count)
		return side_fail(s, "consumer: bad last record (magic %#x, count %llu)",
				 s->end.magic, (unsigned long long)s->end.count);
	if (s->end.sum != s->sum)
		return side_fail(s, "consumer: checksum %#llx, the producer sent %#llx",
				 (unsigned long long)s->sum,
				 (unsigned long long)s->end.sum);
	return 0;
}

static int consume(struct side *s)
{
	const struct mbuff_ring *r = &s->ring;
	uint32_t size = r->mask + 1, cons, off, len;
	uint32_t total = 0;
	unsigned char buf[STRESS_BUF];
	const unsigned char *p = NULL;
	unsigned long seq;
	int inplace, ret, split;

	s->sum = FNV_BASIS;
	for (seq = 0; seq <= s->count; seq++) {
		cons = r->ctl->cons;
		inplace = take(s, buf, &p, &len);
		if (inplace < 0)
			return -1;
		off = (cons + (uint32_t)sizeof(struct mbuff_ring_rec)) & r->mask;
		split = off + len > size;
		s->split += split;
		if (s->st->peek && !r->doubled && inplace == split)
			return side_fail(s, "consumer: record %lu (%u bytes at %u): peek %s",
					 seq, len, off, split ?
					 "returned a split record" :
					 "gave up on a contiguous record");
		total += mbuff_ring_footprint(len);
		if (seq == s->count)
			ret = check_end(s, p, len);
		else
			ret = check_record(s, seq, p, len);
		if (inplace)
			mbuff_ring_consume(&s->ring);
		if (ret)
			return ret;
		if (mbuff_ring_wake_producer(&s->ring)) {
			s->wakes++;
			ret = mbuff_area_notify(s->area);
			if (ret)
				return side_fail(s, "consumer: notify: %s",
						 strerror(-ret));
		}
		/* Let the producer fill the ring and go to sleep once. */
		if (!seq && spin_until_set(&r->ctl->prod_waiting))
			return side_fail(s, "consumer: the producer never waited for room");
	}
	if (mbuff_ring_used_bytes(r))
		return side_fail(s, "consumer: %u bytes left after the last record",
				 mbuff_ring_used_bytes(r));
	if (r->ctl->cons != STRESS_START + total)
		return side_fail(s, "consumer: index %#x, expected %#x",
				 r->ctl->cons, STRESS_START + total);
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
 * @ring: the view both threads use
 * @arrived: times a thread reached meet()
 * @woken: the waker saw the flag, this round
 * @producer_sleeps: which side goes to sleep
 */
struct litmus {
	struct mbuff_ring ring;
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
			mbuff_ring_read(&l->ring, buf, sizeof(buf));
			l->woken = mbuff_ring_wake_producer(&l->ring);
		} else {
			mbuff_ring_write(&l->ring, buf, 1);
			l->woken = mbuff_ring_wake_consumer(&l->ring);
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
	    mbuff_ring_attach(&l.ring, area, STRESS_AREA)) {
		printf("# no ring\n");
		free(area);
		return -1;
	}
	/* The producer waits for room for 100 bytes, the consumer for data. */
	if (producer_sleeps)
		while (!mbuff_ring_write(&l.ring, buf, 100))
			;
	flag = producer_sleeps ? &l.ring.ctl->prod_waiting :
		&l.ring.ctl->cons_waiting;
	if (pthread_create(&t, NULL, litmus_waker, &l)) {
		free(area);
		return -1;
	}
	for (i = 0; i < LITMUS_ROUNDS; i++) {
		meet(&l, &met);
		if (producer_sleeps)
			slept = mbuff_ring_producer_sleep(&l.ring, need);
		else
			slept = mbuff_ring_consumer_sleep(&l.ring);
		meet(&l, &met);
		lost += slept && !l.woken;
		saw += !slept;
		flagged += l.woken;
		if (producer_sleeps)
			ret |= mbuff_ring_write(&l.ring, buf, 100);
		else
			ret |= mbuff_ring_read(&l.ring, buf, sizeof(buf)) != 1;
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
	/* One mapping of the ring for both threads, so TSAN sees them meet. */
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
	return ret;
}

/* The producer of stream_processes(), with a handle of its own. */
static int producer_child(struct side *s, const char *name)
{
	int ret;

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
		fprintf(stderr, "# %s\n", s->err);
	return ret;
}

static int stream_processes(struct side *prod, struct side *cons,
			    const char *name)
{
	int ret, status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return side_fail(cons, "fork: %s", strerror(errno));
	if (!pid)
		_exit(producer_child(prod, name) ? 1 : 0);
	ret = side_attach(cons);
	if (ret)
		side_fail(cons, "attach: %s", mbuff_last_error());
	else
		ret = consume(cons);
	if (ret)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return side_fail(cons, "waitpid: %s", strerror(errno));
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
	if (mbuff_ring_format(ctl, mbuff_area_size(cons.area)) < 0) {
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
	printf("# %lu records in %.2f s (%.0f/s), %lu of them split\n",
	       count, t, count / t, cons.split);
	printf("# consumer: %lu sleeps, %llu wake-ups sent to it; producer: %llu sleeps, %lu wake-ups sent to it\n",
	       cons.sleeps, (unsigned long long)cons.end.wakes,
	       (unsigned long long)cons.end.sleeps, cons.wakes);
	/* Forced by the start of the stream: each side slept, was woken. */
	if (!cons.sleeps || !cons.end.sleeps || !cons.wakes ||
	    !cons.end.wakes || !cons.split) {
		printf("# a path was not taken: sleeps, wake-ups and split records must all be > 0\n");
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

int main(int argc, char **argv)
{
	static const struct stream streams[] = {
		{ "two threads, plain view, records copied out", 0, 0, 0 },
		{ "two threads, doubled view, records read in place", 0, 1, 1 },
		{ "two processes, plain view, in place unless split", 1, 0, 1 },
		{ "two processes, doubled view, records read in place", 1, 1, 1 },
	};
	const int n = sizeof(streams) / sizeof(streams[0]);
	int ret;
	unsigned long count = STRESS_RECORDS;
	int i, failed = 0;

	if (argc == 2)
		count = strtoul(argv[1], NULL, 0);
	if (argc > 2 || count < 1000) {
		fprintf(stderr, "usage: ring_stress [RECORDS >= 1000]\n");
		return 2;
	}
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
	/* A lost wake-up times out; anything else that hangs ends here. */
	alarm(900);
	printf("1..%d\n", n + 2);
	for (i = 0; i < n; i++) {
		ret = stream_run(&streams[i], count, i);
		printf("%s %d - %s\n", ret ? "not ok" : "ok", i + 1,
		       streams[i].what);
		fflush(stdout);
		failed |= !!ret;
	}
	for (i = 0; i < 2; i++) {
		ret = litmus_run(i);
		printf("%s %d - no lost wake-up of the %s racing with the %s\n",
		       ret ? "not ok" : "ok", n + i + 1,
		       i ? "producer" : "consumer", i ? "consumer" : "producer");
		fflush(stdout);
		failed |= !!ret;
	}
	return failed;
}
