/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the ring's library tests (test_ring.c, test_ring_lib.c) share:
 * process-only areas with names of their own, removed after each test
 * even when an assertion ends it.
 */
#ifndef MBUFF_RING_AREA_H
#define MBUFF_RING_AREA_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <mbuff.h>

static char *uname_(const char *base)
{
	static char buf[4][40];
	static int i;
	char *b = buf[i++ % 4];

	snprintf(b, 40, "%s-%d", base, getpid());
	return b;
}

/* The area a test made, removed even when an assertion ends the test. */
static const char *test_area;

static void process_only(void)
{
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
}

static void remove_area(void)
{
	if (test_area)
		mbuff_destroy(test_area, MBUFF_SOURCE_PROCESS);
}

#endif /* MBUFF_RING_AREA_H */
