// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbuff_list_names() on process-only areas: the size asked with no
 * buffer, the names in a row, each NUL-terminated, the same as
 * mbuff_list(), ERANGE for a buffer too small, and the invalid calls.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbuff.h>

#define NAREA	3

static char names[NAREA][MBUFF_NAME_SIZE];

static void setup(void)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area *a;
	int i;

	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
	for (i = 0; i < NAREA; i++) {
		snprintf(names[i], sizeof(names[i]), "lnames%d-%d", i,
			 getpid());
		cr_assert_eq(mbuff_area_open(names[i], 4096, &o, &a), 0, "%s",
			     mbuff_last_error());
		mbuff_area_close(a);
	}
}

static void teardown(void)
{
	int i;

	for (i = 0; i < NAREA; i++)
		mbuff_destroy(names[i], MBUFF_SOURCE_PROCESS);
}

TestSuite(list_names, .init = setup, .fini = teardown);

/* Is @name in the @len bytes of names at @buf? */
static int listed(const char *buf, size_t len, const char *name)
{
	size_t off;

	for (off = 0; off < len; off += strlen(buf + off) + 1)
		if (!strcmp(buf + off, name))
			return 1;
	return 0;
}

/*
 * Other programs may create and remove areas meanwhile: ask again while
 * the names do not fit.
 */
static char *list_all(ssize_t *lenp, unsigned int source)
{
	ssize_t need, len;
	char *buf = NULL;
	int tries;

	for (tries = 0; tries < 10; tries++) {
		need = mbuff_list_names(NULL, 0, source);
		cr_assert_geq(need, 0, "%s", mbuff_last_error());
		buf = realloc(buf, (size_t)need + 64);
		cr_assert_not_null(buf);
		len = mbuff_list_names(buf, (size_t)need + 64, source);
		if (len >= 0) {
			*lenp = len;
			return buf;
		}
		cr_assert_eq(len, -ERANGE);
	}
	cr_assert_fail("the names never fit");
	return NULL;
}

Test(list_names, every_name_once_nul_terminated)
{
	char (*arr)[MBUFF_NAME_SIZE];
	size_t count, i, bytes = 0;
	ssize_t len;
	char *buf = list_all(&len, MBUFF_SOURCE_PROCESS);

	cr_assert_gt(len, 0);
	cr_assert_eq(buf[len - 1], '\0', "the last name is terminated");
	for (i = 0; i < NAREA; i++)
		cr_assert(listed(buf, (size_t)len, names[i]), "%s", names[i]);
	/* Each name a valid one, as mbuff_list() gives them. */
	cr_assert_eq(mbuff_list(&arr, &count, MBUFF_SOURCE_PROCESS), 0);
	for (i = 0; i < count; i++)
		bytes += strlen(arr[i]) + 1;
	free(arr);
	for (i = 0; i < (size_t)len; i += strlen(buf + i) + 1)
		cr_assert_eq(mbuff_name_check(buf + i), 0, "'%s'", buf + i);
	cr_assert_gt(bytes, 0);
	free(buf);
}

Test(list_names, auto_source_follows_MBUFF_SOURCE)
{
	ssize_t len;
	char *buf = list_all(&len, MBUFF_SOURCE_AUTO);

	cr_assert(listed(buf, (size_t)len, names[0]));
	free(buf);
}

Test(list_names, too_small_is_ERANGE_and_untouched)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	errno = 0;
	cr_assert_eq(mbuff_list_names(buf, 1, MBUFF_SOURCE_PROCESS), -ERANGE);
	cr_assert_eq(errno, ERANGE);
	cr_assert(strstr(mbuff_last_error(), "room for 1"), "%s",
		  mbuff_last_error());
	cr_assert_eq(buf[0], 'x', "written on error");
}

Test(list_names, invalid_calls)
{
	cr_assert_eq(mbuff_list_names(NULL, 16, MBUFF_SOURCE_PROCESS), -EINVAL);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(mbuff_list_names(NULL, 0, 99), -EINVAL);
	setenv("MBUFF_SOURCE", "nonsense", 1);
	cr_assert_eq(mbuff_list_names(NULL, 0, MBUFF_SOURCE_AUTO), -EINVAL);
	setenv("MBUFF_SOURCE", "process", 1);
}

/* The devmem source lists MBUFF_DEVMEM, in its order, needing nothing. */
Test(list_names, devmem_in_order)
{
	char buf[64];

	setenv("MBUFF_DEVMEM", "b=4096@0x1000,a=4096@0x2000", 1);
	cr_assert_eq(mbuff_list_names(NULL, 0, MBUFF_SOURCE_DEVMEM), 4);
	cr_assert_eq(mbuff_list_names(buf, sizeof(buf), MBUFF_SOURCE_DEVMEM), 4);
	cr_assert_eq(memcmp(buf, "b\0a\0", 4), 0);
	unsetenv("MBUFF_DEVMEM");
	cr_assert_eq(mbuff_list_names(buf, sizeof(buf), MBUFF_SOURCE_DEVMEM), 0);
}
