// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may do what to an area: owner, group and other bits, the
 * capabilities that override them, SETPERM, read-only descriptors and who
 * sees physical addresses.  Runs as root with a pool (pools=SIZE@PHYS)
 * and makes /dev/mbuff 0666; children drop to uids 1000, 1001 and 1002.
 * Usage: access SIZE@PHYS of that pool.
 */
#include <stdarg.h>
#include <stdint.h>

#include <mbuff/spec.h>

#include "access_util.h"

#define PLAN 135

static const struct ax_cred root = { .label = "root", .root = 1 };
static const struct ax_cred root_norawio = {
	.label = "root without CAP_SYS_RAWIO", .root = 1,
	.drop = 1ULL << CAP_SYS_RAWIO,
};
static const struct ax_cred u1000 = {
	.label = "uid 1000", .uid = 1000, .gid = 1000,
};
static const struct ax_cred u1001 = {
	.label = "uid 1001", .uid = 1001, .gid = 1001,
};
static const struct ax_cred u1002 = {
	.label = "uid 1002", .uid = 1002, .gid = 1002,
};
static const struct ax_cred u1001_in1000 = {
	.label = "uid 1001 in group 1000", .uid = 1001, .gid = 1001,
	.groups = { 1000 }, .ngroups = 1,
};
static const struct ax_cred u1001_gid1000 = {
	.label = "uid 1001 gid 1000", .uid = 1001, .gid = 1000,
};
static const struct ax_cred u1000_in1001 = {
	.label = "uid 1000 in group 1001", .uid = 1000, .gid = 1000,
	.groups = { 1001 }, .ngroups = 1,
};
static const struct ax_cred u1001_ipc = {
	.label = "uid 1001 with CAP_IPC_OWNER", .uid = 1001, .gid = 1001,
	.caps = 1ULL << CAP_IPC_OWNER,
};
static const struct ax_cred u1001_admin = {
	.label = "uid 1001 with CAP_SYS_ADMIN", .uid = 1001, .gid = 1001,
	.caps = 1ULL << CAP_SYS_ADMIN,
};
static const struct ax_cred u1002_admin = {
	.label = "uid 1002 with CAP_SYS_ADMIN", .uid = 1002, .gid = 1002,
	.caps = 1ULL << CAP_SYS_ADMIN,
};
static const struct ax_cred u1000_rawio = {
	.label = "uid 1000 with CAP_SYS_RAWIO", .uid = 1000, .gid = 1000,
	.caps = 1ULL << CAP_SYS_RAWIO,
};
static const struct ax_cred u1000_chown = {
	.label = "uid 1000 with CAP_CHOWN", .uid = 1000, .gid = 1000,
	.caps = 1ULL << CAP_CHOWN,
};

static struct mbuff_range pool;

/* ---- operations, run in a child as someone; 0 or a value, or -errno */

/* op_ioc(): one request on a descriptor of its own. */
enum {
	K_OPEN,		/* OPEN, no flags */
	K_CREATE,	/* OPEN with CREATE (4 KiB) */
	K_HOLD,		/* OPEN with HOLD */
	K_INFO,		/* INFO by name: ax_res[1..6] uid, gid, mode, phys, users, size */
	K_NOTIFY,
	K_SYNC,
	K_DESTROY,
	K_SGLIST,	/* ax_res[1] count, ax_res[2] first run's address */
	K_LIST,		/* the count; ax_res[1] 1 when the name is listed */
	K_CHMOD,	/* SETPERM of the mode in bits 16 and up */
};
#define K_RDONLY	0x100	/* on an O_RDONLY descriptor */
#define K_MODE(m)	((long)(m) << 16)

static long op_list(int fd, const char *name)
{
	char names[16][MBUFF_NAME_SIZE];
	struct mbuff_list req;
	unsigned int i;
	long ret;

	memset(&req, 0, sizeof(req));
	req.argsz = sizeof(req);
	req.capacity = 16;
	req.names = (uintptr_t)names;
	ret = ax_ioctl(fd, MBUFF_IOC_LIST, &req);
	if (ret)
		return ret;
	ax_res[1] = 0;
	for (i = 0; i < req.count && i < 16; i++)
		if (!strcmp(names[i], name))
			ax_res[1] = 1;
	return req.count;
}

static long op_sglist(int fd, const char *name)
{
	struct mbuff_sg_entry e[4];
	struct mbuff_sglist req;
	long ret;

	memset(&req, 0, sizeof(req));
	memset(e, 0, sizeof(e));
	req.argsz = sizeof(req);
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.entries = (uintptr_t)e;
	req.capacity = 4;
	ret = ax_ioctl(fd, MBUFF_IOC_SGLIST, &req);
	ax_res[1] = req.count;
	ax_res[2] = (long)e[0].phys;
	return ret;
}

static long op_ioc(const char *name, long how)
{
	int fd = ax_dev(how & K_RDONLY ? O_RDONLY : O_RDWR);
	struct mbuff_info info;
	long ret;

	if (fd < 0)
		return fd;
	switch (how & 0xff) {
	case K_OPEN:
		ret = ax_open(fd, name, 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
		break;
	case K_CREATE:
		ret = ax_open(fd, name, 4096, MBUFF_BACKEND_ANY,
			      MBUFF_OPEN_CREATE, 0, NULL);
		break;
	case K_HOLD:
		ret = ax_open(fd, name, 0, MBUFF_BACKEND_ANY, MBUFF_OPEN_HOLD,
			      0, NULL);
		break;
	case K_INFO:
		ret = ax_info(fd, name, &info);
		ax_res[1] = info.uid;
		ax_res[2] = info.gid;
		ax_res[3] = info.mode;
		ax_res[4] = (long)info.phys_addr;
		ax_res[5] = info.users;
		ax_res[6] = (long)info.size;
		break;
	case K_NOTIFY:
		ret = ax_name(fd, MBUFF_IOC_NOTIFY, name);
		break;
	case K_SYNC:
		ret = ax_sync(fd, name);
		break;
	case K_DESTROY:
		ret = ax_name(fd, MBUFF_IOC_DESTROY, name);
		break;
	case K_SGLIST:
		ret = op_sglist(fd, name);
		break;
	case K_LIST:
		ret = op_list(fd, name);
		break;
	case K_CHMOD:
		ret = ax_setperm(fd, name, MBUFF_PERM_MODE, 0, 0,
				 (unsigned int)(how >> 16));
		break;
	default:
		ret = -EINVAL;
	}
	close(fd);
	return ret;
}

/* op_create(): the new area's mode, backend; with HOLD, EXCL. */
struct ax_new {
	size_t size;
	unsigned int backend;
	unsigned int flags;	/* added to CREATE | EXCL | HOLD */
	unsigned int mode;	/* with MBUFF_OPEN_MODE */
};

/* ax_res[1..4]: uid, gid, mode, size of the new area. */
static long op_create(const char *name, long arg)
{
	const struct ax_new *n = (const struct ax_new *)arg;
	int fd = ax_dev(O_RDWR);
	struct mbuff_open o;
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_open(fd, name, n->size, n->backend,
		      MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD |
		      n->flags, n->mode, &o);
	ax_res[1] = o.uid;
	ax_res[2] = o.gid;
	ax_res[3] = o.mode;
	ax_res[4] = (long)o.size;
	close(fd);
	return ret;
}

static int uio_open(const char *name, int flags)
{
	char path[32];
	int n = mb_uio_index(name);

	if (n < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/dev/uio%d", n);
	n = open(path, flags | O_CLOEXEC);
	return n < 0 ? -errno : n;
}

/* op_map(): map the area's first page. */
#define M_FD_RDONLY	0x100	/* on an O_RDONLY descriptor */
#define M_WRITE		0x200	/* PROT_READ | PROT_WRITE */
#define M_MPROTECT	0x400	/* PROT_READ, then mprotect() to add PROT_WRITE */
#define M_UIO		0x800	/* through /dev/uioN */
#define M_NOOPEN	0x1000	/* no OPEN: the area the file starts on */
#define M_FILL		0x2000	/* fill the page with the low byte (M_WRITE) */

/* ax_res[1]: the first byte before a fill. */
static long op_map(const char *name, long how)
{
	int flags = how & M_FD_RDONLY ? O_RDONLY : O_RDWR;
	int prot = PROT_READ | (how & M_WRITE ? PROT_WRITE : 0);
	unsigned char *p;
	long ret = 0;
	int fd;

	if (how & M_UIO) {
		fd = uio_open(name, flags);
	} else {
		fd = ax_dev(flags);
		if (fd >= 0 && !(how & M_NOOPEN))
			ret = ax_open(fd, name, 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	}
	if (fd < 0)
		return fd;
	if (ret)
		goto out;
	p = mmap(NULL, 4096, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	ax_res[1] = p[0];
	if (how & M_MPROTECT)
		ret = mprotect(p, 4096, PROT_READ | PROT_WRITE) ? -errno : 0;
	if (how & M_FILL)
		memset(p, how & 0xff, 4096);
	munmap(p, 4096);
out:
	close(fd);
	return ret;
}

/* read() 16 bytes (M_NOOPEN, M_FD_RDONLY); ax_res[1]: the first. */
static long op_read(const char *name, long how)
{
	unsigned char buf[16];
	long ret = 0;
	int fd = ax_dev(how & M_FD_RDONLY ? O_RDONLY : O_RDWR);
	ssize_t n;

	if (fd < 0)
		return fd;
	if (!(how & M_NOOPEN))
		ret = ax_open(fd, name, 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	if (!ret) {
		n = read(fd, buf, sizeof(buf));
		ret = n < 0 ? -errno : n;
		if (n > 0)
			ax_res[1] = buf[0];
	}
	close(fd);
	return ret;
}

/* open() of the area's /dev/uioN with @flags: 0 or -errno. */
static long op_uio_open(const char *name, long flags)
{
	int fd = uio_open(name, (int)flags);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Ring the doorbell: write() 4 bytes to /dev/uioN. */
static long op_doorbell(const char *name, long unused)
{
	int32_t v = 7;
	int fd = uio_open(name, O_RDWR);
	long ret;

	(void)unused;
	if (fd < 0)
		return fd;
	ret = write(fd, &v, sizeof(v));
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A number read from the file @path (base 0), or -errno. */
static long op_file(const char *path, long unused)
{
	char buf[64];
	int ret = read_file(path, buf, sizeof(buf));

	(void)unused;
	return ret ? ret : strtol(buf, NULL, 0);
}

struct ax_perm {
	unsigned int flags, uid, gid, mode;
	int rdonly;
};

static long op_setperm(const char *name, long arg)
{
	const struct ax_perm *p = (const struct ax_perm *)arg;
	int fd = ax_dev(p->rdonly ? O_RDONLY : O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_setperm(fd, name, p->flags, p->uid, p->gid, p->mode);
	close(fd);
	return ret;
}

/* ---- checks */

/* One case: @op as @c gives @want (or @alt, when not 0). */
static int expect2(const struct ax_cred *c, ax_op op, const char *name,
		   long arg, long want, long alt, const char *what)
{
	long got = ax_as(c, op, name, arg);
	int ok = got == want || (alt && got == alt);

	if (alt)
		return tap_ok(ok, "%s: %s: %s or %s (%s)", c->label, what,
			      ax_err(want), ax_err(alt), ax_err(got));
	return tap_ok(ok, "%s: %s: %s (%s)", c->label, what, ax_err(want),
		      ax_err(got));
}

static int expect(const struct ax_cred *c, ax_op op, const char *name,
		  long arg, long want, const char *what)
{
	return expect2(c, op, name, arg, want, 0, what);
}

static char *area_path(const char *name, const char *attr)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), AX_AREAS "/%s/%s", name, attr);
	return buf[i];
}

static char *uio_path(const char *name, const char *attr)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "/sys/class/uio/uio%d/%s",
		 mb_uio_index(name), attr);
	return buf[i];
}

/* sysfs owner, group and mode of @name read by @c are @uid, @gid, @mode. */
static void expect_sysfs_perm(const struct ax_cred *c, const char *name,
			      long uid, long gid, long mode)
{
	long u = ax_as(c, op_file, area_path(name, "owner"), 0);
	long g = ax_as(c, op_file, area_path(name, "group"), 0);
	long m = ax_as(c, op_file, area_path(name, "mode"), 0);
	char buf[16] = "";

	read_file(area_path(name, "mode"), buf, sizeof(buf));
	tap_ok(u == uid && g == gid && m == mode && strlen(buf) == 4 &&
	       buf[0] == '0',
	       "%s reads '%s' owner %s, group %s, mode \"%s\" (want %ld, %ld, 0%lo)",
	       c->label, name, ax_err(u), ax_err(g), buf, uid, gid, mode);
}

/* Make the area's /dev/uioN usable by everyone, as the tests need. */
static void uio_chmod(const char *name)
{
	char path[32];
	int n = mb_uio_index(name);

	snprintf(path, sizeof(path), "/dev/uio%d", n);
	if (n < 0 || chmod(path, 0666))
		tap_diag("cannot chmod the /dev/uioN of '%s'", name);
}

static long create_as(const struct ax_cred *c, const char *name,
		      const struct ax_new *n)
{
	long ret = ax_as(c, op_create, name, (long)n);

	if (!ret)
		uio_chmod(name);
	return ret;
}

/* ---- the cases */

static void test_module(void)
{
	struct mbuff_info info;
	long ret = ax_root_info("", &info);

	tap_ok(!ret && info.abi_version == MBUFF_ABI_VERSION &&
	       (info.features & MBUFF_FEAT_PERM),
	       "INFO: ABI %u with MBUFF_FEAT_PERM (%s, features %#llx)",
	       info.abi_version, ax_err(ret),
	       (unsigned long long)info.features);
}

/* A private area (default mode 0600) of uid 1000: others can do nothing. */
static void test_private(void)
{
	static const struct ax_new priv = {
		.size = 64 << 10, .backend = MBUFF_BACKEND_CONTIG,
	};
	const char *a = "ax_priv";
	long ret, ev, bells;

	ret = create_as(&u1000, a, &priv);
	tap_ok(!ret && ax_res[1] == 1000 && ax_res[2] == 1000 &&
	       ax_res[3] == 0600,
	       "uid 1000 creates '%s' with HOLD and no mode: owner %ld:%ld, mode 0%lo (%s)",
	       a, ax_res[1], ax_res[2], ax_res[3], ax_err(ret));
	expect_sysfs_perm(&u1001, a, 1000, 1000, 0600);
	expect(&u1000, op_map, a, M_WRITE | M_FILL | 0x5a, 0,
	       "maps its private area read-write and fills it");

	/* Others: nothing, not even its size. */
	expect(&u1001, op_ioc, a, K_OPEN, -EACCES, "OPEN of a private area");
	expect(&u1001, op_ioc, a, K_CREATE, -EACCES,
	       "OPEN with CREATE of an existing private area");
	expect(&u1001, op_ioc, a, K_HOLD, -EACCES,
	       "OPEN with HOLD of a private area");
	expect(&u1001, op_ioc, a, K_INFO, -EACCES, "INFO of a private area");
	expect(&u1001, op_ioc, a, K_NOTIFY, -EACCES, "NOTIFY of a private area");
	expect(&u1001, op_ioc, a, K_SYNC, -EACCES, "SYNC of a private area");
	expect(&u1001, op_ioc, a, K_DESTROY, -EPERM, "DESTROY of another's area");
	expect(&u1001, op_ioc, a, K_CHMOD | K_MODE(0666), -EPERM,
	       "SETPERM (chmod 0666) of another's area");
	expect(&u1001, op_uio_open, a, O_RDWR, -EACCES,
	       "open() of a private area's /dev/uioN (mode 0666)");
	expect(&u1001, op_uio_open, a, O_RDONLY, -EACCES,
	       "open(O_RDONLY) of a private area's /dev/uioN");
	ret = ax_as(&u1001, op_ioc, a, K_LIST);
	tap_ok(ret >= 1 && ax_res[1] == 1,
	       "uid 1001: LIST shows every name, '%s' too (%s)", a, ax_err(ret));

	/* The owner: everything. */
	ret = ax_as(&u1000, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[1] == 1000 && ax_res[2] == 1000 &&
	       ax_res[3] == 0600 && ax_res[6] == 64 << 10,
	       "uid 1000: INFO of its area: owner %ld:%ld mode 0%lo size %ld (%s)",
	       ax_res[1], ax_res[2], ax_res[3], ax_res[6], ax_err(ret));
	ret = ax_as(&u1000, op_map, a, 0);
	tap_ok(!ret && ax_res[1] == 0x5a,
	       "uid 1000: OPEN and map read-only, sees its bytes (%s, %#lx)",
	       ax_err(ret), ax_res[1]);
	ret = ax_as(&u1000, op_read, a, 0);
	tap_ok(ret == 16 && ax_res[1] == 0x5a, "uid 1000: read() (%s, %#lx)",
	       ax_err(ret), ax_res[1]);
	ev = op_file(uio_path(a, "event"), 0);
	ret = ax_as(&u1000, op_ioc, a, K_NOTIFY);
	tap_ok(!ret && op_file(uio_path(a, "event"), 0) == ev + 1,
	       "uid 1000: NOTIFY (%s), the event counter goes from %ld to %ld",
	       ax_err(ret), ev, op_file(uio_path(a, "event"), 0));
	expect(&u1000, op_ioc, a, K_SYNC, 0, "SYNC of its area");
	expect(&u1000, op_map, a, M_UIO | M_WRITE, 0,
	       "maps its area read-write through /dev/uioN");
	bells = mb_sysfs(a, "doorbells");
	ret = ax_as(&u1000, op_doorbell, a, 0);
	tap_ok(ret == 4 && mb_sysfs(a, "doorbells") == bells + 1,
	       "uid 1000: rings the doorbell on /dev/uioN (%s, %lld rings)",
	       ax_err(ret), mb_sysfs(a, "doorbells"));
	expect(&u1000, op_ioc, a, K_CHMOD | K_MODE(0600), 0,
	       "SETPERM (chmod 0600) of its area");
	expect(&u1000, op_ioc, a, K_HOLD, 0, "OPEN with HOLD of its area");
	expect(&u1000, op_ioc, a, K_DESTROY, 0,
	       "DESTROY of its area drops that count");

	/* A capability each. */
	ret = ax_as(&u1001_ipc, op_map, a, M_WRITE);
	tap_ok(!ret && ax_res[1] == 0x5a,
	       "uid 1001 with CAP_IPC_OWNER: OPEN and map read-write (%s)",
	       ax_err(ret));
	expect(&u1001_ipc, op_ioc, a, K_DESTROY, -EPERM,
	       "DESTROY needs the owner or CAP_SYS_ADMIN");
	expect(&u1001_ipc, op_ioc, a, K_CHMOD | K_MODE(0666), -EPERM,
	       "SETPERM needs the owner or CAP_SYS_ADMIN");
	expect(&u1001_admin, op_ioc, a, K_OPEN, -EACCES,
	       "CAP_SYS_ADMIN does not bypass the mode for OPEN");
	expect(&u1001_admin, op_ioc, a, K_CHMOD | K_MODE(0600), 0,
	       "SETPERM (chmod) of another's area");
	expect(&root, op_map, a, M_WRITE, 0,
	       "OPEN and map another's private area read-write");
}

/*
 * A private area named "default": every new /dev/mbuff file of its owner
 * starts on it (as in 0.7.2), but no one else's may map or read it.
 */
static void test_default(void)
{
	static const struct ax_new def = {
		.size = 8192, .backend = MBUFF_BACKEND_VMALLOC,
	};
	long ret;

	ret = create_as(&u1000, "default", &def);
	tap_ok(!ret && ax_res[3] == 0600,
	       "uid 1000 creates a private 'default' (%s)", ax_err(ret));
	expect(&u1000, op_map, "default", M_NOOPEN | M_WRITE | M_FILL | 0x11,
	       0, "maps 'default' without OPEN (a new file starts on it)");
	ret = ax_as(&u1001, op_map, "default", M_NOOPEN);
	tap_ok(ret == -EACCES || ret == -EINVAL,
	       "uid 1001: mmap of a new file, which must not give another's private 'default': EACCES or EINVAL (%s, first byte %s)",
	       ax_err(ret), ax_err(ax_res[1]));
	ret = ax_as(&u1001, op_read, "default", M_NOOPEN);
	tap_ok(ret == -EACCES || ret == -EINVAL,
	       "uid 1001: read() of a new file, likewise: EACCES or EINVAL (%s)",
	       ax_err(ret));
	tap_ok(ax_remove("default"), "'default' is gone");
}

/* Group read (0640) and group write (0660). */
static void test_group(void)
{
	static const struct ax_new r = {
		.size = 16384, .backend = MBUFF_BACKEND_VMALLOC,
		.flags = MBUFF_OPEN_MODE, .mode = 0640,
	};
	static const struct ax_new w = {
		.size = 16384, .backend = MBUFF_BACKEND_VMALLOC,
		.flags = MBUFF_OPEN_MODE, .mode = 0660,
	};
	const char *ar = "ax_grp_r", *aw = "ax_grp_w";
	long ret;

	ret = create_as(&u1000, ar, &r);
	tap_ok(!ret && ax_res[3] == 0640,
	       "uid 1000 creates '%s' with MBUFF_OPEN_MODE 0640: mode 0%lo (%s)",
	       ar, ax_res[3], ax_err(ret));
	expect_sysfs_perm(&root, ar, 1000, 1000, 0640);
	expect(&u1000, op_map, ar, M_WRITE | M_FILL | 0x5a, 0,
	       "fills its group-readable area");

	ret = ax_as(&u1001_in1000, op_map, ar, 0);
	tap_ok(!ret && ax_res[1] == 0x5a,
	       "uid 1001 in group 1000: maps a 0640 area read-only and reads it (%s)",
	       ax_err(ret));
	expect(&u1001_gid1000, op_ioc, ar, K_OPEN, 0,
	       "OPEN of a 0640 area of its primary group");
	expect(&u1001_in1000, op_ioc, ar, K_INFO, 0, "INFO of a 0640 area");
	ret = ax_as(&u1001_in1000, op_read, ar, 0);
	tap_ok(ret == 16 && ax_res[1] == 0x5a,
	       "uid 1001 in group 1000: read() of a 0640 area (%s)", ax_err(ret));
	expect(&u1001_in1000, op_map, ar, M_WRITE, -EACCES,
	       "PROT_WRITE mapping of a 0640 area");
	expect(&u1001_in1000, op_map, ar, M_MPROTECT, -EACCES,
	       "mprotect(PROT_WRITE) of a read-only mapping of a 0640 area");
	expect(&u1001_in1000, op_ioc, ar, K_HOLD, -EACCES,
	       "OPEN with HOLD of a 0640 area");
	expect(&u1001_in1000, op_ioc, ar, K_NOTIFY, -EACCES,
	       "NOTIFY of a 0640 area");
	expect(&u1001_in1000, op_ioc, ar, K_SYNC, -EACCES,
	       "SYNC of a 0640 area");
	expect(&u1001_in1000, op_uio_open, ar, O_RDWR, 0,
	       "open() of a 0640 area's /dev/uioN");
	expect(&u1001_in1000, op_map, ar, M_UIO, 0,
	       "read-only mapping through /dev/uioN");
	expect(&u1001_in1000, op_map, ar, M_UIO | M_WRITE, -EACCES,
	       "PROT_WRITE mapping through /dev/uioN");
	expect(&u1001_in1000, op_map, ar, M_UIO | M_MPROTECT, -EACCES,
	       "mprotect(PROT_WRITE) through /dev/uioN");
	expect(&u1001_in1000, op_doorbell, ar, 0, -EACCES,
	       "doorbell write() on a 0640 area's /dev/uioN");
	expect(&u1001, op_ioc, ar, K_OPEN, -EACCES,
	       "OPEN of a 0640 area of another group");
	expect(&u1002, op_map, ar, M_UIO, -EACCES,
	       "mapping a 0640 area of another group through /dev/uioN");

	ret = create_as(&u1000, aw, &w);
	tap_ok(!ret && ax_res[3] == 0660,
	       "uid 1000 creates '%s' with mode 0660 (%s)", aw, ax_err(ret));
	expect(&u1001_in1000, op_map, aw, M_WRITE | M_FILL | 0xa5, 0,
	       "maps a 0660 area read-write and fills it");
	ret = ax_as(&u1000, op_map, aw, 0);
	tap_ok(!ret && ax_res[1] == 0xa5,
	       "uid 1000 sees what the group member wrote (%#lx)", ax_res[1]);
	expect(&u1001_in1000, op_ioc, aw, K_NOTIFY, 0, "NOTIFY of a 0660 area");
	expect(&u1001_in1000, op_ioc, aw, K_SYNC, 0, "SYNC of a 0660 area");
	expect(&u1001_in1000, op_doorbell, aw, 0, 4,
	       "doorbell write() on a 0660 area's /dev/uioN");
	expect(&u1001_in1000, op_ioc, aw, K_HOLD, 0,
	       "OPEN with HOLD of a 0660 area");
	expect(&u1001_in1000, op_ioc, aw, K_DESTROY, -EPERM,
	       "DESTROY of a 0660 area it does not own");
	expect(&u1002, op_ioc, aw, K_OPEN, -EACCES,
	       "OPEN of a 0660 area of another group");
	tap_ok(ax_remove(ar) && ax_remove(aw), "both group areas are gone");
}

/* SETPERM: chmod and chown. */
static void test_setperm(void)
{
	static const struct ax_new n = {
		.size = 8192, .backend = MBUFF_BACKEND_VMALLOC,
	};
	const char *a = "ax_perm";
	struct ax_perm p = { .flags = MBUFF_PERM_MODE };
	long ret;

	ret = create_as(&u1000, a, &n);
	tap_ok(!ret, "uid 1000 creates private '%s' (%s)", a, ax_err(ret));
	expect(&u1001, op_map, a, 0, -EACCES, "maps it before a chmod");
	expect(&u1001, op_ioc, a, K_CHMOD | K_MODE(0644), -EPERM,
	       "chmod 0644 of another's area");
	expect(&u1000, op_ioc, a, K_CHMOD | K_MODE(0644), 0, "chmod 0644");
	expect_sysfs_perm(&u1001, a, 1000, 1000, 0644);
	ret = ax_as(&u1001, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[3] == 0644, "uid 1001: INFO says mode 0%lo (%s)",
	       ax_res[3], ax_err(ret));
	expect(&u1001, op_map, a, 0, 0, "maps a 0644 area read-only");
	expect(&u1001, op_map, a, M_WRITE, -EACCES,
	       "PROT_WRITE mapping of a 0644 area");
	expect(&u1001, op_map, a, M_MPROTECT, -EACCES,
	       "mprotect(PROT_WRITE) of a read-only mapping of a 0644 area");

	expect(&u1000, op_ioc, a, K_CHMOD | K_MODE(0700), -EINVAL,
	       "chmod 0700 (bits outside 0666)");
	p.flags = 0;
	expect(&u1000, op_setperm, a, (long)&p, -EINVAL, "SETPERM with no flag");
	p.flags = MBUFF_PERM_FLAGS + 1;
	expect(&u1000, op_setperm, a, (long)&p, -EINVAL,
	       "SETPERM with an unknown flag");

	p = (struct ax_perm){ .flags = MBUFF_PERM_UID, .uid = 1001 };
	expect(&u1000, op_setperm, a, (long)&p, -EPERM,
	       "chown to uid 1001 without CAP_CHOWN");
	p = (struct ax_perm){ .flags = MBUFF_PERM_GID, .gid = 1001 };
	expect(&u1000, op_setperm, a, (long)&p, -EPERM,
	       "chgrp to a group it is not in");
	expect(&u1000_in1001, op_setperm, a, (long)&p, 0,
	       "chgrp to a group it is in");
	expect_sysfs_perm(&root, a, 1000, 1001, 0644);
	p = (struct ax_perm){ .flags = MBUFF_PERM_UID, .uid = 1001 };
	expect(&u1000_chown, op_setperm, a, (long)&p, 0, "chown to uid 1001");
	expect_sysfs_perm(&root, a, 1001, 1001, 0644);
	expect(&u1000, op_ioc, a, K_CHMOD | K_MODE(0600), -EPERM,
	       "chmod of an area it gave away");
	expect(&u1001, op_ioc, a, K_CHMOD | K_MODE(0600), 0,
	       "chmod of an area it was given");
	expect(&u1000, op_map, a, 0, -EACCES, "maps an area it gave away");
	expect(&u1002_admin, op_ioc, a, K_CHMOD | K_MODE(0640), 0,
	       "chmod of another's area");
	p = (struct ax_perm){
		.flags = MBUFF_PERM_UID | MBUFF_PERM_GID | MBUFF_PERM_MODE,
		.uid = 1000, .gid = 1000, .mode = 0600,
	};
	expect(&root, op_setperm, a, (long)&p, 0, "chown 1000:1000 and chmod 0600");
	expect_sysfs_perm(&u1002, a, 1000, 1000, 0600);
	expect(&u1000, op_ioc, a, K_DESTROY, 0, "DESTROY of its area");
	tap_ok(ax_remove(a), "'%s' is gone", a);
}

/* A read-only descriptor: look, map read-only, change nothing. */
static void test_rdonly(void)
{
	static const struct ax_new n = {
		.size = 8192, .backend = MBUFF_BACKEND_VMALLOC,
	};
	const char *a = "ax_ro";
	struct ax_perm p = { .flags = MBUFF_PERM_MODE, .mode = 0600, .rdonly = 1 };
	struct mbuff_info info;
	long ret;

	ret = create_as(&u1000, a, &n);
	tap_ok(!ret, "uid 1000 creates private '%s' (%s)", a, ax_err(ret));
	expect(&u1000, op_map, a, M_WRITE | M_FILL | 0x3c, 0, "fills it");

	expect(&u1000, op_ioc, "ax_ro_new", K_CREATE | K_RDONLY, -EBADF,
	       "O_RDONLY: OPEN with CREATE of a new area");
	tap_ok(ax_root_info("ax_ro_new", &info) == -ENOENT,
	       "... and no area was created");
	expect(&root, op_ioc, "ax_ro_new", K_CREATE | K_RDONLY, -EBADF,
	       "O_RDONLY: OPEN with CREATE, whatever the capabilities");
	expect(&u1000, op_ioc, a, K_HOLD | K_RDONLY, -EBADF,
	       "O_RDONLY: OPEN with HOLD");
	expect(&u1000, op_ioc, a, K_OPEN | K_RDONLY, 0,
	       "O_RDONLY: OPEN of an existing area");
	ret = ax_as(&u1000, op_map, a, M_FD_RDONLY);
	tap_ok(!ret && ax_res[1] == 0x3c,
	       "uid 1000: O_RDONLY: a read-only MAP_SHARED mapping works and reads the area (%s)",
	       ax_err(ret));
	ret = ax_as(&u1000, op_map, a, M_FD_RDONLY | M_UIO);
	tap_ok(!ret && ax_res[1] == 0x3c,
	       "uid 1000: O_RDONLY /dev/uioN: a read-only MAP_SHARED mapping works (%s)",
	       ax_err(ret));
	expect(&u1000, op_map, a, M_FD_RDONLY | M_WRITE, -EACCES,
	       "O_RDONLY: PROT_WRITE mapping");
	expect(&u1000, op_map, a, M_FD_RDONLY | M_MPROTECT, -EACCES,
	       "O_RDONLY: mprotect(PROT_WRITE) of the mapping");
	expect(&u1000, op_read, a, M_FD_RDONLY, 16, "O_RDONLY: read()");
	expect(&u1000, op_ioc, a, K_INFO | K_RDONLY, 0, "O_RDONLY: INFO");
	expect(&u1000, op_ioc, a, K_DESTROY | K_RDONLY, -EBADF,
	       "O_RDONLY: DESTROY");
	expect(&u1000, op_ioc, a, K_NOTIFY | K_RDONLY, -EBADF,
	       "O_RDONLY: NOTIFY");
	expect(&u1000, op_ioc, a, K_SYNC | K_RDONLY, -EBADF, "O_RDONLY: SYNC");
	expect(&u1000, op_setperm, a, (long)&p, -EBADF, "O_RDONLY: SETPERM");
	ret = ax_root_info(a, &info);
	tap_ok(!ret && info.users == 1,
	       "the area still has its one user count (%s, %u)", ax_err(ret),
	       info.users);
	tap_ok(ax_remove(a), "'%s' is gone", a);
}

/* Physical addresses: CAP_SYS_RAWIO only. */
static void test_phys(void)
{
	static const struct ax_new n = {
		.size = 64 << 10, .backend = MBUFF_BACKEND_CONTIG,
		.flags = MBUFF_OPEN_MODE, .mode = 0644,
	};
	const char *a = "ax_phys";
	long ret, phys;

	ret = create_as(&u1000, a, &n);
	tap_ok(!ret, "uid 1000 creates contiguous '%s', mode 0644 (%s)", a,
	       ax_err(ret));

	ret = ax_as(&root, op_ioc, a, K_INFO);
	phys = ax_res[4];
	tap_ok(!ret && (__u64)phys >= pool.phys &&
	       (__u64)phys < pool.phys + pool.size,
	       "root: INFO gives the physical address %#lx, in the pool (%s)",
	       phys, ax_err(ret));
	ret = ax_as(&root, op_file, area_path(a, "phys_addr"), 0);
	tap_ok(ret == phys, "root: sysfs phys_addr %#lx", ret);
	ret = ax_as(&root, op_file, AX_SYSFS "/pools/pool0/phys_addr", 0);
	tap_ok(ret == (long)pool.phys, "root: pool0/phys_addr %#lx", ret);
	ret = ax_as(&root, op_ioc, a, K_SGLIST);
	tap_ok(!ret && ax_res[1] == 1 && ax_res[2] == phys,
	       "root: SGLIST, one run at %#lx (%s)", ax_res[2], ax_err(ret));
	expect(&root, op_file, uio_path(a, "maps/map0/addr"), 0, 0,
	       "UIO maps/map0/addr");

	ret = ax_as(&u1000, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[4] == 0,
	       "uid 1000 (owner): INFO phys_addr is 0 (%s, %#lx)", ax_err(ret),
	       ax_res[4]);
	ret = ax_as(&u1001, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[4] == 0,
	       "uid 1001 (others may read): INFO phys_addr is 0 (%s, %#lx)",
	       ax_err(ret), ax_res[4]);
	expect2(&u1000, op_file, area_path(a, "phys_addr"), 0, -EACCES, -EPERM,
		"sysfs phys_addr of its area");
	expect2(&u1001, op_file, area_path(a, "phys_addr"), 0, -EACCES, -EPERM,
		"sysfs phys_addr");
	expect2(&u1000, op_file, AX_SYSFS "/pools/pool0/phys_addr", 0, -EACCES,
		-EPERM, "sysfs pools/pool0/phys_addr");
	expect2(&u1001, op_file, AX_SYSFS "/pools/pool0/phys_addr", 0, -EACCES,
		-EPERM, "sysfs pools/pool0/phys_addr");
	expect(&u1000, op_ioc, a, K_SGLIST, -EPERM, "SGLIST of its area");
	expect(&u1001, op_ioc, a, K_SGLIST, -EPERM, "SGLIST");
	expect(&u1000, op_file, uio_path(a, "maps/map0/addr"), 0, 0,
	       "UIO maps/map0/addr");
	expect(&u1001, op_file, uio_path(a, "maps/map0/addr"), 0, 0,
	       "UIO maps/map0/addr");
	ret = ax_as(&root_norawio, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[4] == 0,
	       "root without CAP_SYS_RAWIO: INFO phys_addr is 0 (%s, %#lx)",
	       ax_err(ret), ax_res[4]);
	expect(&root_norawio, op_file, area_path(a, "phys_addr"), 0, -EPERM,
	       "sysfs phys_addr (mode 0400, its owner)");
	expect(&root_norawio, op_file, AX_SYSFS "/pools/pool0/phys_addr", 0,
	       -EPERM, "sysfs pools/pool0/phys_addr");
	expect(&root_norawio, op_ioc, a, K_SGLIST, -EPERM, "SGLIST");
	ret = ax_as(&u1000_rawio, op_ioc, a, K_INFO);
	tap_ok(!ret && ax_res[4] == phys,
	       "uid 1000 with CAP_SYS_RAWIO: INFO gives the physical address (%s, %#lx)",
	       ax_err(ret), ax_res[4]);
	ret = ax_as(&u1000_rawio, op_ioc, a, K_SGLIST);
	tap_ok(!ret && ax_res[2] == phys,
	       "uid 1000 with CAP_SYS_RAWIO: SGLIST (%s)", ax_err(ret));
	tap_ok(ax_remove(a), "'%s' is gone", a);
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "";
	long n;

	if (argc != 2 || mbuff_spec_next(&spec, &pool) != 1) {
		fprintf(stderr, "usage: access SIZE@PHYS\n");
		return 2;
	}
	if (geteuid()) {
		printf("1..0 # SKIP needs root\n");
		return 4;
	}
	ax_init();
	tap_plan(PLAN);
	test_module();
	test_private();
	test_default();
	test_group();
	test_setperm();
	test_rdonly();
	test_phys();
	tap_ok(ax_remove("ax_priv"), "'ax_priv' is gone after its owner's DESTROY");
	n = ax_root_count();
	tap_ok(n == 0, "no area is left (%s)", ax_err(n));
	tap_exit();
}
