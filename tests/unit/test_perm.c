// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmbuff's owners and modes without the module, on process-only areas:
 * creating with a mode, read-only handles, mbuff_chmod() and mbuff_chown(),
 * another user's view, and the arguments every one of them refuses.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mbuff.h>

#define NOBODY 65534

static char names[8][40];
static int nnames;

/* A name for this test, removed by the fixture. */
static const char *area(const char *tag)
{
	cr_assert_lt(nnames, 8);
	snprintf(names[nnames], sizeof(names[0]), "perm-%s-%d", tag, getpid());
	return names[nnames++];
}

static void setup(void)
{
	setenv("MBUFF_SOURCE", "process", 1);
	unsetenv("MBUFF_DEVMEM");
}

static void teardown(void)
{
	char path[64];
	int i;

	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "/mbuff.%.40s", names[i]);
		shm_unlink(path);
	}
}

TestSuite(perm, .init = setup, .fini = teardown, .timeout = 30);

static struct mbuff_opts opts(unsigned int flags, mode_t mode,
			      unsigned int prot)
{
	struct mbuff_opts o = {
		.sz = sizeof(o), .flags = flags, .mode = mode, .prot = prot,
	};

	return o;
}

static struct mbuff_area_info info_of(struct mbuff_area *a)
{
	struct mbuff_area_info info = { .sz = sizeof(info) };

	cr_assert_eq(mbuff_area_info(a, &info), 0, "%s", mbuff_last_error());
	return info;
}

/* The mode of a closed area, from a fresh read-only handle. */
static mode_t mode_of(const char *name)
{
	struct mbuff_opts o = opts(0, 0, PROT_READ);
	struct mbuff_area *a;
	mode_t m;

	cr_assert_eq(mbuff_area_open(name, 0, &o, &a), 0, "%s",
		     mbuff_last_error());
	m = info_of(a).mode;
	mbuff_area_close(a);
	return m;
}

static void create(const char *name, mode_t mode)
{
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE, mode, 0);
	struct mbuff_area *a;

	cr_assert_eq(mbuff_area_open(name, 4096, &o, &a), 0, "%s",
		     mbuff_last_error());
	mbuff_area_close(a);
}

/* The mode asked for, whatever the umask; 0600 without one. */
Test(perm, create_with_mode)
{
	const char *n = area("mode"), *d = area("default");
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE, 0644, 0);
	struct mbuff_area *a;
	mode_t old = umask(077);

	create(n, 0664);
	umask(old);
	cr_assert_eq(mode_of(n), 0664);
	cr_assert_eq(mbuff_area_open(d, 4096, &o, &a), 0);
	cr_assert_eq(info_of(a).mode, 0600, "no MBUFF_OPEN_MODE: the default");
	mbuff_area_close(a);
	/* Only a new area takes it. */
	o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE, 0666, 0);
	cr_assert_eq(mbuff_area_open(n, 0, &o, &a), 0);
	cr_assert_eq(info_of(a).mode, 0664);
	mbuff_area_close(a);
}

/* One refused value per new field of struct mbuff_opts. */
Test(perm, open_refuses)
{
	const char *n = area("refuse");
	static const mode_t bad_modes[] = { 0700, 0111, 01666, 04600, 0777 };
	static const unsigned int bad_prot[] = {
		PROT_WRITE, PROT_EXEC, PROT_READ | PROT_EXEC, 8,
	};
	struct mbuff_opts o;
	struct mbuff_area *a = (void *)1;
	size_t i;

	for (i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE, bad_modes[i], 0);
		cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL,
			     "mode %#o", bad_modes[i]);
		cr_assert_null(a);
		cr_assert(strstr(mbuff_last_error(), "mode"), "%s",
			  mbuff_last_error());
	}
	for (i = 0; i < sizeof(bad_prot) / sizeof(bad_prot[0]); i++) {
		o = opts(MBUFF_OPEN_CREATE, 0, bad_prot[i]);
		cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL,
			     "prot %#x", bad_prot[i]);
	}
	/* A read-only handle can neither create nor hold. */
	o = opts(MBUFF_OPEN_CREATE, 0, PROT_READ);
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL);
	cr_assert(strstr(mbuff_last_error(), "read-only"), "%s",
		  mbuff_last_error());
	o = opts(MBUFF_OPEN_HOLD, 0, PROT_READ);
	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), -EINVAL);
	o = opts(0, 0, PROT_READ);
	cr_assert_eq(mbuff_area_open(n, 0, &o, &a), -ENOENT, "none was made");
}

/* A read-only handle reads, waits, and writes nothing. */
Test(perm, read_only_handle)
{
	const char *n = area("ro");
	struct mbuff_opts rw = opts(MBUFF_OPEN_CREATE, 0, 0);
	struct mbuff_opts ro = opts(0, 0, PROT_READ);
	struct mbuff_area *w, *r;
	int st;
	pid_t pid;

	cr_assert_eq(mbuff_area_open(n, 4096, &rw, &w), 0);
	strcpy(mbuff_area_addr(w), "written");
	cr_assert_eq(mbuff_area_open(n, 0, &ro, &r), 0, "%s",
		     mbuff_last_error());
	cr_assert_str_eq(mbuff_area_addr(r), "written");
	cr_assert_eq(info_of(r).size, 4096);
	cr_assert_eq(mbuff_area_notify(r), -EBADF);
	cr_assert(strstr(mbuff_last_error(), "read-only"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_area_wait(r, 0), -ETIMEDOUT);
	cr_assert_eq(mbuff_area_notify(w), 0);
	cr_assert_eq(mbuff_area_wait(r, 1000), 1, "it still sees notifications");
	pid = fork();
	if (!pid) {
		*(volatile char *)mbuff_area_addr(r) = 'x';
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		  "a write through it was not refused (status %#x)", st);
	mbuff_area_close(r);
	mbuff_area_close(w);
}

Test(perm, chmod)
{
	const char *n = area("chmod");
	static const mode_t bad[] = { 0700, 0111, 01000, 02000, 04000, 0777 };
	size_t i;

	create(n, 0600);
	cr_assert_eq(mbuff_chmod(n, 0640, MBUFF_SOURCE_PROCESS), 0, "%s",
		     mbuff_last_error());
	cr_assert_eq(mode_of(n), 0640);
	cr_assert_eq(mbuff_chmod(n, 0, MBUFF_SOURCE_AUTO), 0, "MBUFF_SOURCE");
	cr_assert_eq(mode_of(n), 0);
	cr_assert_eq(mbuff_chmod(n, 0666, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(mode_of(n), 0666);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_assert_eq(mbuff_chmod(n, bad[i], MBUFF_SOURCE_PROCESS),
			     -EINVAL, "mode %#o", bad[i]);
		cr_assert_eq(errno, EINVAL);
	}
	cr_assert_eq(mode_of(n), 0666, "changed by a refused call");
	cr_assert_eq(mbuff_chmod("bad/name", 0600, MBUFF_SOURCE_PROCESS),
		     -EINVAL);
	cr_assert_eq(mbuff_chmod(NULL, 0600, MBUFF_SOURCE_PROCESS), -EINVAL);
	cr_assert_eq(mbuff_chmod(n, 0600, 99), -EINVAL, "unknown source");
	cr_assert_eq(mbuff_chmod(area("none"), 0600, MBUFF_SOURCE_PROCESS),
		     -ENOENT);
	cr_assert_eq(errno, ENOENT);
	cr_assert(strstr(mbuff_last_error(), "cannot chmod"), "%s",
		  mbuff_last_error());
	cr_assert_eq(mbuff_chmod(n, 0600, MBUFF_SOURCE_DEVMEM), -EOPNOTSUPP);
	cr_assert_eq(errno, EOPNOTSUPP);
}

Test(perm, chown)
{
	const char *n = area("chown");
	struct stat st;
	char path[64];

	create(n, 0600);
	cr_assert_eq(mbuff_chown(n, (uid_t)-1, (gid_t)-1, MBUFF_SOURCE_PROCESS),
		     0, "nothing to change");
	cr_assert_eq(mbuff_chown(n, getuid(), getgid(), MBUFF_SOURCE_PROCESS),
		     0, "%s", mbuff_last_error());
	cr_assert_eq(mbuff_chown("a b", 0, 0, MBUFF_SOURCE_PROCESS), -EINVAL);
	cr_assert_eq(mbuff_chown(area("none"), getuid(), (gid_t)-1,
				 MBUFF_SOURCE_PROCESS), -ENOENT);
	cr_assert_eq(mbuff_chown(n, 0, 0, MBUFF_SOURCE_DEVMEM), -EOPNOTSUPP);
	snprintf(path, sizeof(path), "/dev/shm/mbuff.%s", n);
	if (geteuid()) {
		cr_assert_eq(mbuff_chown(n, 0, (gid_t)-1, MBUFF_SOURCE_PROCESS),
			     -EPERM);
		return;
	}
	cr_assert_eq(mbuff_chown(n, NOBODY, (gid_t)-1, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(st.st_uid == NOBODY && st.st_gid == getgid(),
		  "uid %u gid %u", st.st_uid, st.st_gid);
	cr_assert_eq(mbuff_chown(n, (uid_t)-1, NOBODY, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(st.st_uid == NOBODY && st.st_gid == NOBODY);
	cr_assert_eq(mbuff_chown(n, 0, 0, MBUFF_SOURCE_PROCESS), 0);
}

/*
 * Run @fn as uid and gid NOBODY in a child; its exit status.  Skipped when
 * this process may not change its user.
 */
static int as_nobody(int (*fn)(const char *), const char *name)
{
	int st;
	pid_t pid;

	if (geteuid())
		cr_skip_test("not root: cannot run as another user");
	pid = fork();
	if (!pid) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(name));
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "status %#x", st);
	return WEXITSTATUS(st);
}

/* Another user on a 0644 area: read-only only, and no chmod nor chown. */
static int other_user(const char *name)
{
	struct mbuff_opts rw = opts(0, 0, 0), ro = opts(0, 0, PROT_READ);
	struct mbuff_area *a;

	if (mbuff_area_open(name, 0, &rw, &a) != -EACCES)
		return 1;
	if (mbuff_area_open(name, 0, &ro, &a))
		return 2;
	if (strcmp(mbuff_area_addr(a), "root's"))
		return 3;
	mbuff_area_close(a);
	if (mbuff_chmod(name, 0666, MBUFF_SOURCE_PROCESS) != -EPERM)
		return 4;
	if (mbuff_chown(name, NOBODY, (gid_t)-1, MBUFF_SOURCE_PROCESS) != -EPERM)
		return 5;
	return 0;
}

/* The same user again once the area is 0600: nothing at all. */
static int no_access(const char *name)
{
	struct mbuff_opts ro = opts(0, 0, PROT_READ);
	struct mbuff_area *a;

	return mbuff_area_open(name, 0, &ro, &a) == -EACCES ? 0 : 1;
}

/* The new owner of a 0600 area: reads, writes and changes it. */
static int new_owner(const char *name)
{
	struct mbuff_opts rw = opts(0, 0, 0);
	struct mbuff_area *a;

	if (mbuff_area_open(name, 0, &rw, &a))
		return 1;
	strcpy(mbuff_area_addr(a), "nobody's");
	mbuff_area_close(a);
	return mbuff_chmod(name, 0640, MBUFF_SOURCE_PROCESS) ? 2 : 0;
}

Test(perm, other_user)
{
	const char *n = area("other");
	struct mbuff_opts o = opts(MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE, 0644, 0);
	struct mbuff_area *a;
	int ret;

	cr_assert_eq(mbuff_area_open(n, 4096, &o, &a), 0);
	strcpy(mbuff_area_addr(a), "root's");
	ret = as_nobody(other_user, n);
	cr_assert_eq(ret, 0, "step %d failed", ret);
	cr_assert_eq(mbuff_chmod(n, 0600, MBUFF_SOURCE_PROCESS), 0);
	cr_assert_eq(as_nobody(no_access, n), 0);
	/* Given away: the new owner may change it, and read it. */
	cr_assert_eq(mbuff_chown(n, NOBODY, NOBODY, MBUFF_SOURCE_PROCESS), 0);
	ret = as_nobody(new_owner, n);
	cr_assert_eq(ret, 0, "step %d failed", ret);
	cr_assert_str_eq(mbuff_area_addr(a), "nobody's");
	cr_assert_eq(mode_of(n), 0640);
	mbuff_area_close(a);
}
