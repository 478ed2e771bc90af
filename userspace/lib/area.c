// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The modern API: open an area by name from one of three sources and use
 * it through an opaque handle.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

/* The ABI's layouts (version 2), as the module pins them. */
_Static_assert(sizeof(struct mbuff_open) == 104, "struct mbuff_open");
_Static_assert(sizeof(struct mbuff_name) == 64, "struct mbuff_name");
_Static_assert(sizeof(struct mbuff_info) == 152, "struct mbuff_info");
_Static_assert(sizeof(struct mbuff_list) == 40, "struct mbuff_list");
_Static_assert(sizeof(struct mbuff_sglist) == 80, "struct mbuff_sglist");
_Static_assert(sizeof(struct mbuff_sync) == 88, "struct mbuff_sync");
_Static_assert(sizeof(struct mbuff_perm) == 80, "struct mbuff_perm");
_Static_assert(sizeof(struct mbuff_event) == 32, "struct mbuff_event");
_Static_assert(sizeof(struct mbuff_export) == 72, "struct mbuff_export");
_Static_assert(sizeof(struct mbuff_import) == 80, "struct mbuff_import");
_Static_assert(offsetof(struct mbuff_open, name) == 8 &&
	       offsetof(struct mbuff_info, name) == 8 &&
	       offsetof(struct mbuff_perm, name) == 8 &&
	       offsetof(struct mbuff_export, name) == 8 &&
	       offsetof(struct mbuff_import, name) == 8, "names after argsz, flags");
_Static_assert(sizeof(struct mbuff_ring_ctl) == 3 * MBUFF_RING_LINE,
	       "struct mbuff_ring_ctl");
_Static_assert(offsetof(struct mbuff_ring_ctl, cons) == 2 * MBUFF_RING_LINE,
	       "mbuff_ring_ctl.cons");

static int mbuff_env_source(void)
{
	const char *s = getenv("MBUFF_SOURCE");

	if (!s || !*s || !strcmp(s, "auto"))
		return MBUFF_SOURCE_AUTO;
	if (!strcmp(s, "module"))
		return MBUFF_SOURCE_MODULE;
	if (!strcmp(s, "devmem"))
		return MBUFF_SOURCE_DEVMEM;
	if (!strcmp(s, "process"))
		return MBUFF_SOURCE_PROCESS;
	return mbuff_fail(EINVAL, "MBUFF_SOURCE=%.20s: use module, devmem, process or auto",
			  s);
}

/*
 * The automatic choice: MBUFF_SOURCE if set; an area named in MBUFF_DEVMEM
 * comes from /dev/mem; else the module when /dev/mbuff exists; else
 * process-only memory - but never for a request of contiguous memory,
 * which only the module or /dev/mem can give, nor of a CMA area or an
 * imported dma-buf, which only the module can.  *@dev is whether
 * /dev/mbuff exists, -1 until that was looked at.
 * Return: the source, or -errno with the reason recorded.
 */
static int mbuff_pick(const char *name, unsigned int source,
		      unsigned int backend, int *dev)
{
	uint64_t size, phys;
	int env, ret;

	if (source != MBUFF_SOURCE_AUTO)
		return (int)source;
	env = mbuff_env_source();
	if (env != MBUFF_SOURCE_AUTO)
		return env;
	if (name) {
		ret = mbuff_devmem_find(getenv("MBUFF_DEVMEM"), name, &size,
					&phys);
		if (!ret)
			return MBUFF_SOURCE_DEVMEM;
		if (ret != -ENOENT)
			return mbuff_ret(ret);	/* a malformed MBUFF_DEVMEM */
	}
	/* AT_EACCESS: no credentials to switch for a test of existence. */
	if (*dev < 0)
		*dev = !faccessat(AT_FDCWD, "/dev/mbuff", F_OK, AT_EACCESS);
	if (*dev)
		return MBUFF_SOURCE_MODULE;
	if (backend == MBUFF_BACKEND_CONTIG)
		return mbuff_fail(ENODEV,
				  "contiguous memory for '%s' needs mbuff.ko (/dev/mbuff) or MBUFF_DEVMEM",
				  name ? name : "");
	if (backend == MBUFF_BACKEND_DMABUF)
		return mbuff_fail(ENODEV, "dma-buf area '%s' needs mbuff.ko (/dev/mbuff)",
				  name ? name : "");
	if (backend == MBUFF_BACKEND_CMA)
		return mbuff_fail(ENODEV, "CMA area '%s' needs mbuff.ko (/dev/mbuff)",
				  name ? name : "");
	return MBUFF_SOURCE_PROCESS;
}

int mbuff_pick_source(const char *name, unsigned int source,
		      unsigned int backend)
{
	int dev = -1;

	return mbuff_pick(name, source, backend, &dev);
}

const struct mbuff_source_ops *mbuff_source_ops(unsigned int source)
{
	switch (source) {
	case MBUFF_SOURCE_MODULE:
		return &mbuff_module_ops;
	case MBUFF_SOURCE_DEVMEM:
		return &mbuff_devmem_ops;
	case MBUFF_SOURCE_PROCESS:
		return &mbuff_process_ops;
	default:
		return NULL;
	}
}

/*
 * The caller's options in @o, from a struct of any size from the first
 * release's on; NULL gives the defaults.  Return: 0 or -EINVAL.
 */
static int mbuff_opts_get(struct mbuff_opts *o, const struct mbuff_opts *opts)
{
	memset(o, 0, sizeof(*o));
	if (opts) {
		if (opts->sz < MBUFF_OPTS_SZ_0_1 || opts->sz > sizeof(*o))
			return mbuff_fail(EINVAL, "struct mbuff_opts of unknown size %zu",
					  opts->sz);
		memcpy(o, opts, opts->sz);
	}
	o->sz = sizeof(*o);
	return 0;
}

/* The checks of @o->mode and @o->prot that opening and importing share. */
static int mbuff_opts_check_perm(const struct mbuff_opts *o, const char *what,
				 const char *name)
{
	/* A 0.1 caller's struct ends before @mode: read it with the flag only. */
	if ((o->flags & MBUFF_OPEN_MODE) &&
	    (o->mode & ~(mode_t)MBUFF_MODE_MASK))
		return mbuff_fail(EINVAL, "cannot %s '%s': mode %#o is not within %#o (read and write bits)",
				  what, name, (unsigned int)o->mode,
				  MBUFF_MODE_MASK);
	if (o->prot != 0 && o->prot != PROT_READ &&
	    o->prot != (PROT_READ | PROT_WRITE))
		return mbuff_fail(EINVAL, "cannot %s '%s': prot %#x is not PROT_READ or PROT_READ | PROT_WRITE",
				  what, name, o->prot);
	return 0;
}

/* A new handle of @source, nothing open yet; NULL with a message. */
static struct mbuff_area *mbuff_area_new(const char *name, int source,
					 bool writable)
{
	struct mbuff_area *area = calloc(1, sizeof(*area));

	if (!area) {
		mbuff_fail(ENOMEM, "cannot open '%s'", name);
		return NULL;
	}
	strcpy(area->name, name);
	area->source = (unsigned int)source;
	area->ops = mbuff_source_ops(area->source);
	area->fd = -1;
	area->uio_fd = -1;
	area->writable = writable;
	return area;
}

/**
 * mbuff_area_open() - open, or create, a named area
 * @name: area name
 * @size: bytes wanted (0: an existing area of any size)
 * @opts: options, or NULL
 * @areap: the handle, on success
 *
 * Return: 0 or -errno.
 */
MBUFF_EXPORT int mbuff_area_open(const char *name, size_t size,
				 const struct mbuff_opts *opts,
				 struct mbuff_area **areap)
{
	struct mbuff_opts o;
	struct mbuff_area *area;
	int source, ret;

	if (!areap)
		return mbuff_fail(EINVAL, "no handle pointer");
	*areap = NULL;
	ret = mbuff_opts_get(&o, opts);
	if (ret)
		return ret;
	ret = mbuff_name_check(name);
	if (ret)
		return ret;
	if (o.flags & ~MBUFF_OPEN_FLAGS || o.backend > MBUFF_BACKEND_CMA ||
	    o.memtype > MBUFF_MEM_UNCACHED || o.source > MBUFF_SOURCE_PROCESS ||
	    (o.align & (o.align - 1)))
		return mbuff_fail(EINVAL, "cannot open '%s': bad options", name);
	ret = mbuff_opts_check_perm(&o, "open", name);
	if (ret)
		return ret;
	if (o.prot == PROT_READ &&
	    (o.flags & (MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD)))
		return mbuff_fail(EINVAL, "cannot open '%s': a read-only handle cannot create an area nor hold it",
				  name);

	source = mbuff_pick_source(name, o.source, o.backend);
	if (source < 0)
		return source;
	area = mbuff_area_new(name, source, o.prot != PROT_READ);
	if (!area)
		return -ENOMEM;
	ret = area->ops->open(area, size, &o);
	if (ret) {
		free(area);
		return mbuff_ret(ret);
	}
	*areap = area;
	return 0;
}

/* What an import may be asked for: it always makes a new area. */
#define MBUFF_IMPORT_FLAGS	(MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | \
				 MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE)

/* The name of a source that cannot import, for the message. */
static const char *mbuff_source_what(int source)
{
	return source == MBUFF_SOURCE_DEVMEM ? "a /dev/mem range (devmem source)" :
	       "process-only memory (process source)";
}

/**
 * mbuff_import() - a dma-buf as a new named area, and a handle of it
 * @name: the new area's name (-EEXIST if taken)
 * @dmabuf_fd: a dma-buf descriptor; the area holds the dma-buf, so the
 *	caller may close it afterwards
 * @opts: options, or NULL: MBUFF_OPEN_HOLD, MBUFF_OPEN_MODE with @mode,
 *	and @prot are used; MBUFF_OPEN_CREATE and _EXCL are what an import
 *	does anyway; @backend is 0 or MBUFF_BACKEND_DMABUF, @memtype cached,
 *	@align 0, @source the module's or automatic
 * @areap: the handle, on success, mapped as by mbuff_area_open()
 *
 * Return: 0 or -errno.
 */
MBUFF_EXPORT int mbuff_import(const char *name, int dmabuf_fd,
			      const struct mbuff_opts *opts,
			      struct mbuff_area **areap)
{
	struct mbuff_opts o;
	struct mbuff_area *area;
	int source, ret;

	if (!areap)
		return mbuff_fail(EINVAL, "no handle pointer");
	*areap = NULL;
	ret = mbuff_opts_get(&o, opts);
	if (ret)
		return ret;
	ret = mbuff_name_check(name);
	if (ret)
		return ret;
	if (o.flags & ~MBUFF_IMPORT_FLAGS || o.memtype > MBUFF_MEM_UNCACHED ||
	    o.source > MBUFF_SOURCE_PROCESS)
		return mbuff_fail(EINVAL, "cannot import '%s': bad options", name);
	if (o.backend != MBUFF_BACKEND_ANY && o.backend != MBUFF_BACKEND_DMABUF)
		return mbuff_fail(EINVAL, "cannot import '%s': its backend is MBUFF_BACKEND_DMABUF, not %u",
				  name, o.backend);
	if (o.align)
		return mbuff_fail(EINVAL, "cannot import '%s': an alignment is for new contiguous areas only",
				  name);
	if (o.memtype != MBUFF_MEM_CACHED)
		return mbuff_fail(EOPNOTSUPP, "cannot import '%s': an imported area is cached",
				  name);
	ret = mbuff_opts_check_perm(&o, "import", name);
	if (ret)
		return ret;
	if (dmabuf_fd < 0 || fcntl(dmabuf_fd, F_GETFD) < 0)
		return mbuff_fail(EBADF, "cannot import '%s': descriptor %d is not open",
				  name, dmabuf_fd);

	source = mbuff_pick_source(name, o.source, MBUFF_BACKEND_DMABUF);
	if (source < 0)
		return source;
	if (source != MBUFF_SOURCE_MODULE)
		return mbuff_fail(EOPNOTSUPP, "cannot import '%s': only mbuff.ko imports dma-bufs, not %s",
				  name, mbuff_source_what(source));
	area = mbuff_area_new(name, source, o.prot != PROT_READ);
	if (!area)
		return -ENOMEM;
	ret = mbuff_module_import(area, dmabuf_fd, &o);
	if (ret) {
		free(area);
		return mbuff_ret(ret);
	}
	*areap = area;
	return 0;
}

/**
 * mbuff_area_dmabuf() - a new dma-buf descriptor of an area
 * @area: a writable handle (module source)
 *
 * The descriptor (close-on-exec, open for reading and writing) is the
 * caller's to close; the dma-buf holds the area until it is closed and
 * every importer let it go.
 *
 * Return: the descriptor, or -errno: -EOPNOTSUPP for the other sources,
 * an imported area and a module without dma-buf support, -EBADF for a
 * read-only handle, -EACCES when the area's mode no longer lets the
 * caller read and write it.
 */
MBUFF_EXPORT int mbuff_area_dmabuf(const struct mbuff_area *area)
{
	if (!area)
		return mbuff_fail(EINVAL, "no handle");
	if (!area->ops->dmabuf)
		return mbuff_fail(EOPNOTSUPP, "cannot export '%s': only areas of mbuff.ko are dma-bufs, not %s",
				  area->name,
				  mbuff_source_what((int)area->source));
	return mbuff_ret(area->ops->dmabuf(area));
}

/**
 * mbuff_area_close() - unmap an area and free its handle
 * @area: the handle, or NULL
 *
 * The area itself goes when nothing else holds it (module and process
 * sources: a user count taken with MBUFF_OPEN_HOLD stays).
 */
MBUFF_EXPORT void mbuff_area_close(struct mbuff_area *area)
{
	if (!area)
		return;
	if (area->view)
		munmap(area->view, area->view_len);
	area->ops->close(area);
	free(area);
}

/*
 * Map the ring's control page and its @size bytes of data, then the data
 * once more right after itself: *@base is the control page.  One view per
 * handle; it lives until mbuff_area_close().
 */
int mbuff_ring_view(struct mbuff_area *area, size_t size, char **base)
{
	size_t ctl = MBUFF_RING_CTL_SIZE;
	char *b, *p;
	int ret, prot;

	if (area->view)
		return mbuff_fail(EBUSY, "area '%s' has a ring view already",
				  area->name);
	/* Reserve room for both copies, then map the area over it twice. */
	b = mmap(NULL, ctl + 2 * size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b == MAP_FAILED)
		return mbuff_fail(errno, "area '%s': no room for a ring view",
				  area->name);
	prot = PROT_READ | (area->writable ? PROT_WRITE : 0);
	p = mmap(b, ctl + size, prot, MAP_SHARED | MAP_FIXED, area->fd,
		 area->fd_offset);
	if (p != MAP_FAILED)
		p = mmap(b + ctl + size, size, prot, MAP_SHARED | MAP_FIXED,
			 area->fd, area->fd_offset + (off_t)ctl);
	if (p == MAP_FAILED) {
		ret = mbuff_fail(errno, "area '%s': cannot map the ring twice",
				 area->name);
		munmap(b, ctl + 2 * size);
		return ret;
	}
	area->view = b;
	area->view_len = ctl + 2 * size;
	*base = b;
	return 0;
}

__asm__(".symver mbuff_area_ring_attach, mbuff_area_ring_attach@@@MBUFF_0.3");

/**
 * mbuff_area_ring_attach() - attach to the ring in an area
 * @area: the handle
 * @ring: the view to fill (see <mbuff/ring.h>)
 * @flags: MBUFF_RING_VIEW_DOUBLED to map the ring's data a second time
 *	right after itself (records of format 2 never wrap, so only code
 *	that reads past a record's end needs it)
 *
 * The doubled view lives until mbuff_area_close(); one per handle.  The
 * ring must have been set up (mbuff_ring_format()) by the side that
 * created the area.
 *
 * Return: 0, or -EAGAIN (no ring set up in the area yet), -EPROTO (a ring
 * of another format), -EINVAL (not a valid ring, or unknown flags),
 * -EBADF (a read-only handle: both sides write the control page), -EBUSY
 * (a view exists), -errno of mmap.
 */
MBUFF_EXPORT int mbuff_area_ring_attach(struct mbuff_area *area,
					struct mbuff_ring *ring,
					unsigned int flags)
{
	struct mbuff_ring r;
	char *base;
	int ret;

	if (flags & ~MBUFF_RING_VIEW_DOUBLED)
		return mbuff_fail(EINVAL, "area '%s': unknown ring flags", area->name);
	/* Both sides store their index into the control page. */
	if (!area->writable)
		return mbuff_fail(EBADF, "area '%s': a ring needs a writable handle",
				  area->name);
	ret = mbuff_ring_attach(&r, area->addr, area->size);
	if (ret == -EPROTO)
		return mbuff_fail(EPROTO, "area '%s' holds a ring of format %u, not %u",
				  area->name,
				  ((struct mbuff_ring_ctl *)area->addr)->version,
				  MBUFF_RING_VERSION);
	if (ret)
		return mbuff_fail(-ret, "area '%s' holds no %sring%s", area->name,
				  ret == -EINVAL ? "valid " : "",
				  ret == -EAGAIN ? " yet" : "");
	if (flags & MBUFF_RING_VIEW_DOUBLED) {
		ret = mbuff_ring_view(area, (size_t)r.mask + 1, &base);
		if (ret)
			return ret;
		r.ctl = (struct mbuff_ring_ctl *)base;
		r.data = (unsigned char *)base + MBUFF_RING_CTL_SIZE;
		r.doubled = 1;
	}
	*ring = r;
	return 0;
}

MBUFF_EXPORT void *mbuff_area_addr(const struct mbuff_area *area)
{
	return area->addr;
}

MBUFF_EXPORT size_t mbuff_area_size(const struct mbuff_area *area)
{
	return area->size;
}

/**
 * mbuff_area_phys() - the physical base of an area
 * @area: the handle
 * @phys: the address, on success
 *
 * Return: 0, or -ENODATA when the area has none (vmalloc or process-only),
 * -EPERM when the module hides it from a caller without CAP_SYS_RAWIO.
 */
MBUFF_EXPORT int mbuff_area_phys(const struct mbuff_area *area, uint64_t *phys)
{
	if (!area->phys && area->source == MBUFF_SOURCE_MODULE &&
	    (area->backend == MBUFF_BACKEND_CONTIG ||
	     area->backend == MBUFF_BACKEND_CMA))
		return mbuff_fail(EPERM, "the physical address of '%s' is only for CAP_SYS_RAWIO",
				  area->name);
	if (!area->phys)
		return mbuff_fail(ENODATA, "area '%s' has no physical address",
				  area->name);
	*phys = area->phys;
	return 0;
}

/* An information struct with nothing known yet but @name and @source. */
static void mbuff_info_init(struct mbuff_area_info *info, const char *name,
			    unsigned int source)
{
	memset(info, 0, sizeof(*info));
	strcpy(info->name, name);
	info->source = source;
	info->uid = (uid_t)-1;
	info->gid = (gid_t)-1;
	info->mode = (mode_t)-1;
}

/* -EINVAL for no @info, or an @info->sz below the first version's (0.2). */
static int mbuff_info_check(const struct mbuff_area_info *info,
			    const char *name)
{
	if (!info)
		return mbuff_fail(EINVAL, "area '%s': no information struct",
				  name);
	if (info->sz < MBUFF_AREA_INFO_SZ_0_2)
		return mbuff_fail(EINVAL, "area '%s': struct mbuff_area_info of unknown size %zu (set sz to its sizeof)",
				  name, info->sz);
	return 0;
}

/* As much of @full as the caller's @info holds, by its @info->sz. */
static void mbuff_info_out(struct mbuff_area_info *info,
			   struct mbuff_area_info *full)
{
	full->sz = info->sz < sizeof(*full) ? info->sz : sizeof(*full);
	memcpy(info, full, full->sz);
}

/*
 * The default version since 0.2; compat.c has the 0.1 one.  The "@@@"
 * renames rather than aliases, so that the static library defines
 * mbuff_area_info for static links too.
 */
__asm__(".symver mbuff_area_info, mbuff_area_info@@@MBUFF_0.2");

/**
 * mbuff_area_info() - what an area is, who owns it and what holds it
 * @area: the handle
 * @info: @info->sz set to sizeof(struct mbuff_area_info) by the caller
 *
 * Fills as much of @info as both the caller and the library know, and
 * sets @info->sz to that many bytes.
 *
 * Return: 0, or -EINVAL for an @info->sz below the first version's (0.2),
 * or the module's error.  @info is left alone on error.
 */
MBUFF_EXPORT int mbuff_area_info(const struct mbuff_area *area,
				 struct mbuff_area_info *info)
{
	struct mbuff_area_info full;
	int ret;

	ret = mbuff_info_check(info, area->name);
	if (ret)
		return ret;
	mbuff_info_init(&full, area->name, area->source);
	full.size = area->size;
	full.phys_addr = area->phys;
	full.backend = area->backend;
	full.memtype = area->memtype;
	ret = area->ops->info ? area->ops->info(area, &full) : 0;
	if (ret)
		return mbuff_ret(ret);
	mbuff_info_out(info, &full);
	return 0;
}

void mbuff_stat_batch_init(struct mbuff_stat_batch *b, unsigned int source)
{
	memset(b, 0, sizeof(*b));
	b->source = source;
	b->dev = -1;
	b->ctl = -1;
}

void mbuff_stat_batch_end(struct mbuff_stat_batch *b)
{
	int err = errno;

	if (b->ctl >= 0)
		close(b->ctl);
	b->ctl = -1;
	errno = err;
}

/* mbuff_stat() of @name, with what @b kept from the names before. */
int mbuff_stat_batch(struct mbuff_stat_batch *b, const char *name,
		     struct mbuff_area_info *info)
{
	struct mbuff_area_info full;
	int s, ret;

	ret = mbuff_name_check(name);
	if (ret)
		return ret;
	ret = mbuff_info_check(info, name);
	if (ret)
		return ret;
	if (b->source > MBUFF_SOURCE_PROCESS)
		return mbuff_fail(EINVAL, "cannot stat '%s': unknown source %u",
				  name, b->source);
	s = mbuff_pick(name, b->source, MBUFF_BACKEND_ANY, &b->dev);
	if (s < 0)
		return s;
	mbuff_info_init(&full, name, (unsigned int)s);
	ret = mbuff_source_ops((unsigned int)s)->stat(b, name, &full);
	if (ret)
		return mbuff_ret(ret);
	mbuff_info_out(info, &full);
	return 0;
}

/**
 * mbuff_stat() - what a named area is, without opening or mapping it
 * @name: the area
 * @source: where it lives (MBUFF_SOURCE_AUTO: as mbuff_area_open() picks)
 * @info: @info->sz set to sizeof(struct mbuff_area_info) by the caller
 *
 * What mbuff_area_info() would say of a handle of the area, from the
 * module's metadata (no MBUFF_IOC_OPEN: nothing is selected, counted or
 * mapped), from MBUFF_DEVMEM, or from the process-only area's object and
 * header, read without mapping them.  The counts are all the area's.
 *
 * Return: 0, or -errno (-ENOENT: no such area; -EACCES: the caller may not
 * read it).  @info is left alone on error.
 */
MBUFF_EXPORT int mbuff_stat(const char *name, unsigned int source,
			    struct mbuff_area_info *info)
{
	struct mbuff_stat_batch b;
	int ret;

	mbuff_stat_batch_init(&b, source);
	ret = mbuff_stat_batch(&b, name, info);
	mbuff_stat_batch_end(&b);
	return ret;
}

/**
 * mbuff_area_fd() - a file descriptor that poll() reports readable when
 * the area was notified
 * @area: the handle (module source)
 *
 * The handle's /dev/mbuff descriptor; with a module without
 * MBUFF_FEAT_EVENTS (an older one), its /dev/uioN.
 *
 * Return: the descriptor (owned by the handle), or -EOPNOTSUPP.
 */
MBUFF_EXPORT int mbuff_area_fd(const struct mbuff_area *area)
{
	if (area->events)
		return area->fd;
	if (area->uio_fd < 0)
		return mbuff_fail(EOPNOTSUPP, "area '%s' has no notification descriptor",
				  area->name);
	return area->uio_fd;
}

static int mbuff_unsupported(struct mbuff_area *area, const char *what)
{
	return mbuff_fail(EOPNOTSUPP, "area '%s': %s is not possible with this source",
			  area->name, what);
}

MBUFF_EXPORT int mbuff_area_wait(struct mbuff_area *area, int timeout_ms)
{
	if (!area->ops->wait)
		return mbuff_unsupported(area, "waiting");
	return mbuff_ret(area->ops->wait(area, timeout_ms));
}

MBUFF_EXPORT int mbuff_area_notify(struct mbuff_area *area)
{
	if (!area->ops->notify)
		return mbuff_unsupported(area, "notification");
	return mbuff_ret(area->ops->notify(area));
}

MBUFF_EXPORT int mbuff_area_ring(struct mbuff_area *area, int32_t value)
{
	if (!area->ops->ring)
		return mbuff_unsupported(area, "ringing the kernel's doorbell");
	return mbuff_ret(area->ops->ring(area, value));
}

/**
 * mbuff_area_sglist() - the physically contiguous runs of an area
 * @area: the handle (module source; the devmem source is one run)
 * @ents: room for @capacity runs
 * @capacity: entries at @ents
 *
 * Return: the number of runs (at most @capacity were written), or -errno:
 * -EPERM without CAP_SYS_RAWIO, -EOPNOTSUPP for process-only memory.
 */
MBUFF_EXPORT int mbuff_area_sglist(const struct mbuff_area *area,
				   struct mbuff_sg_entry *ents,
				   unsigned int capacity)
{
	if (area->source == MBUFF_SOURCE_DEVMEM) {
		if (capacity)
			ents[0] = (struct mbuff_sg_entry){ area->phys, area->size };
		return 1;
	}
	if (!area->ops->sglist)
		return mbuff_fail(EOPNOTSUPP, "area '%s' has no physical pages to list",
				  area->name);
	return mbuff_ret(area->ops->sglist(area, ents, capacity));
}

/**
 * mbuff_area_sync() - cache maintenance around a DMA
 * @area: the handle
 * @offset: first byte
 * @len: bytes, not 0
 * @direction: MBUFF_SYNC_TO_DEVICE, _FROM_DEVICE or _BIDIRECTIONAL
 *
 * Return: 0, or -EINVAL for a range outside the area or a bad direction.
 * Only the module source can reach the caches; for the others (and on
 * x86) the arguments are checked and nothing else needs doing.
 */
MBUFF_EXPORT int mbuff_area_sync(struct mbuff_area *area, uint64_t offset,
				 uint64_t len, unsigned int direction)
{
	if (!len || offset >= area->size || len > area->size - offset ||
	    direction < MBUFF_SYNC_TO_DEVICE ||
	    direction > MBUFF_SYNC_BIDIRECTIONAL)
		return mbuff_fail(EINVAL, "area '%s': bad sync request", area->name);
	if (!area->ops->sync)
		return 0;
	return mbuff_ret(area->ops->sync(area, offset, len, direction));
}

static const struct mbuff_source_ops *mbuff_named_ops(unsigned int source)
{
	int s = mbuff_pick_source(NULL, source, MBUFF_BACKEND_ANY);

	if (s < 0)
		return NULL;
	if (s > MBUFF_SOURCE_PROCESS) {
		mbuff_fail(EINVAL, "unknown source %d", s);
		return NULL;
	}
	return mbuff_source_ops((unsigned int)s);
}

/**
 * mbuff_destroy() - drop a user count of a named area
 * @name: the area
 * @source: where it lives (MBUFF_SOURCE_AUTO: the module if loaded)
 *
 * Return: 0 or -errno (-ENOENT: no such area; -EINVAL: it has no user
 * count to drop).
 */
MBUFF_EXPORT int mbuff_destroy(const char *name, unsigned int source)
{
	const struct mbuff_source_ops *ops;
	int ret = mbuff_name_check(name);

	if (ret)
		return ret;
	ops = mbuff_named_ops(source);
	if (!ops)
		return -errno;
	if (!ops->destroy)
		return mbuff_fail(EOPNOTSUPP, "cannot destroy '%s': not possible with this source",
				  name);
	return mbuff_ret(ops->destroy(name));
}

/* One MBUFF_PERM_* change of a named area, for chmod and chown. */
static int mbuff_setperm(const char *name, unsigned int source,
			 unsigned int what, uid_t uid, gid_t gid, mode_t mode)
{
	const struct mbuff_source_ops *ops = mbuff_named_ops(source);

	if (!ops)
		return -errno;
	if (!ops->setperm)
		return mbuff_fail(EOPNOTSUPP, "cannot change '%s': areas of this source have no owner nor mode",
				  name);
	return mbuff_ret(ops->setperm(name, what, uid, gid, mode));
}

/**
 * mbuff_chmod() - set the permission bits of a named area
 * @name: the area
 * @mode: owner, group and other read and write bits (within 0666)
 * @source: where it lives (MBUFF_SOURCE_AUTO: the module if loaded)
 *
 * Return: 0 or -errno (-EPERM: not the owner; -ENOENT: no such area).
 */
MBUFF_EXPORT int mbuff_chmod(const char *name, mode_t mode,
			     unsigned int source)
{
	int ret = mbuff_name_check(name);

	if (ret)
		return ret;
	if (mode & ~(mode_t)MBUFF_MODE_MASK)
		return mbuff_fail(EINVAL, "cannot chmod '%s': mode %#o is not within %#o (read and write bits)",
				  name, (unsigned int)mode, MBUFF_MODE_MASK);
	return mbuff_setperm(name, source, MBUFF_PERM_MODE, 0, 0, mode);
}

/**
 * mbuff_chown() - set the owner and group of a named area
 * @name: the area
 * @uid: the new owner, or (uid_t)-1 to keep it
 * @gid: the new group, or (gid_t)-1 to keep it
 * @source: where it lives (MBUFF_SOURCE_AUTO: the module if loaded)
 *
 * Return: 0 or -errno (-EPERM: not allowed; -ENOENT: no such area).
 */
MBUFF_EXPORT int mbuff_chown(const char *name, uid_t uid, gid_t gid,
			     unsigned int source)
{
	unsigned int what = (uid != (uid_t)-1 ? MBUFF_PERM_UID : 0) |
			    (gid != (gid_t)-1 ? MBUFF_PERM_GID : 0);
	int ret = mbuff_name_check(name);

	if (ret)
		return ret;
	if (!what)
		return 0;	/* nothing to change, as chown(2) */
	return mbuff_setperm(name, source, what, uid, gid, 0);
}

/**
 * mbuff_list() - the names of all areas
 * @names: a malloc()ed array the caller frees
 * @count: its length
 * @source: where to look (MBUFF_SOURCE_AUTO: the module if loaded)
 *
 * Return: 0 or -errno.
 */
MBUFF_EXPORT int mbuff_list(char (**names)[MBUFF_NAME_SIZE], size_t *count,
			    unsigned int source)
{
	const struct mbuff_source_ops *ops = mbuff_named_ops(source);

	*names = NULL;
	*count = 0;
	if (!ops)
		return -errno;
	if (!ops->list)
		return mbuff_fail(EOPNOTSUPP, "cannot list areas of this source");
	return mbuff_ret(ops->list(names, count));
}
