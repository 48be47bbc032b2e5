// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsvshm: shmget, shmat, shmdt and shmctl over the ioctls of /dev/svshm.
 *
 * The one shared state is the device's descriptor, opened on first use
 * (O_CLOEXEC), checked for the module's ABI version, and published with a
 * compare-and-swap; a thread that loses the race closes its own.
 *
 * Programs close descriptors they never opened (a daemon's closefrom(3)
 * or close_range(2)) and reuse the numbers (dup2(2) over them), so the
 * library cannot trust its number for the life of the process. It records
 * the file it opened (st_dev, st_ino, st_rdev). When an ioctl fails with
 * EBADF (the number is closed) or ENOTTY (it names a file that does not
 * know svshm's ioctl magic, which is free in the kernel's list for that
 * reason), it looks at the number: if it is closed or names another file,
 * it opens the device again and retries the call once. It never closes a
 * number it no longer owns: that number belongs to the program now. The
 * common path is the ioctl alone; the check costs only on those errors,
 * which a healthy descriptor never returns (the library sends only ioctls
 * the module knows), and they never reach the caller: shmget(2) and
 * friends cannot return them; a call that cannot reach the module fails
 * with ENOSYS, as without the module.
 *
 * The device is /dev/svshm, the initial instance, unless the environment
 * names another in SVSHM_DEVICE: an svshm filesystem's DIR/svshm file, a
 * container's own instance (see <linux/svshm.h>), or a device node bound
 * elsewhere. It is read once per process, on first use, with
 * secure_getenv(): a set-user-ID program keeps /dev/svshm whatever its
 * caller's environment says. The path is copied, so that a later setenv()
 * cannot change the device under an open descriptor: reopening after a
 * closefrom() must find the same instance.
 *
 * Fork: the descriptor and the path are inherited and the device keeps no
 * state per descriptor, so a child goes on using them; no lock is ever
 * held across a call, so a fork cannot leave one held. Exec closes the
 * descriptor (O_CLOEXEC); the new image reads its own environment.
 * User buffers go to the kernel untouched, so a bad pointer gets EFAULT
 * from the kernel as with the native calls, never a crash here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "svshm.h"

#define SVSHM_DEVICE "/dev/svshm"
#define SVSHM_DEVICE_ENV "SVSHM_DEVICE"

/*
 * The ABI this library speaks. A selftest builds the library with another
 * value to play a library older or newer than the module.
 */
#ifndef SVSHM_LIB_ABI
#define SVSHM_LIB_ABI SVSHM_ABI_VERSION
#endif

static int svshm_fd = -1;
static int svshm_warned;
static char *svshm_path;	/* the device, once read: see svshm_device() */

/*
 * The file svshm_fd was opened on. Written before the descriptor is
 * published (release) and read after it is loaded (acquire); every open
 * is of the same path (svshm_device()), so two threads that race write the
 * same values.
 */
static struct {
	dev_t dev, rdev;
	ino_t ino;
} svshm_id;

/* One line on stderr, once per process, however many calls fail. */
static void svshm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void svshm_warn(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&svshm_warned, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/*
 * The device this process uses: $SVSHM_DEVICE if set and not empty, else
 * /dev/svshm. Read once, then published with a compare-and-swap as the
 * descriptor is; a thread that loses the race frees its copy. Out of
 * memory, the environment's own string serves this call, uncopied, and is
 * read again next time.
 */
static const char *svshm_device(void)
{
	char *path = __atomic_load_n(&svshm_path, __ATOMIC_ACQUIRE), *expected = NULL;
	const char *env;

	if (path)
		return path;
	env = secure_getenv(SVSHM_DEVICE_ENV);
	path = strdup(env && *env ? env : SVSHM_DEVICE);
	if (!path)
		return env && *env ? env : SVSHM_DEVICE;
	if (__atomic_compare_exchange_n(&svshm_path, &expected, path, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return path;
	free(path);
	return expected;
}

/* Where a message's device came from, when not from the default. */
static const char *svshm_named(const char *dev)
{
	return strcmp(dev, SVSHM_DEVICE) ? " (named by " SVSHM_DEVICE_ENV ")" : "";
}

/*
 * Is @v the module this library was built for? If not, say which side is
 * older and what to do: a package upgrade can leave the old module loaded.
 */
static int svshm_abi_ok(int fd, const char *dev)
{
	struct svshm_version v = { 0 };
	const char *fix;

	if (ioctl(fd, SVSHM_IOC_VERSION, &v) == 0 && v.abi_version == SVSHM_LIB_ABI)
		return 1;
	if (v.abi_version > SVSHM_LIB_ABI)
		fix = "the module is newer than the library: use the libsvshm of the module's release";
	else
		fix = "the module is older than the library: load the library's svshm.ko (rmmod svshm; modprobe svshm)";
	if (v.abi_version)
		svshm_warn("libsvshm: %s%s speaks ABI %u, this library ABI %u: %s\n",
			   dev, svshm_named(dev), v.abi_version, SVSHM_LIB_ABI, fix);
	else	/* ABI 1 used another ioctl magic: ENOTTY here; so does a stranger. */
		svshm_warn("libsvshm: %s%s does not answer ABI %u's version ioctl: %s%s\n",
			   dev, svshm_named(dev), SVSHM_LIB_ABI,
			   *svshm_named(dev) ? "not svshm's device, or " : "", fix);
	return 0;
}

/*
 * Is @st (of @fd) a file that may answer svshm's ioctls: a character device
 * (/dev/svshm, or its node bound into a container), or the svshm file of an
 * svshm filesystem? Any other regular file is refused before an ioctl is
 * sent to it.
 */
static int svshm_kind_ok(int fd, const struct stat *st)
{
	struct statfs sfs;

	if (S_ISCHR(st->st_mode))
		return 1;
	return S_ISREG(st->st_mode) && fstatfs(fd, &sfs) == 0 &&
	       (unsigned int)sfs.f_type == SVSHM_FS_MAGIC;
}

/* Open the device, record its file, check its ABI; -1 and ENOSYS if not. */
static int svshm_open(void)
{
	const char *dev = svshm_device();
	struct stat st;
	int fd, err;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		svshm_warn("libsvshm: cannot open %s: %s%s\n", dev, strerror(err),
			   *svshm_named(dev) ? svshm_named(dev) :
			   err == ENOENT ? " (is svshm.ko loaded?)" : "");
		errno = ENOSYS;
		return -1;
	}
	if (fstat(fd, &st) || !svshm_kind_ok(fd, &st)) {
		svshm_warn("libsvshm: %s%s is neither svshm's device nor an svshm filesystem's %s file\n",
			   dev, svshm_named(dev), SVSHM_FS_DEVICE);
		close(fd);
		errno = ENOSYS;
		return -1;
	}
	if (!svshm_abi_ok(fd, dev)) {
		close(fd);
		errno = ENOSYS;
		return -1;
	}
	__atomic_store_n(&svshm_id.dev, st.st_dev, __ATOMIC_RELAXED);
	__atomic_store_n(&svshm_id.ino, st.st_ino, __ATOMIC_RELAXED);
	__atomic_store_n(&svshm_id.rdev, st.st_rdev, __ATOMIC_RELAXED);
	return fd;
}

/*
 * Make @fd the library's descriptor if it still is @old; else close @fd,
 * which this thread opened and nobody else has seen, and take the winner's.
 */
static int svshm_publish(int old, int fd)
{
	int expected = old;

	if (__atomic_compare_exchange_n(&svshm_fd, &expected, fd, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return fd;
	if (fd >= 0)
		close(fd);
	return expected;
}

/* The device's descriptor, opened on first use; -1 and ENOSYS. */
static int svshm_dev(void)
{
	int fd = __atomic_load_n(&svshm_fd, __ATOMIC_ACQUIRE);

	if (fd >= 0)
		return fd;
	fd = svshm_open();
	if (fd < 0)
		return -1;
	return svshm_publish(-1, fd);
}

/*
 * An ioctl on @fd failed with EBADF or ENOTTY. If @fd still names the file
 * the library opened, that error is the module's (never seen in practice:
 * the versions agree) and stands; if the number was closed or now names
 * another file, open the device again. Returns the descriptor to retry
 * on, or -1 and ENOSYS.
 */
static int svshm_recover(int fd)
{
	int cur = __atomic_load_n(&svshm_fd, __ATOMIC_ACQUIRE);
	struct stat st;

	if (cur != fd)		/* another thread got there first */
		return cur >= 0 ? cur : svshm_dev();
	if (fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISREG(st.st_mode)) &&
	    st.st_dev == __atomic_load_n(&svshm_id.dev, __ATOMIC_RELAXED) &&
	    st.st_ino == __atomic_load_n(&svshm_id.ino, __ATOMIC_RELAXED) &&
	    st.st_rdev == __atomic_load_n(&svshm_id.rdev, __ATOMIC_RELAXED)) {
		errno = ENOSYS;
		return -1;
	}
	/* Not ours any more: leave the number to whoever has it now. */
	cur = svshm_open();
	if (cur < 0) {
		svshm_publish(fd, -1);
		errno = ENOSYS;
		return -1;
	}
	return svshm_publish(fd, cur);
}

/*
 * The ioctl system call, issued here: -errno on failure, as the kernel
 * returns it. glibc's ioctl() is variadic and carries a stack protector;
 * its wrapper was most of what a call spent in user space (issue 10's
 * bench), and every shm* call is one ioctl. The call is the same to the
 * kernel, seccomp and strace; only a preloaded library that wraps ioctl()
 * itself no longer sees it.
 */
static inline long svshm_sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
#if defined(__x86_64__) && defined(__LP64__)	/* not x32 */
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_ioctl), "D"((long)fd), "S"(cmd), "d"(arg)
			 : "rcx", "r11", "memory");
	return ret;
#else
	long ret = syscall(SYS_ioctl, fd, cmd, arg);

	return ret < 0 ? -errno : ret;
#endif
}

/* A system call's result as a library call gives it: -1 and errno. */
static inline long svshm_result(long ret)
{
	if (ret >= 0)
		return ret;
	errno = -ret;
	return -1;
}

/* Not opened yet (@fd -1), or @fd answered EBADF or ENOTTY: see the top. */
static __attribute__((noinline, cold)) long
svshm_ioctl_slow(int fd, unsigned long cmd, unsigned long arg)
{
	long ret;

	if (fd < 0) {
		fd = svshm_dev();
		if (fd < 0)
			return -1;
		ret = svshm_sys_ioctl(fd, cmd, arg);
		if (ret != -EBADF && ret != -ENOTTY)
			return svshm_result(ret);
	}
	fd = svshm_recover(fd);
	if (fd < 0)
		return -1;
	ret = svshm_sys_ioctl(fd, cmd, arg);
	if (ret == -EBADF || ret == -ENOTTY)
		ret = -ENOSYS;	/* lost again at once: never hand these on */
	return svshm_result(ret);
}

/* One ioctl on the device, retried once on a descriptor found stale. */
static long svshm_ioctl(unsigned long cmd, unsigned long arg)
{
	int fd = __atomic_load_n(&svshm_fd, __ATOMIC_ACQUIRE);
	long ret;

	if (fd >= 0) {
		ret = svshm_sys_ioctl(fd, cmd, arg);
		if (ret != -EBADF && ret != -ENOTTY)
			return svshm_result(ret);
	}
	return svshm_ioctl_slow(fd, cmd, arg);
}

int svshm_shmget(key_t key, size_t size, int shmflg)
{
	struct svshm_get g = { .key = key, .flags = shmflg, .size = size };

	return svshm_ioctl(SVSHM_IOC_GET, (uintptr_t)&g);
}

void *svshm_shmat(int shmid, const void *shmaddr, int shmflg)
{
	struct svshm_attach a = {
		.id = shmid,
		.flags = shmflg,
		.addr = (uintptr_t)shmaddr,
	};

	if (svshm_ioctl(SVSHM_IOC_ATTACH, (uintptr_t)&a) < 0)
		return (void *)-1;
	return (void *)(uintptr_t)a.addr;
}

int svshm_shmdt(const void *shmaddr)
{
	return svshm_ioctl(SVSHM_IOC_DETACH, (uintptr_t)shmaddr);
}

int svshm_shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct svshm_ctl c = { .id = shmid, .cmd = cmd, .buf = (uintptr_t)buf };

	return svshm_ioctl(SVSHM_IOC_CTL, (uintptr_t)&c);
}
