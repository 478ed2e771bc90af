/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmbuff: named shared-memory areas between the kernel and processes.
 *
 * Two APIs over three sources of memory:
 *  - the classic calls of mbuff 0.7.2 (mbuff_alloc() and friends), with
 *    their 1999 signatures: NULL or nothing on error, errno set;
 *  - a modern API on an opaque handle, whose int functions return >= 0 or
 *    -errno (and also set errno).
 * Sources: the mbuff.ko module (/dev/mbuff),
 * physical ranges through /dev/mem (MBUFF_DEVMEM="name=SIZE@PHYS,..."), and
 * process-only shared memory for machines without the module.
 *
 * Every struct of this header that the library fills or reads starts
 * with its size (@sz), so that it can grow: a caller's older or newer
 * struct gets what both know.  The others are fixed by something else:
 * struct mbuff_sg_entry is the kernel's ABI, and the views of
 * <mbuff/ring.h> and <mbuff/pagemark.h> (struct mbuff_ring, struct
 * mbuff_pagemark) belong to inline code compiled into the caller, so a
 * change of their layout takes new symbol versions of the functions that
 * fill them, as mbuff_area_ring_attach() had in release 0.3.
 */
#ifndef _MBUFF_H
#define _MBUFF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <mbuff/mbuff.h>
#include <mbuff/ring.h>
#include <mbuff/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The release of this header (mbuff_version(): of the library in use). */
#define MBUFF_LIB_VERSION_MAJOR	MBUFF_VERSION_MAJOR
#define MBUFF_LIB_VERSION_MINOR	MBUFF_VERSION_MINOR

/* The classic calls (mbuff 0.7.2); name NULL means "default". */
void *mbuff_alloc(const char *name, int size);
void *mbuff_alloc_at(const char *name, int size, void *addr);
void mbuff_free(const char *name, void *mbuf);
void *mbuff_attach(const char *name, int size);
void *mbuff_attach_at(const char *name, int size, void *addr);
void mbuff_detach(const char *name, void *mbuf);

/* Where an area's memory comes from. */
enum mbuff_source {
	MBUFF_SOURCE_AUTO = 0,	/* see mbuff_area_open(3) */
	MBUFF_SOURCE_MODULE,	/* mbuff.ko: /dev/mbuff */
	MBUFF_SOURCE_DEVMEM,	/* a physical range through /dev/mem */
	MBUFF_SOURCE_PROCESS,	/* POSIX shared memory, no kernel side */
};

/**
 * struct mbuff_opts - options of mbuff_area_open()
 * @sz: sizeof(struct mbuff_opts), so the struct can grow
 * @backend: MBUFF_BACKEND_ANY, _VMALLOC, _CONTIG, _CMA (module source) or,
 *	to open an existing imported area, _DMABUF (module source)
 * @memtype: MBUFF_MEM_CACHED, _WC or _UNCACHED for a new area
 * @flags: MBUFF_OPEN_CREATE, _EXCL, _HOLD, and _MODE for @mode
 * @align: physical alignment of a new contiguous or CMA area, 0 or a power
 *	of 2
 * @source: enum mbuff_source
 * @mode: with MBUFF_OPEN_MODE, the permission bits of a new area (within
 *	MBUFF_MODE_MASK, 0666); since 0.2
 * @prot: PROT_READ for a read-only handle, PROT_READ | PROT_WRITE or 0 for
 *	a writable one; since 0.2
 *
 * A NULL options pointer means: open an existing area of any backend,
 * cached, from the automatic source, for reading and writing.
 */
struct mbuff_opts {
	size_t sz;
	unsigned int backend;
	unsigned int memtype;
	unsigned int flags;
	size_t align;
	unsigned int source;
	mode_t mode;
	unsigned int prot;
};

/**
 * struct mbuff_area_info - what mbuff_area_info() and mbuff_stat() report
 * @sz: in: sizeof(struct mbuff_area_info); out: the bytes filled
 * @name: the area's name
 * @size: its size in bytes
 * @phys_addr: physical base (contiguous, CMA and devmem areas), else 0;
 *	also 0 for a module area when the caller lacks CAP_SYS_RAWIO
 * @source: enum mbuff_source
 * @backend: MBUFF_BACKEND_VMALLOC, _CONTIG, _DMABUF or _CMA (module
 *	source), _CONTIG (devmem source), 0 (process source)
 * @memtype: MBUFF_MEM_*
 * @users: user counts; @kernel_users: kernel counts; @files: open files
 *	and @maps: mappings held by others than this handle, or by anyone
 *	for mbuff_stat() (module source; the process source reports @users
 *	only)
 * @uid: owner, or (uid_t)-1 when the source has none (devmem)
 * @gid: group, or (gid_t)-1 when the source has none
 * @mode: permission bits, or (mode_t)-1 when the source has none
 */
struct mbuff_area_info {
	size_t sz;
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
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/**
 * struct mbuff_pool_info - a pool claimed by the module
 * @sz: in: sizeof(struct mbuff_pool_info), in the first element; out:
 *	the bytes filled
 * @index: N of "poolN"
 * @phys_addr: first physical address, 0 without CAP_SYS_RAWIO
 * @size: bytes
 * @avail: bytes not given to areas
 */
struct mbuff_pool_info {
	size_t sz;
	unsigned int index;
	uint64_t phys_addr;
	uint64_t size;
	uint64_t avail;
};

struct mbuff_area;

int mbuff_area_open(const char *name, size_t size,
		    const struct mbuff_opts *opts, struct mbuff_area **areap);
void mbuff_area_close(struct mbuff_area *area);
void *mbuff_area_addr(const struct mbuff_area *area);
size_t mbuff_area_size(const struct mbuff_area *area);
int mbuff_area_phys(const struct mbuff_area *area, uint64_t *phys);
int mbuff_area_info(const struct mbuff_area *area,
		    struct mbuff_area_info *info);
int mbuff_area_fd(const struct mbuff_area *area);
int mbuff_area_wait(struct mbuff_area *area, int timeout_ms);
int mbuff_area_notify(struct mbuff_area *area);
int mbuff_area_ring(struct mbuff_area *area, int32_t value);

/* mbuff_area_ring_attach() flags */
#define MBUFF_RING_VIEW_DOUBLED	(1U << 0)

int mbuff_area_ring_attach(struct mbuff_area *area, struct mbuff_ring *ring,
			   unsigned int flags);

/* dma-bufs (module source; since 0.4) */
int mbuff_area_dmabuf(const struct mbuff_area *area);
int mbuff_import(const char *name, int dmabuf_fd,
		 const struct mbuff_opts *opts, struct mbuff_area **areap);

int mbuff_area_sglist(const struct mbuff_area *area,
		      struct mbuff_sg_entry *ents, unsigned int capacity);
int mbuff_area_sync(struct mbuff_area *area, uint64_t offset, uint64_t len,
		    unsigned int direction);

int mbuff_stat(const char *name, unsigned int source,
	       struct mbuff_area_info *info);
int mbuff_destroy(const char *name, unsigned int source);
int mbuff_chmod(const char *name, mode_t mode, unsigned int source);
int mbuff_chown(const char *name, uid_t uid, gid_t gid, unsigned int source);
int mbuff_list(char (**names)[MBUFF_NAME_SIZE], size_t *count,
	       unsigned int source);
/* since 0.5: the names in a row, NUL-terminated, as listxattr(2) */
ssize_t mbuff_list_names(char *buf, size_t len, unsigned int source);
int mbuff_pools(struct mbuff_pool_info *pools, size_t capacity);

int mbuff_name_check(const char *name);
int mbuff_devmem_lookup(const char *spec, const char *name, uint64_t *size,
			uint64_t *phys);
const char *mbuff_last_error(void);
const char *mbuff_version(void);	/* since 0.5 */

#ifdef __cplusplus
}
#endif

#endif /* _MBUFF_H */
