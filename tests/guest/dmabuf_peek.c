// SPDX-License-Identifier: GPL-2.0-only
/*
 * A dma-buf importer for the shell tests: maps the dma-buf it inherited on
 * descriptor $MBUFF_DMABUF_FD (as `mbuffctl export` passes it), prints its
 * size and LENGTH bytes at OFFSET, then writes TEXT there, each access
 * inside the DMA_BUF_IOCTL_SYNC brackets an importer owes the exporter.
 *   dmabuf_peek OFFSET LENGTH [TEXT]
 * Prints "size N", then the bytes; exit 0, or 1 with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

static int fail(const char *what)
{
	fprintf(stderr, "dmabuf_peek: %s: %s\n", what, strerror(errno));
	return 1;
}

static int sync_buf(int fd, unsigned long long flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

int main(int argc, char **argv)
{
	const char *env = getenv("MBUFF_DMABUF_FD");
	unsigned long offset, len;
	unsigned char *p;
	off_t size;
	int fd;

	if (argc < 3 || argc > 4 || !env) {
		fprintf(stderr, "usage: MBUFF_DMABUF_FD=N dmabuf_peek OFFSET LENGTH [TEXT]\n");
		return 2;
	}
	fd = atoi(env);
	offset = strtoul(argv[1], NULL, 0);
	len = strtoul(argv[2], NULL, 0);
	/* A dma-buf's size is where SEEK_END takes it. */
	size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return fail("lseek");
	if (offset + len > (unsigned long)size ||
	    (argc == 4 && offset + strlen(argv[3]) > (unsigned long)size)) {
		fprintf(stderr, "dmabuf_peek: beyond the dma-buf's %lld bytes\n",
			(long long)size);
		return 1;
	}
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	printf("size %lld\n", (long long)size);
	if (sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC");
	fwrite(p + offset, 1, len, stdout);
	putchar('\n');
	if (sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC");
	if (argc == 4) {
		if (sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE))
			return fail("DMA_BUF_IOCTL_SYNC");
		memcpy(p + offset, argv[3], strlen(argv[3]));
		if (sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE))
			return fail("DMA_BUF_IOCTL_SYNC");
	}
	munmap(p, (size_t)size);
	return fflush(stdout) ? 1 : 0;
}
