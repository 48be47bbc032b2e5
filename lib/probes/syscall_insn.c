// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Does the fast path's system call instruction build with this compiler
 * and these flags? It names x86-64's registers and takes 64-bit longs, so
 * any other target (arm64, i386, x32) fails to build it (lib/probes.mk).
 */
#define SVSHM_SYSCALL_INSN
#include "../sys_ioctl.h"

long svshm_probe(int fd, unsigned long cmd, unsigned long arg);

long svshm_probe(int fd, unsigned long cmd, unsigned long arg)
{
	return svshm_sys_ioctl(fd, cmd, arg);
}
