// SPDX-License-Identifier: GPL-2.0-only
/*
 * Notifications both ways.  Kernel->user: an area's event count is its UIO
 * device's; a notification increments it and wakes the readers of
 * /dev/uioN and the pollers of /dev/mbuff.  User->kernel: a doorbell ring,
 * from a write() to /dev/uioN or MBUFF_IOC_DOORBELL, calls the kernel
 * client's callback.
 *
 * A poller of /dev/mbuff may stay queued (epoll) after its file selected
 * another area, and an area may be freed meanwhile: so the wait queues are
 * not the areas' but a small hashed set that lives as long as the module.
 * Areas that share a queue only see each other's wake-ups, which poll()
 * checks against the file's own area.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/uio_driver.h>
#include <linux/wait.h>

#include "internal.h"

#define MBUFF_EVENT_WQ_BITS	6

static wait_queue_head_t mbuff_event_wqs[1 << MBUFF_EVENT_WQ_BITS];

void mbuff_events_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(mbuff_event_wqs); i++)
		init_waitqueue_head(&mbuff_event_wqs[i]);
}

/**
 * mbuff_event_waitq() - the wait queue /dev/mbuff pollers of @area use
 * @area: the area
 *
 * Return: a queue that outlives every area.
 */
wait_queue_head_t *mbuff_event_waitq(const struct mbuff_area *area)
{
	return &mbuff_event_wqs[hash_ptr(area, MBUFF_EVENT_WQ_BITS)];
}

/**
 * mbuff_event_count() - the area's event count, as /dev/uioN reads it
 * @area: the area, held by the caller (its UIO device exists)
 *
 * Return: the count.
 */
u32 mbuff_event_count(const struct mbuff_area *area)
{
	return atomic_read(&area->uio.uio_dev->event);
}

/**
 * mbuff_event_signal() - count one event and wake every waiter
 * @area: the area, held by the caller
 *
 * Callable from any context but NMI.
 */
void mbuff_event_signal(struct mbuff_area *area)
{
	uio_event_notify(&area->uio);
	wake_up_interruptible_all(mbuff_event_waitq(area));
}

/**
 * mbuff_event_doorbell() - ring the kernel client's doorbell
 * @area: the area, held by the caller
 * @value: what user space wrote
 *
 * Runs in the ringer's context, which must have write permission.
 *
 * Return: 0, or -EACCES without write permission.
 */
int mbuff_event_doorbell(struct mbuff_area *area, s32 value)
{
	int ret;

	ret = mbuff_area_permission(area, MAY_WRITE);
	if (ret)
		return ret;
	atomic_inc(&area->rings);
	mutex_lock(&area->doorbell_lock);
	if (area->doorbell)
		area->doorbell(area, value, area->doorbell_data);
	mutex_unlock(&area->doorbell_lock);
	return 0;
}
