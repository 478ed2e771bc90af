// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The 0.1 versions of the functions whose structs gained a leading size in
 * 0.2, for programs linked against libmbuff.so.0 of release 0.1: they keep
 * getting the layouts they were built with (symbol version MBUFF_0.1),
 * while programs built now get the growable ones (MBUFF_0.2).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* struct mbuff_area_info of release 0.1 */
struct mbuff_area_info_0_1 {
	char name[MBUFF_NAME_SIZE];
	uint64_t size;
	uint64_t phys_addr;
	unsigned int source;
	unsigned int backend;
	unsigned int memtype;
	unsigned int users;
	unsigned int kernel_users;
	unsigned int files;
	unsigned int maps;
};

/* struct mbuff_pool_info of release 0.1 */
struct mbuff_pool_info_0_1 {
	unsigned int index;
	uint64_t phys_addr;
	uint64_t size;
	uint64_t avail;
};

int mbuff_area_info_0_1(const struct mbuff_area *area,
			struct mbuff_area_info_0_1 *old);
int mbuff_pools_0_1(struct mbuff_pool_info_0_1 **pools, size_t *count);

__asm__(".symver mbuff_area_info_0_1, mbuff_area_info@MBUFF_0.1");
MBUFF_EXPORT int mbuff_area_info_0_1(const struct mbuff_area *area,
				     struct mbuff_area_info_0_1 *old)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };
	int ret = mbuff_area_info(area, &info);

	if (ret)
		return ret;
	memset(old, 0, sizeof(*old));
	memcpy(old->name, info.name, sizeof(old->name));
	old->size = info.size;
	old->phys_addr = info.phys_addr;
	old->source = info.source;
	old->backend = info.backend;
	old->memtype = info.memtype;
	old->users = info.users;
	old->kernel_users = info.kernel_users;
	old->files = info.files;
	old->maps = info.maps;
	return 0;
}

/* 0.1 allocated the array, and said NULL and 0 on error. */
__asm__(".symver mbuff_pools_0_1, mbuff_pools@MBUFF_0.1");
MBUFF_EXPORT int mbuff_pools_0_1(struct mbuff_pool_info_0_1 **pools,
				 size_t *count)
{
	struct mbuff_pool_info *now;
	struct mbuff_pool_info_0_1 *old;
	int n, i, cap;

	*pools = NULL;
	*count = 0;
	cap = mbuff_pools(NULL, 0);
	if (cap <= 0)
		return cap;
	now = calloc((size_t)cap, sizeof(*now));
	old = calloc((size_t)cap, sizeof(*old));
	if (!now || !old) {
		free(now);
		free(old);
		return mbuff_fail(ENOMEM, "cannot list pools");
	}
	now[0].sz = sizeof(*now);
	n = mbuff_pools(now, (size_t)cap);
	if (n > cap)
		n = cap;	/* pools come only with the module: never */
	for (i = 0; i < n; i++) {
		old[i].index = now[i].index;
		old[i].phys_addr = now[i].phys_addr;
		old[i].size = now[i].size;
		old[i].avail = now[i].avail;
	}
	free(now);
	if (n <= 0) {
		free(old);
		return n;
	}
	*pools = old;
	*count = (size_t)n;
	return 0;
}
