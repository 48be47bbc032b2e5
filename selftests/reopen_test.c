// SPDX-License-Identifier: GPL-2.0
/*
 * libsvshm outlives what a program does to its descriptors: a daemon's
 * closefrom(3) closes the library's /dev/svshm behind its back, dup2(2)
 * puts another file on the number. Every call must go on working, return
 * only errnos the native calls return (never EBADF or ENOTTY), leave the
 * program's file on that number untouched, and keep one descriptor of the
 * device, not one per recovery; the same in a forked child, and across
 * exec (O_CLOEXEC: the new image starts with none and opens its own).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svshm.h"

/* The descriptors of /dev/svshm this process holds: count, and the last. */
static int device_fds(int *last)
{
	char target[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		ssize_t len;

		len = readlinkat(dirfd(dir), d->d_name, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = 0;
		if (!strcmp(target, "/dev/svshm") && atoi(d->d_name) != dirfd(dir)) {
			n++;
			if (last)
				*last = atoi(d->d_name);
		}
	}
	closedir(dir);
	return n;
}

/*
 * Every call, on key @key: find the segment, stat it, attach, write,
 * detach, and (if @rm) remove it. Returns 0, or the step that failed
 * (1..6) with errno set.
 */
static int every_call(key_t key, int rm)
{
	struct shmid_ds ds;
	int id = svshm_shmget(key, 0, 0);
	char *p;

	if (id < 0)
		return 1;
	if (svshm_shmctl(id, IPC_STAT, &ds) || ds.shm_perm.__key != key)
		return 2;
	p = svshm_shmat(id, NULL, 0);
	if (p == (void *)-1)
		return 3;
	p[0]++;
	if (svshm_shmdt(p))
		return 4;
	if (rm && svshm_shmctl(id, IPC_RMID, NULL))
		return 5;
	return 0;
}

/* What a recovery may never return: errnos shm*(2) do not have. */
#define EXPECT_CALLS_WORK(key, rm) do {						\
	int _step = every_call(key, rm);					\
	EXPECT_EQ(0, _step) TH_LOG("step %d: %s", _step, strerror(errno));	\
} while (0)

/* The program's file on @fd is still the one of @want (dev, ino). */
static int still_theirs(int fd, const struct stat *want)
{
	struct stat st;

	return fcntl(fd, F_GETFD) >= 0 && !fstat(fd, &st) &&
	       st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

/*
 * The library's number in the parent, which the child inherits whatever
 * is on it (nothing, or the parent's file).
 */
static int lib_number;

FIXTURE(lib) {
	key_t key;
	int id, fd;		/* fd: the library's descriptor at setup */
};

FIXTURE_SETUP(lib)
{
	self->key = 0x52000000 | (getpid() & 0xffffff);
	self->id = svshm_shmget(self->key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, self->id) TH_LOG("shmget: %s", strerror(errno));
	ASSERT_EQ(1, device_fds(&self->fd));
	lib_number = self->fd;
}

FIXTURE_TEARDOWN(lib)
{
	int id = svshm_shmget(self->key, 0, 0);

	if (id >= 0)
		svshm_shmctl(id, IPC_RMID, NULL);
}

TEST_F(lib, closefrom_then_each_call)
{
	struct shmid_ds ds;
	char *p;

	/* Each call on its own right after the descriptor went. */
	closefrom(3);
	EXPECT_EQ(self->id, svshm_shmget(self->key, 0, 0));
	closefrom(3);
	EXPECT_EQ(0, svshm_shmctl(self->id, IPC_STAT, &ds));
	closefrom(3);
	p = svshm_shmat(self->id, NULL, 0);
	ASSERT_NE((void *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	closefrom(3);
	EXPECT_EQ(0, svshm_shmdt(p));
	closefrom(3);
	EXPECT_EQ(-1, svshm_shmdt(p));
	EXPECT_EQ(EINVAL, errno);
	closefrom(3);
	EXPECT_EQ(-1, svshm_shmget(self->key, 0, IPC_CREAT | IPC_EXCL));
	EXPECT_EQ(EEXIST, errno);
	closefrom(3);
	EXPECT_EQ(0, svshm_shmctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(1, device_fds(NULL));
}

TEST_F(lib, close_range_then_all_calls)
{
	ASSERT_EQ(0, close_range(3, ~0U, 0));
	EXPECT_EQ(0, device_fds(NULL));
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_EQ(1, device_fds(NULL));
}

TEST_F(lib, other_files_over_the_number)
{
	const char *const others[] = { "/dev/null", "/dev/zero", "/proc/self/status", "/" };

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		int fd, lib = -1;
		struct stat st;

		ASSERT_EQ(1, device_fds(&lib));
		fd = open(others[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(lib, dup2(fd, lib));
		close(fd);
		ASSERT_EQ(0, fstat(lib, &st));
		EXPECT_CALLS_WORK(self->key, 0);
		/* The program's file stays on its number; one device fd again. */
		EXPECT_TRUE(still_theirs(lib, &st)) TH_LOG("%s replaced", others[i]);
		EXPECT_EQ(1, device_fds(NULL));
		close(lib);
	}
}

TEST_F(lib, pipe_and_opath_over_the_number)
{
	int pfd[2], lib = self->fd;
	struct stat st;

	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_EQ(lib, dup2(pfd[0], lib));
	ASSERT_EQ(0, fstat(lib, &st));
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_TRUE(still_theirs(lib, &st));
	/* An O_PATH descriptor answers ioctls with EBADF, not ENOTTY. */
	ASSERT_EQ(1, device_fds(&lib));
	close(lib);
	ASSERT_EQ(lib, open("/dev/null", O_PATH | O_CLOEXEC));
	ASSERT_EQ(0, fstat(lib, &st));
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_TRUE(still_theirs(lib, &st));
	EXPECT_EQ(1, device_fds(NULL));
	close(pfd[0]);
	close(pfd[1]);
}

/* Another open of the device on the number: it serves as well as ours. */
TEST_F(lib, another_device_open_on_the_number)
{
	int fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(self->fd, dup2(fd, self->fd));
	close(fd);
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_EQ(1, device_fds(NULL));
	/* The program closes its copy: the library opens its own. */
	close(self->fd);
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_EQ(1, device_fds(NULL));
}

/* Run @fn in a child and return its exit status (-1 if it died). */
static int in_child(int (*fn)(key_t), key_t key)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(key));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int child_closefrom(key_t key)
{
	closefrom(3);
	return every_call(key, 0) ? 10 + every_call(key, 0) : device_fds(NULL) == 1 ? 0 : 20;
}

static int child_dup2(key_t key)
{
	int lib = -1, fd = open("/dev/null", O_RDONLY);
	struct stat st;

	if (device_fds(&lib) != 1 || fd < 0 || dup2(fd, lib) != lib || fstat(lib, &st))
		return 30;
	if (every_call(key, 0))
		return 31;
	return still_theirs(lib, &st) && device_fds(NULL) == 1 ? 0 : 32;
}

static int child_calls(key_t key)
{
	struct stat st = { 0 };
	int open_before = !fstat(lib_number, &st);

	if (every_call(key, 0))
		return 61;
	if (device_fds(NULL) != 1)
		return 62;
	return open_before && !still_theirs(lib_number, &st) ? 63 : 0;
}

TEST_F(lib, fork_around_both)
{
	int lib = -1, fd;

	/* The child loses the descriptor it inherited; the parent keeps its own. */
	EXPECT_EQ(0, in_child(child_closefrom, self->key));
	EXPECT_EQ(0, in_child(child_dup2, self->key));
	EXPECT_EQ(1, device_fds(&lib));
	EXPECT_EQ(self->fd, lib);
	EXPECT_CALLS_WORK(self->key, 0);
	/* The parent lost it before the fork: the child inherits the loss. */
	closefrom(3);
	EXPECT_EQ(0, in_child(child_calls, self->key));
	/*
	 * ... and a foreign file on the number: the child leaves it alone too.
	 * dup3, not the lowest free number: a runner (kselftest's keeps 3
	 * and 4) may have left lower numbers open before closefrom.
	 */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	if (fd != self->fd) {
		ASSERT_EQ(self->fd, dup3(fd, self->fd, O_CLOEXEC));
		close(fd);
	}
	EXPECT_EQ(0, in_child(child_calls, self->key));
	EXPECT_CALLS_WORK(self->key, 0);
	EXPECT_EQ(1, device_fds(&lib));
	EXPECT_NE(self->fd, lib);
	EXPECT_EQ(0, fcntl(self->fd, F_GETFD) < 0);
}

/*
 * The exec'd half: this binary again, with SVSHM_REOPEN_KEY set. It runs
 * before the harness: the descriptor must not have crossed exec, and the
 * calls must work after it closed and dup2'd over whatever it opened.
 */
__attribute__((constructor)) static void exec_half(void)
{
	const char *k = getenv("SVSHM_REOPEN_KEY");
	key_t key;
	int rc;

	if (!k)
		return;
	key = (key_t)strtol(k, NULL, 0);
	if (device_fds(NULL) != 0)
		_exit(40);
	rc = every_call(key, 0) ? 41 : child_dup2(key);
	if (!rc)
		rc = child_closefrom(key);
	_exit(rc);
}

static int exec_self(key_t key)
{
	char k[32];

	snprintf(k, sizeof(k), "%d", key);
	setenv("SVSHM_REOPEN_KEY", k, 1);
	execl("/proc/self/exe", "reopen_test", (char *)NULL);
	return 50;
}

TEST_F(lib, exec_around_both)
{
	/* Exec with the descriptor open, after closefrom, after a dup2 over it. */
	EXPECT_EQ(0, in_child(exec_self, self->key));
	closefrom(3);
	EXPECT_EQ(0, in_child(exec_self, self->key));
	EXPECT_CALLS_WORK(self->key, 0);
	ASSERT_EQ(1, device_fds(&self->fd));
	ASSERT_EQ(self->fd, dup2(0, self->fd));
	EXPECT_EQ(0, in_child(exec_self, self->key));
	EXPECT_CALLS_WORK(self->key, 1);
}

TEST_HARNESS_MAIN
