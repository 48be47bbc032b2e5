// SPDX-License-Identifier: GPL-2.0
/* hex_asc and the other hex helpers moved from <linux/kernel.h> to their own header (6.2). */
#include <linux/hex.h>

char svshm_probe(unsigned int x);
char svshm_probe(unsigned int x)
{
	return hex_asc_lo(x);
}
