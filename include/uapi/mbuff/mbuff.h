/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mbuff: the /dev/mbuff ABI shared by the module and user space.
 *
 * Data only: fixed-width types, explicit padding, every struct a multiple
 * of 8 bytes, reserved fields that must be zero, a leading size (@argsz)
 * so that each can grow.  The legacy mbuff 0.7.2
 * ioctls (raw numbers 0 to 3) are served on the same device; their request
 * structure is the native-layout struct mbuff_request_struct below.
 */
#ifndef _UAPI_LINUX_MBUFF_H
#define _UAPI_LINUX_MBUFF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MBUFF_ABI_VERSION	2

/* Names: 1 to MBUFF_NAME_LEN printable ASCII bytes, no '/' or space. */
#define MBUFF_NAME_LEN		32
#define MBUFF_NAME_SIZE		40	/* MBUFF_NAME_LEN + NUL, padded */

/* Backends */
/* Any: contiguous if a pool has room, else vmalloc (for cached areas). */
#define MBUFF_BACKEND_ANY	0
#define MBUFF_BACKEND_VMALLOC	1
#define MBUFF_BACKEND_CONTIG	2	/* boot-reserved memory, fixed physical address */
#define MBUFF_BACKEND_DMABUF	3	/* a dma-buf from elsewhere (MBUFF_IOC_IMPORT) */
#define MBUFF_BACKEND_CMA	4	/* contiguous, from a CMA area at run time */

/* Memory types: the kernel and every user mapping of an area agree. */
#define MBUFF_MEM_CACHED	0	/* write-back (default) */
#define MBUFF_MEM_WC		1	/* write-combined; contiguous areas only */
#define MBUFF_MEM_UNCACHED	2	/* uncached; contiguous areas only */

/* struct mbuff_open.flags */
#define MBUFF_OPEN_CREATE	(1U << 0)	/* create the area if it does not exist */
#define MBUFF_OPEN_EXCL		(1U << 1)	/* fail if it exists */
#define MBUFF_OPEN_HOLD		(1U << 2)	/* take a user count (dropped by DESTROY) */
#define MBUFF_OPEN_MODE		(1U << 3)	/* a new area gets @mode, not default_mode */
#define MBUFF_OPEN_FLAGS	(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | \
				 MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE)

/* Permission bits of an area: owner, group, others; read and write. */
#define MBUFF_MODE_MASK		0666

/* struct mbuff_info.features */
#define MBUFF_FEAT_VMALLOC	(1ULL << 0)
#define MBUFF_FEAT_CONTIG	(1ULL << 1)	/* at least one pool is claimed */
#define MBUFF_FEAT_UIO		(1ULL << 2)
#define MBUFF_FEAT_LEGACY	(1ULL << 3)	/* 0.7.2 ioctls 0..3 */
#define MBUFF_FEAT_WC		(1ULL << 4)
#define MBUFF_FEAT_UNCACHED	(1ULL << 5)
#define MBUFF_FEAT_SGLIST	(1ULL << 6)	/* MBUFF_IOC_SGLIST */
#define MBUFF_FEAT_SYNC		(1ULL << 7)	/* MBUFF_IOC_SYNC */
#define MBUFF_FEAT_PERM		(1ULL << 8)	/* owners, modes, MBUFF_IOC_SETPERM */
#define MBUFF_FEAT_EVENTS	(1ULL << 9)	/* poll(), MBUFF_IOC_EVENTS, MBUFF_IOC_DOORBELL */
#define MBUFF_FEAT_DMABUF	(1ULL << 10)	/* MBUFF_IOC_EXPORT, MBUFF_IOC_IMPORT */
#define MBUFF_FEAT_CMA		(1ULL << 11)	/* MBUFF_BACKEND_CMA (the kernel has CMA) */

/*
 * Every request starts with @argsz, the size of the struct as the caller
 * knows it: sizeof() of the header it was built with.  Structs only grow,
 * at their end.  The kernel takes any size from the first version's on, up
 * to 4096: bytes it does not know must be zero (else -E2BIG), and it
 * writes back at most @argsz bytes.  A smaller @argsz is -EINVAL.
 */

/**
 * struct mbuff_open - MBUFF_IOC_OPEN: open, or create, an area by name
 * @argsz: sizeof(struct mbuff_open)
 * @flags: MBUFF_OPEN_*
 * @name: NUL-terminated area name
 * @size: in: bytes wanted (0: any size when opening an existing area);
 *	out: the area's size, a multiple of the page size
 * @backend: in: MBUFF_BACKEND_*; out: the area's backend
 * @memtype: in: MBUFF_MEM_* for a new area; out: the area's memory type
 * @align: in: physical alignment in bytes for a new contiguous area, a
 *	power of two, 0 for the page size
 * @mode: in, with MBUFF_OPEN_MODE: permission bits of a new area
 *	(within MBUFF_MODE_MASK); out: the area's
 * @uid: out: the area's owner
 * @gid: out: the area's group
 * @reserved: must be zero
 *
 * On success the area becomes the one this file maps (mmap offset 0 is
 * its first byte) and reports on; the open file keeps it alive.  Creating
 * an area, or MBUFF_OPEN_HOLD, needs a file open for writing; opening an
 * existing area needs read permission on it, HOLD write permission.
 */
struct mbuff_open {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u64 size;
	__u32 backend;
	__u32 memtype;
	__u32 align;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u64 reserved[3];
};

/**
 * struct mbuff_name - MBUFF_IOC_DESTROY, MBUFF_IOC_NOTIFY: an area by name
 * @argsz: sizeof(struct mbuff_name)
 * @flags: 0
 * @name: NUL-terminated area name; empty for this file's area
 * @reserved: must be zero
 */
struct mbuff_name {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u64 reserved[2];
};

/**
 * struct mbuff_info - MBUFF_IOC_INFO: the module and one area
 * @argsz: sizeof(struct mbuff_info)
 * @flags: 0
 * @name: in: area name, empty for this file's area, "" with no area
 *	selected to ask about the module only
 * @abi_version: out: MBUFF_ABI_VERSION
 * @uio_index: out: N of /dev/uioN (check /sys/class/uio/uioN/name)
 * @features: out: MBUFF_FEAT_*
 * @size: out: area size in bytes
 * @phys_addr: out: physical base of a contiguous area, 0 otherwise and
 *	for callers without CAP_SYS_RAWIO
 * @backend: out: MBUFF_BACKEND_VMALLOC, _CONTIG, _DMABUF or _CMA
 * @memtype: out: MBUFF_MEM_*
 * @users: out: user counts (MBUFF_OPEN_HOLD)
 * @kernel_users: out: kernel counts (mbuff_alloc(), mbuff_area_get())
 * @files: out: open files (/dev/mbuff, /dev/uioN) holding the area
 * @maps: out: live user mappings
 * @uid: out: owner
 * @gid: out: group
 * @mode: out: permission bits
 * @pad: zero
 * @reserved: must be zero on input
 *
 * With no area named or selected, only @abi_version and @features are
 * filled and the ioctl returns 0; @size is then 0.  Asking about an area,
 * named or selected, needs read permission on it.
 */
struct mbuff_info {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u32 abi_version;
	__u32 uio_index;
	__u64 features;
	__u64 size;
	__u64 phys_addr;
	__u32 backend;
	__u32 memtype;
	__u32 users;
	__u32 kernel_users;
	__u32 files;
	__u32 maps;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 pad;
	__u64 reserved[4];
};

/**
 * struct mbuff_list - MBUFF_IOC_LIST: the names of all areas
 * @argsz: sizeof(struct mbuff_list)
 * @capacity: in: room at @names, in names
 * @names: user pointer to @capacity names of MBUFF_NAME_SIZE bytes each
 * @count: out: number of areas (may exceed @capacity; then only
 *	@capacity names were written)
 * @flags: 0
 * @reserved: must be zero
 */
struct mbuff_list {
	__u32 argsz;
	__u32 capacity;
	__u64 names;
	__u32 count;
	__u32 flags;
	__u64 reserved[2];
};

/**
 * struct mbuff_sg_entry - one physically contiguous run of an area
 * @phys: its first physical address
 * @len: its length in bytes, a multiple of the page size
 */
struct mbuff_sg_entry {
	__u64 phys;
	__u64 len;
};

/**
 * struct mbuff_sglist - MBUFF_IOC_SGLIST: where an area lies in memory
 * @argsz: sizeof(struct mbuff_sglist)
 * @flags: 0
 * @name: NUL-terminated area name; empty for this file's area
 * @entries: user pointer to @capacity struct mbuff_sg_entry
 * @capacity: in: room at @entries
 * @count: out: number of runs, in the area's order (may exceed
 *	@capacity; then only @capacity were written)
 * @reserved: must be zero
 *
 * Physical addresses, for DMA engines that take a list; a device behind
 * an IOMMU needs them mapped for it.  Needs CAP_SYS_RAWIO.
 */
struct mbuff_sglist {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u64 entries;
	__u32 capacity;
	__u32 count;
	__u64 reserved[2];
};

/* struct mbuff_sync.direction, as seen from the device */
#define MBUFF_SYNC_TO_DEVICE		1	/* the CPU wrote: clean */
#define MBUFF_SYNC_FROM_DEVICE		2	/* the device wrote: invalidate */
#define MBUFF_SYNC_BIDIRECTIONAL	3	/* both */

/**
 * struct mbuff_sync - MBUFF_IOC_SYNC: cache maintenance for DMA
 * @argsz: sizeof(struct mbuff_sync)
 * @flags: 0
 * @name: NUL-terminated area name; empty for this file's area
 * @offset: first byte of the range in the area
 * @length: bytes, not 0; offset + length must lie in the area
 * @direction: MBUFF_SYNC_*
 * @pad: zero
 * @reserved: must be zero
 *
 * For devices that do not snoop the CPU caches, on a cached area.  On
 * x86 (coherent) and for write-combined or uncached areas nothing needs
 * doing, and the call only checks its arguments.  Needs a file open for
 * writing and write permission on the area.
 */
struct mbuff_sync {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u64 offset;
	__u64 length;
	__u32 direction;
	__u32 pad;
	__u64 reserved[2];
};

/* struct mbuff_perm.flags: what to change */
#define MBUFF_PERM_MODE		(1U << 0)	/* @mode */
#define MBUFF_PERM_UID		(1U << 1)	/* @uid: CAP_CHOWN */
#define MBUFF_PERM_GID		(1U << 2)	/* @gid: a group the caller is in, or CAP_CHOWN */
#define MBUFF_PERM_FLAGS	(MBUFF_PERM_MODE | MBUFF_PERM_UID | MBUFF_PERM_GID)

/**
 * struct mbuff_perm - MBUFF_IOC_SETPERM: chmod and chown an area
 * @argsz: sizeof(struct mbuff_perm)
 * @flags: MBUFF_PERM_*, at least one
 * @name: NUL-terminated area name; empty for this file's area
 * @uid: new owner (MBUFF_PERM_UID)
 * @gid: new group (MBUFF_PERM_GID)
 * @mode: new permission bits within MBUFF_MODE_MASK (MBUFF_PERM_MODE)
 * @pad: zero
 * @reserved: must be zero
 *
 * Only the owner or a caller with CAP_SYS_ADMIN may change an area, on a
 * file open for writing.  Mappings keep what they were given; every
 * request made from then on (an ioctl, read(), mmap, a doorbell write) is
 * checked against the new permissions, through files opened before too.
 */
struct mbuff_perm {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct mbuff_event - MBUFF_IOC_EVENTS, MBUFF_IOC_DOORBELL: notifications
 *	of this file's area, without its /dev/uioN
 * @argsz: sizeof(struct mbuff_event)
 * @flags: 0
 * @count: out (EVENTS): the area's event count, the number a read() of
 *	its /dev/uioN gives; the file has seen it from then on
 * @value: in (DOORBELL): the value handed to the kernel client's doorbell,
 *	as a 32-bit write() to /dev/uioN does
 * @reserved: must be zero
 *
 * poll() on /dev/mbuff reports POLLIN while the selected area's event
 * count differs from the one the file last saw (at selection, or by
 * MBUFF_IOC_EVENTS); EVENTS never blocks.  DOORBELL needs a file open for
 * writing and write permission on the area.  Both need a selected area
 * (-EINVAL without one).
 */
struct mbuff_event {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	__s32 value;
	__u64 reserved[2];
};

/**
 * struct mbuff_export - MBUFF_IOC_EXPORT: an area as a dma-buf
 * @argsz: sizeof(struct mbuff_export)
 * @flags: 0
 * @name: NUL-terminated area name; empty for this file's area
 * @fd: out: a new dma-buf descriptor (close-on-exec, open for reading
 *	and writing); it holds a file count on the area until it is closed
 *	and every importer let it go
 * @pad: zero
 * @reserved: must be zero
 *
 * Needs a file open for writing and read and write permission on the
 * area (a device may write any dma-buf it is given).  An imported area
 * is not exported again (-EOPNOTSUPP): pass its own dma-buf on.
 */
struct mbuff_export {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__s32 fd;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct mbuff_import - MBUFF_IOC_IMPORT: a dma-buf as a new named area
 * @argsz: sizeof(struct mbuff_import)
 * @flags: MBUFF_OPEN_HOLD (a user count, which keeps the area after
 *	this file, until MBUFF_IOC_DESTROY), MBUFF_OPEN_MODE (@mode)
 * @name: NUL-terminated name of the new area; -EEXIST if taken
 * @fd: in: the dma-buf descriptor; the area holds the dma-buf (the
 *	descriptor may be closed after)
 * @mode: with MBUFF_OPEN_MODE, the new area's permission bits
 * @size: out: the area's size, the dma-buf's
 * @reserved: must be zero
 *
 * The new area (backend MBUFF_BACKEND_DMABUF, cached, no physical
 * address) is selected by the file, as by MBUFF_IOC_OPEN.  It is mapped
 * through the dma-buf's exporter; a dma-buf that its exporter cannot map
 * into the kernel is refused (-EOPNOTSUPP), a descriptor that is no
 * dma-buf too (-EBADF, -EINVAL).  Needs a file open for writing.
 */
struct mbuff_import {
	__u32 argsz;
	__u32 flags;
	char name[MBUFF_NAME_SIZE];
	__s32 fd;
	__u32 mode;
	__u64 size;
	__u64 reserved[2];
};

/*
 * 0xd6: unregistered in the kernel's ioctl-number.rst.  The number
 * carries no size: @argsz does (as VFIO's do).
 */
#define MBUFF_IOC_MAGIC		0xd6
#define MBUFF_IOC_OPEN		_IO(MBUFF_IOC_MAGIC, 0x10)	/* struct mbuff_open */
#define MBUFF_IOC_DESTROY	_IO(MBUFF_IOC_MAGIC, 0x11)	/* struct mbuff_name */
#define MBUFF_IOC_INFO		_IO(MBUFF_IOC_MAGIC, 0x12)	/* struct mbuff_info */
#define MBUFF_IOC_LIST		_IO(MBUFF_IOC_MAGIC, 0x13)	/* struct mbuff_list */
#define MBUFF_IOC_NOTIFY	_IO(MBUFF_IOC_MAGIC, 0x14)	/* struct mbuff_name */
#define MBUFF_IOC_SGLIST	_IO(MBUFF_IOC_MAGIC, 0x15)	/* struct mbuff_sglist */
#define MBUFF_IOC_SYNC		_IO(MBUFF_IOC_MAGIC, 0x16)	/* struct mbuff_sync */
#define MBUFF_IOC_SETPERM	_IO(MBUFF_IOC_MAGIC, 0x17)	/* struct mbuff_perm */
#define MBUFF_IOC_EVENTS	_IO(MBUFF_IOC_MAGIC, 0x18)	/* struct mbuff_event */
#define MBUFF_IOC_DOORBELL	_IO(MBUFF_IOC_MAGIC, 0x19)	/* struct mbuff_event */
#define MBUFF_IOC_EXPORT	_IO(MBUFF_IOC_MAGIC, 0x1a)	/* struct mbuff_export */
#define MBUFF_IOC_IMPORT	_IO(MBUFF_IOC_MAGIC, 0x1b)	/* struct mbuff_import */

/*
 * The mbuff 0.7.2 ABI: plain ioctl numbers, native struct layout (on
 * x86_64: flags 0, name 4, size 40, reserved 48, 64 bytes in all).
 */
#define MBUFF_LEGACY_INFO	0	/* -ENOSYS, as in 0.7.2 */
#define MBUFF_LEGACY_ALLOCATE	1
#define MBUFF_LEGACY_DEALLOCATE	2
#define MBUFF_LEGACY_SELECT	3

struct mbuff_request_struct {
	unsigned int flags;
	char name[MBUFF_NAME_LEN + 1];
	__kernel_size_t size;
	unsigned int reserved[4];
};

#endif /* _UAPI_LINUX_MBUFF_H */
