// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMA backend: physically contiguous areas allocated when they are
 * created, from the kernel's contiguous memory allocator, and given back
 * to it (which lends the memory to movable pages meanwhile) when they go.
 * Built where the DMA API allocates from CMA (CONFIG_DMA_CMA).
 *
 * The CMA allocator itself is not exported to modules; the DMA API is,
 * and it allocates from the CMA area of the device it is given:
 *  - source 0 is the kernel's default CMA area (cma=, CONFIG_CMA_SIZE_*,
 *    or a linux,cma-default region), through /dev/mbuff's device, which
 *    has none of its own.  For areas below the page allocator's largest
 *    order, the DMA API falls back to the page allocator when CMA is full;
 *    such an area is contiguous all the same.
 *  - each reusable shared-dma-pool region that the device tree's mbuff
 *    node names is one more source, with a device of its own that the
 *    region is assigned to.  Memory outside the region (that fallback
 *    again) is given back, and the next source tried.
 * The regions are tried in the order the node names them, then the
 * default area.  Sources stay until the module goes.
 *
 * The pages keep their linear (cached) kernel mapping.  A write-combined
 * or uncached area gets a second kernel mapping of that type, after the
 * cached alias is cleaned and invalidated, as the DMA API does for its
 * own non-coherent allocations; x86 would need the linear mapping's type
 * changed as well, so there only cached areas are made.  User mappings
 * are those of the contiguous backend: pfns in the area's memory type,
 * never pinned for long by get_user_pages() (which would try to migrate
 * them out of CMA, and cannot).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/of_reserved_mem.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"
#include "memtype.h"

#define MBUFF_MAX_CMAS	8

/**
 * struct mbuff_cma - a place CMA areas come from
 * @dev: the device the DMA API allocates for; the default area's is
 *	/dev/mbuff's, a region's is @own
 * @own: a region's device, which the region is assigned to
 * @name: "default", or the reserved-memory node's name
 * @base: a region's first physical address (0 for the default area)
 * @size: a region's bytes (0 for the default area: not known here)
 */
struct mbuff_cma {
	struct device *dev;
	struct device own;
	const char *name;
	phys_addr_t base;
	size_t size;
};

/*
 * Sources are added under mbuff_cma_lock (at load, and when the device
 * tree's node binds) and all go at unload; a source is complete before
 * mbuff_nr_cmas counts it (release and acquire, as for the pools).
 */
static DEFINE_MUTEX(mbuff_cma_lock);
static struct mbuff_cma *mbuff_cmas[MBUFF_MAX_CMAS];
static unsigned int mbuff_nr_cmas;

const char *mbuff_cma_name(const struct mbuff_area *area)
{
	return area->cma ? area->cma->name : "";
}

/* Largest alignment CMA gives an area of @size (cma_alloc_aligned()). */
static size_t mbuff_cma_max_align(size_t size)
{
	return PAGE_SIZE << min_t(unsigned int, get_order(size),
				  CONFIG_CMA_ALIGNMENT);
}

/* Allocate from one source; NULL unless inside a region that was asked. */
static struct page *mbuff_cma_take(struct mbuff_cma *cma, size_t size,
				   dma_addr_t *dma)
{
	struct page *page;
	phys_addr_t phys;

	page = dma_alloc_pages(cma->dev, size, dma, DMA_BIDIRECTIONAL,
			       GFP_KERNEL | __GFP_NOWARN);
	if (!page)
		return NULL;
	/* Never an error with a page; DMA-API debugging wants it asked. */
	if (dma_mapping_error(cma->dev, *dma)) {
		dma_free_pages(cma->dev, size, page, *dma, DMA_BIDIRECTIONAL);
		return NULL;
	}
	if (!cma->size)
		return page;
	phys = page_to_phys(page);
	if (phys >= cma->base && size <= cma->size &&
	    phys - cma->base <= cma->size - size)
		return page;
	dma_free_pages(cma->dev, size, page, *dma, DMA_BIDIRECTIONAL);
	return NULL;
}

/* The kernel mapping of an area in its memory type. */
static void *mbuff_cma_map(struct mbuff_area *area)
{
	void *linear = page_address(area->pages[0]);

	if (area->memtype == MBUFF_MEM_CACHED)
		return linear;
	/* No line of the cached alias may be written back over the area. */
	mbuff_cache_clean(linear, area->size);
	mbuff_cache_invalidate(linear, area->size);
	return vmap(area->pages, area->size >> PAGE_SHIFT, VM_MAP,
		    mbuff_pgprot(area->memtype, PAGE_KERNEL));
}

static void mbuff_cma_destroy(struct mbuff_area *area)
{
	if (area->vaddr && area->memtype != MBUFF_MEM_CACHED)
		vunmap(area->vaddr);
	dma_free_pages(area->cma->dev, area->size, area->pages[0],
		       area->cma_dma, DMA_BIDIRECTIONAL);
	kvfree(area->pages);
	area->pages = NULL;
	area->vaddr = NULL;
	area->cma = NULL;
}

static int mbuff_cma_alloc(struct mbuff_area *area, size_t align)
{
	unsigned long i, n = area->size >> PAGE_SHIFT;
	/* Pairs with the release in mbuff_cma_add(). */
	unsigned int nr = smp_load_acquire(&mbuff_nr_cmas);
	struct page *page = NULL;
	struct page **pages;
	dma_addr_t dma;
	u64 t0;

	if (IS_ENABLED(CONFIG_X86) && area->memtype != MBUFF_MEM_CACHED)
		return -EOPNOTSUPP;
	if (align && (!is_power_of_2(align) ||
		      align > mbuff_cma_max_align(area->size)))
		return -EINVAL;
	/* Bigger than the RAM is never there (and no page array for it). */
	if (n > totalram_pages())
		return -ENOMEM;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	t0 = ktime_get_ns();
	/* The regions first (sources 1...), the default area last. */
	for (i = 1; i <= nr && !page; i++) {
		area->cma = mbuff_cmas[i % nr];
		page = mbuff_cma_take(area->cma, area->size, &dma);
	}
	if (!page) {
		pr_info_ratelimited("cannot create CMA area '%s': no CMA area has %zu free contiguous bytes\n",
				    area->name, area->size);
		area->cma = NULL;
		kvfree(pages);
		return -ENOMEM;
	}
	/* The DMA API zeroed the pages. */
	mbuff_stat_zeroed(area->size, ktime_get_ns() - t0);
	for (i = 0; i < n; i++)
		pages[i] = pfn_to_page(page_to_pfn(page) + i);
	area->pages = pages;
	area->phys = page_to_phys(page);
	area->cma_dma = dma;
	area->vaddr = mbuff_cma_map(area);
	if (!area->vaddr) {
		mbuff_cma_destroy(area);
		return -ENOMEM;
	}
	return 0;
}

/* Charge the creator, then allocate. */
static int mbuff_cma_create(struct mbuff_area *area,
			    const struct mbuff_open_args *args)
{
	int ret;

	ret = mbuff_quota_charge(area, args->kernel);
	if (ret)
		return ret;
	ret = mbuff_cma_alloc(area, args->align);
	if (ret)
		mbuff_quota_uncharge(area);
	return ret;
}

/* Mapped to user space as contiguous areas are (backend_reserved.c). */
const struct mbuff_backend_ops mbuff_cma_ops = {
	.contiguous = true,
	.create = mbuff_cma_create,
	.destroy = mbuff_cma_destroy,
	.vm_ops = &mbuff_reserved_vm_ops,
	.vm_flags = MBUFF_RESERVED_VM_FLAGS,
	.sglist = mbuff_sglist_run,
	.sync = mbuff_sync_cache,
	.dma_map = mbuff_dma_map_pages,
	.dma_unmap = mbuff_dma_unmap_pages,
};

static int mbuff_cma_add(struct mbuff_cma *cma)
{
	if (mbuff_nr_cmas == MBUFF_MAX_CMAS) {
		pr_err("more than %d CMA areas\n", MBUFF_MAX_CMAS - 1);
		return -E2BIG;
	}
	mbuff_cmas[mbuff_nr_cmas] = cma;
	/* Publishes the source; pairs with mbuff_cma_create(). */
	smp_store_release(&mbuff_nr_cmas, mbuff_nr_cmas + 1);
	return 0;
}

static void mbuff_cma_release_dev(struct device *dev)
{
	kfree(container_of(dev, struct mbuff_cma, own));
}

/**
 * mbuff_cma_add_region() - take CMA areas from a reserved-memory region too
 * @parent: the device-tree node's device
 * @np: that node, whose memory-region names the region
 * @idx: the region's index in memory-region
 * @name: the region's name
 * @base: its first physical address
 * @size: its bytes
 *
 * A region that is a source already (the node binds again) is fine.
 *
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int mbuff_cma_add_region(struct device *parent, struct device_node *np,
			 int idx, const char *name, phys_addr_t base,
			 size_t size)
{
	struct mbuff_cma *cma;
	unsigned int i;
	int ret;

	mutex_lock(&mbuff_cma_lock);
	for (i = 0; i < mbuff_nr_cmas; i++) {
		if (mbuff_cmas[i]->size && mbuff_cmas[i]->base == base) {
			mutex_unlock(&mbuff_cma_lock);
			return 0;
		}
	}
	ret = -ENOMEM;
	cma = kzalloc(sizeof(*cma), GFP_KERNEL);
	if (!cma)
		goto out;
	device_initialize(&cma->own);
	cma->own.release = mbuff_cma_release_dev;
	cma->own.parent = parent;
	cma->own.coherent_dma_mask = DMA_BIT_MASK(64);
	cma->own.dma_mask = &cma->own.coherent_dma_mask;
	ret = dev_set_name(&cma->own, "mbuff-cma%u", mbuff_nr_cmas);
	if (!ret)
		ret = of_reserved_mem_device_init_by_idx(&cma->own, np, idx);
	if (ret) {
		dev_err(parent, "reserved-memory %s: the kernel did not set it up as a CMA area at boot (%d)\n",
			name, ret);
		put_device(&cma->own);
		goto out;
	}
	cma->dev = &cma->own;
	cma->name = name;
	cma->base = base;
	cma->size = size;
	ret = mbuff_cma_add(cma);
	if (ret) {
		of_reserved_mem_device_release(&cma->own);
		put_device(&cma->own);
		goto out;
	}
	dev_info(parent, "CMA areas from reserved-memory %s (%zu KiB at %pa)\n",
		 name, size / SZ_1K, &base);
out:
	mutex_unlock(&mbuff_cma_lock);
	return ret;
}

static struct mbuff_cma mbuff_cma_default = { .name = "default" };

int mbuff_cma_init(void)
{
	int ret;

	mutex_lock(&mbuff_cma_lock);
	mbuff_cma_default.dev = mbuff_ctl_device();
	ret = mbuff_cma_add(&mbuff_cma_default);
	mutex_unlock(&mbuff_cma_lock);
	return ret;
}

void mbuff_cma_exit(void)
{
	/* Every area is gone: the module is pinned while one exists. */
	while (mbuff_nr_cmas) {
		struct mbuff_cma *cma = mbuff_cmas[--mbuff_nr_cmas];

		if (cma->dev == &cma->own) {
			of_reserved_mem_device_release(&cma->own);
			put_device(&cma->own);
		}
	}
}
