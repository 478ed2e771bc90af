// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl dump and fill: an area's bytes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mbuffctl.h"

/* --offset and --length, as both subcommands take them. */
struct mbuffctl_span {
	uint64_t offset;
	uint64_t length;
	bool has_length;
};

static int mbuffctl_span_opt(const struct mbuffctl_cmd *cmd, int c,
			     struct mbuffctl_span *span)
{
	if (c == 'o')
		return mbuffctl_parse_u64(cmd->name, "offset", optarg,
					  &span->offset);
	span->has_length = true;
	return mbuffctl_parse_u64(cmd->name, "length", optarg, &span->length);
}

/* Check the span against the area's size; without --length, to its end. */
static int mbuffctl_span_check(const char *verb, const char *name,
			       size_t size, struct mbuffctl_span *span)
{
	if (span->offset > size) {
		mbuffctl_err("cannot %s '%s': offset %llu is beyond its %zu bytes",
			     verb, name, (unsigned long long)span->offset, size);
		return -1;
	}
	if (!span->has_length) {
		span->length = size - span->offset;
	} else if (span->length > size - span->offset) {
		mbuffctl_err("cannot %s '%s': %llu bytes at offset %llu go beyond its %zu bytes",
			     verb, name, (unsigned long long)span->length,
			     (unsigned long long)span->offset, size);
		return -1;
	}
	return 0;
}

int mbuffctl_dump(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "raw", no_argument, NULL, 'r' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuffctl_span span = { 0 };
	struct mbuff_area *area;
	const unsigned char *p;
	bool raw = false;
	int c;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "o:l:r", opts)) >= 0) {
		if (c == 'r')
			raw = true;
		else if (mbuffctl_span_opt(cmd, c, &span))
			return MBUFFCTL_EXIT_USAGE;
	}
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_open(argv[optind], PROT_READ, &area))
		return MBUFFCTL_EXIT_ERROR;
	if (mbuffctl_span_check("dump", argv[optind], mbuff_area_size(area),
				&span)) {
		mbuff_area_close(area);
		return MBUFFCTL_EXIT_ERROR;
	}
	p = (const unsigned char *)mbuff_area_addr(area) + span.offset;
	if (raw)
		fwrite(p, 1, span.length, stdout);
	else
		mbuffctl_hexdump(stdout, p, span.length, span.offset);
	c = mbuffctl_flush();
	mbuff_area_close(area);
	return c;
}

/* Copy standard input to @p, at most @len bytes. */
static int mbuffctl_read_stdin(const char *name, unsigned char *p,
			       uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		size_t chunk = len - done > (1 << 20) ? 1 << 20 :
			       (size_t)(len - done);
		ssize_t n = read(STDIN_FILENO, p + done, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mbuffctl_fail_errno(-errno,
						   "cannot fill '%s': reading standard input",
						   name);
		if (!n)
			break;
		done += (uint64_t)n;
	}
	return MBUFFCTL_EXIT_OK;
}

int mbuffctl_fill(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pattern", required_argument, NULL, 'p' },
		{ "stdin", no_argument, NULL, MBUFFCTL_OPT_STDIN },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuffctl_span span = { 0 };
	bool from_stdin = false, has_pattern = false;
	struct mbuff_area *area;
	uint64_t pattern = 0;
	unsigned char *p;
	int c;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "p:o:l:", opts)) >= 0) {
		if (c == MBUFFCTL_OPT_STDIN) {
			from_stdin = true;
		} else if (c == 'p') {
			has_pattern = true;
			if (mbuffctl_parse_u64(cmd->name, "byte", optarg,
					       &pattern))
				return MBUFFCTL_EXIT_USAGE;
			if (pattern > 0xff) {
				mbuffctl_usage_error(cmd, "invalid byte '%s' (0 to 255)",
						     optarg);
				return MBUFFCTL_EXIT_USAGE;
			}
		} else if (mbuffctl_span_opt(cmd, c, &span)) {
			return MBUFFCTL_EXIT_USAGE;
		}
	}
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (from_stdin && has_pattern) {
		mbuffctl_usage_error(cmd, "give one of --pattern and --stdin");
		return MBUFFCTL_EXIT_USAGE;
	}
	if (mbuffctl_open(argv[optind], PROT_READ | PROT_WRITE, &area))
		return MBUFFCTL_EXIT_ERROR;
	if (mbuffctl_span_check("fill", argv[optind], mbuff_area_size(area),
				&span)) {
		mbuff_area_close(area);
		return MBUFFCTL_EXIT_ERROR;
	}
	p = (unsigned char *)mbuff_area_addr(area) + span.offset;
	c = MBUFFCTL_EXIT_OK;
	if (from_stdin)
		c = mbuffctl_read_stdin(argv[optind], p, span.length);
	else
		memset(p, (int)pattern, span.length);
	mbuff_area_close(area);
	return c;
}
