/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm instances (uapi/linux/svshm.h, "Instances"): each mount of the
 * svshm filesystem is a table of its own, reached through DIR/svshm.
 * The helpers here speak the uapi ioctls straight to a descriptor, which
 * may be of /dev/svshm (the initial instance) or of any DIR/svshm, so that
 * one process can use several instances side by side (libsvshm serves one).
 * Each returns what the system call it stands for returns: -1 and errno on
 * failure.
 */
#ifndef SVSHM_SELFTEST_INSTANCE_H
#define SVSHM_SELFTEST_INSTANCE_H

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>

#include <linux/svshm.h>

#include "common.h"

/* DIR/@name in @buf. */
static inline const char *inst_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* mount -t svshm -o @opts none @dir (@opts may be NULL). */
static inline int inst_mount(const char *dir, const char *opts)
{
	return mount("none", dir, SVSHM_FS_TYPE, 0, opts);
}

/* mount -o remount,@opts @dir */
static inline int inst_remount(const char *dir, const char *opts)
{
	return mount("none", dir, SVSHM_FS_TYPE, MS_REMOUNT, opts);
}

/* The instance file of the mount on @dir, open read-write. */
static inline int inst_open(const char *dir)
{
	char path[PATH_MAX];

	return open(inst_path(path, sizeof(path), dir, SVSHM_FS_DEVICE), O_RDWR | O_CLOEXEC);
}

/* shmget(2) on the instance of @fd. */
static inline int inst_get(int fd, key_t key, size_t size, int flags)
{
	struct svshm_get g = { .key = key, .flags = flags, .size = size };

	return ioctl(fd, SVSHM_IOC_GET, &g);
}

/*
 * shmctl(2): @buf is a struct shmid_ds, shminfo or shm_info, or NULL, in
 * the C library's layout (IPC_64 for a 32-bit caller, as libsvshm).
 */
static inline int inst_ctl(int fd, int id, int cmd, void *buf)
{
	struct svshm_ctl c = { .id = id, .cmd = cmd | CTL_IPC_64, .buf = (uintptr_t)buf };

	return ioctl(fd, SVSHM_IOC_CTL, &c);
}

/* shmat(2) at an address the kernel chooses; the address in *@addr. */
static inline int inst_attach(int fd, int id, int flags, void **addr)
{
	struct svshm_attach a = { .id = id, .flags = flags };

	if (ioctl(fd, SVSHM_IOC_ATTACH, &a))
		return -1;
	*addr = (void *)(uintptr_t)a.addr;
	return 0;
}

/* shmdt(2). */
static inline int inst_detach(int fd, const void *addr)
{
	return ioctl(fd, SVSHM_IOC_DETACH, (unsigned long)addr);
}

#endif /* SVSHM_SELFTEST_INSTANCE_H */
