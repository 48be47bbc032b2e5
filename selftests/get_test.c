// SPDX-License-Identifier: GPL-2.0
/*
 * shmget(2) on native and on svshm alike: IPC_PRIVATE, IPC_CREAT, IPC_EXCL,
 * sizes, errno and the order in which the errors are decided when several
 * apply, ids and their sequence, keys of removed segments.
 *
 * Keys are derived from the pid of the test (each test runs in a process of
 * its own), so that the root run and the nobody run never meet; every
 * segment made is removed in the teardown, on both backends.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "kselftest_harness.h"
#include "child.h"

#define IDX_MASK	((1 << IDX_BITS) - 1)
#define MAX_IDS		96

FIXTURE(get) {
	key_t key;			/* base of this test's keys */
	int ids[MAX_IDS];		/* removed in the teardown */
	int n;
	long page;
};

FIXTURE_VARIANT(get) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(get);

FIXTURE_SETUP(get)
{
	SKIP_IF_NO_NATIVE(variant->b);
	/* pid_max is at most 2^22: the key stays positive and never 0. */
	self->key = getpid() << 8;
	self->n = 0;
	self->page = sysconf(_SC_PAGESIZE);
}

FIXTURE_TEARDOWN(get)
{
	int i;

	/* Some are gone already (EINVAL): what matters is that none is left. */
	for (i = 0; i < self->n; i++)
		variant->b->ctl(self->ids[i], IPC_RMID, NULL);
}

/* Remember @id for the teardown; return it unchanged. */
static int track(FIXTURE_DATA(get) *self, int id)
{
	if (id >= 0 && self->n < MAX_IDS)
		self->ids[self->n++] = id;
	return id;
}

/* errno of a call expected to fail, or 0 if it succeeded. */
static int get_errno(const struct shm_backend *b, key_t key, size_t size, int flags)
{
	return b->get(key, size, flags) < 0 ? errno : 0;
}

static unsigned long shmmax(const struct shm_backend *b)
{
	struct shminfo info;

	if (b->ctl(0, IPC_INFO, (struct shmid_ds *)&info) < 0)
		return 0;
	return info.shmmax;
}

/*
 * Fork a child without capabilities: root drops to nobody, anyone else is
 * without them already (the runner's nobody). Return the pid; 0 in the child.
 */
static pid_t fork_unprivileged(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0 && geteuid() == 0 &&
	    (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	     setresuid(NOBODY, NOBODY, NOBODY)))
		_exit(99);
	return pid;
}

/* Index of the first id of @ids[@n] seen before, or -1 if all differ. */
static int first_repeat(const int *ids, int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ids[i] == ids[j])
				return i;
	return -1;
}

TEST_F(get, private_always_creates)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	int a, c, d;

	a = track(self, b->get(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, a);
	/* IPC_PRIVATE needs no IPC_CREAT, and IPC_EXCL never finds a match. */
	c = track(self, b->get(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, c);
	d = track(self, b->get(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_LE(0, d);
	EXPECT_NE(a, c);
	EXPECT_NE(a, d);
	EXPECT_NE(c, d);
	ASSERT_EQ(0, b->ctl(d, IPC_STAT, &ds));
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(4096, ds.shm_segsz);
}

TEST_F(get, creat_then_find)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	struct shmid_ds ds;
	int id;

	id = track(self, b->get(key, 8192, IPC_CREAT | 0600));
	ASSERT_LE(0, id);
	ASSERT_EQ(0, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(key, ds.shm_perm.__key);
	/* The same key finds the same segment, with or without IPC_CREAT. */
	EXPECT_EQ(id, b->get(key, 8192, 0600));
	EXPECT_EQ(id, b->get(key, 8192, IPC_CREAT | 0600));
	EXPECT_EQ(id, b->get(key, 100, IPC_CREAT | 0600));
	EXPECT_EQ(id, b->get(key, 1, 0));
	/* Nothing was created by those: the size is still the first one. */
	ASSERT_EQ(0, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(8192, ds.shm_segsz);
}

TEST_F(get, excl)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	int id;

	id = track(self, b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_LE(0, id);
	EXPECT_EQ(EEXIST, get_errno(b, key, 4096, IPC_CREAT | IPC_EXCL | 0600));
	/* IPC_EXCL counts only together with IPC_CREAT. */
	EXPECT_EQ(id, b->get(key, 4096, IPC_EXCL | 0600));
	EXPECT_EQ(ENOENT, get_errno(b, self->key + 2, 4096, IPC_EXCL | 0600));
}

TEST_F(get, existing_key_bigger_size)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	int id;

	id = track(self, b->get(key, 5000, IPC_CREAT | 0600));
	ASSERT_LE(0, id);
	/* Compared with the size asked, not the pages: 5001 fits in them. */
	EXPECT_EQ(EINVAL, get_errno(b, key, 5001, 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, 8192, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, SIZE_MAX, IPC_CREAT | 0600));
	EXPECT_EQ(id, b->get(key, 5000, 0600));
	EXPECT_EQ(id, b->get(key, 4999, 0600));
}

TEST_F(get, existing_key_size_zero)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	int id;

	id = track(self, b->get(key, 4096, IPC_CREAT | 0600));
	ASSERT_LE(0, id);
	EXPECT_EQ(id, b->get(key, 0, 0));
	EXPECT_EQ(id, b->get(key, 0, IPC_CREAT | 0600));
}

TEST_F(get, create_size_zero)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;

	EXPECT_EQ(EINVAL, get_errno(b, IPC_PRIVATE, 0, 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, 0, IPC_CREAT | IPC_EXCL | 0600));
	/* The failed creation left nothing behind. */
	EXPECT_EQ(ENOENT, get_errno(b, key, 0, 0));
}

TEST_F(get, create_above_shmmax)
{
	const struct shm_backend *b = variant->b;
	unsigned long max = shmmax(b);
	key_t key = self->key + 1;

	ASSERT_NE(0, max);
	if (max == SIZE_MAX)
		SKIP(return, "shmmax is SIZE_MAX: no size above it");
	if (sizeof(long) < 8 && max == INT_MAX)
		SKIP(return, "a 32-bit caller reads any shmmax past INT_MAX as INT_MAX");
	EXPECT_EQ(EINVAL, get_errno(b, IPC_PRIVATE, max + 1, 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, max + 1, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, SIZE_MAX, IPC_CREAT | 0600));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0, 0));
}

TEST_F(get, enoent_without_creat)
{
	const struct shm_backend *b = variant->b;

	EXPECT_EQ(ENOENT, get_errno(b, self->key + 1, 4096, 0600));
	EXPECT_EQ(ENOENT, get_errno(b, self->key + 1, 0, 0));
	/* A key in use by another segment is no answer for this one. */
	ASSERT_LE(0, track(self, b->get(self->key + 2, 4096, IPC_CREAT | 0600)));
	EXPECT_EQ(ENOENT, get_errno(b, self->key + 1, 4096, 0600));
}

/*
 * A segment every triplet may only read: owner, group and other alike,
 * so the child sees the same whichever triplet applies to it.
 */
TEST_F(get, eacces_for_requested_bits)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	pid_t pid;
	int id;

	id = track(self, b->get(key, 4096, IPC_CREAT | 0444));
	ASSERT_LE(0, id);
	pid = fork_unprivileged();
	if (pid == 0) {
		EXPECT_EQ(id, b->get(key, 4096, 0400));
		/* Each triplet of the flags asks the same bits: 04 is read too. */
		EXPECT_EQ(id, b->get(key, 4096, 0004));
		EXPECT_EQ(id, b->get(key, 4096, 0444));
		/* Flags of 0 ask nothing, and pass. */
		EXPECT_EQ(id, b->get(key, 0, 0));
		EXPECT_EQ(EACCES, get_errno(b, key, 4096, 0200));
		EXPECT_EQ(EACCES, get_errno(b, key, 4096, 0002));
		EXPECT_EQ(EACCES, get_errno(b, key, 4096, 0600));
		EXPECT_EQ(EACCES, get_errno(b, key, 4096, 0100));
		EXPECT_EQ(EACCES, get_errno(b, key, 0, IPC_CREAT | 0666));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	/* CAP_IPC_OWNER passes any bits. */
	if (geteuid() == 0)
		EXPECT_EQ(id, b->get(key, 4096, 0777));
}

/* SEMANTICS.md section 3: the order of decisions when several errors apply. */
TEST_F(get, errno_order)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1, missing = self->key + 2;
	pid_t pid;
	int id;

	/* Key not found: ENOENT before any check of the size. */
	EXPECT_EQ(ENOENT, get_errno(b, missing, 0, 0600));
	EXPECT_EQ(ENOENT, get_errno(b, missing, SIZE_MAX, 0600));
	EXPECT_EQ(ENOENT, get_errno(b, missing, 0, IPC_EXCL | 0600));
	/* ...and with IPC_CREAT the size is checked. */
	EXPECT_EQ(EINVAL, get_errno(b, missing, 0, IPC_CREAT | IPC_EXCL | 0600));

	/* Key found, a segment nobody may read or write. */
	id = track(self, b->get(key, 4096, IPC_CREAT | 0000));
	ASSERT_LE(0, id);
	/* EEXIST before the size. */
	EXPECT_EQ(EEXIST, get_errno(b, key, SIZE_MAX, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, get_errno(b, key, 0, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EINVAL, get_errno(b, key, 4097, IPC_CREAT | 0600));
	pid = fork_unprivileged();
	if (pid == 0) {
		/* EEXIST, then the size, then the permission. */
		EXPECT_EQ(EEXIST, get_errno(b, key, 4097, IPC_CREAT | IPC_EXCL | 0600));
		EXPECT_EQ(EINVAL, get_errno(b, key, 4097, 0600));
		EXPECT_EQ(EINVAL, get_errno(b, key, 4097, IPC_CREAT | 0600));
		EXPECT_EQ(EACCES, get_errno(b, key, 4096, 0600));
		EXPECT_EQ(EACCES, get_errno(b, key, 0, IPC_CREAT | 0600));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
}

TEST_F(get, ids_distinct_and_not_reused)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	int ids[70];
	int i, live;

	/*
	 * Native cycles over at least 64 indexes before it goes back to a
	 * free one, with the next sequence: 70 rounds of create and remove
	 * cross that, and still no id comes back.
	 */
	for (i = 0; i < 70; i++) {
		ids[i] = b->get(IPC_PRIVATE, 4096, 0600);
		ASSERT_LE(0, ids[i]);
		EXPECT_EQ(0, b->ctl(ids[i], IPC_RMID, NULL));
		EXPECT_EQ(-1, b->ctl(ids[i], IPC_STAT, &ds));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, first_repeat(ids, 70)) TH_LOG("an id was given twice");

	/* The id carries the sequence, which IPC_STAT reports. */
	live = track(self, b->get(IPC_PRIVATE, 4096, 0600));
	ASSERT_LE(0, live);
	ASSERT_EQ(0, b->ctl(live, IPC_STAT, &ds));
	EXPECT_EQ((unsigned short)(live >> IDX_BITS), ds.shm_perm.__seq);
	for (i = 0; i < 70; i++)
		EXPECT_NE(live, ids[i]);
	/* The index of a live segment with another sequence is no id of it. */
	EXPECT_EQ(-1, b->ctl(live ^ (1 << IDX_BITS), IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, b->ctl(live ^ (1 << IDX_BITS), IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, b->at(live ^ (1 << IDX_BITS), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, b->ctl(live, IPC_STAT, &ds));
}

TEST_F(get, removed_key_not_found)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	struct shmid_ds ds;
	int id, id2;
	void *p;

	/* Unattached: destroyed at once, the key is free for a new segment. */
	id = b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, b->ctl(id, IPC_RMID, NULL));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0, 0));

	/* Attached: lives on, but private; its key is free at once. */
	id = track(self, b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_LE(0, id);
	p = b->at(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, b->ctl(id, IPC_RMID, NULL));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0, 0));
	id2 = track(self, b->get(key, 8192, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_LE(0, id2);
	EXPECT_NE(id, id2);
	EXPECT_EQ(id2, b->get(key, 0, 0));
	ASSERT_EQ(0, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(4096, ds.shm_segsz);
	EXPECT_EQ(0, b->dt(p));
	/* The last detach destroyed the first; the second is untouched. */
	EXPECT_EQ(-1, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, b->ctl(id2, IPC_STAT, &ds));
	EXPECT_EQ(key, ds.shm_perm.__key);
}

TEST_HARNESS_MAIN
