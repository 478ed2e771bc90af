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

static int mbuff_pool_cmp(const void *a, const void *b)
{
	const struct mbuff_pool_info *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/**
 * mbuff_pools() - the pools the module claimed
 * @pools: a malloc()ed array the caller frees (NULL when there is none)
 * @count: its length
 *
 * Return: 0, or -errno (-ENODEV when the module is not loaded).
 */
MBUFF_EXPORT int mbuff_pools(struct mbuff_pool_info **pools, size_t *count)
{
	struct mbuff_pool_info *buf = NULL, *more;
	DIR *d = opendir(MBUFF_POOLS_DIR);
	struct dirent *e;
	size_t n = 0;
	int ret = 0;

	*pools = NULL;
	*count = 0;
	if (!d)
		return mbuff_fail(errno == ENOENT ? ENODEV : errno,
				  "cannot read " MBUFF_POOLS_DIR " (is mbuff.ko loaded?)");
	while ((e = readdir(d))) {
		unsigned int index;
		char tail;

		if (sscanf(e->d_name, "pool%u%c", &index, &tail) != 1)
			continue;
		more = realloc(buf, (n + 1) * sizeof(*buf));
		if (!more) {
			ret = mbuff_fail(ENOMEM, "cannot list pools");
			break;
		}
		buf = more;
		buf[n].index = index;
		/* For CAP_SYS_RAWIO only (mode 0400, refused to others): 0. */
		buf[n].phys_addr = 0;
		ret = mbuff_pool_value(index, "phys_addr", &buf[n].phys_addr);
		if (ret == -EACCES || ret == -EPERM)
			ret = 0;
		if (!ret)
			ret = mbuff_pool_value(index, "size", &buf[n].size);
		if (!ret)
			ret = mbuff_pool_value(index, "avail", &buf[n].avail);
		if (ret) {
			ret = mbuff_fail(-ret, "cannot read pool%u", index);
			break;
		}
		n++;
	}
	closedir(d);
	if (ret) {
		free(buf);
		return ret;
	}
	qsort(buf, n, sizeof(*buf), mbuff_pool_cmp);
	*pools = buf;
	*count = n;
	return 0;
}
