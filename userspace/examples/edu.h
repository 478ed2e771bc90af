/* SPDX-License-Identifier: MIT */
/*
 * A minimal user-space driver for QEMU's edu PCI device (1234:11e8), for
 * the examples edu_dma.c and edu_pages.c: find the device by vendor and
 * device id, enable it and bus mastering through sysfs, map its registers
 * (BAR0, the sysfs resource0 file) and run DMA transfers between RAM and
 * the device's 4 KiB buffer, polling for completion.
 *
 * The device is not bound to a kernel driver; root is needed for the
 * sysfs files.  There must be no IOMMU between the device and memory: the
 * addresses given to edu_transfer() are physical addresses.
 */
#ifndef MBUFF_EXAMPLE_EDU_H
#define MBUFF_EXAMPLE_EDU_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_IDENT	0x00	/* 0xRRrr00ed: major, minor, 0xed */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2	/* direction: device buffer -> RAM */
#define EDU_BUF		0x40000	/* the device's buffer, in its own space */
#define EDU_BUF_MAX	4095	/* offset + count; 4096 aborts some QEMUs */
#define EDU_DMA_LIMIT	0x100000000ULL	/* dma_mask=0xffffffff */
#define EDU_PCI_COMMAND	0x04
#define EDU_PCI_MEMORY	0x2
#define EDU_PCI_MASTER	0x4

struct edu {
	volatile uint64_t *regs;	/* BAR0, 4 KiB */
	char dir[256];			/* the device's sysfs directory */
	int verbose;			/* edu_transfer() prints each transfer */
};

/*
 * The DMA registers are 64 bits wide, but a 32-bit CPU splits a 64-bit
 * access into two, and edu answers only the one at the register's
 * address (the upper half reads as all ones, writes to it are dropped).
 * Its DMA addresses are 32-bit (dma_mask=0xffffffff): there the lower
 * half is the register, and writing it clears the upper one.
 */
#if UINTPTR_MAX == 0xffffffff
static inline uint64_t edu_rd(const struct edu *e, unsigned int reg)
{
	return ((volatile uint32_t *)e->regs)[reg / 4];
}

static inline void edu_wr(struct edu *e, unsigned int reg, uint64_t v)
{
	((volatile uint32_t *)e->regs)[reg / 4] = (uint32_t)v;
}
#else
static inline uint64_t edu_rd(const struct edu *e, unsigned int reg)
{
	return e->regs[reg / 8];
}

static inline void edu_wr(struct edu *e, unsigned int reg, uint64_t v)
{
	e->regs[reg / 8] = v;
}
#endif

/* The registers below 0x80 answer 32-bit reads only. */
static inline uint32_t edu_rd32(const struct edu *e, unsigned int reg)
{
	return ((volatile uint32_t *)e->regs)[reg / 4];
}

static inline double edu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static inline unsigned long edu_sysfs_hex(const char *dir, const char *file)
{
	char path[300], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* The first edu device, by vendor and device id (never by slot). */
static inline int edu_find(struct edu *e)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent *d;
	DIR *dir = opendir(base);
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		if (d->d_name[0] == '.' ||
		    snprintf(e->dir, sizeof(e->dir), "%s/%s", base, d->d_name) >=
		    (int)sizeof(e->dir))
			continue;
		found = edu_sysfs_hex(e->dir, "vendor") == EDU_VENDOR &&
			edu_sysfs_hex(e->dir, "device") == EDU_DEVICE;
	}
	closedir(dir);
	return found;
}

/* Enable the device, then memory decoding and bus mastering. */
static inline int edu_enable(const struct edu *e)
{
	char path[300];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "%s/enable", e->dir);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/config", e->dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, EDU_PCI_COMMAND) != 2) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* PCI configuration space is little endian, as are x86 and arm64. */
	cmd |= EDU_PCI_MEMORY | EDU_PCI_MASTER;
	if (pwrite(fd, &cmd, 2, EDU_PCI_COMMAND) != 2 ||
	    pread(fd, &cmd, 2, EDU_PCI_COMMAND) != 2 || !(cmd & EDU_PCI_MASTER)) {
		fprintf(stderr, "%s: cannot set bus mastering\n", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Find, enable and map the device.  Return: 0, or -1 with a message. */
static inline int edu_open(struct edu *e)
{
	char path[300];
	void *bar;
	int fd;

	if (!edu_find(e)) {
		fprintf(stderr, "edu: no device %04x:%04x (QEMU's -device edu)\n",
			EDU_VENDOR, EDU_DEVICE);
		return -1;
	}
	if (edu_enable(e))
		return -1;
	snprintf(path, sizeof(path), "%s/resource0", e->dir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (bar == MAP_FAILED) {
		perror("edu: mmap resource0");
		return -1;
	}
	e->regs = bar;
	if ((edu_rd32(e, EDU_IDENT) & 0xff) != 0xed) {
		fprintf(stderr, "edu: %s: unexpected ident %#x\n", e->dir,
			edu_rd32(e, EDU_IDENT));
		munmap(bar, 4096);
		e->regs = NULL;
		return -1;
	}
	return 0;
}

static inline void edu_close(struct edu *e)
{
	if (e->regs)
		munmap((void *)e->regs, 4096);
	e->regs = NULL;
}

/*
 * The bus address of [@off, @off + @len) of an area of @size bytes at
 * physical @phys, or 0 when any of it lies outside the area or out of the
 * device's reach: every RAM address given to the device comes from here.
 */
static inline uint64_t edu_dma_addr(uint64_t phys, uint64_t size,
				    uint64_t off, uint64_t len)
{
	if (!phys || !len || off > size || len > size - off)
		return 0;
	if (phys > EDU_DMA_LIMIT || off + len > EDU_DMA_LIMIT - phys)
		return 0;
	return phys + off;
}

/*
 * One transfer of @len bytes from @src to @dst, one of them in the
 * device's buffer (EDU_BUF + offset), the other a physical address; the
 * device is polled until it is done (10 s at most).  The caller checks
 * that the RAM side lies where it may write.  Return: 0, or -1.
 */
static inline int edu_transfer(struct edu *e, uint64_t src, uint64_t dst,
			       uint64_t len, int to_ram)
{
	double t0 = edu_now();

	edu_wr(e, EDU_DMA_SRC, src);
	edu_wr(e, EDU_DMA_DST, dst);
	edu_wr(e, EDU_DMA_COUNT, len);
	edu_wr(e, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (edu_rd(e, EDU_DMA_CMD) & EDU_CMD_START) {
		if (edu_now() - t0 > 10) {
			fprintf(stderr, "edu: DMA did not finish in 10 s\n");
			return -1;
		}
		usleep(1000);
	}
	if (e->verbose)
		printf("edu: DMA %#llx -> %#llx, %llu bytes, %s, %.0f ms\n",
		       (unsigned long long)src, (unsigned long long)dst,
		       (unsigned long long)len,
		       to_ram ? "device to RAM" : "RAM to device",
		       (edu_now() - t0) * 1e3);
	return 0;
}

#endif /* MBUFF_EXAMPLE_EDU_H */
