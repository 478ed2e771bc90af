// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/mbuff/: figures for measuring the module, not an ABI.
 *   zero_ns      nanoseconds spent zeroing the memory of new areas (the
 *                memset of a contiguous area; the zeroed page allocations
 *                of a vmalloc one), since load
 *   zero_bytes   bytes so zeroed
 * `make bench` reads them around a creation to show its zeroing apart.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>

#include "internal.h"

static atomic64_t mbuff_zero_ns = ATOMIC64_INIT(0);
static atomic64_t mbuff_zero_bytes = ATOMIC64_INIT(0);
static struct dentry *mbuff_debugfs_dir;

void mbuff_stat_zeroed(size_t bytes, u64 ns)
{
	atomic64_add(ns, &mbuff_zero_ns);
	atomic64_add(bytes, &mbuff_zero_bytes);
}

static int mbuff_atomic64_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mbuff_atomic64_fops, mbuff_atomic64_get, NULL,
			 "%llu\n");

void mbuff_debugfs_init(void)
{
	mbuff_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file_unsafe("zero_ns", 0400, mbuff_debugfs_dir,
				   &mbuff_zero_ns, &mbuff_atomic64_fops);
	debugfs_create_file_unsafe("zero_bytes", 0400, mbuff_debugfs_dir,
				   &mbuff_zero_bytes, &mbuff_atomic64_fops);
}

void mbuff_debugfs_exit(void)
{
	debugfs_remove_recursive(mbuff_debugfs_dir);
}
