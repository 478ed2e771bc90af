// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmalloc backend: virtually contiguous, zeroed, write-back kernel
 * memory of any size, created on demand.  User mappings are populated
 * whole at mmap time (remap_vmalloc_range), so no page faults follow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "internal.h"

int mbuff_vmalloc_create(struct mbuff_area *area)
{
	/* vmalloc_user() zeroes and marks the area VM_USERMAP. */
	area->vaddr = vmalloc_user(area->size);
	if (!area->vaddr)
		return -ENOMEM;
	area->phys = 0;
	return 0;
}

void mbuff_vmalloc_destroy(struct mbuff_area *area)
{
	vfree(area->vaddr);
	area->vaddr = NULL;
}

int mbuff_vmalloc_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		       unsigned long pgoff)
{
	return remap_vmalloc_range(vma, area->vaddr, pgoff);
}
