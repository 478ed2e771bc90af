/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Look up a resource in /proc/iomem by name, with the name of the resource
 * it is nested in.  Root sees real addresses; others see zeros.
 */
#ifndef MBUFF_IOMEM_H
#define MBUFF_IOMEM_H

#include <stdio.h>
#include <string.h>

struct iomem_entry {
	unsigned long long start, end;
	char parent[64];
};

/* Return 1 and fill @e when a resource called @name exists, else 0. */
static inline int iomem_find(const char *name, struct iomem_entry *e)
{
	char line[256], parents[8][64] = { "" };
	FILE *f = fopen("/proc/iomem", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long s, t;
		int depth = (int)(strspn(line, " ") / 2), off = 0;
		char *n;

		if (sscanf(line, " %llx-%llx : %n", &s, &t, &off) < 2 || !off)
			continue;
		n = line + off;
		n[strcspn(n, "\n")] = '\0';
		if (depth > 7)
			continue;
		snprintf(parents[depth], sizeof(parents[depth]), "%s", n);
		if (strcmp(n, name))
			continue;
		e->start = s;
		e->end = t;
		snprintf(e->parent, sizeof(e->parent), "%s",
			 depth ? parents[depth - 1] : "");
		found = 1;
	}
	fclose(f);
	return found;
}

#endif /* MBUFF_IOMEM_H */
