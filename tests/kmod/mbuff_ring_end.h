/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two kernel ends of the ring tests (mbuff_ring_producer.c and
 * mbuff_ring_consumer.c) share: the area, formatted as a ring by the
 * kernel; the view of the ring; a record buffer; the doorbell callback and
 * the thread.  Kernel only.
 *
 * A process may have the area mapped already (it existed), and may write
 * anything into the control page at any time: the view is checked against
 * the ring that was formatted, and after that the kernel reads the control
 * page and the records only through <mbuff/ring.h>, which reads each value
 * a process can write once per call, checks it and uses only what it read.
 */
#ifndef _MBUFF_RING_END_H
#define _MBUFF_RING_END_H

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/mbuff.h>
#include <mbuff/ring.h>
#include <mbuff/vocab.h>

/**
 * struct mbuff_ring_end - one kernel end of a ring
 * @area: the area, on which a kernel count is held
 * @ring: this end's view of the ring
 * @thread: the thread that reads or writes
 * @buf: the record being read or written, when the end copies records in
 *	or out; NULL when it works in place
 */
struct mbuff_ring_end {
	struct mbuff_area *area;
	struct mbuff_ring ring;
	struct task_struct *thread;
	void *buf;
};

/* The backend named by @name (vmalloc, contiguous, any, aliases), or -EINVAL. */
static inline int mbuff_ring_end_backend(const char *name)
{
	int b = mbuff_backend_parse(name);

	if (b != MBUFF_BACKEND_ANY && b != MBUFF_BACKEND_VMALLOC &&
	    b != MBUFF_BACKEND_CONTIG)
		return -EINVAL;
	return b;
}

/**
 * mbuff_ring_end_setup() - take the area, format the ring, attach to it
 * @e: the end
 * @name: the area's name
 * @size: its size, with an optional K or M suffix
 * @backend: "vmalloc", "contiguous" (or "contig") or "any", for a new area
 * @buflen: bytes of the record buffer; 0 for none (in place)
 * @min_data: the fewest bytes of ring data the caller can work with: the
 *	footprint of its largest record (mbuff_ring_footprint()), as a ring
 *	whose data holds a single record still works
 *
 * Return: the bytes of ring data, or -errno (logged; nothing is held).
 */
static inline long mbuff_ring_end_setup(struct mbuff_ring_end *e,
					const char *name, const char *size,
					const char *backend, size_t buflen,
					size_t min_data)
{
	int b = mbuff_ring_end_backend(backend);
	unsigned long long bytes;
	char *end;
	long data, ret;

	bytes = memparse(size, &end);
	if (b < 0 || *end || !bytes) {
		pr_err("bad parameters: backend=%s size=%s\n", backend, size);
		return -EINVAL;
	}
	e->area = mbuff_area_get(name, bytes, b, MBUFF_MEM_CACHED,
				 MBUFF_OPEN_CREATE);
	if (IS_ERR(e->area)) {
		pr_err("cannot get area '%s': %ld\n", name, PTR_ERR(e->area));
		return PTR_ERR(e->area);
	}
	data = mbuff_ring_format(mbuff_area_vaddr(e->area),
				 mbuff_area_size(e->area));
	if (data < 0 || data < min_data) {
		pr_err("area '%s' too small: a ring of %zu bytes of data at least\n",
		       name, min_data);
		ret = -EINVAL;
		goto err_put_area;
	}
	ret = mbuff_ring_attach(&e->ring, mbuff_area_vaddr(e->area),
				mbuff_area_size(e->area));
	if (!ret && e->ring.mask + 1 != data)
		ret = -EBUSY;
	if (ret) {
		pr_err("area '%s' changed while its ring was set up: %ld\n",
		       name, ret);
		goto err_put_area;
	}
	e->buf = NULL;
	if (buflen) {
		e->buf = kvmalloc(buflen, GFP_KERNEL);
		if (!e->buf) {
			ret = -ENOMEM;
			goto err_put_area;
		}
	}
	return data;

err_put_area:
	mbuff_area_put(e->area);
	return ret;
}

/**
 * mbuff_ring_end_run() - register the doorbell callback and start the thread
 * @e: the end, set up
 * @doorbell: the doorbell callback
 * @fn: the thread's function
 * @arg: the argument of both
 * @comm: the thread's name
 *
 * Return: 0, or -errno with everything mbuff_ring_end_setup() took given back.
 */
static inline int mbuff_ring_end_run(struct mbuff_ring_end *e,
				     mbuff_doorbell_fn doorbell,
				     int (*fn)(void *), void *arg,
				     const char *comm)
{
	int ret;

	ret = mbuff_area_set_doorbell(e->area, doorbell, arg);
	if (ret)
		goto err_free_buf;
	e->thread = kthread_run(fn, arg, "%s", comm);
	if (IS_ERR(e->thread)) {
		ret = PTR_ERR(e->thread);
		goto err_clear_doorbell;
	}
	return 0;

err_clear_doorbell:
	mbuff_area_set_doorbell(e->area, NULL, NULL);
err_free_buf:
	kvfree(e->buf);
	mbuff_area_put(e->area);
	return ret;
}

/* Stop the thread, remove the callback, give back the buffer and the area. */
static inline void mbuff_ring_end_stop(struct mbuff_ring_end *e)
{
	kthread_stop(e->thread);
	mbuff_area_set_doorbell(e->area, NULL, NULL);
	kvfree(e->buf);
	mbuff_area_put(e->area);
}

#endif /* _MBUFF_RING_END_H */
