/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the guest tests of /dev/mbuff: the modern ioctls (ABI 2:
 * every request starts with its size, @argsz), the UIO device of an area
 * (found by name, never by number), sysfs values, the test kernel
 * client (tests/kmod/mbuff_test_client.c), clocks, sizes on the command
 * line and writes to parameter files.
 */
#ifndef MBUFF_UTIL_H
#define MBUFF_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <mbuff/mbuff.h>

#define MB (1024UL * 1024UL)

/* A clock's time in seconds. */
static inline double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "64M" and the like (K, M, G suffixes); 0 when it is not a size. */
static inline unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
	}
	return *end ? 0 : v;
}

/* Write @text to the file at @path (a module parameter, say): 0 or -1. */
static inline int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	size_t len = strlen(text);
	int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* -errno of the last failing call, for messages. */
static inline int neg_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

static inline int mb_open_dev(void)
{
	int fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/mbuff");
		exit(1);
	}
	return fd;
}

/* MBUFF_IOC_OPEN on a new fd; returns the fd or -errno. */
static inline int mb_open(const char *name, unsigned long size,
			  unsigned int backend, unsigned int memtype,
			  unsigned int flags, struct mbuff_open *out)
{
	struct mbuff_open req;
	int fd = mb_open_dev(), ret;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = flags;
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.size = size;
	req.backend = backend;
	req.memtype = memtype;
	ret = ioctl(fd, MBUFF_IOC_OPEN, &req);
	if (ret < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (out)
		*out = req;
	return fd;
}

static inline int mb_info(int fd, const char *name, struct mbuff_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	snprintf(info->name, sizeof(info->name), "%s", name ? name : "");
	return neg_errno(ioctl(fd, MBUFF_IOC_INFO, info));
}

/* Does the area exist?  1, 0, or -errno. */
static inline int mb_exists(const char *name)
{
	struct mbuff_info info;
	int fd = mb_open_dev(), ret = mb_info(fd, name, &info);

	close(fd);
	return ret == 0 ? 1 : ret == -ENOENT ? 0 : ret;
}

static inline int mb_destroy(const char *name)
{
	struct mbuff_name req;
	int fd = mb_open_dev(), ret;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	snprintf(req.name, sizeof(req.name), "%s", name);
	ret = neg_errno(ioctl(fd, MBUFF_IOC_DESTROY, &req));
	close(fd);
	return ret;
}

static inline int mb_uio_index(const char *name);

/*
 * Wait for an area to go: its name and sysfs directory go at once, its
 * UIO device and memory just after (the teardown runs on a workqueue).
 */
static inline int mb_gone(const char *name)
{
	char path[128];
	int i;

	snprintf(path, sizeof(path), "/sys/class/mbuff/%s", name);
	for (i = 0; i < 200; i++) {
		if (access(path, F_OK) && mb_exists(name) == 0 &&
		    mb_uio_index(name) < 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A value from /sys/class/mbuff/NAME/ATTR, or -1. */
static inline long long mb_sysfs(const char *name, const char *attr)
{
	char path[160], buf[64];

	snprintf(path, sizeof(path), "/sys/class/mbuff/%s/%s",
		 name, attr);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/* The N of /dev/uioN whose name is "mbuff:NAME", or -1. */
static inline int mb_uio_index(const char *name)
{
	char want[64], path[300], buf[64];
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int n = -1;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "mbuff:%s", name);
	while (n < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/uio/%s/name", e->d_name);
		if (!read_file(path, buf, sizeof(buf)) && !strcmp(buf, want))
			n = atoi(e->d_name + 3);
	}
	closedir(d);
	return n;
}

static inline int mb_uio_open(const char *name)
{
	char path[32];
	int n = mb_uio_index(name);

	if (n < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/dev/uio%d", n);
	n = open(path, O_RDWR | O_CLOEXEC);
	return n < 0 ? -errno : n;
}

/* Run a command of the test kernel client: 0 or -errno. */
static inline int kctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int kctl(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int fd, ret = 0, len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fd = open("/sys/kernel/debug/mbuff_test/ctl", O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, line, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* The result line of the last kernel client command. */
static inline const char *kresult(void)
{
	static char buf[128];

	if (read_file("/sys/kernel/debug/mbuff_test/ctl", buf, sizeof(buf)))
		buf[0] = '\0';
	return buf;
}

/* Fill or check bytes; returns the first bad offset or -1. */
static inline long mem_check(const volatile unsigned char *p, size_t len,
			     unsigned char byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			return (long)i;
	return -1;
}

#endif /* MBUFF_UTIL_H */
