// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: shmctl(2): stat, set, remove, lock, and the table-wide
 * information, each on the caller's instance.
 *
 * Each command gathers what it reports into a kernel buffer under the
 * locks and copies it out only after dropping them (see internal.h).
 * The buffers are the kernel's own SysV ABI structures.
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

/* Native's fill of struct shmid64_ds; caller holds the live segment's lock. */
static void svshm_fill_ds(struct svshm_seg *seg, struct shmid64_ds *ds)
{
	struct user_namespace *ns = current_user_ns();

	memset(ds, 0, sizeof(*ds));
	ds->shm_perm.key = seg->key;
	ds->shm_perm.uid = from_kuid_munged(ns, seg->uid);
	ds->shm_perm.gid = from_kgid_munged(ns, seg->gid);
	ds->shm_perm.cuid = from_kuid_munged(ns, seg->cuid);
	ds->shm_perm.cgid = from_kgid_munged(ns, seg->cgid);
	ds->shm_perm.mode = seg->mode;
	ds->shm_perm.seq = seg->id >> SVSHM_IDX_BITS;
	ds->shm_segsz = seg->size;
	ds->shm_atime = seg->atime;
	ds->shm_dtime = seg->dtime;
	ds->shm_ctime = seg->ctime;
	ds->shm_cpid = pid_vnr(seg->cpid);
	ds->shm_lpid = pid_vnr(seg->lpid);
	ds->shm_nattch = seg->nattch;
}

/*
 * Copy a stat out in 8-byte stores, in one user-access section: for a
 * struct this small that is cheaper than copy_to_user(), which takes a
 * string copy (rep movsb) from 64 bytes on; string instructions start
 * slowly without FSRM, and under emulation run a byte at a time.
 */
static int svshm_put_ds(void __user *buf, const struct shmid64_ds *ds)
{
	if (!user_write_access_begin(buf, sizeof(*ds)))
		return -EFAULT;
	unsafe_copy_to_user(buf, (const char *)ds, sizeof(*ds), efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * IPC_STAT, SHM_STAT, SHM_STAT_ANY, as native's shm_ctl_stat(): found under
 * RCU and read in one section of the segment's lock, with no reference
 * taken (see struct svshm_seg for why that is enough); the permission is
 * decided and the result copied out after both are dropped.
 *
 * Return: 0 (IPC_STAT) or the id; or an errno.
 */
static long svshm_ctl_stat(struct svshm_table *table, int id, int cmd,
			   void __user *buf)
{
	struct shmid64_ds ds;
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
	perm = (struct svshm_perm){
		.uid = seg->uid, .cuid = seg->cuid,
		.gid = seg->gid, .cgid = seg->cgid, .mode = seg->mode,
		.ns = table->user_ns,
	};
	ret = seg->destroyed ? -EIDRM : 0;
	if (!ret) {
		svshm_fill_ds(seg, &ds);
		if (cmd != IPC_STAT)
			ret = seg->id;
	}
	spin_unlock(&seg->lock);
	rcu_read_unlock();

	if (cmd != SHM_STAT_ANY) {
		long denied = svshm_perm_access(&perm, 0444);

		/* Native checks permission before it looks for EIDRM. */
		if (denied)
			return denied;
	}
	if (ret >= 0 && svshm_put_ds(buf, &ds))
		return -EFAULT;
	return ret;
}

/* IPC_SET and IPC_RMID: the owner's commands, under the table's rwsem. */
static long svshm_ctl_down(struct svshm_table *table, int id, int cmd,
			   void __user *buf)
{
	struct user_namespace *ns = current_user_ns();
	struct shmid64_ds ds;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	kuid_t uid;
	kgid_t gid;
	long ret;

	if (cmd == IPC_SET && copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;

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
		svshm_table_rmid_locked(seg);
		goto out;
	}

	uid = make_kuid(ns, ds.shm_perm.uid);
	gid = make_kgid(ns, ds.shm_perm.gid);
	ret = -EINVAL;
	if (!uid_valid(uid) || !gid_valid(gid))
		goto out;
	spin_lock(&seg->lock);
	seg->uid = uid;
	seg->gid = gid;
	seg->mode = (seg->mode & ~0777) | (ds.shm_perm.mode & 0777);
	seg->ctime = ktime_get_real_seconds();
	spin_unlock(&seg->lock);
	ret = 0;
out:
	svshm_table_unlock(table, true);
	return ret;
}

/*
 * SHM_LOCK and SHM_UNLOCK: as native, CAP_IPC_LOCK (in the instance's
 * user namespace) may always; otherwise the owner or the creator may, and
 * locking also needs a RLIMIT_MEMLOCK that is not 0. Going past that limit
 * is lock.c's to refuse.
 *
 * Return: 0, -EINVAL (no such id), -EPERM, -ENOMEM (over RLIMIT_MEMLOCK).
 */
static long svshm_ctl_lock(struct svshm_table *table, int id, int cmd)
{
	struct svshm_seg *seg;
	kuid_t euid = current_euid();
	umode_t mode;
	long ret = 0;

	svshm_table_lock(table, true);
	seg = svshm_table_find_locked(table, id);
	if (!seg) {
		ret = -EINVAL;
		goto out;
	}
	spin_lock(&seg->lock);
	mode = seg->mode;
	if (!uid_eq(euid, seg->uid) && !uid_eq(euid, seg->cuid))
		ret = -EPERM;
	spin_unlock(&seg->lock);
	if (cmd == SHM_LOCK && !rlimit(RLIMIT_MEMLOCK))
		ret = -EPERM;
	if (ret && ns_capable(table->user_ns, CAP_IPC_LOCK))
		ret = 0;
	if (ret)
		goto out;

	if (cmd == SHM_UNLOCK) {
		if (!(mode & SHM_LOCKED))
			goto out;
		svshm_seg_unlock_locked(seg);
		/* Moving the pages back may take long: not under the rwsem. */
		kref_get(&seg->ref);
		svshm_table_unlock(table, true);
		svshm_seg_rescue_pages(seg);
		svshm_seg_put(seg);
		return 0;
	}
	if (!(mode & SHM_LOCKED))
		ret = svshm_seg_lock_pages(seg);
out:
	svshm_table_unlock(table, true);
	return ret;
}

static long svshm_ctl_info(struct svshm_table *table, int cmd, void __user *buf)
{
	union {
		struct shminfo64 limits;
		struct shm_info usage;
	} u;
	size_t len;
	int max_idx;

	memset(&u, 0, sizeof(u));
	svshm_table_lock(table, false);
	if (cmd == IPC_INFO) {
		u.limits.shmmax = READ_ONCE(table->limits.shmmax);
		u.limits.shmmin = SHMMIN;
		u.limits.shmmni = READ_ONCE(table->limits.shmmni);
		u.limits.shmseg = u.limits.shmmni;
		u.limits.shmall = READ_ONCE(table->limits.shmall);
		len = sizeof(u.limits);
	} else {
		svshm_table_usage_locked(table, &u.usage);
		len = sizeof(u.usage);
	}
	max_idx = svshm_table_max_index_locked(table);
	svshm_table_unlock(table, false);
	if (copy_to_user(buf, &u, len))
		return -EFAULT;
	return max_idx < 0 ? 0 : max_idx;
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
		return svshm_ctl_stat(table, id, cmd, buf);
	case IPC_SET:
	case IPC_RMID:
		return svshm_ctl_down(table, id, cmd, buf);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return svshm_ctl_lock(table, id, cmd);
	default:
		return -EINVAL;
	}
}
