// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: shmctl(2)'s buffers for a 32-bit caller of a 64-bit kernel, laid
 * out as native's compat_ksys_shmctl() lays them. Built with CONFIG_COMPAT
 * alone; ioctl.c sends here the callers native's compat system calls serve.
 *
 * Only the buffer at struct svshm_ctl's @buf differs: the ioctl's own
 * argument has one layout for every caller. IPC_64 travels in @cmd, as a
 * 32-bit C library hands it to ipc(2), and is parsed as native's
 * compat_ksys_old_shmctl() parses it: with it, the layouts of 64-bit times
 * in two halves (the kernel's struct compat_shmid64_ds) and of 32-bit
 * limits; without it, the old ones (16-bit ids, 32-bit times, a 16-bit
 * nattch, int limits). SHM_INFO has one layout either way. The commands,
 * their checks and their errors are ctl.c's, read into the kernel's own
 * structures and only then laid out here.
 */
#include <linux/compat.h>
#include <linux/highuid.h>
#include <linux/ipc.h>
#include <linux/shm.h>
#include <linux/string.h>
#include <linux/time32.h>
#include <linux/uaccess.h>

#include "internal.h"

/* The old struct ipc_perm, without IPC_64 (native's compat_ipc_perm). */
struct svshm_compat_ipc_perm {
	compat_key_t key;
	__compat_uid_t uid;
	__compat_gid_t gid;
	__compat_uid_t cuid;
	__compat_gid_t cgid;
	compat_mode_t mode;
	unsigned short seq;
};

/* The old struct shmid_ds, without IPC_64 (native's compat_shmid_ds). */
struct svshm_compat_shmid_ds {
	struct svshm_compat_ipc_perm shm_perm;
	int shm_segsz;
	old_time32_t shm_atime;
	old_time32_t shm_dtime;
	old_time32_t shm_ctime;
	compat_ipc_pid_t shm_cpid;
	compat_ipc_pid_t shm_lpid;
	unsigned short shm_nattch;
	unsigned short shm_unused;
	compat_uptr_t shm_unused2;
	compat_uptr_t shm_unused3;
};

/* struct shminfo64 of a 32-bit caller: IPC_INFO with IPC_64. */
struct svshm_compat_shminfo64 {
	compat_ulong_t shmmax;
	compat_ulong_t shmmin;
	compat_ulong_t shmmni;
	compat_ulong_t shmseg;
	compat_ulong_t shmall;
	compat_ulong_t unused[4];
};

/* struct shm_info of a 32-bit caller: SHM_INFO, either version. */
struct svshm_compat_shm_info {
	compat_int_t used_ids;
	compat_ulong_t shm_tot;
	compat_ulong_t shm_rss;
	compat_ulong_t shm_swp;
	compat_ulong_t swap_attempts;
	compat_ulong_t swap_successes;
};

/* With IPC_64: the times in two 32-bit halves. */
static int svshm_compat_put_ds64(void __user *buf, const struct shmid64_ds *in)
{
	struct compat_shmid64_ds v;

	memset(&v, 0, sizeof(v));
	v.shm_perm.key = in->shm_perm.key;
	v.shm_perm.uid = in->shm_perm.uid;
	v.shm_perm.gid = in->shm_perm.gid;
	v.shm_perm.cuid = in->shm_perm.cuid;
	v.shm_perm.cgid = in->shm_perm.cgid;
	v.shm_perm.mode = in->shm_perm.mode;
	v.shm_perm.seq = in->shm_perm.seq;
	v.shm_segsz = in->shm_segsz;
	v.shm_atime = lower_32_bits(in->shm_atime);
	v.shm_atime_high = upper_32_bits(in->shm_atime);
	v.shm_dtime = lower_32_bits(in->shm_dtime);
	v.shm_dtime_high = upper_32_bits(in->shm_dtime);
	v.shm_ctime = lower_32_bits(in->shm_ctime);
	v.shm_ctime_high = upper_32_bits(in->shm_ctime);
	v.shm_cpid = in->shm_cpid;
	v.shm_lpid = in->shm_lpid;
	v.shm_nattch = in->shm_nattch;
	return copy_to_user(buf, &v, sizeof(v)) ? -EFAULT : 0;
}

/* Without IPC_64: whatever does not fit is cut, as native cuts it. */
static int svshm_compat_put_ds_old(void __user *buf, const struct shmid64_ds *in)
{
	struct svshm_compat_shmid_ds v;

	memset(&v, 0, sizeof(v));
	v.shm_perm.key = in->shm_perm.key;
	/* Ids past 16 bits read as the overflow id. */
	SET_UID(v.shm_perm.uid, in->shm_perm.uid);
	SET_GID(v.shm_perm.gid, in->shm_perm.gid);
	SET_UID(v.shm_perm.cuid, in->shm_perm.cuid);
	SET_GID(v.shm_perm.cgid, in->shm_perm.cgid);
	v.shm_perm.mode = in->shm_perm.mode;
	v.shm_perm.seq = in->shm_perm.seq;
	v.shm_segsz = in->shm_segsz;
	v.shm_atime = in->shm_atime;
	v.shm_dtime = in->shm_dtime;
	v.shm_ctime = in->shm_ctime;
	v.shm_cpid = in->shm_cpid;
	v.shm_lpid = in->shm_lpid;
	v.shm_nattch = in->shm_nattch;
	return copy_to_user(buf, &v, sizeof(v)) ? -EFAULT : 0;
}

static int svshm_compat_put_ds(void __user *buf, const struct shmid64_ds *in,
			       int version)
{
	if (version == IPC_64)
		return svshm_compat_put_ds64(buf, in);
	return svshm_compat_put_ds_old(buf, in);
}

/* IPC_SET reads the permission record alone, as native's compat path. */
static int svshm_compat_get_ds(struct shmid64_ds *out, void __user *buf,
			       int version)
{
	memset(out, 0, sizeof(*out));
	if (version == IPC_64) {
		struct compat_ipc64_perm v;

		if (copy_from_user(&v, buf, sizeof(v)))
			return -EFAULT;
		out->shm_perm.uid = v.uid;
		out->shm_perm.gid = v.gid;
		out->shm_perm.mode = v.mode;
	} else {
		struct svshm_compat_ipc_perm v;

		if (copy_from_user(&v, buf, sizeof(v)))
			return -EFAULT;
		out->shm_perm.uid = v.uid;
		out->shm_perm.gid = v.gid;
		out->shm_perm.mode = v.mode;
	}
	return 0;
}

/*
 * IPC_INFO: compat_ulong_t with IPC_64, int without; a shmmax past INT_MAX
 * reads as INT_MAX in both, as native's.
 */
static int svshm_compat_put_limits(void __user *buf, const struct shminfo64 *in,
				   int version)
{
	unsigned long shmmax = min_t(unsigned long, in->shmmax, INT_MAX);
	struct svshm_compat_shminfo64 v64;
	struct shminfo v;

	if (version == IPC_64) {
		memset(&v64, 0, sizeof(v64));
		v64.shmmax = shmmax;
		v64.shmmin = in->shmmin;
		v64.shmmni = in->shmmni;
		v64.shmseg = in->shmseg;
		v64.shmall = in->shmall;
		return copy_to_user(buf, &v64, sizeof(v64)) ? -EFAULT : 0;
	}
	memset(&v, 0, sizeof(v));
	v.shmmax = shmmax;
	v.shmmin = in->shmmin;
	v.shmmni = in->shmmni;
	v.shmseg = in->shmseg;
	v.shmall = in->shmall;
	return copy_to_user(buf, &v, sizeof(v)) ? -EFAULT : 0;
}

static int svshm_compat_put_usage(void __user *buf, const struct shm_info *in)
{
	struct svshm_compat_shm_info v;

	memset(&v, 0, sizeof(v));
	v.used_ids = in->used_ids;
	v.shm_tot = in->shm_tot;
	v.shm_rss = in->shm_rss;
	v.shm_swp = in->shm_swp;
	v.swap_attempts = in->swap_attempts;
	v.swap_successes = in->swap_successes;
	return copy_to_user(buf, &v, sizeof(v)) ? -EFAULT : 0;
}

/**
 * svshm_ctl_compat() - shmctl(2) of a 32-bit caller
 * @table: the caller's instance
 * @id: segment id, or index for SHM_STAT and SHM_STAT_ANY
 * @cmd: the command, IPC_64 included or not
 * @buf: the command's user buffer, in the caller's layout
 *
 * Return: as svshm_ctl(), or a negative errno.
 */
long svshm_ctl_compat(struct svshm_table *table, int id, int cmd,
		      void __user *buf)
{
	int version = cmd & IPC_64;
	union {
		struct shmid64_ds ds;
		struct shminfo64 limits;
		struct shm_info usage;
	} u;
	long ret;

	cmd &= ~IPC_64;
	if (cmd < 0 || id < 0)
		return -EINVAL;

	switch (cmd) {
	case IPC_INFO:
		ret = svshm_ctl_limits(table, &u.limits);
		return svshm_compat_put_limits(buf, &u.limits, version) ?: ret;
	case SHM_INFO:
		ret = svshm_ctl_usage(table, &u.usage);
		return svshm_compat_put_usage(buf, &u.usage) ?: ret;
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		ret = svshm_ctl_stat(table, id, cmd, &u.ds);
		if (ret < 0)
			return ret;
		return svshm_compat_put_ds(buf, &u.ds, version) ?: ret;
	case IPC_SET:
		ret = svshm_compat_get_ds(&u.ds, buf, version);
		if (ret)
			return ret;
		return svshm_ctl_down(table, id, cmd, &u.ds);
	case IPC_RMID:
		return svshm_ctl_down(table, id, cmd, NULL);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return svshm_ctl_lock(table, id, cmd);
	default:
		return -EINVAL;
	}
}
