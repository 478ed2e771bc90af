// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff's structs that start with their size, without the module: what
 * it fills for a caller that knows less or more than it does, the sizes it
 * refuses, options of the 0.1 size, and the 0.1 versions of the functions
 * whose structs grew (through dlvsym() on the shared library).
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbuff.h>

static char *uname_(const char *base)
{
	static char buf[8][40];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, 40, "%s-%d", base, getpid());
	return b;
}

static void process_only(void)
{
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
}

TestSuite(sizes, .init = process_only);

#define END_OF(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

static struct mbuff_area *create(const char *name)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area *a;

	cr_assert_eq(mbuff_area_open(name, 4096, &o, &a), 0, "%s",
		     mbuff_last_error());
	return a;
}

/* A caller's struct from a newer header: the library's, then more. */
struct info_newer {
	struct mbuff_area_info info;
	unsigned char more[64];
};

Test(sizes, area_info)
{
	const char *n = uname_("info");
	struct mbuff_area *a = create(n);
	struct mbuff_area_info info;
	struct info_newer big;
	size_t first = END_OF(struct mbuff_area_info, mode);

	/* Too small, or not set at all: refused, nothing written. */
	memset(&info, 0xee, sizeof(info));
	info.sz = 0;
	cr_assert_eq(mbuff_area_info(a, &info), -EINVAL);
	cr_assert_eq(errno, EINVAL);
	cr_assert(strstr(mbuff_last_error(), "struct mbuff_area_info"), "%s",
		  mbuff_last_error());
	cr_assert_eq((unsigned char)info.name[0], 0xee, "written on error");
	info.sz = first - 1;
	cr_assert_eq(mbuff_area_info(a, &info), -EINVAL);
	cr_assert_eq(mbuff_area_info(a, NULL), -EINVAL);

	/* The first version's exact end (no tail padding): accepted. */
	memset(&info, 0, sizeof(info));
	info.sz = first;
	cr_assert_eq(mbuff_area_info(a, &info), 0, "%s", mbuff_last_error());
	cr_assert_eq(info.sz, first);
	cr_assert_str_eq(info.name, n);
	cr_assert_eq(info.mode, 0600);

	/* sizeof(): everything, sz unchanged. */
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	cr_assert_eq(mbuff_area_info(a, &info), 0);
	cr_assert_eq(info.sz, sizeof(info));
	cr_assert_eq(info.size, 4096);
	cr_assert_eq(info.uid, getuid());
	cr_assert_eq(info.gid, getgid());

	/* Larger: what the library knows, the rest untouched, sz says so. */
	memset(&big, 0xa5, sizeof(big));
	big.info.sz = sizeof(big);
	cr_assert_eq(mbuff_area_info(a, &big.info), 0);
	cr_assert_eq(big.info.sz, sizeof(struct mbuff_area_info));
	cr_assert_str_eq(big.info.name, n);
	for (size_t i = 0; i < sizeof(big.more); i++)
		cr_assert_eq(big.more[i], 0xa5, "byte %zu of the tail", i);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

Test(sizes, pool_info)
{
	struct mbuff_pool_info p[2] = { { .sz = 0 } };

	/* The size is checked before the module is looked for. */
	cr_assert_eq(mbuff_pools(p, 2), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "struct mbuff_pool_info"), "%s",
		  mbuff_last_error());
	p[0].sz = END_OF(struct mbuff_pool_info, avail) - 1;
	cr_assert_eq(mbuff_pools(p, 2), -EINVAL);
	cr_assert_eq(mbuff_pools(NULL, 1), -EINVAL, "no room for one");
	if (!access("/sys/class/misc/mbuff", F_OK))
		cr_skip_test("the module is loaded on this machine");
	p[0].sz = sizeof(p[0]);
	cr_assert_eq(mbuff_pools(p, 2), -ENODEV);
}

Test(sizes, opts)
{
	const char *n = uname_("opts");
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_area *a = NULL;

	/*
	 * Release 0.1's struct ended after @source, plus its tail padding
	 * where @mode now is: taken, and what is there ignored without
	 * MBUFF_OPEN_MODE (which 0.1 refused).
	 */
	o.sz = (END_OF(struct mbuff_opts, source) + _Alignof(size_t) - 1) &
	       ~(_Alignof(size_t) - 1);
	o.mode = 0777;
	o.prot = 12345;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mbuff_area_info(a, &info), 0);
	cr_assert_eq(info.mode, 0600);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);

	/* The least: up to @align; beyond the library's: refused. */
	o.sz = END_OF(struct mbuff_opts, align);
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0, "%s",
		     mbuff_last_error());
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	o.sz = END_OF(struct mbuff_opts, align) - 1;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL);
	o.sz = sizeof(o) + 8;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "struct mbuff_opts"), "%s",
		  mbuff_last_error());
}

/* The release 0.1 layouts, as programs built against it know them. */
struct area_info_0_1 {
	char name[MBUFF_NAME_SIZE];
	uint64_t size;
	uint64_t phys_addr;
	unsigned int source, backend, memtype, users, kernel_users, files, maps;
};

struct pool_info_0_1 {
	unsigned int index;
	uint64_t phys_addr, size, avail;
};

/* The shared library: $MBUFF_LIBSO, else the one `make lib` built. */
static void *libso(void)
{
	const char *p = getenv("MBUFF_LIBSO");
	void *h;

	if ((!p || !*p) && access("build/lib/libmbuff.so.0", F_OK))
		cr_skip_test("no build/lib/libmbuff.so.0 (make lib) and no MBUFF_LIBSO");
	h = dlopen(p && *p ? p : "build/lib/libmbuff.so.0", RTLD_NOW);
	cr_assert_not_null(h, "%s", dlerror());
	return h;
}

Test(sizes, version_0_1)
{
	int (*info_0_1)(const struct mbuff_area *, struct area_info_0_1 *);
	int (*pools_0_1)(struct pool_info_0_1 **, size_t *);
	int (*info_0_2)(const struct mbuff_area *, struct mbuff_area_info *);
	int (*open_)(const char *, size_t, const struct mbuff_opts *,
		     struct mbuff_area **);
	void (*close_)(struct mbuff_area *);
	const char *n = uname_("old");
	struct mbuff_opts o = { .sz = sizeof(o), .flags = MBUFF_OPEN_CREATE };
	struct { struct area_info_0_1 i; unsigned char guard[32]; } old;
	struct pool_info_0_1 *pools = (void *)1;
	struct mbuff_area *a;
	size_t count = 7;
	void *h = libso();

	info_0_1 = dlvsym(h, "mbuff_area_info", "MBUFF_0.1");
	pools_0_1 = dlvsym(h, "mbuff_pools", "MBUFF_0.1");
	info_0_2 = dlvsym(h, "mbuff_area_info", "MBUFF_0.2");
	open_ = dlvsym(h, "mbuff_area_open", "MBUFF_0.1");
	close_ = dlvsym(h, "mbuff_area_close", "MBUFF_0.1");
	cr_assert(info_0_1 && pools_0_1 && info_0_2 && open_ && close_);
	cr_assert_neq((void *)info_0_1, (void *)info_0_2);
	cr_assert_eq(dlsym(h, "mbuff_area_info"), (void *)info_0_2,
		     "the default is 0.2's");
	cr_assert_not_null(dlvsym(h, "mbuff_chmod", "MBUFF_0.2"));
	cr_assert_not_null(dlvsym(h, "mbuff_chown", "MBUFF_0.2"));
	cr_assert_null(dlsym(h, "mbuff_area_info_0_1"), "an internal name");

	cr_assert_eq(open_(n, 5000, &o, &a), 0);
	memset(&old, 0x5a, sizeof(old));
	cr_assert_eq(info_0_1(a, &old.i), 0);
	cr_assert_str_eq(old.i.name, n);
	cr_assert_eq(old.i.size, 8192);
	cr_assert_eq(old.i.source, MBUFF_SOURCE_PROCESS);
	for (size_t i = 0; i < sizeof(old.guard); i++)
		cr_assert_eq(old.guard[i], 0x5a, "written past the 0.1 struct");
	close_(a);

	if (access("/sys/class/misc/mbuff", F_OK)) {
		cr_assert_eq(pools_0_1(&pools, &count), -ENODEV);
		cr_assert_null(pools);
		cr_assert_eq(count, 0);
	}
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	dlclose(h);
}
