// SPDX-License-Identifier: GPL-2.0-only
/*
 * A real importer and exporter of dma-bufs: vivid, the V4L2 test driver.
 * A reference frame is captured into vivid's own buffer (V4L2_MEMORY_MMAP)
 * with a still picture (colour bars, no text, no movement); then
 *   - frames are captured with V4L2_MEMORY_DMABUF into areas exported as
 *     dma-bufs, vmalloc and contiguous, and read through the areas'
 *     mappings: they must be the reference;
 *   - vivid's buffer, exported with VIDIOC_EXPBUF, is imported as a named
 *     area, and a frame captured into it is read by name.
 * vivid's dma-contig allocator needs one contiguous run: a vmalloc area
 * is then refused cleanly (its QBUF or STREAMON fails), a contiguous one
 * works.
 *
 *   vivid_dmabuf vmalloc|dma-contig    (the allocators= vivid was loaded with)
 */
#include <linux/videodev2.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>

#include "mbuff_util.h"
#include "tap.h"

static int vfd = -1;
static size_t frame;		/* sizeimage */
static unsigned char *ref;	/* the reference frame */

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* vivid's first single-planar capture node, or -1. */
static int open_vivid(void)
{
	struct v4l2_capability cap;
	char path[32];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/video%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&cap, 0, sizeof(cap));
		if (!xioctl(fd, VIDIOC_QUERYCAP, &cap) &&
		    !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    (cap.device_caps & V4L2_CAP_STREAMING))
			return fd;
		close(fd);
	}
	return -1;
}

/* Set menu control @ctrl to its item @item, both by name: 0 or -errno. */
static int set_menu(const char *ctrl, const char *item)
{
	struct v4l2_queryctrl q = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };
	struct v4l2_querymenu m;
	struct v4l2_control c;

	while (!xioctl(vfd, VIDIOC_QUERYCTRL, &q)) {
		if (!strcmp((char *)q.name, ctrl) && q.type == V4L2_CTRL_TYPE_MENU) {
			for (m.index = (uint32_t)q.minimum;
			     m.index <= (uint32_t)q.maximum; m.index++) {
				m.id = q.id;
				if (xioctl(vfd, VIDIOC_QUERYMENU, &m) ||
				    strcmp((char *)m.name, item))
					continue;
				c.id = q.id;
				c.value = (int)m.index;
				return xioctl(vfd, VIDIOC_S_CTRL, &c);
			}
			return -ENOENT;
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return -ENOENT;
}

/*
 * Capture one frame with @memory into buffer 0: with DMABUF into @dmabuf
 * (@len bytes); with MMAP into vivid's buffer, of which *@mapped is then
 * a mapping (unmapped by the caller) and *@expfd, when asked, an exported
 * dma-buf made before the capture (so that an import sees it filled).
 * @before, if set, runs after the buffer exists and before the capture.
 * Return: 0, or -errno of the step that failed (*@step names it).
 */
static int capture(unsigned int memory, int dmabuf, size_t len,
		   unsigned char **mapped, const char **step,
		   int (*before)(int expfd), int *expfd)
{
	struct v4l2_requestbuffers rb = { .count = 1, .memory = memory,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_buffer b;
	struct v4l2_exportbuffer e;
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, r;
	struct pollfd pfd = { .fd = vfd, .events = POLLIN };

	*step = "REQBUFS";
	r = xioctl(vfd, VIDIOC_REQBUFS, &rb);
	if (r)
		return r;
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = memory;
	b.index = 0;
	if (memory == V4L2_MEMORY_MMAP) {
		*step = "QUERYBUF";
		r = xioctl(vfd, VIDIOC_QUERYBUF, &b);
		if (r)
			goto out;
		*mapped = mmap(NULL, b.length, PROT_READ, MAP_SHARED, vfd,
			       b.m.offset);
		if (*mapped == MAP_FAILED) {
			*mapped = NULL;
			r = -errno;
			goto out;
		}
		if (expfd) {
			memset(&e, 0, sizeof(e));
			e.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
			e.index = 0;
			e.flags = O_RDWR | O_CLOEXEC;
			*step = "EXPBUF";
			r = xioctl(vfd, VIDIOC_EXPBUF, &e);
			if (r)
				goto out;
			*expfd = e.fd;
		}
	} else {
		b.m.fd = dmabuf;
		b.length = (uint32_t)len;
	}
	if (before) {
		*step = "before the capture";
		r = before(expfd ? *expfd : -1);
		if (r)
			goto out;
	}
	*step = "QBUF";
	r = xioctl(vfd, VIDIOC_QBUF, &b);
	if (r)
		goto out;
	*step = "STREAMON";
	r = xioctl(vfd, VIDIOC_STREAMON, &type);
	if (r)
		goto out;
	*step = "poll";
	r = poll(&pfd, 1, 10000) == 1 ? 0 : -ETIMEDOUT;
	if (!r) {
		*step = "DQBUF";
		r = xioctl(vfd, VIDIOC_DQBUF, &b);
	}
	if (!r && (b.flags & V4L2_BUF_FLAG_ERROR))
		r = -EIO;
	xioctl(vfd, VIDIOC_STREAMOFF, &type);
out:
	rb.count = 0;
	if (!(memory == V4L2_MEMORY_MMAP && *mapped))
		xioctl(vfd, VIDIOC_REQBUFS, &rb);
	return r;
}

/* Free vivid's buffers (after the caller unmapped its mapping). */
static void free_bufs(unsigned int memory)
{
	struct v4l2_requestbuffers rb = { .count = 0, .memory = memory,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	xioctl(vfd, VIDIOC_REQBUFS, &rb);
}

static int export_area(int fd)
{
	struct mbuff_export e;

	memset(&e, 0, sizeof(e));
	e.argsz = sizeof(e);
	return ioctl(fd, MBUFF_IOC_EXPORT, &e) < 0 ? -errno : e.fd;
}

/* Physical runs of the area @fd selects (MBUFF_IOC_SGLIST), or -errno. */
static int phys_runs(int fd)
{
	struct mbuff_sglist sl;

	memset(&sl, 0, sizeof(sl));
	sl.argsz = sizeof(sl);
	if (ioctl(fd, MBUFF_IOC_SGLIST, &sl) < 0)
		return -errno;
	return (int)sl.count;
}

static void test_export(unsigned int backend, int contig_only)
{
	const char *bname = backend == MBUFF_BACKEND_CONTIG ? "contiguous" :
							     "vmalloc";
	size_t len = (frame + 4095) & ~4095UL;
	int fd = mb_open("vv-exp", len, backend, 0, MBUFF_OPEN_CREATE, NULL);
	unsigned char *a = NULL;
	const char *step = "";
	int buf = -1, r, runs;

	if (fd >= 0)
		buf = export_area(fd);
	if (buf >= 0)
		a = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (buf < 0 || !a || a == MAP_FAILED) {
		tap_ok(0, "%s: an area and its dma-buf (%s)", bname,
		       strerror(fd < 0 ? -fd : -buf));
		return;
	}
	runs = phys_runs(fd);
	r = capture(V4L2_MEMORY_DMABUF, buf, len, NULL, &step, NULL, NULL);
	if (backend == MBUFF_BACKEND_VMALLOC && contig_only && runs > 1)
		tap_ok(r < 0 && mem_check(a, len, 0) < 0,
		       "vivid's dma-contig allocator refuses a vmalloc area's dma-buf in %d physical runs (%s: %s), the area untouched",
		       runs, step, strerror(-r));
	else if (backend == MBUFF_BACKEND_VMALLOC && contig_only)
		/* Pages that came one after the other: one run, taken. */
		tap_ok(runs == 1 && !r && !memcmp(a, ref, frame),
		       "vivid's dma-contig allocator takes a vmalloc area whose pages happen to be one physical run (%s: %s)",
		       r ? step : "ok", strerror(-r));
	else
		tap_ok(!r && !memcmp(a, ref, frame),
		       "vivid captures a frame into a %s area through its dma-buf (%s: %s)",
		       bname, r ? step : "ok", strerror(-r));
	munmap(a, len);
	close(buf);
	close(fd);
	tap_ok(mb_gone("vv-exp"), "%s: the area goes with its file and dma-buf",
	       bname);
}

static int import_it(int expfd)
{
	struct mbuff_import m;
	int fd = mb_open_dev();

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.fd = expfd;
	snprintf(m.name, sizeof(m.name), "vv-imp");
	/* Held by a user count: the file goes at once. */
	m.flags = MBUFF_OPEN_HOLD;
	if (ioctl(fd, MBUFF_IOC_IMPORT, &m) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

static void test_import(void)
{
	unsigned char *v = NULL, *a;
	const char *step = "";
	struct mbuff_info info;
	int expfd = -1, fd, r;

	r = capture(V4L2_MEMORY_MMAP, -1, 0, &v, &step, import_it, &expfd);
	tap_ok(!r, "vivid's buffer, exported (VIDIOC_EXPBUF) and imported as 'vv-imp', takes a frame (%s: %s)",
	       r ? step : "ok", strerror(-r));
	fd = mb_open("vv-imp", 0, MBUFF_BACKEND_ANY, 0, 0, NULL);
	a = fd < 0 ? NULL : mmap(NULL, frame, PROT_READ, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED)
		a = NULL;
	tap_ok(a && !memcmp(a, ref, frame),
	       "the frame is read by name through the imported area");
	tap_ok(fd >= 0 && !mb_info(fd, "", &info) &&
	       info.backend == MBUFF_BACKEND_DMABUF && info.size >= frame,
	       "the area is a dma-buf's, of the buffer's size");
	tap_ok(!kctl("get vv-imp 0 any cached 0") && !kctl("put vv-imp"),
	       "kernel code reaches it by name");
	if (a)
		munmap(a, frame);
	if (fd >= 0)
		close(fd);
	if (v)
		munmap(v, frame);
	if (expfd >= 0)
		close(expfd);
	mb_destroy("vv-imp");
	free_bufs(V4L2_MEMORY_MMAP);
	tap_ok(mb_gone("vv-imp"), "destroyed, the import lets vivid's buffer go");
}

int main(int argc, char **argv)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	unsigned char *v = NULL;
	const char *step = "";
	int contig_only, r;

	if (argc != 2 || (strcmp(argv[1], "vmalloc") &&
			  strcmp(argv[1], "dma-contig"))) {
		fprintf(stderr, "usage: vivid_dmabuf vmalloc|dma-contig\n");
		return 2;
	}
	contig_only = !strcmp(argv[1], "dma-contig");
	tap_plan(13);
	vfd = open_vivid();
	tap_ok(vfd >= 0, "vivid's capture node is there");
	if (vfd < 0)
		return tap_exit();
	/* A still picture: no text, no movement. */
	r = set_menu("OSD Text Mode", "None");
	if (!r)
		r = xioctl(vfd, VIDIOC_G_FMT, &f);
	tap_ok(!r && f.fmt.pix.sizeimage > 0,
	       "no text on the frames (%s); %ux%u, %u bytes a frame",
	       strerror(-r), f.fmt.pix.width, f.fmt.pix.height,
	       f.fmt.pix.sizeimage);
	frame = f.fmt.pix.sizeimage;
	r = capture(V4L2_MEMORY_MMAP, -1, 0, &v, &step, NULL, NULL);
	ref = malloc(frame);
	if (!r && v && ref)
		memcpy(ref, v, frame);
	tap_ok(!r && ref && v && mem_check(ref, frame, 0) >= 0,
	       "a reference frame into vivid's own buffer, not blank (%s: %s)",
	       r ? step : "ok", strerror(-r));
	if (v)
		munmap(v, frame);
	free_bufs(V4L2_MEMORY_MMAP);
	if (r || !ref) {
		close(vfd);
		return tap_exit();
	}
	test_export(MBUFF_BACKEND_VMALLOC, contig_only);
	test_export(MBUFF_BACKEND_CONTIG, contig_only);
	test_import();
	tap_ok(mb_exists("vv-exp") == 0 && mb_exists("vv-imp") == 0,
	       "nothing is left behind");
	close(vfd);
	return tap_exit();
}
