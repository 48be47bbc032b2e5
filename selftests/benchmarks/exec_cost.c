// SPDX-License-Identifier: GPL-2.0
/*
 * exec_cost: what svshm-exec costs, beside what it replaces. Each figure is
 * a program of its own, run directly and under svshm-exec, the two
 * alternating, ROUNDS times each after one warm-up each; the medians and
 * their ratio are printed as Markdown rows, as bench's.
 *
 *   exec_cost [-s SECONDS_PER_RUN] [-r ROUNDS] [-n] SVSHM_EXEC
 *
 * - A shm call (IPC_STAT of a segment of the program's own), issued as a
 *   raw system call: natively it is native's, under svshm-exec svshm's,
 *   stopped twice in the supervisor; and the same call through libsvshm
 *   (which is what the preload library runs), in the same alternation.
 * - A program that makes no shm call: a loop of getppid() (the cheapest
 *   system call, so the seccomp filter's share is as large as it gets),
 *   a loop of 4 KiB reads of /dev/zero, and the start-up of /bin/true
 *   (fork, exec, exit, wait; under svshm-exec its own start-up too).
 *
 * Run by make bench in a guest, as root, with the module loaded. Figures
 * under TCG compare the two, they are not absolute. -n: only the rows of
 * a program that makes no shm call, which need no module: they run on a
 * host as it is, on its real CPU (make exec-cost).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svshm.h"

#define MAX_ROUNDS	41
#define PROG		"exec_cost"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* --- the measured programs (this one, with --child CASE SECONDS) --------- */

static int op_raw_stat(int id)
{
	struct shmid_ds ds;

	return syscall(SYS_shmctl, id, IPC_STAT, &ds);
}

static int op_lib_stat(int id)
{
	struct shmid_ds ds;

	return svshm_shmctl(id, IPC_STAT, &ds);
}

static int op_getppid(int unused)
{
	(void)unused;
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static int zero_fd = -1;

static int op_read(int unused)
{
	static char buf[4096];

	(void)unused;
	return read(zero_fd, buf, sizeof(buf)) == sizeof(buf) ? 0 : -1;
}

/*
 * Run one case for about @secs seconds: print the nanoseconds per
 * operation. Iterations double until a batch takes a tenth of the time,
 * so that the clock is read rarely.
 */
static int child(const char *name, double secs)
{
	int (*op)(int) = NULL;
	long n = 0, batch = 64;
	double t0, t1;
	int id = -1;

	if (!strcmp(name, "raw-stat") || !strcmp(name, "lib-stat")) {
		op = name[0] == 'r' ? op_raw_stat : op_lib_stat;
		id = name[0] == 'r' ? syscall(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | 0600) :
				      svshm_shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (id < 0)
			return fprintf(stderr, PROG ": %s: shmget: %s\n", name, strerror(errno)), 1;
	} else if (!strcmp(name, "getppid")) {
		op = op_getppid;
	} else if (!strcmp(name, "read")) {
		op = op_read;
		zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		if (zero_fd < 0)
			return fprintf(stderr, PROG ": /dev/zero: %s\n", strerror(errno)), 1;
	} else {
		return fprintf(stderr, PROG ": no case %s\n", name), 2;
	}
	t0 = now();
	do {
		for (long i = 0; i < batch; i++)
			if (op(id) < 0)
				return fprintf(stderr, PROG ": %s: %s\n", name, strerror(errno)), 1;
		n += batch;
		t1 = now();
		if (t1 - t0 < secs / 10)
			batch *= 2;
	} while (t1 - t0 < secs);
	if (id >= 0 && (name[0] == 'r' ? syscall(SYS_shmctl, id, IPC_RMID, NULL) :
			svshm_shmctl(id, IPC_RMID, NULL)))
		return fprintf(stderr, PROG ": IPC_RMID: %s\n", strerror(errno)), 1;
	printf("%.3f\n", (t1 - t0) * 1e9 / n);
	return 0;
}

/* --- the parent: runs, alternation, medians ----------------------------- */

static char self[4096];
static const char *tool;
static double per_run = 0.3;

/*
 * Run @argv to its end; with @out, read the one figure it prints. The
 * wall time of the whole run in @wall. 0, or -1 with a line said.
 */
static int spawn(char *const argv[], double *out, double *wall)
{
	char buf[64] = "";
	int fds[2], status;
	double t0 = now();
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid > 0)
		n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, PROG ": %s %s did not finish well\n", argv[0], argv[1] ? argv[1] : "");
		return -1;
	}
	*wall = now() - t0;
	if (out) {
		buf[n > 0 ? n : 0] = 0;
		*out = strtod(buf, NULL);
	}
	return !out || *out > 0 ? 0 : -1;
}

/* One run of case @name, under svshm-exec if @exec: its figure, or -1. */
static double one(const char *name, int exec)
{
	char secs[32];
	char *direct[] = { self, "--child", (char *)name, secs, NULL };
	char *traced[] = { (char *)tool, self, "--child", (char *)name, secs, NULL };
	double v = -1, wall;

	snprintf(secs, sizeof(secs), "%g", per_run);
	if (spawn(exec ? traced : direct, &v, &wall))
		return -1;
	return v;
}

/* The start-up of /bin/true, under svshm-exec if @exec: seconds, or -1. */
static double startup(int exec)
{
	char *direct[] = { "/bin/true", NULL };
	char *traced[] = { (char *)tool, "/bin/true", NULL };
	double wall, sum = 0;
	const int n = 20;

	for (int i = 0; i < n; i++) {
		if (spawn(exec ? traced : direct, NULL, &wall))
			return -1;
		sum += wall;
	}
	return sum / n * 1e9;
}

/*
 * Alternate runs of @a and @b (a case and whether svshm-exec runs it), one
 * warm-up each first; the medians in @ma and @mb. 0, or -1.
 */
static int alternate(const char *ca, int ea, const char *cb, int eb, int rounds,
		     double *ma, double *mb)
{
	double va[MAX_ROUNDS], vb[MAX_ROUNDS];

	for (int r = -1; r < rounds; r++) {
		double x = ca ? one(ca, ea) : startup(ea);
		double y = cb ? one(cb, eb) : startup(eb);

		if (x < 0 || y < 0)
			return -1;
		if (r >= 0) {
			va[r] = x;
			vb[r] = y;
		}
	}
	*ma = median(va, rounds);
	*mb = median(vb, rounds);
	return 0;
}

static void row(const char *what, const char *a, double ma, const char *b, double mb)
{
	printf("| %s | %s%s%.0f ns | %s%s%.0f ns | %.3f |\n", what, a, *a ? " " : "", ma,
	       b, *b ? " " : "", mb, mb / ma);
}

int main(int argc, char **argv)
{
	int rounds = 9, opt, failed = 0, no_shm = 0;
	double a, b, c, d;
	ssize_t n;

	if (argc == 4 && !strcmp(argv[1], "--child"))
		return child(argv[2], strtod(argv[3], NULL));
	while ((opt = getopt(argc, argv, "s:r:n")) != -1) {
		switch (opt) {
		case 's': per_run = strtod(optarg, NULL); break;
		case 'r': rounds = atoi(optarg); break;
		case 'n': no_shm = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || per_run <= 0 || rounds < 1 || rounds > MAX_ROUNDS)
		goto usage;
	tool = argv[optind];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return perror(PROG ": /proc/self/exe"), 1;
	self[n] = 0;

	printf("\n#### svshm-exec: medians of %d alternating runs of %g s\n\n", rounds, per_run);
	printf("| case | without svshm-exec | with svshm-exec | with / without |\n");
	printf("| --- | --- | --- | --- |\n");
	/* The shm call: native's raw, then svshm's raw under svshm-exec, and libsvshm's. */
	if (no_shm)
		;
	else if (alternate("raw-stat", 0, "raw-stat", 1, rounds, &a, &b) ||
		 alternate("raw-stat", 0, "lib-stat", 0, rounds, &d, &c))
		failed = 1;
	else {
		row("`shmctl(IPC_STAT)`, raw system call", "native", a, "svshm", b);
		row("`shmctl(IPC_STAT)`, libsvshm (as preloaded), for scale", "native", d,
		    "libsvshm, no svshm-exec", c);
	}
	if (alternate("getppid", 0, "getppid", 1, rounds, &a, &b))
		failed = 1;
	else
		row("no shm call: `getppid()` loop", "", a, "", b);
	if (alternate("read", 0, "read", 1, rounds, &a, &b))
		failed = 1;
	else
		row("no shm call: 4 KiB `read()` of /dev/zero loop", "", a, "", b);
	if (alternate(NULL, 0, NULL, 1, rounds, &a, &b))
		failed = 1;
	else
		row("start-up: fork, exec and wait of /bin/true", "", a, "", b);
	return failed;
usage:
	fprintf(stderr, "usage: " PROG " [-s SECONDS_PER_RUN] [-r ROUNDS] [-n] SVSHM_EXEC\n");
	return 2;
}
