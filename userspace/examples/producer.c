// SPDX-License-Identifier: MIT
/*
 * Example: publish values in a named area and wake whoever waits on it.
 * Run consumer in another terminal first:  consumer demo & producer demo 10
 * Build: cc producer.c $(pkg-config --cflags --libs mbuff)
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbuff.h>

#include "mailbox.h"

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area *area;
	struct mailbox *box;
	unsigned int i, n;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: producer NAME COUNT\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[2], NULL, 0);
	ret = mbuff_area_open(argv[1], sizeof(*box), &o, &area);
	if (ret) {
		fprintf(stderr, "producer: %s\n", mbuff_last_error());
		return 1;
	}
	box = mbuff_area_addr(area);
	for (i = 1; i <= n; i++) {
		snprintf(box->text, sizeof(box->text), "value %u from pid %d",
			 i, (int)getpid());
		/* Publish the text before its sequence number (pairs with the
		 * consumer's acquire load). */
		atomic_store_explicit(&box->seq, i, memory_order_release);
		ret = mbuff_area_notify(area);
		if (ret && ret != -EOPNOTSUPP) {
			fprintf(stderr, "producer: %s\n", mbuff_last_error());
			break;
		}
		usleep(20000);
	}
	mbuff_area_close(area);
	return ret && ret != -EOPNOTSUPP ? 1 : 0;
}
