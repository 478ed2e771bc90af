// SPDX-License-Identifier: MIT
/*
 * Example: wait for values that producer publishes in a named area, and
 * print each new one, until value COUNT arrives.
 * Build: cc consumer.c $(pkg-config --cflags --libs mbuff)
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <mbuff.h>

#include "mailbox.h"

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area *area;
	struct mailbox *box;
	unsigned int last = 0, seq, n;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: consumer NAME COUNT\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[2], NULL, 0);
	ret = mbuff_area_open(argv[1], sizeof(*box), &o, &area);
	if (ret) {
		fprintf(stderr, "consumer: %s\n", mbuff_last_error());
		return 1;
	}
	box = mbuff_area_addr(area);
	while (last < n) {
		/* Pairs with the producer's release store. */
		seq = atomic_load_explicit(&box->seq, memory_order_acquire);
		if (seq != last) {
			printf("%u: %s\n", seq, box->text);
			fflush(stdout);
			last = seq;
			continue;
		}
		ret = mbuff_area_wait(area, 5000);
		if (ret < 0) {
			fprintf(stderr, "consumer: %s\n", mbuff_last_error());
			break;
		}
	}
	mbuff_area_close(area);
	return last == n ? 0 : 1;
}
