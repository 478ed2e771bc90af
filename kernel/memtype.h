/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory types (MBUFF_MEM_*) and cache maintenance: the page protection
 * and the kernel mapping each type gets on this architecture, and the
 * cleaning and invalidation of the CPU caches for devices that do not
 * snoop them.  Nothing else in the module tests CONFIG_X86 or
 * CONFIG_ARM64 to choose a memory type.
 */
#ifndef _MBUFF_MEMTYPE_H
#define _MBUFF_MEMTYPE_H

#include <linux/io.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/mbuff.h>

/*
 * The user page protection for a memory type.  "Uncached" is UC- on x86
 * (what pgprot_noncached gives and ioremap uses, so PAT sees one type).
 * Elsewhere it is Normal non-cacheable, the same as write-combined: on
 * arm64 pgprot_noncached is Device memory, which must never map DRAM
 * (unaligned accesses and DC ZVA in memset fault there).
 */
static inline pgprot_t mbuff_pgprot(unsigned int memtype, pgprot_t prot)
{
	switch (memtype) {
	case MBUFF_MEM_WC:
		return pgprot_writecombine(prot);
	case MBUFF_MEM_UNCACHED:
#ifdef CONFIG_X86
		return pgprot_noncached(prot);
#else
		return pgprot_writecombine(prot);
#endif
	default:
		return prot;
	}
}

/*
 * The kernel mapping of a physical range, with the same memory type as
 * mbuff_pgprot() gives user space.  The range is DRAM, not MMIO, so the
 * ioremap cookie is used as a plain pointer; memunmap() undoes both kinds.
 */
static inline void *mbuff_memremap(phys_addr_t phys, size_t size,
				   unsigned int memtype)
{
	switch (memtype) {
	case MBUFF_MEM_WC:
		return memremap(phys, size, MEMREMAP_WC);
	case MBUFF_MEM_UNCACHED:
#ifdef CONFIG_X86
		return (__force void *)ioremap(phys, size);
#else
		return memremap(phys, size, MEMREMAP_WC);
#endif
	default:
		return memremap(phys, size, MEMREMAP_WB);
	}
}

/*
 * Cache maintenance by kernel virtual address for DMA by devices that do
 * not snoop the caches.  x86 DMA is cache coherent: nothing to do.  arm64
 * exports no dma-mapping call for memory that has no struct device, but
 * its persistent-memory helpers clean (to the point of persistence) and
 * invalidate (to the point of coherency) a range of any cacheable
 * mapping, the module's memremap of a no-map region included.
 */
static inline void mbuff_cache_clean(void *va, size_t len)
{
#ifdef CONFIG_ARM64
	arch_wb_cache_pmem(va, len);
#endif
}

static inline void mbuff_cache_invalidate(void *va, size_t len)
{
#ifdef CONFIG_ARM64
	arch_invalidate_pmem(va, len);
#endif
}

#endif /* _MBUFF_MEMTYPE_H */
