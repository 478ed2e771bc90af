/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Parser for physical range lists such as "64M@256M,16M@0x30000000",
 * shared unchanged by the module (its pools= parameter) and user space
 * (the devmem backend and mbuffctl).  Numbers are decimal, or hexadecimal
 * with 0x, with an optional binary suffix K, M, G or T.
 */
#ifndef _MBUFF_SPEC_H
#define _MBUFF_SPEC_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

/**
 * struct mbuff_range - a physical range
 * @size: length in bytes
 * @phys: first physical address
 */
struct mbuff_range {
	__u64 size;
	__u64 phys;
};

static inline int mbuff_spec_digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/**
 * mbuff_spec_number() - parse one number with an optional K/M/G/T suffix
 * @sp: cursor, advanced past the number on success
 * @val: result
 *
 * Return: 0, -EINVAL if no number starts at *@sp, -ERANGE on overflow.
 */
static inline int mbuff_spec_number(const char **sp, __u64 *val)
{
	const char *s = *sp;
	unsigned int base = 10, shift = 0;
	/*
	 * v * base + d overflows past lim, or at lim past rem; constants,
	 * so that no 64-bit division is left for a 32-bit kernel.
	 */
	__u64 lim = ~(__u64)0 / 10, v = 0;
	int d, n = 0, rem = 5;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		lim = ~(__u64)0 >> 4;
		rem = 15;
		s += 2;
	}
	while ((d = mbuff_spec_digit(*s, base)) >= 0) {
		if (v > lim || (v == lim && d > rem))
			return -ERANGE;
		v = v * base + (__u64)d;
		s++;
		n++;
	}
	if (!n)
		return -EINVAL;
	switch (*s) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	}
	if (shift) {
		if (v > (~(__u64)0 >> shift))
			return -ERANGE;
		v <<= shift;
		s++;
	}
	*sp = s;
	*val = v;
	return 0;
}

/**
 * mbuff_spec_next() - parse the next SIZE@PHYS of a comma-separated list
 * @sp: cursor, advanced past the range and its comma on success
 * @r: the range read
 *
 * A range must have a non-zero size and must not wrap past the end of the
 * 64-bit physical address space.
 *
 * Return: 1 when a range was read, 0 at the end of the list, -EINVAL on a
 * syntax error or zero size, -ERANGE when a number or the range overflows.
 */
static inline int mbuff_spec_next(const char **sp, struct mbuff_range *r)
{
	const char *s = *sp;
	int ret;

	if (!*s)
		return 0;
	ret = mbuff_spec_number(&s, &r->size);
	if (ret)
		return ret;
	if (*s++ != '@')
		return -EINVAL;
	ret = mbuff_spec_number(&s, &r->phys);
	if (ret)
		return ret;
	if (*s == ',' && s[1])
		s++;
	else if (*s)
		return -EINVAL;
	if (!r->size)
		return -EINVAL;
	if (r->phys + r->size - 1 < r->phys)
		return -ERANGE;
	*sp = s;
	return 1;
}

#endif /* _MBUFF_SPEC_H */
