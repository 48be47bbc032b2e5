// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: attach (->mmap of /dev/svshm, and SVSHM_IOC_ATTACH on top of it)
 * and detach (SVSHM_IOC_DETACH).
 *
 * An attachment is native's trick done with exported API only. ->mmap
 * opens a second struct file on the segment's shmem inode (dentry_open()),
 * gives it svshm_attach_fops, whose owner pins this module, and makes it
 * the VMA's file. shmem's own ->mmap then installs its vm_ops, which we
 * keep in the attach file and wrap with svshm_vm_ops: faults go straight to
 * shmem (the VMA's file has the shmem inode, as shmem_fault() wants), while
 * open and close count nattch. Every VMA that fork, split or mremap makes
 * passes through ->open, so nattch counts VMAs as native's does.
 *
 * References: each attach file holds one reference on its segment, dropped
 * when the file is released, after the last VMA using it has been closed;
 * each VMA holds the attach file. So a segment, its vm_ops and the module
 * outlive every VMA that can call them.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/stat.h>

#include "compat.h"
#include "svshm.h"

/**
 * struct svshm_attachment - private_data of an attach file
 * @seg: the segment, referenced
 * @vm_ops: the operations shmem installed, to forward faults to
 *
 * Both are written once in svshm_mmap() before the VMA is visible.
 */
struct svshm_attachment {
	struct svshm_seg *seg;
	const struct vm_operations_struct *vm_ops;
};

static inline struct svshm_attachment *svshm_vma_att(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

/* Caller holds seg->lock. Native's shm_open()/shm_close() bookkeeping. */
static void svshm_set_lpid(struct svshm_seg *seg)
{
	struct pid *pid = task_tgid(current);

	if (seg->lpid != pid) {
		put_pid(seg->lpid);
		seg->lpid = get_pid(pid);
	}
}

static void svshm_vm_open(struct vm_area_struct *vma)
{
	struct svshm_seg *seg = svshm_vma_att(vma)->seg;

	spin_lock(&seg->lock);
	seg->nattch++;
	seg->atime = ktime_get_real_seconds();
	svshm_set_lpid(seg);
	spin_unlock(&seg->lock);
}

static void svshm_vm_close(struct vm_area_struct *vma)
{
	struct svshm_seg *seg = svshm_vma_att(vma)->seg;
	bool last;

	spin_lock(&seg->lock);
	seg->nattch--;
	seg->dtime = ktime_get_real_seconds();
	svshm_set_lpid(seg);
	last = seg->nattch == 0 &&
	       ((seg->mode & SHM_DEST) || READ_ONCE(svshm_rmid_forced));
	spin_unlock(&seg->lock);
	/* The attach file's reference keeps @seg alive through this. */
	if (last)
		svshm_seg_maybe_destroy(seg);
}

static vm_fault_t svshm_vm_fault(struct vm_fault *vmf)
{
	return svshm_vma_att(vmf->vma)->vm_ops->fault(vmf);
}

/* Native shm does not forward this; fault-around saves most faults. */
static vm_fault_t svshm_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				     pgoff_t end)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vmf->vma)->vm_ops;

	return ops->map_pages ? ops->map_pages(vmf, start, end) : 0;
}

static const struct vm_operations_struct svshm_vm_ops = {
	.open = svshm_vm_open,
	.close = svshm_vm_close,
	.fault = svshm_vm_fault,
	.map_pages = svshm_vm_map_pages,
};

static int svshm_attach_release(struct inode *inode, struct file *file)
{
	struct svshm_attachment *att = file->private_data;

	svshm_seg_put(att->seg);
	kfree(att);
	return 0;
}

/* msync(MS_SYNC) and madvise(MADV_REMOVE) reach the attach file. */
static int svshm_attach_fsync(struct file *file, loff_t start, loff_t end,
			      int datasync)
{
	struct file *shm = ((struct svshm_attachment *)file->private_data)->seg->shm_file;

	if (!shm->f_op->fsync)
		return -EINVAL;
	return shm->f_op->fsync(shm, start, end, datasync);
}

static long svshm_attach_fallocate(struct file *file, int mode, loff_t offset,
				   loff_t len)
{
	struct file *shm = ((struct svshm_attachment *)file->private_data)->seg->shm_file;

	if (!shm->f_op->fallocate)
		return -EOPNOTSUPP;
	return shm->f_op->fallocate(shm, mode, offset, len);
}

static const struct file_operations svshm_attach_fops = {
	.owner = THIS_MODULE,
	.release = svshm_attach_release,
	.fsync = svshm_attach_fsync,
	.fallocate = svshm_attach_fallocate,
	.llseek = noop_llseek,
};

/* Open the attach file of @seg; on success it owns @att and its reference. */
static struct file *svshm_attach_file(struct svshm_seg *seg,
				      struct svshm_attachment *att, bool write)
{
	struct file *file;

	file = dentry_open(&seg->shm_file->f_path,
			   (write ? O_RDWR : O_RDONLY) | O_LARGEFILE,
			   current_cred());
	if (IS_ERR(file))
		return file;
	/* The module reference that fops_put() drops when the file goes. */
	if (!try_module_get(svshm_attach_fops.owner)) {
		fput(file);
		return ERR_PTR(-ENODEV);
	}
	replace_fops(file, &svshm_attach_fops);
	att->seg = seg;
	file->private_data = att;
	return file;
}

/**
 * svshm_mmap() - ->mmap of /dev/svshm: attach segment vm_pgoff
 * @filp: the device file
 * @vma: a shared mapping of exactly the segment's pages at offset id pages
 *
 * The access asked is the mapping's: read always, write with PROT_WRITE,
 * execute with PROT_EXEC. A mapping made without write can never gain it,
 * as native's read-only attach.
 *
 * Return: 0, -EINVAL (no such id, wrong length, private mapping), -EACCES,
 * -EIDRM (destroyed meanwhile), -ENOMEM.
 */
int svshm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	bool write = vma->vm_flags & VM_WRITE;
	int acc_mode = 0444;
	struct svshm_attachment *att;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	struct file *file;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > INT_MAX)
		return -EINVAL;
	seg = svshm_seg_get_by_id(vma->vm_pgoff);
	if (!seg)
		return -EINVAL;
	ret = -EINVAL;
	if (vma->vm_end - vma->vm_start != PAGE_ALIGN(seg->size))
		goto out_put;
	if (write)
		acc_mode |= 0222;
	if (vma->vm_flags & VM_EXEC)
		acc_mode |= 0111;
	svshm_perm_snapshot(seg, &perm);
	ret = svshm_perm_access(&perm, acc_mode);
	if (ret)
		goto out_put;

	ret = -ENOMEM;
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		goto out_put;
	file = svshm_attach_file(seg, att, write);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		kfree(att);
		goto out_put;
	}

	/* From here on the VMA's file owns @att and the segment reference. */
	vma->vm_pgoff = 0;
	vma_set_file(vma, file);
	fput(file);
	ret = svshm_vfs_mmap(seg->shm_file, vma);
	if (ret)
		return ret;
	if (!write)
		svshm_vm_flags_clear(vma, VM_MAYWRITE);

	spin_lock(&seg->lock);
	if (seg->destroyed) {
		spin_unlock(&seg->lock);
		return -EIDRM;
	}
	att->vm_ops = vma->vm_ops;
	vma->vm_ops = &svshm_vm_ops;
	seg->nattch++;
	seg->atime = ktime_get_real_seconds();
	svshm_set_lpid(seg);
	spin_unlock(&seg->lock);
	return 0;

out_put:
	svshm_seg_put(seg);
	return ret;
}

/**
 * svshm_attach() - shmat(2): map a segment into the caller
 * @filp: the device file, which the mapping goes through
 * @id: the segment id
 * @flags: SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC
 * @addr: in: the address asked, 0 for any; out: where it was mapped
 *
 * Checks in native do_shmat()'s order, then maps the whole segment with
 * vm_mmap(), which calls svshm_mmap(). Without SHM_REMAP an address in use
 * fails, atomically (MAP_FIXED_NOREPLACE) rather than by a separate look.
 */
long svshm_attach(struct file *filp, int id, int flags, unsigned long *addr)
{
	unsigned long prot = PROT_READ, mflags = MAP_SHARED, ret;
	unsigned long a = *addr;
	int acc_mode = 0444;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	size_t size;
	int err;

	if (id < 0)
		return -EINVAL;
	if (a) {
		if (a & (SHMLBA - 1)) {
			if (!(flags & SHM_RND))
				return -EINVAL;
			a &= ~(SHMLBA - 1);
			if (!a && (flags & SHM_REMAP))
				return -EINVAL;
		}
		mflags |= flags & SHM_REMAP ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	} else if (flags & SHM_REMAP) {
		return -EINVAL;
	}
	if (!(flags & SHM_RDONLY)) {
		prot |= PROT_WRITE;
		acc_mode |= 0222;
	}
	if (flags & SHM_EXEC) {
		prot |= PROT_EXEC;
		acc_mode |= 0111;
	}

	seg = svshm_seg_get_by_id(id);
	if (!seg)
		return -EINVAL;
	svshm_perm_snapshot(seg, &perm);
	size = seg->size;
	svshm_seg_put(seg);
	err = svshm_perm_access(&perm, acc_mode);
	if (err)
		return err;
	if (a && !(flags & SHM_REMAP) && a + size < a)
		return -EINVAL;

	ret = vm_mmap(filp, a, size, prot, mflags, (unsigned long)id << PAGE_SHIFT);
	if (IS_ERR_VALUE(ret))
		return (long)ret == -EEXIST ? -EINVAL : (long)ret;
	*addr = ret;
	return 0;
}

/* Is @vma a piece of an attachment made at @addr (native's shmdt test)? */
static bool svshm_vma_at(struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_ops == &svshm_vm_ops &&
	       (vma->vm_start - addr) >> PAGE_SHIFT == vma->vm_pgoff;
}

/*
 * Find the next piece to unmap at or above @from: the first svshm VMA that
 * starts where an attachment at @addr would put it, then only pieces of
 * that same attachment (@file) ending within its size (@end).
 */
static bool svshm_detach_next(struct mm_struct *mm, unsigned long addr,
			      unsigned long from, struct file **file,
			      unsigned long *end, unsigned long *start,
			      unsigned long *stop)
{
	struct vm_area_struct *vma;
	bool found = false;

	mmap_read_lock(mm);
	for (vma = find_vma(mm, from); vma; vma = find_vma(mm, vma->vm_end)) {
		if (*file && vma->vm_end > *end)
			break;
		if (!svshm_vma_at(vma, addr) || (*file && vma->vm_file != *file))
			continue;
		if (!*file) {
			*file = get_file(vma->vm_file);
			*end = addr + PAGE_ALIGN(svshm_vma_att(vma)->seg->size);
		}
		*start = vma->vm_start;
		*stop = vma->vm_end;
		found = true;
		break;
	}
	mmap_read_unlock(mm);
	return found;
}

/**
 * svshm_detach() - shmdt(2): unmap the attachment that begins at @addr
 * @addr: the address shmat returned
 *
 * As native: every piece (left by mprotect() or a partial munmap()) of the
 * first attachment found whose offsets match @addr, within its size. The
 * pieces are found under mmap_lock and unmapped with vm_munmap() one by
 * one, the only unmap exported to modules; a thread that unmaps and maps
 * over the same range concurrently loses what it mapped, as it would with
 * any other pair of racing munmap and mmap calls.
 *
 * Return: 0, or -EINVAL if @addr is unaligned or no attachment starts there.
 */
long svshm_detach(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	unsigned long from = addr, end = 0, start, stop;
	struct file *file = NULL;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	while (svshm_detach_next(mm, addr, from, &file, &end, &start, &stop)) {
		vm_munmap(start, stop - start);
		/* The piece that ends the attachment (most often the whole of it). */
		if (stop >= end)
			break;
		from = stop;
	}
	if (!file)
		return -EINVAL;
	fput(file);
	return 0;
}
