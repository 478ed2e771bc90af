// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The 0.1 versions of the functions whose structs gained a leading size in
 * 0.2, for programs linked against libmbuff.so.0 of release 0.1: they keep
 * getting the layouts they were built with (symbol version MBUFF_0.1),
 * while programs built now get the growable ones (MBUFF_0.2).
 *
 * Likewise mbuff_area_ring_attach(): programs built before 0.3 carry the
 * ring code of format 1 (records that wrap) and its smaller struct
 * mbuff_ring; they keep attaching to rings of format 1 and are refused
 * rings of format 2, which their code would misread.
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

/* struct mbuff_ring before 0.3 */
struct mbuff_ring_0_1 {
	struct mbuff_ring_ctl *ctl;
	unsigned char *data;
	__u32 mask;
	int doubled;
	__u32 peeked;
};

int mbuff_area_ring_attach_0_1(struct mbuff_area *area,
			       struct mbuff_ring_0_1 *ring, unsigned int flags);

__asm__(".symver mbuff_area_ring_attach_0_1, mbuff_area_ring_attach@MBUFF_0.1");
MBUFF_EXPORT int mbuff_area_ring_attach_0_1(struct mbuff_area *area,
					    struct mbuff_ring_0_1 *ring,
					    unsigned int flags)
{
	struct mbuff_ring_ctl *ctl = area->addr;
	__u32 version, size;
	char *base;
	int ret;

	if (flags & ~MBUFF_RING_VIEW_DOUBLED)
		return mbuff_fail(EINVAL, "area '%s': unknown ring flags", area->name);
	if (area->size < MBUFF_RING_CTL_SIZE ||
	    __atomic_load_n(&ctl->magic, __ATOMIC_ACQUIRE) != MBUFF_RING_MAGIC)
		return mbuff_fail(EAGAIN, "area '%s' holds no ring yet", area->name);
	version = __atomic_load_n(&ctl->version, __ATOMIC_RELAXED);
	size = __atomic_load_n(&ctl->size, __ATOMIC_RELAXED);
	if (version != 1)
		return mbuff_fail(EPROTO, "area '%s' holds a ring of format %u; this program knows format 1 (rebuild it against libmbuff 0.3)",
				  area->name, version);
	if (!size || (size & (size - 1)) || size < MBUFF_RING_ALIGN ||
	    __atomic_load_n(&ctl->data_offset, __ATOMIC_RELAXED) !=
	    MBUFF_RING_CTL_SIZE || MBUFF_RING_CTL_SIZE + (uint64_t)size > area->size)
		return mbuff_fail(EINVAL, "area '%s' holds no valid ring", area->name);
	memset(ring, 0, sizeof(*ring));
	ring->ctl = ctl;
	ring->data = (unsigned char *)area->addr + MBUFF_RING_CTL_SIZE;
	ring->mask = size - 1;
	if (flags & MBUFF_RING_VIEW_DOUBLED) {
		ret = mbuff_ring_view(area, size, &base);
		if (ret)
			return ret;
		ring->ctl = (struct mbuff_ring_ctl *)base;
		ring->data = (unsigned char *)base + MBUFF_RING_CTL_SIZE;
		ring->doubled = 1;
	}
	return 0;
}
