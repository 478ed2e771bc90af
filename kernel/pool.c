// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pools: physical ranges that the kernel was told at boot not to use
 * (memmap=SIZE$PHYS, the RAM hidden above mem=, or a device-tree
 * reserved-memory node with no-map), named on the module's pools=
 * parameter or by the device tree.  Each one is checked, claimed in
 * /proc/iomem and handed to a genalloc pool that carves areas out of it.
 * Loading is all or nothing: a bad pool leaves nothing claimed behind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/genalloc.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sizes.h>

#include <mbuff/spec.h>

#include "internal.h"

/*
 * Pools are only added (at load, and when the device tree's node is
 * probed) and all go at unload.  mbuff_pool_lock serialises adding; a
 * pool is complete before mbuff_nr_pools, read without the lock, counts
 * it (release in mbuff_pool_claim(), acquire in mbuff_nr_pools_claimed()).
 */
static DEFINE_MUTEX(mbuff_pool_lock);
static struct mbuff_pool mbuff_pools[MBUFF_MAX_POOLS];
static unsigned int mbuff_nr_pools;

static bool mbuff_range_overlaps(phys_addr_t a, size_t alen,
				 phys_addr_t b, size_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Refuse, with the reason in the log, a range we must not take. */
static int mbuff_pool_check(const struct mbuff_range *r, unsigned int index)
{
	unsigned int i;

	if (!PAGE_ALIGNED(r->phys) || !PAGE_ALIGNED(r->size)) {
		pr_err("pool%u: %#llx@%#llx is not page aligned\n",
		       index, r->size, r->phys);
		return -EINVAL;
	}
	if (!r->phys) {
		pr_err("pool%u: a pool cannot start at physical address 0\n",
		       index);
		return -EINVAL;
	}
	if (r->phys + r->size - 1 > (u64)(phys_addr_t)~0ULL) {
		pr_err("pool%u: %#llx@%#llx is beyond the physical address space\n",
		       index, r->size, r->phys);
		return -EINVAL;
	}
	for (i = 0; i < mbuff_nr_pools; i++) {
		const struct mbuff_pool *p = &mbuff_pools[i];

		if (mbuff_range_overlaps(r->phys, r->size, p->phys, p->size)) {
			pr_err("pool%u: %#llx@%#llx overlaps pool%u\n",
			       index, r->size, r->phys, p->index);
			return -EINVAL;
		}
	}
	if (region_intersects(r->phys, r->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("pool%u: %#llx@%#llx overlaps System RAM; reserve it at boot (memmap=SIZE$PHYS, mem=, or a no-map reserved-memory node the kernel did reserve)\n",
		       index, r->size, r->phys);
		return -EINVAL;
	}
	return 0;
}

static int mbuff_pool_claim(const struct mbuff_range *r)
{
	struct mbuff_pool *p = &mbuff_pools[mbuff_nr_pools];
	int ret;

	ret = mbuff_pool_check(r, mbuff_nr_pools);
	if (ret)
		return ret;

	p->index = mbuff_nr_pools;
	p->phys = r->phys;
	p->size = r->size;
	snprintf(p->name, sizeof(p->name), "mbuff pool%u", p->index);

	p->res = request_mem_region(p->phys, p->size, p->name);
	if (!p->res) {
		pr_err("pool%u: %pa+%#zx is already claimed by another driver\n",
		       p->index, &p->phys, p->size);
		return -EBUSY;
	}
	/* Page-granular; addresses handed out are physical (never 0). */
	p->gp = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!p->gp) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = gen_pool_add(p->gp, p->phys, p->size, NUMA_NO_NODE);
	if (ret)
		goto err_destroy;
	ret = mbuff_sysfs_add_pool(p);
	if (ret)
		goto err_destroy;
	/* Publishes the pool; pairs with mbuff_nr_pools_claimed(). */
	smp_store_release(&mbuff_nr_pools, mbuff_nr_pools + 1);
	pr_info("pool%u: %zu KiB at %pa claimed\n", p->index,
		p->size / SZ_1K, &p->phys);
	return 0;

err_destroy:
	gen_pool_destroy(p->gp);
	p->gp = NULL;
err_release:
	release_mem_region(p->phys, p->size);
	p->res = NULL;
	return ret;
}

/**
 * mbuff_pools_init() - claim every pool of a pools= specification
 * @spec: "SIZE@PHYS[,SIZE@PHYS...]", or NULL or "" for none
 *
 * Return: 0, or a negative errno with every pool released again.
 */
int mbuff_pools_init(const char *spec)
{
	struct mbuff_range r;
	const char *s = spec;
	int ret;

	if (!s)
		return 0;
	mutex_lock(&mbuff_pool_lock);
	while ((ret = mbuff_spec_next(&s, &r)) > 0) {
		if (mbuff_nr_pools == MBUFF_MAX_POOLS) {
			pr_err("more than %d pools\n", MBUFF_MAX_POOLS);
			ret = -E2BIG;
			break;
		}
		ret = mbuff_pool_claim(&r);
		if (ret)
			break;
	}
	mutex_unlock(&mbuff_pool_lock);
	if (ret < 0) {
		if (ret == -EINVAL || ret == -ERANGE)
			pr_err("pools=%s: cannot use it at '%s'\n", spec, s);
		mbuff_pools_exit();
		return ret;
	}
	return 0;
}

/**
 * mbuff_pool_add() - claim one more pool, e.g. from the device tree
 * @phys: first physical address
 * @size: bytes
 *
 * A range that is a pool already (the device is probed again) is fine.
 *
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int mbuff_pool_add(phys_addr_t phys, size_t size)
{
	struct mbuff_range r = { .size = size, .phys = phys };
	unsigned int i;
	int ret;

	mutex_lock(&mbuff_pool_lock);
	for (i = 0; i < mbuff_nr_pools; i++) {
		if (mbuff_pools[i].phys == phys && mbuff_pools[i].size == size) {
			mutex_unlock(&mbuff_pool_lock);
			return 0;
		}
	}
	if (mbuff_nr_pools == MBUFF_MAX_POOLS) {
		pr_err("more than %d pools\n", MBUFF_MAX_POOLS);
		ret = -E2BIG;
	} else {
		ret = mbuff_pool_claim(&r);
	}
	mutex_unlock(&mbuff_pool_lock);
	return ret;
}

/**
 * mbuff_pools_exit() - release every claimed pool
 */
void mbuff_pools_exit(void)
{
	while (mbuff_nr_pools) {
		struct mbuff_pool *p = &mbuff_pools[--mbuff_nr_pools];

		mbuff_sysfs_del_pool(p);
		/* Every area is gone: the module is pinned while one exists. */
		gen_pool_destroy(p->gp);
		release_mem_region(p->phys, p->size);
		p->gp = NULL;
		p->res = NULL;
	}
}

unsigned int mbuff_nr_pools_claimed(void)
{
	/* Pairs with the release in mbuff_pool_claim(). */
	return smp_load_acquire(&mbuff_nr_pools);
}

struct mbuff_pool *mbuff_pool_get(unsigned int i)
{
	return i < mbuff_nr_pools_claimed() ? &mbuff_pools[i] : NULL;
}
