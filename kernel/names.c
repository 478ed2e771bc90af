// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of backends and memory types, from the one table that the
 * module and user space share (include/mbuff/vocab.h): what sysfs, the
 * uevents and the log print, and what the module parameters and the
 * device tree accept.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>

#include <mbuff/vocab.h>

#include "internal.h"

/**
 * mbuff_backend_name() - the canonical name of a backend
 * @backend: MBUFF_BACKEND_*
 *
 * Return: "vmalloc", "contiguous", "cma", "dmabuf" or "any".
 */
const char *mbuff_backend_name(unsigned int backend)
{
	return mbuff_backend_word(backend) ?: "unknown";
}

/**
 * mbuff_memtype_name() - the canonical name of a memory type
 * @memtype: MBUFF_MEM_*
 *
 * Return: "cached", "write-combined" or "uncached".
 */
const char *mbuff_memtype_name(unsigned int memtype)
{
	return mbuff_memtype_word(memtype) ?: "unknown";
}

/**
 * mbuff_backend_from_name() - a backend from its name or an alias
 * @name: NUL-terminated, e.g. "contiguous" or "contig"
 * @allowed: BIT(MBUFF_BACKEND_*) of each backend the caller takes
 *
 * Return: MBUFF_BACKEND_*, or -EINVAL for a name that is not one of
 * @allowed.
 */
int mbuff_backend_from_name(const char *name, unsigned int allowed)
{
	int backend = mbuff_backend_parse(name);

	if (backend < 0 || !(allowed & BIT(backend)))
		return -EINVAL;
	return backend;
}

/**
 * mbuff_memtype_from_name() - a memory type from its name or an alias
 * @name: NUL-terminated, e.g. "write-combined" or "wc"
 *
 * Return: MBUFF_MEM_*, or -EINVAL.
 */
int mbuff_memtype_from_name(const char *name)
{
	int memtype = mbuff_memtype_parse(name);

	return memtype < 0 ? -EINVAL : memtype;
}
