// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Errors: every failing call leaves a message for mbuff_last_error(), per
 * thread, and sets errno.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread char mbuff_errbuf[256];

int mbuff_fail(int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(mbuff_errbuf, sizeof(mbuff_errbuf), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(mbuff_errbuf) - 2)
		snprintf(mbuff_errbuf + n, sizeof(mbuff_errbuf) - (size_t)n,
			 ": %s", strerror(err));
	errno = err;
	return -err;
}

/**
 * mbuff_last_error() - what the last failing call of this thread said
 *
 * Return: a message such as "cannot open area 'x': No such file or
 * directory", or "" when nothing failed yet.
 */
MBUFF_EXPORT const char *mbuff_last_error(void)
{
	return mbuff_errbuf;
}
