// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA helpers: where an area lies in physical memory (one run for a
 * contiguous area, the page runs of a vmalloc area), cache maintenance
 * for devices that do not snoop the CPU caches, and the mappings of an
 * exported area for an importer's device.  The entry points call the
 * area's backend operations; the backends share the operations here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "internal.h"
#include "memtype.h"

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
	return area->ops->sglist(area, ents, capacity);
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_sglist, MBUFF_NS);

/**
 * mbuff_sglist_run() - the runs of a physically contiguous area: one
 * @area: the area, at area->phys
 * @ents: room for @capacity runs
 * @capacity: entries at @ents
 *
 * The sglist operation of the contiguous and CMA backends.
 *
 * Return: 1.
 */
int mbuff_sglist_run(const struct mbuff_area *area,
		     struct mbuff_sg_entry *ents, unsigned int capacity)
{
	if (capacity)
		ents[0] = (struct mbuff_sg_entry) {
			.phys = area->phys, .len = area->size,
		};
	return 1;
}

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
 * only checks its arguments.  An imported area is synced by its exporter,
 * whole.
 *
 * Return: 0, -EINVAL for a range outside the area or a bad direction, or
 * an exporter's error.
 */
int mbuff_area_sync(struct mbuff_area *area, size_t offset, size_t len,
		    unsigned int direction)
{
	if (!len || offset >= area->size || len > area->size - offset ||
	    direction < MBUFF_SYNC_TO_DEVICE ||
	    direction > MBUFF_SYNC_BIDIRECTIONAL)
		return -EINVAL;
	return area->ops->sync(area, offset, len, direction);
}
EXPORT_SYMBOL_NS_GPL(mbuff_area_sync, MBUFF_NS);

/**
 * mbuff_sync_cache() - cache maintenance of a range of an area's mapping
 * @area: the area
 * @offset: first byte of the range, within the area
 * @len: bytes, within the area
 * @direction: MBUFF_SYNC_TO_DEVICE, _FROM_DEVICE or _BIDIRECTIONAL
 *
 * The sync operation of the backends whose memory the module maps: the
 * kernel mapping of a cached area is cleaned and invalidated (memtype.h).
 *
 * Return: 0.
 */
int mbuff_sync_cache(struct mbuff_area *area, size_t offset, size_t len,
		     unsigned int direction)
{
	void *va = area->vaddr + offset;

	if (area->memtype != MBUFF_MEM_CACHED)
		return 0;
	if (direction & MBUFF_SYNC_TO_DEVICE)
		mbuff_cache_clean(va, len);
	if (direction & MBUFF_SYNC_FROM_DEVICE)
		mbuff_cache_invalidate(va, len);
	return 0;
}

/* No segment longer than the importer's device takes. */
static unsigned int mbuff_dma_max_seg(struct device *dev)
{
	return max_t(unsigned int, PAGE_SIZE,
		     rounddown(dma_get_max_seg_size(dev), PAGE_SIZE));
}

/**
 * mbuff_dma_map_pages() - map an area's pages for a device
 * @area: an area with struct pages (area->pages)
 * @dev: the device
 * @dir: the direction of its DMA
 *
 * The dma_map operation of the vmalloc and CMA backends: an exported
 * area's pages, through dma_map_sgtable().
 *
 * Return: the mapped table, or an ERR_PTR.
 */
struct sg_table *mbuff_dma_map_pages(struct mbuff_area *area,
				     struct device *dev,
				     enum dma_data_direction dir)
{
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages_segment(sgt, area->pages,
						area->size >> PAGE_SHIFT, 0,
						area->size,
						mbuff_dma_max_seg(dev),
						GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

/**
 * mbuff_dma_unmap_pages() - undo mbuff_dma_map_pages()
 * @area: the area
 * @dev: the device
 * @sgt: the table mbuff_dma_map_pages() returned, freed here
 * @dir: the direction it was mapped with
 */
void mbuff_dma_unmap_pages(struct mbuff_area *area, struct device *dev,
			   struct sg_table *sgt, enum dma_data_direction dir)
{
	dma_unmap_sgtable(dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

/**
 * mbuff_dma_map_run() - map a physically contiguous area for a device
 * @area: the area, at area->phys, which need not have struct pages
 * @dev: the device
 * @dir: the direction of its DMA
 *
 * The dma_map operation of the contiguous backend: memory reserved at
 * boot, mapped whole through dma_map_resource() and shown in segments
 * the device takes.  The CPU side is kept coherent by the dma-buf's CPU
 * access brackets.
 *
 * Return: the mapped table, or an ERR_PTR.
 */
struct sg_table *mbuff_dma_map_run(struct mbuff_area *area,
				   struct device *dev,
				   enum dma_data_direction dir)
{
	unsigned int seg = mbuff_dma_max_seg(dev);
	struct scatterlist *sg;
	struct sg_table *sgt;
	dma_addr_t addr;
	size_t off;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	/*
	 * Not DIV_ROUND_UP(): size + seg - 1 wraps where size_t is 32 bits
	 * and seg near 4 GiB (no limit on the device).
	 */
	ret = sg_alloc_table(sgt, (area->size - 1) / seg + 1, GFP_KERNEL);
	if (ret)
		goto err_free;
	addr = dma_map_resource(dev, area->phys, area->size, dir,
				DMA_ATTR_SKIP_CPU_SYNC);
	ret = dma_mapping_error(dev, addr);
	if (ret)
		goto err_table;
	off = 0;
	for (sg = sgt->sgl; sg; sg = sg_next(sg)) {
		sg_dma_address(sg) = addr + off;
		sg_dma_len(sg) = min_t(size_t, seg, area->size - off);
		off += sg_dma_len(sg);
	}
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

/**
 * mbuff_dma_unmap_run() - undo mbuff_dma_map_run()
 * @area: the area
 * @dev: the device
 * @sgt: the table mbuff_dma_map_run() returned, freed here
 * @dir: the direction it was mapped with
 */
void mbuff_dma_unmap_run(struct mbuff_area *area, struct device *dev,
			 struct sg_table *sgt, enum dma_data_direction dir)
{
	/* One mapping of the whole run, however many segments show it. */
	dma_unmap_resource(dev, sg_dma_address(sgt->sgl), area->size, dir,
			   DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

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
