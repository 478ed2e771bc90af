/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mbuff rings: the layout of a single-producer, single-consumer ring of
 * variable-length records inside an mbuff area.  Shared by the kernel and
 * user space, and between 32- and 64-bit programs: fixed-width fields
 * only, indices are 32-bit byte counts that run freely and are compared
 * by difference.
 *
 * An area holding a ring starts with struct mbuff_ring_ctl (one page);
 * the data, a power of two of bytes, follows at @data_offset.  Records
 * are 8-byte aligned: a struct mbuff_ring_rec header, then @len bytes of
 * payload, padded to 8, so both indices are always multiples of 8 (a
 * consumer takes any other value for corruption) and a header is never
 * split.
 *
 * Format 2: a record never runs past the end of the data.  A producer
 * whose next record would run past the end fills the rest of the data
 * with a pad record (MBUFF_RING_REC_PAD, which consumers skip) and starts
 * the record at offset 0, so every record can be filled and read where it lies, in the
 * kernel's single mapping of an area as in user space.  Format 1 let
 * records wrap; a program of either format refuses the other's rings.
 *
 * A record may carry its payload elsewhere in the area: with
 * MBUFF_RING_REC_EXTENT its payload is a struct mbuff_ring_extent naming
 * bytes past the ring's data (written there by a device, say) that the
 * record hands to the consumer.  The area is then the control page, the
 * data, and buffers after them.
 */
#ifndef _UAPI_LINUX_MBUFF_RING_H
#define _UAPI_LINUX_MBUFF_RING_H

#include <linux/types.h>

#define MBUFF_RING_MAGIC	0x4742524dU	/* "MRBG" */
#define MBUFF_RING_VERSION	2
#define MBUFF_RING_CTL_SIZE	4096	/* the data starts at this offset */
#define MBUFF_RING_ALIGN	8
#define MBUFF_RING_LINE		128	/* keeps the two sides apart */

/**
 * struct mbuff_ring_ctl - the control page of a ring
 * @magic: MBUFF_RING_MAGIC once the ring is set up
 * @version: MBUFF_RING_VERSION
 * @size: data bytes, a power of two
 * @data_offset: where the data starts in the area, MBUFF_RING_CTL_SIZE
 * @flags: 0
 * @reserved0: zero
 * @prod: bytes produced so far (modulo 2^32), a multiple of
 *	MBUFF_RING_ALIGN; written by the producer
 * @prod_waiting: the producer sleeps until there is room; written by
 *	the producer, cleared by the consumer when it wakes it
 * @prod_pad: padding to MBUFF_RING_LINE
 * @cons: bytes consumed so far (modulo 2^32), a multiple of
 *	MBUFF_RING_ALIGN; written by the consumer
 * @cons_waiting: the consumer sleeps until there is data; written by
 *	the consumer, cleared by the producer when it wakes it
 * @cons_pad: padding to MBUFF_RING_LINE
 */
struct mbuff_ring_ctl {
	__u32 magic;
	__u32 version;
	__u32 size;
	__u32 data_offset;
	__u32 flags;
	__u32 reserved0[27];
	__u32 prod;
	__u32 prod_waiting;
	__u32 prod_pad[30];
	__u32 cons;
	__u32 cons_waiting;
	__u32 cons_pad[30];
};

/* struct mbuff_ring_rec flags */
#define MBUFF_RING_REC_PAD	(1U << 0)	/* skip: fills the data to its end */
#define MBUFF_RING_REC_EXTENT	(1U << 1)	/* payload: struct mbuff_ring_extent */

/**
 * struct mbuff_ring_rec - the header of a record
 * @len: payload bytes
 * @flags: MBUFF_RING_REC_*; a consumer takes any other bit for corruption
 */
struct mbuff_ring_rec {
	__u32 len;
	__u32 flags;
};

/**
 * struct mbuff_ring_extent - the payload of an MBUFF_RING_REC_EXTENT record
 * @offset: where the bytes start, from the area's first byte; past the
 *	ring's data (at or after MBUFF_RING_CTL_SIZE + the data size)
 * @len: how many bytes, all inside the area
 *
 * The bytes belong to the consumer from the record's publication until it
 * consumes the record; a producer reuses them only after that.
 */
struct mbuff_ring_extent {
	__u64 offset;
	__u64 len;
};

#endif /* _UAPI_LINUX_MBUFF_RING_H */
