// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mbuff 0.7.2 ABI on /dev/mbuff: raw ioctl numbers 0 to 3 with the
 * native-layout struct mbuff_request_struct, so that old programs and the
 * original header-only user library run unmodified.  Return values are
 * the original ones: a positive size on success, -EIO for an oversize or
 * missing allocation, -EINVAL for an unknown name, -ENOSYS for INFO.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static long mbuff_legacy_allocate(struct mbuff_file *mf, const char *name,
				  size_t size)
{
	struct mbuff_open_args args = {
		.name = name,
		.size = size,
		.backend = mbuff_legacy_backend,
		.memtype = MBUFF_MEM_CACHED,
		.flags = size ? MBUFF_OPEN_CREATE : 0,
		.any_backend = true,
	};
	struct mbuff_area *area;
	int ret;

	/* The size, rounded to pages, comes back as the ioctl's int result. */
	if (size > INT_MAX || PAGE_ALIGN(size) > INT_MAX)
		return -EINVAL;
	ret = mbuff_area_open(&args, BIT(MBUFF_REF_USER) | BIT(MBUFF_REF_FILE),
			      &area);
	if (ret == -ENOENT || (ret == -EINVAL && size))
		return -EIO;	/* missing with size 0, or larger than it is */
	if (ret)
		return ret;
	mbuff_file_select(mf, area);
	return area->size;
}

static long mbuff_legacy_deallocate(struct mbuff_file *mf, const char *name)
{
	struct mbuff_area *area = mbuff_area_find(name, MBUFF_REF_FILE);
	unsigned int ours;
	long ret;

	if (!area)
		return -EINVAL;
	/*
	 * As in 0.7.2, a file's selection does not keep the area: only
	 * other files, mappings and counts do.
	 */
	mutex_lock(&mf->lock);
	ours = 1 + (mf->area == area);
	if (!mbuff_area_drop(area, MBUFF_REF_USER))
		ret = -EINVAL;
	/* 0 when this frees it: only our own references are left. */
	else if (atomic_read(&area->total) == ours &&
		 mbuff_area_count(area, MBUFF_REF_FILE) == ours)
		ret = 0;
	else
		ret = area->size;
	mutex_unlock(&mf->lock);
	if (!ret && ours == 2) {
		bool drop = false;

		mutex_lock(&mf->lock);
		if (mf->area == area) {
			mf->area = NULL;
			drop = true;
		}
		mutex_unlock(&mf->lock);
		if (drop)
			mbuff_area_unref(area, MBUFF_REF_FILE);
	}
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_legacy_select(struct mbuff_file *mf, const char *name)
{
	struct mbuff_area *area = mbuff_area_find(name, MBUFF_REF_FILE);

	if (!area)
		return -EINVAL;
	mbuff_file_select(mf, area);
	return area->size;
}

/* Carry out a request whose name field holds @namesize bytes. */
static long mbuff_legacy_do(struct mbuff_file *mf, unsigned int cmd,
			    const char *name, size_t namesize, size_t size)
{
	if (!memchr(name, 0, namesize) || mbuff_check_name(name))
		return -EINVAL;
	switch (cmd) {
	case MBUFF_LEGACY_ALLOCATE:
		return mbuff_legacy_allocate(mf, name, size);
	case MBUFF_LEGACY_DEALLOCATE:
		return mbuff_legacy_deallocate(mf, name);
	default:
		return mbuff_legacy_select(mf, name);
	}
}

long mbuff_legacy_ioctl(struct mbuff_file *mf, unsigned int cmd,
			unsigned long arg)
{
	struct mbuff_request_struct req;

	if (cmd == MBUFF_LEGACY_INFO)
		return -ENOSYS;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	return mbuff_legacy_do(mf, cmd, req.name, sizeof(req.name), req.size);
}

#ifdef CONFIG_COMPAT
/* The layout a 32-bit program uses: size_t is 32 bits there. */
struct mbuff_request_struct32 {
	u32 flags;
	char name[MBUFF_NAME_LEN + 1];
	compat_size_t size;
	u32 reserved[4];
};

long mbuff_legacy_compat_ioctl(struct mbuff_file *mf, unsigned int cmd,
			       unsigned long arg)
{
	struct mbuff_request_struct32 req;

	if (cmd == MBUFF_LEGACY_INFO)
		return -ENOSYS;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	return mbuff_legacy_do(mf, cmd, req.name, sizeof(req.name), req.size);
}
#endif
