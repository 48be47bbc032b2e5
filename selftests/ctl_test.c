// SPDX-License-Identifier: GPL-2.0
/*
 * shmctl(2) on native and on svshm alike: what IPC_STAT reports, what
 * IPC_SET changes, how IPC_RMID destroys or marks, the errno of bad ids,
 * commands and buffers, and the table-wide IPC_INFO, SHM_INFO, SHM_STAT
 * and SHM_STAT_ANY.
 *
 * Each test starts with one keyed segment of 5000 bytes (not a page
 * multiple, so that a rounded size shows), mode 0640, made by the test's
 * process; the teardown removes it and whatever else the test made.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "kselftest_harness.h"

#define IDX_MAX		(1 << IDX_BITS)
#define IDX_MASK	(IDX_MAX - 1)
#define SEG_SIZE	5000
#define SEG_MODE	0640
#define BAD_PTR		((void *)8)

/* glibc has these under other names, or not at all. */
#ifndef SHM_DEST
#define SHM_DEST	01000
#endif

FIXTURE(ctl) {
	key_t key;
	int id;
	int extra[8];			/* more segments, removed in the teardown */
	int n;
	time_t t0, t1;			/* around the creation */
	long page;
};

FIXTURE_VARIANT(ctl) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(ctl);

FIXTURE_SETUP(ctl)
{
	SKIP_IF_NO_NATIVE(variant->b);
	/* pid_max is at most 2^22: the key stays positive and never 0. */
	self->key = (getpid() << 8) | 1;
	self->n = 0;
	self->page = sysconf(_SC_PAGESIZE);
	self->t0 = time(NULL);
	self->id = variant->b->get(self->key, SEG_SIZE, IPC_CREAT | IPC_EXCL | SEG_MODE);
	self->t1 = time(NULL);
	ASSERT_LE(0, self->id) TH_LOG("shmget: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ctl)
{
	int i;

	/* Some are gone already (EINVAL): what matters is that none is left. */
	variant->b->ctl(self->id, IPC_RMID, NULL);
	for (i = 0; i < self->n; i++)
		variant->b->ctl(self->extra[i], IPC_RMID, NULL);
}

/* Make one more segment, removed in the teardown. */
static int extra_seg(FIXTURE_DATA(ctl) *self, const struct shm_backend *b, size_t size)
{
	int id = b->get(IPC_PRIVATE, size, 0600);

	if (id >= 0 && self->n < (int)ARRAY_SIZE(self->extra))
		self->extra[self->n++] = id;
	return id;
}

/* errno of a shmctl expected to fail, or 0 if it succeeded. */
static int ctl_errno(const struct shm_backend *b, int id, int cmd, void *buf)
{
	return b->ctl(id, cmd, buf) < 0 ? errno : 0;
}

/* Wait for the clock's second to move on, so that a new time shows. */
static time_t next_second(void)
{
	time_t t = time(NULL);

	while (time(NULL) == t)
		usleep(10000);
	return time(NULL);
}

/*
 * The limits the backend reports IPC_INFO from: native's sysctls, svshm's
 * module parameters. Return 0 on success.
 */
static int read_limit64(const struct shm_backend *b, const char *name,
		       unsigned long long *val)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), b == &shm_native ? "/proc/sys/kernel/%s" :
		 "/sys/module/svshm/parameters/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*val = strtoull(buf, NULL, 10);
	return 0;
}

/* The same, saturated to an unsigned long (ULONG_MAX past it). */
static int read_limit(const struct shm_backend *b, const char *name, unsigned long *val)
{
	unsigned long long v;

	if (read_limit64(b, name, &v))
		return -1;
	*val = v > ULONG_MAX ? ULONG_MAX : v;
	return 0;
}

/* What SHM_STAT_ANY finds over every index: segments and their pages. */
static void census(const struct shm_backend *b, int *segs, unsigned long *pages,
		   int *max_idx, long page)
{
	struct shmid_ds ds;
	int idx;

	*segs = 0;
	*pages = 0;
	*max_idx = -1;
	for (idx = 0; idx < IDX_MAX; idx++) {
		if (b->ctl(idx, SHM_STAT_ANY, &ds) < 0)
			continue;
		(*segs)++;
		*pages += (ds.shm_segsz + page - 1) / page;
		*max_idx = idx;
	}
}

TEST_F(ctl, stat_after_create)
{
	struct shmid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(self->key, ds.shm_perm.__key);
	EXPECT_EQ(geteuid(), ds.shm_perm.uid);
	EXPECT_EQ(getegid(), ds.shm_perm.gid);
	EXPECT_EQ(geteuid(), ds.shm_perm.cuid);
	EXPECT_EQ(getegid(), ds.shm_perm.cgid);
	EXPECT_EQ(SEG_MODE, ds.shm_perm.mode);
	/* Exactly the size asked, not rounded to pages. */
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0, ds.shm_lpid);
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(0, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_LE(self->t0, ds.shm_ctime);
	EXPECT_GE(self->t1, ds.shm_ctime);
	/*
	 * Every byte is written: padding and unused fields read zero, as
	 * native's memset leaves them (the kernel's struct shmid64_ds on
	 * x86-64: mode's upper half, __pad2 and padding, __unused1 and 2,
	 * __unused4 and 5; for a 32-bit caller its compat_shmid64_ds, whose
	 * fields after seq and the unused words end at 76).
	 */
	size_t fields = sizeof(long) > 4 ? 48 : 36, end = sizeof(long) > 4 ? 96 : 76;

	for (size_t off = 22; off < sizeof(ds); off++) {
		if ((off >= 24 && off < 26) || (off >= fields && off < end))
			continue;
		EXPECT_EQ(0, ((const unsigned char *)&ds)[off]) TH_LOG("byte %zu", off);
	}
}

TEST_F(ctl, stat_mode_takes_low_bits_of_flags)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	int id;

	/* Flag bits above the mode (IPC_CREAT, SHM_NORESERVE) are not mode. */
	id = b->get(self->key + 1, 1, IPC_CREAT | IPC_EXCL | SHM_NORESERVE | 0751);
	ASSERT_LE(0, id);
	self->extra[self->n++] = id;
	ASSERT_EQ(0, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0751, ds.shm_perm.mode);
	EXPECT_EQ(1, ds.shm_segsz);
}

TEST_F(ctl, stat_follows_attach_and_detach)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	time_t t0, t1;
	void *p, *q;
	pid_t pid;
	int status;

	t0 = time(NULL);
	p = b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	t1 = time(NULL);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_lpid);
	EXPECT_LE(t0, ds.shm_atime);
	EXPECT_GE(t1, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);

	q = b->at(self->id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, q);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(2, ds.shm_nattch);
	ASSERT_EQ(0, b->dt(q));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_LE(t0, ds.shm_dtime);

	/* lpid is the last process to attach or detach; cpid stays. */
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(b->dt(p) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(pid, ds.shm_lpid);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(1, ds.shm_nattch);
	ASSERT_EQ(0, b->dt(p));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_lpid);
}

TEST_F(ctl, set_owner_and_mode)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds, before;
	time_t t;

	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &before));
	t = next_second();
	ds = before;
	ds.shm_perm.uid = 1234;
	ds.shm_perm.gid = 5678;
	/* Only the low nine bits are taken: not SHM_DEST, not SHM_LOCKED. */
	ds.shm_perm.mode = 07777;
	/* Nor anything else of the buffer. */
	ds.shm_perm.cuid = 4321;
	ds.shm_perm.cgid = 8765;
	ds.shm_perm.__key = self->key + 1;
	ds.shm_segsz = 1;
	ds.shm_cpid = 1;
	ds.shm_nattch = 7;
	ds.shm_atime = 42;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1234, ds.shm_perm.uid);
	EXPECT_EQ(5678, ds.shm_perm.gid);
	EXPECT_EQ(0777, ds.shm_perm.mode);
	/* The creator stays the creator. */
	EXPECT_EQ(before.shm_perm.cuid, ds.shm_perm.cuid);
	EXPECT_EQ(before.shm_perm.cgid, ds.shm_perm.cgid);
	EXPECT_EQ(self->key, ds.shm_perm.__key);
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(0, ds.shm_atime);
	EXPECT_LE(t, ds.shm_ctime);
	EXPECT_LT(before.shm_ctime, ds.shm_ctime);

	/* The creator, no longer owner, may still set: hand it back. */
	ds.shm_perm.uid = geteuid();
	ds.shm_perm.gid = getegid();
	ds.shm_perm.mode = 0600;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(geteuid(), ds.shm_perm.uid);
	EXPECT_EQ(0600, ds.shm_perm.mode);
}

TEST_F(ctl, set_keeps_high_mode_bits)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	void *p;

	p = b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	ASSERT_EQ(SHM_DEST | SEG_MODE, ds.shm_perm.mode);
	/* IPC_SET neither clears SHM_DEST nor can it be given. */
	ds.shm_perm.mode = 0604;
	EXPECT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_DEST | 0604, ds.shm_perm.mode);
	EXPECT_EQ(0, b->dt(p));
}

TEST_F(ctl, set_unmappable_ids)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds, set;

	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	set = ds;
	set.shm_perm.uid = (uid_t)-1;
	set.shm_perm.mode = 0600;
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_SET, &set));
	set = ds;
	set.shm_perm.gid = (gid_t)-1;
	set.shm_perm.mode = 0600;
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_SET, &set));
	/* Nothing of a refused IPC_SET is applied. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &set));
	EXPECT_EQ(ds.shm_perm.uid, set.shm_perm.uid);
	EXPECT_EQ(ds.shm_perm.gid, set.shm_perm.gid);
	EXPECT_EQ(SEG_MODE, set.shm_perm.mode);
	EXPECT_EQ(ds.shm_ctime, set.shm_ctime);
}

TEST_F(ctl, set_rmid_eperm_for_others)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as another user");
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	ds.shm_perm.mode = 0666;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* Read and write permission make no owner. */
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(99);
		EXPECT_EQ(0, ctl_errno(b, self->id, IPC_STAT, &ds));
		ds.shm_perm.uid = NOBODY;
		EXPECT_EQ(EPERM, ctl_errno(b, self->id, IPC_SET, &ds));
		EXPECT_EQ(EPERM, ctl_errno(b, self->id, IPC_RMID, NULL));
		_exit(_metadata->exit_code == KSFT_FAIL);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_perm.uid);
}

TEST_F(ctl, rmid_unattached_destroys)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;

	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_SET, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id & IDX_MASK, SHM_STAT_ANY, &ds));
	EXPECT_EQ((void *)-1, b->at(self->id, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, b->get(self->key, 0, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(ctl, rmid_attached_marks_dest)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	void *p, *q;

	p = b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_DEST | SEG_MODE, ds.shm_perm.mode);
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	/* A second IPC_RMID of a marked segment succeeds and changes nothing. */
	EXPECT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_DEST | SEG_MODE, ds.shm_perm.mode);
	EXPECT_EQ(1, ds.shm_nattch);
	/* Linux lets a marked segment be attached again by its id. */
	q = b->at(self->id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, q);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(2, ds.shm_nattch);
	/* SHM_STAT finds it by its index, key 0. */
	EXPECT_EQ(self->id, b->ctl(self->id & IDX_MASK, SHM_STAT, &ds));
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(0, b->dt(p));
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	/* The last detach destroys it. */
	EXPECT_EQ(0, b->dt(q));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_RMID, NULL));
}

TEST_F(ctl, einval_for_bad_id_and_cmd)
{
	const struct shm_backend *b = variant->b;
	/* IPC_64 is a 32-bit caller's flag: only a 64-bit one gets EINVAL for it. */
	static const int unknown[] = { 4, 5, 10, 16, 17, 100,
				       sizeof(long) > 4 ? IPC_STAT | 0x100 : 99, INT_MAX };
	struct shm_info usage;
	struct shminfo info;
	struct shmid_ds ds;
	unsigned int i;

	EXPECT_EQ(EINVAL, ctl_errno(b, -1, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, INT_MIN, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, IPC_SET, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, SHM_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, SHM_STAT_ANY, &ds));
	/* IPC_INFO and SHM_INFO ignore the id, but not a negative one. */
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, IPC_INFO, &info));
	EXPECT_EQ(EINVAL, ctl_errno(b, -1, SHM_INFO, &usage));
	EXPECT_LE(0, b->ctl(INT_MAX, SHM_INFO, (struct shmid_ds *)&usage));

	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, -1, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, INT_MIN, &ds));
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		EXPECT_EQ(EINVAL, ctl_errno(b, self->id, unknown[i], &ds))
			TH_LOG("cmd %d", unknown[i]);

	/* An id never given, and the next sequence of ours. */
	EXPECT_EQ(EINVAL, ctl_errno(b, INT_MAX, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id + IDX_MAX, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id + IDX_MAX, IPC_SET, &ds));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id + IDX_MAX, IPC_RMID, NULL));
	/* None of these touched the segment. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SEG_MODE, ds.shm_perm.mode);
}

TEST_F(ctl, efault_for_bad_buffer)
{
	const struct shm_backend *b = variant->b;
	int idx = self->id & IDX_MASK;
	struct shmid_ds ds;

	EXPECT_EQ(EFAULT, ctl_errno(b, self->id, IPC_STAT, BAD_PTR));
	EXPECT_EQ(EFAULT, ctl_errno(b, self->id, IPC_STAT, NULL));
	EXPECT_EQ(EFAULT, ctl_errno(b, self->id, IPC_SET, BAD_PTR));
	EXPECT_EQ(EFAULT, ctl_errno(b, self->id, IPC_SET, NULL));
	EXPECT_EQ(EFAULT, ctl_errno(b, idx, SHM_STAT, BAD_PTR));
	EXPECT_EQ(EFAULT, ctl_errno(b, idx, SHM_STAT_ANY, BAD_PTR));
	EXPECT_EQ(EFAULT, ctl_errno(b, 0, IPC_INFO, BAD_PTR));
	EXPECT_EQ(EFAULT, ctl_errno(b, 0, SHM_INFO, BAD_PTR));
	/* IPC_SET reads the buffer before it looks the id up; IPC_STAT after. */
	EXPECT_EQ(EFAULT, ctl_errno(b, self->id + IDX_MAX, IPC_SET, BAD_PTR));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id + IDX_MAX, IPC_STAT, BAD_PTR));
	/* The failed IPC_SETs changed nothing. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SEG_MODE, ds.shm_perm.mode);
	EXPECT_EQ(geteuid(), ds.shm_perm.uid);
	/* IPC_RMID has no buffer: a bad one does not matter. */
	EXPECT_EQ(0, b->ctl(self->id, IPC_RMID, BAD_PTR));
	EXPECT_EQ(EINVAL, ctl_errno(b, self->id, IPC_STAT, &ds));
}

TEST_F_TIMEOUT(ctl, ipc_info, 120)
{
	const struct shm_backend *b = variant->b;
	unsigned long max, all, mni;
	struct shminfo info;
	unsigned long pages;
	unsigned long long all64;
	int ret, segs, top, id;

	memset(&info, 0xa5, sizeof(info));
	ret = b->ctl(0, IPC_INFO, (struct shmid_ds *)&info);
	ASSERT_LE(0, ret);
	ASSERT_EQ(0, read_limit(b, "shmmax", &max));
	ASSERT_EQ(0, read_limit(b, "shmall", &all));
	ASSERT_EQ(0, read_limit64(b, "shmall", &all64));
	ASSERT_EQ(0, read_limit(b, "shmmni", &mni));
	/*
	 * A 32-bit caller reads a shmmax past INT_MAX as INT_MAX and the low
	 * half of shmall, as native's compat path gives them.
	 */
	if (sizeof(long) < 8) {
		max = max > INT_MAX ? INT_MAX : max;
		all = (unsigned long)all64;
	}
	EXPECT_EQ(max, info.shmmax);
	EXPECT_EQ(all, info.shmall);
	EXPECT_EQ(mni, info.shmmni);
	EXPECT_EQ(mni, info.shmseg);
	EXPECT_EQ(1, info.shmmin);
	/* The return is the highest index in use: none above, that one used. */
	census(b, &segs, &pages, &top, self->page);
	EXPECT_EQ(top, ret);
	EXPECT_LE(self->id & IDX_MASK, ret);
	/* The id does not matter. */
	EXPECT_EQ(ret, b->ctl(INT_MAX, IPC_INFO, (struct shmid_ds *)&info));

	/*
	 * A segment added and removed again moves the answer with it: on svshm
	 * it is the top one (indexes go up until they wrap), so its removal
	 * has to find the next index in use below.
	 */
	id = extra_seg(self, b, 1);
	ASSERT_LE(0, id);
	census(b, &segs, &pages, &top, self->page);
	EXPECT_EQ(top, b->ctl(0, IPC_INFO, (struct shmid_ds *)&info));
	ASSERT_EQ(0, b->ctl(id, IPC_RMID, NULL));
	census(b, &segs, &pages, &top, self->page);
	EXPECT_EQ(top, b->ctl(0, IPC_INFO, (struct shmid_ds *)&info));
}

TEST_F_TIMEOUT(ctl, shm_info, 120)
{
	const struct shm_backend *b = variant->b;
	struct shm_info before, after;
	unsigned long pages;
	int ret, segs, top, id;
	char *p;

	memset(&before, 0xa5, sizeof(before));
	ret = b->ctl(0, SHM_INFO, (struct shmid_ds *)&before);
	ASSERT_LE(0, ret);
	/* Nothing else makes or removes segments while this test runs. */
	census(b, &segs, &pages, &top, self->page);
	EXPECT_EQ(top, ret);
	EXPECT_EQ(segs, before.used_ids);
	EXPECT_EQ(pages, before.shm_tot);
	EXPECT_EQ(0, before.swap_attempts);
	EXPECT_EQ(0, before.swap_successes);

	/* One more segment of three pages and a byte: four pages. */
	id = extra_seg(self, b, 3 * self->page + 1);
	ASSERT_LE(0, id);
	/* Touch the two pages of ours: resident, and counted. */
	p = b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	p[0] = 1;
	p[SEG_SIZE - 1] = 1;
	ret = b->ctl(0, SHM_INFO, (struct shmid_ds *)&after);
	ASSERT_LE(0, ret);
	EXPECT_LE(id & IDX_MASK, ret);
	EXPECT_EQ(before.used_ids + 1, after.used_ids);
	EXPECT_EQ(before.shm_tot + 4, after.shm_tot);
	EXPECT_EQ(before.shm_rss + 2, after.shm_rss);
	EXPECT_EQ(0, b->dt(p));

	ASSERT_EQ(0, b->ctl(id, IPC_RMID, NULL));
	ret = b->ctl(0, SHM_INFO, (struct shmid_ds *)&after);
	ASSERT_LE(0, ret);
	EXPECT_EQ(before.used_ids, after.used_ids);
	EXPECT_EQ(before.shm_tot, after.shm_tot);
}

TEST_F(ctl, shm_stat_index_in_id_out)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds, st;
	struct shminfo info;
	int idx = self->id & IDX_MASK;
	int top;

	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	memset(&st, 0xa5, sizeof(st));
	EXPECT_EQ(self->id, b->ctl(idx, SHM_STAT, &st));
	EXPECT_EQ(0, memcmp(&ds, &st, sizeof(ds)));
	memset(&st, 0xa5, sizeof(st));
	EXPECT_EQ(self->id, b->ctl(idx, SHM_STAT_ANY, &st));
	EXPECT_EQ(0, memcmp(&ds, &st, sizeof(ds)));

	/* Above the highest index in use, nothing. */
	top = b->ctl(0, IPC_INFO, (struct shmid_ds *)&info);
	ASSERT_LE(0, top);
	if (top + 1 < IDX_MAX) {
		EXPECT_EQ(EINVAL, ctl_errno(b, top + 1, SHM_STAT, &st));
		EXPECT_EQ(EINVAL, ctl_errno(b, top + 1, SHM_STAT_ANY, &st));
	}
	/* Gone once removed. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, ctl_errno(b, idx, SHM_STAT, &st));
	EXPECT_EQ(EINVAL, ctl_errno(b, idx, SHM_STAT_ANY, &st));
}

/*
 * Native takes the index of SHM_STAT as an id and keeps only its index
 * bits (ipc_obtain_object_idr() applies ipcid_to_idx()), so a full id, or
 * any value with the same low 15 bits, finds the segment too.
 */
TEST_F(ctl, shm_stat_takes_low_bits_as_index)
{
	const struct shm_backend *b = variant->b;
	int idx = self->id & IDX_MASK;
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	EXPECT_EQ(self->id, b->ctl(idx | IDX_MAX, SHM_STAT, &ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	memset(&ds, 0, sizeof(ds));
	EXPECT_EQ(self->id, b->ctl(idx | (5 << IDX_BITS), SHM_STAT_ANY, &ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
}

TEST_HARNESS_MAIN
