/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the guest tests of the access model: ABI 2 requests (argsz
 * set), running one operation as another user (uid, groups, capabilities)
 * in a child process, and errno names for the messages.
 */
#ifndef MBUFF_ACCESS_UTIL_H
#define MBUFF_ACCESS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <mbuff/mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

#define AX_SYSFS "/sys/class/misc/mbuff"
#define AX_AREAS "/sys/class/mbuff"
#define AX_PARAMS "/sys/module/mbuff/parameters"

/*
 * No result: what ax_as() returns when the child could not run or died,
 * and what an ax_res[] slot holds when the child left nothing there.
 */
#define AX_NOCHILD (LONG_MIN + 1)
#define AX_NRES 16

/**
 * struct ax_cred - who runs an operation
 * @label: for the messages, e.g. "uid 1001"
 * @uid: real, effective, saved and file-system uid
 * @gid: the same gids
 * @groups: supplementary groups
 * @ngroups: how many
 * @caps: capabilities kept, 1ULL << CAP_*; none when 0
 * @root: stay root: the fields above are ignored
 * @drop: with @root, the capabilities root gives up, 1ULL << CAP_*
 */
struct ax_cred {
	const char *label;
	uid_t uid;
	gid_t gid;
	gid_t groups[4];
	int ngroups;
	unsigned long long caps;
	int root;
	unsigned long long drop;
};

/* The results of the operation a child ran, shared with the parent. */
static long *ax_res;

/*
 * The shared results, and /dev/mbuff open to the test users.  The module
 * leaves the node root's, 0600; the packaged udev rule gives it group
 * mbuff, 0660; the guest has no udev, and the test users are in no such
 * group: the node is made 0666 here, and the module's own checks of each
 * area are what the tests exercise.
 */
static inline void ax_init(void)
{
	ax_res = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ax_res == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	if (chown("/dev/mbuff", 0, 0) || chmod("/dev/mbuff", 0666))
		perror("/dev/mbuff");
}

/* The name of an errno, for -errno results; a number otherwise. */
static inline const char *ax_err(long v)
{
	static const struct { int e; const char *name; } names[] = {
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { EBADF, "EBADF" },
		{ ENOENT, "ENOENT" }, { EINVAL, "EINVAL" }, { EDQUOT, "EDQUOT" },
		{ EOVERFLOW, "EOVERFLOW" }, { EFAULT, "EFAULT" },
		{ ENOTTY, "ENOTTY" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" },
		{ ENOSPC, "ENOSPC" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EIO, "EIO" }, { EAGAIN, "EAGAIN" }, { EROFS, "EROFS" },
	};
	static char buf[8][32];
	static int i;
	size_t k;

	i = (i + 1) % 8;
	if (v == AX_NOCHILD)
		return "none";
	for (k = 0; v < 0 && k < sizeof(names) / sizeof(names[0]); k++)
		if (v == -names[k].e)
			return names[k].name;
	if (v < 0 && v > -4096)
		snprintf(buf[i], sizeof(buf[i]), "-%s", strerror((int)-v));
	else
		snprintf(buf[i], sizeof(buf[i]), "%ld", v);
	return buf[i];
}

/* The capabilities this process has now (effective), or 0. */
static inline unsigned long long ax_getcaps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d))
		return 0;
	return (unsigned long long)d[1].effective << 32 | d[0].effective;
}

static inline int ax_setcaps(unsigned long long caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = (__u32)caps;
	d[0].permitted = d[0].effective;
	d[1].effective = (__u32)(caps >> 32);
	d[1].permitted = d[1].effective;
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

/* Become @c: groups, gids, uids, then only the capabilities it keeps. */
static inline int ax_become(const struct ax_cred *c)
{
	if (c->root)
		return c->drop ? ax_setcaps(ax_getcaps() & ~c->drop) : 0;
	if (c->caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setgroups((size_t)c->ngroups, c->groups) ||
	    setresgid(c->gid, c->gid, c->gid) ||
	    setresuid(c->uid, c->uid, c->uid))
		return -errno;
	return ax_setcaps(c->caps);
}

typedef long (*ax_op)(const char *name, long arg);

/*
 * Run @op(@name, @arg) as @c in a child.  The child may leave more results
 * in ax_res[1..AX_NRES - 1]; ax_res[0] is the return value.
 */
static inline long ax_as(const struct ax_cred *c, ax_op op, const char *name,
			 long arg)
{
	pid_t pid;
	int i, st;

	for (i = 0; i < AX_NRES; i++)
		ax_res[i] = AX_NOCHILD;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return AX_NOCHILD;
	if (pid == 0) {
		int ret = ax_become(c);

		if (ret) {
			tap_diag("cannot become %s: %s", c->label, strerror(-ret));
			_exit(3);
		}
		ax_res[0] = op(name, arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		tap_diag("the child running as %s failed (status %#x)",
			 c->label, st);
		return AX_NOCHILD;
	}
	return ax_res[0];
}

/* ---- ABI 2 requests, on a given descriptor; 0 (or a value) or -errno */

static inline int ax_dev(int flags)
{
	int fd = open("/dev/mbuff", flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline long ax_ioctl(int fd, unsigned long cmd, void *req)
{
	return ioctl(fd, cmd, req) < 0 ? -errno : 0;
}

static inline void ax_open_req(struct mbuff_open *req, const char *name,
			       size_t size, unsigned int backend,
			       unsigned int flags, unsigned int mode)
{
	memset(req, 0, sizeof(*req));
	req->argsz = sizeof(*req);
	req->flags = flags;
	snprintf(req->name, sizeof(req->name), "%s", name);
	req->size = size;
	req->backend = backend;
	req->mode = mode;
}

static inline long ax_open(int fd, const char *name, size_t size,
			   unsigned int backend, unsigned int flags,
			   unsigned int mode, struct mbuff_open *out)
{
	struct mbuff_open req;
	long ret;

	ax_open_req(&req, name, size, backend, flags, mode);
	ret = ax_ioctl(fd, MBUFF_IOC_OPEN, &req);
	if (out)
		*out = req;
	return ret;
}

static inline long ax_info(int fd, const char *name, struct mbuff_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	snprintf(info->name, sizeof(info->name), "%s", name);
	return ax_ioctl(fd, MBUFF_IOC_INFO, info);
}

/* DESTROY or NOTIFY. */
static inline long ax_name(int fd, unsigned long cmd, const char *name)
{
	struct mbuff_name req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	snprintf(req.name, sizeof(req.name), "%s", name);
	return ax_ioctl(fd, cmd, &req);
}

static inline long ax_sync(int fd, const char *name)
{
	struct mbuff_sync req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.length = 4096;
	req.direction = MBUFF_SYNC_TO_DEVICE;
	return ax_ioctl(fd, MBUFF_IOC_SYNC, &req);
}

static inline long ax_setperm(int fd, const char *name, unsigned int flags,
			      unsigned int uid, unsigned int gid,
			      unsigned int mode)
{
	struct mbuff_perm req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = flags;
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.uid = uid;
	req.gid = gid;
	req.mode = mode;
	return ax_ioctl(fd, MBUFF_IOC_SETPERM, &req);
}

/* The number of areas, or -errno. */
static inline long ax_count(int fd)
{
	struct mbuff_list req;
	long ret;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	ret = ax_ioctl(fd, MBUFF_IOC_LIST, &req);
	return ret ? ret : (long)req.count;
}

/* ---- the same on a descriptor of their own, as root */

static inline long ax_root_info(const char *name, struct mbuff_info *info)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_info(fd, name, info);
	close(fd);
	return ret;
}

static inline long ax_root_name(unsigned long cmd, const char *name)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_name(fd, cmd, name);
	close(fd);
	return ret;
}

static inline long ax_root_count(void)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_count(fd);
	close(fd);
	return ret;
}

/*
 * Drop every user count of an area and wait until it is gone (name,
 * sysfs directory and UIO device): 1 when it is.
 */
static inline int ax_remove(const char *name)
{
	struct mbuff_info info;
	char path[128];
	int i;

	for (i = 0; i < 70000 && !ax_root_name(MBUFF_IOC_DESTROY, name); i++)
		;
	snprintf(path, sizeof(path), AX_AREAS "/%s", name);
	for (i = 0; i < 300; i++) {
		if (access(path, F_OK) && mb_uio_index(name) < 0 &&
		    ax_root_info(name, &info) == -ENOENT)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Write a module parameter: 0 or -errno. */
static inline int ax_param_set(const char *param, const char *value)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), AX_PARAMS "/%s", param);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static inline double ax_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* MBUFF_ACCESS_UTIL_H */
