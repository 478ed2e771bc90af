// SPDX-License-Identifier: GPL-2.0-only
/*
 * Moves records of a few sizes from one process to another through an
 * mbuff ring in a process-only area (futex wake-ups, or busy polling), a
 * pipe and a UNIX socketpair, and prints their throughput and one-way
 * latency side by side.  Timings depend on the machine: `make bench` runs
 * it, `make test` does not.
 * Usage: ring_bench [-n RECORDS] [-r ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

/* 1 MiB of data: a few hundred records of the largest size in flight. */
#define BENCH_AREA	(MBUFF_RING_CTL_SIZE + (1 << 20))
#define BENCH_MAX	4096
#define BENCH_WAIT_MS	10000
#define BENCH_WARMUP	1000

enum bench_kind { BENCH_RING, BENCH_RING_POLL, BENCH_PIPE, BENCH_SOCKET };

static const char *const bench_names[] = {
	[BENCH_RING] = "mbuff ring, futex wake-up",
	[BENCH_RING_POLL] = "mbuff ring, busy polling",
	[BENCH_PIPE] = "pipe",
	[BENCH_SOCKET] = "socketpair SEQPACKET",
};

/**
 * struct chan - one direction between the two processes
 * @kind: what carries the records
 * @name: the area's name (rings)
 * @area: the area, mapped before fork() and shared by both (rings)
 * @ring: the view of its ring (rings)
 * @fd: read end, write end (pipes; the two ends of a socketpair)
 */
struct chan {
	enum bench_kind kind;
	char name[MBUFF_NAME_SIZE];
	struct mbuff_area *area;
	struct mbuff_ring ring;
	int fd[2];
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Busy polling gives up after BENCH_WAIT_MS without progress. */
static int poll_on(unsigned long *spins, double *since)
{
	cpu_relax();
	if (++*spins % 65536)
		return 0;
	if (!*since)
		*since = now_s();
	return now_s() - *since > BENCH_WAIT_MS / 1000.0 ? -ETIMEDOUT : 0;
}

static int chan_open(struct chan *c, enum bench_kind kind, int index)
{
	struct mbuff_opts o = { .sz = sizeof(o),
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL };
	int ret;

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->fd[0] = -1;
	c->fd[1] = -1;
	switch (kind) {
	case BENCH_RING:
	case BENCH_RING_POLL:
		snprintf(c->name, sizeof(c->name), "ring-bench-%d-%d",
			 (int)getpid(), index);
		ret = mbuff_area_open(c->name, BENCH_AREA, &o, &c->area);
		if (ret)
			return ret;
		if (mbuff_ring_format(mbuff_area_addr(c->area),
				      mbuff_area_size(c->area)) < 0) {
			ret = -EINVAL;
			goto err_destroy;
		}
		ret = mbuff_area_ring_attach(c->area, &c->ring, 0);
		if (ret)
			goto err_destroy;
		return 0;
	case BENCH_PIPE:
		return pipe2(c->fd, O_CLOEXEC) ? -errno : 0;
	case BENCH_SOCKET:
		return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				  c->fd) ? -errno : 0;
	}
	return -EINVAL;

err_destroy:
	mbuff_area_close(c->area);
	mbuff_destroy(c->name, MBUFF_SOURCE_PROCESS);
	return ret;
}

static void chan_close(struct chan *c)
{
	if (c->area) {
		mbuff_area_close(c->area);
		mbuff_destroy(c->name, MBUFF_SOURCE_PROCESS);
	}
	if (c->fd[0] >= 0)
		close(c->fd[0]);
	if (c->fd[1] >= 0)
		close(c->fd[1]);
}

static int ring_send(struct chan *c, const void *buf, uint32_t len)
{
	unsigned long spins = 0;
	double since = 0;
	int ret;

	while ((ret = mbuff_ring_write(&c->ring, buf, len)) == -EAGAIN) {
		ret = 0;
		if (c->kind == BENCH_RING_POLL) {
			ret = poll_on(&spins, &since);
		} else if (mbuff_ring_producer_sleep(&c->ring,
						     mbuff_ring_footprint(len))) {
			ret = mbuff_area_wait(c->area, BENCH_WAIT_MS);
			ret = ret < 0 ? ret : 0;
		}
		if (ret)
			return ret;
	}
	if (!ret && c->kind == BENCH_RING && mbuff_ring_wake_consumer(&c->ring))
		ret = mbuff_area_notify(c->area);
	return ret;
}

static int ring_recv(struct chan *c, void *buf, uint32_t len)
{
	unsigned long spins = 0;
	double since = 0;
	long n;
	int ret;

	while ((n = mbuff_ring_read(&c->ring, buf, len)) == -EAGAIN) {
		ret = 0;
		if (c->kind == BENCH_RING_POLL) {
			ret = poll_on(&spins, &since);
		} else if (mbuff_ring_consumer_sleep(&c->ring)) {
			ret = mbuff_area_wait(c->area, BENCH_WAIT_MS);
			ret = ret < 0 ? ret : 0;
		}
		if (ret)
			return ret;
	}
	if (n < 0)
		return (int)n;
	if (c->kind == BENCH_RING && mbuff_ring_wake_producer(&c->ring)) {
		ret = mbuff_area_notify(c->area);
		if (ret)
			return ret;
	}
	return n == len ? 0 : -EIO;
}

static int chan_send(struct chan *c, const void *buf, uint32_t len)
{
	const char *p = buf;
	ssize_t n;

	switch (c->kind) {
	case BENCH_RING:
	case BENCH_RING_POLL:
		return ring_send(c, buf, len);
	case BENCH_SOCKET:
		n = send(c->fd[1], buf, len, 0);
		return n == len ? 0 : n < 0 ? -errno : -EIO;
	case BENCH_PIPE:
		while (len) {
			n = write(c->fd[1], p, len);
			if (n < 0)
				return -errno;
			p += n;
			len -= (uint32_t)n;
		}
		return 0;
	}
	return -EINVAL;
}

static int chan_recv(struct chan *c, void *buf, uint32_t len)
{
	char *p = buf;
	ssize_t n;

	switch (c->kind) {
	case BENCH_RING:
	case BENCH_RING_POLL:
		return ring_recv(c, buf, len);
	case BENCH_SOCKET:
		n = recv(c->fd[0], buf, len, 0);
		return n == len ? 0 : n < 0 ? -errno : -EIO;
	case BENCH_PIPE:
		while (len) {
			n = read(c->fd[0], p, len);
			if (n <= 0)
				return n ? -errno : -EPIPE;
			p += n;
			len -= (uint32_t)n;
		}
		return 0;
	}
	return -EINVAL;
}

/* Reap the child; kill it first if the parent gave up on it. */
static int child_done(pid_t pid, int failed)
{
	int status;

	if (failed)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* Records per second from a child producer to the parent. */
static int bench_stream(enum bench_kind kind, uint32_t size,
			unsigned long count, double *rate)
{
	static unsigned char buf[BENCH_MAX];
	unsigned long i, seq;
	double t0 = 0;
	struct chan c;
	int ret;
	pid_t pid;

	ret = chan_open(&c, kind, 0);
	if (ret)
		return ret;
	memset(buf, 0x5a, size);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		chan_close(&c);
		return -errno;
	}
	if (!pid) {
		for (i = 0; i < count; i++) {
			memcpy(buf, &i, sizeof(i));
			if (chan_send(&c, buf, size))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < count && !ret; i++) {
		ret = chan_recv(&c, buf, size);
		memcpy(&seq, buf, sizeof(seq));
		if (!ret && seq != i)
			ret = -EIO;
		if (!i)
			t0 = now_s();
	}
	*rate = (double)(count - 1) / (now_s() - t0);
	if (child_done(pid, ret) && !ret)
		ret = -ECHILD;
	chan_close(&c);
	return ret;
}

/* Half the round trip of a record sent to a child and sent back. */
static int bench_latency(enum bench_kind kind, uint32_t size,
			 unsigned long rounds, double *latency)
{
	static unsigned char buf[BENCH_MAX];
	unsigned long i, total = rounds + BENCH_WARMUP;
	struct chan there, back;
	double t0 = 0;
	int ret;
	pid_t pid;

	ret = chan_open(&there, kind, 1);
	if (ret)
		return ret;
	ret = chan_open(&back, kind, 2);
	if (ret) {
		chan_close(&there);
		return ret;
	}
	memset(buf, 0xa5, size);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!pid) {
		for (i = 0; i < total; i++)
			if (chan_recv(&there, buf, size) ||
			    chan_send(&back, buf, size))
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < total && !ret; i++) {
		if (i == BENCH_WARMUP)
			t0 = now_s();
		ret = chan_send(&there, buf, size);
		if (!ret)
			ret = chan_recv(&back, buf, size);
	}
	*latency = (now_s() - t0) / (double)rounds / 2;
	if (child_done(pid, ret) && !ret)
		ret = -ECHILD;
out_close:
	chan_close(&back);
	chan_close(&there);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ring_bench [-n RECORDS] [-r ROUNDS]\n"
		"  -n  records per throughput run (default: 1000000, 262144 of 4096 bytes)\n"
		"  -r  round trips per latency run (default: 20000)\n");
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 16, 256, 4096 };
	unsigned long records = 0, rounds = 20000, count;
	double rate = 0, latency = 0;
	int opt, kind, ret, failed = 0, sock[2], pipes[2], sndbuf = 0;
	socklen_t len = sizeof(sndbuf);
	size_t i;

	while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
		switch (opt) {
		case 'n':
			records = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (records && records < 2) || !rounds) {
		usage(stderr);
		return 2;
	}
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");

	if (!pipe(pipes)) {
		printf("pipe buffer %d bytes; ", fcntl(pipes[0], F_GETPIPE_SZ));
		close(pipes[0]);
		close(pipes[1]);
	}
	if (!socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sock)) {
		getsockopt(sock[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len);
		printf("socket send buffer %d bytes; ", sndbuf);
		close(sock[0]);
		close(sock[1]);
	}
	printf("ring data %d bytes; %ld CPUs\n", BENCH_AREA - MBUFF_RING_CTL_SIZE,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("one process writes, another reads; latency is half a round trip\n\n");
	printf("%-27s %5s %10s %13s %10s %12s\n", "transport", "bytes",
	       "records", "records/s", "MB/s", "latency us");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		count = records ? records : sizes[i] > 256 ? 262144 : 1000000;
		for (kind = BENCH_RING; kind <= BENCH_SOCKET; kind++) {
			ret = bench_stream(kind, sizes[i], count, &rate);
			if (!ret)
				ret = bench_latency(kind, sizes[i], rounds,
						    &latency);
			if (ret) {
				printf("%-27s %5u failed: %s %s\n",
				       bench_names[kind], sizes[i],
				       strerror(-ret), mbuff_last_error());
				failed = 1;
				continue;
			}
			printf("%-27s %5u %10lu %13.0f %10.1f %12.2f\n",
			       bench_names[kind], sizes[i], count, rate,
			       rate * sizes[i] / 1e6, latency * 1e6);
			fflush(stdout);
		}
	}
	return failed;
}
