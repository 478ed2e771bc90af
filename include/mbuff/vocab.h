/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The names of backends and memory types, shared unchanged by the module
 * (sysfs, uevents, module parameters, device-tree properties) and user
 * space (mbuffctl, the test modules): one canonical name per value, the
 * only one ever printed, and a few aliases accepted on input.
 */
#ifndef _MBUFF_VOCAB_H
#define _MBUFF_VOCAB_H

#include <mbuff/mbuff.h>
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

/**
 * struct mbuff_word - a name and the value it stands for
 * @name: lower case, as printed or typed
 * @value: MBUFF_BACKEND_* or MBUFF_MEM_*
 */
struct mbuff_word {
	const char *name;
	__u32 value;
};

/*
 * Canonical names first, one per value, then the aliases.  "any" is a
 * request (the pools, else vmalloc), never an area's backend.
 */
#define MBUFF_BACKEND_WORDS {				\
	{ "vmalloc", MBUFF_BACKEND_VMALLOC },		\
	{ "contiguous", MBUFF_BACKEND_CONTIG },		\
	{ "cma", MBUFF_BACKEND_CMA },			\
	{ "dmabuf", MBUFF_BACKEND_DMABUF },		\
	{ "any", MBUFF_BACKEND_ANY },			\
	{ "contig", MBUFF_BACKEND_CONTIG },		\
	{ "dma-buf", MBUFF_BACKEND_DMABUF },		\
	{ NULL, 0 }					\
}

#define MBUFF_MEMTYPE_WORDS {				\
	{ "cached", MBUFF_MEM_CACHED },			\
	{ "write-combined", MBUFF_MEM_WC },		\
	{ "uncached", MBUFF_MEM_UNCACHED },		\
	{ "wb", MBUFF_MEM_CACHED },			\
	{ "write-back", MBUFF_MEM_CACHED },		\
	{ "wc", MBUFF_MEM_WC },				\
	{ "write-combining", MBUFF_MEM_WC },		\
	{ "uc", MBUFF_MEM_UNCACHED },			\
	{ "nocache", MBUFF_MEM_UNCACHED },		\
	{ NULL, 0 }					\
}

/**
 * mbuff_word_name() - the canonical name of a value
 * @words: a table as above, ending with a NULL name
 * @value: the value
 *
 * Return: the name, or NULL for a value the table does not know.
 */
static inline const char *mbuff_word_name(const struct mbuff_word *words,
					  __u32 value)
{
	for (; words->name; words++)
		if (words->value == value)
			return words->name;
	return (const char *)0;
}

/**
 * mbuff_word_value() - the value of a name or an alias
 * @words: a table as above, ending with a NULL name
 * @name: NUL-terminated; compared exactly (lower case)
 *
 * Return: the value (0 or more), or -1 for a name the table does not know.
 */
static inline int mbuff_word_value(const struct mbuff_word *words,
				   const char *name)
{
	for (; words->name; words++)
		if (!strcmp(words->name, name))
			return (int)words->value;
	return -1;
}

/**
 * mbuff_backend_word() - the canonical name of a backend
 * @backend: MBUFF_BACKEND_*
 *
 * Return: "vmalloc", "contiguous", "cma", "dmabuf" or "any"; NULL for a
 * value that is none of them.
 */
static inline const char *mbuff_backend_word(__u32 backend)
{
	static const struct mbuff_word words[] = MBUFF_BACKEND_WORDS;

	return mbuff_word_name(words, backend);
}

/**
 * mbuff_memtype_word() - the canonical name of a memory type
 * @memtype: MBUFF_MEM_*
 *
 * Return: "cached", "write-combined" or "uncached"; NULL for a value that
 * is none of them.
 */
static inline const char *mbuff_memtype_word(__u32 memtype)
{
	static const struct mbuff_word words[] = MBUFF_MEMTYPE_WORDS;

	return mbuff_word_name(words, memtype);
}

/**
 * mbuff_backend_parse() - a backend from its name or an alias
 * @name: e.g. "contiguous" or "contig"
 *
 * Return: MBUFF_BACKEND_* (MBUFF_BACKEND_ANY for "any"), or -1.
 */
static inline int mbuff_backend_parse(const char *name)
{
	static const struct mbuff_word words[] = MBUFF_BACKEND_WORDS;

	return mbuff_word_value(words, name);
}

/**
 * mbuff_memtype_parse() - a memory type from its name or an alias
 * @name: e.g. "write-combined" or "wc"
 *
 * Return: MBUFF_MEM_*, or -1.
 */
static inline int mbuff_memtype_parse(const char *name)
{
	static const struct mbuff_word words[] = MBUFF_MEMTYPE_WORDS;

	return mbuff_word_value(words, name);
}

#endif /* _MBUFF_VOCAB_H */
