/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm: internal interfaces between the files of the module.
 *
 * Locking, in the order taken (never the other way round):
 *
 *   mm->mmap_lock  >  svshm_table.rwsem  >  svshm_seg.lock
 *
 * - mmap_lock is held by the mm core around ->mmap and the vm_ops; the
 *   detach path takes it for reading to walk the VMAs and drops it before
 *   vm_munmap(). Nothing in svshm copies to or from user memory while
 *   holding the table's rwsem or a segment's lock, since a fault there takes
 *   mmap_lock and would invert the order.
 * - svshm_table.rwsem (see table.c) serialises whatever changes the set of
 *   segments or a key: create, IPC_RMID, destroy, IPC_SET; readers hold it
 *   for walks (IPC_INFO, SHM_INFO, SHM_STAT).
 * - svshm_seg.lock protects the mutable fields of one segment (below).
 * - Lookups by id run under RCU only and never block on another segment;
 *   a segment is freed after a grace period (kfree_rcu) once its last
 *   reference is gone.
 */
#ifndef _SVSHM_H
#define _SVSHM_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>

#include <linux/svshm.h>

/* The names native uses in ipc/shm.c, which no kernel header exports. */
#define SHM_DEST	SVSHM_MODE_DEST
#define SHM_LOCKED	SVSHM_MODE_LOCKED

/* Native's id layout: index in the low 15 bits, sequence above them. */
#define SVSHM_IDX_BITS		15
#define SVSHM_IDX_MAX		32768	/* 1 << SVSHM_IDX_BITS, native IPCMNI */
#define SVSHM_SEQ_MAX		(INT_MAX >> SVSHM_IDX_BITS)

/**
 * struct svshm_seg - one shared memory segment
 *
 * Lifecycle: created by svshm_seg_create() with one reference, owned by the
 * table while the segment is listed there. Every attach file (one per
 * attachment, shared by the VMAs forked or split from it) holds one more
 * reference through its private_data, so the segment outlives its last
 * VMA. svshm_table_destroy() unlists it and drops the table's reference;
 * the last svshm_seg_put() frees it after an RCU grace period, so that
 * lock-free lookups may still look at it.
 *
 * @id, @size, @shm_file, @cuid, @cgid and @cpid are set before the segment
 * is listed and never change. @khash changes only under the table's rwsem,
 * @key under the rwsem and @lock both (so either is enough to read it).
 * @lock protects everything else.
 *
 * @destroyed is set under the rwsem and @lock, in the same @lock section
 * that sees @nattch at 0, before svshm_table_destroy_locked() unlists the
 * segment; attach.c checks it in the @lock section that counts a new
 * attachment (svshm_seg_open()). So an attach either is counted first, and
 * the segment lives on, or fails with EIDRM: it never maps a segment that
 * is being unlisted. shmat() holds a count across its whole mmap (native's
 * do_shmat() does the same), so @nattch may exceed the VMAs for a while.
 */
struct svshm_seg {
	int id;
	key_t key;
	size_t size;
	struct file *shm_file;		/* shmem backing: the pages */
	struct rhash_head khash;	/* in the key hash while keyed */
	kuid_t cuid;
	kgid_t cgid;
	struct pid *cpid;
	kuid_t lock_uid;		/* charged for SHM_LOCK; under the rwsem */

	spinlock_t lock;		/* protects the fields below */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;			/* 0777 | SHM_DEST | SHM_LOCKED */
	bool destroyed;			/* being unlisted: no attach may start */
	unsigned long nattch;		/* VMAs, and shmat() calls under way */
	time64_t atime, dtime, ctime;
	struct pid *lpid;

	struct kref ref;
	struct rcu_head rcu;
};

/* A snapshot of the permission record, for checks outside the lock. */
struct svshm_perm {
	kuid_t uid, cuid;
	kgid_t gid, cgid;
	umode_t mode;
};

/* table.c */
extern unsigned long svshm_shmmax;
extern unsigned long svshm_shmall;
extern int svshm_shmmni;
extern bool svshm_rmid_forced;

int svshm_table_init(void);
void svshm_table_exit(void);
int svshm_get(key_t key, size_t size, int flags);
struct svshm_seg *svshm_seg_get_by_id(int id);
void svshm_seg_put(struct svshm_seg *seg);
void svshm_table_lock(bool write);
void svshm_table_unlock(bool write);
struct svshm_seg *svshm_table_find_locked(int id);
struct svshm_seg *svshm_table_find_index_locked(int idx);
struct svshm_seg *svshm_table_next_locked(unsigned long *idx);
void svshm_table_destroy_locked(struct svshm_seg *seg);
void svshm_table_unkey_locked(struct svshm_seg *seg);
int svshm_table_max_index_locked(void);
void svshm_table_usage_locked(struct shm_info *info);
void svshm_seg_maybe_destroy(struct svshm_seg *seg);
void svshm_table_destroy_orphans(void);

/* perm.c */
void svshm_perm_snapshot(struct svshm_seg *seg, struct svshm_perm *p);
int svshm_perm_access(const struct svshm_perm *p, int acc_mode);
int svshm_perm_owner(const struct svshm_perm *p);

/* attach.c */
int svshm_mmap(struct file *filp, struct vm_area_struct *vma);
unsigned long svshm_get_unmapped_area(struct file *filp, unsigned long addr,
				      unsigned long len, unsigned long pgoff,
				      unsigned long flags);
long svshm_attach(int id, int flags, unsigned long *addr);
long svshm_detach(unsigned long addr);

/* ctl.c */
long svshm_ctl(int id, int cmd, void __user *buf);

/* lock.c */
long svshm_ctl_lock(int id, int cmd);
void svshm_seg_unlock_locked(struct svshm_seg *seg);
void svshm_lock_exit(void);

/* huge.c */
int svshm_huge_init(void);
void svshm_huge_exit(void);
struct vfsmount *svshm_shm_mnt(void);

/* proc.c */
int svshm_proc_init(void);
void svshm_proc_exit(void);

/* ioctl.c */
long svshm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

#endif /* _SVSHM_H */
