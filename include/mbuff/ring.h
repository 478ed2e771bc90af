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
 * moment.  So each side keeps its own index in its view (struct
 * mbuff_ring), read from the control page once when it attaches and only
 * stored there afterwards, and every read of shared memory whose value is
 * checked, the control page's fields, the other side's index and a
 * record's header, goes through mbuff_ring_read_once() or an acquire load
 * into a local; the local is checked and then used, and the shared copy is
 * never read again for the same decision.  Every access is confined to
 * the data by the mask and the view's own size, so what the other side
 * writes can make the ring corrupt (-EIO) or full, never make a side read
 * or write outside the data.
 *
 * In place.  A producer reserves room for a record (mbuff_ring_reserve()),
 * fills the payload where it lies, and publishes it with
 * mbuff_ring_commit(); a consumer takes the next record where it lies
 * (mbuff_ring_peek()) and frees its room with mbuff_ring_consume().  Both
 * batch: reserve (peek) any number of records, then one commit (consume)
 * publishes them all with one release store.  Records never wrap (format
 * 2), so every record is one piece of memory in any view.
 * mbuff_ring_write() and mbuff_ring_read() copy a record in and out.
 *
 * Ordering.  The producer writes records, then publishes them with a
 * release store of ctl->prod (P1); the consumer's acquire load of
 * ctl->prod (C1) pairs with P1, so it sees the record's bytes.  The
 * consumer reads records, then frees their room with a release store of
 * ctl->cons (C2); the producer's acquire load of ctl->cons (P2) pairs
 * with C2, so it does not overwrite bytes still being read.
 *
 * Wake-ups without polling.  A side that finds nothing to do sets its
 * *_waiting flag, issues a full barrier (W1), and looks once more before
 * it sleeps; the other side, after publishing, issues a full barrier (W2)
 * and wakes it only if the flag is set, clearing it in the same atomic
 * exchange.  W1 pairs with W2: either the sleeper sees the new index, or
 * the waker sees the flag.  A busy stream thus costs no system call per
 * record.  A side publishes what it has reserved or read (commit,
 * consume) before it goes to sleep, or the other side may wait for it
 * forever.  A sleeper waits until there is something to do or its flag
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
#include <mbuff/mbuff_ring.h>

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

/*
 * The functions a program calls are "MBUFF_STATIC inline": static inline,
 * unless the includer defines MBUFF_STATIC first.  libmbuff's ffi.c does,
 * to compile them once more as exported functions of the same names, for
 * bindings that cannot call an inline (ctypes, cffi, other languages).
 * The helpers they use stay static inline.
 */
#ifndef MBUFF_STATIC
#define MBUFF_STATIC static
#endif

/**
 * struct mbuff_ring - one side's view of a ring
 * @ctl: the control page, at the start of the area
 * @data: the data, @mask + 1 bytes
 * @mask: the data size - 1, as mbuff_ring_attach() checked it (the view's
 *	own: @ctl->size is never read again)
 * @doubled: @data is followed by a second mapping of itself (user space,
 *	mbuff_area_ring_attach() with MBUFF_RING_VIEW_DOUBLED); format 2
 *	records never wrap, so nothing needs it any more
 * @prod: the producer's index; the producer's own, kept here (the copy in
 *	the control page is only stored)
 * @cons: the consumer's index; the consumer's own, kept here
 * @prod_seen: the consumer's copy of the producer's index as it last
 *	loaded it: records up to it are known to be there, so a batch costs
 *	one load of the producer's cache line, not one per record
 * @cons_seen: the producer's copy of the consumer's index as it last
 *	loaded it: room up to it is known to be free
 * @rec_flags: the flags of the record mbuff_ring_peek() returned last
 * @pending: bytes this side has taken and not yet published: reserved
 *	and not committed (producer), peeked and not consumed (consumer)
 * @area: the area's first byte, for MBUFF_RING_REC_EXTENT records
 * @area_size: its size
 *
 * Neither side trusts the shared control page or record headers beyond
 * the ring: a producer that writes garbage makes the ring corrupt (-EIO),
 * never makes the consumer read or move outside it; a consumer that
 * writes garbage can make the producer overwrite records or find no room,
 * never make it write outside the ring.  Of @prod and @cons, only this
 * side's own index is used; the other is what it was at attach time.
 */
struct mbuff_ring {
	struct mbuff_ring_ctl *ctl;
	unsigned char *data;
	__u32 mask;
	int doubled;
	__u32 prod;
	__u32 cons;
	__u32 prod_seen;
	__u32 cons_seen;
	__u32 rec_flags;
	/*
	 * Not beside @prod: a compiler that merges the two updates of a
	 * reserve into one 8-byte access would then wait on the 4-byte store
	 * of the commit before, record after record.
	 */
	__u32 pending;
	unsigned char *area;
	__u64 area_size;
};

#define MBUFF_RING_CORRUPT	0xffffffffU	/* *len of a corrupt peek */

static inline __u32 mbuff_ring_round(__u32 len)
{
	return (len + MBUFF_RING_ALIGN - 1) & ~(__u32)(MBUFF_RING_ALIGN - 1);
}

/* Bytes a record of @len payload bytes takes in the ring. */
MBUFF_STATIC inline __u32 mbuff_ring_footprint(__u32 len)
{
	return sizeof(struct mbuff_ring_rec) + mbuff_ring_round(len);
}

/**
 * mbuff_ring_format_size() - set up an empty ring of a given size in an area
 * @area: the area's first byte
 * @area_size: its size
 * @data_size: bytes of data wanted, a power of two of at least
 *	MBUFF_RING_CTL_SIZE; 0 for the largest power of two that fits
 *
 * The data follows the control page; what is left of the area after it
 * is free for the buffers of MBUFF_RING_REC_EXTENT records.  Call once,
 * before either side attaches.
 *
 * Return: the data size, or -EINVAL when the area is too small or
 * @data_size is not a power of two of at least MBUFF_RING_CTL_SIZE.
 */
MBUFF_STATIC inline long mbuff_ring_format_size(void *area, __u64 area_size,
						__u32 data_size)
{
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)area;
	__u64 room, size = MBUFF_RING_CTL_SIZE;

	if (area_size < 2 * MBUFF_RING_CTL_SIZE)
		return -EINVAL;
	room = area_size - MBUFF_RING_CTL_SIZE;
	if (data_size) {
		if ((data_size & (data_size - 1)) ||
		    data_size < MBUFF_RING_CTL_SIZE || data_size > room ||
		    data_size > (1U << 31))
			return -EINVAL;
		size = data_size;
	} else {
		while (size * 2 <= room && size * 2 <= (1ULL << 31))
			size *= 2;
	}
	memset(ctl, 0, sizeof(*ctl));
	ctl->version = MBUFF_RING_VERSION;
	ctl->size = (__u32)size;
	ctl->data_offset = MBUFF_RING_CTL_SIZE;
	/* Publishes the fields above to whoever sees the magic. */
	mbuff_ring_store_release(&ctl->magic, MBUFF_RING_MAGIC);
	return (long)size;
}

/**
 * mbuff_ring_format() - set up an empty ring in an area
 * @area: the area's first byte
 * @area_size: its size
 *
 * The data takes the largest power of two that fits after the control
 * page.  Call once, before either side attaches.
 *
 * Return: the data size, or -EINVAL when the area is too small.
 */
MBUFF_STATIC inline long mbuff_ring_format(void *area, __u64 area_size)
{
	return mbuff_ring_format_size(area, area_size, 0);
}

/**
 * mbuff_ring_attach() - take one side of a ring set up by mbuff_ring_format()
 * @ring: the view to fill
 * @area: the area's first byte
 * @area_size: its size
 *
 * Either side may attach at any time: the view starts from the indices
 * the control page holds now.
 *
 * Return: 0, -EAGAIN when the ring is not set up (yet), -EPROTO when it
 * has another format (MBUFF_RING_VERSION), -EINVAL when the control page
 * does not describe a ring that fits the area or its indices are corrupt.
 */
MBUFF_STATIC inline int mbuff_ring_attach(struct mbuff_ring *ring, void *area,
					  __u64 area_size)
{
	struct mbuff_ring_ctl *ctl = (struct mbuff_ring_ctl *)area;
	__u32 version, size, data_offset, prod, cons;

	/* Pairs with the release of the magic in mbuff_ring_format(). */
	if (mbuff_ring_load_acquire(&ctl->magic) != MBUFF_RING_MAGIC)
		return -EAGAIN;
	/* Each read once: the other side may rewrite them as they are checked. */
	version = mbuff_ring_read_once(&ctl->version);
	size = mbuff_ring_read_once(&ctl->size);
	data_offset = mbuff_ring_read_once(&ctl->data_offset);
	if (version != MBUFF_RING_VERSION)
		return -EPROTO;
	if (!size || (size & (size - 1)) || size < MBUFF_RING_ALIGN ||
	    data_offset != MBUFF_RING_CTL_SIZE ||
	    MBUFF_RING_CTL_SIZE + (__u64)size > area_size)
		return -EINVAL;
	/* Pairs with the other side's release of its index (P1 or C2). */
	prod = mbuff_ring_load_acquire(&ctl->prod);
	cons = mbuff_ring_load_acquire(&ctl->cons);
	if (prod - cons > size || ((prod | cons) & (MBUFF_RING_ALIGN - 1)))
		return -EINVAL;
	ring->ctl = ctl;
	/* The offset it was checked to be, not whatever the page says now. */
	ring->data = (unsigned char *)area + MBUFF_RING_CTL_SIZE;
	ring->mask = size - 1;
	ring->doubled = 0;
	ring->pending = 0;
	ring->prod = prod;
	ring->cons = cons;
	ring->prod_seen = prod;
	ring->cons_seen = cons;
	ring->rec_flags = 0;
	ring->area = (unsigned char *)area;
	ring->area_size = area_size;
	return 0;
}

/* Room for the producer after its own index: none when the consumer's
 * index is not within a ring behind it.
 */
static inline __u32 mbuff_ring_room(const struct mbuff_ring *ring)
{
	/* P2: pairs with the consumer's release of cons (C2). */
	__u32 used = ring->prod - mbuff_ring_load_acquire(&ring->ctl->cons);

	return used > ring->mask + 1 ? 0 : ring->mask + 1 - used;
}

/**
 * mbuff_ring_free_bytes() - room left for the producer
 * @ring: the producer's view
 *
 * Return: bytes that may be reserved now (a record that would run past
 * the end of the data takes the bytes up to the end as well); 0 when the
 * consumer's index is more than a ring behind the producer's, or ahead
 * of it (corrupt).
 */
MBUFF_STATIC inline __u32 mbuff_ring_free_bytes(const struct mbuff_ring *ring)
{
	return mbuff_ring_room(ring);
}

/*
 * The room the producer waits for before its next record of @need bytes
 * (a footprint) can go in: the record, plus the pad up to the end of the
 * data when it would run past it; only the pad when both cannot fit at
 * once (mbuff_ring_reserve() writes the pad first); the whole ring when
 * @need is that large or larger.
 */
static inline __u32 mbuff_ring_want(const struct mbuff_ring *ring, __u32 need)
{
	__u32 size = ring->mask + 1, off = ring->prod & ring->mask;

	if (need >= size)
		return size;
	if (off + need <= size)
		return need;
	return size - off + need <= size ? size - off + need : size - off;
}

/*
 * Room after the producer's index, by the consumer's index as last seen;
 * loaded again (P2: pairs with the consumer's release of cons, C2) only
 * when that is less than @want bytes.  None when the consumer's index is
 * not within a ring behind the producer's.
 */
static inline __u32 mbuff_ring_room_for(struct mbuff_ring *ring, __u32 want)
{
	__u32 size = ring->mask + 1, used = ring->prod - ring->cons_seen;

	if (used <= size && size - used >= want)
		return size - used;
	ring->cons_seen = mbuff_ring_load_acquire(&ring->ctl->cons);
	used = ring->prod - ring->cons_seen;
	return used > size ? 0 : size - used;
}

/* Write a record header at the producer's index (not yet published). */
static inline void mbuff_ring_put_header(struct mbuff_ring *ring, __u32 len,
					 __u32 flags)
{
	struct mbuff_ring_rec *rec = (struct mbuff_ring_rec *)
		(ring->data + (ring->prod & ring->mask));

	rec->len = len;
	rec->flags = flags;
}

/**
 * mbuff_ring_commit() - publish every record reserved (producer)
 * @ring: the producer's view
 *
 * One release store of the producer's index, however many records.
 */
MBUFF_STATIC inline void mbuff_ring_commit(struct mbuff_ring *ring)
{
	if (!ring->pending)
		return;
	/* P1: publishes the records; pairs with the consumer's acquire (C1). */
	mbuff_ring_store_release(&ring->ctl->prod, ring->prod);
	ring->pending = 0;
}

/* mbuff_ring_reserve_flags() when the fast path does not do. */
static inline int mbuff_ring_reserve_slow(struct mbuff_ring *ring, __u32 len,
					  __u32 flags, void **payload)
{
	__u32 size = ring->mask + 1, need = mbuff_ring_footprint(len);
	__u32 off = ring->prod & ring->mask, before = ring->pending, room, pad;

	if (len > size - sizeof(struct mbuff_ring_rec) || need > size)
		return -EMSGSIZE;
	room = mbuff_ring_room_for(ring, mbuff_ring_want(ring, need));
	if (off + need > size) {
		/* Fill the rest of the data with a pad; the record starts at 0. */
		pad = size - off;
		if (room < pad)
			return -EAGAIN;
		mbuff_ring_put_header(ring, pad - sizeof(struct mbuff_ring_rec),
				      MBUFF_RING_REC_PAD);
		ring->prod += pad;
		ring->pending += pad;
		room -= pad;
		off = 0;
	}
	if (need > room) {
		/* A pad alone may go now: no record waits to be filled. */
		if (!before)
			mbuff_ring_commit(ring);
		return -EAGAIN;
	}
	mbuff_ring_put_header(ring, len, flags);
	*payload = ring->data + off + sizeof(struct mbuff_ring_rec);
	ring->prod += need;
	ring->pending += need;
	return 0;
}

/*
 * mbuff_ring_reserve() with the record's flags.  The fast path: the
 * record fits before the end of the data, in the room left by the
 * consumer's index as last seen; no load of shared memory at all.
 */
static inline int mbuff_ring_reserve_flags(struct mbuff_ring *ring, __u32 len,
					   __u32 flags, void **payload)
{
	__u32 size = ring->mask + 1, need = mbuff_ring_footprint(len);
	__u32 off = ring->prod & ring->mask, used = ring->prod - ring->cons_seen;

	if (need <= len || used > size || need > size - used ||
	    need > size - off)
		return mbuff_ring_reserve_slow(ring, len, flags, payload);
	mbuff_ring_put_header(ring, len, flags);
	*payload = ring->data + off + sizeof(struct mbuff_ring_rec);
	ring->prod += need;
	ring->pending += need;
	return 0;
}

/**
 * mbuff_ring_reserve() - take room for a record, to fill in place (producer)
 * @ring: the producer's view
 * @len: the payload's length
 * @payload: where to fill it: @len bytes, 8-byte aligned, in one piece
 *
 * The record is the consumer's once mbuff_ring_commit() publishes it,
 * with every record reserved before it.  Reserve as many as there is room
 * for, fill them in any order, and commit once.  A producer that finds no
 * room commits what it reserved before it waits: the call may have
 * reserved a pad that the consumer must see before there is room (with
 * nothing else reserved, it publishes the pad itself).
 *
 * Return: 0, -EAGAIN when there is no room now, -EMSGSIZE when the
 * record can never fit.
 */
MBUFF_STATIC inline int mbuff_ring_reserve(struct mbuff_ring *ring, __u32 len,
					   void **payload)
{
	return mbuff_ring_reserve_flags(ring, len, 0, payload);
}

/**
 * mbuff_ring_write() - copy one record in and publish it (producer)
 * @ring: the producer's view
 * @buf: the payload
 * @len: its length
 *
 * Commits every record reserved before it as well.
 *
 * Return: 0, -EAGAIN when there is no room now, -EMSGSIZE when the record
 * can never fit.
 */
MBUFF_STATIC inline int mbuff_ring_write(struct mbuff_ring *ring,
					 const void *buf, __u32 len)
{
	void *p;
	int ret = mbuff_ring_reserve(ring, len, &p);

	if (!ret)
		memcpy(p, buf, len);
	/* Also on -EAGAIN: a pad it reserved must reach the consumer. */
	mbuff_ring_commit(ring);
	return ret;
}

/**
 * mbuff_ring_put_extent() - reserve a record handing over area bytes (producer)
 * @ring: the producer's view
 * @offset: where the bytes start, from the area's first byte, past the
 *	ring's data
 * @len: how many
 *
 * For data written into the area by something else, a device or a DMA
 * engine: no byte of it is copied.  Publish with mbuff_ring_commit(); the
 * bytes are the consumer's until it consumes the record.  The producer
 * makes the bytes visible to the CPUs before it commits (after a DMA to
 * the device, mbuff_area_sync() for the CPU, which on arm64 invalidates
 * the caches for every CPU), so the consumer needs no sync of its own.
 * The offset is not required to be aligned: a consumer that reads words
 * wants it 8-byte aligned.
 *
 * Return: 0, -EAGAIN when there is no room now, -EINVAL when the bytes
 * are not past the ring's data and inside the area, -EMSGSIZE when the
 * data is too small to hold an extent record at all (under 24 bytes).
 */
MBUFF_STATIC inline int mbuff_ring_put_extent(struct mbuff_ring *ring,
					      __u64 offset, __u64 len)
{
	struct mbuff_ring_extent *e;
	void *p;
	int ret;

	if (offset < MBUFF_RING_CTL_SIZE + (__u64)ring->mask + 1 ||
	    offset > ring->area_size || len > ring->area_size - offset)
		return -EINVAL;
	ret = mbuff_ring_reserve_flags(ring, sizeof(*e), MBUFF_RING_REC_EXTENT,
				       &p);
	if (ret)
		return ret;
	e = (struct mbuff_ring_extent *)p;
	e->offset = offset;
	e->len = len;
	return 0;
}

/**
 * mbuff_ring_used_bytes() - bytes waiting for the consumer
 * @ring: the consumer's view
 *
 * Return: bytes produced and not yet taken by this consumer (peeked or
 * read); more than the data size when the producer's index is corrupt
 * (mbuff_ring_read() then says -EIO).
 */
MBUFF_STATIC inline __u32 mbuff_ring_used_bytes(const struct mbuff_ring *ring)
{
	/* C1: pairs with the producer's release of prod (P1). */
	return mbuff_ring_load_acquire(&ring->ctl->prod) - ring->cons;
}

/*
 * The next record after the consumer's index, pads skipped: its footprint,
 * 0 when there is none (the producer's index loaded again to be sure:
 * records up to the copy last loaded need no new load), or -EIO when the
 * producer's index or a header is corrupt.  On success *@len and *@flags
 * are the record's length and flags as read here, once each, and the
 * consumer's index has moved past the pads (counted in @ring->pending);
 * the record itself starts at it.
 *
 * Records take whole multiples of MBUFF_RING_ALIGN from index 0, so a
 * byte count off that alignment is corrupt, and a header at an aligned
 * index is never split: each field is one aligned load.  A record must
 * end by the end of the data; a pad must end exactly there, and never
 * start at offset 0 (so at most one is skipped per call).
 */
static inline long mbuff_ring_next(struct mbuff_ring *ring, __u32 *len,
				   __u32 *flags)
{
	const struct mbuff_ring_rec *rec;
	__u32 size = ring->mask + 1, used, off, rlen, rflags, need;
	int loaded = 0;

	used = ring->prod_seen - ring->cons;
	for (;;) {
		if ((!used || used > size) && !loaded) {
			/* C1: pairs with the producer's release of prod (P1). */
			ring->prod_seen = mbuff_ring_load_acquire(&ring->ctl->prod);
			used = ring->prod_seen - ring->cons;
			loaded = 1;
		}
		if (!used)
			return 0;
		if (used > size || (used & (MBUFF_RING_ALIGN - 1)))
			return -EIO;
		off = ring->cons & ring->mask;
		rec = (const struct mbuff_ring_rec *)(ring->data + off);
		rlen = mbuff_ring_read_once(&rec->len);
		rflags = mbuff_ring_read_once(&rec->flags);
		need = mbuff_ring_footprint(rlen);
		if (need > used || need < rlen || need > size - off ||
		    (rflags & ~(MBUFF_RING_REC_PAD | MBUFF_RING_REC_EXTENT)))
			return -EIO;
		if (!(rflags & MBUFF_RING_REC_PAD))
			break;
		if (!off || need != size - off)
			return -EIO;
		ring->cons += need;
		ring->pending += need;
		used -= need;
	}
	*len = rlen;
	*flags = rflags;
	return need;
}

/**
 * mbuff_ring_consume() - free the room of every record peeked (consumer)
 * @ring: the consumer's view
 *
 * Call once the records mbuff_ring_peek() returned are used; one release
 * store of the consumer's index, however many records.
 */
MBUFF_STATIC inline void mbuff_ring_consume(struct mbuff_ring *ring)
{
	if (!ring->pending)
		return;
	/* C2: frees the room; pairs with the producer's acquire (P2). */
	mbuff_ring_store_release(&ring->ctl->cons, ring->cons);
	ring->pending = 0;
}

/**
 * mbuff_ring_peek() - the next record, in place (consumer)
 * @ring: the consumer's view
 * @len: its payload length
 *
 * Each call returns the record after the one before: peek a batch, use
 * the records where they lie, and free them all with one
 * mbuff_ring_consume(), before waiting for more.  The record's flags are in @ring->rec_flags
 * (MBUFF_RING_REC_EXTENT: see mbuff_ring_extent()).
 *
 * The payload stays in shared memory, where the producer can still change
 * it: a consumer that checks it (the kernel, from an untrusted process)
 * copies it out first, or uses mbuff_ring_read().
 *
 * Return: the payload, 8-byte aligned and in one piece, or NULL when
 * there is no record (*@len = 0) or the ring is corrupt (*@len =
 * MBUFF_RING_CORRUPT).
 */
MBUFF_STATIC inline const void *mbuff_ring_peek(struct mbuff_ring *ring,
						__u32 *len)
{
	__u32 rlen, rflags, off, before = ring->pending;
	long need = mbuff_ring_next(ring, &rlen, &rflags);

	*len = need < 0 ? MBUFF_RING_CORRUPT : 0;
	if (need <= 0) {
		/* A pad skipped with nothing else peeked is freed now. */
		if (!before)
			mbuff_ring_consume(ring);
		return NULL;
	}
	off = ring->cons & ring->mask;
	ring->cons += (__u32)need;
	ring->pending += (__u32)need;
	ring->rec_flags = rflags;
	*len = rlen;
	return ring->data + off + sizeof(struct mbuff_ring_rec);
}

/**
 * mbuff_ring_extent() - the area bytes an extent record hands over (consumer)
 * @ring: the consumer's view
 * @payload: a payload mbuff_ring_peek() returned with MBUFF_RING_REC_EXTENT
 *	in @ring->rec_flags
 * @len: its length
 * @bytes: the number of bytes handed over
 *
 * The extent is read once and checked: past the ring's data, inside the
 * area the view was attached to.  The record's flags are those of the
 * last peek: call it for a record before peeking at the next one.
 *
 * Return: the bytes' first, or NULL when the record is not an extent or
 * names bytes outside that room (corrupt).
 */
MBUFF_STATIC inline void *mbuff_ring_extent(const struct mbuff_ring *ring,
					    const void *payload, __u32 len,
					    __u64 *bytes)
{
	const struct mbuff_ring_extent *e =
		(const struct mbuff_ring_extent *)payload;
	__u64 off, n;

	*bytes = 0;
	if (!(ring->rec_flags & MBUFF_RING_REC_EXTENT) || len != sizeof(*e))
		return NULL;
	off = mbuff_ring_read_once(&e->offset);
	n = mbuff_ring_read_once(&e->len);
	if (off < MBUFF_RING_CTL_SIZE + (__u64)ring->mask + 1 ||
	    off > ring->area_size || n > ring->area_size - off)
		return NULL;
	*bytes = n;
	return ring->area + off;
}

/**
 * mbuff_ring_read() - copy the next record out and free it (consumer)
 * @ring: the consumer's view
 * @buf: where to copy the payload
 * @cap: room at @buf
 *
 * Frees every record peeked before it as well.
 *
 * Return: the payload length, -EAGAIN when the ring is empty, -EMSGSIZE
 * when the record is longer than @cap (it stays in the ring), -EIO when
 * the ring is corrupt.
 */
MBUFF_STATIC inline long mbuff_ring_read(struct mbuff_ring *ring, void *buf,
					 __u32 cap)
{
	__u32 rlen, rflags;
	long need = mbuff_ring_next(ring, &rlen, &rflags);

	if (need > 0 && rlen > cap)
		need = -EMSGSIZE;
	if (need > 0) {
		memcpy(buf, ring->data + (ring->cons & ring->mask) +
		       sizeof(struct mbuff_ring_rec), rlen);
		ring->cons += (__u32)need;
		ring->pending += (__u32)need;
		ring->rec_flags = rflags;
	}
	/* Pads skipped are freed whatever came of the record. */
	mbuff_ring_consume(ring);
	if (need < 0)
		return need;
	return need ? (long)rlen : -EAGAIN;
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
MBUFF_STATIC inline int mbuff_ring_consumer_sleep(struct mbuff_ring *ring)
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
MBUFF_STATIC inline int mbuff_ring_wake_consumer(struct mbuff_ring *ring)
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
MBUFF_STATIC inline int mbuff_ring_consumer_woken(const struct mbuff_ring *ring)
{
	return mbuff_ring_used_bytes(ring) ||
	       !mbuff_ring_load_acquire(&ring->ctl->cons_waiting);
}

/**
 * mbuff_ring_producer_sleep() - decide whether the producer may sleep
 * @ring: the producer's view
 * @need: bytes the next record needs (mbuff_ring_footprint()); the data
 *	size or more to wait until the ring is empty
 *
 * The room reckoned includes the pad a record that would run past the end
 * of the data takes.  Commit what was reserved first.
 *
 * Return: true when there is still no room for @need bytes.
 */
MBUFF_STATIC inline int mbuff_ring_producer_sleep(struct mbuff_ring *ring,
						  __u32 need)
{
	__u32 *waiting = &ring->ctl->prod_waiting;

	mbuff_ring_store_release(waiting, 1);
	mbuff_ring_mb();	/* W1: pairs with W2 in mbuff_ring_wake_producer() */
	if (mbuff_ring_free_bytes(ring) >= mbuff_ring_want(ring, need)) {
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
MBUFF_STATIC inline int mbuff_ring_wake_producer(struct mbuff_ring *ring)
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
MBUFF_STATIC inline int mbuff_ring_producer_woken(const struct mbuff_ring *ring,
						  __u32 need)
{
	return mbuff_ring_free_bytes(ring) >= mbuff_ring_want(ring, need) ||
	       !mbuff_ring_load_acquire(&ring->ctl->prod_waiting);
}

#endif /* _MBUFF_RING_H */
