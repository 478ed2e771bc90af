// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 0.7.2 ioctls (raw ALLOCATE 1, SELECT 3) leave nothing behind once
 * the program has unmapped and closed or exited, keep 0.7.2's -EIO for an
 * oversize ALLOCATE, and obey the access model: no ALLOCATE on a read-only
 * descriptor, none of another's private area.  Runs as root with
 * /dev/mbuff made 0666 (ax_init()); children drop to uids 1000 and 1001.
 */
#include "access_util.h"

#define PLAN 22

#define LEGACY_ALLOCATE 1	/* MBUFF_LEGACY_ALLOCATE */
#define LEGACY_SELECT 3		/* MBUFF_LEGACY_SELECT */

static const struct ax_cred u1000 = {
	.label = "uid 1000", .uid = 1000, .gid = 1000,
};
static const struct ax_cred u1001 = {
	.label = "uid 1001", .uid = 1001, .gid = 1001,
};

/* The raw result of a 0.7.2 request: the size, or -errno. */
static long legacy(int fd, unsigned long cmd, const char *name, size_t size)
{
	struct mbuff_request_struct req;
	int ret;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.size = size;
	ret = ioctl(fd, cmd, &req);
	return ret < 0 ? -errno : ret;
}

/* One request on a descriptor of its own, closed at once. */
static long legacy1(unsigned long cmd, const char *name, size_t size,
		    int flags)
{
	int fd = ax_dev(flags);
	long ret;

	if (fd < 0)
		return fd;
	ret = legacy(fd, cmd, name, size);
	close(fd);
	return ret;
}

static long select1(const char *name)
{
	return legacy1(LEGACY_SELECT, name, 0, O_RDWR);
}

/* In a child, as someone: ALLOCATE @size (0: of an existing area). */
static long op_allocate(const char *name, long size)
{
	return legacy1(LEGACY_ALLOCATE, name, (size_t)size, O_RDWR);
}

static long op_select(const char *name, long unused)
{
	(void)unused;
	return select1(name);
}

/* ALLOCATE, map, write, unmap, close. */
static void test_gone(void)
{
	long ret, sel;
	char *p;
	int fd;

	fd = ax_dev(O_RDWR);
	ret = legacy(fd, LEGACY_ALLOCATE, "lga_gone", 5000);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok(ret == 8192 && p != MAP_FAILED,
	       "ALLOCATE 5000 bytes: %s, and it maps", ax_err(ret));
	if (p != MAP_FAILED) {
		strcpy(p, "0.7.2");
		munmap(p, 8192);
	}
	close(fd);
	sel = select1("lga_gone");
	tap_ok(sel == -EINVAL,
	       "after munmap and close, SELECT finds nothing: EINVAL (%s)",
	       ax_err(sel));
	if (sel > 0)
		ax_remove("lga_gone");

	fd = ax_dev(O_RDWR);
	ret = legacy(fd, LEGACY_ALLOCATE, "lga_nomap", 4096);
	close(fd);
	sel = select1("lga_nomap");
	tap_ok(ret == 4096 && sel == -EINVAL,
	       "ALLOCATE then close without a mapping (%s): SELECT: EINVAL (%s)",
	       ax_err(ret), ax_err(sel));
	if (sel > 0)
		ax_remove("lga_nomap");
}

/* A mapping keeps the area after close; its munmap lets it go. */
static void test_mapping(void)
{
	char *p, *q = MAP_FAILED;
	long ret, sel;
	int fd, fd2;

	fd = ax_dev(O_RDWR);
	ret = legacy(fd, LEGACY_ALLOCATE, "lga_map", 8192);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		strcpy(p + 4096, "kept by the mapping");
	close(fd);
	tap_ok(ret == 8192 && p != MAP_FAILED, "ALLOCATE and map 'lga_map' (%s)",
	       ax_err(ret));

	fd2 = ax_dev(O_RDWR);
	sel = legacy(fd2, LEGACY_SELECT, "lga_map", 0);
	if (sel == 8192)
		q = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd2, 0);
	tap_ok(sel == 8192 && q != MAP_FAILED &&
	       !strcmp(q + 4096, "kept by the mapping"),
	       "after close, the live mapping keeps it: SELECT %s and its bytes are there",
	       ax_err(sel));
	close(fd2);
	if (q != MAP_FAILED)
		munmap(q, 8192);
	if (p != MAP_FAILED)
		munmap(p, 8192);
	sel = select1("lga_map");
	tap_ok(sel == -EINVAL, "after both munmaps: SELECT: EINVAL (%s)",
	       ax_err(sel));
	if (sel > 0)
		ax_remove("lga_map");
}

/* A 0.7.2 program that exits without cleaning up. */
static void test_exit(void)
{
	long sel;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = ax_dev(O_RDWR);

		if (fd < 0 || legacy(fd, LEGACY_ALLOCATE, "lga_exit", 4096) != 4096 ||
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
		    MAP_FAILED)
			_exit(1);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	sel = select1("lga_exit");
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st) && sel == -EINVAL,
	       "a program that ALLOCATEd and mapped, then exited: SELECT: EINVAL (%s)",
	       ax_err(sel));
	if (sel > 0)
		ax_remove("lga_exit");
}

static void test_sizes(void)
{
	long ret;

	ret = legacy1(LEGACY_ALLOCATE, "lga_big", INT_MAX - 100, O_RDWR);
	tap_ok(ret == -EIO, "ALLOCATE of INT_MAX - 100 bytes: EIO, as 0.7.2 (%s)",
	       ax_err(ret));
	ret = legacy1(LEGACY_ALLOCATE, "lga_big", (size_t)INT_MAX + 1, O_RDWR);
	tap_ok(ret == -EIO, "ALLOCATE of INT_MAX + 1 bytes: EIO (%s)",
	       ax_err(ret));
	ret = legacy1(LEGACY_ALLOCATE, "lga_big", SIZE_MAX, O_RDWR);
	tap_ok(ret == -EIO, "ALLOCATE of SIZE_MAX bytes: EIO (%s)", ax_err(ret));
	ret = select1("lga_big");
	tap_ok(ret == -EINVAL, "none of them left an area: SELECT: EINVAL (%s)",
	       ax_err(ret));
}

static void test_rdonly(void)
{
	char *p = MAP_FAILED;
	long ret, sel;
	int fd, fd2;

	ret = legacy1(LEGACY_ALLOCATE, "lga_ro", 4096, O_RDONLY);
	sel = select1("lga_ro");
	tap_ok(ret == -EBADF && sel == -EINVAL,
	       "O_RDONLY: ALLOCATE of a new area: EBADF (%s), and none was made (SELECT: %s)",
	       ax_err(ret), ax_err(sel));

	fd = ax_dev(O_RDWR);
	ret = legacy(fd, LEGACY_ALLOCATE, "lga_ro", 4096);
	fd2 = ax_dev(O_RDONLY);
	sel = legacy(fd2, LEGACY_SELECT, "lga_ro", 0);
	if (sel == 4096)
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0);
	tap_ok(ret == 4096 && sel == 4096 && p != MAP_FAILED,
	       "O_RDONLY: SELECT of an existing area (%s) and a read-only mapping of it (%s)",
	       ax_err(sel), p == MAP_FAILED ? strerror(errno) : "ok");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd2);
	close(fd);
}

/* uid 1000 creates a private area (default mode) that stays: HOLD. */
static long op_create_private(const char *name, long unused)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	(void)unused;
	if (fd < 0)
		return fd;
	ret = ax_open(fd, name, 4096, MBUFF_BACKEND_VMALLOC,
		      MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, 0, NULL);
	close(fd);
	return ret;
}

/* Another user's private area. */
static void test_private(void)
{
	long ret;

	ret = ax_as(&u1000, op_create_private, "lga_priv", 0);
	tap_ok(!ret, "uid 1000 creates a private 'lga_priv' with HOLD (%s)",
	       ax_err(ret));
	ret = ax_as(&u1001, op_allocate, "lga_priv", 4096);
	tap_ok(ret == -EACCES,
	       "uid 1001: ALLOCATE of another's private area: EACCES (%s)",
	       ax_err(ret));
	ret = ax_as(&u1001, op_allocate, "lga_priv", 0);
	tap_ok(ret == -EACCES,
	       "uid 1001: ALLOCATE of it with size 0 (attach): EACCES (%s)",
	       ax_err(ret));
	ret = ax_as(&u1001, op_select, "lga_priv", 0);
	tap_ok(ret == -EINVAL,
	       "uid 1001: SELECT of it: EINVAL, as for a missing area (%s)",
	       ax_err(ret));
	ret = ax_as(&u1000, op_select, "lga_priv", 0);
	tap_ok(ret == 4096, "uid 1000: SELECT of its area (%s)", ax_err(ret));
	ret = ax_as(&u1000, op_allocate, "lga_priv", 4096);
	tap_ok(ret == 4096, "uid 1000: ALLOCATE of its area (%s)", ax_err(ret));
	ret = ax_as(&u1001, op_allocate, "lga_u1001", 8192);
	tap_ok(ret == 8192 && select1("lga_u1001") == -EINVAL,
	       "uid 1001: ALLOCATE of a new area (%s), gone when it exits",
	       ax_err(ret));
	tap_ok(ax_remove("lga_priv"), "'lga_priv' is gone after DESTROY");
}

int main(void)
{
	long n;

	if (geteuid()) {
		printf("1..0 # SKIP needs root\n");
		return 4;
	}
	ax_init();
	tap_plan(PLAN);
	test_gone();
	test_mapping();
	test_exit();
	test_sizes();
	test_rdonly();
	test_private();
	n = ax_root_count();
	tap_ok(n == 0, "no area is left (%s)", ax_err(n));
	tap_exit();
}
