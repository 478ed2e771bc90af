// SPDX-License-Identifier: MIT
/*
 * Example: a single-producer, single-consumer ring of fixed-size records
 * in a named area, between two processes, written with C11 atomics
 * instead of volatile: the producer publishes a record with a release
 * store of its head index, the consumer reads it after an acquire load,
 * and frees the slot with a release store of its tail index.
 * Indices run freely and are compared by difference, so they may wrap.
 * Usage: ring NAME RECORDS
 * Build: cc ring.c $(pkg-config --cflags --libs mbuff)
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mbuff.h>

#define SLOTS 256	/* a power of two */

struct record {
	uint32_t seq;
	uint32_t value;
};

struct ring {
	_Alignas(64) _Atomic uint32_t head;	/* written by the producer */
	_Alignas(64) _Atomic uint32_t tail;	/* written by the consumer */
	_Alignas(64) struct record slot[SLOTS];
};

static uint32_t value_of(uint32_t seq)
{
	return seq * 2654435761u ^ 0x5bd1e995u;
}

static void produce(struct ring *r, uint32_t n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	for (uint32_t i = 0; i < n; i++, head++) {
		/* Wait for room: pairs with the consumer's release of tail. */
		while (head - atomic_load_explicit(&r->tail,
						   memory_order_acquire) == SLOTS)
			sched_yield();
		r->slot[head % SLOTS] = (struct record){ i, value_of(i) };
		atomic_store_explicit(&r->head, head + 1, memory_order_release);
	}
}

static int consume(struct ring *r, uint32_t n, uint64_t *sum)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	for (uint32_t i = 0; i < n; i++, tail++) {
		struct record rec;

		/* Wait for a record: pairs with the producer's release. */
		while (atomic_load_explicit(&r->head, memory_order_acquire) == tail)
			sched_yield();
		rec = r->slot[tail % SLOTS];
		atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
		if (rec.seq != i || rec.value != value_of(i)) {
			fprintf(stderr, "ring: record %u is %u/%#x\n", i,
				rec.seq, rec.value);
			return -1;
		}
		*sum += rec.value;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area *area;
	uint64_t sum = 0, want = 0;
	uint32_t n;
	int st;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: ring NAME RECORDS\n");
		return 2;
	}
	n = (uint32_t)strtoul(argv[2], NULL, 0);
	if (mbuff_area_open(argv[1], sizeof(struct ring), &o, &area)) {
		fprintf(stderr, "ring: %s\n", mbuff_last_error());
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		produce(mbuff_area_addr(area), n);
		_exit(0);
	}
	if (consume(mbuff_area_addr(area), n, &sum))
		return 1;
	waitpid(pid, &st, 0);
	for (uint32_t i = 0; i < n; i++)
		want += value_of(i);
	printf("%u records through a %d-slot ring, checksum %s\n", n, SLOTS,
	       sum == want ? "ok" : "WRONG");
	mbuff_area_close(area);
	return sum == want && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : 1;
}
