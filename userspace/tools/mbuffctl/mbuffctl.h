/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mbuffctl: the command table, the options every subcommand shares, and
 * the helpers for parsing and printing that the subcommands use.
 */
#ifndef _MBUFFCTL_H
#define _MBUFFCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <mbuff.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses */
#define MBUFFCTL_EXIT_OK	0
#define MBUFFCTL_EXIT_ERROR	1
#define MBUFFCTL_EXIT_USAGE	2

/* Values of long options without a short form; getopt's own are < 256. */
enum {
	MBUFFCTL_OPT_SOURCE = 256,
	MBUFFCTL_OPT_VERSION,
	MBUFFCTL_OPT_CONTIG,
	MBUFFCTL_OPT_VMALLOC,
	MBUFFCTL_OPT_CMA,
	MBUFFCTL_OPT_CACHE,
	MBUFFCTL_OPT_BACKEND,
	MBUFFCTL_OPT_ALIGN,
	MBUFFCTL_OPT_EXCL,
	MBUFFCTL_OPT_STDIN,
	MBUFFCTL_OPT_MODE,
	MBUFFCTL_OPT_HEAP,
	MBUFFCTL_OPT_FD,
};

/* What mbuffctl_getopt() returns besides an option's value. */
#define MBUFFCTL_GETOPT_END	(-1)
#define MBUFFCTL_GETOPT_HELP	(-2)	/* --help was printed: exit 0 */
#define MBUFFCTL_GETOPT_USAGE	(-3)	/* a usage error was printed: exit 2 */

/* mbuffctl_operands(): the subcommand goes on (exit statuses are >= 0). */
#define MBUFFCTL_GO		(-1)

/* The options every subcommand takes, last in its table. */
#define MBUFFCTL_COMMON_OPTIONS					\
	{ "help", no_argument, NULL, 'h' },			\
	{ "source", required_argument, NULL, MBUFFCTL_OPT_SOURCE }, \
	{ NULL, 0, NULL, 0 }

struct mbuffctl_cmd;

/**
 * struct mbuffctl_cmd - a subcommand
 * @name: what the user types
 * @args: its arguments and options, for the usage line
 * @summary: one line for the top-level help
 * @note: a paragraph for its --help about its arguments, or NULL
 * @help: the options it takes, one per line, for its --help
 * @run: the subcommand; gets argv[0] = @name, returns the exit status
 */
struct mbuffctl_cmd {
	const char *name;
	const char *args;
	const char *summary;
	const char *note;
	const char *help;
	int (*run)(const struct mbuffctl_cmd *cmd, int argc, char **argv);
};

/* The source chosen with --source (MBUFF_SOURCE_AUTO: the library's). */
extern unsigned int mbuffctl_source;

/* options.c */
int mbuffctl_getopt(const struct mbuffctl_cmd *cmd, int argc, char **argv,
		    const char *shortopts, const struct option *longopts);
int mbuffctl_parse_source(const char *s, unsigned int *source);
int mbuffctl_parse_u64(const char *cmd, const char *what, const char *s,
		       uint64_t *val);
int mbuffctl_args(const struct mbuffctl_cmd *cmd, int argc, char **argv,
		  const char *names);
int mbuffctl_check_name(const struct mbuffctl_cmd *cmd, const char *name);
int mbuffctl_operands(const struct mbuffctl_cmd *cmd, int c, int argc,
		      char **argv, const char *names);
void mbuffctl_usage_error(const struct mbuffctl_cmd *cmd, const char *fmt,
			  ...) __attribute__((format(printf, 2, 3)));
void mbuffctl_cmd_help(const struct mbuffctl_cmd *cmd, FILE *f);
int mbuffctl_open(const char *name, int prot, struct mbuff_area **areap);

/* perm.c; mbuffctl_parse_owner() results besides 0 */
#define MBUFFCTL_OWNER_EMPTY		(-1)	/* neither owner nor group */
#define MBUFFCTL_OWNER_BAD_USER		(-2)	/* no such user or number */
#define MBUFFCTL_OWNER_BAD_GROUP	(-3)	/* no such group or number */
#define MBUFFCTL_OWNER_NO_LOGIN		(-4)	/* OWNER: of an unknown user */
int mbuffctl_parse_mode(const char *s, mode_t old, mode_t *mode);
int mbuffctl_parse_owner(const char *s, uid_t *uid, gid_t *gid);
const char *mbuffctl_mode_str(char *buf, size_t len, mode_t mode);
const char *mbuffctl_mode_rwx(char *buf, size_t len, mode_t mode);
const char *mbuffctl_user_name(char *buf, size_t len, uid_t uid);
const char *mbuffctl_group_name(char *buf, size_t len, gid_t gid);
const char *mbuffctl_id_str(char *buf, size_t len, const char *name,
			    unsigned int id);

/* output.c */
void mbuffctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mbuffctl_fail(int ret, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mbuffctl_fail_errno(int ret, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mbuffctl_flush(void);
const char *mbuffctl_source_name(unsigned int source);
const char *mbuffctl_backend_name(unsigned int backend);
const char *mbuffctl_memtype_name(unsigned int memtype);
const char *mbuffctl_size_str(char *buf, size_t len, uint64_t size);
void mbuffctl_json_str(FILE *f, const char *s);
void mbuffctl_hexdump(FILE *f, const unsigned char *p, uint64_t len,
		      uint64_t offset);

/* areas.c: a MODE argument, with its usage error (create, import) */
int mbuffctl_mode_arg(const struct mbuffctl_cmd *cmd, const char *s,
		      mode_t old, mode_t *mode);

/* The subcommands: areas.c, data.c, events.c, dmabuf.c, pools.c */
int mbuffctl_list(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_info(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_create(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_destroy(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_chmod(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_chown(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_dump(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_fill(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_wait(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_notify(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_ring(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_export(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_import(const struct mbuffctl_cmd *cmd, int argc, char **argv);
int mbuffctl_pools(const struct mbuffctl_cmd *cmd, int argc, char **argv);

#endif /* _MBUFFCTL_H */
