/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the files of mbuff.ko.
 */
#ifndef _MBUFF_INTERNAL_H
#define _MBUFF_INTERNAL_H

#include <linux/types.h>

#define MBUFF_MAX_POOLS	8

/**
 * struct mbuff_pool - a boot-reserved physical range claimed by the module
 * @index: position in the pools= parameter, names the pool ("pool0")
 * @phys: first physical address
 * @size: length in bytes, a multiple of PAGE_SIZE
 * @virt: write-back kernel mapping of the whole range (memremap)
 * @res: our busy resource in /proc/iomem
 * @name: resource name, "mbuff pool<index>"
 *
 * Pools are set up at module load and stay, unchanged, until unload.
 */
struct mbuff_pool {
	unsigned int index;
	phys_addr_t phys;
	size_t size;
	void *virt;
	struct resource *res;
	char name[24];
};

int mbuff_pools_init(const char *spec);
void mbuff_pools_exit(void);

#endif /* _MBUFF_INTERNAL_H */
