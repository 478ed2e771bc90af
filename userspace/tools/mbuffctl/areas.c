// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl list, info, create and destroy: the areas themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuffctl.h"

/**
 * struct mbuffctl_row - what is known about one area
 * @info: what mbuff_area_info() said, or what MBUFF_DEVMEM says
 * @opened: false for a devmem area this process could not map (no
 *	permission for /dev/mem): then only its name, size, physical
 *	address and backend are known
 */
struct mbuffctl_row {
	struct mbuff_area_info info;
	bool opened;
};

/* The module reports every count, the process source only users. */
static bool mbuffctl_has_users(const struct mbuffctl_row *r)
{
	return r->opened && r->info.source != MBUFF_SOURCE_DEVMEM;
}

static bool mbuffctl_has_counts(const struct mbuffctl_row *r)
{
	return r->opened && r->info.source == MBUFF_SOURCE_MODULE;
}

static const char *mbuffctl_count(char *buf, size_t len, bool known,
				  unsigned int v)
{
	if (!known)
		return "-";
	snprintf(buf, len, "%u", v);
	return buf;
}

static const char *mbuffctl_phys(char *buf, size_t len, uint64_t phys)
{
	if (!phys)
		return "-";
	snprintf(buf, len, "%#llx", (unsigned long long)phys);
	return buf;
}

static const char *mbuffctl_or_dash(const char *s)
{
	return s ? s : "-";
}

static const char *mbuffctl_row_memtype(const struct mbuffctl_row *r)
{
	return r->opened ? mbuffctl_memtype_name(r->info.memtype) : NULL;
}

static void mbuffctl_line(const char *key, const char *val)
{
	printf("%-14s %s\n", key, val);
}

static void mbuffctl_info_text(const struct mbuffctl_row *r)
{
	const struct mbuff_area_info *i = &r->info;
	bool users = mbuffctl_has_users(r), counts = mbuffctl_has_counts(r);
	char size[32], bytes[64], buf[24];

	mbuffctl_size_str(size, sizeof(size), i->size);
	if (i->size && !(i->size % 1024))
		snprintf(bytes, sizeof(bytes), "%llu (%s)",
			 (unsigned long long)i->size, size);
	else
		snprintf(bytes, sizeof(bytes), "%s", size);
	mbuffctl_line("name:", i->name);
	mbuffctl_line("size:", bytes);
	mbuffctl_line("source:",
		      mbuffctl_or_dash(mbuffctl_source_name(i->source)));
	mbuffctl_line("backend:",
		      mbuffctl_or_dash(mbuffctl_backend_name(i->backend)));
	mbuffctl_line("memtype:", mbuffctl_or_dash(mbuffctl_row_memtype(r)));
	mbuffctl_line("phys_addr:", mbuffctl_phys(buf, sizeof(buf),
						  i->phys_addr));
	mbuffctl_line("users:", mbuffctl_count(buf, sizeof(buf), users,
					       i->users));
	mbuffctl_line("kernel_users:", mbuffctl_count(buf, sizeof(buf), counts,
						      i->kernel_users));
	mbuffctl_line("files:", mbuffctl_count(buf, sizeof(buf), counts,
					       i->files));
	mbuffctl_line("maps:", mbuffctl_count(buf, sizeof(buf), counts,
					      i->maps));
}

static void mbuffctl_json_key_str(const char *key, const char *s)
{
	printf(", \"%s\": ", key);
	if (s)
		mbuffctl_json_str(stdout, s);
	else
		fputs("null", stdout);
}

static void mbuffctl_json_key_u64(const char *key, bool known, uint64_t v)
{
	if (known)
		printf(", \"%s\": %llu", key, (unsigned long long)v);
	else
		printf(", \"%s\": null", key);
}

/* One area as a JSON object, on one line; unknown values are null. */
static void mbuffctl_info_json(const struct mbuffctl_row *r)
{
	const struct mbuff_area_info *i = &r->info;

	fputs("{\"name\": ", stdout);
	mbuffctl_json_str(stdout, i->name);
	mbuffctl_json_key_u64("size", true, i->size);
	mbuffctl_json_key_str("source", mbuffctl_source_name(i->source));
	mbuffctl_json_key_str("backend", mbuffctl_backend_name(i->backend));
	mbuffctl_json_key_str("memtype", mbuffctl_row_memtype(r));
	mbuffctl_json_key_u64("phys_addr", i->phys_addr, i->phys_addr);
	mbuffctl_json_key_u64("users", mbuffctl_has_users(r), i->users);
	mbuffctl_json_key_u64("kernel_users", mbuffctl_has_counts(r),
			      i->kernel_users);
	mbuffctl_json_key_u64("files", mbuffctl_has_counts(r), i->files);
	mbuffctl_json_key_u64("maps", mbuffctl_has_counts(r), i->maps);
	putchar('}');
}

static void mbuffctl_table(const struct mbuffctl_row *rows, size_t n)
{
	int nw = 4, pw = 4;
	char phys[24];
	size_t i;

	for (i = 0; i < n; i++) {
		int len = (int)strlen(rows[i].info.name);

		nw = len > nw ? len : nw;
		len = (int)strlen(mbuffctl_phys(phys, sizeof(phys),
						rows[i].info.phys_addr));
		pw = len > pw ? len : pw;
	}
	printf("%-*s %6s %-7s %-10s %-8s %-*s %5s %6s %5s %4s\n", nw, "NAME",
	       "SIZE", "SOURCE", "BACKEND", "MEMTYPE", pw, "PHYS", "USERS",
	       "KUSERS", "FILES", "MAPS");
	for (i = 0; i < n; i++) {
		const struct mbuffctl_row *r = &rows[i];
		char size[32], c[4][16];

		printf("%-*s %6s %-7s %-10s %-8s %-*s %5s %6s %5s %4s\n", nw,
		       r->info.name,
		       mbuffctl_size_str(size, sizeof(size), r->info.size),
		       mbuffctl_or_dash(mbuffctl_source_name(r->info.source)),
		       mbuffctl_or_dash(mbuffctl_backend_name(r->info.backend)),
		       mbuffctl_or_dash(mbuffctl_row_memtype(r)), pw,
		       mbuffctl_phys(phys, sizeof(phys), r->info.phys_addr),
		       mbuffctl_count(c[0], 16, mbuffctl_has_users(r),
				      r->info.users),
		       mbuffctl_count(c[1], 16, mbuffctl_has_counts(r),
				      r->info.kernel_users),
		       mbuffctl_count(c[2], 16, mbuffctl_has_counts(r),
				      r->info.files),
		       mbuffctl_count(c[3], 16, mbuffctl_has_counts(r),
				      r->info.maps));
	}
}

static int mbuffctl_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The names to list, sorted, each once: the library's list of the source
 * (for the devmem source, the names of MBUFF_DEVMEM), and with the
 * automatic source and MBUFF_DEVMEM set, the names of MBUFF_DEVMEM too,
 * since the library would open those from /dev/mem.
 */
static int mbuffctl_names(char (**namesp)[MBUFF_NAME_SIZE], size_t *countp,
			  bool *devmemp)
{
	unsigned int source = mbuffctl_source;
	const char *spec = getenv("MBUFF_DEVMEM"), *env;
	char (*names)[MBUFF_NAME_SIZE] = NULL, (*more)[MBUFF_NAME_SIZE];
	char (*dev)[MBUFF_NAME_SIZE] = NULL;
	size_t n = 0, ndev = 0, i, j;
	int ret;

	env = getenv("MBUFF_SOURCE");
	if (source == MBUFF_SOURCE_AUTO && env && *env)
		mbuffctl_parse_source(env, &source);	/* else the library says */
	*devmemp = source == MBUFF_SOURCE_DEVMEM ||
		   (source == MBUFF_SOURCE_AUTO && spec && *spec);
	ret = mbuff_list(&names, &n, mbuffctl_source);
	if (!ret && source == MBUFF_SOURCE_AUTO && *devmemp)
		ret = mbuff_list(&dev, &ndev, MBUFF_SOURCE_DEVMEM);
	if (ret) {
		free(names);
		return mbuffctl_fail(ret, "cannot list areas");
	}
	if (ndev) {
		more = realloc(names, (n + ndev) * MBUFF_NAME_SIZE);
		if (!more) {
			free(dev);
			free(names);
			return mbuffctl_fail(-ENOMEM, "cannot list areas");
		}
		names = more;
		memcpy(names[n], dev, ndev * MBUFF_NAME_SIZE);
		n += ndev;
	}
	free(dev);
	if (n > 1)
		qsort(names, n, MBUFF_NAME_SIZE, mbuffctl_name_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (!j || strcmp(names[i], names[j - 1]))
			memmove(names[j++], names[i], MBUFF_NAME_SIZE);
	*namesp = names;
	*countp = j;
	return 0;
}

/*
 * What is known about area @name.  Return: 1 with @row filled, 0 when it
 * went away since it was listed, -1 on an error (printed).
 */
static int mbuffctl_row(const char *name, bool devmem, struct mbuffctl_row *row)
{
	struct mbuff_opts opts = {
		.sz = sizeof(opts),
		.source = mbuffctl_source,
	};
	struct mbuff_area *area;
	uint64_t size, phys;
	int ret;

	memset(row, 0, sizeof(*row));
	row->info.sz = sizeof(row->info);
	if (devmem && !mbuff_devmem_lookup(NULL, name, &size, &phys)) {
		opts.source = MBUFF_SOURCE_DEVMEM;
		if (mbuff_area_open(name, 0, &opts, &area)) {
			/* Known from the list alone; /dev/mem needs root. */
			strcpy(row->info.name, name);
			row->info.size = size;
			row->info.phys_addr = phys;
			row->info.source = MBUFF_SOURCE_DEVMEM;
			row->info.backend = MBUFF_BACKEND_CONTIG;
			return 1;
		}
	} else {
		ret = mbuff_area_open(name, 0, &opts, &area);
		if (ret == -ENOENT)
			return 0;
		if (ret) {
			mbuffctl_fail(ret, "cannot open '%s'", name);
			return -1;
		}
	}
	ret = mbuff_area_info(area, &row->info);
	mbuff_area_close(area);
	if (ret) {
		mbuffctl_fail(ret, "cannot read the information of '%s'", name);
		return -1;
	}
	row->opened = true;
	return 1;
}

int mbuffctl_list(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuffctl_row *rows;
	char (*names)[MBUFF_NAME_SIZE] = NULL;
	size_t count = 0, n = 0, i;
	int c, status = MBUFFCTL_EXIT_OK;
	bool json = false, devmem;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_names(&names, &count, &devmem))
		return MBUFFCTL_EXIT_ERROR;
	rows = calloc(count ? count : 1, sizeof(*rows));
	if (!rows) {
		free(names);
		return mbuffctl_fail(-ENOMEM, "cannot list areas");
	}
	for (i = 0; i < count; i++) {
		int ret = mbuffctl_row(names[i], devmem, &rows[n]);

		if (ret < 0)
			status = MBUFFCTL_EXIT_ERROR;
		else
			n += (size_t)ret;
	}
	if (json) {
		putchar('[');
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n  " : "\n  ", stdout);
			mbuffctl_info_json(&rows[i]);
		}
		puts(n ? "\n]" : "]");
	} else {
		mbuffctl_table(rows, n);
	}
	free(rows);
	free(names);
	c = mbuffctl_flush();
	return status ? status : c;
}

int mbuffctl_info(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuffctl_row row = { .info.sz = sizeof(row.info), .opened = true };
	struct mbuff_area *area;
	bool json = false;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_open(argv[optind], &area))
		return MBUFFCTL_EXIT_ERROR;
	ret = mbuff_area_info(area, &row.info);
	mbuff_area_close(area);
	if (ret)
		return mbuffctl_fail(ret, "cannot read the information of '%s'",
				     argv[optind]);
	if (json) {
		mbuffctl_info_json(&row);
		putchar('\n');
	} else {
		mbuffctl_info_text(&row);
	}
	return mbuffctl_flush();
}

static int mbuffctl_parse_cache(const char *s, unsigned int *memtype)
{
	static const unsigned int types[] = {
		MBUFF_MEM_CACHED, MBUFF_MEM_WC, MBUFF_MEM_UNCACHED,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (!strcmp(s, mbuffctl_memtype_name(types[i]))) {
			*memtype = types[i];
			return 0;
		}
	}
	return -1;
}

int mbuffctl_create(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "contiguous", no_argument, NULL, MBUFFCTL_OPT_CONTIG },
		{ "vmalloc", no_argument, NULL, MBUFFCTL_OPT_VMALLOC },
		{ "cache", required_argument, NULL, MBUFFCTL_OPT_CACHE },
		{ "align", required_argument, NULL, MBUFFCTL_OPT_ALIGN },
		{ "excl", no_argument, NULL, MBUFFCTL_OPT_EXCL },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuff_opts o = {
		.sz = sizeof(o),
		.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD,
	};
	struct mbuff_area *area;
	uint64_t size, align = 0;
	const char *name;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0) {
		switch (c) {
		case MBUFFCTL_OPT_CONTIG:
		case MBUFFCTL_OPT_VMALLOC:
			if (o.backend) {
				mbuffctl_usage_error(cmd, "give one of --contiguous and --vmalloc");
				return MBUFFCTL_EXIT_USAGE;
			}
			o.backend = c == MBUFFCTL_OPT_CONTIG ?
				    MBUFF_BACKEND_CONTIG : MBUFF_BACKEND_VMALLOC;
			break;
		case MBUFFCTL_OPT_CACHE:
			if (mbuffctl_parse_cache(optarg, &o.memtype)) {
				mbuffctl_usage_error(cmd, "invalid cache type '%s' (use cached, wc or uncached)",
						     optarg);
				return MBUFFCTL_EXIT_USAGE;
			}
			break;
		case MBUFFCTL_OPT_ALIGN:
			if (mbuffctl_parse_u64(cmd->name, "alignment", optarg,
					       &align))
				return MBUFFCTL_EXIT_USAGE;
			if ((align & (align - 1)) || align > SIZE_MAX) {
				mbuffctl_usage_error(cmd, "alignment '%s' is not a power of two",
						     optarg);
				return MBUFFCTL_EXIT_USAGE;
			}
			break;
		case MBUFFCTL_OPT_EXCL:
			o.flags |= MBUFF_OPEN_EXCL;
			break;
		}
	}
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME SIZE");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_parse_u64(cmd->name, "size", argv[optind + 1], &size))
		return MBUFFCTL_EXIT_USAGE;
	if (!size || size > SIZE_MAX) {
		mbuffctl_usage_error(cmd, "invalid size '%s' (%s)",
				     argv[optind + 1],
				     size ? "too large" : "must not be 0");
		return MBUFFCTL_EXIT_USAGE;
	}
	name = argv[optind];
	o.align = (size_t)align;
	o.source = mbuffctl_source;
	ret = mbuff_area_open(name, (size_t)size, &o, &area);
	if (ret)
		return mbuffctl_fail(ret, "cannot create '%s'", name);
	/* The user count taken with MBUFF_OPEN_HOLD keeps it. */
	mbuff_area_close(area);
	return MBUFFCTL_EXIT_OK;
}

int mbuffctl_destroy(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { MBUFFCTL_COMMON_OPTIONS };
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0)
		;
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	ret = mbuff_destroy(argv[optind], mbuffctl_source);
	if (ret)
		return mbuffctl_fail(ret, "cannot destroy '%s'", argv[optind]);
	return MBUFFCTL_EXIT_OK;
}
