// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: attach (SVSHM_IOC_ATTACH, and ->mmap of /dev/svshm) and detach
 * (SVSHM_IOC_DETACH).
 *
 * An attachment is native's do_shmat() done with exported API only. The
 * ATTACH ioctl looks the segment up and checks the caller's rights once,
 * makes an attach file on the segment's shmem inode with
 * alloc_file_pseudo() (native's name, SYSV%08x, and none of the open hooks
 * that dentry_open() would run and native does not), and vm_mmap()s that
 * file. Its ->mmap, svshm_attach_mmap(), lets shmem set up the VMA, keeps
 * the vm_ops shmem installed and wraps them with svshm_vm_ops: faults and
 * NUMA policy go straight to shmem (the VMA's file has the shmem inode, as
 * shmem wants), while open and close count nattch. Every VMA that fork,
 * split or mremap makes passes through ->open, so nattch counts VMAs as
 * native's does; remap_file_pages() re-mmaps the VMA's file and so passes
 * through svshm_attach_mmap() again, as native's shm_mmap().
 *
 * The attach count is raised for the whole of vm_mmap(), as native's
 * do_shmat() does: a SHM_REMAP over the last attachment of a removed
 * segment unmaps that attachment first, and must not see nattch reach 0.
 *
 * A raw mmap() of /dev/svshm at offset id pages (the ABI allows it) makes
 * the same attach file in svshm_mmap() and hands the VMA to it.
 *
 * An attach file serves one attachment at a time, as native's: a shmat
 * never maps a file that a live VMA uses, so no two attachments merge and
 * shmdt tells them apart by file. But when the last VMA of an attachment
 * made with the creator's credentials closes, its file is kept in the
 * segment (seg->idle, one per mode) and the next shmat in that mode takes
 * it instead of making a new one, if the caller's credentials are those
 * the file was made with (f_cred, what the LSMs look at on mmap): it is
 * then the file the caller would have made. The creator's credentials are
 * the only ones a kept file may hold, since the segment's shmem file holds
 * them anyway (native's too); any other caller's go at shmdt, as with
 * native. A creator that attaches and detaches in a loop so makes and
 * frees no file and no dentry (native clones its file with
 * alloc_file_clone(), which modules cannot call, and alloc_file_pseudo()
 * makes a dentry each time). The kept file holds the segment; it goes
 * when the segment is destroyed, or when a VMA maps it again.
 *
 * References: each attach file holds one reference on its segment, dropped
 * when the file is released, after the last VMA using it has been closed;
 * each VMA holds the attach file, whose fops pin the module. So a segment,
 * its vm_ops and the module outlive every VMA that can call them.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/stat.h>

#include "compat.h"
#include "internal.h"

/* Caller holds seg->lock. Native's shm_open()/shm_close() bookkeeping. */
static void svshm_set_lpid(struct svshm_seg *seg)
{
	struct pid *pid = task_tgid(current);

	if (seg->lpid != pid) {
		put_pid(seg->lpid);
		seg->lpid = get_pid(pid);
	}
}

/* Which of seg->idle an attach file goes to. */
static inline bool svshm_file_write(struct file *file)
{
	return !!(file->f_mode & FMODE_WRITE);
}

/*
 * May @file, whose last VMA is going, be kept for the next shmat? Not if
 * its slot is taken or the segment is going; nor if its credentials are
 * not the creator's: native lets the attacher's go at shmdt, and a kept
 * file would pin them (a container's user namespace, keyrings, groups)
 * for the segment's life, whereas the creator's are pinned by the
 * segment's own shmem file anyway, here as in native. Caller holds
 * @seg->lock.
 */
static bool svshm_file_keepable(struct svshm_seg *seg, struct file *file)
{
	return !seg->destroyed && !(seg->mode & SHM_DEST) &&
	       !seg->idle[svshm_file_write(file)] &&
	       file->f_cred == seg->shm_file->f_cred;
}

/*
 * Count one more attachment of @seg, unless it is being destroyed (native's
 * __shm_open()): a new VMA of attach file @file, stamped with the attach
 * time and pid; or, with @file NULL, the hold of svshm_attach(), counted
 * alone as native's do_shmat() does, which takes the kept file of mode
 * @write (if any) into *@idle in the same section.
 * Return: 0, or -EIDRM.
 */
static int svshm_seg_open(struct svshm_seg *seg, struct file *file,
			  bool write, struct file **idle)
{
	struct file *kept = NULL;

	spin_lock(&seg->lock);
	if (seg->destroyed) {
		spin_unlock(&seg->lock);
		return -EIDRM;
	}
	seg->nattch++;
	if (file) {
		/*
		 * remap_file_pages() closes a file's last VMA, which keeps the
		 * file, before it maps the file again: in use, it is kept no
		 * more, or the next shmat would share it.
		 */
		if (!svshm_file_att(file)->nvma++ &&
		    seg->idle[svshm_file_write(file)] == file) {
			kept = file;
			seg->idle[svshm_file_write(file)] = NULL;
		}
		seg->atime = ktime_get_real_seconds();
		svshm_set_lpid(seg);
	} else {
		*idle = seg->idle[write];
		seg->idle[write] = NULL;
	}
	spin_unlock(&seg->lock);
	/* The VMA being set up holds the file too: this is never the last. */
	if (kept)
		fput(kept);
	return 0;
}

/*
 * Count one attachment of @seg less, and destroy a removed segment with its
 * last one (native's __shm_close()); @file as for svshm_seg_open(). When
 * the last VMA of @file goes, the file is kept for the next shmat, unless
 * its slot is taken or the segment is going. The caller holds a reference
 * on @seg (the attach file's): it stays valid through this.
 */
static void svshm_seg_close(struct svshm_seg *seg, struct file *file)
{
	bool last;

	spin_lock(&seg->lock);
	seg->nattch--;
	if (file) {
		seg->dtime = ktime_get_real_seconds();
		svshm_set_lpid(seg);
		if (!--svshm_file_att(file)->nvma && svshm_file_keepable(seg, file))
			seg->idle[svshm_file_write(file)] = get_file(file);
	}
	last = seg->nattch == 0 &&
	       ((seg->mode & SHM_DEST) || READ_ONCE(seg->table->limits.rmid_forced));
	spin_unlock(&seg->lock);
	if (last)
		svshm_seg_maybe_destroy(seg);
}

static void svshm_vm_open(struct vm_area_struct *vma)
{
	struct svshm_attachment *att = svshm_vma_att(vma);
	struct svshm_seg *seg = att->seg;

	/* A VMA of the segment exists, so it cannot be destroyed yet. */
	spin_lock(&seg->lock);
	seg->nattch++;
	att->nvma++;
	seg->atime = ktime_get_real_seconds();
	svshm_set_lpid(seg);
	spin_unlock(&seg->lock);
}

static void svshm_vm_close(struct vm_area_struct *vma)
{
	svshm_seg_close(svshm_vma_att(vma)->seg, vma->vm_file);
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

/* As native's shm_may_split() and shm_pagesize(): whatever shmem says. */
static int svshm_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vma)->vm_ops;

	return ops->may_split ? ops->may_split(vma, addr) : 0;
}

static unsigned long svshm_vm_pagesize(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vma)->vm_ops;

	return ops->pagesize ? ops->pagesize(vma) : PAGE_SIZE;
}

#ifdef CONFIG_NUMA
/*
 * mbind() and get_mempolicy() on an attachment: the policy is shmem's
 * shared policy of the segment's inode, as native's shm_set_policy() and
 * shm_get_policy() (the getter is compat.h's: its arguments differ
 * between kernels).
 */
static int svshm_vm_set_policy(struct vm_area_struct *vma,
			       struct mempolicy *mpol)
{
	const struct vm_operations_struct *ops = svshm_vma_att(vma)->vm_ops;

	return ops->set_policy ? ops->set_policy(vma, mpol) : 0;
}

#endif

static const struct vm_operations_struct svshm_vm_ops = {
	.open = svshm_vm_open,
	.close = svshm_vm_close,
	.fault = svshm_vm_fault,
	.map_pages = svshm_vm_map_pages,
	.may_split = svshm_vm_may_split,
	.pagesize = svshm_vm_pagesize,
#ifdef CONFIG_NUMA
	.set_policy = svshm_vm_set_policy,
	.get_policy = svshm_vm_get_policy,
#endif
};

/**
 * svshm_attach_mmap() - ->mmap of an attach file (native's shm_mmap())
 * @file: the attach file
 * @vma: the new VMA, whose file is @file
 *
 * Reached from svshm_attach()'s vm_mmap(), from svshm_mmap() for a raw
 * mmap of the device, and from remap_file_pages(), which re-mmaps the
 * VMA's file. The caller has checked the rights; the file's mode bounds
 * the protections.
 *
 * Return: 0, -EIDRM (the segment is being destroyed), or shmem's error.
 */
static int svshm_attach_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct svshm_attachment *att = svshm_file_att(file);
	struct svshm_seg *seg = att->seg;
	int ret;

	ret = svshm_seg_open(seg, file, false, NULL);
	if (ret)
		return ret;
	ret = svshm_vfs_mmap(seg->shm_file, vma);
	if (ret) {
		svshm_seg_close(seg, file);
		return ret;
	}
	att->vm_ops = vma->vm_ops;
	vma->vm_ops = &svshm_vm_ops;
	return 0;
}

/*
 * Where to map a segment: where shmem would map its file, so that huge
 * pages fit (native's shm_get_unmapped_area()). shmem wants its own file.
 */
static unsigned long svshm_seg_get_unmapped_area(struct svshm_seg *seg,
						 unsigned long addr,
						 unsigned long len,
						 unsigned long pgoff,
						 unsigned long flags)
{
	struct file *shm = seg->shm_file;

	return shm->f_op->get_unmapped_area(shm, addr, len, pgoff, flags);
}

/* The offsets of an attach file are the shmem file's: pass them on. */
static unsigned long svshm_attach_get_unmapped_area(struct file *file,
						    unsigned long addr,
						    unsigned long len,
						    unsigned long pgoff,
						    unsigned long flags)
{
	return svshm_seg_get_unmapped_area(svshm_file_att(file)->seg, addr,
					   len, pgoff, flags);
}

/**
 * svshm_get_unmapped_area() - ->get_unmapped_area of an instance's device
 * @filp: the device file (/dev/svshm or DIR/svshm)
 * @addr: the address asked, or a hint
 * @len: the length of the mapping
 * @pgoff: the offset, in pages: the segment id
 * @flags: the mmap flags
 *
 * The offset names a segment, not a place in it: shmem is asked for
 * offset 0, where a raw mapping of the device begins.
 *
 * Return: the address, or -EINVAL if no segment has that id.
 */
unsigned long svshm_get_unmapped_area(struct file *filp, unsigned long addr,
				      unsigned long len, unsigned long pgoff,
				      unsigned long flags)
{
	struct svshm_seg *seg;
	unsigned long ret;

	if (pgoff > INT_MAX)
		return -EINVAL;
	seg = svshm_seg_get_by_id(svshm_file_table(filp), pgoff);
	if (!seg)
		return -EINVAL;
	ret = svshm_seg_get_unmapped_area(seg, addr, len, 0, flags);
	svshm_seg_put(seg);
	return ret;
}

static int svshm_attach_release(struct inode *inode, struct file *file)
{
	struct svshm_attachment *att = svshm_file_att(file);

	svshm_seg_put(att->seg);
	kfree(att);
	return 0;
}

/* msync(MS_SYNC) and madvise(MADV_REMOVE) reach the attach file. */
static int svshm_attach_fsync(struct file *file, loff_t start, loff_t end,
			      int datasync)
{
	struct file *shm = svshm_file_att(file)->seg->shm_file;

	if (!shm->f_op->fsync)
		return -EINVAL;
	return shm->f_op->fsync(shm, start, end, datasync);
}

static long svshm_attach_fallocate(struct file *file, int mode, loff_t offset,
				   loff_t len)
{
	struct file *shm = svshm_file_att(file)->seg->shm_file;

	if (!shm->f_op->fallocate)
		return -EOPNOTSUPP;
	return shm->f_op->fallocate(shm, mode, offset, len);
}

static const struct file_operations svshm_attach_fops = {
	.owner = THIS_MODULE,
	.mmap = svshm_attach_mmap,
	.get_unmapped_area = svshm_attach_get_unmapped_area,
	.release = svshm_attach_release,
	.fsync = svshm_attach_fsync,
	.fallocate = svshm_attach_fallocate,
	.llseek = noop_llseek,
};

/**
 * svshm_attach_file() - make the attach file of @seg
 * @seg: the segment; its reference passes to the file on success
 * @write: read-write rather than read-only
 *
 * A new file on the shmem inode, under the shmem file's name (SYSV%08x,
 * which the ps tools and /proc/PID/maps show), as native's do_shmat()
 * makes with alloc_file_clone(). alloc_file_pseudo() runs no LSM open
 * check and no fsnotify, as native's does not.
 *
 * Return: the file, or an ERR_PTR; on error the caller keeps @seg's
 * reference.
 */
static struct file *svshm_attach_file(struct svshm_seg *seg, bool write)
{
	struct inode *inode = file_inode(seg->shm_file);
	struct svshm_attachment *att;
	struct file *file;

	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return ERR_PTR(-ENOMEM);
	/* The module reference that fput() drops with the file's fops. */
	if (!try_module_get(svshm_attach_fops.owner)) {
		file = ERR_PTR(-ENODEV);
		goto out_free;
	}
	/* The file's dentry takes this inode reference over on success. */
	ihold(inode);
	file = alloc_file_pseudo(inode, seg->shm_file->f_path.mnt,
				 seg->shm_file->f_path.dentry->d_name.name,
				 (write ? O_RDWR : O_RDONLY) | O_LARGEFILE,
				 &svshm_attach_fops);
	if (IS_ERR(file))
		goto out_iput;
	att->seg = seg;
	file->private_data = att;
	return file;

out_iput:
	iput(inode);
	module_put(svshm_attach_fops.owner);
out_free:
	kfree(att);
	return file;
}

/**
 * svshm_mmap() - ->mmap of an instance's device: attach segment vm_pgoff
 * @filp: the device file (/dev/svshm or DIR/svshm)
 * @vma: a shared mapping of exactly the segment's pages at offset id pages
 *
 * The access asked is the mapping's: read always, write with PROT_WRITE,
 * execute with PROT_EXEC. A mapping made without write can never gain it,
 * as native's read-only attach. The VMA then belongs to a new attach file,
 * as one that SVSHM_IOC_ATTACH makes.
 *
 * Unlike shmat(SHM_REMAP), a MAP_FIXED raw mmap over the last attachment of
 * a removed segment destroys it: the kernel unmaps the old range before
 * calling this, with no count held. The library never does that.
 *
 * Return: 0, -EINVAL (no such id, wrong length, private mapping), -EACCES,
 * -EIDRM (destroyed meanwhile), -ENOMEM.
 */
int svshm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	bool write = vma->vm_flags & VM_WRITE;
	int acc_mode = 0444;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	struct file *file;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > INT_MAX)
		return -EINVAL;
	seg = svshm_seg_get_by_id(svshm_file_table(filp), vma->vm_pgoff);
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

	file = svshm_attach_file(seg, write);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put;
	}
	/* From here on the VMA's file owns the segment reference. */
	vma->vm_pgoff = 0;
	vma_set_file(vma, file);
	fput(file);
	ret = svshm_attach_mmap(file, vma);
	if (ret)
		return ret;
	if (!write)
		svshm_vm_flags_clear(vma, VM_MAYWRITE);
	return 0;

out_put:
	svshm_seg_put(seg);
	return ret;
}

/*
 * Does a mapping of the caller take any of [@addr, @addr + @size)? Asked
 * only where vm_mmap() would refuse the range for running past the top of
 * the address space (ENOMEM) before MAP_FIXED_NOREPLACE looks at what is
 * there: native's do_shmat() looks first (EINVAL). Either way nothing is
 * mapped, so a look apart from the mapping is enough.
 */
static bool svshm_range_in_use(unsigned long addr, unsigned long size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool used;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	used = vma && vma->vm_start < addr + size;
	mmap_read_unlock(mm);
	return used;
}

/**
 * svshm_attach() - shmat(2): map a segment into the caller
 * @table: the caller's instance
 * @id: the segment id
 * @flags: SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC
 * @addr: in: the address asked, 0 for any; out: where it was mapped
 *
 * Checks in native do_shmat()'s order, one lookup and one permission
 * check, then maps the whole segment with vm_mmap() of a new attach file,
 * which calls svshm_attach_mmap(). Without SHM_REMAP an address in use
 * fails, atomically (MAP_FIXED_NOREPLACE) rather than by a separate look.
 * The attach count is held across vm_mmap(): see the top of this file.
 */
long svshm_attach(struct svshm_table *table, int id, int flags,
		  unsigned long *addr)
{
	unsigned long prot = PROT_READ, mflags = MAP_SHARED, ret;
	unsigned long a = *addr, shmlba = svshm_shmlba();
	int acc_mode = 0444;
	struct svshm_perm perm;
	struct svshm_seg *seg;
	struct file *file;
	int err;

	if (id < 0)
		return -EINVAL;
	if (a) {
		if (a & (shmlba - 1)) {
			if (flags & SHM_RND) {
				a &= ~(shmlba - 1);
				if (!a && (flags & SHM_REMAP))
					return -EINVAL;
			} else if (svshm_shmlba_refused(a)) {
				return -EINVAL;
			}
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

	seg = svshm_seg_get_by_id(table, id);
	if (!seg)
		return -EINVAL;
	svshm_perm_snapshot(seg, &perm);
	err = svshm_perm_access(&perm, acc_mode);
	if (err)
		goto out_put;
	err = -EINVAL;
	if (a && !(flags & SHM_REMAP) && a + seg->size < a)
		goto out_put;
	if (a && !(flags & SHM_REMAP) && (a > TASK_SIZE || seg->size > TASK_SIZE - a) &&
	    svshm_range_in_use(a, seg->size))
		goto out_put;

	err = svshm_seg_open(seg, NULL, prot & PROT_WRITE, &file);
	if (err)
		goto out_put;
	/* A kept file is as new only to a caller with its credentials. */
	if (file && file->f_cred != current_cred()) {
		fput(file);
		file = NULL;
	}
	if (file) {
		/* It holds the segment, as long as the reference to it here. */
		svshm_seg_put(seg);
	} else {
		file = svshm_attach_file(seg, prot & PROT_WRITE);
		if (IS_ERR(file)) {
			err = PTR_ERR(file);
			svshm_seg_close(seg, NULL);
			goto out_put;
		}
	}
	/* The file owns the segment reference now, and keeps it to the end. */
	ret = vm_mmap(file, a, seg->size, prot, mflags, 0);
	svshm_seg_close(seg, NULL);
	fput(file);
	if (IS_ERR_VALUE(ret))
		return (long)ret == -EEXIST ? -EINVAL : (long)ret;
	*addr = ret;
	return 0;

out_put:
	svshm_seg_put(seg);
	return err;
}

/* Is @vma a piece of an attachment made at @addr (native's shmdt test)? */
static bool svshm_vma_at(struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_ops == &svshm_vm_ops &&
	       (vma->vm_start - addr) >> PAGE_SHIFT == vma->vm_pgoff;
}

/*
 * Find the next piece to unmap at or above @from: the first svshm VMA that
 * starts where an attachment at @addr would put it (@end still 0), then
 * only pieces of that same attachment (@file) ending within its size
 * (@end). The file is referenced only if the first piece does not end the
 * attachment, to tell its further pieces from another's after an unmap:
 * most often the first piece is the whole attachment.
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
		if (*end && vma->vm_end > *end)
			break;
		if (!svshm_vma_at(vma, addr) || (*end && vma->vm_file != *file))
			continue;
		if (!*end) {
			*end = addr + PAGE_ALIGN(svshm_vma_att(vma)->seg->size);
			if (vma->vm_end < *end)
				*file = get_file(vma->vm_file);
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
	if (file)
		fput(file);
	return end ? 0 : -EINVAL;
}
