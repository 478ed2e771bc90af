// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel producer of extent records (<mbuff/ring.h>): data written into
 * an area by a device is handed to a user consumer through a ring without
 * the CPU copying it.  The area is the ring's control page, its data
 * (@data bytes), then @slots buffers of @record_size bytes each, every one
 * starting on a MBUFF_RING_LINE boundary.  A thread fills the buffers in
 * turn with test records (tests/kmod/mbuff_ring_record.h: a sequence
 * number, a checksum and a pattern) and publishes each with
 * mbuff_ring_put_extent(); the consumer checks the bytes where they lie.
 *
 * Who writes the buffers (@device):
 *   cpu  the thread itself, with mbuff_ring_record_fill(): a stand-in for
 *	  a device, and the baseline of the benchmarks;
 *   edu  QEMU's edu PCI device (1234:11e8), which the module drives: the
 *	  thread fills a coherent DMA buffer of the device's with the record,
 *	  and the device copies it, RAM -> its own 4 KiB buffer -> the area,
 *	  in pieces of at most 4095 bytes.  Every byte of the buffer in the
 *	  area is the device's.  The area must be contiguous and below 4 GiB
 *	  (the device's reach): its physical address is the bus address,
 *	  there being no IOMMU.  Before each transfer the buffer's cache
 *	  lines are cleaned and invalidated (no dirty line may be written
 *	  back over what the device writes), and invalidated after it
 *	  (mbuff_area_sync(); real operations on arm64).
 *
 * A buffer is the consumer's from the publication of the record naming it
 * until the consumer frees that record: the thread notes the ring index
 * at which each buffer's record ends and fills the buffer again only once
 * the consumer's index has passed it (mbuff_ring_free_bytes()).
 *
 * Publishing and waking (see <mbuff/ring.h>): records are reserved in
 * place and committed together once @batch bytes of records wait, and
 * before the thread sleeps for the consumer (a free buffer, room in the
 * ring, @start, the end); a sleeping consumer is then woken with
 * mbuff_area_notify().  A thread that needs the consumer to free a record
 * sets the producer's waiting flag and sleeps until the doorbell rings.
 * The wait for the device (edu) is not a sleep for the consumer: records
 * reserved stay unpublished while the device copies the next one, until
 * @batch is reached.
 *
 * Progress and results: /sys/kernel/debug/mbuff_ring_extent/status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/mbuff.h>
#include <mbuff/ring.h>
#include <mbuff/vocab.h>

#include "mbuff_ring_record.h"

/* QEMU's edu device: its DMA registers and its buffer (BAR 0). */
#define REXT_EDU_VENDOR		0x1234
#define REXT_EDU_DEVICE		0x11e8
#define REXT_EDU_DMA_SRC	0x80
#define REXT_EDU_DMA_DST	0x88
#define REXT_EDU_DMA_COUNT	0x90
#define REXT_EDU_DMA_CMD	0x98
#define REXT_EDU_CMD_START	0x1
#define REXT_EDU_CMD_TO_RAM	0x2
#define REXT_EDU_BUF		0x40000	/* the device's buffer */
#define REXT_EDU_BUF_SIZE	4096
#define REXT_EDU_CHUNK		4095	/* a full 4096 aborts some QEMU versions */
#define REXT_EDU_TIMEOUT	(10 * HZ)	/* for one transfer */

/* Buffers start on this boundary: no two share a cache line. */
#define REXT_ALIGN		MBUFF_RING_LINE

static char *area = "kext";
module_param(area, charp, 0444);
MODULE_PARM_DESC(area, "name of the area (created if missing; default kext)");

static char *size = "1M";
module_param(size, charp, 0444);
MODULE_PARM_DESC(size,
		 "area size, K/M suffixes allowed: the 4 KiB control page, the ring's data, then the buffers (default 1M)");

static char *data = "64K";
module_param(data, charp, 0444);
MODULE_PARM_DESC(data,
		 "bytes of ring data, a power of two of at least 4096, K/M suffixes allowed (default 64K)");

/* @data, parsed */
static u32 data_size;

static uint record_size = 4096;
module_param(record_size, uint, 0444);
MODULE_PARM_DESC(record_size,
		 "bytes per buffer and record, at least 16; at most 4096 with device=edu (default 4096)");

static uint slots;
module_param(slots, uint, 0444);
MODULE_PARM_DESC(slots,
		 "buffers after the ring's data; 0 as many as the area holds (default 0)");

static ulong count;
module_param(count, ulong, 0444);
MODULE_PARM_DESC(count, "records to write, 0 until unloaded (default 0)");

static char *device = "cpu";
module_param(device, charp, 0444);
MODULE_PARM_DESC(device,
		 "who writes the buffers: cpu (the thread) or edu (QEMU's edu device, by DMA) (default cpu)");

static char *backend = "contiguous";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "backend of a new area: contiguous (alias contig), or with device=cpu also vmalloc or any (default contiguous)");

static uint batch;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch,
		 "publish and wake once this many bytes of records wait, or before sleeping for the consumer; 0 a quarter of the buffers, 1 every record (default 0)");

/* The thread writes while this is true; a write to it wakes the thread. */
static bool start = true;

/**
 * struct rext_edu - the edu device, while this module's driver has it
 * @pdev: the device
 * @bar: its registers
 * @src: a coherent buffer the device reads each record from
 * @src_dma: its bus address
 */
struct rext_edu {
	struct pci_dev *pdev;
	void __iomem *bar;
	void *src;
	dma_addr_t src_dma;
};

/**
 * struct rext - the producer's state; one per module
 * @area: the area, on which a kernel count is held
 * @vaddr: its first byte
 * @phys: its physical address (device=edu)
 * @ring: the producer's view of the ring
 * @thread: the thread filling and publishing buffers
 * @lock: @thread and @edu change under it (init, the device's removal)
 * @edu: the device (device=edu), NULL once removed
 * @wait: the thread sleeps here for the consumer, for @start, once done
 * @ends: per buffer, the ring index just past the record handing it over
 * @nslots: buffers
 * @stride: bytes from one buffer to the next
 * @first: the offset of the first buffer in the area
 * @batch: bytes of records reserved before they are published
 * @unpublished: bytes of records reserved and not yet published
 * @records: records reserved (all published once @done)
 * @bytes: their bytes
 * @sleeps: times the thread slept for the consumer
 * @slot_sleeps: of which for a buffer to be freed
 * @commits: mbuff_ring_commit() calls that published something
 * @notifies: mbuff_area_notify() calls (consumer wake-ups)
 * @doorbells: doorbell rings received
 * @transfers: DMA transfers the device made
 * @dma_ns: nanoseconds spent waiting for them
 * @t0: when the first record was started
 * @ns: nanoseconds from the first record to the last publication (the
 *	clock is read once per publication: under QEMU it is an emulated
 *	device, too slow to read per record)
 * @error: what stopped the thread (-errno), 0 if nothing did
 * @done: @count records were written, or an error stopped the thread
 *
 * The counters are written by the thread (@doorbells by the doorbell
 * callback) and read locklessly by the status file: WRITE_ONCE/READ_ONCE.
 */
struct rext {
	struct mbuff_area *area;
	unsigned char *vaddr;
	phys_addr_t phys;
	struct mbuff_ring ring;
	struct task_struct *thread;
	struct mutex lock;	/* guards @thread and @edu */
	struct rext_edu *edu;
	wait_queue_head_t wait;
	u32 *ends;
	u32 nslots;
	u64 stride;
	u64 first;
	u64 batch;
	u64 unpublished;
	u64 records;
	u64 bytes;
	u64 sleeps;
	u64 slot_sleeps;
	u64 commits;
	u64 notifies;
	u64 doorbells;
	u64 transfers;
	u64 dma_ns;
	ktime_t t0;
	u64 ns;
	int error;
	bool done;
};

static struct rext rext = {
	.lock = __MUTEX_INITIALIZER(rext.lock),
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(rext.wait),
};

static struct dentry *rext_dir;
static bool rext_use_edu;

static int rext_set_start(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret)
		wake_up_interruptible(&rext.wait);
	return ret;
}

static const struct kernel_param_ops rext_start_ops = {
	.set = rext_set_start,
	.get = param_get_bool,
};

module_param_cb(start, &rext_start_ops, &start, 0644);
MODULE_PARM_DESC(start,
		 "write while 1; load with 0 and write 1 here to start later (default 1)");

static void rext_add(u64 *counter, u64 n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/* Publish the records reserved; wake the consumer if it sleeps. */
static void rext_publish(struct rext *p)
{
	if (p->ring.pending) {
		mbuff_ring_commit(&p->ring);
		rext_add(&p->commits, 1);
	}
	if (p->unpublished)
		WRITE_ONCE(p->ns, ktime_to_ns(ktime_sub(ktime_get(), p->t0)));
	p->unpublished = 0;
	if (mbuff_ring_wake_consumer(&p->ring)) {
		rext_add(&p->notifies, 1);
		mbuff_area_notify(p->area);
	}
}

/* Doorbell: the consumer freed records while the thread slept for it. */
static void rext_doorbell(struct mbuff_area *a, s32 value, void *arg)
{
	struct rext *p = arg;

	rext_add(&p->doorbells, 1);
	wake_up_interruptible(&p->wait);
}

/*
 * Is buffer @slot free for record @seq?  Yes when it never held one, or
 * when the consumer's index has reached the end of the record that handed
 * it over: the bytes not yet consumed are no more than those produced
 * after that record.  A consumer whose index is corrupt leaves no room
 * (mbuff_ring_free_bytes() is 0), and so no free buffer either.
 */
static bool rext_slot_free(struct rext *p, u32 slot, u64 seq)
{
	u32 used;

	if (seq < p->nslots)
		return true;
	used = p->ring.mask + 1 - mbuff_ring_free_bytes(&p->ring);
	return used <= p->ring.prod - p->ends[slot];
}

/*
 * Sleep until buffer @slot is free for record @seq.  The same protocol as
 * mbuff_ring_producer_sleep(): set the waiting flag, a full barrier, look
 * once more, and sleep until the consumer frees records or clears the
 * flag.  Returns 0, or -EINTR when the thread is to stop.
 */
static int rext_wait_slot(struct rext *p, u32 slot, u64 seq)
{
	u32 *waiting = &p->ring.ctl->prod_waiting;

	while (!rext_slot_free(p, slot, seq)) {
		rext_publish(p);	/* before blocking */
		mbuff_ring_store_release(waiting, 1);
		mbuff_ring_mb();	/* W1: pairs with W2 in mbuff_ring_wake_producer() */
		if (rext_slot_free(p, slot, seq)) {
			mbuff_ring_store_release(waiting, 0);
			break;
		}
		rext_add(&p->sleeps, 1);
		rext_add(&p->slot_sleeps, 1);
		wait_event_interruptible(p->wait,
					 rext_slot_free(p, slot, seq) ||
					 !mbuff_ring_load_acquire(waiting) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			return -EINTR;
	}
	return 0;
}

/*
 * Reserve the extent record handing over buffer @slot, sleeping while the
 * ring is full.  Returns 0, -EINTR when the thread is to stop, or the
 * ring's error.
 */
static int rext_put(struct rext *p, u32 slot)
{
	u32 need = mbuff_ring_footprint(sizeof(struct mbuff_ring_extent));
	u64 off = p->first + slot * p->stride;
	int ret;

	while ((ret = mbuff_ring_put_extent(&p->ring, off, record_size)) ==
	       -EAGAIN) {
		/* Also a pad the call reserved: the consumer must see it. */
		rext_publish(p);	/* before blocking */
		if (!mbuff_ring_producer_sleep(&p->ring, need))
			continue;
		rext_add(&p->sleeps, 1);
		wait_event_interruptible(p->wait,
					 mbuff_ring_producer_woken(&p->ring, need) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			return -EINTR;
	}
	if (!ret)
		p->ends[slot] = p->ring.prod;
	return ret;
}

/* One transfer between RAM and the device's buffer, waited for. */
static int rext_edu_transfer(struct rext *p, u64 from, u64 to, u32 n,
			     u32 cmd)
{
	void __iomem *bar = p->edu->bar;
	unsigned long timeout = jiffies + REXT_EDU_TIMEOUT;
	ktime_t t0 = ktime_get();

	writel(lower_32_bits(from), bar + REXT_EDU_DMA_SRC);
	writel(lower_32_bits(to), bar + REXT_EDU_DMA_DST);
	writel(n, bar + REXT_EDU_DMA_COUNT);
	/* writel() orders the CPU's writes to the source before the start. */
	writel(cmd | REXT_EDU_CMD_START, bar + REXT_EDU_DMA_CMD);
	/* Even when the thread is to stop: the device must be done with the area. */
	while (readl(bar + REXT_EDU_DMA_CMD) & REXT_EDU_CMD_START) {
		if (time_after(jiffies, timeout)) {
			pr_err("the device did not finish a transfer in %d s\n",
			       REXT_EDU_TIMEOUT / HZ);
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
	rext_add(&p->transfers, 1);
	rext_add(&p->dma_ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
	return 0;
}

/*
 * device=edu: the device writes record @seq into buffer @slot, copying it
 * from its coherent source buffer through its own buffer.
 */
static int rext_edu_fill(struct rext *p, u32 slot, u64 seq)
{
	u64 off = p->first + slot * p->stride, to = p->phys + off;
	struct rext_edu *e = p->edu;
	u32 done, n;
	int ret;

	mbuff_ring_record_fill(e->src, record_size, seq);
	/* No dirty line of the buffer may be written back over the device's bytes. */
	ret = mbuff_area_sync(p->area, off, record_size,
			      MBUFF_SYNC_BIDIRECTIONAL);
	for (done = 0; !ret && done < record_size; done += n) {
		n = min_t(u32, record_size - done, REXT_EDU_CHUNK);
		ret = rext_edu_transfer(p, e->src_dma + done, REXT_EDU_BUF, n,
					0);
		if (!ret)
			ret = rext_edu_transfer(p, REXT_EDU_BUF, to + done, n,
						REXT_EDU_CMD_TO_RAM);
	}
	/* Lines fetched meanwhile hold what was there before the device wrote. */
	if (!ret)
		ret = mbuff_area_sync(p->area, off, record_size,
				      MBUFF_SYNC_FROM_DEVICE);
	return ret;
}

static int rext_fill(struct rext *p, u32 slot, u64 seq)
{
	if (rext_use_edu)
		return rext_edu_fill(p, slot, seq);
	mbuff_ring_record_fill(p->vaddr + p->first + slot * p->stride,
			       record_size, seq);
	return 0;
}

static int rext_thread(void *arg)
{
	struct rext *p = arg;
	u64 seq = 0;
	u32 slot = 0;
	int ret = 0;

	while (!kthread_should_stop() && (!count || seq < count)) {
		if (!READ_ONCE(start)) {
			rext_publish(p);	/* before blocking */
			wait_event_interruptible(p->wait, READ_ONCE(start) ||
						 kthread_should_stop());
			continue;
		}
		ret = rext_wait_slot(p, slot, seq);
		if (ret)
			break;
		if (!seq)
			p->t0 = ktime_get();
		ret = rext_fill(p, slot, seq);
		if (!ret)
			ret = rext_put(p, slot);
		if (ret)
			break;
		seq++;
		slot = slot + 1 == p->nslots ? 0 : slot + 1;
		rext_add(&p->records, 1);
		rext_add(&p->bytes, record_size);
		p->unpublished += record_size;
		if (p->unpublished >= p->batch)
			rext_publish(p);
		cond_resched();
	}
	if (ret && ret != -EINTR) {
		pr_err("record %llu: %d\n", seq, ret);
		WRITE_ONCE(p->error, ret);
	}
	/* The last records: publish them, wake the consumer. */
	rext_publish(p);
	WRITE_ONCE(p->done, !kthread_should_stop());
	/* Wait for kthread_stop(): returning early would free the task. */
	wait_event_interruptible(p->wait, kthread_should_stop());
	return 0;
}

/* Stop the thread if it runs; under @p->lock. */
static void rext_stop(struct rext *p)
{
	if (p->thread) {
		kthread_stop(p->thread);
		p->thread = NULL;
	}
}

static int rext_status_show(struct seq_file *m, void *v)
{
	struct rext *p = m->private;

	seq_printf(m, "device %s\nslots %u\nrecord_size %u\ndata %u\n",
		   rext_use_edu ? "edu" : "cpu", p->nslots, record_size,
		   p->ring.mask + 1);
	seq_printf(m, "records %llu\nbytes %llu\nns %llu\ncommits %llu\n",
		   READ_ONCE(p->records), READ_ONCE(p->bytes),
		   READ_ONCE(p->ns), READ_ONCE(p->commits));
	seq_printf(m, "sleeps %llu\nslot_sleeps %llu\nnotifies %llu\ndoorbells %llu\n",
		   READ_ONCE(p->sleeps), READ_ONCE(p->slot_sleeps),
		   READ_ONCE(p->notifies), READ_ONCE(p->doorbells));
	seq_printf(m, "transfers %llu\ndma_ns %llu\nerror %d\ndone %d\n",
		   READ_ONCE(p->transfers), READ_ONCE(p->dma_ns),
		   READ_ONCE(p->error), READ_ONCE(p->done));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rext_status);

static int rext_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct rext_edu *e;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pdev = pdev;
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err_disable;
	e->bar = pci_iomap(pdev, 0, 0);
	if (!e->bar) {
		ret = -ENOMEM;
		goto err_disable;
	}
	e->src = dma_alloc_coherent(&pdev->dev, REXT_EDU_BUF_SIZE, &e->src_dma,
				    GFP_KERNEL);
	if (!e->src) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	mutex_lock(&rext.lock);
	if (rext.edu) {
		/* One device is enough. */
		mutex_unlock(&rext.lock);
		ret = -EBUSY;
		goto err_free_src;
	}
	pci_set_master(pdev);
	pci_set_drvdata(pdev, e);
	rext.edu = e;
	mutex_unlock(&rext.lock);
	return 0;

err_free_src:
	dma_free_coherent(&pdev->dev, REXT_EDU_BUF_SIZE, e->src, e->src_dma);

err_unmap:
	pci_iounmap(pdev, e->bar);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(e);
	dev_err(&pdev->dev, "cannot take the device: %d\n", ret);
	return ret;
}

/* On unload, or when the device is unbound while the thread runs. */
static void rext_edu_remove(struct pci_dev *pdev)
{
	struct rext_edu *e = pci_get_drvdata(pdev);

	mutex_lock(&rext.lock);
	if (rext.thread) {
		dev_info(&pdev->dev, "the device goes: the thread stops\n");
		rext_stop(&rext);
		if (!READ_ONCE(rext.done))
			WRITE_ONCE(rext.error, -ENODEV);
	}
	rext.edu = NULL;
	mutex_unlock(&rext.lock);
	/* No transfer is running: the thread waits for each one to end. */
	pci_clear_master(pdev);
	dma_free_coherent(&pdev->dev, REXT_EDU_BUF_SIZE, e->src, e->src_dma);
	pci_iounmap(pdev, e->bar);
	pci_disable_device(pdev);
	kfree(e);
}

static const struct pci_device_id rext_edu_ids[] = {
	{ PCI_DEVICE(REXT_EDU_VENDOR, REXT_EDU_DEVICE) },
	{ }
};

/* See MBUFF_NO_DEVICE_TABLE in Kbuild. */
#ifndef MBUFF_NO_DEVICE_TABLE
MODULE_DEVICE_TABLE(pci, rext_edu_ids);
#endif

static struct pci_driver rext_edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = rext_edu_ids,
	.probe = rext_edu_probe,
	.remove = rext_edu_remove,
};

/* The backend named by @name (<mbuff/vocab.h>), or -EINVAL. */
static int rext_backend(const char *name)
{
	int b = mbuff_backend_parse(name);

	if (b != MBUFF_BACKEND_CONTIG && b != MBUFF_BACKEND_VMALLOC &&
	    b != MBUFF_BACKEND_ANY)
		return -EINVAL;
	return b;
}

/* Buffers of @stride bytes, the last @record_size, after the ring in @bytes. */
static u64 rext_fit(u64 bytes, u64 stride)
{
	u64 used = MBUFF_RING_CTL_SIZE + (u64)data_size;

	if (bytes < used || bytes - used < record_size)
		return 0;
	return div64_u64(bytes - used - record_size, stride) + 1;
}

/*
 * Check the parameters, before anything is taken: the area size asked for
 * in *@bytes, its backend in *@b.  Returns 0 or -EINVAL (logged).
 */
static int rext_check_params(size_t *bytes, int *b)
{
	unsigned long long abytes, dbytes;
	u64 stride, fit;
	char *end;

	if (!strcmp(device, "edu")) {
		rext_use_edu = true;
	} else if (strcmp(device, "cpu")) {
		pr_err("bad parameter: device=%s (cpu or edu)\n", device);
		return -EINVAL;
	}
	*b = rext_backend(backend);
	if (*b < 0 || (rext_use_edu && *b != MBUFF_BACKEND_CONTIG)) {
		pr_err("bad parameter: backend=%s (%s)\n", backend,
		       rext_use_edu ? "device=edu needs contiguous" :
		       "contiguous, vmalloc or any");
		return -EINVAL;
	}
	abytes = memparse(size, &end);
	if (*end || !abytes || abytes > SIZE_MAX) {
		pr_err("bad parameter: size=%s\n", size);
		return -EINVAL;
	}
	dbytes = memparse(data, &end);
	if (*end || dbytes < MBUFF_RING_CTL_SIZE || (dbytes & (dbytes - 1)) ||
	    dbytes > (1U << 31)) {
		pr_err("bad parameter: data=%s (a power of two, 4K to 2G)\n",
		       data);
		return -EINVAL;
	}
	data_size = dbytes;
	if (record_size < MBUFF_RING_RECORD_MIN) {
		pr_err("bad parameter: record_size=%u (at least %u)\n",
		       record_size, MBUFF_RING_RECORD_MIN);
		return -EINVAL;
	}
	if (rext_use_edu && record_size > REXT_EDU_BUF_SIZE) {
		pr_err("bad parameter: record_size=%u is more than the edu device's buffer (%u bytes)\n",
		       record_size, REXT_EDU_BUF_SIZE);
		return -EINVAL;
	}
	stride = round_up((u64)record_size, REXT_ALIGN);
	fit = rext_fit(abytes, stride);
	if (!fit) {
		pr_err("bad parameter: size=%s holds no buffer of %u bytes after the control page and %u bytes of ring data\n",
		       size, record_size, data_size);
		return -EINVAL;
	}
	if (slots > fit) {
		pr_err("bad parameter: slots=%u, but size=%s holds %llu buffers of %u bytes\n",
		       slots, size, fit, record_size);
		return -EINVAL;
	}
	*bytes = abytes;
	return 0;
}

/* Take the area, format the ring in it, attach to it. */
static int rext_setup(struct rext *p, size_t bytes, int b)
{
	u64 fit, asize;
	long ret;

	p->area = mbuff_area_get(area, bytes, b, MBUFF_MEM_CACHED,
				 MBUFF_OPEN_CREATE);
	if (IS_ERR(p->area)) {
		ret = PTR_ERR(p->area);
		pr_err("cannot get area '%s': %ld\n", area, ret);
		return ret;
	}
	p->vaddr = mbuff_area_vaddr(p->area);
	asize = mbuff_area_size(p->area);
	p->phys = mbuff_area_phys(p->area);
	p->stride = round_up((u64)record_size, REXT_ALIGN);
	p->first = MBUFF_RING_CTL_SIZE + (u64)data_size;
	fit = rext_fit(asize, p->stride);
	p->nslots = slots ? slots : min_t(u64, fit, U32_MAX);
	ret = -EINVAL;
	if (rext_use_edu && (!p->phys ||
			     p->phys + asize > DMA_BIT_MASK(32) + 1ULL)) {
		pr_err("area '%s': the edu device needs it contiguous and below 4 GiB\n",
		       area);
		goto err_put;
	}
	ret = mbuff_ring_format_size(p->vaddr, asize, data_size);
	if (ret == data_size)
		ret = mbuff_ring_attach(&p->ring, p->vaddr, asize);
	if (!ret && p->ring.mask + 1 != data_size)
		ret = -EBUSY;
	if (ret) {
		pr_err("area '%s': no ring of %u bytes of data: %ld\n", area,
		       data_size, ret);
		goto err_put;
	}
	p->ends = kvcalloc(p->nslots, sizeof(*p->ends), GFP_KERNEL);
	if (!p->ends) {
		ret = -ENOMEM;
		goto err_put;
	}
	p->batch = batch ? batch :
		   max_t(u64, (u64)p->nslots * record_size / 4, record_size);
	ret = mbuff_area_set_doorbell(p->area, rext_doorbell, p);
	if (ret) {
		pr_err("area '%s': cannot set its doorbell: %ld\n", area, ret);
		goto err_free;
	}
	return 0;

err_free:
	kvfree(p->ends);
err_put:
	mbuff_area_put(p->area);
	return ret;
}

static void rext_teardown(struct rext *p)
{
	mbuff_area_set_doorbell(p->area, NULL, NULL);
	kvfree(p->ends);
	mbuff_area_put(p->area);
}

static int __init rext_init(void)
{
	struct rext *p = &rext;
	size_t bytes;
	int b, ret;

	ret = rext_check_params(&bytes, &b);
	if (ret)
		return ret;
	if (rext_use_edu) {
		ret = pci_register_driver(&rext_edu_driver);
		if (ret)
			return ret;
		if (!p->edu) {
			pr_err("device=edu: no edu device (%04x:%04x) free for this driver\n",
			       REXT_EDU_VENDOR, REXT_EDU_DEVICE);
			ret = -ENODEV;
			goto err_unregister;
		}
	}
	ret = rext_setup(p, bytes, b);
	if (ret)
		goto err_unregister;
	mutex_lock(&p->lock);
	if (rext_use_edu && !p->edu)
		ret = -ENODEV;		/* unbound meanwhile */
	else
		p->thread = kthread_run(rext_thread, p, "mbuff_rext");
	if (!ret && IS_ERR(p->thread)) {
		ret = PTR_ERR(p->thread);
		p->thread = NULL;
	}
	mutex_unlock(&p->lock);
	if (ret)
		goto err_teardown;
	rext_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("status", 0444, rext_dir, p, &rext_status_fops);
	return 0;

err_teardown:
	rext_teardown(p);
err_unregister:
	if (rext_use_edu)
		pci_unregister_driver(&rext_edu_driver);
	return ret;
}

static void __exit rext_exit(void)
{
	struct rext *p = &rext;

	debugfs_remove_recursive(rext_dir);
	mutex_lock(&p->lock);
	rext_stop(p);
	mutex_unlock(&p->lock);
	if (rext_use_edu)
		pci_unregister_driver(&rext_edu_driver);
	rext_teardown(p);
}

module_init(rext_init);
module_exit(rext_exit);

MODULE_DESCRIPTION("mbuff test: extent records handing over buffers a device wrote");
MODULE_LICENSE("GPL");
MBUFF_MODULE_IMPORT_NS();
