/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The area name rule, shared unchanged by the module and user space:
 * 1 to MBUFF_NAME_LEN bytes of printable ASCII, without '/' or space;
 * "." and ".." are refused too, since every area is a sysfs directory.
 */
#ifndef _MBUFF_NAME_H
#define _MBUFF_NAME_H

#include <mbuff/mbuff.h>

/**
 * mbuff_name_valid() - check an area name
 * @name: NUL-terminated string
 *
 * Return: the name's length if it is valid, 0 otherwise.
 */
static inline unsigned int mbuff_name_valid(const char *name)
{
	unsigned int n;

	for (n = 0; n <= MBUFF_NAME_LEN && name[n]; n++) {
		unsigned char c = (unsigned char)name[n];

		if (c <= ' ' || c > '~' || c == '/')
			return 0;
	}
	if (n > MBUFF_NAME_LEN)
		return 0;
	if (name[0] == '.' && (n == 1 || (n == 2 && name[1] == '.')))
		return 0;
	return n;
}

/**
 * mbuff_name_valid_in() - check a name held in a fixed-size field
 * @name: the field, which must hold a NUL within @size bytes
 * @size: field size in bytes
 *
 * Return: the name's length if it is valid, 0 otherwise.
 */
static inline unsigned int mbuff_name_valid_in(const char *name,
					       unsigned int size)
{
	unsigned int n;

	for (n = 0; n < size; n++)
		if (!name[n])
			return mbuff_name_valid(name);
	return 0;
}

#endif /* _MBUFF_NAME_H */
