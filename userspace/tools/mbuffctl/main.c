// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl: look at and manage mbuff areas from the shell.  This file holds
 * the command table, the global options and the dispatch.
 */
#include <stdlib.h>
#include <string.h>

#include "mbuffctl.h"

unsigned int mbuffctl_source = MBUFF_SOURCE_AUTO;

#define MBUFFCTL_HELP_JSON(what) \
	"  -j, --json            print " what "\n"
#define MBUFFCTL_HELP_SPAN \
	"  -o, --offset=N        first byte (default 0)\n" \
	"  -l, --length=N        bytes (default: to the end of the area)\n"

/* name, arguments, summary, note (or NULL), options, function */
static const struct mbuffctl_cmd mbuffctl_cmds[] = {
	{ "list", "[--json]",
	  "list the areas with their size, source, memory type, users and mode",
	  NULL, MBUFFCTL_HELP_JSON("a JSON array"), mbuffctl_list },
	{ "info", "NAME [--json]",
	  "show everything known about one area",
	  NULL, MBUFFCTL_HELP_JSON("a JSON object"), mbuffctl_info },
	{ "create",
	  "NAME SIZE [--backend=NAME] [--memtype=TYPE]\n"
	  "                       [--align=N] [--excl] [--mode=MODE]",
	  "create an area (or take a user count of an existing one)",
	  "SIZE is in bytes, with an optional K, M, G or T suffix; 0x for hex.\n"
	  "MODE is octal (0640) or symbolic from no permission (u=rw,g=r); it\n"
	  "applies to a new area only, which is else private to its creator.",
	  "      --backend=NAME    contiguous: physically contiguous memory from\n"
	  "                        a pool; cma: the same from CMA; vmalloc:\n"
	  "                        virtually contiguous kernel memory\n"
	  "      --contiguous, --cma, --vmalloc  the same as --backend=NAME\n"
	  "      --memtype=TYPE    cached (default), write-combined or uncached\n"
	  "                        (aliases wc, uc); --cache=TYPE is the same\n"
	  "      --align=N         physical alignment, a power of two\n"
	  "      --excl            fail if the area exists already\n"
	  "      --mode=MODE       read and write permissions of a new area\n",
	  mbuffctl_create },
	{ "destroy", "NAME",
	  "drop a user count of an area (it goes when nothing uses it)",
	  NULL, "", mbuffctl_destroy },
	{ "chmod", "MODE NAME",
	  "change who may read and write an area",
	  "MODE is octal (0640) or symbolic as chmod(1) takes it (u=rw,g+r,o-w,\n"
	  "g=u), with read and write bits only.  Only the owner (or root) may.",
	  "", mbuffctl_chmod },
	{ "chown", "[OWNER][:GROUP] NAME",
	  "change the owner and group of an area",
	  "OWNER and GROUP are names or numbers; OWNER: gives the owner's login\n"
	  "group.  A new owner needs CAP_CHOWN; the owner may give the area to\n"
	  "a group of their own.",
	  "", mbuffctl_chown },
	{ "dump", "NAME [--offset=N] [--length=N] [--raw]",
	  "show an area's bytes like hexdump -C, or write them raw",
	  NULL,
	  MBUFFCTL_HELP_SPAN
	  "  -r, --raw             write the bytes themselves to stdout\n",
	  mbuffctl_dump },
	{ "fill", "NAME [--pattern=BYTE | --stdin] [--offset=N] [--length=N]",
	  "set an area's bytes to a value, or copy standard input into it",
	  NULL,
	  "  -p, --pattern=BYTE    the value, 0 to 255 (default 0)\n"
	  "      --stdin           copy standard input (up to LENGTH bytes)\n"
	  MBUFFCTL_HELP_SPAN, mbuffctl_fill },
	{ "wait", "NAME [--timeout=MS]",
	  "wait for a notification and print the event count",
	  NULL,
	  "  -t, --timeout=MS      give up after MS milliseconds (exit 1)\n",
	  mbuffctl_wait },
	{ "notify", "NAME",
	  "wake the processes waiting on an area",
	  NULL, "", mbuffctl_notify },
	{ "ring", "NAME VALUE",
	  "ring the kernel client's doorbell of an area with a 32-bit value",
	  "VALUE is a signed 32-bit number, or 0x hex; a negative one goes\n"
	  "after --, as in: mbuffctl ring NAME -- -1",
	  "", mbuffctl_ring },
	{ "export", "NAME -- COMMAND [ARG...]",
	  "run a command with a dma-buf of an area on descriptor 3",
	  "COMMAND gets the dma-buf as descriptor 3 and MBUFF_DMABUF_FD=3 in its\n"
	  "environment, for a V4L2, DRM or other dma-buf importer.  mbuffctl\n"
	  "becomes COMMAND: the exit status is COMMAND's (126: it cannot be\n"
	  "run, 127: it was not found).  The dma-buf holds the area while\n"
	  "COMMAND, or whatever it gave the dma-buf to, keeps it.",
	  "", mbuffctl_export },
	{ "import",
	  "NAME --heap=HEAP SIZE [--mode=MODE]\n"
	  "   or: mbuffctl import NAME --fd=N [--mode=MODE]",
	  "make a dma-buf a named area, kept by a user count",
	  "--heap allocates SIZE bytes from /dev/dma_heap/HEAP (such as system);\n"
	  "--fd imports the dma-buf this process inherited as descriptor N.\n"
	  "The area holds the dma-buf until 'mbuffctl destroy NAME' drops the\n"
	  "count and nothing else holds the area.",
	  "      --heap=HEAP       allocate the dma-buf from the heap HEAP\n"
	  "      --fd=N            import the inherited descriptor N\n"
	  "      --mode=MODE       read and write permissions of the new area\n",
	  mbuffctl_import },
	{ "pools", "[--json]",
	  "list the physical pools the module claimed",
	  NULL, MBUFFCTL_HELP_JSON("a JSON array"), mbuffctl_pools },
};

#define MBUFFCTL_NCMDS ARRAY_SIZE(mbuffctl_cmds)

static void mbuffctl_help(FILE *f)
{
	size_t i;

	fputs("Usage: mbuffctl [--source=SOURCE] COMMAND [ARGS...]\n"
	      "       mbuffctl --help | --version\n"
	      "\n"
	      "Manage mbuff areas: named memory shared by the kernel and processes.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < MBUFFCTL_NCMDS; i++)
		fprintf(f, "  %-9s %s\n", mbuffctl_cmds[i].name,
			mbuffctl_cmds[i].summary);
	fputs("  help      show the help of a command\n"
	      "\n"
	      "Options:\n"
	      "      --source=SOURCE   where areas come from: auto, module, devmem\n"
	      "                        or process (default: $MBUFF_SOURCE, else auto)\n"
	      "  -h, --help            show this help\n"
	      "      --version         show the version\n"
	      "\n"
	      "Run 'mbuffctl COMMAND --help' for the arguments of a command.\n", f);
}

static const struct mbuffctl_cmd *mbuffctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < MBUFFCTL_NCMDS; i++)
		if (!strcmp(mbuffctl_cmds[i].name, name))
			return &mbuffctl_cmds[i];
	return NULL;
}

static int mbuffctl_unknown(const char *name)
{
	mbuffctl_err("unknown command '%s'", name);
	fputs("Try 'mbuffctl --help'.\n", stderr);
	return MBUFFCTL_EXIT_USAGE;
}

/* mbuffctl help [COMMAND] */
static int mbuffctl_help_cmd(int argc, char **argv)
{
	const struct mbuffctl_cmd *cmd;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		mbuffctl_help(stdout);
		return mbuffctl_flush();
	}
	if (argc > 2) {
		mbuffctl_err("help: unexpected argument '%s'", argv[2]);
		fputs("Try 'mbuffctl --help'.\n", stderr);
		return MBUFFCTL_EXIT_USAGE;
	}
	cmd = mbuffctl_find(argv[1]);
	if (!cmd)
		return mbuffctl_unknown(argv[1]);
	mbuffctl_cmd_help(cmd, stdout);
	return mbuffctl_flush();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, MBUFFCTL_OPT_VERSION },
		MBUFFCTL_COMMON_OPTIONS
	};
	const struct mbuffctl_cmd *cmd;
	int c;

	opterr = 0;
	/* '+': stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			mbuffctl_help(stdout);
			return mbuffctl_flush();
		case MBUFFCTL_OPT_VERSION:
			printf("mbuffctl (mbuff) %s\n", MBUFF_VERSION_STRING);
			return mbuffctl_flush();
		case MBUFFCTL_OPT_SOURCE:
			if (mbuffctl_parse_source(optarg, &mbuffctl_source)) {
				mbuffctl_err("invalid source '%s' (use auto, module, devmem or process)",
					     optarg);
				fputs("Try 'mbuffctl --help'.\n", stderr);
				return MBUFFCTL_EXIT_USAGE;
			}
			break;
		case ':':
			mbuffctl_err("option '%s' needs a value", argv[optind - 1]);
			fputs("Try 'mbuffctl --help'.\n", stderr);
			return MBUFFCTL_EXIT_USAGE;
		default:
			if (optopt && strncmp(argv[optind - 1], "--", 2))
				mbuffctl_err("unrecognized option '-%c'", optopt);
			else
				mbuffctl_err("unrecognized option '%s'",
					     argv[optind - 1]);
			fputs("Try 'mbuffctl --help'.\n", stderr);
			return MBUFFCTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		mbuffctl_err("no command given");
		fputs("Usage: mbuffctl [--source=SOURCE] COMMAND [ARGS...]\n"
		      "Try 'mbuffctl --help'.\n", stderr);
		return MBUFFCTL_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return mbuffctl_help_cmd(argc, argv);
	cmd = mbuffctl_find(argv[0]);
	if (!cmd)
		return mbuffctl_unknown(argv[0]);
	optind = 0;	/* getopt starts afresh on the command's arguments */
	return cmd->run(cmd, argc, argv);
}
