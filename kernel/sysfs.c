// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: one device per area in the class "mbuff", /sys/class/mbuff/<name>,
 * so that udev sees each area come and go; one directory per pool under
 * the control device, /sys/class/misc/mbuff/pools/poolN.  One value per
 * file; physical addresses only for contiguous areas and pools, and only
 * to CAP_SYS_RAWIO; kernel addresses never.
 *
 * The area devices have no parent: an area's name is any name its creator
 * chose, and the control device's directory holds names of its own (dev,
 * uevent, power, the UIO devices uioN), with which an area's could clash.
 * Under /sys/devices/virtual/mbuff/ there are areas only, so the registry's
 * unique names are unique there too.  Pools are not devices of the class
 * for the same reason: "pool0" is a valid area name.
 *
 * /sys/class/misc/mbuff/areas/<name> is a symlink to the area's device,
 * for scripts written before the class existed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "internal.h"

static struct kobject *mbuff_areas_kobj;
static struct kobject *mbuff_pools_kobj;

#define to_area(d) container_of(d, struct mbuff_area, dev)

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%zu\n", to_area(dev)->size);
}

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", mbuff_backend_name(to_area(dev)->backend));
}

static ssize_t memtype_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", mbuff_memtype_name(to_area(dev)->memtype));
}

/* Where a CMA area's memory came from: "default" or a region's name. */
static ssize_t cma_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%s\n", mbuff_cma_name(to_area(dev)));
}

/*
 * Physical addresses: the files are 0400, and the reader must also have
 * CAP_SYS_RAWIO, the rule MBUFF_IOC_INFO and MBUFF_IOC_SGLIST follow.
 * Always 16 hex digits (%pa prints 8 where phys_addr_t is 32 bits wide).
 */
static ssize_t phys_addr_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	if (!mbuff_may_see_phys())
		return -EPERM;
	return sysfs_emit(buf, "0x%016llx\n", (u64)to_area(dev)->phys);
}

enum mbuff_perm_field { MBUFF_PERM_OWNER, MBUFF_PERM_GROUP, MBUFF_PERM_BITS };

static ssize_t mbuff_perm_show(struct device *dev,
			       enum mbuff_perm_field field, char *buf)
{
	kuid_t uid;
	kgid_t gid;
	umode_t mode;

	mbuff_area_perm_get(to_area(dev), &uid, &gid, &mode);
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

static ssize_t owner_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return mbuff_perm_show(dev, MBUFF_PERM_OWNER, buf);
}

static ssize_t group_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return mbuff_perm_show(dev, MBUFF_PERM_GROUP, buf);
}

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return mbuff_perm_show(dev, MBUFF_PERM_BITS, buf);
}

static ssize_t uio_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct uio_device *idev = to_area(dev)->uio.uio_dev;

	return idev ? sysfs_emit(buf, "uio%d\n", idev->minor) : -ENODEV;
}

static ssize_t doorbells_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_area(dev)->rings));
}

static ssize_t mbuff_ref_show(struct device *dev, enum mbuff_ref ref,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n", mbuff_area_count(to_area(dev), ref));
}

#define MBUFF_REF_ATTR(_name, _ref)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return mbuff_ref_show(dev, _ref, buf);				\
}									\
static DEVICE_ATTR_RO(_name)

MBUFF_REF_ATTR(users, MBUFF_REF_USER);
MBUFF_REF_ATTR(kernel_users, MBUFF_REF_KERNEL);
MBUFF_REF_ATTR(files, MBUFF_REF_FILE);
MBUFF_REF_ATTR(maps, MBUFF_REF_MAP);

static DEVICE_ATTR_RO(size);
static DEVICE_ATTR_RO(backend);
static DEVICE_ATTR_RO(memtype);
static DEVICE_ATTR_ADMIN_RO(phys_addr);
static DEVICE_ATTR_RO(owner);
static DEVICE_ATTR_RO(group);
static DEVICE_ATTR_RO(mode);
static DEVICE_ATTR_RO(uio);
static DEVICE_ATTR_RO(doorbells);
static DEVICE_ATTR_RO(cma);

static struct attribute *mbuff_area_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_backend.attr,
	&dev_attr_memtype.attr,
	&dev_attr_phys_addr.attr,
	&dev_attr_cma.attr,
	&dev_attr_uio.attr,
	&dev_attr_doorbells.attr,
	&dev_attr_users.attr,
	&dev_attr_kernel_users.attr,
	&dev_attr_files.attr,
	&dev_attr_maps.attr,
	&dev_attr_owner.attr,
	&dev_attr_group.attr,
	&dev_attr_mode.attr,
	NULL
};

static umode_t mbuff_area_attr_visible(struct kobject *kobj,
				       struct attribute *attr, int n)
{
	struct mbuff_area *area = to_area(kobj_to_dev(kobj));

	if (attr == &dev_attr_phys_addr.attr && !mbuff_area_contiguous(area))
		return 0;
	if (attr == &dev_attr_cma.attr && area->backend != MBUFF_BACKEND_CMA)
		return 0;
	return attr->mode;
}

static const struct attribute_group mbuff_area_group = {
	.attrs = mbuff_area_attrs,
	.is_visible = mbuff_area_attr_visible,
};
__ATTRIBUTE_GROUPS(mbuff_area);

/*
 * What udev learns of an area with its add, change and remove events; all
 * of it is in sysfs for everyone to read, too.
 */
static int mbuff_area_uevent(MBUFF_UEVENT_CONST struct device *dev,
			     struct kobj_uevent_env *env)
{
	struct mbuff_area *area = to_area(dev);
	kuid_t uid;
	kgid_t gid;
	umode_t mode;

	mbuff_area_perm_get(area, &uid, &gid, &mode);
	return add_uevent_var(env, "MBUFF_AREA=%s", area->name) ?:
	       add_uevent_var(env, "MBUFF_BACKEND=%s",
			      mbuff_backend_name(area->backend)) ?:
	       add_uevent_var(env, "MBUFF_MEMTYPE=%s",
			      mbuff_memtype_name(area->memtype)) ?:
	       add_uevent_var(env, "MBUFF_SIZE=%zu", area->size) ?:
	       add_uevent_var(env, "MBUFF_OWNER=%u",
			      from_kuid_munged(&init_user_ns, uid)) ?:
	       add_uevent_var(env, "MBUFF_GROUP=%u",
			      from_kgid_munged(&init_user_ns, gid)) ?:
	       add_uevent_var(env, "MBUFF_MODE=%04o", mode);
}

/**
 * mbuff_sysfs_changed() - tell udev that an area's owner, group or mode
 *	changed
 * @area: an area whose device is in sysfs: the caller holds a reference,
 *	and the device goes only with the last
 *
 * Sends a change uevent, which carries the new values.
 */
void mbuff_sysfs_changed(struct mbuff_area *area)
{
	kobject_uevent(&area->dev.kobj, KOBJ_CHANGE);
}

/*
 * The last put of an area's device, in its teardown (or a failed
 * creation): the area's memory, UIO device and name are gone by then,
 * and only the structure is left.
 */
static void mbuff_area_release(struct device *dev)
{
	kfree(to_area(dev));
}

static struct class mbuff_class = {
	.name = "mbuff",
	.dev_groups = mbuff_area_groups,
	.dev_uevent = mbuff_area_uevent,
	.dev_release = mbuff_area_release,
};

/**
 * mbuff_sysfs_add_area() - give a new area its device
 * @area: the area, whose name the caller reserved in the registry; from
 *	here on, mbuff_sysfs_free_area() frees it, even when this fails
 *
 * Registers /sys/class/mbuff/<name> (udev sees it added) and the symlink
 * to it in /sys/class/misc/mbuff/areas/.  Called with no lock held.
 *
 * Return: 0 or a negative errno.
 */
int mbuff_sysfs_add_area(struct mbuff_area *area)
{
	struct device *dev = &area->dev;
	int ret;

	device_initialize(dev);
	dev->class = &mbuff_class;
	/* No power management: no power/ directory, no dpm list. */
	device_set_pm_not_required(dev);
	ret = dev_set_name(dev, "%s", area->name);
	if (ret)
		return ret;
	ret = device_add(dev);
	if (ret)
		return ret;
	ret = sysfs_create_link(mbuff_areas_kobj, &dev->kobj, area->name);
	if (ret)
		device_del(dev);
	return ret;
}

/**
 * mbuff_sysfs_del_area() - take an area's device out of sysfs
 * @area: an area added by mbuff_sysfs_add_area(), whose name is being
 *	given back to the registry under mbuff_lock
 *
 * Once this returns, a new area of the same name can be added.  udev sees
 * the device removed.  The attributes and the uevent callback take no
 * lock, so this cannot wait on the locks the last put is called under.
 */
void mbuff_sysfs_del_area(struct mbuff_area *area)
{
	sysfs_remove_link(mbuff_areas_kobj, area->name);
	device_del(&area->dev);
}

/**
 * mbuff_sysfs_free_area() - drop the area's device, which frees the area
 * @area: an area on which mbuff_sysfs_add_area() was called, and whose
 *	device is no longer registered
 */
void mbuff_sysfs_free_area(struct mbuff_area *area)
{
	put_device(&area->dev);
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

/**
 * mbuff_sysfs_init() - register the class and the control device's
 *	directories
 * @dev: the control device, /dev/mbuff
 *
 * Return: 0 or a negative errno.
 */
int mbuff_sysfs_init(struct device *dev)
{
	int ret;

	mbuff_areas_kobj = kobject_create_and_add("areas", &dev->kobj);
	if (!mbuff_areas_kobj)
		return -ENOMEM;
	mbuff_pools_kobj = kobject_create_and_add("pools", &dev->kobj);
	if (!mbuff_pools_kobj) {
		ret = -ENOMEM;
		goto err_areas;
	}
	ret = class_register(&mbuff_class);
	if (ret)
		goto err_pools;
	return 0;

err_pools:
	kobject_put(mbuff_pools_kobj);
err_areas:
	kobject_put(mbuff_areas_kobj);
	return ret;
}

/**
 * mbuff_sysfs_exit() - unregister the class and the directories
 *
 * Every area's device is gone by then: each area holds a module reference
 * until its teardown has dropped the device, and mbuff_exit() drains
 * those teardowns first.
 */
void mbuff_sysfs_exit(void)
{
	class_unregister(&mbuff_class);
	kobject_put(mbuff_pools_kobj);
	kobject_put(mbuff_areas_kobj);
}
