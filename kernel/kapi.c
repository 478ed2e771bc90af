// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel API for other modules: the classic mbuff calls with their
 * 1999 signatures, and a handle API with backend, memory type, physical
 * address and notification both ways.  Every call but
 * mbuff_area_notify() may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/uio_driver.h>

#include "compat.h"
#include "internal.h"

/**
 * mbuff_alloc() - create or attach a named area and take a kernel count
 * @name: area name; NULL means "default"
 * @size: bytes wanted; an existing area must be at least this large, a
 *	new one is created with @size rounded up to a page, in the backend
 *	of the legacy_backend module parameter, cached
 *
 * Return: the area's kernel address, or NULL on error (bad name or size,
 * existing area too small, no memory).
 */
void *mbuff_alloc(const char *name, int size)
{
	struct mbuff_open_args args = {
		.name = name ? name : "default",
		.size = size,
		.backend = mbuff_legacy_backend,
		.memtype = MBUFF_MEM_CACHED,
		.flags = MBUFF_OPEN_CREATE,
		.any_backend = true,
		.kernel = true,
	};
	struct mbuff_area *area;

	if (size <= 0 || mbuff_check_name(args.name))
		return NULL;
	if (mbuff_area_open(&args, BIT(MBUFF_REF_KERNEL), &area))
		return NULL;
	return area->vaddr;
}
EXPORT_SYMBOL_NS_GPL(mbuff_alloc, MBUFF_NS);

/**
 * mbuff_free() - drop the kernel count mbuff_alloc() took
 * @name: area name; NULL means "default"
 * @mbuf: the address mbuff_alloc() returned for it
 *
 * The area is destroyed when no user count, kernel count, open file or
 * mapping is left.  A name or address that does not match is logged and
 * ignored.
 */
void mbuff_free(const char *name, void *mbuf)
{
	struct mbuff_area *area;

	if (!name)
		name = "default";
	area = mbuff_area_find(name, MBUFF_REF_FILE);
	if (!area) {
		pr_warn("%s: no area '%s'\n", __func__, name);
		return;
	}
	/* Our MBUFF_REF_FILE holds it; the last kernel count takes the doorbell. */
	if (area->vaddr != mbuf || !mbuff_area_put_kernel(area, true))
		pr_warn("%s: '%s' was not allocated at that address by the kernel\n",
			__func__, name);
	mbuff_area_unref(area, MBUFF_REF_FILE);
}
EXPORT_SYMBOL_NS_GPL(mbuff_free, MBUFF_NS);

/**
 * mbuff_attach() - the same as mbuff_alloc() in the kernel
 * @name: area name; NULL means "default"
 * @size: bytes wanted
 *
 * Return: the area's kernel address, or NULL.
 */
void *mbuff_attach(const char *name, int size)
{
	return mbuff_alloc(name, size);
}
EXPORT_SYMBOL_NS_GPL(mbuff_attach, MBUFF_NS);

/**
 * mbuff_detach() - the same as mbuff_free() in the kernel
 * @name: area name; NULL means "default"
 * @mbuf: the address mbuff_attach() returned
 */
void mbuff_detach(const char *name, void *mbuf)
{
	mbuff_free(name, mbuf);
}
EXPORT_SYMBOL_NS_GPL(mbuff_detach, MBUFF_NS);

/**
 * mbuff_area_get() - open or create an area and take a kernel count
 * @name: area name (1 to 32 printable ASCII bytes, no '/' or space)
 * @size: bytes wanted; 0 to open an existing area of any size
 * @backend: MBUFF_BACKEND_ANY, _VMALLOC, _CONTIG or _CMA
 * @memtype: MBUFF_MEM_CACHED, MBUFF_MEM_WC or MBUFF_MEM_UNCACHED, for a
 *	new area (WC and uncached need a contiguous area)
 * @flags: MBUFF_OPEN_CREATE to create a missing area, MBUFF_OPEN_EXCL to
 *	fail if it exists
 *
 * Return: the area, or an ERR_PTR(): -EINVAL (bad argument, existing area
 * smaller than @size or of another backend), -ENOENT (missing, no CREATE),
 * -EEXIST (EXCL), -ENOMEM (no room), -ENODEV (contiguous without a pool),
 * -EOPNOTSUPP (memory type not possible for the backend, CMA on a kernel
 * without it), -ENOSPC
 * (max_areas reached).
 */
struct mbuff_area *mbuff_area_get(const char *name, size_t size,
				  unsigned int backend, unsigned int memtype,
				  unsigned int flags)
{
	struct mbuff_open_args args = {
		.name = name,
		.size = size,
		.backend = backend,
		.memtype = memtype,
		.flags = flags,
		.kernel = true,
	};
	struct mbuff_area *area;
	int ret;

	if (!name || mbuff_check_name(name) || backend > MBUFF_BACKEND_CMA ||
	    backend == MBUFF_BACKEND_DMABUF ||
	    memtype > MBUFF_MEM_UNCACHED ||
	    flags & ~(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL))
		return ERR_PTR(-EINVAL);
	ret = mbuff_area_open(&args, BIT(MBUFF_REF_KERNEL), &area);
	return ret ? ERR_PTR(ret) : area;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_get, MBUFF_NS);

/**
 * mbuff_area_put() - drop the kernel count mbuff_area_get() took
 * @area: the area; NULL or an error pointer is ignored
 *
 * When the last kernel count goes (here or in mbuff_free()), a doorbell
 * still set is cleared, and no call of it is running once this returns.
 */
void mbuff_area_put(struct mbuff_area *area)
{
	if (IS_ERR_OR_NULL(area))
		return;
	WARN_ON(!mbuff_area_put_kernel(area, false));
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_put, MBUFF_NS);

/**
 * mbuff_area_vaddr() - the kernel address of an area
 * @area: the area
 *
 * Return: the start of the kernel mapping, valid while the count is held.
 */
void *mbuff_area_vaddr(const struct mbuff_area *area)
{
	return area->vaddr;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_vaddr, MBUFF_NS);

/**
 * mbuff_area_phys() - the physical base of a contiguous area
 * @area: the area
 *
 * Return: the physical address of its first byte; 0 for a vmalloc area.
 */
phys_addr_t mbuff_area_phys(const struct mbuff_area *area)
{
	return area->phys;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_phys, MBUFF_NS);

/**
 * mbuff_area_size() - the size of an area
 * @area: the area
 *
 * Return: its size in bytes, a multiple of PAGE_SIZE.
 */
size_t mbuff_area_size(const struct mbuff_area *area)
{
	return area->size;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_size, MBUFF_NS);

/**
 * mbuff_area_memtype() - the memory type of an area
 * @area: the area
 *
 * Return: MBUFF_MEM_CACHED, MBUFF_MEM_WC or MBUFF_MEM_UNCACHED.
 */
unsigned int mbuff_area_memtype(const struct mbuff_area *area)
{
	return area->memtype;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_memtype, MBUFF_NS);

/**
 * mbuff_area_notify() - wake user space waiting on the area
 * @area: the area
 *
 * Increments the event counter of the area's /dev/uioN and wakes its
 * readers and pollers, and the pollers of /dev/mbuff files that selected
 * the area.  Callable from process, softirq and hardirq
 * context; not from NMI.
 */
void mbuff_area_notify(struct mbuff_area *area)
{
	mbuff_event_signal(area);
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_notify, MBUFF_NS);

/**
 * mbuff_area_set_doorbell() - be called when user space rings the area
 * @area: the area, on which the caller holds a kernel count
 * @fn: the callback, or NULL to remove it
 * @data: its argument
 *
 * User space rings by writing a 32-bit value to the area's /dev/uioN
 * (which needs write permission on the area).  The callback is removed
 * when the last kernel count goes; a module must remove its callback, or
 * drop its count, before it is unloaded.  The callback must not create
 * areas.
 *
 * Return: 0, or -EBUSY when another callback is set.
 */
int mbuff_area_set_doorbell(struct mbuff_area *area, mbuff_doorbell_fn fn,
			    void *data)
{
	int ret = 0;

	mutex_lock(&area->doorbell_lock);
	if (fn && area->doorbell && area->doorbell != fn) {
		ret = -EBUSY;
	} else {
		area->doorbell = fn;
		area->doorbell_data = data;
	}
	mutex_unlock(&area->doorbell_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_set_doorbell, MBUFF_NS);
