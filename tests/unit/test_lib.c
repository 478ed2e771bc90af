// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff without the module: names, the MBUFF_DEVMEM parser, the
 * process-only source through the modern and the classic API, waiting and
 * notifying across threads and processes, mbuff_stat() of process-only
 * and devmem areas, dma-bufs and CMA areas refused by the sources that
 * have none, and the error paths.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

static struct mbuff_opts opts(unsigned int flags)
{
	struct mbuff_opts o = { .sz = sizeof(o), .flags = flags };

	return o;
}

Test(lib, name_check)
{
	const char *good[] = { "a", "default", "x.y-z_1:2", "~!@#$%^&*()",
			       "12345678901234567890123456789012" };
	const char *bad[] = { "", "a/b", "a b", "\t", ".", "..", "caf\xc3\xa9",
			      "123456789012345678901234567890123" };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert_eq(mbuff_name_check(good[i]), 0, "'%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_assert_eq(mbuff_name_check(bad[i]), -EINVAL, "'%s'", bad[i]);
		cr_assert_eq(errno, EINVAL);
		cr_assert(strstr(mbuff_last_error(), "invalid area name"),
			  "message: %s", mbuff_last_error());
	}
	cr_assert_eq(mbuff_name_check(NULL), -EINVAL);
}

Test(lib, devmem_parser)
{
	uint64_t size = 0, phys = 0;
	const char *list = "fb=4M@0x30000000,ring=64M@256M,tiny=4k@0x1000";

	cr_assert_eq(mbuff_devmem_lookup(list, "ring", &size, &phys), 0);
	cr_assert_eq(size, 64ull << 20);
	cr_assert_eq(phys, 256ull << 20);
	cr_assert_eq(mbuff_devmem_lookup(list, "fb", &size, &phys), 0);
	cr_assert_eq(phys, 0x30000000);
	cr_assert_eq(mbuff_devmem_lookup(list, "tiny", &size, &phys), 0);
	cr_assert_eq(size, 4096);
	cr_assert_eq(mbuff_devmem_lookup(list, "other", &size, &phys), -ENOENT);
	cr_assert_eq(mbuff_devmem_lookup("", "x", &size, &phys), -ENOENT);

	setenv("MBUFF_DEVMEM", "envarea=1M@512M", 1);
	cr_assert_eq(mbuff_devmem_lookup(NULL, "envarea", &size, &phys), 0);
	cr_assert_eq(phys, 512ull << 20);
	unsetenv("MBUFF_DEVMEM");
	cr_assert_eq(mbuff_devmem_lookup(NULL, "envarea", &size, &phys), -ENOENT);
}

Test(lib, malformed_devmem_is_an_error)
{
	struct mbuff_area *a;

	unsetenv("MBUFF_SOURCE");
	setenv("MBUFF_DEVMEM", "ring=64M@256M,", 1);
	cr_assert_eq(mbuff_area_open("ring", 0, NULL, &a), -EINVAL,
		     "not a silent fall back to another source");
	cr_assert(strstr(mbuff_last_error(), "MBUFF_DEVMEM"), "%s",
		  mbuff_last_error());
	unsetenv("MBUFF_DEVMEM");
}

Test(lib, devmem_list)
{
	char (*names)[MBUFF_NAME_SIZE];
	size_t count;

	setenv("MBUFF_DEVMEM", "fb=4M@0x30000000,ring=64M@256M", 1);
	cr_assert_eq(mbuff_list(&names, &count, MBUFF_SOURCE_DEVMEM), 0);
	cr_assert_eq(count, 2);
	cr_assert_str_eq(names[0], "fb");
	cr_assert_str_eq(names[1], "ring");
	free(names);
	unsetenv("MBUFF_DEVMEM");
	cr_assert_eq(mbuff_list(&names, &count, MBUFF_SOURCE_DEVMEM), 0);
	cr_assert_eq(count, 0);
	free(names);
}

Test(lib, devmem_parser_errors)
{
	const char *bad[] = { "noequals", "=4M@0", "a=4M", "a=@0", "a=4M@",
			      "a=4Q@0", "a=4M@0,", "a=4M@0,,b=1M@1G", "a b=4M@0",
			      "a=0@4096", "a=4M@0;b=1M@1G",
			      "123456789012345678901234567890123=4k@0" };
	uint64_t size, phys;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = mbuff_devmem_lookup(bad[i], "zzz", &size, &phys);

		cr_assert(r == -EINVAL || r == -ERANGE, "'%s' gave %d", bad[i], r);
		cr_assert(strstr(mbuff_last_error(), "MBUFF_DEVMEM"),
			  "message for '%s': %s", bad[i], mbuff_last_error());
	}
	cr_assert_eq(mbuff_devmem_lookup("a=2@0xffffffffffffffff", "a", &size,
					 &phys), -ERANGE);
}

Test(lib, process_create_share, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE);
	struct mbuff_area *a, *b;
	struct mbuff_area_info info = { .sz = sizeof(info) };
	const char *n = uname_("share");
	unsigned char *p, *q;
	uint64_t phys;

	cr_assert_eq(mbuff_area_open(n, 5000, &o, &a), 0, "%s", mbuff_last_error());
	cr_assert_eq(mbuff_area_size(a), 8192);
	p = mbuff_area_addr(a);
	for (size_t i = 0; i < 8192; i++)
		cr_assert_eq(p[i], 0, "byte %zu not zero", i);
	strcpy((char *)p + 100, "hello");

	cr_assert_eq(mbuff_area_open(n, 0, NULL, &b), 0, "%s", mbuff_last_error());
	q = mbuff_area_addr(b);
	cr_assert_neq(p, q);
	cr_assert_str_eq((char *)q + 100, "hello");
	q[5000] = 0x5a;
	cr_assert_eq(p[5000], 0x5a);

	cr_assert_eq(mbuff_area_info(b, &info), 0);
	cr_assert_str_eq(info.name, n);
	cr_assert_eq(info.size, 8192);
	cr_assert_eq(info.source, MBUFF_SOURCE_PROCESS);
	cr_assert_eq(info.users, 0);
	cr_assert_eq(mbuff_area_phys(a, &phys), -ENODATA);
	cr_assert_eq(mbuff_area_fd(a), -EOPNOTSUPP);
	cr_assert_eq(mbuff_area_ring(a, 1), -EOPNOTSUPP);
	cr_assert_eq(errno, EOPNOTSUPP);
	mbuff_area_close(b);
	mbuff_area_close(a);
	mbuff_area_close(NULL);
	/* Without a user count, destroy removes the name at once. */
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &a), -ENOENT);
}

Test(lib, process_open_errors, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD);
	struct mbuff_opts bad = opts(MBUFF_OPEN_CREATE);
	struct mbuff_area *a, *b = NULL;
	const char *n = uname_("errs");

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0, "%s", mbuff_last_error());
	cr_assert_eq(mbuff_area_open(n, 8192, NULL, &b), -EINVAL);
	cr_assert_null(b);
	cr_assert(strstr(mbuff_last_error(), "less than"), "%s", mbuff_last_error());
	bad.flags |= MBUFF_OPEN_EXCL;
	cr_assert_eq(mbuff_area_open(n, 4096, &bad, &b), -EEXIST);
	cr_assert_eq(mbuff_area_open(uname_("missing"), 4096, NULL, &b), -ENOENT);
	cr_assert_eq(errno, ENOENT);
	bad = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL);
	cr_assert_eq(mbuff_area_open(n, 0, &bad, &b), -EEXIST, "EXCL, size 0");
	bad = opts(MBUFF_OPEN_EXCL);
	cr_assert_eq(mbuff_area_open(n, 0, &bad, &b), -EEXIST, "EXCL alone");
	bad = opts(MBUFF_OPEN_CREATE);
	bad.align = 1 << 21;
	cr_assert_eq(mbuff_area_open(uname_("align"), 4096, &bad, &b), -EINVAL);
	bad = opts(MBUFF_OPEN_CREATE);
	cr_assert_eq(mbuff_area_open(uname_("zero"), 0, &bad, &b), -EINVAL);
	bad.backend = MBUFF_BACKEND_CONTIG;
	cr_assert_eq(mbuff_area_open(uname_("contig"), 4096, &bad, &b), -EOPNOTSUPP);
	bad = opts(MBUFF_OPEN_CREATE);
	bad.memtype = MBUFF_MEM_WC;
	cr_assert_eq(mbuff_area_open(uname_("wc"), 4096, &bad, &b), -EOPNOTSUPP);
	bad = opts(1u << 8);
	cr_assert_eq(mbuff_area_open(n, 0, &bad, &b), -EINVAL);
	bad = opts(0);
	bad.sz = 4;
	cr_assert_eq(mbuff_area_open(n, 0, &bad, &b), -EINVAL);
	bad = opts(0);
	bad.align = 3;
	cr_assert_eq(mbuff_area_open(n, 0, &bad, &b), -EINVAL);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, NULL), -EINVAL);
	cr_assert_eq(mbuff_area_open("bad/name", 0, NULL, &b), -EINVAL);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), -ENOENT);
}

Test(lib, auto_source_never_fakes_contiguous)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE);
	struct mbuff_area *a;

	unsetenv("MBUFF_SOURCE");
	unsetenv("MBUFF_DEVMEM");
	if (!access("/dev/mbuff", F_OK))
		cr_skip_test("the module is loaded on this machine");
	o.backend = MBUFF_BACKEND_CONTIG;
	cr_assert_eq(mbuff_area_open(uname_("contig"), 4096, &o, &a), -ENODEV);
	cr_assert(strstr(mbuff_last_error(), "contiguous"), "%s", mbuff_last_error());
	setenv("MBUFF_SOURCE", "bogus", 1);
	cr_assert_eq(mbuff_area_open(uname_("x"), 4096, NULL, &a), -EINVAL);
	unsetenv("MBUFF_SOURCE");
}

/*
 * A CMA area only the module gives: the process and devmem sources refuse
 * it (before anything is created or /dev/mem is opened), the automatic
 * choice without the module is ENODEV, and the next backend is unknown.
 */
Test(lib, cma_needs_the_module)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE);
	struct mbuff_area *a = (struct mbuff_area *)&o;
	const char *n = uname_("cma");

	process_only();
	o.backend = MBUFF_BACKEND_CMA;
	errno = 0;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EOPNOTSUPP);
	cr_assert_eq(errno, EOPNOTSUPP);
	cr_assert_null(a);
	cr_assert(strstr(mbuff_last_error(), "CMA") &&
		  strstr(mbuff_last_error(), n) &&
		  strstr(mbuff_last_error(), "mbuff.ko"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_PROCESS, &info), -ENOENT,
		     "nothing was created");
	o.backend = MBUFF_BACKEND_CMA + 1;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL);

	unsetenv("MBUFF_SOURCE");
	setenv("MBUFF_DEVMEM", "cx=4K@0x30000000", 1);
	o = opts(0);
	o.backend = MBUFF_BACKEND_CMA;
	o.source = MBUFF_SOURCE_DEVMEM;
	cr_assert_eq(mbuff_area_open("cx", 0, &o, &a), -EOPNOTSUPP);
	cr_assert(strstr(mbuff_last_error(), "CMA"), "%s", mbuff_last_error());
	o.source = MBUFF_SOURCE_AUTO;
	cr_assert_eq(mbuff_area_open("cx", 0, &o, &a), -EOPNOTSUPP,
		     "MBUFF_DEVMEM names it: the devmem source");
	unsetenv("MBUFF_DEVMEM");

	if (!access("/dev/mbuff", F_OK))
		return;
	o = opts(MBUFF_OPEN_CREATE);
	o.backend = MBUFF_BACKEND_CMA;
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -ENODEV);
	cr_assert(strstr(mbuff_last_error(), "CMA") &&
		  strstr(mbuff_last_error(), "mbuff.ko"), "%s",
		  mbuff_last_error());
}

Test(lib, hold_destroy_list, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD);
	char (*names)[MBUFF_NAME_SIZE];
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_area *a;
	const char *n = uname_("held");
	size_t count, i, found = 0;

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0);
	cr_assert_eq(mbuff_area_info(a, &info), 0);
	cr_assert_eq(info.users, 2);
	mbuff_area_close(a);

	cr_assert_eq(mbuff_list(&names, &count, MBUFF_SOURCE_PROCESS), 0);
	for (i = 0; i < count; i++)
		found += !strcmp(names[i], n);
	free(names);
	cr_assert_eq(found, 1);

	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &a), 0, "one count is left");
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &a), -ENOENT, "the name is gone");
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_DEVMEM), -EOPNOTSUPP);
}

Test(lib, classic_api, .init = process_only)
{
	const char *n = uname_("classic");
	char *p1, *p2, *p3;

	p1 = mbuff_alloc(n, 1 << 20);
	cr_assert_not_null(p1, "%s", mbuff_last_error());
	p2 = mbuff_alloc(n, 1 << 20);
	cr_assert_not_null(p2);
	cr_assert_neq(p1, p2);
	strcpy(p1 + 4096, "same memory");
	cr_assert_str_eq(p2 + 4096, "same memory");
	cr_assert_null(mbuff_alloc(n, 2 << 20), "larger than the area");
	cr_assert_eq(errno, EINVAL);

	p3 = mbuff_attach(n, 0);
	cr_assert_not_null(p3);
	cr_assert_str_eq(p3 + 4096, "same memory");
	mbuff_detach(n, p3);

	mbuff_free(n, p1);
	cr_assert_str_eq(p2 + 4096, "same memory", "the second mapping stays");
	mbuff_free(n, p2);
	cr_assert_null(mbuff_attach(n, 0), "the last free destroyed it");
	cr_assert_eq(errno, EINVAL);

	/* attach takes no count; with no kernel to count mappings, the
	 * process-only name stays until destroyed. */
	p3 = mbuff_attach(n, 4096);
	cr_assert_not_null(p3);
	mbuff_detach(n, p3);
	cr_assert_not_null(p3 = mbuff_attach(n, 0), "the name is still there");
	mbuff_detach(n, p3);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_null(mbuff_attach(n, 0));
	cr_assert_null(mbuff_alloc("bad name", 4096));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(mbuff_alloc(n, -1));
	mbuff_free(n, NULL);
}

Test(lib, classic_default_name, .init = process_only)
{
	char *p = mbuff_alloc(NULL, 4096);
	struct mbuff_area *a;

	cr_assert_not_null(p, "%s", mbuff_last_error());
	cr_assert_eq(mbuff_area_open("default", 0, NULL, &a), 0);
	mbuff_area_close(a);
	mbuff_free(NULL, p);
}

struct waiter {
	struct mbuff_area *area;
	int result;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->result = mbuff_area_wait(w->area, 5000);
	return NULL;
}

Test(lib, wait_notify_threads, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD);
	struct waiter w = { .result = -1 };
	struct mbuff_area *a, *b;
	const char *n = uname_("wait");
	pthread_t t;

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0);
	cr_assert_eq(mbuff_area_open(n, 0, NULL, &b), 0);
	cr_assert_eq(mbuff_area_wait(a, 50), -ETIMEDOUT);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert(strstr(mbuff_last_error(), "no notification"));

	w.area = a;
	pthread_create(&t, NULL, wait_thread, &w);
	usleep(100000);
	cr_assert_eq(mbuff_area_notify(b), 0);
	pthread_join(t, NULL);
	cr_assert_eq(w.result, 1, "woken with count %d", w.result);
	cr_assert_eq(mbuff_area_wait(a, 0), -ETIMEDOUT, "nothing new since");
	cr_assert_eq(mbuff_area_notify(b), 0);
	cr_assert_eq(mbuff_area_notify(b), 0);
	cr_assert_eq(mbuff_area_wait(a, 0), 3, "two notifications seen at once");
	mbuff_area_close(b);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

Test(lib, wait_notify_processes, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD);
	struct mbuff_area *a;
	const char *n = uname_("xproc");
	int st;
	pid_t pid;

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0);
	pid = fork();
	if (pid == 0) {
		struct mbuff_area *c;

		if (mbuff_area_open(n, 0, NULL, &c))
			_exit(2);
		usleep(100000);
		strcpy(mbuff_area_addr(c), "from the child");
		_exit(mbuff_area_notify(c) ? 3 : 0);
	}
	cr_assert_eq(mbuff_area_wait(a, 5000), 1, "%s", mbuff_last_error());
	cr_assert_str_eq(mbuff_area_addr(a), "from the child");
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	mbuff_area_close(a);
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

Test(lib, pools_without_module)
{
	struct mbuff_pool_info pools[2] = { { .sz = sizeof(pools[0]) } };

	if (!access("/sys/class/misc/mbuff", F_OK))
		cr_skip_test("the module is loaded on this machine");
	cr_assert_eq(mbuff_pools(pools, 2), -ENODEV);
	cr_assert(strstr(mbuff_last_error(), "mbuff.ko"), "%s", mbuff_last_error());
	cr_assert_eq(mbuff_pools(NULL, 0), -ENODEV, "counting only");
}

static struct mbuff_area_info stat_of(const char *name, unsigned int source,
				      int *ret)
{
	struct mbuff_area_info info;

	memset(&info, 0xa5, sizeof(info));
	info.sz = sizeof(info);
	*ret = mbuff_stat(name, source, &info);
	return info;
}

/* mbuff_stat() of a process-only area: its object and header, unmapped. */
Test(lib, stat_process, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD |
				   MBUFF_OPEN_MODE);
	struct mbuff_area_info info, held = { .sz = sizeof(held) };
	struct mbuff_area *a;
	const char *n = uname_("stat");
	int r;

	o.mode = 0640;
	cr_assert_eq(mbuff_area_open(n, 10000, &o, &a), 0, "%s", mbuff_last_error());
	info = stat_of(n, MBUFF_SOURCE_AUTO, &r);
	cr_assert_eq(r, 0, "%s", mbuff_last_error());
	cr_assert_eq(info.sz, sizeof(info));
	cr_assert_str_eq(info.name, n);
	cr_assert_eq(info.size, 3 * 4096);
	cr_assert_eq(info.source, MBUFF_SOURCE_PROCESS);
	cr_assert_eq(info.backend, 0);
	cr_assert_eq(info.memtype, MBUFF_MEM_CACHED);
	cr_assert_eq(info.phys_addr, 0);
	cr_assert_eq(info.users, 1);
	cr_assert_eq(info.kernel_users + info.files + info.maps, 0);
	cr_assert_eq(info.uid, geteuid());
	cr_assert_eq(info.gid, getegid());
	cr_assert_eq(info.mode, 0640);
	/* What the handle says, but for the counts it leaves out. */
	cr_assert_eq(mbuff_area_info(a, &held), 0);
	cr_assert_eq(memcmp(&held, &info, sizeof(info)), 0);

	mbuff_area_close(a);
	cr_assert_eq(mbuff_area_open(n, 0, &o, &a), 0);
	mbuff_area_close(a);
	info = stat_of(n, MBUFF_SOURCE_PROCESS, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(info.users, 2, "a second user count: %u", info.users);
	mbuff_destroy(n, MBUFF_SOURCE_PROCESS);
	mbuff_destroy(n, MBUFF_SOURCE_PROCESS);
	info = stat_of(n, MBUFF_SOURCE_PROCESS, &r);
	cr_assert_eq(r, -ENOENT);
	cr_assert_eq(errno, ENOENT);
	cr_assert(strstr(mbuff_last_error(), n), "%s", mbuff_last_error());
	cr_assert_eq(info.sz, sizeof(info), "left alone on error");
	cr_assert_eq(info.size, 0xa5a5a5a5a5a5a5a5ull, "left alone on error");
}

/* Bad arguments, missing and foreign objects: clear errors. */
Test(lib, stat_errors, .init = process_only)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	const char *n = uname_("junk");
	char path[64], junk[8192];
	int fd, r;

	cr_assert_eq(mbuff_stat(NULL, MBUFF_SOURCE_AUTO, &info), -EINVAL);
	cr_assert_eq(mbuff_stat("", MBUFF_SOURCE_AUTO, &info), -EINVAL);
	cr_assert_eq(mbuff_stat("a/b", MBUFF_SOURCE_AUTO, &info), -EINVAL);
	cr_assert_eq(errno, EINVAL);
	cr_assert(strstr(mbuff_last_error(), "invalid area name"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_AUTO, NULL), -EINVAL);
	info.sz = 4;
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_AUTO, &info), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "unknown size"), "%s",
		  mbuff_last_error());
	cr_assert_eq(info.sz, 4);
	info.sz = sizeof(info);
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_PROCESS + 1, &info), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "unknown source"), "%s",
		  mbuff_last_error());
	setenv("MBUFF_SOURCE", "bogus", 1);
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_AUTO, &info), -EINVAL);
	process_only();
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_AUTO, &info), -ENOENT);
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_DEVMEM, &info), -ENOENT);
	cr_assert(strstr(mbuff_last_error(), "MBUFF_DEVMEM"), "%s",
		  mbuff_last_error());

	/* An object of that name that is not an area: EIO, not garbage. */
	snprintf(path, sizeof(path), "/mbuff.%s", n);
	fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0, "shm_open: %m");
	memset(junk, 'x', sizeof(junk));
	cr_assert_eq(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	r = mbuff_stat(n, MBUFF_SOURCE_AUTO, &info);
	shm_unlink(path);
	cr_assert_eq(r, -EIO, "%d: %s", r, mbuff_last_error());
	cr_assert(strstr(mbuff_last_error(), "not an mbuff area"), "%s",
		  mbuff_last_error());
}

/* What MBUFF_DEVMEM says, with no access to /dev/mem at all. */
Test(lib, stat_devmem)
{
	struct mbuff_area_info info;
	int r;

	unsetenv("MBUFF_SOURCE");
	setenv("MBUFF_DEVMEM", "fb=4M@0x30000000,ring=64M@256M", 1);
	info = stat_of("ring", MBUFF_SOURCE_AUTO, &r);
	cr_assert_eq(r, 0, "%s", mbuff_last_error());
	cr_assert_str_eq(info.name, "ring");
	cr_assert_eq(info.source, MBUFF_SOURCE_DEVMEM);
	cr_assert_eq(info.size, 64ull << 20);
	cr_assert_eq(info.phys_addr, 256ull << 20);
	cr_assert_eq(info.backend, MBUFF_BACKEND_CONTIG);
	cr_assert_eq(info.memtype, MBUFF_MEM_CACHED);
	cr_assert_eq(info.users + info.kernel_users + info.files + info.maps, 0);
	cr_assert_eq(info.uid, (uid_t)-1);
	cr_assert_eq(info.gid, (gid_t)-1);
	cr_assert_eq(info.mode, (mode_t)-1);
	info = stat_of("fb", MBUFF_SOURCE_DEVMEM, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(info.phys_addr, 0x30000000);
	info = stat_of("other", MBUFF_SOURCE_DEVMEM, &r);
	cr_assert_eq(r, -ENOENT);
	setenv("MBUFF_DEVMEM", "fb=4M", 1);
	info = stat_of("fb", MBUFF_SOURCE_AUTO, &r);
	cr_assert_eq(r, -EINVAL, "a malformed MBUFF_DEVMEM: %d", r);
	unsetenv("MBUFF_DEVMEM");
}

/* As another user: a 0600 area may not be read, a 0644 one may. */
Test(lib, stat_other_user, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD |
				   MBUFF_OPEN_MODE);
	const char *priv = uname_("priv"), *pub = uname_("pub");
	struct mbuff_area *a;
	int st;
	pid_t pid;

	if (geteuid())
		cr_skip_test("needs root to become another user");
	o.mode = 0600;
	cr_assert_eq(mbuff_area_open(priv, 4096, &o, &a), 0);
	mbuff_area_close(a);
	o.mode = 0644;
	cr_assert_eq(mbuff_area_open(pub, 4096, &o, &a), 0);
	mbuff_area_close(a);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		struct mbuff_area_info info = { .sz = sizeof(info) };

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		if (mbuff_stat(priv, MBUFF_SOURCE_AUTO, &info) != -EACCES)
			_exit(11);
		if (mbuff_stat(pub, MBUFF_SOURCE_AUTO, &info) || info.uid != 0 ||
		    info.mode != 0644 || info.users != 1)
			_exit(12);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	mbuff_destroy(priv, MBUFF_SOURCE_PROCESS);
	mbuff_destroy(pub, MBUFF_SOURCE_PROCESS);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "the other user's child failed (status %#x)", st);
}

/* A dma-buf of a process-only area: refused, with the reason. */
Test(lib, dmabuf_process, .init = process_only)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE);
	struct mbuff_area *a;
	const char *n = uname_("dmabuf");

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0, "%s", mbuff_last_error());
	errno = 0;
	cr_assert_eq(mbuff_area_dmabuf(a), -EOPNOTSUPP);
	cr_assert_eq(errno, EOPNOTSUPP);
	cr_assert(strstr(mbuff_last_error(), n) &&
		  strstr(mbuff_last_error(), "mbuff.ko") &&
		  strstr(mbuff_last_error(), "process"), "%s", mbuff_last_error());
	cr_assert_eq(mbuff_area_dmabuf(NULL), -EINVAL);
	mbuff_area_close(a);
	/* Nor is there an imported area to open among process-only memory. */
	o.backend = MBUFF_BACKEND_DMABUF;
	cr_assert_eq(mbuff_area_open(n, 0, &o, &a), -EOPNOTSUPP);
	cr_assert(strstr(mbuff_last_error(), "dma-buf"), "%s", mbuff_last_error());
	cr_assert_eq(mbuff_destroy(n, MBUFF_SOURCE_PROCESS), 0);
}

/* A dma-buf of a /dev/mem range: refused before /dev/mem is opened. */
Test(lib, dmabuf_devmem)
{
	struct mbuff_opts o = {
		.sz = sizeof(o), .source = MBUFF_SOURCE_DEVMEM,
	};
	struct mbuff_area *a;
	int pfd[2];

	unsetenv("MBUFF_SOURCE");
	setenv("MBUFF_DEVMEM", "dx=4K@0x30000000", 1);
	o.backend = MBUFF_BACKEND_DMABUF;
	cr_assert_eq(mbuff_area_open("dx", 0, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "contiguous"), "%s", mbuff_last_error());
	cr_assert_eq(pipe(pfd), 0);
	o.backend = 0;
	cr_assert_eq(mbuff_import("dx", pfd[0], &o, &a), -EOPNOTSUPP);
	cr_assert_null(a);
	cr_assert(strstr(mbuff_last_error(), "/dev/mem"), "%s", mbuff_last_error());
	/* The automatic choice takes the name from MBUFF_DEVMEM too. */
	cr_assert_eq(mbuff_import("dx", pfd[0], NULL, &a), -EOPNOTSUPP);
	close(pfd[0]);
	close(pfd[1]);
	unsetenv("MBUFF_DEVMEM");
}

/* mbuff_import(): each argument checked before any source is asked. */
Test(lib, import_args, .init = process_only)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_opts o;
	struct mbuff_area *a = (struct mbuff_area *)&o;
	const char *n = uname_("imp");
	int pfd[2], in;

	cr_assert_eq(pipe(pfd), 0);
	in = pfd[0];
	cr_assert_eq(mbuff_import(n, in, NULL, NULL), -EINVAL);
	cr_assert_eq(mbuff_import("bad/name", in, NULL, &a), -EINVAL);
	cr_assert_null(a, "NULL after a failure");
	cr_assert(strstr(mbuff_last_error(), "invalid area name"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_import(NULL, in, NULL, &a), -EINVAL);
	errno = 0;
	cr_assert_eq(mbuff_import(n, -1, NULL, &a), -EBADF);
	cr_assert_eq(errno, EBADF);
	cr_assert(strstr(mbuff_last_error(), "descriptor -1"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_import(n, pfd[1] + 100, NULL, &a), -EBADF);

	o = opts(0);
	o.sz = 4;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "unknown size"), "%s",
		  mbuff_last_error());
	o = opts(1u << 8);
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	o = opts(0);
	o.backend = MBUFF_BACKEND_VMALLOC;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "MBUFF_BACKEND_DMABUF"), "%s",
		  mbuff_last_error());
	o.backend = MBUFF_BACKEND_DMABUF + 1;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	o = opts(0);
	o.memtype = MBUFF_MEM_UNCACHED + 1;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	o.memtype = MBUFF_MEM_WC;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EOPNOTSUPP);
	cr_assert(strstr(mbuff_last_error(), "cached"), "%s", mbuff_last_error());
	o = opts(0);
	o.align = 4096;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	o = opts(MBUFF_OPEN_MODE);
	o.mode = 0755;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "0755"), "%s", mbuff_last_error());
	o = opts(0);
	o.prot = PROT_WRITE;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);
	o = opts(0);
	o.source = MBUFF_SOURCE_PROCESS + 1;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EINVAL);

	/* Good arguments: the process source has no dma-bufs. */
	o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD |
		 MBUFF_OPEN_MODE);
	o.backend = MBUFF_BACKEND_DMABUF;
	o.mode = 0640;
	o.prot = PROT_READ;
	errno = 0;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EOPNOTSUPP);
	cr_assert_eq(errno, EOPNOTSUPP);
	cr_assert(strstr(mbuff_last_error(), "mbuff.ko"), "%s", mbuff_last_error());
	o.source = MBUFF_SOURCE_DEVMEM;
	cr_assert_eq(mbuff_import(n, in, &o, &a), -EOPNOTSUPP);
	cr_assert_eq(mbuff_stat(n, MBUFF_SOURCE_PROCESS, &info), -ENOENT,
		     "nothing was created");
	close(pfd[0]);
	close(pfd[1]);
}

/* The automatic choice without the module: ENODEV, as for contiguous. */
Test(lib, import_without_module)
{
	struct mbuff_area *a;
	int pfd[2];

	unsetenv("MBUFF_SOURCE");
	unsetenv("MBUFF_DEVMEM");
	if (!access("/dev/mbuff", F_OK))
		cr_skip_test("the module is loaded on this machine");
	cr_assert_eq(pipe(pfd), 0);
	cr_assert_eq(mbuff_import(uname_("imp"), pfd[0], NULL, &a), -ENODEV);
	cr_assert(strstr(mbuff_last_error(), "mbuff.ko"), "%s", mbuff_last_error());
	close(pfd[0]);
	close(pfd[1]);
}
