// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the segment tables: ids, keys, lookups, usage, and the life of a
 * table (an instance, see internal.h). A segment's own life is segment.c's.
 *
 * This file is the one place that changes the set of segments of a table,
 * always under its rwsem held for writing. A table holds:
 * - an xarray from index to segment, read under RCU; an id is
 *   index + (sequence << 15) as native's, the index picked cyclically below
 *   max(in_use * 3 / 2, 64) as native's ipc_idr_alloc() does, and the
 *   sequence moved on each time the index goes back, so that a removed id
 *   is not handed out again soon; or, once, the id that shm_next_id names
 *   (checkpoint/restore's way to make a segment again under its old id);
 * - an rhashtable from key to segment, holding only keyed, live segments;
 * - the usage counters that the limits are checked against.
 *
 * A table dies as native's IPC namespace does (svshm_table_shutdown(), when
 * its superblock goes): idle segments are destroyed, attached ones removed
 * and destroyed at their last detach; the table itself is freed with its
 * last segment.
 */
#include <linux/ipc.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"

/* The initial instance: /dev/svshm and /proc/svshm, limits from main.c. */
struct svshm_table svshm_init_table = {
	.rwsem = __RWSEM_INITIALIZER(svshm_init_table.rwsem),
	.segs = XARRAY_INIT(svshm_init_table.segs, XA_FLAGS_ALLOC),
	.last_idx = -1,
	.next_id = -1,
	.limits = SVSHM_LIMITS_NATIVE,
	.user_ns = &init_user_ns,
	.ref = KREF_INIT(1),
};

/* Native's ipc_min_cycle: the index cycles over at least this many. */
#define SVSHM_MIN_CYCLE	64

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

/* The listed segment of @id or NULL; the caller keeps it valid, see below. */
static struct svshm_seg *svshm_seg_lookup(struct svshm_table *table, int id)
{
	struct svshm_seg *seg;

	if (id < 0)
		return NULL;
	seg = xa_load(&table->segs, svshm_idx(id));
	return seg && READ_ONCE(seg->id) == id ? seg : NULL;
}

/* Caller holds the rwsem; the segment stays valid until it drops it. */
struct svshm_seg *svshm_table_find_locked(struct svshm_table *table, int id)
{
	lockdep_assert_held(&table->rwsem);
	return svshm_seg_lookup(table, id);
}

/**
 * svshm_table_find_key() - the segment of a key, if one is listed under it
 * @table: the instance
 * @key: a key other than IPC_PRIVATE
 *
 * Caller is in an RCU read-side critical section (see svshm_seg_find_rcu()
 * for what that allows) or holds the rwsem.
 *
 * Return: the segment, or NULL.
 */
struct svshm_seg *svshm_table_find_key(struct svshm_table *table, key_t key)
{
	return rhashtable_lookup_fast(&table->keys, &key, svshm_key_params);
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

/*
 * Make a removed-while-attached segment private: its key finds it no more.
 * Caller holds the rwsem for writing.
 */
void svshm_table_unkey_locked(struct svshm_seg *seg)
{
	if (seg->key == IPC_PRIVATE)
		return;
	rhashtable_remove_fast(&seg->table->keys, &seg->khash, svshm_key_params);
	spin_lock(&seg->lock);
	seg->key = IPC_PRIVATE;
	spin_unlock(&seg->lock);
}

/**
 * svshm_table_remove_locked() - unlist a segment that is being destroyed
 * @seg: a listed segment, marked destroyed (svshm_seg_destroy_locked())
 *
 * Caller holds the rwsem for writing.
 */
void svshm_table_remove_locked(struct svshm_seg *seg)
{
	struct svshm_table *table = seg->table;

	svshm_table_unkey_locked(seg);
	xa_erase(&table->segs, svshm_idx(seg->id));
	table->in_use--;
	table->tot_pages -= svshm_size_pages(seg->size);
}

/*
 * Store @seg at the index of @next_id (native's kernel.shm_next_id), or
 * the first free one above it up to the last, as native's idr_alloc()
 * from there: ENOSPC if none is. The id keeps @next_id's sequence, and
 * the cyclic allocation's state is left as it was.
 */
static int svshm_table_alloc_at(struct svshm_table *table,
				struct svshm_seg *seg, int next_id, u32 *idx)
{
	int ret;

	ret = xa_alloc(&table->segs, idx, seg,
		       XA_LIMIT(svshm_idx(next_id), SVSHM_IDX_MAX - 1), GFP_KERNEL);
	return ret == -EBUSY ? -ENOSPC : ret;
}

/* Store @seg at the next index in the cycle and move the sequence on. */
static int svshm_table_alloc_cyclic(struct svshm_table *table,
				    struct svshm_seg *seg, u32 *idx)
{
	int cycle = max(table->in_use * 3 / 2, SVSHM_MIN_CYCLE);
	int ret;

	ret = xa_alloc_cyclic(&table->segs, idx, seg,
			      XA_LIMIT(0, min(cycle, SVSHM_IDX_MAX) - 1),
			      &table->next_idx, GFP_KERNEL);
	if (ret == -EBUSY)
		return -ENOSPC;
	return ret < 0 ? ret : 0;
}

/* Add @seg to the table and give it an id. Caller holds the rwsem. */
int svshm_table_add_locked(struct svshm_seg *seg)
{
	struct svshm_table *table = seg->table;
	int next_id, seq;
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
	 *
	 * A shm_next_id is used once, here, whatever comes of it: native's
	 * ipc_idr_alloc() sets it back to -1 before it allocates.
	 */
	seg->id = -1;
	next_id = xchg(&table->next_id, -1);
	if (next_id >= 0) {
		ret = svshm_table_alloc_at(table, seg, next_id, &idx);
		seq = next_id >> SVSHM_IDX_BITS;
	} else {
		ret = svshm_table_alloc_cyclic(table, seg, &idx);
		seq = -1;
	}
	if (ret < 0)
		return ret;
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
	if (seq < 0) {
		if ((int)idx <= table->last_idx && ++table->seq >= SVSHM_SEQ_MAX)
			table->seq = 0;
		table->last_idx = idx;
		seq = table->seq;
	}
	id = idx + (seq << SVSHM_IDX_BITS);
	/* What /proc/<pid>/maps shows as the inode: native's ps tools use it. */
	file_inode(seg->shm_file)->i_ino = id;
	WRITE_ONCE(seg->id, id);
	table->in_use++;
	table->tot_pages += svshm_size_pages(seg->size);
	return 0;
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
		svshm_seg_destroy_orphans(table);
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
	table->next_id = -1;
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
		svshm_seg_rmid_locked(seg);
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
