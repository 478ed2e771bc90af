// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl: parsing a subcommand's options and arguments, with the usage
 * errors (exit status 2) they can give.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mbuff/spec.h>

#include "mbuffctl.h"

void mbuffctl_cmd_help(const struct mbuffctl_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: mbuffctl %s %s\n\n", cmd->name, cmd->args);
	fprintf(f, "%c%s.\n\n", toupper((unsigned char)cmd->summary[0]),
		cmd->summary + 1);
	if (cmd->note)
		fprintf(f, "%s\n\n", cmd->note);
	fprintf(f, "Options:\n%s", cmd->help);
	fputs("      --source=SOURCE   auto, module, devmem or process\n"
	      "  -h, --help            show this help\n", f);
}

void mbuffctl_usage_error(const struct mbuffctl_cmd *cmd, const char *fmt,
			  ...)
{
	va_list ap;

	fprintf(stderr, "mbuffctl: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mbuffctl %s --help'.\n", cmd->name);
}

int mbuffctl_parse_source(const char *s, unsigned int *source)
{
	static const char *const names[] = {
		[MBUFF_SOURCE_AUTO] = "auto",
		[MBUFF_SOURCE_MODULE] = "module",
		[MBUFF_SOURCE_DEVMEM] = "devmem",
		[MBUFF_SOURCE_PROCESS] = "process",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*source = i;
			return 0;
		}
	}
	return -1;
}

/*
 * The name of the option that getopt refused, as the user wrote it.  A long
 * option given a value it does not take comes back with optopt set to the
 * option's value, like an unknown short option: tell them apart by the
 * long option the last argument names.
 */
static void mbuffctl_bad_option(const struct mbuffctl_cmd *cmd, char **argv,
				const struct option *longopts)
{
	const char *arg = argv[optind - 1];
	size_t len;

	if (strncmp(arg, "--", 2) || !optopt) {
		if (optopt)
			mbuffctl_usage_error(cmd, "unrecognized option '-%c'",
					     optopt);
		else
			mbuffctl_usage_error(cmd, "unrecognized option '%s'",
					     arg);
		return;
	}
	len = strcspn(arg + 2, "=");
	for (; longopts->name; longopts++) {
		if (longopts->val == optopt &&
		    !strncmp(longopts->name, arg + 2, len)) {
			mbuffctl_usage_error(cmd, "option '--%s' takes no value",
					     longopts->name);
			return;
		}
	}
	mbuffctl_usage_error(cmd, "unrecognized option '-%c'", optopt);
}

/**
 * mbuffctl_getopt() - the next option of a subcommand
 * @cmd: the subcommand
 * @argc: its argument count
 * @argv: its arguments, argv[0] being its name
 * @shortopts: its short options, without "h"
 * @longopts: its long options, ending with MBUFFCTL_COMMON_OPTIONS
 *
 * Handles --help and --source itself, and prints usage errors.
 *
 * Return: the option's value, MBUFFCTL_GETOPT_END after the last one,
 * MBUFFCTL_GETOPT_HELP or MBUFFCTL_GETOPT_USAGE.
 */
int mbuffctl_getopt(const struct mbuffctl_cmd *cmd, int argc, char **argv,
		    const char *shortopts, const struct option *longopts)
{
	char opts[32];
	int c;

	/* ':' first: a missing value is reported as such. */
	snprintf(opts, sizeof(opts), ":h%s", shortopts);
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, opts, longopts, NULL);
		switch (c) {
		case 'h':
			mbuffctl_cmd_help(cmd, stdout);
			return MBUFFCTL_GETOPT_HELP;
		case MBUFFCTL_OPT_SOURCE:
			if (!mbuffctl_parse_source(optarg, &mbuffctl_source))
				continue;
			mbuffctl_usage_error(cmd, "invalid source '%s' (use auto, module, devmem or process)",
					     optarg);
			return MBUFFCTL_GETOPT_USAGE;
		case ':':
			mbuffctl_usage_error(cmd, "option '%s' needs a value",
					     argv[optind - 1]);
			return MBUFFCTL_GETOPT_USAGE;
		case '?':
			mbuffctl_bad_option(cmd, argv, longopts);
			return MBUFFCTL_GETOPT_USAGE;
		default:
			return c;
		}
	}
}

/**
 * mbuffctl_args() - check and point at a subcommand's operands
 * @cmd: the subcommand
 * @argc: its argument count
 * @argv: its arguments, options done
 * @names: the operands it needs, separated by spaces ("NAME SIZE"), or ""
 *
 * Return: 0 when there are exactly as many as @names says, else -1 with
 * a usage error printed.  The operands start at argv[optind].
 */
int mbuffctl_args(const struct mbuffctl_cmd *cmd, int argc, char **argv,
		  const char *names)
{
	int have = argc - optind, want = 0, i;
	const char *p = names;

	while (*p) {
		want++;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	if (have > want) {
		mbuffctl_usage_error(cmd, "unexpected argument '%s'",
				     argv[optind + want]);
		return -1;
	}
	if (have < want) {
		p = names;
		for (i = 0; i < have; i++) {
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		mbuffctl_usage_error(cmd, "missing %.*s", (int)strcspn(p, " "),
				     p);
		return -1;
	}
	return 0;
}

/**
 * mbuffctl_parse_u64() - parse a number: decimal or 0x hex, optional K, M,
 * G or T suffix (powers of 1024)
 * @cmd: the subcommand, for the message
 * @what: what the number is, for the message
 * @s: the text
 * @val: the number
 *
 * Return: 0, or -1 with a usage error printed.
 */
int mbuffctl_parse_u64(const char *cmd, const char *what, const char *s,
		       uint64_t *val)
{
	const char *p = s;
	__u64 v;
	int ret = mbuff_spec_number(&p, &v);

	if (!ret && *p)
		ret = -EINVAL;
	if (ret) {
		fprintf(stderr, "mbuffctl: %s: invalid %s '%s'%s\n", cmd, what, s,
			ret == -ERANGE ? " (too large)" : "");
		fprintf(stderr, "Try 'mbuffctl %s --help'.\n", cmd);
		return -1;
	}
	*val = v;
	return 0;
}

/**
 * mbuffctl_check_name() - refuse an invalid area name as a usage error
 * @cmd: the subcommand
 * @name: the name
 *
 * Return: 0, or -1 with the library's reason printed.
 */
int mbuffctl_check_name(const struct mbuffctl_cmd *cmd, const char *name)
{
	/* Its only failure is -EINVAL: what a name must be is known here. */
	if (!mbuff_name_check(name))
		return 0;
	mbuffctl_usage_error(cmd, "invalid area name '%.40s' (use 1 to %d printable ASCII characters without '/' or space, not '.' or '..')",
			     name, MBUFF_NAME_LEN);
	return -1;
}

/*
 * What a subcommand does once mbuffctl_getopt() returned @c: stop after
 * --help or a bad option, then check the operands (@names, as for
 * mbuffctl_args()) and, when the first is NAME, the area name.
 * Return: MBUFFCTL_GO, or the exit status.
 */
int mbuffctl_operands(const struct mbuffctl_cmd *cmd, int c, int argc,
		      char **argv, const char *names)
{
	if (c != MBUFFCTL_GETOPT_END)
		return c == MBUFFCTL_GETOPT_HELP ? mbuffctl_flush() :
		       MBUFFCTL_EXIT_USAGE;
	if (mbuffctl_args(cmd, argc, argv, names) ||
	    (!strncmp(names, "NAME", 4) &&
	     mbuffctl_check_name(cmd, argv[optind])))
		return MBUFFCTL_EXIT_USAGE;
	return MBUFFCTL_GO;
}

/**
 * mbuffctl_open() - open an existing area, from the source --source chose
 * @name: the area
 * @prot: PROT_READ to look at it (read permission is enough), or
 *	PROT_READ | PROT_WRITE to change it
 * @areap: the handle
 *
 * Return: 0, or -errno with the error printed.
 */
int mbuffctl_open(const char *name, int prot, struct mbuff_area **areap)
{
	struct mbuff_opts opts = {
		.sz = sizeof(opts),
		.source = mbuffctl_source,
		.prot = (unsigned int)prot,
	};
	int ret = mbuff_area_open(name, 0, &opts, areap);

	if (ret)
		mbuffctl_fail(ret, "cannot open '%s'", name);
	return ret;
}
