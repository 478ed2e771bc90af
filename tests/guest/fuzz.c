// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz and stress /dev/mbuff and /dev/uioN as an adversary would: workers
 * as root and as two other uids, both ABIs, racing threads on one fd,
 * mappings, forks and kill -9; invariants checked all along, and at the end
 * nothing may be left (areas, pool memory, UIO devices, the module).
 *
 * Usage: fuzz [-t SECONDS] [-w WORKERS] [-s SEED] [-k KILL_MS] [-H HANG_S]
 *             [-x OP,...] [-n]
 *   -t  how long the workers run (default $MBUFF_FUZZ_TIME, else 30)
 *   -w  worker processes, at least 4 for all three identities to race
 *       (default $MBUFF_FUZZ_WORKERS, else 4)
 *   -s  seed, printed at the start (default $MBUFF_FUZZ_SEED, else random);
 *       each worker's operations come from its own stream of it
 *   -k  most milliseconds between two kill -9 of a random worker (default
 *       2000; 0: none)
 *   -H  a worker that makes no progress for this long is hung (default
 *       $MBUFF_FUZZ_HANG, else 30)
 *   -x  leave these operations out (-h lists them), to narrow a failure
 *   -n  leave the module loaded (the last case is skipped)
 * Runs as root; workers 1, 2 (mod 3) drop to uid/gid 1000 and 1001, for
 * whom it makes /dev/mbuff 0666 (no udev rule runs in the guest).  Wants a
 * pool for contiguous areas.  Prints TAP; exit 0 pass, 1 fail.
 */
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/futex.h>
#include <mbuff/mbuff.h>
#include <mbuff/name.h>

#include "tap.h"

/* The layouts this program was written for, the same for i386 callers. */
_Static_assert(sizeof(struct mbuff_open) == 104, "struct mbuff_open");
_Static_assert(sizeof(struct mbuff_name) == 64, "struct mbuff_name");
_Static_assert(sizeof(struct mbuff_info) == 152, "struct mbuff_info");
_Static_assert(sizeof(struct mbuff_list) == 40, "struct mbuff_list");
_Static_assert(sizeof(struct mbuff_sglist) == 80, "struct mbuff_sglist");
_Static_assert(sizeof(struct mbuff_sync) == 88, "struct mbuff_sync");
_Static_assert(sizeof(struct mbuff_perm) == 80, "struct mbuff_perm");

#define SYSFS		"/sys/class/misc/mbuff"
#define AREAS		"/sys/class/mbuff"
#define PARAMS		"/sys/module/mbuff/parameters"
/* The kernel client's commands (tests/kmod/mbuff_test_client.c) */
#define KCTL		"/sys/kernel/debug/mbuff_test/ctl"
#define MAX_WORKERS	32
#define NR_SHARED	6
#define MAX_CFDS	6
#define MAX_UFDS	4
#define MAX_MAPS	10
#define NR_TNAMES	4		/* racing threads' names, per worker */
#define SCRATCH		(64 * 1024)	/* requests, then a guard page */
#define OUTBUF		(16 * 1024)	/* LIST, SGLIST, read(); a guard */
#define MAX_LIST	1024
#define HOLD_MAX	65535
#define UID1		1000
#define UID2		1001

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Invariants checked while the workers run: one TAP case each. */
enum inv {
	INV_OPEN_TYPES,
	INV_OPEN_SIZE,
	INV_OWNER,
	INV_INFO,
	INV_ARGSZ,
	INV_ERRNO,
	INV_UNKNOWN,
	INV_FILE_MODE,
	INV_PRIV_OPEN,
	INV_PRIV_MAP,
	INV_PRIV_DESTROY,
	INV_PRIV_WRITE,
	INV_RO_WRITE,
	INV_PHYS,
	INV_LIST,
	INV_SGLIST,
	INV_LEGACY,
	INV_MEM,
	INV_HOLD_BOUND,
	INV_QUOTA,
	INV_CRASH,
	INV_HANG,
	INV_UNLOAD,
	INV_N
};

static const char *const inv_what[INV_N] = {
	[INV_OPEN_TYPES] = "OPEN returns a valid backend and memory type, the ones asked for",
	[INV_OPEN_SIZE] = "OPEN returns a page-multiple size no smaller than asked",
	[INV_OWNER] = "owner, group and mode are reported as the area was created (OPEN, INFO, sysfs)",
	[INV_INFO] = "INFO and sysfs report ABI 2, valid types and sane counts",
	[INV_ARGSZ] = "short argsz, non-zero reserved bytes or tails and bad pointers are refused, nothing is written past argsz",
	[INV_ERRNO] = "every refusal is an errno the ABI documents",
	[INV_UNKNOWN] = "unknown ioctl numbers are refused with -ENOTTY",
	[INV_FILE_MODE] = "CREATE, HOLD, DESTROY, NOTIFY, SYNC, SETPERM, DOORBELL, legacy ALLOCATE need a file open for writing",
	[INV_PRIV_OPEN] = "another uid cannot open, select, allocate, INFO or take the events of an area it may not read",
	[INV_PRIV_MAP] = "another uid cannot map or read an area it may not read (/dev/mbuff, /dev/uioN)",
	[INV_PRIV_DESTROY] = "a uid cannot destroy, chmod or chown an area it does not own, nor give one away",
	[INV_PRIV_WRITE] = "another uid cannot notify, sync or ring an area it may not write",
	[INV_RO_WRITE] = "read permission alone never gives a writable mapping or a user count",
	[INV_PHYS] = "an unprivileged caller never sees a physical address (INFO, SGLIST, sysfs)",
	[INV_LIST] = "LIST returns valid names, a sane count, no more than its capacity",
	[INV_SGLIST] = "SGLIST runs are page-aligned and not empty",
	[INV_LEGACY] = "legacy ALLOCATE, SELECT return a page-multiple size, INFO -ENOSYS, an oversize ALLOCATE -EIO, an area goes with its last mapping",
	[INV_MEM] = "two mappings of one area and read() see the same bytes, and nothing else writes them",
	[INV_HOLD_BOUND] = "a user count stops at 65535 (-EOVERFLOW) and DESTROY drops exactly those",
	[INV_QUOTA] = "an unprivileged uid cannot create past user_max_areas, user_max_pool_mb, user_max_vmalloc_mb",
	[INV_CRASH] = "no worker crashed (a signal on a live mapping, an unexpected exit)",
	[INV_HANG] = "no worker hung in the kernel",
	[INV_UNLOAD] = "mbuff.ko cannot be unloaded while a file of it is open",
};

/* The checks after the run, after the invariants. */
enum { END_STOPPED, END_AREAS, END_POOL, END_UIO, END_QUOTA, END_RMMOD, END_N };

struct inv_stat {
	unsigned long checks;
	unsigned long fails;
	char first[320];
};

/* Shared by the parent and every worker (MAP_SHARED). */
struct shared {
	int stop;
	unsigned long ops;
	struct inv_stat inv[INV_N];
	struct {
		pid_t pid;
		unsigned int gen;
		unsigned long progress;
	} w[MAX_WORKERS];
	int storm_state;	/* 0 to do, 1 running (storm_pid), 2 done */
	pid_t storm_pid;
	int quota_state;
	pid_t quota_pid;
	unsigned long zapped_sigbus;
	unsigned long opcount[32];	/* by ops[] */
};

static struct shared *sh;

/* --- random numbers: xoshiro256**, seeded by splitmix64 ----------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_init(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* A stream of its own for every (worker, generation, thread). */
static uint64_t derive(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t x = seed ^ (a * 0xd1342543de82ef95ULL) ^ rotl(b + 1, 29);

	splitmix(&x);
	return splitmix(&x);
}

static __thread struct rng *R;

static uint64_t rnd(void)
{
	return rng_next(R);
}

static uint32_t rnd32(void)
{
	return (uint32_t)(rnd() >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(((uint64_t)rnd32() * n) >> 32) : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* --- the worker's identity and state ------------------------------------ */

/* Names whose creator and mode are fixed: access to them can be judged. */
struct rname {
	const char *name;
	int creator;		/* 0: root, 1: UID1 */
	unsigned int mode;
};

static const struct rname rnames[] = {
	{ "default", 0, 0600 },	/* every open() of /dev/mbuff selects it */
	{ "p1", 0, 0660 },
	{ "r0", 0, 0644 },
	{ "r1", 0, 0604 },
	{ "q0", 1, 0640 },
	{ "q1", 1, 0604 },
};

#define NR_RNAMES	((int)ARRAY_SIZE(rnames))

/* Categories of a name: >= 0 an entry of rnames[], else one of these. */
#define CAT_UNKNOWN	-1	/* shared, junk, own: anything goes */
#define CAT_NONE	-2	/* (selection) nothing selected */
#define CAT_FRESH	-3	/* (selection) a new file: "default" if any */
#define CAT_SELECTED	-4	/* (name) empty: the file's own area */

#define RD 4
#define WR 2

struct cfd {			/* an open /dev/mbuff */
	int fd;
	int acc;		/* O_RDONLY, O_WRONLY, O_RDWR */
	int sel;		/* what it has selected, as far as we know */
	bool inherited;		/* a child's, shared with its parent */
};

struct ufd {			/* an open /dev/uioN */
	int fd;
	int acc;
	int cat;
	int minor;
};

struct mapping {
	char *addr;
	size_t len;
	int prot;
	bool ro;		/* of an area this uid may only read */
	bool zapped;		/* MADV_DONTNEED took its pages away */
};

struct worker {
	int index;
	unsigned int gen;
	int kind;		/* 0 root, 1 UID1, 2 UID2 */
	uid_t uid;
	gid_t gid;
	bool root;
	bool child;		/* a fork()ed child of the worker */
	struct rng rng;
	struct cfd cfd[MAX_CFDS];
	struct ufd ufd[MAX_UFDS];
	struct mapping map[MAX_MAPS];
	unsigned long op;
};

static struct worker W;
static uint64_t seed;
static long page;
static unsigned int default_mode = 0600;
static unsigned int max_areas = 256;
/* The quotas set at the start; root only ever lowers them. */
static long long quota_areas = -1, quota_pool_mb = -1, quota_vmalloc_mb = -1;
static unsigned char *req_buf, *out_buf, *ro_buf;
static size_t req_dirty;
static bool no_threads;		/* glibc's threads cannot run here */

static __thread char op_desc[240];
static __thread volatile int probing;
static __thread sigjmp_buf probe_env;

/* --- reporting ------------------------------------------------------------ */

/* One line to stdout in one write(), whoever prints. */
__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	char buf[700];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, (size_t)n) < 0)
		return;
}

static const char *who(void)
{
	static __thread char buf[64];

	if (!W.uid && !W.root)
		return "parent";
	snprintf(buf, sizeof(buf), "w%d%s g%u %s op %lu", W.index,
		 W.child ? " child" : "", W.gen,
		 W.root ? "root" : W.kind == 1 ? "uid1000" : "uid1001", W.op);
	return buf;
}

/* Count one check of @inv; when it failed, report it (the first few). */
__attribute__((format(printf, 3, 4)))
static bool expect(enum inv inv, bool ok, const char *fmt, ...)
{
	struct inv_stat *st = &sh->inv[inv];
	char msg[600];
	unsigned long n;
	va_list ap;
	int len;

	__atomic_fetch_add(&st->checks, 1, __ATOMIC_RELAXED);
	if (ok)
		return true;
	n = __atomic_fetch_add(&st->fails, 1, __ATOMIC_RELAXED);
	len = snprintf(msg, sizeof(msg), "[%s] %s: ", who(), op_desc);
	va_start(ap, fmt);
	if (len > 0 && len < (int)sizeof(msg))
		vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	if (n == 0)
		memcpy(st->first, msg, strnlen(msg, sizeof(st->first) - 1));
	if (n < 4)
		say("# VIOLATION %d (%s): %s", inv + 1, inv_what[inv], msg);
	return false;
}

__attribute__((format(printf, 1, 2)))
static void describe(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op_desc, sizeof(op_desc), fmt, ap);
	va_end(ap);
}

static const char *errname(int e)
{
	static const struct { int e; const char *n; } names[] = {
		{ 0, "0" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EIO, "EIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ENOTTY, "ENOTTY" },
		{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EDQUOT, "EDQUOT" },
		{ EINTR, "EINTR" },
	};
	static __thread char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static bool modern_errno(int e)
{
	switch (e) {
	case EINVAL: case E2BIG: case EFAULT: case ENOENT: case EEXIST:
	case EACCES: case EBADF: case EPERM: case ENOMEM: case ENOSPC:
	case EDQUOT: case EOPNOTSUPP: case EOVERFLOW: case ENODEV:
		return true;
	}
	return false;
}

static bool legacy_errno(int e)
{
	switch (e) {
	case EINVAL: case EIO: case EFAULT: case EACCES: case EBADF:
	case ENOMEM: case ENOSPC: case EDQUOT: case EOVERFLOW:
	case EOPNOTSUPP: case ENODEV:
		return true;
	}
	return false;
}

/* --- small helpers ---------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int read_str(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A number from a file, or -1 (as unsigned: ULLONG_MAX). */
static long long read_num(const char *path)
{
	char buf[64];

	if (read_str(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static uid_t owner_uid(int cat)
{
	return rnames[cat].creator ? UID1 : 0;
}

/* What this worker may do to an area of category @cat: RD|WR, or -1. */
static int rights(int cat)
{
	unsigned int mode;

	if (W.root)
		return RD | WR;
	if (cat < 0)
		return -1;
	mode = rnames[cat].mode;
	if (W.uid == owner_uid(cat))
		return (int)((mode >> 6) & 6);
	if (W.gid == (gid_t)owner_uid(cat))
		return (int)((mode >> 3) & 6);
	return (int)(mode & 6);
}

static bool unpriv_cat(int cat)
{
	return !W.root && cat >= 0;
}

static bool may_create(int cat)
{
	if (cat < 0)
		return true;
	return rnames[cat].creator ? W.kind == 1 : W.root;
}

/* The category an empty name stands for on a file with @sel selected. */
static int target_cat(int sel, int cat)
{
	if (cat != CAT_SELECTED)
		return cat;
	if (sel == CAT_FRESH)
		return 0;
	return sel >= 0 ? sel : CAT_UNKNOWN;
}

static int name_cat(const char *name)
{
	int i;

	for (i = 0; i < NR_RNAMES; i++)
		if (!strcmp(name, rnames[i].name))
			return i;
	return CAT_UNKNOWN;
}

/* Bytes that are not a valid name, or odd ones that are. */
static void junk_name(char *name)
{
	int i;

	memset(name, 0, MBUFF_NAME_SIZE);
	switch (below(11)) {
	case 0:
		memset(name, 'j', MBUFF_NAME_LEN);	/* the longest */
		break;
	case 1:
		memset(name, 'k', MBUFF_NAME_LEN + 1);	/* one too long */
		break;
	case 2:
		memset(name, 'x', MBUFF_NAME_SIZE);	/* no NUL at all */
		break;
	case 3:
		strcpy(name, below(2) ? "." : "..");
		break;
	case 4:
		strcpy(name, below(2) ? "a/b" : "a b");
		break;
	case 5:
		name[0] = (char)(below(2) ? 0x01 : 0x7f);
		name[1] = 'x';
		break;
	case 6:
		name[0] = (char)0xff;
		name[1] = (char)0xfe;
		break;
	case 7:
		/* A valid name with bytes after its NUL. */
		snprintf(name, MBUFF_NAME_SIZE, "s%u", below(NR_SHARED));
		for (i = 3; i < MBUFF_NAME_SIZE; i++)
			name[i] = (char)rnd32();
		break;
	case 8:
		strcpy(name, "DEFAULT");
		break;
	case 9:
		for (i = 0; i < MBUFF_NAME_SIZE; i++)
			name[i] = (char)rnd32();
		break;
	default:
		strcpy(name, "");
		break;
	}
}

/*
 * A name for a request: a shared one, one of rnames[], empty (the file's
 * own area, when @allow_empty), or junk.
 */
static void pick_name(char *name, int *cat, bool allow_empty)
{
	uint32_t r = below(100);

	memset(name, 0, MBUFF_NAME_SIZE);
	*cat = CAT_UNKNOWN;
	if (r < 45) {
		snprintf(name, MBUFF_NAME_SIZE, "s%u", below(NR_SHARED));
	} else if (r < 75) {
		*cat = (int)below(NR_RNAMES);
		strcpy(name, rnames[*cat].name);
	} else if (r < 88 && allow_empty) {
		*cat = CAT_SELECTED;
	} else {
		junk_name(name);
		if (!name[0])
			*cat = CAT_SELECTED;
	}
}

static uint64_t pick_size(void)
{
	static const uint64_t odd[] = {
		0, 1, 4095, 4097, 12288, 65537, 63ULL << 20, 64ULL << 20,
		65ULL << 20, 256ULL << 20, 0x7ffff001ULL, 0x7fffffffULL,
		0x80000000ULL, 0xffffffffULL, 0x100000000ULL, 1ULL << 40,
		~0ULL, ~0ULL - 4094,
	};
	uint32_t r = below(100);

	if (r < 50)
		return (uint64_t)(1 + below(16)) * (uint64_t)page -
		       (chance(20) ? below((uint32_t)page) : 0);
	if (r < 75)
		return (uint64_t)(1 + below(256)) * (uint64_t)page;
	if (r < 90)
		return ((uint64_t)1 << 20) * (1 + below(16));
	return odd[below(ARRAY_SIZE(odd))];
}

/* --- sending requests --------------------------------------------------- */

/* An address the kernel must refuse. */
static void *bad_ptr(void)
{
	switch (below(4)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)16;
	case 2:
#if UINTPTR_MAX > 0xffffffffUL
		return (void *)(uintptr_t)0xffff888000000000ULL;
#else
		return (void *)(uintptr_t)0xfffff000UL;
#endif
	default:
		return req_buf + SCRATCH;	/* the guard page */
	}
}

struct sent {
	long ret;
	int err;
	bool must_fail;		/* malformed or unreachable: refused */
	bool back;		/* the struct holds the kernel's answer */
	char how[64];
};

/*
 * Send a modern request, @size bytes with its reserved bytes at @res_off
 * (@res_len of them) and argsz = @size; now and then with a short or
 * long argsz, a non-zero tail or reserved byte, or at a bad address.  The
 * struct holds the answer when s->back.
 */
static void send_req(int fd, unsigned long cmd, void *req, size_t size,
		     size_t res_off, size_t res_len, struct sent *s)
{
	unsigned char snap[128], *p = req_buf;
	uint32_t argsz = (uint32_t)size;
	size_t cmp_from, end = size;
	int place = 0;

	s->must_fail = false;
	s->back = false;
	strcpy(s->how, "");
	memset(req_buf, 0, req_dirty);
	memcpy(req_buf, req, size);
	if (chance(15)) {
		switch (below(10)) {
		case 0:
			argsz = below(2) ? 0 : (uint32_t)below((uint32_t)size);
			s->must_fail = true;
			break;
		case 1:
			argsz = (uint32_t)size - 1 - below(8);
			s->must_fail = true;
			break;
		case 2:
			argsz = (uint32_t)size + 8 * (1 + below(8));
			break;
		case 3: {
			size_t at;

			argsz = (uint32_t)size + 1 + below(256);
			at = size + below(argsz - (uint32_t)size);
			req_buf[at] = (unsigned char)(1 + below(255));
			end = argsz;
			s->must_fail = true;
			break;
		}
		case 4:
			argsz = below(2) ? (uint32_t)page : SCRATCH - 128;
			end = argsz;
			break;
		case 5:
			argsz = below(2) ? 0xffffffffU : 1U << 20;
			s->must_fail = true;
			break;
		case 6:
			req_buf[res_off + below((uint32_t)res_len)] =
				(unsigned char)(1 + below(255));
			s->must_fail = true;
			break;
		case 7:
			place = 1;
			s->must_fail = true;
			break;
		case 8:
			place = 2;
			s->must_fail = true;
			break;
		default:
			place = 3;
			break;
		}
	}
	memcpy(req_buf, &argsz, sizeof(argsz));
	snprintf(s->how, sizeof(s->how), " argsz %u%s%s", argsz,
		 place == 1 ? " across a guard page" : place == 2 ?
		 " at a bad address" : place == 3 ? " read-only" : "",
		 s->must_fail && !place ? " (malformed)" : "");
	cmp_from = argsz < size ? argsz : size;
	memcpy(snap, req_buf + cmp_from, sizeof(snap));
	if (end < cmp_from + sizeof(snap))
		end = cmp_from + sizeof(snap);
	if (end > req_dirty)
		req_dirty = end;

	if (place == 1) {
		p = req_buf + SCRATCH - size / 2;
		memmove(p, req_buf, size / 2);
		memset(req_buf, 0, size / 2);
	} else if (place == 2) {
		p = bad_ptr();
	} else if (place == 3) {
		memcpy(ro_buf, req_buf, size);
		mprotect(ro_buf, (size_t)page, PROT_READ);
		p = ro_buf;
	}
	s->ret = ioctl(fd, cmd, p);
	s->err = s->ret < 0 ? errno : 0;
	if (place == 1)
		memset(req_buf + SCRATCH - size / 2, 0, size / 2);
	if (place == 3)
		mprotect(ro_buf, (size_t)page, PROT_READ | PROT_WRITE);
	if (place)
		return;
	expect(INV_ARGSZ, !memcmp(req_buf + cmp_from, snap, sizeof(snap)),
	       "the kernel wrote past argsz %u (%s)", argsz, errname(s->err));
	memcpy(req, req_buf, size);
	s->back = true;
}

/* After a modern request: must-fail requests failed, errnos are known. */
static void after_req(const struct sent *s)
{
	if (s->must_fail)
		expect(INV_ARGSZ, s->ret < 0, "%s succeeded", s->how);
	if (s->ret < 0)
		expect(INV_ERRNO, modern_errno(s->err), "refused with %s%s",
		       errname(s->err), s->how);
}

#define SEND(fd, cmd, r, s) \
	send_req(fd, cmd, &(r), sizeof(r), offsetof(__typeof__(r), reserved), \
		 sizeof((r).reserved), s)

/* --- files and mappings of the worker ---------------------------------- */

/* What a /dev/mbuff file has selected, for a message. */
static const char *selected(int fd)
{
	static __thread char buf[128];
	struct mbuff_info i;

	memset(&i, 0, sizeof(i));
	i.argsz = sizeof(i);
	if (ioctl(fd, MBUFF_IOC_INFO, &i))
		snprintf(buf, sizeof(buf), "INFO: %s", errname(errno));
	else if (!i.size)
		snprintf(buf, sizeof(buf), "nothing selected");
	else
		snprintf(buf, sizeof(buf),
			 "'%.40s' owner %u:%u mode %o users %u files %u maps %u",
			 i.name, i.uid, i.gid, i.mode, i.users, i.files,
			 i.maps);
	return buf;
}

static void map_forget(int i)
{
	W.map[i].addr = NULL;
}

static void map_add(char *addr, size_t len, int prot, bool ro)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (!W.map[i].addr)
			break;
	if (i == MAX_MAPS) {
		i = (int)below(MAX_MAPS);
		munmap(W.map[i].addr, W.map[i].len);
	}
	W.map[i] = (struct mapping){ addr, len, prot, ro, false };
}

static int nr_maps(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_MAPS; i++)
		n += !!W.map[i].addr;
	return n;
}

static struct mapping *pick_map(void)
{
	int i, n = nr_maps(), k;

	if (!n)
		return NULL;
	k = (int)below((uint32_t)n);
	for (i = 0; i < MAX_MAPS; i++)
		if (W.map[i].addr && !k--)
			return &W.map[i];
	return NULL;
}

/* Read and write a few bytes of a mapping its protection allows. */
static void touch(struct mapping *m)
{
	volatile char *p = (volatile char *)m->addr;
	size_t offs[3] = { 0, m->len - 1, below((uint32_t)m->len) };
	int i;

	if (m->zapped)
		return;
	describe("touch %p+%zu prot %d", (void *)m->addr, m->len, m->prot);
	for (i = 0; i < 3; i++) {
		char v = 0;

		if (m->prot & PROT_READ)
			v = p[offs[i]];
		if (m->prot & PROT_WRITE)
			p[offs[i]] = (char)(v + 1);
	}
}

static void close_cfd(int i)
{
	if (W.cfd[i].fd >= 0)
		close(W.cfd[i].fd);
	W.cfd[i].fd = -1;
}

static void close_ufd(int i)
{
	if (W.ufd[i].fd >= 0)
		close(W.ufd[i].fd);
	W.ufd[i].fd = -1;
}

/*
 * Open /dev/mbuff.  A new file has "default" selected when it exists, an
 * area private to root: another uid must not read or map it through it.
 */
static struct cfd *open_cfd(void)
{
	static const int accs[] = {
		O_RDWR, O_RDWR, O_RDWR, O_RDONLY, O_WRONLY,
	};
	int i, acc = accs[below(ARRAY_SIZE(accs))], fd;
	struct cfd *c;

	for (i = 0; i < MAX_CFDS; i++)
		if (W.cfd[i].fd < 0)
			break;
	if (i == MAX_CFDS) {
		i = (int)below(MAX_CFDS);
		close_cfd(i);
	}
	describe("open /dev/mbuff acc %d", acc);
	fd = open("/dev/mbuff", acc | (chance(50) ? O_CLOEXEC : 0));
	if (fd < 0)
		return NULL;
	c = &W.cfd[i];
	*c = (struct cfd){ fd, acc, CAT_FRESH, false };
	if (!W.root && acc != O_WRONLY && chance(30)) {
		void *p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd,
			       0);
		char b[16];
		ssize_t n;

		describe("mmap of a new /dev/mbuff file");
		expect(INV_PRIV_MAP, p == MAP_FAILED,
		       "mapped root's private \"default\" (selected by open(): %s)",
		       p == MAP_FAILED ? "" : selected(fd));
		if (p != MAP_FAILED)
			munmap(p, (size_t)page);
		describe("read() of a new /dev/mbuff file");
		n = read(fd, b, sizeof(b));
		expect(INV_PRIV_MAP, n <= 0,
		       "read %zd bytes of root's private \"default\" (%s)", n,
		       n <= 0 ? "" : selected(fd));
		lseek(fd, 0, SEEK_SET);
	}
	return c;
}

static struct cfd *pick_cfd(void)
{
	int i, n = 0, k;

	for (i = 0; i < MAX_CFDS; i++)
		n += W.cfd[i].fd >= 0;
	if (!n || chance(8))
		return open_cfd();
	k = (int)below((uint32_t)n);
	for (i = 0; i < MAX_CFDS; i++)
		if (W.cfd[i].fd >= 0 && !k--)
			return &W.cfd[i];
	return NULL;
}

/* /dev/uioN of area @name, or -1. */
static int uio_minor(const char *name)
{
	char want[64], path[300], buf[64];
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int n = -1;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "mbuff:%s", name);
	while (n < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/uio/%s/name",
			 e->d_name);
		if (!read_str(path, buf, sizeof(buf)) && !strcmp(buf, want))
			n = atoi(e->d_name + 3);
	}
	closedir(d);
	return n;
}

/* The area name of /dev/uio@minor ("" when it is not an mbuff area). */
static void uio_area(int minor, char *name, size_t size)
{
	char path[64], buf[80];

	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/name", minor);
	name[0] = '\0';
	if (!read_str(path, buf, sizeof(buf)) && !strncmp(buf, "mbuff:", 6)) {
		size_t n = strnlen(buf + 6, size - 1);

		memcpy(name, buf + 6, n);
		name[n] = '\0';
	}
}

/* A backend an area made by OPEN can have. */
static bool made_backend(uint32_t b)
{
	return b == MBUFF_BACKEND_VMALLOC || b == MBUFF_BACKEND_CONTIG ||
	       b == MBUFF_BACKEND_CMA;
}

/* --- operations on /dev/mbuff ------------------------------------------ */

static void op_open(void)
{
	static const unsigned int fl[] = {
		0, MBUFF_OPEN_CREATE, MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL,
		MBUFF_OPEN_HOLD, MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD,
		MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD,
		MBUFF_OPEN_EXCL,
	};
	static const uint32_t aligns[] = {
		4096, 8192, 65536, 1 << 20, 2 << 20, 16 << 20, 3, 0x80000000U,
	};
	struct cfd *c = pick_cfd();
	struct mbuff_open o, in;
	struct sent s;
	int cat, tcat, r;

	/* A selection shared with the parent would fool its bookkeeping. */
	if (c && c->inherited)
		c = open_cfd();
	if (!c)
		return;
	memset(&o, 0, sizeof(o));
	pick_name(o.name, &cat, true);
	tcat = cat == CAT_SELECTED ? CAT_UNKNOWN : cat;
	o.flags = fl[below(ARRAY_SIZE(fl))];
	if (chance(40))
		o.flags |= MBUFF_OPEN_MODE;
	if (chance(3))
		o.flags |= 1U << (4 + below(28));
	o.size = pick_size();
	/* CMA areas where the kernel has CMA (the debug kernel) */
	o.backend = chance(90) ? below(3) : chance(50) ? MBUFF_BACKEND_CMA :
		    rnd32() % 8;
	o.memtype = chance(70) ? 0 : chance(90) ? below(3) : rnd32();
	o.align = chance(80) ? 0 : aligns[below(ARRAY_SIZE(aligns))];
	o.mode = chance(80) ? rnd32() & 0666 : rnd32() & 07777;
	if (chance(10)) {
		o.uid = rnd32();
		o.gid = rnd32();
	}
	if (!may_create(tcat)) {
		o.flags &= ~MBUFF_OPEN_CREATE;
	} else if (tcat >= 0) {
		o.flags |= MBUFF_OPEN_MODE;
		o.mode = rnames[tcat].mode;
		if (rnames[tcat].mode == default_mode && chance(50))
			o.flags &= ~MBUFF_OPEN_MODE;
	}
	in = o;
	describe("OPEN '%.40s' flags %#x size %llu backend %u memtype %u align %u mode %o on fd acc %d",
		 o.name, o.flags, (unsigned long long)o.size, o.backend,
		 o.memtype, o.align, o.mode, c->acc);
	SEND(c->fd, MBUFF_IOC_OPEN, o, &s);
	after_req(&s);
	r = rights(tcat);
	if (unpriv_cat(tcat) && !(r & RD))
		expect(INV_PRIV_OPEN, s.ret < 0, "opened an area it may not read");
	else if (unpriv_cat(tcat) && (in.flags & MBUFF_OPEN_HOLD) && !(r & WR))
		expect(INV_RO_WRITE, s.ret < 0,
		       "took a user count on an area it may only read");
	if (c->acc == O_RDONLY &&
	    (in.flags & (MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD)))
		expect(INV_FILE_MODE, s.ret < 0, "CREATE/HOLD on a read-only file");
	if (s.ret < 0) {
		if (s.err == EFAULT)
			c->sel = CAT_UNKNOWN;
		return;
	}
	c->sel = tcat;
	if (!s.back)
		return;
	expect(INV_OPEN_TYPES,
	       made_backend(o.backend) && o.memtype <= MBUFF_MEM_UNCACHED &&
	       (in.backend == MBUFF_BACKEND_ANY || o.backend == in.backend),
	       "returned backend %u memtype %u (%#x %#x)", o.backend,
	       o.memtype, o.backend, o.memtype);
	if ((in.flags & (MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL)) ==
	    (MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL))
		expect(INV_OPEN_TYPES, o.memtype == in.memtype,
		       "created with memtype %u, returned %u", in.memtype,
		       o.memtype);
	expect(INV_OPEN_SIZE,
	       o.size && !(o.size % (uint64_t)page) && o.size >= in.size &&
	       o.size <= (1ULL << 32),
	       "returned size %llu (%#llx) for %llu",
	       (unsigned long long)o.size, (unsigned long long)o.size,
	       (unsigned long long)in.size);
	expect(INV_OWNER, !(o.mode & ~0666U), "returned mode %#o", o.mode);
	if (tcat >= 0)
		expect(INV_OWNER, o.uid == owner_uid(tcat) &&
		       o.gid == owner_uid(tcat) && o.mode == rnames[tcat].mode,
		       "returned owner %u:%u mode %o, created %u:%u %o",
		       o.uid, o.gid, o.mode, owner_uid(tcat),
		       owner_uid(tcat), rnames[tcat].mode);
}

/* An op on an area by name (struct mbuff_name): DESTROY or NOTIFY. */
static void op_name(bool destroy)
{
	struct cfd *c = pick_cfd();
	struct mbuff_name n;
	struct sent s;
	int cat, tcat, r;

	if (!c)
		return;
	memset(&n, 0, sizeof(n));
	pick_name(n.name, &cat, true);
	tcat = target_cat(c->sel, cat);
	if (chance(3))
		n.flags = rnd32();
	describe("%s '%.40s' (sel %d) on fd acc %d", destroy ? "DESTROY" :
		 "NOTIFY", n.name, c->sel, c->acc);
	SEND(c->fd, destroy ? MBUFF_IOC_DESTROY : MBUFF_IOC_NOTIFY, n, &s);
	after_req(&s);
	r = rights(tcat);
	if (destroy && unpriv_cat(tcat) && W.uid != owner_uid(tcat))
		expect(INV_PRIV_DESTROY, s.ret < 0,
		       "destroyed (dropped a user count of) another uid's area");
	if (!destroy && unpriv_cat(tcat) && !(r & WR))
		expect(INV_PRIV_WRITE, s.ret < 0,
		       "notified an area it may not write");
	if (c->acc == O_RDONLY)
		expect(INV_FILE_MODE, s.ret < 0, "on a read-only file");
}

static bool counts_sane(const struct mbuff_info *i)
{
	return i->users <= HOLD_MAX && i->kernel_users < (1U << 20) &&
	       i->files < (1U << 20) && i->maps < (1U << 20);
}

static void op_info(void)
{
	struct cfd *c = pick_cfd();
	struct mbuff_info i, in;
	struct sent s;
	int cat, tcat;

	if (!c)
		return;
	memset(&i, 0, sizeof(i));
	pick_name(i.name, &cat, true);
	tcat = target_cat(c->sel, cat);
	if (chance(3))
		i.flags = rnd32();
	in = i;
	describe("INFO '%.40s' (sel %d)", i.name, c->sel);
	SEND(c->fd, MBUFF_IOC_INFO, i, &s);
	after_req(&s);
	if (unpriv_cat(tcat) && cat != CAT_SELECTED && !(rights(tcat) & RD))
		expect(INV_PRIV_OPEN, s.ret < 0, "INFO of an area it may not read");
	if (s.ret < 0 || !s.back)
		return;
	expect(INV_INFO, i.abi_version == MBUFF_ABI_VERSION,
	       "abi_version %u", i.abi_version);
	if (!W.root)
		expect(INV_PHYS, !i.phys_addr, "phys_addr %#llx",
		       (unsigned long long)i.phys_addr);
	if (!i.size)
		return;
	expect(INV_INFO,
	       made_backend(i.backend) && i.memtype <= MBUFF_MEM_UNCACHED &&
	       !(i.size % (uint64_t)page) &&
	       counts_sane(&i) && !(i.mode & ~0666U) &&
	       mbuff_name_valid_in(i.name, sizeof(i.name)) &&
	       (!in.name[0] || !memchr(in.name, 0, sizeof(in.name)) ||
		!strcmp(in.name, i.name)),
	       "'%.40s' for '%.40s': size %llu backend %u memtype %u users %u kernel_users %u files %u maps %u mode %o",
	       i.name, in.name, (unsigned long long)i.size, i.backend,
	       i.memtype, i.users, i.kernel_users, i.files, i.maps, i.mode);
	tcat = cat == CAT_SELECTED ? CAT_UNKNOWN : name_cat(i.name);
	if (tcat >= 0)
		expect(INV_OWNER, i.uid == owner_uid(tcat) &&
		       i.gid == owner_uid(tcat) && i.mode == rnames[tcat].mode,
		       "'%s' has owner %u:%u mode %o, created %u:%u %o",
		       i.name, i.uid, i.gid, i.mode, owner_uid(tcat),
		       owner_uid(tcat), rnames[tcat].mode);
}

static void op_list(void)
{
	static const uint32_t caps[] = { 0, 1, 2, 8, 64, 256, 400, 1U << 30 };
	struct cfd *c = pick_cfd();
	struct mbuff_list l;
	size_t n, k, room = OUTBUF / MBUFF_NAME_SIZE;
	struct sent s;
	bool bad = chance(5);

	if (!c)
		return;
	memset(&l, 0, sizeof(l));
	l.capacity = caps[below(ARRAY_SIZE(caps))];
	if (l.capacity > room && l.capacity < (1U << 30))
		l.capacity = (uint32_t)room;
	memset(out_buf, 0xa5, OUTBUF);
	l.names = (uintptr_t)(bad ? bad_ptr() : out_buf);
	describe("LIST capacity %u%s", l.capacity, bad ? " to a bad address" : "");
	SEND(c->fd, MBUFF_IOC_LIST, l, &s);
	after_req(&s);
	if (s.ret < 0 || !s.back || bad)
		return;
	n = l.count < l.capacity ? l.count : l.capacity;
	expect(INV_LIST, l.count <= max_areas && n <= room,
	       "count %u (max_areas %u), capacity %u", l.count, max_areas,
	       l.capacity);
	if (n > room)
		return;
	for (k = 0; k < n; k++) {
		const char *name = (const char *)out_buf + k * MBUFF_NAME_SIZE;

		if (!expect(INV_LIST,
			    mbuff_name_valid_in(name, MBUFF_NAME_SIZE),
			    "name %zu of %zu is not a valid name", k, n))
			return;
	}
	if (n < room)
		expect(INV_LIST, out_buf[n * MBUFF_NAME_SIZE] == 0xa5,
		       "wrote past the %zu names it reported (count %u capacity %u)",
		       n, l.count, l.capacity);
}

static void op_sglist(void)
{
	static const uint32_t caps[] = { 0, 1, 4, 64, 1024, 1U << 20 };
	struct cfd *c = pick_cfd();
	struct mbuff_sg_entry *e = (struct mbuff_sg_entry *)out_buf;
	struct mbuff_sglist g;
	size_t room = OUTBUF / sizeof(*e), n, k;
	struct sent s;
	int cat;

	if (!c)
		return;
	memset(&g, 0, sizeof(g));
	pick_name(g.name, &cat, true);
	g.capacity = caps[below(ARRAY_SIZE(caps))];
	g.entries = (uintptr_t)(chance(5) ? bad_ptr() : out_buf);
	describe("SGLIST '%.40s' capacity %u", g.name, g.capacity);
	SEND(c->fd, MBUFF_IOC_SGLIST, g, &s);
	after_req(&s);
	if (!W.root)
		expect(INV_PHYS, s.ret < 0,
		       "SGLIST without CAP_SYS_RAWIO gave %u runs", g.count);
	if (s.ret < 0 || !s.back || g.entries != (uintptr_t)out_buf)
		return;
	n = g.count < g.capacity ? g.count : g.capacity;
	expect(INV_SGLIST, g.count >= 1, "count %u", g.count);
	for (k = 0; k < n && k < room; k++)
		if (!expect(INV_SGLIST,
			    e[k].len && !(e[k].len % (uint64_t)page) &&
			    !(e[k].phys % (uint64_t)page),
			    "run %zu: %#llx + %#llx", k,
			    (unsigned long long)e[k].phys,
			    (unsigned long long)e[k].len))
			break;
}

static void op_sync(void)
{
	static const uint64_t offs[] = {
		0, 1, 4096, 4095, 1 << 20, ~0ULL, ~0ULL - 4095, 1ULL << 32,
	};
	struct cfd *c = pick_cfd();
	struct mbuff_sync y;
	struct sent s;
	int cat, tcat;

	if (!c)
		return;
	memset(&y, 0, sizeof(y));
	pick_name(y.name, &cat, true);
	tcat = target_cat(c->sel, cat);
	y.offset = chance(60) ? below(4) * (uint64_t)page :
				offs[below(ARRAY_SIZE(offs))];
	y.length = chance(60) ? (1 + below(4)) * (uint64_t)page :
		   offs[below(ARRAY_SIZE(offs))];
	y.direction = chance(85) ? 1 + below(3) : rnd32() % 8;
	if (chance(3))
		y.flags = rnd32();
	if (chance(3))
		y.pad = rnd32();
	describe("SYNC '%.40s' (sel %d) %llu+%llu dir %u", y.name, c->sel,
		 (unsigned long long)y.offset, (unsigned long long)y.length,
		 y.direction);
	SEND(c->fd, MBUFF_IOC_SYNC, y, &s);
	after_req(&s);
	if (unpriv_cat(tcat) && !(rights(tcat) & WR))
		expect(INV_PRIV_WRITE, s.ret < 0, "synced an area it may not write");
	if (c->acc == O_RDONLY)
		expect(INV_FILE_MODE, s.ret < 0, "SYNC on a read-only file");
}

static uint32_t pick_id(void)
{
	static const uint32_t ids[] = { 0, UID1, UID2, 65534, 0xffffffffU };

	return chance(80) ? ids[below(ARRAY_SIZE(ids))] : rnd32() % 70000;
}

static void op_setperm(void)
{
	struct cfd *c = pick_cfd();
	struct mbuff_perm p;
	struct sent s;
	int cat, tcat;

	if (!c)
		return;
	memset(&p, 0, sizeof(p));
	pick_name(p.name, &cat, true);
	tcat = target_cat(c->sel, cat);
	/*
	 * The areas of rnames[] keep their owner and mode: their creators
	 * (and root) leave them alone, and only name their own areas.
	 */
	if ((W.root || W.kind == 1) && cat != CAT_UNKNOWN)
		return;
	p.flags = chance(90) ? 1 + below(MBUFF_PERM_FLAGS) : rnd32();
	p.uid = pick_id();
	p.gid = pick_id();
	p.mode = chance(85) ? rnd32() & 0666 : rnd32() & 07777;
	if (chance(3))
		p.pad = rnd32();
	describe("SETPERM '%.40s' (sel %d) flags %#x uid %u gid %u mode %o",
		 p.name, c->sel, p.flags, p.uid, p.gid, p.mode);
	SEND(c->fd, MBUFF_IOC_SETPERM, p, &s);
	after_req(&s);
	if (unpriv_cat(tcat) && W.uid != owner_uid(tcat))
		expect(INV_PRIV_DESTROY, s.ret < 0,
		       "changed another uid's area");
	if (!W.root && (p.flags & MBUFF_PERM_UID) && p.uid != W.uid)
		expect(INV_PRIV_DESTROY, s.ret < 0,
		       "gave an area to uid %u without CAP_CHOWN", p.uid);
	if (!W.root && (p.flags & MBUFF_PERM_GID) && p.gid != W.gid)
		expect(INV_PRIV_DESTROY, s.ret < 0,
		       "moved an area to group %u it is not in", p.gid);
	if (c->acc == O_RDONLY)
		expect(INV_FILE_MODE, s.ret < 0, "SETPERM on a read-only file");
}

/* The legacy ioctls 0 to 3 with the native struct mbuff_request_struct. */
static void op_legacy(void)
{
	static const size_t big[] = {
		0x7fffffff, 0x7ffff001, 0x7fffe000, (size_t)0x80000000UL,
		~(size_t)0, ~(size_t)0 - 4094,
	};
	struct cfd *c = pick_cfd();
	struct mbuff_request_struct q;
	unsigned int cmd = below(4);
	char name[MBUFF_NAME_SIZE];
	bool huge = false, bad = chance(4), named;
	int cat, tcat, r;
	long ret;
	int err;

	if (c && c->inherited)
		c = open_cfd();
	if (!c)
		return;
	memset(&q, 0, sizeof(q));
	pick_name(name, &cat, false);
	memcpy(q.name, name, sizeof(q.name));
	if (cat == CAT_SELECTED)
		cat = CAT_UNKNOWN;
	named = mbuff_name_valid_in(q.name, sizeof(q.name)) != 0;
	if (named)
		cat = name_cat(q.name);
	tcat = cat;
	if (chance(75)) {
		q.size = chance(30) ? 0 :
			 (size_t)(1 + below(64)) * (size_t)page - below(100);
	} else {
		q.size = big[below(ARRAY_SIZE(big))];
		huge = true;
	}
	/* Only the creator may create a name, and only with its mode. */
	if (cmd == MBUFF_LEGACY_ALLOCATE &&
	    (!may_create(tcat) ||
	     (tcat >= 0 && rnames[tcat].mode != default_mode)))
		q.size = 0;
	if (!q.size)
		huge = false;
	if (chance(5))
		q.flags = rnd32();
	if (chance(5))
		q.reserved[below(4)] = rnd32();
	describe("legacy %u '%.33s' size %zu", cmd, q.name, (size_t)q.size);
	ret = ioctl(c->fd, cmd, bad ? bad_ptr() : (void *)&q);
	err = ret < 0 ? errno : 0;
	if (cmd == MBUFF_LEGACY_INFO) {
		expect(INV_LEGACY, ret == -1 && err == ENOSYS, "returned %ld (%s)",
		       ret, errname(err));
		return;
	}
	if (cmd == MBUFF_LEGACY_DEALLOCATE) {
		/* FIGETBSZ: the VFS answers it before the driver. */
		if (ret > 0 && unpriv_cat(tcat) && W.uid != owner_uid(tcat))
			expect(INV_PRIV_DESTROY, false,
			       "DEALLOCATE of another uid's area returned %ld", ret);
		c->sel = CAT_UNKNOWN;
		return;
	}
	if (bad) {
		expect(INV_ARGSZ, ret < 0, "at a bad address: returned %ld", ret);
		c->sel = CAT_UNKNOWN;
		return;
	}
	if (ret < 0)
		expect(INV_ERRNO, legacy_errno(err), "refused with %s",
		       errname(err));
	else
		expect(INV_LEGACY, ret > 0 && !(ret % page) &&
		       (cmd != MBUFF_LEGACY_ALLOCATE || (size_t)ret >= q.size),
		       "returned %ld", ret);
	if (cmd == MBUFF_LEGACY_ALLOCATE && huge && named && c->acc != O_RDONLY)
		expect(INV_LEGACY, ret < 0 &&
		       (err == EIO || err == EACCES || err == EDQUOT),
		       "an oversize ALLOCATE returned %ld (%s)", ret,
		       errname(err));
	r = rights(tcat);
	if (unpriv_cat(tcat) && !(r & RD))
		expect(INV_PRIV_OPEN, ret < 0, "%s of an area it may not read",
		       cmd == MBUFF_LEGACY_SELECT ? "SELECT" : "ALLOCATE");
	else if (unpriv_cat(tcat) && cmd == MBUFF_LEGACY_ALLOCATE && !(r & WR))
		expect(INV_RO_WRITE, ret < 0,
		       "legacy ALLOCATE of an area it may only read");
	if (cmd == MBUFF_LEGACY_ALLOCATE && c->acc == O_RDONLY)
		expect(INV_FILE_MODE, ret < 0, "legacy ALLOCATE on a read-only file");
	if (ret > 0)
		c->sel = tcat;
}

/* An ioctl number the module does not know, nor the VFS before it. */
static unsigned long unknown_cmd(void)
{
	for (;;) {
		unsigned long cmd;
		unsigned int type, nr;

		switch (below(4)) {
		case 0:
			cmd = _IO(MBUFF_IOC_MAGIC, below(256));
			break;
		case 1:
			cmd = _IOC(below(4), MBUFF_IOC_MAGIC, 0x10 + below(12),
				   1 + below(200));
			break;
		case 2:
			cmd = 4 + below(60);
			break;
		default:
			cmd = rnd32();
			break;
		}
		type = (cmd >> _IOC_TYPESHIFT) & 0xff;
		nr = cmd & 0xff;
		if (type == MBUFF_IOC_MAGIC && nr >= 0x10 && nr <= 0x1b &&
		    !(cmd >> _IOC_SIZESHIFT))
			continue;
		if (type == 0 && nr < 4)
			continue;
		if (type == 'T' || type == 'X' || type == 'f' || type == 0x94)
			continue;
		return cmd;
	}
}

static void op_unknown(void)
{
	struct cfd *c = pick_cfd();
	unsigned long cmd = unknown_cmd();
	long ret;

	if (!c)
		return;
	memset(req_buf, 0, 512);
	describe("ioctl %#lx", cmd);
	ret = ioctl(c->fd, cmd, chance(80) ? (void *)req_buf : bad_ptr());
	expect(INV_UNKNOWN, ret < 0 && errno == ENOTTY, "returned %ld (%s)",
	       ret, errname(ret < 0 ? errno : 0));
	req_dirty = req_dirty > 512 ? req_dirty : 512;
}

static void op_read(void)
{
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA,
				      SEEK_HOLE, 7 };
	struct cfd *c = pick_cfd();
	size_t len = chance(50) ? 1 + below(64) : below(OUTBUF + 1);
	off_t off;
	ssize_t n;
	int cat;

	if (!c)
		return;
	if (chance(70))
		off = (off_t)below(8) * page + (chance(20) ? below(100) : 0);
	else
		off = (off_t)(rnd() >> 2) * (chance(50) ? -1 : 1);
	describe("lseek %lld read %zu (sel %d)", (long long)off, len, c->sel);
	lseek(c->fd, off, whence[below(ARRAY_SIZE(whence))]);
	if (chance(5))
		n = read(c->fd, bad_ptr(), len);
	else
		n = read(c->fd, out_buf, len);
	cat = target_cat(c->sel, CAT_SELECTED);
	if (unpriv_cat(cat) && !(rights(cat) & RD))
		expect(INV_PRIV_MAP, n <= 0,
		       "read %zd bytes of an area it may not read (%s)", n,
		       n <= 0 ? "" : selected(c->fd));
	if (n > (ssize_t)len)
		expect(INV_INFO, false, "read() returned %zd for %zu", n, len);
}

static int pick_prot(void)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ,
		PROT_READ, PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC,
	};

	return prots[below(ARRAY_SIZE(prots))];
}

/* mmap() of a /dev/mbuff file's area or of a /dev/uioN. */
static void op_mmap(void)
{
	struct ufd *u = NULL;
	struct cfd *c = NULL;
	int fd, prot = pick_prot(), flags = MAP_SHARED, cat, r, i;
	size_t len = (size_t)page *
		     (1 + (chance(80) ? below(4) : below(512)));
	static const off_t far[] = {
		(off_t)1 << 32, (off_t)1 << 40, INT64_MAX & ~(off_t)0xfff,
		(off_t)0xfffff000, (off_t)0x7ffff000,
	};
	off_t off = chance(85) ? 0 : chance(80) ? (off_t)below(16) * page :
		    far[below(ARRAY_SIZE(far))];
	struct mapping *fixed = NULL;
	char *p;

	if (chance(35)) {
		for (i = 0; i < MAX_UFDS && !u; i++)
			if (W.ufd[i].fd >= 0 && chance(60))
				u = &W.ufd[i];
	}
	if (u) {
		fd = u->fd;
		cat = u->cat;
		if (chance(90))
			off = 0;	/* map 0 is the only map */
	} else {
		c = pick_cfd();
		if (!c)
			return;
		fd = c->fd;
		cat = target_cat(c->sel, CAT_SELECTED);
	}
	if (chance(8))
		flags = MAP_PRIVATE;
	if (chance(5))
		flags |= MAP_POPULATE;
	if (chance(6))
		fixed = pick_map();
	if (fixed) {
		flags |= MAP_FIXED;
		len = fixed->len;
	}
	describe("mmap %s len %zu off %lld prot %d flags %#x (cat %d)",
		 u ? "uio" : "mbuff", len, (long long)off, prot, flags, cat);
	p = mmap(fixed ? fixed->addr : NULL, len, prot, flags, fd, off);
	if (fixed) {
		/* A failed MAP_FIXED may have unmapped the old range. */
		if (p == MAP_FAILED)
			munmap(fixed->addr, fixed->len);
		map_forget((int)(fixed - W.map));
	}
	r = rights(cat);
	if (unpriv_cat(cat) && !(r & RD))
		expect(INV_PRIV_MAP, p == MAP_FAILED,
		       "mapped an area it may not read (%s)",
		       p == MAP_FAILED || u ? "" : selected(fd));
	else if (unpriv_cat(cat) && (prot & PROT_WRITE) && !(r & WR))
		expect(INV_RO_WRITE, p == MAP_FAILED,
		       "mapped an area it may only read with PROT_WRITE");
	if (p == MAP_FAILED)
		return;
	map_add(p, len, prot, unpriv_cat(cat) && !(r & WR));
	for (i = 0; i < MAX_MAPS; i++)
		if (W.map[i].addr == p)
			touch(&W.map[i]);
}

/* munmap, mremap, mprotect or madvise one mapping, in whole or in part. */
static void op_remap(void)
{
	struct mapping *m = pick_map();
	int prot, ret;
	void *q;

	if (!m)
		return;
	describe("remap %p+%zu prot %d", (void *)m->addr, m->len, m->prot);
	switch (below(8)) {
	case 0:
	case 1:
		munmap(m->addr, m->len);
		map_forget((int)(m - W.map));
		return;
	case 2:
		if (m->len > (size_t)page && !munmap(m->addr, (size_t)page)) {
			m->addr += page;
			m->len -= (size_t)page;
		}
		break;
	case 3:
		if (m->len > (size_t)page &&
		    !munmap(m->addr + m->len - page, (size_t)page))
			m->len -= (size_t)page;
		break;
	case 4:
		if (chance(50) && m->len > (size_t)page) {
			q = mremap(m->addr, m->len, m->len - (size_t)page, 0);
			if (q != MAP_FAILED)
				m->len -= (size_t)page;
		} else {
			q = mremap(m->addr, m->len, m->len + (size_t)page,
				   MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				m->addr = q;
				m->len += (size_t)page;
			}
		}
		break;
	case 5: {
		void *to = mmap(NULL, m->len, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (to == MAP_FAILED)
			break;
		q = mremap(m->addr, m->len, m->len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, to);
		if (q == MAP_FAILED)
			munmap(to, m->len);
		else
			m->addr = q;
		break;
	}
	case 6:
		prot = pick_prot();
		describe("mprotect %p+%zu %d -> %d", (void *)m->addr, m->len,
			 m->prot, prot);
		ret = mprotect(m->addr, m->len, prot);
		if (m->ro && (prot & PROT_WRITE))
			expect(INV_RO_WRITE, ret < 0,
			       "made a mapping of an area it may only read writable");
		if (!ret)
			m->prot = prot;
		break;
	default: {
		static const int advs[] = {
			MADV_DONTNEED, MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT,
			MADV_REMOVE, MADV_HUGEPAGE, MADV_NORMAL, MADV_RANDOM,
		};
		int adv = advs[below(ARRAY_SIZE(advs))];

		describe("madvise %p+%zu %d", (void *)m->addr, m->len, adv);
		if (!madvise(m->addr, m->len, adv) &&
		    (adv == MADV_DONTNEED || adv == MADV_REMOVE))
			m->zapped = true;
		break;
	}
	}
	touch(m);
}

/* --- /dev/uioN ---------------------------------------------------------- */

static void op_uio(void)
{
	struct ufd *u = NULL;
	char name[MBUFF_NAME_SIZE], area[64], path[32];
	int i, cat, minor, acc, fd, r;

	for (i = 0; i < MAX_UFDS && !u; i++)
		if (W.ufd[i].fd >= 0 && chance(50))
			u = &W.ufd[i];
	if (!u || chance(30)) {
		for (i = 0; i < MAX_UFDS; i++)
			if (W.ufd[i].fd < 0)
				break;
		if (i == MAX_UFDS) {
			i = (int)below(MAX_UFDS);
			close_ufd(i);
		}
		u = &W.ufd[i];
		if (chance(20)) {
			minor = (int)below(24);
		} else {
			pick_name(name, &cat, false);
			minor = uio_minor(name);
			if (minor < 0)
				return;
		}
		acc = chance(80) ? O_RDWR : O_RDONLY;
		snprintf(path, sizeof(path), "/dev/uio%d", minor);
		describe("open %s acc %d", path, acc);
		fd = open(path, acc | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return;
		/* While it is open, the minor stays that area's. */
		uio_area(minor, area, sizeof(area));
		cat = name_cat(area);
		/* A worker's own area: it counts its files and maps. */
		if (area[0] && strchr("tmklhz", area[0]) && area[1] >= '0' &&
		    area[1] <= '9') {
			close(fd);
			return;
		}
		*u = (struct ufd){ fd, acc, cat, minor };
		describe("open %s ('%s') acc %d", path, area, acc);
		if (unpriv_cat(cat))
			expect(INV_PRIV_MAP, rights(cat) & RD,
			       "opened the UIO device of an area it may not read");
		return;
	}
	r = rights(u->cat);
	switch (below(4)) {
	case 0: {
		int32_t v = (int32_t)rnd32();
		size_t len = chance(85) ? 4 : below(9);
		ssize_t n;

		describe("write %zu to uio%d (cat %d)", len, u->minor, u->cat);
		n = write(u->fd, chance(5) ? bad_ptr() : &v, len);
		if (unpriv_cat(u->cat) && !(r & WR))
			expect(INV_PRIV_WRITE, n < 0,
			       "rang the doorbell of an area it may not write");
		break;
	}
	case 1: {
		uint32_t v;

		describe("read uio%d", u->minor);
		if (read(u->fd, chance(5) ? bad_ptr() : &v,
			 chance(90) ? 4 : below(9)) < 0)
			break;
		break;
	}
	case 2: {
		struct pollfd pfd = { u->fd, POLLIN | POLLOUT, 0 };

		describe("poll uio%d", u->minor);
		poll(&pfd, 1, (int)below(3));
		break;
	}
	default:
		close_ufd((int)(u - W.ufd));
		break;
	}
}

/* --- sysfs -------------------------------------------------------------- */

static const char *const area_attrs[] = {
	"size", "backend", "memtype", "phys_addr", "uio", "doorbells", "users",
	"kernel_users", "files", "maps", "owner", "group", "mode", "cma",
	"uevent",
};

static void op_sysfs(void)
{
	char path[400], buf[128], ent[64];
	struct dirent *e;
	const char *attr;
	int n = 0, k;
	DIR *d;

	switch (below(3)) {
	case 0:
		d = opendir(AREAS);
		if (!d)
			return;
		k = (int)below(16);
		ent[0] = '\0';
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if ((!ent[0] || n++ == k) &&
			    strlen(e->d_name) < sizeof(ent))
				strcpy(ent, e->d_name);
		}
		closedir(d);
		if (!ent[0])
			return;
		attr = area_attrs[below(ARRAY_SIZE(area_attrs))];
		snprintf(path, sizeof(path), AREAS "/%s/%s", ent, attr);
		describe("read %s", path);
		if (read_str(path, buf, sizeof(buf)))
			return;
		if (!strcmp(attr, "phys_addr") && !W.root)
			expect(INV_PHYS, !strtoull(buf, NULL, 0),
			       "read %s without CAP_SYS_RAWIO", buf);
		k = name_cat(ent);
		if (k >= 0 && !strcmp(attr, "owner"))
			expect(INV_OWNER, strtoul(buf, NULL, 0) == owner_uid(k),
			       "owner %s", buf);
		if (k >= 0 && !strcmp(attr, "group"))
			expect(INV_OWNER, strtoul(buf, NULL, 0) == owner_uid(k),
			       "group %s", buf);
		if (k >= 0 && !strcmp(attr, "mode"))
			expect(INV_OWNER,
			       strtoul(buf, NULL, 8) == rnames[k].mode,
			       "mode %s", buf);
		if (!strcmp(attr, "users") || !strcmp(attr, "files") ||
		    !strcmp(attr, "maps") || !strcmp(attr, "kernel_users"))
			expect(INV_INFO, strtoull(buf, NULL, 0) < (1ULL << 20),
			       "%s", buf);
		return;
	case 1:
		attr = below(2) ? "phys_addr" : "avail";
		snprintf(path, sizeof(path), SYSFS "/pools/pool0/%s", attr);
		describe("read %s", path);
		if (read_str(path, buf, sizeof(buf)))
			return;
		if (!strcmp(attr, "phys_addr") && !W.root)
			expect(INV_PHYS, !strtoull(buf, NULL, 0),
			       "read %s without CAP_SYS_RAWIO", buf);
		return;
	default:
		k = (int)below(24);
		uio_area(k, ent, sizeof(ent));
		if (!ent[0])
			return;
		snprintf(path, sizeof(path),
			 "/sys/class/uio/uio%d/maps/map0/%s", k,
			 below(2) ? "addr" : "size");
		describe("read %s ('%s')", path, ent);
		if (read_str(path, buf, sizeof(buf)))
			return;
		if (strstr(path, "addr"))
			expect(INV_PHYS, !strtoull(buf, NULL, 0),
			       "UIO map0/addr of '%s' is %s", ent, buf);
		return;
	}
}

/* --- racing threads on one /dev/mbuff file ------------------------------ */

struct racer {
	pthread_t th;
	int fd;
	int id;
	long long until;
	struct rng rng;
};

static void race_open(struct racer *t)
{
	struct mbuff_open o;
	uint64_t asked;

	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	if (chance(75))
		snprintf(o.name, sizeof(o.name), "t%d.%u", W.index,
			 below(NR_TNAMES));
	else
		snprintf(o.name, sizeof(o.name), "s%u", below(NR_SHARED));
	o.flags = chance(75) ? MBUFF_OPEN_CREATE : 0;
	if (chance(5))
		o.flags |= MBUFF_OPEN_HOLD;
	asked = (1 + below(4)) * (uint64_t)page;
	o.size = asked;
	o.backend = below(3);
	describe("racer %d: OPEN '%s' flags %#x size %llu backend %u", t->id,
		 o.name, o.flags, (unsigned long long)o.size, o.backend);
	if (ioctl(t->fd, MBUFF_IOC_OPEN, &o))
		return;
	expect(INV_OPEN_TYPES,
	       made_backend(o.backend) && o.memtype <= MBUFF_MEM_UNCACHED,
	       "returned backend %u (%#x) memtype %u (%#x) with threads racing on the fd",
	       o.backend, o.backend, o.memtype, o.memtype);
	expect(INV_OPEN_SIZE, o.size >= asked && !(o.size % (uint64_t)page) &&
	       o.size <= (1ULL << 32),
	       "returned size %llu (%#llx) with threads racing on the fd",
	       (unsigned long long)o.size, (unsigned long long)o.size);
}

static void race_select(struct racer *t)
{
	struct mbuff_request_struct q;
	long ret;

	memset(&q, 0, sizeof(q));
	snprintf(q.name, sizeof(q.name), "t%d.%u", W.index, below(NR_TNAMES));
	describe("racer %d: legacy SELECT '%s'", t->id, q.name);
	ret = ioctl(t->fd, MBUFF_LEGACY_SELECT, &q);
	if (ret >= 0)
		expect(INV_LEGACY, ret > 0 && !(ret % page),
		       "SELECT returned %ld with threads racing", ret);
}

static void race_info(struct racer *t)
{
	struct mbuff_info i;

	memset(&i, 0, sizeof(i));
	i.argsz = sizeof(i);
	describe("racer %d: INFO of the file's area", t->id);
	if (ioctl(t->fd, MBUFF_IOC_INFO, &i) || !i.size)
		return;
	expect(INV_INFO, made_backend(i.backend) && i.memtype <= 2 &&
	       counts_sane(&i) && !(i.size % (uint64_t)page),
	       "size %llu backend %u memtype %u users %u files %u maps %u with threads racing",
	       (unsigned long long)i.size, i.backend, i.memtype, i.users,
	       i.files, i.maps);
}

static void race_map(struct racer *t)
{
	char *p;

	describe("racer %d: mmap of the file's area", t->id);
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 t->fd, 0);
	if (p != MAP_FAILED) {
		p[below((uint32_t)page)]++;
		munmap(p, (size_t)page);
	}
}

static void race_read(struct racer *t)
{
	char buf[64];

	describe("racer %d: read", t->id);
	if (pread(t->fd, buf, sizeof(buf), below(3) * page) >= 0)
		lseek(t->fd, 0, SEEK_END);
}

static void race_name(struct racer *t)
{
	struct mbuff_name n;

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n);
	describe("racer %d: DESTROY or NOTIFY", t->id);
	ioctl(t->fd, below(2) ? MBUFF_IOC_DESTROY : MBUFF_IOC_NOTIFY, &n);
}

/* Swap another file in under the other racers' feet. */
static void race_swap(struct racer *t)
{
	int fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);

	describe("racer %d: dup2 over the shared fd", t->id);
	if (fd < 0)
		return;
	if (chance(20))
		dup2(fd, t->fd);
	close(fd);
}

static void *racer_main(void *arg)
{
	static void (*const acts[])(struct racer *) = {
		race_open, race_open, race_open, race_open, race_select,
		race_info, race_map, race_read, race_name, race_swap,
	};
	struct racer *t = arg;

	R = &t->rng;
	while (now_ms() < t->until && !sh->stop)
		acts[below(ARRAY_SIZE(acts))](t);
	return NULL;
}

/* Drop the user counts the racers may have taken on the worker's names. */
static void drop_tnames(int fd)
{
	struct mbuff_name n;
	int k, i;

	for (k = 0; k < NR_TNAMES; k++) {
		memset(&n, 0, sizeof(n));
		n.argsz = sizeof(n);
		snprintf(n.name, sizeof(n.name), "t%d.%d", W.index, k);
		for (i = 0; i < 64 && !ioctl(fd, MBUFF_IOC_DESTROY, &n); i++)
			;
	}
}

static void op_race(void)
{
	struct racer t[4];
	int n = 2 + (int)below(3), i, fd;
	long long until = now_ms() + 20 + below(150);

	if (no_threads)
		return;
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < n; i++) {
		t[i].fd = fd;
		t[i].id = i;
		t[i].until = until;
		rng_init(&t[i].rng, rnd());
		if (pthread_create(&t[i].th, NULL, racer_main, &t[i]))
			break;
	}
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(t[i].th, NULL);
	describe("after the racers");
	drop_tnames(fd);
	close(fd);
}

/* --- an area of the worker's own, through two mappings ----------------- */

static bool mem_same(const volatile unsigned char *p, unsigned char v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void op_memcheck(void)
{
	struct mbuff_open o;
	int fd, ufd = -1, minor = -1, i;
	char name[MBUFF_NAME_SIZE], area[64], path[32];
	unsigned char *a = MAP_FAILED, *b = MAP_FAILED, got[64];
	size_t len, off;
	long k;

	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	snprintf(o.name, sizeof(o.name), "m%d", W.index);
	snprintf(name, sizeof(name), "m%d", W.index);
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_MODE;
	o.mode = 0600;
	o.size = (1 + below(16)) * (uint64_t)page;
	o.backend = 1 + below(2);
	o.memtype = o.backend == MBUFF_BACKEND_CONTIG ? below(3) : 0;
	describe("memcheck '%s' backend %u memtype %u", name, o.backend, o.memtype);
	if (ioctl(fd, MBUFF_IOC_OPEN, &o) || !o.size || o.size > (64U << 20))
		goto out;
	len = (size_t)o.size;
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED)
		goto out;
	/* The parent makes new /dev/uioN nodes 0666 now and then. */
	for (i = 0; i < 40 && ufd < 0; i++) {
		minor = uio_minor(name);
		snprintf(path, sizeof(path), "/dev/uio%d", minor);
		if (minor >= 0)
			ufd = open(path, O_RDWR | O_CLOEXEC);
		if (ufd < 0)
			sleep_ms(5);
	}
	if (ufd >= 0) {
		uio_area(minor, area, sizeof(area));
		if (strcmp(area, name)) {
			close(ufd);
			ufd = -1;
		}
	}
	if (ufd >= 0)
		b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ufd, 0);
	if (b != MAP_FAILED) {
		struct mbuff_info i;

		memset(&i, 0, sizeof(i));
		i.argsz = sizeof(i);
		/* Others may open its /dev/uioN by number, never HOLD it. */
		if (!ioctl(fd, MBUFF_IOC_INFO, &i))
			expect(INV_INFO, !strcmp(i.name, name) && !i.users &&
			       i.files >= 2 && i.maps >= 2 && counts_sane(&i),
			       "'%s', open twice and mapped twice: '%.40s' users %u files %u maps %u",
			       name, i.name, i.users, i.files, i.maps);
	}
	for (k = 0; k < 8; k++) {
		unsigned char v = (unsigned char)rnd32();

		off = below((uint32_t)(len - sizeof(got)));
		memset(a + off, v, sizeof(got));
		if (b != MAP_FAILED)
			expect(INV_MEM, mem_same(b + off, v, sizeof(got)),
			       "wrote %#x at %zu through /dev/mbuff, /dev/uio%d shows otherwise",
			       v, off, minor);
		if (pread(fd, got, sizeof(got), (off_t)off) ==
		    (ssize_t)sizeof(got))
			expect(INV_MEM, mem_same(got, v, sizeof(got)),
			       "wrote %#x at %zu, read() gives otherwise", v, off);
		if (b != MAP_FAILED) {
			v++;
			memset(b + off, v, sizeof(got));
			expect(INV_MEM, mem_same(a + off, v, sizeof(got)),
			       "wrote %#x at %zu through /dev/uio%d, /dev/mbuff shows otherwise",
			       v, off, minor);
		}
	}
out:
	if (b != MAP_FAILED)
		munmap(b, len);
	if (a != MAP_FAILED)
		munmap(a, len);
	if (ufd >= 0)
		close(ufd);
	close(fd);
}

/*
 * An area only its mapping keeps, filled with a pattern at its creation:
 * no other area's life may write it.
 */
static struct {
	uint64_t *addr;
	size_t len;
	uint64_t tag;
} keep;

static uint64_t keep_word(size_t i)
{
	return keep.tag ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

static void op_keep(void)
{
	struct mbuff_open o;
	size_t i, n;
	void *p;
	int fd;

	if (keep.addr) {
		n = keep.len / sizeof(uint64_t);
		describe("check k%d (%zu bytes), kept by its mapping alone",
			 W.index, keep.len);
		for (i = 0; i < 64; i++) {
			size_t k = below((uint32_t)n);

			if (!expect(INV_MEM, keep.addr[k] == keep_word(k),
				    "word %zu of 'k%d' is %#llx, written %#llx",
				    k, W.index,
				    (unsigned long long)keep.addr[k],
				    (unsigned long long)keep_word(k)))
				break;
		}
		if (chance(10)) {
			munmap(keep.addr, keep.len);
			keep.addr = NULL;
		}
		return;
	}
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	snprintf(o.name, sizeof(o.name), "k%d", W.index);
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_MODE;
	o.mode = 0600;
	o.size = (1 + below(64)) * (uint64_t)page;
	o.backend = 1 + below(2);
	o.memtype = o.backend == MBUFF_BACKEND_CONTIG ? below(3) : 0;
	describe("create k%d", W.index);
	p = MAP_FAILED;
	if (!ioctl(fd, MBUFF_IOC_OPEN, &o))
		p = mmap(NULL, (size_t)o.size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	keep.addr = p;
	keep.len = (size_t)o.size;
	keep.tag = rnd();
	for (i = 0; i < keep.len / sizeof(uint64_t); i++)
		keep.addr[i] = keep_word(i);
}

static long legacy_req(int fd, unsigned int cmd, const char *name, size_t size)
{
	struct mbuff_request_struct q;

	memset(&q, 0, sizeof(q));
	snprintf(q.name, sizeof(q.name), "%s", name);
	q.size = size;
	return ioctl(fd, cmd, &q);
}

/*
 * A 0.7.2 program's area: ALLOCATE, map, close; it lives while mapped
 * and goes with the mapping.
 */
static void op_legacy_life(void)
{
	char name[16];
	long size, ret = 0;
	void *p;
	int fd, i;

	snprintf(name, sizeof(name), "l%d", W.index);
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	describe("legacy life of '%s'", name);
	size = legacy_req(fd, MBUFF_LEGACY_ALLOCATE, name,
			  (1 + below(8)) * (size_t)page);
	p = size > 0 ? mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (p == MAP_FAILED)
		return;
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		ret = legacy_req(fd, MBUFF_LEGACY_SELECT, name, 0);
		close(fd);
	}
	expect(INV_LEGACY, fd < 0 || ret == size,
	       "mapped, its file closed: SELECT gave %ld (%s), size %ld", ret,
	       errname(ret < 0 ? errno : 0), size);
	munmap(p, (size_t)size);
	/* Another uid's open of /dev/uioN by number holds it for a moment. */
	for (i = 0; i < 50; i++) {
		fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return;
		ret = legacy_req(fd, MBUFF_LEGACY_SELECT, name, 0);
		close(fd);
		if (ret < 0)
			break;
		sleep_ms(10);
	}
	expect(INV_LEGACY, ret < 0, "unmapped and closed: SELECT still gave %ld",
	       ret);
}

/*
 * Root drives the kernel client (tests/kmod/mbuff_test_client.c), when it
 * is loaded: kernel counts and doorbells on the areas the workers race on.
 * It creates only where a kernel-made area (root's, default_mode) is what
 * the name's owner and mode say.
 */
static void op_kclient(void)
{
	static const char *const backends[] = { "any", "vmalloc", "contig" };
	static const char *const memtypes[] = { "cached", "wc", "uc" };
	static const char *const flags[] = { "0", "create", "excl" };
	char name[MBUFF_NAME_SIZE], line[128];
	bool create;
	int cat;

	if (!W.root || access(KCTL, W_OK))
		return;
	if (chance(70)) {
		snprintf(name, sizeof(name), "s%u", below(NR_SHARED));
		cat = CAT_UNKNOWN;
	} else {
		cat = (int)below(NR_RNAMES);
		strcpy(name, rnames[cat].name);
	}
	create = cat < 0 ||
		 (!rnames[cat].creator && rnames[cat].mode == default_mode);
	switch (below(12)) {
	case 0:
		if (!create)
			return;
		snprintf(line, sizeof(line), "alloc %s %u", name,
			 1 + below(64 * (uint32_t)page));
		break;
	case 1:
	case 2:
		snprintf(line, sizeof(line), "get %s %u %s %s %s", name,
			 below(32) * (uint32_t)page, backends[below(3)],
			 memtypes[chance(70) ? 0 : below(3)],
			 flags[create ? below(3) : 0]);
		break;
	case 3:
		snprintf(line, sizeof(line), "free %s", name);
		break;
	case 4:
	case 5:
		snprintf(line, sizeof(line), "put %s", name);
		break;
	case 6:
		snprintf(line, sizeof(line), "fill %s %u %u %u", name,
			 below((uint32_t)page), below((uint32_t)page),
			 below(256));
		break;
	case 7:
		snprintf(line, sizeof(line), "notify %s", name);
		break;
	case 8:
	case 9:
		snprintf(line, sizeof(line), "doorbell %s %s", name,
			 chance(60) ? "on" : "off");
		break;
	case 10:
		snprintf(line, sizeof(line), "handoff %s", name);
		break;
	default:
		snprintf(line, sizeof(line), "%s %s", chance(50) ? "info" :
			 "rings", name);
		break;
	}
	describe("kernel client: %s", line);
	write_str(KCTL, line);
}

#define KCLIENT_KO	"/lib/modules/mbuff_test_client.ko"

/*
 * Root tries to unload mbuff.ko while it holds /dev/mbuff open (which
 * must fail), and unloads and loads the kernel client, whose doorbells
 * /dev/uioN writes may be ringing meanwhile.
 */
static void op_modules(void)
{
	struct cfd *c;
	int fd, ret;

	if (!W.root)
		return;
	if (chance(50)) {
		c = pick_cfd();
		if (!c)
			return;
		describe("delete_module mbuff with /dev/mbuff open");
		ret = (int)syscall(SYS_delete_module, "mbuff", O_NONBLOCK);
		expect(INV_UNLOAD, ret < 0, "delete_module(\"mbuff\") succeeded");
		return;
	}
	if (!access(KCTL, F_OK)) {
		describe("delete_module mbuff_test_client");
		syscall(SYS_delete_module, "mbuff_test_client", O_NONBLOCK);
		return;
	}
	fd = open(KCLIENT_KO, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	describe("finit_module mbuff_test_client");
	syscall(SYS_finit_module, fd, "", 0);
	close(fd);
}

/* --- a user count to its bound, the quotas to theirs -------------------- */

static long long param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), PARAMS "/%s", name);
	return read_num(path);
}

/* CREATE|EXCL|HOLD an area private to its creator: 0 or an errno. */
static int create_held(int fd, const char *name, uint64_t size,
		       unsigned int backend)
{
	struct mbuff_open o;

	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	snprintf(o.name, sizeof(o.name), "%s", name);
	o.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL | MBUFF_OPEN_HOLD |
		  MBUFF_OPEN_MODE;
	o.mode = 0600;
	o.size = size;
	o.backend = backend;
	return ioctl(fd, MBUFF_IOC_OPEN, &o) ? errno : 0;
}

/* DESTROY @name until it has no user count left; how many were dropped. */
static unsigned long drop_all(int fd, const char *name, unsigned long most)
{
	struct mbuff_name n;
	unsigned long k = 0;

	memset(&n, 0, sizeof(n));
	n.argsz = sizeof(n);
	memcpy(n.name, name, strnlen(name, sizeof(n.name) - 1));
	while (k < most && !ioctl(fd, MBUFF_IOC_DESTROY, &n))
		k++;
	return k;
}

static bool claim(int *state, pid_t *pid)
{
	int zero = 0;

	if (!__atomic_compare_exchange_n(state, &zero, 1, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return false;
	*pid = getpid();
	return true;
}

/* HOLD an area of the worker's own until the kernel refuses. */
static void op_storm(void)
{
	struct mbuff_open o;
	struct mbuff_info i;
	unsigned long holds = 1, drops;
	char name[16];
	int fd, err = 0;

	if (sh->storm_state || !claim(&sh->storm_state, &sh->storm_pid))
		return;
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	snprintf(name, sizeof(name), "h%d", W.index);
	describe("hold storm on '%s'", name);
	if (fd < 0)
		goto out;
	drop_all(fd, name, HOLD_MAX + 16);
	if (create_held(fd, name, (uint64_t)page, MBUFF_BACKEND_VMALLOC))
		goto out;
	memset(&o, 0, sizeof(o));
	o.argsz = sizeof(o);
	snprintf(o.name, sizeof(o.name), "%s", name);
	o.flags = MBUFF_OPEN_HOLD;
	while (holds < HOLD_MAX + 16 && !sh->stop) {
		if (ioctl(fd, MBUFF_IOC_OPEN, &o)) {
			err = errno;
			break;
		}
		if (!(++holds % 1024))
			sh->w[W.index].progress++;
	}
	memset(&i, 0, sizeof(i));
	i.argsz = sizeof(i);
	if (ioctl(fd, MBUFF_IOC_INFO, &i))
		i.users = 0;
	if (!sh->stop || err)
		expect(INV_HOLD_BOUND, holds == HOLD_MAX && err == EOVERFLOW &&
		       i.users == HOLD_MAX,
		       "took %lu user counts, then %s; INFO says users %u",
		       holds, errname(err), i.users);
	drops = drop_all(fd, name, HOLD_MAX + 16);
	if (!sh->stop || err)
		expect(INV_HOLD_BOUND, drops == holds,
		       "took %lu user counts, DESTROY dropped %lu", holds, drops);
	sh->storm_state = 2;
	close(fd);
	return;
out:
	if (fd >= 0)
		close(fd);
	sh->storm_state = 0;
}

/* Create areas of @size until refused; how many were made. */
static long quota_fill(int fd, const char *tag, uint64_t size,
		       unsigned int backend, long most, int *err)
{
	char name[MBUFF_NAME_SIZE];
	long k;

	*err = 0;
	for (k = 0; k < most; k++) {
		snprintf(name, sizeof(name), "z%d.%s%ld", W.index, tag, k);
		*err = create_held(fd, name, size, backend);
		if (*err)
			break;
		sh->w[W.index].progress++;
	}
	return k;
}

static void quota_empty(int fd, const char *tag, long n)
{
	char name[MBUFF_NAME_SIZE];
	long k;

	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "z%d.%s%ld", W.index, tag, k);
		drop_all(fd, name, 1);
	}
}

/* An unprivileged uid tries to create more than its quotas allow. */
static void op_quota(void)
{
	long long la = quota_areas, lp = quota_pool_mb, lv = quota_vmalloc_mb;
	long made;
	int fd, err;

	if (W.root || la <= 0 || sh->quota_state ||
	    !claim(&sh->quota_state, &sh->quota_pid))
		return;
	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		sh->quota_state = 0;
		return;
	}
	describe("quota probe: user_max_areas %lld", la);
	made = quota_fill(fd, "a", (uint64_t)page, MBUFF_BACKEND_VMALLOC,
			  la + 1, &err);
	expect(INV_QUOTA, made <= la, "uid %u created %ld areas with user_max_areas=%lld",
	       W.uid, made, la);
	quota_empty(fd, "a", made);
	if (lp > 0) {
		describe("quota probe: user_max_pool_mb %lld", lp);
		made = quota_fill(fd, "p", 4ULL << 20, MBUFF_BACKEND_CONTIG,
				  lp / 4 + 1, &err);
		expect(INV_QUOTA, made * 4 <= lp,
		       "uid %u created %ld contiguous areas of 4 MiB with user_max_pool_mb=%lld",
		       W.uid, made, lp);
		quota_empty(fd, "p", made);
	}
	if (lv > 0) {
		describe("quota probe: user_max_vmalloc_mb %lld", lv);
		made = quota_fill(fd, "v", 8ULL << 20, MBUFF_BACKEND_VMALLOC,
				  lv / 8 + 1, &err);
		expect(INV_QUOTA, made * 8 <= lv,
		       "uid %u created %ld vmalloc areas of 8 MiB with user_max_vmalloc_mb=%lld",
		       W.uid, made, lv);
		quota_empty(fd, "v", made);
	}
	close(fd);
	sh->quota_state = 2;
}

/* --- the worker ------------------------------------------------------- */

static void run_op(bool child);

static void op_fork(void)
{
	pid_t parent = getpid(), pid;
	uint64_t cseed = rnd();
	int st, i, n;

	describe("fork with %d mappings", nr_maps());
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		W.child = true;
		rng_init(&W.rng, cseed);
		for (i = 0; i < MAX_CFDS; i++)
			W.cfd[i].inherited = true;
		n = 1 + (int)below(12);
		for (i = 0; i < n; i++)
			run_op(true);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	describe("after fork");
	if (WIFSIGNALED(st))
		expect(INV_CRASH, false, "a forked child died of signal %d",
		       WTERMSIG(st));
	else if (WEXITSTATUS(st) && WEXITSTATUS(st) != 70)
		expect(INV_CRASH, false, "a forked child exited %d",
		       WEXITSTATUS(st));
}

/* A mapping may lose its pages to MADV_DONTNEED: what does it give then? */
static bool probe_read(volatile char *p)
{
	if (sigsetjmp(probe_env, 1)) {
		probing = 0;
		return false;
	}
	probing = 1;
	(void)*p;
	probing = 0;
	return true;
}

static void op_touch(void)
{
	struct mapping *m = pick_map();

	if (!m)
		return;
	if (m->zapped && (m->prot & PROT_READ) && chance(20)) {
		describe("read after MADV_DONTNEED %p+%zu", (void *)m->addr,
			 m->len);
		if (!probe_read(m->addr))
			__atomic_fetch_add(&sh->zapped_sigbus, 1,
					   __ATOMIC_RELAXED);
		return;
	}
	touch(m);
}

/*
 * Root lowers a quota below the start's (never raises it: the quota probe
 * judges by those), under the feet of the uids that are charged.
 */
static void op_params(void)
{
	const struct { const char *name; long long most; } q[] = {
		{ "user_max_areas", quota_areas },
		{ "user_max_pool_mb", quota_pool_mb },
		{ "user_max_vmalloc_mb", quota_vmalloc_mb },
	};
	char path[128], val[24];
	int k = (int)below(ARRAY_SIZE(q));

	if (!W.root || q[k].most <= 0)
		return;
	snprintf(path, sizeof(path), PARAMS "/%s", q[k].name);
	snprintf(val, sizeof(val), "%u", 1 + below((uint32_t)q[k].most));
	describe("write %s to %s", val, path);
	write_str(path, val);
}

static void op_close(void)
{
	int i = (int)below(MAX_CFDS + MAX_UFDS);

	if (i < MAX_CFDS)
		close_cfd(i);
	else
		close_ufd(i - MAX_CFDS);
}

static void op_destroy(void)
{
	op_name(true);
}

static void op_notify(void)
{
	op_name(false);
}

static void op_new_file(void)
{
	open_cfd();
}

/*
 * EXPORT of a named or the selected area, sometimes with stray fields;
 * the dma-buf is mapped and touched, imported under a name of its own on
 * a private /dev/mbuff file, or a descriptor that is no dma-buf is
 * imported; everything is closed again, so the model's areas are left as
 * they were.
 */
static void op_dmabuf(void)
{
	struct cfd *c = pick_cfd();
	struct mbuff_export e;
	struct mbuff_import m;
	struct sent s;
	int cat, tcat, priv, r;
	void *p;

	if (!c)
		return;
	memset(&e, 0, sizeof(e));
	pick_name(e.name, &cat, true);
	tcat = target_cat(c->sel, cat);
	if (chance(3))
		e.flags = rnd32();
	if (chance(3))
		e.pad = rnd32();
	if (chance(3))
		e.fd = (int32_t)rnd32();
	describe("EXPORT '%.40s' (sel %d) flags %#x", e.name, c->sel, e.flags);
	SEND(c->fd, MBUFF_IOC_EXPORT, e, &s);
	after_req(&s);
	if (unpriv_cat(tcat) && (rights(tcat) & (RD | WR)) != (RD | WR))
		expect(INV_PRIV_WRITE, s.ret < 0,
		       "exported an area it may not read and write");
	if (c->acc == O_RDONLY)
		expect(INV_FILE_MODE, s.ret < 0, "EXPORT on a read-only file");

	priv = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	snprintf(m.name, sizeof(m.name), "fz-imp%u", below(4));
	m.flags = chance(90) ? 0 : rnd32() & ~MBUFF_OPEN_HOLD;
	if (s.ret >= 0 && e.fd >= 0) {
		if (chance(50)) {
			p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
				 e.fd, 0);
			if (p != MAP_FAILED) {
				*(volatile char *)p = 1;
				munmap(p, page);
			}
		}
		m.fd = e.fd;
		describe("IMPORT '%s' of an exported area", m.name);
		if (priv >= 0)
			(void)ioctl(priv, MBUFF_IOC_IMPORT, &m);
		close(e.fd);
	} else if (priv >= 0) {
		/* No dma-buf: a pipe, /dev/mbuff itself, or a bad number. */
		int pfd[2] = { -1, -1 };

		m.fd = chance(50) && !pipe(pfd) ? pfd[0] :
		       chance(50) ? priv : (int32_t)rnd32();
		describe("IMPORT '%s' of fd %d, no dma-buf", m.name, m.fd);
		r = ioctl(priv, MBUFF_IOC_IMPORT, &m);
		expect(INV_ERRNO, r < 0, "imported a descriptor that is no dma-buf");
		if (pfd[0] >= 0) {
			close(pfd[0]);
			close(pfd[1]);
		}
	}
	if (priv >= 0)
		close(priv);
}

/*
 * The selected area's notifications on /dev/mbuff: EVENTS, DOORBELL and a
 * poll() that must not block, with stray flags and values at times.
 */
static void op_events(void)
{
	struct cfd *c = pick_cfd();
	int tcat = c ? target_cat(c->sel, CAT_SELECTED) : CAT_UNKNOWN;
	struct mbuff_event e;
	struct sent s;
	struct pollfd pfd;

	if (!c)
		return;
	memset(&e, 0, sizeof(e));
	e.value = (int32_t)rnd32();
	if (chance(3))
		e.flags = rnd32();
	if (chance(3))
		e.reserved[below(2)] = rnd32();
	switch (below(3)) {
	case 0:
		e.value = chance(90) ? 0 : e.value;
		describe("EVENTS (sel %d) flags %#x", c->sel, e.flags);
		SEND(c->fd, MBUFF_IOC_EVENTS, e, &s);
		after_req(&s);
		if (unpriv_cat(tcat) && !(rights(tcat) & RD))
			expect(INV_PRIV_OPEN, s.ret < 0,
			       "EVENTS of an area it may not read");
		break;
	case 1:
		describe("DOORBELL (sel %d) value %d", c->sel, e.value);
		SEND(c->fd, MBUFF_IOC_DOORBELL, e, &s);
		after_req(&s);
		if (unpriv_cat(tcat) && !(rights(tcat) & WR))
			expect(INV_PRIV_WRITE, s.ret < 0,
			       "rang an area it may not write");
		if (c->acc == O_RDONLY)
			expect(INV_FILE_MODE, s.ret < 0,
			       "DOORBELL on a read-only file");
		break;
	default:
		describe("poll (sel %d)", c->sel);
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		(void)poll(&pfd, 1, 0);
		break;
	}
}

/* The operations, how often each is drawn, and which a child may do. */
static const struct op {
	const char *name;
	void (*fn)(void);
	unsigned int weight;
	bool child;
} ops[] = {
	{ "storm", op_storm, 2, false },
	{ "quota", op_quota, 2, false },
	{ "memcheck", op_memcheck, 4, false },
	{ "keep", op_keep, 4, false },
	{ "legacy-life", op_legacy_life, 2, false },
	{ "race", op_race, 16, false },
	{ "fork", op_fork, 12, false },
	{ "params", op_params, 3, false },
	{ "kclient", op_kclient, 30, false },
	{ "modules", op_modules, 3, false },
	{ "open", op_open, 150, true },
	{ "destroy", op_destroy, 45, true },
	{ "notify", op_notify, 28, true },
	{ "info", op_info, 65, true },
	{ "list", op_list, 28, true },
	{ "sglist", op_sglist, 18, true },
	{ "sync", op_sync, 28, true },
	{ "setperm", op_setperm, 37, true },
	{ "legacy", op_legacy, 74, true },
	{ "unknown", op_unknown, 18, true },
	{ "read", op_read, 37, true },
	{ "mmap", op_mmap, 83, true },
	{ "remap", op_remap, 55, true },
	{ "touch", op_touch, 37, true },
	{ "uio", op_uio, 74, true },
	{ "sysfs", op_sysfs, 46, true },
	{ "close", op_close, 46, true },
	{ "new-file", op_new_file, 54, true },
	{ "events", op_events, 28, true },
	{ "dmabuf", op_dmabuf, 28, true },
};

_Static_assert(ARRAY_SIZE(ops) <= ARRAY_SIZE(((struct shared *)0)->opcount),
	       "struct shared: opcount");

static void show_opcounts(void)
{
	char line[600];
	size_t k, len = 0;

	for (k = 0; k < ARRAY_SIZE(ops) && len < sizeof(line) - 40; k++)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"%s %s %lu", k ? "," : "",
					ops[k].name, sh->opcount[k]);
	tap_diag("by operation:%s", line);
}

/* Operations left out (-x), by ops[] index. */
static bool excluded[ARRAY_SIZE(ops)];

static int exclude_ops(char *list)
{
	char *name, *save = NULL;
	size_t i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(ops); i++)
			if (!strcmp(name, ops[i].name))
				break;
		if (i == ARRAY_SIZE(ops))
			return -1;
		excluded[i] = true;
	}
	return 0;
}

static unsigned int op_weight(size_t i, bool child)
{
	return excluded[i] || (child && !ops[i].child) ? 0 : ops[i].weight;
}

static void run_op(bool child)
{
	unsigned int total = 0, r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += op_weight(i, child);
	if (!total)
		return;
	r = below(total);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (r < op_weight(i, child))
			break;
		r -= op_weight(i, child);
	}
	__atomic_fetch_add(&sh->opcount[i], 1, __ATOMIC_RELAXED);
	ops[i].fn();
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (probing)
		siglongjmp(probe_env, 1);
	expect(INV_CRASH, false, "%s at %p", sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
	       si->si_addr);
	_exit(70);
}

static void worker_main(int index, unsigned int gen, pid_t parent)
{
	struct sigaction sa;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* When memory runs out, a worker goes before the parent. */
	write_str("/proc/self/oom_score_adj", "500");
	W.index = index;
	W.gen = gen;
	W.kind = index % 3;
	W.root = !W.kind;
	W.uid = W.kind == 1 ? UID1 : W.kind == 2 ? UID2 : 0;
	W.gid = W.uid;
	rng_init(&W.rng, derive(seed, (uint64_t)index, gen));
	R = &W.rng;
	for (i = 0; i < MAX_CFDS; i++)
		W.cfd[i].fd = -1;
	for (i = 0; i < MAX_UFDS; i++)
		W.ufd[i].fd = -1;
	if (!W.root && (setgroups(0, NULL) || setresgid(W.gid, W.gid, W.gid) ||
			setresuid(W.uid, W.uid, W.uid))) {
		say("# worker %d: cannot become uid %u: %s", index, W.uid,
		    strerror(errno));
		_exit(3);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	while (!sh->stop) {
		run_op(false);
		W.op++;
		sh->w[index].progress++;
		__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
	}
	_exit(0);
}

/* --- the parent ------------------------------------------------------- */

static int nworkers;
static bool killed[MAX_WORKERS];
static unsigned long kills, respawns;

static pid_t spawn(int index, unsigned int gen)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	pid = fork();
	if (!pid)
		worker_main(index, gen, parent);
	if (pid > 0) {
		sh->w[index].pid = pid;
		sh->w[index].gen = gen;
		killed[index] = false;
	}
	return pid;
}

static int worker_of(pid_t pid)
{
	int i;

	for (i = 0; i < nworkers; i++)
		if (sh->w[i].pid == pid)
			return i;
	return -1;
}

/* A worker ended: was that expected? */
static void reaped(pid_t pid, int st)
{
	int i = worker_of(pid);

	if (i < 0)
		return;		/* a grandchild we inherited */
	sh->w[i].pid = 0;
	if (sh->storm_pid == pid && sh->storm_state == 1)
		sh->storm_state = 0;
	if (sh->quota_pid == pid && sh->quota_state == 1)
		sh->quota_state = 0;
	snprintf(op_desc, sizeof(op_desc), "worker %d generation %u", i,
		 sh->w[i].gen);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && killed[i])
		expect(INV_CRASH, true, "killed");
	else if (WIFSIGNALED(st))
		expect(INV_CRASH, false, "died of signal %d%s", WTERMSIG(st),
		       WTERMSIG(st) == SIGKILL ? " (not ours: the OOM killer?)" : "");
	else if (WEXITSTATUS(st) && WEXITSTATUS(st) != 70)
		expect(INV_CRASH, false, "exited %d", WEXITSTATUS(st));
	else
		expect(INV_CRASH, true, "exited");
}

static void reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		reaped(pid, st);
}

/* New /dev/uioN nodes are root's 0600: let the other uids try them. */
static void chmod_uio(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	char path[300];
	struct stat s;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (!stat(path, &s) && (s.st_mode & 0777) != 0666)
			chmod(path, 0666);
	}
	closedir(d);
}

/* Where a task sleeps in the kernel, for a hang report. */
static void dump_task(pid_t pid)
{
	char path[64], buf[2048];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (!read_str(path, buf, sizeof(buf)))
		tap_diag("pid %d wchan %s", pid, buf);
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		char *line, *save = NULL;

		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			tap_diag("  %s", line);
	}
}

static void sysrq_blocked(void)
{
	static bool done;

	if (!done)
		write_str("/proc/sysrq-trigger", "w");
	done = true;
}

/* A storm or a quota probe runs to its end: it is judged by it. */
static bool spared(pid_t pid)
{
	return (sh->storm_state == 1 && sh->storm_pid == pid) ||
	       (sh->quota_state == 1 && sh->quota_pid == pid);
}

static void supervise(long long deadline, long kill_ms, long hang_ms)
{
	unsigned long last[MAX_WORKERS] = { 0 };
	long long since[MAX_WORKERS], next_kill, t;
	struct rng prng;
	int i;

	rng_init(&prng, derive(seed, 1000, 0));
	R = &prng;
	t = now_ms();
	for (i = 0; i < nworkers; i++)
		since[i] = t;
	next_kill = t + (kill_ms ? (long long)below((uint32_t)kill_ms) : 0);
	while ((t = now_ms()) < deadline) {
		sleep_ms(20);
		chmod_uio();
		reap();
		for (i = 0; i < nworkers; i++) {
			if (!sh->w[i].pid) {
				if (spawn(i, sh->w[i].gen + 1) > 0)
					respawns++;
				since[i] = t;
				continue;
			}
			if (sh->w[i].progress != last[i]) {
				last[i] = sh->w[i].progress;
				since[i] = t;
				expect(INV_HANG, true, "progress");
			} else if (t - since[i] > hang_ms && !killed[i]) {
				snprintf(op_desc, sizeof(op_desc),
					 "worker %d generation %u", i,
					 sh->w[i].gen);
				expect(INV_HANG, false,
				       "no progress for %lld ms (pid %d)",
				       t - since[i], sh->w[i].pid);
				dump_task(sh->w[i].pid);
				sysrq_blocked();
				killed[i] = true;
				kill(sh->w[i].pid, SIGKILL);
			}
		}
		if (kill_ms && t >= next_kill) {
			i = (int)below((uint32_t)nworkers);
			if (sh->w[i].pid && !killed[i] &&
			    !spared(sh->w[i].pid)) {
				killed[i] = true;
				kill(sh->w[i].pid, SIGKILL);
				kills++;
			}
			next_kill = t + 1 + (long long)below((uint32_t)kill_ms);
		}
	}
}

/* Stop every worker; true when all of them (and their children) ended. */
static bool stop_all(long wait_ms)
{
	long long t0 = now_ms();
	bool all;
	int i;

	sh->stop = 1;
	for (;;) {
		reap();
		all = true;
		for (i = 0; i < nworkers; i++)
			all &= !sh->w[i].pid;
		if (all || now_ms() - t0 > wait_ms)
			break;
		sleep_ms(20);
	}
	for (i = 0; i < nworkers; i++) {
		if (sh->w[i].pid) {
			killed[i] = true;
			kill(sh->w[i].pid, SIGKILL);
		}
	}
	t0 = now_ms();
	for (;;) {
		reap();
		all = true;
		for (i = 0; i < nworkers; i++)
			all &= !sh->w[i].pid;
		if (all || now_ms() - t0 > 30000)
			break;
		sleep_ms(50);
	}
	for (i = 0; i < nworkers; i++) {
		if (sh->w[i].pid) {
			tap_diag("worker %d (pid %d) does not die:", i,
				 sh->w[i].pid);
			dump_task(sh->w[i].pid);
			sysrq_blocked();
		}
	}
	/* The children of the workers die with them (PR_SET_PDEATHSIG). */
	t0 = now_ms();
	while (waitpid(-1, NULL, WNOHANG) >= 0 && now_ms() - t0 < 5000)
		sleep_ms(20);
	return all && errno == ECHILD;
}

static int list_names(char (*names)[MBUFF_NAME_SIZE], int cap)
{
	struct mbuff_list l;
	int fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.capacity = (uint32_t)cap;
	l.names = (uintptr_t)names;
	ret = ioctl(fd, MBUFF_IOC_LIST, &l) ? -errno : (int)l.count;
	close(fd);
	return ret;
}

static int sysfs_areas(void)
{
	DIR *d = opendir(AREAS);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int uio_left(bool show)
{
	char area[64];
	int k, n = 0;

	for (k = 0; k < 256; k++) {
		uio_area(k, area, sizeof(area));
		if (!area[0])
			continue;
		n++;
		if (show)
			tap_diag("left: /dev/uio%d (mbuff:%s)", k, area);
	}
	return n;
}

static char names[MAX_LIST][MBUFF_NAME_SIZE];

/* Say which areas are left, and what holds them. */
static void show_areas(void)
{
	int n = list_names(names, MAX_LIST), k, fd;

	fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
	for (k = 0; k < n && k < MAX_LIST; k++) {
		struct mbuff_info i;

		memset(&i, 0, sizeof(i));
		i.argsz = sizeof(i);
		memcpy(i.name, names[k], sizeof(i.name));
		if (fd >= 0 && !ioctl(fd, MBUFF_IOC_INFO, &i))
			tap_diag("left: '%s' size %llu users %u kernel_users %u files %u maps %u",
				 names[k], (unsigned long long)i.size, i.users,
				 i.kernel_users, i.files, i.maps);
		else
			tap_diag("left: '%s' (INFO: %s)", names[k], strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	tap_diag("LIST count %d, %d directories in " AREAS, n,
		 sysfs_areas());
}

/* Drop every user count of every area, as root, until none is left. */
static bool destroy_everything(void)
{
	long long t0 = now_ms();
	int n = 0, k, fd;

	while (now_ms() - t0 < 20000) {
		n = list_names(names, MAX_LIST);
		if (n <= 0 && sysfs_areas() <= 0)
			return true;
		fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		for (k = 0; fd >= 0 && k < n && k < MAX_LIST; k++)
			drop_all(fd, names[k], HOLD_MAX + 16);
		if (fd >= 0)
			close(fd);
		sleep_ms(100);
	}
	show_areas();
	return false;
}

static bool wait_for(bool (*cond)(void), long ms)
{
	long long t0 = now_ms();

	while (!cond()) {
		if (now_ms() - t0 > ms)
			return false;
		sleep_ms(50);
	}
	return true;
}

static bool pool_whole(void)
{
	return read_num(SYSFS "/pools/pool0/avail") ==
	       read_num(SYSFS "/pools/pool0/size");
}

static bool no_uio(void)
{
	return !uio_left(false);
}

static bool no_area(void)
{
	return sysfs_areas() <= 0;
}

/*
 * As @uid, create user_max_areas areas, then one contiguous area of
 * user_max_pool_mb: the charges of the run must all have come back.
 */
static int quota_refill(uid_t uid)
{
	long long la = param("user_max_areas"), lp = param("user_max_pool_mb"),
		  pool = read_num(SYSFS "/pools/pool0/size");
	pid_t pid;
	int st = -1;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		long made, k;
		int fd, err = 0;

		W.index = 0;	/* the workers are gone: "z0.e0"... */
		W.uid = uid;
		R = &W.rng;
		rng_init(&W.rng, seed);
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(2);
		fd = open("/dev/mbuff", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(2);
		made = quota_fill(fd, "e", (uint64_t)page, MBUFF_BACKEND_VMALLOC,
				  la, &err);
		quota_empty(fd, "e", made);
		if (made < la) {
			say("# uid %u could create %ld of user_max_areas=%lld areas: %s",
			    uid, made, la, errname(err));
			_exit(1);
		}
		if (lp > 0 && pool > 0 && (lp << 20) <= pool) {
			k = quota_fill(fd, "f", (uint64_t)lp << 20,
				       MBUFF_BACKEND_CONTIG, 1, &err);
			quota_empty(fd, "f", k);
			if (k < 1) {
				say("# uid %u cannot create a contiguous area of user_max_pool_mb=%lld MiB: %s",
				    uid, lp, errname(err));
				_exit(1);
			}
		}
		close(fd);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (st)
		tap_diag("the uid %u child ended with status %#x", uid, st);
	wait_for(no_area, 10000);
	wait_for(no_uio, 10000);
	return st;
}

static void set_quotas(void)
{
	char v[24];

	snprintf(v, sizeof(v), "%lld", quota_areas);
	write_str(PARAMS "/user_max_areas", v);
	snprintf(v, sizeof(v), "%lld", quota_pool_mb);
	write_str(PARAMS "/user_max_pool_mb", v);
	snprintf(v, sizeof(v), "%lld", quota_vmalloc_mb);
	write_str(PARAMS "/user_max_vmalloc_mb", v);
}

static void end_quota(void)
{
	long long la = quota_areas;
	int st1, st2;

	if (la <= 0) {
		tap_skip("quota charges given back: no user_max_areas parameter");
		return;
	}
	set_quotas();
	st1 = quota_refill(UID1);
	st2 = quota_refill(UID2);
	tap_ok(!st1 && !st2 && no_area(),
	       "quota charges are given back: uids %u and %u can create user_max_areas=%lld areas and use user_max_pool_mb again",
	       UID1, UID2, la);
}

static bool unload_module(const char *name)
{
	long long t0 = now_ms();
	char path[64];
	int ret;

	do {
		ret = (int)syscall(SYS_delete_module, name, O_NONBLOCK);
		if (ret && errno != EAGAIN && errno != EBUSY)
			break;
		if (ret)
			sleep_ms(100);
	} while (ret && now_ms() - t0 < 10000);
	if (ret) {
		snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
		tap_diag("delete_module %s: %s (refcnt %lld)", name,
			 strerror(errno), read_num(path));
	}
	return !ret;
}

static void end_rmmod(bool unload)
{
	bool ok;

	if (!unload) {
		tap_skip("rmmod mbuff: -n given");
		return;
	}
	ok = unload_module("mbuff");
	if (!ok)
		show_areas();
	tap_ok(ok, "rmmod mbuff succeeds");
}

static void *map_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* A private buffer followed by a page that faults. */
static unsigned char *guarded(size_t size)
{
	unsigned char *p = mmap(NULL, size + (size_t)page,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + size, (size_t)page, PROT_NONE)) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static long env_num(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

static void usage(const char *prog)
{
	size_t i;

	fprintf(stderr, "usage: %s [-t SECONDS] [-w WORKERS] [-s SEED] [-k KILL_MS] [-H HANG_S] [-x OP,...] [-n]\n"
		"operations (-x leaves them out):", prog);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fprintf(stderr, " %s", ops[i].name);
	fputc('\n', stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long secs = env_num("MBUFF_FUZZ_TIME", 30);
	long kill_ms = 2000, hang_s = env_num("MBUFF_FUZZ_HANG", 30);
	const char *sv = getenv("MBUFF_FUZZ_SEED");
	bool unload = true, stopped;
	int opt, i, n, word = 0;

	nworkers = (int)env_num("MBUFF_FUZZ_WORKERS", 4);
	if (sv && *sv)
		seed = strtoull(sv, NULL, 0);
	else
		seed = (uint64_t)time(NULL) * 0x2545f4914f6cdd1dULL ^
		       (uint64_t)getpid() << 32 ^ (uint64_t)now_ms();
	while ((opt = getopt(argc, argv, "t:w:s:k:H:x:nh")) != -1) {
		switch (opt) {
		case 't':
			secs = strtol(optarg, NULL, 0);
			break;
		case 'w':
			nworkers = (int)strtol(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			kill_ms = strtol(optarg, NULL, 0);
			break;
		case 'H':
			hang_s = strtol(optarg, NULL, 0);
			break;
		case 'n':
			unload = false;
			break;
		case 'x':
			if (exclude_ops(optarg))
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || secs < 1 || nworkers < 1 ||
	    nworkers > MAX_WORKERS || kill_ms < 0 || hang_s < 1)
		usage(argv[0]);
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * i386 glibc waits on threads with the 32-bit-time futex syscall,
	 * which a kernel without CONFIG_COMPAT_32BIT_TIME refuses: glibc
	 * then aborts ("The futex facility returned an unexpected error
	 * code").
	 */
	if (syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0 &&
	    errno == ENOSYS)
		no_threads = true;

	tap_plan(INV_N + END_N);
	tap_diag("seed %#llx: replay with %s -s %#llx -t %ld -w %d (%zu-bit caller)",
		 (unsigned long long)seed, argv[0], (unsigned long long)seed,
		 secs, nworkers, sizeof(void *) * 8);
	if (geteuid() || access("/dev/mbuff", F_OK)) {
		const char *why = geteuid() ? "not root" : "no /dev/mbuff";

		for (i = 0; i < INV_N + END_N; i++)
			tap_ok(0, "%s", why);
		tap_exit();
	}
	sh = map_shared(sizeof(*sh));
	req_buf = guarded(SCRATCH);
	out_buf = guarded(OUTBUF);
	ro_buf = guarded((size_t)page);
	chmod("/dev/mbuff", 0666);
	if (param("default_mode") >= 0 && param("default_mode") != 0600)
		write_str(PARAMS "/default_mode", "0600");
	if (param("max_areas") > 0)
		max_areas = (unsigned int)param("max_areas");
	if (param("user_max_areas") >= 0) {
		quota_areas = 16;
		quota_pool_mb = 16;
		quota_vmalloc_mb = 32;
		set_quotas();
	}
	if (no_threads)
		tap_diag("no racing threads: the futex syscall says ENOSYS (a 32-bit caller on a kernel without CONFIG_COMPAT_32BIT_TIME?)");
	n = list_names(NULL, 0);
	if (n)
		tap_diag("%d areas exist before the run (LIST: %d)", sysfs_areas(), n);
	tap_diag("pool0: %lld of %lld bytes free; default_mode %o, user_max_areas %lld, user_max_pool_mb %lld, user_max_vmalloc_mb %lld",
		 read_num(SYSFS "/pools/pool0/avail"),
		 read_num(SYSFS "/pools/pool0/size"), default_mode,
		 param("user_max_areas"), param("user_max_pool_mb"),
		 param("user_max_vmalloc_mb"));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* The parent reports: the OOM killer must take a worker instead. */
	write_str("/proc/self/oom_score_adj", "-1000");

	for (i = 0; i < nworkers; i++)
		spawn(i, 0);
	supervise(now_ms() + secs * 1000, kill_ms, hang_s * 1000);
	stopped = stop_all(10000 + hang_s * 1000);
	tap_diag("%lu operations, %lu workers killed, %lu respawned",
		 sh->ops, kills, respawns);
	show_opcounts();
	if (sh->zapped_sigbus)
		tap_diag("note: %lu reads of a mapping after MADV_DONTNEED raised SIGBUS (no fault handler refills it)",
			 sh->zapped_sigbus);

	for (i = 0; i < INV_N; i++) {
		struct inv_stat *st = &sh->inv[i];

		if (!st->checks) {
			tap_skip("%s: not exercised", inv_what[i]);
			continue;
		}
		if (st->fails)
			tap_diag("first of %lu: %s", st->fails, st->first);
		tap_ok(!st->fails, "%s (%lu checks, %lu failed)", inv_what[i],
		       st->checks, st->fails);
	}
	if (!access(KCTL, F_OK) && unload)
		stopped &= unload_module("mbuff_test_client");
	tap_ok(stopped, "every worker and its children stopped%s",
	       unload ? ", the kernel client unloaded" : "");
	tap_ok(destroy_everything() && wait_for(no_area, 10000),
	       "no area is left once every user count is dropped (LIST, sysfs)");
	if (read_num(SYSFS "/pools/pool0/size") > 0) {
		bool whole = wait_for(pool_whole, 10000);

		if (!whole)
			tap_diag("pool0: %lld of %lld bytes free",
				 read_num(SYSFS "/pools/pool0/avail"),
				 read_num(SYSFS "/pools/pool0/size"));
		tap_ok(whole, "pool0 is whole again (avail == size)");
	} else {
		tap_skip("pool0 is whole again: no pool");
	}
	if (!wait_for(no_uio, 10000))
		uio_left(true);
	tap_ok(no_uio(), "no UIO device mbuff:* is left");
	end_quota();
	end_rmmod(unload);
	tap_exit();
}
