// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module source: one descriptor of /dev/mbuff per handle, for opening,
 * mapping, information, notifications and the doorbell.  A module without
 * MBUFF_FEAT_EVENTS (an older one) has notifications and the doorbell on
 * the area's /dev/uioN only: the handle then opens that too, found by its
 * name "mbuff:<area>" (never by number).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/*
 * MBUFF_IOC_INFO of ABI version 1 (magic 0xb6, the size in the number),
 * only to tell which ABI an old module speaks: its struct began with the
 * name (40 bytes), then the version, and was 128 bytes long.
 */
struct mbuff_info_v1 {
	char name[MBUFF_NAME_SIZE];
	__u32 abi_version;
	__u8 rest[84];
};
#define MBUFF_IOC_INFO_V1	_IOWR(0xb6, 0x12, struct mbuff_info_v1)

/*
 * Refuse a module that speaks another ABI than the one this library was
 * built for: its requests would be refused (an older module answers
 * ENOTTY) or misread.  @info gets the module's answer about the file: its
 * features, and the area it selected on open() ("default", if any).
 * Return: 0, or -EPROTO with the versions recorded.
 */
static int mbuff_abi_check(int fd, struct mbuff_info *info)
{
	struct mbuff_info_v1 v1;
	unsigned int version;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (!ioctl(fd, MBUFF_IOC_INFO, info)) {
		if (info->abi_version == MBUFF_ABI_VERSION)
			return 0;
		version = info->abi_version;
	} else if (errno == ENOTTY) {
		memset(&v1, 0, sizeof(v1));
		if (ioctl(fd, MBUFF_IOC_INFO_V1, &v1))
			return mbuff_fail(EPROTO, "/dev/mbuff does not speak mbuff ABI %d, this libmbuff's",
					  MBUFF_ABI_VERSION);
		version = v1.abi_version;
	} else {
		return mbuff_fail(errno, "cannot ask /dev/mbuff for its ABI version");
	}
	return mbuff_fail(EPROTO, "mbuff.ko speaks ABI %u, this libmbuff ABI %d (load the module of the same release)",
			  version, MBUFF_ABI_VERSION);
}

/*
 * Open /dev/mbuff, O_RDONLY or O_RDWR, and check the module's ABI; @info
 * gets its answer about the new file (see mbuff_abi_check()).
 */
static int mbuff_ctl_open_info(const char *what, int oflags,
			       struct mbuff_info *info)
{
	int fd = open("/dev/mbuff", oflags | O_CLOEXEC), ret;

	if (fd < 0)
		return mbuff_fail(errno, "%s: cannot open /dev/mbuff", what);
	ret = mbuff_abi_check(fd, info);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static int mbuff_ctl_open(const char *what, int oflags)
{
	struct mbuff_info info;

	return mbuff_ctl_open_info(what, oflags, &info);
}

static void mbuff_set_name(char *dst, const char *name)
{
	/* Names were checked: at most MBUFF_NAME_LEN bytes. */
	memset(dst, 0, MBUFF_NAME_SIZE);
	memcpy(dst, name, strnlen(name, MBUFF_NAME_LEN));
}

/* Open the UIO device named "mbuff:NAME"; -errno if there is none. */
static int mbuff_uio_open(const char *name, int index, int oflags)
{
	char path[64], buf[64], want[MBUFF_NAME_SIZE + 8];
	int fd, n;

	snprintf(want, sizeof(want), "mbuff:%s", name);
	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/name", index);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, want))
		return -ENOENT;	/* the number was reused: not ours */
	snprintf(path, sizeof(path), "/dev/uio%d", index);
	fd = open(path, oflags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * Give back the user count that opening @fd's selected area took, after a
 * later step failed: by name on a new descriptor when @fd is read-only.
 * The failure's errno and message stay.
 */
static void mbuff_module_unhold(int fd, const char *name)
{
	struct mbuff_name n;
	int err = errno, rw;

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n);
	if (ioctl(fd, MBUFF_IOC_DESTROY, &n) < 0 && errno == EBADF) {
		rw = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		if (rw >= 0) {
			mbuff_set_name(n.name, name);
			ioctl(rw, MBUFF_IOC_DESTROY, &n);
			close(rw);
		}
	}
	errno = err;
}

/*
 * The rest of opening a handle, once @fd (/dev/mbuff, open for reading
 * and writing as @area->writable says) has the area selected: its
 * information and its mapping.  @fd is the handle's from here on, and is
 * closed on failure; with @hold, a failure also gives back the user count
 * the selection took.
 */
static int mbuff_module_map(struct mbuff_area *area, int fd, bool hold)
{
	int oflags = area->writable ? O_RDWR : O_RDONLY;
	struct mbuff_info info;
	void *p;
	int ret;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(fd, MBUFF_IOC_INFO, &info) < 0) {
		ret = mbuff_fail(errno, "cannot read the information of '%s'",
				 area->name);
		goto err_unhold;
	}
	p = mmap(NULL, info.size, PROT_READ | (area->writable ? PROT_WRITE : 0),
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = mbuff_fail(errno, "cannot map area '%s'%s", area->name,
				 errno == EACCES ? " for writing" : "");
		goto err_unhold;
	}
	/*
	 * The file has seen the area's event count since its selection, so no
	 * notification after this call is missed.  An older module: open the
	 * area's /dev/uioN now, for the same reason.
	 */
	area->events = info.features & MBUFF_FEAT_EVENTS;
	area->dmabuf = info.features & MBUFF_FEAT_DMABUF;
	if (!area->events)
		area->uio_fd = mbuff_uio_open(area->name, (int)info.uio_index,
					      oflags);
	area->fd = fd;
	area->addr = p;
	area->map = p;
	area->size = info.size;
	area->map_len = info.size;
	area->phys = info.phys_addr;
	area->backend = info.backend;
	area->memtype = info.memtype;
	return 0;

err_unhold:
	if (hold)
		mbuff_module_unhold(fd, area->name);
	close(fd);
	return ret;
}

/* The message of a refused MBUFF_IOC_OPEN, and -@err. */
static int mbuff_open_fail(const char *name, const struct mbuff_opts *opts,
			   int err)
{
	if (opts->backend == MBUFF_BACKEND_CMA && err == ENOMEM)
		return mbuff_fail(err, "cannot create CMA area '%s': no CMA area has a free run of its size",
				  name);
	if (opts->backend == MBUFF_BACKEND_CMA && err == EOPNOTSUPP)
		return mbuff_fail(err, "cannot create CMA area '%s': CMA areas are cached only on this architecture",
				  name);
	return mbuff_fail(err, "cannot open area '%s'", name);
}

static int mbuff_module_open(struct mbuff_area *area, size_t size,
			     const struct mbuff_opts *opts)
{
	int oflags = area->writable ? O_RDWR : O_RDONLY;
	struct mbuff_open req;
	struct mbuff_info info;
	int fd;

	if (opts->align > UINT32_MAX)
		return mbuff_fail(EINVAL, "cannot open '%s': alignment too large",
				  area->name);
	fd = mbuff_ctl_open_info(area->name, oflags, &info);
	if (fd < 0)
		return fd;
	if (opts->backend == MBUFF_BACKEND_CMA &&
	    !(info.features & MBUFF_FEAT_CMA)) {
		close(fd);
		return mbuff_fail(EOPNOTSUPP, "cannot open CMA area '%s': this mbuff.ko has no CMA areas (a kernel without CONFIG_DMA_CMA, or an older module)",
				  area->name);
	}
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = opts->flags;
	mbuff_set_name(req.name, area->name);
	req.size = size;
	req.backend = opts->backend;
	req.memtype = opts->memtype;
	req.align = (uint32_t)opts->align;
	if (opts->flags & MBUFF_OPEN_MODE)
		req.mode = (uint32_t)opts->mode;
	if (ioctl(fd, MBUFF_IOC_OPEN, &req) < 0) {
		int ret = mbuff_open_fail(area->name, opts, errno);

		close(fd);
		return ret;
	}
	return mbuff_module_map(area, fd, opts->flags & MBUFF_OPEN_HOLD);
}

/* The message of a refused MBUFF_IOC_IMPORT, and -@err. */
static int mbuff_import_fail(const char *name, int dmabuf_fd, int err)
{
	switch (err) {
	case EBADF:
		return mbuff_fail(err, "cannot import '%s': descriptor %d is not open",
				  name, dmabuf_fd);
	case EINVAL:
		return mbuff_fail(err, "cannot import '%s': descriptor %d is no dma-buf, or one whose size is not a multiple of the page size",
				  name, dmabuf_fd);
	case EEXIST:
		return mbuff_fail(err, "cannot import '%s': an area of that name exists",
				  name);
	case EOPNOTSUPP:
		return mbuff_fail(err, "cannot import '%s': the exporter of descriptor %d cannot map it into the kernel",
				  name, dmabuf_fd);
	default:
		return mbuff_fail(err, "cannot import '%s' from descriptor %d",
				  name, dmabuf_fd);
	}
}

/* Select the area @name on @fd, without creating or counting anything. */
static int mbuff_module_select(int fd, const char *name)
{
	struct mbuff_open req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	mbuff_set_name(req.name, name);
	if (ioctl(fd, MBUFF_IOC_OPEN, &req) < 0)
		return mbuff_fail(errno, "cannot open area '%s'", name);
	return 0;
}

/**
 * mbuff_module_import() - MBUFF_IOC_IMPORT, then a handle of the new area
 * @area: the handle to fill, its name and @writable set
 * @dmabuf_fd: the dma-buf
 * @opts: MBUFF_OPEN_HOLD and MBUFF_OPEN_MODE with @mode are used
 *
 * The import needs a descriptor open for writing.  A read-only handle
 * selects the new area on a read-only descriptor as well, which holds it
 * before the first lets it go.
 *
 * Return: 0 or -errno.
 */
int mbuff_module_import(struct mbuff_area *area, int dmabuf_fd,
			const struct mbuff_opts *opts)
{
	bool hold = opts->flags & MBUFF_OPEN_HOLD;
	struct mbuff_import req;
	struct mbuff_info info;
	int fd, ro, ret;

	fd = mbuff_ctl_open_info(area->name, O_RDWR, &info);
	if (fd < 0)
		return fd;
	if (!(info.features & MBUFF_FEAT_DMABUF)) {
		close(fd);
		return mbuff_fail(EOPNOTSUPP, "cannot import '%s': this mbuff.ko has no dma-buf support (a kernel without dma-buf, or an older module)",
				  area->name);
	}
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = opts->flags & (MBUFF_OPEN_HOLD | MBUFF_OPEN_MODE);
	mbuff_set_name(req.name, area->name);
	req.fd = dmabuf_fd;
	if (opts->flags & MBUFF_OPEN_MODE)
		req.mode = (uint32_t)opts->mode;
	if (ioctl(fd, MBUFF_IOC_IMPORT, &req) < 0) {
		ret = mbuff_import_fail(area->name, dmabuf_fd, errno);
		close(fd);
		return ret;
	}
	if (area->writable)
		return mbuff_module_map(area, fd, hold);
	ro = mbuff_ctl_open(area->name, O_RDONLY);
	ret = ro < 0 ? ro : mbuff_module_select(ro, area->name);
	if (ret) {
		if (ro >= 0)
			close(ro);
		if (hold)
			mbuff_module_unhold(fd, area->name);
		close(fd);
		return ret;
	}
	close(fd);
	return mbuff_module_map(area, ro, hold);
}

static void mbuff_module_close(struct mbuff_area *area)
{
	munmap(area->map, area->map_len);
	if (area->uio_fd >= 0)
		close(area->uio_fd);
	close(area->fd);
}

/* The library's view of what MBUFF_IOC_INFO said about an area. */
static void mbuff_info_copy(struct mbuff_area_info *out,
			    const struct mbuff_info *info)
{
	out->size = info->size;
	out->phys_addr = info->phys_addr;
	out->backend = info->backend;
	out->memtype = info->memtype;
	out->uid = (uid_t)info->uid;
	out->gid = (gid_t)info->gid;
	out->mode = (mode_t)info->mode;
	out->users = info->users;
	out->kernel_users = info->kernel_users;
	out->files = info->files;
	out->maps = info->maps;
}

static int mbuff_module_info(const struct mbuff_area *area,
			     struct mbuff_area_info *out)
{
	struct mbuff_info info;
	unsigned int own;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(area->fd, MBUFF_IOC_INFO, &info) < 0)
		return mbuff_fail(errno, "cannot read the information of '%s'",
				  area->name);
	mbuff_info_copy(out, &info);
	/* Not counting this handle's own files (/dev/mbuff, a /dev/uioN). */
	own = 1 + (area->uio_fd >= 0);
	out->files = info.files > own ? info.files - own : 0;
	/* Nor its own mappings: the area's, and a doubled ring view's two. */
	own = 1 + (area->view ? 2 : 0);
	out->maps = info.maps > own ? info.maps - own : 0;
	return 0;
}

/* mbuff_abi_check() of the batch's descriptor, once: what it selected. */
static int mbuff_stat_check(struct mbuff_stat_batch *b)
{
	struct mbuff_info mod;
	int ret;

	if (b->checked)
		return 0;
	ret = mbuff_abi_check(b->ctl, &mod);
	if (ret)
		return ret;
	memcpy(b->selected, mod.name, sizeof(b->selected));
	b->selected[sizeof(b->selected) - 1] = '\0';
	b->checked = true;
	return 0;
}

/*
 * From the module's metadata: MBUFF_IOC_INFO by name on the batch's
 * descriptor of /dev/mbuff; no MBUFF_IOC_OPEN, no mapping.  The answer
 * carries the module's ABI version, so that only a failure, or another
 * version, needs mbuff_abi_check() first; and only "default", which the
 * descriptor's open() may have selected, needs to know what it selected:
 * that selection is not counted among the area's files.
 */
static int mbuff_module_stat(struct mbuff_stat_batch *b, const char *name,
			     struct mbuff_area_info *out)
{
	struct mbuff_info info;
	int ret, err;

	if (b->ctl < 0) {
		b->ctl = open("/dev/mbuff", O_RDONLY | O_CLOEXEC);
		if (b->ctl < 0)
			return mbuff_fail(errno, "%s: cannot open /dev/mbuff", name);
	}
	if (!strcmp(name, "default")) {
		ret = mbuff_stat_check(b);
		if (ret)
			return ret;
	}
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	mbuff_set_name(info.name, name);
	if (ioctl(b->ctl, MBUFF_IOC_INFO, &info) < 0) {
		err = errno;
		/* What a module of ABI 1 answers: the check names it. */
		ret = err == ENOTTY ? mbuff_stat_check(b) : 0;
		return ret ? ret : mbuff_fail(err, "cannot stat area '%s'", name);
	}
	if (info.abi_version != MBUFF_ABI_VERSION) {
		ret = mbuff_stat_check(b);
		return ret ? ret : mbuff_fail(EPROTO, "cannot stat area '%s'", name);
	}
	mbuff_info_copy(out, &info);
	if (out->files && !strcmp(name, b->selected))
		out->files--;
	return 0;
}

/* The event count, from /dev/mbuff, or from /dev/uioN (an older module). */
static int mbuff_module_events(struct mbuff_area *area)
{
	struct mbuff_event ev;
	int32_t count;

	if (!area->events) {
		if (read(area->uio_fd, &count, sizeof(count)) != sizeof(count))
			return mbuff_fail(errno, "reading the event count of '%s'",
					  area->name);
		return count & INT32_MAX;
	}
	memset(&ev, 0, sizeof(ev));
	ev.argsz = sizeof(ev);
	if (ioctl(area->fd, MBUFF_IOC_EVENTS, &ev) < 0)
		return mbuff_fail(errno, "reading the event count of '%s'",
				  area->name);
	return (int)(ev.count & INT32_MAX);
}

static int mbuff_module_wait(struct mbuff_area *area, int timeout_ms)
{
	struct pollfd pfd = {
		.fd = area->events ? area->fd : area->uio_fd,
		.events = POLLIN,
	};
	struct timespec end, now;
	int ret, left = timeout_ms;

	if (pfd.fd < 0)
		return mbuff_fail(ENODEV, "area '%s' has no UIO device", area->name);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	for (;;) {
		ret = poll(&pfd, 1, left);
		if (ret >= 0 || errno != EINTR)
			break;
		if (timeout_ms < 0)
			continue;
		/* Interrupted: wait only for what is left of the timeout. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000L);
		if (left < 0)
			left = 0;
	}
	if (ret < 0)
		return mbuff_fail(errno, "waiting on '%s'", area->name);
	if (!ret)
		return mbuff_fail(ETIMEDOUT, "no notification of '%s'", area->name);
	return mbuff_module_events(area);
}

static int mbuff_module_notify(struct mbuff_area *area)
{
	struct mbuff_name req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	if (ioctl(area->fd, MBUFF_IOC_NOTIFY, &req) < 0)
		return mbuff_fail(errno, "cannot notify '%s'", area->name);
	return 0;
}

static int mbuff_module_ring(struct mbuff_area *area, int32_t value)
{
	struct mbuff_event ev;

	if (area->events) {
		memset(&ev, 0, sizeof(ev));
		ev.argsz = sizeof(ev);
		ev.value = value;
		if (ioctl(area->fd, MBUFF_IOC_DOORBELL, &ev) < 0)
			return mbuff_fail(errno, "cannot ring the doorbell of '%s'",
					  area->name);
		return 0;
	}
	if (area->uio_fd < 0)
		return mbuff_fail(ENODEV, "area '%s' has no UIO device", area->name);
	if (write(area->uio_fd, &value, sizeof(value)) != sizeof(value))
		return mbuff_fail(errno, "cannot ring the doorbell of '%s'",
				  area->name);
	return 0;
}

static int mbuff_module_destroy(const char *name)
{
	struct mbuff_name req;
	int fd = mbuff_ctl_open(name, O_RDWR), ret = 0;

	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	mbuff_set_name(req.name, name);
	if (ioctl(fd, MBUFF_IOC_DESTROY, &req) < 0)
		ret = mbuff_fail(errno, "cannot destroy '%s'", name);
	close(fd);
	return ret;
}

static int mbuff_module_list(char (**names)[MBUFF_NAME_SIZE], size_t *count)
{
	struct mbuff_list req;
	int fd = mbuff_ctl_open("list", O_RDONLY), ret = 0;
	char (*buf)[MBUFF_NAME_SIZE] = NULL;

	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	/* Ask for the count, then for that many; retry if it grew. */
	for (;;) {
		if (ioctl(fd, MBUFF_IOC_LIST, &req) < 0) {
			ret = mbuff_fail(errno, "cannot list areas");
			break;
		}
		if (buf && req.count <= req.capacity)
			break;
		free(buf);
		req.capacity = req.count + 4;
		buf = calloc(req.capacity, MBUFF_NAME_SIZE);
		if (!buf) {
			ret = mbuff_fail(ENOMEM, "cannot list areas");
			break;
		}
		req.names = (uintptr_t)buf;
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	*names = buf;
	*count = req.count;
	return 0;
}

static int mbuff_module_sglist(const struct mbuff_area *area,
			       struct mbuff_sg_entry *ents, unsigned int cap)
{
	struct mbuff_sglist req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.entries = (uintptr_t)ents;
	req.capacity = cap;
	if (ioctl(area->fd, MBUFF_IOC_SGLIST, &req) < 0)
		return mbuff_fail(errno, "cannot list the pages of '%s'", area->name);
	return (int)req.count;
}

static int mbuff_module_sync(struct mbuff_area *area, uint64_t offset,
			     uint64_t len, unsigned int direction)
{
	struct mbuff_sync req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.offset = offset;
	req.length = len;
	req.direction = direction;
	if (ioctl(area->fd, MBUFF_IOC_SYNC, &req) < 0)
		return mbuff_fail(errno, "cannot sync '%s'", area->name);
	return 0;
}

static int mbuff_module_setperm(const char *name, unsigned int what,
				uid_t uid, gid_t gid, mode_t mode)
{
	struct mbuff_perm req;
	int fd = mbuff_ctl_open(name, O_RDWR), ret = 0;

	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = what;
	mbuff_set_name(req.name, name);
	req.uid = (uint32_t)uid;
	req.gid = (uint32_t)gid;
	req.mode = (uint32_t)mode;
	if (ioctl(fd, MBUFF_IOC_SETPERM, &req) < 0)
		ret = mbuff_fail(errno, "cannot %s '%s'",
				 what == MBUFF_PERM_MODE ? "chmod" : "chown",
				 name);
	close(fd);
	return ret;
}

static int mbuff_module_dmabuf(const struct mbuff_area *area)
{
	struct mbuff_export req;

	if (area->backend == MBUFF_BACKEND_DMABUF)
		return mbuff_fail(EOPNOTSUPP, "cannot export '%s': it is an imported dma-buf itself (pass that dma-buf on)",
				  area->name);
	if (!area->dmabuf)
		return mbuff_fail(EOPNOTSUPP, "cannot export '%s': this mbuff.ko has no dma-buf support (a kernel without dma-buf, or an older module)",
				  area->name);
	/* A device may write any dma-buf it is given. */
	if (!area->writable)
		return mbuff_fail(EBADF, "cannot export '%s': a dma-buf needs a writable handle",
				  area->name);
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	if (ioctl(area->fd, MBUFF_IOC_EXPORT, &req) < 0)
		return mbuff_fail(errno, "cannot export '%s' as a dma-buf",
				  area->name);
	return req.fd;
}

const struct mbuff_source_ops mbuff_module_ops = {
	.open = mbuff_module_open,
	.close = mbuff_module_close,
	.info = mbuff_module_info,
	.stat = mbuff_module_stat,
	.wait = mbuff_module_wait,
	.notify = mbuff_module_notify,
	.ring = mbuff_module_ring,
	.destroy = mbuff_module_destroy,
	.list = mbuff_module_list,
	.sglist = mbuff_module_sglist,
	.sync = mbuff_module_sync,
	.setperm = mbuff_module_setperm,
	.dmabuf = mbuff_module_dmabuf,
};

/* Take a lasting user count of an existing area (MBUFF_OPEN_HOLD). */
static int mbuff_module_hold(const char *name)
{
	struct mbuff_open req;
	int fd = mbuff_ctl_open(name, O_RDWR), ret = 0;

	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = MBUFF_OPEN_HOLD;
	mbuff_set_name(req.name, name);
	if (ioctl(fd, MBUFF_IOC_OPEN, &req) < 0)
		ret = mbuff_fail(errno, "cannot hold '%s'", name);
	close(fd);
	return ret;
}

/*
 * The classic calls use the 0.7.2 ALLOCATE (raw ioctl 1, which reaches the
 * driver), so areas they create follow the module's legacy_backend
 * parameter.  ALLOCATE takes no lasting count (the mapping alone keeps the
 * area, as mbuff_attach() wants); with @hold, a user count is taken as
 * well, which mbuff_free() drops with MBUFF_IOC_DESTROY because the 0.7.2
 * DEALLOCATE (raw ioctl 2) is answered by the kernel's VFS itself
 * (FIGETBSZ) and never reaches a driver.
 */
int mbuff_module_allocate(const char *name, int size, void *hint, bool hold,
			  void **addrp)
{
	struct mbuff_request_struct req;
	long got;
	void *p;
	int fd = mbuff_ctl_open(name, O_RDWR), ret;

	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	memcpy(req.name, name, strnlen(name, MBUFF_NAME_LEN));
	req.size = (size_t)size;
	got = ioctl(fd, MBUFF_LEGACY_ALLOCATE, &req);
	if (got < 0) {
		got = mbuff_fail(errno == EIO ? EINVAL : errno,
				 "cannot allocate '%s' (%d bytes)", name, size);
		close(fd);
		return (int)got;
	}
	p = mmap(hint, (size_t)got, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return mbuff_fail(errno, "cannot map '%s'", name);
	if (hold) {
		ret = mbuff_module_hold(name);
		if (ret) {
			munmap(p, (size_t)got);
			return ret;
		}
	}
	*addrp = p;
	return 0;
}

/* The size of a named area, or -errno. */
long mbuff_module_area_size(const char *name)
{
	struct mbuff_info info;
	int fd = mbuff_ctl_open(name, O_RDONLY);
	long ret;

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	mbuff_set_name(info.name, name);
	ret = ioctl(fd, MBUFF_IOC_INFO, &info) < 0 ?
	      mbuff_fail(errno, "no area '%s'", name) : (long)info.size;
	close(fd);
	return ret;
}
