// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA helpers of /dev/mbuff: the physical runs of a contiguous and of
 * a vmalloc area (checked against /proc/self/pagemap), refused without
 * CAP_SYS_RAWIO; and cache maintenance requests, every bad field refused.
 * Needs the module with a pool.  Usage: dma_api
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/wait.h>

#include <mbuff.h>

#include "mbuff_util.h"
#include "tap.h"

/* The physical address behind a user address, from /proc/self/pagemap. */
static uint64_t user_phys(const void *p)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)p / psz * 8)) != 8)
		e = 0;
	close(fd);
	if (!(e & (1ULL << 63)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * (uint64_t)psz;
}

static struct mbuff_area *open_area(const char *name, size_t size,
				    unsigned int backend)
{
	/* Readable by all: the unprivileged child lacks the capability only. */
	struct mbuff_opts o = { .sz = sizeof(o), .backend = backend,
				.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE,
				.mode = 0644 };
	struct mbuff_area *a = NULL;

	if (mbuff_area_open(name, size, &o, &a))
		tap_diag("open %s: %s", name, mbuff_last_error());
	return a;
}

static void test_sglist(void)
{
	struct mbuff_sg_entry e[256];
	struct mbuff_area *c = open_area("dma-c", 1 << 20, MBUFF_BACKEND_CONTIG);
	struct mbuff_area *v = open_area("dma-v", 1 << 20, MBUFF_BACKEND_VMALLOC);
	uint64_t phys = 0, total = 0;
	int n, i, ok = 1, st;
	pid_t pid;

	if (!c || !v) {
		for (i = 0; i < 5; i++)
			tap_ok(0, "setup");
		return;
	}
	mbuff_area_phys(c, &phys);
	n = mbuff_area_sglist(c, e, 256);
	tap_ok(n == 1 && e[0].phys == phys && e[0].len == 1 << 20,
	       "a contiguous area is one run at its physical base (%d runs)", n);

	n = mbuff_area_sglist(v, e, 256);
	for (i = 0; i < n && i < 256; i++) {
		total += e[i].len;
		ok &= e[i].phys && !(e[i].phys % 4096) && !(e[i].len % 4096);
		if (i && e[i - 1].phys + e[i - 1].len == e[i].phys)
			ok = 0;	/* neighbours must have been merged */
	}
	tap_ok(n >= 1 && n <= 256 && total == 1 << 20 && ok,
	       "a vmalloc area's %d runs cover its 1 MiB, page aligned, merged", n);

	/* The user mapping and the list agree, page by page. */
	{
		unsigned char *p = mbuff_area_addr(v);
		uint64_t off = 0;
		int bad = 0;

		for (i = 0; i < n && i < 256; i++) {
			uint64_t k;

			for (k = 0; k < e[i].len; k += 4096, off += 4096) {
				p[off] = 1;	/* make sure it is mapped */
				if (user_phys(p + off) != e[i].phys + k)
					bad++;
			}
		}
		tap_ok(!bad, "every page's physical address matches /proc/self/pagemap (%d differ)",
		       bad);
	}

	n = mbuff_area_sglist(v, e, 1);
	tap_ok(n >= 1 && e[0].len >= 4096,
	       "with room for 1 run the count is still reported (%d)", n);

	pid = fork();
	if (pid == 0) {
		/* Without CAP_SYS_RAWIO: an unprivileged user. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		n = mbuff_area_sglist(v, e, 256);
		_exit(n == -EPERM && errno == EPERM ? 0 : n < 0 ? -n : 1);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "an unprivileged caller gets EPERM (exit %d: an errno, or 1 for success)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	mbuff_area_close(c);
	mbuff_area_close(v);
	mb_gone("dma-c");
	mb_gone("dma-v");
}

static int raw_sync(int fd, uint64_t off, uint64_t len, unsigned int dir,
		    unsigned int flags, uint64_t reserved)
{
	struct mbuff_sync req;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.flags = flags;
	req.offset = off;
	req.length = len;
	req.direction = dir;
	req.reserved[1] = reserved;
	return neg_errno(ioctl(fd, MBUFF_IOC_SYNC, &req));
}

static void test_sync(void)
{
	struct mbuff_area *a = open_area("dma-s", 64 << 10, MBUFF_BACKEND_CONTIG);
	int fd = mb_open("dma-s", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	const unsigned int L = 64 << 10;

	if (!a || fd < 0) {
		tap_ok(0, "setup");
		return;
	}
	tap_ok(mbuff_area_sync(a, 0, L, MBUFF_SYNC_TO_DEVICE) == 0 &&
	       mbuff_area_sync(a, 4096, 100, MBUFF_SYNC_FROM_DEVICE) == 0 &&
	       mbuff_area_sync(a, L - 1, 1, MBUFF_SYNC_BIDIRECTIONAL) == 0,
	       "sync of ranges inside the area, in every direction");
	tap_ok(raw_sync(fd, L, 1, 1, 0, 0) == -EINVAL &&
	       raw_sync(fd, L - 100, 101, 1, 0, 0) == -EINVAL &&
	       raw_sync(fd, 1, UINT64_MAX, 1, 0, 0) == -EINVAL &&
	       raw_sync(fd, 0, 0, 1, 0, 0) == -EINVAL,
	       "ranges past the end, wrapping, or empty: EINVAL");
	tap_ok(raw_sync(fd, 0, 1, 0, 0, 0) == -EINVAL &&
	       raw_sync(fd, 0, 1, 4, 0, 0) == -EINVAL,
	       "a wrong direction (0, 4): EINVAL");
	tap_ok(raw_sync(fd, 0, 1, 1, 1, 0) == -EINVAL &&
	       raw_sync(fd, 0, 1, 1, 0, 1) == -EINVAL,
	       "non-zero flags or reserved fields: EINVAL");
	tap_ok(mbuff_area_sync(a, L, 1, MBUFF_SYNC_TO_DEVICE) == -EINVAL &&
	       strstr(mbuff_last_error(), "bad sync request"),
	       "the library refuses a bad request itself: %s", mbuff_last_error());
	close(fd);
	mbuff_area_close(a);
	mb_gone("dma-s");
}

int main(void)
{
	tap_plan(10);
	test_sglist();
	test_sync();
	tap_exit();
}
