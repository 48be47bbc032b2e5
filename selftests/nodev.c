// SPDX-License-Identifier: GPL-2.0
/*
 * libsvshm without the module loaded: every call fails with ENOSYS and a
 * single line on stderr names the cause, however many calls are made.
 * Run by scripts/guest/tests.sh after rmmod, with stderr captured to a file.
 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svshm.h"

/* Run the four calls twice in a child; return what it wrote on stderr. */
static ssize_t calls_in_child(char *buf, size_t len, int *errs)
{
	int pfd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		dup2(pfd[1], 2);
		for (int i = 0; i < 2; i++) {
			bad += svshm_shmget(IPC_PRIVATE, 4096, 0600) != -1 || errno != ENOSYS;
			bad += svshm_shmat(0, NULL, 0) != (void *)-1 || errno != ENOSYS;
			bad += svshm_shmdt((void *)4096) != -1 || errno != ENOSYS;
			bad += svshm_shmctl(0, IPC_STAT, NULL) != -1 || errno != ENOSYS;
		}
		_exit(bad);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	*errs = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return got;
}

TEST(enosys_and_one_line)
{
	char buf[4096];
	int errs = -1;
	int lines = 0;

	ASSERT_NE(0, access("/dev/svshm", F_OK)) TH_LOG("the module is still loaded");
	ASSERT_LT(0, calls_in_child(buf, sizeof(buf), &errs));
	EXPECT_EQ(0, errs);
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	EXPECT_EQ(1, lines) TH_LOG("stderr was: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "/dev/svshm")) TH_LOG("stderr was: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "svshm.ko")) TH_LOG("stderr was: %s", buf);
}

TEST_HARNESS_MAIN
