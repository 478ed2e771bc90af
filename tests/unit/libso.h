// SPDX-License-Identifier: GPL-2.0-only
/* The shared library of this build, for tests that dlopen() it. */
#ifndef MBUFF_TEST_LIBSO_H
#define MBUFF_TEST_LIBSO_H

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The shared library of this build: $MBUFF_LIBSO, else build/lib next to
 * build/unit where this test lives, else build/lib under the current
 * directory (scripts/run-tests runs from the top of the tree).
 */
static void *libso(void)
{
	const char *env = getenv("MBUFF_LIBSO");
	char exe[PATH_MAX], path[PATH_MAX + 32], *slash;
	ssize_t len;
	void *h;

	if (env && *env) {
		h = dlopen(env, RTLD_NOW);
		cr_assert_not_null(h, "%s", dlerror());
		return h;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/../lib/libmbuff.so.0", exe);
		if (access(path, F_OK))
			snprintf(path, sizeof(path), "build/lib/libmbuff.so.0");
	} else {
		snprintf(path, sizeof(path), "build/lib/libmbuff.so.0");
	}
	if (access(path, F_OK))
		cr_skip_test("no libmbuff.so.0 (make lib) and no MBUFF_LIBSO");
	h = dlopen(path, RTLD_NOW);
	cr_assert_not_null(h, "%s", dlerror());
	return h;
}

#endif
