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
 * An id as the caller's namespace sees it (from_kuid_munged()). The
 * initial namespace maps every valid id to itself: no walk of its map for
 * the callers most often in it. (A segment's ids are always valid.)
 */
static uid_t svshm_uid_out(struct user_namespace *ns, kuid_t uid)
{
	if (ns == &init_user_ns && uid_valid(uid))
		return __kuid_val(uid);
	return from_kuid_munged(ns, uid);
}

static gid_t svshm_gid_out(struct user_namespace *ns, kgid_t gid)
{
	if (ns == &init_user_ns && gid_valid(gid))
		return __kgid_val(gid);
	return from_kgid_munged(ns, gid);
}

/*
 * The layout that svshm_stat_put() writes: x86-64's, the only
 * architecture served.
 */
static_assert(sizeof(struct shmid64_ds) == 112);
static_assert(offsetof(struct shmid64_ds, shm_perm.seq) == 24);
static_assert(offsetof(struct shmid64_ds, shm_perm.__unused1) == 32);
static_assert(offsetof(struct shmid64_ds, shm_segsz) == 48);

/*
 * Native's fill of struct shmid64_ds, written straight into the caller's,
 * field by field in one user-access section, padding and unused fields
 * zero as native's memset leaves them: no buffer to clear and copy, and
 * no copy_to_user(), whose string copy (rep movs) is slow to start
 * without FSRM and runs a byte at a time under emulation.
 */
static int svshm_stat_put(struct shmid64_ds __user *u, const struct svshm_stat *st)
{
	struct user_namespace *ns = current_user_ns();
	uid_t uid = svshm_uid_out(ns, st->uid);
	uid_t cuid = svshm_uid_out(ns, st->cuid);
	gid_t gid = svshm_gid_out(ns, st->gid);
	gid_t cgid = svshm_gid_out(ns, st->cgid);

	if (!user_write_access_begin(u, sizeof(*u)))
		return -EFAULT;
	unsafe_put_user(st->key, &u->shm_perm.key, efault);
	unsafe_put_user(uid, &u->shm_perm.uid, efault);
	unsafe_put_user(gid, &u->shm_perm.gid, efault);
	unsafe_put_user(cuid, &u->shm_perm.cuid, efault);
	unsafe_put_user(cgid, &u->shm_perm.cgid, efault);
	unsafe_put_user(st->mode, &u->shm_perm.mode, efault);
	/* seq, __pad2 and the padding up to __unused1, in one word. */
	unsafe_put_user((u64)st->seq, (u64 __user *)&u->shm_perm.seq, efault);
	unsafe_put_user(0, &u->shm_perm.__unused1, efault);
	unsafe_put_user(0, &u->shm_perm.__unused2, efault);
	unsafe_put_user(st->size, &u->shm_segsz, efault);
	unsafe_put_user(st->atime, &u->shm_atime, efault);
	unsafe_put_user(st->dtime, &u->shm_dtime, efault);
	unsafe_put_user(st->ctime, &u->shm_ctime, efault);
	unsafe_put_user(st->cpid, &u->shm_cpid, efault);
	unsafe_put_user(st->lpid, &u->shm_lpid, efault);
	unsafe_put_user(st->nattch, &u->shm_nattch, efault);
	unsafe_put_user(0, &u->__unused4, efault);
	unsafe_put_user(0, &u->__unused5, efault);
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
	if (ret >= 0 && svshm_stat_put(buf, &st))
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
static noinline long svshm_ctl_lock(struct svshm_table *table, int id, int cmd)
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

/* Not inlined, as svshm_ctl_lock(): svshm_ctl() stays a bare dispatch. */
static noinline long svshm_ctl_info(struct svshm_table *table, int cmd,
				    void __user *buf)
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
