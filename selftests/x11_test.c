// SPDX-License-Identifier: GPL-2.0
/*
 * X11's MIT-SHM extension on svshm, unmodified: x11perf -shmput10 makes a
 * System V segment for its image, hands the id to the X server (Xvfb),
 * which attaches it by id, and the two share the image's pixels. Both run
 * under LD_PRELOAD=libsvshm-preload.so, and the proof that the pixels went
 * through svshm is in svshm's own listing while x11perf runs: a segment
 * created by x11perf (cpid), attached last by Xvfb (lpid), twice (nattch).
 *
 * Two controls show that this proof can fail: natively (where the kernel
 * has SysV IPC) the same segment shows in /proc/sysvipc/shm and not in
 * /proc/svshm; and a preloaded server cannot attach a native client's
 * segment (or, without SysV IPC, the native client cannot make one), so
 * x11perf reports no ShmPutImage result.
 *
 * Xvfb and x11perf run as nobody when we are root: Xvfb as root compiles
 * its keymap into /var/lib/xkb, which the guest's read-only root refuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "preload.h"

#define XVFB		"/usr/bin/Xvfb"
#define X11PERF		"/usr/bin/x11perf"
/* x11perf's window is 600x600: a smaller screen fails its GetImage. */
#define SCREEN		"800x700x24"
#define RESULT		"/sec): ShmPutImage 10x10 square"
#define NO_ATTACH	"failed to attach shared memory"
/* Under TCG Xvfb takes seconds to start and x11perf tens of seconds. */
#define XVFB_START_S	120
#define X11PERF_S	300

/* What the listing showed of x11perf's segment while it ran. */
struct seen {
	int rows;		/* scans that found a segment x11perf created */
	int nattch;		/* the most attachments seen on it */
	int by_server;		/* seen last attached by Xvfb (lpid) */
};

FIXTURE(x11) {
	pid_t xvfb, perf;
	char display[16];
	char out[64];		/* x11perf's output file */
};

FIXTURE_SETUP(x11)
{
	self->xvfb = self->perf = 0;
	self->out[0] = 0;
	if (access(XVFB, X_OK) || access(X11PERF, X_OK))
		SKIP(return, XVFB " or " X11PERF " is not installed (xvfb, x11-apps)");
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s: %s", preload_lib(), strerror(errno));
}

/*
 * TERM, then KILL after 5 s, a process we started: reaped if still our
 * child, else (the teardown, after the test's process ended) gone once
 * kill(pid, 0) fails.
 */
static void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid || kill(pid, 0))
			return;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, WNOHANG);
}

/* In the parent: a failed ASSERT must not leave an X server behind. */
FIXTURE_TEARDOWN_PARENT(x11)
{
	stop(self->perf);
	stop(self->xvfb);
	if (self->out[0])
		unlink(self->out);
}

/*
 * Fork and exec @argv, natively or preloaded, as nobody when root, its
 * output to @fd; @keep stays open in the child (Xvfb's -displayfd).
 */
static pid_t spawn(char *const argv[], int preload, int fd, int keep)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	dup2(fd, 1);
	dup2(fd, 2);
	for (int i = 3; i < 1024; i++)
		if (i != keep)
			close(i);
	if (preload)
		setenv("LD_PRELOAD", preload_lib(), 1);
	else
		unsetenv("LD_PRELOAD");
	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
			       setresuid(NOBODY, NOBODY, NOBODY)))
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/* Start Xvfb; its display (":N") once it accepts clients, or -1. */
static int xvfb_start(FIXTURE_DATA(x11) *self, int preload)
{
	char fdarg[16], buf[16];
	char *argv[] = { XVFB, "-displayfd", fdarg, "-nolisten", "tcp", "-screen", "0",
			 SCREEN, NULL };
	struct pollfd p;
	int fds[2], null;
	ssize_t n = 0;

	if (pipe(fds))
		return -1;
	null = open("/dev/null", O_WRONLY);
	snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
	self->xvfb = spawn(argv, preload, null, fds[1]);
	close(fds[1]);
	close(null);
	/* Xvfb writes the display's number when it is ready: wait for it, bounded. */
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (self->xvfb > 0 && poll(&p, 1, XVFB_START_S * 1000) == 1)
		n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	snprintf(self->display, sizeof(self->display), ":%d", atoi(buf));
	return 0;
}

/* Scan @listing for a segment that @creator made; note what it shows. */
static void scan(const char *listing, pid_t creator, pid_t server, struct seen *seen)
{
	long long key, id, cpid, lpid, nattch;
	unsigned long long mode, size;
	char line[512];
	FILE *f = fopen(listing, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lld %lld %llo %llu %lld %lld %lld", &key, &id, &mode, &size,
			   &cpid, &lpid, &nattch) != 7 || cpid != creator)
			continue;
		seen->rows++;
		if (nattch > seen->nattch)
			seen->nattch = nattch;
		if (lpid == server)
			seen->by_server = 1;
	}
	fclose(f);
}

/*
 * Run x11perf -shmput10 on the server, natively or preloaded, watching
 * @where's and @other's listings until it exits (bounded). Its output in
 * @out; returns its exit status, or -1.
 */
static int x11perf(struct __test_metadata *_metadata, FIXTURE_DATA(x11) *self, int preload,
		   const char *where, struct seen *w, const char *other, struct seen *o,
		   char *out, size_t len)
{
	char *argv[] = { X11PERF, "-display", self->display, "-repeat", "1", "-time", "1",
			 "-shmput10", NULL };
	time_t end = time(NULL) + X11PERF_S;
	int fd, status = -1;
	ssize_t n;
	pid_t pid;

	strcpy(self->out, "/tmp/svshm-x11perf.XXXXXX");
	fd = mkstemp(self->out);
	ASSERT_LE(0, fd);
	/* nobody writes it. */
	ASSERT_EQ(0, fchmod(fd, 0666));
	pid = self->perf = spawn(argv, preload, fd, -1);
	ASSERT_LT(0, pid);
	while (time(NULL) < end) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			self->perf = 0;
			break;
		}
		scan(where, pid, self->xvfb, w);
		scan(other, pid, self->xvfb, o);
		usleep(20000);
	}
	EXPECT_EQ(0, self->perf) TH_LOG("x11perf still running after %d s", X11PERF_S);
	n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	return !self->perf && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* x11perf's result line, for the log: "   N reps @ ... ShmPutImage 10x10 square". */
static const char *result_line(char *out)
{
	char *r = strstr(out, RESULT);

	if (!r)
		return "no result\n";
	while (r > out && r[-1] != '\n')
		r--;
	return r;
}

/* One run: Xvfb and x11perf both native or both preloaded. */
static void shmput(struct __test_metadata *_metadata, FIXTURE_DATA(x11) *self, int preload)
{
	const char *where = preload ? "/proc/svshm" : "/proc/sysvipc/shm";
	const char *other = preload ? "/proc/sysvipc/shm" : "/proc/svshm";
	struct seen w = { 0 }, o = { 0 };
	char out[OUT_MAX];

	ASSERT_EQ(0, xvfb_start(self, preload)) TH_LOG("Xvfb did not start in %d s",
						      XVFB_START_S);
	ASSERT_EQ(0, x11perf(_metadata, self, preload, where, &w, other, &o, out, sizeof(out)))
		TH_LOG("x11perf:\n%s", out);
	EXPECT_NE(NULL, strstr(out, RESULT)) TH_LOG("x11perf:\n%s", out);
	/* The client's segment, attached by it and by the server, on @where only. */
	EXPECT_LT(0, w.rows) TH_LOG("no segment of x11perf in %s", where);
	/*
	 * At least the client's and the server's attachment; a sample may
	 * catch a third for a moment (seen natively on 6.1, as nobody).
	 */
	EXPECT_LE(2, w.nattch);
	EXPECT_EQ(1, w.by_server) TH_LOG("Xvfb never attached x11perf's segment");
	EXPECT_EQ(0, o.rows) TH_LOG("x11perf's segment in %s", other);
	ksft_print_msg("%s: %s", preload ? "preloaded" : "native", result_line(out));
	stop(self->xvfb);
	self->xvfb = 0;
}

TEST_F_TIMEOUT(x11, shmput_preloaded_on_svshm, 600)
{
	shmput(_metadata, self, 1);
}

TEST_F_TIMEOUT(x11, shmput_native, 600)
{
	SKIP_IF_NO_NATIVE(&shm_native);
	shmput(_metadata, self, 0);
}

/*
 * A preloaded server and a native client: the segment's id means nothing
 * to svshm, so the server cannot attach it (or, without SysV IPC, the
 * client cannot even make one): no ShmPutImage result.
 */
TEST_F_TIMEOUT(x11, preloaded_server_cannot_use_native_segment, 600)
{
	struct seen w = { 0 }, o = { 0 };
	char out[OUT_MAX];

	ASSERT_EQ(0, xvfb_start(self, 1)) TH_LOG("Xvfb did not start in %d s", XVFB_START_S);
	ASSERT_LE(0, x11perf(_metadata, self, 0, "/proc/svshm", &w, "/proc/sysvipc/shm", &o,
			     out, sizeof(out))) TH_LOG("x11perf:\n%s", out);
	EXPECT_EQ(NULL, strstr(out, RESULT)) TH_LOG("x11perf:\n%s", out);
	/* The server's shmat failed: the error x11perf reports for BadAccess. */
	if (native_shm_present())
		EXPECT_NE(NULL, strstr(out, NO_ATTACH)) TH_LOG("x11perf:\n%s", out);
	EXPECT_EQ(0, w.rows);
	stop(self->xvfb);
	self->xvfb = 0;
}

TEST_HARNESS_MAIN
