/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between kernel versions, and between the build machine and
 * the kernel built for, as named shims.  Nothing else in the module tests
 * LINUX_VERSION_CODE or a kernel interface Kbuild probed.  What memory
 * types and cache maintenance each architecture has is in memtype.h.
 */
#ifndef _MBUFF_COMPAT_H
#define _MBUFF_COMPAT_H

#include <linux/export.h>
#include <linux/mm.h>
#ifdef MBUFF_HAVE_PFN_T
#include <linux/pfn_t.h>
#endif

/*
 * A device table for module autoloading, left out where the build
 * machine's modpost cannot read it (Kbuild: a 32-bit kernel built on a
 * 64-bit machine with Debian's kbuild).
 */
#ifdef MBUFF_NO_DEVICE_TABLE
#define MBUFF_MODULE_DEVICE_TABLE(type, name)
#else
#define MBUFF_MODULE_DEVICE_TABLE(type, name) MODULE_DEVICE_TABLE(type, name)
#endif

/*
 * VMA flags are changed through helpers since 6.3; Kbuild defines
 * MBUFF_HAVE_VM_FLAGS_CLEAR when the kernel's <linux/mm.h> has them.
 */
static inline void mbuff_vma_clear_flags(struct vm_area_struct *vma,
					 unsigned long flags)
{
#ifdef MBUFF_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

static inline void mbuff_vma_set_flags(struct vm_area_struct *vma,
				       unsigned long flags)
{
#ifdef MBUFF_HAVE_VM_FLAGS_CLEAR
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * A 2 MiB mapping of pfns no struct page stands for.  6.12 takes the pfn
 * as a pfn_t carrying PFN_DEV; newer kernels (7.2) have no pfn_t and take
 * the plain pfn.  Kbuild defines MBUFF_HAVE_PFN_T when the kernel
 * has <linux/pfn_t.h>.
 */
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
static inline vm_fault_t mbuff_vmf_insert_pfn_pmd(struct vm_fault *vmf,
						  unsigned long pfn, bool write)
{
#ifdef MBUFF_HAVE_PFN_T
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write);
#else
	return vmf_insert_pfn_pmd(vmf, pfn, write);
#endif
}
#endif

/*
 * UIO asks a driver to map a region through uio_info.mmap with the VMA
 * (6.1, 6.12), through uio_info.mmap_prepare with a VMA descriptor (the
 * mapping before it exists) in newer kernels (7.2); mbuff_uio_mmap()
 * takes the one the kernel has.  Kbuild defines
 * MBUFF_HAVE_UIO_MMAP_PREPARE when <linux/uio_driver.h> has it.
 */
#ifdef MBUFF_HAVE_UIO_MMAP_PREPARE
#define mbuff_uio_set_mmap(info, fn) ((info)->mmap_prepare = (fn))
#else
#define mbuff_uio_set_mmap(info, fn) ((info)->mmap = (fn))
#endif

/*
 * A workqueue is per-CPU or unbound; newer kernels (7.2) warn unless
 * alloc_workqueue() is told which (WQ_PERCPU or WQ_UNBOUND).  Kbuild
 * defines MBUFF_HAVE_WQ_PERCPU when <linux/workqueue.h> has WQ_PERCPU;
 * without it per-CPU is what no flag means.
 */
#ifdef MBUFF_HAVE_WQ_PERCPU
#define MBUFF_WQ_PERCPU WQ_PERCPU
#else
#define MBUFF_WQ_PERCPU 0
#endif

/*
 * Symbol namespaces are named by a string literal since 6.13, by a bare
 * word before, in MODULE_IMPORT_NS() and EXPORT_SYMBOL_NS_GPL() alike:
 * MBUFF_IMPORT_NS(DMA_BUF) is MODULE_IMPORT_NS("DMA_BUF") or
 * MODULE_IMPORT_NS(DMA_BUF), and EXPORT_SYMBOL_NS_GPL(sym, MBUFF_NS) puts
 * sym in the module's own namespace, MBUFF (which its users import with
 * MBUFF_MODULE_IMPORT_NS(), <linux/mbuff.h>).  Kbuild defines
 * MBUFF_HAVE_NS_LITERAL when <linux/module.h> passes the namespace on as
 * it is.
 */
#ifdef MBUFF_HAVE_NS_LITERAL
#define MBUFF_IMPORT_NS(ns) MODULE_IMPORT_NS(#ns)
#define MBUFF_NS "MBUFF"
#else
#define MBUFF_IMPORT_NS(ns) MODULE_IMPORT_NS(ns)
#define MBUFF_NS MBUFF
#endif

/*
 * The driver core passes uevent callbacks a const device since 6.3:
 * static int f(MBUFF_UEVENT_CONST struct device *dev, ...).  Kbuild
 * defines MBUFF_HAVE_CONST_UEVENT when <linux/device/class.h> says so.
 */
#ifdef MBUFF_HAVE_CONST_UEVENT
#define MBUFF_UEVENT_CONST const
#else
#define MBUFF_UEVENT_CONST
#endif

#endif /* _MBUFF_COMPAT_H */
