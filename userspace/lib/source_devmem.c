// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The devmem source, the legacy path: a physical range reserved at boot
 * (memmap= or mem=) and named in MBUFF_DEVMEM="name=SIZE@PHYS,...",
 * mapped through /dev/mem with no module at all.  Cached areas map
 * write-back; uncached ones use O_SYNC (uncached-minus on x86).  Nothing
 * is counted and nothing is zeroed: the range is plain physical memory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static bool mbuff_locked_down(void)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/security/lockdown", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, "[none]") == NULL && n > 0;
}

static int mbuff_devmem_open(struct mbuff_area *area, size_t size,
			     const struct mbuff_opts *opts)
{
	uint64_t rsize, phys;
	int fd, ret, flags = (area->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	void *p;

	ret = mbuff_devmem_lookup(NULL, area->name, &rsize, &phys);
	if (ret == -ENOENT)
		return mbuff_fail(ENOENT, "area '%s' is not in MBUFF_DEVMEM",
				  area->name);
	if (ret)
		return ret;
	if (size > rsize)
		return mbuff_fail(EINVAL, "area '%s' is %llu bytes, less than %zu",
				  area->name, (unsigned long long)rsize, size);
	if (opts->backend == MBUFF_BACKEND_VMALLOC ||
	    opts->backend == MBUFF_BACKEND_DMABUF)
		return mbuff_fail(EINVAL, "area '%s' from MBUFF_DEVMEM is contiguous memory",
				  area->name);
	if (opts->backend == MBUFF_BACKEND_CMA)
		return mbuff_fail(EOPNOTSUPP, "area '%s' from MBUFF_DEVMEM is a fixed range, no CMA area (that needs mbuff.ko)",
				  area->name);
	if (opts->memtype == MBUFF_MEM_WC)
		return mbuff_fail(EOPNOTSUPP, "/dev/mem cannot map '%s' write-combined",
				  area->name);
	if (opts->align && phys % opts->align)
		return mbuff_fail(EINVAL, "area '%s' at %#llx is not aligned to %zu",
				  area->name, (unsigned long long)phys, opts->align);
	if (opts->memtype == MBUFF_MEM_UNCACHED)
		flags |= O_SYNC;

	fd = open("/dev/mem", flags);
	if (fd < 0) {
		if (errno == EPERM && mbuff_locked_down())
			return mbuff_fail(EPERM, "cannot open /dev/mem for '%s': the kernel is locked down",
					  area->name);
		return mbuff_fail(errno, "cannot open /dev/mem for '%s'", area->name);
	}
	p = mmap(NULL, rsize, PROT_READ | (area->writable ? PROT_WRITE : 0),
		 MAP_SHARED, fd, (off_t)phys);
	if (p == MAP_FAILED) {
		int err = errno;

		close(fd);
		if (err == EPERM)
			return mbuff_fail(EPERM,
					  "/dev/mem refuses %#llx+%#llx for '%s': a driver claimed the range (mbuff.ko loaded with it as a pool?) or it is System RAM",
					  (unsigned long long)phys,
					  (unsigned long long)rsize, area->name);
		return mbuff_fail(err, "cannot map %#llx+%#llx for '%s' through /dev/mem",
				  (unsigned long long)phys,
				  (unsigned long long)rsize, area->name);
	}
	area->fd = fd;
	area->fd_offset = (off_t)phys;
	area->addr = p;
	area->map = p;
	area->size = rsize;
	area->map_len = rsize;
	area->phys = phys;
	area->backend = MBUFF_BACKEND_CONTIG;
	area->memtype = opts->memtype;
	return 0;
}

static void mbuff_devmem_close(struct mbuff_area *area)
{
	munmap(area->map, area->map_len);
	close(area->fd);
}

/*
 * What MBUFF_DEVMEM says of @name: its size and physical address.  No
 * memory type of its own: cached is what a handle maps it with unless it
 * asks for uncached.
 */
static int mbuff_devmem_stat(struct mbuff_stat_batch *b, const char *name,
			     struct mbuff_area_info *info)
{
	uint64_t size, phys;
	int ret;

	(void)b;	/* each name on its own */
	ret = mbuff_devmem_lookup(NULL, name, &size, &phys);
	if (ret == -ENOENT)
		return mbuff_fail(ENOENT, "area '%s' is not in MBUFF_DEVMEM",
				  name);
	if (ret)
		return ret;
	info->size = size;
	info->phys_addr = phys;
	info->backend = MBUFF_BACKEND_CONTIG;
	info->memtype = MBUFF_MEM_CACHED;
	return 0;
}

/* The names listed in MBUFF_DEVMEM, in their order. */
static int mbuff_devmem_list(char (**names)[MBUFF_NAME_SIZE], size_t *count)
{
	const char *s = getenv("MBUFF_DEVMEM"), *eq;
	char (*buf)[MBUFF_NAME_SIZE] = NULL, (*more)[MBUFF_NAME_SIZE];
	uint64_t size, phys;
	size_t n = 0, len;

	while (s && *s) {
		eq = strchr(s, '=');
		len = eq ? (size_t)(eq - s) : 0;
		if (!len || len > MBUFF_NAME_LEN) {
			free(buf);
			return mbuff_fail(EINVAL, "MBUFF_DEVMEM: expected name=SIZE@PHYS at '%s'", s);
		}
		more = realloc(buf, (n + 1) * MBUFF_NAME_SIZE);
		if (!more) {
			free(buf);
			return mbuff_fail(ENOMEM, "cannot list MBUFF_DEVMEM");
		}
		buf = more;
		memset(buf[n], 0, MBUFF_NAME_SIZE);
		memcpy(buf[n], s, len);
		/* Checks the whole entry (and the list) on the way. */
		if (mbuff_devmem_lookup(NULL, buf[n], &size, &phys)) {
			free(buf);
			return -errno;
		}
		n++;
		s = strchr(eq, ',');
		s = s ? s + 1 : NULL;
	}
	*names = buf;
	*count = n;
	return 0;
}

const struct mbuff_source_ops mbuff_devmem_ops = {
	.open = mbuff_devmem_open,
	.close = mbuff_devmem_close,
	.stat = mbuff_devmem_stat,
	.list = mbuff_devmem_list,
};
