// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcs and svshm-ipcrm against util-linux's ipcs and ipcrm: the same
 * segment made on each backend must be shown with the same row, and removed
 * by key alike. On a kernel without SysV IPC util-linux's tools run on svshm
 * itself through the preload library (ipcs reads /proc/sysvipc/shm, which
 * is svshm's own listing there): both must show svshm's one segment alike,
 * and each remove it by key.
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

/*
 * The output line of @cmd that holds @needle, with the column @mask
 * (1-based, 0 for none) masked: ids differ between backends.
 */
static int line_of(const char *cmd, const char *needle, int mask, char *out, size_t len)
{
	char line[512];
	FILE *p = popen(cmd, "r");
	int found = 0;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (!found && strstr(line, needle)) {
			snprintf(out, len, "%s", line);
			found = 1;
		}
	}
	pclose(p);
	if (found && mask) {
		char *s = out;

		for (int c = 1; c < mask; c++) {
			s += strcspn(s, " ");
			s += strspn(s, " ");
		}
		/* The id and its padding: ipcs prints ids in 10 columns. */
		for (int i = 0; i < 10 && *s && *s != '\n'; i++, s++)
			*s = '#';
	}
	return found ? 0 : -1;
}

FIXTURE(pair) {
	key_t key;
	int nid, sid;		/* nid: util-linux's segment, on ref */
	const struct shm_backend *ref;
	char needle[32];
	char ipcs[PATH_MAX + 16], ipcrm[PATH_MAX + 16];
	char ref_ipcs[PATH_MAX + 32], ref_ipcrm[PATH_MAX + 32];
};

FIXTURE_SETUP(pair)
{
	const char *pre = "";

	self->key = 0x51000000 | (getpid() & 0xffffff);
	self->ref = native_shm_present() ? &shm_native : &shm_svshm;
	if (self->ref == &shm_svshm) {
		ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s", preload_lib());
		pre = "LD_PRELOAD=";
	}
	snprintf(self->ref_ipcs, sizeof(self->ref_ipcs), "%s%s ipcs", pre,
		 *pre ? preload_lib() : "");
	snprintf(self->ref_ipcrm, sizeof(self->ref_ipcrm), "%s%s ipcrm", pre,
		 *pre ? preload_lib() : "");
	self->sid = shm_svshm.get(self->key, 7777, IPC_CREAT | IPC_EXCL | 0604);
	ASSERT_LE(0, self->sid);
	self->nid = self->sid;
	if (self->ref == &shm_native) {
		self->nid = shm_native.get(self->key, 7777, IPC_CREAT | IPC_EXCL | 0604);
		ASSERT_LE(0, self->nid);
	}
	snprintf(self->needle, sizeof(self->needle), "0x%08x", self->key);
	tool_path("svshm-ipcs", self->ipcs, sizeof(self->ipcs));
	tool_path("svshm-ipcrm", self->ipcrm, sizeof(self->ipcrm));
}

FIXTURE_TEARDOWN(pair)
{
	self->ref->ctl(self->nid, IPC_RMID, NULL);
	shm_svshm.ctl(self->sid, IPC_RMID, NULL);
}

TEST_F(pair, list_row_matches_ipcs)
{
	char native[512], svshm[512], cmd[PATH_MAX + 64];
	void *p = self->ref->at(self->nid, NULL, 0);
	void *q = shm_svshm.at(self->sid, NULL, 0);

	ASSERT_NE((void *)-1, p);
	ASSERT_NE((void *)-1, q);
	/* With one segment for both, the second IPC_RMID finds it marked: 0. */
	ASSERT_EQ(0, self->ref->ctl(self->nid, IPC_RMID, NULL));
	ASSERT_EQ(0, shm_svshm.ctl(self->sid, IPC_RMID, NULL));
	/* Removed while attached: key 0 and status "dest" on both. */
	snprintf(cmd, sizeof(cmd), "%s -m", self->ref_ipcs);
	ASSERT_EQ(0, line_of(cmd, " 7777 ", 2, native, sizeof(native)));
	ASSERT_EQ(0, line_of(self->ipcs, " 7777 ", 2, svshm, sizeof(svshm)));
	EXPECT_STREQ(native, svshm);
	EXPECT_NE(NULL, strstr(svshm, "dest"));
	self->ref->dt(p);
	shm_svshm.dt(q);
}

TEST_F(pair, views_match_ipcs)
{
	static const char *const views[] = { "-m", "-m -p", "-m -c", "-m -t" };
	char cmd[2 * PATH_MAX], native[512], svshm[512], id[16];

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s", self->ref_ipcs, views[i]);
		snprintf(id, sizeof(id), "%d ", self->nid);
		ASSERT_EQ(0, line_of(cmd, i ? id : self->needle, i ? 1 : 2, native, sizeof(native)));
		snprintf(cmd, sizeof(cmd), "%s %s", self->ipcs, views[i]);
		snprintf(id, sizeof(id), "%d ", self->sid);
		ASSERT_EQ(0, line_of(cmd, i ? id : self->needle, i ? 1 : 2, svshm, sizeof(svshm)));
		/* Times can tick between the two creations: compare the rest. */
		if (!strcmp(views[i], "-m -t")) {
			EXPECT_EQ(0, strncmp(native, svshm, 22)) TH_LOG("%s|%s", native, svshm);
		} else {
			EXPECT_STREQ(native, svshm);
		}
	}
}

TEST_F(pair, ipcrm_by_key)
{
	char cmd[2 * PATH_MAX];
	struct shmid_ds ds;

	snprintf(cmd, sizeof(cmd), "%s -M 0x%x", self->ref_ipcrm, self->key);
	ASSERT_EQ(0, system(cmd));
	if (self->ref == &shm_svshm) {
		/* util-linux's ipcrm removed the one segment: again for ours. */
		EXPECT_EQ(-1, shm_svshm.ctl(self->sid, IPC_STAT, &ds));
		EXPECT_EQ(EINVAL, errno);
		self->sid = shm_svshm.get(self->key, 7777, IPC_CREAT | IPC_EXCL | 0604);
		ASSERT_LE(0, self->sid);
	}
	snprintf(cmd, sizeof(cmd), "%s -M 0x%x", self->ipcrm, self->key);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-1, self->ref->ctl(self->nid, IPC_STAT, &ds));
	EXPECT_EQ(-1, shm_svshm.ctl(self->sid, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	/* Again: both say the key is gone and fail. */
	snprintf(cmd, sizeof(cmd), "%s -M 0x%x 2>/dev/null", self->ref_ipcrm, self->key);
	EXPECT_NE(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "%s -M 0x%x 2>/dev/null", self->ipcrm, self->key);
	EXPECT_NE(0, system(cmd));
}

TEST_HARNESS_MAIN
