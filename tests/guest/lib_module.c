// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff over the module, end to end: the modern API on both backends
 * (physical address, info counts, wait with a timeout, poll on the
 * notification descriptor, notify between handles, the doorbell), one
 * descriptor per handle (hundreds of handles under RLIMIT_NOFILE 1024),
 * and a classic-API process sharing an area with a modern-API process.
 * Needs the module with a pool.  Usage: lib_module
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

#define PLAN 25

static struct mbuff_opts opts(unsigned int backend, unsigned int flags)
{
	struct mbuff_opts o = {
		.sz = sizeof(o), .backend = backend, .flags = flags,
	};

	return o;
}

static void test_modern(unsigned int backend, const char *name)
{
	struct mbuff_opts o = opts(backend, MBUFF_OPEN_CREATE);
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_area *a, *b;
	uint64_t phys = 0;
	int r;

	r = mbuff_area_open(name, 100000, &o, &a);
	if (!tap_ok(r == 0 && mbuff_area_size(a) == 102400,
		    "%s: create through the library (%s)", name,
		    r ? mbuff_last_error() : "ok")) {
		tap_ok(0, "%s: skipped", name);
		tap_ok(0, "%s: skipped", name);
		return;
	}
	r = mbuff_area_open(name, 0, NULL, &b);
	strcpy((char *)mbuff_area_addr(a) + 50000, "through a");
	tap_ok(r == 0 && !strcmp((char *)mbuff_area_addr(b) + 50000, "through a") &&
	       mbuff_area_info(b, &info) == 0 && info.maps == 1 && info.files == 1 &&
	       info.source == MBUFF_SOURCE_MODULE,
	       "%s: a second handle shares it (other maps %u, other files %u: one each per handle)",
	       name, info.maps, info.files);
	r = mbuff_area_phys(a, &phys);
	if (backend == MBUFF_BACKEND_CONTIG)
		tap_ok(r == 0 && phys == (uint64_t)mb_sysfs(name, "phys_addr"),
		       "%s: mbuff_area_phys() gives %#llx, as sysfs", name,
		       (unsigned long long)phys);
	else
		tap_ok(r == -ENODATA && errno == ENODATA,
		       "%s: a vmalloc area has no physical address (ENODATA)", name);
	mbuff_area_close(b);
	mbuff_area_close(a);
	mb_gone(name);
}

static void *notify_later(void *arg)
{
	usleep(200000);
	mbuff_area_notify(arg);
	return NULL;
}

/* Whether descriptor @fd is an open file of @path. */
static int fd_is(int fd, const char *path)
{
	char link[64], target[128];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, path);
}

static void test_notify_and_doorbell(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_ANY, MBUFF_OPEN_CREATE);
	struct mbuff_opts ro = { .sz = sizeof(ro), .prot = PROT_READ };
	struct mbuff_area *a, *b, *c;
	struct pollfd pfd;
	pthread_t t;
	int r, fd;

	if (mbuff_area_open("lib-wait", 4096, &o, &a) ||
	    mbuff_area_open("lib-wait", 0, NULL, &b) ||
	    mbuff_area_open("lib-wait", 0, &ro, &c)) {
		tap_ok(0, "open lib-wait: %s", mbuff_last_error());
		return;
	}
	r = mbuff_area_wait(a, 100);
	tap_ok(r == -ETIMEDOUT && errno == ETIMEDOUT,
	       "a wait with nothing to wait for times out (%d)", r);
	pthread_create(&t, NULL, notify_later, b);
	r = mbuff_area_wait(a, 5000);
	pthread_join(t, NULL);
	tap_ok(r >= 1, "mbuff_area_notify() from another handle wakes a waiter (count %d)", r);

	fd = mbuff_area_fd(a);
	pfd.fd = fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, 0);
	tap_ok(fd >= 0 && r == 0 && fd_is(fd, "/dev/mbuff"),
	       "the notification descriptor is the handle's /dev/mbuff, and polls idle");
	mbuff_area_notify(b);
	r = poll(&pfd, 1, 1000);
	tap_ok(r == 1 && (pfd.revents & POLLIN) && mbuff_area_wait(a, 0) >= 2,
	       "after a notification it polls readable and the wait returns at once");
	r = poll(&pfd, 1, 0);
	tap_ok(r == 0 && mbuff_area_wait(a, 0) == -ETIMEDOUT,
	       "the wait took the notification: the descriptor polls idle again (%d)",
	       r);
	r = mbuff_area_wait(c, 0);
	tap_ok(r >= 2, "a read-only handle has seen the notifications since its open (count %d)",
	       r);

	r = mbuff_area_ring(a, 1) || mbuff_area_ring(b, -5);
	tap_ok(!r && mb_sysfs("lib-wait", "doorbells") == 2,
	       "two doorbell rings are counted by the kernel (%lld)",
	       mb_sysfs("lib-wait", "doorbells"));
	r = mbuff_area_ring(c, 3);
	tap_ok(r == -EBADF && mb_sysfs("lib-wait", "doorbells") == 2,
	       "a read-only handle may not ring (%d)", r);
	mbuff_area_close(c);
	mbuff_area_close(b);
	mbuff_area_close(a);
	mb_gone("lib-wait");
}

/* Entries of /proc/self/fd, or -1. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long param(const char *name)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/mbuff/parameters/%s", name);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

#define MANY 700

/*
 * MANY handles open at once under RLIMIT_NOFILE 1024, one descriptor
 * each.
 */
static void test_many_handles(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_VMALLOC,
				   MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL);
	struct mbuff_area_info info = { .sz = sizeof(info) };
	static struct mbuff_area *h[MANY];
	struct rlimit old, lim;
	char name[MBUFF_NAME_SIZE];
	long max = param("max_areas");
	int i, n, want = MANY, before, after, r = 0;

	/* Room for them beside the areas of the other tests. */
	if (max >= 0 && max - 8 < want)
		want = (int)max - 8;
	getrlimit(RLIMIT_NOFILE, &old);
	lim.rlim_cur = 1024;
	lim.rlim_max = old.rlim_max < 1024 ? 1024 : old.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim)) {
		tap_ok(0, "setrlimit(RLIMIT_NOFILE, 1024): %s", strerror(errno));
		return;
	}
	before = count_fds();
	for (n = 0; n < want; n++) {
		snprintf(name, sizeof(name), "lib-many-%d", n);
		r = mbuff_area_open(name, 4096, &o, &h[n]);
		if (r)
			break;
	}
	after = count_fds();
	tap_ok(n == want && after - before == n,
	       "%d handles open at once under RLIMIT_NOFILE 1024, one descriptor each (%d more descriptors%s%s)",
	       n, after - before, r ? ": " : "", r ? mbuff_last_error() : "");
	if (want > 600)
		tap_ok(n > 600, "more than 600 areas open at once (%d)", n);
	else
		tap_skip("max_areas=%ld leaves room for %d areas, not 600", max,
			 want);
	r = n ? mbuff_area_info(h[0], &info) : -1;
	tap_ok(r == 0 && info.files == 0 && info.maps == 0 &&
	       mb_sysfs("lib-many-0", "files") == 1,
	       "mbuff_area_info() leaves the handle's one file and mapping out (files %u, maps %u)",
	       info.files, info.maps);

	for (i = 0; i < n; i++)
		mbuff_area_close(h[i]);
	tap_ok(count_fds() == before && (n == 0 || mb_gone("lib-many-0")),
	       "closing them gives every descriptor back, and the areas go");
	setrlimit(RLIMIT_NOFILE, &old);
}

/* The classic calls in one process, the modern API in another. */
static void test_classic_meets_modern(void)
{
	char *p = mbuff_alloc("cm", 65536);
	int st = -1;
	pid_t pid;

	if (!tap_ok(p != NULL && mb_sysfs("cm", "users") == 1,
		    "mbuff_alloc() creates 'cm' with a user count (%s)",
		    p ? "ok" : mbuff_last_error())) {
		tap_ok(0, "skipped");
		tap_ok(0, "skipped");
		return;
	}
	strcpy(p, "classic");
	pid = fork();
	if (pid == 0) {
		struct mbuff_area *a;
		char *q;

		if (mbuff_area_open("cm", 0, NULL, &a))
			_exit(2);
		q = mbuff_area_addr(a);
		if (strcmp(q, "classic"))
			_exit(3);
		strcpy(q + 1000, "modern");
		mbuff_area_close(a);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !strcmp(p + 1000, "modern"),
	       "a modern-API process reads the classic one's bytes and writes back (exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	mbuff_free("cm", p);
	tap_ok(mb_gone("cm"), "mbuff_free() drops the count and unmaps: the area goes");
}

static void test_classic_attach(void)
{
	char *p = mbuff_attach("att", 8192), *q;

	tap_ok(p && mb_sysfs("att", "users") == 0 && mb_sysfs("att", "maps") == 1,
	       "mbuff_attach() maps without a user count");
	q = mbuff_alloc("att", 0);
	tap_ok(q && p && (strcpy(p, "x"), !strcmp(q, "x")),
	       "mbuff_alloc() with size 0 attaches to the existing area");
	mbuff_free("att", q);
	mbuff_detach("att", p);
	tap_ok(mb_gone("att"), "mbuff_detach() of the last mapping destroys it");
	tap_ok(mbuff_attach("att", 0) == NULL && errno == EINVAL,
	       "mbuff_attach() of a missing area with size 0 fails with EINVAL");
}

int main(void)
{
	tap_plan(PLAN);
	test_modern(MBUFF_BACKEND_VMALLOC, "lib-vm");
	test_modern(MBUFF_BACKEND_CONTIG, "lib-contig");
	test_notify_and_doorbell();
	test_many_handles();
	test_classic_meets_modern();
	test_classic_attach();
	tap_exit();
}
