/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftests share beyond a backend: the page size they assume,
 * the unprivileged user they become, native's id layout, a write of
 * a sysctl, a module parameter or a /proc file, and a range for fixed
 * attaches.
 */
#ifndef SVSHM_SELFTEST_COMMON_H
#define SVSHM_SELFTEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define PG		4096UL	/* x86-64's page, which the tests size segments in */
#define NOBODY		65534	/* nobody's uid and nogroup's gid on Debian */
#define IDX_BITS	15	/* native's id: index + (sequence << 15) */

/*
 * Write @val to the file @path in one write(2): 0, or the errno of the
 * open, the write or the close (EIO for a short write), which is how a
 * sysctl or a module parameter refuses a value.
 */
static inline int file_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	else if (n != (ssize_t)strlen(val))
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}

/*
 * Reserve @len bytes (PROT_NONE) that start on a multiple of SHMLBA, the
 * alignment SHM_RND rounds to: a page, but four for a 32-bit ARM program
 * (the C library's SHMLBA, the kernel's COMPAT_SHMLBA), so that an
 * address rounded down from inside the range stays in it. NULL if the
 * reservation failed.
 */
static inline char *reserve_shmlba(size_t len)
{
	size_t lba = SHMLBA, slack = lba > PG ? lba - PG : 0;
	char *p = mmap(NULL, len + slack, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + lba - 1) & ~(uintptr_t)(lba - 1));
	if (a > p)
		munmap(p, a - p);
	if (p + slack > a)
		munmap(a + len, p + slack - a);
	return a;
}

/*
 * What a 32-bit C library adds to shmctl's command (glibc's __IPC_64) for
 * the layout of its struct shmid_ds; without it a 32-bit caller gets the
 * old one. A raw SVSHM_IOC_CTL with a struct shmid_ds adds it too.
 */
#define CTL_IPC_64	(sizeof(long) < 8 ? 0x100 : 0)

#endif /* SVSHM_SELFTEST_COMMON_H */
