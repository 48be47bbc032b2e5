/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm: what the files of the module share. (The ABI is
 * uapi/linux/svshm.h, the library's API lib/svshm.h.)
 *
 * Instances: every segment lives in one table (struct svshm_table), and a
 * table is an instance: svshm_init_table serves /dev/svshm and /proc/svshm
 * (and, on a kernel without SysV IPC, /proc/sysvipc/shm and kernel.shm*:
 * proc.c, sysctl.c), each mount of the svshm filesystem (fs.c) makes one
 * more. A caller reaches a table only through a file of it (the
 * private_data of an open /dev/svshm or DIR/svshm), and a segment through
 * its table.
 *
 * Locking, in the order taken (never the other way round):
 *
 *   mm->mmap_lock  >  svshm_table.rwsem  >  svshm_seg.lock
 *                                        >  svshm_locked_mutex (memlock.c)
 *
 * - mmap_lock is held by the mm core around ->mmap and the vm_ops; the
 *   detach path takes it for reading to walk the VMAs and drops it before
 *   vm_munmap(). Nothing in svshm copies to or from user memory while
 *   holding a table's rwsem or a segment's lock, since a fault there takes
 *   mmap_lock and would invert the order.
 * - svshm_table.rwsem serialises whatever changes the set of segments of
 *   that table or a key: create, IPC_RMID, destroy, IPC_SET, SHM_LOCK;
 *   readers hold it for walks (IPC_INFO, SHM_INFO, the listing). No path
 *   holds two tables' rwsems.
 * - svshm_seg.lock protects the mutable fields of one segment (below).
 * - Lookups by id or key run under RCU only and never block on another
 *   segment; a segment is freed after a grace period (see
 *   svshm_seg_release()) once its last reference is gone. IPC_STAT,
 *   SHM_STAT and the shmget of a key in use take no reference at all (see
 *   struct svshm_seg).
 *
 * Lifetimes: an open file of an instance pins its superblock (or, for
 * /dev/svshm, the module), which holds the table; every segment holds a
 * reference on its table and one on the module, so that neither an
 * unmount nor an unload can free what a segment still needs, and rmmod is
 * refused while any segment exists (its data is not the module's to
 * throw away); every attach file holds a reference on its segment.
 */
#ifndef _SVSHM_INTERNAL_H
#define _SVSHM_INTERNAL_H

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/rwsem.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include <linux/svshm.h>

/* The names native uses in ipc/shm.c, which no kernel header exports. */
#define SHM_DEST	SVSHM_MODE_DEST
#define SHM_LOCKED	SVSHM_MODE_LOCKED

/* Native's id layout: index in the low 15 bits, sequence above them. */
#define SVSHM_IDX_BITS		15
#define SVSHM_IDX_MAX		32768	/* 1 << SVSHM_IDX_BITS, native IPCMNI */
#define SVSHM_SEQ_MAX		(INT_MAX >> SVSHM_IDX_BITS)	/* never reached */

/**
 * struct svshm_limits - native's sysctls, per instance
 * @shmmax: kernel.shmmax, the largest segment in bytes
 * @shmall: kernel.shmall, pages in all segments together
 * @shmmni: kernel.shmmni, most segments at once (0 to SVSHM_IDX_MAX)
 * @rmid_forced: kernel.shm_rmid_forced
 *
 * Written with WRITE_ONCE() by a module parameter (the initial instance)
 * or a remount (the others), read with READ_ONCE(): as native's sysctls,
 * a change applies to the calls that start after it.
 */
struct svshm_limits {
	unsigned long shmmax;
	unsigned long shmall;
	int shmmni;
	bool rmid_forced;
};

/*
 * Native's defaults (ipc/shm.c, include/uapi/linux/shm.h): the initial
 * instance's at load, and every new instance's, as a new IPC namespace's.
 */
#define SVSHM_LIMITS_NATIVE { .shmmax = SHMMAX, .shmall = SHMALL, .shmmni = SHMMNI }

/**
 * struct svshm_table - one instance: every segment of it, and its limits
 * @rwsem: held for writing to add or remove a segment, to change a key or
 *	the counters; for reading to walk the segments consistently
 * @segs: index -> segment; stores under @rwsem, loads under RCU
 * @keys: key -> segment for keyed segments not yet removed; under @rwsem
 * @seq: the sequence part of the next id; under @rwsem
 * @next_idx: where the cyclic index allocation goes on; under @rwsem
 * @last_idx: the index given last, -1 before the first; under @rwsem
 * @next_id: native's kernel.shm_next_id: the id the next segment asks
 *	for, -1 for none; written at any time (WRITE_ONCE()), taken and set
 *	back to -1 in one xchg() by svshm_table_add_locked()
 * @in_use: number of segments listed; under @rwsem
 * @tot_pages: pages of all listed segments (the shmall count); under @rwsem
 * @limits: see struct svshm_limits
 * @user_ns: where the capabilities count (the mounter's); set at creation
 * @ref: one for the instance's superblock (or the module, for the initial
 *	table), one for each segment
 */
struct svshm_table {
	struct rw_semaphore rwsem;
	struct xarray segs;
	struct rhashtable keys;
	int seq;
	u32 next_idx;
	int last_idx;
	int next_id;
	int in_use;
	unsigned long tot_pages;
	struct svshm_limits limits;
	struct user_namespace *user_ns;
	struct kref ref;
};

/**
 * struct svshm_seg - one shared memory segment
 *
 * Lifecycle: created by svshm_seg_create() (segment.c) with one reference, owned by the
 * table while the segment is listed there; it holds its @table and the
 * module until it is freed. Every attach file (one per
 * attachment, shared by the VMAs forked or split from it) holds one more
 * reference through its private_data, so the segment outlives its last
 * VMA. @idle holds up to one attach file per mode (read-only, read-write)
 * that no VMA uses any more, kept for the next shmat (attach.c says why);
 * it goes when the segment is destroyed, since its file holds the segment.
 * svshm_seg_destroy_locked() unlists the segment, lets @idle go and
 * drops the table's reference; the last svshm_seg_put() frees it after an
 * RCU grace period, so that lock-free lookups may still look at it.
 *
 * @table, @size, @shm_file, @cuid, @cgid and @cpid are set before the segment
 * is listed and never change; @id is -1 when it is listed, and set once,
 * under the rwsem, when it is complete (svshm_table_add_locked()): lookups
 * take no segment whose id is -1. @khash changes only under the table's rwsem;
 * @key, @uid and @gid under the rwsem and @lock both (so either is enough
 * to read them). @lock protects everything else.
 *
 * @destroyed is set under the rwsem and @lock, in the same @lock section
 * that sees @nattch at 0, before svshm_seg_destroy_locked() unlists the
 * segment; attach.c checks it in the @lock section that counts a new
 * attachment (svshm_seg_open()). So an attach either is counted first, and
 * the segment lives on, or fails with EIDRM: it never maps a segment that
 * is being unlisted. shmat() holds a count across its whole mmap (native's
 * do_shmat() does the same), so @nattch may exceed the VMAs for a while.
 *
 * Reading without a reference (IPC_STAT, SHM_STAT, shmget of a key in use):
 * a segment found in the table under rcu_read_lock() may be read under
 * @lock until rcu_read_unlock(), with no kref taken, because:
 * - its memory outlives the RCU section: the table's reference is dropped
 *   only after the segment is unlisted (svshm_seg_destroy_locked()), and
 *   the last reference frees it with kfree_rcu() or call_rcu(), whose
 *   grace period waits for every section that could have found it listed;
 * - while @destroyed is false under @lock, the table's reference is still
 *   held (it is set, under @lock, before that reference is dropped), so
 *   what the last put releases at once, without waiting for RCU
 *   (@shm_file, @cpid, @lpid), is still there; @lpid is replaced only under
 *   @lock, its old pid put in the same section. Once @destroyed is true
 *   only the plain fields may be read: the reader answers EIDRM.
 */
struct svshm_seg {
	struct svshm_table *table;
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
	struct file *idle[2];		/* [write]: referenced; NULL once destroyed */

	struct kref ref;
	struct rcu_head rcu;
};

/**
 * struct svshm_attachment - private_data of an attach file (attach.c)
 * @seg: the segment, referenced
 * @vm_ops: the operations shmem installed, to forward faults to
 * @nvma: the VMAs that use the file; under @seg->lock
 *
 * @seg is set before the file is published. @vm_ops is written by each
 * svshm_attach_mmap() of the file, before the VMA is visible, always with
 * the same value: shmem's vm_ops do not change for a file.
 */
struct svshm_attachment {
	struct svshm_seg *seg;
	const struct vm_operations_struct *vm_ops;
	unsigned int nvma;
};

static inline struct svshm_attachment *svshm_file_att(struct file *file)
{
	return file->private_data;
}

static inline struct svshm_attachment *svshm_vma_att(struct vm_area_struct *vma)
{
	return svshm_file_att(vma->vm_file);
}

/*
 * A snapshot of the permission record, for checks outside the lock, with
 * the user namespace in which the capabilities count (the table's).
 */
struct svshm_perm {
	kuid_t uid, cuid;
	kgid_t gid, cgid;
	umode_t mode;
	struct user_namespace *ns;
};

/* Pages of a segment of @size bytes (what shmall and SHM_LOCK count). */
static inline unsigned long svshm_size_pages(size_t size)
{
	return (size >> PAGE_SHIFT) + ((size & ~PAGE_MASK) != 0);
}

/*
 * Listed and complete: a segment being added is in the table with id -1
 * until svshm_table_add_locked() gives it one, and no lookup takes it.
 */
static inline bool svshm_seg_listed(const struct svshm_seg *seg)
{
	return READ_ONCE(seg->id) >= 0;
}

/* table.c */
extern struct svshm_table svshm_init_table;

struct svshm_table *svshm_table_create(struct user_namespace *user_ns,
				       const struct svshm_limits *limits);
void svshm_table_shutdown(struct svshm_table *table);
void svshm_table_put(struct svshm_table *table);
int svshm_init_table_setup(void);
void svshm_init_table_exit(void);
void svshm_table_lock(struct svshm_table *table, bool write);
void svshm_table_unlock(struct svshm_table *table, bool write);
struct svshm_seg *svshm_seg_find_rcu(struct svshm_table *table, int id);
struct svshm_seg *svshm_seg_find_index_rcu(struct svshm_table *table, int idx);
struct svshm_seg *svshm_table_find_key(struct svshm_table *table, key_t key);
struct svshm_seg *svshm_table_find_locked(struct svshm_table *table, int id);
struct svshm_seg *svshm_table_next_locked(struct svshm_table *table,
					  unsigned long *idx);
int svshm_table_add_locked(struct svshm_seg *seg);
void svshm_table_unkey_locked(struct svshm_seg *seg);
void svshm_table_remove_locked(struct svshm_seg *seg);
int svshm_table_max_index_locked(struct svshm_table *table);
void svshm_table_usage_locked(struct svshm_table *table, struct shm_info *info);
void svshm_table_set_limits(struct svshm_table *table,
			    const struct svshm_limits *limits);

/* segment.c */
int svshm_seg_create(struct svshm_table *table, key_t key, size_t size,
		     int flags);
struct svshm_seg *svshm_seg_get_by_id(struct svshm_table *table, int id);
void svshm_seg_put(struct svshm_seg *seg);
void svshm_seg_destroy_locked(struct svshm_seg *seg);
void svshm_seg_rmid_locked(struct svshm_seg *seg);
void svshm_seg_maybe_destroy(struct svshm_seg *seg);
void svshm_seg_destroy_orphans(struct svshm_table *table);

/* get.c */
int svshm_get(struct svshm_table *table, key_t key, size_t size, int flags);

/* perm.c */
void svshm_perm_snapshot(struct svshm_seg *seg, struct svshm_perm *p);
int svshm_perm_access(const struct svshm_perm *p, int acc_mode);
int svshm_perm_owner(const struct svshm_perm *p);
int svshm_perm_lock(struct svshm_seg *seg, int cmd);
bool svshm_perm_memlock_unlimited(void);
int svshm_perm_hugetlb(void);

/* attach.c */
int svshm_mmap(struct file *filp, struct vm_area_struct *vma);
unsigned long svshm_get_unmapped_area(struct file *filp, unsigned long addr,
				      unsigned long len, unsigned long pgoff,
				      unsigned long flags);
long svshm_attach(struct svshm_table *table, int id, int flags,
		  unsigned long *addr);
long svshm_detach(unsigned long addr);

/* ctl.c */
long svshm_ctl(struct svshm_table *table, int id, int cmd, void __user *buf);
long svshm_ctl_stat(struct svshm_table *table, int id, int cmd,
		    struct shmid64_ds *ds);
long svshm_ctl_down(struct svshm_table *table, int id, int cmd,
		    const struct shmid64_ds *ds);
long svshm_ctl_lock(struct svshm_table *table, int id, int cmd);
int svshm_ctl_limits(struct svshm_table *table, struct shminfo64 *limits);
int svshm_ctl_usage(struct svshm_table *table, struct shm_info *usage);

/* ctl_compat.c, built with CONFIG_COMPAT alone */
long svshm_ctl_compat(struct svshm_table *table, int id, int cmd,
		      void __user *buf);

/* memlock.c */
int svshm_memlock_lock_locked(struct svshm_seg *seg);
void svshm_memlock_unlock_locked(struct svshm_seg *seg);
void svshm_memlock_rescue(struct svshm_seg *seg);
void svshm_memlock_exit(void);

/* huge.c */
int svshm_huge_init(void);
void svshm_huge_exit(void);
struct vfsmount *svshm_shm_mnt(void);

/* main.c: the initial instance's shm_rmid_forced, parameter and sysctl */
int svshm_init_set_rmid_forced(bool on);

/* proc.c */
int svshm_listing_open(struct file *file, struct svshm_table *table);
int svshm_proc_init(void);
void svshm_proc_exit(void);

/* sysctl.c, built where the kernel has no SysV IPC of its own */
#if IS_ENABLED(CONFIG_SYSVIPC)
static inline int svshm_sysctl_init(void)
{
	return 0;
}

static inline void svshm_sysctl_exit(void)
{
}
#else
int svshm_sysctl_init(void);
void svshm_sysctl_exit(void);
#endif

/* ioctl.c */
long svshm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* fs.c */
int svshm_fs_init(void);
void svshm_fs_exit(void);

/*
 * The table of a file of svshm: its private_data, set at open (main.c for
 * /dev/svshm, fs.c for an instance's file); the open file keeps it alive.
 */
static inline struct svshm_table *svshm_file_table(struct file *filp)
{
	return filp->private_data;
}

#endif /* _SVSHM_INTERNAL_H */
