// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: shmget(2): the segment of a key, found or created, with native's
 * checks in native's order (ipcget_public(), shm_more_checks(),
 * ipc_check_perms()).
 *
 * A key in use, the path a server's clients take most, is looked up
 * without the table's rwsem: the key hash under RCU, the segment under its
 * lock, as IPC_STAT reads it (see struct svshm_seg). A segment that is
 * live, keyed with the key and not removed under @seg->lock is the key's
 * segment at that moment, as it would be under the rwsem: IPC_RMID and
 * destruction change those fields under that lock before the key goes.
 * Anything else (no such key, a segment on its way out, a creation) takes
 * the rwsem for writing, as native's ipcget_public() does.
 */
#include <linux/ipc.h>
#include <linux/rwsem.h>

#include "internal.h"

/*
 * Native's shm_more_checks() and ipc_check_perms() for an existing key;
 * the caller holds the segment's lock, or the table's rwsem and a snapshot
 * of @perm.
 */
static int svshm_get_existing(int id, size_t seg_size,
			      const struct svshm_perm *perm, size_t size,
			      int flags)
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
 * A key in use, without the table's rwsem (see the top of this file).
 * Return: true and the answer in *@ret, or false to take the locked path.
 */
static bool svshm_get_lockless(struct svshm_table *table, key_t key,
			       size_t size, int flags, int *ret)
{
	struct svshm_seg *seg;
	bool found = false;

	rcu_read_lock();
	seg = svshm_table_find_key(table, key);
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

/* Under the table's rwsem: create, or a key the lockless path left. */
static int svshm_get_locked(struct svshm_table *table, key_t key, size_t size,
			    int flags)
{
	struct svshm_perm perm;
	struct svshm_seg *seg = NULL;
	int ret;

	down_write(&table->rwsem);
	if (key != IPC_PRIVATE)
		seg = svshm_table_find_key(table, key);
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
