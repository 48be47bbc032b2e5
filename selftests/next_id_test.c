// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.shm_next_id, which checkpoint/restore writes to make a segment
 * again under its old id: natively /proc/sys/kernel/shm_next_id (with
 * CONFIG_CHECKPOINT_RESTORE), on svshm the module parameter for
 * /dev/svshm, the same sysctl where the kernel has no SysV IPC, and the
 * mount option shm_next_id= (and its remount) for an instance.
 *
 * The same scenario runs on each and must give the same ids: the next
 * creation gets exactly that id, or, when its index is taken, the first
 * free index above it with the id's sequence; the value goes back to -1
 * once a creation reaches the allocation, and a creation that fails
 * before (a bad size) or finds its key leaves it; the creation after
 * takes the usual cyclic ids again.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "backend.h"
#include "common.h"
#include "instance.h"
#include "kselftest_harness.h"

#define SYSCTL		"/proc/sys/kernel/shm_next_id"
#define PARAM		"/sys/module/svshm/parameters/shm_next_id"
/* Well above the cyclic ids of a quiet table (below 64): free in the guests. */
#define IDX		200
#define SEQ		5
#define WANT		(IDX + (SEQ << IDX_BITS))
#define KEY		0x5e71d000

static int read_int(const char *path, int *v)
{
	char buf[32];
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%d", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int write_int(const char *path, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return file_write(path, buf);
}

/* Is index @idx of @b free? SHM_STAT takes an index, EINVAL where none is. */
static int index_free(const struct shm_backend *b, int idx)
{
	struct shmid_ds ds;

	return b->ctl(idx, SHM_STAT, &ds) < 0 && errno == EINVAL;
}

FIXTURE(knob) {
	int ids[4];
	int n;
};

/*
 * @path: the file that sets it; @b: the backend it acts on; @svshms: it
 * is svshm's (the sysctl variant: only where the kernel has no SysV IPC);
 * @minus_one: writing -1 is taken (the parameter's way to take a value
 * back) rather than refused with EINVAL (native's range, 0 to INT_MAX).
 */
FIXTURE_VARIANT(knob) {
	const char *path;
	const struct shm_backend *b;
	int svshms;
	int minus_one;
};

FIXTURE_VARIANT_ADD(knob, native) {
	.path = SYSCTL, .b = &shm_native,
};

FIXTURE_VARIANT_ADD(knob, param) {
	.path = PARAM, .b = &shm_svshm, .minus_one = 1,
};

FIXTURE_VARIANT_ADD(knob, svshm_sysctl) {
	.path = SYSCTL, .b = &shm_svshm, .svshms = 1,
};

FIXTURE_SETUP(knob)
{
	int v;

	self->n = 0;
	if (variant->svshms && native_shm_present())
		SKIP(return, "kernel.shm_next_id is the kernel's own here (CONFIG_SYSVIPC=y)");
	SKIP_IF_NO_NATIVE(variant->b);
	if (access(variant->path, F_OK)) {
		/* svshm's own must be there: only native's depends on the kernel. */
		ASSERT_FALSE(variant->svshms) TH_LOG("%s: %s", variant->path, strerror(errno));
		SKIP(return, "%s: %s (native: CONFIG_CHECKPOINT_RESTORE=n)", variant->path,
		     strerror(errno));
	}
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(-1, v) TH_LOG("%s was left set", variant->path);
	if (geteuid() != 0)
		return;
	ASSERT_TRUE(index_free(variant->b, IDX)) TH_LOG("index %d in use", IDX);
	ASSERT_TRUE(index_free(variant->b, IDX + 1)) TH_LOG("index %d in use", IDX + 1);
}

FIXTURE_TEARDOWN(knob)
{
	int id, v;

	/* A value left set would pick the id of the next test's segment. */
	if (geteuid() == 0 && !read_int(variant->path, &v) && v >= 0 &&
	    (!variant->minus_one || write_int(variant->path, -1))) {
		id = variant->b->get(IPC_PRIVATE, PG, IPC_CREAT | 0600);
		if (id >= 0)
			variant->b->ctl(id, IPC_RMID, NULL);
	}
	for (int i = 0; i < self->n; i++)
		variant->b->ctl(self->ids[i], IPC_RMID, NULL);
}

/* shmget() on @b, the id kept for the teardown. */
static int make(FIXTURE_DATA(knob) *self, const FIXTURE_VARIANT(knob) *variant,
		key_t key, size_t size)
{
	int id = variant->b->get(key, size, IPC_CREAT | 0600);

	if (id >= 0 && self->n < 4)
		self->ids[self->n++] = id;
	return id;
}

TEST_F(knob, picks_the_id_once)
{
	int id, v;

	if (geteuid() != 0)
		SKIP(return, "setting it needs root");
	ASSERT_EQ(0, write_int(variant->path, WANT));
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(WANT, v);

	/* No creation reaches the allocation: the value waits. */
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(WANT, v);

	id = make(self, variant, KEY, PG);
	EXPECT_EQ(WANT, id);
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(-1, v);
	/* Finding the key creates nothing, and takes no id. */
	ASSERT_EQ(0, write_int(variant->path, WANT + 7));
	EXPECT_EQ(id, variant->b->get(KEY, PG, IPC_CREAT | 0600));
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(WANT + 7, v);
	EXPECT_EQ(WANT + 7, make(self, variant, IPC_PRIVATE, PG));

	/* Used up: the cycle again, well below the index asked. */
	id = make(self, variant, IPC_PRIVATE, PG);
	ASSERT_LE(0, id);
	EXPECT_GT(IDX, id & ((1 << IDX_BITS) - 1)) TH_LOG("id %d", id);
}

TEST_F(knob, taken_index_gives_the_next_free_one)
{
	int v;

	if (geteuid() != 0)
		SKIP(return, "setting it needs root");
	ASSERT_EQ(0, write_int(variant->path, WANT));
	ASSERT_EQ(WANT, make(self, variant, IPC_PRIVATE, PG));
	/* Index IDX is taken: IDX + 1, with the sequence asked for. */
	ASSERT_EQ(0, write_int(variant->path, IDX + (SEQ + 3) * (1 << IDX_BITS)));
	EXPECT_EQ(IDX + 1 + ((SEQ + 3) << IDX_BITS), make(self, variant, IPC_PRIVATE, PG));
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(-1, v);
	/* The highest id there is: index 32767, sequence INT_MAX >> 15. */
	ASSERT_EQ(0, write_int(variant->path, INT_MAX));
	EXPECT_EQ(INT_MAX, make(self, variant, IPC_PRIVATE, PG));
}

TEST_F(knob, range)
{
	int v;

	if (geteuid() != 0) {
		/* Native's is read-only but for CAP_CHECKPOINT_RESTORE; ours root's. */
		EXPECT_EQ(EACCES, write_int(variant->path, WANT));
		return;
	}
	EXPECT_EQ(EINVAL, write_int(variant->path, -2));
	EXPECT_EQ(EINVAL, write_int(variant->path, (long long)INT_MAX + 1));
	ASSERT_EQ(0, read_int(variant->path, &v));
	EXPECT_EQ(-1, v);
	/* Native's range starts at 0; the parameter takes -1 back. */
	ASSERT_EQ(0, write_int(variant->path, WANT));
	if (variant->minus_one) {
		EXPECT_EQ(0, write_int(variant->path, -1));
		ASSERT_EQ(0, read_int(variant->path, &v));
		EXPECT_EQ(-1, v);
	} else {
		EXPECT_EQ(EINVAL, write_int(variant->path, -1));
		ASSERT_EQ(0, read_int(variant->path, &v));
		EXPECT_EQ(WANT, v);
	}
}

/* An instance: shm_next_id= at mount and at remount, shown in its options. */
FIXTURE(inst) {
	char dir[64];
	int mounted;
	int fd;
};

FIXTURE_SETUP(inst)
{
	self->mounted = 0;
	self->fd = -1;
	if (geteuid() != 0)
		SKIP(return, "mounting an instance here needs root");
	strcpy(self->dir, "/tmp/svshm-next-id.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(inst)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->mounted)
		umount2(self->dir, MNT_DETACH);
	if (self->dir[0] == '/')
		rmdir(self->dir);
}

/* Whether the mount on @dir lists @opt among its options. */
static int shows(const char *dir, const char *opt)
{
	char line[1024], needle[128];
	FILE *f = fopen("/proc/self/mounts", "re");
	int found = 0;

	if (!f)
		return -1;
	snprintf(needle, sizeof(needle), " %s svshm ", dir);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle) && strstr(line, opt))
			found = 1;
	fclose(f);
	return found;
}

TEST_F(inst, mount_option_and_remount)
{
	char opt[64];
	int id;

	snprintf(opt, sizeof(opt), "shm_next_id=%d", WANT);
	ASSERT_EQ(0, inst_mount(self->dir, opt)) TH_LOG("mount: %s", strerror(errno));
	self->mounted = 1;
	self->fd = inst_open(self->dir);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(1, shows(self->dir, opt));
	EXPECT_EQ(-1, inst_get(self->fd, IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, shows(self->dir, opt));
	EXPECT_EQ(WANT, inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600));
	EXPECT_EQ(0, shows(self->dir, "shm_next_id="));

	/* Taken index: the next free one, with the sequence asked for. */
	ASSERT_EQ(0, inst_remount(self->dir, opt));
	EXPECT_EQ(WANT + 1, inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600));
	id = inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	EXPECT_GT(IDX, id & ((1 << IDX_BITS) - 1)) TH_LOG("id %d", id);

	/* -1 takes a value back; a remount without it leaves it be. */
	ASSERT_EQ(0, inst_remount(self->dir, "shm_next_id=7"));
	ASSERT_EQ(0, inst_remount(self->dir, "shmmni=100"));
	EXPECT_EQ(1, shows(self->dir, "shm_next_id=7"));
	ASSERT_EQ(0, inst_remount(self->dir, "shm_next_id=-1"));
	EXPECT_EQ(0, shows(self->dir, "shm_next_id="));
	id = inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	EXPECT_NE(7, id);

	/* Native's range, and -1: anything else is refused, and changes nothing. */
	ASSERT_EQ(0, inst_remount(self->dir, "shm_next_id=9"));
	EXPECT_EQ(-1, inst_remount(self->dir, "shm_next_id=-2"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, inst_remount(self->dir, "shm_next_id=2147483648"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, inst_remount(self->dir, "shm_next_id=junk"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, shows(self->dir, "shm_next_id=9"));
	EXPECT_EQ(9, inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600));
}

/* Each instance has its own: /dev/svshm's is not the mount's. */
TEST_F(inst, own_per_instance)
{
	int id, v;

	ASSERT_EQ(0, inst_mount(self->dir, "shm_next_id=300")) TH_LOG("mount: %s",
								      strerror(errno));
	self->mounted = 1;
	self->fd = inst_open(self->dir);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, read_int(PARAM, &v));
	EXPECT_EQ(-1, v);
	id = svshm_shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	EXPECT_NE(300, id);
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(300, inst_get(self->fd, IPC_PRIVATE, PG, IPC_CREAT | 0600));
}

TEST_HARNESS_MAIN
