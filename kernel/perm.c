// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may do what with an area, after SysV IPC: each area has an owner,
 * a group and read/write bits for owner, group and others, set when it is
 * created and changed only by its owner (or CAP_SYS_ADMIN).  The checks
 * run here, in the kernel, for every way in: /dev/mbuff and /dev/uioN
 * alike, so a device node's own mode never decides alone.
 *
 * Quotas: each user may create so many areas and so many bytes of pool
 * and of vmalloc memory, counted for the area's whole life against the
 * user who created it.  Callers with CAP_SYS_RESOURCE are not counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * mbuff_perm_init() - give a new area its owner, group and mode
 * @area: the area, not yet reachable
 * @args: the request; MBUFF_OPEN_MODE in its flags chooses the mode
 */
void mbuff_perm_init(struct mbuff_area *area,
		     const struct mbuff_open_args *args)
{
	spin_lock_init(&area->perm_lock);
	area->uid = args->kernel ? GLOBAL_ROOT_UID : current_euid();
	area->gid = args->kernel ? GLOBAL_ROOT_GID : current_egid();
	area->mode = (args->flags & MBUFF_OPEN_MODE ? args->mode :
		      READ_ONCE(mbuff_default_mode)) & MBUFF_MODE_MASK;
}

void mbuff_area_perm_get(struct mbuff_area *area, kuid_t *uid, kgid_t *gid,
			 umode_t *mode)
{
	spin_lock(&area->perm_lock);
	*uid = area->uid;
	*gid = area->gid;
	*mode = area->mode;
	spin_unlock(&area->perm_lock);
}

/**
 * mbuff_area_permission() - may the current task read or write an area?
 * @area: the area
 * @may: MAY_READ and/or MAY_WRITE
 *
 * The owner's bits apply to its owner, the group's to members of its
 * group, the others' to everyone else; CAP_IPC_OWNER passes, as for SysV
 * shared memory.
 *
 * Return: 0 or -EACCES.
 */
int mbuff_area_permission(struct mbuff_area *area, int may)
{
	kuid_t uid;
	kgid_t gid;
	umode_t mode;

	mbuff_area_perm_get(area, &uid, &gid, &mode);
	if (uid_eq(current_euid(), uid))
		mode >>= 6;
	else if (in_egroup_p(gid))
		mode >>= 3;
	/* MAY_READ and MAY_WRITE are the r and w bits of a mode. */
	if (!(may & (MAY_READ | MAY_WRITE) & ~mode))
		return 0;
	return capable(CAP_IPC_OWNER) ? 0 : -EACCES;
}

/* Is the current task the area's owner, or allowed to act as one? */
bool mbuff_area_owned(struct mbuff_area *area)
{
	kuid_t uid, cur = current_euid();
	kgid_t gid;
	umode_t mode;

	mbuff_area_perm_get(area, &uid, &gid, &mode);
	return uid_eq(cur, uid) || capable(CAP_SYS_ADMIN);
}

/**
 * mbuff_area_setperm() - chmod and chown an area
 * @area: the area
 * @flags: MBUFF_PERM_MODE, MBUFF_PERM_UID, MBUFF_PERM_GID
 * @uid: new owner
 * @gid: new group
 * @mode: new permission bits
 *
 * The owner (or CAP_SYS_ADMIN) may change the mode, and the group to one
 * it is in; any other owner or group needs CAP_CHOWN.  The quota charge
 * stays with the creator.  udev hears of it (a change uevent).
 *
 * Return: 0, -EPERM, or -EINVAL for an invalid id or mode.
 */
int mbuff_area_setperm(struct mbuff_area *area, unsigned int flags,
		       kuid_t uid, kgid_t gid, umode_t mode)
{
	if (!flags || flags & ~MBUFF_PERM_FLAGS)
		return -EINVAL;
	if ((flags & MBUFF_PERM_UID && !uid_valid(uid)) ||
	    (flags & MBUFF_PERM_GID && !gid_valid(gid)) ||
	    (flags & MBUFF_PERM_MODE && mode & ~MBUFF_MODE_MASK))
		return -EINVAL;
	if (!mbuff_area_owned(area))
		return -EPERM;
	if (flags & MBUFF_PERM_UID && !capable(CAP_CHOWN))
		return -EPERM;
	if (flags & MBUFF_PERM_GID && !in_egroup_p(gid) && !capable(CAP_CHOWN))
		return -EPERM;

	spin_lock(&area->perm_lock);
	if (flags & MBUFF_PERM_UID)
		area->uid = uid;
	if (flags & MBUFF_PERM_GID)
		area->gid = gid;
	if (flags & MBUFF_PERM_MODE)
		area->mode = mode;
	spin_unlock(&area->perm_lock);
	mbuff_sysfs_changed(area);
	return 0;
}

/* Physical addresses are shown to CAP_SYS_RAWIO only, everywhere. */
bool mbuff_may_see_phys(void)
{
	return capable(CAP_SYS_RAWIO);
}

/*
 * One account per user that created areas: what its live areas take.
 * Created with the first charge, freed with the last uncharge.
 */
struct mbuff_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int areas;
	size_t pool_bytes;
	size_t vmalloc_bytes;
	size_t cma_bytes;
};

static DEFINE_HASHTABLE(mbuff_users, 6);
static DEFINE_SPINLOCK(mbuff_users_lock);	/* protects mbuff_users */

static struct mbuff_user *mbuff_user_find(kuid_t uid)
{
	struct mbuff_user *u;

	lockdep_assert_held(&mbuff_users_lock);
	hash_for_each_possible(mbuff_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* A quarter of the pools, when user_max_pool_mb is left at "auto". */
static size_t mbuff_user_pool_limit(void)
{
	unsigned int mb = READ_ONCE(mbuff_user_max_pool_mb);
	size_t total = 0;
	unsigned int i;

	if (mb != UINT_MAX)
		return (size_t)mb * SZ_1M;
	for (i = 0; i < mbuff_nr_pools_claimed(); i++)
		total += mbuff_pool_get(i)->size;
	return max_t(size_t, total / 4, PAGE_SIZE);
}

/* Does @u have room for @area?  0 for no limit in each parameter. */
static int mbuff_user_fits(const struct mbuff_user *u,
			   const struct mbuff_area *area, size_t pool_max)
{
	unsigned int max_areas = READ_ONCE(mbuff_user_max_areas);
	size_t vm_max = (size_t)READ_ONCE(mbuff_user_max_vmalloc_mb) * SZ_1M;
	size_t cma_max = (size_t)READ_ONCE(mbuff_user_max_cma_mb) * SZ_1M;

	if (max_areas && u->areas >= max_areas)
		return -EDQUOT;
	if (area->backend == MBUFF_BACKEND_CONTIG) {
		if (pool_max && area->size > pool_max - min(pool_max,
							    u->pool_bytes))
			return -EDQUOT;
	} else if (area->backend == MBUFF_BACKEND_VMALLOC && vm_max &&
		   area->size > vm_max - min(vm_max, u->vmalloc_bytes)) {
		return -EDQUOT;
	} else if (area->backend == MBUFF_BACKEND_CMA && cma_max &&
		   area->size > cma_max - min(cma_max, u->cma_bytes)) {
		return -EDQUOT;
	}
	return 0;
}

/**
 * mbuff_quota_charge() - count a new area against its creator
 * @area: the area, its size and backend set
 * @kernel: kernel code creates it: nobody is charged
 *
 * Return: 0, -EDQUOT when the creator's quota has no room, -ENOMEM.
 */
int mbuff_quota_charge(struct mbuff_area *area, bool kernel)
{
	struct mbuff_user *u, *fresh;
	kuid_t uid = current_euid();
	size_t pool_max;
	int ret;

	area->charged = NULL;
	if (kernel || capable(CAP_SYS_RESOURCE))
		return 0;
	pool_max = mbuff_user_pool_limit();
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;

	spin_lock(&mbuff_users_lock);
	u = mbuff_user_find(uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		hash_add(mbuff_users, &u->node, __kuid_val(uid));
	}
	ret = mbuff_user_fits(u, area, pool_max);
	if (!ret) {
		u->areas++;
		if (area->backend == MBUFF_BACKEND_CONTIG)
			u->pool_bytes += area->size;
		else if (area->backend == MBUFF_BACKEND_VMALLOC)
			u->vmalloc_bytes += area->size;
		else if (area->backend == MBUFF_BACKEND_CMA)
			u->cma_bytes += area->size;
		area->charged = u;
	} else if (!u->areas) {
		hash_del(&u->node);
		fresh = u;
	}
	spin_unlock(&mbuff_users_lock);
	kfree(fresh);
	if (ret)
		pr_info_ratelimited("cannot create '%s': quota of uid %u reached\n",
				    area->name,
				    from_kuid(&init_user_ns, uid));
	return ret;
}

/**
 * mbuff_quota_uncharge() - give an area's charge back to its creator
 * @area: the area; nothing happens when it is not charged
 */
void mbuff_quota_uncharge(struct mbuff_area *area)
{
	struct mbuff_user *u = area->charged, *gone = NULL;

	if (!u)
		return;
	spin_lock(&mbuff_users_lock);
	u->areas--;
	if (area->backend == MBUFF_BACKEND_CONTIG)
		u->pool_bytes -= area->size;
	else if (area->backend == MBUFF_BACKEND_VMALLOC)
		u->vmalloc_bytes -= area->size;
	else if (area->backend == MBUFF_BACKEND_CMA)
		u->cma_bytes -= area->size;
	if (!u->areas) {
		hash_del(&u->node);
		gone = u;
	}
	spin_unlock(&mbuff_users_lock);
	area->charged = NULL;
	kfree(gone);
}
