// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocates a buffer holding its own name when loaded and forgets it when
 * unloaded: the runner's self-test proves that on the debug kernel the
 * kmemleak scan at the end of a guest run, after the modules are unloaded,
 * fails the run (kmemleak's report shows the name in its hex dump).
 * Loaded by that self-test only.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define MBUFF_TEST_LEAK_SIZE 192

/* The only reference, gone with the module's memory at unload. */
static char *mbuff_test_leak_buf;

static int __init mbuff_test_leak_init(void)
{
	mbuff_test_leak_buf = kzalloc(MBUFF_TEST_LEAK_SIZE, GFP_KERNEL);
	if (!mbuff_test_leak_buf)
		return -ENOMEM;
	strscpy(mbuff_test_leak_buf, KBUILD_MODNAME, MBUFF_TEST_LEAK_SIZE);
	return 0;
}

static void __exit mbuff_test_leak_exit(void)
{
	/* The bug itself: no kfree(mbuff_test_leak_buf). */
}

module_init(mbuff_test_leak_init);
module_exit(mbuff_test_leak_exit);

MODULE_DESCRIPTION("mbuff test: leak an allocation at unload (kmemleak)");
MODULE_LICENSE("GPL");
