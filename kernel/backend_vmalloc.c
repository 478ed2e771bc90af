// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmalloc backend: virtually contiguous, zeroed, write-back kernel
 * memory of any size, created on demand.  Its pages are charged to the
 * creator's memory cgroup (__GFP_ACCOUNT: vmalloc_user() charges nobody,
 * and a group's limit would not see the areas its tasks create) and
 * mapped into the kernel with vmap() (so a 32-bit kernel takes them from
 * high memory first, as vmalloc() does).  User mappings take the pages on
 * first touch (mmap costs the same at any size; a caller that wants them
 * all at once passes MAP_POPULATE), a fault mapping the faulting page and
 * the ones after it up to an aligned run of MBUFF_FAULT_AROUND, as
 * ordinary pages that get_user_pages() and MADV_DONTNEED handle like any
 * other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* Bytes of the vmalloc areas: the max_vmalloc_mb parameter bounds it. */
static atomic_long_t mbuff_vmalloc_bytes = ATOMIC_LONG_INIT(0);

/*
 * Take @size bytes of the max_vmalloc_mb budget, or refuse: concurrent
 * creators each see what the others took.
 */
static bool mbuff_vmalloc_reserve(size_t size)
{
	unsigned long used;

	used = atomic_long_add_return(size, &mbuff_vmalloc_bytes);
	if (!mbuff_max_vmalloc ||
	    (size <= mbuff_max_vmalloc && used <= mbuff_max_vmalloc))
		return true;
	atomic_long_sub(size, &mbuff_vmalloc_bytes);
	return false;
}

static void mbuff_vmalloc_unreserve(size_t size)
{
	atomic_long_sub(size, &mbuff_vmalloc_bytes);
}

static void mbuff_vmalloc_free_pages(struct page **pages, unsigned long n)
{
	while (n--)
		__free_page(pages[n]);
	kvfree(pages);
}

static int mbuff_vmalloc_alloc(struct mbuff_area *area)
{
	unsigned long i, n = area->size >> PAGE_SHIFT;
	struct page **pages;
	u64 t0;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		/* Reached through vmap() only: high memory serves too. */
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_HIGHMEM |
				      __GFP_ZERO | __GFP_NOWARN);
		if (!pages[i])
			goto err_pages;
		cond_resched();
	}
	mbuff_stat_zeroed(area->size, ktime_get_ns() - t0);
	area->vaddr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!area->vaddr)
		goto err_pages;
	area->pages = pages;
	area->phys = 0;
	return 0;

err_pages:
	mbuff_vmalloc_free_pages(pages, i);
	return -ENOMEM;
}

/* Within max_vmalloc_mb, charge the creator, then take the pages. */
static int mbuff_vmalloc_create(struct mbuff_area *area,
				const struct mbuff_open_args *args)
{
	int ret;

	if (!mbuff_vmalloc_reserve(area->size)) {
		pr_info_ratelimited("cannot create '%s': max_vmalloc_mb reached\n",
				    args->name);
		return -ENOMEM;
	}
	ret = mbuff_quota_charge(area, args->kernel);
	if (!ret) {
		ret = mbuff_vmalloc_alloc(area);
		if (ret)
			mbuff_quota_uncharge(area);
	}
	if (ret)
		mbuff_vmalloc_unreserve(area->size);
	return ret;
}

static void mbuff_vmalloc_destroy(struct mbuff_area *area)
{
	vunmap(area->vaddr);
	mbuff_vmalloc_free_pages(area->pages, area->size >> PAGE_SHIFT);
	area->vaddr = NULL;
	area->pages = NULL;
	mbuff_vmalloc_unreserve(area->size);
}

static vm_fault_t mbuff_vmalloc_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mbuff_area *area = vma->vm_private_data;
	unsigned long npages = area->size >> PAGE_SHIFT;
	unsigned long addr = vmf->address & PAGE_MASK, end, want, left;
	int ret;

	if (vmf->pgoff >= npages)
		return VM_FAULT_SIGBUS;
	end = min(ALIGN(addr + 1, MBUFF_FAULT_AROUND * PAGE_SIZE),
		  vma->vm_end);
	want = min((end - addr) >> PAGE_SHIFT, npages - vmf->pgoff);
	left = want;
	/* Stops at the first page mapped already (-EBUSY). */
	ret = vm_insert_pages(vma, addr, &area->pages[vmf->pgoff], &left);
	if (!ret || left < want || ret == -EBUSY)
		return VM_FAULT_NOPAGE;
	return vmf_error(ret);
}

/* The area's pages as physical runs, neighbours merged. */
static int mbuff_vmalloc_sglist(const struct mbuff_area *area,
				struct mbuff_sg_entry *ents,
				unsigned int capacity)
{
	unsigned long off;
	unsigned int n = 0;
	u64 phys, end = 0;

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

static const struct vm_operations_struct mbuff_vmalloc_vm_ops = {
	.open = mbuff_area_vm_open,
	.close = mbuff_area_vm_close,
	.fault = mbuff_vmalloc_fault,
};

const struct mbuff_backend_ops mbuff_vmalloc_ops = {
	.cached_only = true,
	.create = mbuff_vmalloc_create,
	.destroy = mbuff_vmalloc_destroy,
	.vm_ops = &mbuff_vmalloc_vm_ops,
	.vm_flags = MBUFF_VMALLOC_VM_FLAGS,
	.sglist = mbuff_vmalloc_sglist,
	.sync = mbuff_sync_cache,
	.dma_map = mbuff_dma_map_pages,
	.dma_unmap = mbuff_dma_unmap_pages,
};
