// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbuff: named shared-memory areas between kernel code and user processes.
 * Module entry points and parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <linux/build_bug.h>
#include <mbuff/mbuff_ring.h>

#include "compat.h"
#include "internal.h"

static char *mbuff_param_pools;
module_param_named(pools, mbuff_param_pools, charp, 0444);
MODULE_PARM_DESC(pools,
		 "Boot-reserved physical ranges to claim, SIZE@PHYS[,SIZE@PHYS...], e.g. 64M@256M (default: none)");

/* What the classic calls and the 0.7.2 ioctls may make areas of. */
#define MBUFF_LEGACY_BACKENDS	(BIT(MBUFF_BACKEND_VMALLOC) | \
				 BIT(MBUFF_BACKEND_CONTIG) | \
				 BIT(MBUFF_BACKEND_ANY))

unsigned int mbuff_legacy_backend = MBUFF_BACKEND_VMALLOC;

static int mbuff_legacy_backend_set(const char *val,
				    const struct kernel_param *kp)
{
	int backend = mbuff_backend_from_name(val, MBUFF_LEGACY_BACKENDS);

	if (backend < 0) {
		pr_err("legacy_backend=%s: use vmalloc, contiguous or any\n",
		       val);
		return backend;
	}
	*(unsigned int *)kp->arg = backend;
	return 0;
}

/* The canonical name, whichever alias was given. */
static int mbuff_legacy_backend_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 mbuff_backend_name(*(unsigned int *)kp->arg));
}

static const struct kernel_param_ops mbuff_legacy_backend_ops = {
	.set = mbuff_legacy_backend_set,
	.get = mbuff_legacy_backend_get,
};

module_param_cb(legacy_backend, &mbuff_legacy_backend_ops,
		&mbuff_legacy_backend, 0444);
MODULE_PARM_DESC(legacy_backend,
		 "Backend of areas created by the classic calls and the 0.7.2 ioctls: vmalloc, contiguous (alias contig) or any (default: vmalloc)");

unsigned int mbuff_max_areas = 65536;
module_param_named(max_areas, mbuff_max_areas, uint, 0444);
MODULE_PARM_DESC(max_areas, "Most areas that may exist at once (default: 65536)");

bool mbuff_huge_map = true;
module_param_named(huge_map, mbuff_huge_map, bool, 0644);
MODULE_PARM_DESC(huge_map,
		 "Map aligned 2 MiB runs of contiguous areas with one page-table entry, where the kernel can (default: Y)");

/* UINT_MAX: not given; set from the machine's RAM at load. */
static unsigned int mbuff_param_max_vmalloc_mb = UINT_MAX;
module_param_named(max_vmalloc_mb, mbuff_param_max_vmalloc_mb, uint, 0444);
MODULE_PARM_DESC(max_vmalloc_mb,
		 "Most MiB all vmalloc areas together may use, 0 for no limit (default: a quarter of RAM)");

unsigned short mbuff_default_mode = 0600;
module_param_named(default_mode, mbuff_default_mode, ushort, 0644);
MODULE_PARM_DESC(default_mode,
		 "Permission bits of an area created without a mode (default: 0600, private to its creator)");

unsigned int mbuff_user_max_areas = 64;
module_param_named(user_max_areas, mbuff_user_max_areas, uint, 0644);
MODULE_PARM_DESC(user_max_areas,
		 "Most areas one user (without CAP_SYS_RESOURCE) may have created and still alive, 0 for no limit (default: 64)");

unsigned int mbuff_user_max_vmalloc_mb = UINT_MAX;
module_param_named(user_max_vmalloc_mb, mbuff_user_max_vmalloc_mb, uint, 0644);
MODULE_PARM_DESC(user_max_vmalloc_mb,
		 "Most MiB of vmalloc areas one user may have created, 0 for no limit (default: a sixteenth of RAM)");

unsigned int mbuff_user_max_pool_mb = UINT_MAX;
module_param_named(user_max_pool_mb, mbuff_user_max_pool_mb, uint, 0644);
MODULE_PARM_DESC(user_max_pool_mb,
		 "Most MiB of pool memory one user may have created, 0 for no limit, 4294967295 for a quarter of the pools (default: 4294967295)");

unsigned int mbuff_user_max_cma_mb = 16;
module_param_named(user_max_cma_mb, mbuff_user_max_cma_mb, uint, 0644);
MODULE_PARM_DESC(user_max_cma_mb,
		 "Most MiB of CMA areas one user may have created, 0 for no limit (default: 16)");

unsigned long mbuff_max_vmalloc;
struct workqueue_struct *mbuff_wq;

static void mbuff_parse_params(void)
{
	unsigned long ram_mb;

	ram_mb = totalram_pages() >> (20 - PAGE_SHIFT);
	if (mbuff_param_max_vmalloc_mb == UINT_MAX)
		mbuff_param_max_vmalloc_mb = max(ram_mb / 4, 1UL);
	if (mbuff_user_max_vmalloc_mb == UINT_MAX)
		mbuff_user_max_vmalloc_mb = max(ram_mb / 16, 1UL);
	mbuff_max_vmalloc = (unsigned long)mbuff_param_max_vmalloc_mb * SZ_1M;
}

/* The ABI's layouts, the same for 32- and 64-bit programs. */
static void __init mbuff_check_abi(void)
{
	BUILD_BUG_ON(sizeof(struct mbuff_open) != 104);
	BUILD_BUG_ON(sizeof(struct mbuff_name) != 64);
	BUILD_BUG_ON(sizeof(struct mbuff_info) != 152);
	BUILD_BUG_ON(sizeof(struct mbuff_list) != 40);
	BUILD_BUG_ON(sizeof(struct mbuff_sglist) != 80);
	BUILD_BUG_ON(sizeof(struct mbuff_sync) != 88);
	BUILD_BUG_ON(sizeof(struct mbuff_perm) != 80);
	BUILD_BUG_ON(sizeof(struct mbuff_event) != 32);
	BUILD_BUG_ON(sizeof(struct mbuff_export) != 72);
	BUILD_BUG_ON(sizeof(struct mbuff_import) != 80);
	BUILD_BUG_ON(sizeof(struct mbuff_ring_ctl) != 3 * MBUFF_RING_LINE);
	BUILD_BUG_ON(offsetof(struct mbuff_ring_ctl, prod) != MBUFF_RING_LINE);
	BUILD_BUG_ON(offsetof(struct mbuff_ring_ctl, cons) != 2 * MBUFF_RING_LINE);
	BUILD_BUG_ON(sizeof(struct mbuff_ring_rec) != MBUFF_RING_ALIGN);
}

static int __init mbuff_init(void)
{
	int ret;

	mbuff_check_abi();

	mbuff_parse_params();
	mbuff_events_init();
	mbuff_wq = alloc_workqueue("mbuff", MBUFF_WQ_PERCPU, 0);
	if (!mbuff_wq)
		return -ENOMEM;
	ret = mbuff_ctl_init();
	if (ret)
		goto err_wq;
	ret = mbuff_sysfs_init(mbuff_ctl_device());
	if (ret)
		goto err_ctl;
	ret = mbuff_pools_init(mbuff_param_pools);
	if (ret)
		goto err_sysfs;
	ret = mbuff_cma_init();
	if (ret)
		goto err_pools;
	ret = mbuff_of_init();
	if (ret)
		goto err_cma;
	mbuff_debugfs_init();
	return 0;

err_cma:
	mbuff_cma_exit();
err_pools:
	mbuff_pools_exit();
err_sysfs:
	mbuff_sysfs_exit();
err_ctl:
	mbuff_ctl_exit();
err_wq:
	destroy_workqueue(mbuff_wq);
	return ret;
}

static void __exit mbuff_exit(void)
{
	/*
	 * Every area holds a module reference: none is left but those
	 * whose teardown is still running; wait for them.  Areas the device
	 * tree created hold one too: unbind the device before unloading.
	 */
	mbuff_of_exit();
	mbuff_debugfs_exit();
	destroy_workqueue(mbuff_wq);
	mbuff_cma_exit();
	mbuff_pools_exit();
	mbuff_sysfs_exit();
	mbuff_ctl_exit();
}

module_init(mbuff_init);
module_exit(mbuff_exit);

MODULE_DESCRIPTION("Named shared memory between kernel and user space");
MODULE_LICENSE("GPL");
MODULE_VERSION(MBUFF_VERSION);
