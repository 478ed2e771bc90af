// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mbuff 0.7.2 ABI on /dev/mbuff: raw ioctl numbers 0 to 3 with the
 * native-layout struct mbuff_request_struct, so that old programs and the
 * original header-only user library run unmodified.  Return values are
 * the original ones: a positive size on success, -EIO for an oversize or
 * missing allocation, -EINVAL for an unknown name, -ENOSYS for INFO.
 * Beyond 0.7.2: ALLOCATE needs a file open for writing (-EBADF) and read
 * and write permission on an existing area (-EACCES); SELECT and
 * DEALLOCATE treat an area the caller may not read as unknown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * ALLOCATE takes no lasting count: the area is held by the open file it
 * selects, then by the mappings made of it, so that a program that has
 * unmapped it and closed the file (or exited) leaves nothing behind.  (In
 * 0.7.2 it took a user count that DEALLOCATE dropped, but raw ioctl 2 is
 * FIGETBSZ to today's kernels and never reaches the driver.)
 */
static long mbuff_legacy_allocate(struct file *file, const char *name,
				  size_t size)
{
	struct mbuff_open_args args = {
		.name = name,
		.size = size,
		.backend = mbuff_legacy_backend,
		.memtype = MBUFF_MEM_CACHED,
		.flags = size ? MBUFF_OPEN_CREATE : 0,
		.any_backend = true,
		.may = MAY_READ | MAY_WRITE,
	};
	struct mbuff_area *area;
	long asize;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	/*
	 * The size, rounded to pages, comes back as the ioctl's int result;
	 * 0.7.2 said -EIO to any size it could not allocate.
	 */
	if (size > INT_MAX || PAGE_ALIGN(size) > INT_MAX ||
	    PAGE_ALIGN(size) < size)
		return -EIO;
	ret = mbuff_area_open(&args, BIT(MBUFF_REF_FILE), &area);
	/* Missing with size 0, larger than it is, or no memory for it. */
	if (ret == -ENOENT || (ret == -EINVAL && size) || ret == -ENOMEM)
		return -EIO;
	if (ret)
		return ret;
	/* Read before the file takes the reference over. */
	asize = area->size;
	if (asize > INT_MAX) {
		/* An area made through the modern ABI; no int holds its size. */
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return -EIO;
	}
	mbuff_file_select(file->private_data, area);
	return asize;
}

/*
 * DEALLOCATE: the file lets go of the area if it has it selected; 0 when
 * nothing else holds it (it is gone), else its size.
 */
static long mbuff_legacy_deallocate(struct mbuff_file *mf, const char *name)
{
	struct mbuff_area *area = mbuff_area_find(name, MBUFF_REF_FILE);
	bool drop = false;
	long ret;

	if (!area)
		return -EINVAL;
	if (mbuff_area_permission(area, MAY_READ)) {
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return -EINVAL;
	}
	mutex_lock(&mf->lock);
	if (mf->area == area) {
		mf->area = NULL;
		drop = true;
	}
	mutex_unlock(&mf->lock);
	if (drop)
		mbuff_area_unref(area, MBUFF_REF_FILE);
	/* Only our own reference left: it goes with it. */
	if (refcount_read(&area->total) == 1)
		ret = 0;
	else
		ret = min_t(size_t, area->size, INT_MAX);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_legacy_select(struct mbuff_file *mf, const char *name)
{
	struct mbuff_area *area = mbuff_area_find(name, MBUFF_REF_FILE);
	long size;

	if (!area)
		return -EINVAL;
	if (mbuff_area_permission(area, MAY_READ)) {
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return -EINVAL;
	}
	/* Read before the file takes the reference over. */
	size = area->size;
	if (size > INT_MAX) {
		/* An area made through the modern ABI; no int holds its size. */
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return -EINVAL;
	}
	mbuff_file_select(mf, area);
	return size;
}

/* Carry out a request whose name field holds @namesize bytes. */
static long mbuff_legacy_do(struct file *file, unsigned int cmd,
			    const char *name, size_t namesize, size_t size)
{
	if (!memchr(name, 0, namesize) || mbuff_check_name(name))
		return -EINVAL;
	switch (cmd) {
	case MBUFF_LEGACY_ALLOCATE:
		return mbuff_legacy_allocate(file, name, size);
	case MBUFF_LEGACY_DEALLOCATE:
		return mbuff_legacy_deallocate(file->private_data, name);
	default:
		return mbuff_legacy_select(file->private_data, name);
	}
}

long mbuff_legacy_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct mbuff_request_struct req;

	if (cmd == MBUFF_LEGACY_INFO)
		return -ENOSYS;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	return mbuff_legacy_do(file, cmd, req.name, sizeof(req.name), req.size);
}

#ifdef CONFIG_COMPAT
/* The layout a 32-bit program uses: size_t is 32 bits there. */
struct mbuff_request_struct32 {
	u32 flags;
	char name[MBUFF_NAME_LEN + 1];
	compat_size_t size;
	u32 reserved[4];
};

long mbuff_legacy_compat_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct mbuff_request_struct32 req;

	if (cmd == MBUFF_LEGACY_INFO)
		return -ENOSYS;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	return mbuff_legacy_do(file, cmd, req.name, sizeof(req.name), req.size);
}
#endif
