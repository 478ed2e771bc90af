/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mbuff rings: a lock-free single-producer, single-consumer ring of
 * variable-length records in an mbuff area, for kernel->user, user->kernel
 * and user<->user streaming.  This file compiles unchanged in the kernel
 * and in user space; only the macros below differ (acquire load, release
 * store, full barrier, and a load that happens exactly once).
 *
 * Trust.  Each side may be the kernel with an untrusted process on the
 * other side, which can rewrite the control page and the records at any
 * moment.  So every read of shared memory whose value is checked, the
 * control page's fields, the other side's index, this side's own index
 * (it lives in the same page) and a record's length, goes through
 * mbuff_ring_read_once() or an acquire load into a local; the local is
 * checked and then used, and the shared copy is never read again for the
 * same decision.  Every copy is confined to the data by the mask, which is
 * the view's own, so what the other side writes can make the ring corrupt
 * (-EIO) or full, never make a side read or write outside the data.
 *
 * Ordering.  The producer writes a record, then publishes it with a
 * release store of ctl->prod (P1); the consumer's acquire load of
 * ctl->prod (C1) pairs with P1, so it sees the record's bytes.  The
 * consumer reads a record, then frees its room with a release store of
 * ctl->cons (C2); the producer's acquire load of ctl->cons (P2) pairs
 * with C2, so it does not overwrite bytes still being read.
 *
 * Wake-ups without polling.  A side that finds nothing to do sets its
 * *_waiting flag, issues a full barrier (W1), and looks once more before
 * it sleeps; the other side, after publishing, issues a full barrier (W2)
 * and wakes it only if the flag is set, clearing it in the same atomic
 * exchange.  W1 pairs with W2: either the sleeper sees the new index, or
 * the waker sees the flag.  A busy stream thus costs no system call per
 * record.  A sleeper waits until there is something to do or its flag
 * was cleared (mbuff_ring_consumer_woken(), mbuff_ring_producer_woken()),
 * then goes back through mbuff_ring_*_sleep() before sleeping again.
 *
 * When to look: a side that checks the other's flag after every record
 * wakes it as soon as one record is there, and two sides of different
 * speed then wake each other for nearly every record.  Check once a
 * batch is there (e.g. a quarter of the ring written or freed), and
 * always before going to sleep yourself; the sleeper loses nothing, it
 * only sleeps a little longer.
 */
#ifndef _MBUFF_RING_H
#define _MBUFF_RING_H

#include <linux/types.h>
#include <linux/mbuff_ring.h>

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>
/* The pairs each use of these forms are named where they are used. */
#define mbuff_ring_load_acquire(p)	smp_load_acquire(p)	/* see uses */
#define mbuff_ring_store_release(p, v)	smp_store_release(p, v)	/* see uses */
#define mbuff_ring_mb()			smp_mb()		/* see uses */
#define mbuff_ring_xchg(p, v)		xchg(p, v)		/* full barrier */
#define mbuff_ring_read_once(p)		READ_ONCE(*(p))		/* no barrier */
#else
#include <errno.h>
#include <string.h>
#define mbuff_ring_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define mbuff_ring_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define mbuff_ring_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define mbuff_ring_xchg(p, v)		__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define mbuff_ring_read_once(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#endif

/**
 * struct mbuff_ring - one side's view of a ring
 * @ctl: the control page, at the start of the area
 * @data: the data, @mask + 1 bytes
 * @mask: the data size - 1, as mbuff_ring_attach() checked it (the view's
 *	own: @ctl->size is never read again)
 * @doubled: @data is followed by a second mapping of itself (user space,
 *	mbuff_area_ring_attach()), so a record never needs to be split
 * @peeked: bytes the record mbuff_ring_peek() returned takes, for
 *	mbuff_ring_consume(); 0 when there is none
 *
 * Neither side trusts the shared control page or record headers beyond
 * the ring: a producer that writes garbage makes the ring corrupt (-EIO),
 * never makes the consumer read or move outside it; a consumer that
 * writes garbage can make the producer overwrite records or find no room,
 * never make it write outside the ring.
 */
struct mbuff_ring {
	struct mbuff_ring_ctl *ctl;
	unsigned char *data;
	__u32 mask;
	int doubled;
	__u32 peeked;
};

#define MBUFF_RING_CORRUPT	0xffffffffU	/* *len of a corrupt peek */

static inline __u32 mbuff_ring_round(__u32 len)
{
	return (len + MBUFF_RING_ALIGN - 1) & ~(__u32)(MBUFF_RING_ALIGN - 1);
}

/* Bytes a record of @len payload bytes takes in the ring. */
static inline __u32 mbuff_ring_footprint(__u32 len)
{
	return sizeof(struct mbuff_ring_rec) + mbuff_ring_round(len);
}

/**
 * mbuff_ring_format() - set up an empty ring in an area
 * @area: the area's first byte
 * @area_size: its size
 *
 * The data takes the largest power of two that fits after the control
 * page.  Call once, before the other side attaches.
 *
 * Return: the data size, or -EINVAL when the area is too small.
 */
static inline long mbuff_ring_format(void *area, __u64 area_size)
{
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)area;
	__u64 room, size = MBUFF_RING_CTL_SIZE;

	if (area_size < 2 * MBUFF_RING_CTL_SIZE)
		return -EINVAL;
	room = area_size - MBUFF_RING_CTL_SIZE;
	while (size * 2 <= room && size * 2 <= (1ULL << 31))
		size *= 2;
	memset(ctl, 0, sizeof(*ctl));
	ctl->version = MBUFF_RING_VERSION;
	ctl->size = (__u32)size;
	ctl->data_offset = MBUFF_RING_CTL_SIZE;
	/* Publishes the fields above to whoever sees the magic. */
	mbuff_ring_store_release(&ctl->magic, MBUFF_RING_MAGIC);
	return (long)size;
}

/**
 * mbuff_ring_attach() - take one side of a ring set up by mbuff_ring_format()
 * @ring: the view to fill
 * @area: the area's first byte
 * @area_size: its size
 *
 * Return: 0, -EAGAIN when the ring is not set up (yet), -EINVAL when the
 * control page does not describe a ring that fits the area.
 */
static inline int mbuff_ring_attach(struct mbuff_ring *ring, void *area,
				    __u64 area_size)
{
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)area;
	__u32 version, size, data_offset;

	/* Pairs with the release of the magic in mbuff_ring_format(). */
	if (mbuff_ring_load_acquire(&ctl->magic) != MBUFF_RING_MAGIC)
		return -EAGAIN;
	/* Each read once: the other side may rewrite them as they are checked. */
	version = mbuff_ring_read_once(&ctl->version);
	size = mbuff_ring_read_once(&ctl->size);
	data_offset = mbuff_ring_read_once(&ctl->data_offset);
	if (version != MBUFF_RING_VERSION || !size || (size & (size - 1)) ||
	    size < MBUFF_RING_ALIGN || data_offset != MBUFF_RING_CTL_SIZE ||
	    MBUFF_RING_CTL_SIZE + (__u64)size > area_size)
		return -EINVAL;
	ring->ctl = ctl;
	/* The offset it was checked to be, not whatever the page says now. */
	ring->data = (unsigned char *)area + MBUFF_RING_CTL_SIZE;
	ring->mask = size - 1;
	ring->doubled = 0;
	ring->peeked = 0;
	return 0;
}

/* Copy into the ring at byte index @pos, across its end if need be. */
static inline void mbuff_ring_copy_in(struct mbuff_ring *ring, __u32 pos,
				      const void *src, __u32 len)
{
	__u32 off = pos & ring->mask, first = ring->mask + 1 - off;

	if (ring->doubled || len <= first) {
		memcpy(ring->data + off, src, len);
	} else {
		memcpy(ring->data + off, src, first);
		memcpy(ring->data, (const unsigned char *)src + first,
		       len - first);
	}
}

static inline void mbuff_ring_copy_out(const struct mbuff_ring *ring,
				       __u32 pos, void *dst, __u32 len)
{
	__u32 off = pos & ring->mask, first = ring->mask + 1 - off;

	if (ring->doubled || len <= first) {
		memcpy(dst, ring->data + off, len);
	} else {
		memcpy(dst, ring->data + off, first);
		memcpy((unsigned char *)dst + first, ring->data, len - first);
	}
}

/*
 * Room for the producer, its index being @prod (read once by the caller):
 * none when the consumer's index is not within a ring behind it.
 */
static inline __u32 mbuff_ring_room(const struct mbuff_ring *ring, __u32 prod)
{
	/* P2: pairs with the consumer's release of cons (C2). */
	__u32 used = prod - mbuff_ring_load_acquire(&ring->ctl->cons);

	return used > ring->mask + 1 ? 0 : ring->mask + 1 - used;
}

/**
 * mbuff_ring_free_bytes() - room left for the producer
 * @ring: the producer's view
 *
 * Return: bytes that may be written now; 0 when the consumer's index is
 * more than a ring behind the producer's, or ahead of it (corrupt).
 */
static inline __u32 mbuff_ring_free_bytes(const struct mbuff_ring *ring)
{
	return mbuff_ring_room(ring, mbuff_ring_read_once(&ring->ctl->prod));
}

/**
 * mbuff_ring_write() - append one record (producer only)
 * @ring: the producer's view
 * @buf: the payload
 * @len: its length
 *
 * Return: 0, -EAGAIN when there is no room now, -EMSGSIZE when the record
 * can never fit.
 */
static inline int mbuff_ring_write(struct mbuff_ring *ring, const void *buf,
				   __u32 len)
{
	struct mbuff_ring_rec rec = { .len = len, .flags = 0 };
	__u32 need = mbuff_ring_footprint(len);
	/* Read once: the room is reckoned, and the record written, from it. */
	__u32 prod = mbuff_ring_read_once(&ring->ctl->prod);

	if (len > ring->mask + 1 - sizeof(rec) || need > ring->mask + 1)
		return -EMSGSIZE;
	if (need > mbuff_ring_room(ring, prod))
		return -EAGAIN;
	mbuff_ring_copy_in(ring, prod, &rec, sizeof(rec));
	mbuff_ring_copy_in(ring, prod + sizeof(rec), buf, len);
	/* P1: publishes the record; pairs with the consumer's acquire (C1). */
	mbuff_ring_store_release(&ring->ctl->prod, prod + need);
	return 0;
}

/**
 * mbuff_ring_used_bytes() - bytes waiting for the consumer
 * @ring: the consumer's view
 *
 * Return: bytes produced and not yet consumed; more than the data size
 * when the producer's index is corrupt (mbuff_ring_read() then says -EIO).
 */
static inline __u32 mbuff_ring_used_bytes(const struct mbuff_ring *ring)
{
	/* C1: pairs with the producer's release of prod (P1). */
	__u32 prod = mbuff_ring_load_acquire(&ring->ctl->prod);

	return prod - mbuff_ring_read_once(&ring->ctl->cons);
}

/*
 * The next record, checked against what was produced: its footprint, 0
 * when the ring is empty, or -EIO when the shared indices or the header
 * are corrupt.  On success *@cons and *@len are the consumer's index and
 * the record's length as read here, once each: the caller uses them, not
 * the shared copies, which the producer may have changed since.
 *
 * Records take whole multiples of MBUFF_RING_ALIGN from index 0, so an
 * index or a byte count off that alignment is corrupt, and a header at an
 * aligned index is never split: its length is one aligned load.
 */
static inline long mbuff_ring_next(const struct mbuff_ring *ring,
				   __u32 *cons, __u32 *len)
{
	const struct mbuff_ring_rec *rec;
	__u32 c, used, rlen, need;

	/* C1: pairs with the producer's release of prod (P1). */
	used = mbuff_ring_load_acquire(&ring->ctl->prod);
	c = mbuff_ring_read_once(&ring->ctl->cons);
	used -= c;
	if (!used)
		return 0;
	if (used > ring->mask + 1 || ((c | used) & (MBUFF_RING_ALIGN - 1)))
		return -EIO;
	rec = (const struct mbuff_ring_rec *)(ring->data + (c & ring->mask));
	rlen = mbuff_ring_read_once(&rec->len);
	need = mbuff_ring_footprint(rlen);
	if (need > used || need < rlen)
		return -EIO;
	*cons = c;
	*len = rlen;
	return need;
}

/**
 * mbuff_ring_peek() - the next record, in place (consumer only)
 * @ring: the consumer's view
 * @len: its payload length
 *
 * In place means contiguous: with a doubled view always; otherwise only a
 * record that does not run past the end of the data (use
 * mbuff_ring_read() to copy any record out).
 *
 * The payload stays in shared memory, where the producer can still change
 * it: a consumer that checks it (the kernel, from an untrusted process)
 * copies it out first, or uses mbuff_ring_read().
 *
 * Return: the payload, or NULL when the ring is empty (*@len = 0), the
 * record is split in a view that is not doubled (*@len = its length), or
 * the ring is corrupt (*@len = MBUFF_RING_CORRUPT).
 */
static inline const void *mbuff_ring_peek(struct mbuff_ring *ring, __u32 *len)
{
	__u32 cons, rlen, off;
	long need = mbuff_ring_next(ring, &cons, &rlen);

	ring->peeked = 0;
	*len = need < 0 ? MBUFF_RING_CORRUPT : 0;
	if (need <= 0)
		return NULL;
	*len = rlen;
	off = (cons + (__u32)sizeof(struct mbuff_ring_rec)) & ring->mask;
	if (!ring->doubled && off + rlen > ring->mask + 1)
		return NULL;
	ring->peeked = (__u32)need;
	return ring->data + off;
}

/**
 * mbuff_ring_consume() - free the room of the record peeked at
 * @ring: the consumer's view
 *
 * Call after mbuff_ring_peek() returned a record and its bytes are used;
 * the record's size is the one peek checked, not re-read from the ring.
 */
static inline void mbuff_ring_consume(struct mbuff_ring *ring)
{
	__u32 cons;

	if (!ring->peeked)
		return;
	/*
	 * This side's own index, read again rather than kept from the peek:
	 * whatever the producer wrote into it meanwhile, it could as well
	 * write after the store below, so nothing is lost by using it.
	 */
	cons = mbuff_ring_read_once(&ring->ctl->cons);
	/* C2: frees the room; pairs with the producer's acquire (P2). */
	mbuff_ring_store_release(&ring->ctl->cons, cons + ring->peeked);
	ring->peeked = 0;
}

/**
 * mbuff_ring_read() - copy the next record out and consume it
 * @ring: the consumer's view
 * @buf: where to copy the payload
 * @cap: room at @buf
 *
 * Return: the payload length, -EAGAIN when the ring is empty, -EMSGSIZE
 * when the record is longer than @cap (it stays in the ring), -EIO when
 * the ring is corrupt.
 */
static inline long mbuff_ring_read(struct mbuff_ring *ring, void *buf,
				   __u32 cap)
{
	__u32 cons, rlen;
	long need = mbuff_ring_next(ring, &cons, &rlen);

	if (need < 0)
		return need;
	if (!need)
		return -EAGAIN;
	if (rlen > cap)
		return -EMSGSIZE;
	mbuff_ring_copy_out(ring, cons + (__u32)sizeof(struct mbuff_ring_rec),
			    buf, rlen);
	/* C2: frees the room; pairs with the producer's acquire (P2). */
	mbuff_ring_store_release(&ring->ctl->cons, cons + (__u32)need);
	ring->peeked = 0;
	return rlen;
}

/**
 * mbuff_ring_consumer_sleep() - decide whether the consumer may sleep
 * @ring: the consumer's view
 *
 * Sets the consumer's waiting flag and looks once more.  If it returns
 * true, sleep until woken (the producer clears the flag and wakes);
 * otherwise data came meanwhile and the flag is cleared again.
 *
 * Return: true when the ring is still empty.
 */
static inline int mbuff_ring_consumer_sleep(struct mbuff_ring *ring)
{
	__u32 *waiting = &ring->ctl->cons_waiting;

	mbuff_ring_store_release(waiting, 1);
	mbuff_ring_mb();	/* W1: pairs with W2 in mbuff_ring_wake_consumer() */
	if (mbuff_ring_used_bytes(ring)) {
		mbuff_ring_store_release(waiting, 0);
		return 0;
	}
	return 1;
}

/**
 * mbuff_ring_wake_consumer() - does the consumer need a wake-up?
 * @ring: the producer's view, after publishing records
 *
 * Return: true when the consumer sleeps and must be woken (the flag is
 * cleared here, so one wake-up is sent per sleep).
 */
static inline int mbuff_ring_wake_consumer(struct mbuff_ring *ring)
{
	__u32 *waiting = &ring->ctl->cons_waiting;

	mbuff_ring_mb();	/* W2: pairs with W1 in mbuff_ring_consumer_sleep() */
	if (!mbuff_ring_load_acquire(waiting))
		return 0;
	/* One exchange: a flag the consumer sets again meanwhile survives. */
	return mbuff_ring_xchg(waiting, 0) != 0;
}

/**
 * mbuff_ring_consumer_woken() - may a sleeping consumer stop waiting?
 * @ring: the consumer's view
 *
 * The condition a consumer sleeps on: data came, or the producer cleared
 * the flag to wake it.  Either way it re-checks with
 * mbuff_ring_consumer_sleep() before it sleeps again.
 *
 * Return: true when the consumer should wake up.
 */
static inline int mbuff_ring_consumer_woken(const struct mbuff_ring *ring)
{
	return mbuff_ring_used_bytes(ring) ||
	       !mbuff_ring_load_acquire(&ring->ctl->cons_waiting);
}

/**
 * mbuff_ring_producer_sleep() - decide whether the producer may sleep
 * @ring: the producer's view
 * @need: bytes the next record needs (mbuff_ring_footprint())
 *
 * Return: true when there is still no room for @need bytes.
 */
static inline int mbuff_ring_producer_sleep(struct mbuff_ring *ring,
					    __u32 need)
{
	__u32 *waiting = &ring->ctl->prod_waiting;

	mbuff_ring_store_release(waiting, 1);
	mbuff_ring_mb();	/* W1: pairs with W2 in mbuff_ring_wake_producer() */
	if (mbuff_ring_free_bytes(ring) >= need) {
		mbuff_ring_store_release(waiting, 0);
		return 0;
	}
	return 1;
}

/**
 * mbuff_ring_wake_producer() - does the producer need a wake-up?
 * @ring: the consumer's view, after consuming records
 *
 * Return: true when the producer sleeps for room and must be woken.
 */
static inline int mbuff_ring_wake_producer(struct mbuff_ring *ring)
{
	__u32 *waiting = &ring->ctl->prod_waiting;

	mbuff_ring_mb();	/* W2: pairs with W1 in mbuff_ring_producer_sleep() */
	if (!mbuff_ring_load_acquire(waiting))
		return 0;
	/* One exchange: a flag the producer sets again meanwhile survives. */
	return mbuff_ring_xchg(waiting, 0) != 0;
}

/**
 * mbuff_ring_producer_woken() - may a sleeping producer stop waiting?
 * @ring: the producer's view
 * @need: bytes its next record needs
 *
 * Return: true when there is room, or the consumer cleared the flag.
 */
static inline int mbuff_ring_producer_woken(const struct mbuff_ring *ring,
					    __u32 need)
{
	return mbuff_ring_free_bytes(ring) >= need ||
	       !mbuff_ring_load_acquire(&ring->ctl->prod_waiting);
}

#endif /* _MBUFF_RING_H */
