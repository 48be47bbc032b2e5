// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: SHM_LOCK and SHM_UNLOCK, and the RLIMIT_MEMLOCK accounting behind
 * them.
 *
 * Native locks a segment with shmem_lock(), which charges the caller's
 * ucounts through user_shm_lock(); neither is exported. svshm does what
 * they do with what is: the mapping is made unevictable (so reclaim leaves
 * its pages in memory, as native), and the pages are charged to the
 * locking user in svshm's own count, checked against the caller's
 * RLIMIT_MEMLOCK as native checks it. The count is svshm's alone: native's
 * SHM_LOCKs and memfd locks do not add to it (see the README).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/swap.h>
#include <linux/xarray.h>

#include "compat.h"
#include "svshm.h"

/* Pages locked per real uid (value entries); under the table's rwsem. */
static DEFINE_XARRAY(svshm_locked_pages);

static unsigned long svshm_locked(kuid_t uid)
{
	void *v = xa_load(&svshm_locked_pages, __kuid_val(uid));

	return v ? xa_to_value(v) : 0;
}

static int svshm_set_locked(kuid_t uid, unsigned long pages)
{
	void *v = pages ? xa_mk_value(pages) : NULL;

	return xa_err(xa_store(&svshm_locked_pages, __kuid_val(uid), v, GFP_KERNEL));
}

/* Native's user_shm_lock(): charge @pages to the caller, within its limit. */
static int svshm_charge(struct svshm_seg *seg, unsigned long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	kuid_t uid = current_uid();
	unsigned long cur = svshm_locked(uid);

	if (limit != RLIM_INFINITY)
		limit >>= PAGE_SHIFT;
	if ((cur + pages < cur || cur + pages > limit) && !capable(CAP_IPC_LOCK))
		return -ENOMEM;
	if (svshm_set_locked(uid, cur + pages))
		return -ENOMEM;
	seg->lock_uid = uid;
	return 0;
}

/**
 * svshm_seg_unlock_locked() - drop a segment's lock and its charge
 * @seg: a segment; nothing happens unless it is SHM_LOCKED
 *
 * Caller holds the table's rwsem for writing. The pages stay on the
 * unevictable list until svshm_seg_rescue_pages() moves them back.
 */
void svshm_seg_unlock_locked(struct svshm_seg *seg)
{
	unsigned long pages = (seg->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	bool locked;

	spin_lock(&seg->lock);
	locked = seg->mode & SHM_LOCKED;
	seg->mode &= ~SHM_LOCKED;
	spin_unlock(&seg->lock);
	if (!locked)
		return;
	/* Lowering a count never allocates, so this cannot fail. */
	svshm_set_locked(seg->lock_uid, svshm_locked(seg->lock_uid) - pages);
	mapping_clear_unevictable(seg->shm_file->f_mapping);
}

/* Native's shmem_unlock_mapping(): put unlocked pages back within reach. */
static void svshm_seg_rescue_pages(struct svshm_seg *seg)
{
	struct address_space *mapping = seg->shm_file->f_mapping;
	struct folio_batch fbatch;
	pgoff_t index = 0;

	folio_batch_init(&fbatch);
	while (!mapping_unevictable(mapping) &&
	       filemap_get_folios(mapping, &index, ~0UL, &fbatch)) {
		check_move_unevictable_folios(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/**
 * svshm_ctl_lock() - SHM_LOCK and SHM_UNLOCK
 * @id: the segment id
 * @cmd: SHM_LOCK or SHM_UNLOCK
 *
 * As native: CAP_IPC_LOCK may always; otherwise the owner or the creator
 * may, and locking also needs a RLIMIT_MEMLOCK that is not 0.
 *
 * Return: 0, -EINVAL (no such id), -EPERM, -ENOMEM (over RLIMIT_MEMLOCK).
 */
long svshm_ctl_lock(int id, int cmd)
{
	unsigned long pages;
	struct svshm_seg *seg;
	kuid_t euid = current_euid();
	umode_t mode;
	long ret = 0;

	svshm_table_lock(true);
	seg = svshm_table_find_locked(id);
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
	if (ret && capable(CAP_IPC_LOCK))
		ret = 0;
	if (ret)
		goto out;

	if (cmd == SHM_UNLOCK) {
		if (!(mode & SHM_LOCKED))
			goto out;
		svshm_seg_unlock_locked(seg);
		kref_get(&seg->ref);
		svshm_table_unlock(true);
		svshm_seg_rescue_pages(seg);
		svshm_seg_put(seg);
		return 0;
	}

	if (mode & SHM_LOCKED)
		goto out;
	pages = (seg->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	ret = svshm_charge(seg, pages);
	if (ret)
		goto out;
	mapping_set_unevictable(seg->shm_file->f_mapping);
	spin_lock(&seg->lock);
	seg->mode |= SHM_LOCKED;
	spin_unlock(&seg->lock);
out:
	svshm_table_unlock(true);
	return ret;
}

void svshm_lock_exit(void)
{
	xa_destroy(&svshm_locked_pages);
}
