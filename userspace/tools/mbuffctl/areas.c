// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl list, info, create, destroy, chmod and chown: the areas
 * themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbuff/vocab.h>

/* mbuff_stat_batch_*(), which the static library has for in-tree tools */
#include "internal.h"
#include "mbuffctl.h"

/**
 * struct mbuffctl_row - what is known about one area
 * @info: what mbuff_stat() said, or what the module's sysfs directory of
 *	the area or its object in /dev/shm says
 * @memtype: @info.memtype is known
 * @users: @info.users is known
 * @counts: @info.kernel_users, .files and .maps are known
 * @cma: where a CMA area's memory came from (its sysfs file cma:
 *	"default" or a reserved-memory node), "" when not known
 *
 * A devmem area is known by its name, size, physical address and backend
 * only (what MBUFF_DEVMEM says); an area this process may not read, by
 * what sysfs or /dev/shm shows everyone.
 */
struct mbuffctl_row {
	struct mbuff_area_info info;
	bool memtype;
	bool users;
	bool counts;
	char cma[64];
};

static const char *mbuffctl_count(char *buf, size_t len, bool known,
				  unsigned int v)
{
	if (!known)
		return "-";
	snprintf(buf, len, "%u", v);
	return buf;
}

/* 0 is unknown: no physical address, or one hidden from this caller. */
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
	return r->memtype ? mbuffctl_memtype_name(r->info.memtype) : NULL;
}

static void mbuffctl_line(const char *key, const char *val)
{
	printf("%-14s %s\n", key, val);
}

/* "root (0)", "1000" when the database has no name for it, or "-". */
static const char *mbuffctl_id_long(char *buf, size_t len, const char *name,
				    unsigned int id)
{
	if (id == (unsigned int)-1)
		return "-";
	if (name)
		snprintf(buf, len, "%s (%u)", name, id);
	else
		snprintf(buf, len, "%u", id);
	return buf;
}

static void mbuffctl_info_text(const struct mbuffctl_row *r)
{
	const struct mbuff_area_info *i = &r->info;
	char size[32], bytes[64], buf[24], name[64], id[96], rwx[12];

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
	if (i->backend == MBUFF_BACKEND_CMA)
		mbuffctl_line("cma:", r->cma[0] ? r->cma : "-");
	mbuffctl_line("owner:", mbuffctl_id_long(id, sizeof(id),
		      mbuffctl_user_name(name, sizeof(name), i->uid), i->uid));
	mbuffctl_line("group:", mbuffctl_id_long(id, sizeof(id),
		      mbuffctl_group_name(name, sizeof(name), i->gid), i->gid));
	if (i->mode != (mode_t)-1) {
		snprintf(id, sizeof(id), "%s (%s)",
			 mbuffctl_mode_str(buf, sizeof(buf), i->mode),
			 mbuffctl_mode_rwx(rwx, sizeof(rwx), i->mode));
		mbuffctl_line("mode:", id);
	} else {
		mbuffctl_line("mode:", "-");
	}
	mbuffctl_line("users:", mbuffctl_count(buf, sizeof(buf), r->users,
					       i->users));
	mbuffctl_line("kernel_users:", mbuffctl_count(buf, sizeof(buf),
						      r->counts,
						      i->kernel_users));
	mbuffctl_line("files:", mbuffctl_count(buf, sizeof(buf), r->counts,
					       i->files));
	mbuffctl_line("maps:", mbuffctl_count(buf, sizeof(buf), r->counts,
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
	bool uid = i->uid != (uid_t)-1, gid = i->gid != (gid_t)-1;
	char name[64], mode[16];

	fputs("{\"name\": ", stdout);
	mbuffctl_json_str(stdout, i->name);
	mbuffctl_json_key_u64("size", true, i->size);
	mbuffctl_json_key_str("source", mbuffctl_source_name(i->source));
	mbuffctl_json_key_str("backend", mbuffctl_backend_name(i->backend));
	mbuffctl_json_key_str("memtype", mbuffctl_row_memtype(r));
	mbuffctl_json_key_u64("phys_addr", i->phys_addr, i->phys_addr);
	if (i->backend == MBUFF_BACKEND_CMA)
		mbuffctl_json_key_str("cma", r->cma[0] ? r->cma : NULL);
	mbuffctl_json_key_u64("uid", uid, i->uid);
	mbuffctl_json_key_str("owner",
			      mbuffctl_user_name(name, sizeof(name), i->uid));
	mbuffctl_json_key_u64("gid", gid, i->gid);
	mbuffctl_json_key_str("group",
			      mbuffctl_group_name(name, sizeof(name), i->gid));
	mbuffctl_json_key_str("mode", i->mode == (mode_t)-1 ? NULL :
			      mbuffctl_mode_str(mode, sizeof(mode), i->mode));
	mbuffctl_json_key_u64("users", r->users, i->users);
	mbuffctl_json_key_u64("kernel_users", r->counts, i->kernel_users);
	mbuffctl_json_key_u64("files", r->counts, i->files);
	mbuffctl_json_key_u64("maps", r->counts, i->maps);
	putchar('}');
}

/* The column texts of a row that vary in width. */
struct mbuffctl_cells {
	char phys[24];
	char owner[64];
	char group[64];
};

static void mbuffctl_cells(const struct mbuffctl_row *r,
			   struct mbuffctl_cells *c)
{
	char name[64], num[24];

	snprintf(c->phys, sizeof(c->phys), "%s",
		 mbuffctl_phys(num, sizeof(num), r->info.phys_addr));
	snprintf(c->owner, sizeof(c->owner), "%s",
		 mbuffctl_id_str(num, sizeof(num),
				 mbuffctl_user_name(name, sizeof(name),
						    r->info.uid),
				 r->info.uid));
	snprintf(c->group, sizeof(c->group), "%s",
		 mbuffctl_id_str(num, sizeof(num),
				 mbuffctl_group_name(name, sizeof(name),
						     r->info.gid),
				 r->info.gid));
}

static int mbuffctl_max(int a, const char *s)
{
	int len = (int)strlen(s);

	return len > a ? len : a;
}

static void mbuffctl_table(const struct mbuffctl_row *rows, size_t n)
{
	int nw = 4, pw = 4, ow = 5, gw = 5;
	struct mbuffctl_cells c;
	size_t i;

	for (i = 0; i < n; i++) {
		mbuffctl_cells(&rows[i], &c);
		nw = mbuffctl_max(nw, rows[i].info.name);
		pw = mbuffctl_max(pw, c.phys);
		ow = mbuffctl_max(ow, c.owner);
		gw = mbuffctl_max(gw, c.group);
	}
	printf("%-*s %6s %-7s %-10s %-14s %-*s %5s %6s %5s %4s %-4s %-*s %s\n",
	       nw, "NAME", "SIZE", "SOURCE", "BACKEND", "MEMTYPE", pw, "PHYS",
	       "USERS", "KUSERS", "FILES", "MAPS", "MODE", ow, "OWNER",
	       "GROUP");
	for (i = 0; i < n; i++) {
		const struct mbuffctl_row *r = &rows[i];
		char size[32], cnt[4][16], mode[16];

		mbuffctl_cells(r, &c);
		printf("%-*s %6s %-7s %-10s %-14s %-*s %5s %6s %5s %4s %-4s %-*s %s\n",
		       nw, r->info.name,
		       mbuffctl_size_str(size, sizeof(size), r->info.size),
		       mbuffctl_or_dash(mbuffctl_source_name(r->info.source)),
		       mbuffctl_or_dash(mbuffctl_backend_name(r->info.backend)),
		       mbuffctl_or_dash(mbuffctl_row_memtype(r)), pw, c.phys,
		       mbuffctl_count(cnt[0], 16, r->users, r->info.users),
		       mbuffctl_count(cnt[1], 16, r->counts,
				      r->info.kernel_users),
		       mbuffctl_count(cnt[2], 16, r->counts, r->info.files),
		       mbuffctl_count(cnt[3], 16, r->counts, r->info.maps),
		       mbuffctl_mode_str(mode, sizeof(mode), r->info.mode),
		       ow, c.owner, c.group);
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
 * since the library would take those from /dev/mem.
 */
static int mbuffctl_names(char (**namesp)[MBUFF_NAME_SIZE], size_t *countp)
{
	unsigned int source = mbuffctl_source;
	const char *spec = getenv("MBUFF_DEVMEM"), *env;
	char (*names)[MBUFF_NAME_SIZE] = NULL, (*more)[MBUFF_NAME_SIZE];
	char (*dev)[MBUFF_NAME_SIZE] = NULL;
	size_t n = 0, ndev = 0, i, j;
	bool devmem;
	int ret;

	env = getenv("MBUFF_SOURCE");
	if (source == MBUFF_SOURCE_AUTO && env && *env)
		mbuffctl_parse_source(env, &source);	/* else the library says */
	devmem = source == MBUFF_SOURCE_AUTO && spec && *spec;
	ret = mbuff_list(&names, &n, mbuffctl_source);
	if (!ret && devmem)
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
			return mbuffctl_fail_errno(-ENOMEM, "cannot list areas");
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

#define MBUFFCTL_AREAS_DIR "/sys/class/mbuff"

/* One value of an area's sysfs directory, without its newline. */
static int mbuffctl_sysfs_str(const char *name, const char *attr, char *buf,
			      size_t len)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), MBUFFCTL_AREAS_DIR "/%s/%s", name, attr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int mbuffctl_sysfs_num(const char *name, const char *attr, int base,
			      unsigned long long *v)
{
	char buf[64], *end;

	if (mbuffctl_sysfs_str(name, attr, buf, sizeof(buf)))
		return -1;
	*v = strtoull(buf, &end, base);
	return end == buf ? -1 : 0;
}

/*
 * An area of the module that this process may not open: what its sysfs
 * directory shows everyone.  Return: 1 with @row filled, 0 when there is
 * no such directory.
 */
static int mbuffctl_sysfs_row(const char *name, struct mbuffctl_row *row)
{
	struct mbuff_area_info *i = &row->info;
	unsigned long long v;
	char buf[32];
	int k;

	if (mbuffctl_sysfs_num(name, "size", 0, &v))
		return 0;
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->size = v;
	i->source = MBUFF_SOURCE_MODULE;
	/* As the module writes them: <mbuff/vocab.h>. */
	if (!mbuffctl_sysfs_str(name, "backend", buf, sizeof(buf))) {
		k = mbuff_backend_parse(buf);
		i->backend = k > 0 ? (unsigned int)k : MBUFF_BACKEND_VMALLOC;
	}
	if (!mbuffctl_sysfs_str(name, "memtype", buf, sizeof(buf))) {
		k = mbuff_memtype_parse(buf);
		if (k >= 0) {
			i->memtype = (unsigned int)k;
			row->memtype = true;
		}
	}
	/* CAP_SYS_RAWIO only; contiguous and CMA areas have it. */
	if (!mbuffctl_sysfs_num(name, "phys_addr", 0, &v))
		i->phys_addr = v;
	if (!mbuffctl_sysfs_num(name, "owner", 10, &v))
		i->uid = (uid_t)v;
	if (!mbuffctl_sysfs_num(name, "group", 10, &v))
		i->gid = (gid_t)v;
	if (!mbuffctl_sysfs_num(name, "mode", 8, &v))
		i->mode = (mode_t)v;
	row->users = !mbuffctl_sysfs_num(name, "users", 10, &v);
	i->users = (unsigned int)v;
	row->counts = !mbuffctl_sysfs_num(name, "kernel_users", 10, &v);
	i->kernel_users = (unsigned int)v;
	row->counts &= !mbuffctl_sysfs_num(name, "files", 10, &v);
	i->files = (unsigned int)v;
	row->counts &= !mbuffctl_sysfs_num(name, "maps", 10, &v);
	i->maps = (unsigned int)v;
	return 1;
}

/*
 * A process-only area that this process may not open: the owner, group,
 * mode and size of its object /dev/shm/mbuff.NAME (a header page, then
 * the area).  Return: 1 with @row filled, 0 when there is no such object.
 */
static int mbuffctl_shm_row(const char *name, struct mbuffctl_row *row)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char path[MBUFF_NAME_SIZE + 16];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/shm/mbuff.%s", name);
	if (lstat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	snprintf(row->info.name, sizeof(row->info.name), "%s", name);
	row->info.size = (size_t)st.st_size > page ? (size_t)st.st_size - page : 0;
	row->info.source = MBUFF_SOURCE_PROCESS;
	row->info.uid = st.st_uid;
	row->info.gid = st.st_gid;
	row->info.mode = st.st_mode & 0777;
	return 1;
}

/* A module CMA area's source, which sysfs shows everyone. */
static void mbuffctl_row_cma(struct mbuffctl_row *row)
{
	if (row->info.source == MBUFF_SOURCE_MODULE &&
	    row->info.backend == MBUFF_BACKEND_CMA &&
	    mbuffctl_sysfs_str(row->info.name, "cma", row->cma,
			       sizeof(row->cma)))
		row->cma[0] = '\0';
}

/* Nothing known yet; no owner, group or mode. */
static void mbuffctl_row_init(struct mbuffctl_row *row)
{
	memset(row, 0, sizeof(*row));
	row->info.sz = sizeof(row->info);
	row->info.uid = (uid_t)-1;
	row->info.gid = (gid_t)-1;
	row->info.mode = (mode_t)-1;
}

/*
 * What is known about area @name, from its metadata (mbuff_stat(): nothing
 * is opened or mapped, so no count of the area changes); with @batch, on
 * the descriptor it keeps for all the rows of a listing.  Return: 1 with
 * @row filled, 0 when it does not exist (it went away since it was
 * listed), -errno of the failure, printed.
 */
static int mbuffctl_row(struct mbuff_stat_batch *batch, const char *name,
			struct mbuffctl_row *row)
{
	int ret;

	mbuffctl_row_init(row);
	if (batch)
		ret = mbuff_stat_batch(batch, name, &row->info);
	else
		ret = mbuff_stat(name, mbuffctl_source, &row->info);
	if (ret == -ENOENT)
		return 0;
	/* Not ours to read: sysfs or /dev/shm shows its owner and mode. */
	if ((ret == -EACCES || ret == -EPERM) &&
	    ((mbuffctl_source != MBUFF_SOURCE_PROCESS &&
	      mbuffctl_sysfs_row(name, row)) ||
	     (mbuffctl_source != MBUFF_SOURCE_MODULE &&
	      mbuffctl_shm_row(name, row)))) {
		mbuffctl_row_cma(row);
		return 1;
	}
	if (ret) {
		mbuffctl_fail(ret, "cannot open '%s'", name);
		return ret;
	}
	/* A devmem area has no memory type of its own, and no counts. */
	row->memtype = row->info.source != MBUFF_SOURCE_DEVMEM;
	row->users = row->info.source != MBUFF_SOURCE_DEVMEM;
	row->counts = row->info.source == MBUFF_SOURCE_MODULE;
	mbuffctl_row_cma(row);
	return 1;
}

int mbuffctl_list(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		MBUFFCTL_COMMON_OPTIONS
	};
	struct mbuff_stat_batch batch;
	struct mbuffctl_row *rows;
	char (*names)[MBUFF_NAME_SIZE] = NULL;
	size_t count = 0, n = 0, i;
	int c, status = MBUFFCTL_EXIT_OK;
	bool json = false;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "");
	if (c != MBUFFCTL_GO)
		return c;
	if (mbuffctl_names(&names, &count))
		return MBUFFCTL_EXIT_ERROR;
	rows = calloc(count ? count : 1, sizeof(*rows));
	if (!rows) {
		free(names);
		return mbuffctl_fail_errno(-ENOMEM, "cannot list areas");
	}
	mbuff_stat_batch_init(&batch, mbuffctl_source);
	for (i = 0; i < count; i++) {
		int ret = mbuffctl_row(&batch, names[i], &rows[n]);

		if (ret < 0)
			status = MBUFFCTL_EXIT_ERROR;
		else
			n += (size_t)ret;
	}
	mbuff_stat_batch_end(&batch);
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
	struct mbuffctl_row row;
	bool json = false;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "j", opts)) >= 0)
		json = true;
	c = mbuffctl_operands(cmd, c, argc, argv, "NAME");
	if (c != MBUFFCTL_GO)
		return c;
	ret = mbuffctl_row(NULL, argv[optind], &row);
	if (!ret)
		return mbuffctl_fail_errno(-ENOENT, "cannot open '%s'",
					   argv[optind]);
	if (ret < 0)
		return MBUFFCTL_EXIT_ERROR;
	if (json) {
		mbuffctl_info_json(&row);
		putchar('\n');
	} else {
		mbuffctl_info_text(&row);
	}
	return mbuffctl_flush();
}

/* A memory type by its name or an alias (<mbuff/vocab.h>). */
static int mbuffctl_parse_cache(const char *s, unsigned int *memtype)
{
	int v = mbuff_memtype_parse(s);

	if (v < 0)
		return -1;
	*memtype = (unsigned int)v;
	return 0;
}

/* A backend an area can be created with, by its name or an alias. */
static int mbuffctl_parse_backend(const char *s, unsigned int *backend)
{
	int v = mbuff_backend_parse(s);

	if (v != MBUFF_BACKEND_VMALLOC && v != MBUFF_BACKEND_CONTIG &&
	    v != MBUFF_BACKEND_CMA)
		return -1;
	*backend = (unsigned int)v;
	return 0;
}

/* Parse a MODE argument; a usage error is printed. */
int mbuffctl_mode_arg(const struct mbuffctl_cmd *cmd, const char *s,
		      mode_t old, mode_t *mode)
{
	int ret = mbuffctl_parse_mode(s, old, mode);

	if (ret == -ERANGE)
		mbuffctl_usage_error(cmd, "invalid mode '%s' (areas have read and write bits only, within 0666)",
				     s);
	else if (ret)
		mbuffctl_usage_error(cmd, "invalid mode '%s' (octal, or symbolic as in u=rw,g+r)",
				     s);
	return ret;
}

int mbuffctl_create(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "contiguous", no_argument, NULL, MBUFFCTL_OPT_CONTIG },
		{ "vmalloc", no_argument, NULL, MBUFFCTL_OPT_VMALLOC },
		{ "cma", no_argument, NULL, MBUFFCTL_OPT_CMA },
		{ "backend", required_argument, NULL, MBUFFCTL_OPT_BACKEND },
		{ "memtype", required_argument, NULL, MBUFFCTL_OPT_CACHE },
		{ "cache", required_argument, NULL, MBUFFCTL_OPT_CACHE },
		{ "align", required_argument, NULL, MBUFFCTL_OPT_ALIGN },
		{ "excl", no_argument, NULL, MBUFFCTL_OPT_EXCL },
		{ "mode", required_argument, NULL, MBUFFCTL_OPT_MODE },
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
		case MBUFFCTL_OPT_CMA:
		case MBUFFCTL_OPT_BACKEND:
			if (o.backend) {
				mbuffctl_usage_error(cmd, "give one of --contiguous, --cma, --vmalloc and --backend");
				return MBUFFCTL_EXIT_USAGE;
			}
			if (c == MBUFFCTL_OPT_BACKEND &&
			    mbuffctl_parse_backend(optarg, &o.backend)) {
				mbuffctl_usage_error(cmd, "invalid backend '%s' (use vmalloc, contiguous or cma)",
						     optarg);
				return MBUFFCTL_EXIT_USAGE;
			}
			if (c == MBUFFCTL_OPT_BACKEND)
				break;
			o.backend = c == MBUFFCTL_OPT_CONTIG ? MBUFF_BACKEND_CONTIG :
				    c == MBUFFCTL_OPT_CMA ? MBUFF_BACKEND_CMA :
				    MBUFF_BACKEND_VMALLOC;
			break;
		case MBUFFCTL_OPT_CACHE:
			if (mbuffctl_parse_cache(optarg, &o.memtype)) {
				mbuffctl_usage_error(cmd, "invalid memory type '%s' (use cached, write-combined or uncached)",
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
		case MBUFFCTL_OPT_MODE:
			/* A symbolic mode starts from no permission at all. */
			if (mbuffctl_mode_arg(cmd, optarg, 0, &o.mode))
				return MBUFFCTL_EXIT_USAGE;
			o.flags |= MBUFF_OPEN_MODE;
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

int mbuffctl_chmod(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { MBUFFCTL_COMMON_OPTIONS };
	struct mbuffctl_row row;
	const char *name;
	mode_t none, all, mode;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0)
		;
	if (c != MBUFFCTL_GETOPT_END)
		return c == MBUFFCTL_GETOPT_HELP ? mbuffctl_flush() :
		       MBUFFCTL_EXIT_USAGE;
	if (mbuffctl_args(cmd, argc, argv, "MODE NAME") ||
	    mbuffctl_check_name(cmd, argv[optind + 1]) ||
	    mbuffctl_mode_arg(cmd, argv[optind], 0, &none))
		return MBUFFCTL_EXIT_USAGE;
	name = argv[optind + 1];
	/* A mode that changes the area's own ("g+r") needs it first. */
	mbuffctl_parse_mode(argv[optind], 0666, &all);
	mode = none;
	if (all != none) {
		ret = mbuffctl_row(NULL, name, &row);
		if (!ret)
			return mbuffctl_fail_errno(-ENOENT, "cannot chmod '%s'",
						   name);
		if (ret < 0)
			return MBUFFCTL_EXIT_ERROR;
		if (row.info.mode == (mode_t)-1)
			return mbuffctl_fail_errno(-EOPNOTSUPP,
						   "cannot chmod '%s'", name);
		mbuffctl_parse_mode(argv[optind], row.info.mode, &mode);
	}
	ret = mbuff_chmod(name, mode, mbuffctl_source);
	if (ret)
		return mbuffctl_fail(ret, "cannot chmod '%s'", name);
	return MBUFFCTL_EXIT_OK;
}

int mbuffctl_chown(const struct mbuffctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { MBUFFCTL_COMMON_OPTIONS };
	const char *spec, *name;
	uid_t uid;
	gid_t gid;
	int c, ret;

	while ((c = mbuffctl_getopt(cmd, argc, argv, "", opts)) >= 0)
		;
	if (c != MBUFFCTL_GETOPT_END)
		return c == MBUFFCTL_GETOPT_HELP ? mbuffctl_flush() :
		       MBUFFCTL_EXIT_USAGE;
	if (mbuffctl_args(cmd, argc, argv, "[OWNER][:GROUP] NAME") ||
	    mbuffctl_check_name(cmd, argv[optind + 1]))
		return MBUFFCTL_EXIT_USAGE;
	spec = argv[optind];
	name = argv[optind + 1];
	switch (mbuffctl_parse_owner(spec, &uid, &gid)) {
	case 0:
		break;
	case MBUFFCTL_OWNER_EMPTY:
		mbuffctl_usage_error(cmd, "give an owner, a group or both, not '%s'",
				     spec);
		return MBUFFCTL_EXIT_USAGE;
	case MBUFFCTL_OWNER_BAD_USER:
		mbuffctl_usage_error(cmd, "invalid user '%.*s'",
				     (int)strcspn(spec, ":"), spec);
		return MBUFFCTL_EXIT_USAGE;
	case MBUFFCTL_OWNER_BAD_GROUP:
		mbuffctl_usage_error(cmd, "invalid group '%s'",
				     strchr(spec, ':') + 1);
		return MBUFFCTL_EXIT_USAGE;
	default:
		mbuffctl_usage_error(cmd, "user '%.*s' has no login group to give",
				     (int)strcspn(spec, ":"), spec);
		return MBUFFCTL_EXIT_USAGE;
	}
	ret = mbuff_chown(name, uid, gid, mbuffctl_source);
	if (ret)
		return mbuffctl_fail(ret, "cannot chown '%s'", name);
	return MBUFFCTL_EXIT_OK;
}
