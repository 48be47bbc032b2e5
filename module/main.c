// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: System V shared memory as a module, served by /dev/svshm.
 *
 * This file registers the misc device of the initial instance and its
 * limits as module parameters, which are native's sysctls (kernel.shmmax,
 * shmall, shmmni, shm_rmid_forced, shm_next_id), changeable at run time by
 * root through /sys/module/svshm/parameters/; the other instances take
 * theirs as mount options (fs.c). Where the kernel has no SysV IPC,
 * sysctl.c serves the same values as /proc/sys/kernel/shm*: one value each,
 * whichever file writes it.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "internal.h"

module_param_named(shmmax, svshm_init_table.limits.shmmax, ulong, 0644);
MODULE_PARM_DESC(shmmax, "Largest segment, in bytes (kernel.shmmax)");
module_param_named(shmall, svshm_init_table.limits.shmall, ulong, 0644);
MODULE_PARM_DESC(shmall, "Pages in all segments together (kernel.shmall)");

/* kernel.shmmni takes 0 to IPCMNI, as native's proc_dointvec_minmax. */
static int svshm_set_shmmni(const char *val, const struct kernel_param *kp)
{
	int n, ret;

	ret = kstrtoint(val, 0, &n);
	if (ret)
		return ret;
	if (n < 0 || n > SVSHM_IDX_MAX)
		return -EINVAL;
	WRITE_ONCE(svshm_init_table.limits.shmmni, n);
	return 0;
}

static const struct kernel_param_ops svshm_shmmni_ops = {
	.set = svshm_set_shmmni,
	.get = param_get_int,
};

module_param_cb(shmmni, &svshm_shmmni_ops, &svshm_init_table.limits.shmmni, 0644);
MODULE_PARM_DESC(shmmni, "Most segments at once, 0 to 32768 (kernel.shmmni)");

/*
 * Turning shm_rmid_forced on destroys the orphans, as native's sysctl.
 * The last segment holds the last module reference but the caller's: an
 * rmmod could then run svshm_exit() while this still walks the table. A
 * reference of our own keeps the unload out until the walk is done, and
 * a write that comes once the unload has begun changes nothing.
 */
int svshm_init_set_rmid_forced(bool on)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	WRITE_ONCE(svshm_init_table.limits.rmid_forced, on);
	if (on)
		svshm_seg_destroy_orphans(&svshm_init_table);
	module_put(THIS_MODULE);
	return 0;
}

static int svshm_set_rmid_forced(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	return svshm_init_set_rmid_forced(on);
}

static const struct kernel_param_ops svshm_rmid_forced_ops = {
	.set = svshm_set_rmid_forced,
	.get = param_get_bool,
};

module_param_cb(shm_rmid_forced, &svshm_rmid_forced_ops,
		&svshm_init_table.limits.rmid_forced, 0644);
MODULE_PARM_DESC(shm_rmid_forced,
		 "Destroy segments nobody attaches (kernel.shm_rmid_forced)");

/*
 * kernel.shm_next_id: the id the next segment gets, -1 for none; taken
 * and set back to -1 by the next creation that reaches the allocation
 * (table.c). -1 may be written here, to take back a value not yet used;
 * native's sysctl, and ours (sysctl.c), refuse it.
 */
static int svshm_set_next_id(const char *val, const struct kernel_param *kp)
{
	int n, ret;

	/* EINVAL for whatever is not -1 to INT_MAX, as native's sysctl. */
	ret = kstrtoint(val, 0, &n);
	if (ret || n < -1)
		return -EINVAL;
	WRITE_ONCE(svshm_init_table.next_id, n);
	return 0;
}

static const struct kernel_param_ops svshm_next_id_ops = {
	.set = svshm_set_next_id,
	.get = param_get_int,
};

module_param_cb(shm_next_id, &svshm_next_id_ops, &svshm_init_table.next_id, 0644);
MODULE_PARM_DESC(shm_next_id,
		 "Id of the next segment, -1 for any (kernel.shm_next_id)");

/* misc_open() has set private_data to the miscdevice: the table instead. */
static int svshm_dev_open(struct inode *inode, struct file *filp)
{
	filp->private_data = &svshm_init_table;
	return 0;
}

static const struct file_operations svshm_fops = {
	.owner = THIS_MODULE,
	.open = svshm_dev_open,
	.unlocked_ioctl = svshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = svshm_mmap,
	.get_unmapped_area = svshm_get_unmapped_area,
	.llseek = noop_llseek,
};

/* Mode 0666: every caller may talk to us; each call checks its rights. */
static struct miscdevice svshm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "svshm",
	.fops = &svshm_fops,
	.mode = 0666,
};

static int __init svshm_init(void)
{
	int ret;

	ret = svshm_huge_init();
	if (ret)
		return ret;
	ret = svshm_init_table_setup();
	if (ret)
		goto out_huge;
	ret = svshm_proc_init();
	if (ret)
		goto out_table;
	ret = misc_register(&svshm_dev);
	if (ret)
		goto out_proc;
	ret = svshm_fs_init();
	if (ret)
		goto out_misc;
	ret = svshm_sysctl_init();
	if (ret)
		goto out_fs;
	return 0;

out_fs:
	svshm_fs_exit();
out_misc:
	misc_deregister(&svshm_dev);
out_proc:
	svshm_proc_exit();
out_table:
	svshm_init_table_exit();
out_huge:
	svshm_huge_exit();
	return ret;
}

/*
 * Every segment, every attach file and every mounted instance holds a
 * module reference: nothing is left here to lose.
 */
static void __exit svshm_exit(void)
{
	svshm_sysctl_exit();
	svshm_fs_exit();
	misc_deregister(&svshm_dev);
	svshm_proc_exit();
	svshm_init_table_exit();
	svshm_memlock_exit();
	svshm_huge_exit();
	/* Freed segments' RCU callbacks may be this module's code (table.c). */
	rcu_barrier();
}

module_init(svshm_init);
module_exit(svshm_exit);

MODULE_DESCRIPTION("System V shared memory through /dev/svshm");
MODULE_AUTHOR("The svshm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SVSHM_VERSION);
