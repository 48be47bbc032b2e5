// SPDX-License-Identifier: GPL-2.0
/* vm_operations_struct.get_policy takes an interleave index (6.7). */
#include <linux/mm.h>

struct mempolicy *svshm_probe(const struct vm_operations_struct *ops,
			      struct vm_area_struct *vma, pgoff_t *ilx);
struct mempolicy *svshm_probe(const struct vm_operations_struct *ops,
			      struct vm_area_struct *vma, pgoff_t *ilx)
{
	return ops->get_policy(vma, 0, ilx);
}
