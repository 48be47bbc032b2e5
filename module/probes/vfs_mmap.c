// SPDX-License-Identifier: GPL-2.0
/* vfs_mmap() serves ->mmap and ->mmap_prepare alike (after 6.12). */
#include <linux/fs.h>

int svshm_probe(struct file *file, struct vm_area_struct *vma);
int svshm_probe(struct file *file, struct vm_area_struct *vma)
{
	return vfs_mmap(file, vma);
}
