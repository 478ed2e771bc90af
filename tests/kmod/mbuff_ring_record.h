/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The records the ring test streams carry, shared by the test modules
 * (mbuff_ring_producer.c, mbuff_ring_consumer.c) and the guest program
 * tests/guest/ring_stream.c: fixed-width types only, no library calls, so
 * the same code fills and checks records in the kernel and in user space.
 *
 * A record's payload starts with struct mbuff_ring_record; the rest is a
 * pattern drawn from the sequence number, 64-bit words then single bytes.
 * The checksum covers the sequence number, the length and every byte
 * after the header: a lost, repeated, torn or stale record shows as a
 * sequence or checksum mismatch.  Payloads are 8-byte aligned in the
 * ring and in the buffers used here.
 */
#ifndef _MBUFF_RING_RECORD_H
#define _MBUFF_RING_RECORD_H

#include <linux/types.h>

/**
 * struct mbuff_ring_record - the start of each test record's payload
 * @seq: 0 for the first record of a stream, then one more each
 * @len: payload bytes, this header included
 * @sum: mbuff_ring_record_sum() of the payload
 */
struct mbuff_ring_record {
	__u64 seq;
	__u32 len;
	__u32 sum;
};

#define MBUFF_RING_RECORD_MIN	((__u32)sizeof(struct mbuff_ring_record))

/* What mbuff_ring_record_check() found. */
#define MBUFF_RING_RECORD_OK	0
#define MBUFF_RING_RECORD_SHORT	1	/* shorter than the header */
#define MBUFF_RING_RECORD_LEN	2	/* header and ring disagree on length */
#define MBUFF_RING_RECORD_SEQ	3	/* not the sequence number expected */
#define MBUFF_RING_RECORD_SUM	4	/* checksum mismatch */

/* 64-bit FNV-1a, a word at a time: cheap, and every bit counts. */
#define MBUFF_RING_RECORD_BASIS	0xcbf29ce484222325ULL
#define MBUFF_RING_RECORD_PRIME	0x100000001b3ULL

static inline __u64 mbuff_ring_record_mix(__u64 h, __u64 v)
{
	return (h ^ v) * MBUFF_RING_RECORD_PRIME;
}

static inline __u32 mbuff_ring_record_fold(__u64 h)
{
	return (__u32)(h ^ (h >> 32));
}

/**
 * mbuff_ring_record_sum() - the checksum of a record's payload
 * @payload: the record, 8-byte aligned
 * @len: its length, at least MBUFF_RING_RECORD_MIN
 *
 * Return: the checksum; the header's @sum field is not part of it.
 */
static inline __u32 mbuff_ring_record_sum(const void *payload, __u32 len)
{
	const struct mbuff_ring_record *r =
		(const struct mbuff_ring_record *)payload;
	const __u64 *w = (const __u64 *)(r + 1);
	const unsigned char *b;
	__u32 i, words = (len - MBUFF_RING_RECORD_MIN) / 8;
	__u64 h = MBUFF_RING_RECORD_BASIS;

	h = mbuff_ring_record_mix(h, r->seq);
	h = mbuff_ring_record_mix(h, r->len);
	for (i = 0; i < words; i++)
		h = mbuff_ring_record_mix(h, w[i]);
	b = (const unsigned char *)(w + words);
	for (i = MBUFF_RING_RECORD_MIN + words * 8; i < len; i++)
		h = mbuff_ring_record_mix(h, *b++);
	return mbuff_ring_record_fold(h);
}

/**
 * mbuff_ring_record_fill() - write record @seq of @len bytes
 * @payload: where, 8-byte aligned
 * @len: payload bytes, at least MBUFF_RING_RECORD_MIN
 * @seq: its sequence number
 *
 * Writes the pattern and the header, checksum included, in one pass.
 */
static inline void mbuff_ring_record_fill(void *payload, __u32 len, __u64 seq)
{
	struct mbuff_ring_record *r = (struct mbuff_ring_record *)payload;
	__u64 *w = (__u64 *)(r + 1);
	__u32 i, words = (len - MBUFF_RING_RECORD_MIN) / 8;
	__u64 v = seq << 32, h = MBUFF_RING_RECORD_BASIS;
	unsigned char *b;

	r->seq = seq;
	r->len = len;
	h = mbuff_ring_record_mix(h, seq);
	h = mbuff_ring_record_mix(h, len);
	for (i = 0; i < words; i++) {
		w[i] = v + i;
		h = mbuff_ring_record_mix(h, v + i);
	}
	b = (unsigned char *)(w + words);
	for (i = MBUFF_RING_RECORD_MIN + words * 8; i < len; i++) {
		*b = (unsigned char)(seq + i);
		h = mbuff_ring_record_mix(h, *b++);
	}
	r->sum = mbuff_ring_record_fold(h);
}

/**
 * mbuff_ring_record_check() - check a record received
 * @payload: the record, 8-byte aligned
 * @len: its length as the ring gave it
 * @seq: the sequence number expected
 *
 * Return: MBUFF_RING_RECORD_OK, or the first problem found.
 */
static inline int mbuff_ring_record_check(const void *payload, __u32 len,
					  __u64 seq)
{
	const struct mbuff_ring_record *r =
		(const struct mbuff_ring_record *)payload;

	if (len < MBUFF_RING_RECORD_MIN)
		return MBUFF_RING_RECORD_SHORT;
	if (r->len != len)
		return MBUFF_RING_RECORD_LEN;
	if (r->seq != seq)
		return MBUFF_RING_RECORD_SEQ;
	if (r->sum != mbuff_ring_record_sum(payload, len))
		return MBUFF_RING_RECORD_SUM;
	return MBUFF_RING_RECORD_OK;
}

#endif /* _MBUFF_RING_RECORD_H */
