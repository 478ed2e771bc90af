/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mbuff: the kernel API exported to other modules.
 *
 * The classic calls keep their 1999 signatures: mbuff_alloc() creates or
 * attaches a named area, takes a kernel count and returns its kernel
 * address; mbuff_free() drops the count.  The handle API adds the backend,
 * memory type, physical address and notification in both directions.
 * Everything here may sleep: not for interrupt or atomic context, except
 * mbuff_area_notify().
 */
#ifndef _LINUX_MBUFF_H
#define _LINUX_MBUFF_H

#include <linux/types.h>
#include <uapi/mbuff/mbuff.h>

struct mbuff_area;

/**
 * typedef mbuff_doorbell_fn - called when user space rings an area's doorbell
 * @area: the area
 * @value: the 32-bit value user space wrote to /dev/uioN
 * @data: the pointer given to mbuff_area_set_doorbell()
 *
 * Runs in process context (the writer's), may sleep, and is never called
 * for one area by two writers at once.
 */
/**
 * MBUFF_MODULE_IMPORT_NS() - import the symbol namespace of the mbuff API
 *
 * Every function below is exported into the symbol namespace MBUFF: a
 * module that calls them imports it once, at file scope in one of its
 * files (which includes <linux/module.h>):
 *
 *	MBUFF_MODULE_IMPORT_NS();
 *
 * It is what MODULE_IMPORT_NS(MBUFF) gives before Linux 6.13 and
 * MODULE_IMPORT_NS("MBUFF") since, so it builds with either.  Without it
 * modpost fails the build and the kernel refuses to load the module.
 */
#define MBUFF_MODULE_IMPORT_NS() MODULE_INFO(import_ns, "MBUFF")

typedef void (*mbuff_doorbell_fn)(struct mbuff_area *area, s32 value,
				  void *data);

void *mbuff_alloc(const char *name, int size);
void mbuff_free(const char *name, void *mbuf);
void *mbuff_attach(const char *name, int size);
void mbuff_detach(const char *name, void *mbuf);

struct mbuff_area *mbuff_area_get(const char *name, size_t size,
				  unsigned int backend, unsigned int memtype,
				  unsigned int flags);
void mbuff_area_put(struct mbuff_area *area);
void *mbuff_area_vaddr(const struct mbuff_area *area);
phys_addr_t mbuff_area_phys(const struct mbuff_area *area);
size_t mbuff_area_size(const struct mbuff_area *area);
unsigned int mbuff_area_memtype(const struct mbuff_area *area);
void mbuff_area_notify(struct mbuff_area *area);
int mbuff_area_set_doorbell(struct mbuff_area *area, mbuff_doorbell_fn fn,
			    void *data);
int mbuff_area_sglist(const struct mbuff_area *area,
		      struct mbuff_sg_entry *ents, unsigned int capacity);
int mbuff_area_sync(struct mbuff_area *area, size_t offset, size_t len,
		    unsigned int direction);

#endif /* _LINUX_MBUFF_H */
