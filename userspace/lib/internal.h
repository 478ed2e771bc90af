/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmbuff internals: the handle, the per-source operations and the error
 * helpers.  Nothing here is exported.
 */
#ifndef _MBUFF_LIB_INTERNAL_H
#define _MBUFF_LIB_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "mbuff.h"

#define MBUFF_EXPORT __attribute__((visibility("default")))

/* The end of a member: the least size of a struct that has it. */
#define mbuff_offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/* The first versions of the structs that start with their size. */
#define MBUFF_OPTS_SZ_0_1	mbuff_offsetofend(struct mbuff_opts, align)
#define MBUFF_AREA_INFO_SZ_0_2	mbuff_offsetofend(struct mbuff_area_info, mode)
#define MBUFF_POOL_INFO_SZ_0_2	mbuff_offsetofend(struct mbuff_pool_info, avail)

struct mbuff_source_ops;

/**
 * struct mbuff_stat_batch - mbuff_stat() of many names, on one descriptor
 * @source: the source asked for, MBUFF_SOURCE_AUTO included
 * @dev: whether /dev/mbuff exists (0 or 1), -1 until a name needed it
 * @ctl: a descriptor of /dev/mbuff for the module's areas, or -1
 * @checked: @ctl's module speaks this library's ABI, and @selected is known
 * @selected: the area @ctl's open() selected ("default"), or ""
 *
 * What a listing of thousands of areas needs, without a descriptor per
 * name: mbuff_stat() is one batch of one name.  The batch is all the state
 * there is, held by its caller.  For the in-tree mbuffctl, which links
 * libmbuff.a; the shared library does not export it.
 */
struct mbuff_stat_batch {
	unsigned int source;
	int dev;
	int ctl;
	bool checked;
	char selected[MBUFF_NAME_SIZE];
};

void mbuff_stat_batch_init(struct mbuff_stat_batch *b, unsigned int source);
int mbuff_stat_batch(struct mbuff_stat_batch *b, const char *name,
		     struct mbuff_area_info *info);
void mbuff_stat_batch_end(struct mbuff_stat_batch *b);

/**
 * struct mbuff_area - an open area
 * @name: its name
 * @ops: the source's operations
 * @source: enum mbuff_source
 * @addr: first byte of the area in this process
 * @size: its size
 * @map: the whole mapping (@addr, or a header page before it)
 * @map_len: length of @map
 * @phys: physical base, 0 if none
 * @fd: /dev/mbuff, /dev/mem or the shared-memory object
 * @fd_offset: where the area's first byte is in @fd
 * @view: the doubled ring view (mbuff_area_ring()), or NULL
 * @view_len: its length
 * @uio_fd: the area's /dev/uioN, for a module without MBUFF_FEAT_EVENTS
 *	(module source), else -1
 * @backend: MBUFF_BACKEND_* (module source)
 * @memtype: MBUFF_MEM_*
 * @seen: last event count seen (process source)
 * @events: @fd takes poll(), MBUFF_IOC_EVENTS and MBUFF_IOC_DOORBELL
 *	(module source, MBUFF_FEAT_EVENTS)
 * @dmabuf: the module exports and imports dma-bufs (MBUFF_FEAT_DMABUF)
 * @writable: mapped with PROT_WRITE, descriptors open for writing
 */
struct mbuff_area {
	char name[MBUFF_NAME_SIZE];
	const struct mbuff_source_ops *ops;
	unsigned int source;
	void *addr;
	size_t size;
	void *map;
	size_t map_len;
	uint64_t phys;
	int fd;
	off_t fd_offset;
	void *view;
	size_t view_len;
	int uio_fd;
	unsigned int backend;
	unsigned int memtype;
	uint32_t seen;
	bool events;
	bool dmabuf;
	bool writable;
};

struct mbuff_source_ops {
	int (*open)(struct mbuff_area *area, size_t size,
		    const struct mbuff_opts *opts);
	void (*close)(struct mbuff_area *area);
	int (*info)(const struct mbuff_area *area, struct mbuff_area_info *info);
	/* What mbuff_stat() tells of a named area, without opening it. */
	int (*stat)(struct mbuff_stat_batch *b, const char *name,
		    struct mbuff_area_info *info);
	int (*wait)(struct mbuff_area *area, int timeout_ms);
	int (*notify)(struct mbuff_area *area);
	int (*ring)(struct mbuff_area *area, int32_t value);
	int (*destroy)(const char *name);
	int (*list)(char (**names)[MBUFF_NAME_SIZE], size_t *count);
	int (*sglist)(const struct mbuff_area *area,
		      struct mbuff_sg_entry *ents, unsigned int cap);
	int (*sync)(struct mbuff_area *area, uint64_t offset, uint64_t len,
		    unsigned int direction);
	/* @what: MBUFF_PERM_MODE, _UID, _GID: which of the others to set */
	int (*setperm)(const char *name, unsigned int what, uid_t uid,
		       gid_t gid, mode_t mode);
	/* A new dma-buf descriptor of the area (mbuff_area_dmabuf()). */
	int (*dmabuf)(const struct mbuff_area *area);
};

extern const struct mbuff_source_ops mbuff_module_ops;
extern const struct mbuff_source_ops mbuff_devmem_ops;
extern const struct mbuff_source_ops mbuff_process_ops;

/* error.c: record a message for mbuff_last_error() and return -err. */
int mbuff_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set errno from a -errno result and pass it on. */
static inline int mbuff_ret(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

/* name.c: mbuff_devmem_lookup() that records no message for -ENOENT */
int mbuff_devmem_find(const char *spec, const char *name, uint64_t *size,
		      uint64_t *phys);

/* area.c */
int mbuff_pick_source(const char *name, unsigned int source,
		      unsigned int backend);
const struct mbuff_source_ops *mbuff_source_ops(unsigned int source);
int mbuff_ring_view(struct mbuff_area *area, size_t size, char **base);

/* source_module.c: MBUFF_IOC_IMPORT, for mbuff_import() */
int mbuff_module_import(struct mbuff_area *area, int dmabuf_fd,
			const struct mbuff_opts *opts);
/* the 0.7.2 ALLOCATE, for the classic calls */
int mbuff_module_allocate(const char *name, int size, void *hint, bool hold,
			  void **addrp);
long mbuff_module_area_size(const char *name);

/* source_process.c */
size_t mbuff_process_header_size(void);
void mbuff_process_unmap(void *data);

#endif /* _MBUFF_LIB_INTERNAL_H */
