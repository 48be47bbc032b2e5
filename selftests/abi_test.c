// SPDX-License-Identifier: GPL-2.0
/*
 * The library checks the module's ABI version when it opens the device:
 * a library older or newer than the loaded module (abi_peer, built for
 * ABI 1 and ABI 3) makes no call reach the module; each call fails with
 * ENOSYS and one line on stderr says which side is older and what to do.
 * The library of this build (ABI 2) works with the module of this build.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "kselftest_harness.h"
#include "svshm.h"

/*
 * Run build/selftests/@name; its stderr into @buf, its exit status into
 * @status (-1 if it did not exit).
 */
static void run_peer(const char *name, char *buf, size_t len, int *status)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int pfd[2], st;
	size_t got = 0;
	pid_t pid;

	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "%s/%s", dirname(exe), name);
	*status = -1;
	buf[0] = 0;
	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 2);
		execl(path, name, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < len - 1 && (n = read(pfd[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(pfd[0]);
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		*status = WEXITSTATUS(st);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(this_build_matches)
{
	EXPECT_EQ(2, SVSHM_ABI_VERSION);
	EXPECT_LE(0, svshm_shmctl(0, SHM_INFO, &(struct shmid_ds){ 0 }));
}

TEST(older_library_refused_in_one_line)
{
	char err[4096];
	int status;

	run_peer("abi_peer_v1", err, sizeof(err), &status);
	EXPECT_EQ(0, status) TH_LOG("calls that did not fail with ENOSYS: %d", status);
	EXPECT_EQ(1, lines(err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "speaks ABI 2, this library ABI 1")) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "module is newer than the library")) TH_LOG("stderr: %s", err);
}

TEST(newer_library_refused_in_one_line)
{
	char err[4096];
	int status;

	run_peer("abi_peer_v3", err, sizeof(err), &status);
	EXPECT_EQ(0, status) TH_LOG("calls that did not fail with ENOSYS: %d", status);
	EXPECT_EQ(1, lines(err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "speaks ABI 2, this library ABI 3")) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "module is older than the library")) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "modprobe svshm")) TH_LOG("stderr: %s", err);
}

TEST_HARNESS_MAIN
