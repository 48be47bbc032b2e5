/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unmodified programs in a test, run natively or on svshm through
 * LD_PRELOAD=libsvshm-preload.so, found from the test's own binary.
 */
#ifndef SVSHM_SELFTEST_PRELOAD_H
#define SVSHM_SELFTEST_PRELOAD_H

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define OUT_MAX		16384

/*
 * The preload library: beside us in a kselftest build, else
 * build/selftests/ -> lib/, or for a 32-bit build build/selftests32/ ->
 * build/lib32/.
 */
static inline const char *preload_lib(void)
{
	static char lib[PATH_MAX];
	char exe[PATH_MAX], *dir;
	ssize_t n;

	if (lib[0])
		return lib;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	dir = dirname(exe);	/* once: it writes into exe */
	snprintf(lib, sizeof(lib), "%s/libsvshm-preload.so", dir);
	if (access(lib, R_OK))
		snprintf(lib, sizeof(lib), "%s/%s/libsvshm-preload.so", dir,
			 sizeof(void *) > 4 ? "../../lib" : "../lib32");
	return lib;
}

/*
 * Run @argv with or without the preload library, as nobody when @drop and
 * we are root (PostgreSQL refuses root), stdout and stderr into @out.
 * Returns the exit status, or -1 if the program did not exit normally.
 */
static inline int run_program(char *const argv[], int preload, int drop, char *out, size_t len)
{
	size_t used = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[1]);
		if (preload)
			setenv("LD_PRELOAD", preload_lib(), 1);
		else
			unsetenv("LD_PRELOAD");
		setenv("HOME", "/tmp", 1);
		setenv("LC_ALL", "C", 1);
		if (drop && geteuid() == 0 &&
		    (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		     setresuid(NOBODY, NOBODY, NOBODY)))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + used, len - 1 - used)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			used += n;
	/* Drain what did not fit, so that the program never blocks on us. */
	while (read(fds[0], &status, sizeof(status)) > 0)
		;
	out[used] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* SVSHM_SELFTEST_PRELOAD_H */
