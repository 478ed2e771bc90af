// SPDX-License-Identifier: GPL-2.0-only
/*
 * With no module loaded, a range reserved at boot (memmap= or above mem=)
 * is real memory that root can map through /dev/mem: writes persist across
 * mappings.  Leaves 0x4d425546 ("FUBM" little-endian) at PHYS + 0x100 for
 * a cross-check with busybox devmem.  Usage: devmem_reserved SIZE@PHYS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mbuff/spec.h>

#include "iomem.h"
#include "tap.h"

#define MARK 0x4d425546u

static int check_pages(volatile uint32_t *w, size_t words, int write)
{
	size_t step = 4096 / sizeof(*w), i;

	for (i = 0; i < words; i += step) {
		uint32_t v = (uint32_t)(i * 2654435761u) ^ 0xa5a5a5a5u;

		if (write)
			w[i] = v;
		else if (w[i] != v)
			return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "";
	struct iomem_entry e;
	struct mbuff_range r;
	volatile uint32_t *w;
	void *p;
	int fd;

	if (argc < 2 || mbuff_spec_next(&spec, &r) != 1) {
		fprintf(stderr, "usage: devmem_reserved SIZE@PHYS\n");
		return 2;
	}

	tap_plan(4);
	tap_ok(!iomem_find("mbuff pool0", &e),
	       "no pool is claimed (the module is not loaded)");

	fd = open("/dev/mem", O_RDWR);
	p = fd < 0 ? MAP_FAILED :
	    mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)r.phys);
	if (!tap_ok(p != MAP_FAILED, "mmap %#llx bytes at %#llx through /dev/mem (%s)",
		    (unsigned long long)r.size, (unsigned long long)r.phys,
		    p == MAP_FAILED ? strerror(errno) : "ok")) {
		tap_ok(0, "pattern written");
		tap_ok(0, "pattern persists");
		tap_exit();
	}
	w = p;
	tap_ok(check_pages(w, r.size / 4, 1) && check_pages(w, r.size / 4, 0),
	       "a word in each of the %llu pages reads back what was written",
	       (unsigned long long)(r.size / 4096));
	munmap(p, r.size);

	p = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)r.phys);
	w = p;
	tap_ok(p != MAP_FAILED && check_pages(w, r.size / 4, 0),
	       "the pattern persists in a second mapping");
	if (p != MAP_FAILED) {
		w[0x100 / 4] = MARK;
		munmap(p, r.size);
	}
	close(fd);
	tap_exit();
}
