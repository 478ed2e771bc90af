// SPDX-License-Identifier: GPL-2.0-only
/*
 * A pool named on pools= is claimed: it appears in /proc/iomem at exactly
 * the given range, outside System RAM, and /dev/mem access to it is refused.
 * Usage: pool_claim SIZE@PHYS [INDEX]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mbuff/spec.h>

#include "iomem.h"
#include "tap.h"

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "";
	struct iomem_entry e;
	struct mbuff_range r;
	char name[32], buf[64];
	ssize_t n;
	void *p;
	int fd, found, err;

	if (argc < 2 || mbuff_spec_next(&spec, &r) != 1) {
		fprintf(stderr, "usage: pool_claim SIZE@PHYS [INDEX]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "mbuff pool%s", argc > 2 ? argv[2] : "0");

	tap_plan(4);
	found = iomem_find(name, &e);
	tap_ok(found && e.start == r.phys && e.end == r.phys + r.size - 1,
	       "/proc/iomem has '%s' at %#llx-%#llx (found: %d, %#llx-%#llx)",
	       name, (unsigned long long)r.phys,
	       (unsigned long long)(r.phys + r.size - 1), found,
	       found ? e.start : 0, found ? e.end : 0);
	tap_ok(found && strcmp(e.parent, "System RAM") != 0,
	       "'%s' is not inside System RAM (parent: '%s')", name,
	       found ? e.parent : "?");

	fd = open("/dev/mem", O_RDWR);
	if (fd < 0) {
		tap_ok(0, "open /dev/mem: %s", strerror(errno));
		tap_ok(0, "open /dev/mem: %s", strerror(errno));
		tap_exit();
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)r.phys);
	tap_ok(p == MAP_FAILED && errno == EPERM,
	       "mmap of the claimed pool through /dev/mem is refused with EPERM (%s)",
	       p == MAP_FAILED ? strerror(errno) : "it was mapped");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	errno = 0;
	n = pread(fd, buf, sizeof(buf), (off_t)r.phys);
	err = errno;
	/*
	 * read() checks the range against the end of the kernel's RAM first:
	 * above mem= it fails with EFAULT whether or not the pool is claimed.
	 */
	tap_ok(n < 0 && (err == EPERM || err == EFAULT),
	       "read of the claimed pool through /dev/mem is refused (%s)",
	       n < 0 ? strerror(err) : "it was read");
	close(fd);
	tap_exit();
}
