// SPDX-License-Identifier: GPL-2.0
/* vm_flags became read-only behind helpers (6.3). */
#include <linux/mm.h>

void svshm_probe(struct vm_area_struct *vma);
void svshm_probe(struct vm_area_struct *vma)
{
	vm_flags_clear(vma, VM_MAYWRITE);
}
