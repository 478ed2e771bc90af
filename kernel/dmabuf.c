// SPDX-License-Identifier: GPL-2.0-only
/*
 * Areas as dma-bufs: any area the module allocated, exported as a dma-buf
 * file, so that V4L2, DRM, codecs or RDMA drivers read and write it with
 * no copy.  The dma-buf holds a file count on the area for its whole life
 * (the area is listed with one more file).  A device may write any
 * dma-buf it is given, so exporting needs read and write permission on
 * the area; whoever is given the descriptor may then map it, as with any
 * open file.
 *
 * Importers get the area's runs mapped for their device by its backend
 * (dma.c): the pages of a vmalloc or CMA area through dma_map_sgtable(),
 * a contiguous area's single run through dma_map_resource(), since
 * memory reserved at boot need not have struct pages.  The other way
 * round, a dma-buf imported as an area is a backend of its own.  CPU
 * access brackets do the cache maintenance MBUFF_IOC_SYNC does (arm64,
 * cached areas); vmap gives the area's kernel mapping and mmap maps it as
 * /dev/mbuff does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/iosys-map.h>
#include <linux/module.h>
#include <linux/scatterlist.h>

#include "compat.h"
#include "internal.h"

MBUFF_IMPORT_NS(DMA_BUF);

/* Each backend maps its areas for an importer's device its own way. */
static struct sg_table *mbuff_dmabuf_map(struct dma_buf_attachment *attach,
					 enum dma_data_direction dir)
{
	struct mbuff_area *area = attach->dmabuf->priv;

	return area->ops->dma_map(area, attach->dev, dir);
}

static void mbuff_dmabuf_unmap(struct dma_buf_attachment *attach,
			       struct sg_table *sgt,
			       enum dma_data_direction dir)
{
	struct mbuff_area *area = attach->dmabuf->priv;

	area->ops->dma_unmap(area, attach->dev, sgt, dir);
}

static void mbuff_dmabuf_release(struct dma_buf *dmabuf)
{
	mbuff_area_unref(dmabuf->priv, MBUFF_REF_FILE);
}

static int mbuff_dmabuf_mmap(struct dma_buf *dmabuf,
			     struct vm_area_struct *vma)
{
	/* The dma-buf core checked the range; the file's mode, the rights. */
	return mbuff_area_map(dmabuf->priv, vma);
}

static int mbuff_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct mbuff_area *area = dmabuf->priv;

	/* DRAM in every memory type: a plain pointer, as for kernel users. */
	iosys_map_set_vaddr(map, area->vaddr);
	return 0;
}

static int mbuff_dmabuf_begin_cpu(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct mbuff_area *area = dmabuf->priv;

	if (dir != DMA_TO_DEVICE)
		mbuff_area_sync(area, 0, area->size, MBUFF_SYNC_FROM_DEVICE);
	return 0;
}

static int mbuff_dmabuf_end_cpu(struct dma_buf *dmabuf,
				enum dma_data_direction dir)
{
	struct mbuff_area *area = dmabuf->priv;

	if (dir != DMA_FROM_DEVICE)
		mbuff_area_sync(area, 0, area->size, MBUFF_SYNC_TO_DEVICE);
	return 0;
}

static const struct dma_buf_ops mbuff_dmabuf_ops = {
	.map_dma_buf = mbuff_dmabuf_map,
	.unmap_dma_buf = mbuff_dmabuf_unmap,
	.release = mbuff_dmabuf_release,
	.mmap = mbuff_dmabuf_mmap,
	.vmap = mbuff_dmabuf_vmap,
	.begin_cpu_access = mbuff_dmabuf_begin_cpu,
	.end_cpu_access = mbuff_dmabuf_end_cpu,
};

/**
 * mbuff_dmabuf_export() - a dma-buf of an area, as a new descriptor
 * @area: the area, held by the caller, who may read and write it
 *
 * Return: the descriptor (close-on-exec), or a negative errno.
 */
int mbuff_dmabuf_export(struct mbuff_area *area)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct dma_buf *dmabuf;
	int ret, fd;

	ret = mbuff_area_ref(area, MBUFF_REF_FILE);
	if (ret)
		return ret;
	info.exp_name = "mbuff";
	info.owner = THIS_MODULE;
	info.ops = &mbuff_dmabuf_ops;
	info.size = area->size;
	info.flags = O_RDWR;
	info.priv = area;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		mbuff_area_unref(area, MBUFF_REF_FILE);
		return PTR_ERR(dmabuf);
	}
	/* From here on the dma-buf's release drops the count. */
	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(dmabuf);
	return fd;
}

/*
 * Since 6.2 an importer holds the reservation lock around these calls,
 * or calls their _unlocked forms; Kbuild defines MBUFF_HAVE_DMA_BUF_UNLOCKED
 * when <linux/dma-buf.h> has them.
 */
#ifdef MBUFF_HAVE_DMA_BUF_UNLOCKED
#define mbuff_dma_buf_vmap		dma_buf_vmap_unlocked
#define mbuff_dma_buf_vunmap		dma_buf_vunmap_unlocked
#define mbuff_dma_buf_map_attachment	dma_buf_map_attachment_unlocked
#define mbuff_dma_buf_unmap_attachment	dma_buf_unmap_attachment_unlocked
#else
#define mbuff_dma_buf_vmap		dma_buf_vmap
#define mbuff_dma_buf_vunmap		dma_buf_vunmap
#define mbuff_dma_buf_map_attachment	dma_buf_map_attachment
#define mbuff_dma_buf_unmap_attachment	dma_buf_unmap_attachment
#endif

/**
 * mbuff_dmabuf_get() - the dma-buf behind a descriptor, for an import
 * @fd: the descriptor
 *
 * Return: the dma-buf, with a reference the caller passes to the new
 * area (struct mbuff_open_args.dmabuf) or drops, or an ERR_PTR.
 */
struct dma_buf *mbuff_dmabuf_get(int fd)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);

	if (IS_ERR(dmabuf))
		pr_info_ratelimited("cannot import fd %d: not a dma-buf (%pe)\n",
				    fd, dmabuf);
	return dmabuf;
}

void mbuff_dmabuf_put(struct dma_buf *dmabuf)
{
	dma_buf_put(dmabuf);
}

/**
 * mbuff_dmabuf_import() - give a new area the memory of a dma-buf
 * @area: the new area, not yet published
 * @dmabuf: the dma-buf; the area takes a reference of its own
 *
 * The area attaches to it as the module's device, maps it for that device
 * (its runs are the area's SG list) and into the kernel (the area's
 * kernel address).  The module's device never does DMA: its mapping is
 * DMA_TO_DEVICE, which neither claims the memory for a device write nor
 * makes its teardown invalidate what the CPU wrote meanwhile.  Runs with
 * no lock held.
 *
 * Return: 0, -EINVAL for a size that is not a page multiple,
 * -EOPNOTSUPP when the exporter cannot map it into the kernel, or the
 * exporter's error.
 */
static int mbuff_dmabuf_import(struct mbuff_area *area,
			       struct dma_buf *dmabuf)
{
	struct iosys_map map;
	int ret;

	if (!dmabuf->size || !PAGE_ALIGNED(dmabuf->size)) {
		pr_info_ratelimited("cannot import '%s': its dma-buf has %zu bytes, not a multiple of the page size\n",
				    area->name, dmabuf->size);
		return -EINVAL;
	}
	get_dma_buf(dmabuf);
	area->attach = dma_buf_attach(dmabuf, mbuff_ctl_device());
	if (IS_ERR(area->attach)) {
		ret = PTR_ERR(area->attach);
		goto err_put;
	}
	area->sgt = mbuff_dma_buf_map_attachment(area->attach,
						 DMA_TO_DEVICE);
	if (IS_ERR(area->sgt)) {
		ret = PTR_ERR(area->sgt);
		goto err_detach;
	}
	ret = mbuff_dma_buf_vmap(dmabuf, &map);
	if (!ret && map.is_iomem) {
		/* I/O memory: no plain pointer for kernel users. */
		mbuff_dma_buf_vunmap(dmabuf, &map);
		ret = -EOPNOTSUPP;
	} else if (ret) {
		ret = -EOPNOTSUPP;
	}
	if (ret) {
		pr_info_ratelimited("cannot import '%s': its exporter (%s) cannot map it into the kernel as memory\n",
				    area->name, dmabuf->exp_name);
		goto err_unmap;
	}
	area->dmabuf = dmabuf;
	area->vaddr = map.vaddr;
	area->size = dmabuf->size;
	area->phys = 0;
	return 0;

err_unmap:
	mbuff_dma_buf_unmap_attachment(area->attach, area->sgt,
				       DMA_TO_DEVICE);
err_detach:
	dma_buf_detach(dmabuf, area->attach);
err_put:
	area->attach = NULL;
	area->sgt = NULL;
	dma_buf_put(dmabuf);
	return ret;
}

/* Charged first, as one more area only. */
static int mbuff_dmabuf_create(struct mbuff_area *area,
			       const struct mbuff_open_args *args)
{
	int ret;

	ret = mbuff_quota_charge(area, args->kernel);
	if (ret)
		return ret;
	ret = mbuff_dmabuf_import(area, args->dmabuf);
	if (ret)
		mbuff_quota_uncharge(area);
	return ret;
}

/* Let an imported area's dma-buf go; its teardown or a failed creation. */
static void mbuff_dmabuf_release_import(struct mbuff_area *area)
{
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(area->vaddr);
	struct dma_buf *dmabuf = area->dmabuf;

	mbuff_dma_buf_vunmap(dmabuf, &map);
	mbuff_dma_buf_unmap_attachment(area->attach, area->sgt,
				       DMA_TO_DEVICE);
	dma_buf_detach(dmabuf, area->attach);
	dma_buf_put(dmabuf);
	area->dmabuf = NULL;
	area->attach = NULL;
	area->sgt = NULL;
	area->vaddr = NULL;
}

/* Map an imported area into user space, through its exporter. */
static int mbuff_dmabuf_mmap_import(struct mbuff_area *area,
				    struct vm_area_struct *vma,
				    unsigned long pgoff)
{
	return dma_buf_mmap(area->dmabuf, vma, pgoff);
}

/* MBUFF_IOC_SYNC of an imported area: its exporter's CPU brackets, whole. */
static int mbuff_dmabuf_sync_import(struct mbuff_area *area, size_t offset,
				    size_t len, unsigned int direction)
{
	int ret = 0;

	if (direction & MBUFF_SYNC_TO_DEVICE)
		ret = dma_buf_end_cpu_access(area->dmabuf, DMA_TO_DEVICE);
	if (!ret && (direction & MBUFF_SYNC_FROM_DEVICE))
		ret = dma_buf_begin_cpu_access(area->dmabuf, DMA_FROM_DEVICE);
	return ret;
}

/* The runs of an imported area, as mapped for the module's device. */
static int mbuff_dmabuf_sglist_import(const struct mbuff_area *area,
				      struct mbuff_sg_entry *ents,
				      unsigned int capacity)
{
	struct scatterlist *sg;
	unsigned int n = 0;
	int i;

	for_each_sgtable_dma_sg(area->sgt, sg, i) {
		if (n < capacity)
			ents[n] = (struct mbuff_sg_entry) {
				.phys = sg_dma_address(sg),
				.len = sg_dma_len(sg),
			};
		n++;
	}
	return n;
}

/*
 * Areas of imported dma-bufs: mapped into user space by their exporter
 * (the mapping holds the dma-buf, not the area), cached as far as the
 * module knows; not exported again.
 */
const struct mbuff_backend_ops mbuff_dmabuf_import_ops = {
	.cached_only = true,
	.create = mbuff_dmabuf_create,
	.destroy = mbuff_dmabuf_release_import,
	.mmap = mbuff_dmabuf_mmap_import,
	.sglist = mbuff_dmabuf_sglist_import,
	.sync = mbuff_dmabuf_sync_import,
};
