// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel consumer on an mbuff ring, for user->kernel streaming tests.
 * On load it creates (or opens) the area and formats the ring in it: as
 * with mbuff_ring_producer.c, the kernel side sets the ring up and user
 * space attaches (mbuff_area_ring_attach()), so the ring exists before
 * the producer attaches.  A thread then takes records and checks each
 * one's sequence number and checksum (tests/kmod/mbuff_ring_record.h),
 * until @count records are read or the module is unloaded.
 *
 * In place (@inplace, the default): the thread peeks at records where they
 * lie (mbuff_ring_peek(), each call the next record), checks them there,
 * and frees a batch of them with one mbuff_ring_consume(): before the
 * batch would grow past @batch bytes, and always before it sleeps.  With
 * @inplace=0 it copies each record out with mbuff_ring_read(), which
 * frees it at once, and checks the copy.
 *
 * The producer process is not trusted: it can rewrite the control page
 * and the records at any time.  The ring's header checks (<mbuff/ring.h>)
 * keep every record inside the ring's data, and a ring the producer made
 * corrupt stops the thread with -EIO (status: error), never makes it read
 * outside the ring.  Checking a record in place is safe for the same
 * reason: see mbuff_rcons_check().
 *
 * Waking without polling (see <mbuff/ring.h>): when the ring is empty the
 * thread frees what it has peeked and sleeps on a wait queue; the user
 * producer rings the area's doorbell when mbuff_ring_wake_consumer() says
 * so.  The thread wakes a producer sleeping for room with
 * mbuff_area_notify() when mbuff_ring_wake_producer() says so, not after
 * every record but once @batch bytes are free or before the thread itself
 * blocks.
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
		 "backend of a new area: vmalloc, contiguous (alias contig) or any (default vmalloc)");

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
		 "free records (in place) at most this many bytes at a time, and wake a sleeping producer once this many bytes are free, or before blocking (only then when it is more than the ring's data); 0 a quarter of the ring, 1 after every record (default 0)");

static bool inplace = true;
module_param(inplace, bool, 0444);
MODULE_PARM_DESC(inplace,
		 "check records where they lie in the ring and free them in batches; 0 to copy each one out with mbuff_ring_read() (default 1)");

/**
 * struct mbuff_rcons - the consumer's state; one per module
 * @end: the area, the ring, the thread and the record buffer (none in
 *	place)
 * @wait: the thread sleeps here for data, and once done
 * @batch: bytes of records freed at most at once (in place), and free
 *	bytes before a sleeping producer is woken
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

/*
 * Free the records peeked (in place), then wake the producer if it sleeps
 * for room: before the thread blocks, and once a batch is free.
 */
static void mbuff_rcons_wake(struct mbuff_rcons *c)
{
	mbuff_ring_consume(&c->end.ring);
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

/*
 * Check record @seq, @len bytes at @payload; returns the next seq.
 *
 * In place, @payload is in the ring, where the producer process can
 * rewrite it while it is checked.  That is safe: @payload and @len come
 * from mbuff_ring_peek(), whose checks of the header (read once) put all
 * @len bytes inside the ring's data, and the check reads only those bytes,
 * bounded by @len, never by a length read from the record.  What it reads
 * only decides whether the record passes and which sequence number comes
 * next; bytes rewritten meanwhile can only make the check fail.
 */
static u64 mbuff_rcons_check(struct mbuff_rcons *c, const void *payload,
			     u32 len, u64 seq)
{
	const struct mbuff_ring_record *r = payload;
	int what = mbuff_ring_record_check(payload, len, seq);

	if (what == MBUFF_RING_RECORD_OK)
		return seq + 1;
	if (!c->errors) {
		WRITE_ONCE(c->first, what);
		pr_err("record %llu (%u bytes) failed its check: %d\n", seq, len,
		       what);
	}
	mbuff_rcons_add(&c->errors, 1);
	/* Count a gap once, not every record after it. */
	return what == MBUFF_RING_RECORD_SEQ ? READ_ONCE(r->seq) + 1 : seq + 1;
}

/*
 * Take the next record, sleeping while the ring is empty: in place, peek
 * at it (freed later, with its batch); otherwise copy it into
 * @c->end.buf, freed at once.  Before sleeping, frees what was peeked:
 * the producer may be waiting for that room.  Returns the record and its
 * length in *@len, or an ERR_PTR: -EINTR when the thread is to stop,
 * -EMSGSIZE for a record longer than @max_record, -EIO for a corrupt ring.
 */
static const void *mbuff_rcons_get(struct mbuff_rcons *c, u32 *len)
{
	struct mbuff_ring *ring = &c->end.ring;
	const void *p;
	long ret;

	for (;;) {
		if (inplace) {
			p = mbuff_ring_peek(ring, len);
			if (p)
				return *len > max_record ? ERR_PTR(-EMSGSIZE) : p;
			/*
			 * NULL with a length (MBUFF_RING_CORRUPT) is never an
			 * empty ring: waiting for data there would spin.
			 */
			if (*len)
				return ERR_PTR(-EIO);
		} else {
			ret = mbuff_ring_read(ring, c->end.buf, max_record);
			if (ret >= 0) {
				*len = ret;
				return c->end.buf;
			}
			if (ret != -EAGAIN)
				return ERR_PTR(ret);
		}
		mbuff_rcons_wake(c);	/* frees what was peeked: before blocking */
		if (!mbuff_ring_consumer_sleep(ring))
			continue;
		mbuff_rcons_add(&c->sleeps, 1);
		wait_event_interruptible(c->wait,
					 mbuff_ring_consumer_woken(ring) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			return ERR_PTR(-EINTR);
	}
}

static int mbuff_rcons_thread(void *data)
{
	struct mbuff_rcons *c = data;
	struct mbuff_ring *ring = &c->end.ring;
	const void *p;
	ktime_t t0 = 0;
	u64 seq = 0;
	u32 len;

	while (!kthread_should_stop() && (!count || c->records < count)) {
		p = mbuff_rcons_get(c, &len);
		if (PTR_ERR_OR_ZERO(p) == -EINTR)
			break;
		if (IS_ERR(p)) {
			pr_err("cannot read record %llu: %ld\n", seq, PTR_ERR(p));
			WRITE_ONCE(c->error, (int)PTR_ERR(p));
			break;
		}
		if (!c->records)
			t0 = ktime_get();
		seq = mbuff_rcons_check(c, p, len, seq);
		mbuff_rcons_add(&c->records, 1);
		mbuff_rcons_add(&c->bytes, len);
		WRITE_ONCE(c->ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
		/*
		 * In place, free the batch before another record like this one
		 * would take it past @batch bytes (copied, each record is free
		 * already); then wake the producer once a batch is free.
		 */
		if (!inplace ||
		    (u64)ring->pending + mbuff_ring_footprint(len) > c->batch) {
			mbuff_ring_consume(ring);
			if ((u64)mbuff_ring_used_bytes(ring) + c->batch <=
			    ring->mask + 1)
				mbuff_rcons_wake(c);
		}
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
	/* Any ring: one whose data holds a single record works too. */
	data = mbuff_ring_end_setup(&c->end, area, size, backend,
				    inplace ? 0 : max_record,
				    mbuff_ring_footprint(MBUFF_RING_RECORD_MIN));
	if (data < 0)
		return data;
	c->batch = batch ? batch : data / 4;
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
MBUFF_MODULE_IMPORT_NS();
