// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names and the MBUFF_DEVMEM list: "name=SIZE@PHYS[,name=SIZE@PHYS...]".
 */
#include <stdlib.h>
#include <string.h>

#include <mbuff/name.h>
#include <mbuff/spec.h>

#include "internal.h"

/**
 * mbuff_name_check() - is this a valid area name?
 * @name: 1 to 32 printable ASCII bytes without '/' or space, not "." or ".."
 *
 * Return: 0 or -EINVAL.
 */
MBUFF_EXPORT int mbuff_name_check(const char *name)
{
	if (!name)
		return mbuff_fail(EINVAL, "no area name");
	if (!mbuff_name_valid(name))
		return mbuff_fail(EINVAL,
				  "invalid area name '%.40s' (use 1 to %d printable ASCII characters without '/' or space, not '.' or '..')",
				  name, MBUFF_NAME_LEN);
	return 0;
}

/*
 * Look @name up in an MBUFF_DEVMEM list: 0 and the range when found,
 * -ENOENT when not listed (no message), -EINVAL or -ERANGE with the
 * reason recorded when the list is malformed.
 */
int mbuff_devmem_find(const char *s, const char *name, uint64_t *size,
		      uint64_t *phys)
{
	int found = 0;

	while (s && *s) {
		const char *eq = strchr(s, '=');
		char entry[MBUFF_NAME_LEN + 1];
		size_t len = eq ? (size_t)(eq - s) : 0;
		struct mbuff_range r;
		const char *p;
		int ret;

		if (!eq || !len || len > MBUFF_NAME_LEN || memchr(s, ',', len))
			return mbuff_fail(EINVAL, "MBUFF_DEVMEM: expected name=SIZE@PHYS at '%s'", s);
		memcpy(entry, s, len);
		entry[len] = '\0';
		if (!mbuff_name_valid(entry))
			return mbuff_fail(EINVAL, "MBUFF_DEVMEM: invalid name '%s'", entry);
		p = eq + 1;
		ret = mbuff_spec_number(&p, &r.size);
		if (!ret && *p++ != '@')
			ret = -EINVAL;
		if (!ret)
			ret = mbuff_spec_number(&p, &r.phys);
		if (!ret && *p && *p != ',')
			ret = -EINVAL;
		if (!ret && (!r.size || r.phys + r.size - 1 < r.phys))
			ret = -ERANGE;
		if (ret)
			return mbuff_fail(-ret == ERANGE ? ERANGE : EINVAL,
					  "MBUFF_DEVMEM: bad range for '%s' at '%s'",
					  entry, eq + 1);
		if (!found && !strcmp(entry, name)) {
			*size = r.size;
			*phys = r.phys;
			found = 1;
		}
		s = *p == ',' ? p + 1 : p;
		if (*p == ',' && !*s)
			return mbuff_fail(EINVAL, "MBUFF_DEVMEM: trailing ','");
	}
	return found ? 0 : -ENOENT;
}

/**
 * mbuff_devmem_lookup() - find an area in an MBUFF_DEVMEM list
 * @spec: the list, or NULL for the MBUFF_DEVMEM environment variable
 * @name: the area's name
 * @size: its size, when found
 * @phys: its physical base, when found
 *
 * Return: 0 when found, -ENOENT when not listed (or no list), -EINVAL when
 * the list is malformed (the message says where).
 */
MBUFF_EXPORT int mbuff_devmem_lookup(const char *spec, const char *name,
				     uint64_t *size, uint64_t *phys)
{
	const char *s = spec ? spec : getenv("MBUFF_DEVMEM");
	int ret = mbuff_devmem_find(s, name, size, phys);

	if (ret == -ENOENT)
		return mbuff_fail(ENOENT, "'%s' is not in %s", name,
				  spec ? "the list" : "MBUFF_DEVMEM");
	return mbuff_ret(ret);
}
