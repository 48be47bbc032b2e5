// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: who may do what, decided on the caller's credentials at the time
 * of the call (current_cred()), never on those of whoever opened the device.
 * Every rule of the module is here; the callers say when each applies.
 *
 * The rules are native's ipcperms(), ipcctl_obtain_check(), shmctl's
 * SHM_LOCK checks, newseg()'s for SHM_HUGETLB and user_shm_lock()'s.
 * Native counts the capabilities in the user namespace that owns the IPC
 * namespace; svshm in the one that owns the instance (struct svshm_perm's
 * @ns): the initial user namespace for /dev/svshm, the mounter's for a
 * mounted instance. So the root of a container rules its own instance and
 * gets no more than its uid gives it anywhere else. None of the checks
 * sleeps: each may be made under a segment's lock, as native makes them
 * under the object's.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/stat.h>

#include "internal.h"

void svshm_perm_snapshot(struct svshm_seg *seg, struct svshm_perm *p)
{
	spin_lock(&seg->lock);
	p->uid = seg->uid;
	p->gid = seg->gid;
	p->cuid = seg->cuid;
	p->cgid = seg->cgid;
	p->mode = seg->mode;
	spin_unlock(&seg->lock);
	p->ns = seg->table->user_ns;
}

/**
 * svshm_perm_access() - may the caller access a segment so (ipcperms())?
 * @p: the segment's permission record
 * @acc_mode: the access asked, as mode bits (0444, 0222, 0111)
 *
 * The owner's bits apply when the caller's euid is the owner or the
 * creator, the group's when it is in the group or the creator's group,
 * the others' otherwise; CAP_IPC_OWNER in @p->ns overrides.
 *
 * Return: 0, or -EACCES.
 */
int svshm_perm_access(const struct svshm_perm *p, int acc_mode)
{
	kuid_t euid = current_euid();
	int requested = (acc_mode >> 6 | acc_mode >> 3 | acc_mode) & 0007;
	int granted = p->mode;

	if (uid_eq(euid, p->cuid) || uid_eq(euid, p->uid))
		granted >>= 6;
	else if (in_group_p(p->cgid) || in_group_p(p->gid))
		granted >>= 3;
	if ((requested & ~granted & 0007) && !ns_capable(p->ns, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/* IPC_SET, IPC_RMID: the owner, the creator, or CAP_SYS_ADMIN in @p->ns. */
int svshm_perm_owner(const struct svshm_perm *p)
{
	kuid_t euid = current_euid();

	if (uid_eq(euid, p->cuid) || uid_eq(euid, p->uid) ||
	    ns_capable(p->ns, CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}

/**
 * svshm_perm_lock() - may the caller SHM_LOCK or SHM_UNLOCK @seg?
 * @seg: the segment
 * @cmd: SHM_LOCK or SHM_UNLOCK
 *
 * As native: CAP_IPC_LOCK (in the instance's user namespace) may always;
 * otherwise the owner or the creator may, and locking also needs a
 * RLIMIT_MEMLOCK that is not 0. Going past that limit is the charge's to
 * refuse (svshm_perm_memlock_unlimited()).
 *
 * Return: 0, or -EPERM.
 */
int svshm_perm_lock(struct svshm_seg *seg, int cmd)
{
	kuid_t euid = current_euid();
	int ret = 0;

	spin_lock(&seg->lock);
	if (!uid_eq(euid, seg->uid) && !uid_eq(euid, seg->cuid))
		ret = -EPERM;
	spin_unlock(&seg->lock);
	if (cmd == SHM_LOCK && !rlimit(RLIMIT_MEMLOCK))
		ret = -EPERM;
	if (ret && ns_capable(seg->table->user_ns, CAP_IPC_LOCK))
		ret = 0;
	return ret;
}

/*
 * May the caller lock pages past its RLIMIT_MEMLOCK (user_shm_lock())?
 * Only with CAP_IPC_LOCK in the initial user namespace: the count is one
 * for the machine, and else anyone could make a user namespace and an
 * instance and lock without limit.
 */
bool svshm_perm_memlock_unlimited(void)
{
	return capable(CAP_IPC_LOCK);
}

/*
 * shmget(SHM_HUGETLB): hugetlb_file_setup() is not exported to modules, so
 * svshm cannot back a segment with huge pages, and says so rather than hand
 * out small ones, with native's errno for a caller without huge pages:
 * EPERM without CAP_IPC_LOCK (native also admits vm.hugetlb_shm_group, and,
 * obsolete, a large enough RLIMIT_MEMLOCK), else ENOMEM (none reserved).
 */
int svshm_perm_hugetlb(void)
{
	return capable(CAP_IPC_LOCK) ? -ENOMEM : -EPERM;
}
