// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: shmctl(2): stat, set, remove, lock, and the table-wide
 * information, each on the caller's instance.
 *
 * Each command gathers what it reports into a kernel buffer under the
 * locks and copies it out only after dropping them (see internal.h).
 * The buffers are the kernel's own SysV ABI structures: svshm_ctl()
 * copies them as native's shmctl(2) does for a 64-bit caller,
 * ctl_compat.c as native's compat path does for a 32-bit one.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "internal.h"

/*
 * What IPC_STAT reports of a segment: read in one section of its lock,
 * the pids already in the caller's namespace (the lock keeps @lpid's pid
 * alive), the ids translated after.
 */
struct svshm_stat {
	key_t key;
	kuid_t uid, cuid;
	kgid_t gid, cgid;
	umode_t mode;
	unsigned short seq;
	pid_t cpid, lpid;
	size_t size;
	time64_t atime, dtime, ctime;
	unsigned long nattch;
};

/*
 * Caller holds the segment's lock. A segment being destroyed is read for
 * its permission only (see struct svshm_seg).
 */
static void svshm_stat_read(struct svshm_seg *seg, struct svshm_stat *st,
			    bool live)
{
	st->uid = seg->uid;
	st->cuid = seg->cuid;
	st->gid = seg->gid;
	st->cgid = seg->cgid;
	st->mode = seg->mode;
	if (!live)
		return;
	st->key = seg->key;
	st->seq = seg->id >> SVSHM_IDX_BITS;
	st->cpid = pid_vnr(seg->cpid);
	st->lpid = pid_vnr(seg->lpid);
	st->size = seg->size;
	st->atime = seg->atime;
	st->dtime = seg->dtime;
	st->ctime = seg->ctime;
	st->nattch = seg->nattch;
}

/*
 * Native's fill of struct shmid64_ds (shm_ctl_stat()): padding and unused
 * fields zero, the ids as the caller's namespace sees them. The caller
 * copies it out in its layout: whole, as native's copy_shmid_to_user(),
 * or as native's compat path (ctl_compat.c).
 */
static void svshm_stat_fill(struct shmid64_ds *ds, const struct svshm_stat *st)
{
	struct user_namespace *ns = current_user_ns();

	memset(ds, 0, sizeof(*ds));
	ds->shm_perm.key = st->key;
	ds->shm_perm.uid = from_kuid_munged(ns, st->uid);
	ds->shm_perm.gid = from_kgid_munged(ns, st->gid);
	ds->shm_perm.cuid = from_kuid_munged(ns, st->cuid);
	ds->shm_perm.cgid = from_kgid_munged(ns, st->cgid);
	ds->shm_perm.mode = st->mode;
	ds->shm_perm.seq = st->seq;
	ds->shm_segsz = st->size;
	ds->shm_atime = st->atime;
	ds->shm_dtime = st->dtime;
	ds->shm_ctime = st->ctime;
	ds->shm_cpid = st->cpid;
	ds->shm_lpid = st->lpid;
	ds->shm_nattch = st->nattch;
}

/**
 * svshm_ctl_stat() - IPC_STAT, SHM_STAT, SHM_STAT_ANY, as native's shmctl_stat()
 * @table: the caller's instance
 * @id: the id (IPC_STAT) or index
 * @cmd: the command
 * @ds: filled on success, for the caller to copy out in its layout
 *
 * Found under RCU and read in one section of the segment's lock, with no
 * reference taken (see struct svshm_seg for why that is enough); the
 * permission is decided after both are dropped.
 *
 * Return: 0 (IPC_STAT) or the id; or an errno.
 */
long svshm_ctl_stat(struct svshm_table *table, int id, int cmd,
		    struct shmid64_ds *ds)
{
	struct svshm_stat st;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	long ret;

	rcu_read_lock();
	if (cmd == IPC_STAT)
		seg = svshm_seg_find_rcu(table, id);
	else
		seg = svshm_seg_find_index_rcu(table, id);
	if (!seg) {
		rcu_read_unlock();
		return -EINVAL;
	}
	spin_lock(&seg->lock);
	ret = seg->destroyed ? -EIDRM : 0;
	svshm_stat_read(seg, &st, !ret);
	if (!ret && cmd != IPC_STAT)
		ret = seg->id;
	spin_unlock(&seg->lock);
	rcu_read_unlock();

	if (cmd != SHM_STAT_ANY) {
		long denied;

		perm = (struct svshm_perm){
			.uid = st.uid, .cuid = st.cuid,
			.gid = st.gid, .cgid = st.cgid, .mode = st.mode,
			.ns = table->user_ns,
		};
		denied = svshm_perm_access(&perm, 0444);
		/* Native checks permission before it looks for EIDRM. */
		if (denied)
			return denied;
	}
	if (ret >= 0)
		svshm_stat_fill(ds, &st);
	return ret;
}

/* Not inlined, as svshm_ctl_lock(): svshm_ctl() stays a bare dispatch. */
static noinline long svshm_ctl_stat_put(struct svshm_table *table, int id,
					int cmd, void __user *buf)
{
	struct shmid64_ds ds;
	long ret;

	ret = svshm_ctl_stat(table, id, cmd, &ds);
	if (ret >= 0 && copy_to_user(buf, &ds, sizeof(ds)))
		return -EFAULT;
	return ret;
}

/**
 * svshm_ctl_down() - IPC_SET and IPC_RMID, under the table's rwsem
 * @table: the caller's instance
 * @id: the segment id
 * @cmd: IPC_SET or IPC_RMID
 * @ds: IPC_SET's uid, gid and mode, already copied in; unused by IPC_RMID
 *
 * Return: 0, -EINVAL (no such id, or an id the caller's namespace cannot
 * map), -EPERM.
 */
long svshm_ctl_down(struct svshm_table *table, int id, int cmd,
		    const struct shmid64_ds *ds)
{
	struct user_namespace *ns = current_user_ns();
	struct svshm_perm perm;
	struct svshm_seg *seg;
	kuid_t uid;
	kgid_t gid;
	long ret;

	svshm_table_lock(table, true);
	seg = svshm_table_find_locked(table, id);
	ret = -EINVAL;
	if (!seg)
		goto out;
	/* The owner changes only under the rwsem, held: no need for @seg->lock. */
	perm = (struct svshm_perm){
		.uid = seg->uid, .cuid = seg->cuid, .ns = table->user_ns,
	};
	ret = svshm_perm_owner(&perm);
	if (ret)
		goto out;

	if (cmd == IPC_RMID) {
		svshm_seg_rmid_locked(seg);
		goto out;
	}

	uid = make_kuid(ns, ds->shm_perm.uid);
	gid = make_kgid(ns, ds->shm_perm.gid);
	ret = -EINVAL;
	if (!uid_valid(uid) || !gid_valid(gid))
		goto out;
	spin_lock(&seg->lock);
	seg->uid = uid;
	seg->gid = gid;
	seg->mode = (seg->mode & ~0777) | (ds->shm_perm.mode & 0777);
	seg->ctime = ktime_get_real_seconds();
	spin_unlock(&seg->lock);
	ret = 0;
out:
	svshm_table_unlock(table, true);
	return ret;
}

/* IPC_SET reads the whole buffer first, as native's copy_shmid_from_user(). */
static noinline long svshm_ctl_set(struct svshm_table *table, int id,
				   void __user *buf)
{
	struct shmid64_ds ds;

	if (copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	return svshm_ctl_down(table, id, IPC_SET, &ds);
}

/*
 * SHM_LOCK and SHM_UNLOCK, under the table's rwsem: the rights are
 * perm.c's, the memory and its charge memlock.c's. SHM_LOCKED changes
 * only under the rwsem, held here.
 *
 * Return: 0, -EINVAL (no such id), -EPERM, -ENOMEM (over RLIMIT_MEMLOCK).
 */
noinline long svshm_ctl_lock(struct svshm_table *table, int id, int cmd)
{
	struct svshm_seg *seg;
	bool locked;
	long ret;

	svshm_table_lock(table, true);
	seg = svshm_table_find_locked(table, id);
	ret = seg ? svshm_perm_lock(seg, cmd) : -EINVAL;
	if (ret)
		goto out;
	spin_lock(&seg->lock);
	locked = seg->mode & SHM_LOCKED;
	spin_unlock(&seg->lock);

	if (cmd == SHM_UNLOCK) {
		if (!locked)
			goto out;
		svshm_memlock_unlock_locked(seg);
		/* Moving the pages back may take long: not under the rwsem. */
		kref_get(&seg->ref);
		svshm_table_unlock(table, true);
		svshm_memlock_rescue(seg);
		svshm_seg_put(seg);
		return 0;
	}
	if (!locked)
		ret = svshm_memlock_lock_locked(seg);
out:
	svshm_table_unlock(table, true);
	return ret;
}

/**
 * svshm_ctl_limits() - IPC_INFO, as native's shmctl_ipc_info()
 * @table: the caller's instance
 * @limits: filled whole, unused fields zero
 *
 * Return: the highest index in use, or 0.
 */
int svshm_ctl_limits(struct svshm_table *table, struct shminfo64 *limits)
{
	int max_idx;

	memset(limits, 0, sizeof(*limits));
	svshm_table_lock(table, false);
	limits->shmmax = READ_ONCE(table->limits.shmmax);
	limits->shmmin = SHMMIN;
	limits->shmmni = READ_ONCE(table->limits.shmmni);
	limits->shmseg = limits->shmmni;
	limits->shmall = READ_ONCE(table->limits.shmall);
	max_idx = svshm_table_max_index_locked(table);
	svshm_table_unlock(table, false);
	return max_idx < 0 ? 0 : max_idx;
}

/**
 * svshm_ctl_usage() - SHM_INFO, as native's shmctl_shm_info()
 * @table: the caller's instance
 * @usage: filled whole, unused fields zero
 *
 * Return: the highest index in use, or 0.
 */
int svshm_ctl_usage(struct svshm_table *table, struct shm_info *usage)
{
	int max_idx;

	memset(usage, 0, sizeof(*usage));
	svshm_table_lock(table, false);
	svshm_table_usage_locked(table, usage);
	max_idx = svshm_table_max_index_locked(table);
	svshm_table_unlock(table, false);
	return max_idx < 0 ? 0 : max_idx;
}

/* Not inlined, as svshm_ctl_lock(): svshm_ctl() stays a bare dispatch. */
static noinline long svshm_ctl_info(struct svshm_table *table, int cmd,
				    void __user *buf)
{
	union {
		struct shminfo64 limits;
		struct shm_info usage;
	} u;
	size_t len;
	int ret;

	if (cmd == IPC_INFO) {
		ret = svshm_ctl_limits(table, &u.limits);
		len = sizeof(u.limits);
	} else {
		ret = svshm_ctl_usage(table, &u.usage);
		len = sizeof(u.usage);
	}
	if (copy_to_user(buf, &u, len))
		return -EFAULT;
	return ret;
}

/**
 * svshm_ctl() - shmctl(2)
 * @table: the caller's instance
 * @id: segment id, or index for SHM_STAT and SHM_STAT_ANY
 * @cmd: the command
 * @buf: the command's user buffer
 *
 * Return: as shmctl(2), or a negative errno.
 */
long svshm_ctl(struct svshm_table *table, int id, int cmd, void __user *buf)
{
	if (cmd < 0 || id < 0)
		return -EINVAL;

	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return svshm_ctl_info(table, cmd, buf);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		return svshm_ctl_stat_put(table, id, cmd, buf);
	case IPC_SET:
		return svshm_ctl_set(table, id, buf);
	case IPC_RMID:
		return svshm_ctl_down(table, id, cmd, NULL);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return svshm_ctl_lock(table, id, cmd);
	default:
		return -EINVAL;
	}
}
