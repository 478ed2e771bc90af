// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reads memory it has just freed when loaded: the runner's self-test
 * proves that on the debug kernel a KASAN report fails a guest run even
 * when the command itself succeeds.  Loaded by that self-test only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init mbuff_test_kasan_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	/* Keep the compiler from seeing, and dropping, the bad read. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("read %d from a freed allocation\n", READ_ONCE(p[8]));
	return 0;
}

static void __exit mbuff_test_kasan_exit(void)
{
}

module_init(mbuff_test_kasan_init);
module_exit(mbuff_test_kasan_exit);

MODULE_DESCRIPTION("mbuff test: use memory after freeing it (KASAN)");
MODULE_LICENSE("GPL");
