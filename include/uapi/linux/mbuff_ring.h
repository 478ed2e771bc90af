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
 * split.  A record's payload may run past the end of the data into its
 * start (copy helpers split it; a user-space view that maps the data
 * twice, back to back, sees it in one piece).
 */
#ifndef _UAPI_LINUX_MBUFF_RING_H
#define _UAPI_LINUX_MBUFF_RING_H

#include <linux/types.h>

#define MBUFF_RING_MAGIC	0x4742524dU	/* "MRBG" */
#define MBUFF_RING_VERSION	1
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

/**
 * struct mbuff_ring_rec - the header of a record
 * @len: payload bytes
 * @flags: 0
 */
struct mbuff_ring_rec {
	__u32 len;
	__u32 flags;
};

#endif /* _UAPI_LINUX_MBUFF_RING_H */
