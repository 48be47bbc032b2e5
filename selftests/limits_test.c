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
#include "common.h"
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

static int knob_write(const struct shm_backend *b, const char *name, const char *val)
{
	return file_write(knob(b, name), val);
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

/* A /proc/meminfo figure, in kB, or -1. */
static long meminfo_kb(const char *name)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");
	size_t len = strlen(name);
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static int vm_write(const char *name, const char *val)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	return file_write(path, val);
}

static int vm_read(const char *name, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ret = fgets(buf, len, f) ? 0 : -1;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ret;
}

/*
 * shmget(IPC_PRIVATE, @size, @flags) with vm.overcommit_memory at @mode:
 * in strict mode (2) the commit limit is set @room kB above what is
 * committed now. The settings are restored before it returns, so nothing
 * else runs under them. Return 0 (created and removed), or the errno.
 */
static int get_under_overcommit(const struct shm_backend *b, const char *mode, long room,
				size_t size, int flags)
{
	char old_mode[16], old_ratio[16], old_kbytes[32], val[32];
	int id, err = 0;

	if (vm_read("overcommit_memory", old_mode, sizeof(old_mode)) ||
	    vm_read("overcommit_ratio", old_ratio, sizeof(old_ratio)) ||
	    vm_read("overcommit_kbytes", old_kbytes, sizeof(old_kbytes)))
		return -1;
	if (!strcmp(mode, "2")) {
		snprintf(val, sizeof(val), "%ld", meminfo_kb("Committed_AS") + room);
		if (vm_write("overcommit_kbytes", val))
			return -1;
	}
	if (vm_write("overcommit_memory", mode))
		return -1;
	id = b->get(IPC_PRIVATE, size, IPC_CREAT | 0600 | flags);
	if (id < 0)
		err = errno;
	vm_write("overcommit_memory", old_mode);
	/* Each of the two zeroes the other: the one in use goes last. */
	if (strcmp(old_kbytes, "0")) {
		vm_write("overcommit_kbytes", old_kbytes);
	} else {
		vm_write("overcommit_kbytes", "0");
		vm_write("overcommit_ratio", old_ratio);
	}
	if (id >= 0 && b->ctl(id, IPC_RMID, NULL))
		err = -1;
	return err;
}

/*
 * Strict overcommit (vm.overcommit_memory 2) charges every segment,
 * SHM_NORESERVE or not: a segment past the commit limit is refused, as
 * native's newseg() refuses it ("do not allow no accounting for
 * OVERCOMMIT_NEVER").
 */
TEST_F(lim, strict_overcommit_charges_noreserve_too)
{
	/* 64 MiB of room, a segment of 1 GiB. */
	EXPECT_EQ(ENOMEM, get_under_overcommit(variant->b, "2", 64 << 10, 1UL << 30, 0));
	EXPECT_EQ(ENOMEM, get_under_overcommit(variant->b, "2", 64 << 10, 1UL << 30,
					       SHM_NORESERVE));
	EXPECT_EQ(0, get_under_overcommit(variant->b, "2", 64 << 10, 1 << 20, SHM_NORESERVE));
	/* Always overcommit: anything goes. */
	EXPECT_EQ(0, get_under_overcommit(variant->b, "1", 0,
					  sizeof(size_t) > 4 ? (size_t)(1ULL << 40) : (size_t)3 << 30,
					  SHM_NORESERVE));
}

/*
 * The heuristic mode (0) refuses one charge larger than memory and swap
 * together. Native does not charge an SHM_NORESERVE segment there; svshm
 * cannot read the mode, so it always charges (README, "Differences"):
 * such a segment is refused, where native makes it.
 */
TEST_F(lim, heuristic_overcommit_and_noreserve_beyond_memory)
{
	long kb = meminfo_kb("MemTotal") + meminfo_kb("SwapTotal");
	size_t size = (size_t)kb * 1024 * 2;

	EXPECT_EQ(ENOMEM, get_under_overcommit(variant->b, "0", 0, size, 0));
	EXPECT_EQ(variant->b == &shm_native ? 0 : ENOMEM,
		  get_under_overcommit(variant->b, "0", 0, size, SHM_NORESERVE));
}

TEST_HARNESS_MAIN
