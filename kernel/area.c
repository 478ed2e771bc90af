// SPDX-License-Identifier: GPL-2.0-only
/*
 * The area registry: named areas, create-or-attach, the four counts that
 * keep an area alive (user, kernel, open files, mappings) and its teardown
 * once all are zero.  Each area holds a reference on the module, so the
 * module cannot be unloaded while any area exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <mbuff/name.h>

#include "compat.h"
#include "internal.h"

/*
 * Protects mbuff_areas, mbuff_nr_areas and each area's dying; an area on
 * the list has a non-zero total.  Held only for list work and counting:
 * never across an allocation, a UIO registration or a workqueue flush, so
 * that the last put, which takes it under UIO's info_lock, closes no cycle.
 */
DEFINE_MUTEX(mbuff_lock);

/*
 * Serialises creation: a name is looked up, its memory taken and zeroed,
 * its UIO device registered and the area published under this lock, with
 * mbuff_lock taken only for the lookup and the publication.  Opening an
 * existing area never takes it.
 */
static DEFINE_MUTEX(mbuff_create_lock);
static LIST_HEAD(mbuff_areas);
static unsigned int mbuff_nr_areas;
static atomic_long_t mbuff_vmalloc_bytes = ATOMIC_LONG_INIT(0);

/**
 * mbuff_check_name() - check an area name, saying why it is refused
 * @name: NUL-terminated name
 *
 * Return: 0 or -EINVAL.
 */
int mbuff_check_name(const char *name)
{
	if (mbuff_name_valid(name))
		return 0;
	pr_info_ratelimited("invalid area name '%*pE': use 1 to %d printable ASCII characters without '/' or space, not '.' or '..'\n",
			    (int)strnlen(name, MBUFF_NAME_LEN + 1), name,
			    MBUFF_NAME_LEN);
	return -EINVAL;
}

static struct mbuff_area *mbuff_area_lookup(const char *name)
{
	struct mbuff_area *area;

	lockdep_assert_held(&mbuff_lock);
	list_for_each_entry(area, &mbuff_areas, node)
		if (!strcmp(area->name, name))
			return area;
	return NULL;
}

static void mbuff_area_destroy_work(struct work_struct *work)
{
	struct mbuff_area *area = container_of(work, struct mbuff_area,
					       destroy_work);

	pr_debug("destroying area '%s'\n", area->name);
	/*
	 * The creator's quota first: once the area's UIO device is gone, a
	 * new area of its size must fit.
	 */
	mbuff_quota_uncharge(area);
	/*
	 * No file, mapping or kernel user is left: nothing can reach the
	 * memory, so it may go back to its pool or to vmalloc.
	 */
	mbuff_uio_remove(area);
	if (area->backend == MBUFF_BACKEND_CONTIG) {
		mbuff_reserved_destroy(area);
	} else {
		mbuff_vmalloc_destroy(area);
		atomic_long_sub(area->size, &mbuff_vmalloc_bytes);
	}
	mbuff_sysfs_free_area(area);
	/* mbuff_exit() drains mbuff_wq, so this code outlives the put. */
	module_put(THIS_MODULE);
}

/* Drop one from the total; the last one takes the area off the registry. */
static void mbuff_area_put_total(struct mbuff_area *area)
{
	if (!refcount_dec_and_mutex_lock(&area->total, &mbuff_lock))
		return;
	area->dying = true;
	if (!list_empty(&area->node)) {
		list_del_init(&area->node);
		mbuff_nr_areas--;
	}
	/*
	 * The name is free from now on: its sysfs directory goes at once, so
	 * that a new area of that name can take it.  Its attributes take no
	 * lock, so removing it here cannot wait on our callers' locks.
	 */
	mbuff_sysfs_del_area(area);
	queue_work(mbuff_wq, &area->destroy_work);
	mutex_unlock(&mbuff_lock);
}

/* Take the references of @refmask on an area that cannot go meanwhile. */
static void mbuff_area_take(struct mbuff_area *area, unsigned int refmask)
{
	int i;

	for (i = 0; i < MBUFF_NR_REFS; i++) {
		if (refmask & BIT(i)) {
			atomic_inc(&area->refs[i]);
			refcount_inc(&area->total);
		}
	}
}

/* The first references of a new area, which nobody else can reach yet. */
static void mbuff_area_take_first(struct mbuff_area *area,
				  unsigned int refmask)
{
	int i;

	for (i = 0; i < MBUFF_NR_REFS; i++)
		atomic_set(&area->refs[i], !!(refmask & BIT(i)));
	refcount_set(&area->total, hweight32(refmask));
}

/*
 * User and kernel counts are taken on request, as often as asked: bound
 * them, so that no number of calls wraps a count.  The total is a
 * saturating refcount_t besides.
 */
static int mbuff_area_may_take(struct mbuff_area *area, unsigned int refmask)
{
	if ((refmask & BIT(MBUFF_REF_USER)) &&
	    atomic_read(&area->refs[MBUFF_REF_USER]) >= MBUFF_MAX_COUNT)
		return -EOVERFLOW;
	if ((refmask & BIT(MBUFF_REF_KERNEL)) &&
	    atomic_read(&area->refs[MBUFF_REF_KERNEL]) >= MBUFF_MAX_COUNT)
		return -EOVERFLOW;
	return 0;
}

static bool mbuff_vmalloc_fits(size_t size)
{
	unsigned long used = atomic_long_read(&mbuff_vmalloc_bytes);

	/* Only creation, under mbuff_create_lock, adds: the check holds. */
	lockdep_assert_held(&mbuff_create_lock);
	return !mbuff_max_vmalloc ||
	       (used <= mbuff_max_vmalloc && size <= mbuff_max_vmalloc - used);
}

/*
 * The memory of areas whose teardown is queued comes back when the queue
 * has run: wait for it before taking memory from a pool, and before
 * calling a vmalloc request out of memory, so that a name's memory is
 * usable again as soon as the name is, and where a new area lands in a
 * pool does not depend on the queue's timing.  The teardown takes UIO's
 * locks, so this runs outside mbuff_lock.
 */
static void mbuff_reclaim(void)
{
	lockdep_assert_held(&mbuff_create_lock);
	lockdep_assert_not_held(&mbuff_lock);
	flush_workqueue(mbuff_wq);
}

static unsigned int mbuff_pick_backend(const struct mbuff_open_args *args)
{
	if (args->backend != MBUFF_BACKEND_ANY)
		return args->backend;
	return mbuff_have_pools() ? MBUFF_BACKEND_CONTIG : MBUFF_BACKEND_VMALLOC;
}

/*
 * Make a new area, unpublished, with the caller's references taken.
 * Called under mbuff_create_lock only: nothing here waits for mbuff_lock.
 */
static struct mbuff_area *mbuff_area_create(const struct mbuff_open_args *args,
					    unsigned int refmask)
{
	struct mbuff_area *area;
	unsigned int backend = mbuff_pick_backend(args);
	size_t size = PAGE_ALIGN(args->size);
	int ret;

	lockdep_assert_held(&mbuff_create_lock);
	if (!size || size < args->size)
		return ERR_PTR(-EINVAL);
	/* Only creation adds areas, and it is serialised. */
	if (READ_ONCE(mbuff_nr_areas) >= mbuff_max_areas) {
		pr_info_ratelimited("cannot create '%s': max_areas=%u reached\n",
				    args->name, mbuff_max_areas);
		return ERR_PTR(-ENOSPC);
	}
	if (backend == MBUFF_BACKEND_VMALLOC &&
	    args->memtype != MBUFF_MEM_CACHED) {
		pr_info_ratelimited("cannot create '%s': vmalloc areas are cached only\n",
				    args->name);
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (backend == MBUFF_BACKEND_VMALLOC && !mbuff_vmalloc_fits(size))
		mbuff_reclaim();
	if (backend == MBUFF_BACKEND_VMALLOC && !mbuff_vmalloc_fits(size)) {
		pr_info_ratelimited("cannot create '%s': max_vmalloc_mb reached\n",
				    args->name);
		return ERR_PTR(-ENOMEM);
	}

	area = kzalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&area->node);
	strscpy(area->name, args->name, sizeof(area->name));
	snprintf(area->uio_name, sizeof(area->uio_name), "mbuff:%s", area->name);
	area->size = size;
	area->backend = backend;
	area->memtype = args->memtype;
	INIT_WORK(&area->destroy_work, mbuff_area_destroy_work);
	mutex_init(&area->doorbell_lock);
	atomic_set(&area->rings, 0);
	mbuff_perm_init(area, args);

	if (backend == MBUFF_BACKEND_CONTIG) {
		mbuff_reclaim();
		ret = mbuff_have_pools() ? mbuff_quota_charge(area, args->kernel) :
					   0;
		if (!ret)
			ret = mbuff_reserved_create(area, args->align);
		/*
		 * "Any" takes vmalloc memory when the pools, or the caller's
		 * share of them, are full.
		 */
		if ((ret == -ENOMEM || ret == -EDQUOT) &&
		    args->backend == MBUFF_BACKEND_ANY &&
		    args->memtype == MBUFF_MEM_CACHED &&
		    mbuff_vmalloc_fits(size)) {
			mbuff_quota_uncharge(area);
			backend = MBUFF_BACKEND_VMALLOC;
			area->backend = backend;
			ret = mbuff_quota_charge(area, args->kernel);
			if (!ret)
				ret = mbuff_vmalloc_create(area);
		}
	} else {
		ret = mbuff_quota_charge(area, args->kernel);
		if (!ret)
			ret = mbuff_vmalloc_create(area);
	}
	if (ret)
		goto err_free;
	ret = mbuff_sysfs_add_area(area);
	if (ret)
		goto err_backend;
	/* The caller's references, before /dev/uioN can be opened. */
	mbuff_area_take_first(area, refmask);
	ret = mbuff_uio_add(area, mbuff_ctl_device());
	if (ret)
		goto err_sysfs;

	__module_get(THIS_MODULE);
	if (backend == MBUFF_BACKEND_VMALLOC)
		atomic_long_add(size, &mbuff_vmalloc_bytes);
	pr_debug("created area '%s': %zu bytes, %s, %s\n", area->name, size,
		 mbuff_backend_name(backend), mbuff_memtype_name(area->memtype));
	return area;

err_sysfs:
	mbuff_sysfs_del_area(area);
err_backend:
	if (backend == MBUFF_BACKEND_CONTIG)
		mbuff_reserved_destroy(area);
	else
		mbuff_vmalloc_destroy(area);
	mbuff_quota_uncharge(area);
	mbuff_sysfs_free_area(area);
	return ERR_PTR(ret);
err_free:
	mbuff_quota_uncharge(area);
	kfree(area);
	return ERR_PTR(ret);
}

/* Is an existing area what @args asks for?  Under mbuff_lock. */
static int mbuff_area_match(struct mbuff_area *area,
			    const struct mbuff_open_args *args,
			    unsigned int refmask)
{
	int ret;

	if (args->flags & MBUFF_OPEN_EXCL)
		return -EEXIST;
	if (args->size > area->size)
		return -EINVAL;
	if (args->backend != MBUFF_BACKEND_ANY && !args->any_backend &&
	    args->backend != area->backend)
		return -EINVAL;
	if (args->may) {
		ret = mbuff_area_permission(area, args->may);
		if (ret)
			return ret;
	}
	return mbuff_area_may_take(area, refmask);
}

/**
 * mbuff_area_open() - find or create an area and take references on it
 * @args: name, size, backend, memory type, flags, alignment, mode, and
 *	the permission an existing area must grant the caller
 * @refmask: BIT(enum mbuff_ref) of each reference to take
 * @areap: the area, on success
 *
 * An existing area is refused when it is smaller than @args->size
 * (-EINVAL), when a specific backend other than its own is asked
 * (-EINVAL), with MBUFF_OPEN_EXCL (-EEXIST), when it does not grant
 * @args->may (-EACCES), or when a user or kernel count would pass its
 * bound (-EOVERFLOW).  A missing one is created with MBUFF_OPEN_CREATE and
 * a non-zero size, else -ENOENT or -EINVAL.
 *
 * Return: 0 or a negative errno.
 */
int mbuff_area_open(const struct mbuff_open_args *args, unsigned int refmask,
		    struct mbuff_area **areap)
{
	struct mbuff_area *area;
	bool creating = false;
	int ret;

again:
	mutex_lock(&mbuff_lock);
	area = mbuff_area_lookup(args->name);
	if (area) {
		ret = mbuff_area_match(area, args, refmask);
		/* On the list, so its total is not zero: it cannot go. */
		if (!ret)
			mbuff_area_take(area, refmask);
	} else if (!(args->flags & MBUFF_OPEN_CREATE)) {
		ret = -ENOENT;
	} else if (!args->size) {
		ret = -EINVAL;
	} else if (!creating) {
		/* Look again under the creation lock, then make it. */
		mutex_unlock(&mbuff_lock);
		mutex_lock(&mbuff_create_lock);
		creating = true;
		goto again;
	} else {
		/* No other creator can run: the name stays free. */
		mutex_unlock(&mbuff_lock);
		area = mbuff_area_create(args, refmask);
		if (IS_ERR(area)) {
			mutex_unlock(&mbuff_create_lock);
			return PTR_ERR(area);
		}
		mutex_lock(&mbuff_lock);
		list_add_tail(&area->node, &mbuff_areas);
		mbuff_nr_areas++;
		ret = 0;
	}
	mutex_unlock(&mbuff_lock);
	if (creating)
		mutex_unlock(&mbuff_create_lock);
	if (!ret)
		*areap = area;
	return ret;
}

/**
 * mbuff_area_find() - look an area up by name and take one reference
 * @name: area name
 * @ref: the reference to take
 *
 * Return: the area, or NULL when no live area has that name.
 */
struct mbuff_area *mbuff_area_find(const char *name, enum mbuff_ref ref)
{
	struct mbuff_area *area;

	mutex_lock(&mbuff_lock);
	area = mbuff_area_lookup(name);
	if (area)
		mbuff_area_take(area, BIT(ref));
	mutex_unlock(&mbuff_lock);
	return area;
}

/**
 * mbuff_area_ref() - take one more reference on an area
 * @area: an area the caller can reach (it holds a reference, or it is
 *	called back by the area's UIO device, which exists until teardown)
 * @ref: the reference to take
 *
 * Takes no lock.
 *
 * Return: 0, or -ENODEV when the area is already being torn down.
 */
int mbuff_area_ref(struct mbuff_area *area, enum mbuff_ref ref)
{
	if (!refcount_inc_not_zero(&area->total))
		return -ENODEV;
	atomic_inc(&area->refs[ref]);
	return 0;
}

/**
 * mbuff_area_unref() - drop a reference; the last one destroys the area
 * @area: the area
 * @ref: the reference to drop, which the caller holds
 */
void mbuff_area_unref(struct mbuff_area *area, enum mbuff_ref ref)
{
	if (WARN_ON(atomic_dec_if_positive(&area->refs[ref]) < 0))
		return;
	mbuff_area_put_total(area);
}

/**
 * mbuff_area_drop() - drop a count the caller does not hold itself
 * @area: the area, on which the caller holds another reference
 * @ref: the kind of count (a user or kernel count taken earlier)
 *
 * Return: true if there was such a count to drop.
 */
bool mbuff_area_drop(struct mbuff_area *area, enum mbuff_ref ref)
{
	if (atomic_dec_if_positive(&area->refs[ref]) < 0)
		return false;
	/* The caller's own reference keeps the total above zero. */
	refcount_dec(&area->total);
	return true;
}

/**
 * mbuff_area_put_kernel() - drop a kernel count, the doorbell with the last
 * @area: the area
 * @hold: the caller holds another reference (the total stays above zero)
 *
 * The doorbell belongs to the kernel users: it is cleared when the last
 * kernel count goes, under the lock its calls run under, so that no call
 * starts or is still running once this returns.
 *
 * Return: true if there was a kernel count to drop.
 */
bool mbuff_area_put_kernel(struct mbuff_area *area, bool hold)
{
	int left;

	mutex_lock(&area->doorbell_lock);
	left = atomic_dec_if_positive(&area->refs[MBUFF_REF_KERNEL]);
	if (!left) {
		area->doorbell = NULL;
		area->doorbell_data = NULL;
	}
	mutex_unlock(&area->doorbell_lock);
	if (left < 0)
		return false;
	if (hold)
		refcount_dec(&area->total);
	else
		mbuff_area_put_total(area);
	return true;
}

static void mbuff_vm_open(struct vm_area_struct *vma)
{
	/* A split or fork copies a VMA that already holds the area. */
	mbuff_area_take(vma->vm_private_data, BIT(MBUFF_REF_MAP));
}

static void mbuff_vm_close(struct vm_area_struct *vma)
{
	mbuff_area_unref(vma->vm_private_data, MBUFF_REF_MAP);
}

/*
 * x86 PAT tracks a remap_pfn_range() mapping as one range and frees it by
 * exact match: once such a mapping is split (partial munmap or mprotect),
 * its pieces no longer match and the memory type entry leaks, refusing any
 * later mapping of that range with another type.  So mappings of
 * contiguous areas cannot be split.
 */
static int mbuff_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct mbuff_vm_ops = {
	.open = mbuff_vm_open,
	.close = mbuff_vm_close,
};

static const struct vm_operations_struct mbuff_vm_ops_pfn = {
	.open = mbuff_vm_open,
	.close = mbuff_vm_close,
	.may_split = mbuff_vm_may_split,
};

/**
 * mbuff_area_mmap() - map an area into user space
 * @area: the area, held by the caller
 * @vma: a shared mapping
 * @pgoff: offset into the area in pages
 *
 * The whole VMA is populated at once with the area's memory type, so the
 * user mapping never takes a page fault and always agrees with the kernel
 * mapping.
 *
 * Return: 0, -EINVAL for a private mapping or one past the area's end,
 * -EACCES when the area's mode does not let the caller map it so,
 * -ENODEV if the area is being torn down.
 */
int mbuff_area_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		    unsigned long pgoff)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	int ret;

	/*
	 * VM_MAYSHARE: a MAP_SHARED mapping of a file not open for writing
	 * has VM_SHARED cleared.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (pgoff >= area->size >> PAGE_SHIFT ||
	    len > area->size - (pgoff << PAGE_SHIFT))
		return -EINVAL;
	ret = mbuff_area_permission(area, vma->vm_flags & VM_WRITE ?
				   MAY_READ | MAY_WRITE : MAY_READ);
	if (ret)
		return ret;
	/* A mapping the caller may not write can never become writable. */
	if (mbuff_area_permission(area, MAY_WRITE))
		mbuff_vma_clear_flags(vma, VM_MAYWRITE);

	ret = mbuff_area_ref(area, MBUFF_REF_MAP);
	if (ret)
		return ret;
	if (area->backend == MBUFF_BACKEND_CONTIG)
		ret = mbuff_reserved_mmap(area, vma, pgoff);
	else
		ret = mbuff_vmalloc_mmap(area, vma, pgoff);
	if (ret) {
		mbuff_area_unref(area, MBUFF_REF_MAP);
		return ret;
	}
	vma->vm_private_data = area;
	vma->vm_ops = area->backend == MBUFF_BACKEND_CONTIG ? &mbuff_vm_ops_pfn :
							      &mbuff_vm_ops;
	return 0;
}

/**
 * mbuff_areas_names() - copy the names of all areas
 * @buf: room for @capacity names of MBUFF_NAME_SIZE bytes
 * @capacity: names that fit in @buf
 * @count: number of areas
 *
 * Return: names written.
 */
size_t mbuff_areas_names(char *buf, size_t capacity, size_t *count)
{
	struct mbuff_area *area;
	size_t n = 0;

	mutex_lock(&mbuff_lock);
	list_for_each_entry(area, &mbuff_areas, node) {
		if (n < capacity)
			strscpy(buf + n * MBUFF_NAME_SIZE, area->name,
				MBUFF_NAME_SIZE);
		n++;
	}
	mutex_unlock(&mbuff_lock);
	*count = n;
	return min(n, capacity);
}
