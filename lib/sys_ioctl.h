/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ioctl system call of the library's fast path: -errno on failure, as
 * the kernel returns it, and errno left as the caller had it.
 *
 * Where a compile probe finds that the x86-64 system call instruction
 * builds (lib/probes.mk: SVSHM_SYSCALL_INSN), it is issued here: glibc's
 * ioctl() is variadic and carries a stack protector, and its wrapper takes
 * several times the instructions of the system call instruction and its
 * setup (make insns counts them). The call is the same to the kernel,
 * seccomp and strace; only a preloaded library that wraps ioctl() itself
 * no longer sees it. Everywhere else, plain ioctl(): no other instruction
 * has been measured to be worth its own code. svshm_sys_call3() is the
 * same way in for any call (make bench's floor).
 */
#ifndef SVSHM_SYS_IOCTL_H
#define SVSHM_SYS_IOCTL_H

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SVSHM_SYSCALL_INSN
/* x32 passes the same registers, with 32-bit longs and numbers of its own. */
_Static_assert(sizeof(long) == 8, "the system call instruction takes 64-bit arguments");

/* System call @nr with three arguments: -errno on failure. */
static inline long svshm_sys_call3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long svshm_sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	return svshm_sys_call3(SYS_ioctl, fd, (long)cmd, (long)arg);
}
#else
static inline long svshm_sys_call3(long nr, long a, long b, long c)
{
	int saved = errno;
	long ret = syscall(nr, a, b, c);

	if (ret < 0) {
		ret = -errno;
		errno = saved;
	}
	return ret;
}

static inline long svshm_sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	int saved = errno;
	long ret = ioctl(fd, cmd, arg);

	if (ret < 0) {
		ret = -errno;
		errno = saved;
	}
	return ret;
}
#endif

#endif
