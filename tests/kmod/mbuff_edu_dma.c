// SPDX-License-Identifier: GPL-2.0-only
/*
 * A PCI driver for QEMU's edu device (1234:11e8) that makes it DMA into an
 * mbuff area through the exported API: at probe, the kernel writes a
 * pattern at offset @src of the area, and the device copies it, RAM ->
 * device buffer -> RAM, to offset @dst, chunk by chunk.  A contiguous
 * area is one physical run (mbuff_area_phys()); a vmalloc area is the runs
 * of mbuff_area_sglist(), and no chunk crosses a run.  The outcome is the
 * read-only parameter "result":
 *
 *   ok phys=0x... runs=N chunks=N bytes=N    or    error -ERRNO WHAT
 *
 * Before the copy, mbuff_area_sync() must refuse ranges outside the area
 * and bad directions.  The area is held until the module goes, so that
 * user space can check the bytes through its own mapping.  Without an IOMMU the physical
 * address is the bus address; every one used here lies inside the area
 * and below 4 GiB (the device's DMA mask).
 *
 * Module parameters: area (name), backend (contig or vmalloc), size,
 * src, dst, len.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mbuff.h>
#include <mbuff/vocab.h>

#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_BUF		0x40000	/* the device's 4 KiB buffer */
#define EDU_CHUNK	4095	/* a full 4096 aborts some QEMU versions */

static char *area = "edu-k";
module_param(area, charp, 0444);
MODULE_PARM_DESC(area, "name of the area (created if missing)");
static char *backend = "contiguous";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "contiguous (alias contig) or vmalloc");
static uint size = 1 << 20;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "size of the area in bytes");
static uint src = 0x100;
module_param(src, uint, 0444);
MODULE_PARM_DESC(src, "offset of the pattern the kernel writes");
static uint dst = 0x20123;
module_param(dst, uint, 0444);
MODULE_PARM_DESC(dst, "offset the device copies the pattern to");
static uint len = 12000;
module_param(len, uint, 0444);
MODULE_PARM_DESC(len, "bytes to copy");
static char result[128] = "none";
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "the outcome (read-only)");

struct edu_dma {
	void __iomem *bar;
	struct mbuff_area *area;
	struct mbuff_sg_entry *runs;
	int nruns;
};

static u8 edu_pattern(size_t i)
{
	return (u8)(i * 7 + 0x5a + (i >> 8));
}

/*
 * The bus address of offset @off of the area, and in *@avail the bytes
 * from there to the end of its run; 0 if @off is outside the area or the
 * run is out of the device's reach.
 */
static u64 edu_area_addr(const struct edu_dma *e, size_t off, size_t *avail)
{
	size_t base = 0;
	int i;

	for (i = 0; i < e->nruns; i++) {
		const struct mbuff_sg_entry *r = &e->runs[i];

		if (off - base < r->len) {
			if (!r->phys || r->phys + r->len > DMA_BIT_MASK(32) + 1ULL)
				return 0;
			*avail = r->len - (off - base);
			return r->phys + (off - base);
		}
		base += r->len;
	}
	return 0;
}

static int edu_transfer(struct edu_dma *e, u64 from, u64 to, size_t n,
			u32 cmd)
{
	unsigned long timeout = jiffies + 10 * HZ;

	writel(lower_32_bits(from), e->bar + EDU_DMA_SRC);
	writel(lower_32_bits(to), e->bar + EDU_DMA_DST);
	writel(n, e->bar + EDU_DMA_COUNT);
	writel(cmd | EDU_CMD_START, e->bar + EDU_DMA_CMD);
	while (readl(e->bar + EDU_DMA_CMD) & EDU_CMD_START) {
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
	return 0;
}

/* Copy [src, src + len) to [dst, dst + len) through the device. */
static int edu_copy(struct edu_dma *e, int *chunks)
{
	size_t done = 0, a_src, a_dst, n;
	u64 from, to;
	int ret;

	while (done < len) {
		from = edu_area_addr(e, src + done, &a_src);
		to = edu_area_addr(e, dst + done, &a_dst);
		if (!from || !to)
			return -ERANGE;
		n = min3(a_src, a_dst, (size_t)EDU_CHUNK);
		n = min_t(size_t, n, len - done);
		ret = edu_transfer(e, from, EDU_BUF, n, 0);
		if (!ret)
			ret = edu_transfer(e, EDU_BUF, to, n, EDU_CMD_TO_RAM);
		if (ret)
			return ret;
		done += n;
		(*chunks)++;
	}
	return 0;
}

static int edu_run(struct edu_dma *e, struct device *dev)
{
	unsigned int b = mbuff_backend_parse(backend) == MBUFF_BACKEND_VMALLOC ?
			 MBUFF_BACKEND_VMALLOC : MBUFF_BACKEND_CONTIG;
	phys_addr_t phys;
	int chunks = 0, ret;
	size_t i, bad = 0;
	u8 *va;

	e->area = mbuff_area_get(area, size, b, MBUFF_MEM_CACHED,
				 MBUFF_OPEN_CREATE);
	if (IS_ERR(e->area)) {
		ret = PTR_ERR(e->area);
		e->area = NULL;
		snprintf(result, sizeof(result), "error %d mbuff_area_get\n", ret);
		return ret;
	}
	size = mbuff_area_size(e->area);
	/* The kernel API refuses what MBUFF_IOC_SYNC refuses. */
	if (mbuff_area_sync(e->area, size, 1, MBUFF_SYNC_TO_DEVICE) != -EINVAL ||
	    mbuff_area_sync(e->area, size - 1, 2, MBUFF_SYNC_FROM_DEVICE) != -EINVAL ||
	    mbuff_area_sync(e->area, 0, 0, MBUFF_SYNC_TO_DEVICE) != -EINVAL ||
	    mbuff_area_sync(e->area, 0, 1, 0) != -EINVAL ||
	    mbuff_area_sync(e->area, 0, 1, MBUFF_SYNC_BIDIRECTIONAL + 1) != -EINVAL) {
		snprintf(result, sizeof(result), "error %d a bad sync request was taken\n",
			 -EINVAL);
		return -EINVAL;
	}
	if (!len || src > size || len > size - src || dst > size ||
	    len > size - dst || (src < dst + len && dst < src + len)) {
		snprintf(result, sizeof(result), "error %d ranges\n", -EINVAL);
		return -EINVAL;
	}
	phys = mbuff_area_phys(e->area);
	if (b == MBUFF_BACKEND_CONTIG) {
		/* The physical address the API returns: one run. */
		e->nruns = 1;
		e->runs = kzalloc(sizeof(*e->runs), GFP_KERNEL);
		if (!e->runs)
			return -ENOMEM;
		e->runs[0].phys = phys;
		e->runs[0].len = size;
	} else {
		e->nruns = mbuff_area_sglist(e->area, NULL, 0);
		e->runs = kcalloc(e->nruns, sizeof(*e->runs), GFP_KERNEL);
		if (!e->runs)
			return -ENOMEM;
		if (mbuff_area_sglist(e->area, e->runs, e->nruns) != e->nruns) {
			snprintf(result, sizeof(result), "error %d sglist\n", -EAGAIN);
			return -EAGAIN;
		}
	}

	va = mbuff_area_vaddr(e->area);
	for (i = 0; i < len; i++) {
		va[src + i] = edu_pattern(i);
		va[dst + i] = 0;
	}
	ret = mbuff_area_sync(e->area, src, len, MBUFF_SYNC_TO_DEVICE);
	if (!ret)
		ret = mbuff_area_sync(e->area, dst, len, MBUFF_SYNC_BIDIRECTIONAL);
	if (!ret)
		ret = edu_copy(e, &chunks);
	if (!ret)
		ret = mbuff_area_sync(e->area, dst, len, MBUFF_SYNC_FROM_DEVICE);
	if (ret) {
		snprintf(result, sizeof(result), "error %d dma after %d chunks\n",
			 ret, chunks);
		return ret;
	}
	for (i = 0; i < len; i++)
		if (va[dst + i] != edu_pattern(i))
			bad++;
	snprintf(result, sizeof(result), "%s phys=%pa runs=%d chunks=%d bytes=%u differ=%zu\n",
		 bad ? "bad" : "ok", &phys, e->nruns, chunks, len, bad);
	dev_info(dev, "area %s: %s", area, result);
	return 0;
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu_dma *e;
	int ret;

	e = devm_kzalloc(&pdev->dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err_disable;
	e->bar = pci_iomap(pdev, 0, 0);
	if (!e->bar) {
		ret = -ENOMEM;
		goto err_disable;
	}
	pci_set_drvdata(pdev, e);
	/* A failed copy is reported in "result"; the device stays bound. */
	if (edu_run(e, &pdev->dev))
		dev_warn(&pdev->dev, "area %s: %s", area, result);
	return 0;

err_disable:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	snprintf(result, sizeof(result), "error %d probe\n", ret);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu_dma *e = pci_get_drvdata(pdev);

	mbuff_area_put(e->area);
	kfree(e->runs);
	pci_iounmap(pdev, e->bar);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};

/* See MBUFF_NO_DEVICE_TABLE in Kbuild. */
#ifndef MBUFF_NO_DEVICE_TABLE
MODULE_DEVICE_TABLE(pci, edu_ids);
#endif

static struct pci_driver edu_driver = {
	.name = "mbuff_edu_dma",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("mbuff test: DMA by QEMU's edu device into an area");
MODULE_LICENSE("GPL");
MBUFF_MODULE_IMPORT_NS();
