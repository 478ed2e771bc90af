// SPDX-License-Identifier: GPL-2.0-only
/*
 * Areas as dma-bufs and dma-bufs as areas (MBUFF_IOC_EXPORT, _IMPORT):
 * an exported area's dma-buf maps the same bytes and keeps the area alive;
 * an imported dma-buf is a named area that /dev/mbuff, /dev/uioN and
 * kernel code reach by name, and that holds the dma-buf; bad descriptors,
 * taken names, read-only files and missing permission are refused; where
 * the kernel has them (6.12), buffers of /dev/udmabuf and
 * /dev/dma_heap/system are imported too.
 *
 *   dmabuf vmalloc|contig
 * Needs the test client module for the kernel-side checks.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "mbuff_util.h"
#include "tap.h"

/* From <linux/udmabuf.h> and <linux/dma-heap.h>, which 6.1's headers may lack. */
struct t_udmabuf_create {
	uint32_t memfd;
	uint32_t flags;
	uint64_t offset;
	uint64_t size;
};
#define T_UDMABUF_CREATE	_IOW('u', 0x42, struct t_udmabuf_create)

struct t_dma_heap_alloc {
	uint64_t len;
	uint32_t fd;
	uint32_t fd_flags;
	uint64_t heap_flags;
};
#define T_DMA_HEAP_IOCTL_ALLOC	_IOWR('H', 0x0, struct t_dma_heap_alloc)

#define SIZE	(64 * 1024)

static unsigned int backend;

/* MBUFF_IOC_EXPORT of NAME on FD: the dma-buf descriptor or -errno. */
static int export(int fd, const char *name)
{
	struct mbuff_export e;

	memset(&e, 0, sizeof(e));
	e.argsz = sizeof(e);
	snprintf(e.name, sizeof(e.name), "%s", name);
	if (ioctl(fd, MBUFF_IOC_EXPORT, &e) < 0)
		return -errno;
	return e.fd;
}

/* MBUFF_IOC_IMPORT of BUF as NAME on a new /dev/mbuff: its fd or -errno. */
static int import(const char *name, int buf, unsigned int flags,
		  struct mbuff_import *out)
{
	struct mbuff_import m;
	int fd = mb_open_dev(), ret;

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = flags;
	m.fd = buf;
	snprintf(m.name, sizeof(m.name), "%s", name);
	ret = ioctl(fd, MBUFF_IOC_IMPORT, &m);
	if (ret < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (out)
		*out = m;
	return fd;
}

static unsigned char *map(int fd, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

static int same(const unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 7 + seed))
			return 0;
	return 1;
}

static void test_export(void)
{
	int fd = mb_open("dx-a", SIZE, backend, 0, MBUFF_OPEN_CREATE, NULL);
	unsigned char *a = fd < 0 ? NULL : map(fd, SIZE, PROT_READ | PROT_WRITE);
	unsigned char *d;
	struct mbuff_info info;
	int buf;

	if (!a) {
		tap_ok(0, "export: setup (%s)", strerror(-fd));
		return;
	}
	fill(a, SIZE, 1);
	buf = export(fd, "");
	tap_ok(buf >= 0, "EXPORT of the selected area gives a dma-buf descriptor (%d)", buf);
	mb_info(fd, "", &info);
	tap_ok(info.files == 2, "the dma-buf holds a file count (files %u)", info.files);
	d = buf < 0 ? NULL : map(buf, SIZE, PROT_READ | PROT_WRITE);
	tap_ok(d && same(d, SIZE, 1), "the dma-buf maps the area's bytes");
	if (d) {
		d[100] = 0xee;
		tap_ok(a[100] == 0xee, "a write through the dma-buf is in the area");
		munmap(d, SIZE);
	} else {
		tap_ok(0, "a write through the dma-buf is in the area");
	}
	tap_ok(buf >= 0 && !kctl("get dx-a %d any cached 0", SIZE) &&
	       !kctl("check dx-a 100 1 0xee") && !kctl("put dx-a"),
	       "kernel code sees it too");
	munmap(a, SIZE);
	close(fd);
	tap_ok(mb_exists("dx-a") == 1,
	       "with its file and mapping gone, the area lives while the dma-buf does");
	if (buf >= 0)
		close(buf);
	tap_ok(mb_gone("dx-a"), "closing the dma-buf destroys it");
}

static void test_export_refused(void)
{
	int fd = mb_open("dx-r", SIZE, backend, 0, MBUFF_OPEN_CREATE |
			 MBUFF_OPEN_MODE, NULL), ro, st, r;
	pid_t pid;

	ro = open("/dev/mbuff", O_RDONLY | O_CLOEXEC);
	r = ro < 0 ? -errno : export(ro, "dx-r");
	tap_ok(r == -EBADF, "EXPORT on a read-only file: EBADF (%s)", strerror(-r));
	r = export(fd, "dx-none");
	tap_ok(r == -ENOENT, "EXPORT of a missing area: ENOENT (%s)", strerror(-r));
	{
		struct mbuff_export e;

		memset(&e, 0, sizeof(e));
		e.argsz = sizeof(e);
		e.flags = 1;
		r = ioctl(fd, MBUFF_IOC_EXPORT, &e) < 0 ? -errno : 0;
		tap_ok(r == -EINVAL, "EXPORT with flags: EINVAL (%s)", strerror(-r));
	}
	/* uid 1000 may read the 0644 area, not write it: no export. */
	chmod("/dev/mbuff", 0666);
	{
		struct mbuff_perm p;

		memset(&p, 0, sizeof(p));
		p.argsz = sizeof(p);
		p.flags = MBUFF_PERM_MODE;
		p.mode = 0644;
		ioctl(fd, MBUFF_IOC_SETPERM, &p);
	}
	pid = fork();
	if (pid == 0) {
		int c;

		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(2);
		c = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		_exit(c >= 0 && export(c, "dx-r") == -EACCES ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "another uid that may only read the area cannot export it (EACCES)");
	chmod("/dev/mbuff", 0600);
	if (ro >= 0)
		close(ro);
	close(fd);
	tap_ok(mb_gone("dx-r"), "nothing is left behind");
}

static void test_import(void)
{
	int fa = mb_open("dx-src", SIZE, backend, 0, MBUFF_OPEN_CREATE, NULL);
	unsigned char *a = fa < 0 ? NULL : map(fa, SIZE, PROT_READ | PROT_WRITE);
	unsigned char *m, *u;
	struct mbuff_import im;
	struct mbuff_info info;
	int buf, fi, fo, fu, r, pfd[2];

	if (!a) {
		tap_ok(0, "import: setup");
		return;
	}
	fill(a, SIZE, 9);
	buf = export(fa, "");
	fi = import("dx-imp", buf, 0, &im);
	tap_ok(fi >= 0 && im.size == SIZE, "IMPORT makes a named area of a dma-buf (size %llu)",
	       (unsigned long long)im.size);
	if (fi < 0) {
		munmap(a, SIZE);
		close(fa);
		close(buf);
		return;
	}
	mb_info(fi, "", &info);
	tap_ok(info.backend == MBUFF_BACKEND_DMABUF && info.phys_addr == 0 &&
	       info.memtype == MBUFF_MEM_CACHED,
	       "it is a cached dma-buf area with no physical address (backend %u)",
	       info.backend);
	fo = mb_open("dx-imp", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	m = fo < 0 ? NULL : map(fo, SIZE, PROT_READ | PROT_WRITE);
	tap_ok(m && same(m, SIZE, 9), "OPEN by name maps the dma-buf's bytes");
	fu = mb_uio_open("dx-imp");
	u = fu < 0 ? NULL : map(fu, SIZE, PROT_READ);
	/*
	 * Where UIO hands the module a VMA descriptor, not the VMA (7.2),
	 * the exporter's mmap cannot be called: EOPNOTSUPP, only then.
	 */
	r = u ? 0 : -errno;
	if (m)
		m[7] = 0x5a;
	if (fu >= 0 && r == -EOPNOTSUPP)
		tap_skip("its /dev/uioN: this kernel's UIO maps by VMA descriptor, which an exporter cannot map (EOPNOTSUPP)");
	else
		tap_ok(u && u[7] == 0x5a && a[7] == 0x5a,
		       "its /dev/uioN maps them too, and a write is the exporter's");
	tap_ok(!kctl("get dx-imp 0 any cached 0") &&
	       !kctl("check dx-imp 7 1 0x5a") && !kctl("put dx-imp"),
	       "kernel code reaches it by name, through the kernel mapping");
	r = import("dx-imp", buf, 0, NULL);
	tap_ok(r == -EEXIST, "IMPORT of a taken name: EEXIST (%s)", strerror(-r));
	r = export(fi, "");
	tap_ok(r == -EOPNOTSUPP, "an imported area is not exported again: EOPNOTSUPP (%s)",
	       strerror(-r));
	r = import("dx-bad", -1, 0, NULL);
	tap_ok(r == -EBADF, "IMPORT of fd -1: EBADF (%s)", strerror(-r));
	if (pipe(pfd) == 0) {
		r = import("dx-bad", pfd[0], 0, NULL);
		close(pfd[0]);
		close(pfd[1]);
		tap_ok(r == -EINVAL, "IMPORT of a pipe: EINVAL (%s)", strerror(-r));
	} else {
		tap_ok(0, "IMPORT of a pipe: setup");
	}
	tap_ok(mb_exists("dx-bad") == 0, "a refused import leaves no area");

	/* The import holds the dma-buf, which holds the exported area. */
	if (u)
		munmap(u, SIZE);
	if (fu >= 0)
		close(fu);
	munmap(a, SIZE);
	close(fa);
	close(buf);
	tap_ok(mb_exists("dx-src") == 1 && m && m[7] == 0x5a,
	       "the exported area lives while the import holds its dma-buf");
	if (m)
		munmap(m, SIZE);
	close(fo);
	close(fi);
	tap_ok(mb_gone("dx-imp") && mb_gone("dx-src"),
	       "closing the import's files lets both go");
}

static void test_import_refused(void)
{
	int fa = mb_open("dx-s2", SIZE, backend, 0, MBUFF_OPEN_CREATE, NULL);
	int buf = fa < 0 ? -1 : export(fa, ""), ro, r;
	struct mbuff_import m;

	ro = open("/dev/mbuff", O_RDONLY | O_CLOEXEC);
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.fd = buf;
	snprintf(m.name, sizeof(m.name), "dx-ro");
	r = ioctl(ro, MBUFF_IOC_IMPORT, &m) < 0 ? -errno : 0;
	tap_ok(r == -EBADF, "IMPORT on a read-only file: EBADF (%s)", strerror(-r));
	snprintf(m.name, sizeof(m.name), "bad/name");
	r = ioctl(fa, MBUFF_IOC_IMPORT, &m) < 0 ? -errno : 0;
	tap_ok(r == -EINVAL, "IMPORT under an invalid name: EINVAL (%s)", strerror(-r));
	snprintf(m.name, sizeof(m.name), "dx-ro");
	m.flags = 1;
	r = ioctl(fa, MBUFF_IOC_IMPORT, &m) < 0 ? -errno : 0;
	tap_ok(r == -EINVAL, "IMPORT with an unknown flag: EINVAL (%s)", strerror(-r));
	if (ro >= 0)
		close(ro);
	close(buf);
	close(fa);
	tap_ok(mb_gone("dx-s2") && mb_exists("dx-ro") == 0, "nothing is left behind");
}

/* 6.12: a udmabuf of a sealed memfd, and a buffer of the system heap. */
static void test_import_others(void)
{
	struct t_udmabuf_create c;
	struct t_dma_heap_alloc h;
	unsigned char *p, *m;
	int dev, memfd, buf, fi, fo;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		tap_skip("no /dev/udmabuf on this kernel");
		tap_skip("no /dev/udmabuf on this kernel");
	} else {
		memfd = (int)syscall(SYS_memfd_create, "dx", MFD_ALLOW_SEALING);
		if (memfd < 0 || ftruncate(memfd, SIZE) ||
		    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
			tap_ok(0, "udmabuf: memfd setup");
			tap_ok(0, "udmabuf: memfd setup");
		} else {
			p = map(memfd, SIZE, PROT_READ | PROT_WRITE);
			if (p)
				fill(p, SIZE, 3);
			memset(&c, 0, sizeof(c));
			c.memfd = (uint32_t)memfd;
			c.size = SIZE;
			buf = ioctl(dev, T_UDMABUF_CREATE, &c);
			fi = buf < 0 ? -errno : import("dx-udma", buf, 0, NULL);
			m = NULL;
			fo = -1;
			if (fi == -EOPNOTSUPP) {
				/* 6.1's udmabuf has no vmap: refused, nothing made. */
				tap_ok(mb_exists("dx-udma") == 0,
				       "a udmabuf without a kernel mapping is refused (EOPNOTSUPP), no area made");
				tap_skip("udmabuf cannot be mapped into the kernel here");
			} else {
				tap_ok(fi >= 0, "a udmabuf imports as an area (%s)",
				       fi < 0 ? strerror(-fi) : "ok");
				fo = mb_open("dx-udma", 0, MBUFF_BACKEND_ANY, 0, 0,
					     NULL);
				m = fo < 0 ? NULL : map(fo, SIZE, PROT_READ);
				tap_ok(m && p && same(m, SIZE, 3),
				       "the area maps the memfd's bytes");
			}
			if (m)
				munmap(m, SIZE);
			if (p)
				munmap(p, SIZE);
			if (fo >= 0)
				close(fo);
			if (fi >= 0)
				close(fi);
			if (buf >= 0)
				close(buf);
		}
		if (memfd >= 0)
			close(memfd);
		close(dev);
	}
	dev = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (dev < 0) {
		tap_skip("no /dev/dma_heap/system on this kernel");
	} else {
		memset(&h, 0, sizeof(h));
		h.len = SIZE;
		h.fd_flags = O_RDWR | O_CLOEXEC;
		buf = ioctl(dev, T_DMA_HEAP_IOCTL_ALLOC, &h) < 0 ? -errno : (int)h.fd;
		fi = buf < 0 ? buf : import("dx-heap", buf, 0, NULL);
		fo = fi < 0 ? -1 : mb_open("dx-heap", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
		m = fo < 0 ? NULL : map(fo, SIZE, PROT_READ | PROT_WRITE);
		p = buf < 0 ? NULL : map(buf, SIZE, PROT_READ);
		if (m)
			fill(m, SIZE, 5);
		tap_ok(m && p && same(p, SIZE, 5),
		       "a system-heap buffer imports as an area; writes through the area are the heap's");
		if (m)
			munmap(m, SIZE);
		if (p)
			munmap(p, SIZE);
		if (fo >= 0)
			close(fo);
		if (fi >= 0)
			close(fi);
		if (buf >= 0)
			close(buf);
		close(dev);
	}
	tap_ok(mb_gone("dx-udma") && mb_gone("dx-heap"), "the imports go with their files");
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "vmalloc") && strcmp(argv[1], "contig"))) {
		fprintf(stderr, "usage: dmabuf vmalloc|contig\n");
		return 2;
	}
	backend = strcmp(argv[1], "contig") ? MBUFF_BACKEND_VMALLOC :
					      MBUFF_BACKEND_CONTIG;
	tap_plan(32);
	{
		struct mbuff_info info;
		int fd = mb_open_dev(), i, e, m;

		mb_info(fd, "", &info);
		if (!(info.features & MBUFF_FEAT_DMABUF)) {
			/* A kernel without dma-buf: both refused, plainly. */
			e = export(fd, "default");
			m = import("dx-none", 0, 0, NULL);
			tap_ok(e == -EOPNOTSUPP || e == -ENOENT,
			       "no dma-buf in this kernel: EXPORT refused (%s)",
			       strerror(-e));
			tap_ok(m == -EOPNOTSUPP,
			       "no dma-buf in this kernel: IMPORT refused with EOPNOTSUPP (%s)",
			       strerror(-m));
			for (i = 2; i < 32; i++)
				tap_skip("no dma-buf in this kernel");
			close(fd);
			return tap_exit();
		}
		close(fd);
	}
	test_export();
	test_export_refused();
	test_import();
	test_import_refused();
	test_import_others();
	return tap_exit();
}
