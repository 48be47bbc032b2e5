// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the segment tables: ids, keys, limits, creation and destruction,
 * and the life of a table (an instance, see internal.h).
 *
 * This file is the one place that changes the set of segments of a table,
 * always under its rwsem held for writing. A table holds:
 * - an xarray from index to segment, read under RCU; an id is
 *   index + (sequence << 15) as native's, the index picked cyclically below
 *   max(in_use * 3 / 2, 64) as native's ipc_idr_alloc() does, and the
 *   sequence moved on each time the index goes back, so that a removed id
 *   is not handed out again soon;
 * - an rhashtable from key to segment, holding only keyed, live segments;
 * - the usage counters that the limits are checked against.
 *
 * A table dies as native's IPC namespace does (svshm_table_shutdown(), when
 * its superblock goes): idle segments are destroyed, attached ones removed
 * and destroyed at their last detach; the table itself is freed with its
 * last segment.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/ipc.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "compat.h"
#include "internal.h"

/* The initial instance: /dev/svshm and /proc/svshm, limits from main.c. */
struct svshm_table svshm_init_table = {
	.rwsem = __RWSEM_INITIALIZER(svshm_init_table.rwsem),
	.segs = XARRAY_INIT(svshm_init_table.segs, XA_FLAGS_ALLOC),
	.last_idx = -1,
	.limits = SVSHM_LIMITS_NATIVE,
	.user_ns = &init_user_ns,
	.ref = KREF_INIT(1),
};

/* Native's ipc_min_cycle: the index cycles over at least this many. */
#define SVSHM_MIN_CYCLE	64
#define SVSHM_NAME_LEN	13	/* "SYSV" and eight hex digits */

/* A key is an int: compared as one, not with memcmp(), rhashtable's default. */
static int svshm_key_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct svshm_seg *seg = obj;

	return seg->key != *(const key_t *)arg->key;
}

static const struct rhashtable_params svshm_key_params = {
	.head_offset = offsetof(struct svshm_seg, khash),
	.key_offset = offsetof(struct svshm_seg, key),
	.key_len = sizeof(key_t),
	.obj_cmpfn = svshm_key_cmp,
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

void svshm_table_lock(struct svshm_table *table, bool write)
{
	if (write)
		down_write(&table->rwsem);
	else
		down_read(&table->rwsem);
}

void svshm_table_unlock(struct svshm_table *table, bool write)
{
	if (write)
		up_write(&table->rwsem);
	else
		up_read(&table->rwsem);
}

static void svshm_table_free(struct kref *ref)
{
	struct svshm_table *table = container_of(ref, struct svshm_table, ref);

	/* The initial table's own reference is never dropped. */
	if (WARN_ON_ONCE(table == &svshm_init_table))
		return;
	rhashtable_destroy(&table->keys);
	xa_destroy(&table->segs);
	put_user_ns(table->user_ns);
	kfree(table);
}

/*
 * The last reference goes with the last segment or the superblock, never
 * under the table's own rwsem: a segment's last reference is dropped under
 * it only where the superblock's is still held (see svshm_seg_put()).
 */
void svshm_table_put(struct svshm_table *table)
{
	kref_put(&table->ref, svshm_table_free);
}

/*
 * A segment's memory goes after a grace period. Where the slab has sheaves,
 * kfree_rcu() batches per CPU and costs least; before them it drained its
 * batches from workqueue items, and call_rcu(), as native frees a segment,
 * was 3 to 4 % faster on a create+remove loop on 6.12 (make bench). That
 * callback is the module's code: svshm_exit() waits for it. A kernel whose
 * slab has sheaves but not yet for kmalloc's caches takes kfree_rcu()'s
 * older path: a few per cent on that loop, nothing else.
 */
#ifdef SVSHM_HAVE_SLAB_SHEAVES
static void svshm_seg_free_mem(struct svshm_seg *seg)
{
	kfree_rcu(seg, rcu);
}
#else
static void svshm_seg_free_cb(struct rcu_head *head)
{
	kfree(container_of(head, struct svshm_seg, rcu));
}

static void svshm_seg_free_mem(struct svshm_seg *seg)
{
	call_rcu(&seg->rcu, svshm_seg_free_cb);
}
#endif

static void svshm_seg_free_rcu(struct kref *ref)
{
	struct svshm_seg *seg = container_of(ref, struct svshm_seg, ref);

	fput(seg->shm_file);
	put_pid(seg->cpid);
	put_pid(seg->lpid);
	svshm_table_put(seg->table);
	svshm_seg_free_mem(seg);
	/* Last: this function returns into code of the module it releases. */
	module_put(THIS_MODULE);
}

/*
 * Under a table's rwsem only in svshm_table_destroy_locked(), where an
 * attach file, or the file of the instance that the caller came through
 * (an IPC_RMID, a remount, the shutdown itself), keeps the table alive.
 */
void svshm_seg_put(struct svshm_seg *seg)
{
	kref_put(&seg->ref, svshm_seg_free_rcu);
}

/* Not one being added, whose id is not set yet (svshm_table_add_locked()). */
static inline bool svshm_seg_listed(const struct svshm_seg *seg)
{
	return READ_ONCE(seg->id) >= 0;
}

/* The listed segment of @id or NULL; the caller keeps it valid, see below. */
static struct svshm_seg *svshm_seg_lookup(struct svshm_table *table, int id)
{
	struct svshm_seg *seg;

	if (id < 0)
		return NULL;
	seg = xa_load(&table->segs, svshm_idx(id));
	return seg && READ_ONCE(seg->id) == id ? seg : NULL;
}

/**
 * svshm_seg_get_by_id() - find a listed segment by id and take a reference
 * @table: the instance
 * @id: the id; its sequence must match the segment's
 *
 * Lock-free: it never waits for the table or for another segment.
 * Return: the segment, or NULL if no listed segment has this id.
 */
struct svshm_seg *svshm_seg_get_by_id(struct svshm_table *table, int id)
{
	struct svshm_seg *seg;

	rcu_read_lock();
	seg = svshm_seg_lookup(table, id);
	if (seg && !kref_get_unless_zero(&seg->ref))
		seg = NULL;
	rcu_read_unlock();
	return seg;
}

/* Caller holds the rwsem; the segment stays valid until it drops it. */
struct svshm_seg *svshm_table_find_locked(struct svshm_table *table, int id)
{
	lockdep_assert_held(&table->rwsem);
	return svshm_seg_lookup(table, id);
}

/**
 * svshm_seg_find_rcu() - find a listed segment by id, without a reference
 * @table: the instance
 * @id: the id; its sequence must match the segment's
 *
 * Caller is in an RCU read-side critical section, which keeps the memory
 * of the segment, and nothing more, until it ends: see struct svshm_seg for
 * what may be read and when.
 *
 * Return: the segment, or NULL if no listed segment has this id.
 */
struct svshm_seg *svshm_seg_find_rcu(struct svshm_table *table, int id)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "svshm: lookup outside RCU");
	return svshm_seg_lookup(table, id);
}

/* SHM_STAT's lookup: only the index bits count, as native's ipcid_to_idx(). */
struct svshm_seg *svshm_seg_find_index_rcu(struct svshm_table *table, int idx)
{
	struct svshm_seg *seg;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "svshm: lookup outside RCU");
	if (idx < 0)
		return NULL;
	seg = xa_load(&table->segs, svshm_idx(idx));
	return seg && svshm_seg_listed(seg) ? seg : NULL;
}

/* The first segment at or above *@idx, which it updates; for listings. */
struct svshm_seg *svshm_table_next_locked(struct svshm_table *table,
					  unsigned long *idx)
{
	return xa_find(&table->segs, idx, SVSHM_IDX_MAX - 1, XA_PRESENT);
}

/*
 * The highest index in use, -1 if none, for IPC_INFO and SHM_INFO. Found
 * when asked, in one pass over the segments: keeping it up to date would
 * cost a walk down the index space on every removal of the highest one,
 * and with cyclic ids that is almost every removal.
 */
int svshm_table_max_index_locked(struct svshm_table *table)
{
	struct svshm_seg *seg;
	unsigned long idx;
	int max = -1;

	xa_for_each(&table->segs, idx, seg)
		max = idx;
	return max;
}

/* SHM_INFO's counters, as native's shm_get_stat() counts them. */
void svshm_table_usage_locked(struct svshm_table *table, struct shm_info *info)
{
	struct svshm_seg *seg;
	unsigned long idx;

	info->used_ids = table->in_use;
	info->shm_tot = table->tot_pages;
	xa_for_each(&table->segs, idx, seg) {
		struct inode *inode = file_inode(seg->shm_file);
		struct shmem_inode_info *si = SHMEM_I(inode);

		spin_lock_irq(&si->lock);
		info->shm_rss += inode->i_mapping->nrpages;
		info->shm_swp += si->swapped;
		spin_unlock_irq(&si->lock);
	}
}

/* Make a removed-while-attached segment private: its key finds it no more. */
static void svshm_table_unkey_locked(struct svshm_seg *seg)
{
	if (seg->key == IPC_PRIVATE)
		return;
	rhashtable_remove_fast(&seg->table->keys, &seg->khash, svshm_key_params);
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
	struct svshm_table *table = seg->table;
	struct file *idle[ARRAY_SIZE(seg->idle)];
	unsigned int i;

	/* No attach file is kept once @destroyed is set: let the kept ones go. */
	spin_lock(&seg->lock);
	for (i = 0; i < ARRAY_SIZE(idle); i++) {
		idle[i] = seg->idle[i];
		seg->idle[i] = NULL;
	}
	spin_unlock(&seg->lock);
	/* fput() defers the release, which puts @seg: never under our locks. */
	for (i = 0; i < ARRAY_SIZE(idle); i++)
		if (idle[i])
			fput(idle[i]);
	svshm_table_unkey_locked(seg);
	svshm_seg_unlock_locked(seg);
	xa_erase(&table->segs, svshm_idx(seg->id));
	table->in_use--;
	table->tot_pages -= svshm_pages(seg->size);
	svshm_seg_put(seg);
}

/**
 * svshm_table_rmid_locked() - IPC_RMID: destroy now, or at the last detach
 * @seg: a listed segment
 *
 * Caller holds the rwsem for writing. Native's do_shm_rmid(): an attached
 * segment is marked SHM_DEST and made private; an idle one is destroyed.
 * The mark and the check are one @seg->lock section, so that an attach
 * counted after it finds the segment destroyed.
 */
void svshm_table_rmid_locked(struct svshm_seg *seg)
{
	bool attached;

	spin_lock(&seg->lock);
	attached = seg->nattch;
	if (attached)
		seg->mode |= SHM_DEST;
	else
		seg->destroyed = true;
	spin_unlock(&seg->lock);
	if (attached)
		svshm_table_unkey_locked(seg);
	else
		svshm_table_destroy_locked(seg);
}

/*
 * Mark @seg destroyed if it has no attachment and is removed (or
 * shm_rmid_forced is on). Caller holds the rwsem for writing and @seg->lock.
 */
static bool svshm_seg_doom_locked(struct svshm_seg *seg)
{
	lockdep_assert_held_write(&seg->table->rwsem);
	lockdep_assert_held(&seg->lock);
	if (seg->destroyed || seg->nattch ||
	    !(READ_ONCE(seg->table->limits.rmid_forced) || (seg->mode & SHM_DEST)))
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
	struct svshm_table *table = seg->table;
	bool destroy;

	down_write(&table->rwsem);
	spin_lock(&seg->lock);
	destroy = svshm_seg_doom_locked(seg);
	spin_unlock(&seg->lock);
	if (destroy)
		svshm_table_destroy_locked(seg);
	up_write(&table->rwsem);
}

/*
 * Native's shm_destroy_orphaned(), run when shm_rmid_forced is turned on:
 * destroy every unattached segment whose creating process is gone. Native
 * tracks the creating task; svshm looks up the creator's process id.
 */
void svshm_table_destroy_orphans(struct svshm_table *table)
{
	struct svshm_seg *seg;
	unsigned long idx;
	bool orphan;

	down_write(&table->rwsem);
	xa_for_each(&table->segs, idx, seg) {
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
	up_write(&table->rwsem);
}

/* Add @seg to the table and give it an id. Caller holds the rwsem. */
static int svshm_table_add_locked(struct svshm_seg *seg)
{
	struct svshm_table *table = seg->table;
	int cycle = max(table->in_use * 3 / 2, SVSHM_MIN_CYCLE);
	u32 idx;
	int id, ret;

	if (table->in_use >= min(READ_ONCE(table->limits.shmmni), SVSHM_IDX_MAX))
		return -ENOSPC;
	/*
	 * Stored once, complete but for its id, which the index decides; while
	 * the id is -1 no lookup takes the segment (by id it matches no id, by
	 * index or by key it counts as absent, see svshm_seg_listed()), so
	 * nobody can be using it if the key cannot be added. One store, where
	 * reserving the index and storing after took two.
	 */
	seg->id = -1;
	ret = xa_alloc_cyclic(&table->segs, &idx, seg,
			      XA_LIMIT(0, min(cycle, SVSHM_IDX_MAX) - 1),
			      &table->next_idx, GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;
	if (seg->key != IPC_PRIVATE) {
		ret = rhashtable_insert_fast(&table->keys, &seg->khash,
					     svshm_key_params);
		if (ret) {
			/*
			 * The key is new (looked up under the rwsem): no
			 * memory. A lookup may still be looking at @seg: the
			 * caller frees it after a grace period.
			 */
			xa_erase(&table->segs, idx);
			return -ENOMEM;
		}
	}
	/* As native's ipc_idr_alloc(): the sequence never reaches its max. */
	if ((int)idx <= table->last_idx && ++table->seq >= SVSHM_SEQ_MAX)
		table->seq = 0;
	table->last_idx = idx;
	id = idx + (table->seq << SVSHM_IDX_BITS);
	/* What /proc/<pid>/maps shows as the inode: native's ps tools use it. */
	file_inode(seg->shm_file)->i_ino = id;
	WRITE_ONCE(seg->id, id);
	table->in_use++;
	table->tot_pages += svshm_pages(seg->size);
	return 0;
}

/*
 * Native's name for a segment's file, "SYSV%08x" of the key, which
 * /proc/PID/maps shows: written digit by digit, as snprintf() would
 * after parsing its format, which costs more than the rest of the name.
 */
static void svshm_seg_name(char name[SVSHM_NAME_LEN], key_t key)
{
	u32 k = key;
	int i;

	memcpy(name, "SYSV", 4);
	for (i = SVSHM_NAME_LEN - 2; i >= 4; i--, k >>= 4)
		name[i] = hex_asc[k & 0xf];
	name[SVSHM_NAME_LEN - 1] = '\0';
}

/* Native's newseg(): the checks in its order, then a shmem file. */
static int svshm_seg_create(struct svshm_table *table, key_t key, size_t size,
			    int flags)
{
	unsigned long numpages = svshm_pages(size);
	unsigned long tot = table->tot_pages;
	const struct cred *cred = current_cred();
	struct svshm_seg *seg;
	char name[SVSHM_NAME_LEN];
	int ret;

	if (size < SHMMIN || size > READ_ONCE(table->limits.shmmax))
		return -EINVAL;
	if (numpages << PAGE_SHIFT < size)
		return -ENOSPC;
	if (tot + numpages < tot || tot + numpages > READ_ONCE(table->limits.shmall))
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

	svshm_seg_name(name, key);
	seg->shm_file = svshm_shmem_file_setup(svshm_shm_mnt(), name, size);
	if (IS_ERR(seg->shm_file)) {
		ret = PTR_ERR(seg->shm_file);
		goto out_free;
	}

	seg->table = table;
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
	/*
	 * Listed: the segment holds its table and the module until it is
	 * freed. The caller came through a file of the table, which pins
	 * both, so neither can be on its way out.
	 */
	kref_get(&table->ref);
	__module_get(THIS_MODULE);
	return seg->id;

out_put:
	put_pid(seg->cpid);
	fput(seg->shm_file);
out_free:
	/* It may have been listed, under an id no lookup matches. */
	svshm_seg_free_mem(seg);
	return ret;
}

/*
 * Native's shm_more_checks() and ipc_check_perms() for an existing key:
 * the caller holds the segment's lock, or the table's rwsem and a snapshot
 * of @perm. Inline, so that the lockless path checks the fields in place.
 */
static __always_inline int svshm_get_existing(int id, size_t seg_size,
					      const struct svshm_perm *perm,
					      size_t size, int flags)
{
	int ret;

	if ((flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL))
		return -EEXIST;
	if (seg_size < size)
		return -EINVAL;
	ret = svshm_perm_access(perm, flags & 0777);
	return ret ? ret : id;
}

/*
 * shmget() of a key that is in use, without the table's rwsem: the key
 * hash is read under RCU, the segment under its lock, as IPC_STAT reads it
 * (see struct svshm_seg). A segment that is live, keyed with @key and not
 * removed under @seg->lock is the key's segment at that moment, as it
 * would be under the rwsem: IPC_RMID and destruction change those fields
 * under that lock before the key goes. Anything else (no such key, or a
 * segment on its way out) is left to the locked path. The checks run
 * under @seg->lock, as native runs them under the object's: no copy of
 * the permission record, and the path a server's clients take most is a
 * handful of loads.
 *
 * Return: true and the answer in *@ret, or false to take the locked path.
 */
static __always_inline bool svshm_get_lockless(struct svshm_table *table,
					       key_t key, size_t size,
					       int flags, int *ret)
{
	struct svshm_seg *seg;
	bool found = false;

	rcu_read_lock();
	seg = rhashtable_lookup(&table->keys, &key, svshm_key_params);
	if (seg) {
		spin_lock(&seg->lock);
		found = !seg->destroyed && !(seg->mode & SHM_DEST) &&
			seg->key == key && svshm_seg_listed(seg);
		if (found) {
			const struct svshm_perm perm = {
				.uid = seg->uid, .cuid = seg->cuid,
				.gid = seg->gid, .cgid = seg->cgid, .mode = seg->mode,
				.ns = table->user_ns,
			};

			*ret = svshm_get_existing(seg->id, seg->size, &perm,
						  size, flags);
		}
		spin_unlock(&seg->lock);
	}
	rcu_read_unlock();
	return found;
}

/* shmget() under the table's rwsem: create, or a key the lockless path left. */
static noinline int svshm_get_locked(struct svshm_table *table, key_t key,
				     size_t size, int flags)
{
	struct svshm_perm perm;
	struct svshm_seg *seg = NULL;
	int ret;

	down_write(&table->rwsem);
	if (key != IPC_PRIVATE)
		seg = rhashtable_lookup_fast(&table->keys, &key,
					     svshm_key_params);
	if (seg) {
		svshm_perm_snapshot(seg, &perm);
		ret = svshm_get_existing(seg->id, seg->size, &perm, size, flags);
	} else if (!(flags & IPC_CREAT) && key != IPC_PRIVATE) {
		ret = -ENOENT;
	} else {
		ret = svshm_seg_create(table, key, size, flags);
	}
	up_write(&table->rwsem);
	return ret;
}

/**
 * svshm_get() - shmget(2): find or create the segment of a key
 * @table: the instance
 * @key: the key, or IPC_PRIVATE
 * @size: the size asked
 * @flags: shmget's flags
 *
 * Return: the id, or a negative errno in native's order.
 */
int svshm_get(struct svshm_table *table, key_t key, size_t size, int flags)
{
	int ret;

	if (key != IPC_PRIVATE &&
	    svshm_get_lockless(table, key, size, flags, &ret))
		return ret;
	return svshm_get_locked(table, key, size, flags);
}

/* The limits of a new instance, or of one remounted. */
void svshm_table_set_limits(struct svshm_table *table,
			    const struct svshm_limits *limits)
{
	WRITE_ONCE(table->limits.shmmax, limits->shmmax);
	WRITE_ONCE(table->limits.shmall, limits->shmall);
	WRITE_ONCE(table->limits.shmmni, limits->shmmni);
	WRITE_ONCE(table->limits.rmid_forced, limits->rmid_forced);
	/* Turned on: the orphans go at once, as with native's sysctl. */
	if (limits->rmid_forced)
		svshm_table_destroy_orphans(table);
}

/**
 * svshm_table_create() - a new, empty instance
 * @user_ns: the user namespace its capabilities count in (referenced here)
 * @limits: its limits
 *
 * Return: the table, with one reference (the caller's: its superblock's),
 * or an ERR_PTR.
 */
struct svshm_table *svshm_table_create(struct user_namespace *user_ns,
				       const struct svshm_limits *limits)
{
	struct svshm_table *table;
	int ret;

	table = kzalloc(sizeof(*table), GFP_KERNEL_ACCOUNT);
	if (!table)
		return ERR_PTR(-ENOMEM);
	ret = rhashtable_init(&table->keys, &svshm_key_params);
	if (ret) {
		kfree(table);
		return ERR_PTR(ret);
	}
	init_rwsem(&table->rwsem);
	xa_init_flags(&table->segs, XA_FLAGS_ALLOC);
	table->last_idx = -1;
	table->limits = *limits;
	table->user_ns = get_user_ns(user_ns);
	kref_init(&table->ref);
	return table;
}

/**
 * svshm_table_shutdown() - an instance goes: native's shm_exit_ns()
 * @table: the instance, whose superblock is going
 *
 * Every segment is removed as by IPC_RMID: destroyed now if nothing has it
 * attached, else made private and destroyed at its last detach. Nothing
 * can reach the table any more but those attachments, and the caller still
 * holds its reference.
 */
void svshm_table_shutdown(struct svshm_table *table)
{
	struct svshm_seg *seg;
	unsigned long idx;

	down_write(&table->rwsem);
	xa_for_each(&table->segs, idx, seg)
		svshm_table_rmid_locked(seg);
	up_write(&table->rwsem);
}

int svshm_init_table_setup(void)
{
	return rhashtable_init(&svshm_init_table.keys, &svshm_key_params);
}

/*
 * Module unload: every segment holds the module, so the initial table is
 * empty by now.
 */
void svshm_init_table_exit(void)
{
	WARN_ON_ONCE(svshm_init_table.in_use);
	rhashtable_destroy(&svshm_init_table.keys);
	xa_destroy(&svshm_init_table.segs);
}
