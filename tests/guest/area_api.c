// SPDX-License-Identifier: GPL-2.0-only
/*
 * The modern /dev/mbuff ABI: create-or-attach, sharing between processes,
 * sysfs and UIO exposure, contiguous areas inside the pool, alignment,
 * memory types, pool exhaustion, list, and one negative case per input
 * field (the leading size, @argsz, of every request among them).  Needs a
 * boot with a pool (pools=SIZE@PHYS); usage: area_api SIZE@PHYS of that
 * pool.
 */
#include <stdarg.h>
#include <stdint.h>
#include <sys/wait.h>

#include <mbuff/spec.h>

#include "iomem.h"
#include "mbuff_util.h"
#include "tap.h"

static struct mbuff_range pool;

static void test_module_info(void)
{
	struct mbuff_info info;
	int fd = mb_open_dev();
	int ret = mb_info(fd, NULL, &info);

	tap_ok(ret == 0 && info.abi_version == MBUFF_ABI_VERSION &&
	       (info.features & MBUFF_FEAT_CONTIG) &&
	       (info.features & MBUFF_FEAT_LEGACY) && info.size == 0,
	       "INFO with no area: ABI %u, features %#llx (%s)",
	       info.abi_version, (unsigned long long)info.features,
	       strerror(-ret));
	close(fd);
}

/* Create a vmalloc area, share it with a child process through a second
 * open by name, and check zeroing, size rounding and counts. */
static void test_vmalloc_share(void)
{
	struct mbuff_open o;
	struct mbuff_info info;
	unsigned char *p;
	int fd, st;
	pid_t pid;

	fd = mb_open("share", 5000, MBUFF_BACKEND_VMALLOC, MBUFF_MEM_CACHED,
		     MBUFF_OPEN_CREATE, &o);
	tap_ok(fd >= 0 && o.size == 8192 && o.backend == MBUFF_BACKEND_VMALLOC,
	       "create a 5000-byte vmalloc area: size %llu (%s)",
	       (unsigned long long)o.size, fd < 0 ? strerror(-fd) : "ok");
	if (fd < 0)
		return;
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok(p != MAP_FAILED && mem_check(p, 8192, 0) < 0,
	       "it maps and reads as zeros");
	if (p == MAP_FAILED)
		return;
	strcpy((char *)p + 100, "from the parent");

	pid = fork();
	if (pid == 0) {
		int cfd = mb_open("share", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
		char *q;

		if (cfd < 0)
			_exit(2);
		q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		if (q == MAP_FAILED || strcmp(q + 100, "from the parent"))
			_exit(3);
		strcpy(q + 4096, "from the child");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	       !strcmp((char *)p + 4096, "from the child"),
	       "a second process opens it by name and both see each other's bytes (child exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	mb_info(fd, "", &info);
	tap_ok(info.maps == 1 && info.files == 1 && info.users == 0 &&
	       mb_sysfs("share", "maps") == 1 && mb_sysfs("share", "size") == 8192,
	       "counts: %u maps, %u files, %u users; sysfs agrees",
	       info.maps, info.files, info.users);
	munmap(p, 8192);
	close(fd);
	tap_ok(mb_gone("share"), "the area is gone after its last file and mapping");
}

static void test_attach_errors(void)
{
	int fd = mb_open("exists", 4096, MBUFF_BACKEND_VMALLOC, 0,
			 MBUFF_OPEN_CREATE, NULL);
	int r;

	r = mb_open("exists", 8192, MBUFF_BACKEND_ANY, 0, MBUFF_OPEN_CREATE, NULL);
	tap_ok(r == -EINVAL, "opening an area with a larger size: EINVAL (%s)",
	       strerror(-r));
	r = mb_open("exists", 4096, MBUFF_BACKEND_CONTIG, 0, 0, NULL);
	tap_ok(r == -EINVAL, "opening a vmalloc area as contiguous: EINVAL (%s)",
	       strerror(-r));
	r = mb_open("exists", 0, 0, 0, MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, NULL);
	tap_ok(r == -EEXIST, "CREATE|EXCL on an existing area: EEXIST (%s)",
	       strerror(-r));
	r = mb_open("missing", 4096, 0, 0, 0, NULL);
	tap_ok(r == -ENOENT, "opening a missing area without CREATE: ENOENT (%s)",
	       strerror(-r));
	r = mb_open("missing", 0, 0, 0, MBUFF_OPEN_CREATE, NULL);
	tap_ok(r == -EINVAL, "creating with size 0: EINVAL (%s)", strerror(-r));
	r = mb_open("vwc", 4096, MBUFF_BACKEND_VMALLOC, MBUFF_MEM_WC,
		    MBUFF_OPEN_CREATE, NULL);
	tap_ok(r == -EOPNOTSUPP, "a write-combined vmalloc area: EOPNOTSUPP (%s)",
	       strerror(-r));
	if (fd >= 0)
		close(fd);
}

static void test_bad_names(void)
{
	static const char *const bad[] = {
		"", "a/b", "a b", "tab\there", "\x01", "caf\xc3\xa9", ".", "..",
		"123456789012345678901234567890123",
	};
	struct mbuff_open req;
	size_t i;
	int fd, r, all = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = mb_open(bad[i], 4096, 0, 0, MBUFF_OPEN_CREATE, NULL);
		if (r != -EINVAL) {
			tap_diag("name '%s' gave %s", bad[i], strerror(-r));
			all = 0;
		}
		if (r >= 0)
			close(r);
	}
	tap_ok(all, "empty, '/', space, tab, control, non-ASCII, '.', '..' and 33-byte names: EINVAL");

	r = mb_open("12345678901234567890123456789012", 4096, 0, 0,
		    MBUFF_OPEN_CREATE, NULL);
	tap_ok(r >= 0, "a 32-byte name is accepted (%s)",
	       r < 0 ? strerror(-r) : "ok");
	if (r >= 0) {
		close(r);
		mb_gone("12345678901234567890123456789012");
	}

	fd = mb_open_dev();
	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = MBUFF_OPEN_CREATE;
	memset(req.name, 'x', sizeof(req.name));
	req.size = 4096;
	r = neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &req));
	tap_ok(r == -EINVAL, "a name field without NUL: EINVAL (%s)", strerror(-r));
	close(fd);
}

/* One negative case per input field of each struct. */
static void test_bad_fields(void)
{
	struct mbuff_open o;
	struct mbuff_name n;
	struct mbuff_info info;
	struct mbuff_list l;
	int fd = mb_open_dev(), r, i;
	struct { const char *what; unsigned int off, val; } cases[] = {
		{ "open.argsz = 0", offsetof(struct mbuff_open, argsz), 0 },
		{ "open.argsz one short",
		  offsetof(struct mbuff_open, argsz), sizeof(o) - 1 },
		{ "open.reserved[2]", offsetof(struct mbuff_open, reserved) + 16, 1 },
		{ "open.flags (unknown bit)", offsetof(struct mbuff_open, flags), 1u << 9 },
		{ "open.backend = 3", offsetof(struct mbuff_open, backend), 3 },
		{ "open.memtype = 3", offsetof(struct mbuff_open, memtype), 3 },
		{ "open.align = 3", offsetof(struct mbuff_open, align), 3 },
		{ "open.mode = 0700 with MODE", offsetof(struct mbuff_open, mode), 0700 },
	};
	struct {
		struct mbuff_open o;
		__u64 more[2];
	} big;

	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		memset(&o, 0, sizeof(o));
		o.argsz = sizeof(o);
		o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE;
		strcpy(o.name, "fields");
		o.size = 4096;
		o.mode = 0600;
		memcpy((char *)&o + cases[i].off, &cases[i].val, 4);
		r = neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &o));
		tap_ok(r == -EINVAL, "%s: EINVAL (%s)", cases[i].what, strerror(-r));
	}

	/* A larger struct from a newer header: its unknown tail must be 0. */
	memset(&big, 0, sizeof(big));
	big.o.argsz = sizeof(big);
	big.o.flags = MBUFF_OPEN_CREATE;
	strcpy(big.o.name, "fields");
	big.o.size = 4096;
	big.more[1] = 1;
	r = neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &big));
	tap_ok(r == -E2BIG, "open.argsz larger, a non-zero byte past the known struct: E2BIG (%s)",
	       strerror(-r));
	big.more[1] = 0;
	r = neg_errno(ioctl(fd, MBUFF_IOC_OPEN, &big));
	tap_ok(r == 0 && big.o.size == 4096,
	       "open.argsz larger with a zero tail is taken (%s)", strerror(-r));
	if (r == 0) {
		close(fd);
		mb_gone("fields");
		fd = mb_open_dev();
	}

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n) - 8;
	strcpy(n.name, "x");
	r = neg_errno(ioctl(fd, MBUFF_IOC_DESTROY, &n));
	tap_ok(r == -EINVAL, "destroy.argsz short: EINVAL (%s)", strerror(-r));
	n.argsz = sizeof(n);
	n.reserved[1] = 1;
	r = neg_errno(ioctl(fd, MBUFF_IOC_DESTROY, &n));
	tap_ok(r == -EINVAL, "destroy.reserved[1]: EINVAL (%s)", strerror(-r));
	r = neg_errno(ioctl(fd, MBUFF_IOC_NOTIFY, &n));
	tap_ok(r == -EINVAL, "notify.reserved[1]: EINVAL (%s)", strerror(-r));
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.reserved[0] = 1;
	r = neg_errno(ioctl(fd, MBUFF_IOC_INFO, &info));
	tap_ok(r == -EINVAL, "info.reserved[0]: EINVAL (%s)", strerror(-r));
	memset(&info, 0, sizeof(info));
	r = neg_errno(ioctl(fd, MBUFF_IOC_INFO, &info));
	tap_ok(r == -EINVAL, "info.argsz = 0: EINVAL (%s)", strerror(-r));
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.reserved[1] = 1;
	r = neg_errno(ioctl(fd, MBUFF_IOC_LIST, &l));
	tap_ok(r == -EINVAL, "list.reserved[1]: EINVAL (%s)", strerror(-r));
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.capacity = 4;
	l.names = 16;	/* an unmapped user address */
	close(mb_open("listme", 4096, 0, 0,
		      MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL));
	r = neg_errno(ioctl(fd, MBUFF_IOC_LIST, &l));
	tap_ok(r == -EFAULT, "list.names pointing nowhere: EFAULT (%s)",
	       strerror(-r));
	mb_destroy("listme");
	mb_gone("listme");

	r = neg_errno(ioctl(fd, _IO(MBUFF_IOC_MAGIC, 0x7f), &info));
	tap_ok(r == -ENOTTY, "an unknown ioctl: ENOTTY (%s)", strerror(-r));
	r = neg_errno(ioctl(fd, _IOWR(0xb6, 0x12, char[128]), &info));
	tap_ok(r == -ENOTTY, "ABI 1's INFO (magic 0xb6): ENOTTY (%s)",
	       strerror(-r));
	r = neg_errno(ioctl(fd, 4, &info));
	tap_ok(r == -ENOTTY, "raw ioctl 4, past the legacy ones: ENOTTY (%s)",
	       strerror(-r));
	r = mb_destroy("no-such-area");
	tap_ok(r == -ENOENT, "destroying a missing area: ENOENT (%s)",
	       strerror(-r));
	close(fd);
}

static void test_mmap_errors(void)
{
	int fd = mb_open("maps", 3 * 4096, MBUFF_BACKEND_ANY, 0,
			 MBUFF_OPEN_CREATE, NULL);
	int nofd = mb_open_dev();
	void *p;

	p = mmap(NULL, 4 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	tap_ok(p == MAP_FAILED && errno == EINVAL,
	       "mmap longer than the area: EINVAL");
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 2 * 4096);
	tap_ok(p == MAP_FAILED && errno == EINVAL,
	       "mmap running past the end from an offset: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 100);
	tap_ok(p == MAP_FAILED && errno == EINVAL, "mmap at an unaligned offset: EINVAL");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	tap_ok(p == MAP_FAILED && errno == EINVAL, "a private mapping: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, nofd, 0);
	tap_ok(p == MAP_FAILED && errno == EINVAL,
	       "mmap of a file with no area selected: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 2 * 4096);
	tap_ok(p != MAP_FAILED, "the last page alone maps at its offset");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(nofd);
	close(fd);
	mb_gone("maps");
}

static long long pool_avail(void)
{
	char buf[32];

	if (read_file("/sys/class/misc/mbuff/pools/pool0/avail", buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/* A contiguous area lies in the pool, publishes its physical base in the
 * info ioctl, sysfs and UIO, and honours an alignment. */
static void test_contiguous(void)
{
	struct mbuff_open o;
	struct mbuff_info info;
	char path[96], buf[64];
	unsigned long long uaddr = 0, usize = 0;
	int fd, fd2, n;

	/* Earlier areas' ranges go back to the pool just after their names. */
	for (n = 0; n < 200 && pool_avail() != (long long)pool.size; n++)
		usleep(10000);
	fd = mb_open("contig", 1 * MB, MBUFF_BACKEND_CONTIG, MBUFF_MEM_CACHED,
		     MBUFF_OPEN_CREATE, &o);
	if (!tap_ok(fd >= 0, "create a 1 MiB contiguous area (%s)",
		    fd < 0 ? strerror(-fd) : "ok"))
		return;
	mb_info(fd, "", &info);
	tap_ok(info.backend == MBUFF_BACKEND_CONTIG && info.phys_addr >= pool.phys &&
	       info.phys_addr + info.size <= pool.phys + pool.size &&
	       (unsigned long long)mb_sysfs("contig", "phys_addr") == info.phys_addr,
	       "its physical base %#llx lies in the pool; sysfs phys_addr agrees",
	       (unsigned long long)info.phys_addr);
	n = mb_uio_index("contig");
	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/maps/map0/addr", n);
	if (!read_file(path, buf, sizeof(buf)))
		uaddr = strtoull(buf, NULL, 0);
	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/maps/map0/size", n);
	if (!read_file(path, buf, sizeof(buf)))
		usize = strtoull(buf, NULL, 0);
	/* UIO never shows physical addresses: map0/addr is always 0. */
	tap_ok(n >= 0 && (int)info.uio_index == n && uaddr == 0 &&
	       usize == info.size,
	       "/dev/uio%d is 'mbuff:contig', map0 is %#llx+%#llx (no address)",
	       n, uaddr, usize);
	{
		struct iomem_entry e;
		int found = iomem_find("mbuff pool0", &e);

		tap_ok(found && info.phys_addr >= e.start &&
		       info.phys_addr + info.size - 1 <= e.end,
		       "the area lies inside 'mbuff pool0' of /proc/iomem (%#llx-%#llx)",
		       found ? e.start : 0, found ? e.end : 0);
	}
	{
		unsigned char *p = mmap(NULL, 1 * MB, PROT_READ | PROT_WRITE,
					MAP_SHARED, fd, 0);
		struct mbuff_info again;
		int fd3;

		if (p != MAP_FAILED) {
			memset(p, 0xee, 1 * MB);
			munmap(p, 1 * MB);
		}
		close(fd);
		mb_gone("contig");
		/* Its range goes back to the pool just after the name. */
		for (fd3 = 0; fd3 < 200 && pool_avail() != (long long)pool.size; fd3++)
			usleep(10000);
		fd = mb_open("contig", 1 * MB, MBUFF_BACKEND_CONTIG, 0,
			     MBUFF_OPEN_CREATE, NULL);
		mb_info(fd, "", &again);
		p = fd < 0 ? MAP_FAILED : mmap(NULL, 1 * MB, PROT_READ,
					       MAP_SHARED, fd, 0);
		tap_ok(p != MAP_FAILED && again.phys_addr == info.phys_addr &&
		       mem_check(p, 1 * MB, 0) < 0,
		       "a new area on the same range (%#llx) is zeroed",
		       (unsigned long long)again.phys_addr);
		if (p != MAP_FAILED)
			munmap(p, 1 * MB);
		fd3 = mb_open("vm-addr", 4096, MBUFF_BACKEND_VMALLOC, 0,
			      MBUFF_OPEN_CREATE, NULL);
		n = mb_uio_index("vm-addr");
		snprintf(path, sizeof(path), "/sys/class/uio/uio%d/maps/map0/addr", n);
		buf[0] = '\0';
		read_file(path, buf, sizeof(buf));
		tap_ok(fd3 >= 0 && n >= 0 && strtoull(buf, NULL, 0) == 0 &&
		       mb_sysfs("vm-addr", "phys_addr") == -1,
		       "a vmalloc area shows no address in UIO (map0/addr %s) nor phys_addr in sysfs",
		       buf);
		if (fd3 >= 0)
			close(fd3);
		mb_gone("vm-addr");
	}

	fd2 = mb_open("aligned", 4096, MBUFF_BACKEND_CONTIG, 0, MBUFF_OPEN_CREATE,
		      NULL);
	close(fd2);
	{
		struct mbuff_open req;
		int dfd = mb_open_dev(), r;

		memset(&req, 0, sizeof(req));
		req.argsz = sizeof(req);
		strcpy(req.name, "aligned2m");
		req.size = 4096;
		req.backend = MBUFF_BACKEND_CONTIG;
		req.flags = MBUFF_OPEN_CREATE;
		req.align = 2 * MB;
		r = neg_errno(ioctl(dfd, MBUFF_IOC_OPEN, &req));
		mb_info(dfd, "", &info);
		tap_ok(r == 0 && info.phys_addr % (2 * MB) == 0,
		       "align=2 MiB gives a 2 MiB-aligned base %#llx (%s)",
		       (unsigned long long)info.phys_addr, strerror(-r));
		close(dfd);
	}
	close(fd);
	mb_gone("contig");
	mb_gone("aligned");
	mb_gone("aligned2m");
}

/*
 * Creation does not wait for queued teardowns, but one that finds too
 * little memory does: an area of the whole pool, created just after
 * another one of the whole pool went, gets its range every time, however
 * late the teardown queue runs.
 */
static void test_reuse_at_once(void)
{
	struct mbuff_info a, b;
	int i, fd, ok = 1;

	for (i = 0; i < 20 && ok; i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		fd = mb_open("first", pool.size, MBUFF_BACKEND_CONTIG, 0,
			     MBUFF_OPEN_CREATE, NULL);
		if (fd >= 0) {
			mb_info(fd, "", &a);
			close(fd);	/* the last count: the name goes now */
		}
		fd = mb_open("second", pool.size, MBUFF_BACKEND_CONTIG, 0,
			     MBUFF_OPEN_CREATE, NULL);
		if (fd >= 0) {
			mb_info(fd, "", &b);
			close(fd);
		}
		ok = fd >= 0 && a.phys_addr && b.phys_addr == a.phys_addr;
	}
	tap_ok(ok, "an area of the whole pool created as soon as another's name went takes its range (%d of 20 rounds, %#llx then %#llx)",
	       i, (unsigned long long)a.phys_addr,
	       (unsigned long long)b.phys_addr);
	mb_gone("second");
}

/* Fill the pool: the next area fails with ENOMEM and nothing breaks. */
static void test_exhaustion(void)
{
	int fds[64], n = 0, r, fd;

	while (n < 64) {
		char name[16];

		snprintf(name, sizeof(name), "fill%d", n);
		r = mb_open(name, pool.size / 8, MBUFF_BACKEND_CONTIG, 0,
			    MBUFF_OPEN_CREATE, NULL);
		if (r < 0)
			break;
		fds[n++] = r;
	}
	tap_ok(r == -ENOMEM && n == 8,
	       "the pool holds %d areas of 1/8 its size, then ENOMEM (%s)",
	       n, strerror(-r));
	r = mb_open("toobig", pool.size + 4096, MBUFF_BACKEND_CONTIG, 0,
		    MBUFF_OPEN_CREATE, NULL);
	tap_ok(r == -ENOMEM, "an area larger than the pool: ENOMEM (%s)",
	       strerror(-r));
	{
		struct mbuff_open o;

		fd = mb_open("anyfull", pool.size / 8, MBUFF_BACKEND_ANY, 0,
			     MBUFF_OPEN_CREATE, &o);
		tap_ok(fd >= 0 && o.backend == MBUFF_BACKEND_VMALLOC,
		       "with the pool full, backend 'any' takes vmalloc memory (%s)",
		       fd < 0 ? strerror(-fd) : "ok");
		if (fd >= 0)
			close(fd);
		mb_gone("anyfull");
	}
	while (n)
		close(fds[--n]);
	for (n = 0; n < 8; n++) {
		char name[16];

		snprintf(name, sizeof(name), "fill%d", n);
		mb_gone(name);
	}
	/* The memory goes back to the pool just after the names go. */
	for (n = 0; n < 200 && pool_avail() != (long long)pool.size; n++)
		usleep(10000);
	fd = mb_open("whole", pool.size, MBUFF_BACKEND_CONTIG, 0,
		     MBUFF_OPEN_CREATE, NULL);
	tap_ok(fd >= 0, "once they are gone, the whole pool is one area again (%s)",
	       fd < 0 ? strerror(-fd) : "ok");
	if (fd >= 0)
		close(fd);
	mb_gone("whole");
}

/* A name is free again as soon as its area has lost its last user. */
static void test_recreate(void)
{
	int i, fd = -1, ok = 1;

	for (i = 0; i < 20 && ok; i++) {
		fd = mb_open("again", 4096, i % 2 ? MBUFF_BACKEND_CONTIG :
			     MBUFF_BACKEND_VMALLOC, 0, MBUFF_OPEN_CREATE |
			     MBUFF_OPEN_EXCL, NULL);
		ok = fd >= 0;
		if (ok)
			close(fd);
	}
	tap_ok(ok, "an area re-created right after its last close, 20 times (%s)",
	       ok ? "ok" : strerror(-fd));
	mb_gone("again");
}

static void test_list_and_hold(void)
{
	char names[2][MBUFF_NAME_SIZE];
	struct mbuff_list l;
	struct mbuff_info info;
	int fd, r;

	fd = mb_open("held-a", 4096, 0, 0, MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL);
	close(fd);
	fd = mb_open("held-b", 4096, 0, 0, MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL);
	close(fd);
	fd = mb_open("held-c", 4096, 0, 0, MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL);
	close(fd);
	tap_ok(mb_exists("held-a") == 1 && mb_sysfs("held-a", "users") == 1 &&
	       mb_sysfs("held-a", "files") == 0,
	       "with HOLD, an area outlives its file (users 1, files 0)");

	fd = mb_open_dev();
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.names = (uintptr_t)names;
	l.capacity = 2;
	r = neg_errno(ioctl(fd, MBUFF_IOC_LIST, &l));
	tap_ok(r == 0 && l.count == 3 && !strcmp(names[0], "held-a") &&
	       !strcmp(names[1], "held-b"),
	       "LIST with room for 2 of 3: count %u, '%s', '%s'", l.count,
	       names[0], names[1]);
	r = mb_info(fd, "held-b", &info);
	tap_ok(r == 0 && info.users == 1 && info.size == 4096,
	       "INFO by name: users %u, size %llu", info.users,
	       (unsigned long long)info.size);
	close(fd);

	tap_ok(mb_destroy("held-a") == 0 && mb_destroy("held-b") == 0 &&
	       mb_destroy("held-c") == 0 && mb_gone("held-a") &&
	       mb_gone("held-b") && mb_gone("held-c"),
	       "DESTROY drops the user count and the areas go");
	r = mb_destroy("share");
	tap_ok(r == -ENOENT, "DESTROY of a gone area: ENOENT (%s)", strerror(-r));
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "";

	if (argc < 2 || mbuff_spec_next(&spec, &pool) != 1) {
		fprintf(stderr, "usage: area_api SIZE@PHYS (the pool)\n");
		return 2;
	}
	tap_plan(60);
	test_module_info();
	test_vmalloc_share();
	test_attach_errors();
	test_bad_names();
	test_bad_fields();
	test_mmap_errors();
	test_contiguous();
	test_reuse_at_once();
	test_exhaustion();
	test_recreate();
	test_list_and_hold();
	tap_exit();
}
