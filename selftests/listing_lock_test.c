// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/svshm against /proc/sysvipc/shm, and SHM_LOCK / SHM_UNLOCK with
 * their permission and RLIMIT_MEMLOCK rules, on both backends.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

#ifndef SHM_LOCKED
#define SHM_LOCKED 02000
#endif

static const char *listing(const struct shm_backend *b)
{
	return b == &shm_native ? "/proc/sysvipc/shm" : "/proc/svshm";
}

/* Find the row of @id in @path; fill @cols with its 16 columns. */
static int listing_row(const char *path, int id, unsigned long long cols[16])
{
	char line[512];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%lld %lld %llo %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			       (long long *)&cols[0], (long long *)&cols[1], &cols[2], &cols[3],
			       &cols[4], &cols[5], &cols[6], &cols[7], &cols[8], &cols[9],
			       &cols[10], &cols[11], &cols[12], &cols[13], &cols[14], &cols[15]);
		found = n == 16 && (int)cols[1] == id;
	}
	fclose(f);
	return found ? 0 : -1;
}

static int first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	return ok ? 0 : -1;
}

/*
 * Native's header (ipc/shm.c, 64-bit), which ipcs parses. Written out so
 * that a kernel without SysV IPC, and so without /proc/sysvipc/shm, still
 * checks svshm's; where native is, it must print the same.
 */
static const char native_header[] =
	"       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid"
	"  cgid      atime      dtime      ctime                   rss                  swap\n";

TEST(listing_header_is_natives)
{
	char native[512], svshm[512];

	ASSERT_EQ(0, first_line("/proc/svshm", svshm, sizeof(svshm)));
	EXPECT_STREQ(native_header, svshm);
	if (!native_shm_present())
		return;
	ASSERT_EQ(0, first_line("/proc/sysvipc/shm", native, sizeof(native)));
	EXPECT_STREQ(native, svshm);
	EXPECT_STREQ(native_header, native);
}

FIXTURE(seg) {
	int id;
	char *p;
};

FIXTURE_VARIANT(seg) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(seg);

FIXTURE_SETUP(seg)
{
	SKIP_IF_NO_NATIVE(variant->b);
	self->id = variant->b->get(IPC_PRIVATE, 3 * 4096 + 5, IPC_CREAT | 0640);
	ASSERT_LE(0, self->id);
	self->p = NULL;
}

FIXTURE_TEARDOWN(seg)
{
	if (self->p)
		variant->b->dt(self->p);
	variant->b->ctl(self->id, IPC_RMID, NULL);
}

TEST_F(seg, listing_row)
{
	unsigned long long c[16];

	self->p = variant->b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, self->p);
	memset(self->p, 1, 4096 + 1);		/* two pages resident */

	ASSERT_EQ(0, listing_row(listing(variant->b), self->id, c));
	EXPECT_EQ(0, c[0]);			/* key: IPC_PRIVATE */
	EXPECT_EQ(0640, c[2]);
	EXPECT_EQ(3 * 4096 + 5, c[3]);
	EXPECT_EQ(getpid(), c[4]);		/* cpid */
	EXPECT_EQ(getpid(), c[5]);		/* lpid */
	EXPECT_EQ(1, c[6]);			/* nattch */
	EXPECT_EQ(geteuid(), c[7]);
	EXPECT_EQ(getegid(), c[8]);
	EXPECT_EQ(geteuid(), c[9]);
	EXPECT_EQ(getegid(), c[10]);
	EXPECT_NE(0, c[11]);			/* atime */
	EXPECT_EQ(0, c[12]);			/* dtime */
	EXPECT_NE(0, c[13]);			/* ctime */
	EXPECT_EQ(2 * 4096, c[14]);		/* rss */
	EXPECT_EQ(0, c[15]);			/* swap */
}

TEST_F(seg, lock_unlock_by_owner)
{
	struct shmid_ds ds;
	struct rlimit rl;

	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	if (rl.rlim_cur < 4 * 4096 && geteuid())
		SKIP(return, "RLIMIT_MEMLOCK too small here");
	ASSERT_EQ(0, variant->b->ctl(self->id, SHM_LOCK, NULL));
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_LOCKED | 0640, ds.shm_perm.mode);
	/* Locking twice is no error and charges once. */
	EXPECT_EQ(0, variant->b->ctl(self->id, SHM_LOCK, NULL));
	ASSERT_EQ(0, variant->b->ctl(self->id, SHM_UNLOCK, NULL));
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0640, ds.shm_perm.mode);
	EXPECT_EQ(0, variant->b->ctl(self->id, SHM_UNLOCK, NULL));
	EXPECT_EQ(-1, variant->b->ctl(self->id + 1, SHM_LOCK, NULL));
	EXPECT_EQ(EINVAL, errno);
}

/* In a child without capabilities: run @fn, exit with its errno (0: ok). */
static int as_other_user(int (*fn)(const struct shm_backend *, int), const struct shm_backend *b,
			 int id, uid_t uid, rlim_t memlock)
{
	struct rlimit rl = { memlock, memlock };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    (getuid() == 0 && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
				       setresuid(uid, uid, uid))))
			_exit(255);
		_exit(fn(b, id) ? errno : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int do_lock(const struct shm_backend *b, int id)
{
	return b->ctl(id, SHM_LOCK, NULL);
}

static int do_unlock(const struct shm_backend *b, int id)
{
	return b->ctl(id, SHM_UNLOCK, NULL);
}

TEST_F(seg, lock_rules_without_capabilities)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to other users");
	/* The owner, with no memlock allowance: EPERM. */
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_SET, &(struct shmid_ds){
		.shm_perm = { .uid = 4242, .gid = 4242, .mode = 0640 } }));
	EXPECT_EQ(EPERM, as_other_user(do_lock, variant->b, self->id, 4242, 0));
	/* The owner with an allowance below the segment's 4 pages: ENOMEM. */
	EXPECT_EQ(ENOMEM, as_other_user(do_lock, variant->b, self->id, 4242, 2 * 4096));
	/* Enough: it locks; someone else may neither lock nor unlock. */
	EXPECT_EQ(0, as_other_user(do_lock, variant->b, self->id, 4242, 64 * 4096));
	EXPECT_EQ(EPERM, as_other_user(do_unlock, variant->b, self->id, 4343, 64 * 4096));
	EXPECT_EQ(0, as_other_user(do_unlock, variant->b, self->id, 4242, 0));
}

/*
 * With no huge page reserved, native cannot honour SHM_HUGETLB: ENOMEM,
 * or EPERM first for a caller without CAP_IPC_LOCK.
 */
TEST_F(seg, hugetlb_without_reserved_pages)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	if (n != 0)
		SKIP(return, "huge pages are reserved here (%ld)", n);
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 2 << 20, IPC_CREAT | SHM_HUGETLB | 0600));
	EXPECT_EQ(geteuid() ? EPERM : ENOMEM, errno);
}

TEST_HARNESS_MAIN
