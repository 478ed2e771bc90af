// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA helpers: where an area lies in physical memory (one run for a
 * contiguous area, the page runs of a vmalloc area), and cache
 * maintenance for devices that do not snoop the CPU caches.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "internal.h"

/**
 * mbuff_area_sglist() - the physically contiguous runs of an area
 * @area: the area, held by the caller
 * @ents: room for @capacity runs (may be NULL with @capacity 0)
 * @capacity: entries at @ents
 *
 * A contiguous area is one run; a vmalloc area is its pages, neighbours
 * merged.  The addresses are physical: a device behind an IOMMU needs
 * them mapped for it (dma_map_resource()).  An imported dma-buf's runs
 * are its exporter's, as mapped for the module's own device (bus
 * addresses, physical ones where no IOMMU is in the way).
 *
 * Return: the number of runs; at most @capacity of them were written.
 */
int mbuff_area_sglist(const struct mbuff_area *area,
		      struct mbuff_sg_entry *ents, unsigned int capacity)
{
	unsigned long off;
	unsigned int n = 0;
	u64 phys, end = 0;

	if (area->backend == MBUFF_BACKEND_DMABUF)
		return mbuff_dmabuf_sglist_import(area, ents, capacity);
	if (mbuff_area_contiguous(area)) {
		if (capacity)
			ents[0] = (struct mbuff_sg_entry) {
				.phys = area->phys, .len = area->size,
			};
		return 1;
	}
	for (off = 0; off < area->size; off += PAGE_SIZE) {
		phys = PFN_PHYS(vmalloc_to_pfn(area->vaddr + off));
		if (n && phys == end) {
			/* Continues the current run. */
			if (n <= capacity)
				ents[n - 1].len += PAGE_SIZE;
		} else {
			if (n < capacity)
				ents[n] = (struct mbuff_sg_entry) {
					.phys = phys, .len = PAGE_SIZE,
				};
			n++;
		}
		end = phys + PAGE_SIZE;
	}
	return n;
}
EXPORT_SYMBOL_GPL(mbuff_area_sglist);

/**
 * mbuff_area_sync() - cache maintenance before or after a DMA
 * @area: the area, held by the caller
 * @offset: first byte of the range
 * @len: bytes, not 0
 * @direction: MBUFF_SYNC_TO_DEVICE before the device reads (the CPU's
 *	writes are cleaned to memory), MBUFF_SYNC_FROM_DEVICE after the
 *	device wrote (stale lines are invalidated), or _BIDIRECTIONAL
 *
 * Only cached areas on architectures whose DMA is not cache coherent
 * need it (arm64); on x86, and for write-combined or uncached areas, it
 * only checks its arguments.
 *
 * Return: 0, or -EINVAL for a range outside the area or a bad direction.
 */
int mbuff_area_sync(struct mbuff_area *area, size_t offset, size_t len,
		    unsigned int direction)
{
	void *va = area->vaddr + offset;

	if (!len || offset >= area->size || len > area->size - offset ||
	    direction < MBUFF_SYNC_TO_DEVICE ||
	    direction > MBUFF_SYNC_BIDIRECTIONAL)
		return -EINVAL;
	/* The exporter knows how; it does the whole buffer. */
	if (area->backend == MBUFF_BACKEND_DMABUF)
		return mbuff_dmabuf_sync_import(area, direction);
	if (area->memtype != MBUFF_MEM_CACHED)
		return 0;
	if (direction & MBUFF_SYNC_TO_DEVICE)
		mbuff_cache_clean(va, len);
	if (direction & MBUFF_SYNC_FROM_DEVICE)
		mbuff_cache_invalidate(va, len);
	return 0;
}
EXPORT_SYMBOL_GPL(mbuff_area_sync);

long mbuff_ioc_sglist(struct mbuff_area *area, struct mbuff_sglist *req)
{
	struct mbuff_sg_entry *ents = NULL;
	unsigned int cap;
	int n;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	cap = min_t(u32, req->capacity, area->size >> PAGE_SHIFT);
	if (cap) {
		ents = kvcalloc(cap, sizeof(*ents), GFP_KERNEL);
		if (!ents)
			return -ENOMEM;
	}
	n = mbuff_area_sglist(area, ents, cap);
	if (cap && copy_to_user(u64_to_user_ptr(req->entries), ents,
				min_t(unsigned int, n, cap) * sizeof(*ents))) {
		kvfree(ents);
		return -EFAULT;
	}
	kvfree(ents);
	req->count = n;
	return 0;
}
