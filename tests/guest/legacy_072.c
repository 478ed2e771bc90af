// SPDX-License-Identifier: GPL-2.0-only
/*
 * An mbuff 0.7.2 program on its own copy of the old header: ioctls 0-3,
 * area lifetimes, mmap, read.
 *
 * Raw ioctl 2 (DEALLOCATE) is also FIGETBSZ, _IO(0x00, 2), which a modern
 * kernel's VFS answers itself for every file before the driver's ioctl:
 * it returns 0 and writes the file system's block size into the first int
 * of the request (flags).  Case 2 finds out whether that happens here.
 * When it does, the cases about what DEALLOCATE does are skipped, and where
 * an unmodified program behaves differently because of it (mbuff_free()
 * does not munmap) that behaviour is what is checked.  When ioctl 2
 * reaches the driver, all of DEALLOCATE is checked.
 *
 * Either way ALLOCATE takes no lasting count: the area is held by the open
 * file that selected it, then by the mappings made of it, so once a program
 * has unmapped it (or exited) and closed its descriptors the area is gone
 * and a later SELECT fails.  A run leaves nothing behind for the next one
 * in the same boot: the names this test uses must be free when it starts.
 * At the end it lists them as "# used: NAME" (legacy_clean.sh checks that
 * none of them is left once it has exited) and any area still there as
 * "# left: NAME", which fails the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "legacy/mbuff.h"
#include "tap.h"

#define PLAN 40

#define MIB (1 << 20)
#define SMALL (64 << 10)	/* a multiple of 4 KiB, 16 KiB and 64 KiB pages */
#define ODD 5000		/* not a multiple of any page size */
#define LONGNAME "legacy_072_name_with_32_chars_ok"

_Static_assert(sizeof(LONGNAME) == MBUFF_NAME_LEN + 1, "LONGNAME is 32 bytes");

#define SKIP_DEALLOC "ioctl 2 never reaches the driver (FIGETBSZ)"

static const char text1[] = "0.7.2: written through the first mapping of demo1";
static const char text2[] = "0.7.2: written through the second mapping of demo1";
static const char text3[] = "0.7.2: the second mapping still works";
static const char reply1[] = "0.7.2: a child wrote this through mbuff_alloc";
static const char reply2[] = "0.7.2: a child wrote this through mbuff_attach";
static const char at5000[] = "0.7.2: read() after lseek to 5000";
static const char text_d2[] = "0.7.2: attached demo2";
static const char text_def2[] = "0.7.2: still the default area";
/* Unique to the run: what is read back must be this run's. */
static char text_def[48], text_def8000[48];

#define OFF_TEXT2 4096
#define OFF_REPLY1 (2 * 4096)
#define OFF_REPLY2 (3 * 4096)
#define OFF_TEXT3 (5 * 4096)

static long pg;
static pid_t main_pid;

/* Raw ioctl 2 is answered by the VFS (FIGETBSZ), never by the driver. */
static int intercepted;
/* "default" was there before this run (which case 3 reports). */
static int default_existed;

/*
 * Names.  An unknown name unique to the run; the areas this run creates
 * have fixed names, which must be free when it starts (case 3).
 */
static char nx_name[MBUFF_NAME_LEN + 1];
static const char *d3_name = "demo3";
static const char *long_name = LONGNAME;
static const char *d2c_name = "demo2";

/* Every name this run creates or looks up (filled by use_names()). */
static const char *used[8];
static size_t n_used;

/* Case numbers, for the messages of the cases that depend on them. */
static int case_p1, case_p2, case_fd, case_d3, case_att1, case_att2, case_def;

/* ---- one case: collect what went wrong, then print it and the result */

static char why[1024];

__attribute__((format(printf, 1, 2)))
static void bad(const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n + 8 >= sizeof(why))
		return;
	if (n) {
		strcpy(why + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - n, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static int done(const char *fmt, ...)
{
	int ok = !why[0];
	va_list ap;

	if (!ok)
		tap_diag("%s", why);
	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	why[0] = '\0';
	return ok;
}

/* @ret (errno @err when negative) must be @want. */
static int want_ret(const char *what, int ret, int err, int want)
{
	if (ret == want)
		return 1;
	if (ret < 0)
		bad("%s returned %d (%s), expected %d", what, ret,
		    strerror(err), want);
	else
		bad("%s returned %d, expected %d", what, ret, want);
	return 0;
}

/* @ret must be -1 with errno @e1 or @e2 (@e1 0: any errno). */
static int want_fail(const char *what, int ret, int err, int e1, int e2)
{
	if (ret >= 0) {
		bad("%s returned %d, expected it to fail", what, ret);
		return 0;
	}
	if (ret != -1) {
		bad("%s returned %d (%s), expected -1", what, ret,
		    strerror(err));
		return 0;
	}
	if (e1 && err != e1 && err != e2) {
		bad("%s failed with %s, expected %s", what, strerror(err),
		    strerror(e1));
		return 0;
	}
	return 1;
}

static const char *errtext(int ret, int err)
{
	static char buf[4][64];
	static int i;

	i = (i + 1) % 4;
	if (ret < 0)
		snprintf(buf[i], sizeof(buf[i]), "-1, %s", strerror(err));
	else
		snprintf(buf[i], sizeof(buf[i]), "%d", ret);
	return buf[i];
}

/* ---- the device, as a 0.7.2 program reaches it */

static int dev_open(void)
{
	int fd = open(MBUFF_DEV_NAME, O_RDWR);

	if (fd < 0)
		bad("open %s: %s", MBUFF_DEV_NAME, strerror(errno));
	return fd;
}

static int req(int fd, unsigned long cmd, const char *name, size_t size,
	       int *err)
{
	struct mbuff_request_struct r;
	int ret;

	mbuff_request_init(&r, name, size);
	errno = 0;
	ret = ioctl(fd, cmd, &r);
	*err = ret < 0 ? errno : 0;
	return ret;
}

/* One request on a descriptor of its own, closed at once. */
static int raw(unsigned long cmd, const char *name, size_t size, int *err)
{
	int fd = dev_open(), ret;

	if (fd < 0) {
		*err = errno;
		return -1;
	}
	ret = req(fd, cmd, name, size, err);
	close(fd);
	return ret;
}

static int select_size(const char *name, int *err)
{
	return raw(IOCTL_MBUFF_SELECT, name, 0, err);
}

/* The area is gone: SELECT fails with EINVAL. */
static int want_gone(const char *name)
{
	char what[64];
	int err, r = select_size(name, &err);

	snprintf(what, sizeof(what), "SELECT(\"%s\")", name);
	return want_fail(what, r, err, EINVAL, EINVAL);
}

static int want_size(const char *name, int size)
{
	char what[64];
	int err, r = select_size(name, &err);

	snprintf(what, sizeof(what), "SELECT(\"%s\")", name);
	return want_ret(what, r, err, size);
}

/*
 * @prefix followed by a number (at least @width digits) that makes a name
 * no area has, into @buf (MBUFF_NAME_LEN + 1 bytes).
 */
static const char *unique_name(char *buf, const char *prefix, int width)
{
	unsigned int id = (unsigned int)getpid() % 100000000u;
	int i, err;

	for (i = 0; i < 1000; i++, id = (id + 1) % 100000000u) {
		snprintf(buf, MBUFF_NAME_LEN + 1, "%s%0*u", prefix, width, id);
		if (select_size(buf, &err) < 0)
			break;
	}
	return buf;
}

static void use_name(const char *name)
{
	size_t i;

	for (i = 0; i < n_used; i++)
		if (!strcmp(used[i], name))
			return;
	if (n_used < sizeof(used) / sizeof(used[0]))
		used[n_used++] = name;
}

/* The names of the areas this run uses (nx_name: once case 2 chose it). */
static void use_names(void)
{
	use_name("demo1");
	use_name("demo2");
	use_name("default");
	use_name(d3_name);
	use_name(long_name);
	use_name(d2c_name);
	use_name(nx_name);
}

/* ---- mappings this program holds, let go at the end if a case failed */

static struct {
	void *p;
	size_t len;
} maps[16];

static void track(void *p, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (!maps[i].p) {
			maps[i].p = p;
			maps[i].len = len;
			return;
		}
}

static void untrack(void *p)
{
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (maps[i].p == p)
			maps[i].p = NULL;
}

static void unmap(void *p)
{
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (p && maps[i].p == p) {
			munmap(p, maps[i].len);
			maps[i].p = NULL;
		}
}

/* Nothing is mapped at @p any more (then it is untracked). */
static int unmapped(void *p)
{
	unsigned char v;

	if (mincore(p, 1, &v) == 0 || errno != ENOMEM)
		return 0;
	untrack(p);
	return 1;
}

static void *map_fd(int fd, size_t len, int *err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	*err = p == MAP_FAILED ? errno : 0;
	if (p == MAP_FAILED)
		return NULL;
	track(p, len);
	return p;
}

/*
 * The names this run used, for legacy_clean.sh to check once this process
 * has exited, and the areas still there now that it holds nothing (there
 * should be none).  Returns how many are left.
 */
static int list_left(void)
{
	int err, left = 0;
	size_t i;

	for (i = 0; i < n_used; i++)
		tap_diag("used: %s", used[i]);
	for (i = 0; i < n_used; i++) {
		if (select_size(used[i], &err) < 0)
			continue;
		if (!left++)
			tap_diag("areas left though this run holds no mapping or descriptor of them:");
		tap_diag("left: %s", used[i]);
	}
	return left;
}

static void on_fatal(int sig)
{
	int crashed = tap_n + 1;

	if (getpid() != main_pid)
		_exit(128 + sig);
	tap_diag("signal %d (%s) in case %d", sig, strsignal(sig), crashed);
	tap_ok(0, "case %d crashed with signal %d", crashed, sig);
	while (tap_n < PLAN)
		tap_ok(0, "not run: signal %d in case %d", sig, crashed);
	why[0] = '\0';
	list_left();
	_exit(1);
}

/* ---- the cases */

static char *p1, *p2;

/*
 * Raw ioctl 2 on a name no area has: the driver fails it with EINVAL; the
 * VFS answering it as FIGETBSZ returns 0 and writes the block size to the
 * first int (flags), leaving the rest of the request as it was.
 */
static void detect_ioctl2(void)
{
	struct mbuff_request_struct r, before;
	int err = 0, ret = -1, fd;

	unique_name(nx_name, "legacy_072_unknown_", 0);
	mbuff_request_init(&r, nx_name, 0);
	memcpy(&before, &r, sizeof(r));
	fd = dev_open();
	if (fd >= 0) {
		errno = 0;
		ret = ioctl(fd, IOCTL_MBUFF_DEALLOCATE, &r);
		err = ret < 0 ? errno : 0;
		close(fd);
	}
	if (ret == 0 && r.flags != 0) {
		intercepted = 1;
		if (r.flags < 512 || (r.flags & (r.flags - 1)))
			bad("flags became %u, not a block size (a power of two >= 512)",
			    r.flags);
		if (memcmp((char *)&r + sizeof(r.flags),
			   (char *)&before + sizeof(r.flags),
			   sizeof(r) - sizeof(r.flags)) != 0)
			bad("bytes of the request after flags changed as well");
		done("raw ioctl 2 (DEALLOCATE) is answered by the VFS as FIGETBSZ: returns 0, block size %u written to flags",
		     r.flags);
		return;
	}
	want_fail("DEALLOCATE(unknown name)", ret, err, EINVAL, EINVAL);
	if (memcmp(&r, &before, sizeof(r)) != 0)
		bad("the request was changed (flags %u)", r.flags);
	done("raw ioctl 2 (DEALLOCATE) reaches the driver: on an unknown name it fails with EINVAL (%s)",
	     errtext(ret, err));
}

static void basics(int fd0)
{
	int err, r, fd;
	size_t i;
	void *p;

	for (i = 0; i < n_used; i++) {
		r = select_size(used[i], &err);
		if (r < 0)
			continue;
		if (!strcmp(used[i], "default"))
			default_existed = 1;
		bad("area \"%s\" (%d bytes) exists: left by an earlier run, or held by another program or a kernel user",
		    used[i], r);
	}
	done("the names this test uses (demo1, demo2, demo3, default, a 32-byte name) are free: an earlier run left nothing behind");

	r = req(fd0, IOCTL_MBUFF_INFO, "demo1", 0, &err);
	want_fail("INFO", r, err, ENOSYS, ENOSYS);
	done("INFO (ioctl 0) fails with ENOSYS (%s)", errtext(r, err));

	r = req(fd0, 4, "demo1", 0, &err);
	want_fail("ioctl 4", r, err, EINVAL, ENOTTY);
	done("unknown ioctl 4 fails with EINVAL or ENOTTY (%s)",
	     errtext(r, err));

	r = req(fd0, 0x1234, "demo1", 0, &err);
	want_fail("ioctl 0x1234", r, err, EINVAL, ENOTTY);
	done("unknown ioctl 0x1234 fails with EINVAL or ENOTTY (%s)",
	     errtext(r, err));

	if (default_existed) {
		tap_skip("\"default\" is left by an earlier run, so open() selects it: no descriptor starts with nothing selected");
	} else {
		fd = dev_open();
		if (fd >= 0) {
			p = map_fd(fd, pg, &err);
			if (p) {
				bad("mmap succeeded with nothing selected");
				unmap(p);
			} else if (err != EINVAL) {
				bad("mmap failed with %s, expected EINVAL",
				    strerror(err));
			}
			close(fd);
		}
		done("mmap on a fresh descriptor with nothing selected (no \"default\") fails with EINVAL");
	}

	r = select_size(nx_name, &err);
	want_fail("SELECT(unknown name)", r, err, EINVAL, EINVAL);
	done("SELECT of an unknown name fails with EINVAL (%s)",
	     errtext(r, err));

	if (intercepted) {
		tap_skip(SKIP_DEALLOC);
	} else {
		r = raw(IOCTL_MBUFF_DEALLOCATE, nx_name, 0, &err);
		want_fail("DEALLOCATE(unknown name)", r, err, EINVAL, EINVAL);
		done("DEALLOCATE of an unknown name fails with EINVAL (%s)",
		     errtext(r, err));
	}

	r = raw(IOCTL_MBUFF_ALLOCATE, nx_name, 0, &err);
	want_fail("ALLOCATE(unknown name, 0)", r, err, 0, 0);
	if (r > 0 && !intercepted)
		raw(IOCTL_MBUFF_DEALLOCATE, nx_name, 0, &err);
	want_gone(nx_name);
	done("ALLOCATE of a non-existent name with size 0 fails and creates nothing (%s; EIO in 0.7.2)",
	     errtext(r, err));
}

/* A child process: mbuff_alloc (or mbuff_attach) "demo1", check, reply. */
static int child_demo1(int attach)
{
	const char *reply = attach ? reply2 : reply1;
	size_t off = attach ? OFF_REPLY2 : OFF_REPLY1;
	char *c;
	int rc = 0;

	c = attach ? mbuff_attach("demo1", MIB) : mbuff_alloc("demo1", MIB);
	if (!c) {
		tap_diag("child: %s(\"demo1\", %d): %s",
			 attach ? "mbuff_attach" : "mbuff_alloc", MIB,
			 strerror(errno));
		return 1;
	}
	if (memcmp(c, text1, sizeof(text1)) != 0) {
		tap_diag("child: the parent's text is not in \"demo1\"");
		rc = 1;
	} else {
		memcpy(c + off, reply, strlen(reply) + 1);
	}
	if (attach)
		mbuff_detach("demo1", c);
	else
		mbuff_free("demo1", c);
	return rc;
}

static void run_child(int attach)
{
	const char *reply = attach ? reply2 : reply1;
	size_t off = attach ? OFF_REPLY2 : OFF_REPLY1;
	int st;
	pid_t pid;

	/* What an earlier run's child wrote must not count. */
	if (p2)
		memset(p2 + off, 0, strlen(reply) + 1);
	pid = fork();
	if (pid < 0) {
		bad("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		_exit(child_demo1(attach));
	if (waitpid(pid, &st, 0) != pid) {
		bad("waitpid: %s", strerror(errno));
		return;
	}
	if (WIFSIGNALED(st))
		bad("the child was killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st))
		bad("the child exited %d", WEXITSTATUS(st));
	if (!p2)
		bad("no second mapping to look through (case %d failed)",
		    case_p2);
	else if (memcmp(p2 + off, reply, strlen(reply) + 1) != 0)
		bad("the child's reply is not visible through the parent's mapping");
}

static void demo1(void)
{
	char buf[128];
	int err = 0, r, r2, fd, n;
	char *q;

	p1 = mbuff_alloc("demo1", MIB);
	if (!p1)
		bad("mbuff_alloc(\"demo1\", %d): %s", MIB, strerror(errno));
	else
		track(p1, MIB);
	done("mbuff_alloc(\"demo1\", 1 MiB) returns a mapping");
	case_p1 = tap_n;

	p2 = mbuff_alloc("demo1", MIB);
	if (!p2) {
		bad("mbuff_alloc(\"demo1\", %d): %s", MIB, strerror(errno));
	} else {
		track(p2, MIB);
		if (p2 == p1)
			bad("both calls returned %p", (void *)p1);
	}
	done("mbuff_alloc(\"demo1\", 1 MiB) again returns a second mapping at another address (%p, %p)",
	     (void *)p1, (void *)p2);
	case_p2 = tap_n;

	if (p1 && p2) {
		/* Cleared through the other mapping: the area may be old. */
		memset(p2, 0, sizeof(text1));
		memset(p2 + MIB - sizeof(text1), 0, sizeof(text1));
		memset(p2 + 5000, 0, sizeof(at5000));
		memset(p1 + OFF_TEXT2, 0, sizeof(text2));
		memset(p1 + OFF_TEXT3, 0, sizeof(text3));
		memcpy(p1, text1, sizeof(text1));
		memcpy(p1 + MIB - sizeof(text1), text1, sizeof(text1));
		memcpy(p2 + OFF_TEXT2, text2, sizeof(text2));
		if (memcmp(p2, text1, sizeof(text1)) != 0)
			bad("the text written at offset 0 through the first mapping is not in the second");
		if (memcmp(p2 + MIB - sizeof(text1), text1, sizeof(text1)) != 0)
			bad("the text written at the end through the first mapping is not in the second");
		if (memcmp(p1 + OFF_TEXT2, text2, sizeof(text2)) != 0)
			bad("the text written through the second mapping is not in the first");
	} else {
		bad("needs both mappings (cases %d and %d)", case_p1, case_p2);
	}
	done("the two mappings are the same memory: text written through one is read through the other, at both ends");

	fd = dev_open();
	r = -1;
	if (fd >= 0) {
		r = req(fd, IOCTL_MBUFF_SELECT, "demo1", 0, &err);
		if (want_ret("SELECT(\"demo1\")", r, err, MIB)) {
			q = map_fd(fd, MIB, &err);
			if (!q)
				bad("mmap after SELECT: %s", strerror(err));
			else if (memcmp(q, text1, sizeof(text1)) != 0)
				bad("the mapping made after SELECT does not show the text");
			unmap(q);
		}
		close(fd);
	}
	done("SELECT(\"demo1\") returns its size 1048576 (%s) and an mmap of that descriptor shows the same bytes",
	     errtext(r, err));

	r = raw(IOCTL_MBUFF_ALLOCATE, "demo1", MIB + pg, &err);
	want_fail("ALLOCATE(\"demo1\", 1 MiB + 1 page)", r, err, 0, 0);
	if (r > 0 && !intercepted)
		raw(IOCTL_MBUFF_DEALLOCATE, "demo1", 0, &err);
	want_size("demo1", MIB);
	done("ALLOCATE with a size larger than the existing area fails and leaves it as it was (%s; EIO in 0.7.2)",
	     errtext(r, err));

	fd = dev_open();
	r = r2 = -1;
	if (fd >= 0) {
		r = req(fd, IOCTL_MBUFF_ALLOCATE, "demo1", 0, &err);
		want_ret("ALLOCATE(\"demo1\", 0)", r, err, MIB);
		r2 = req(fd, IOCTL_MBUFF_ALLOCATE, "demo1", 100, &err);
		want_ret("ALLOCATE(\"demo1\", 100)", r2, err, MIB);
	}
	done("ALLOCATE of an existing area with size 0 or a smaller size returns its size (%d, %d)",
	     r, r2);
	case_fd = tap_n;

	if (intercepted) {
		if (fd >= 0)
			close(fd);
		tap_skip(SKIP_DEALLOC);
	} else {
		if (fd >= 0) {
			n = (r > 0) + (r2 > 0);
			if (n < 2)
				bad("needs the two ALLOCATEs of case %d", case_fd);
			while (n-- > 0) {
				int d = req(fd, IOCTL_MBUFF_DEALLOCATE, "demo1",
					    0, &err);

				want_ret("DEALLOCATE(\"demo1\")", d, err, MIB);
			}
			close(fd);
		} else {
			bad("needs the descriptor of case %d", case_fd);
		}
		done("DEALLOCATE returns the size while the area is held (twice, on the descriptor of case %d; mbuff_alloc's two mappings hold it)",
		     case_fd);
	}

	fd = dev_open();
	if (fd >= 0) {
		r = req(fd, IOCTL_MBUFF_SELECT, "demo1", 0, &err);
		want_ret("SELECT(\"demo1\")", r, err, MIB);
		if (p1) {
			memcpy(p1 + 5000, at5000, sizeof(at5000));
			n = (int)read(fd, buf, sizeof(text1));
			if (n != (int)sizeof(text1))
				bad("read at 0 returned %s, expected %d",
				    errtext(n, errno), (int)sizeof(text1));
			else if (memcmp(buf, text1, sizeof(text1)) != 0)
				bad("read at 0 did not return the text written through the mapping");
			if (lseek(fd, 5000, SEEK_SET) != 5000)
				bad("lseek to 5000: %s", strerror(errno));
			n = (int)read(fd, buf, sizeof(at5000));
			if (n != (int)sizeof(at5000))
				bad("read at 5000 returned %s, expected %d",
				    errtext(n, errno), (int)sizeof(at5000));
			else if (memcmp(buf, at5000, sizeof(at5000)) != 0)
				bad("read at 5000 did not return the text written there");
		} else {
			bad("needs the first mapping (case %d)", case_p1);
		}
	}
	done("read() on a descriptor with \"demo1\" selected returns the area's bytes, at 0 and after lseek to 5000");
	case_fd = tap_n;

	if (fd >= 0) {
		if (lseek(fd, MIB - 10, SEEK_SET) != MIB - 10)
			bad("lseek to the end - 10: %s", strerror(errno));
		n = (int)read(fd, buf, 64);
		if (n != 10)
			bad("read of 64 bytes at the end - 10 returned %s, expected 10",
			    errtext(n, errno));
		else if (p1 && memcmp(buf, p1 + MIB - 10, 10) != 0)
			bad("read at the end - 10 did not return the last bytes of the area");
		n = (int)read(fd, buf, 64);
		if (n != 0)
			bad("read at the end returned %s, expected 0",
			    errtext(n, errno));
		close(fd);
	} else {
		bad("needs the descriptor of case %d", case_fd);
	}
	done("read() stops at the end of the area: 10 bytes at the end - 10, then 0");

	run_child(0);
	done("a child process's mbuff_alloc(\"demo1\") sees the parent's bytes; what it writes before mbuff_free the parent sees");

	run_child(1);
	done("a child process's mbuff_attach(\"demo1\") sees the parent's bytes; what it writes before mbuff_detach the parent sees");

	if (p1) {
		mbuff_free("demo1", p1);
		if (!intercepted) {
			if (!unmapped(p1))
				bad("the first mapping is still there after mbuff_free (DEALLOCATE did not return the size?)");
		} else if (unmapped(p1)) {
			bad("the first mapping is gone after mbuff_free, though ioctl 2 returns 0 and the original library unmaps only on a positive result");
		} else if (memcmp(p1, text1, sizeof(text1)) != 0 ||
			   memcmp(p1 + OFF_REPLY1, reply1, sizeof(reply1)) != 0) {
			bad("the first mapping no longer shows the area's bytes");
		}
	} else {
		bad("needs the first mapping (case %d)", case_p1);
	}
	want_size("demo1", MIB);
	if (intercepted)
		done("mbuff_free(\"demo1\", first): ioctl 2 returns 0, so the original library does not munmap: the first mapping stays and shows the area's bytes; the area stays");
	else
		done("mbuff_free(\"demo1\", first) unmaps the first mapping; the area stays");

	if (p2) {
		if (memcmp(p2, text1, sizeof(text1)) != 0 ||
		    memcmp(p2 + OFF_TEXT2, text2, sizeof(text2)) != 0 ||
		    memcmp(p2 + OFF_REPLY1, reply1, sizeof(reply1)) != 0 ||
		    memcmp(p2 + OFF_REPLY2, reply2, sizeof(reply2)) != 0)
			bad("the second mapping lost the bytes written before");
		memcpy(p2 + OFF_TEXT3, text3, sizeof(text3));
		fd = dev_open();
		if (fd >= 0) {
			r = req(fd, IOCTL_MBUFF_SELECT, "demo1", 0, &err);
			want_ret("SELECT(\"demo1\")", r, err, MIB);
			if (lseek(fd, OFF_TEXT3, SEEK_SET) != OFF_TEXT3)
				bad("lseek: %s", strerror(errno));
			n = (int)read(fd, buf, sizeof(text3));
			if (n != (int)sizeof(text3) ||
			    memcmp(buf, text3, sizeof(text3)) != 0)
				bad("read() does not see what was written through the second mapping (%s)",
				    errtext(n, errno));
			close(fd);
		}
	} else {
		bad("needs the second mapping (case %d)", case_p2);
	}
	done("the second mapping stays valid: it keeps the bytes and takes writes (seen by read())");

	if (p2) {
		mbuff_free("demo1", p2);
		if (!intercepted) {
			if (!unmapped(p2))
				bad("the second mapping is still there after mbuff_free");
		} else if (unmapped(p2)) {
			bad("the second mapping is gone after mbuff_free, though ioctl 2 returns 0");
		} else if (memcmp(p2 + OFF_TEXT3, text3, sizeof(text3)) != 0) {
			bad("the second mapping no longer shows the area's bytes");
		}
	} else {
		bad("needs the second mapping (case %d)", case_p2);
	}
	if (intercepted) {
		/* Both mappings still hold it. */
		want_size("demo1", MIB);
		/* What the process's exit would do. */
		unmap(p1);
		want_size("demo1", MIB);
		unmap(p2);
		want_gone("demo1");
		done("mbuff_free(\"demo1\", second) leaves that mapping too; once both are unmapped (as at the process's exit) \"demo1\" is gone: SELECT(\"demo1\") fails with EINVAL");
	} else {
		want_gone("demo1");
		done("mbuff_free(\"demo1\", second): the area is gone, SELECT(\"demo1\") fails with EINVAL");
	}
}

static void demo3(void)
{
	int want = (int)((ODD + pg - 1) / pg * pg);
	char short_name[MBUFF_NAME_LEN];
	char *m1 = NULL, *m2 = NULL, *m3;
	char what[96];
	int err = 0, r, r2, fd;

	fd = dev_open();
	r = -1;
	if (fd >= 0) {
		snprintf(what, sizeof(what), "ALLOCATE(\"%s\", 5000)", d3_name);
		r = req(fd, IOCTL_MBUFF_ALLOCATE, d3_name, ODD, &err);
		want_ret(what, r, err, want);
	}
	r2 = select_size(d3_name, &err);
	snprintf(what, sizeof(what), "SELECT(\"%s\") on another descriptor",
		 d3_name);
	want_ret(what, r2, err, want);
	done("ALLOCATE(\"%s\", 5000) returns the page-aligned size %d (got %d; SELECT: %d)",
	     d3_name, want, r, r2);
	case_d3 = tap_n;

	if (fd >= 0) {
		m1 = map_fd(fd, pg, &err);
		if (!m1)
			bad("mmap of one page: %s", strerror(err));
		m2 = map_fd(fd, want, &err);
		if (!m2)
			bad("mmap of %d bytes: %s", want, strerror(err));
		if (m1 && m2) {
			m1[0] = 0;
			m2[0] = 'a';
			m2[want - 1] = 'z';
			if (m1[0] != 'a')
				bad("the two mappings of \"%s\" differ",
				    d3_name);
		}
		m3 = map_fd(fd, want + pg, &err);
		if (m3) {
			bad("mmap of %ld bytes, more than the area, succeeded",
			    want + pg);
			unmap(m3);
		}
	} else {
		bad("needs the descriptor of case %d", case_d3);
	}
	done("mmap after ALLOCATE on that descriptor: one page and all %d bytes map, %ld bytes (past the end) do not",
	     want, want + pg);

	if (intercepted) {
		/* No DEALLOCATE: the mappings take over from the file. */
		if (fd >= 0) {
			close(fd);
			want_size(d3_name, want);
			unmap(m1);
			want_size(d3_name, want);
			unmap(m2);
			want_gone(d3_name);
		} else {
			bad("needs the descriptor of case %d", case_d3);
		}
		done("with the descriptor that did ALLOCATE closed, the mappings keep the area; the last munmap frees it");
	} else {
		r = -1;
		if (fd >= 0) {
			r = req(fd, IOCTL_MBUFF_DEALLOCATE, d3_name, 0, &err);
			want_ret("DEALLOCATE(\"demo3\") with mappings", r, err,
				 want);
			close(fd);
			want_size(d3_name, want);
			unmap(m1);
			want_size(d3_name, want);
			unmap(m2);
			want_gone(d3_name);
		} else {
			bad("needs the descriptor of case %d", case_d3);
		}
		done("DEALLOCATE with mappings left returns the size (%s); the mappings keep the area until the last munmap frees it",
		     errtext(r, err));
	}

	if (intercepted) {
		tap_skip(SKIP_DEALLOC);
	} else {
		fd = dev_open();
		r = r2 = -1;
		if (fd >= 0) {
			r = req(fd, IOCTL_MBUFF_ALLOCATE, d3_name, ODD, &err);
			want_ret("ALLOCATE(\"demo3\", 5000)", r, err, want);
			r2 = req(fd, IOCTL_MBUFF_DEALLOCATE, d3_name, 0, &err);
			want_ret("DEALLOCATE(\"demo3\") with no mapping", r2,
				 err, 0);
			/* DEALLOCATE let the file's hold go: gone at once. */
			if (!want_gone(d3_name))
				bad("(checked before closing the descriptor that did ALLOCATE)");
			close(fd);
			want_gone(d3_name);
		}
		done("ALLOCATE then DEALLOCATE with no mapping on one descriptor returns 0 and frees the area before close (%d, %s)",
		     r, errtext(r2, err));
	}

	memcpy(short_name, long_name, MBUFF_NAME_LEN - 1);
	short_name[MBUFF_NAME_LEN - 1] = '\0';
	if (strlen(long_name) != MBUFF_NAME_LEN)
		bad("the name \"%s\" is %zu bytes, not %d", long_name,
		    strlen(long_name), MBUFF_NAME_LEN);
	fd = dev_open();
	r = -1;
	if (fd >= 0) {
		r = req(fd, IOCTL_MBUFF_ALLOCATE, long_name, pg, &err);
		want_ret("ALLOCATE(32-byte name)", r, err, (int)pg);
		/* The descriptor that did ALLOCATE holds it meanwhile. */
		want_size(long_name, (int)pg);
		want_gone(short_name);
	}
	if (intercepted) {
		if (fd >= 0) {
			close(fd);
			want_gone(long_name);
		}
		done("a name of the full 32 bytes (%s) works: ALLOCATE creates it, SELECT finds it while the descriptor that did ALLOCATE is open, its 31-byte prefix is another name; closing that descriptor (no mapping) frees it",
		     long_name);
		tap_skip(SKIP_DEALLOC);
	} else {
		done("a name of the full 32 bytes (%s) works: ALLOCATE creates it, SELECT finds it while the descriptor that did ALLOCATE is open, its 31-byte prefix is another name",
		     long_name);
		r2 = -1;
		if (fd >= 0) {
			r2 = req(fd, IOCTL_MBUFF_DEALLOCATE, long_name, 0,
				 &err);
			want_ret("DEALLOCATE(32-byte name)", r2, err, 0);
			want_gone(long_name);
			close(fd);
			want_gone(long_name);
		}
		done("DEALLOCATE of the 32-byte name on the descriptor that did ALLOCATE returns 0 and frees it (%s)",
		     errtext(r2, err));
	}
}

static void demo2(void)
{
	char *a, *b;
	int up[2], down[2], st;
	char c = 0;
	pid_t pid;

	a = mbuff_attach("demo2", SMALL);
	if (!a)
		bad("mbuff_attach(\"demo2\", %d): %s", SMALL, strerror(errno));
	else
		track(a, SMALL);
	want_size("demo2", SMALL);
	done("mbuff_attach(\"demo2\", 64 KiB) maps it; with its descriptor closed and no count, the mapping keeps the area (SELECT finds it)");
	case_att1 = tap_n;

	b = mbuff_attach("demo2", 0);
	if (!b) {
		bad("mbuff_attach(\"demo2\", 0): %s", strerror(errno));
	} else {
		track(b, SMALL);
		if (b == a)
			bad("both attaches returned %p", (void *)a);
	}
	if (a && b) {
		/* Cleared through the other mapping: the area may be old. */
		memset(b, 0, sizeof(text_d2));
		a[SMALL - 1] = 0;
		memcpy(a, text_d2, sizeof(text_d2));
		b[SMALL - 1] = 'b';
		if (memcmp(b, text_d2, sizeof(text_d2)) != 0 ||
		    a[SMALL - 1] != 'b')
			bad("the two attached mappings are not the same memory");
	}
	done("mbuff_attach(\"demo2\", 0) maps all of the existing area at another address; same memory");
	case_att2 = tap_n;

	if (a) {
		mbuff_detach("demo2", a);
		if (!unmapped(a))
			bad("the first mapping is still there after mbuff_detach");
	} else {
		bad("needs the first attach (case %d)", case_att1);
	}
	want_size("demo2", SMALL);
	if (b && memcmp(b, text_d2, sizeof(text_d2)) != 0)
		bad("the second attached mapping lost its bytes");
	if (intercepted)
		done("mbuff_detach of the first attach unmaps it (SELECT and munmap: no ioctl 2); the area stays, the other mapping keeps its bytes");
	else
		done("mbuff_detach of the first attach unmaps it; the other mapping keeps the area");

	if (b) {
		mbuff_detach("demo2", b);
		if (!unmapped(b))
			bad("the second mapping is still there after mbuff_detach");
	} else {
		bad("needs the second attach (case %d)", case_att2);
	}
	want_gone("demo2");
	done("mbuff_detach of the last mapping unmaps it and frees the area: SELECT(\"demo2\") fails");

	if (pipe(up) < 0 || pipe(down) < 0) {
		bad("pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		bad("fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		a = mbuff_attach(d2c_name, SMALL);
		if (!a)
			tap_diag("child: mbuff_attach(\"%s\", %d): %s",
				 d2c_name, SMALL, strerror(errno));
		c = a ? 'y' : 'n';
		if (write(up[1], &c, 1) != 1)
			_exit(1);
		if (read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(a ? 0 : 1);	/* no mbuff_detach */
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &c, 1) != 1 || c != 'y')
		bad("the child could not attach \"%s\"", d2c_name);
	want_size(d2c_name, SMALL);
	if (write(down[1], "x", 1) != 1)
		bad("write to the child: %s", strerror(errno));
	close(up[0]);
	close(down[1]);
	if (waitpid(pid, &st, 0) != pid)
		bad("waitpid: %s", strerror(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st))
		bad("the child failed (wait status %#x)", st);
	want_gone(d2c_name);
out:
	done("a child's mbuff_attach(\"%s\") creates it and its mapping keeps it while the child runs (SELECT finds it); the child's exit without mbuff_detach frees it",
	     d2c_name);
}

static void default_area(void)
{
	char buf[64];
	char *d, *q = NULL;
	int err, fd, n;

	d = mbuff_alloc(NULL, SMALL);
	if (!d)
		bad("mbuff_alloc(NULL, %d): %s", SMALL, strerror(errno));
	else
		track(d, SMALL);
	want_size("default", SMALL);
	done("mbuff_alloc(NULL, 64 KiB) allocates the area \"default\"");
	case_def = tap_n;

	if (d) {
		memcpy(d, text_def, sizeof(text_def));
		memcpy(d + 8000, text_def8000, sizeof(text_def8000));
	}
	fd = dev_open();
	if (fd >= 0) {
		q = map_fd(fd, SMALL, &err);
		if (!q)
			bad("mmap without SELECT: %s", strerror(err));
		else if (memcmp(q, text_def, sizeof(text_def)) != 0)
			bad("the mapping does not show the bytes of \"default\"");
		close(fd);
	}
	done("open() selects \"default\": mmap on a fresh descriptor without SELECT maps it");

	fd = dev_open();
	if (fd >= 0) {
		n = (int)read(fd, buf, sizeof(text_def));
		if (n != (int)sizeof(text_def) ||
		    memcmp(buf, text_def, sizeof(text_def)) != 0)
			bad("read at 0 without SELECT: %s, not the bytes of \"default\"",
			    errtext(n, errno));
		if (lseek(fd, 8000, SEEK_SET) != 8000)
			bad("lseek to 8000: %s", strerror(errno));
		n = (int)read(fd, buf, sizeof(text_def8000));
		if (n != (int)sizeof(text_def8000) ||
		    memcmp(buf, text_def8000, sizeof(text_def8000)) != 0)
			bad("read at 8000 without SELECT: %s, not the bytes written there",
			    errtext(n, errno));
		close(fd);
	}
	done("read() on a fresh descriptor without SELECT reads \"default\", at 0 and after lseek to 8000");

	if (d) {
		mbuff_free(NULL, d);
		if (!intercepted) {
			if (!unmapped(d))
				bad("the mapping is still there after mbuff_free(NULL)");
		} else if (unmapped(d)) {
			bad("the mapping is gone after mbuff_free(NULL), though ioctl 2 returns 0");
		} else if (q) {
			memcpy(d + 100, text_def2, sizeof(text_def2));
			if (memcmp(q + 100, text_def2, sizeof(text_def2)) != 0)
				bad("the mapping left by mbuff_free(NULL) is not the memory of \"default\" any more");
		}
	} else {
		bad("needs the mapping of case %d", case_def);
	}
	want_size("default", SMALL);
	if (q && memcmp(q, text_def, sizeof(text_def)) != 0)
		bad("the remaining mapping lost the bytes");
	if (intercepted)
		done("mbuff_free(NULL, p): ioctl 2 returns 0, so p stays mapped (the same memory as the mapping made through open()); \"default\" stays");
	else
		done("mbuff_free(NULL, p) drops \"default\"'s count and unmaps p; the mapping made through open() keeps it");

	if (intercepted) {
		/* What the process's exit would do; q still holds it. */
		unmap(d);
		want_size("default", SMALL);
	}
	unmap(q);
	want_gone("default");
	fd = dev_open();
	if (fd >= 0) {
		q = map_fd(fd, pg, &err);
		if (q) {
			bad("mmap on a fresh descriptor succeeded: \"default\" is still selected");
			unmap(q);
		} else if (err != EINVAL) {
			bad("mmap failed with %s, expected EINVAL",
			    strerror(err));
		}
		close(fd);
	}
	if (intercepted)
		done("after munmap of all its mappings (as at the process's exit) \"default\" is gone: SELECT fails, and a fresh descriptor selects nothing (mmap fails with EINVAL)");
	else
		done("the last munmap frees \"default\": SELECT fails, and mmap on a fresh descriptor fails with EINVAL again");
}

int main(void)
{
	size_t i;
	int fd0, left;

	main_pid = getpid();
	pg = sysconf(_SC_PAGESIZE);
	snprintf(text_def, sizeof(text_def), "0.7.2: the default area, run %d",
		 (int)main_pid);
	snprintf(text_def8000, sizeof(text_def8000),
		 "0.7.2: default at 8000, run %d", (int)main_pid);
	signal(SIGSEGV, on_fatal);
	signal(SIGBUS, on_fatal);
	signal(SIGPIPE, SIG_IGN);
	alarm(120);

	tap_plan(PLAN);
	fd0 = dev_open();
	if (!done("open(\"%s\", O_RDWR)", MBUFF_DEV_NAME)) {
		while (tap_n < PLAN)
			tap_skip("%s cannot be opened", MBUFF_DEV_NAME);
		tap_exit();
	}
	detect_ioctl2();
	use_names();
	basics(fd0);
	close(fd0);
	demo1();
	demo3();
	demo2();
	default_area();

	/* After a failed case: let go of what is still held. */
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (maps[i].p)
			unmap(maps[i].p);
	why[0] = '\0';
	left = list_left();
	why[0] = '\0';
	if (tap_n != PLAN)
		tap_diag("ran %d cases, planned %d", tap_n, PLAN);
	if (left && !tap_failed) {
		tap_diag("every case passed, but %d area(s) are left", left);
		exit(1);
	}
	tap_exit();
}
