// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The process-only source: named areas in POSIX shared memory
 * (/dev/shm/mbuff.<name>), for machines without the module.  A header page
 * in front of the data holds the size, a user count and an event counter
 * that waiters sleep on with a futex.  Never contiguous, always cached.
 * The object's owner, group and mode are the area's: new areas are 0600,
 * or the mode asked for (umask does not apply, as with the module).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mbuff/name.h>

#include "internal.h"

#define MBUFF_SHM_MAGIC		0x4655424dU	/* "MBUF" */
#define MBUFF_SHM_VERSION	1
#define MBUFF_SHM_PREFIX	"mbuff."

struct mbuff_shm_header {
	uint32_t magic;
	uint32_t version;
	uint64_t size;
	uint32_t users;		/* atomic */
	uint32_t events;	/* atomic; the futex word of waiters */
};

size_t mbuff_process_header_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Unmap a classic call's mapping, given its data pointer. */
void mbuff_process_unmap(void *data)
{
	size_t hsize = mbuff_process_header_size();
	struct mbuff_shm_header *h = (void *)((char *)data - hsize);

	munmap(h, hsize + h->size);
}

static struct mbuff_shm_header *mbuff_hdr(const struct mbuff_area *area)
{
	return area->map;
}

static void mbuff_shm_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/" MBUFF_SHM_PREFIX "%s", name);
}

/*
 * Open an existing object, or create a new one; *created says which.  The
 * same decisions as the module's: EXCL and an existing area give EEXIST,
 * a missing one without CREATE gives ENOENT, creating with size 0 EINVAL.
 */
static int mbuff_shm_get(const char *name, unsigned int flags, size_t size,
			 bool writable, bool *created)
{
	char path[MBUFF_NAME_SIZE + 16];
	int fd;

	mbuff_shm_path(path, sizeof(path), name);
	*created = false;
	for (;;) {
		fd = shm_open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
		if (fd >= 0) {
			if (flags & MBUFF_OPEN_EXCL) {
				close(fd);
				return mbuff_fail(EEXIST, "cannot create area '%s'", name);
			}
			return fd;
		}
		if (errno != ENOENT)
			return mbuff_fail(errno, "cannot open area '%s'", name);
		if (!(flags & MBUFF_OPEN_CREATE))
			return mbuff_fail(ENOENT, "cannot open area '%s'", name);
		if (!size)
			return mbuff_fail(EINVAL, "cannot create area '%s' of size 0",
					  name);
		fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*created = true;
			return fd;
		}
		/* Created by another process meanwhile: open that one. */
		if (errno != EEXIST)
			return mbuff_fail(errno, "cannot create area '%s'", name);
	}
}

/*
 * Wait for the creator of the object of an open fd to finish, and @st of
 * the finished object.
 */
static int mbuff_shm_settled(int fd, const char *name, struct stat *st)
{
	size_t hsize = mbuff_process_header_size();
	int i, err;

	/* The creator holds an exclusive lock until the header is set. */
	if (flock(fd, LOCK_SH))
		return mbuff_fail(errno, "cannot lock area '%s'", name);
	for (i = 0; i < 1000; i++) {
		if (fstat(fd, st)) {
			err = errno;
			flock(fd, LOCK_UN);
			return mbuff_fail(err, "cannot stat area '%s'", name);
		}
		if ((size_t)st->st_size > hsize)
			break;
		flock(fd, LOCK_UN);
		usleep(1000);
		flock(fd, LOCK_SH);
	}
	flock(fd, LOCK_UN);
	if ((size_t)st->st_size <= hsize)
		return mbuff_fail(EIO, "area '%s' was never finished", name);
	return 0;
}

/* Whether @h heads an mbuff area in an object of @st_size bytes. */
static bool mbuff_shm_valid(const struct mbuff_shm_header *h, off_t st_size)
{
	return h->magic == MBUFF_SHM_MAGIC && h->version == MBUFF_SHM_VERSION &&
	       h->size + mbuff_process_header_size() == (uint64_t)st_size;
}

/* Map the object of an open fd, waiting for its creator to finish. */
static int mbuff_shm_map(int fd, const char *name, bool writable,
			 struct mbuff_shm_header **hp, size_t *lenp)
{
	struct mbuff_shm_header *h;
	struct stat st;
	int ret;

	ret = mbuff_shm_settled(fd, name, &st);
	if (ret)
		return ret;
	h = mmap(NULL, (size_t)st.st_size,
		 PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		return mbuff_fail(errno, "cannot map area '%s'", name);
	if (!mbuff_shm_valid(h, st.st_size)) {
		munmap(h, (size_t)st.st_size);
		return mbuff_fail(EIO, "/dev/shm/" MBUFF_SHM_PREFIX "%s is not an mbuff area",
				  name);
	}
	*hp = h;
	*lenp = (size_t)st.st_size;
	return 0;
}

static int mbuff_shm_create(int fd, const char *name, size_t size,
			    const struct mbuff_opts *opts)
{
	size_t hsize = mbuff_process_header_size();
	struct mbuff_shm_header *h;

	if (flock(fd, LOCK_EX))
		return mbuff_fail(errno, "cannot lock area '%s'", name);
	/* Exactly the mode asked for: shm_open() applied the umask. */
	if ((opts->flags & MBUFF_OPEN_MODE) && fchmod(fd, opts->mode)) {
		flock(fd, LOCK_UN);
		return mbuff_fail(errno, "cannot set the mode of area '%s'", name);
	}
	if (ftruncate(fd, (off_t)(hsize + size))) {
		flock(fd, LOCK_UN);
		return mbuff_fail(errno, "cannot size area '%s'", name);
	}
	h = mmap(NULL, hsize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		flock(fd, LOCK_UN);
		return mbuff_fail(errno, "cannot map area '%s'", name);
	}
	h->size = size;
	h->version = MBUFF_SHM_VERSION;
	__atomic_store_n(&h->magic, MBUFF_SHM_MAGIC, __ATOMIC_RELEASE);
	munmap(h, hsize);
	flock(fd, LOCK_UN);
	return 0;
}

static void mbuff_shm_unlink(const char *name)
{
	char path[MBUFF_NAME_SIZE + 16];

	mbuff_shm_path(path, sizeof(path), name);
	shm_unlink(path);
}

static int mbuff_process_open(struct mbuff_area *area, size_t size,
			      const struct mbuff_opts *opts)
{
	size_t hsize = mbuff_process_header_size(), len;
	size_t want = (size + hsize - 1) / hsize * hsize;
	struct mbuff_shm_header *h;
	bool created;
	int fd, ret;

	if (opts->backend == MBUFF_BACKEND_CONTIG)
		return mbuff_fail(EOPNOTSUPP,
				  "process-only memory cannot give contiguous area '%s'",
				  area->name);
	if (opts->backend == MBUFF_BACKEND_DMABUF)
		return mbuff_fail(EOPNOTSUPP,
				  "process-only memory has no dma-buf area '%s' (mbuff_import() needs mbuff.ko)",
				  area->name);
	if (opts->backend == MBUFF_BACKEND_CMA)
		return mbuff_fail(EOPNOTSUPP,
				  "process-only memory cannot give CMA area '%s' (that needs mbuff.ko)",
				  area->name);
	if (opts->memtype != MBUFF_MEM_CACHED)
		return mbuff_fail(EOPNOTSUPP, "process-only area '%s' is cached only",
				  area->name);
	if (opts->align > hsize)
		return mbuff_fail(EINVAL, "area '%s': a physical alignment needs contiguous memory",
				  area->name);
	if (want < size)
		return mbuff_fail(EINVAL, "area '%s': size too large", area->name);
	ret = mbuff_shm_get(area->name, opts->flags, want, area->writable,
			    &created);
	if (ret < 0)
		return ret;
	fd = ret;
	if (created) {
		ret = mbuff_shm_create(fd, area->name, want, opts);
		if (ret) {
			mbuff_shm_unlink(area->name);
			close(fd);
			return ret;
		}
	}
	ret = mbuff_shm_map(fd, area->name, area->writable, &h, &len);
	if (ret) {
		close(fd);
		return ret;
	}
	if (size > h->size) {
		unsigned long long have = h->size;

		munmap(h, len);
		close(fd);
		return mbuff_fail(EINVAL, "area '%s' is %llu bytes, less than %zu",
				  area->name, have, size);
	}
	/* Kept for further mappings of the area (a doubled ring view). */
	area->fd = fd;
	area->fd_offset = (off_t)hsize;
	if (opts->flags & MBUFF_OPEN_HOLD)
		__atomic_add_fetch(&h->users, 1, __ATOMIC_ACQ_REL);
	area->map = h;
	area->map_len = len;
	area->addr = (char *)h + hsize;
	area->size = h->size;
	area->memtype = MBUFF_MEM_CACHED;
	area->seen = __atomic_load_n(&h->events, __ATOMIC_ACQUIRE);
	return 0;
}

static void mbuff_process_close(struct mbuff_area *area)
{
	munmap(area->map, area->map_len);
	close(area->fd);
}

static int mbuff_process_info(const struct mbuff_area *area,
			      struct mbuff_area_info *info)
{
	struct stat st;

	if (fstat(area->fd, &st))
		return mbuff_fail(errno, "cannot stat area '%s'", area->name);
	info->uid = st.st_uid;
	info->gid = st.st_gid;
	info->mode = st.st_mode & 0777;
	info->users = __atomic_load_n(&mbuff_hdr(area)->users, __ATOMIC_ACQUIRE);
	return 0;
}

/*
 * The object's owner, group and mode, and its header read with pread():
 * nothing is mapped, and the user count is taken as it was then.
 */
static int mbuff_process_stat(struct mbuff_stat_batch *b, const char *name,
			      struct mbuff_area_info *info)
{
	char path[MBUFF_NAME_SIZE + 16];
	struct mbuff_shm_header h;
	struct stat st;
	int fd, ret;

	(void)b;	/* each name on its own */
	mbuff_shm_path(path, sizeof(path), name);
	fd = shm_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return mbuff_fail(errno, "cannot stat area '%s'", name);
	ret = mbuff_shm_settled(fd, name, &st);
	if (ret)
		goto out_close;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    !mbuff_shm_valid(&h, st.st_size)) {
		ret = mbuff_fail(EIO, "/dev/shm/" MBUFF_SHM_PREFIX "%s is not an mbuff area",
				 name);
		goto out_close;
	}
	info->size = h.size;
	info->memtype = MBUFF_MEM_CACHED;
	info->users = h.users;
	info->uid = st.st_uid;
	info->gid = st.st_gid;
	info->mode = st.st_mode & 0777;
out_close:
	close(fd);
	return ret;
}

static long mbuff_futex(uint32_t *word, int op, uint32_t val,
			const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static int mbuff_process_wait(struct mbuff_area *area, int timeout_ms)
{
	uint32_t *events = &mbuff_hdr(area)->events;
	struct timespec now, end = { 0 }, left;

	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += timeout_ms / 1000;
		end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (end.tv_nsec >= 1000000000L) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000L;
		}
	}
	for (;;) {
		/* Pairs with the release increment in mbuff_process_notify(). */
		uint32_t cur = __atomic_load_n(events, __ATOMIC_ACQUIRE);

		if (cur != area->seen) {
			area->seen = cur;
			return (int)(cur & INT32_MAX);
		}
		if (timeout_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = end.tv_sec - now.tv_sec;
			left.tv_nsec = end.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000L;
			}
			if (left.tv_sec < 0)
				return mbuff_fail(ETIMEDOUT, "no notification of '%s'",
						  area->name);
		}
		if (mbuff_futex(events, FUTEX_WAIT, cur,
				timeout_ms >= 0 ? &left : NULL) &&
		    errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT)
			return mbuff_fail(errno, "waiting on '%s'", area->name);
	}
}

static int mbuff_process_notify(struct mbuff_area *area)
{
	uint32_t *events = &mbuff_hdr(area)->events;

	/* The counter is in the mapping, which a read-only handle cannot write. */
	if (!area->writable)
		return mbuff_fail(EBADF, "cannot notify '%s': the handle is read-only",
				  area->name);
	__atomic_add_fetch(events, 1, __ATOMIC_RELEASE);
	mbuff_futex(events, FUTEX_WAKE, INT_MAX, NULL);
	return 0;
}

static int mbuff_process_destroy(const char *name)
{
	struct mbuff_shm_header *h;
	uint32_t users;
	size_t len;
	bool created;
	int fd, ret;

	fd = mbuff_shm_get(name, 0, 0, true, &created);
	if (fd < 0)
		return fd;
	ret = mbuff_shm_map(fd, name, true, &h, &len);
	close(fd);
	if (ret)
		return ret;
	users = __atomic_load_n(&h->users, __ATOMIC_ACQUIRE);
	while (users && !__atomic_compare_exchange_n(&h->users, &users,
						     users - 1, false,
						     __ATOMIC_ACQ_REL,
						     __ATOMIC_ACQUIRE))
		;
	munmap(h, len);
	/*
	 * The name goes with the last count, or at once for an area that
	 * never had one (nothing else could remove it: there is no kernel to
	 * count its mappings).  Mappings keep the memory until unmapped.
	 */
	if (users <= 1)
		mbuff_shm_unlink(name);
	return 0;
}

static int mbuff_process_list(char (**names)[MBUFF_NAME_SIZE], size_t *count)
{
	char (*buf)[MBUFF_NAME_SIZE] = NULL, (*more)[MBUFF_NAME_SIZE];
	size_t n = 0, cap = 0, plen = strlen(MBUFF_SHM_PREFIX);
	DIR *d = opendir("/dev/shm");
	struct dirent *e;

	if (!d)
		return mbuff_fail(errno, "cannot read /dev/shm");
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, MBUFF_SHM_PREFIX, plen) ||
		    !mbuff_name_valid(e->d_name + plen))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			more = realloc(buf, cap * MBUFF_NAME_SIZE);
			if (!more) {
				free(buf);
				closedir(d);
				return mbuff_fail(ENOMEM, "cannot list areas");
			}
			buf = more;
		}
		memset(buf[n], 0, MBUFF_NAME_SIZE);
		strcpy(buf[n++], e->d_name + plen);
	}
	closedir(d);
	*names = buf;
	*count = n;
	return 0;
}

/*
 * chmod and chown of the object; shm_open() does not follow a symbolic
 * link, so a link planted in /dev/shm cannot redirect them.
 */
static int mbuff_process_setperm(const char *name, unsigned int what,
				 uid_t uid, gid_t gid, mode_t mode)
{
	char path[MBUFF_NAME_SIZE + 16];
	const char *verb = what == MBUFF_PERM_MODE ? "chmod" : "chown";
	int fd, ret = 0;

	mbuff_shm_path(path, sizeof(path), name);
	fd = shm_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return mbuff_fail(errno, "cannot %s '%s'", verb, name);
	if (what & MBUFF_PERM_MODE) {
		if (fchmod(fd, mode))
			ret = mbuff_fail(errno, "cannot chmod '%s'", name);
	} else if (fchown(fd, what & MBUFF_PERM_UID ? uid : (uid_t)-1,
			  what & MBUFF_PERM_GID ? gid : (gid_t)-1)) {
		ret = mbuff_fail(errno, "cannot chown '%s'", name);
	}
	close(fd);
	return ret;
}

const struct mbuff_source_ops mbuff_process_ops = {
	.open = mbuff_process_open,
	.close = mbuff_process_close,
	.info = mbuff_process_info,
	.stat = mbuff_process_stat,
	.wait = mbuff_process_wait,
	.notify = mbuff_process_notify,
	.destroy = mbuff_process_destroy,
	.list = mbuff_process_list,
	.setperm = mbuff_process_setperm,
};
