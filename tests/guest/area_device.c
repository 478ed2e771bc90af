// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device of an area: /sys/class/mbuff/NAME with the area's values,
 * add and remove uevents naming its area, backend, memory type and size,
 * a change uevent with the new owner, group and mode after SETPERM,
 * the compat symlink /sys/class/misc/mbuff/areas/NAME, names that the
 * control device's directory also holds, and a name taken again at once
 * after its area went.
 * Usage: area_device BACKEND (vmalloc or contig)
 */
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "access_util.h"
#include "mbuff_util.h"
#include "tap.h"

static unsigned int backend, memtype;
static const char *backend_name, *memtype_name;
static int nl = -1, nl_err;

static int uevent_listen(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's own uevents */
	};
	int size = 1 << 20;

	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (nl < 0)
		return -(nl_err = errno);
	setsockopt(nl, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(nl, (struct sockaddr *)&sa, sizeof(sa))) {
		nl_err = errno;
		close(nl);
		nl = -1;
		return -nl_err;
	}
	return 0;
}

/* A variable of a uevent message, or NULL. */
static const char *uevent_var(const char *msg, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		const char *s = msg + i;

		if (!strncmp(s, key, klen) && s[klen] == '=')
			return s + klen + 1;
		i += strlen(s) + 1;
	}
	return NULL;
}

/*
 * Wait up to 5 s for the uevent ACTION of area @name, into @msg (@size
 * bytes): its length, or 0 when none came.
 */
static size_t uevent_recv(const char *action, const char *name, char *msg,
			  size_t size)
{
	struct pollfd p = { .fd = nl, .events = POLLIN };
	char want[96];

	snprintf(want, sizeof(want), "%s@/devices/virtual/mbuff/%s", action,
		 name);
	while (poll(&p, 1, 5000) == 1) {
		ssize_t n = recv(nl, msg, size - 1, 0);

		if (n <= 0)
			return 0;
		msg[n] = '\0';
		if (!strcmp(msg, want))
			return (size_t)n;
	}
	tap_diag("no %s", want);
	return 0;
}

/*
 * Wait for the uevent ACTION of area @name, and check its variables: 1
 * when it came with the right ones.
 */
static int uevent_wait(const char *action, const char *name, size_t size)
{
	char msg[8192], sz[32];
	size_t n = uevent_recv(action, name, msg, sizeof(msg));
	const char *a, *b, *m, *s, *sub;

	if (!n)
		return 0;
	snprintf(sz, sizeof(sz), "%zu", size);
	sub = uevent_var(msg, n, "SUBSYSTEM");
	a = uevent_var(msg, n, "MBUFF_AREA");
	b = uevent_var(msg, n, "MBUFF_BACKEND");
	m = uevent_var(msg, n, "MBUFF_MEMTYPE");
	s = uevent_var(msg, n, "MBUFF_SIZE");
	if (!sub || !a || !b || !m || !s) {
		tap_diag("%s: a variable is missing", msg);
		return 0;
	}
	tap_diag("%s: SUBSYSTEM=%s MBUFF_AREA=%s MBUFF_BACKEND=%s MBUFF_MEMTYPE=%s MBUFF_SIZE=%s",
		 msg, sub, a, b, m, s);
	return !strcmp(sub, "mbuff") && !strcmp(a, name) &&
	       !strcmp(b, backend_name) && !strcmp(m, memtype_name) &&
	       !strcmp(s, sz);
}

/*
 * Wait for a change uevent of area @name: 1 when it carries owner @uid,
 * group @gid and mode @mode.
 */
static int uevent_change_wait(const char *name, unsigned int uid,
			      unsigned int gid, unsigned int mode)
{
	char msg[8192], u[16], g[16], m[16];
	size_t n = uevent_recv("change", name, msg, sizeof(msg));
	const char *a, *o, *gr, *mo;

	if (!n)
		return 0;
	snprintf(u, sizeof(u), "%u", uid);
	snprintf(g, sizeof(g), "%u", gid);
	snprintf(m, sizeof(m), "%04o", mode);
	a = uevent_var(msg, n, "MBUFF_AREA");
	o = uevent_var(msg, n, "MBUFF_OWNER");
	gr = uevent_var(msg, n, "MBUFF_GROUP");
	mo = uevent_var(msg, n, "MBUFF_MODE");
	tap_diag("%s: MBUFF_AREA=%s MBUFF_OWNER=%s MBUFF_GROUP=%s MBUFF_MODE=%s",
		 msg, a ? a : "-", o ? o : "-", gr ? gr : "-", mo ? mo : "-");
	return a && o && gr && mo && !strcmp(a, name) && !strcmp(o, u) &&
	       !strcmp(gr, g) && !strcmp(mo, m);
}

static int sysfs_str(const char *name, const char *attr, char *buf,
		     size_t len)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/class/mbuff/%s/%s", name, attr);
	return read_file(path, buf, len);
}

/* The area's uevent file holds what its events carry. */
static int uevent_file_has(const char *name, const char *line)
{
	char path[160], buf[1024];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/sys/class/mbuff/%s/uevent", name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		found |= !strcmp(buf, line);
	}
	fclose(f);
	return found;
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static void test_device(void)
{
	const char *name = "dv-area";
	char buf[64], line[64], link[128];
	int fd, ok;

	fd = mb_open(name, 12288, backend, memtype, MBUFF_OPEN_CREATE, NULL);
	if (nl < 0)
		tap_skip("no uevent socket (%s): the kernel has no networking",
			 strerror(nl_err));
	else
		tap_ok(fd >= 0 && uevent_wait("add", name, 12288),
		       "creating '%s' sends an add uevent with its area, backend %s, memory type %s and size",
		       name, backend_name, memtype_name);
	ok = !sysfs_str(name, "size", buf, sizeof(buf)) &&
	     !strcmp(buf, "12288") &&
	     !sysfs_str(name, "backend", buf, sizeof(buf)) &&
	     !strcmp(buf, backend_name) &&
	     !sysfs_str(name, "memtype", buf, sizeof(buf)) &&
	     !strcmp(buf, memtype_name) &&
	     !sysfs_str(name, "files", buf, sizeof(buf)) && !strcmp(buf, "1");
	tap_ok(ok, "/sys/class/mbuff/%s holds its size, backend, memtype and counts",
	       name);
	snprintf(line, sizeof(line), "MBUFF_BACKEND=%s", backend_name);
	tap_ok(uevent_file_has(name, "MBUFF_AREA=dv-area") &&
	       uevent_file_has(name, line),
	       "its uevent file says the same");
	ok = fd >= 0 &&
	     !ax_setperm(fd, name, MBUFF_PERM_MODE | MBUFF_PERM_UID | MBUFF_PERM_GID,
		      0, 1001, 0640);
	if (nl < 0)
		tap_skip("no uevent socket (%s)", strerror(nl_err));
	else
		tap_ok(ok && uevent_change_wait(name, 0, 1001, 0640),
		       "SETPERM (group 1001, mode 0640) sends a change uevent with the new owner, group and mode");
	tap_ok(uevent_file_has(name, "MBUFF_GROUP=1001") &&
	       uevent_file_has(name, "MBUFF_MODE=0640") &&
	       uevent_file_has(name, "MBUFF_OWNER=0"),
	       "its uevent file has them too");
	snprintf(link, sizeof(link), "/sys/class/misc/mbuff/areas/%s", name);
	snprintf(buf, sizeof(buf), "/sys/class/mbuff/%s", name);
	tap_ok(same_dir(link, buf),
	       "/sys/class/misc/mbuff/areas/%s leads to the same device", name);
	if (fd >= 0)
		close(fd);
	tap_ok((nl < 0 || uevent_wait("remove", name, 12288)) &&
	       access(buf, F_OK) && access(link, F_OK),
	       "closing its last file %stakes both paths away",
	       nl < 0 ? "(no uevent socket to check) " :
			"sends a remove uevent and ");
}

/*
 * Names the control device's directory and the UIO class also hold: the
 * devices of areas are elsewhere, so none clashes.
 */
static void test_names(void)
{
	static const char *const names[] = {
		"uevent", "dev", "power", "subsystem", "areas", "pools",
		"uio0", "uio1", "mbuff", "pool0",
	};
	unsigned int i, bad = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char buf[32];
		int fd = mb_open(names[i], 4096, backend, memtype,
				 MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, NULL);

		if (fd < 0 || sysfs_str(names[i], "size", buf, sizeof(buf)) ||
		    strcmp(buf, "4096")) {
			tap_diag("area '%s': %s", names[i],
				 fd < 0 ? strerror(-fd) : "no size in sysfs");
			bad++;
		}
		if (fd >= 0)
			close(fd);
	}
	tap_ok(!bad, "areas named uevent, dev, power, subsystem, areas, pools, uio0, uio1, mbuff and pool0 get devices");
}

/* The name is free for a new device as soon as the last user is gone. */
static void test_reuse(void)
{
	int i, fd, fails = 0;

	for (i = 0; i < 300; i++) {
		fd = mb_open("dv-again", 4096, backend, memtype,
			     MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, NULL);
		if (fd < 0) {
			tap_diag("round %d: %s", i, strerror(-fd));
			fails++;
			continue;
		}
		close(fd);
	}
	tap_ok(!fails && mb_gone("dv-again"),
	       "one name created and dropped 300 times in a row, each time a new device");
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "vmalloc") &&
			  strcmp(argv[1], "contig"))) {
		fprintf(stderr, "usage: area_device vmalloc|contig\n");
		return 2;
	}
	if (!strcmp(argv[1], "contig")) {
		backend = MBUFF_BACKEND_CONTIG;
		backend_name = "contiguous";
		memtype = MBUFF_MEM_WC;
		memtype_name = "write-combined";
	} else {
		backend = MBUFF_BACKEND_VMALLOC;
		backend_name = "vmalloc";
		memtype = MBUFF_MEM_CACHED;
		memtype_name = "cached";
	}
	tap_plan(9);
	uevent_listen();
	test_device();
	test_names();
	test_reuse();
	return tap_exit();
}
