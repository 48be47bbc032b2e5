/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm: the shims between the kernels svshm builds for, from 6.1 to the
 * newest. Nothing else in the module knows which kernel it is built for.
 *
 * It uses internal.h's types and never the other way round.
 *
 * Each SVSHM_HAVE_* comes from Kbuild, which compiles module/probes/NAME.c
 * against the target tree (see Kbuild): the code branches on what the
 * kernel has, never on version numbers, which distributions' backports
 * make lie.
 */
#ifndef _SVSHM_COMPAT_H
#define _SVSHM_COMPAT_H

#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shm.h>
#include <linux/shmem_fs.h>
#include <linux/sysctl.h>
#include <asm/shmparam.h>
#ifdef SVSHM_HAVE_HEX_H
#include <linux/hex.h>
#else
#include <linux/kernel.h>
#endif
#ifdef SVSHM_HAVE_FOLIO_BATCH_H
#include <linux/folio_batch.h>
#else
#include <linux/pagevec.h>
#endif

#include "internal.h"

/* vm_flags are read-only behind helpers since 6.3. */
static inline void svshm_vm_flags_clear(struct vm_area_struct *vma,
					vm_flags_t flags)
{
#ifdef SVSHM_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/*
 * Let @file's filesystem set up @vma, as native's shm_mmap() does with the
 * shmem file. shmem has only ->mmap_prepare on newer kernels: vfs_mmap()
 * serves either hook; before it, call_mmap() served the only one.
 */
static inline int svshm_vfs_mmap(struct file *file, struct vm_area_struct *vma)
{
#ifdef SVSHM_HAVE_VFS_MMAP
	return vfs_mmap(file, vma);
#else
	return call_mmap(file, vma);
#endif
}

#ifdef CONFIG_NUMA
/*
 * An attachment's vm_ops->get_policy: shmem's, as native's
 * shm_get_policy(); without one, the VMA's own policy. The hook gained an
 * interleave index (6.7).
 */
#ifdef SVSHM_HAVE_GET_POLICY_ILX
static inline struct mempolicy *
svshm_vm_get_policy(struct vm_area_struct *vma, unsigned long addr, pgoff_t *ilx)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vma)->vm_ops;

	if (!ops->get_policy)
		return vma->vm_policy;
	return ops->get_policy(vma, addr, ilx);
}
#else
static inline struct mempolicy *
svshm_vm_get_policy(struct vm_area_struct *vma, unsigned long addr)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vma)->vm_ops;

	if (!ops->get_policy)
		return vma->vm_policy;
	return ops->get_policy(vma, addr);
}
#endif
#endif

/*
 * How to free after a grace period. Where the slab has sheaves,
 * kfree_rcu() batches per CPU and costs least; before them it drained its
 * batches from workqueue items, and call_rcu() with a callback that
 * kfree()s, as native frees a segment, was faster on a create-and-remove
 * loop on 6.12 (make bench). A kernel whose slab has
 * sheaves but not yet for kmalloc's caches takes kfree_rcu()'s older path:
 * a few per cent on that loop, nothing else.
 */
static inline bool svshm_kfree_rcu_is_fastest(void)
{
#ifdef SVSHM_HAVE_SLAB_SHEAVES
	return true;
#else
	return false;
#endif
}

/*
 * A shmem file for a segment, on @mnt (svshm's own tmpfs mount) or, for
 * NULL, on shmem's internal one, made as native's newseg() makes it with
 * shmem_kernel_file_setup(), which 6.1 does not export:
 * - always charged against the commit limit. Native skips the charge for
 *   SHM_NORESERVE unless vm.overcommit_memory is 2 (never); a module
 *   cannot read that sysctl, and skipping it there would let any caller
 *   past the limit, so svshm never skips it (README, "Differences");
 * - its inode S_PRIVATE, which the LSMs' inode hooks pass over: a segment
 *   is the IPC object's to guard, not a file's, so an attach is refused or
 *   allowed as native's is, whatever label a tmpfs file would carry.
 */
static inline struct file *svshm_shmem_file_setup(struct vfsmount *mnt,
						  const char *name, loff_t size)
{
#ifdef SVSHM_HAVE_SHMEM_SETUP_VMA_FLAGS
	vma_flags_t flags = EMPTY_VMA_FLAGS;
#else
	unsigned long flags = 0;
#endif
	struct file *file;

	if (mnt)
		file = shmem_file_setup_with_mnt(mnt, name, size, flags);
	else
		file = shmem_file_setup(name, size, flags);
	/* Before anyone else can see the inode: no lock needed against them. */
	if (!IS_ERR(file))
		file_inode(file)->i_flags |= S_PRIVATE;
	return file;
}

/* A new inode's times: now. They moved behind accessors in 6.6 and 6.7. */
static inline void svshm_inode_init_ts(struct inode *inode)
{
#ifdef SVSHM_HAVE_SIMPLE_INODE_INIT_TS
	simple_inode_init_ts(inode);
#else
	struct timespec64 now = current_time(inode);

	inode->i_atime = now;
	inode->i_mtime = now;
	inode->i_ctime = now;
#endif
}

/*
 * A file of a filesystem that makes its tree at mount (fs.c): the dentry
 * lives as long as the superblock. Before 6.19 an extra reference pinned
 * it, dropped by kill_litter_super(); since, the dentry is marked
 * persistent and kill_anon_super() drops it.
 */
static inline void svshm_d_add_persistent(struct dentry *dentry,
					  struct inode *inode)
{
#ifdef SVSHM_HAVE_D_MAKE_PERSISTENT
	d_make_persistent(dentry, inode);
	dput(dentry);
#else
	d_add(dentry, inode);
#endif
}

static inline void svshm_kill_persistent_super(struct super_block *sb)
{
#ifdef SVSHM_HAVE_D_MAKE_PERSISTENT
	kill_anon_super(sb);
#else
	kill_litter_super(sb);
#endif
}

/*
 * Is the caller one that native's compat system calls serve, a 32-bit
 * task of a 64-bit kernel? Those get ctl_compat.c's layouts and
 * COMPAT_SHMLBA. x32's tasks come through the compat ioctl too, but their
 * shmctl(2) and shmat(2) are the 64-bit ones: they are served as 64-bit
 * callers, as native serves them. Only x86 has x32, and a probe, not the
 * architecture, says whether this kernel can tell.
 */
static inline bool svshm_compat_caller(void)
{
	if (!IS_ENABLED(CONFIG_COMPAT) || !in_compat_syscall())
		return false;
#ifdef SVSHM_HAVE_IN_X32_SYSCALL
	return !in_x32_syscall();
#else
	return true;
#endif
}

/*
 * The alignment native's shmat() asks of an attach address: SHMLBA, or,
 * for a 32-bit caller where the architecture has one of its own,
 * COMPAT_SHMLBA (ipc/syscall.c's compat path).
 */
static inline unsigned long svshm_shmlba(void)
{
#ifdef SVSHM_HAVE_COMPAT_SHMLBA
	if (svshm_compat_caller())
		return COMPAT_SHMLBA;
#endif
	return SHMLBA;
}

/*
 * Whether an attach address off that alignment, without SHM_RND, fails:
 * always where the architecture forces SHMLBA (its data caches alias),
 * else only when it is not page-aligned, as in native's do_shmat().
 */
static inline bool svshm_shmlba_refused(unsigned long addr)
{
#ifdef SVSHM_HAVE_FORCE_SHMLBA
	return true;
#else
	return addr & ~PAGE_MASK;
#endif
}

/* A sysctl's handler takes its table const since 6.11. */
#ifdef SVSHM_HAVE_CTL_HANDLER_CONST
#define SVSHM_CTL_CONST const
#else
#define SVSHM_CTL_CONST
#endif

/*
 * Register the sysctl @table of @n entries, which an empty one follows:
 * the sentinel that ended a table before 6.6 and that 6.11 refuses, so
 * a kernel that takes the size is not shown it.
 */
static inline struct ctl_table_header *
svshm_register_sysctl(const char *path, struct ctl_table *table, size_t n)
{
#ifdef SVSHM_HAVE_REGISTER_SYSCTL_SZ
	return register_sysctl_sz(path, table, n);
#else
	return register_sysctl(path, table);
#endif
}

#endif /* _SVSHM_COMPAT_H */
