// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture asks 32-bit callers for an alignment of its own
 * (arm64: four pages, which 32-bit ARM's caches want), which native's
 * compat shmat() uses in place of SHMLBA.
 */
#include <linux/mm.h>
#include <asm/shmparam.h>

unsigned long svshm_probe(void);
unsigned long svshm_probe(void)
{
	return COMPAT_SHMLBA;
}
