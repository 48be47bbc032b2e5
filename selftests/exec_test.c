// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-exec: programs that issue raw shm system calls (syscall(2), no
 * libsvshm) run under it and share segments with libsvshm's callers, from
 * threads, forked, vforked and exec'd children, after closing every
 * descriptor; its exit status, and the line each of its limits gives.
 *
 * The programs are this binary again: EXEC_TEST_ROLE in the environment
 * makes it play a role (a constructor, before the harness) and exit 0 if
 * every call did what native does, else 1 with a line on stderr. Built for
 * i386 (make selftests32), the roles are i386 programs, served through the
 * 64-bit svshm-exec; there, "raw" also goes through ipc(2).
 * SVSHM_EXPECT_NO_SYSVIPC=1: the kernel has no SysV IPC, so the same raw
 * calls without svshm-exec must fail with ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "common.h"
#include "kselftest_harness.h"
#include "svshm.h"
#include "tools.h"

/* ---- the roles: raw system calls only ---- */

#define FAIL(...) do { fprintf(stderr, "exec_test role: " __VA_ARGS__); fputc('\n', stderr); \
		       return 1; } while (0)

static long r_get(key_t key, size_t size, int flg)
{
	return syscall(SYS_shmget, key, size, flg);
}

static void *r_at(int id, const void *addr, int flg)
{
	return (void *)syscall(SYS_shmat, id, addr, flg);
}

static long r_dt(const void *addr)
{
	return syscall(SYS_shmdt, addr);
}

static long r_ctl(int id, int cmd, struct shmid_ds *ds)
{
	return syscall(SYS_shmctl, id, cmd, ds);	/* i386's direct shmctl: IPC_64's layout */
}

#ifdef __i386__
/* ipc(2), as an old i386 C library calls it (glibc's __IPC_64 in shmctl). */
static long ipc_call(int call, long first, long second, long third, void *ptr)
{
	return syscall(SYS_ipc, call, first, second, third, ptr, 0L);
}
#endif

static key_t env_key(void)
{
	return (key_t)strtol(getenv("EXEC_TEST_KEY"), NULL, 0);
}

/* Find the test's segment, check its data and nattch, write a mark, detach. */
static int role_raw(void)
{
	struct shmid_ds ds;
	char *p;
	long id = r_get(env_key(), PG, 0);

	if (id < 0)
		FAIL("shmget: %s", strerror(errno));
	p = r_at((int)id, NULL, 0);
	if (p == (void *)-1)
		FAIL("shmat: %s", strerror(errno));
	if (strcmp(p, "from libsvshm"))
		FAIL("data: '%.20s'", p);
	if (r_ctl((int)id, IPC_STAT, &ds))
		FAIL("IPC_STAT: %s", strerror(errno));
	if (ds.shm_nattch != 2 || ds.shm_segsz != PG)
		FAIL("nattch %lu, size %zu", (unsigned long)ds.shm_nattch, (size_t)ds.shm_segsz);
	strcpy(p + 100, "from raw");
	if (r_dt(p))
		FAIL("shmdt: %s", strerror(errno));
	if (r_dt(p) != -1 || errno != EINVAL)
		FAIL("second shmdt: %ld %s", (long)errno, strerror(errno));
	if (r_at((int)id, (void *)1, 0) != (void *)-1 || errno != EINVAL)
		FAIL("unaligned shmat: %s", strerror(errno));
	if (r_get(env_key(), 2 * PG, 0) != -1 || errno != EINVAL)
		FAIL("shmget larger: %s", strerror(errno));
	if (r_ctl((int)id, IPC_STAT, (void *)8) != -1 || errno != EFAULT)
		FAIL("IPC_STAT to a bad pointer: %s", strerror(errno));
#ifdef __i386__
	{
		unsigned long raddr = 0;

		if (ipc_call(23 /* SHMGET */, env_key(), PG, 0, NULL) != id)
			FAIL("ipc(SHMGET): %s", strerror(errno));
		if (ipc_call(21 /* SHMAT */, id, 0, (long)&raddr, NULL))
			FAIL("ipc(SHMAT): %s", strerror(errno));
		if (strcmp((char *)raddr, "from libsvshm"))
			FAIL("ipc(SHMAT) data");
		if (ipc_call(24 /* SHMCTL */, id, IPC_STAT | 0x100, 0, &ds) || ds.shm_nattch != 2)
			FAIL("ipc(SHMCTL): %s", strerror(errno));
		if (ipc_call(22 /* SHMDT */, 0, 0, 0, (void *)raddr))
			FAIL("ipc(SHMDT): %s", strerror(errno));
		if (ipc_call(21, id, 0, 8, NULL) != -1 || errno != EFAULT)
			FAIL("ipc(SHMAT) to a bad pointer: %s", strerror(errno));
	}
#endif
	return 0;
}

/* The raw calls without svshm-exec: native's answer, or ENOSYS without it. */
static int role_native(void)
{
	const char *e = getenv("SVSHM_EXPECT_NO_SYSVIPC");
	int want = e && !strcmp(e, "1") ? ENOSYS : ENOENT;

	if (r_get(env_key(), PG, 0) != -1 || errno != want)
		FAIL("raw shmget without svshm-exec: %s, not %s", strerror(errno), strerror(want));
	return 0;
}

/*
 * Each thread finds the segment itself: the threads' first calls race for
 * the process's page and descriptor, which one of them sets up while the
 * others wait. More threads than the page has slots (64) for calls in
 * flight.
 */
#define THREADS 72

static void *thread_main(void *arg)
{
	long id = r_get(env_key(), PG, 0);

	(void)arg;
	if (id < 0)
		return (void *)1;
	for (int i = 0; i < 20; i++) {
		char *p = r_at((int)id, NULL, 0);

		if (p == (void *)-1 || p[0] != 'f' || r_dt(p))
			return (void *)1;
	}
	return NULL;
}

static int role_threads(void)
{
	pthread_t th[THREADS];
	int bad = 0;

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, thread_main, NULL))
			FAIL("pthread_create");
	for (int i = 0; i < THREADS; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		bad |= ret != NULL;
	}
	if (bad)
		FAIL("a thread's shmget, shmat or shmdt failed");
	return 0;
}

static int wait_ok(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A forked child attaches and writes; a vforked one execs role_raw. */
static int role_fork(void)
{
	long id = r_get(env_key(), PG, 0);
	char *p;
	pid_t pid;

	if (id < 0)
		FAIL("shmget: %s", strerror(errno));
	p = r_at((int)id, NULL, 0);	/* the page and descriptor exist before the fork */
	if (p == (void *)-1)
		FAIL("shmat: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		char *q = r_at((int)id, NULL, 0);

		if (q == (void *)-1)
			_exit(1);
		strcpy(q + 200, "from fork");
		_exit(r_dt(q) || r_dt(p) ? 1 : 0);
	}
	if (!wait_ok(pid))
		FAIL("forked child");
	if (strcmp(p + 200, "from fork"))
		FAIL("the forked child's write is not seen");
	if (r_dt(p))
		FAIL("shmdt: %s", strerror(errno));
	setenv("EXEC_TEST_ROLE", "raw", 1);
	pid = vfork();
	if (pid == 0) {
		execl("/proc/self/exe", "exec_test", (char *)NULL);
		_exit(2);
	}
	if (!wait_ok(pid))
		FAIL("vforked and exec'd child");
	return 0;
}

/* Every descriptor closed, or replaced by another file, between calls. */
static int role_close(void)
{
	long id = r_get(env_key(), PG, 0);
	int fd;

	if (id < 0)
		FAIL("shmget: %s", strerror(errno));
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	if (r_get(env_key(), PG, 0) != id)
		FAIL("shmget after closing all: %s", strerror(errno));
	fd = open("/dev/null", O_RDONLY);
	for (int i = 3; i < 64; i++)
		if (i != fd)
			dup2(fd, i);
	if (r_get(env_key(), PG, 0) != id)
		FAIL("shmget after dup2 over all: %s", strerror(errno));
	return 0;
}

/* A seccomp filter of the program's own that refuses openat. */
static int role_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		FAIL("seccomp: %s", strerror(errno));
	if (r_get(env_key(), PG, 0) != -1 || errno != ENOSYS)
		FAIL("shmget under a filter refusing openat: %s, not ENOSYS", strerror(errno));
	return 0;
}

/* No device: ENOSYS. */
static int role_nosys(void)
{
	if (r_get(env_key(), PG, 0) != -1 || errno != ENOSYS)
		FAIL("shmget without a device: %s, not ENOSYS", strerror(errno));
	return 0;
}

static void *exec_thread(void *arg)
{
	(void)arg;
	setenv("EXEC_TEST_ROLE", "raw", 1);
	execl("/proc/self/exe", "exec_test", (char *)NULL);
	return NULL;
}

/* A thread that is not the leader execs: the new image is served too. */
static int role_thread_exec(void)
{
	pthread_t th;
	long id = r_get(env_key(), PG, 0);	/* the old image's page and descriptor */

	if (id < 0)
		FAIL("shmget: %s", strerror(errno));
	if (pthread_create(&th, NULL, exec_thread, NULL))
		FAIL("pthread_create");
	pthread_join(th, NULL);
	FAIL("exec from a thread: %s", strerror(errno));
}

/* SIGTERM to svshm-exec reaches the program, which says so and exits 0. */
static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	got_term = sig;
}

static int role_term(void)
{
	signal(SIGTERM, on_term);
	kill(getppid(), SIGTERM);	/* svshm-exec, its parent */
	for (int i = 0; i < 500 && !got_term; i++)
		usleep(10000);
	return got_term == SIGTERM ? 0 : 1;
}

/*
 * What svshm-exec put in the process: one descriptor of the device,
 * close-on-exec, and a page that starts with the device's path. The
 * program unmaps that page: the next call maps another.
 */
static int role_unmap(void)
{
	const char *dev = getenv("EXEC_TEST_DEVICE");
	unsigned long lo, hi, found = 0;
	char line[512], path[64], link[PATH_MAX];
	int fds = 0, cloexec = 1;
	FILE *f;

	if (r_get(env_key(), PG, 0) < 0)
		FAIL("shmget: %s", strerror(errno));
	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strcmp(link, dev))
			continue;
		fds++;
		cloexec &= (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
	}
	if (fds != 1 || !cloexec)
		FAIL("%d descriptors of %s, close-on-exec: %d", fds, dev, cloexec);
	/*
	 * The page is private and anonymous; the kernel may have merged it
	 * with a neighbour of the same kind (arm64's layout does), so every
	 * page of every such mapping is looked at.
	 */
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx rw-p 00000000 00:00 0", &lo, &hi) == 2 &&
		    strchr(line, '/') == NULL)
			for (unsigned long pg = lo; pg < hi && !found; pg += PG)
				if (!strncmp((char *)pg, dev, strlen(dev) + 1))
					found = pg;
	if (f)
		fclose(f);
	if (!found)
		FAIL("no page starting with %s in /proc/self/maps", dev);
	if (munmap((void *)found, PG))
		FAIL("munmap: %s", strerror(errno));
	if (r_get(env_key(), PG, 0) < 0)
		FAIL("shmget after its page was unmapped: %s", strerror(errno));
	return 0;
}

/*
 * A process that is not dumpable: served when svshm-exec may write into
 * it (root's CAP_SYS_PTRACE); otherwise ENOSYS, and a line that says why.
 */
static int role_nodump(void)
{
	long id;

	prctl(PR_SET_DUMPABLE, 0);
	id = r_get(env_key(), PG, 0);
	if (geteuid() == 0 ? id < 0 : id != -1 || errno != ENOSYS)
		FAIL("shmget, not dumpable: %ld %s", id, strerror(errno));
	return 0;
}

static int role_uid(void)
{
	printf("euid %d\n", (int)geteuid());
	return 0;
}

static int role_signal(void)
{
	raise(SIGTERM);
	return 1;
}

__attribute__((constructor)) static void role(void)
{
	static const struct { const char *name; int (*fn)(void); } roles[] = {
		{ "raw", role_raw }, { "native", role_native }, { "threads", role_threads },
		{ "fork", role_fork }, { "close", role_close }, { "filter", role_filter }, { "nosys", role_nosys },
		{ "thread_exec", role_thread_exec }, { "unmap", role_unmap },
		{ "nodump", role_nodump }, { "term", role_term },
		{ "uid", role_uid }, { "signal", role_signal },
	};
	const char *r = getenv("EXEC_TEST_ROLE");

	if (!r)
		return;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(r, roles[i].name)) {
			fflush(stdout);
			exit(roles[i].fn());
		}
	fprintf(stderr, "exec_test: no role %s\n", r);
	exit(1);
}

/* ---- the tests ---- */

/*
 * Every shm call of a role is two stops in svshm-exec, each a few context
 * switches: under QEMU's TCG on a loaded host (or the debug kernel) the
 * harness's 30 seconds are not enough for the 72 threads or the forks.
 */
#define EXEC_TIMEOUT 300

FIXTURE(exec)
{
	char tool[PATH_MAX], self[PATH_MAX];
	key_t key;
	int id;
	char *p;
};

FIXTURE_SETUP(exec)
{
	ssize_t n;

	/* Nothing for the teardown to remove until the segment is made. */
	self->id = -1;
	self->p = (char *)-1;
	tool_path("svshm-exec", self->tool, sizeof(self->tool));
	n = readlink("/proc/self/exe", self->self, sizeof(self->self) - 1);
	ASSERT_GT(n, 0);
	self->self[n] = 0;
	unsetenv("SVSHM_EXEC_PID");
	{
		char cmd[PATH_MAX + 32], out[512];
		int rc;

		/*
		 * It builds everywhere and says, in one line, where it does
		 * not serve yet (another architecture) and where it cannot (a
		 * kernel without seccomp filters); a kernel that has them
		 * (/proc/sys/kernel/seccomp) on x86-64 or arm64 must be served.
		 */
		snprintf(cmd, sizeof(cmd), "%s /bin/true 2>&1", self->tool);
		rc = capture(cmd, out, sizeof(out));
		if (rc == 126 && strstr(out, "not supported on this architecture")) {
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
			ASSERT_TRUE(0) TH_LOG("an architecture svshm-exec serves: %s", out);
#endif
			SKIP(return, "svshm-exec does not serve this host: %s", out);
		}
		if (rc == 126 && strstr(out, "no seccomp filters")) {
			ASSERT_NE(0, access("/proc/sys/kernel/seccomp", F_OK));
			SKIP(return, "%s", out);
		}
		ASSERT_EQ(0, rc) TH_LOG("svshm-exec /bin/true: %s", out);
	}
	self->key = (key_t)(0x5e000000 | (getpid() & 0xffffff));
	self->id = svshm_shmget(self->key, PG, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_GE(self->id, 0) TH_LOG("svshm_shmget: %s", strerror(errno));
	self->p = svshm_shmat(self->id, NULL, 0);
	ASSERT_NE((void *)-1, self->p);
	strcpy(self->p, "from libsvshm");
}

FIXTURE_TEARDOWN(exec)
{
	if (self->p != (char *)-1)
		svshm_shmdt(self->p);
	if (self->id >= 0)
		svshm_shmctl(self->id, IPC_RMID, NULL);
}

/* Run ROLE (under svshm-exec if @pre is not NULL: its words before PROGRAM). */
static int run_role(struct __test_metadata *_metadata, FIXTURE_DATA(exec) *self,
		    const char *role, const char *pre, char *out, size_t len)
{
	char cmd[3 * PATH_MAX];
	int st;

	snprintf(cmd, sizeof(cmd), "EXEC_TEST_ROLE=%s EXEC_TEST_KEY=%d %s %s %s 2>&1", role,
		 (int)self->key, pre ? self->tool : "", pre ? pre : "", self->self);
	st = capture(cmd, out, len);
	TH_LOG("%s: status %d: %s", cmd, st, out);
	return st;
}

TEST_F_TIMEOUT(exec, raw_shares_with_libsvshm, EXEC_TIMEOUT)
{
	struct shmid_ds ds;
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "native", NULL, out, sizeof(out)));
	ASSERT_EQ(0, run_role(_metadata, self, "raw", "", out, sizeof(out)));
	EXPECT_STREQ("from raw", self->p + 100);
	ASSERT_EQ(0, svshm_shmctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_NE(getpid(), ds.shm_lpid);	/* the raw program's shmdt */
	EXPECT_EQ(NULL, strstr(out, "svshm-exec"));	/* nothing said */
}

TEST_F_TIMEOUT(exec, threads, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "threads", "--", out, sizeof(out)));
}

TEST_F_TIMEOUT(exec, fork_vfork_exec, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "fork", "", out, sizeof(out)));
	EXPECT_STREQ("from raw", self->p + 100);	/* the exec'd grandchild's */
}

TEST_F_TIMEOUT(exec, thread_exec, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "thread_exec", "", out, sizeof(out)));
	EXPECT_STREQ("from raw", self->p + 100);
}

TEST_F_TIMEOUT(exec, signal_forwarded, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "term", "", out, sizeof(out)));
}

TEST_F_TIMEOUT(exec, descriptors_closed, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "close", "", out, sizeof(out)));
}

TEST_F_TIMEOUT(exec, page_and_descriptor, EXEC_TIMEOUT)
{
	char out[4096];

	setenv("EXEC_TEST_DEVICE", svshm_device_path(), 1);
	ASSERT_EQ(0, run_role(_metadata, self, "unmap", "", out, sizeof(out)));
}

TEST_F_TIMEOUT(exec, not_dumpable, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "nodump", "", out, sizeof(out)));
	if (geteuid())
		EXPECT_NE(NULL, strstr(out, "it is not dumpable"));
}

TEST_F_TIMEOUT(exec, device_option, EXEC_TIMEOUT)
{
	char out[4096], pre[PATH_MAX + 16];

	snprintf(pre, sizeof(pre), "--device %s", svshm_device_path());
	ASSERT_EQ(0, run_role(_metadata, self, "raw", pre, out, sizeof(out)));
	/* No device: ENOSYS, one line. */
	ASSERT_EQ(0, run_role(_metadata, self, "nosys", "--device /nonexistent/svshm", out,
			      sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "svshm-exec: process "));
	EXPECT_NE(NULL, strstr(out, "/nonexistent/svshm"));
}

TEST_F_TIMEOUT(exec, not_a_shm_user_and_exit_status, EXEC_TIMEOUT)
{
	char cmd[2 * PATH_MAX], out[4096];

	snprintf(cmd, sizeof(cmd), "%s /bin/true", self->tool);
	EXPECT_EQ(0, capture(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s sh -c 'echo hi; exit 7'", self->tool);
	EXPECT_EQ(7, capture(cmd, out, sizeof(out)));
	EXPECT_STREQ("hi\n", out);
	EXPECT_EQ(128 + SIGTERM, run_role(_metadata, self, "signal", "", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s /nonexistent/program 2>&1", self->tool);
	EXPECT_EQ(127, capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "svshm-exec: /nonexistent/program: "));
}

TEST_F_TIMEOUT(exec, nested, EXEC_TIMEOUT)
{
	char out[4096], pre[PATH_MAX + 8];

	snprintf(pre, sizeof(pre), "%s", self->tool);
	ASSERT_EQ(0, run_role(_metadata, self, "raw", pre, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "svshm-exec: already under svshm-exec"));
	EXPECT_STREQ("from raw", self->p + 100);
}

TEST_F_TIMEOUT(exec, own_seccomp_filter, EXEC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, run_role(_metadata, self, "filter", "", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "cannot open"));
	EXPECT_NE(NULL, strstr(out, "own seccomp filter"));
}

TEST_F_TIMEOUT(exec, setuid_program, EXEC_TIMEOUT)
{
	char path[] = "/tmp/exec_test.XXXXXX", copy[PATH_MAX + 32], out[4096];
	char cmd[4 * PATH_MAX];
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	snprintf(copy, sizeof(copy), "cp %s %s && chmod 4755 %s", self->self, path, path);
	ASSERT_EQ(0, system(copy));
	snprintf(cmd, sizeof(cmd), "EXEC_TEST_ROLE=uid %s %s 2>&1", self->tool, path);
	EXPECT_EQ(0, capture(cmd, out, sizeof(out)));
	TH_LOG("%s: %s", cmd, out);
	EXPECT_NE(NULL, strstr(out, "is set-user-ID or set-group-ID: it runs without those privileges"));
	snprintf(copy, sizeof(copy), "euid %d\n", (int)geteuid());
	EXPECT_NE(NULL, strstr(out, copy));	/* not the file owner's */
	unlink(path);
}

/*
 * svshm-exec under a tracer that follows forks (strace -f, a debugger):
 * its PROGRAM has a tracer already, and it says so.
 */
TEST_F_TIMEOUT(exec, traced, EXEC_TIMEOUT)
{
	int pfd[2], st, n = 0, stopped[64], nstopped = 0;
	char out[4096] = "";
	pid_t pid, w;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pfd[1], 2);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execl(self->tool, "svshm-exec", "/bin/true", (char *)NULL);
		_exit(99);
	}
	close(pfd[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    (void *)(PTRACE_O_TRACEFORK | PTRACE_O_EXITKILL)));
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	/* Let every traced process run, its signals passed on, until svshm-exec ends. */
	while ((w = waitpid(-1, &st, __WALL)) > 0) {
		if (w == pid && (WIFEXITED(st) || WIFSIGNALED(st)))
			break;
		if (WIFSTOPPED(st)) {
			int sig = WSTOPSIG(st), again = 0;

			if (sig == SIGTRAP || (st >> 16))
				sig = 0;
			/* SIGSTOP's second stop is the group stop: leave it stopped. */
			for (int i = 0; sig == SIGSTOP && i < nstopped; i++)
				again |= stopped[i] == w;
			if (again)
				continue;
			if (sig == SIGSTOP && nstopped < 64)
				stopped[nstopped++] = w;
			ptrace(PTRACE_CONT, w, NULL, (void *)(long)sig);
		}
	}
	ASSERT_EQ(pid, w);
	n = read(pfd[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	TH_LOG("%s", out);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(out, "svshm-exec: cannot trace /bin/true"));
}

TEST_HARNESS_MAIN
