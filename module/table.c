// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the segment table: ids, keys, limits, creation and destruction.
 *
 * The table is the one place that changes the set of segments, always
 * under svshm_table.rwsem held for writing. It holds:
 * - an xarray from index to segment, read under RCU; an id is
 *   index + (sequence << 15) as native's, the index picked cyclically below
 *   max(in_use * 3 / 2, 64) as native's ipc_idr_alloc() does, and the
 *   sequence moved on each time the index goes back, so that a removed id
 *   is not handed out again soon;
 * - an rhashtable from key to segment, holding only keyed, live segments;
 * - the usage counters that the limits are checked against.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/ipc.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "compat.h"
#include "svshm.h"

/* Native's defaults (ipc/shm.c, include/uapi/linux/shm.h). */
unsigned long svshm_shmmax = SHMMAX;
unsigned long svshm_shmall = SHMALL;
int svshm_shmmni = SHMMNI;
bool svshm_rmid_forced;

/**
 * struct svshm_table - every segment
 * @rwsem: held for writing to add or remove a segment, to change a key or
 *	the counters; for reading to walk the segments consistently
 * @segs: index -> segment; stores under @rwsem, loads under RCU
 * @keys: key -> segment for keyed segments not yet removed; under @rwsem
 * @seq: the sequence part of the next id; under @rwsem
 * @next_idx: where the cyclic index allocation goes on; under @rwsem
 * @last_idx: the index given last, -1 before the first; under @rwsem
 * @in_use: number of segments listed; under @rwsem
 * @tot_pages: pages of all listed segments (the shmall count); under @rwsem
 */
static struct svshm_table {
	struct rw_semaphore rwsem;
	struct xarray segs;
	struct rhashtable keys;
	int seq;
	u32 next_idx;
	int last_idx;
	int in_use;
	unsigned long tot_pages;
} svshm_table = {
	.rwsem = __RWSEM_INITIALIZER(svshm_table.rwsem),
	.segs = XARRAY_INIT(svshm_table.segs, XA_FLAGS_ALLOC),
	.last_idx = -1,
};

/* Native's ipc_min_cycle: the index cycles over at least this many. */
#define SVSHM_MIN_CYCLE	64

static const struct rhashtable_params svshm_key_params = {
	.head_offset = offsetof(struct svshm_seg, khash),
	.key_offset = offsetof(struct svshm_seg, key),
	.key_len = sizeof(key_t),
	.automatic_shrinking = true,
};

static inline int svshm_idx(int id)
{
	return id & (SVSHM_IDX_MAX - 1);
}

static inline unsigned long svshm_pages(size_t size)
{
	return (size >> PAGE_SHIFT) + ((size & ~PAGE_MASK) != 0);
}

void svshm_table_lock(bool write)
{
	if (write)
		down_write(&svshm_table.rwsem);
	else
		down_read(&svshm_table.rwsem);
}

void svshm_table_unlock(bool write)
{
	if (write)
		up_write(&svshm_table.rwsem);
	else
		up_read(&svshm_table.rwsem);
}

static void svshm_seg_free_rcu(struct kref *ref)
{
	struct svshm_seg *seg = container_of(ref, struct svshm_seg, ref);

	fput(seg->shm_file);
	put_pid(seg->cpid);
	put_pid(seg->lpid);
	kfree_rcu(seg, rcu);
}

void svshm_seg_put(struct svshm_seg *seg)
{
	kref_put(&seg->ref, svshm_seg_free_rcu);
}

/**
 * svshm_seg_get_by_id() - find a listed segment by id and take a reference
 * @id: the id; its sequence must match the segment's
 *
 * Lock-free: it never waits for the table or for another segment.
 * Return: the segment, or NULL if no listed segment has this id.
 */
struct svshm_seg *svshm_seg_get_by_id(int id)
{
	struct svshm_seg *seg;

	if (id < 0)
		return NULL;
	rcu_read_lock();
	seg = xa_load(&svshm_table.segs, svshm_idx(id));
	if (seg && (seg->id != id || !kref_get_unless_zero(&seg->ref)))
		seg = NULL;
	rcu_read_unlock();
	return seg;
}

/* Caller holds the rwsem; the segment stays valid until it drops it. */
struct svshm_seg *svshm_table_find_locked(int id)
{
	struct svshm_seg *seg;

	if (id < 0)
		return NULL;
	seg = xa_load(&svshm_table.segs, svshm_idx(id));
	return seg && seg->id == id ? seg : NULL;
}

/* The first segment at or above *@idx, which it updates; for listings. */
struct svshm_seg *svshm_table_next_locked(unsigned long *idx)
{
	return xa_find(&svshm_table.segs, idx, SVSHM_IDX_MAX - 1, XA_PRESENT);
}

/* SHM_STAT's lookup: only the index bits count, as native's ipcid_to_idx(). */
struct svshm_seg *svshm_table_find_index_locked(int idx)
{
	if (idx < 0)
		return NULL;
	return xa_load(&svshm_table.segs, svshm_idx(idx));
}

/*
 * The highest index in use, -1 if none, for IPC_INFO and SHM_INFO. Found
 * when asked, in one pass over the segments: keeping it up to date would
 * cost a walk down the index space on every removal of the highest one,
 * and with cyclic ids that is almost every removal.
 */
int svshm_table_max_index_locked(void)
{
	struct svshm_seg *seg;
	unsigned long idx;
	int max = -1;

	xa_for_each(&svshm_table.segs, idx, seg)
		max = idx;
	return max;
}

/* SHM_INFO's counters, as native's shm_get_stat() counts them. */
void svshm_table_usage_locked(struct shm_info *info)
{
	struct svshm_seg *seg;
	unsigned long idx;

	info->used_ids = svshm_table.in_use;
	info->shm_tot = svshm_table.tot_pages;
	xa_for_each(&svshm_table.segs, idx, seg) {
		struct inode *inode = file_inode(seg->shm_file);
		struct shmem_inode_info *si = SHMEM_I(inode);

		spin_lock_irq(&si->lock);
		info->shm_rss += inode->i_mapping->nrpages;
		info->shm_swp += si->swapped;
		spin_unlock_irq(&si->lock);
	}
}

/* Make a removed-while-attached segment private: its key finds it no more. */
void svshm_table_unkey_locked(struct svshm_seg *seg)
{
	if (seg->key == IPC_PRIVATE)
		return;
	rhashtable_remove_fast(&svshm_table.keys, &seg->khash, svshm_key_params);
	spin_lock(&seg->lock);
	seg->key = IPC_PRIVATE;
	spin_unlock(&seg->lock);
}

/**
 * svshm_table_destroy_locked() - unlist a segment and drop the table's ref
 * @seg: a listed segment the caller has marked destroyed
 *
 * Caller holds the rwsem for writing, and has set @seg->destroyed in the
 * same @seg->lock section in which it saw nattch at 0 (see struct
 * svshm_seg). Pages live on as long as some attach file (of a VMA being
 * torn down) still holds the segment.
 */
void svshm_table_destroy_locked(struct svshm_seg *seg)
{
	int idx = svshm_idx(seg->id);

	svshm_table_unkey_locked(seg);
	svshm_seg_unlock_locked(seg);
	xa_erase(&svshm_table.segs, idx);
	svshm_table.in_use--;
	svshm_table.tot_pages -= svshm_pages(seg->size);
	svshm_seg_put(seg);
}

/*
 * Mark @seg destroyed if it has no attachment and is removed (or
 * shm_rmid_forced is on). Caller holds the rwsem for writing and @seg->lock.
 */
static bool svshm_seg_doom_locked(struct svshm_seg *seg)
{
	lockdep_assert_held_write(&svshm_table.rwsem);
	lockdep_assert_held(&seg->lock);
	if (seg->destroyed || seg->nattch ||
	    !(READ_ONCE(svshm_rmid_forced) || (seg->mode & SHM_DEST)))
		return false;
	seg->destroyed = true;
	return true;
}

/**
 * svshm_seg_maybe_destroy() - destroy a segment whose last attachment went
 * @seg: the segment, referenced by the caller
 *
 * Called after the nattch count dropped to 0 without the table lock held
 * (the detach fast path takes only the segment's lock). A new attach may
 * have come in the meantime, so the state is checked again under both.
 */
void svshm_seg_maybe_destroy(struct svshm_seg *seg)
{
	bool destroy;

	down_write(&svshm_table.rwsem);
	spin_lock(&seg->lock);
	destroy = svshm_seg_doom_locked(seg);
	spin_unlock(&seg->lock);
	if (destroy)
		svshm_table_destroy_locked(seg);
	up_write(&svshm_table.rwsem);
}

/*
 * Native's shm_destroy_orphaned(), run when shm_rmid_forced is turned on:
 * destroy every unattached segment whose creating process is gone. Native
 * tracks the creating task; svshm looks up the creator's process id.
 */
void svshm_table_destroy_orphans(void)
{
	struct svshm_seg *seg;
	unsigned long idx;
	bool orphan;

	down_write(&svshm_table.rwsem);
	xa_for_each(&svshm_table.segs, idx, seg) {
		rcu_read_lock();
		orphan = !pid_task(seg->cpid, PIDTYPE_PID);
		rcu_read_unlock();
		spin_lock(&seg->lock);
		orphan = orphan && seg->nattch == 0;
		if (orphan)
			seg->destroyed = true;
		spin_unlock(&seg->lock);
		if (orphan)
			svshm_table_destroy_locked(seg);
	}
	up_write(&svshm_table.rwsem);
}

/* Add @seg to the table and give it an id. Caller holds the rwsem. */
static int svshm_table_add_locked(struct svshm_seg *seg)
{
	int cycle = max(svshm_table.in_use * 3 / 2, SVSHM_MIN_CYCLE);
	u32 idx;
	int ret;

	if (svshm_table.in_use >= min(READ_ONCE(svshm_shmmni), SVSHM_IDX_MAX))
		return -ENOSPC;
	/* Reserve the index first: readers must see a complete segment. */
	ret = xa_alloc_cyclic(&svshm_table.segs, &idx, NULL,
			      XA_LIMIT(0, min(cycle, SVSHM_IDX_MAX) - 1),
			      &svshm_table.next_idx, GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;
	if ((int)idx <= svshm_table.last_idx && ++svshm_table.seq > SVSHM_SEQ_MAX)
		svshm_table.seq = 0;
	svshm_table.last_idx = idx;
	seg->id = idx + (svshm_table.seq << SVSHM_IDX_BITS);
	/* What /proc/<pid>/maps shows as the inode: native's ps tools use it. */
	file_inode(seg->shm_file)->i_ino = seg->id;

	if (seg->key != IPC_PRIVATE) {
		ret = rhashtable_insert_fast(&svshm_table.keys, &seg->khash,
					     svshm_key_params);
		if (ret) {
			/* The key is new (looked up under the rwsem): no memory. */
			xa_erase(&svshm_table.segs, idx);
			return -ENOMEM;
		}
	}
	xa_store(&svshm_table.segs, idx, seg, GFP_KERNEL);
	svshm_table.in_use++;
	svshm_table.tot_pages += svshm_pages(seg->size);
	return 0;
}

/* Native's newseg(): the checks in its order, then a shmem file. */
static int svshm_seg_create(key_t key, size_t size, int flags)
{
	unsigned long numpages = svshm_pages(size);
	unsigned long tot = svshm_table.tot_pages;
	const struct cred *cred = current_cred();
	struct svshm_seg *seg;
	char name[16];
	int ret;

	if (size < SHMMIN || size > READ_ONCE(svshm_shmmax))
		return -EINVAL;
	if (numpages << PAGE_SHIFT < size)
		return -ENOSPC;
	if (tot + numpages < tot || tot + numpages > READ_ONCE(svshm_shmall))
		return -ENOSPC;
	/*
	 * hugetlb_file_setup() is not exported to modules: svshm cannot back a
	 * segment with huge pages, and says so rather than hand out small ones,
	 * with native's errno for a caller without huge pages: EPERM without
	 * CAP_IPC_LOCK (native also admits vm.hugetlb_shm_group, and, obsolete,
	 * a large enough RLIMIT_MEMLOCK), else ENOMEM (none reserved).
	 */
	if (flags & SHM_HUGETLB)
		return capable(CAP_IPC_LOCK) ? -ENOMEM : -EPERM;

	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return -ENOMEM;

	snprintf(name, sizeof(name), "SYSV%08x", key);
	seg->shm_file = svshm_shmem_file_setup(svshm_shm_mnt(), name, size,
					       flags & SHM_NORESERVE);
	if (IS_ERR(seg->shm_file)) {
		ret = PTR_ERR(seg->shm_file);
		goto out_free;
	}

	seg->key = key;
	seg->size = size;
	seg->mode = flags & 0777;
	seg->uid = cred->euid;
	seg->cuid = cred->euid;
	seg->gid = cred->egid;
	seg->cgid = cred->egid;
	seg->cpid = get_pid(task_tgid(current));
	seg->ctime = ktime_get_real_seconds();
	spin_lock_init(&seg->lock);
	kref_init(&seg->ref);

	ret = svshm_table_add_locked(seg);
	if (ret)
		goto out_put;
	return seg->id;

out_put:
	put_pid(seg->cpid);
	fput(seg->shm_file);
out_free:
	kfree(seg);
	return ret;
}

/* Native's shm_more_checks() and ipc_check_perms() for an existing key. */
static int svshm_get_existing(struct svshm_seg *seg, size_t size, int flags)
{
	struct svshm_perm perm;
	int ret;

	if ((flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL))
		return -EEXIST;
	if (seg->size < size)
		return -EINVAL;
	svshm_perm_snapshot(seg, &perm);
	ret = svshm_perm_access(&perm, flags & 0777);
	return ret ? ret : seg->id;
}

/**
 * svshm_get() - shmget(2): find or create the segment of a key
 * @key: the key, or IPC_PRIVATE
 * @size: the size asked
 * @flags: shmget's flags
 *
 * Return: the id, or a negative errno in native's order.
 */
int svshm_get(key_t key, size_t size, int flags)
{
	struct svshm_seg *seg = NULL;
	int ret;

	down_write(&svshm_table.rwsem);
	if (key != IPC_PRIVATE)
		seg = rhashtable_lookup_fast(&svshm_table.keys, &key,
					     svshm_key_params);
	if (seg)
		ret = svshm_get_existing(seg, size, flags);
	else if (!(flags & IPC_CREAT) && key != IPC_PRIVATE)
		ret = -ENOENT;
	else
		ret = svshm_seg_create(key, size, flags);
	up_write(&svshm_table.rwsem);
	return ret;
}

int svshm_table_init(void)
{
	return rhashtable_init(&svshm_table.keys, &svshm_key_params);
}

/*
 * Module unload: the module is pinned while any attach file exists, so
 * every segment left has no attachment and only the table's reference.
 */
void svshm_table_exit(void)
{
	struct svshm_seg *seg;
	unsigned long idx;

	down_write(&svshm_table.rwsem);
	xa_for_each(&svshm_table.segs, idx, seg) {
		spin_lock(&seg->lock);
		seg->destroyed = true;
		spin_unlock(&seg->lock);
		svshm_table_destroy_locked(seg);
	}
	up_write(&svshm_table.rwsem);
	rhashtable_destroy(&svshm_table.keys);
	xa_destroy(&svshm_table.segs);
}
