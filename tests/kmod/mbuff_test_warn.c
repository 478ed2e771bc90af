// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fires one WARN_ON when loaded: the runner's self-test proves that a kernel
 * warning fails a guest run even when the command itself succeeds.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init mbuff_test_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit mbuff_test_warn_exit(void)
{
}

module_init(mbuff_test_warn_init);
module_exit(mbuff_test_warn_exit);

MODULE_DESCRIPTION("mbuff test: trigger a kernel warning");
MODULE_LICENSE("GPL");
