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

#include "compat.h"
#include "internal.h"

static void mbuff_vmalloc_free_pages(struct page **pages, unsigned long n)
{
	while (n--)
		__free_page(pages[n]);
	kvfree(pages);
}

int mbuff_vmalloc_create(struct mbuff_area *area)
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

void mbuff_vmalloc_destroy(struct mbuff_area *area)
{
	vunmap(area->vaddr);
	mbuff_vmalloc_free_pages(area->pages, area->size >> PAGE_SHIFT);
	area->vaddr = NULL;
	area->pages = NULL;
}

vm_fault_t mbuff_vmalloc_fault(struct vm_fault *vmf)
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

int mbuff_vmalloc_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		       unsigned long pgoff)
{
	mbuff_vma_set_flags(vma, MBUFF_VMALLOC_VM_FLAGS);
	return 0;
}
