// SPDX-License-Identifier: GPL-2.0
/*
 * libsvshm outlives what a program does to its descriptors: a daemon's
 * closefrom(3) closes the library's /dev/svshm behind its back, dup2(2)
 * puts another file on the number. Every call must go on working, return
 * only errnos the native calls return (never EBADF or ENOTTY), leave the
 * program's file on that number untouched, and keep one descriptor of the
 * device, not one per recovery; the same in a forked child, and across
 * exec (O_CLOEXEC: the new image starts with none and opens its own);
 * and with threads calling while another closes every descriptor: no
 * call may fail for it, nor change errno when it succeeds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
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

/*
 * Threads racing a closer. Each round, the test's thread closes every
 * descriptor >= 3 (closefrom, or close_range) or puts a pipe of its own on
 * the library's number with dup3, while the workers call shmget and
 * shmctl(IPC_STAT): in half the rounds they are calling already, in the
 * others they wait for the close and all call at once. In some rounds the
 * closer closes everything again at once, into the recoveries the first
 * close set off, and in half the rounds it then opens pipes, which take
 * the lowest numbers: the one the library had, or the one its recovery is
 * opening. Threads recover together, and the first often reopens on the
 * number the others failed on. Every call must succeed with the segment's
 * id and stat, leave errno as it was, and no file of the program's may
 * leave its number.
 */
#define RACE_ROUNDS	1000
#define RACE_WORKERS	4
#define RACE_PIPES	2
#define RACE_ERRNO	12345	/* no system call sets it */

/* Calls that went wrong one way, and the first of them. */
struct race_fail {
	unsigned int n;
	const char *what;
	long ret;
	int err;
};

struct race {
	key_t key;
	int id;
	pthread_barrier_t start, go, end;
	int stop;		/* the workers leave at the next start */
	int quiet;		/* this round, the workers wait for the close: go */
	int done;		/* this round's closer is done */
	unsigned int calls;	/* this round's calls, to time the close */
	unsigned int total;
	struct race_fail wrong, clobbered;
};

static void race_failed(struct race_fail *f, const char *what, long ret, int err)
{
	if (__atomic_fetch_add(&f->n, 1, __ATOMIC_RELAXED) == 0) {
		f->what = what;
		f->ret = ret;
		f->err = err;
	}
}

static void race_call(struct race *r)
{
	struct shmid_ds ds;
	long ret;

	errno = RACE_ERRNO;
	ret = svshm_shmget(r->key, 0, 0);
	if (ret != r->id)
		race_failed(&r->wrong, "shmget", ret, errno);
	else if (errno != RACE_ERRNO)
		race_failed(&r->clobbered, "shmget", ret, errno);
	memset(&ds, 0, sizeof(ds));
	errno = RACE_ERRNO;
	ret = svshm_shmctl(r->id, IPC_STAT, &ds);
	if (ret || ds.shm_perm.__key != r->key || ds.shm_segsz != 4096)
		race_failed(&r->wrong, "shmctl(IPC_STAT)", ret, errno);
	else if (errno != RACE_ERRNO)
		race_failed(&r->clobbered, "shmctl(IPC_STAT)", ret, errno);
	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->total, 2, __ATOMIC_RELAXED);
}

static void *race_worker(void *arg)
{
	struct race *r = arg;

	for (;;) {
		pthread_barrier_wait(&r->start);
		if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
			return NULL;
		if (r->quiet)
			pthread_barrier_wait(&r->go);
		while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
			race_call(r);
			sched_yield();	/* let the closer in: 2 CPUs */
		}
		race_call(r);	/* once more, on what the closer left */
		pthread_barrier_wait(&r->end);
	}
}

TEST_F_TIMEOUT(lib, threads_race_closefrom, 300)
{
	struct race r = { .key = self->key, .id = self->id };
	unsigned int lost = 0, extra = 0, round;
	pthread_t workers[RACE_WORKERS];
	struct stat stdio[3];
	int i, has_stdio[3];

	for (i = 0; i < 3; i++)
		has_stdio[i] = !fstat(i, &stdio[i]);

	ASSERT_EQ(0, pthread_barrier_init(&r.start, NULL, RACE_WORKERS + 1));
	ASSERT_EQ(0, pthread_barrier_init(&r.go, NULL, RACE_WORKERS + 1));
	ASSERT_EQ(0, pthread_barrier_init(&r.end, NULL, RACE_WORKERS + 1));
	for (i = 0; i < RACE_WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&workers[i], NULL, race_worker, &r));
	for (round = 0; round < RACE_ROUNDS; round++) {
		int how = round % 3, reopen = round / 3 % 2, again = round / 6 % 2;
		int lib = -1, dup[2] = { -1, -1 }, pipes[RACE_PIPES][2], opened = 0;
		struct stat own[RACE_PIPES][2], dup_st;

		if (device_fds(&lib) != 1)
			extra++;
		if (how == 2 && (pipe2(dup, O_CLOEXEC) || fstat(dup[0], &dup_st)))
			break;
		r.quiet = round / 12 % 2;
		r.calls = 0;
		r.done = 0;
		pthread_barrier_wait(&r.start);
		while (!r.quiet && __atomic_load_n(&r.calls, __ATOMIC_RELAXED) < round % 7)
			sched_yield();
		if (how == 0)
			closefrom(3);
		else if (how == 1)
			close_range(3, ~0U, 0);
		else
			dup3(dup[0], lib, O_CLOEXEC);
		if (r.quiet) {
			pthread_barrier_wait(&r.go);
			sched_yield();	/* both CPUs to the workers */
		}
		if (again && how != 2) {	/* a dup3 round's pipe is the program's */
			sched_yield();
			closefrom(3);
		}
		for (; reopen && opened < RACE_PIPES; opened++)
			if (pipe2(pipes[opened], O_CLOEXEC) ||
			    fstat(pipes[opened][0], &own[opened][0]) ||
			    fstat(pipes[opened][1], &own[opened][1]))
				break;
		__atomic_store_n(&r.done, 1, __ATOMIC_RELEASE);
		pthread_barrier_wait(&r.end);

		/* The workers wait: what the program opened is still there. */
		for (i = 0; i < 3; i++)
			lost += has_stdio[i] && !still_theirs(i, &stdio[i]);
		lost += reopen && opened < RACE_PIPES;	/* unchecked: count it */
		for (i = 0; i < opened; i++) {
			lost += !still_theirs(pipes[i][0], &own[i][0]);
			lost += !still_theirs(pipes[i][1], &own[i][1]);
			close(pipes[i][0]);
			close(pipes[i][1]);
		}
		if (how == 2) {
			lost += !still_theirs(lib, &dup_st);
			close(lib);
			close(dup[0]);
			close(dup[1]);
		}
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_barrier_wait(&r.start);
	for (i = 0; i < RACE_WORKERS; i++)
		pthread_join(workers[i], NULL);
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.go);
	pthread_barrier_destroy(&r.end);

	EXPECT_EQ(RACE_ROUNDS, round);
	EXPECT_EQ(0, r.wrong.n) TH_LOG("%u of %u calls failed; first: %s returned %ld, %s",
				       r.wrong.n, r.total, r.wrong.what, r.wrong.ret,
				       strerror(r.wrong.err));
	EXPECT_EQ(0, r.clobbered.n) TH_LOG("%u of %u calls succeeded and set errno; first: %s, %s",
					   r.clobbered.n, r.total, r.clobbered.what,
					   strerror(r.clobbered.err));
	EXPECT_EQ(0, lost) TH_LOG("files of the program's closed or replaced: %u", lost);
	EXPECT_EQ(0, extra) TH_LOG("rounds begun without exactly one device descriptor: %u", extra);
	EXPECT_EQ(1, device_fds(NULL));
}

TEST_HARNESS_MAIN
