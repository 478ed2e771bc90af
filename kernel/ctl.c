// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/mbuff: the control device.  Each open file selects at most one area
 * (the one it maps, reads and reports on) and holds it while selected.
 * The modern ioctls (include/uapi/mbuff/mbuff.h) and the mbuff 0.7.2 ones
 * (raw numbers 0 to 3, legacy.c) share the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mbuff/name.h>

#include "internal.h"

/* The largest argsz taken, whatever the page size. */
#define MBUFF_ARGSZ_MAX	4096

/**
 * mbuff_file_select() - make @area the file's selected area
 * @mf: the open file
 * @area: an area on which the caller took a MBUFF_REF_FILE for @mf, or NULL
 *
 * Drops the reference the previous selection held.
 */
void mbuff_file_select(struct mbuff_file *mf, struct mbuff_area *area)
{
	struct mbuff_area *old;

	mutex_lock(&mf->lock);
	old = mf->area;
	mf->area = area;
	/* As an open of /dev/uioN: only later events wake a poller. */
	WRITE_ONCE(mf->seen, area ? mbuff_event_count(area) : 0);
	mutex_unlock(&mf->lock);
	if (old)
		mbuff_area_unref(old, MBUFF_REF_FILE);
}

static int mbuff_ctl_open(struct inode *inode, struct file *file)
{
	struct mbuff_file *mf;
	struct mbuff_area *area;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->lock);
	/*
	 * As in 0.7.2, a new file starts on "default" if it exists, and if
	 * the opener may read it.
	 */
	area = mbuff_area_find("default", MBUFF_REF_FILE);
	if (area && mbuff_area_permission(area, MAY_READ)) {
		mbuff_area_unref(area, MBUFF_REF_FILE);
		area = NULL;
	}
	mf->area = area;
	WRITE_ONCE(mf->seen, area ? mbuff_event_count(area) : 0);
	file->private_data = mf;
	return 0;
}

static int mbuff_ctl_release(struct inode *inode, struct file *file)
{
	struct mbuff_file *mf = file->private_data;

	mbuff_file_select(mf, NULL);
	kfree(mf);
	return 0;
}

/* Requests that create, count, destroy or signal need a writable file. */
static int mbuff_file_writable(struct file *file)
{
	return file->f_mode & FMODE_WRITE ? 0 : -EBADF;
}

static bool mbuff_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

/*
 * Copy in a request of @ksize bytes at @uarg.  Its first field is @argsz,
 * the size the caller knows: at least the first version's (@ksize today),
 * at most a page, and bytes past what we know must be zero.  @argsz is read once and the
 * copy's own field is overwritten with that value.  The @rsize reserved
 * bytes at @reserved must be zero.
 */
static int mbuff_req_copy(void *req, size_t ksize, const void __user *uarg,
			  u32 *usize, const void *reserved, size_t rsize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < ksize)
		return -EINVAL;
	/* Bytes past ours are checked to be zero: not gigabytes of them. */
	if (*usize > MBUFF_ARGSZ_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(req, ksize, uarg, *usize);
	if (ret)
		return ret;
	*(u32 *)req = *usize;
	return mbuff_zeroed(reserved, rsize) ? 0 : -EINVAL;
}

/* Copy an answer out: as much of it as the caller's struct holds. */
static int mbuff_req_answer(void __user *uarg, const void *req, size_t ksize,
			    u32 usize)
{
	return copy_to_user(uarg, req, min_t(size_t, ksize, usize)) ?
	       -EFAULT : 0;
}

static bool mbuff_name_in(const char *name, size_t size)
{
	return memchr(name, 0, size) && !mbuff_check_name(name);
}

/* An area's owner, group and mode as the caller's namespace sees them. */
static void mbuff_perm_out(struct mbuff_area *area, u32 *uid, u32 *gid,
			   u32 *mode)
{
	kuid_t kuid;
	kgid_t kgid;
	umode_t m;

	mbuff_area_perm_get(area, &kuid, &kgid, &m);
	*uid = from_kuid_munged(current_user_ns(), kuid);
	*gid = from_kgid_munged(current_user_ns(), kgid);
	*mode = m;
}

static long mbuff_ioc_open(struct file *file, void __user *uarg)
{
	struct mbuff_file *mf = file->private_data;
	struct mbuff_open req;
	struct mbuff_open_args args;
	struct mbuff_area *area;
	unsigned int refs = BIT(MBUFF_REF_FILE);
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags & ~MBUFF_OPEN_FLAGS ||
	    req.backend > MBUFF_BACKEND_CMA ||
	    req.memtype > MBUFF_MEM_UNCACHED ||
	    (req.align & (req.align - 1)) ||
	    (req.flags & MBUFF_OPEN_MODE && req.mode & ~MBUFF_MODE_MASK))
		return -EINVAL;
	if (!mbuff_name_in(req.name, sizeof(req.name)))
		return -EINVAL;
	if (req.size > SIZE_MAX)
		return -EINVAL;
	if (req.flags & (MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD)) {
		ret = mbuff_file_writable(file);
		if (ret)
			return ret;
	}

	args = (struct mbuff_open_args) {
		.name = req.name,
		.size = req.size,
		.backend = req.backend,
		.memtype = req.memtype,
		.flags = req.flags,
		.align = req.align,
		.may = MAY_READ,
		.mode = req.mode,
	};
	if (req.flags & MBUFF_OPEN_HOLD) {
		refs |= BIT(MBUFF_REF_USER);
		args.may |= MAY_WRITE;
	}
	ret = mbuff_area_open(&args, refs, &area);
	if (ret)
		return ret;

	/* The references are still ours: answer, or undo, then hand over. */
	req.size = area->size;
	req.backend = area->backend;
	req.memtype = area->memtype;
	mbuff_perm_out(area, &req.uid, &req.gid, &req.mode);
	ret = mbuff_req_answer(uarg, &req, sizeof(req), usize);
	if (ret) {
		if (refs & BIT(MBUFF_REF_USER))
			mbuff_area_drop(area, MBUFF_REF_USER);
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return ret;
	}
	mbuff_file_select(mf, area);
	return 0;
}

/* The selected area with a MBUFF_REF_FILE the caller drops, or NULL. */
static struct mbuff_area *mbuff_file_area(struct mbuff_file *mf)
{
	struct mbuff_area *area;

	mutex_lock(&mf->lock);
	area = mf->area;
	if (area && mbuff_area_ref(area, MBUFF_REF_FILE))
		area = NULL;
	mutex_unlock(&mf->lock);
	return area;
}

/*
 * The area named in a request, or the file's own when the name is empty,
 * if the caller may do @may with it (0: no check); returned with a
 * MBUFF_REF_FILE the caller drops.
 */
static struct mbuff_area *mbuff_named_or_selected(struct mbuff_file *mf,
						  const char *name,
						  size_t size, int may,
						  int *err)
{
	struct mbuff_area *area;

	*err = 0;
	if (name[0] && !mbuff_name_valid_in(name, size)) {
		*err = -EINVAL;
		return NULL;
	}
	if (!name[0]) {
		area = mbuff_file_area(mf);
	} else {
		area = mbuff_area_find(name, MBUFF_REF_FILE);
		if (!area)
			*err = -ENOENT;
	}
	if (area && may) {
		*err = mbuff_area_permission(area, may);
		if (*err) {
			mbuff_area_unref(area, MBUFF_REF_FILE);
			area = NULL;
		}
	}
	return area;
}

/*
 * mbuff_named_or_selected() for a request that needs an area: -EINVAL when
 * it names none and none is selected.
 */
static struct mbuff_area *mbuff_req_area(struct mbuff_file *mf,
					 const char *name, size_t size,
					 int may, int *err)
{
	struct mbuff_area *area;

	area = mbuff_named_or_selected(mf, name, size, may, err);
	if (!area && !*err)
		*err = -EINVAL;
	return area;
}

/* mbuff_req_area() for a request that changes the area: a writable file. */
static struct mbuff_area *mbuff_req_area_changing(struct file *file,
						  const char *name,
						  size_t size, int may,
						  int *err)
{
	*err = mbuff_file_writable(file);
	if (*err)
		return NULL;
	return mbuff_req_area(file->private_data, name, size, may, err);
}

/* The area a struct mbuff_name request names, with a MBUFF_REF_FILE. */
static struct mbuff_area *mbuff_ioc_name_area(struct mbuff_file *mf,
					      void __user *uarg, int may,
					      int *err)
{
	struct mbuff_name req;
	u32 usize;

	*err = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			      sizeof(req.reserved));
	if (*err)
		return NULL;
	if (req.flags) {
		*err = -EINVAL;
		return NULL;
	}
	return mbuff_req_area(mf, req.name, sizeof(req.name), may, err);
}

static long mbuff_ioc_destroy(struct file *file, void __user *uarg)
{
	struct mbuff_area *area;
	int ret;

	ret = mbuff_file_writable(file);
	if (ret)
		return ret;
	area = mbuff_ioc_name_area(file->private_data, uarg, 0, &ret);
	if (!area)
		return ret;
	if (!mbuff_area_owned(area))
		ret = -EPERM;
	/* -EINVAL: no user count to drop. */
	else if (!mbuff_area_drop(area, MBUFF_REF_USER))
		ret = -EINVAL;
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static u64 mbuff_features(void)
{
	u64 f = MBUFF_FEAT_VMALLOC | MBUFF_FEAT_UIO | MBUFF_FEAT_LEGACY |
		MBUFF_FEAT_SGLIST | MBUFF_FEAT_SYNC | MBUFF_FEAT_PERM |
		MBUFF_FEAT_EVENTS;

	if (MBUFF_HAVE_DMABUF)
		f |= MBUFF_FEAT_DMABUF;
	if (IS_ENABLED(CONFIG_DMA_CMA))
		f |= MBUFF_FEAT_CMA;
	if (mbuff_have_pools())
		f |= MBUFF_FEAT_CONTIG | MBUFF_FEAT_WC | MBUFF_FEAT_UNCACHED;
	return f;
}

static long mbuff_ioc_info(struct file *file, void __user *uarg)
{
	struct mbuff_info req;
	struct mbuff_area *area;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.pad)
		return -EINVAL;
	area = mbuff_named_or_selected(file->private_data, req.name,
				       sizeof(req.name), MAY_READ, &ret);
	if (ret)
		return ret;

	memset(&req, 0, sizeof(req));
	req.argsz = usize;
	req.abi_version = MBUFF_ABI_VERSION;
	req.features = mbuff_features();
	if (area) {
		strscpy(req.name, area->name, sizeof(req.name));
		req.size = area->size;
		if (mbuff_may_see_phys())
			req.phys_addr = area->phys;
		req.backend = area->backend;
		req.memtype = area->memtype;
		req.uio_index = area->uio.uio_dev->minor;
		req.users = mbuff_area_count(area, MBUFF_REF_USER);
		req.kernel_users = mbuff_area_count(area, MBUFF_REF_KERNEL);
		/* Not counting the reference this call holds. */
		req.files = mbuff_area_count(area, MBUFF_REF_FILE) - 1;
		req.maps = mbuff_area_count(area, MBUFF_REF_MAP);
		mbuff_perm_out(area, &req.uid, &req.gid, &req.mode);
		mbuff_area_unref(area, MBUFF_REF_FILE);
	}
	return mbuff_req_answer(uarg, &req, sizeof(req), usize);
}

static long mbuff_ioc_list(void __user *uarg)
{
	struct mbuff_list req;
	size_t cap, count, n;
	char *names;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags)
		return -EINVAL;

	/* Copy out of a snapshot: no user access under mbuff_lock. */
	cap = min_t(size_t, req.capacity, mbuff_max_areas);
	names = kvcalloc(max_t(size_t, cap, 1), MBUFF_NAME_SIZE, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	n = mbuff_areas_names(names, cap, &count);
	if (n && copy_to_user(u64_to_user_ptr(req.names), names,
			      n * MBUFF_NAME_SIZE))
		ret = -EFAULT;
	kvfree(names);
	if (ret)
		return ret;
	req.count = count;
	return mbuff_req_answer(uarg, &req, sizeof(req), usize);
}

static long mbuff_ioc_notify(struct file *file, void __user *uarg)
{
	struct mbuff_area *area;
	int ret;

	ret = mbuff_file_writable(file);
	if (ret)
		return ret;
	area = mbuff_ioc_name_area(file->private_data, uarg, MAY_WRITE, &ret);
	if (!area)
		return ret;
	mbuff_event_signal(area);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return 0;
}

static long mbuff_ioc_events(struct file *file, void __user *uarg)
{
	struct mbuff_file *mf = file->private_data;
	struct mbuff_event req;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.value)
		return -EINVAL;
	mutex_lock(&mf->lock);
	if (!mf->area) {
		ret = -EINVAL;
	} else {
		/* Waiting for events needs read permission, as on /dev/uioN. */
		ret = mbuff_area_permission(mf->area, MAY_READ);
		if (!ret) {
			req.count = mbuff_event_count(mf->area);
			WRITE_ONCE(mf->seen, req.count);
		}
	}
	mutex_unlock(&mf->lock);
	if (ret)
		return ret;
	return mbuff_req_answer(uarg, &req, sizeof(req), usize);
}

static long mbuff_ioc_doorbell(struct file *file, void __user *uarg)
{
	struct mbuff_area *area;
	struct mbuff_event req;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.count)
		return -EINVAL;
	ret = mbuff_file_writable(file);
	if (ret)
		return ret;
	area = mbuff_file_area(file->private_data);
	if (!area)
		return -EINVAL;
	/* Unlocked: the client's callback may take its time. */
	ret = mbuff_event_doorbell(area, req.value);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_ioc_sglist_req(struct file *file, void __user *uarg)
{
	struct mbuff_sglist req;
	struct mbuff_area *area;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags)
		return -EINVAL;
	area = mbuff_req_area(file->private_data, req.name, sizeof(req.name),
			      MAY_READ, &ret);
	if (!area)
		return ret;
	ret = mbuff_ioc_sglist(area, &req);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	if (!ret)
		ret = mbuff_req_answer(uarg, &req, sizeof(req), usize);
	return ret;
}

static long mbuff_ioc_sync(struct file *file, void __user *uarg)
{
	struct mbuff_sync req;
	struct mbuff_area *area;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.pad || req.offset > SIZE_MAX ||
	    req.length > SIZE_MAX)
		return -EINVAL;
	area = mbuff_req_area_changing(file, req.name, sizeof(req.name),
				       MAY_WRITE, &ret);
	if (!area)
		return ret;
	ret = mbuff_area_sync(area, req.offset, req.length, req.direction);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_ioc_setperm(struct file *file, void __user *uarg)
{
	struct mbuff_perm req;
	struct mbuff_area *area;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.pad)
		return -EINVAL;
	area = mbuff_req_area_changing(file, req.name, sizeof(req.name), 0,
				       &ret);
	if (!area)
		return ret;
	ret = mbuff_area_setperm(area, req.flags,
				 make_kuid(current_user_ns(), req.uid),
				 make_kgid(current_user_ns(), req.gid),
				 req.mode);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_ioc_export(struct file *file, void __user *uarg)
{
	struct mbuff_export req;
	struct mbuff_area *area;
	u32 usize;
	int ret, fd;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.pad || req.fd)
		return -EINVAL;
	area = mbuff_req_area_changing(file, req.name, sizeof(req.name),
				       MAY_READ | MAY_WRITE, &ret);
	if (!area)
		return ret;
	if (!area->ops->dma_map) {
		pr_info_ratelimited("cannot export '%s': it is an imported dma-buf already\n",
				    area->name);
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return -EOPNOTSUPP;
	}
	fd = mbuff_dmabuf_export(area);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	if (fd < 0)
		return fd;
	req.fd = fd;
	/* The descriptor is the caller's from here on, answered or not. */
	return mbuff_req_answer(uarg, &req, sizeof(req), usize);
}

static long mbuff_ioc_import(struct file *file, void __user *uarg)
{
	struct mbuff_file *mf = file->private_data;
	unsigned int refs = BIT(MBUFF_REF_FILE);
	struct mbuff_open_args args;
	struct mbuff_import req;
	struct mbuff_area *area;
	struct dma_buf *dmabuf;
	u32 usize;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, &usize, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags & ~(MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE) || req.size ||
	    (req.flags & MBUFF_OPEN_MODE && req.mode & ~MBUFF_MODE_MASK) ||
	    (!(req.flags & MBUFF_OPEN_MODE) && req.mode))
		return -EINVAL;
	if (!mbuff_name_in(req.name, sizeof(req.name)))
		return -EINVAL;
	ret = mbuff_file_writable(file);
	if (ret)
		return ret;
	dmabuf = mbuff_dmabuf_get(req.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	args = (struct mbuff_open_args) {
		.name = req.name,
		.size = dmabuf->size,
		.backend = MBUFF_BACKEND_DMABUF,
		.memtype = MBUFF_MEM_CACHED,
		.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL |
			 (req.flags & MBUFF_OPEN_MODE),
		.mode = req.mode,
		.dmabuf = dmabuf,
	};
	if (req.flags & MBUFF_OPEN_HOLD)
		refs |= BIT(MBUFF_REF_USER);
	ret = mbuff_area_open(&args, refs, &area);
	/* The area took a reference of its own. */
	mbuff_dmabuf_put(dmabuf);
	if (ret)
		return ret;
	req.size = area->size;
	ret = mbuff_req_answer(uarg, &req, sizeof(req), usize);
	if (ret) {
		if (refs & BIT(MBUFF_REF_USER))
			mbuff_area_drop(area, MBUFF_REF_USER);
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return ret;
	}
	mbuff_file_select(mf, area);
	return 0;
}

static long mbuff_ctl_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MBUFF_LEGACY_INFO:
	case MBUFF_LEGACY_ALLOCATE:
	case MBUFF_LEGACY_DEALLOCATE:
	case MBUFF_LEGACY_SELECT:
		return mbuff_legacy_ioctl(file, cmd, arg);
	case MBUFF_IOC_OPEN:
		return mbuff_ioc_open(file, uarg);
	case MBUFF_IOC_DESTROY:
		return mbuff_ioc_destroy(file, uarg);
	case MBUFF_IOC_INFO:
		return mbuff_ioc_info(file, uarg);
	case MBUFF_IOC_LIST:
		return mbuff_ioc_list(uarg);
	case MBUFF_IOC_NOTIFY:
		return mbuff_ioc_notify(file, uarg);
	case MBUFF_IOC_SGLIST:
		return mbuff_ioc_sglist_req(file, uarg);
	case MBUFF_IOC_SYNC:
		return mbuff_ioc_sync(file, uarg);
	case MBUFF_IOC_SETPERM:
		return mbuff_ioc_setperm(file, uarg);
	case MBUFF_IOC_EVENTS:
		return mbuff_ioc_events(file, uarg);
	case MBUFF_IOC_DOORBELL:
		return mbuff_ioc_doorbell(file, uarg);
	case MBUFF_IOC_EXPORT:
		return mbuff_ioc_export(file, uarg);
	case MBUFF_IOC_IMPORT:
		return mbuff_ioc_import(file, uarg);
	default:
		return -ENOTTY;
	}
}

#ifdef CONFIG_COMPAT
static long mbuff_ctl_compat_ioctl(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	/*
	 * The modern structs have one layout everywhere; the legacy one
	 * has a size_t in it.
	 */
	if (cmd <= MBUFF_LEGACY_SELECT)
		return mbuff_legacy_compat_ioctl(file, cmd,
						 (unsigned long)compat_ptr(arg));
	return mbuff_ctl_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}
#endif

static int mbuff_ctl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mbuff_file *mf = file->private_data;
	int ret = -EINVAL;

	mutex_lock(&mf->lock);
	if (mf->area)
		ret = mbuff_area_mmap(mf->area, vma, vma->vm_pgoff);
	mutex_unlock(&mf->lock);
	return ret;
}

static ssize_t mbuff_ctl_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct mbuff_area *area = mbuff_file_area(file->private_data);
	ssize_t ret;

	if (!area)
		return -EINVAL;
	ret = mbuff_area_permission(area, MAY_READ);
	/* Unlocked: a fault in the copy takes mmap_lock. */
	if (!ret)
		ret = simple_read_from_buffer(buf, count, ppos, area->vaddr,
					      area->size);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

/*
 * POLLIN while the selected area's event count differs from the one the
 * file saw last; POLLERR with no area selected or no read permission.
 */
static __poll_t mbuff_ctl_poll(struct file *file, poll_table *wait)
{
	struct mbuff_file *mf = file->private_data;
	struct mbuff_area *area = mbuff_file_area(mf);
	__poll_t mask = 0;

	if (!area)
		return EPOLLERR;
	poll_wait(file, mbuff_event_waitq(area), wait);
	if (mbuff_area_permission(area, MAY_READ))
		mask = EPOLLERR;
	else if (mbuff_event_count(area) != READ_ONCE(mf->seen))
		mask = EPOLLIN | EPOLLRDNORM;
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return mask;
}

static loff_t mbuff_ctl_llseek(struct file *file, loff_t offset, int whence)
{
	struct mbuff_file *mf = file->private_data;
	loff_t ret;

	mutex_lock(&mf->lock);
	if (!mf->area)
		ret = -EINVAL;
	else
		ret = fixed_size_llseek(file, offset, whence, mf->area->size);
	mutex_unlock(&mf->lock);
	return ret;
}

static const struct file_operations mbuff_ctl_fops = {
	.owner = THIS_MODULE,
	.open = mbuff_ctl_open,
	.release = mbuff_ctl_release,
	.unlocked_ioctl = mbuff_ctl_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = mbuff_ctl_compat_ioctl,
#endif
	.mmap = mbuff_ctl_mmap,
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	/* Addresses aligned as the file offset is, for 2 MiB entries. */
	.get_unmapped_area = thp_get_unmapped_area,
#endif
	.read = mbuff_ctl_read,
	.poll = mbuff_ctl_poll,
	.llseek = mbuff_ctl_llseek,
};

static struct miscdevice mbuff_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mbuff",
	.fops = &mbuff_ctl_fops,
};

/* Segments of any length, as a dma-buf's runs may be. */
static struct device_dma_parameters mbuff_dma_parms = {
	.max_segment_size = UINT_MAX,
};

struct device *mbuff_ctl_device(void)
{
	return mbuff_misc.this_device;
}

int mbuff_ctl_init(void)
{
	int ret;

	/*
	 * The node is root's, 0600, until a udev rule gives it a group and a
	 * mode; each area's owner and mode decide what an opener may do.
	 */
	ret = misc_register(&mbuff_misc);
	if (ret)
		return ret;
	mbuff_misc.this_device->dma_parms = &mbuff_dma_parms;
	/*
	 * Imported dma-bufs are attached to this device: it takes any
	 * address (mbuff only reads their runs and maps them for the CPU).
	 */
	ret = dma_coerce_mask_and_coherent(mbuff_misc.this_device,
					   DMA_BIT_MASK(64));
	if (ret)
		misc_deregister(&mbuff_misc);
	return ret;
}

void mbuff_ctl_exit(void)
{
	misc_deregister(&mbuff_misc);
}
