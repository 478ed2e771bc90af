// SPDX-License-Identifier: GPL-2.0-only
/*
 * The contiguous backend: areas carved at page granularity, with an
 * optional alignment, out of the boot-reserved pools.  Each area gets its
 * own kernel mapping in its memory type and is zeroed; user mappings use
 * the same type and are populated whole at mmap time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/genalloc.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "compat.h"
#include "internal.h"

bool mbuff_have_pools(void)
{
	return mbuff_nr_pools_claimed() > 0;
}

static phys_addr_t mbuff_pool_carve(struct mbuff_area *area, size_t align,
				    struct mbuff_pool **poolp)
{
	struct genpool_data_align data = { .align = max_t(size_t, align,
							  PAGE_SIZE) };
	unsigned int i;

	for (i = 0; i < mbuff_nr_pools_claimed(); i++) {
		struct mbuff_pool *pool = mbuff_pool_get(i);
		unsigned long addr;

		addr = gen_pool_alloc_algo(pool->gp, area->size,
					   gen_pool_first_fit_align, &data);
		if (addr) {
			*poolp = pool;
			return addr;
		}
	}
	return 0;
}

int mbuff_reserved_create(struct mbuff_area *area, size_t align)
{
	if (!mbuff_have_pools()) {
		pr_info_ratelimited("cannot create contiguous area '%s': no pool (see the pools= parameter)\n",
				    area->name);
		return -ENODEV;
	}
	if (align && !is_power_of_2(align))
		return -EINVAL;

	area->phys = mbuff_pool_carve(area, align, &area->pool);
	if (!area->phys) {
		pr_info_ratelimited("cannot create contiguous area '%s': no free %zu bytes in the pools\n",
				    area->name, area->size);
		return -ENOMEM;
	}
	area->vaddr = mbuff_memremap(area->phys, area->size, area->memtype);
	if (!area->vaddr) {
		pr_err("area '%s': cannot map %pa+%#zx %s\n", area->name,
		       &area->phys, area->size,
		       mbuff_memtype_name(area->memtype));
		gen_pool_free(area->pool->gp, area->phys, area->size);
		return -ENOMEM;
	}
	/* DRAM in every memory type we use, so plain memset is right. */
	memset(area->vaddr, 0, area->size);
	return 0;
}

void mbuff_reserved_destroy(struct mbuff_area *area)
{
	memunmap(area->vaddr);
	gen_pool_free(area->pool->gp, area->phys, area->size);
	area->vaddr = NULL;
}

int mbuff_reserved_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
			unsigned long pgoff)
{
	unsigned long pfn = (area->phys >> PAGE_SHIFT) + pgoff;

	vma->vm_page_prot = mbuff_pgprot(area->memtype, vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start, pfn,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}
