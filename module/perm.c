// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: who may do what, decided on the caller's credentials at the time
 * of the call (current_cred()), never on those of whoever opened the device.
 *
 * The rules are native's ipcperms() and ipcctl_obtain_check(). Native
 * counts the capabilities in the user namespace that owns the IPC
 * namespace; svshm in the one that owns the instance (struct svshm_perm's
 * @ns): the initial user namespace for /dev/svshm, the mounter's for a
 * mounted instance. So the root of a container rules its own instance and
 * gets no more than its uid gives it anywhere else.
 */
#include <linux/capability.h>
#include <linux/cred.h>
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
 * svshm_perm_access() - may the caller access a segment so?
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
