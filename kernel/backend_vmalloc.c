// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmalloc backend: virtually contiguous, zeroed, write-back kernel
 * memory of any size, created on demand.  Its pages are charged to the
 * creator's memory cgroup (__GFP_ACCOUNT: vmalloc_user() charges nobody,
 * and a group's limit would not see the areas its tasks create) and
 * mapped into the kernel with vmap(), marked VM_USERMAP so that user
 * mappings take them with remap_vmalloc_range(), populated whole at mmap
 * time, so no page faults follow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

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

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO |
				      __GFP_NOWARN);
		if (!pages[i])
			goto err_pages;
		cond_resched();
	}
	area->vaddr = vmap(pages, n, VM_MAP | VM_USERMAP, PAGE_KERNEL);
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

int mbuff_vmalloc_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		       unsigned long pgoff)
{
	return remap_vmalloc_range(vma, area->vaddr, pgoff);
}
