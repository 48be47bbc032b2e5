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

#endif /* SVSHM_SELFTEST_TOOLS_H */
