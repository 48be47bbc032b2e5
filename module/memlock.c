// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: what SHM_LOCK and SHM_UNLOCK do to a segment's memory (perm.c
 * decides who may), and the RLIMIT_MEMLOCK accounting behind them.
 *
 * Native locks a segment with shmem_lock(), which charges the caller's
 * ucounts through user_shm_lock(); neither is exported. svshm does what
 * they do with what is: the mapping is made unevictable (so reclaim leaves
 * its pages in memory, as native), and the pages are charged to the
 * locking user in svshm's own count, checked against the caller's
 * RLIMIT_MEMLOCK as native checks it. The count is svshm's alone: native's
 * SHM_LOCKs and memfd locks do not add to it (see the README). It is one
 * count for the machine, across instances.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/swap.h>
#include <linux/xarray.h>

#include "compat.h"
#include "internal.h"

/*
 * Pages locked per real uid (value entries), over every instance; each
 * read-modify-write of a count under svshm_locked_mutex, which nests
 * inside a table's rwsem.
 */
static DEFINE_XARRAY(svshm_locked_pages);
static DEFINE_MUTEX(svshm_locked_mutex);

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
	unsigned long cur;
	int ret = 0;

	if (limit != RLIM_INFINITY)
		limit >>= PAGE_SHIFT;
	mutex_lock(&svshm_locked_mutex);
	cur = svshm_locked(uid);
	if ((cur + pages < cur || cur + pages > limit) && !svshm_perm_memlock_unlimited())
		ret = -ENOMEM;
	else if (svshm_set_locked(uid, cur + pages))
		ret = -ENOMEM;
	mutex_unlock(&svshm_locked_mutex);
	if (!ret)
		seg->lock_uid = uid;
	return ret;
}

/**
 * svshm_memlock_lock_locked() - SHM_LOCK an unlocked segment
 * @seg: the segment
 *
 * Caller holds the table's rwsem for writing and has checked the rights.
 * Return: 0, or -ENOMEM (over RLIMIT_MEMLOCK).
 */
int svshm_memlock_lock_locked(struct svshm_seg *seg)
{
	int ret;

	ret = svshm_charge(seg, svshm_size_pages(seg->size));
	if (ret)
		return ret;
	mapping_set_unevictable(seg->shm_file->f_mapping);
	spin_lock(&seg->lock);
	seg->mode |= SHM_LOCKED;
	spin_unlock(&seg->lock);
	return 0;
}

/**
 * svshm_memlock_unlock_locked() - drop a segment's SHM_LOCK and its charge
 * @seg: a segment; nothing happens unless it is SHM_LOCKED
 *
 * Caller holds the table's rwsem for writing. The pages stay on the
 * unevictable list until svshm_memlock_rescue() moves them back.
 */
void svshm_memlock_unlock_locked(struct svshm_seg *seg)
{
	unsigned long pages = svshm_size_pages(seg->size);
	bool locked;

	spin_lock(&seg->lock);
	locked = seg->mode & SHM_LOCKED;
	seg->mode &= ~SHM_LOCKED;
	spin_unlock(&seg->lock);
	if (!locked)
		return;
	/* Lowering a count never allocates, so this cannot fail. */
	mutex_lock(&svshm_locked_mutex);
	svshm_set_locked(seg->lock_uid, svshm_locked(seg->lock_uid) - pages);
	mutex_unlock(&svshm_locked_mutex);
	mapping_clear_unevictable(seg->shm_file->f_mapping);
}

/*
 * Native's shmem_unlock_mapping(): put unlocked pages back within reach.
 * The caller holds a reference on @seg and no lock: this may take long.
 */
void svshm_memlock_rescue(struct svshm_seg *seg)
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

void svshm_memlock_exit(void)
{
	xa_destroy(&svshm_locked_pages);
}
