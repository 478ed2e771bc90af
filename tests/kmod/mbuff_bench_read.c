// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plain read() path that `make bench` measures mbuff's rings against:
 * a character device, /dev/mbuff_bench_read, whose read(fd, buf, n) makes
 * the next record of n bytes with mbuff_ring_record_fill() (tests/kmod/
 * mbuff_ring_record.h: a sequence number, a pattern and a checksum
 * computed while filling) in a kernel buffer and copies it to the caller:
 * the same records, made the same way, that the ring producers write.
 *
 * Each open file has its own buffer of @record_size bytes and its own
 * sequence, starting at 0.  A read of n bytes returns one whole record of
 * n bytes, or fails: -EINVAL when n is below MBUFF_RING_RECORD_MIN or
 * above @record_size (never clamped, so that a short count cannot be
 * taken for a short record), -EFAULT when the buffer cannot be written
 * (the sequence number is then not used up).  The file has no position.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mbuff_ring_record.h"

/* The largest record_size taken: one kvmalloc() buffer per open file. */
#define MBUFF_BREAD_MAX		(16U << 20)

static uint record_size = 65536;
module_param(record_size, uint, 0444);
MODULE_PARM_DESC(record_size,
		 "largest record a read() returns, in bytes, 16 to 16M; the buffer of each open file (default 65536)");

/**
 * struct mbuff_bread - one open file
 * @lock: serialises the reads of the file (the buffer and @seq)
 * @seq: the sequence number of the next record
 * @buf: the record being made, @record_size bytes
 */
struct mbuff_bread {
	struct mutex lock;	/* see the kernel-doc above */
	u64 seq;
	void *buf;
};

static int mbuff_bread_open(struct inode *inode, struct file *file)
{
	struct mbuff_bread *b;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->buf = kvmalloc(record_size, GFP_KERNEL);
	if (!b->buf) {
		kfree(b);
		return -ENOMEM;
	}
	mutex_init(&b->lock);
	file->private_data = b;
	return stream_open(inode, file);
}

static int mbuff_bread_release(struct inode *inode, struct file *file)
{
	struct mbuff_bread *b = file->private_data;

	mutex_destroy(&b->lock);
	kvfree(b->buf);
	kfree(b);
	return 0;
}

static ssize_t mbuff_bread_read(struct file *file, char __user *ubuf,
				size_t n, loff_t *ppos)
{
	struct mbuff_bread *b = file->private_data;
	ssize_t ret = n;

	if (n < MBUFF_RING_RECORD_MIN || n > record_size)
		return -EINVAL;
	if (mutex_lock_interruptible(&b->lock))
		return -ERESTARTSYS;
	mbuff_ring_record_fill(b->buf, (u32)n, b->seq);
	if (copy_to_user(ubuf, b->buf, n))
		ret = -EFAULT;
	else
		b->seq++;
	mutex_unlock(&b->lock);
	return ret;
}

static const struct file_operations mbuff_bread_fops = {
	.owner = THIS_MODULE,
	.open = mbuff_bread_open,
	.release = mbuff_bread_release,
	.read = mbuff_bread_read,
};

static struct miscdevice mbuff_bread_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mbuff_bench_read",
	.fops = &mbuff_bread_fops,
	.mode = 0444,
};

static int __init mbuff_bread_init(void)
{
	if (record_size < MBUFF_RING_RECORD_MIN ||
	    record_size > MBUFF_BREAD_MAX) {
		pr_err("bad parameter: record_size=%u (%u to %u)\n",
		       record_size, MBUFF_RING_RECORD_MIN, MBUFF_BREAD_MAX);
		return -EINVAL;
	}
	return misc_register(&mbuff_bread_misc);
}

static void __exit mbuff_bread_exit(void)
{
	misc_deregister(&mbuff_bread_misc);
}

module_init(mbuff_bread_init);
module_exit(mbuff_bread_exit);

MODULE_DESCRIPTION("mbuff bench: records made by read(), the path rings are measured against");
MODULE_LICENSE("GPL");
