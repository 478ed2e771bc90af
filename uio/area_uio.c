// SPDX-License-Identifier: GPL-2.0-only
/*
 * UIO exposure: one UIO device per area, named "mbuff:<area>", whose map 0
 * is the whole area.  Our own mmap callback maps it with the area's memory
 * type (stock UIO_MEM_PHYS would force uncached).  There is no hardware
 * interrupt: the event counter carries kernel->user notifications
 * (mbuff_area_notify()), and a 32-bit write to /dev/uioN rings the kernel
 * client's doorbell.
 *
 * UIO never zaps user mappings and stops calling release() once a device
 * is unregistered, so the device is unregistered only when the area has no
 * open file and no mapping left (each open of /dev/uioN holds a
 * MBUFF_REF_FILE): no mapping can outlive the memory behind it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/uio_driver.h>

#include "../kernel/compat.h"
#include "../kernel/internal.h"

#define to_area(info) container_of(info, struct mbuff_area, uio)

static int mbuff_uio_open(struct uio_info *info, struct inode *inode)
{
	struct mbuff_area *area = to_area(info);
	int ret;

	/*
	 * Called under the UIO device's info_lock.  Opening the node waits
	 * for events (read, poll): the area's read permission decides,
	 * whatever the node's own mode.
	 */
	ret = mbuff_area_ref(area, MBUFF_REF_FILE);
	if (ret)
		return ret;
	ret = mbuff_area_permission(area, MAY_READ);
	if (ret)
		mbuff_area_unref(area, MBUFF_REF_FILE);
	return ret;
}

static int mbuff_uio_release(struct uio_info *info, struct inode *inode)
{
	mbuff_area_unref(to_area(info), MBUFF_REF_FILE);
	return 0;
}

/* UIO has checked that vm_pgoff selects map 0 and the length fits. */
#ifdef MBUFF_HAVE_UIO_MMAP_PREPARE
static int mbuff_uio_mmap(struct uio_info *info, struct vm_area_desc *desc)
{
	return mbuff_area_mmap_prepare(to_area(info), desc);
}
#else
static int mbuff_uio_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	return mbuff_area_mmap(to_area(info), vma, 0);
}
#endif

static int mbuff_uio_irqcontrol(struct uio_info *info, s32 value)
{
	/* Runs in the writer's context: ringing needs write permission. */
	return mbuff_event_doorbell(to_area(info), value);
}

/*
 * UIO frees a device's minor before the device leaves sysfs, so a device
 * registered meanwhile can take the same "uioN" and collide with it.
 * Registration and unregistration are serialised here.
 */
static DEFINE_MUTEX(mbuff_uio_lock);

int mbuff_uio_add(struct mbuff_area *area, struct device *parent)
{
	int ret;

	struct uio_info *info = &area->uio;
	struct uio_mem *mem = &info->mem[0];

	info->name = area->uio_name;
	info->version = "1";
	info->irq = UIO_IRQ_CUSTOM;
	info->open = mbuff_uio_open;
	info->release = mbuff_uio_release;
	mbuff_uio_set_mmap(info, mbuff_uio_mmap);
	info->irqcontrol = mbuff_uio_irqcontrol;

	mem->name = "area";
	mem->size = area->size;
	/*
	 * UIO prints addr in maps/map0/addr, readable by all: physical
	 * addresses go to CAP_SYS_RAWIO only (MBUFF_IOC_INFO, the area's
	 * phys_addr in sysfs), kernel addresses to nobody.  Our mmap callback
	 * does not use it.
	 */
	mem->memtype = mbuff_area_contiguous(area) ? UIO_MEM_IOVA :
						     UIO_MEM_VIRTUAL;
	mem->addr = 0;
	mutex_lock(&mbuff_uio_lock);
	ret = uio_register_device(parent, info);
	mutex_unlock(&mbuff_uio_lock);
	return ret;
}

void mbuff_uio_remove(struct mbuff_area *area)
{
	mutex_lock(&mbuff_uio_lock);
	uio_unregister_device(&area->uio);
	mutex_unlock(&mbuff_uio_lock);
}
