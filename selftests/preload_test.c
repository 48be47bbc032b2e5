// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified programs on svshm through LD_PRELOAD=libsvshm-preload.so:
 * util-linux ipcmk creates a segment and ipcrm removes it, and what they
 * did shows in svshm's table and not in native's.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "preload.h"

/* Run a shell command under the preload library; return its first line. */
static int run_preloaded(const char *cmd, char *line, size_t len)
{
	char full[2 * PATH_MAX];
	FILE *p;
	int rc;

	if (access(preload_lib(), R_OK))
		return -1;
	snprintf(full, sizeof(full), "LD_PRELOAD=%s %s", preload_lib(), cmd);
	p = popen(full, "r");
	if (!p)
		return -1;
	line[0] = 0;
	if (!fgets(line, len, p))
		line[0] = 0;
	while (fgetc(p) != EOF)
		;
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(ipcmk_and_ipcrm_run_on_svshm)
{
	int native_before = used_ids(&shm_native);
	int svshm_before = used_ids(&shm_svshm);
	struct shmid_ds ds;
	char line[256], cmd[64];
	int id = -1;

	/* Without SysV IPC in the kernel, native stays absent (-1) throughout. */
	if (native_shm_present())
		ASSERT_LE(0, native_before);
	ASSERT_LE(0, svshm_before);
	ASSERT_EQ(0, run_preloaded("ipcmk -M 12345 -p 0640", line, sizeof(line)));
	ASSERT_EQ(1, sscanf(line, "Shared memory id: %d", &id)) TH_LOG("ipcmk said: %s", line);

	EXPECT_EQ(svshm_before + 1, used_ids(&shm_svshm));
	EXPECT_EQ(native_before, used_ids(&shm_native));
	ASSERT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(12345, ds.shm_segsz);
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	EXPECT_EQ(getpid() != ds.shm_cpid, 1);

	snprintf(cmd, sizeof(cmd), "ipcrm -m %d", id);
	EXPECT_EQ(0, run_preloaded(cmd, line, sizeof(line)));
	EXPECT_EQ(-1, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(svshm_before, used_ids(&shm_svshm));
}

TEST_HARNESS_MAIN
