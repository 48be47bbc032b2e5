// SPDX-License-Identifier: GPL-2.0
/* x86's x32 tasks enter the compat ioctl but call the 64-bit shmctl(2). */
#include <linux/compat.h>

bool svshm_probe(void);
bool svshm_probe(void)
{
	return in_x32_syscall();
}
