// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocates 3000 bytes when loaded and forgets them when unloaded: the
 * runner's self-test proves that on the debug kernel the kmemleak scan at
 * the end of a guest run, after the modules are unloaded, fails the run.
 * Loaded by that self-test only.
 */
#include <linux/module.h>
#include <linux/slab.h>

/* The only reference, gone with the module's memory at unload. */
static void *mbuff_test_leak_buf;

static int __init mbuff_test_leak_init(void)
{
	mbuff_test_leak_buf = kzalloc(3000, GFP_KERNEL);
	return mbuff_test_leak_buf ? 0 : -ENOMEM;
}

static void __exit mbuff_test_leak_exit(void)
{
	/* The bug itself: no kfree(mbuff_test_leak_buf). */
}

module_init(mbuff_test_leak_init);
module_exit(mbuff_test_leak_exit);

MODULE_DESCRIPTION("mbuff test: leak an allocation at unload (kmemleak)");
MODULE_LICENSE("GPL");
