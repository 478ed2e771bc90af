// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl pools: the physical pools the module claimed at load time.
 * Their physical addresses are shown to callers with CAP_SYS_RAWIO only.
 */
#include <string.h>

#include "mbuffctl.h"

static void mbuffctl_pools_json(const struct mbuff_pool_info *p, size_t n)
{
	size_t i;

	putchar('[');
	for (i = 0; i < n; i++) {
		printf("%s{\"index\": %u, \"phys_addr\": ", i ? ",\n  " : "\n  ",
		       p[i].index);
		/* 0: hidden from callers without CAP_SYS_RAWIO */
		if (p[i].phys_addr)
			printf("%llu", (unsigned long long)p[i].phys_addr);
		else
			fputs("null", stdout);
		printf(", \"size\": %llu, \"avail\": %llu}",
		       (unsigned long long)p[i].size,
		       (unsigned long long)p[i].avail);
	}
	puts(n ? "\n]" : "]");
}

static void mbuffctl_pools_table(const struct mbuff_pool_info *p, size_t n)
{
	char pool[16], phys[24], size[32], avail[32];
	size_t i;

	printf("%-6s %-18s %8s %8s\n", "POOL", "PHYS", "SIZE", "AVAIL");
	for (i = 0; i < n; i++) {
		snprintf(pool, sizeof(pool), "pool%u", p[i].index);
		if (p[i].phys_addr)
			snprintf(phys, sizeof(phys), "%#llx",
				 (unsigned long long)p[i].phys_addr);
		else
			strcpy(phys, "-");
		printf("%-6s %-18s %8s %8s\n", pool, phys,
		       mbuffctl_size_str(size, sizeof(size), p[i].size),
		       mbuffctl_size_str(avail, sizeof(avail), p[i].avail));
	}
}

int mbuffctl_pools(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuff_pool_info pools[16];
	bool json = false;
	size_t n;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "");
	if (c != MBUFFCTL_GO)
		return c;
	pools[0].sz = sizeof(pools[0]);
	ret = mbuff_pools(pools, ARRAY_SIZE(pools));
	if (ret < 0)
		return mbuffctl_fail(ret, "cannot list pools");
	/* The module has at most 8. */
	n = (size_t)ret < ARRAY_SIZE(pools) ? (size_t)ret : ARRAY_SIZE(pools);
	if (json)
		mbuffctl_pools_json(pools, n);
	else
		mbuffctl_pools_table(pools, n);
	return mbuffctl_flush();
}
