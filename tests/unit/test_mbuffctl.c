// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbuffctl without the module: the built binary (build/bin/mbuffctl, or
 * $MBUFFCTL) run on process-only areas, its output, messages and exit
 * statuses.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX (1 << 20)
#define ERR_MAX (64 << 10)

/* One run of mbuffctl: exit status (128 + signal if killed) and output. */
struct ctl {
	int status;
	size_t out_len;
	char out[OUT_MAX];
	char err[ERR_MAX];
	int out_fd, err_fd;
};

static struct ctl r;

/* Run mbuffctl as uid and gid 65534 (root only): see CTL_NOBODY(). */
static bool ctl_nobody;

static const char *ctl_path(void)
{
	const char *p = getenv("MBUFFCTL");

	return p && *p ? p : "build/bin/mbuffctl";
}

static int memfd(const char *what, const void *data, size_t len)
{
	int fd = memfd_create(what, MFD_CLOEXEC);

	cr_assert_geq(fd, 0, "memfd_create: %m");
	if (len)
		cr_assert_eq(write(fd, data, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/*
 * Start mbuffctl with @argv (after the program name), @input on its
 * standard input and the variables @env ("NAME=value") added.
 */
static pid_t ctl_start(struct ctl *c, const char *input, size_t inlen,
		       const char *const *env, const char *const *argv)
{
	const char *args[32] = { "mbuffctl" };
	int in = memfd("in", input, inlen), n;
	pid_t pid;

	for (n = 0; argv[n]; n++) {
		cr_assert_lt(n + 1, 31);
		args[n + 1] = argv[n];
	}
	c->out_fd = memfd("out", NULL, 0);
	c->err_fd = memfd("err", NULL, 0);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %m");
	if (!pid) {
		for (; env && *env; env++)
			putenv((char *)*env);
		if (ctl_nobody && (setgroups(0, NULL) ||
				   setresgid(65534, 65534, 65534) ||
				   setresuid(65534, 65534, 65534)))
			_exit(126);
		dup2(in, 0);
		dup2(c->out_fd, 1);
		dup2(c->err_fd, 2);
		execv(ctl_path(), (char **)args);
		_exit(127);
	}
	close(in);
	return pid;
}

static size_t slurp(int fd, char *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (len < max - 1 && (n = read(fd, buf + len, max - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	return len;
}

static void ctl_finish(struct ctl *c, pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	c->out_len = slurp(c->out_fd, c->out, sizeof(c->out));
	slurp(c->err_fd, c->err, sizeof(c->err));
	cr_assert_neq(c->status, 127, "cannot run %s (set MBUFFCTL?)",
		      ctl_path());
}

static int ctl_full(const char *input, size_t inlen, const char *const *env,
		    const char *const *argv)
{
	ctl_finish(&r, ctl_start(&r, input, inlen, env, argv));
	return r.status;
}

static int ctl_as_nobody(const char *const *argv)
{
	ctl_nobody = true;
	ctl_full(NULL, 0, NULL, argv);
	ctl_nobody = false;
	return r.status;
}

/* CTL("info", name): run mbuffctl; its output is in r. */
#define CTL(...) ctl_full(NULL, 0, NULL, (const char *[]){ __VA_ARGS__, NULL })
#define CTL_IN(in, ...)							\
	ctl_full(in, strlen(in), NULL, (const char *[]){ __VA_ARGS__, NULL })
#define CTL_NOBODY(...) ctl_as_nobody((const char *[]){ __VA_ARGS__, NULL })
#define CTL_ENV(env, ...)						\
	ctl_full(NULL, 0, (const char *[]){ env, NULL },		\
		 (const char *[]){ __VA_ARGS__, NULL })

/* Areas this test created, removed by the fixture even if it failed. */
static char names[8][48];
static int nnames;

static const char *area(const char *tag)
{
	cr_assert_lt(nnames, 8);
	snprintf(names[nnames], sizeof(names[0]), "ctl-%s-%d", tag, getpid());
	return names[nnames++];
}

static void setup(void)
{
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
}

static void teardown(void)
{
	char path[80];
	int i;

	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "/mbuff.%.47s", names[i]);
		shm_unlink(path);
	}
}

TestSuite(mbuffctl, .init = setup, .fini = teardown, .timeout = 30);

/* The usage error lines: "mbuffctl: ..." then a hint to --help. */
static void expect_usage(const char *what, const char *msg)
{
	cr_assert_eq(r.status, 2, "%s: exit %d, stderr: %s", what, r.status,
		     r.err);
	cr_assert(strstr(r.err, msg), "%s: stderr lacks '%s': %s", what, msg,
		  r.err);
	cr_assert(!strncmp(r.err, "mbuffctl: ", 10), "%s: %s", what, r.err);
	cr_assert(strstr(r.err, "--help"), "%s: no hint: %s", what, r.err);
	cr_assert_eq(r.out_len, 0, "%s: stdout: %s", what, r.out);
}

static void expect_ok(const char *what)
{
	cr_assert_eq(r.status, 0, "%s: exit %d, stderr: %s", what, r.status,
		     r.err);
	cr_assert_str_empty(r.err, "%s: stderr: %s", what, r.err);
}

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static const char *const commands[] = {
	"list", "info", "create", "destroy", "chmod", "chown", "dump", "fill",
	"wait", "notify", "ring", "export", "import", "pools",
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* A small JSON parser: is the text one valid JSON value? */
static const char *json_value(const char *s, int depth);

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s != '\\')
			continue;
		s++;
		if (*s == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!isxdigit((unsigned char)s[i]))
					return NULL;
			s += 4;
		} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
			return NULL;
		}
	}
	return s + 1;
}

static const char *json_number(const char *s)
{
	const char *start;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (isdigit((unsigned char)*s))
			s++;
		if (s == start)
			return NULL;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		start = s;
		while (isdigit((unsigned char)*s))
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

static const char *json_list(const char *s, char close, bool keys, int depth)
{
	s = json_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keys) {
			s = json_string(s);
			if (!s)
				return NULL;
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = json_value(s, depth + 1);
		if (!s)
			return NULL;
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
		s = json_ws(s);
	}
}

static const char *json_word(const char *s)
{
	static const char *const words[] = { "true", "false", "null" };

	for (size_t i = 0; i < 3; i++)
		if (!strncmp(s, words[i], strlen(words[i])))
			return s + strlen(words[i]);
	return NULL;
}

static const char *json_value(const char *s, int depth)
{

	if (depth > 32)
		return NULL;
	s = json_ws(s);
	if (*s == '{')
		s = json_list(s, '}', true, depth);
	else if (*s == '[')
		s = json_list(s, ']', false, depth);
	else if (*s == '"')
		s = json_string(s);
	else if (*s == '-' || isdigit((unsigned char)*s))
		s = json_number(s);
	else
		s = json_word(s);
	return s ? json_ws(s) : NULL;
}

static bool json_valid(const char *s)
{
	s = json_value(s, 0);
	return s && !*s;
}

/* The JSON parser itself: what it must accept and refuse. */
Test(mbuffctl, json_checker)
{
	cr_assert(json_valid("[{\"a\": 1, \"b\": null, \"c\": \"x\\\"\\\\\"}]\n"));
	cr_assert(json_valid("{}"));
	cr_assert(json_valid("[]"));
	cr_assert(!json_valid("{\"a\": 1,}"));
	cr_assert(!json_valid("{\"a\" 1}"));
	cr_assert(!json_valid("[\"a\"b\"]"));
	cr_assert(!json_valid("[\"a\\q\"]"));
	cr_assert(!json_valid("[1] x"));
	cr_assert(!json_valid(""));
}

/* --help and -h at the top level: usage and every command, exit 0. */
Test(mbuffctl, help_top)
{
	const char *opts[] = { "--help", "-h" };
	char line[32];

	for (size_t i = 0; i < 2; i++) {
		CTL(opts[i]);
		expect_ok(opts[i]);
		cr_assert(!strncmp(r.out, "Usage: mbuffctl ", 16), "%s", r.out);
		for (size_t j = 0; j < NCOMMANDS; j++) {
			snprintf(line, sizeof(line), "\n  %s ", commands[j]);
			cr_assert(strstr(r.out, line), "%s: no %s", opts[i],
				  commands[j]);
		}
		cr_assert(strstr(r.out, "--source=SOURCE"));
	}
}

/* --help, -h and "help CMD" on every subcommand: its usage, exit 0. */
Test(mbuffctl, help_commands)
{
	char usage[64];

	for (size_t i = 0; i < NCOMMANDS; i++) {
		snprintf(usage, sizeof(usage), "Usage: mbuffctl %s",
			 commands[i]);
		CTL(commands[i], "--help");
		expect_ok(commands[i]);
		cr_assert(!strncmp(r.out, usage, strlen(usage)), "%s", r.out);
		cr_assert(strstr(r.out, "--help"), "%s", r.out);
		CTL(commands[i], "-h");
		expect_ok(commands[i]);
		cr_assert(!strncmp(r.out, usage, strlen(usage)), "%s", r.out);
		CTL("help", commands[i]);
		expect_ok(commands[i]);
		cr_assert(!strncmp(r.out, usage, strlen(usage)), "%s", r.out);
	}
	CTL("create", "--help");
	cr_assert(strstr(r.out, "--contiguous") && strstr(r.out, "--cache") &&
		  strstr(r.out, "--backend=NAME") && strstr(r.out, "--memtype=TYPE") &&
		  strstr(r.out, "--mode=MODE") && strstr(r.out, "--cma"));
	CTL("chmod", "--help");
	cr_assert(strstr(r.out, "Usage: mbuffctl chmod MODE NAME\n"), "%s", r.out);
	CTL("chown", "--help");
	cr_assert(strstr(r.out, "Usage: mbuffctl chown [OWNER][:GROUP] NAME\n"),
		  "%s", r.out);
	CTL("dump", "--help");
	cr_assert(strstr(r.out, "--raw") && strstr(r.out, "--offset"));
}

/* --version prints the name and version, exit 0. */
Test(mbuffctl, version)
{
	CTL("--version");
	expect_ok("--version");
	cr_assert(!strncmp(r.out, "mbuffctl ", 9), "%s", r.out);
	cr_assert(strchr(r.out, '.'), "%s", r.out);
}

/* No command and an unknown command are usage errors (exit 2). */
Test(mbuffctl, usage_commands)
{
	CTL("frobnicate");
	expect_usage("unknown command", "unknown command 'frobnicate'");
	ctl_full(NULL, 0, NULL, (const char *[]){ NULL });
	expect_usage("no command", "no command");
	CTL("help", "frobnicate");
	expect_usage("help of an unknown command", "unknown command");
}

/* Unknown options, options with a missing or unwanted value: exit 2. */
Test(mbuffctl, usage_options)
{
	const char *name = area("opt");

	CTL("--bogus", "list");
	expect_usage("top level", "unrecognized option '--bogus'");
	CTL("-x", "list");
	expect_usage("top level short", "unrecognized option '-x'");
	CTL("info", name, "--bogus");
	expect_usage("info", "unrecognized option '--bogus'");
	CTL("dump", name, "-q");
	expect_usage("dump", "unrecognized option '-q'");
	CTL("dump", name, "--offset");
	expect_usage("dump --offset", "option '--offset' needs a value");
	CTL("list", "--json=yes");
	expect_usage("list --json=yes", "'--json' takes no value");
	CTL("--source=everywhere", "list");
	expect_usage("--source", "invalid source 'everywhere'");
	CTL("list", "--source=nowhere");
	expect_usage("list --source", "invalid source 'nowhere'");
	CTL("fill", name, "--pattern=1", "--stdin");
	expect_usage("fill", "one of --pattern and --stdin");
	CTL("create", name, "4K", "--contiguous", "--vmalloc");
	expect_usage("create", "one of --contiguous, --cma, --vmalloc and --backend");
	CTL("create", name, "4K", "--backend=contig", "--vmalloc");
	expect_usage("create --backend --vmalloc", "one of --contiguous, --cma");
	CTL("create", name, "4K", "--backend=heap");
	expect_usage("--backend=heap", "invalid backend 'heap' (use vmalloc, contiguous or cma)");
	CTL("create", name, "4K", "--backend=any");
	expect_usage("--backend=any", "invalid backend 'any'");
	CTL("create", name, "4K", "--cma", "--contiguous");
	expect_usage("create --cma --contiguous", "one of --contiguous, --cma");
	CTL("create", name, "4K", "--vmalloc", "--cma");
	expect_usage("create --vmalloc --cma", "one of --contiguous, --cma");
	CTL("create", name, "4K", "--cma=yes");
	expect_usage("create --cma=yes", "'--cma' takes no value");
}

/* A missing NAME (or SIZE, VALUE) and a surplus argument: exit 2. */
Test(mbuffctl, usage_arguments)
{
	const char *one[] = { "info", "destroy", "dump", "fill", "wait",
			      "notify" };

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		CTL(one[i]);
		expect_usage(one[i], "missing NAME");
		CTL(one[i], "a", "b");
		expect_usage(one[i], "unexpected argument 'b'");
	}
	CTL("create");
	expect_usage("create", "missing NAME");
	CTL("create", area("args"));
	expect_usage("create NAME", "missing SIZE");
	CTL("ring", "x");
	expect_usage("ring NAME", "missing VALUE");
	CTL("chmod");
	expect_usage("chmod", "missing MODE");
	CTL("chmod", "0600");
	expect_usage("chmod MODE", "missing NAME");
	CTL("chmod", "0600", "a", "b");
	expect_usage("chmod MODE NAME", "unexpected argument 'b'");
	CTL("chmod", "0600", "a/b");
	expect_usage("chmod, bad name", "invalid area name");
	CTL("chown");
	expect_usage("chown", "missing [OWNER][:GROUP]");
	CTL("chown", "0");
	expect_usage("chown OWNER", "missing NAME");
	CTL("list", "extra");
	expect_usage("list", "unexpected argument 'extra'");
	CTL("info", "a b");
	expect_usage("bad name", "invalid area name");
}

/* Bad numbers and values: SIZE 12Q, --cache, --align, offsets, bytes. */
Test(mbuffctl, usage_numbers)
{
	const char *name = area("num");

	CTL("create", name, "12Q");
	expect_usage("12Q", "invalid size '12Q'");
	CTL("create", name, "0");
	expect_usage("size 0", "invalid size '0'");
	CTL("create", name, "99999999999999999999");
	expect_usage("huge size", "invalid size");
	CTL("create", name, "4K", "--cache=fast");
	expect_usage("--cache", "invalid memory type 'fast' (use cached, write-combined or uncached)");
	CTL("create", name, "4K", "--memtype=WC");
	expect_usage("--memtype", "invalid memory type 'WC'");
	CTL("create", name, "4K", "--align=3");
	expect_usage("--align=3", "not a power of two");
	CTL("dump", name, "--offset=abc");
	expect_usage("--offset", "invalid offset 'abc'");
	CTL("dump", name, "--length=-1");
	expect_usage("--length", "invalid length '-1'");
	CTL("fill", name, "--pattern=256");
	expect_usage("--pattern", "invalid byte '256'");
	CTL("wait", name, "--timeout=soon");
	expect_usage("--timeout", "invalid timeout 'soon'");
	CTL("ring", name, "4294967296");
	expect_usage("ring", "invalid value");
	CTL("create", name, "4K", "--mode=0755");
	expect_usage("--mode=0755", "invalid mode '0755' (areas have read and write bits only");
	CTL("create", name, "4K", "--mode=u+x");
	expect_usage("--mode=u+x", "invalid mode 'u+x'");
	CTL("create", name, "4K", "--mode=rw");
	expect_usage("--mode=rw", "invalid mode 'rw' (octal, or symbolic");
	CTL("create", name, "4K", "--mode");
	expect_usage("--mode", "option '--mode' needs a value");
	CTL("chmod", "0777", name);
	expect_usage("chmod 0777", "invalid mode '0777'");
	CTL("chmod", "g+", name);
	cr_assert_eq(r.status, 1, "g+ is a valid mode: %s", r.err);
	CTL("chmod", "u=rw,", name);
	expect_usage("chmod u=rw,", "invalid mode 'u=rw,'");
	CTL("chown", "no-such-user-mbuff", name);
	expect_usage("chown user", "invalid user 'no-such-user-mbuff'");
	CTL("chown", "0:no-such-group-mbuff", name);
	expect_usage("chown :group", "invalid group 'no-such-group-mbuff'");
	CTL("chown", ":", name);
	expect_usage("chown :", "give an owner, a group or both");
	CTL("chown", "4294967294:", name);
	expect_usage("chown UID:", "has no login group");
	/* None of this created the area. */
	CTL("info", name);
	cr_assert_eq(r.status, 1, "the area exists: %s", r.out);
}

/* info of a missing area: exit 1, "mbuffctl: cannot open 'NAME': ...". */
Test(mbuffctl, info_missing)
{
	const char *name = area("missing");
	char want[96];

	CTL("info", name);
	cr_assert_eq(r.status, 1);
	snprintf(want, sizeof(want),
		 "mbuffctl: cannot open '%s': No such file or directory\n",
		 name);
	cr_assert_str_eq(r.err, want);
	cr_assert_eq(r.out_len, 0);
	CTL("destroy", name);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "cannot destroy"), "%s", r.err);
}

/* create, info, info --json, list, list --json, destroy of one area. */
Test(mbuffctl, create_info_list_destroy)
{
	const char *name = area("life");
	long size = 2 * page_size();
	char arg[32], want[128];

	snprintf(arg, sizeof(arg), "%ld", size);
	CTL("create", name, arg);
	expect_ok("create");

	CTL("info", name);
	expect_ok("info");
	snprintf(want, sizeof(want), "name:          %s\n", name);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "size:          %ld (", size);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "source:        process\n"), "%s", r.out);
	cr_assert(strstr(r.out, "memtype:       cached\n"), "%s", r.out);
	cr_assert(strstr(r.out, "users:         1\n"), "%s", r.out);
	cr_assert(strstr(r.out, "phys_addr:     -\n"), "%s", r.out);

	CTL("info", name, "--json");
	expect_ok("info --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	snprintf(want, sizeof(want), "{\"name\": \"%s\", \"size\": %ld,", name,
		 size);
	cr_assert(!strncmp(r.out, want, strlen(want)), "%s", r.out);
	cr_assert(strstr(r.out, "\"source\": \"process\""), "%s", r.out);
	cr_assert(strstr(r.out, "\"users\": 1,"), "%s", r.out);
	cr_assert(strstr(r.out, "\"phys_addr\": null"), "%s", r.out);

	CTL("list");
	expect_ok("list");
	cr_assert(!strncmp(r.out, "NAME ", 5), "%s", r.out);
	snprintf(want, sizeof(want), "\n%s ", name);
	cr_assert(strstr(r.out, want), "%s not listed: %s", name, r.out);
	cr_assert(strstr(strstr(r.out, want), " process "), "%s", r.out);

	CTL("list", "--json");
	expect_ok("list --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert_eq(r.out[0], '[');
	snprintf(want, sizeof(want), "{\"name\": \"%s\", \"size\": %ld,", name,
		 size);
	cr_assert(strstr(r.out, want), "%s", r.out);

	/* create again: one more user count; --excl refuses. */
	CTL("create", name, "4K");
	expect_ok("create again");
	CTL("info", name);
	cr_assert(strstr(r.out, "users:         2\n"), "%s", r.out);
	CTL("create", name, "4K", "--excl");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "File exists"), "%s", r.err);

	CTL("destroy", name);
	expect_ok("destroy");
	CTL("info", name);
	expect_ok("info after one destroy");
	cr_assert(strstr(r.out, "users:         1\n"), "%s", r.out);
	CTL("destroy", name);
	expect_ok("last destroy");
	CTL("info", name);
	cr_assert_eq(r.status, 1, "still there: %s", r.out);
	CTL("list");
	expect_ok("list after destroy");
	cr_assert(!strstr(r.out, want), "still listed: %s", r.out);
	CTL("destroy", name);
	cr_assert_eq(r.status, 1);
}

/* A line of the output that starts with @key, or NULL. */
static const char *line_of(const char *key)
{
	const char *p = r.out;
	size_t len = strlen(key);

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len))
			return p;
	return NULL;
}

/*
 * create --mode, chmod (octal and symbolic), chown (numbers), and the
 * owner, group and mode in info, info --json, list and list --json.
 */
Test(mbuffctl, modes_and_owners)
{
	const char *name = area("perm");
	const struct passwd *pw;
	char want[128], spec[48];
	const char *l;

	CTL("create", name, "4K", "--mode=u=rw,g=r");
	expect_ok("create --mode");
	CTL("info", name);
	expect_ok("info");
	cr_assert(strstr(r.out, "mode:          0640 (rw-r-----)\n"), "%s", r.out);
	pw = getpwuid(getuid());
	if (pw)
		snprintf(want, sizeof(want), "owner:         %s (%u)\n",
			 pw->pw_name, getuid());
	else
		snprintf(want, sizeof(want), "owner:         %u\n", getuid());
	cr_assert(strstr(r.out, want), "no '%s': %s", want, r.out);
	cr_assert(line_of("group:"), "%s", r.out);
	/* An existing area keeps its mode. */
	CTL("create", name, "4K", "--mode=0666");
	expect_ok("create again");
	CTL("info", name, "--json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(strstr(r.out, "\"mode\": \"0640\""), "%s", r.out);
	snprintf(want, sizeof(want), "\"uid\": %u, ", getuid());
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "\"gid\": %u, ", getgid());
	cr_assert(strstr(r.out, want), "%s", r.out);

	CTL("chmod", "g+w,o=r", name);
	expect_ok("chmod g+w,o=r");
	CTL("info", name);
	cr_assert(strstr(r.out, "mode:          0664 (rw-rw-r--)\n"), "%s", r.out);
	CTL("chmod", "go=", name);
	expect_ok("chmod go=");
	CTL("info", name);
	cr_assert(strstr(r.out, "mode:          0600 (rw-------)\n"), "%s", r.out);
	CTL("chmod", "0444", name);
	expect_ok("chmod 0444");

	CTL("list");
	expect_ok("list");
	cr_assert(strstr(r.out, " MODE "), "%s", r.out);
	snprintf(want, sizeof(want), "\n%s ", name);
	l = strstr(r.out, want);
	cr_assert(l && strstr(l, " 0444 "), "%s", r.out);
	CTL("list", "--json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(strstr(r.out, "\"mode\": \"0444\""), "%s", r.out);

	snprintf(spec, sizeof(spec), "%u:%u", getuid(), getgid());
	CTL("chown", spec, name);
	expect_ok("chown to oneself");
	if (!geteuid()) {
		CTL("chown", "65534:65534", name);
		expect_ok("chown 65534:65534");
		CTL("info", name, "--json");
		cr_assert(strstr(r.out, "\"uid\": 65534, "), "%s", r.out);
		cr_assert(strstr(r.out, "\"gid\": 65534, "), "%s", r.out);
		CTL("chown", "0", name);
		expect_ok("chown 0");
		CTL("info", name, "--json");
		cr_assert(strstr(r.out, "\"uid\": 0, "), "%s", r.out);
		cr_assert(strstr(r.out, "\"gid\": 65534, "), "group kept: %s", r.out);
	} else {
		CTL("chown", "0", name);
		cr_assert_eq(r.status, 1);
		cr_assert(strstr(r.err, "Operation not permitted"), "%s", r.err);
	}

	CTL("chmod", "600", area("none"));
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "mbuffctl: cannot chmod '"), "%s", r.err);
	cr_assert(strstr(r.err, "No such file or directory"), "%s", r.err);
	CTL("chmod", "g+r", area("none2"));
	cr_assert_eq(r.status, 1, "a relative mode of a missing area");
	cr_assert(strstr(r.err, "No such file or directory"), "%s", r.err);
	CTL("--source=devmem", "chmod", "600", name);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "Operation not supported"), "%s", r.err);
	CTL("destroy", name);
	expect_ok("destroy");
}

/*
 * Another user (uid 65534): a 0644 area is read, not written; of a 0600
 * one, list and info show the owner, group, mode and size the object
 * shows everyone, and nothing else; neither may be changed.
 */
Test(mbuffctl, other_user)
{
	const char *shared = area("shared"), *private = area("private");
	char want[128];
	const char *l;

	if (geteuid())
		cr_skip_test("not root: cannot run mbuffctl as another user");
	CTL("create", shared, "8K", "--mode=0644");
	expect_ok("create 0644");
	CTL("create", private, "8K");
	expect_ok("create");
	CTL("fill", shared, "--pattern=0x5a", "--length=4");
	expect_ok("fill");

	CTL_NOBODY("dump", shared, "--length=4", "--raw");
	expect_ok("dump of a 0644 area");
	cr_assert_str_eq(r.out, "ZZZZ");
	CTL_NOBODY("fill", shared, "--pattern=1");
	cr_assert_eq(r.status, 1, "fill of a 0644 area: %s", r.err);
	cr_assert(strstr(r.err, "Permission denied"), "%s", r.err);
	CTL_NOBODY("info", shared);
	expect_ok("info of a 0644 area");
	cr_assert(strstr(r.out, "users:         1\n"), "%s", r.out);

	CTL_NOBODY("info", private);
	expect_ok("info of a 0600 area");
	cr_assert(strstr(r.out, "mode:          0600 (rw-------)\n"), "%s", r.out);
	snprintf(want, sizeof(want), "size:          %ld (", 8192L);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "users:         -\n"), "%s", r.out);
	CTL_NOBODY("info", private, "--json");
	expect_ok("info --json of a 0600 area");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(strstr(r.out, "\"uid\": 0, "), "%s", r.out);
	cr_assert(strstr(r.out, "\"users\": null"), "%s", r.out);
	CTL_NOBODY("list");
	expect_ok("list");
	snprintf(want, sizeof(want), "\n%s ", private);
	l = strstr(r.out, want);
	cr_assert(l && strstr(l, " 0600 "), "%s", r.out);
	CTL_NOBODY("dump", private);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "Permission denied"), "%s", r.err);
	CTL_NOBODY("chmod", "0666", shared);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "Operation not permitted"), "%s", r.err);
	CTL_NOBODY("chown", "65534", shared);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "Operation not permitted"), "%s", r.err);
	CTL_NOBODY("destroy", private);
	cr_assert_eq(r.status, 1, "destroy of a 0600 area: %s", r.err);
}

/* fill --pattern and --stdin, then dump --raw and the hexdump -C format. */
Test(mbuffctl, fill_and_dump)
{
	static const char head[] =
		"00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
		"00000010  5a 5a 5a 5a 5a 5a 5a 5a  5a 5a 5a 5a 5a 5a 5a 5a  |ZZZZZZZZZZZZZZZZ|\n"
		"*\n"
		"00000030  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
		"*\n"
		"00000060  00 00 00 00 48 65 6c 6c  6f 2c 20 6d 62 75 66 66  |....Hello, mbuff|\n"
		"00000070  21 0a 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |!...............|\n"
		"00000080  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
		"*\n";
	const char *name = area("data");
	const char *text = "Hello, mbuff!\n";
	size_t size = (size_t)page_size(), tlen = strlen(text), i;
	char arg[32], want[256];

	snprintf(arg, sizeof(arg), "%zu", size);
	CTL("create", name, arg);
	expect_ok("create");

	CTL("fill", name, "--pattern", "0x5a", "--offset", "16", "--length",
	    "32");
	expect_ok("fill --pattern");
	CTL_IN(text, "fill", name, "--stdin", "-o", "100");
	expect_ok("fill --stdin");

	CTL("dump", name, "--raw");
	expect_ok("dump --raw");
	cr_assert_eq(r.out_len, size);
	for (i = 0; i < size; i++) {
		unsigned char want_b = 0;

		if (i >= 16 && i < 48)
			want_b = 0x5a;
		else if (i >= 100 && i < 100 + tlen)
			want_b = (unsigned char)text[i - 100];
		cr_assert_eq((unsigned char)r.out[i], want_b,
			     "byte %zu is %#x, not %#x", i,
			     (unsigned char)r.out[i], want_b);
	}

	CTL("dump", name, "--raw", "--offset=100", "--length=14");
	expect_ok("dump --raw range");
	cr_assert_eq(r.out_len, tlen);
	cr_assert(!memcmp(r.out, text, tlen));

	CTL("dump", name, "--offset", "8", "--length", "24");
	expect_ok("dump range");
	cr_assert_str_eq(r.out,
			 "00000008  00 00 00 00 00 00 00 00  5a 5a 5a 5a 5a 5a 5a 5a  |........ZZZZZZZZ|\n"
			 "00000018  5a 5a 5a 5a 5a 5a 5a 5a                           |ZZZZZZZZ|\n"
			 "00000020\n");

	CTL("dump", name);
	expect_ok("dump");
	cr_assert(!strncmp(r.out, head, strlen(head)), "%s", r.out);
	snprintf(want, sizeof(want), "*\n%08zx\n", size);
	cr_assert(!strcmp(r.out + r.out_len - strlen(want), want), "%s",
		  r.out);

	/* Without --length a fill goes to the end; 0 is the default byte. */
	CTL("fill", name, "-p", "255", "-o", "4");
	expect_ok("fill to the end");
	CTL("fill", name, "--offset", "8");
	expect_ok("fill zeros");
	CTL("dump", name, "--raw", "--length", "16");
	cr_assert_eq(r.out_len, 16);
	cr_assert(!memcmp(r.out, "\0\0\0\0\xff\xff\xff\xff\0\0\0\0\0\0\0\0",
			  16));

	/* Ranges beyond the area are errors (exit 1), not usage errors. */
	snprintf(arg, sizeof(arg), "%zu", size + 1);
	CTL("dump", name, "--offset", arg);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "beyond"), "%s", r.err);
	CTL("fill", name, "--length", arg);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "beyond"), "%s", r.err);

	CTL("destroy", name);
	expect_ok("destroy");
}

/* create --contiguous from the process source fails clearly (exit 1). */
Test(mbuffctl, create_contiguous_process)
{
	const char *name = area("contig");
	char want[96];

	CTL("create", name, "64K", "--contiguous");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mbuffctl: cannot create '%s': ", name);
	cr_assert(!strncmp(r.err, want, strlen(want)), "%s", r.err);
	cr_assert(strstr(r.err, "contiguous"), "%s", r.err);
	CTL("create", name, "64K", "--cache=wc");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "cached only"), "%s", r.err);
	CTL("info", name);
	cr_assert_eq(r.status, 1, "it was created: %s", r.out);
}

/*
 * create --cma without the module fails clearly (exit 1), from the
 * process source and from the devmem one, and creates nothing.
 */
Test(mbuffctl, create_cma_process)
{
	const char *name = area("cma");
	char want[96], env[96];

	CTL("create", name, "64K", "--cma");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mbuffctl: cannot create '%s': ", name);
	cr_assert(!strncmp(r.err, want, strlen(want)), "%s", r.err);
	cr_assert(strstr(r.err, "CMA") && strstr(r.err, "mbuff.ko"), "%s",
		  r.err);
	CTL("info", name);
	cr_assert_eq(r.status, 1, "it was created: %s", r.out);

	snprintf(env, sizeof(env), "MBUFF_DEVMEM=%s=64K@0x30000000", name);
	CTL_ENV(env, "--source=devmem", "create", name, "64K", "--cma");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "CMA"), "%s", r.err);
}

/* --source overrides MBUFF_SOURCE, before or after the command. */
Test(mbuffctl, source_option)
{
	const char *name = area("src");

	CTL_ENV("MBUFF_SOURCE=nonsense", "list");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "MBUFF_SOURCE"), "%s", r.err);
	CTL_ENV("MBUFF_SOURCE=nonsense", "--source=process", "create", name,
		"4K");
	expect_ok("--source before the command");
	CTL_ENV("MBUFF_SOURCE=nonsense", "info", name, "--source", "process");
	expect_ok("--source after the command");
	cr_assert(strstr(r.out, "source:        process\n"), "%s", r.out);
	CTL("--source=process", "destroy", name);
	expect_ok("destroy");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* wait --timeout 100 with nobody notifying: exit 1 after ~100 ms. */
Test(mbuffctl, wait_timeout)
{
	const char *name = area("tmo");
	double t;

	CTL("create", name, "4K");
	expect_ok("create");
	t = now();
	CTL("wait", name, "--timeout", "100");
	t = now() - t;
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.out);
	cr_assert(strstr(r.err, "no notification"), "%s", r.err);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	cr_assert(t >= 0.09 && t < 5, "took %.3f s", t);
	CTL("destroy", name);
	expect_ok("destroy");
}

/* notify from one process wakes a wait in another: exit 0, a count. */
Test(mbuffctl, notify_wakes_wait)
{
	const char *name = area("ntf");
	static struct ctl w;
	pid_t pid;
	int i, st = 0;
	char *end;
	long count;

	CTL("create", name, "4K");
	expect_ok("create");
	pid = ctl_start(&w, NULL, 0, NULL,
			(const char *[]){ "wait", name, "--timeout", "10000",
					  NULL });
	/* The waiter may not have opened the area yet: notify until it ends. */
	for (i = 0; i < 100; i++) {
		CTL("notify", name);
		expect_ok("notify");
		usleep(50000);
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	}
	cr_assert_lt(i, 100, "wait did not wake up");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait: status %#x",
		  st);
	slurp(w.err_fd, w.err, sizeof(w.err));
	w.out_len = slurp(w.out_fd, w.out, sizeof(w.out));
	cr_assert_str_empty(w.err, "%s", w.err);
	count = strtol(w.out, &end, 10);
	cr_assert(end != w.out && !strcmp(end, "\n") && count > 0,
		  "output: '%s'", w.out);
	CTL("destroy", name);
	expect_ok("destroy");
}

/* pools without the module: exit 1, a message naming the module. */
Test(mbuffctl, pools_without_module)
{
	struct stat st;

	if (!stat("/sys/class/misc/mbuff", &st))
		cr_skip_test("mbuff.ko is loaded on this host");
	CTL("pools");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.out);
	cr_assert(!strncmp(r.err, "mbuffctl: cannot list pools: ", 29), "%s",
		  r.err);
	cr_assert(strstr(r.err, "mbuff.ko"), "%s", r.err);
	CTL("pools", "--json");
	cr_assert_eq(r.status, 1);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
}

/* Names with '"' and '\' are escaped in info --json and list --json. */
Test(mbuffctl, json_escapes_names)
{
	char name[48], want[64];

	snprintf(name, sizeof(name), "q\"b\\s-%d", getpid());
	cr_assert_lt(nnames, 8);
	strcpy(names[nnames++], name);
	CTL("create", name, "4K");
	expect_ok("create");
	snprintf(want, sizeof(want), "{\"name\": \"q\\\"b\\\\s-%d\"", getpid());
	CTL("info", name, "--json");
	expect_ok("info --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(!strncmp(r.out, want, strlen(want)), "%s", r.out);
	CTL("list", "--json");
	expect_ok("list --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(strstr(r.out, want), "%s", r.out);
	CTL("destroy", name);
	expect_ok("destroy");
}

/* ring needs the module's doorbell: refused clearly for process areas. */
Test(mbuffctl, ring_process)
{
	const char *name = area("ring");

	CTL("create", name, "4K");
	expect_ok("create");
	CTL("ring", name, "--", "-5");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "Operation not supported"), "%s", r.err);
	CTL("destroy", name);
	expect_ok("destroy");
}

/* export and import: their arguments, usage errors (exit 2). */
Test(mbuffctl, usage_dmabuf)
{
	const char *name = area("dmausage");

	CTL("export");
	expect_usage("export", "missing NAME");
	CTL("export", name);
	expect_usage("export NAME", "missing -- COMMAND");
	CTL("export", name, "true");
	expect_usage("export NAME COMMAND", "unexpected argument 'true'");
	CTL("export", name, "--");
	expect_usage("export NAME --", "missing COMMAND");
	CTL("export", "--", "true");
	expect_usage("export -- COMMAND", "missing NAME");
	CTL("export", "a/b", "--", "true");
	expect_usage("export, bad name", "invalid area name");
	CTL("export", name, "--bogus", "--", "true");
	expect_usage("export --bogus", "unrecognized option '--bogus'");
	CTL("export", "--help");
	expect_ok("export --help");
	cr_assert(strstr(r.out, "Usage: mbuffctl export NAME -- COMMAND [ARG...]\n") &&
		  strstr(r.out, "MBUFF_DMABUF_FD=3"), "%s", r.out);

	CTL("import", name);
	expect_usage("import NAME", "give --heap=HEAP SIZE or --fd=N");
	CTL("import", name, "--heap=system", "--fd=3");
	expect_usage("--heap and --fd", "give one of --heap and --fd");
	CTL("import", name, "--fd=3", "--fd=4");
	expect_usage("--fd twice", "give one of --heap and --fd");
	CTL("import", name, "--heap=system");
	expect_usage("--heap without SIZE", "missing SIZE");
	CTL("import", name, "--fd=3", "4K");
	expect_usage("--fd with SIZE", "unexpected argument '4K'");
	CTL("import", "--fd=3");
	expect_usage("import without NAME", "missing NAME");
	CTL("import", "a b", "--fd=3");
	expect_usage("import, bad name", "invalid area name");
	CTL("import", name, "--heap=../system", "4K");
	expect_usage("--heap=../system", "invalid heap '../system'");
	CTL("import", name, "--heap=", "4K");
	expect_usage("--heap=", "invalid heap ''");
	CTL("import", name, "--heap=system", "0");
	expect_usage("size 0", "invalid size '0'");
	CTL("import", name, "--heap=system", "12Q");
	expect_usage("size 12Q", "invalid size '12Q'");
	CTL("import", name, "--fd=-1");
	expect_usage("--fd=-1", "invalid descriptor '-1'");
	CTL("import", name, "--fd=4294967296");
	expect_usage("--fd too large", "invalid descriptor '4294967296'");
	CTL("import", name, "--fd=3", "--mode=0755");
	expect_usage("--mode=0755", "invalid mode '0755'");
	CTL("import", name, "--fd");
	expect_usage("--fd", "option '--fd' needs a value");
	CTL("import", "--help");
	expect_ok("import --help");
	cr_assert(strstr(r.out, "--heap=HEAP") && strstr(r.out, "--fd=N") &&
		  strstr(r.out, "--mode=MODE"), "%s", r.out);
	/* None of this created the area. */
	CTL("info", name);
	cr_assert_eq(r.status, 1, "the area exists: %s", r.out);
}

/* Process-only areas are no dma-bufs: export and import refused (exit 1). */
Test(mbuffctl, dmabuf_process)
{
	const char *name = area("dma"), *other = area("dmaimp");

	CTL("create", name, "4K");
	expect_ok("create");
	CTL("export", name, "--", "sh", "-c", "echo ran");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert_eq(r.out_len, 0, "the command ran: %s", r.out);
	cr_assert(strstr(r.err, "mbuffctl: cannot export '") &&
		  strstr(r.err, "mbuff.ko") &&
		  strstr(r.err, "Operation not supported"), "%s", r.err);
	CTL("export", area("dmanone"), "--", "true");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "cannot open '") &&
		  strstr(r.err, "No such file or directory"), "%s", r.err);

	/* Standard input is a memfd: a descriptor, no dma-buf source. */
	CTL("import", other, "--fd=0");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "mbuffctl: cannot import '") &&
		  strstr(r.err, "Operation not supported"), "%s", r.err);
	CTL("import", other, "--fd=99");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "descriptor 99 is not open: Bad file descriptor"),
		  "%s", r.err);
	CTL("import", other, "--heap=no-such-heap-mbuff", "4K");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "/dev/dma_heap") &&
		  strstr(r.err, "No such file or directory"), "%s", r.err);
	CTL("info", other);
	cr_assert_eq(r.status, 1, "the import created it: %s", r.out);
	CTL("destroy", name);
	expect_ok("destroy");
}

/* How many lines of the output start with "NAME ". */
static int listed(const char *name)
{
	char want[64];
	const char *p = r.out;
	int n = 0;

	snprintf(want, sizeof(want), "\n%s ", name);
	while ((p = strstr(p, want))) {
		n++;
		p++;
	}
	return n;
}

/*
 * list with the devmem source: the names of MBUFF_DEVMEM, sorted, a name
 * given twice shown once with its first range; a malformed list is an
 * error (exit 1); another source does not read the list at all.
 */
Test(mbuffctl, list_devmem)
{
	char env[192], a[48], b[48], want[160];
	const char *line;

	snprintf(a, sizeof(a), "ctl-dma-%d", getpid());
	snprintf(b, sizeof(b), "ctl-dmb-%d", getpid());
	snprintf(env, sizeof(env),
		 "MBUFF_DEVMEM=%s=4K@0x1000,%s=64M@256M,%s=8K@0x2000", b, a, a);
	CTL_ENV(env, "--source=devmem", "list");
	expect_ok("list");
	cr_assert_eq(listed(a), 1, "%s", r.out);
	cr_assert_eq(listed(b), 1, "%s", r.out);
	snprintf(want, sizeof(want), "\n%s ", a);
	line = strstr(r.out, want);
	cr_assert(strstr(line, " 64M devmem  contiguous "), "%s", r.out);
	cr_assert(strstr(line, " 0x10000000 "), "%s", r.out);
	snprintf(want, sizeof(want), "\n%s ", b);
	line = strstr(line, want);
	cr_assert(line, "%s not after %s: %s", b, a, r.out);
	cr_assert(strstr(line, " 4K devmem  contiguous "), "%s", r.out);
	cr_assert(strstr(line, " 0x1000 "), "%s", r.out);

	CTL_ENV(env, "--source=devmem", "list", "--json");
	expect_ok("list --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	snprintf(want, sizeof(want),
		 "{\"name\": \"%s\", \"size\": 67108864, \"source\": \"devmem\"",
		 a);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "\"phys_addr\": 268435456"), "%s", r.out);

	CTL_ENV(env, "list");
	expect_ok("list of the process source");
	cr_assert_eq(listed(a), 0, "devmem area listed: %s", r.out);

	CTL_ENV("MBUFF_DEVMEM=x=4K", "--source=devmem", "list");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.out);
	cr_assert(!strncmp(r.err, "mbuffctl: cannot list areas: MBUFF_DEVMEM: ",
			   43), "%s", r.err);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	CTL_ENV("MBUFF_DEVMEM=x=4K", "list");
	expect_ok("list of the process source, MBUFF_DEVMEM malformed");
}

/*
 * info of a devmem area comes from MBUFF_DEVMEM alone: no /dev/mem is
 * opened, so another user gets the same answer; it has no memory type of
 * its own, nor counts.
 */
Test(mbuffctl, info_devmem)
{
	char env[96], name[48];

	snprintf(name, sizeof(name), "ctl-dmi-%d", getpid());
	snprintf(env, sizeof(env), "MBUFF_DEVMEM=%s=64M@256M", name);
	/* The automatic choice: MBUFF_DEVMEM names it. */
	ctl_full(NULL, 0, (const char *[]){ env, "MBUFF_SOURCE=", NULL },
		 (const char *[]){ "info", name, NULL });
	expect_ok("info");
	cr_assert(strstr(r.out, "source:        devmem\n"), "%s", r.out);
	cr_assert(strstr(r.out, "size:          67108864 (64M)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "phys_addr:     0x10000000\n"), "%s", r.out);
	cr_assert(strstr(r.out, "backend:       contiguous\n"), "%s", r.out);
	cr_assert(strstr(r.out, "memtype:       -\n"), "%s", r.out);
	cr_assert(strstr(r.out, "users:         -\n"), "%s", r.out);
	cr_assert(strstr(r.out, "mode:          -\n"), "%s", r.out);

	CTL_ENV(env, "--source=devmem", "info", name, "--json");
	expect_ok("info --json");
	cr_assert(json_valid(r.out), "invalid JSON: %s", r.out);
	cr_assert(strstr(r.out, "\"phys_addr\": 268435456"), "%s", r.out);
	cr_assert(strstr(r.out, "\"memtype\": null"), "%s", r.out);
}
