// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user-space peer for the shell tests: map an existing area through
 * /dev/mbuff (or its /dev/uioN with --uio) and fill or check bytes, wait
 * for a notification, or ring the doorbell.  Not a TAP test itself.
 *
 *   area_poke [--uio] [--hold SEC] NAME fill|check OFF LEN BYTE
 *	--hold: keep the mapping SEC seconds, or until a SIGUSR1
 *   area_poke NAME wait [TIMEOUT_MS]    block in read() on /dev/uioN
 *   area_poke NAME ring VALUE           write VALUE to /dev/uioN
 *   area_poke NAME phys                 print the physical base
 *   area_poke NAME destroy              drop one user count (MBUFF_IOC_DESTROY)
 *   area_poke NAME create SIZE [vmalloc|contig]  create, holding a user count
 * Exit 0 on success, 1 on failure (with the reason on stderr).
 */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>

#include "mbuff_util.h"

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("area_poke: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int bytes(const char *name, int uio, int hold, char **argv)
{
	unsigned long off = strtoul(argv[1], NULL, 0);
	unsigned long len = strtoul(argv[2], NULL, 0);
	unsigned char byte = (unsigned char)strtoul(argv[3], NULL, 0);
	struct mbuff_open o;
	unsigned char *p;
	long bad;
	int fd;

	memset(&o, 0, sizeof(o));
	fd = uio ? mb_uio_open(name) : mb_open(name, 0, MBUFF_BACKEND_ANY, 0, 0, &o);
	if (fd < 0)
		return fail("cannot open '%s': %s", name, strerror(-fd));
	if (uio) {
		long long size = mb_sysfs(name, "size");

		o.size = size > 0 ? (unsigned long long)size : 0;
	}
	if (off + len > o.size)
		return fail("%lu+%lu is past the end (%llu)", off, len,
			    (unsigned long long)o.size);
	p = mmap(NULL, o.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	if (!strcmp(argv[0], "fill")) {
		memset(p + off, byte, len);
	} else {
		bad = mem_check(p + off, len, byte);
		if (bad >= 0)
			return fail("byte %#lx is %#x, not %#x", off + bad,
				    p[off + bad], byte);
	}
	if (hold) {
		struct timespec ts = { .tv_sec = hold };
		sigset_t usr1;

		/* Blocked since main(): a SIGUSR1 sent early is pending. */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigtimedwait(&usr1, NULL, &ts);
	}
	munmap(p, o.size);
	close(fd);
	return 0;
}

static int wait_event(const char *name, int timeout_ms)
{
	struct pollfd pfd;
	int32_t count;
	int fd = mb_uio_open(name), r;

	if (fd < 0)
		return fail("cannot open the UIO device of '%s': %s", name,
			    strerror(-fd));
	pfd.fd = fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, timeout_ms);
	if (r == 0)
		return fail("no event within %d ms", timeout_ms);
	if (r < 0 || read(fd, &count, sizeof(count)) != sizeof(count))
		return fail("poll/read: %s", strerror(errno));
	printf("event %d\n", count);
	close(fd);
	return 0;
}

static int ring(const char *name, int32_t value)
{
	int fd = mb_uio_open(name);

	if (fd < 0)
		return fail("cannot open the UIO device of '%s': %s", name,
			    strerror(-fd));
	if (write(fd, &value, sizeof(value)) != sizeof(value))
		return fail("write: %s", strerror(errno));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int uio = 0, hold = 0;
	sigset_t usr1;

	/* --hold ends early on SIGUSR1: keep it pending until then. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	while (argc > 1 && !strncmp(argv[1], "--", 2)) {
		if (!strcmp(argv[1], "--uio")) {
			uio = 1;
		} else if (!strcmp(argv[1], "--hold") && argc > 2) {
			hold = atoi(argv[2]);
			argv++;
			argc--;
		} else {
			return fail("unknown option %s", argv[1]);
		}
		argv++;
		argc--;
	}
	if (argc == 6 && (!strcmp(argv[2], "fill") || !strcmp(argv[2], "check")))
		return bytes(argv[1], uio, hold, argv + 2);
	if ((argc == 3 || argc == 4) && !strcmp(argv[2], "wait"))
		return wait_event(argv[1], argc == 4 ? atoi(argv[3]) : 10000);
	if (argc == 4 && !strcmp(argv[2], "ring"))
		return ring(argv[1], (int32_t)strtol(argv[3], NULL, 0));
	if ((argc == 4 || argc == 5) && !strcmp(argv[2], "create")) {
		unsigned int b = argc == 4 ? MBUFF_BACKEND_ANY :
				 !strcmp(argv[4], "contig") ? MBUFF_BACKEND_CONTIG :
				 MBUFF_BACKEND_VMALLOC;
		int fd = mb_open(argv[1], strtoul(argv[3], NULL, 0), b, 0,
				 MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL);

		if (fd < 0)
			return fail("create '%s': %s", argv[1], strerror(-fd));
		close(fd);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[2], "destroy")) {
		int r = mb_destroy(argv[1]);

		return r ? fail("destroy '%s': %s", argv[1], strerror(-r)) : 0;
	}
	if (argc == 3 && !strcmp(argv[2], "phys")) {
		printf("%#llx\n", mb_sysfs(argv[1], "phys_addr"));
		return 0;
	}
	return fail("usage: see the comment at the top of area_poke.c");
}
