// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the huge= module parameter, which says where segments get their
 * pages.
 *
 * Unset (the default), segments are made where native's are, on the
 * kernel's internal shmem mount, and follow the system's
 * /sys/kernel/mm/transparent_hugepage/shmem_enabled exactly as native's do.
 *
 * Set to one of tmpfs's huge= values (never, always, within_size, advise),
 * segments are made on a tmpfs mount of svshm's own with that option, so
 * that a machine can give System V segments huge pages without giving them
 * to every shmem user. The mount is made at load time with SB_KERNMOUNT,
 * as i915's gemfs is: no size or inode limit (as the internal mount),
 * invisible to userspace. The system's deny and force still win: shmem
 * checks them for every mount. SHM_HUGETLB is another matter (reserved
 * hugetlbfs pages, which transparent huge pages cannot promise) and keeps
 * its answers (table.c).
 *
 * The parameter is read-only after load: the mount lives from load to
 * unload, and every segment made on it holds it through its shmem file.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/string.h>

#include "internal.h"

static char *svshm_huge;
module_param_named(huge, svshm_huge, charp, 0444);
MODULE_PARM_DESC(huge,
		 "Huge pages for segments, as tmpfs's huge=: never, always, within_size, advise; unset: native's, the system's shmem_enabled");

static struct vfsmount *svshm_huge_mnt;

/* The mount to make segments on, or NULL for shmem's internal one. */
struct vfsmount *svshm_shm_mnt(void)
{
	return svshm_huge_mnt;
}

int __init svshm_huge_init(void)
{
	static const char * const values[] = {
		"never", "always", "within_size", "advise",
	};
	struct file_system_type *type;
	struct vfsmount *mnt;
	char opt[32];

	if (!svshm_huge || !*svshm_huge)
		return 0;
	if (match_string(values, ARRAY_SIZE(values), svshm_huge) < 0) {
		pr_err("svshm: huge=%s: not never, always, within_size or advise\n",
		       svshm_huge);
		return -EINVAL;
	}
	/* tmpfs is shmem, built in: no module reference to give back. */
	type = get_fs_type("tmpfs");
	if (!type)
		return -ENODEV;
	/* The option string is parsed in place: it must be writable. */
	snprintf(opt, sizeof(opt), "huge=%s", svshm_huge);
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, opt);
	if (IS_ERR(mnt)) {
		pr_err("svshm: huge=%s: tmpfs refused it (%ld): no transparent huge pages?\n",
		       svshm_huge, PTR_ERR(mnt));
		return PTR_ERR(mnt);
	}
	svshm_huge_mnt = mnt;
	return 0;
}

/* After the table's exit: no segment is left to need the mount. */
void svshm_huge_exit(void)
{
	if (svshm_huge_mnt)
		kern_unmount(svshm_huge_mnt);
}
