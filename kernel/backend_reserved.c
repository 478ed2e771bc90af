// SPDX-License-Identifier: GPL-2.0-only
/*
 * The contiguous backend: areas carved at page granularity, with an
 * optional alignment, out of the boot-reserved pools.  Each area gets its
 * own kernel mapping in its memory type and is zeroed.  User mappings use
 * the same type (x86 PAT gives every inserted pfn the type the kernel
 * mapping reserved) and are filled on first touch, so mapping costs the
 * same at any size: a fault maps an aligned run of MBUFF_FAULT_AROUND
 * pages, or one 2 MiB entry where the kernel can map pfns so and the
 * physical and virtual addresses are aligned alike.  Areas of 2 MiB and
 * more are placed 2 MiB-aligned in the pools when they fit so.  CMA
 * areas (backend_cma.c) are mapped to user space by the same functions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/genalloc.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "compat.h"
#include "internal.h"
#include "memtype.h"

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

	/* Large areas 2 MiB-aligned first, so that they can map huge. */
	if (area->size >= PMD_SIZE && data.align < PMD_SIZE) {
		phys_addr_t phys = mbuff_pool_carve(area, PMD_SIZE, poolp);

		if (phys)
			return phys;
	}
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

static int mbuff_reserved_alloc(struct mbuff_area *area, size_t align)
{
	u64 t0;

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
	t0 = ktime_get_ns();
	memset(area->vaddr, 0, area->size);
	mbuff_stat_zeroed(area->size, ktime_get_ns() - t0);
	return 0;
}

/* With a pool to carve from, charge the creator, then carve. */
static int mbuff_reserved_create(struct mbuff_area *area,
				 const struct mbuff_open_args *args)
{
	int ret;

	if (!mbuff_have_pools()) {
		pr_info_ratelimited("cannot create contiguous area '%s': no pool (see the pools= parameter)\n",
				    area->name);
		return -ENODEV;
	}
	ret = mbuff_quota_charge(area, args->kernel);
	if (ret)
		return ret;
	ret = mbuff_reserved_alloc(area, args->align);
	if (ret)
		mbuff_quota_uncharge(area);
	return ret;
}

static void mbuff_reserved_destroy(struct mbuff_area *area)
{
	memunmap(area->vaddr);
	gen_pool_free(area->pool->gp, area->phys, area->size);
	area->vaddr = NULL;
}

static vm_fault_t mbuff_reserved_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mbuff_area *area = vma->vm_private_data;
	unsigned long npages = area->size >> PAGE_SHIFT;
	unsigned long addr, start, end;
	vm_fault_t ret;

	if (vmf->pgoff >= npages)
		return VM_FAULT_SIGBUS;
	start = max(ALIGN_DOWN(vmf->address,
			       MBUFF_FAULT_AROUND * PAGE_SIZE), vma->vm_start);
	end = min(start + MBUFF_FAULT_AROUND * PAGE_SIZE, vma->vm_end);
	end = min(end, vmf->address + ((npages - vmf->pgoff) << PAGE_SHIFT));
	/* The faulting page first: its result is the fault's. */
	ret = vmf_insert_pfn(vma, vmf->address,
			     PHYS_PFN(area->phys) + vmf->pgoff);
	if (ret != VM_FAULT_NOPAGE)
		return ret;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned long pgoff = vmf->pgoff +
			((long)(addr - (vmf->address & PAGE_MASK)) >> PAGE_SHIFT);

		if (addr == (vmf->address & PAGE_MASK))
			continue;
		/* Best effort: a page mapped meanwhile is left alone. */
		if (vmf_insert_pfn(vma, addr, PHYS_PFN(area->phys) + pgoff) !=
		    VM_FAULT_NOPAGE)
			break;
	}
	return VM_FAULT_NOPAGE;
}

#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
static vm_fault_t mbuff_reserved_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mbuff_area *area = vma->vm_private_data;
	unsigned long addr = vmf->address & PMD_MASK;
	unsigned long pgoff, pfn;

	if (order != PMD_ORDER || !mbuff_huge_map)
		return VM_FAULT_FALLBACK;
	if (addr < vma->vm_start || addr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (PMD_SIZE >> PAGE_SHIFT) > area->size >> PAGE_SHIFT)
		return VM_FAULT_FALLBACK;
	pfn = PHYS_PFN(area->phys) + pgoff;
	if (!IS_ALIGNED(pfn, PMD_SIZE >> PAGE_SHIFT))
		return VM_FAULT_FALLBACK;
	return mbuff_vmf_insert_pfn_pmd(vmf, pfn,
					vmf->flags & FAULT_FLAG_WRITE);
}
#endif

/* The mappings of contiguous and CMA areas: pfns, in the area's type. */
const struct vm_operations_struct mbuff_reserved_vm_ops = {
	.open = mbuff_area_vm_open,
	.close = mbuff_area_vm_close,
	.fault = mbuff_reserved_fault,
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	.huge_fault = mbuff_reserved_huge_fault,
#endif
};

const struct mbuff_backend_ops mbuff_reserved_ops = {
	.contiguous = true,
	.create = mbuff_reserved_create,
	.destroy = mbuff_reserved_destroy,
	.vm_ops = &mbuff_reserved_vm_ops,
	.vm_flags = MBUFF_RESERVED_VM_FLAGS,
	.sglist = mbuff_sglist_run,
	.sync = mbuff_sync_cache,
	/* Memory reserved at boot need not have struct pages. */
	.dma_map = mbuff_dma_map_run,
	.dma_unmap = mbuff_dma_unmap_run,
};
