// SPDX-License-Identifier: GPL-2.0
/*
 * The limits, changed at run time by root: native's sysctls under
 * /proc/sys/kernel/ and svshm's module parameters, side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

static const char *knob(const struct shm_backend *b, const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), b == &shm_native ? "/proc/sys/kernel/%s" :
		 "/sys/module/svshm/parameters/%s", name);
	return path;
}

static int knob_read(const struct shm_backend *b, const char *name, char *buf, size_t len)
{
	int fd = open(knob(b, name), O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Return 0, or the errno of the write. */
static int knob_write(const struct shm_backend *b, const char *name, const char *val)
{
	int fd = open(knob(b, name), O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

FIXTURE(lim) {
	char shmmax[32], shmall[32], shmmni[32], rmid[32];
};

FIXTURE_VARIANT(lim) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(lim);

FIXTURE_SETUP(lim)
{
	SKIP_IF_NO_NATIVE(variant->b);
	if (geteuid() != 0)
		SKIP(return, "changing the limits needs root");
	ASSERT_EQ(0, knob_read(variant->b, "shmmax", self->shmmax, sizeof(self->shmmax)));
	ASSERT_EQ(0, knob_read(variant->b, "shmall", self->shmall, sizeof(self->shmall)));
	ASSERT_EQ(0, knob_read(variant->b, "shmmni", self->shmmni, sizeof(self->shmmni)));
	ASSERT_EQ(0, knob_read(variant->b, "shm_rmid_forced", self->rmid, sizeof(self->rmid)));
}

FIXTURE_TEARDOWN(lim)
{
	if (geteuid() != 0)
		return;
	knob_write(variant->b, "shmmax", self->shmmax);
	knob_write(variant->b, "shmall", self->shmall);
	knob_write(variant->b, "shmmni", self->shmmni);
	knob_write(variant->b, "shm_rmid_forced", self->rmid);
}

TEST_F(lim, defaults_are_natives)
{
	/* svshm starts with native's defaults; native here still has its own. */
	EXPECT_STREQ("18446744073692774399", self->shmmax);
	EXPECT_STREQ("18446744073692774399", self->shmall);
	EXPECT_STREQ("4096", self->shmmni);
}

TEST_F(lim, shmmax)
{
	struct shminfo info;
	int id;

	ASSERT_EQ(0, knob_write(variant->b, "shmmax", "8192"));
	ASSERT_LE(0, variant->b->ctl(0, IPC_INFO, (struct shmid_ds *)&info));
	EXPECT_EQ(8192, info.shmmax);
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 8193, 0600));
	EXPECT_EQ(EINVAL, errno);
	id = variant->b->get(IPC_PRIVATE, 8192, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, variant->b->ctl(id, IPC_RMID, NULL));
}

TEST_F(lim, shmall)
{
	struct shm_info usage;
	struct shminfo info;
	char val[32];
	int id;

	ASSERT_LE(0, variant->b->ctl(0, SHM_INFO, (struct shmid_ds *)&usage));
	/* Room for exactly two more pages. */
	snprintf(val, sizeof(val), "%lu", usage.shm_tot + 2);
	ASSERT_EQ(0, knob_write(variant->b, "shmall", val));
	ASSERT_LE(0, variant->b->ctl(0, IPC_INFO, (struct shmid_ds *)&info));
	EXPECT_EQ(usage.shm_tot + 2, info.shmall);
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 2 * 4096 + 1, 0600));
	EXPECT_EQ(ENOSPC, errno);
	id = variant->b->get(IPC_PRIVATE, 2 * 4096, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 1, 0600));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, variant->b->ctl(id, IPC_RMID, NULL));
}

TEST_F(lim, shmmni)
{
	struct shm_info usage;
	char val[32];
	int id;

	EXPECT_EQ(EINVAL, knob_write(variant->b, "shmmni", "32769"));
	EXPECT_EQ(EINVAL, knob_write(variant->b, "shmmni", "-1"));
	EXPECT_EQ(0, knob_write(variant->b, "shmmni", "32768"));

	ASSERT_LE(0, variant->b->ctl(0, SHM_INFO, (struct shmid_ds *)&usage));
	snprintf(val, sizeof(val), "%d", usage.used_ids + 1);
	ASSERT_EQ(0, knob_write(variant->b, "shmmni", val));
	id = variant->b->get(IPC_PRIVATE, 4096, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-1, variant->b->get(IPC_PRIVATE, 4096, 0600));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, variant->b->ctl(id, IPC_RMID, NULL));
}

TEST_F(lim, rmid_forced_destroys_at_last_detach)
{
	struct shmid_ds ds;
	void *p;
	int id;

	ASSERT_EQ(0, knob_write(variant->b, "shm_rmid_forced", "1"));
	id = variant->b->get(IPC_PRIVATE, 4096, 0600);
	ASSERT_LE(0, id);
	p = variant->b->at(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, variant->b->ctl(id, IPC_STAT, &ds));
	ASSERT_EQ(0, variant->b->dt(p));
	EXPECT_EQ(-1, variant->b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(lim, rmid_forced_on_destroys_orphans)
{
	struct shmid_ds ds;
	int status, id, kept;
	int pfd[2];
	pid_t pid;

	ASSERT_EQ(0, knob_write(variant->b, "shm_rmid_forced", "0"));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	if (pid == 0) {
		int cid = variant->b->get(IPC_PRIVATE, 4096, 0600);

		_exit(write(pfd[1], &cid, sizeof(cid)) == sizeof(cid) ? 0 : 1);
	}
	ASSERT_EQ(sizeof(id), read(pfd[0], &id, sizeof(id)));
	close(pfd[0]);
	close(pfd[1]);
	waitpid(pid, &status, 0);
	ASSERT_LE(0, id);
	/* Ours, with a live creator: kept. */
	kept = variant->b->get(IPC_PRIVATE, 4096, 0600);
	ASSERT_LE(0, kept);

	ASSERT_EQ(0, variant->b->ctl(id, IPC_STAT, &ds));
	ASSERT_EQ(0, knob_write(variant->b, "shm_rmid_forced", "1"));
	EXPECT_EQ(-1, variant->b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, variant->b->ctl(kept, IPC_STAT, &ds));
	EXPECT_EQ(0, variant->b->ctl(kept, IPC_RMID, NULL));
}

TEST_HARNESS_MAIN
