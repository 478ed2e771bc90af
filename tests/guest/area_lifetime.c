// SPDX-License-Identifier: GPL-2.0-only
/*
 * Area lifetime: an area lives while a user count, open file or mapping
 * holds it - through DESTROY, close, kill -9, fork, a split mapping and
 * its UIO device - and goes with the last of them; a contiguous range is
 * not handed out again while a mapping of it lives.
 * Usage: area_lifetime BACKEND (vmalloc or contig)
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "mbuff_util.h"
#include "tap.h"

static unsigned int backend;

static char *map(int fd, size_t len, off_t off)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static void test_destroy_while_mapped(void)
{
	int fd = mb_open("lt-destroy", 8192, backend, 0,
			 MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, NULL);
	char *p = fd < 0 ? NULL : map(fd, 8192, 0);
	int r;

	if (fd >= 0)
		close(fd);
	r = mb_destroy("lt-destroy");
	if (p)
		strcpy(p + 10, "still here");
	tap_ok(p && r == 0 && mb_exists("lt-destroy") == 1 &&
	       !strcmp(p + 10, "still here") &&
	       mb_sysfs("lt-destroy", "users") == 0 &&
	       mb_sysfs("lt-destroy", "maps") == 1,
	       "DESTROY of a mapped area: the mapping keeps it, usable (%s)",
	       strerror(-r));
	if (p)
		munmap(p, 8192);
	tap_ok(mb_gone("lt-destroy"), "unmapping it then destroys it");
}

static void test_close_then_use(void)
{
	int fd = mb_open("lt-close", 4096, backend, 0, MBUFF_OPEN_CREATE, NULL);
	char *p = fd < 0 ? NULL : map(fd, 4096, 0);

	if (fd >= 0)
		close(fd);
	if (p)
		strcpy(p, "after close");
	tap_ok(p && !strcmp(p, "after close") && mb_sysfs("lt-close", "maps") == 1,
	       "after close the mapping still works (maps 1)");
	if (p)
		munmap(p, 4096);
	tap_ok(mb_gone("lt-close"), "the last munmap destroys it");
}

static void test_kill9(void)
{
	int pipefd[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		int fd = mb_open("lt-kill", 4096, backend, 0, MBUFF_OPEN_CREATE,
				 NULL);
		char *p = fd < 0 ? NULL : map(fd, 4096, 0);

		c = p ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		c = 0;
	close(pipefd[0]);
	tap_ok(c == 'y' && mb_exists("lt-kill") == 1,
	       "a child process creates and maps an area");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && mb_gone("lt-kill"),
	       "kill -9 of the child destroys the area");
}

static void test_fork_and_split(void)
{
	int fd = mb_open("lt-fork", 3 * 4096, backend, 0, MBUFF_OPEN_CREATE, NULL);
	char *p = fd < 0 ? NULL : map(fd, 3 * 4096, 0);
	int pipefd[2], st;
	long maps_in_child = -1;
	pid_t pid;

	if (fd >= 0)
		close(fd);
	if (!p || pipe(pipefd)) {
		tap_ok(0, "fork: setup");
		tap_ok(0, "split: setup");
		return;
	}
	pid = fork();
	if (pid == 0) {
		char c = 'x';

		p[5] = 'c';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &st, 1) == 1)
		maps_in_child = mb_sysfs("lt-fork", "maps");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	close(pipefd[0]);
	tap_ok(maps_in_child == 2 && p[5] == 'c' && mb_sysfs("lt-fork", "maps") == 1,
	       "a forked child shares the mapping (maps 2, then 1 after it exits)");

	/* Pages come at fault time, so either backend's mapping splits. */
	munmap(p + 4096, 4096);
	tap_ok(mb_sysfs("lt-fork", "maps") == 2 && p[2 * 4096] == 0 &&
	       (p[0] = 'a') == 'a',
	       "unmapping the middle page splits the mapping in two (maps 2)");
	munmap(p, 4096);
	munmap(p + 2 * 4096, 4096);
	tap_ok(mb_gone("lt-fork"), "unmapping both pieces destroys the area");
}

static void test_uio_holds(void)
{
	int fd = mb_open("lt-uio", 8192, backend, 0, MBUFF_OPEN_CREATE, NULL);
	int ufd = mb_uio_open("lt-uio"), fd2;
	char *u = ufd < 0 ? NULL : map(ufd, 8192, 0), *q;

	if (fd >= 0)
		close(fd);
	tap_ok(u && mb_exists("lt-uio") == 1 && mb_sysfs("lt-uio", "files") == 1,
	       "the area's /dev/uioN maps it and holds it after /dev/mbuff is closed");
	if (!u) {
		tap_ok(0, "uio: setup");
		tap_ok(0, "uio: setup");
		return;
	}
	strcpy(u + 4096, "via uio");
	fd2 = mb_open("lt-uio", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	q = fd2 < 0 ? NULL : map(fd2, 8192, 0);
	tap_ok(q && !strcmp(q + 4096, "via uio"),
	       "bytes written through the UIO mapping show through /dev/mbuff");
	if (q)
		munmap(q, 8192);
	if (fd2 >= 0)
		close(fd2);
	close(ufd);
	usleep(100000);
	tap_ok(mb_exists("lt-uio") == 1 && !strcmp(u + 4096, "via uio"),
	       "after closing /dev/uioN the UIO mapping still holds the area");
	munmap(u, 8192);
	tap_ok(mb_gone("lt-uio") && mb_uio_index("lt-uio") < 0,
	       "its last munmap destroys the area and its UIO device");
}

static void test_no_reuse(void)
{
	struct mbuff_info a, b;
	int fd = mb_open("lt-a", 4096, backend, 0, MBUFF_OPEN_CREATE, NULL), fd2;
	char *p = fd < 0 ? NULL : map(fd, 4096, 0);

	if (backend != MBUFF_BACKEND_CONTIG) {
		tap_skip("physical ranges concern contiguous areas only");
		if (p)
			munmap(p, 4096);
		if (fd >= 0)
			close(fd);
		return;
	}
	mb_info(fd, "", &a);
	close(fd);
	fd2 = mb_open("lt-b", 4096, backend, 0, MBUFF_OPEN_CREATE, NULL);
	mb_info(fd2, "", &b);
	tap_ok(p && a.phys_addr != b.phys_addr,
	       "while 'lt-a' is mapped its range %#llx is not given to 'lt-b' (%#llx)",
	       (unsigned long long)a.phys_addr, (unsigned long long)b.phys_addr);
	if (p)
		munmap(p, 4096);
	close(fd2);
	mb_gone("lt-a");
	mb_gone("lt-b");
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "vmalloc") && strcmp(argv[1], "contig"))) {
		fprintf(stderr, "usage: area_lifetime vmalloc|contig\n");
		return 2;
	}
	backend = strcmp(argv[1], "contig") ? MBUFF_BACKEND_VMALLOC :
					      MBUFF_BACKEND_CONTIG;
	tap_plan(14);
	test_destroy_while_mapped();
	test_close_then_use();
	test_kill9();
	test_fork_and_split();
	test_uio_holds();
	test_no_reuse();
	tap_exit();
}
