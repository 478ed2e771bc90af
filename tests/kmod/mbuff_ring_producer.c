// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel producer on an mbuff ring, for kernel->user streaming tests,
 * benchmarks and the demo.  On load it creates (or opens) the area,
 * formats a ring in it and starts a thread that writes test records
 * (tests/kmod/mbuff_ring_record.h: a sequence number, a checksum and a
 * pattern) until @count records are written or the module is unloaded.
 *
 * In place (@inplace, the default): the thread reserves room for each
 * record (mbuff_ring_reserve()) and fills it where it lies in the ring,
 * then publishes the records reserved with one mbuff_ring_commit() once
 * @batch bytes are reserved, or when the next reservation fails.  With
 * @inplace=0 it fills a buffer and copies each record in with
 * mbuff_ring_write(), which publishes it at once.
 *
 * Waking without polling (see <mbuff/ring.h>): the thread wakes the user
 * consumer with mbuff_area_notify() only when mbuff_ring_wake_consumer()
 * says it sleeps, and not after every record but once @batch bytes wait
 * or before the thread itself blocks, so a fast stream costs few wake-ups.
 * Whatever it has reserved is committed first, before any wake-up and
 * before any sleep: a consumer woken for records it cannot see yet, or a
 * producer asleep on records nobody can see, would wait for ever.  When
 * the ring is full the thread sleeps on a wait queue; the consumer rings
 * the area's doorbell when mbuff_ring_wake_producer() says so.
 *
 * Progress and results: /sys/kernel/debug/mbuff_ring_producer/status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/mbuff.h>
#include <mbuff/ring.h>

#include "mbuff_ring_end.h"
#include "mbuff_ring_record.h"

static char *area = "kring";
module_param(area, charp, 0444);
MODULE_PARM_DESC(area, "name of the area holding the ring (default kring)");

static char *size = "1028K";
module_param(size, charp, 0444);
MODULE_PARM_DESC(size,
		 "area size, K/M suffixes allowed; the ring's data is the largest power of two after its 4 KiB control page (default 1028K: 1 MiB of data)");

static char *backend = "vmalloc";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "backend of a new area: vmalloc, contiguous (alias contig) or any (default vmalloc)");

static uint record_size = 4096;
module_param(record_size, uint, 0444);
MODULE_PARM_DESC(record_size,
		 "payload bytes per record, 16 up to the ring's data less the 8-byte record header (default 4096)");

static ulong count;
module_param(count, ulong, 0444);
MODULE_PARM_DESC(count, "records to write, 0 until unloaded (default 0)");

static uint rate;
module_param(rate, uint, 0444);
MODULE_PARM_DESC(rate, "records per second, 0 as fast as possible (default 0)");

static uint batch;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch,
		 "publish (in place) and wake a sleeping consumer once this many bytes wait, or before blocking (only then when it is more than the ring's data); 0 a quarter of the ring, 1 after every record (default 0)");

static bool inplace = true;
module_param(inplace, bool, 0444);
MODULE_PARM_DESC(inplace,
		 "fill records where they lie in the ring and publish them in batches; 0 to copy each one in with mbuff_ring_write() (default 1)");

/* The thread writes while this is true; a write to it wakes the thread. */
static bool start = true;

/**
 * struct mbuff_rprod - the producer's state; one per module
 * @end: the area, the ring, the thread and the record buffer (none in
 *	place)
 * @wait: the thread sleeps here for room, for @start, and once done
 * @batch: bytes reserved before they are published (in place), and bytes
 *	waiting before the consumer is woken
 * @t0: when the first record was started
 * @unpublished: records written and not yet counted (in place: nor
 *	published)
 * @records: records written and published, counted a batch at a time
 * @bytes: their payload bytes
 * @sleeps: times the thread slept for room
 * @notifies: mbuff_area_notify() calls (consumer wake-ups)
 * @doorbells: doorbell rings received
 * @ns: nanoseconds from the start to the last record published
 * @error: the ring refused a record (-errno), 0 if not
 * @done: @count records were written, or the ring refused one
 *
 * The counters are written by the thread (@doorbells by the doorbell
 * callback) and read locklessly by the status file: WRITE_ONCE/READ_ONCE.
 */
struct mbuff_rprod {
	struct mbuff_ring_end end;
	wait_queue_head_t wait;
	u32 batch;
	ktime_t t0;
	u64 unpublished;
	u64 records;
	u64 bytes;
	u64 sleeps;
	u64 notifies;
	u64 doorbells;
	u64 ns;
	int error;
	bool done;
};

static struct mbuff_rprod mbuff_rprod = {
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(mbuff_rprod.wait),
};

static struct dentry *mbuff_rprod_dir;

static int mbuff_rprod_set_start(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret)
		wake_up_interruptible(&mbuff_rprod.wait);
	return ret;
}

static const struct kernel_param_ops mbuff_rprod_start_ops = {
	.set = mbuff_rprod_set_start,
	.get = param_get_bool,
};

module_param_cb(start, &mbuff_rprod_start_ops, &start, 0644);
MODULE_PARM_DESC(start,
		 "write while 1; load with 0 and write 1 here to start later (default 1)");

static void mbuff_rprod_add(u64 *counter, u64 n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/*
 * Publish the records written so far (in place: reserved and filled; a
 * pad a failed reservation took goes with them) and count them.
 */
static void mbuff_rprod_commit(struct mbuff_rprod *p)
{
	mbuff_ring_commit(&p->end.ring);
	if (!p->unpublished)
		return;
	mbuff_rprod_add(&p->records, p->unpublished);
	mbuff_rprod_add(&p->bytes, p->unpublished * record_size);
	p->unpublished = 0;
	WRITE_ONCE(p->ns, ktime_to_ns(ktime_sub(ktime_get(), p->t0)));
}

/*
 * Publish what is written, then wake the consumer if it sleeps: before
 * the thread blocks, and once a batch waits.
 */
static void mbuff_rprod_wake(struct mbuff_rprod *p)
{
	mbuff_rprod_commit(p);
	if (mbuff_ring_wake_consumer(&p->end.ring)) {
		mbuff_rprod_add(&p->notifies, 1);
		mbuff_area_notify(p->end.area);
	}
}

/* Doorbell: the consumer made room while the thread slept for it. */
static void mbuff_rprod_doorbell(struct mbuff_area *a, s32 value, void *data)
{
	struct mbuff_rprod *p = data;

	mbuff_rprod_add(&p->doorbells, 1);
	wake_up_interruptible(&p->wait);
}

/*
 * Keep to @rate: sleep until the @n-th record since @from is due.  Returns
 * early when the thread is to stop.
 */
static void mbuff_rprod_pace(struct mbuff_rprod *p, ktime_t from, u64 n)
{
	ktime_t due;

	if (!rate)
		return;
	due = ktime_add_ns(from, mul_u64_u32_div(n, NSEC_PER_SEC, rate));
	if (!ktime_before(ktime_get(), due))
		return;
	mbuff_rprod_wake(p);	/* before blocking: see the file comment */
	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&due, 20 * NSEC_PER_USEC,
					 HRTIMER_MODE_ABS);
	__set_current_state(TASK_RUNNING);
}

/*
 * Write record @seq: in place, reserve its room and fill it there (it is
 * published later, with the rest of its batch); otherwise fill the buffer
 * and copy it in, published at once.  Sleeps while the ring is full, after
 * publishing what was reserved: the records of the batch, and a pad to
 * the end of the data the failed reservation may have taken, all of which
 * the consumer must see before it can make room.  Returns 0, -EINTR when
 * the thread is to stop, or the ring's error.
 */
static int mbuff_rprod_put(struct mbuff_rprod *p, u64 seq)
{
	struct mbuff_ring *ring = &p->end.ring;
	u32 need = mbuff_ring_footprint(record_size);
	void *payload;
	int ret;

	if (!inplace)
		mbuff_ring_record_fill(p->end.buf, record_size, seq);
	for (;;) {
		if (inplace)
			ret = mbuff_ring_reserve(ring, record_size, &payload);
		else
			ret = mbuff_ring_write(ring, p->end.buf, record_size);
		if (ret != -EAGAIN)
			break;
		mbuff_rprod_wake(p);	/* commits first: before blocking */
		if (!mbuff_ring_producer_sleep(ring, need))
			continue;
		mbuff_rprod_add(&p->sleeps, 1);
		wait_event_interruptible(p->wait,
					 mbuff_ring_producer_woken(ring, need) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			return -EINTR;
	}
	if (!ret && inplace)
		mbuff_ring_record_fill(payload, record_size, seq);
	return ret;
}

static int mbuff_rprod_thread(void *data)
{
	struct mbuff_rprod *p = data;
	ktime_t from = 0;
	bool paused = true;
	u64 seq = 0, base = 0;
	int ret;

	while (!kthread_should_stop() && (!count || seq < count)) {
		if (!READ_ONCE(start)) {
			mbuff_rprod_wake(p);	/* before blocking */
			wait_event_interruptible(p->wait, READ_ONCE(start) ||
						 kthread_should_stop());
			paused = true;
			continue;
		}
		/* @rate counts from the (re)start, with no catching up. */
		if (paused) {
			paused = false;
			from = ktime_get();
			base = seq;
			if (!seq)
				p->t0 = from;
		}
		mbuff_rprod_pace(p, from, seq - base);
		ret = mbuff_rprod_put(p, seq);
		if (ret == -EINTR)
			break;
		if (ret) {
			pr_err("the ring refused record %llu: %d\n", seq, ret);
			WRITE_ONCE(p->error, ret);
			break;
		}
		seq++;
		p->unpublished++;
		/*
		 * Once a batch is written, publish it (in place), count it and
		 * wake: reckoned from this side's own count, so that no record
		 * costs a load of the consumer's cache line or of the clock.
		 */
		if (p->unpublished * mbuff_ring_footprint(record_size) >= p->batch)
			mbuff_rprod_wake(p);
		cond_resched();
	}
	/* The last records: publish them, wake the consumer if it sleeps. */
	mbuff_rprod_wake(p);
	WRITE_ONCE(p->done, !kthread_should_stop());
	/* Wait for kthread_stop(): returning early would free the task. */
	wait_event_interruptible(p->wait, kthread_should_stop());
	return 0;
}

static int mbuff_rprod_status_show(struct seq_file *m, void *v)
{
	struct mbuff_rprod *p = m->private;

	seq_printf(m, "records %llu\nbytes %llu\nsleeps %llu\nnotifies %llu\n",
		   READ_ONCE(p->records), READ_ONCE(p->bytes),
		   READ_ONCE(p->sleeps), READ_ONCE(p->notifies));
	seq_printf(m, "doorbells %llu\nns %llu\nerror %d\ndone %d\n",
		   READ_ONCE(p->doorbells), READ_ONCE(p->ns),
		   READ_ONCE(p->error), READ_ONCE(p->done));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mbuff_rprod_status);

static int __init mbuff_rprod_init(void)
{
	struct mbuff_rprod *p = &mbuff_rprod;
	long data;
	int ret;

	if (record_size < MBUFF_RING_RECORD_MIN ||
	    mbuff_ring_footprint(record_size) < record_size) {
		pr_err("bad parameter: record_size=%u\n", record_size);
		return -EINVAL;
	}
	/* A record may take all of the ring's data: one at a time. */
	data = mbuff_ring_end_setup(&p->end, area, size, backend,
				    inplace ? 0 : record_size,
				    mbuff_ring_footprint(record_size));
	if (data < 0)
		return data;
	p->batch = batch ? batch : data / 4;
	ret = mbuff_ring_end_run(&p->end, mbuff_rprod_doorbell,
				 mbuff_rprod_thread, p, "mbuff_rprod");
	if (ret)
		return ret;
	mbuff_rprod_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("status", 0444, mbuff_rprod_dir, p,
			    &mbuff_rprod_status_fops);
	return 0;
}

static void __exit mbuff_rprod_exit(void)
{
	debugfs_remove_recursive(mbuff_rprod_dir);
	mbuff_ring_end_stop(&mbuff_rprod.end);
}

module_init(mbuff_rprod_init);
module_exit(mbuff_rprod_exit);

MODULE_DESCRIPTION("mbuff test: a kernel producer on a ring, kernel to user");
MODULE_LICENSE("GPL");
MBUFF_MODULE_IMPORT_NS();
