// SPDX-License-Identifier: GPL-2.0-only
/*
 * The area registry: named areas, create-or-attach, the four counts that
 * keep an area alive (user, kernel, open files, mappings) and its teardown
 * once all are zero.  Each area holds a reference on the module, so the
 * module cannot be unloaded while any area exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/wait.h>

#include <mbuff/name.h>

#include "compat.h"
#include "internal.h"
#include "memtype.h"

/*
 * Protects the name index, mbuff_areas, mbuff_nr_areas, mbuff_create_seq
 * and each area's dying and ready.  An area in the index has a non-zero
 * total or is being created.  Held only for index work and counting: never
 * across an allocation, a UIO registration or a workqueue flush, so that
 * the last put, which takes it under UIO's info_lock, closes no cycle, and
 * no open or create waits on another area's allocation or zeroing.
 */
DEFINE_MUTEX(mbuff_lock);

/*
 * The name index: lookups cost the same with ten areas or ten thousand.
 * A creator enters its area at once, not ready, so that the name is taken
 * while the memory is allocated and zeroed with no lock held; who looks
 * the name up meanwhile waits on mbuff_create_wq until mbuff_create_seq
 * moves (a creation ended, well or not) and looks again.
 */
#define MBUFF_NAME_BITS	12
static DEFINE_HASHTABLE(mbuff_names, MBUFF_NAME_BITS);
/* Ready areas in creation order, for listing. */
static LIST_HEAD(mbuff_areas);
/* Areas in the index, ready or not: max_areas bounds it. */
static unsigned int mbuff_nr_areas;
static unsigned long mbuff_create_seq;
static DECLARE_WAIT_QUEUE_HEAD(mbuff_create_wq);

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

/* CMA areas, where the kernel has no CMA: refused. */
static int mbuff_nocma_create(struct mbuff_area *area,
			      const struct mbuff_open_args *args)
{
	pr_info_ratelimited("cannot create CMA area '%s': the kernel has no CMA\n",
			    area->name);
	return -EOPNOTSUPP;
}

static const struct mbuff_backend_ops mbuff_nocma_ops = {
	.create = mbuff_nocma_create,
};

/* Imported areas, where the kernel has no dma-buf: none is ever made. */
static int mbuff_nodmabuf_create(struct mbuff_area *area,
				 const struct mbuff_open_args *args)
{
	return -EOPNOTSUPP;
}

static const struct mbuff_backend_ops mbuff_nodmabuf_ops = {
	.create = mbuff_nodmabuf_create,
};

/**
 * mbuff_backend_ops() - the operations of a backend
 * @backend: MBUFF_BACKEND_VMALLOC, _CONTIG, _DMABUF or _CMA; any other
 *	value stands for vmalloc
 *
 * A backend the kernel lacks has operations that refuse to create areas.
 *
 * Return: the backend's operations, never NULL.
 */
const struct mbuff_backend_ops *mbuff_backend_ops(unsigned int backend)
{
	switch (backend) {
	case MBUFF_BACKEND_CONTIG:
		return &mbuff_reserved_ops;
	case MBUFF_BACKEND_CMA:
		return IS_ENABLED(CONFIG_DMA_CMA) ? &mbuff_cma_ops :
						    &mbuff_nocma_ops;
	case MBUFF_BACKEND_DMABUF:
		return IS_ENABLED(CONFIG_DMA_SHARED_BUFFER) ?
		       &mbuff_dmabuf_import_ops : &mbuff_nodmabuf_ops;
	default:
		return &mbuff_vmalloc_ops;
	}
}

/* Give an area, not yet published, a backend and its operations. */
static void mbuff_area_set_backend(struct mbuff_area *area,
				   unsigned int backend)
{
	area->backend = backend;
	area->ops = mbuff_backend_ops(backend);
}

static u32 mbuff_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/* The area of that name, ready or being created, or NULL. */
static struct mbuff_area *mbuff_area_lookup(const char *name)
{
	struct mbuff_area *area;

	lockdep_assert_held(&mbuff_lock);
	hash_for_each_possible(mbuff_names, area, hnode, mbuff_name_hash(name))
		if (!strcmp(area->name, name))
			return area;
	return NULL;
}

/* A creation ended: who waits for a name looks again. */
static void mbuff_create_done(void)
{
	lockdep_assert_held(&mbuff_lock);
	mbuff_create_seq++;
	wake_up_all(&mbuff_create_wq);
}

/* Take a failed creation's name back; its area is then the caller's. */
static void mbuff_area_unreserve(struct mbuff_area *area)
{
	mutex_lock(&mbuff_lock);
	hash_del(&area->hnode);
	mbuff_nr_areas--;
	mbuff_create_done();
	mutex_unlock(&mbuff_lock);
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
	area->ops->destroy(area);
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
	if (area->ready) {
		hash_del(&area->hnode);
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

/*
 * Wait for the teardowns queued so far: the memory, pool space and quota
 * of areas whose last reference went come back when they have run.  Only
 * a creation that failed for want of what they give back waits, and it
 * holds no lock then (the teardown takes UIO's locks and mbuff_uio_lock).
 */
static void mbuff_reclaim(void)
{
	lockdep_assert_not_held(&mbuff_lock);
	flush_workqueue(mbuff_wq);
}

static bool mbuff_want_of_memory(int ret)
{
	return ret == -ENOMEM || ret == -EDQUOT;
}

static unsigned int mbuff_pick_backend(const struct mbuff_open_args *args)
{
	if (args->dmabuf)
		return MBUFF_BACKEND_DMABUF;
	if (args->backend != MBUFF_BACKEND_ANY)
		return args->backend;
	return mbuff_have_pools() ? MBUFF_BACKEND_CONTIG : MBUFF_BACKEND_VMALLOC;
}

/*
 * The memory of a new area, zeroed: of its backend, or for "any", of a
 * pool and else of vmalloc.  Runs with no lock held.
 */
static int mbuff_area_take_memory(struct mbuff_area *area,
				  const struct mbuff_open_args *args)
{
	int ret;

	ret = area->ops->create(area, args);
	/*
	 * "Any" takes vmalloc memory when the pools, or the caller's share
	 * of them, are full.
	 */
	if (mbuff_want_of_memory(ret) &&
	    area->backend == MBUFF_BACKEND_CONTIG &&
	    args->backend == MBUFF_BACKEND_ANY &&
	    args->memtype == MBUFF_MEM_CACHED) {
		mbuff_area_set_backend(area, MBUFF_BACKEND_VMALLOC);
		ret = area->ops->create(area, args);
		if (ret)
			mbuff_area_set_backend(area, MBUFF_BACKEND_CONTIG);
	}
	return ret;
}

static void mbuff_area_give_memory(struct mbuff_area *area)
{
	area->ops->destroy(area);
	mbuff_quota_uncharge(area);
}

/*
 * Give a new area, whose name the caller reserved, its memory, its sysfs
 * directory, the caller's references and its UIO device.  Called with no
 * lock held.  On failure the name is given back and the area freed.
 */
static int mbuff_area_create(struct mbuff_area *area,
			     const struct mbuff_open_args *args,
			     unsigned int refmask)
{
	int ret;

	lockdep_assert_not_held(&mbuff_lock);
	if (area->ops->cached_only && args->memtype != MBUFF_MEM_CACHED) {
		pr_info_ratelimited("cannot create '%s': %s areas are cached only\n",
				    args->name,
				    mbuff_backend_name(area->backend));
		ret = -EOPNOTSUPP;
		goto err_free;
	}
	ret = mbuff_area_take_memory(area, args);
	/* Only now wait for the teardowns that may give memory back. */
	if (mbuff_want_of_memory(ret)) {
		mbuff_reclaim();
		mbuff_area_set_backend(area, mbuff_pick_backend(args));
		ret = mbuff_area_take_memory(area, args);
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
	pr_debug("created area '%s': %zu bytes, %s, %s\n", area->name,
		 area->size, mbuff_backend_name(area->backend),
		 mbuff_memtype_name(area->memtype));
	return 0;

err_sysfs:
	mbuff_sysfs_del_area(area);
err_backend:
	mbuff_area_give_memory(area);
	mbuff_area_unreserve(area);
	mbuff_sysfs_free_area(area);
	return ret;
err_free:
	mbuff_area_unreserve(area);
	kfree(area);
	return ret;
}

/* A new area's fields, before its name is reserved. */
static struct mbuff_area *mbuff_area_alloc(const struct mbuff_open_args *args)
{
	struct mbuff_area *area;
	size_t size = PAGE_ALIGN(args->size);

	if (!size || size < args->size)
		return ERR_PTR(-EINVAL);
	area = kzalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&area->node);
	INIT_HLIST_NODE(&area->hnode);
	strscpy(area->name, args->name, sizeof(area->name));
	snprintf(area->uio_name, sizeof(area->uio_name), "mbuff:%s", area->name);
	area->size = size;
	mbuff_area_set_backend(area, mbuff_pick_backend(args));
	area->memtype = args->memtype;
	INIT_WORK(&area->destroy_work, mbuff_area_destroy_work);
	mutex_init(&area->doorbell_lock);
	atomic_set(&area->rings, 0);
	mbuff_perm_init(area, args);
	return area;
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
	struct mbuff_area *area, *fresh = NULL;
	unsigned long seq;
	int ret;

	if ((args->flags & MBUFF_OPEN_CREATE) && args->size) {
		/* Allocated before the lock, freed if the name exists. */
		fresh = mbuff_area_alloc(args);
		if (IS_ERR(fresh))
			return PTR_ERR(fresh);
	}
again:
	mutex_lock(&mbuff_lock);
	area = mbuff_area_lookup(args->name);
	if (area && !area->ready) {
		/* Being created: wait for it, ready or failed, with no lock. */
		seq = mbuff_create_seq;
		mutex_unlock(&mbuff_lock);
		ret = wait_event_killable(mbuff_create_wq,
					  READ_ONCE(mbuff_create_seq) != seq);
		if (ret)
			goto out_free;
		goto again;
	}
	if (area) {
		ret = mbuff_area_match(area, args, refmask);
		/* In the index and ready, so its total is not zero. */
		if (!ret)
			mbuff_area_take(area, refmask);
	} else if (!(args->flags & MBUFF_OPEN_CREATE)) {
		ret = -ENOENT;
	} else if (!args->size ||
		   (args->backend == MBUFF_BACKEND_DMABUF && !args->dmabuf)) {
		/* Only MBUFF_IOC_IMPORT makes a dma-buf area. */
		ret = -EINVAL;
	} else if (mbuff_nr_areas >= mbuff_max_areas) {
		pr_info_ratelimited("cannot create '%s': max_areas=%u reached\n",
				    args->name, mbuff_max_areas);
		ret = -ENOSPC;
	} else {
		/* Reserve the name, then make the area with no lock held. */
		area = fresh;
		fresh = NULL;
		hash_add(mbuff_names, &area->hnode,
			 mbuff_name_hash(area->name));
		mbuff_nr_areas++;
		mutex_unlock(&mbuff_lock);
		ret = mbuff_area_create(area, args, refmask);
		if (ret)
			return ret;
		mutex_lock(&mbuff_lock);
		area->ready = true;
		list_add_tail(&area->node, &mbuff_areas);
		mbuff_create_done();
	}
	mutex_unlock(&mbuff_lock);
	if (!ret)
		*areap = area;
out_free:
	kfree(fresh);
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
	/* One being created is not there yet. */
	if (area && area->ready)
		mbuff_area_take(area, BIT(ref));
	else
		area = NULL;
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

/**
 * mbuff_area_vm_open() - a user mapping of an area was copied
 * @vma: the copy, by a split or a fork, of a VMA that holds the area
 *
 * The open of every backend's vm_operations_struct.
 */
void mbuff_area_vm_open(struct vm_area_struct *vma)
{
	mbuff_area_take(vma->vm_private_data, BIT(MBUFF_REF_MAP));
}

/**
 * mbuff_area_vm_close() - a user mapping of an area goes
 * @vma: the VMA, which holds a MBUFF_REF_MAP on the area
 *
 * The close of every backend's vm_operations_struct.
 */
void mbuff_area_vm_close(struct vm_area_struct *vma)
{
	mbuff_area_unref(vma->vm_private_data, MBUFF_REF_MAP);
}

/**
 * mbuff_area_mmap() - map an area into user space
 * @area: the area, held by the caller
 * @vma: a shared mapping
 * @pgoff: offset into the area in pages
 *
 * Nothing is mapped yet: pages come at first touch, in the area's memory
 * type, so the user mapping always agrees with the kernel mapping, and
 * mmap costs the same for 4 KiB and for a gigabyte.  @pgoff is the VMA's
 * own (vm_pgoff), which the fault handlers read.
 *
 * Return: 0, -EINVAL for a private mapping or one past the area's end,
 * -EACCES when the area's mode does not let the caller map it so,
 * -ENODEV if the area is being torn down.
 */
static int mbuff_area_mmap_check(struct mbuff_area *area, vm_flags_t flags,
				 unsigned long pgoff, unsigned long len)
{
	/*
	 * VM_MAYSHARE: a MAP_SHARED mapping of a file not open for writing
	 * has VM_SHARED cleared.
	 */
	if (!(flags & VM_MAYSHARE))
		return -EINVAL;
	if (pgoff >= area->size >> PAGE_SHIFT ||
	    len > area->size - (pgoff << PAGE_SHIFT))
		return -EINVAL;
	return mbuff_area_permission(area, flags & VM_WRITE ?
				    MAY_READ | MAY_WRITE : MAY_READ);
}

int mbuff_area_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		    unsigned long pgoff)
{
	int ret;

	if (pgoff != vma->vm_pgoff)
		return -EINVAL;
	ret = mbuff_area_mmap_check(area, vma->vm_flags, pgoff,
				    vma->vm_end - vma->vm_start);
	if (ret)
		return ret;
	/* A mapping the caller may not write can never become writable. */
	if (mbuff_area_permission(area, MAY_WRITE))
		mbuff_vma_clear_flags(vma, VM_MAYWRITE);
	/*
	 * An imported area is mapped by its exporter, and the mapping holds
	 * the dma-buf (its file), not the area.
	 */
	if (area->ops->mmap)
		return area->ops->mmap(area, vma, pgoff);
	return mbuff_area_map(area, vma);
}

/**
 * mbuff_area_map() - map an area whose checks were made elsewhere
 * @area: an area the module maps itself (its backend has vm_ops), held
 *	by the caller
 * @vma: a shared mapping within the area, at vm_pgoff pages into it
 *
 * For mmap() of /dev/mbuff and /dev/uioN (mbuff_area_mmap()) and of an
 * exported dma-buf, whose file's mode stands for the permission checked
 * when it was exported.
 *
 * The mapping gets the backend's VMA flags and operations, and the area's
 * memory type; its pages come at fault time.
 *
 * Return: 0, -EINVAL for a private mapping, -ENODEV if the area is being
 * torn down, -EOPNOTSUPP for an area the module does not map itself.
 */
int mbuff_area_map(struct mbuff_area *area, struct vm_area_struct *vma)
{
	const struct mbuff_backend_ops *ops = area->ops;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (!ops->vm_ops)
		return -EOPNOTSUPP;
	ret = mbuff_area_ref(area, MBUFF_REF_MAP);
	if (ret)
		return ret;
	vma->vm_page_prot = mbuff_pgprot(area->memtype, vma->vm_page_prot);
	mbuff_vma_set_flags(vma, ops->vm_flags);
	vma->vm_private_data = area;
	vma->vm_ops = ops->vm_ops;
	return 0;
}

#ifdef MBUFF_HAVE_UIO_MMAP_PREPARE
/**
 * mbuff_area_mmap_prepare() - map an area, from a VMA descriptor
 * @area: the area, held by the caller
 * @desc: the mapping to be, at desc->pgoff pages into the area
 *
 * mbuff_area_mmap() for UIO, which describes a mapping before it exists
 * in newer kernels (kernel/compat.h).  An imported area cannot be mapped
 * so: its exporter's mmap wants the VMA itself.
 *
 * The map count is taken here, where a mapping prepared from a file's own
 * f_op->mmap_prepare should take nothing (it may yet be merged or fail,
 * with no hook to give it back; vm_ops->mapped is the place).  It is safe
 * for UIO: uio_mmap() is an f_op->mmap that calls this hook on a VMA that
 * exists already (compat_set_desc_from_vma(), __compat_vma_mmap()), asks
 * for no mmap action and no ->mapped, so nothing can fail after the count
 * is taken; and the VMA's close gives it back.  Should UIO's file take
 * f_op->mmap_prepare itself, the count moves to vm_ops->mapped.
 *
 * Return: as mbuff_area_mmap(), and -EOPNOTSUPP for an imported area.
 */
int mbuff_area_mmap_prepare(struct mbuff_area *area,
			    struct vm_area_desc *desc)
{
	vm_flags_t flags = vma_flags_to_legacy(desc->vma_flags);
	const struct mbuff_backend_ops *ops = area->ops;
	int ret;

	ret = mbuff_area_mmap_check(area, flags, desc->pgoff,
				    desc->end - desc->start);
	if (ret)
		return ret;
	if (!ops->vm_ops)
		return -EOPNOTSUPP;
	ret = mbuff_area_ref(area, MBUFF_REF_MAP);
	if (ret)
		return ret;
	/* A mapping the caller may not write can never become writable. */
	if (mbuff_area_permission(area, MAY_WRITE))
		flags &= ~VM_MAYWRITE;
	desc->page_prot = mbuff_pgprot(area->memtype, desc->page_prot);
	flags |= ops->vm_flags;
	vma_flags_overwrite_word(&desc->vma_flags, flags);
	desc->private_data = area;
	desc->vm_ops = ops->vm_ops;
	return 0;
}
#endif

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
