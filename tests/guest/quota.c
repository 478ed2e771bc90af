// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-user quotas (user_max_areas, user_max_vmalloc_mb, user_max_pool_mb:
 * their defaults, and set at run time), the global max_vmalloc_mb, and the
 * bound on one area's user counts.  Runs as root (/dev/mbuff made 0666) and a
 * 64 MiB pool; children drop to uids 1000 and 1001.  Restores the
 * parameters it changes.
 */
#include "access_util.h"

#define PLAN 41

/* Where the HOLD loop stops: past the bound, not forever. */
#define HOLD_BOUND 65535
#define HOLD_TRIES (HOLD_BOUND + 5)

static const struct ax_cred root = { .label = "root", .root = 1 };
static const struct ax_cred u1000 = {
	.label = "uid 1000", .uid = 1000, .gid = 1000,
};
static const struct ax_cred u1001 = {
	.label = "uid 1001", .uid = 1001, .gid = 1001,
};
static const struct ax_cred u1000_resource = {
	.label = "uid 1000 with CAP_SYS_RESOURCE", .uid = 1000, .gid = 1000,
	.caps = 1ULL << CAP_SYS_RESOURCE,
};

/* The parameters this test changes, and their values before. */
static const char *const params[] = {
	"user_max_areas", "user_max_vmalloc_mb", "user_max_pool_mb",
	"max_vmalloc_mb",
};
static char saved[4][32];

/* What op_create_n() creates: set before the fork of ax_as(). */
static struct {
	int n;
	size_t size;
	unsigned int backend;
} create_req;

/*
 * Create areas @prefix0 .. @prefix<n-1> of create_req's size with HOLD,
 * on its backend, one after the other: how many were created, or -errno
 * of the first failure when none was.  ax_res[1]: -errno of the first
 * failure.
 */
static long op_create_n(const char *prefix, long arg)
{
	int i, fd = ax_dev(O_RDWR);
	char name[MBUFF_NAME_SIZE];
	long ret = 0;

	(void)arg;
	if (fd < 0)
		return fd;
	ax_res[1] = 0;
	for (i = 0; i < create_req.n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		ret = ax_open(fd, name, create_req.size, create_req.backend,
			      MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL |
			      MBUFF_OPEN_HOLD, 0, NULL);
		if (ret) {
			ax_res[1] = ret;
			break;
		}
	}
	close(fd);
	return i ? i : ret;
}

#define VM MBUFF_BACKEND_VMALLOC
#define CONTIG MBUFF_BACKEND_CONTIG

/* op_create_n() as @c. */
static long create_n(const struct ax_cred *c, const char *prefix, int n,
		     size_t size, unsigned int backend)
{
	create_req.n = n;
	create_req.size = size;
	create_req.backend = backend;
	return ax_as(c, op_create_n, prefix, 0);
}

/* One area, without HOLD: it lives as long as the child's file. */
static long op_create_nohold(const char *name, long size)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_open(fd, name, (size_t)size, MBUFF_BACKEND_VMALLOC,
		      MBUFF_OPEN_CREATE, 0, NULL);
	close(fd);
	return ret;
}

static long op_destroy(const char *name, long unused)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	(void)unused;
	if (fd < 0)
		return fd;
	ret = ax_name(fd, MBUFF_IOC_DESTROY, name);
	close(fd);
	return ret;
}

static long root_chown(const char *name, unsigned int uid)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_setperm(fd, name, MBUFF_PERM_UID, uid, 0, 0);
	close(fd);
	return ret;
}

/* Set a parameter, saying so when it cannot be. */
static int set(const char *param, const char *value)
{
	int ret = ax_param_set(param, value);

	if (ret)
		tap_diag("cannot set %s=%s: %s", param, value, ax_err(ret));
	return ret;
}

static void save_params(void)
{
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(path, sizeof(path), AX_PARAMS "/%s", params[i]);
		if (read_file(path, saved[i], sizeof(saved[i])))
			saved[i][0] = '\0';
	}
}

static int restore_params(void)
{
	char path[128], now[32];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(path, sizeof(path), AX_PARAMS "/%s", params[i]);
		if (!saved[i][0] ||
		    (!read_file(path, now, sizeof(now)) && !strcmp(now, saved[i])))
			continue;
		if (set(params[i], saved[i]))
			ok = 0;
	}
	return ok;
}

/* Remove the areas @prefix0 .. @prefix<n-1>: 1 when all are gone. */
static int remove_n(const char *prefix, int n)
{
	char name[MBUFF_NAME_SIZE];
	int i, ok = 1;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		ok &= ax_remove(name);
	}
	return ok;
}

/* RAM in MiB, as the module reckons it (MemTotal). */
static long ram_mb(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb / 1024;
}

static void test_params(void)
{
	long ram;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (!saved[i][0]) {
			tap_diag("no parameter %s", params[i]);
			ok = 0;
		}
	}
	tap_ok(ok, "the quota parameters exist: user_max_areas %s, user_max_vmalloc_mb %s, user_max_pool_mb %s, max_vmalloc_mb %s",
	       saved[0], saved[1], saved[2], saved[3]);
	tap_ok(!strcmp(saved[0], "64"), "user_max_areas is 64 by default");
	ram = ram_mb();
	tap_ok(strtol(saved[1], NULL, 10) == (ram / 16 ? ram / 16 : 1) &&
	       strtol(saved[3], NULL, 10) == (ram / 4 ? ram / 4 : 1),
	       "with %ld MiB of RAM, user_max_vmalloc_mb is a sixteenth (%s) and max_vmalloc_mb a quarter (%s)",
	       ram, saved[1], saved[3]);
	tap_ok(!strcmp(saved[2], "4294967295"),
	       "user_max_pool_mb is 4294967295 (a quarter of the pools) by default (%s)",
	       saved[2]);
}

static void test_areas(void)
{
	long ret;

	tap_ok(!set("user_max_areas", "3"), "user_max_areas=3 at run time");
	ret = create_n(&u1000, "qa", 3, 4096, VM);
	tap_ok(ret == 3, "uid 1000 creates 3 areas with HOLD and exits (%s, %s)",
	       ax_err(ret), ax_err(ax_res[1]));
	ret = create_n(&u1000, "qb", 1, 4096, VM);
	tap_ok(ret == -EDQUOT,
	       "uid 1000: a 4th, while the 3 it left hold on: EDQUOT (%s)",
	       ax_err(ret));
	ret = ax_as(&u1000, op_create_nohold, "qc0", 4096);
	tap_ok(ret == -EDQUOT, "uid 1000: a 4th without HOLD: EDQUOT (%s)",
	       ax_err(ret));
	ret = create_n(&u1001, "qd", 3, 4096, VM);
	tap_ok(ret == 3, "uid 1001 has a quota of its own: 3 areas (%s)",
	       ax_err(ret));
	ret = create_n(&root, "qr", 5, 4096, VM);
	tap_ok(ret == 5, "root is not limited: 5 areas (%s, %s)", ax_err(ret),
	       ax_err(ax_res[1]));
	ret = create_n(&u1000_resource, "qe", 1, 4096, VM);
	tap_ok(ret == 1, "uid 1000 with CAP_SYS_RESOURCE is not limited (%s)",
	       ax_err(ret));
	tap_ok(remove_n("qe", 1), "that one is gone");

	/* A chown does not move the charge. */
	ret = root_chown("qa0", 1001);
	tap_ok(!ret, "root gives uid 1000's 'qa0' to uid 1001 (%s)", ax_err(ret));
	ret = create_n(&u1000, "qb", 1, 4096, VM);
	tap_ok(ret == -EDQUOT,
	       "uid 1000: still EDQUOT, the area stays charged to its creator (%s)",
	       ax_err(ret));

	ret = ax_as(&u1000, op_destroy, "qa1", 0);
	tap_ok(!ret && ax_remove("qa1"), "uid 1000 destroys one of its areas (%s)",
	       ax_err(ret));
	ret = create_n(&u1000, "qb", 1, 4096, VM);
	tap_ok(ret == 1, "uid 1000: now a new one fits (%s)", ax_err(ret));

	tap_ok(!set("user_max_areas", "0"), "user_max_areas=0");
	ret = create_n(&u1000, "qf", 2, 4096, VM);
	tap_ok(ret == 2, "uid 1000: 0 means no limit, 2 more areas (%s)",
	       ax_err(ret));
	tap_ok(remove_n("qf", 2) & remove_n("qa", 3) & remove_n("qb", 1) &
	       remove_n("qd", 3) & remove_n("qr", 5) & !set("user_max_areas", saved[0]),
	       "all gone; user_max_areas=%s again", saved[0]);
}

static void test_bytes(void)
{
	long ret, max;

	tap_ok(!set("user_max_vmalloc_mb", "1"), "user_max_vmalloc_mb=1");
	ret = create_n(&u1000, "qv", 2, 512 << 10, VM);
	tap_ok(ret == 2, "uid 1000: two 512 KiB vmalloc areas (%s, %s)",
	       ax_err(ret), ax_err(ax_res[1]));
	ret = create_n(&u1000, "qw", 1, 4096, VM);
	tap_ok(ret == -EDQUOT, "uid 1000: 4 KiB more: EDQUOT (%s)", ax_err(ret));
	ret = create_n(&u1001, "qx", 1, 1 << 20, VM);
	tap_ok(ret == 1, "uid 1001: 1 MiB of its own (%s)", ax_err(ret));
	ret = create_n(&root, "qy", 1, 2 << 20, VM);
	tap_ok(ret == 1, "root: 2 MiB, not limited (%s)", ax_err(ret));
	ret = ax_as(&u1000, op_destroy, "qv0", 0);
	tap_ok(!ret && ax_remove("qv0"), "uid 1000 destroys a 512 KiB area (%s)",
	       ax_err(ret));
	ret = create_n(&u1000, "qw", 1, 4096, VM);
	tap_ok(ret == 1, "uid 1000: now 4 KiB fits (%s)", ax_err(ret));
	tap_ok(remove_n("qv", 2) & remove_n("qw", 1) & remove_n("qx", 1) &
	       remove_n("qy", 1) & !set("user_max_vmalloc_mb", saved[1]),
	       "all gone; user_max_vmalloc_mb=%s again", saved[1]);

	/* The default pool quota: a quarter of the one 64 MiB pool. */
	ret = create_n(&u1000, "qp", 1, 16 << 20, CONTIG);
	tap_ok(ret == 1, "uid 1000: 16 MiB of the pool, a quarter of it (%s)",
	       ax_err(ret));
	ret = create_n(&u1000, "qq", 1, 4096, CONTIG);
	tap_ok(ret == -EDQUOT, "uid 1000: 4 KiB more of the pool: EDQUOT (%s)",
	       ax_err(ret));
	tap_ok(remove_n("qp", 1), "that one is gone");

	tap_ok(!set("user_max_pool_mb", "1"), "user_max_pool_mb=1");
	ret = create_n(&u1000, "qp", 1, 1 << 20, CONTIG);
	tap_ok(ret == 1, "uid 1000: a 1 MiB contiguous area (%s)", ax_err(ret));
	ret = create_n(&u1000, "qq", 1, 4096, CONTIG);
	tap_ok(ret == -EDQUOT, "uid 1000: 4 KiB more of the pool: EDQUOT (%s)",
	       ax_err(ret));
	ret = create_n(&root, "qs", 1, 2 << 20, CONTIG);
	tap_ok(ret == 1, "root: 2 MiB of the pool, not limited (%s)", ax_err(ret));
	tap_ok(remove_n("qp", 1) & remove_n("qs", 1) &
	       !set("user_max_pool_mb", saved[2]),
	       "all gone; user_max_pool_mb=%s again", saved[2]);

	/*
	 * The global limit, read-only once loaded, holds for everyone:
	 * fill it with 16 MiB areas and the rest.
	 */
	max = strtol(saved[3], NULL, 10);
	ret = max > 0 && max < 1024 ? create_n(&root, "qg", (int)(max / 16),
						16 << 20, VM) : -ERANGE;
	if (ret == max / 16 && max % 16)
		ret = create_n(&root, "qh", 1, (size_t)(max % 16) << 20, VM) == 1 ?
		      ret : -ENOMEM;
	tap_ok(ret == max / 16,
	       "root: max_vmalloc_mb=%ld MiB of vmalloc areas, %ld of 16 MiB and the rest (%s)",
	       max, max / 16, ax_err(ret));
	ret = create_n(&root, "qi", 1, 4096, VM);
	tap_ok(ret == -ENOMEM, "root: 4 KiB more: ENOMEM (%s)", ax_err(ret));
	tap_ok(remove_n("qg", (int)(max / 16)) & remove_n("qh", 1) &
	       remove_n("qi", 1), "all gone");
}

/* One area's user counts stop at the bound instead of wrapping. */
static void test_hold_bound(void)
{
	struct mbuff_info info;
	double t0 = ax_now(), t1;
	long ret = 0, i, n = 0;
	int fd = ax_dev(O_RDWR);

	if (fd < 0) {
		tap_ok(0, "open /dev/mbuff: %s", ax_err(fd));
		tap_ok(0, "(skipped)");
		return;
	}
	ret = ax_open(fd, "qhold", 4096, MBUFF_BACKEND_VMALLOC,
		      MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD, 0,
		      NULL);
	for (i = 1; !ret && i < HOLD_TRIES; i++)
		ret = ax_open(fd, "qhold", 0, MBUFF_BACKEND_ANY,
			      MBUFF_OPEN_HOLD, 0, NULL);
	t1 = ax_now();
	ax_info(fd, "qhold", &info);
	tap_diag("%ld OPENs with HOLD in %.2f s", i, t1 - t0);
	tap_ok(ret == -EOVERFLOW && i == HOLD_BOUND + 1 &&
	       info.users == HOLD_BOUND,
	       "HOLD number %ld fails with EOVERFLOW (%s); the area has %u user counts (want %d)",
	       i, ax_err(ret), info.users, HOLD_BOUND);
	t0 = ax_now();
	while (!ax_name(fd, MBUFF_IOC_DESTROY, "qhold"))
		n++;
	close(fd);
	tap_diag("%ld DESTROYs in %.2f s", n, ax_now() - t0);
	tap_ok(n == HOLD_BOUND && ax_remove("qhold"),
	       "as many DESTROYs (%ld) take it away", n);
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
	save_params();
	test_params();
	test_areas();
	test_bytes();
	test_hold_bound();
	n = ax_root_count();
	tap_ok(restore_params() && n == 0,
	       "the parameters are restored, no area is left (%s)", ax_err(n));
	tap_exit();
}
