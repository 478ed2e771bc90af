/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mbuff.h - named shared memory between RTLinux tasks, kernel modules and
 * user processes: the user-space part of the mbuff 0.7.2 header, as an
 * old program includes it.  Nothing here comes from any other header: the
 * functions are inline and talk to /dev/mbuff directly, with the 0.7.2
 * ioctls (plain numbers 0 to 3) and mmap of the area the open file has
 * selected.  (The kernel-module part of the original, where mbuff_alloc()
 * returns a kernel address, is not re-created here.)
 *
 *	char *p = mbuff_alloc("demo", 1 << 20);	   create or reuse, map
 *	...
 *	mbuff_free("demo", p);			   unmap, drop the count
 *
 * An area lives while it has an allocation count, a mapping or a kernel
 * user.  mbuff_attach() maps it without keeping a count: the mapping alone
 * holds it, and mbuff_detach() (or the process's exit) lets it go.  A NULL
 * name means "default", the area every open of /dev/mbuff selects when it
 * exists.  None of this may be called from a real-time or interrupt
 * context.
 */
#ifndef __MBUFF_H
#define __MBUFF_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MBUFF_DEV_NAME		"/dev/mbuff"
#define MBUFF_DEFAULT_NAME	"default"
#define MBUFF_NAME_LEN		32
#define MBUFF_MAX_MMAPS		16	/* per area, in the 0.7.2 driver */

/*
 * ioctl commands: plain numbers, not _IOC-encoded.  2 is also FIGETBSZ,
 * which a modern kernel answers itself for every file before the driver
 * sees it (0, and the block size written to flags): there DEALLOCATE
 * never reaches the driver and mbuff_free() does not munmap.  That driver
 * keeps no count for ALLOCATE: the area goes with the program's last
 * mapping of it (at munmap or exit) once its descriptors are closed.
 */
#define IOCTL_MBUFF_INFO	0	/* not implemented: ENOSYS */
#define IOCTL_MBUFF_ALLOCATE	1	/* returns the area's size */
#define IOCTL_MBUFF_DEALLOCATE	2	/* returns 0 when the area was freed */
#define IOCTL_MBUFF_SELECT	3	/* returns the area's size */

struct mbuff_request_struct {
	unsigned int flags;
	char name[MBUFF_NAME_LEN + 1];	/* NUL-terminated */
	size_t size;
	unsigned int reserved[4];
};

#if defined(__x86_64__) && !defined(__ILP32__)
_Static_assert(offsetof(struct mbuff_request_struct, flags) == 0,
	       "mbuff_request_struct.flags at 0");
_Static_assert(offsetof(struct mbuff_request_struct, name) == 4,
	       "mbuff_request_struct.name at 4");
_Static_assert(offsetof(struct mbuff_request_struct, size) == 40,
	       "mbuff_request_struct.size at 40");
_Static_assert(offsetof(struct mbuff_request_struct, reserved) == 48,
	       "mbuff_request_struct.reserved at 48");
_Static_assert(sizeof(struct mbuff_request_struct) == 64,
	       "mbuff_request_struct is 64 bytes");
#endif

/* Fill a request: all zero, the name (NULL: "default") cut at 32 bytes. */
static inline void mbuff_request_init(struct mbuff_request_struct *req,
				      const char *name, size_t size)
{
	memset(req, 0, sizeof(*req));
	strncpy(req->name, name ? name : MBUFF_DEFAULT_NAME, MBUFF_NAME_LEN);
	req->name[MBUFF_NAME_LEN] = '\0';
	req->size = size;
}

/*
 * Allocate (create, or take one more count on) the area @name of at least
 * @size bytes and map all of it, at @addr if that is free (a hint, as for
 * mmap).  Returns the mapping, or NULL with errno set: no device, the area
 * exists and is smaller than @size, or @size is 0 and it does not exist.
 */
static inline void *mbuff_alloc_at(const char *name, int size, void *addr)
{
	struct mbuff_request_struct req;
	void *mbuf;
	int fd, ret, err;

	mbuff_request_init(&req, name, size);
	fd = open(MBUFF_DEV_NAME, O_RDWR);
	if (fd < 0)
		return NULL;
	ret = ioctl(fd, IOCTL_MBUFF_ALLOCATE, &req);
	if (ret < size) {
		err = ret < 0 ? errno : ENOMEM;
		if (ret >= 0)
			ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &req);
		close(fd);
		errno = err;
		return NULL;
	}
	mbuf = mmap(addr, ret, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mbuf == MAP_FAILED) {
		err = errno;
		ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &req);
		close(fd);
		errno = err;
		return NULL;
	}
	close(fd);
	return mbuf;
}

static inline void *mbuff_alloc(const char *name, int size)
{
	return mbuff_alloc_at(name, size, NULL);
}

/*
 * Drop the count mbuff_alloc() took and unmap @mbuf.  When this frees the
 * area at once (no mapping was left), there is nothing to unmap.
 */
static inline void mbuff_free(const char *name, void *mbuf)
{
	struct mbuff_request_struct req;
	int fd, ret;

	mbuff_request_init(&req, name, 0);
	fd = open(MBUFF_DEV_NAME, O_RDWR);
	if (fd < 0)
		return;
	ret = ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &req);
	if (ret > 0)
		munmap(mbuf, ret);
	close(fd);
}

/*
 * Map the area @name (created if it does not exist and @size is not 0)
 * without keeping a count: the mapping alone holds it until
 * mbuff_detach() or the process's exit.  NULL with errno set on failure.
 */
static inline void *mbuff_attach_at(const char *name, int size, void *addr)
{
	struct mbuff_request_struct req;
	void *mbuf;
	int fd, ret, err;

	mbuff_request_init(&req, name, size);
	fd = open(MBUFF_DEV_NAME, O_RDWR);
	if (fd < 0)
		return NULL;
	ret = ioctl(fd, IOCTL_MBUFF_ALLOCATE, &req);
	if (ret < size) {
		err = ret < 0 ? errno : ENOMEM;
		if (ret >= 0)
			ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &req);
		close(fd);
		errno = err;
		return NULL;
	}
	mbuf = mmap(addr, ret, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &req);
	close(fd);
	if (mbuf == MAP_FAILED) {
		errno = err;
		return NULL;
	}
	return mbuf;
}

static inline void *mbuff_attach(const char *name, int size)
{
	return mbuff_attach_at(name, size, NULL);
}

/* Unmap what mbuff_attach() mapped; the area's size comes from SELECT. */
static inline void mbuff_detach(const char *name, void *mbuf)
{
	struct mbuff_request_struct req;
	int fd, ret;

	mbuff_request_init(&req, name, 0);
	fd = open(MBUFF_DEV_NAME, O_RDWR);
	if (fd < 0)
		return;
	ret = ioctl(fd, IOCTL_MBUFF_SELECT, &req);
	if (ret > 0)
		munmap(mbuf, ret);
	close(fd);
}

#endif /* __MBUFF_H */
