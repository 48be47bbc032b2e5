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
 *
 * svshm_perm_access(), the check every call but IPC_SET and IPC_RMID
 * makes, is inline in internal.h: shmget of a key in use makes it under
 * the segment's lock, on the fields themselves, as native's ipcperms().
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

/* IPC_SET, IPC_RMID: the owner, the creator, or CAP_SYS_ADMIN in @p->ns. */
int svshm_perm_owner(const struct svshm_perm *p)
{
	kuid_t euid = current_euid();

	if (uid_eq(euid, p->cuid) || uid_eq(euid, p->uid) ||
	    ns_capable(p->ns, CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}
