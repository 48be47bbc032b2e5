/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forked children in harness tests: how they end and how they are reaped.
 * Include after kselftest_harness.h.
 */
#ifndef SVSHM_SELFTEST_CHILD_H
#define SVSHM_SELFTEST_CHILD_H

#include <sys/wait.h>
#include <unistd.h>

/*
 * End a child of a test. The harness shares _metadata with forked children,
 * so a failed EXPECT there fails the test; the exit status says it again
 * for reap(), in case a harness does not share it.
 */
#define child_exit() _exit(_metadata->exit_code == KSFT_FAIL)

/* Exit status of child @pid: 0 when all its checks passed. */
static inline int reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif /* SVSHM_SELFTEST_CHILD_H */
