// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: one directory per area and per pool under the control device,
 * /sys/class/misc/mbuff/{areas,pools}/.  One value per file; physical
 * addresses only for contiguous areas and pools, and only to
 * CAP_SYS_RAWIO; kernel addresses never.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kobject *mbuff_areas_kobj;
static struct kobject *mbuff_pools_kobj;

#define to_area(k) container_of(k, struct mbuff_area, kobj)

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%zu\n", to_area(kobj)->size);
}

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  mbuff_backend_name(to_area(kobj)->backend));
}

static ssize_t memtype_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  mbuff_memtype_name(to_area(kobj)->memtype));
}

/* Where a CMA area's memory came from: "default" or a region's name. */
static ssize_t cma_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%s\n", mbuff_cma_name(to_area(kobj)));
}

/*
 * Physical addresses: the files are 0400, and the reader must also have
 * CAP_SYS_RAWIO, the rule MBUFF_IOC_INFO and MBUFF_IOC_SGLIST follow.
 * Always 16 hex digits (%pa prints 8 where phys_addr_t is 32 bits wide).
 */
static ssize_t phys_addr_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	if (!mbuff_may_see_phys())
		return -EPERM;
	return sysfs_emit(buf, "0x%016llx\n", (u64)to_area(kobj)->phys);
}

enum mbuff_perm_field { MBUFF_PERM_OWNER, MBUFF_PERM_GROUP, MBUFF_PERM_BITS };

static ssize_t mbuff_perm_show(struct kobject *kobj,
			       enum mbuff_perm_field field, char *buf)
{
	kuid_t uid;
	kgid_t gid;
	umode_t mode;

	mbuff_area_perm_get(to_area(kobj), &uid, &gid, &mode);
	switch (field) {
	case MBUFF_PERM_OWNER:
		return sysfs_emit(buf, "%u\n",
				  from_kuid_munged(&init_user_ns, uid));
	case MBUFF_PERM_GROUP:
		return sysfs_emit(buf, "%u\n",
				  from_kgid_munged(&init_user_ns, gid));
	default:
		return sysfs_emit(buf, "%04o\n", mode);
	}
}

static ssize_t owner_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return mbuff_perm_show(kobj, MBUFF_PERM_OWNER, buf);
}

static ssize_t group_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return mbuff_perm_show(kobj, MBUFF_PERM_GROUP, buf);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return mbuff_perm_show(kobj, MBUFF_PERM_BITS, buf);
}

static ssize_t uio_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct uio_device *idev = to_area(kobj)->uio.uio_dev;

	return idev ? sysfs_emit(buf, "uio%d\n", idev->minor) : -ENODEV;
}

static ssize_t doorbells_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_area(kobj)->rings));
}

static ssize_t mbuff_ref_show(struct kobject *kobj, enum mbuff_ref ref,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n", mbuff_area_count(to_area(kobj), ref));
}

#define MBUFF_REF_ATTR(_name, _ref)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return mbuff_ref_show(kobj, _ref, buf);				\
}									\
static struct kobj_attribute mbuff_attr_##_name = __ATTR_RO(_name)

MBUFF_REF_ATTR(users, MBUFF_REF_USER);
MBUFF_REF_ATTR(kernel_users, MBUFF_REF_KERNEL);
MBUFF_REF_ATTR(files, MBUFF_REF_FILE);
MBUFF_REF_ATTR(maps, MBUFF_REF_MAP);

static struct kobj_attribute mbuff_attr_size = __ATTR_RO(size);
static struct kobj_attribute mbuff_attr_backend = __ATTR_RO(backend);
static struct kobj_attribute mbuff_attr_memtype = __ATTR_RO(memtype);
static struct kobj_attribute mbuff_attr_phys_addr = __ATTR_RO_MODE(phys_addr, 0400);
static struct kobj_attribute mbuff_attr_owner = __ATTR_RO(owner);
static struct kobj_attribute mbuff_attr_group = __ATTR_RO(group);
static struct kobj_attribute mbuff_attr_mode = __ATTR_RO(mode);
static struct kobj_attribute mbuff_attr_uio = __ATTR_RO(uio);
static struct kobj_attribute mbuff_attr_doorbells = __ATTR_RO(doorbells);
static struct kobj_attribute mbuff_attr_cma = __ATTR_RO(cma);

static struct attribute *mbuff_area_attrs[] = {
	&mbuff_attr_size.attr,
	&mbuff_attr_backend.attr,
	&mbuff_attr_memtype.attr,
	&mbuff_attr_phys_addr.attr,
	&mbuff_attr_cma.attr,
	&mbuff_attr_uio.attr,
	&mbuff_attr_doorbells.attr,
	&mbuff_attr_users.attr,
	&mbuff_attr_kernel_users.attr,
	&mbuff_attr_files.attr,
	&mbuff_attr_maps.attr,
	&mbuff_attr_owner.attr,
	&mbuff_attr_group.attr,
	&mbuff_attr_mode.attr,
	NULL
};

static umode_t mbuff_area_attr_visible(struct kobject *kobj,
				       struct attribute *attr, int n)
{
	if (attr == &mbuff_attr_phys_addr.attr &&
	    !mbuff_area_contiguous(to_area(kobj)))
		return 0;
	if (attr == &mbuff_attr_cma.attr &&
	    to_area(kobj)->backend != MBUFF_BACKEND_CMA)
		return 0;
	return attr->mode;
}

static const struct attribute_group mbuff_area_group = {
	.attrs = mbuff_area_attrs,
	.is_visible = mbuff_area_attr_visible,
};
__ATTRIBUTE_GROUPS(mbuff_area);

static void mbuff_area_release(struct kobject *kobj)
{
	kfree(to_area(kobj));
}

static const struct kobj_type mbuff_area_ktype = {
	.release = mbuff_area_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mbuff_area_groups,
};

/**
 * mbuff_sysfs_add_area() - give a new area its sysfs directory
 * @area: the area; from here on, mbuff_sysfs_free_area() frees it
 *
 * Return: 0 or a negative errno.
 */
int mbuff_sysfs_add_area(struct mbuff_area *area)
{
	return kobject_init_and_add(&area->kobj, &mbuff_area_ktype,
				    mbuff_areas_kobj, "%s", area->name);
}

void mbuff_sysfs_del_area(struct mbuff_area *area)
{
	kobject_del(&area->kobj);
}

void mbuff_sysfs_free_area(struct mbuff_area *area)
{
	kobject_put(&area->kobj);
}

static struct mbuff_pool *mbuff_pool_of(struct kobject *kobj)
{
	unsigned int i;

	for (i = 0; i < MBUFF_MAX_POOLS; i++) {
		struct mbuff_pool *p = mbuff_pool_get(i);

		if (p && p->kobj == kobj)
			return p;
	}
	return NULL;
}

static ssize_t pool_phys_addr_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	struct mbuff_pool *p = mbuff_pool_of(kobj);

	if (!mbuff_may_see_phys())
		return -EPERM;
	return p ? sysfs_emit(buf, "0x%016llx\n", (u64)p->phys) : -ENODEV;
}

static ssize_t pool_size_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct mbuff_pool *p = mbuff_pool_of(kobj);

	return p ? sysfs_emit(buf, "%zu\n", p->size) : -ENODEV;
}

static ssize_t pool_avail_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct mbuff_pool *p = mbuff_pool_of(kobj);

	return p ? sysfs_emit(buf, "%zu\n", gen_pool_avail(p->gp)) : -ENODEV;
}

static struct kobj_attribute mbuff_pool_attr_phys_addr =
	__ATTR(phys_addr, 0400, pool_phys_addr_show, NULL);
static struct kobj_attribute mbuff_pool_attr_size =
	__ATTR(size, 0444, pool_size_show, NULL);
static struct kobj_attribute mbuff_pool_attr_avail =
	__ATTR(avail, 0444, pool_avail_show, NULL);

static struct attribute *mbuff_pool_attrs[] = {
	&mbuff_pool_attr_phys_addr.attr,
	&mbuff_pool_attr_size.attr,
	&mbuff_pool_attr_avail.attr,
	NULL
};

static const struct attribute_group mbuff_pool_group = {
	.attrs = mbuff_pool_attrs,
};

int mbuff_sysfs_add_pool(struct mbuff_pool *pool)
{
	int ret;

	pool->kobj = kobject_create_and_add(pool->name + strlen("mbuff "),
					    mbuff_pools_kobj);
	if (!pool->kobj)
		return -ENOMEM;
	ret = sysfs_create_group(pool->kobj, &mbuff_pool_group);
	if (ret) {
		kobject_put(pool->kobj);
		pool->kobj = NULL;
	}
	return ret;
}

void mbuff_sysfs_del_pool(struct mbuff_pool *pool)
{
	if (!pool->kobj)
		return;
	sysfs_remove_group(pool->kobj, &mbuff_pool_group);
	kobject_put(pool->kobj);
	pool->kobj = NULL;
}

int mbuff_sysfs_init(struct device *dev)
{
	mbuff_areas_kobj = kobject_create_and_add("areas", &dev->kobj);
	if (!mbuff_areas_kobj)
		return -ENOMEM;
	mbuff_pools_kobj = kobject_create_and_add("pools", &dev->kobj);
	if (!mbuff_pools_kobj) {
		kobject_put(mbuff_areas_kobj);
		return -ENOMEM;
	}
	return 0;
}

void mbuff_sysfs_exit(void)
{
	kobject_put(mbuff_pools_kobj);
	kobject_put(mbuff_areas_kobj);
}
