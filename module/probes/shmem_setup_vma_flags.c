// SPDX-License-Identifier: GPL-2.0
/* shmem_file_setup() takes a vma_flags_t, no longer an unsigned long (after 6.12). */
#include <linux/mm.h>
#include <linux/shmem_fs.h>

struct file *svshm_probe(void);
struct file *svshm_probe(void)
{
	vma_flags_t flags = EMPTY_VMA_FLAGS;

	vma_flags_set(&flags, VMA_NORESERVE_BIT);
	return shmem_file_setup("svshm", PAGE_SIZE, flags);
}
