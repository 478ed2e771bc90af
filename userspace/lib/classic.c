// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The classic calls of mbuff 0.7.2, with their 1999 signatures: NULL (or
 * nothing) on error, errno set.  mbuff_alloc() takes a user count that
 * mbuff_free() drops; mbuff_attach() maps without one, so the mapping
 * alone keeps the area (a killed process cannot leak it).
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static const char *mbuff_classic_name(const char *name)
{
	return name ? name : "default";
}

/* Map a named area for the classic calls; 0 or -errno. */
static int mbuff_classic_map(const char *name, int size, void *hint,
			     bool hold, void **addrp)
{
	struct mbuff_opts o = {
		.sz = sizeof(o),
		.flags = MBUFF_OPEN_CREATE | (hold ? MBUFF_OPEN_HOLD : 0),
	};
	struct mbuff_area *area;
	int source, ret;

	ret = mbuff_name_check(name);
	if (ret)
		return ret;
	if (size < 0)
		return mbuff_fail(EINVAL, "negative size for '%s'", name);
	source = mbuff_pick_source(name, MBUFF_SOURCE_AUTO, MBUFF_BACKEND_ANY);
	if (source < 0)
		return source;
	if (source == MBUFF_SOURCE_MODULE)
		return mbuff_module_allocate(name, size, hint, hold, addrp);
	/* devmem and process areas: the handle's mapping is the result. */
	o.source = (unsigned int)source;
	ret = mbuff_area_open(name, (size_t)size, &o, &area);
	if (ret)
		return ret;
	*addrp = area->addr;
	/* The mapping stays (mbuff_free() unmaps it); nothing else does. */
	if (area->fd >= 0)
		close(area->fd);
	free(area);
	return 0;
}

/* Unmap what mbuff_classic_map() mapped. */
static void mbuff_classic_unmap(const char *name, void *mbuf, bool drop)
{
	uint64_t size, phys;
	long len;
	int source;

	if (!mbuf)
		return;
	source = mbuff_pick_source(name, MBUFF_SOURCE_AUTO, MBUFF_BACKEND_ANY);
	switch (source) {
	case MBUFF_SOURCE_MODULE:
		len = mbuff_module_area_size(name);
		if (drop)
			mbuff_destroy(name, MBUFF_SOURCE_MODULE);
		if (len > 0)
			munmap(mbuf, (size_t)len);
		break;
	case MBUFF_SOURCE_DEVMEM:
		if (!mbuff_devmem_lookup(NULL, name, &size, &phys))
			munmap(mbuf, (size_t)size);
		break;
	case MBUFF_SOURCE_PROCESS:
		if (drop)
			mbuff_destroy(name, MBUFF_SOURCE_PROCESS);
		mbuff_process_unmap(mbuf);
		break;
	}
}

MBUFF_EXPORT void *mbuff_alloc_at(const char *name, int size, void *addr)
{
	void *p;

	name = mbuff_classic_name(name);
	return mbuff_classic_map(name, size, addr, true, &p) ? NULL : p;
}

MBUFF_EXPORT void *mbuff_alloc(const char *name, int size)
{
	return mbuff_alloc_at(name, size, NULL);
}

MBUFF_EXPORT void mbuff_free(const char *name, void *mbuf)
{
	mbuff_classic_unmap(mbuff_classic_name(name), mbuf, true);
}

MBUFF_EXPORT void *mbuff_attach_at(const char *name, int size, void *addr)
{
	void *p;

	name = mbuff_classic_name(name);
	return mbuff_classic_map(name, size, addr, false, &p) ? NULL : p;
}

MBUFF_EXPORT void *mbuff_attach(const char *name, int size)
{
	return mbuff_attach_at(name, size, NULL);
}

MBUFF_EXPORT void mbuff_detach(const char *name, void *mbuf)
{
	mbuff_classic_unmap(mbuff_classic_name(name), mbuf, false);
}
