// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel client of mbuff's exported API, driven by guest tests through
 * /sys/kernel/debug/mbuff_test/ctl: write one command, read its result.
 *
 *   alloc NAME SIZE        mbuff_alloc()            free NAME
 *   get NAME SIZE BACKEND MEMTYPE FLAGS             put NAME
 *        BACKEND any|vmalloc|contig|cma, MEMTYPE cached|wc|uc, FLAGS 0|create|excl
 *   fill NAME OFF LEN BYTE  write through the kernel mapping
 *   check NAME OFF LEN BYTE verify through the kernel mapping (-EIO if not)
 *   info NAME              "size=N phys=0x... memtype=N"
 *   notify NAME            mbuff_area_notify()
 *   doorbell NAME on|off   count user-space rings; "rings NAME" reads them
 *   handoff NAME           on a "get" slot: take a classic count too, put
 *                          the handle, then mbuff_free() the classic count
 *                          (the last kernel count goes by mbuff_free())
 *   memtype PID ADDR       x86: the memory type and page size with which
 *                          process PID maps ADDR, "write-back 4K" (as x86
 *                          PAT names types), or "none LEVEL" if nothing
 *                          is mapped there
 *
 * A failing command makes write() fail with its errno.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86
#include <asm/msr.h>
#endif
#include <linux/mbuff.h>
#include <mbuff/vocab.h>

#define MBUFF_TEST_SLOTS 16

struct mbuff_test_slot {
	char name[MBUFF_NAME_LEN + 1];
	struct mbuff_area *area;	/* handle API */
	void *vaddr;			/* classic API, or the handle's */
	size_t size;
	atomic_t rings;
	atomic_t last;
};

/* Protects mbuff_test_slots and mbuff_test_result. */
static DEFINE_MUTEX(mbuff_test_lock);
static struct mbuff_test_slot mbuff_test_slots[MBUFF_TEST_SLOTS];
static char mbuff_test_result[128];
static struct dentry *mbuff_test_dir;

static struct mbuff_test_slot *mbuff_test_slot(const char *name, bool create)
{
	struct mbuff_test_slot *free = NULL;
	int i;

	for (i = 0; i < MBUFF_TEST_SLOTS; i++) {
		struct mbuff_test_slot *s = &mbuff_test_slots[i];

		if (s->vaddr && !strcmp(s->name, name))
			return s;
		if (!s->vaddr && !free)
			free = s;
	}
	if (create && free) {
		strscpy(free->name, name, sizeof(free->name));
		return free;
	}
	return NULL;
}

static void mbuff_test_doorbell(struct mbuff_area *area, s32 value, void *data)
{
	struct mbuff_test_slot *s = data;

	atomic_set(&s->last, value);
	atomic_inc(&s->rings);
}

static void mbuff_test_info(struct mbuff_test_slot *s)
{
	phys_addr_t phys = mbuff_area_phys(s->area);

	snprintf(mbuff_test_result, sizeof(mbuff_test_result),
		 "size=%zu phys=%pa memtype=%u\n", s->size, &phys,
		 mbuff_area_memtype(s->area));
}

static int mbuff_test_word(const char *w, const char * const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(w, names[i]))
			return i;
	return -EINVAL;
}

static int mbuff_test_get(struct mbuff_test_slot *s, char **argv)
{
	static const char * const flags[] = { "0", "create", "excl" };
	static const unsigned int flagbits[] = {
		0, MBUFF_OPEN_CREATE, MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL
	};
	/* A dma-buf area is only imported. */
	int b = mbuff_backend_parse(argv[1]);
	int m = mbuff_memtype_parse(argv[2]);
	int f = mbuff_test_word(argv[3], flags, 3);
	struct mbuff_area *area;

	if (b < 0 || b == MBUFF_BACKEND_DMABUF || m < 0 || f < 0)
		return -EINVAL;
	area = mbuff_area_get(s->name, memparse(argv[0], NULL), b, m,
			      flagbits[f]);
	if (IS_ERR(area))
		return PTR_ERR(area);
	s->area = area;
	s->vaddr = mbuff_area_vaddr(area);
	s->size = mbuff_area_size(area);
	mbuff_test_info(s);
	return 0;
}

static int mbuff_test_fill_check(struct mbuff_test_slot *s, char **argv,
				 bool check)
{
	unsigned long off, len;
	unsigned int byte;
	u8 *p;

	if (kstrtoul(argv[0], 0, &off) || kstrtoul(argv[1], 0, &len) ||
	    kstrtouint(argv[2], 0, &byte) || byte > 0xff ||
	    off > s->size || len > s->size - off)
		return -EINVAL;
	p = (u8 *)s->vaddr + off;
	if (!check) {
		memset(p, byte, len);
		return 0;
	}
	for (; len; len--, p++) {
		if (*p != byte) {
			snprintf(mbuff_test_result, sizeof(mbuff_test_result),
				 "mismatch at %#lx: %#x\n",
				 (unsigned long)(p - (u8 *)s->vaddr), *p);
			return -EIO;
		}
	}
	return 0;
}

#ifdef CONFIG_X86
/*
 * The memory type a 4 KiB-format protection selects: its PWT, PCD and PAT
 * bits index the PAT MSR, whose entry holds the type.
 */
static const char *mbuff_test_cachemode(pgprot_t prot)
{
	static const char * const names[8] = {
		[0] = "uncached", [1] = "write-combining",
		[4] = "write-through", [5] = "write-protected",
		[6] = "write-back", [7] = "uncached-minus",
	};
	unsigned long v = pgprot_val(prot);
	unsigned int idx = (v & _PAGE_PWT ? 1 : 0) | (v & _PAGE_PCD ? 2 : 0) |
			   (v & _PAGE_PAT ? 4 : 0);
	const char *name;
	u32 lo, hi;
	u64 pat;

	/* rdmsr(), not rdmsrl() (rdmsrq() since 6.16): in every kernel. */
	rdmsr(MSR_IA32_CR_PAT, lo, hi);
	pat = (u64)hi << 32 | lo;
	name = names[(pat >> (8 * idx)) & 7];
	return name ? name : "unknown";
}

/* Nothing mapped: say at which level of the table walk. */
static int mbuff_test_unmapped(const char *level)
{
	snprintf(mbuff_test_result, sizeof(mbuff_test_result), "none %s",
		 level);
	return 0;
}

/* Walk @mm's page table at @addr; under its mmap_lock. */
static int mbuff_test_walk(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;
	pgprot_t prot;

	if (pgd_none(*pgd))
		return mbuff_test_unmapped("pgd");
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		return mbuff_test_unmapped("p4d");
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_leaf(*pud))
		return mbuff_test_unmapped("pud");
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd))
		return mbuff_test_unmapped("pmd");
	if (pmd_leaf(*pmd)) {
		/* A 2 MiB entry keeps its PAT bit where 4 KiB ones have PSE. */
		prot = pgprot_large_2_4k(pmd_pgprot(*pmd));
		snprintf(mbuff_test_result, sizeof(mbuff_test_result), "%s 2M",
			 mbuff_test_cachemode(prot));
		return 0;
	}
	/*
	 * x86_64 keeps page tables in the direct map; pte_offset_map() is
	 * not exported everywhere.  The test's own mapping stays meanwhile.
	 */
	pte = pte_offset_kernel(pmd, addr);
	if (!pte_present(*pte))
		return mbuff_test_unmapped("pte");
	prot = pte_pgprot(*pte);
	snprintf(mbuff_test_result, sizeof(mbuff_test_result), "%s 4K",
		 mbuff_test_cachemode(prot));
	return 0;
}

static int mbuff_test_memtype(char **argv)
{
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long addr;
	struct pid *pid;
	int nr, ret;

	if (kstrtoint(argv[1], 0, &nr) || kstrtoul(argv[2], 0, &addr))
		return -EINVAL;
	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;
	mmap_read_lock(mm);
	ret = mbuff_test_walk(mm, addr);
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}
#else
static int mbuff_test_memtype(char **argv)
{
	return -EOPNOTSUPP;
}
#endif

static int mbuff_test_run(char *line)
{
	char *argv[7], *cmd;
	struct mbuff_test_slot *s;
	int argc = 0;

	strreplace(line, '\n', ' ');
	while (argc < ARRAY_SIZE(argv) && (cmd = strsep(&line, " ")))
		if (*cmd)
			argv[argc++] = cmd;
	if (argc < 2)
		return -EINVAL;
	cmd = argv[0];
	mbuff_test_result[0] = '\0';
	if (!strcmp(cmd, "memtype"))
		return argc == 3 ? mbuff_test_memtype(argv) : -EINVAL;
	s = mbuff_test_slot(argv[1], !strcmp(cmd, "alloc") || !strcmp(cmd, "get"));
	if (!s)
		return -ENOENT;

	if (!strcmp(cmd, "alloc") && argc == 3 && !s->vaddr) {
		int size;

		if (kstrtoint(argv[2], 0, &size))
			return -EINVAL;
		s->vaddr = mbuff_alloc(s->name, size);
		s->size = size;
		return s->vaddr ? 0 : -ENOMEM;
	}
	if (!strcmp(cmd, "get") && argc == 6 && !s->vaddr)
		return mbuff_test_get(s, argv + 2);
	if (!s->vaddr)
		return -ENOENT;
	if (!strcmp(cmd, "free") && argc == 2 && !s->area) {
		mbuff_free(s->name, s->vaddr);
		s->vaddr = NULL;
		return 0;
	}
	if (!strcmp(cmd, "put") && argc == 2 && s->area) {
		mbuff_area_put(s->area);
		s->area = NULL;
		s->vaddr = NULL;
		return 0;
	}
	if (!strcmp(cmd, "fill") && argc == 5)
		return mbuff_test_fill_check(s, argv + 2, false);
	if (!strcmp(cmd, "check") && argc == 5)
		return mbuff_test_fill_check(s, argv + 2, true);
	if (!s->area)
		return -EINVAL;
	if (!strcmp(cmd, "info") && argc == 2) {
		mbuff_test_info(s);
		return 0;
	}
	if (!strcmp(cmd, "notify") && argc == 2) {
		mbuff_area_notify(s->area);
		return 0;
	}
	if (!strcmp(cmd, "doorbell") && argc == 3) {
		bool on = !strcmp(argv[2], "on");

		return mbuff_area_set_doorbell(s->area,
					       on ? mbuff_test_doorbell : NULL,
					       on ? s : NULL);
	}
	if (!strcmp(cmd, "handoff") && argc == 2) {
		void *vaddr = mbuff_alloc(s->name, 1);

		if (!vaddr)
			return -ENOMEM;
		mbuff_area_put(s->area);
		mbuff_free(s->name, vaddr);
		s->area = NULL;
		s->vaddr = NULL;
		return 0;
	}
	if (!strcmp(cmd, "rings") && argc == 2) {
		snprintf(mbuff_test_result, sizeof(mbuff_test_result),
			 "rings=%d last=%d\n", atomic_read(&s->rings),
			 atomic_read(&s->last));
		return 0;
	}
	return -EINVAL;
}

static ssize_t mbuff_test_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char line[128];
	int ret;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	mutex_lock(&mbuff_test_lock);
	ret = mbuff_test_run(line);
	mutex_unlock(&mbuff_test_lock);
	return ret ? ret : count;
}

static ssize_t mbuff_test_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[sizeof(mbuff_test_result)];

	mutex_lock(&mbuff_test_lock);
	strscpy(buf, mbuff_test_result, sizeof(buf));
	mutex_unlock(&mbuff_test_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, strlen(buf));
}

static const struct file_operations mbuff_test_fops = {
	.owner = THIS_MODULE,
	.write = mbuff_test_write,
	.read = mbuff_test_read,
	.llseek = default_llseek,
};

static int __init mbuff_test_init(void)
{
	mbuff_test_dir = debugfs_create_dir("mbuff_test", NULL);
	debugfs_create_file("ctl", 0600, mbuff_test_dir, NULL,
			    &mbuff_test_fops);
	return 0;
}

static void __exit mbuff_test_exit(void)
{
	int i;

	debugfs_remove_recursive(mbuff_test_dir);
	for (i = 0; i < MBUFF_TEST_SLOTS; i++) {
		struct mbuff_test_slot *s = &mbuff_test_slots[i];

		if (s->area)
			mbuff_area_put(s->area);
		else if (s->vaddr)
			mbuff_free(s->name, s->vaddr);
	}
}

module_init(mbuff_test_init);
module_exit(mbuff_test_exit);

MODULE_DESCRIPTION("mbuff test: a kernel client of the exported API");
MODULE_LICENSE("GPL");
MBUFF_MODULE_IMPORT_NS();
