// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel consumer on an mbuff ring, for user->kernel streaming tests.
 * On load it creates (or opens) the area and formats the ring in it: as
 * with mbuff_ring_producer.c, the kernel side sets the ring up and user
 * space attaches (mbuff_area_ring_attach()), so the ring exists before
 * the producer attaches.  A thread then reads records into a buffer
 * (mbuff_ring_read()) and checks each one's sequence number and checksum
 * (tests/kmod/mbuff_ring_record.h), until @count records are read or the
 * module is unloaded.
 *
 * The producer process is not trusted: it can rewrite the control page
 * and the records at any time.  A record is checked only once copied out
 * of the ring, and a ring the producer made corrupt stops the thread with
 * -EIO (status: error), never makes it read outside the ring.
 *
 * Waking without polling (see <mbuff/ring.h>): when the ring is empty the
 * thread sleeps on a wait queue; the user producer rings the area's
 * doorbell when mbuff_ring_wake_consumer() says so.  The thread wakes a
 * producer sleeping for room with mbuff_area_notify() when
 * mbuff_ring_wake_producer() says so, not after every record but once
 * @batch bytes are free or before the thread itself blocks.
 *
 * Progress and results: /sys/kernel/debug/mbuff_ring_consumer/status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/mbuff.h>
#include <mbuff/ring.h>

#include "mbuff_ring_end.h"
#include "mbuff_ring_record.h"

static char *area = "uring";
module_param(area, charp, 0444);
MODULE_PARM_DESC(area, "name of the area holding the ring (default uring)");

static char *size = "1028K";
module_param(size, charp, 0444);
MODULE_PARM_DESC(size,
		 "area size, K/M suffixes allowed; the ring's data is the largest power of two after its 4 KiB control page (default 1028K: 1 MiB of data)");

static char *backend = "vmalloc";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "backend of a new area: vmalloc, contig or any (default vmalloc)");

static uint max_record = 65536;
module_param(max_record, uint, 0444);
MODULE_PARM_DESC(max_record,
		 "largest record payload accepted, in bytes (default 65536)");

static ulong count;
module_param(count, ulong, 0444);
MODULE_PARM_DESC(count, "records to read, 0 until unloaded (default 0)");

static uint batch;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch,
		 "wake a sleeping producer once this many bytes are free or before blocking; 0 a quarter of the ring, 1 after every record (default 0)");

/**
 * struct mbuff_rcons - the consumer's state; one per module
 * @end: the area, the ring, the thread and the record buffer
 * @wait: the thread sleeps here for data, and once done
 * @batch: free bytes before a sleeping producer is woken
 * @records: records read
 * @bytes: payload bytes read
 * @errors: records that failed the check
 * @first: what the first failing record showed (MBUFF_RING_RECORD_*)
 * @sleeps: times the thread slept for data
 * @notifies: mbuff_area_notify() calls (producer wake-ups)
 * @doorbells: doorbell rings received
 * @ns: nanoseconds from the first record to the last
 * @error: the ring is corrupt or a record too long (-errno), 0 if not
 * @done: @count records were read, or the ring failed
 *
 * The counters are written by the thread (@doorbells by the doorbell
 * callback) and read locklessly by the status file: WRITE_ONCE/READ_ONCE.
 */
struct mbuff_rcons {
	struct mbuff_ring_end end;
	wait_queue_head_t wait;
	u32 batch;
	u64 records;
	u64 bytes;
	u64 errors;
	int first;
	u64 sleeps;
	u64 notifies;
	u64 doorbells;
	u64 ns;
	int error;
	bool done;
};

static struct mbuff_rcons mbuff_rcons = {
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(mbuff_rcons.wait),
};

static struct dentry *mbuff_rcons_dir;

static void mbuff_rcons_add(u64 *counter, u64 n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/* Wake the producer if it sleeps for room; called after consuming. */
static void mbuff_rcons_wake(struct mbuff_rcons *c)
{
	if (mbuff_ring_wake_producer(&c->end.ring)) {
		mbuff_rcons_add(&c->notifies, 1);
		mbuff_area_notify(c->end.area);
	}
}

/* Doorbell: the producer published records while the thread slept. */
static void mbuff_rcons_doorbell(struct mbuff_area *a, s32 value, void *data)
{
	struct mbuff_rcons *c = data;

	mbuff_rcons_add(&c->doorbells, 1);
	wake_up_interruptible(&c->wait);
}

/* Check record @seq, @len bytes in @c->end.buf; returns the next seq. */
static u64 mbuff_rcons_check(struct mbuff_rcons *c, u32 len, u64 seq)
{
	const struct mbuff_ring_record *r = c->end.buf;
	int what = mbuff_ring_record_check(c->end.buf, len, seq);

	if (what == MBUFF_RING_RECORD_OK)
		return seq + 1;
	if (!c->errors) {
		WRITE_ONCE(c->first, what);
		pr_err("record %llu (%u bytes) failed its check: %d\n", seq, len,
		       what);
	}
	mbuff_rcons_add(&c->errors, 1);
	/* Count a gap once, not every record after it. */
	return what == MBUFF_RING_RECORD_SEQ ? r->seq + 1 : seq + 1;
}

/*
 * Read the next record into @c->end.buf, sleeping while the ring is empty.
 * Returns its length, -EINTR when the thread is to stop, or the ring's
 * error.
 */
static long mbuff_rcons_get(struct mbuff_rcons *c)
{
	long ret;

	while ((ret = mbuff_ring_read(&c->end.ring, c->end.buf, max_record)) ==
	       -EAGAIN) {
		mbuff_rcons_wake(c);	/* before blocking */
		if (!mbuff_ring_consumer_sleep(&c->end.ring))
			continue;
		mbuff_rcons_add(&c->sleeps, 1);
		wait_event_interruptible(c->wait,
					 mbuff_ring_consumer_woken(&c->end.ring) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			return -EINTR;
	}
	return ret;
}

static int mbuff_rcons_thread(void *data)
{
	struct mbuff_rcons *c = data;
	ktime_t t0 = 0;
	u64 seq = 0;
	long len;

	while (!kthread_should_stop() && (!count || c->records < count)) {
		len = mbuff_rcons_get(c);
		if (len == -EINTR)
			break;
		if (len < 0) {
			pr_err("cannot read record %llu: %ld\n", seq, len);
			WRITE_ONCE(c->error, (int)len);
			break;
		}
		if (!c->records)
			t0 = ktime_get();
		seq = mbuff_rcons_check(c, (u32)len, seq);
		mbuff_rcons_add(&c->records, 1);
		mbuff_rcons_add(&c->bytes, len);
		WRITE_ONCE(c->ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
		if (mbuff_ring_used_bytes(&c->end.ring) + c->batch <=
		    c->end.ring.mask + 1)
			mbuff_rcons_wake(c);
		cond_resched();
	}
	mbuff_rcons_wake(c);
	WRITE_ONCE(c->done, !kthread_should_stop());
	/* Wait for kthread_stop(): returning early would free the task. */
	wait_event_interruptible(c->wait, kthread_should_stop());
	return 0;
}

static int mbuff_rcons_status_show(struct seq_file *m, void *v)
{
	struct mbuff_rcons *c = m->private;

	seq_printf(m, "records %llu\nbytes %llu\nerrors %llu\nfirst %d\n",
		   READ_ONCE(c->records), READ_ONCE(c->bytes),
		   READ_ONCE(c->errors), READ_ONCE(c->first));
	seq_printf(m, "sleeps %llu\nnotifies %llu\ndoorbells %llu\nns %llu\n",
		   READ_ONCE(c->sleeps), READ_ONCE(c->notifies),
		   READ_ONCE(c->doorbells), READ_ONCE(c->ns));
	seq_printf(m, "error %d\ndone %d\n", READ_ONCE(c->error),
		   READ_ONCE(c->done));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mbuff_rcons_status);

static int __init mbuff_rcons_init(void)
{
	struct mbuff_rcons *c = &mbuff_rcons;
	long data;
	int ret;

	if (max_record < MBUFF_RING_RECORD_MIN) {
		pr_err("bad parameter: max_record=%u\n", max_record);
		return -EINVAL;
	}
	data = mbuff_ring_end_setup(&c->end, area, size, backend, max_record, 0);
	if (data < 0)
		return data;
	c->batch = batch ? min_t(u32, batch, data) : data / 4;
	ret = mbuff_ring_end_run(&c->end, mbuff_rcons_doorbell,
				 mbuff_rcons_thread, c, "mbuff_rcons");
	if (ret)
		return ret;
	mbuff_rcons_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("status", 0444, mbuff_rcons_dir, c,
			    &mbuff_rcons_status_fops);
	return 0;
}

static void __exit mbuff_rcons_exit(void)
{
	debugfs_remove_recursive(mbuff_rcons_dir);
	mbuff_ring_end_stop(&mbuff_rcons.end);
}

module_init(mbuff_rcons_init);
module_exit(mbuff_rcons_exit);

MODULE_DESCRIPTION("mbuff test: a kernel consumer on a ring, user to kernel");
MODULE_LICENSE("GPL");
