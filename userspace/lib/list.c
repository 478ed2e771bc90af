// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuff_list_names(): the names of all areas in a caller's buffer, one
 * after another, as listxattr(2) returns attribute names.  For callers
 * that cannot take mbuff_list()'s malloc()ed array of arrays (ctypes,
 * cffi, other languages' foreign function interfaces).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/**
 * mbuff_list_names() - the names of all areas, NUL-terminated, in a row
 * @buf: where to store them, or NULL with @len 0 to ask how many bytes
 *	they take
 * @len: bytes at @buf
 * @source: where to look (MBUFF_SOURCE_AUTO: as mbuff_list())
 *
 * Return: the bytes the names take, each with its NUL (0 when there is
 * none), -ERANGE when that is more than @len (areas may come between two
 * calls: ask again), or -errno as mbuff_list().
 */
MBUFF_EXPORT ssize_t mbuff_list_names(char *buf, size_t len,
				      unsigned int source)
{
	char (*names)[MBUFF_NAME_SIZE];
	size_t count, i, n, need = 0;
	int ret;

	if (!buf && len)
		return mbuff_fail(EINVAL, "cannot list areas: no buffer");
	ret = mbuff_list(&names, &count, source);
	if (ret < 0)
		return ret;
	for (i = 0; i < count; i++)
		need += strnlen(names[i], MBUFF_NAME_SIZE - 1) + 1;
	if (!len || need > len) {
		free(names);
		if (!len)
			return (ssize_t)need;
		return mbuff_fail(ERANGE,
				  "cannot list areas: %zu bytes of names, room for %zu",
				  need, len);
	}
	for (i = 0, n = 0; i < count; i++) {
		size_t l = strnlen(names[i], MBUFF_NAME_SIZE - 1);

		memcpy(buf + n, names[i], l);
		buf[n + l] = '\0';
		n += l + 1;
	}
	free(names);
	return (ssize_t)need;
}
