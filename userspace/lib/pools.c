// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module's pools, from /sys/class/misc/mbuff/pools/poolN/.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MBUFF_POOLS_DIR "/sys/class/misc/mbuff/pools"

static int mbuff_pool_value(unsigned int index, const char *attr,
			    uint64_t *val)
{
	char path[128], buf[64];
	FILE *f;
	int ok, err;

	snprintf(path, sizeof(path), MBUFF_POOLS_DIR "/pool%u/%s", index, attr);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	errno = 0;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	err = errno;
	fclose(f);
	if (!ok)
		return err ? -err : -EIO;	/* read() refused, or empty */
	*val = strtoull(buf, NULL, 0);
	return 0;
}

/*
 * One pool's values.  The physical address is for CAP_SYS_RAWIO only (its
 * file is mode 0400 and refuses others): 0 when it may not be read.
 */
static int mbuff_pool_read(unsigned int index, struct mbuff_pool_info *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->sz = sizeof(*p);
	p->index = index;
	ret = mbuff_pool_value(index, "phys_addr", &p->phys_addr);
	if (ret == -EACCES || ret == -EPERM)
		ret = 0;
	if (!ret)
		ret = mbuff_pool_value(index, "size", &p->size);
	if (!ret)
		ret = mbuff_pool_value(index, "avail", &p->avail);
	return ret ? mbuff_fail(-ret, "cannot read pool%u", index) : 0;
}

static int mbuff_index_cmp(const void *a, const void *b)
{
	const unsigned int *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/*
 * The indexes of the pools, sorted, in @idx (room for @max).
 * Return: how many there are (maybe more than @max), or -errno.
 */
static int mbuff_pool_indexes(unsigned int *idx, size_t max)
{
	DIR *d = opendir(MBUFF_POOLS_DIR);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return mbuff_fail(errno == ENOENT ? ENODEV : errno,
				  "cannot read " MBUFF_POOLS_DIR " (is mbuff.ko loaded?)");
	while ((e = readdir(d))) {
		unsigned int index;
		char tail;

		if (sscanf(e->d_name, "pool%u%c", &index, &tail) != 1)
			continue;
		if (n < max)
			idx[n] = index;
		n++;
	}
	closedir(d);
	qsort(idx, n < max ? n : max, sizeof(*idx), mbuff_index_cmp);
	return (int)n;
}

/* The module has at most 8 pools; room for many more. */
#define MBUFF_POOLS_MAX 64

/* The default version since 0.2; compat.c has the 0.1 one. */
__asm__(".symver mbuff_pools, mbuff_pools@@@MBUFF_0.2");

/**
 * mbuff_pools() - the pools the module claimed
 * @pools: room for @capacity pools, or NULL when @capacity is 0; the
 *	caller sets @pools[0].sz to sizeof(struct mbuff_pool_info)
 * @capacity: elements at @pools
 *
 * The elements are @pools[0].sz bytes apart; each one written gets as
 * much as both the caller and the library know, and its sz set to that.
 *
 * Return: the number of pools, ordered by index (at most @capacity were
 * written), or -errno: -ENODEV when the module is not loaded, -EINVAL for
 * a size below the first version's (0.2).
 */
MBUFF_EXPORT int mbuff_pools(struct mbuff_pool_info *pools, size_t capacity)
{
	unsigned int idx[MBUFF_POOLS_MAX];
	struct mbuff_pool_info p;
	size_t sz = 0, i;
	int n, ret;

	if (capacity) {
		if (!pools)
			return mbuff_fail(EINVAL, "no room for the pools");
		sz = pools[0].sz;
		if (sz < MBUFF_POOL_INFO_SZ_0_2)
			return mbuff_fail(EINVAL, "struct mbuff_pool_info of unknown size %zu (set sz to its sizeof)",
					  sz);
	}
	n = mbuff_pool_indexes(idx, MBUFF_POOLS_MAX);
	if (n < 0)
		return n;
	for (i = 0; i < capacity && i < (size_t)n && i < MBUFF_POOLS_MAX; i++) {
		ret = mbuff_pool_read(idx[i], &p);
		if (ret)
			return ret;
		p.sz = sz < sizeof(p) ? sz : sizeof(p);
		memcpy((char *)pools + i * sz, &p, p.sz);
	}
	return n;
}
