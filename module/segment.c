// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the life of one segment, from shmget(IPC_CREAT) to its last
 * reference: creation (native's newseg()), the references that lookups,
 * attach files and IPC_STAT take and drop, removal (IPC_RMID, at once or
 * at the last detach), destruction, and shm_rmid_forced's orphans.
 *
 * A segment is listed in its table (table.c) from creation to destruction,
 * and freed after an RCU grace period once its last reference is gone:
 * struct svshm_seg in internal.h says who holds one and what each lock
 * guards. Destruction always runs under the table's rwsem held for
 * writing, in the same @seg->lock section that sees nattch at 0 and marks
 * the segment destroyed, so that an attach is either counted first or
 * fails with EIDRM.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/ipc.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "internal.h"

#define SVSHM_NAME_LEN	13	/* "SYSV" and eight hex digits */

static void svshm_seg_free_cb(struct rcu_head *head)
{
	kfree(container_of(head, struct svshm_seg, rcu));
}

/*
 * The segment's memory goes after a grace period: lock-free lookups may
 * still look at it. The callback is the module's code: svshm_exit() waits
 * for it.
 */
static void svshm_seg_free_mem(struct svshm_seg *seg)
{
	if (svshm_kfree_rcu_is_fastest())
		kfree_rcu(seg, rcu);
	else
		call_rcu(&seg->rcu, svshm_seg_free_cb);
}

static void svshm_seg_release(struct kref *ref)
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
 * Under a table's rwsem only in svshm_seg_destroy_locked(), where an
 * attach file, or the file of the instance that the caller came through
 * (an IPC_RMID, a remount, the shutdown itself), keeps the table alive.
 */
void svshm_seg_put(struct svshm_seg *seg)
{
	kref_put(&seg->ref, svshm_seg_release);
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
	seg = svshm_seg_find_rcu(table, id);
	if (seg && !kref_get_unless_zero(&seg->ref))
		seg = NULL;
	rcu_read_unlock();
	return seg;
}

/*
 * Native's name for a segment's file, "SYSV%08x" of the key, which
 * /proc/PID/maps shows: written digit by digit, as snprintf() would
 * after parsing its format, which costs more instructions than the rest
 * of the name (make insns).
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

/**
 * svshm_seg_create() - native's newseg(): a new segment, listed
 * @table: the instance, its rwsem held for writing
 * @key: the key, or IPC_PRIVATE
 * @size: the size asked
 * @flags: shmget's flags (the mode in the low bits)
 *
 * The checks in native's order, then a shmem file (compat.h says how it is
 * made as native's) and an id.
 *
 * Return: the id, or a negative errno.
 */
int svshm_seg_create(struct svshm_table *table, key_t key, size_t size,
		     int flags)
{
	unsigned long numpages = svshm_size_pages(size);
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
	if (flags & SHM_HUGETLB)
		return svshm_perm_hugetlb();

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

/**
 * svshm_seg_destroy_locked() - unlist a segment and drop the table's ref
 * @seg: a listed segment the caller has marked destroyed
 *
 * Caller holds the rwsem for writing, and has set @seg->destroyed in the
 * same @seg->lock section in which it saw nattch at 0 (see struct
 * svshm_seg). Pages live on as long as some attach file (of a VMA being
 * torn down) still holds the segment.
 */
void svshm_seg_destroy_locked(struct svshm_seg *seg)
{
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
	svshm_memlock_unlock_locked(seg);
	svshm_table_remove_locked(seg);
	svshm_seg_put(seg);
}

/**
 * svshm_seg_rmid_locked() - IPC_RMID: destroy now, or at the last detach
 * @seg: a listed segment
 *
 * Caller holds the rwsem for writing. Native's do_shm_rmid(): an attached
 * segment is marked SHM_DEST and made private; an idle one is destroyed.
 * The mark and the check are one @seg->lock section, so that an attach
 * counted after it finds the segment destroyed.
 */
void svshm_seg_rmid_locked(struct svshm_seg *seg)
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
		svshm_seg_destroy_locked(seg);
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
		svshm_seg_destroy_locked(seg);
	up_write(&table->rwsem);
}

/*
 * Native's shm_destroy_orphaned(), run when shm_rmid_forced is turned on:
 * destroy every unattached segment whose creating process is gone. Native
 * tracks the creating task; svshm looks up the creator's process id.
 */
void svshm_seg_destroy_orphans(struct svshm_table *table)
{
	struct svshm_seg *seg;
	unsigned long idx;
	bool orphan;

	down_write(&table->rwsem);
	for (idx = 0; (seg = svshm_table_next_locked(table, &idx)); idx++) {
		rcu_read_lock();
		orphan = !pid_task(seg->cpid, PIDTYPE_PID);
		rcu_read_unlock();
		spin_lock(&seg->lock);
		orphan = orphan && seg->nattch == 0;
		if (orphan)
			seg->destroyed = true;
		spin_unlock(&seg->lock);
		if (orphan)
			svshm_seg_destroy_locked(seg);
	}
	up_write(&table->rwsem);
}
