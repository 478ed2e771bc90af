// SPDX-License-Identifier: GPL-2.0-only
/*
 * MBUFF_IOC_OPEN's answer: threads on one descriptor create and open areas
 * at once, each OPEN dropping the area the last one selected, and every
 * answer must describe the area asked for; an OPEN whose answer cannot be
 * copied out must leave no area, count or selection behind.  Runs as root
 * with a pool.  Usage: open_race [SECONDS] (default 3).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "access_util.h"

#define PLAN 14

#define CREATORS 2
#define OPENERS 2

/* The areas the openers open, held by the test: name, size, backend, type. */
static const struct {
	const char *name;
	size_t size;
	unsigned int backend, memtype;
} held[OPENERS] = {
	{ "race_held0", 8192, MBUFF_BACKEND_VMALLOC, MBUFF_MEM_CACHED },
	{ "race_held1", 12288, MBUFF_BACKEND_CONTIG, MBUFF_MEM_WC },
};

struct worker {
	pthread_t thread;
	int id;
	long iters;
	long bad;	/* answers that were wrong */
	long failed;	/* OPENs that failed */
	char why[160];	/* the first wrong one */
};

static int shared_fd;
static atomic_int stop;

/* Check one answer; remember the first wrong one. */
static void check(struct worker *w, long ret, const struct mbuff_open *o,
		  size_t size, unsigned int backend, unsigned int memtype)
{
	if (ret) {
		if (!w->failed++ && !w->bad)
			snprintf(w->why, sizeof(w->why), "OPEN '%s': %s",
				 o->name, ax_err(ret));
		return;
	}
	if (o->size == size && o->backend == backend && o->memtype == memtype)
		return;
	if (!w->bad++)
		snprintf(w->why, sizeof(w->why),
			 "OPEN '%s' answered size %llu backend %#x memtype %#x, want %zu %u %u",
			 o->name, (unsigned long long)o->size, o->backend,
			 o->memtype, size, backend, memtype);
}

/* New areas, without HOLD: each lives until the next OPEN on the fd. */
static void *creator(void *arg)
{
	static const unsigned int types[] = {
		MBUFF_MEM_CACHED, MBUFF_MEM_WC, MBUFF_MEM_UNCACHED,
	};
	struct worker *w = arg;
	struct mbuff_open o;
	char name[MBUFF_NAME_SIZE];
	unsigned int backend, memtype;
	size_t size;
	long ret;

	while (!atomic_load(&stop)) {
		snprintf(name, sizeof(name), "race_c%d_%ld", w->id, w->iters);
		size = 4096 * (size_t)(1 + w->iters % 3);
		if (w->iters % 2) {
			backend = MBUFF_BACKEND_CONTIG;
			memtype = types[(w->iters / 2) % 3];
		} else {
			backend = MBUFF_BACKEND_VMALLOC;
			memtype = MBUFF_MEM_CACHED;
		}
		ax_open_req(&o, name, size, backend,
			    MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL, 0);
		o.memtype = memtype;
		ret = ax_ioctl(shared_fd, MBUFF_IOC_OPEN, &o);
		check(w, ret, &o, size, backend, memtype);
		w->iters++;
	}
	return NULL;
}

/* The held areas, by name, on the same descriptor. */
static void *opener(void *arg)
{
	struct worker *w = arg;
	struct mbuff_open o;
	long ret;
	int i;

	while (!atomic_load(&stop)) {
		i = (int)((w->id + w->iters) % OPENERS);
		ret = ax_open(shared_fd, held[i].name, 0, MBUFF_BACKEND_ANY, 0,
			      0, &o);
		check(w, ret, &o, held[i].size, held[i].backend,
		      held[i].memtype);
		w->iters++;
	}
	return NULL;
}

static void test_race(int seconds)
{
	struct worker w[CREATORS + OPENERS];
	struct mbuff_info info;
	long ret, base = ax_root_count(), iters, bad, failed;
	int fd = ax_dev(O_RDWR), i, ok = 1;
	struct mbuff_open o;

	for (i = 0; i < OPENERS; i++) {
		ax_open_req(&o, held[i].name, held[i].size, held[i].backend,
			    MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL |
			    MBUFF_OPEN_HOLD, 0);
		o.memtype = held[i].memtype;
		ret = fd < 0 ? fd : ax_ioctl(fd, MBUFF_IOC_OPEN, &o);
		if (ret) {
			tap_diag("cannot create '%s': %s", held[i].name,
				 ax_err(ret));
			ok = 0;
		}
	}
	if (fd >= 0)
		close(fd);
	tap_ok(ok, "create the areas the openers open, with HOLD");

	shared_fd = ax_dev(O_RDWR);
	memset(w, 0, sizeof(w));
	for (i = 0; i < CREATORS + OPENERS; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].thread, NULL,
				   i < CREATORS ? creator : opener, &w[i]))
			return;
	}
	sleep((unsigned int)seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < CREATORS + OPENERS; i++)
		pthread_join(w[i].thread, NULL);

	for (iters = bad = failed = 0, i = 0; i < CREATORS; i++) {
		iters += w[i].iters;
		bad += w[i].bad;
		failed += w[i].failed;
		if (w[i].why[0])
			tap_diag("creator %d: %s", i, w[i].why);
	}
	tap_ok(iters > 0 && !bad && !failed,
	       "%d threads on one fd created %ld areas in %d s, each answer its own area's size, backend and memtype (%ld wrong, %ld failed)",
	       CREATORS, iters, seconds, bad, failed);
	for (iters = bad = failed = 0; i < CREATORS + OPENERS; i++) {
		iters += w[i].iters;
		bad += w[i].bad;
		failed += w[i].failed;
		if (w[i].why[0])
			tap_diag("opener %d: %s", i - CREATORS, w[i].why);
	}
	tap_ok(iters > 0 && !bad && !failed,
	       "%d threads on the same fd opened held areas %ld times meanwhile, each answer right (%ld wrong, %ld failed)",
	       OPENERS, iters, bad, failed);

	close(shared_fd);
	ret = ax_root_count();
	tap_ok(ret == base + OPENERS,
	       "after the fd is closed only the held areas are left (%s areas, want %ld)",
	       ax_err(ret), base + OPENERS);
	for (ok = 1, i = 0; i < OPENERS; i++) {
		ret = ax_root_info(held[i].name, &info);
		if (ret || info.users != 1 || info.files || info.maps) {
			tap_diag("'%s': %s, %u users, %u files, %u maps",
				 held[i].name, ax_err(ret), info.users,
				 info.files, info.maps);
			ok = 0;
		}
	}
	tap_ok(ok, "the held areas have their one user count and nothing else");
	for (ok = 1, i = 0; i < OPENERS; i++)
		ok &= ax_remove(held[i].name);
	tap_ok(ok, "they are gone after DESTROY");
}

/* A request in a page that can be read but not written. */
static struct mbuff_open *ro_request(const char *name, size_t size,
				     unsigned int flags)
{
	struct mbuff_open *o = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (o == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	ax_open_req(o, name, size, MBUFF_BACKEND_VMALLOC, flags, 0);
	if (mprotect(o, 4096, PROT_READ)) {
		perror("mprotect");
		exit(1);
	}
	return o;
}

/* What another descriptor finds under @name: 0 or -errno of OPEN. */
static long lookup(const char *name)
{
	int fd = ax_dev(O_RDWR);
	long ret;

	if (fd < 0)
		return fd;
	ret = ax_open(fd, name, 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	close(fd);
	return ret;
}

static void test_copy_out(void)
{
	struct mbuff_open *o;
	struct mbuff_info info;
	long base = ax_root_count(), ret, ret2, n;
	int fd;

	fd = ax_dev(O_RDWR);
	o = ro_request("race_cf_new", 8192, MBUFF_OPEN_CREATE);
	ret = fd < 0 ? fd : ax_ioctl(fd, MBUFF_IOC_OPEN, o);
	ret2 = lookup("race_cf_new");
	n = ax_root_count();
	tap_ok(ret == -EFAULT && ret2 == -ENOENT && n == base,
	       "OPEN with CREATE whose answer cannot be written: EFAULT (%s), and no area, even while the fd is open (OPEN by name: %s, %s areas, want %ld)",
	       ax_err(ret), ax_err(ret2), ax_err(n), base);
	ret = ax_info(fd, "", &info);
	tap_ok(!ret && info.size == 0,
	       "the fd has no area selected (%s, size %llu)", ax_err(ret),
	       (unsigned long long)info.size);
	close(fd);
	munmap(o, 4096);

	fd = ax_dev(O_RDWR);
	o = ro_request("race_cf_hold", 8192,
		       MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD);
	ret = fd < 0 ? fd : ax_ioctl(fd, MBUFF_IOC_OPEN, o);
	close(fd);
	munmap(o, 4096);
	ret2 = lookup("race_cf_hold");
	n = ax_root_count();
	tap_ok(ret == -EFAULT && ret2 == -ENOENT && n == base,
	       "OPEN with CREATE and HOLD, likewise: EFAULT (%s), no area and no user count (OPEN by name: %s, %s areas)",
	       ax_err(ret), ax_err(ret2), ax_err(n));
	if (ret2 == 0)
		ax_remove("race_cf_hold");

	fd = ax_dev(O_RDWR);
	ret = fd < 0 ? fd : ax_open(fd, "race_cf_old", 8192,
				    MBUFF_BACKEND_VMALLOC,
				    MBUFF_OPEN_CREATE | MBUFF_OPEN_HOLD, 0,
				    NULL);
	if (fd >= 0)
		close(fd);
	tap_ok(!ret, "create 'race_cf_old' with HOLD (%s)", ax_err(ret));
	fd = ax_dev(O_RDWR);
	o = ro_request("race_cf_old", 0, MBUFF_OPEN_HOLD);
	ret = fd < 0 ? fd : ax_ioctl(fd, MBUFF_IOC_OPEN, o);
	ret2 = ax_root_info("race_cf_old", &info);
	tap_ok(ret == -EFAULT && !ret2 && info.users == 1 && info.files == 0,
	       "OPEN with HOLD of an existing area, likewise: EFAULT (%s); it keeps 1 user count and no file (%u, %u)",
	       ax_err(ret), info.users, info.files);
	ret = ax_info(fd, "", &info);
	tap_ok(!ret && info.size == 0,
	       "the fd has no area selected (%s, size %llu)", ax_err(ret),
	       (unsigned long long)info.size);
	close(fd);
	munmap(o, 4096);
	tap_ok(ax_remove("race_cf_old"), "one DESTROY takes it away");
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 3;
	long n;

	if (seconds <= 0) {
		fprintf(stderr, "usage: open_race [SECONDS]\n");
		return 2;
	}
	if (geteuid()) {
		printf("1..0 # SKIP needs root\n");
		return 4;
	}
	ax_init();
	tap_plan(PLAN);
	test_race(seconds);
	test_copy_out();
	n = ax_root_count();
	tap_ok(n == 0, "no area is left (%s)", ax_err(n));
	tap_exit();
}
