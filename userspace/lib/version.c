// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuff_version(): the release of the library a program runs with, which
 * may be newer than the one whose header it was built with.
 */
#if defined(__has_include)
#if __has_include(<mbuff/version.h>)
#include <mbuff/version.h>
#endif
#endif

#include "internal.h"

/* A tree whose build generates no <mbuff/version.h> (yet). */
#ifndef MBUFF_VERSION_STRING
#define MBUFF_VERSION_STRING "0.5.0"
#endif

/**
 * mbuff_version() - the library's release
 *
 * Return: a string such as "0.5.0", which belongs to the library.
 */
MBUFF_EXPORT const char *mbuff_version(void)
{
	return MBUFF_VERSION_STRING;
}
