/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where svshm's command-line tools are, for the tests that run them: a
 * kselftest build (selftests/Makefile) puts them beside the test binaries;
 * the tree's own build has them in build/tools/, beside build/selftests/.
 */
#ifndef SVSHM_SELFTEST_TOOLS_H
#define SVSHM_SELFTEST_TOOLS_H

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The path of tool @name into @buf. */
static inline void tool_path(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	dir = dirname(exe);	/* once: it writes into exe */
	snprintf(buf, len, "%s/%s", dir, name);
	if (access(buf, X_OK))
		snprintf(buf, len, "%s/../tools/%s", dir, name);
}

/*
 * Run the shell command @cmd, its standard output into @out (as much as
 * fits, NUL-terminated). Return: its exit status, -1 if it did not exit.
 */
static inline int capture(const char *cmd, char *out, size_t len)
{
	size_t used = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (used + 1 < len && fgets(out + used, (int)(len - used), p))
		used += strlen(out + used);
	out[used] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif /* SVSHM_SELFTEST_TOOLS_H */
