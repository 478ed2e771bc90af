/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the files of mbuff.ko.
 *
 * Lock order, outermost first:
 *   (a creation, between the reservation of its name and its publication;
 *    who opens that name waits for it) -> mbuff_uio_lock, uio info_lock,
 *	mbuff_lock, (flush of mbuff_wq, holding no lock)
 *   (flush of mbuff_wq) -> mbuff_uio_lock -> uio info_lock -> mbuff_lock
 *   mmap_lock -> uio info_lock -> mbuff_file.lock -> mbuff_lock
 *   uio info_lock -> mbuff_area.doorbell_lock -> (the client's callback,
 *                                                 which may take mbuff_lock
 *                                                 but create no area)
 *   mbuff_lock -> mbuff_area.perm_lock, mbuff_users_lock (spinlocks)
 *   mbuff_lock -> the driver core removing an area's device (sysfs, its
 *		   remove uevent), which takes none of the module's locks
 * mbuff_lock is a leaf among the module's mutexes: no UIO registration,
 * allocation for an area or workqueue flush happens under it, because the
 * last put of an area takes it under UIO's info_lock (a /dev/uioN
 * release).  The one exception is the area's device: it leaves sysfs
 * under mbuff_lock, with the name, so that a new area of that name never
 * meets the old device there; its attributes and uevent callback take no
 * lock, and the uevent's allocations reclaim nothing of ours.  A creation holds
 * no lock while it allocates, zeroes and registers, so no other creation
 * or open waits for it but one of the same name; and only a creation that
 * found too little memory flushes mbuff_wq.
 * Taking a reference never takes a lock (the total is a refcount_t); only
 * the last put takes mbuff_lock, to take the area off the registry.  So
 * UIO's open callback, under info_lock, never waits for mbuff_lock.
 * Nothing copies to or from user space while holding mbuff_lock, because
 * a fault takes mmap_lock.
 *
 * A handler that gives its reference away (to an open file, a mapping)
 * never touches the area again: another task sharing the file may drop it
 * at once.
 */
#ifndef _MBUFF_INTERNAL_H
#define _MBUFF_INTERNAL_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio_driver.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/mbuff.h>

#define MBUFF_MAX_POOLS	8
/* Pages one fault of a user mapping maps at most, an aligned run. */
#define MBUFF_FAULT_AROUND	16
/* Most user counts, and most kernel counts, one area takes. */
#define MBUFF_MAX_COUNT	65535

struct device_node;
struct dma_buf;
struct dma_buf_attachment;
struct gen_pool;
struct sg_table;
struct vm_area_struct;
struct vm_fault;
struct mbuff_user;
struct mbuff_cma;
struct mbuff_area;
struct mbuff_open_args;

/**
 * struct mbuff_backend_ops - what a backend does for its areas
 * @contiguous: its areas are one physical run, at area->phys
 * @cached_only: its areas are cached (MBUFF_MEM_CACHED) only
 * @create: give a new area, not yet published, its memory, zeroed, and
 *	charge its creator (mbuff_quota_charge()) once the backend's own
 *	limits let it have the memory; undo both on failure.  Runs with no
 *	lock held.  Return: 0 or a negative errno (-ENOMEM and -EDQUOT make
 *	the registry wait for the teardowns under way and try again).
 * @destroy: give an area's memory back; the registry gives the charge
 *	back (mbuff_quota_uncharge())
 * @mmap: map an area into user space by other means than @vm_ops (an
 *	imported dma-buf, through its exporter), after the registry's
 *	checks; NULL for the others
 * @vm_ops: the operations of a user mapping the module makes: its open
 *	and close are mbuff_area_vm_open() and mbuff_area_vm_close(), its
 *	fault handlers the backend's; NULL when the module maps none
 * @vm_flags: the VMA flags of such a mapping; its page protection is the
 *	area's memory type (mbuff_pgprot())
 * @sglist: the physically contiguous runs of an area, for
 *	mbuff_area_sglist()
 * @sync: cache maintenance of a range the caller checked, for
 *	mbuff_area_sync()
 * @dma_map: map an area exported as a dma-buf for an importer's device;
 *	NULL when the area cannot be exported
 * @dma_unmap: undo @dma_map
 *
 * One const instance per backend, in the backend's file; area->ops points
 * to it from the area's allocation on.
 */
struct mbuff_backend_ops {
	bool contiguous;
	bool cached_only;
	int (*create)(struct mbuff_area *area,
		      const struct mbuff_open_args *args);
	void (*destroy)(struct mbuff_area *area);
	int (*mmap)(struct mbuff_area *area, struct vm_area_struct *vma,
		    unsigned long pgoff);
	const struct vm_operations_struct *vm_ops;
	vm_flags_t vm_flags;
	int (*sglist)(const struct mbuff_area *area,
		      struct mbuff_sg_entry *ents, unsigned int capacity);
	int (*sync)(struct mbuff_area *area, size_t offset, size_t len,
		    unsigned int direction);
	struct sg_table *(*dma_map)(struct mbuff_area *area,
				    struct device *dev,
				    enum dma_data_direction dir);
	void (*dma_unmap)(struct mbuff_area *area, struct device *dev,
			  struct sg_table *sgt, enum dma_data_direction dir);
};

/**
 * struct mbuff_pool - a boot-reserved physical range claimed by the module
 * @index: position in the pools= parameter, names the pool ("pool0")
 * @phys: first physical address
 * @size: length in bytes, a multiple of PAGE_SIZE
 * @gp: allocator of page-granular sub-ranges; its addresses are physical
 * @res: our busy resource in /proc/iomem
 * @kobj: /sys/class/misc/mbuff/pools/poolN
 * @name: resource name, "mbuff pool<index>"
 *
 * Pools are set up at module load and stay until unload.  Each area maps
 * its own sub-range with its own memory type, so the pool as a whole is
 * never mapped (x86 PAT would refuse a second type over one range).
 */
struct mbuff_pool {
	unsigned int index;
	phys_addr_t phys;
	size_t size;
	struct gen_pool *gp;
	struct resource *res;
	struct kobject *kobj;
	char name[24];
};

/* What keeps an area alive; it is destroyed when every count is zero. */
enum mbuff_ref {
	MBUFF_REF_USER,		/* legacy ALLOCATE, MBUFF_OPEN_HOLD */
	MBUFF_REF_KERNEL,	/* mbuff_alloc(), mbuff_area_get() */
	MBUFF_REF_FILE,		/* /dev/mbuff file with it selected, /dev/uioN */
	MBUFF_REF_MAP,		/* a user VMA */
	MBUFF_NR_REFS
};

/**
 * struct mbuff_area - a named shared-memory area
 * @dev: /sys/class/mbuff/<name>, registered from creation until the last
 *	reference goes; the release of its last reference frees the area
 * @node: entry in the list of ready areas, under mbuff_lock
 * @hnode: entry in the name index from the name's reservation on, under
 *	mbuff_lock
 * @ready: created and published: others may find it; under mbuff_lock
 * @name: the area's name
 * @size: bytes, a multiple of PAGE_SIZE
 * @backend: MBUFF_BACKEND_VMALLOC, _CONTIG, _DMABUF or _CMA
 * @ops: what @backend does, set with it (mbuff_area_set_backend())
 * @memtype: MBUFF_MEM_*; the kernel mapping and every user mapping use it
 * @vaddr: kernel mapping of the whole area
 * @phys: physical base (contiguous and CMA areas), 0 for the others
 * @pool: the pool a contiguous area was carved from
 * @cma: where a CMA area's memory came from
 * @cma_dma: the DMA address its allocation returned
 * @pages: the pages of a vmalloc or CMA area, @size / PAGE_SIZE of them
 * @dmabuf: the dma-buf of an imported area, held by it
 * @attach: its attachment to the module's device
 * @sgt: its runs, mapped for the module's device
 * @refs: counts by enum mbuff_ref
 * @total: the sum of @refs; the area is taken off the registry, under
 *	mbuff_lock, when it drops to zero, and no reference is taken after
 * @dying: @total reached zero and destroy_work is queued; under mbuff_lock
 * @uio: the area's UIO device; registered for the area's whole life
 * @uio_name: "mbuff:<name>"
 * @destroy_work: tears the area down outside the locks its last
 *	reference may have been dropped under (uio's info_lock, mmap_lock)
 * @doorbell_lock: protects @doorbell and @doorbell_data and serialises
 *	calls of @doorbell
 * @doorbell: the kernel client's callback for user-space rings
 * @doorbell_data: its argument
 * @rings: doorbell rings so far
 * @perm_lock: protects @uid, @gid and @mode
 * @uid: owner, the creator's effective uid
 * @gid: group, the creator's effective gid
 * @mode: permission bits within MBUFF_MODE_MASK
 * @charged: the quota account the area is charged to, NULL for none
 */
struct mbuff_area {
	struct device dev;
	struct list_head node;
	struct hlist_node hnode;
	bool ready;
	char name[MBUFF_NAME_LEN + 1];
	size_t size;
	unsigned int backend;
	const struct mbuff_backend_ops *ops;
	unsigned int memtype;
	void *vaddr;
	struct page **pages;
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	phys_addr_t phys;
	struct mbuff_pool *pool;
	struct mbuff_cma *cma;
	dma_addr_t cma_dma;
	atomic_t refs[MBUFF_NR_REFS];
	refcount_t total;
	bool dying;
	struct uio_info uio;
	char uio_name[MBUFF_NAME_LEN + 8];
	struct work_struct destroy_work;
	struct mutex doorbell_lock;	/* protects doorbell, doorbell_data */
	mbuff_doorbell_fn doorbell;
	void *doorbell_data;
	atomic_t rings;
	spinlock_t perm_lock;		/* protects uid, gid, mode */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	struct mbuff_user *charged;
};

/**
 * struct mbuff_open_args - what is asked of mbuff_area_open()
 * @name: valid area name
 * @size: bytes wanted; 0 to open an existing area of any size
 * @backend: MBUFF_BACKEND_*
 * @memtype: MBUFF_MEM_* for a new area
 * @flags: MBUFF_OPEN_CREATE, MBUFF_OPEN_EXCL
 * @align: physical alignment of a new contiguous area, 0 or a power of 2
 * @any_backend: accept an existing area of any backend (@backend is then
 *	only what a new area gets: the classic API)
 * @may: MAY_READ, MAY_WRITE: what an existing area must grant the caller;
 *	0 for kernel callers
 * @mode: with MBUFF_OPEN_MODE in @flags, the permission bits of a new area
 * @kernel: kernel code asks: a new area is root's and charged to nobody
 * @dmabuf: a new area imports this dma-buf (MBUFF_BACKEND_DMABUF)
 */
struct mbuff_open_args {
	const char *name;
	size_t size;
	unsigned int backend;
	unsigned int memtype;
	unsigned int flags;
	size_t align;
	bool any_backend;
	int may;
	umode_t mode;
	bool kernel;
	struct dma_buf *dmabuf;
};

/* main.c: module parameters */
extern unsigned int mbuff_max_areas;
extern unsigned long mbuff_max_vmalloc;
extern unsigned short mbuff_default_mode;
extern unsigned int mbuff_user_max_areas;
extern unsigned int mbuff_user_max_vmalloc_mb;
extern unsigned int mbuff_user_max_pool_mb;
extern unsigned int mbuff_user_max_cma_mb;
extern unsigned int mbuff_legacy_backend;
extern bool mbuff_huge_map;
extern struct workqueue_struct *mbuff_wq;

/* area.c: the registry */
extern struct mutex mbuff_lock;
const struct mbuff_backend_ops *mbuff_backend_ops(unsigned int backend);
int mbuff_check_name(const char *name);
int mbuff_area_open(const struct mbuff_open_args *args, unsigned int refmask,
		    struct mbuff_area **areap);
struct mbuff_area *mbuff_area_find(const char *name, enum mbuff_ref ref);
int mbuff_area_ref(struct mbuff_area *area, enum mbuff_ref ref);
void mbuff_area_unref(struct mbuff_area *area, enum mbuff_ref ref);
bool mbuff_area_drop(struct mbuff_area *area, enum mbuff_ref ref);
bool mbuff_area_put_kernel(struct mbuff_area *area, bool hold);

static inline unsigned int mbuff_area_count(const struct mbuff_area *area,
					    enum mbuff_ref ref)
{
	return atomic_read(&area->refs[ref]);
}

int mbuff_area_mmap(struct mbuff_area *area, struct vm_area_struct *vma,
		    unsigned long pgoff);
void mbuff_area_vm_open(struct vm_area_struct *vma);
void mbuff_area_vm_close(struct vm_area_struct *vma);
int mbuff_area_map(struct mbuff_area *area, struct vm_area_struct *vma);
#ifdef MBUFF_HAVE_UIO_MMAP_PREPARE
int mbuff_area_mmap_prepare(struct mbuff_area *area,
			    struct vm_area_desc *desc);
#endif
size_t mbuff_areas_names(char *buf, size_t capacity, size_t *count);

/* perm.c: owners, modes and per-user quotas */
void mbuff_perm_init(struct mbuff_area *area,
		     const struct mbuff_open_args *args);
int mbuff_area_permission(struct mbuff_area *area, int may);
bool mbuff_area_owned(struct mbuff_area *area);
void mbuff_area_perm_get(struct mbuff_area *area, kuid_t *uid, kgid_t *gid,
			 umode_t *mode);
int mbuff_area_setperm(struct mbuff_area *area, unsigned int flags,
		       kuid_t uid, kgid_t gid, umode_t mode);
int mbuff_quota_charge(struct mbuff_area *area, bool kernel);
void mbuff_quota_uncharge(struct mbuff_area *area);
bool mbuff_may_see_phys(void);

/*
 * backend_vmalloc.c, backend_reserved.c, backend_cma.c, dmabuf.c: the
 * backends.  CMA and imported dma-bufs exist where the kernel has them;
 * mbuff_backend_ops() takes care of the others.
 */
/*
 * The VMA flags of their user mappings: ordinary pages, or what
 * remap_pfn_range() would set; either way the pages come at fault time.
 */
#define MBUFF_VMALLOC_VM_FLAGS	(VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP)
#define MBUFF_RESERVED_VM_FLAGS	(VM_IO | VM_PFNMAP | VM_DONTEXPAND | \
				 VM_DONTDUMP)
extern const struct mbuff_backend_ops mbuff_vmalloc_ops;
extern const struct mbuff_backend_ops mbuff_reserved_ops;
extern const struct mbuff_backend_ops mbuff_cma_ops;
extern const struct mbuff_backend_ops mbuff_dmabuf_import_ops;
/* Mappings of physically contiguous areas (contiguous and CMA). */
extern const struct vm_operations_struct mbuff_reserved_vm_ops;
bool mbuff_have_pools(void);

/* backend_cma.c: where the DMA API allocates from CMA */
#ifdef CONFIG_DMA_CMA
const char *mbuff_cma_name(const struct mbuff_area *area);
int mbuff_cma_add_region(struct device *parent, struct device_node *np,
			 int idx, const char *name, phys_addr_t base,
			 size_t size);
int mbuff_cma_init(void);
void mbuff_cma_exit(void);
#else
static inline const char *mbuff_cma_name(const struct mbuff_area *area)
{
	return "";
}

static inline int mbuff_cma_add_region(struct device *parent,
				       struct device_node *np, int idx,
				       const char *name, phys_addr_t base,
				       size_t size)
{
	dev_err(parent, "reserved-memory %s is reusable (CMA), and the kernel has no CMA\n",
		name);
	return -EOPNOTSUPP;
}

static inline int mbuff_cma_init(void)
{
	return 0;
}

static inline void mbuff_cma_exit(void)
{
}
#endif

/* pool.c */
int mbuff_pools_init(const char *spec);
int mbuff_pool_add(phys_addr_t phys, size_t size);
void mbuff_pools_exit(void);
unsigned int mbuff_nr_pools_claimed(void);
struct mbuff_pool *mbuff_pool_get(unsigned int i);

/* names.c: the names of backends and memory types (<mbuff/vocab.h>) */
const char *mbuff_backend_name(unsigned int backend);
const char *mbuff_memtype_name(unsigned int memtype);
int mbuff_backend_from_name(const char *name, unsigned int allowed);
int mbuff_memtype_from_name(const char *name);

/* sysfs.c */
int mbuff_sysfs_init(struct device *dev);
void mbuff_sysfs_exit(void);
int mbuff_sysfs_add_area(struct mbuff_area *area);
void mbuff_sysfs_del_area(struct mbuff_area *area);
void mbuff_sysfs_changed(struct mbuff_area *area);
void mbuff_sysfs_free_area(struct mbuff_area *area);
int mbuff_sysfs_add_pool(struct mbuff_pool *pool);
void mbuff_sysfs_del_pool(struct mbuff_pool *pool);

/* ctl.c, legacy.c: /dev/mbuff */
struct mbuff_file {
	struct mutex lock;		/* protects area, seen */
	struct mbuff_area *area;	/* selected; holds a MBUFF_REF_FILE */
	u32 seen;			/* the area's event count last seen */
};

int mbuff_ctl_init(void);
void mbuff_ctl_exit(void);
struct device *mbuff_ctl_device(void);
void mbuff_file_select(struct mbuff_file *mf, struct mbuff_area *area);
long mbuff_legacy_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg);
long mbuff_legacy_compat_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg);

/* of.c: the device-tree binding, where reserved memory comes from DT */
#ifdef CONFIG_OF_RESERVED_MEM
int mbuff_of_init(void);
void mbuff_of_exit(void);
#else
static inline int mbuff_of_init(void)
{
	return 0;
}

static inline void mbuff_of_exit(void)
{
}
#endif

/* debugfs.c: figures for measuring */
void mbuff_debugfs_init(void);
void mbuff_debugfs_exit(void);
void mbuff_stat_zeroed(size_t bytes, u64 ns);

/* event.c: notifications, doorbells */
void mbuff_events_init(void);
wait_queue_head_t *mbuff_event_waitq(const struct mbuff_area *area);
u32 mbuff_event_count(const struct mbuff_area *area);
void mbuff_event_signal(struct mbuff_area *area);
int mbuff_event_doorbell(struct mbuff_area *area, s32 value);

/*
 * dmabuf.c: areas as dma-bufs, dma-bufs as areas.  Without dma-buf in
 * the kernel, export and import are refused and no area is a dma-buf's.
 */
#ifdef CONFIG_DMA_SHARED_BUFFER
#define MBUFF_HAVE_DMABUF	true
int mbuff_dmabuf_export(struct mbuff_area *area);
struct dma_buf *mbuff_dmabuf_get(int fd);
void mbuff_dmabuf_put(struct dma_buf *dmabuf);
#else
#define MBUFF_HAVE_DMABUF	false
static inline int mbuff_dmabuf_export(struct mbuff_area *area)
{
	return -EOPNOTSUPP;
}

static inline struct dma_buf *mbuff_dmabuf_get(int fd)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void mbuff_dmabuf_put(struct dma_buf *dmabuf)
{
}

#endif

/* dma.c: the backends' DMA operations they share */
long mbuff_ioc_sglist(struct mbuff_area *area, struct mbuff_sglist *req);
int mbuff_sglist_run(const struct mbuff_area *area,
		     struct mbuff_sg_entry *ents, unsigned int capacity);
int mbuff_sync_cache(struct mbuff_area *area, size_t offset, size_t len,
		     unsigned int direction);
struct sg_table *mbuff_dma_map_pages(struct mbuff_area *area,
				     struct device *dev,
				     enum dma_data_direction dir);
void mbuff_dma_unmap_pages(struct mbuff_area *area, struct device *dev,
			   struct sg_table *sgt, enum dma_data_direction dir);
struct sg_table *mbuff_dma_map_run(struct mbuff_area *area,
				   struct device *dev,
				   enum dma_data_direction dir);
void mbuff_dma_unmap_run(struct mbuff_area *area, struct device *dev,
			 struct sg_table *sgt, enum dma_data_direction dir);

/* uio/area_uio.c */
int mbuff_uio_add(struct mbuff_area *area, struct device *parent);
void mbuff_uio_remove(struct mbuff_area *area);

/* Physically contiguous, with a fixed physical address: area->phys. */
static inline bool mbuff_area_contiguous(const struct mbuff_area *area)
{
	return area->ops->contiguous;
}

#endif /* _MBUFF_INTERNAL_H */
