// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the listing of an instance's segments, in the format of native's
 * /proc/sysvipc/shm (header and columns alike), readable by all, so that
 * tools that parse one can parse the other: /proc/svshm for the initial
 * instance, DIR/segments for a mounted one (fs.c opens it here). Where the
 * kernel has no SysV IPC, nothing owns /proc/sysvipc/shm: the initial
 * instance's listing is there too, for util-linux's ipcs and its like.
 *
 * The walk holds the table's rwsem for reading from ->start to ->stop;
 * seq_file copies to user memory only after ->stop, so no fault happens
 * under it. The open file keeps the table alive (internal.h).
 */
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/xarray.h>

#include "internal.h"

#define SVSHM_PROC_NAME	"svshm"
#define SVSHM_PROC_SYSVIPC	"sysvipc"	/* native's, ipc/util.c */
#define SVSHM_PROC_SYSVIPC_SHM	"shm"

/* Native's header, column for column (BITS_PER_LONG 64). */
static void svshm_proc_header(struct seq_file *s)
{
	seq_printf(s, "%10s %10s %5s %21s %5s %5s %6s %5s %5s %5s %5s %10s %10s %10s %21s %21s\n",
		   "key", "shmid", "perms", "size", "cpid", "lpid", "nattch",
		   "uid", "gid", "cuid", "cgid", "atime", "dtime", "ctime",
		   "rss", "swap");
}

/*
 * Position 0 is the header, position n + 1 the segment at index n: the
 * segment listed next is the first at or above the position's index.
 */
static void *svshm_proc_seg(struct seq_file *s, loff_t *pos)
{
	unsigned long idx = *pos - 1;
	struct svshm_seg *seg = svshm_table_next_locked(s->private, &idx);

	*pos = seg ? idx + 1 : SVSHM_IDX_MAX + 1;
	return seg;
}

static void *svshm_proc_start(struct seq_file *s, loff_t *pos)
{
	svshm_table_lock(s->private, false);
	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (*pos > SVSHM_IDX_MAX)
		return NULL;
	return svshm_proc_seg(s, pos);
}

static void *svshm_proc_next(struct seq_file *s, void *v, loff_t *pos)
{
	++*pos;
	if (*pos > SVSHM_IDX_MAX)
		return NULL;
	return svshm_proc_seg(s, pos);
}

static void svshm_proc_stop(struct seq_file *s, void *v)
{
	svshm_table_unlock(s->private, false);
}

static int svshm_proc_show(struct seq_file *s, void *v)
{
	struct pid_namespace *pid_ns = task_active_pid_ns(current);
	struct user_namespace *user_ns = seq_user_ns(s);
	struct svshm_seg *seg = v;
	unsigned long rss, swp;
	struct inode *inode;

	if (v == SEQ_START_TOKEN) {
		svshm_proc_header(s);
		return 0;
	}
	inode = file_inode(seg->shm_file);
	spin_lock_irq(&SHMEM_I(inode)->lock);
	rss = inode->i_mapping->nrpages;
	swp = SHMEM_I(inode)->swapped;
	spin_unlock_irq(&SHMEM_I(inode)->lock);

	spin_lock(&seg->lock);
	seq_printf(s,
		   "%10d %10d  %4o %21zu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n",
		   seg->key, seg->id, seg->mode, seg->size,
		   pid_nr_ns(seg->cpid, pid_ns), pid_nr_ns(seg->lpid, pid_ns),
		   seg->nattch,
		   from_kuid_munged(user_ns, seg->uid),
		   from_kgid_munged(user_ns, seg->gid),
		   from_kuid_munged(user_ns, seg->cuid),
		   from_kgid_munged(user_ns, seg->cgid),
		   (unsigned long long)seg->atime,
		   (unsigned long long)seg->dtime,
		   (unsigned long long)seg->ctime,
		   rss * PAGE_SIZE, swp * PAGE_SIZE);
	spin_unlock(&seg->lock);
	return 0;
}

static const struct seq_operations svshm_proc_ops = {
	.start = svshm_proc_start,
	.next = svshm_proc_next,
	.stop = svshm_proc_stop,
	.show = svshm_proc_show,
};

/* Open @file as the listing of @table. */
int svshm_listing_open(struct file *file, struct svshm_table *table)
{
	int ret = seq_open(file, &svshm_proc_ops);

	if (!ret)
		((struct seq_file *)file->private_data)->private = table;
	return ret;
}

static int svshm_proc_open(struct inode *inode, struct file *file)
{
	return svshm_listing_open(file, pde_data(inode));
}

static const struct proc_ops svshm_proc_fops = {
	.proc_open = svshm_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release,
};

/* /proc/sysvipc/shm where the kernel has none (see the top). */
static int svshm_proc_sysvipc_init(void)
{
	struct proc_dir_entry *dir;

	if (IS_ENABLED(CONFIG_SYSVIPC))
		return 0;
	dir = proc_mkdir(SVSHM_PROC_SYSVIPC, NULL);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_data(SVSHM_PROC_SYSVIPC_SHM, 0444, dir, &svshm_proc_fops,
			      &svshm_init_table)) {
		remove_proc_entry(SVSHM_PROC_SYSVIPC, NULL);
		return -ENOMEM;
	}
	return 0;
}

static void svshm_proc_sysvipc_exit(void)
{
	if (!IS_ENABLED(CONFIG_SYSVIPC))
		remove_proc_subtree(SVSHM_PROC_SYSVIPC, NULL);
}

int svshm_proc_init(void)
{
	int ret;

	if (!proc_create_data(SVSHM_PROC_NAME, 0444, NULL, &svshm_proc_fops,
			      &svshm_init_table))
		return -ENOMEM;
	ret = svshm_proc_sysvipc_init();
	if (ret)
		remove_proc_entry(SVSHM_PROC_NAME, NULL);
	return ret;
}

void svshm_proc_exit(void)
{
	svshm_proc_sysvipc_exit();
	remove_proc_entry(SVSHM_PROC_NAME, NULL);
}
