// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbuff: named shared-memory areas between kernel code and user processes.
 * Module entry points and parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "internal.h"

static char *mbuff_param_pools;
module_param_named(pools, mbuff_param_pools, charp, 0444);
MODULE_PARM_DESC(pools,
		 "Boot-reserved physical ranges to claim, SIZE@PHYS[,SIZE@PHYS...], e.g. 64M@256M (default: none)");

static int __init mbuff_init(void)
{
	return mbuff_pools_init(mbuff_param_pools);
}

static void __exit mbuff_exit(void)
{
	mbuff_pools_exit();
}

module_init(mbuff_init);
module_exit(mbuff_exit);

MODULE_DESCRIPTION("Named shared memory between kernel and user space");
MODULE_LICENSE("GPL");
