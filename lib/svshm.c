// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsvshm: shmget, shmat, shmdt and shmctl over the ioctls of /dev/svshm.
 *
 * Thread safety: the only shared state is the device descriptor, set once
 * with a compare-and-swap; a thread that loses the race closes its own.
 * Fork safety: the descriptor is inherited and the device keeps no state
 * per descriptor, so a child goes on using it; exec closes it (O_CLOEXEC).
 * User buffers go to the kernel untouched, so a bad pointer gets EFAULT
 * from the kernel as with the native calls, never a crash here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "svshm.h"

#define SVSHM_DEVICE "/dev/svshm"

static int svshm_fd = -1;
static int svshm_warned;

/* Return the device's descriptor, opening it on first use; -1 and ENOSYS. */
static int svshm_dev(void)
{
	int fd = __atomic_load_n(&svshm_fd, __ATOMIC_ACQUIRE);
	int expected = -1;
	int err;

	if (fd >= 0)
		return fd;
	fd = open(SVSHM_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (!__atomic_exchange_n(&svshm_warned, 1, __ATOMIC_RELAXED))
			fprintf(stderr, "libsvshm: cannot open %s: %s%s\n",
				SVSHM_DEVICE, strerror(err),
				err == ENOENT ? " (is svshm.ko loaded?)" : "");
		errno = ENOSYS;
		return -1;
	}
	if (!__atomic_compare_exchange_n(&svshm_fd, &expected, fd, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		close(fd);
		fd = expected;
	}
	return fd;
}

int svshm_shmget(key_t key, size_t size, int shmflg)
{
	struct svshm_get g = { .key = key, .flags = shmflg, .size = size };
	int fd = svshm_dev();

	if (fd < 0)
		return -1;
	return ioctl(fd, SVSHM_IOC_GET, &g);
}

void *svshm_shmat(int shmid, const void *shmaddr, int shmflg)
{
	struct svshm_attach a = {
		.id = shmid,
		.flags = shmflg,
		.addr = (uintptr_t)shmaddr,
	};
	int fd = svshm_dev();

	if (fd < 0 || ioctl(fd, SVSHM_IOC_ATTACH, &a) < 0)
		return (void *)-1;
	return (void *)(uintptr_t)a.addr;
}

int svshm_shmdt(const void *shmaddr)
{
	__u64 addr = (uintptr_t)shmaddr;
	int fd = svshm_dev();

	if (fd < 0)
		return -1;
	return ioctl(fd, SVSHM_IOC_DETACH, &addr);
}

int svshm_shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct svshm_ctl c = { .id = shmid, .cmd = cmd, .buf = (uintptr_t)buf };
	int fd = svshm_dev();

	if (fd < 0)
		return -1;
	return ioctl(fd, SVSHM_IOC_CTL, &c);
}
