// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcmk against util-linux's ipcmk: the same options make the same
 * segment (size, mode, owner) and print the same line but for the id; the
 * same bad sizes and modes fail with status 1 on both, and svshm-ipcmk
 * then creates nothing. Where the kernel has no SysV IPC, util-linux's
 * ipcmk runs on svshm through the preload library.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "tools.h"
#include "preload.h"

/* Run @cmd; its stdout into @out, its exit status returned. */
static int run(const char *cmd, char *out, size_t len)
{
	char full[PATH_MAX * 2];

	snprintf(full, sizeof(full), "%s 2>/dev/null", cmd);
	return capture(full, out, len);
}

FIXTURE(mk) {
	const struct shm_backend *ref;
	char ipcmk[PATH_MAX + 16], ref_ipcmk[PATH_MAX + 32];
};

FIXTURE_SETUP(mk)
{
	self->ref = native_shm_present() ? &shm_native : &shm_svshm;
	if (self->ref == &shm_svshm) {
		ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s", preload_lib());
		snprintf(self->ref_ipcmk, sizeof(self->ref_ipcmk), "LD_PRELOAD=%s ipcmk",
			 preload_lib());
	} else {
		snprintf(self->ref_ipcmk, sizeof(self->ref_ipcmk), "ipcmk");
	}
	tool_path("svshm-ipcmk", self->ipcmk, sizeof(self->ipcmk));
}

FIXTURE_TEARDOWN(mk)
{
}

/* Make a segment with @opts on both; compare what each made and printed. */
static void same_segment(struct __test_metadata *_metadata, FIXTURE_DATA(mk) *self,
			 const char *opts, size_t size, int mode)
{
	char cmd[PATH_MAX * 2], out_ref[256], out_sv[256];
	struct shmid_ds ds_ref, ds_sv;
	int id_ref = -1, id_sv = -1;

	snprintf(cmd, sizeof(cmd), "%s %s", self->ref_ipcmk, opts);
	ASSERT_EQ(0, run(cmd, out_ref, sizeof(out_ref))) TH_LOG("%s", cmd);
	snprintf(cmd, sizeof(cmd), "%s %s", self->ipcmk, opts);
	ASSERT_EQ(0, run(cmd, out_sv, sizeof(out_sv))) TH_LOG("%s", cmd);
	ASSERT_EQ(1, sscanf(out_ref, "Shared memory id: %d\n", &id_ref)) TH_LOG("%s", out_ref);
	ASSERT_EQ(1, sscanf(out_sv, "Shared memory id: %d\n", &id_sv)) TH_LOG("%s", out_sv);
	ASSERT_EQ(0, self->ref->ctl(id_ref, IPC_STAT, &ds_ref));
	ASSERT_EQ(0, shm_svshm.ctl(id_sv, IPC_STAT, &ds_sv));
	EXPECT_EQ(size, ds_ref.shm_segsz);
	EXPECT_EQ(ds_ref.shm_segsz, ds_sv.shm_segsz);
	EXPECT_EQ(mode, ds_ref.shm_perm.mode & 0777);
	EXPECT_EQ(ds_ref.shm_perm.mode, ds_sv.shm_perm.mode);
	EXPECT_EQ(ds_ref.shm_perm.uid, ds_sv.shm_perm.uid);
	EXPECT_NE(0, ds_sv.shm_perm.__key);	/* a random key, not IPC_PRIVATE */
	self->ref->ctl(id_ref, IPC_RMID, NULL);
	shm_svshm.ctl(id_sv, IPC_RMID, NULL);
}

TEST_F(mk, plain_size_default_mode)
{
	same_segment(_metadata, self, "-M 7777", 7777, 0644);
}

TEST_F(mk, suffixes_and_mode)
{
	same_segment(_metadata, self, "-M 3K -p 0600", 3072, 0600);
	same_segment(_metadata, self, "--shmem 2MiB --mode 640", 2 << 20, 0640);
	same_segment(_metadata, self, "-M 1KB -p 604", 1000, 0604);
}

TEST_F(mk, bad_arguments_fail_alike)
{
	static const char *const bad[] = {
		"-M junk", "-M 12x", "-M -1", "", "-M 0",
	};
	char cmd[PATH_MAX * 2], out[256];
	int before = used_ids(&shm_svshm);

	ASSERT_LE(0, before);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s", self->ref_ipcmk, bad[i]);
		EXPECT_EQ(1, run(cmd, out, sizeof(out))) TH_LOG("%s", cmd);
		snprintf(cmd, sizeof(cmd), "%s %s", self->ipcmk, bad[i]);
		EXPECT_EQ(1, run(cmd, out, sizeof(out))) TH_LOG("%s", cmd);
		EXPECT_STREQ("", out);
	}
	/*
	 * Stricter than ipcmk, which reads "9" as mode 0 and ignores words
	 * after its options: refused.
	 */
	snprintf(cmd, sizeof(cmd), "%s -M 10 extra", self->ipcmk);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s -M 10 -p 9", self->ipcmk);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s -M 10 -p 01777", self->ipcmk);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	EXPECT_EQ(before, used_ids(&shm_svshm));
}

TEST_HARNESS_MAIN
