// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff over the module, end to end: the modern API on both backends
 * (physical address, info counts, wait with a timeout, poll on the
 * notification descriptor, notify between handles, the doorbell), one
 * descriptor per handle (hundreds of handles under RLIMIT_NOFILE 1024),
 * mbuff_stat() of good, missing, bad and unreadable names, areas exported
 * as dma-bufs and imported back under other names (mbuff_area_dmabuf(),
 * mbuff_import()), and a classic-API process sharing an area with a
 * modern-API process.
 * Needs the module with a pool.  Usage: lib_module
 */
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

#define PLAN 51

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
	struct mbuff_area_info info = { .sz = sizeof(info) }, st;
	struct mbuff_area *a, *b;
	uint64_t phys = 0;
	int r;

	r = mbuff_area_open(name, 100000, &o, &a);
	if (!tap_ok(r == 0 && mbuff_area_size(a) == 102400,
		    "%s: create through the library (%s)", name,
		    r ? mbuff_last_error() : "ok")) {
		tap_ok(0, "%s: skipped", name);
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
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	r = mbuff_stat(name, MBUFF_SOURCE_AUTO, &st);
	tap_ok(r == 0 && st.sz == sizeof(st) && !strcmp(st.name, name) &&
	       st.size == info.size && st.phys_addr == info.phys_addr &&
	       st.source == MBUFF_SOURCE_MODULE && st.backend == info.backend &&
	       st.memtype == info.memtype && st.uid == info.uid &&
	       st.gid == info.gid && st.mode == info.mode && st.users == 0 &&
	       st.files == 2 && st.maps == 2 && mb_sysfs(name, "files") == 2 &&
	       mb_sysfs(name, "maps") == 2,
	       "%s: mbuff_stat() says what mbuff_area_info() does, counting both handles (files %u, maps %u: %s)",
	       name, st.files, st.maps, r ? mbuff_last_error() : "ok");
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

/* Lines of the file at @path that start with @prefix, or -1. */
static int count_lines(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "re");
	char line[256];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, prefix, strlen(prefix));
	fclose(f);
	return n;
}

/* The files and maps of areas lib-many-0 to @n - 1, all told, or -1. */
static long held_counts(int n)
{
	struct mbuff_area_info info;
	char name[MBUFF_NAME_SIZE];
	long sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "lib-many-%d", i);
		memset(&info, 0, sizeof(info));
		info.sz = sizeof(info);
		if (mbuff_stat(name, MBUFF_SOURCE_MODULE, &info))
			return -1;
		sum += info.files + info.maps;
	}
	return sum;
}

#define MANY 700

/*
 * MANY handles open at once under RLIMIT_NOFILE 1024, one descriptor
 * each; then mbuffctl list of them all, which opens and maps none.
 */
static void test_many_handles(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_VMALLOC,
				   MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL);
	struct mbuff_area_info info = { .sz = sizeof(info) };
	static struct mbuff_area *h[MANY];
	struct rlimit old, lim;
	char name[MBUFF_NAME_SIZE];
	long max = param("max_areas"), held;
	int i, n, want = MANY, before, after, listed, r = 0;
	double t;

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

	held = held_counts(n);
	t = clock_s(CLOCK_MONOTONIC);
	r = system("mbuffctl list > /tmp/lib-many.list");
	t = clock_s(CLOCK_MONOTONIC) - t;
	listed = count_lines("/tmp/lib-many.list", "lib-many-");
	tap_ok(r == 0 && listed == n && held == 2L * n && held_counts(n) == held,
	       "mbuffctl list shows the %d areas in %.3f s and leaves their files and maps as they were (%ld, then %ld)",
	       listed, t, held, held_counts(n));

	for (i = 0; i < n; i++)
		mbuff_area_close(h[i]);
	tap_ok(count_fds() == before && (n == 0 || mb_gone("lib-many-0")),
	       "closing them gives every descriptor back, and the areas go");
	setrlimit(RLIMIT_NOFILE, &old);
}

/* Run @fn in a child as uid and gid 1000; its exit status, or -1. */
static int as_user(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, 1000))
			_exit(100);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* As uid 1000: lib-stat (root's, 0640) may not be read. */
static int stat_private(void)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	int r = mbuff_stat("lib-stat", MBUFF_SOURCE_AUTO, &info);

	if (r != -EACCES || errno != EACCES) {
		printf("# uid 1000: mbuff_stat(lib-stat) = %d\n", r);
		return 1;
	}
	return 0;
}

/* As uid 1000: lib-stat-pub (0644, contiguous) without its address. */
static int stat_public(void)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	int r = mbuff_stat("lib-stat-pub", MBUFF_SOURCE_AUTO, &info);

	if (r || info.mode != 0644 || info.uid != 0 || info.size != 4096 ||
	    info.backend != MBUFF_BACKEND_CONTIG || info.phys_addr) {
		printf("# uid 1000: mbuff_stat(lib-stat-pub) = %d, mode %o, phys %#llx\n",
		       r, (unsigned int)info.mode,
		       (unsigned long long)info.phys_addr);
		return 1;
	}
	return 0;
}

/*
 * As uid 1000, on an area of its own: once its mode no longer lets it
 * read or write, the handle's one descriptor polls POLLERR, and waiting
 * and ringing fail with EACCES.
 */
static int events_revoked(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_ANY, MBUFF_OPEN_CREATE);
	struct mbuff_area *a;
	struct pollfd pfd;
	int r1, r2, r3, bad = 0;

	if (mbuff_area_open("lib-revoke", 4096, &o, &a)) {
		printf("# uid 1000: %s\n", mbuff_last_error());
		return 1;
	}
	if (mbuff_area_notify(a) || mbuff_area_wait(a, 0) < 1 ||
	    mbuff_area_ring(a, 1))
		bad = 2;
	mbuff_chmod("lib-revoke", 0, MBUFF_SOURCE_MODULE);
	pfd.fd = mbuff_area_fd(a);
	pfd.events = POLLIN;
	r1 = poll(&pfd, 1, 0);
	r2 = mbuff_area_wait(a, 0);
	r3 = mbuff_area_ring(a, 2);
	if (r1 != 1 || !(pfd.revents & POLLERR) || r2 != -EACCES ||
	    r3 != -EACCES) {
		printf("# uid 1000, mode 0: poll %d (%#x), wait %d, ring %d\n",
		       r1, pfd.revents, r2, r3);
		bad = 3;
	}
	mbuff_area_close(a);
	return bad;
}

static int stat_fails(const char *name, unsigned int source,
		      struct mbuff_area_info *info, int err)
{
	errno = 0;
	return mbuff_stat(name, source, info) == -err && errno == err;
}

/*
 * mbuff_stat() of an area a handle holds (which sees no change in what
 * holds it), of "default" (which a new /dev/mbuff file selects), of
 * missing and bad names, with bad arguments, and as another user.
 */
static void test_stat(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_VMALLOC, MBUFF_OPEN_CREATE |
				   MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE);
	struct mbuff_area_info mine = { .sz = sizeof(mine) }, st, again;
	struct mbuff_area *a, *d, *p;
	struct stat dev;
	int r, r2;

	o.mode = 0640;
	if (mbuff_area_open("lib-stat", 8192, &o, &a)) {
		tap_ok(0, "create lib-stat: %s", mbuff_last_error());
		return;
	}
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	r = mbuff_stat("lib-stat", MBUFF_SOURCE_MODULE, &st);
	tap_ok(r == 0 && !strcmp(st.name, "lib-stat") && st.size == 8192 &&
	       st.source == MBUFF_SOURCE_MODULE &&
	       st.backend == MBUFF_BACKEND_VMALLOC &&
	       st.memtype == MBUFF_MEM_CACHED && st.mode == 0640 &&
	       st.uid == 0 && st.gid == 0 && st.users == 1 &&
	       st.kernel_users == 0 && st.files == 1 && st.maps == 1,
	       "mbuff_stat() of an open area: its properties and all that holds it (users %u, files %u, maps %u: %s)",
	       st.users, st.files, st.maps, r ? mbuff_last_error() : "ok");
	r = mbuff_area_info(a, &mine);
	again = st;
	r2 = mbuff_stat("lib-stat", MBUFF_SOURCE_AUTO, &again);
	tap_ok(!r && !r2 && mine.files == 0 && mine.maps == 0 &&
	       !memcmp(&again, &st, sizeof(st)) &&
	       mb_sysfs("lib-stat", "files") == 1 &&
	       mb_sysfs("lib-stat", "maps") == 1,
	       "it holds nothing itself: the handle sees no other file or mapping, and a second call says the same");

	/* A new /dev/mbuff file selects "default": not counted either. */
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD;
	r = mbuff_area_open("default", 4096, &o, &d);
	if (!r)
		mbuff_area_close(d);
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	r2 = mbuff_stat("default", MBUFF_SOURCE_AUTO, &st);
	tap_ok(!r && !r2 && st.users == 1 && st.files == 0 && st.maps == 0,
	       "mbuff_stat() of \"default\", held by a user count only (files %u, maps %u)",
	       st.files, st.maps);
	mbuff_destroy("default", MBUFF_SOURCE_MODULE);
	tap_ok(mb_gone("default"), "and \"default\" goes with its user count");

	st.sz = sizeof(st);
	tap_ok(stat_fails("lib-stat-none", MBUFF_SOURCE_AUTO, &st, ENOENT) &&
	       stat_fails("lib-stat-none", MBUFF_SOURCE_MODULE, &st, ENOENT),
	       "mbuff_stat() of a missing area: ENOENT (%s)", mbuff_last_error());
	tap_ok(stat_fails("", MBUFF_SOURCE_AUTO, &st, EINVAL) &&
	       stat_fails("a/b", MBUFF_SOURCE_AUTO, &st, EINVAL) &&
	       stat_fails("a b", MBUFF_SOURCE_AUTO, &st, EINVAL) &&
	       stat_fails("123456789012345678901234567890123",
			  MBUFF_SOURCE_AUTO, &st, EINVAL) &&
	       stat_fails(NULL, MBUFF_SOURCE_AUTO, &st, EINVAL),
	       "mbuff_stat() of bad names: EINVAL");
	st.sz = 8;
	tap_ok(stat_fails("lib-stat", MBUFF_SOURCE_AUTO, NULL, EINVAL) &&
	       stat_fails("lib-stat", MBUFF_SOURCE_AUTO, &st, EINVAL) &&
	       st.sz == 8 &&
	       (st.sz = sizeof(st),
		stat_fails("lib-stat", MBUFF_SOURCE_PROCESS + 1, &st, EINVAL)),
	       "mbuff_stat() with no struct, one too small, or an unknown source: EINVAL");

	/* Another user, once /dev/mbuff lets everyone in. */
	o = opts(MBUFF_BACKEND_CONTIG, MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE);
	o.mode = 0644;
	r = mbuff_area_open("lib-stat-pub", 4096, &o, &p);
	if (stat("/dev/mbuff", &dev) || chmod("/dev/mbuff", 0666)) {
		tap_ok(0, "chmod /dev/mbuff: %s", strerror(errno));
		tap_ok(0, "skipped");
		tap_ok(0, "skipped");
	} else {
		tap_ok(as_user(stat_private) == 0,
		       "uid 1000 may not stat a 0640 area of root's: EACCES");
		tap_ok(!r && as_user(stat_public) == 0,
		       "uid 1000 stats a 0644 area, without its physical address");
		tap_ok(as_user(events_revoked) == 0 && mb_gone("lib-revoke"),
		       "uid 1000 waits on and rings an area of its own until its mode says no: then POLLERR and EACCES");
		chmod("/dev/mbuff", dev.st_mode & 07777);
	}
	if (!r)
		mbuff_area_close(p);
	mbuff_destroy("lib-stat", MBUFF_SOURCE_MODULE);
	mbuff_area_close(a);
	tap_ok(mb_gone("lib-stat") && mb_gone("lib-stat-pub"),
	       "both areas go with their last handle and count");
}

/* Whether the module exports and imports dma-bufs. */
static int have_dmabuf(void)
{
	struct mbuff_info info;
	int fd = mb_open_dev(), ret = mb_info(fd, "", &info);

	close(fd);
	return !ret && (info.features & MBUFF_FEAT_DMABUF);
}

static int bytes_are(const unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 13 + seed))
			return 0;
	return 1;
}

/*
 * An area @a of @backend exported through the library and imported as
 * @b: the same bytes both ways, @b an imported area in every report, what
 * is refused, and the lifetimes: @b holds the dma-buf, which holds @a.
 */
static void test_dmabuf(unsigned int backend, const char *a, const char *b)
{
	struct mbuff_opts o = opts(backend, MBUFF_OPEN_CREATE);
	struct mbuff_area_info info = { .sz = sizeof(info) }, st;
	struct mbuff_area *ha, *hb, *hx;
	unsigned char *pa, *pb;
	uint64_t phys;
	size_t i, size;
	int fd, r, r2, r3, pipe_ok = 0, pfd[2];

	if (!have_dmabuf()) {
		for (i = 0; i < 5; i++)
			tap_skip("%s: this mbuff.ko has no dma-buf support", a);
		return;
	}
	r = mbuff_area_open(a, 256 * 1024, &o, &ha);
	fd = r ? r : mbuff_area_dmabuf(ha);
	if (!tap_ok(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
		    "%s: mbuff_area_dmabuf() gives a close-on-exec dma-buf descriptor (%s)",
		    a, fd < 0 ? mbuff_last_error() : "ok")) {
		for (i = 0; i < 4; i++)
			tap_ok(0, "%s: skipped", a);
		if (!r)
			mbuff_area_close(ha);
		return;
	}
	size = mbuff_area_size(ha);
	pa = mbuff_area_addr(ha);
	for (i = 0; i < size; i++)
		pa[i] = (unsigned char)(i * 13 + 1);
	r = mbuff_import(b, fd, NULL, &hb);
	pb = r ? NULL : mbuff_area_addr(hb);
	if (pb)
		pb[size - 1] = 0xa5;
	tap_ok(pb && mbuff_area_size(hb) == size &&
	       bytes_are(pb, size - 1, 1) && pa[size - 1] == 0xa5,
	       "%s: mbuff_import() maps the same bytes under '%s', and a write through it is the exporter's (%s)",
	       a, b, r ? mbuff_last_error() : "ok");
	if (r) {
		for (i = 0; i < 3; i++)
			tap_ok(0, "%s: skipped", a);
		close(fd);
		mbuff_area_close(ha);
		return;
	}
	st.sz = sizeof(st);
	r = mbuff_area_info(hb, &info);
	r2 = mbuff_stat(b, MBUFF_SOURCE_AUTO, &st);
	r3 = mbuff_area_phys(hb, &phys);
	tap_ok(!r && !r2 && info.backend == MBUFF_BACKEND_DMABUF &&
	       info.source == MBUFF_SOURCE_MODULE && info.phys_addr == 0 &&
	       info.memtype == MBUFF_MEM_CACHED && info.size == size &&
	       st.backend == MBUFF_BACKEND_DMABUF && st.size == size &&
	       r3 == -ENODATA && mb_sysfs(b, "size") == (long long)size,
	       "%s: '%s' is a cached dma-buf area without a physical address in mbuff_area_info() and mbuff_stat() (backend %u, %u)",
	       a, b, info.backend, st.backend);
	r = mbuff_area_dmabuf(hb);
	r2 = strstr(mbuff_last_error(), "imported") != NULL;
	r3 = mbuff_import(b, fd, NULL, &hx);
	if (pipe(pfd) == 0) {
		pipe_ok = mbuff_import("lib-dx-pipe", pfd[0], NULL, &hx) == -EINVAL &&
			  mb_exists("lib-dx-pipe") == 0;
		close(pfd[0]);
		close(pfd[1]);
	}
	tap_ok(r == -EOPNOTSUPP && r2 && r3 == -EEXIST && pipe_ok,
	       "%s: an imported area is not exported again (EOPNOTSUPP), its name is taken (EEXIST), a pipe is no dma-buf (EINVAL)",
	       a);

	/* The import holds the dma-buf, which holds the exported area. */
	close(fd);
	mbuff_area_close(ha);
	r = mb_exists(a) == 1 && mb_sysfs(a, "files") == 1 &&
	    bytes_are(pb, size - 1, 1);
	mbuff_area_close(hb);
	tap_ok(r && mb_gone(b) && mb_gone(a),
	       "%s: with its handle and descriptor closed it lives while '%s' does; closing that lets both go",
	       a, b);
}

/*
 * A read-only handle of a new import, which holds a user count and has a
 * mode of its own; a read-only handle exports nothing.
 */
static void test_dmabuf_ro(void)
{
	struct mbuff_opts o = opts(MBUFF_BACKEND_ANY, MBUFF_OPEN_CREATE);
	struct mbuff_opts ro = { .sz = sizeof(ro), .prot = PROT_READ };
	struct mbuff_area_info info = { .sz = sizeof(info) };
	struct mbuff_area *ha, *hr, *hb;
	int fd, r, r2, r3;

	if (!have_dmabuf()) {
		tap_skip("this mbuff.ko has no dma-buf support");
		tap_skip("this mbuff.ko has no dma-buf support");
		return;
	}
	if (mbuff_area_open("lib-dr-a", 8192, &o, &ha) ||
	    mbuff_area_open("lib-dr-a", 0, &ro, &hr)) {
		tap_ok(0, "open lib-dr-a: %s", mbuff_last_error());
		tap_ok(0, "skipped");
		return;
	}
	r = mbuff_area_dmabuf(hr);
	fd = mbuff_area_dmabuf(ha);
	strcpy(mbuff_area_addr(ha), "read me");
	ro.flags = MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE;
	ro.mode = 0640;
	r2 = fd < 0 ? fd : mbuff_import("lib-dr-b", fd, &ro, &hb);
	r3 = r2 ? r2 : mbuff_area_info(hb, &info);
	tap_ok(r == -EBADF && !r2 && !r3 &&
	       !strcmp(mbuff_area_addr(hb), "read me") && info.users == 1 &&
	       info.mode == 0640 && info.files == 0 &&
	       mbuff_area_notify(hb) == -EBADF &&
	       mbuff_area_dmabuf(hb) == -EOPNOTSUPP,
	       "a read-only handle exports nothing (EBADF); a read-only import with MBUFF_OPEN_HOLD and a mode reads the bytes, holds a user count and writes nothing (%s)",
	       r2 || r3 ? mbuff_last_error() : "ok");
	if (!r2)
		mbuff_area_close(hb);
	if (fd >= 0)
		close(fd);
	mbuff_area_close(hr);
	mbuff_area_close(ha);
	r = mb_exists("lib-dr-b") == 1 && mb_exists("lib-dr-a") == 1;
	tap_ok(r && !mbuff_destroy("lib-dr-b", MBUFF_SOURCE_MODULE) &&
	       mb_gone("lib-dr-b") && mb_gone("lib-dr-a"),
	       "its user count keeps it, and the area it came from, until mbuff_destroy()");
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
	test_stat();
	test_dmabuf(MBUFF_BACKEND_VMALLOC, "lib-dx-vm", "lib-dx-vm-b");
	test_dmabuf(MBUFF_BACKEND_CONTIG, "lib-dx-contig", "lib-dx-contig-b");
	test_dmabuf_ro();
	test_classic_meets_modern();
	test_classic_attach();
	tap_exit();
}
