// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/mbuff: the control device.  Each open file selects at most one area
 * (the one it maps, reads and reports on) and holds it while selected.
 * The modern ioctls (include/uapi/linux/mbuff.h) and the mbuff 0.7.2 ones
 * (raw numbers 0 to 3, legacy.c) share the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mbuff/name.h>

#include "internal.h"

static unsigned short mbuff_dev_mode = 0600;
module_param_named(dev_mode, mbuff_dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Mode of /dev/mbuff (default: 0600)");

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
	mutex_unlock(&mf->lock);
	if (old)
		mbuff_area_unref(old, MBUFF_REF_FILE);
}

static int mbuff_ctl_open(struct inode *inode, struct file *file)
{
	struct mbuff_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->lock);
	/* As in 0.7.2, a new file starts on "default" if it exists. */
	mf->area = mbuff_area_find("default", MBUFF_REF_FILE);
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

static bool mbuff_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

/*
 * Copy in the @size bytes of a request at @uarg; its @rsize reserved bytes,
 * at @reserved inside it, must be zero.
 */
static int mbuff_req_copy(void *req, size_t size, const void __user *uarg,
			  const void *reserved, size_t rsize)
{
	if (copy_from_user(req, uarg, size))
		return -EFAULT;
	return mbuff_zeroed(reserved, rsize) ? 0 : -EINVAL;
}

static long mbuff_ioc_open(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_open req;
	struct mbuff_open_args args;
	struct mbuff_area *area;
	unsigned int refs = BIT(MBUFF_REF_FILE);
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags & ~MBUFF_OPEN_FLAGS ||
	    req.backend > MBUFF_BACKEND_CONTIG ||
	    req.memtype > MBUFF_MEM_UNCACHED ||
	    (req.align & (req.align - 1)))
		return -EINVAL;
	if (!memchr(req.name, 0, sizeof(req.name)))
		return -EINVAL;
	ret = mbuff_check_name(req.name);
	if (ret)
		return ret;
	if (req.size > SIZE_MAX)
		return -EINVAL;

	args = (struct mbuff_open_args) {
		.name = req.name,
		.size = req.size,
		.backend = req.backend,
		.memtype = req.memtype,
		.flags = req.flags,
		.align = req.align,
	};
	if (req.flags & MBUFF_OPEN_HOLD)
		refs |= BIT(MBUFF_REF_USER);
	ret = mbuff_area_open(&args, refs, &area);
	if (ret)
		return ret;
	mbuff_file_select(mf, area);

	req.size = area->size;
	req.backend = area->backend;
	req.memtype = area->memtype;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
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
 * The area named in a request, or the file's own when the name is empty;
 * returned with a MBUFF_REF_FILE the caller drops.
 */
static struct mbuff_area *mbuff_named_or_selected(struct mbuff_file *mf,
						  const char *name,
						  size_t size, int *err)
{
	struct mbuff_area *area;

	*err = 0;
	if (!name[0])
		return mbuff_file_area(mf);
	if (!mbuff_name_valid_in(name, size)) {
		*err = -EINVAL;
		return NULL;
	}
	area = mbuff_area_find(name, MBUFF_REF_FILE);
	if (!area)
		*err = -ENOENT;
	return area;
}

/*
 * mbuff_named_or_selected() for a request that needs an area: -EINVAL when
 * it names none and none is selected.
 */
static struct mbuff_area *mbuff_req_area(struct mbuff_file *mf,
					 const char *name, size_t size,
					 int *err)
{
	struct mbuff_area *area = mbuff_named_or_selected(mf, name, size, err);

	if (!area && !*err)
		*err = -EINVAL;
	return area;
}

/* The area a struct mbuff_name request names, with a MBUFF_REF_FILE. */
static struct mbuff_area *mbuff_ioc_name_area(struct mbuff_file *mf,
					      void __user *uarg, int *err)
{
	struct mbuff_name req;

	*err = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			      sizeof(req.reserved));
	if (*err)
		return NULL;
	return mbuff_req_area(mf, req.name, sizeof(req.name), err);
}

static long mbuff_ioc_destroy(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_area *area;
	int ret;

	area = mbuff_ioc_name_area(mf, uarg, &ret);
	if (!area)
		return ret;
	/* -EINVAL: no user count to drop. */
	ret = mbuff_area_drop(area, MBUFF_REF_USER) ? 0 : -EINVAL;
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static u64 mbuff_features(void)
{
	u64 f = MBUFF_FEAT_VMALLOC | MBUFF_FEAT_UIO | MBUFF_FEAT_LEGACY |
		MBUFF_FEAT_SGLIST | MBUFF_FEAT_SYNC;

	if (mbuff_have_pools())
		f |= MBUFF_FEAT_CONTIG | MBUFF_FEAT_WC | MBUFF_FEAT_UNCACHED;
	return f;
}

static long mbuff_ioc_info(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_info req;
	struct mbuff_area *area;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	area = mbuff_named_or_selected(mf, req.name, sizeof(req.name), &ret);
	if (ret)
		return ret;

	memset(&req, 0, sizeof(req));
	req.abi_version = MBUFF_ABI_VERSION;
	req.features = mbuff_features();
	if (area) {
		strscpy(req.name, area->name, sizeof(req.name));
		req.size = area->size;
		req.phys_addr = area->phys;
		req.backend = area->backend;
		req.memtype = area->memtype;
		req.uio_index = area->uio.uio_dev->minor;
		req.users = mbuff_area_count(area, MBUFF_REF_USER);
		req.kernel_users = mbuff_area_count(area, MBUFF_REF_KERNEL);
		/* Not counting the reference this call holds. */
		req.files = mbuff_area_count(area, MBUFF_REF_FILE) - 1;
		req.maps = mbuff_area_count(area, MBUFF_REF_MAP);
		mbuff_area_unref(area, MBUFF_REF_FILE);
	}
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long mbuff_ioc_list(void __user *uarg)
{
	struct mbuff_list req;
	size_t cap, count, n;
	char *names;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;

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
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long mbuff_ioc_notify(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_area *area;
	int ret;

	area = mbuff_ioc_name_area(mf, uarg, &ret);
	if (!area)
		return ret;
	uio_event_notify(&area->uio);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return 0;
}

static long mbuff_ioc_sglist_req(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_sglist req;
	struct mbuff_area *area;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	area = mbuff_req_area(mf, req.name, sizeof(req.name), &ret);
	if (!area)
		return ret;
	ret = mbuff_ioc_sglist(area, &req);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}

static long mbuff_ioc_sync(struct mbuff_file *mf, void __user *uarg)
{
	struct mbuff_sync req;
	struct mbuff_area *area;
	int ret;

	ret = mbuff_req_copy(&req, sizeof(req), uarg, req.reserved,
			     sizeof(req.reserved));
	if (ret)
		return ret;
	if (req.flags || req.offset > SIZE_MAX || req.length > SIZE_MAX)
		return -EINVAL;
	area = mbuff_req_area(mf, req.name, sizeof(req.name), &ret);
	if (!area)
		return ret;
	ret = mbuff_area_sync(area, req.offset, req.length, req.direction);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static long mbuff_ctl_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct mbuff_file *mf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MBUFF_LEGACY_INFO:
	case MBUFF_LEGACY_ALLOCATE:
	case MBUFF_LEGACY_DEALLOCATE:
	case MBUFF_LEGACY_SELECT:
		return mbuff_legacy_ioctl(mf, cmd, arg);
	case MBUFF_IOC_OPEN:
		return mbuff_ioc_open(mf, uarg);
	case MBUFF_IOC_DESTROY:
		return mbuff_ioc_destroy(mf, uarg);
	case MBUFF_IOC_INFO:
		return mbuff_ioc_info(mf, uarg);
	case MBUFF_IOC_LIST:
		return mbuff_ioc_list(uarg);
	case MBUFF_IOC_NOTIFY:
		return mbuff_ioc_notify(mf, uarg);
	case MBUFF_IOC_SGLIST:
		return mbuff_ioc_sglist_req(mf, uarg);
	case MBUFF_IOC_SYNC:
		return mbuff_ioc_sync(mf, uarg);
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
		return mbuff_legacy_compat_ioctl(file->private_data, cmd,
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
	/* Unlocked: a fault in the copy takes mmap_lock. */
	ret = simple_read_from_buffer(buf, count, ppos, area->vaddr,
				      area->size);
	mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
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
	.read = mbuff_ctl_read,
	.llseek = mbuff_ctl_llseek,
};

static struct miscdevice mbuff_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mbuff",
	.fops = &mbuff_ctl_fops,
};

struct device *mbuff_ctl_device(void)
{
	return mbuff_misc.this_device;
}

int mbuff_ctl_init(void)
{
	mbuff_misc.mode = mbuff_dev_mode;
	return misc_register(&mbuff_misc);
}

void mbuff_ctl_exit(void)
{
	misc_deregister(&mbuff_misc);
}
