// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl export and import: areas as dma-bufs for other programs, and
 * dma-bufs (of a dma-buf heap, or inherited) as named areas.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#if __has_include(<linux/dma-heap.h>)
#include <linux/dma-heap.h>
#endif

#include "mbuffctl.h"

/* <linux/dma-heap.h> of Linux 5.6 on, for headers older than that. */
#ifndef DMA_HEAP_IOCTL_ALLOC
struct dma_heap_allocation_data {
	__u64 len;
	__u32 fd;
	__u32 fd_flags;
	__u64 heap_flags;
};
#define DMA_HEAP_IOCTL_ALLOC \
	_IOWR('H', 0x0, struct dma_heap_allocation_data)
#endif

/* The descriptor COMMAND finds the dma-buf on, as its variable says it. */
#define MBUFFCTL_DMABUF_FD	3
#define MBUFFCTL_DMABUF_ENV	"MBUFF_DMABUF_FD"

/* Put @fd on MBUFFCTL_DMABUF_FD, to be inherited.  Return: 0 or -errno. */
static int mbuffctl_pass_fd(int fd)
{
	if (fd == MBUFFCTL_DMABUF_FD)
		return fcntl(fd, F_SETFD, 0) < 0 ? -errno : 0;
	/* dup2() leaves the new descriptor without FD_CLOEXEC. */
	if (dup2(fd, MBUFFCTL_DMABUF_FD) < 0)
		return -errno;
	close(fd);
	return 0;
}

int mbuffctl_export(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { MBUFFCTL_COMMON_OPTIONS };
	struct mbuff_area *area;
	const char *name;
	char **command;
	int c, end, fd, ret;

	/* Options and NAME come before the first "--", COMMAND after it. */
	for (end = 1; end < argc && strcmp(argv[end], "--"); end++)
		;
	while ((c = mbuffctl_getopt(cmd, end, argv, "", opts)) >= 0)
		;
	c = mbuffctl_operands(cmd, c, end, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (end + 1 >= argc) {
		mbuffctl_usage_error(cmd, end < argc ? "missing COMMAND" :
				     "missing -- COMMAND");
		return MBUFFCTL_EXIT_USAGE;
	}
	name = argv[optind];
	command = argv + end + 1;
	if (mbuffctl_open(name, PROT_READ | PROT_WRITE, &area))
		return MBUFFCTL_EXIT_ERROR;
	fd = mbuff_area_dmabuf(area);
	/* From here on the dma-buf holds the area. */
	mbuff_area_close(area);
	if (fd < 0)
		return mbuffctl_fail(fd, "cannot export '%s'", name);
	ret = mbuffctl_pass_fd(fd);
	if (ret)
		return mbuffctl_fail_errno(ret,
					   "cannot export '%s': no descriptor %d",
					   name, MBUFFCTL_DMABUF_FD);
	if (setenv(MBUFFCTL_DMABUF_ENV, "3", 1))
		return mbuffctl_fail_errno(-errno, "cannot export '%s'", name);
	fflush(NULL);
	execvp(command[0], command);
	ret = errno;
	mbuffctl_err("cannot run '%s': %s", command[0], strerror(ret));
	return ret == ENOENT ? 127 : 126;
}

/* A heap is a file of /dev/dma_heap: a name, not a path. */
static bool mbuffctl_heap_ok(const char *heap)
{
	return *heap && !strchr(heap, '/') && strcmp(heap, ".") &&
	       strcmp(heap, "..") && strlen(heap) < 64;
}

/*
 * A new dma-buf of @size bytes from /dev/dma_heap/@heap, for the area
 * @name.  Return: its descriptor, or -1 with the error printed.
 */
static int mbuffctl_heap_alloc(const char *name, const char *heap,
			       uint64_t size)
{
	struct dma_heap_allocation_data req;
	char path[96];
	int dev, err;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	dev = open(path, O_RDONLY | O_CLOEXEC);
	if (dev < 0) {
		err = errno;
		if (err == ENOENT && access("/dev/dma_heap", F_OK))
			mbuffctl_err("cannot import '%s': this kernel has no dma-buf heaps (/dev/dma_heap): %s",
				     name, strerror(err));
		else
			mbuffctl_err("cannot import '%s': no dma-buf heap '%s' (%s): %s",
				     name, heap, path, strerror(err));
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.len = size;
	req.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(dev, DMA_HEAP_IOCTL_ALLOC, &req) < 0) {
		err = errno;
		close(dev);
		mbuffctl_err("cannot import '%s': heap '%s' gives no %llu bytes: %s",
			     name, heap, (unsigned long long)size,
			     strerror(err));
		return -1;
	}
	close(dev);
	return (int)req.fd;
}

/* What import was asked for: one of --heap and --fd. */
struct mbuffctl_import_args {
	const char *heap;
	int fd;
};

static int mbuffctl_import_opt(const struct mbuffctl_cmd *cmd, int c,
			       struct mbuffctl_import_args *a,
			       struct mbuff_opts *o)
{
	uint64_t n;

	if (c == MBUFFCTL_OPT_MODE) {
		/* A symbolic mode starts from no permission at all. */
		if (mbuffctl_mode_arg(cmd, optarg, 0, &o->mode))
			return -1;
		o->flags |= MBUFF_OPEN_MODE;
		return 0;
	}
	if (a->heap || a->fd >= 0) {
		mbuffctl_usage_error(cmd, "give one of --heap and --fd");
		return -1;
	}
	if (c == MBUFFCTL_OPT_HEAP) {
		if (!mbuffctl_heap_ok(optarg)) {
			mbuffctl_usage_error(cmd, "invalid heap '%s' (a name in /dev/dma_heap)",
					     optarg);
			return -1;
		}
		a->heap = optarg;
		return 0;
	}
	if (mbuffctl_parse_u64(cmd->name, "descriptor", optarg, &n))
		return -1;
	if (n > INT_MAX) {
		mbuffctl_usage_error(cmd, "invalid descriptor '%s'", optarg);
		return -1;
	}
	a->fd = (int)n;
	return 0;
}

int mbuffctl_import(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "heap", required_argument, NULL, MBUFFCTL_OPT_HEAP },
		{ "fd", required_argument, NULL, MBUFFCTL_OPT_FD },
		{ "mode", required_argument, NULL, MBUFFCTL_OPT_MODE },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuffctl_import_args a = { .fd = -1 };
	struct mbuff_opts o = {
		.sz = sizeof(o),
		.flags = MBUFF_OPEN_HOLD,
	};
	struct mbuff_area *area;
	const char *name;
	uint64_t size = 0;
	int c, buf, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0)
		if (mbuffctl_import_opt(cmd, c, &a, &o))
			return MBUFFCTL_EXIT_USAGE;
	if (c == MBUFFCTL_GETOPT_END && !a.heap && a.fd < 0) {
		mbuffctl_usage_error(cmd, "give --heap=HEAP SIZE or --fd=N");
		return MBUFFCTL_EXIT_USAGE;
	}
	c = mbuffctl_operands(cmd, c, argc, argv, a.heap ? "NAME SIZE" : "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	name = argv[optind];
	if (a.heap) {
		if (mbuffctl_parse_u64(cmd->name, "size", argv[optind + 1],
				       &size))
			return MBUFFCTL_EXIT_USAGE;
		if (!size || size > SIZE_MAX) {
			mbuffctl_usage_error(cmd, "invalid size '%s' (%s)",
					     argv[optind + 1],
					     size ? "too large" : "must not be 0");
			return MBUFFCTL_EXIT_USAGE;
		}
		buf = mbuffctl_heap_alloc(name, a.heap, size);
		if (buf < 0)
			return MBUFFCTL_EXIT_ERROR;
	} else {
		buf = a.fd;
	}
	o.source = mbuffctl_source;
	ret = mbuff_import(name, buf, &o, &area);
	/* The area holds the dma-buf: this descriptor is not needed. */
	if (a.heap)
		close(buf);
	if (ret)
		return mbuffctl_fail(ret, "cannot import '%s'", name);
	/* The user count taken with MBUFF_OPEN_HOLD keeps it. */
	mbuff_area_close(area);
	return MBUFFCTL_EXIT_OK;
}
