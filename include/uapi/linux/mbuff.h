/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mbuff: the /dev/mbuff ABI shared by the module and user space.
 *
 * Data only: fixed-width types, explicit padding, every struct a multiple
 * of 8 bytes, reserved fields that must be zero.  The legacy mbuff 0.7.2
 * ioctls (raw numbers 0 to 3) are served on the same device; their request
 * structure is the native-layout struct mbuff_request_struct below.
 */
#ifndef _UAPI_LINUX_MBUFF_H
#define _UAPI_LINUX_MBUFF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MBUFF_ABI_VERSION	1

/* Names: 1 to MBUFF_NAME_LEN printable ASCII bytes, no '/' or space. */
#define MBUFF_NAME_LEN		32
#define MBUFF_NAME_SIZE		40	/* MBUFF_NAME_LEN + NUL, padded */

/* Backends */
/* Any: contiguous if a pool has room, else vmalloc (for cached areas). */
#define MBUFF_BACKEND_ANY	0
#define MBUFF_BACKEND_VMALLOC	1
#define MBUFF_BACKEND_CONTIG	2	/* boot-reserved memory, fixed physical address */

/* Memory types: the kernel and every user mapping of an area agree. */
#define MBUFF_MEM_CACHED	0	/* write-back (default) */
#define MBUFF_MEM_WC		1	/* write-combined; contiguous areas only */
#define MBUFF_MEM_UNCACHED	2	/* uncached; contiguous areas only */

/* struct mbuff_open.flags */
#define MBUFF_OPEN_CREATE	(1U << 0)	/* create the area if it does not exist */
#define MBUFF_OPEN_EXCL		(1U << 1)	/* with CREATE: fail if it exists */
#define MBUFF_OPEN_HOLD		(1U << 2)	/* take a user count (dropped by DESTROY) */
#define MBUFF_OPEN_FLAGS	(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD)

/* struct mbuff_info.features */
#define MBUFF_FEAT_VMALLOC	(1ULL << 0)
#define MBUFF_FEAT_CONTIG	(1ULL << 1)	/* at least one pool is claimed */
#define MBUFF_FEAT_UIO		(1ULL << 2)
#define MBUFF_FEAT_LEGACY	(1ULL << 3)	/* 0.7.2 ioctls 0..3 */
#define MBUFF_FEAT_WC		(1ULL << 4)
#define MBUFF_FEAT_UNCACHED	(1ULL << 5)
#define MBUFF_FEAT_SGLIST	(1ULL << 6)	/* MBUFF_IOC_SGLIST */
#define MBUFF_FEAT_SYNC		(1ULL << 7)	/* MBUFF_IOC_SYNC */

/**
 * struct mbuff_open - MBUFF_IOC_OPEN: open, or create, an area by name
 * @name: NUL-terminated area name
 * @size: in: bytes wanted (0: any size when opening an existing area);
 *	out: the area's size, a multiple of the page size
 * @backend: in: MBUFF_BACKEND_*; out: the area's backend
 * @memtype: in: MBUFF_MEM_* for a new area; out: the area's memory type
 * @flags: MBUFF_OPEN_*
 * @align: in: physical alignment in bytes for a new contiguous area, a
 *	power of two, 0 for the page size
 * @reserved: must be zero
 *
 * On success the area becomes the one this file maps (mmap offset 0 is
 * its first byte) and reports on; the open file keeps it alive.
 */
struct mbuff_open {
	char name[MBUFF_NAME_SIZE];
	__u64 size;
	__u32 backend;
	__u32 memtype;
	__u32 flags;
	__u32 align;
	__u64 reserved[4];
};

/**
 * struct mbuff_name - MBUFF_IOC_DESTROY, MBUFF_IOC_NOTIFY: an area by name
 * @name: NUL-terminated area name; empty for this file's area
 * @reserved: must be zero
 */
struct mbuff_name {
	char name[MBUFF_NAME_SIZE];
	__u64 reserved[2];
};

/**
 * struct mbuff_info - MBUFF_IOC_INFO: the module and one area
 * @name: in: area name, empty for this file's area, "" with no area
 *	selected to ask about the module only
 * @abi_version: out: MBUFF_ABI_VERSION
 * @uio_index: out: N of /dev/uioN (check /sys/class/uio/uioN/name)
 * @features: out: MBUFF_FEAT_*
 * @size: out: area size in bytes
 * @phys_addr: out: physical base of a contiguous area, 0 otherwise
 * @backend: out: MBUFF_BACKEND_VMALLOC or MBUFF_BACKEND_CONTIG
 * @memtype: out: MBUFF_MEM_*
 * @users: out: user counts (legacy ALLOCATE, MBUFF_OPEN_HOLD)
 * @kernel_users: out: kernel counts (mbuff_alloc(), mbuff_area_get())
 * @files: out: open files (/dev/mbuff, /dev/uioN) holding the area
 * @maps: out: live user mappings
 * @reserved: must be zero on input
 *
 * With no area named or selected, only @abi_version and @features are
 * filled and the ioctl returns 0; @size is then 0.
 */
struct mbuff_info {
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
	__u64 reserved[4];
};

/**
 * struct mbuff_list - MBUFF_IOC_LIST: the names of all areas
 * @names: user pointer to @capacity names of MBUFF_NAME_SIZE bytes each
 * @capacity: in: room at @names, in names
 * @count: out: number of areas (may exceed @capacity; then only
 *	@capacity names were written)
 * @reserved: must be zero
 */
struct mbuff_list {
	__u64 names;
	__u32 capacity;
	__u32 count;
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
 * @name: NUL-terminated area name; empty for this file's area
 * @offset: first byte of the range in the area
 * @length: bytes, not 0; offset + length must lie in the area
 * @direction: MBUFF_SYNC_*
 * @flags: 0
 * @reserved: must be zero
 *
 * For devices that do not snoop the CPU caches, on a cached area.  On
 * x86 (coherent) and for write-combined or uncached areas nothing needs
 * doing, and the call only checks its arguments.
 */
struct mbuff_sync {
	char name[MBUFF_NAME_SIZE];
	__u64 offset;
	__u64 length;
	__u32 direction;
	__u32 flags;
	__u64 reserved[2];
};

#define MBUFF_IOC_MAGIC		0xb6
#define MBUFF_IOC_OPEN		_IOWR(MBUFF_IOC_MAGIC, 0x10, struct mbuff_open)
#define MBUFF_IOC_DESTROY	_IOW(MBUFF_IOC_MAGIC, 0x11, struct mbuff_name)
#define MBUFF_IOC_INFO		_IOWR(MBUFF_IOC_MAGIC, 0x12, struct mbuff_info)
#define MBUFF_IOC_LIST		_IOWR(MBUFF_IOC_MAGIC, 0x13, struct mbuff_list)
#define MBUFF_IOC_NOTIFY	_IOW(MBUFF_IOC_MAGIC, 0x14, struct mbuff_name)
#define MBUFF_IOC_SGLIST	_IOWR(MBUFF_IOC_MAGIC, 0x15, struct mbuff_sglist)
#define MBUFF_IOC_SYNC		_IOW(MBUFF_IOC_MAGIC, 0x16, struct mbuff_sync)

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
