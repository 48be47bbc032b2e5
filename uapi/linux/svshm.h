/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * svshm: System V shared memory served by /dev/svshm.
 *
 * The ABI between svshm.ko and libsvshm. Every structure here has
 * fixed-width members and no padding holes; pointers travel as __u64.
 * The control buffers that SVSHM_IOC_CTL reads and writes are the kernel's
 * own SysV ABI (struct shmid64_ds, struct shminfo64, struct shm_info from
 * <asm/shmbuf.h> and <linux/shm.h>), which is also glibc's layout on x86-64,
 * so that libsvshm hands the caller's pointer through and a bad pointer
 * gets EFAULT from the kernel, exactly as shmctl(2) does.
 *
 * A 32-bit process of a 64-bit kernel (i386 on x86-64) is served too, as
 * native's compat system calls serve it: the structures below have one
 * layout for both, and only SVSHM_IOC_CTL's buffers differ, in the layouts
 * native's 32-bit shmctl gives, chosen by IPC_64 in @cmd as ipc(2) chooses
 * (with it, struct shmid64_ds and shminfo64 of 32-bit longs, as a 32-bit C
 * library's struct shmid_ds; without it, the old 16-bit-id layouts). An
 * x32 process's shmctl(2) is the 64-bit one: it gets the 64-bit layouts.
 *
 * Each ioctl below says what it reads (In), what it writes (Out), what it
 * returns and its errors; any other command gets ENOTTY. Any open of
 * /dev/svshm, read-only included, serves them all: each call is checked
 * against the caller's credentials, as the system calls are.
 *
 * A segment is attached by mmap(2) of /dev/svshm at offset id * PAGE_SIZE,
 * MAP_SHARED, with a length of the segment's size rounded up to pages, or by
 * SVSHM_IOC_ATTACH, which maps the segment as shmat() does and returns the
 * address (one system call per shmat()). Both make the same mapping, of a
 * file of the segment's own, not of /dev/svshm.
 */
#ifndef _UAPI_LINUX_SVSHM_H
#define _UAPI_LINUX_SVSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Bumped on any incompatible change of what follows. A library and a module
 * work together only when their versions are equal; libsvshm asks with
 * SVSHM_IOC_VERSION when it opens the device and refuses (ENOSYS, one line
 * on stderr) otherwise: a package upgrade can leave the old module loaded.
 * SVSHM_IOC_VERSION keeps its number and structure in every version from 2
 * on, so that any library can tell any module's version.
 *
 * Version 2 (from version 1): the magic moved from 0xE5 (FUSE's) to 0xE6;
 * SVSHM_IOC_DETACH takes the address as the ioctl's argument itself.
 */
#define SVSHM_ABI_VERSION	2

/* Feature bits reported by SVSHM_IOC_VERSION. */
#define SVSHM_FEAT_ATTACH_IOCTL	0x1U	/* SVSHM_IOC_ATTACH and _DETACH */
#define SVSHM_FEAT_INSTANCES	0x2U	/* the svshm filesystem, below */

/*
 * Instances: each mount of the filesystem type "svshm" is a table of its
 * own, with its own ids, keys, limits and listing (one per container, as
 * native's IPC namespaces are per container):
 *
 *   mount -t svshm [-o shmmax=B,shmall=P,shmmni=N,shm_rmid_forced=0|1,shm_next_id=ID] none DIR
 *
 * DIR/svshm is a regular file (mode 0666, owned by the root of the
 * mounter's user namespace) that answers every ioctl and mmap below for
 * that instance, and DIR/segments lists its segments in /proc/svshm's
 * format (0444). The options are native's sysctls (kernel.shmmax, shmall,
 * shmmni, shm_rmid_forced, shm_next_id) for that instance, changed by a
 * remount; /dev/svshm and /proc/svshm are the initial instance, whose
 * limits are the module's parameters (and, on a kernel without SysV IPC of
 * its own, native's sysctls and /proc/sysvipc/shm as well, one value with
 * the parameters).
 *
 * shm_next_id (native's kernel.shm_next_id, for checkpoint/restore): when
 * 0 or more, the next segment the instance creates gets that id: the index
 * it names (id & 0x7fff), or the first free index above it if that one is
 * taken (ENOSPC if none is), with the sequence it names (id >> 15); the
 * cyclic allocation's state is left alone. It goes back to -1 as soon as a
 * creation reaches the allocation, whether or not that succeeds; a shmget
 * that fails before (EINVAL, ENOSPC for shmmni or shmall, EEXIST) or finds
 * its key leaves it. -1, the default, is none: native's sysctl takes 0 to
 * INT_MAX, the parameter and the mount option -1 too, to cancel it.
 * /proc/mounts shows it while it is set. The capabilities (CAP_IPC_OWNER, CAP_SYS_ADMIN,
 * CAP_IPC_LOCK for SHM_LOCK's owner check) count in the user namespace that
 * mounted the instance; going past RLIMIT_MEMLOCK needs CAP_IPC_LOCK in the
 * initial one. When an instance's last mount is gone and no file of it is
 * open, its idle segments are destroyed and attached ones are removed
 * (destroyed at their last detach), as when an IPC namespace dies.
 * statfs(2) gives f_type SVSHM_FS_MAGIC.
 */
#define SVSHM_FS_TYPE		"svshm"
#define SVSHM_FS_MAGIC		0x5653484dU	/* "VSHM" */
#define SVSHM_FS_DEVICE		"svshm"
#define SVSHM_FS_LISTING	"segments"

/*
 * 0xE6 is free in the kernel's list (Documentation/userspace-api/ioctl/
 * ioctl-number.rst, as of 7.3) and in its uapi headers: a descriptor that
 * names another file answers svshm's ioctls with ENOTTY, never with an
 * action of its own, which is what lets libsvshm notice that a program
 * closed or replaced its descriptor.
 */
#define SVSHM_IOC_MAGIC		0xE6

/*
 * Mode bits above the nine permission bits, as native reports them in
 * shm_perm.mode (glibc's SHM_DEST and SHM_LOCKED).
 */
#define SVSHM_MODE_DEST		01000	/* removed, destroyed on last detach */
#define SVSHM_MODE_LOCKED	02000	/* SHM_LOCK in force */

/**
 * struct svshm_version - answer of SVSHM_IOC_VERSION
 * @abi_version: SVSHM_ABI_VERSION of the running module
 * @features: SVSHM_FEAT_* bits
 *
 * In: nothing. Out: the structure, at the ioctl's argument. Returns 0.
 * Errors: EFAULT (the argument is not writable).
 */
struct svshm_version {
	__u32 abi_version;
	__u32 features;
};

/**
 * struct svshm_get - arguments of SVSHM_IOC_GET, the shmget(2) of svshm
 * @key: the IPC key, or IPC_PRIVATE (0)
 * @flags: IPC_CREAT, IPC_EXCL, SHM_HUGETLB, SHM_NORESERVE and the low nine
 *	mode bits, as shmget(2)'s shmflg
 * @size: the size asked, in bytes
 *
 * In: the structure, at the ioctl's argument. Out: nothing written.
 * Returns the segment's id (>= 0) as the ioctl's value.
 * Errors, in the order native shmget(2) decides them: EFAULT; for a new
 * segment EINVAL (size below SHMMIN or above shmmax), ENOSPC (shmall or
 * shmmni exceeded), EPERM (SHM_HUGETLB without CAP_IPC_LOCK), ENOMEM (also
 * SHM_HUGETLB otherwise: svshm has no huge pages); for an existing key
 * EEXIST (IPC_CREAT|IPC_EXCL), EINVAL (size above the segment's), EACCES;
 * ENOENT without IPC_CREAT.
 */
struct svshm_get {
	__s32 key;
	__s32 flags;
	__u64 size;
};

/**
 * struct svshm_ctl - arguments of SVSHM_IOC_CTL, the shmctl(2) of svshm
 * @id: the segment id (an index for SHM_STAT and SHM_STAT_ANY; ignored by
 *	IPC_INFO and SHM_INFO)
 * @cmd: IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SHM_INFO, SHM_STAT,
 *	SHM_STAT_ANY, SHM_LOCK, SHM_UNLOCK (the values of <linux/shm.h>)
 * @buf: user address of the command's buffer: struct shmid64_ds for
 *	IPC_STAT, IPC_SET, SHM_STAT and SHM_STAT_ANY; struct shminfo64 for
 *	IPC_INFO; struct shm_info for SHM_INFO; unused otherwise (a 32-bit
 *	caller's layouts: see the top)
 *
 * In: the structure, at the ioctl's argument. Out: the command's buffer at
 * @buf for the stat and info commands (the structure itself is not written).
 * A 32-bit caller may add IPC_64 to @cmd (see the top); a 64-bit caller
 * that does gets EINVAL, as from shmctl(2).
 * Returns what shmctl(2) returns: 0, or the highest index in use for
 * IPC_INFO and SHM_INFO, or the id for SHM_STAT and SHM_STAT_ANY.
 * Errors as shmctl(2): EINVAL (unknown command, negative or unknown id),
 * EFAULT (bad @buf), EACCES (no read permission for a stat), EPERM (not
 * owner or creator for IPC_SET, IPC_RMID, SHM_LOCK, SHM_UNLOCK), EIDRM,
 * ENOMEM (SHM_LOCK over RLIMIT_MEMLOCK).
 */
struct svshm_ctl {
	__s32 id;
	__s32 cmd;
	__u64 buf;
};

/**
 * struct svshm_attach - arguments of SVSHM_IOC_ATTACH, the shmat(2) of svshm
 * @id: the segment id
 * @flags: SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC, as shmat(2)'s shmflg
 * @addr: in: the address asked (0: the kernel chooses); out: the address
 *	of the attachment
 *
 * In: the structure, at the ioctl's argument. Out: @addr. Returns 0.
 * Errors as shmat(2): EINVAL (negative or unknown id, unaligned @addr
 * without SHM_RND, SHM_REMAP without an address, a range in use without
 * SHM_REMAP), EACCES, EIDRM, ENOMEM; EFAULT (the structure cannot be read,
 * or @addr cannot be written back: the mapping is then undone).
 */
struct svshm_attach {
	__s32 id;
	__s32 flags;
	__u64 addr;
};

/* Report the ABI version and features. */
#define SVSHM_IOC_VERSION	_IOR(SVSHM_IOC_MAGIC, 0x00, struct svshm_version)
/* Find or create a segment. */
#define SVSHM_IOC_GET		_IOW(SVSHM_IOC_MAGIC, 0x01, struct svshm_get)
/* Control a segment, or read the table's limits and usage. */
#define SVSHM_IOC_CTL		_IOW(SVSHM_IOC_MAGIC, 0x02, struct svshm_ctl)
/* Map a segment into the caller, as shmat(2). */
#define SVSHM_IOC_ATTACH	_IOWR(SVSHM_IOC_MAGIC, 0x03, struct svshm_attach)
/*
 * Unmap the attachments that begin at an address, as shmdt(2). In: the
 * address is the ioctl's argument itself (an unsigned long, no pointer to
 * it: nothing to copy in, no EFAULT). Out: nothing. Returns 0.
 * Errors: EINVAL (unaligned, beyond user space, or no segment mapping
 * starts there).
 */
#define SVSHM_IOC_DETACH	_IO(SVSHM_IOC_MAGIC, 0x04)

#endif /* _UAPI_LINUX_SVSHM_H */
