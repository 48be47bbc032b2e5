/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm: the few shims between the kernels we build for (6.1 and 6.12).
 *
 * Each SVSHM_HAVE_* is found by Kbuild in the headers of the kernel built
 * for, so that no code here compares version numbers.
 */
#ifndef _SVSHM_COMPAT_H
#define _SVSHM_COMPAT_H

#include <linux/mm.h>

/* vm_flags became read-only behind helpers in 6.3. */
static inline void svshm_vm_flags_clear(struct vm_area_struct *vma,
					vm_flags_t flags)
{
#ifdef SVSHM_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

#endif /* _SVSHM_COMPAT_H */
