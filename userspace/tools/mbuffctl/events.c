// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl wait, notify and ring: an area's notifications and doorbell.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mbuffctl.h"

/* The options of a subcommand that takes only the common ones. */
static int mbuffctl_plain_opts(const struct mbuffctl_cmd *cmd, int argc,
			       char **argv)
{
	static const struct option opts[] = { MBUFFCTL_COMMON_OPTIONS };
	int c;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0)
		;
	return c;
}

int mbuffctl_wait(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuff_area *area;
	uint64_t timeout;
	int c, ret, ms = -1;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "t:", opts)) >= 0) {
		if (mbuffctl_parse_u64(cmd->name, "timeout", optarg, &timeout))
			return MBUFFCTL_EXIT_USAGE;
		if (timeout > INT_MAX) {
			mbuffctl_usage_error(cmd, "timeout '%s' is too long (at most %d ms)",
					     optarg, INT_MAX);
			return MBUFFCTL_EXIT_USAGE;
		}
		ms = (int)timeout;
	}
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_open(argv[optind], PROT_READ, &area))
		return MBUFFCTL_EXIT_ERROR;
	ret = mbuff_area_wait(area, ms);
	mbuff_area_close(area);
	if (ret == -ETIMEDOUT) {
		mbuffctl_err("no notification of '%s' within %d ms",
			     argv[optind], ms);
		return MBUFFCTL_EXIT_ERROR;
	}
	if (ret < 0)
		return mbuffctl_fail(ret, "cannot wait on '%s'", argv[optind]);
	printf("%d\n", ret);
	return mbuffctl_flush();
}

int mbuffctl_notify(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	struct mbuff_area *area;
	int c, ret;

	c = mbuffctl_plain_opts(cmd, argc, argv);
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_open(argv[optind], PROT_READ | PROT_WRITE, &area))
		return MBUFFCTL_EXIT_ERROR;
	ret = mbuff_area_notify(area);
	mbuff_area_close(area);
	if (ret < 0)
		return mbuffctl_fail(ret, "cannot notify '%s'", argv[optind]);
	return MBUFFCTL_EXIT_OK;
}

/* A signed 32-bit value: decimal, or 0x hex (which may set the sign bit). */
static int mbuffctl_parse_i32(const char *s, int32_t *val)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && v <= UINT32_MAX)
		v = (int32_t)(uint32_t)v;
	if (v < INT32_MIN || v > INT32_MAX)
		return -1;
	*val = (int32_t)v;
	return 0;
}

int mbuffctl_ring(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	struct mbuff_area *area;
	int32_t value;
	int c, ret;

	c = mbuffctl_plain_opts(cmd, argc, argv);
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME VALUE");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_parse_i32(argv[optind + 1], &value)) {
		mbuffctl_usage_error(cmd, "invalid value '%s' (a signed 32-bit number)",
				     argv[optind + 1]);
		return MBUFFCTL_EXIT_USAGE;
	}
	if (mbuffctl_open(argv[optind], PROT_READ | PROT_WRITE, &area))
		return MBUFFCTL_EXIT_ERROR;
	ret = mbuff_area_ring(area, value);
	mbuff_area_close(area);
	if (ret < 0)
		return mbuffctl_fail(ret, "cannot ring '%s'", argv[optind]);
	return MBUFFCTL_EXIT_OK;
}
