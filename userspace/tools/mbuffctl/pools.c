// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl pools: the physical pools the module claimed at load time.
 */
#include <stdlib.h>

#include "mbuffctl.h"

static void mbuffctl_pools_json(const struct mbuff_pool_info *p, size_t n)
{
	size_t i;

	putchar('[');
	for (i = 0; i < n; i++)
		printf("%s{\"index\": %u, \"phys_addr\": %llu, \"size\": %llu, \"avail\": %llu}",
		       i ? ",\n  " : "\n  ", p[i].index,
		       (unsigned long long)p[i].phys_addr,
		       (unsigned long long)p[i].size,
		       (unsigned long long)p[i].avail);
	puts(n ? "\n]" : "]");
}

static void mbuffctl_pools_table(const struct mbuff_pool_info *p, size_t n)
{
	char pool[16], phys[24], size[32], avail[32];
	size_t i;

	printf("%-6s %-18s %8s %8s\n", "POOL", "PHYS", "SIZE", "AVAIL");
	for (i = 0; i < n; i++) {
		snprintf(pool, sizeof(pool), "pool%u", p[i].index);
		snprintf(phys, sizeof(phys), "%#llx",
			 (unsigned long long)p[i].phys_addr);
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
	struct mbuff_pool_info *pools;
	bool json = false;
	size_t n;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "");
	if (c != MBUFFCTL_GO)
		return c;
	ret = mbuff_pools(&pools, &n);
	if (ret)
		return mbuffctl_fail(ret, "cannot list pools");
	if (json)
		mbuffctl_pools_json(pools, n);
	else
		mbuffctl_pools_table(pools, n);
	free(pools);
	return mbuffctl_flush();
}
