// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsvshm: shmget, shmat, shmdt and shmctl over the ioctls of /dev/svshm.
 *
 * The one shared state is the device's descriptor, opened on first use
 * (O_CLOEXEC) by one thread while the others wait (see Threads below),
 * checked for the module's ABI version, and published.
 *
 * Programs close descriptors they never opened (a daemon's closefrom(3)
 * or close_range(2)) and reuse the numbers (dup2(2) over them), so the
 * library cannot trust its number for the life of the process. It records
 * the file it opened (st_dev, st_ino, st_rdev). When an ioctl fails with
 * EBADF (the number is closed) or ENOTTY (it names a file that does not
 * know svshm's ioctl magic, which is free in the kernel's list for that
 * reason), it looks at the number: if it names that file, the call is
 * tried there again; if it is closed or names another file, the library
 * opens the device again and the call is tried on the new descriptor. It
 * never closes a number it no longer owns: that number belongs to the
 * program now. The common path is the ioctl alone; the check costs only on
 * those errors, which a healthy descriptor never returns (the library
 * sends only ioctls the module knows), and they never reach the caller:
 * shmget(2) and friends cannot return them; a call that cannot reach the
 * module fails with ENOSYS, as without the module. A call that succeeds
 * leaves errno as it found it, whatever the recovery's own calls set.
 *
 * Threads. svshm_fd holds the descriptor (>= 0), -1 (none: not opened yet,
 * or the last open failed), or a claim: -1 - tid of the one thread that
 * may look at a number or open the device. A thread whose ioctl failed on
 * N reads svshm_fd again: another number there was published since, and it
 * retries on that one without looking at N; a claim, and it waits on the
 * word (a futex) for the claimer's result; N or -1, and it claims with a
 * compare-and-swap from that value, looks or opens, publishes what it
 * found (N again, a new descriptor, or -1) and wakes the waiters. Each
 * race then ends right:
 *  - Two threads fail at once: one claims, the other waits and retries on
 *    what was published. Only one thread opens, so none ever opens in vain
 *    and has to close what it opened, a number a third thread's closefrom()
 *    may have handed to the program in between.
 *  - The recovery reopens on the number the other thread failed on (open(2)
 *    takes the lowest free number): the other thread finds N published
 *    again, claims from it, finds the device's file on N and retries there.
 *    The compare-and-swap cannot tell the old N from the new (one value,
 *    two descriptors), and need not: under the claim no thread of the
 *    library can open, so what is on N changes only by the program's hand,
 *    and the look decides.
 *  - The program's own open took N in between, or it dup2()'d a file over
 *    it: the file on N is not the device's; a new descriptor is opened and
 *    published, and N is left alone. If the program's file is the device
 *    itself (its own open of it), it serves as well as ours.
 *  - The descriptor being opened is closed under the open's checks, and its
 *    number reused: the check that fails closes it only if the number still
 *    names the device's file (fstat against stat of the path), else leaves
 *    it and opens again. Once the checks pass it is published even if the
 *    program takes the number next: the next call fails on it and recovers.
 *    Where the device itself is wrong, the close of the descriptor just
 *    opened still races a program's closefrom() and open() in another
 *    thread between the last check and the close; no call can succeed then.
 *  - Closes keep coming: a call tries SVSHM_TRIES times, then fails with
 *    ENOSYS; so does a call the module itself answers EBADF or ENOTTY.
 * A claim outlives its thread in a forked child (the claimer is not there)
 * and under a signal handler that calls in while its own thread holds the
 * claim: a thread that finds a claim of its own, or of a tid that is no
 * thread of this process (tgkill(2)), takes it over; a waiter looks again
 * every few milliseconds. In the child, a descriptor the parent's claimer
 * had opened stays open, unpublished: it is not known, so not closed; the
 * call a handler interrupted finds its claim gone and closes the one it
 * opened, which nobody saw. Cancellation is off across the recovery, as
 * the native calls are no cancellation points: a thread cancelled in
 * open(2) would leave its claim and its descriptor. Nothing is written to
 * stderr under the claim.
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
 * held across a call, and a claim the child inherits is taken over (see
 * Threads). Exec closes the descriptor (O_CLOEXEC); the new image reads
 * its own environment.
 * User buffers go to the kernel untouched, so a bad pointer gets EFAULT
 * from the kernel as with the native calls, never a crash here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>
#include <linux/svshm.h>

#include "svshm.h"
#include "sys_ioctl.h"


/*
 * The ABI this library speaks. A selftest builds the library with another
 * value to play a library older or newer than the module.
 */
#ifndef SVSHM_LIB_ABI
#define SVSHM_LIB_ABI SVSHM_ABI_VERSION
#endif

/*
 * Attempts per call: enough to outlast a few closes racing one call; a
 * module that answered EBADF or ENOTTY itself would end the call here.
 */
#define SVSHM_TRIES 8
/* From svshm_open(): the number it opened was closed under it; open again. */
#define SVSHM_LOST (-2)

static int svshm_fd = -1;	/* a descriptor, -1, or a claim: see the top */
static int svshm_warned;
static char *svshm_path;	/* the device, once chosen: see svshm_device() */
static int svshm_path_given;	/* chosen by svshm_set_device(), not the environment */

/*
 * The file svshm_fd was opened on. Written and read only under the claim
 * (its compare-and-swap acquires, its publication releases); a claim taken
 * over from a signal handler's thread writes the same values, as every open
 * is of the same path (svshm_device()).
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
 * The device this process uses: the program's choice (svshm_set_device()),
 * else $SVSHM_DEVICE if set and not empty, else /dev/svshm. Chosen once,
 * then published with a compare-and-swap as the descriptor is; a thread
 * that loses the race frees its copy. Out of memory, the environment's own
 * string serves this call, uncopied, and is read again next time.
 */
static const char *svshm_device(void)
{
	char *path = __atomic_load_n(&svshm_path, __ATOMIC_ACQUIRE), *expected = NULL;
	const char *env;

	if (path)
		return path;
	env = secure_getenv(SVSHM_DEVICE_ENV);
	path = strdup(env && *env ? env : SVSHM_DEVICE_DEFAULT);
	if (!path)
		return env && *env ? env : SVSHM_DEVICE_DEFAULT;
	if (__atomic_compare_exchange_n(&svshm_path, &expected, path, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return path;
	free(path);
	return expected;
}

const char *svshm_device_path(void)
{
	return svshm_device();
}

int svshm_set_device(const char *path)
{
	char *copy, *expected = NULL;
	int was;

	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	/* Before the path: a reader that sees it sees where it came from. */
	was = __atomic_exchange_n(&svshm_path_given, 1, __ATOMIC_RELAXED);
	if (__atomic_compare_exchange_n(&svshm_path, &expected, copy, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return 0;
	free(copy);
	if (!strcmp(expected, path))
		return 0;
	__atomic_store_n(&svshm_path_given, was, __ATOMIC_RELAXED);
	errno = EBUSY;
	return -1;
}

/* Where a message's device came from, when not from the default. */
static const char *svshm_named(const char *dev)
{
	if (!strcmp(dev, SVSHM_DEVICE_DEFAULT))
		return "";
	return __atomic_load_n(&svshm_path_given, __ATOMIC_RELAXED) ?
	       " (named by the program)" : " (named by " SVSHM_DEVICE_ENV ")";
}

/* The ABI of the module behind @fd, 0 if it does not answer ABI 2's ioctl. */
static unsigned int svshm_abi(int fd)
{
	struct svshm_version v = { 0 };

	return ioctl(fd, SVSHM_IOC_VERSION, &v) == 0 ? v.abi_version : 0;
}

/*
 * @dev speaks ABI @abi, not the library's: say which side is older and
 * what to do: a package upgrade can leave the old module loaded.
 */
static void svshm_warn_abi(const char *dev, unsigned int abi)
{
	const char *fix;

	if (abi > SVSHM_LIB_ABI)
		fix = "the module is newer than the library: use the libsvshm of the module's release";
	else
		fix = "the module is older than the library: load the library's svshm.ko (rmmod svshm; modprobe svshm)";
	if (abi)
		svshm_warn("libsvshm: %s%s speaks ABI %u, this library ABI %u: %s\n",
			   dev, svshm_named(dev), abi, SVSHM_LIB_ABI, fix);
	else	/* ABI 1 used another ioctl magic: ENOTTY here; so does a stranger. */
		svshm_warn("libsvshm: %s%s does not answer ABI %u's version ioctl: %s%s\n",
			   dev, svshm_named(dev), SVSHM_LIB_ABI,
			   *svshm_named(dev) ? "not svshm's device, or " : "", fix);
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

/*
 * @fd, just opened on @dev, failed a check. Is it still @dev's file? Then
 * @dev is wrong: close @fd, -1. If the number was closed under the check
 * and maybe taken by the program's next open (a closefrom() in another
 * thread), the number is not ours to close: SVSHM_LOST.
 */
static int svshm_refuse(int fd, const char *dev)
{
	struct stat now, path;

	if (fstat(fd, &now) || stat(dev, &path) || now.st_dev != path.st_dev ||
	    now.st_ino != path.st_ino)
		return SVSHM_LOST;
	close(fd);
	return -1;
}

/*
 * Why the device cannot serve, said on stderr once the claim is given up:
 * a write to a stderr that nobody reads must not hold the other threads.
 */
struct svshm_why {
	enum { SVSHM_SERVES, SVSHM_NO_OPEN, SVSHM_NOT_SVSHM, SVSHM_OTHER_ABI } what;
	int err;		/* open(2)'s errno */
	unsigned int abi;	/* the module's ABI, 0 if it did not answer */
};

/* Say @why, if anything is wrong: once per process (svshm_warn()). */
static void svshm_say(const struct svshm_why *why)
{
	const char *dev = svshm_device();

	switch (why->what) {
	case SVSHM_NO_OPEN:
		svshm_warn("libsvshm: cannot open %s: %s%s\n", dev, strerror(why->err),
			   *svshm_named(dev) ? svshm_named(dev) :
			   why->err == ENOENT ? " (is svshm.ko loaded?)" : "");
		break;
	case SVSHM_NOT_SVSHM:
		svshm_warn("libsvshm: %s%s is neither svshm's device nor an svshm filesystem's %s file\n",
			   dev, svshm_named(dev), SVSHM_FS_DEVICE);
		break;
	case SVSHM_OTHER_ABI:
		svshm_warn_abi(dev, why->abi);
		break;
	case SVSHM_SERVES:
		break;
	}
}

/*
 * Open the device, record its file, check its ABI. Returns the descriptor;
 * -1 if the device cannot serve, and @why; SVSHM_LOST if the number went
 * under the checks. Called under the claim.
 */
static int svshm_open(struct svshm_why *why)
{
	const char *dev = svshm_device();
	struct stat st;
	int fd;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		why->what = SVSHM_NO_OPEN;
		why->err = errno;
		return -1;
	}
	if (fstat(fd, &st))
		return SVSHM_LOST;
	if (!svshm_kind_ok(fd, &st)) {
		why->what = SVSHM_NOT_SVSHM;
		return svshm_refuse(fd, dev);
	}
	why->abi = svshm_abi(fd);
	if (why->abi != SVSHM_LIB_ABI) {
		why->what = SVSHM_OTHER_ABI;
		return svshm_refuse(fd, dev);
	}
	__atomic_store_n(&svshm_id.dev, st.st_dev, __ATOMIC_RELAXED);
	__atomic_store_n(&svshm_id.ino, st.st_ino, __ATOMIC_RELAXED);
	__atomic_store_n(&svshm_id.rdev, st.st_rdev, __ATOMIC_RELAXED);
	return fd;
}

/* Does @fd name the file the library opened? Called under the claim. */
static int svshm_ours(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISREG(st.st_mode)) &&
	       st.st_dev == __atomic_load_n(&svshm_id.dev, __ATOMIC_RELAXED) &&
	       st.st_ino == __atomic_load_n(&svshm_id.ino, __ATOMIC_RELAXED) &&
	       st.st_rdev == __atomic_load_n(&svshm_id.rdev, __ATOMIC_RELAXED);
}

/* svshm_fd's value while thread @tid holds the claim, and back. */
static inline int svshm_claim(pid_t tid)
{
	return -1 - tid;
}

static inline pid_t svshm_claimer(int word)
{
	return -1 - word;
}

/*
 * Has @claim's thread gone, so that @me may take the claim over: is it
 * @me (a signal handler's call), or no thread of this process (a forked
 * child's copy)?
 */
static int svshm_claim_gone(int claim, pid_t me)
{
	pid_t tid = svshm_claimer(claim);

	return tid == me || (tgkill(getpid(), tid, 0) && errno == ESRCH);
}

/*
 * Wait until svshm_fd is no longer @claim, or a while: the claimer may
 * have gone since it was checked.
 */
static void svshm_wait(int claim)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

	syscall(SYS_futex, &svshm_fd, FUTEX_WAIT_PRIVATE, claim, &ts, NULL, 0);
}

/*
 * End the claim @mine: publish @fd (-1 for any error) and wake the
 * waiters; return @fd. If a signal handler's call took the claim over
 * meanwhile, its result stands, and @fd, if this thread opened it
 * (@opened) and nobody else saw it, is closed: SVSHM_LOST, try again.
 */
static int svshm_publish(int mine, int fd, int opened)
{
	int expected = mine;

	if (!__atomic_compare_exchange_n(&svshm_fd, &expected, fd >= 0 ? fd : -1, 0,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
		if (opened && fd >= 0)
			close(fd);
		return SVSHM_LOST;
	}
	syscall(SYS_futex, &svshm_fd, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	return fd;
}

/*
 * A descriptor to try the call on, now that it failed on @failed (or
 * found no descriptor, or a claim, there). See "Threads" at the top.
 * Returns it; -1 if the device cannot serve; SVSHM_LOST to try again.
 */
static int svshm_take(int failed)
{
	struct svshm_why why = { SVSHM_SERVES, 0, 0 };
	pid_t me = 0;

	for (;;) {
		int cur = __atomic_load_n(&svshm_fd, __ATOMIC_ACQUIRE), mine, fd;

		if (cur >= 0 && cur != failed)
			return cur;	/* published since: try it, leave @failed */
		if (!me)
			me = gettid();
		if (cur < -1 && !svshm_claim_gone(cur, me)) {
			svshm_wait(cur);
			continue;
		}
		mine = svshm_claim(me);
		if (!__atomic_compare_exchange_n(&svshm_fd, &cur, mine, 0, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			continue;
		if (cur >= 0 && svshm_ours(cur))
			return svshm_publish(mine, cur, 0);
		/* Not ours any more: leave the number to whoever has it now. */
		fd = svshm_publish(mine, svshm_open(&why), 1);
		if (fd == -1)
			svshm_say(&why);
		return fd;
	}
}

/* A system call's result as a library call gives it: -1 and errno. */
static inline long svshm_result(long ret)
{
	if (ret >= 0)
		return ret;
	errno = -ret;
	return -1;
}

/*
 * Not opened yet or claimed (@fd < 0), or @fd answered EBADF or ENOTTY:
 * see the top. errno is the caller's again on success.
 */
static __attribute__((noinline, cold)) long
svshm_ioctl_slow(int fd, unsigned long cmd, unsigned long arg)
{
	int saved = errno, cancel, tries;
	long ret = -ENOSYS;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	for (tries = 0; tries < SVSHM_TRIES; tries++) {
		fd = svshm_take(fd);
		if (fd == -1)
			break;
		if (fd == SVSHM_LOST) {
			fd = -1;
			continue;
		}
		ret = svshm_sys_ioctl(fd, cmd, arg);
		if (ret != -EBADF && ret != -ENOTTY)
			break;
		ret = -ENOSYS;	/* never hand these on */
	}
	pthread_setcancelstate(cancel, NULL);
	errno = saved;
	return svshm_result(ret);
}

/* One ioctl on the device, retried on a descriptor found stale. */
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

/*
 * Where the kernel's long has 32 bits (i386), a C library's shmctl adds
 * IPC_64 to the command (glibc's __IPC_64): its struct shmid_ds is the
 * layout with 64-bit times in halves, which the module tells from the old
 * one by that flag, as native's 32-bit ipc(2) does. Where it has 64 bits
 * (x86-64, x32) the command goes as given: there is one layout.
 */
#define SVSHM_CTL_IPC_64	(sizeof(__syscall_ulong_t) < 8 ? 0x100 : 0)

int svshm_shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct svshm_ctl c = {
		.id = shmid,
		.cmd = cmd | SVSHM_CTL_IPC_64,
		.buf = (uintptr_t)buf,
	};

	return svshm_ioctl(SVSHM_IOC_CTL, (uintptr_t)&c);
}
