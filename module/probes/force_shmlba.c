// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture holds every attach address to SHMLBA, not only the
 * SHM_RND ones, since its data caches alias (arm, mips, sparc, ...):
 * native's do_shmat() then refuses any address not a multiple of it.
 */
#include <linux/mm.h>
#include <asm/shmparam.h>

#ifndef __ARCH_FORCE_SHMLBA
#error "attach addresses need only be page-aligned here"
#endif
