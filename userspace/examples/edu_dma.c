// SPDX-License-Identifier: MIT
/*
 * Example: a user-space driver for QEMU's edu PCI device (1234:11e8) that
 * makes the device DMA into a contiguous mbuff area by its physical
 * address.  LEN bytes written by the CPU at SRC of the area go RAM ->
 * device buffer -> RAM to DST of the area; every byte is checked, and so
 * are the bytes around DST that the device must not have touched.
 *
 * Usage: edu_dma [NAME [SIZE [SRC DST LEN]]]
 *   defaults: edu-dma 1M 0 0x10000 4000; LEN at most 4095 (the device's
 *   buffer is 4 KiB), SRC+LEN and DST+LEN within the area.
 * Needs root (sysfs PCI files, the area's physical address), a pool for
 * contiguous areas, and a guest started with `-device edu`.  There must
 * be no IOMMU between the device and memory: physical == bus address.
 * Exit status: 0 the data arrived intact, 1 an error or a refused
 * transfer, 2 bad usage.
 *
 * Build: cc edu_dma.c $(pkg-config --cflags --libs mbuff)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <mbuff.h>

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
#define PCI_COMMAND	0x04
#define PCI_CMD_MEMORY	0x2
#define PCI_CMD_MASTER	0x4

static volatile uint64_t *regs;

static uint64_t rd(unsigned int reg)
{
	return regs[reg / 8];
}

/* The registers below 0x80 answer 32-bit reads only. */
static uint32_t rd32(unsigned int reg)
{
	return ((volatile uint32_t *)regs)[reg / 4];
}

static void wr(unsigned int reg, uint64_t v)
{
	regs[reg / 8] = v;
}

static unsigned long sysfs_hex(const char *dir, const char *file)
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

/* The first edu device, by vendor and device id: its sysfs directory. */
static int find_edu(char *dir, size_t len)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent *e;
	DIR *d = opendir(base);
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    snprintf(dir, len, "%s/%s", base, e->d_name) >= (int)len)
			continue;
		found = sysfs_hex(dir, "vendor") == EDU_VENDOR &&
			sysfs_hex(dir, "device") == EDU_DEVICE;
	}
	closedir(d);
	return found;
}

/* Enable the device and set memory decoding and bus mastering. */
static int enable_edu(const char *dir)
{
	char path[300];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "%s/enable", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, PCI_COMMAND) != 2) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	cmd |= PCI_CMD_MEMORY | PCI_CMD_MASTER;	/* little endian: x86 */
	if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2 ||
	    pread(fd, &cmd, 2, PCI_COMMAND) != 2 || !(cmd & PCI_CMD_MASTER)) {
		fprintf(stderr, "%s: cannot set bus mastering\n", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The bus address of [off, off + len) of the area, or 0 when any of it is
 * outside the area or out of the device's reach: every DMA address comes
 * from here.
 */
static uint64_t area_dma_addr(uint64_t phys, uint64_t size, uint64_t off,
			      uint64_t len)
{
	if (!phys || !len || off > size || len > size - off)
		return 0;
	if (phys > EDU_DMA_LIMIT || off + len > EDU_DMA_LIMIT - phys)
		return 0;
	return phys + off;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* One transfer; the device polled until it is done (10 s at most). */
static int edu_dma(uint64_t src, uint64_t dst, uint64_t len, int to_ram)
{
	double t0 = now();

	wr(EDU_DMA_SRC, src);
	wr(EDU_DMA_DST, dst);
	wr(EDU_DMA_COUNT, len);
	wr(EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (rd(EDU_DMA_CMD) & EDU_CMD_START) {
		if (now() - t0 > 10) {
			fprintf(stderr, "edu: DMA did not finish in 10 s\n");
			return -1;
		}
		usleep(1000);
	}
	printf("edu: DMA %#llx -> %#llx, %llu bytes, %s, %.0f ms\n",
	       (unsigned long long)src, (unsigned long long)dst,
	       (unsigned long long)len, to_ram ? "device to RAM" : "RAM to device",
	       (now() - t0) * 1e3);
	return 0;
}

/* A number with an optional K or M suffix. */
static uint64_t num(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	return v;
}

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 7 + 0x5a + (i >> 8));
}

int main(int argc, char **argv)
{
	struct mbuff_opts o = { .sz = sizeof(o), .backend = MBUFF_BACKEND_CONTIG,
				.flags = MBUFF_OPEN_CREATE };
	const char *name = argc > 1 ? argv[1] : "edu-dma";
	uint64_t size = argc > 2 ? num(argv[2]) : 1 << 20;
	uint64_t soff = argc > 5 ? num(argv[3]) : 0;
	uint64_t doff = argc > 5 ? num(argv[4]) : 0x10000;
	uint64_t len = argc > 5 ? num(argv[5]) : 4000;
	uint64_t phys = 0, src, dst, i, bad = 0, guard = 0;
	struct mbuff_area *area = NULL;
	char dir[256];
	unsigned char *p;
	int fd, ret = 1;
	void *bar;

	if (argc > 6 || argc == 4 || argc == 5 || (argc > 2 && size < 4096)) {
		fprintf(stderr, "usage: edu_dma [NAME [SIZE [SRC DST LEN]]]\n");
		return 2;
	}
	if (len > EDU_BUF_MAX) {
		fprintf(stderr, "edu_dma: refused: %llu bytes do not fit the device's buffer (%d at most)\n",
			(unsigned long long)len, EDU_BUF_MAX);
		return 1;
	}
	if (mbuff_area_open(name, size, &o, &area)) {
		fprintf(stderr, "edu_dma: %s: %s\n", name, mbuff_last_error());
		return 1;
	}
	size = mbuff_area_size(area);
	if (mbuff_area_phys(area, &phys) || !phys) {
		fprintf(stderr, "edu_dma: %s has no physical address (not contiguous?)\n",
			name);
		goto out_area;
	}
	src = area_dma_addr(phys, size, soff, len);
	dst = area_dma_addr(phys, size, doff, len);
	if (!src || !dst || (soff < doff + len && doff < soff + len)) {
		fprintf(stderr, "edu_dma: refused: [%#llx, +%llu) -> [%#llx, +%llu) is not two disjoint ranges inside '%s' (%llu bytes at %#llx, below 4 GiB)\n",
			(unsigned long long)soff, (unsigned long long)len,
			(unsigned long long)doff, (unsigned long long)len, name,
			(unsigned long long)size, (unsigned long long)phys);
		goto out_area;
	}
	printf("area '%s': %llu bytes at physical %#llx\n", name,
	       (unsigned long long)size, (unsigned long long)phys);

	if (!find_edu(dir, sizeof(dir))) {
		fprintf(stderr, "edu_dma: no edu device (%04x:%04x)\n", EDU_VENDOR,
			EDU_DEVICE);
		goto out_area;
	}
	if (enable_edu(dir))
		goto out_area;
	strncat(dir, "/resource0", sizeof(dir) - strlen(dir) - 1);
	fd = open(dir, O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(dir);
		goto out_area;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (bar == MAP_FAILED) {
		perror("mmap resource0");
		goto out_area;
	}
	regs = bar;
	printf("edu at %.*s, ident %#llx\n", (int)(strlen(dir) - 10), dir,
	       (unsigned long long)rd32(EDU_IDENT));
	if ((rd32(EDU_IDENT) & 0xff) != 0xed) {
		fprintf(stderr, "edu_dma: unexpected ident\n");
		goto out_bar;
	}

	/* The CPU writes the source and clears the destination and 64 bytes
	 * either side of it (when inside the area). */
	p = mbuff_area_addr(area);
	for (i = 0; i < len; i++)
		p[soff + i] = pattern(i);
	for (i = doff >= 64 ? doff - 64 : 0; i < doff + len + 64 && i < size; i++)
		if (i < soff || i >= soff + len)
			p[i] = 0;
	if (mbuff_area_sync(area, soff, len, MBUFF_SYNC_TO_DEVICE) ||
	    mbuff_area_sync(area, doff, len, MBUFF_SYNC_BIDIRECTIONAL)) {
		fprintf(stderr, "edu_dma: sync: %s\n", mbuff_last_error());
		goto out_bar;
	}
	if (edu_dma(src, EDU_BUF, len, 0) || edu_dma(EDU_BUF, dst, len, 1))
		goto out_bar;
	if (mbuff_area_sync(area, doff, len, MBUFF_SYNC_FROM_DEVICE)) {
		fprintf(stderr, "edu_dma: sync: %s\n", mbuff_last_error());
		goto out_bar;
	}

	for (i = 0; i < len; i++) {
		if (p[doff + i] != pattern(i) && !bad++)
			fprintf(stderr, "first difference at +%llu: %#x, want %#x\n",
				(unsigned long long)i, p[doff + i], pattern(i));
		if (p[soff + i] != pattern(i))
			bad++;
	}
	for (i = doff >= 64 ? doff - 64 : 0; i < doff + len + 64 && i < size; i++)
		if ((i < doff || i >= doff + len) && (i < soff || i >= soff + len) && p[i])
			guard++;
	printf("%llu bytes from offset %#llx arrived at offset %#llx (phys %#llx): %llu differ, %llu bytes outside touched\n",
	       (unsigned long long)len, (unsigned long long)soff,
	       (unsigned long long)doff, (unsigned long long)dst,
	       (unsigned long long)bad, (unsigned long long)guard);
	ret = bad || guard;
out_bar:
	munmap(bar, 4096);
out_area:
	mbuff_area_close(area);
	return ret;
}
