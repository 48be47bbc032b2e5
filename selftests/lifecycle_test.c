// SPDX-License-Identifier: GPL-2.0
/*
 * The module's lifecycle, loaded and unloaded through libkmod (as svshm(8)
 * does): removal is refused while a segment is mapped (even with no
 * descriptor of /dev/svshm left open), and while any segment exists at
 * all, attached or not: unloading never destroys data. The refused module
 * keeps each segment whole (its id, key, size and bytes); once they are
 * removed, it unloads. Load, use, clean up, unload works 50 times in a
 * row. The kernel log is checked for splats and, on the debug kernel, for
 * leaks.
 *
 * Needs root and SVSHM_KO, the module's path (scripts/guest/tests.sh sets it).
 * The svshm work is done in children: libsvshm keeps /dev/svshm open for a
 * process's life, which would pin the module in this one.
 */
#include <errno.h>
#include <libkmod.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svshm.h"

#define KEY 0x4c494645	/* "LIFE" */

/*
 * Through libkmod, as svshm(8) does: insert the module at SVSHM_KO, remove
 * it by name. 0, or a negative errno (EBUSY while it is in use).
 */
static int kmod_op(int insert)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int err;

	if (!ctx)
		return -ENOMEM;
	if (insert)
		err = kmod_module_new_from_path(ctx, getenv("SVSHM_KO"), &mod);
	else
		err = kmod_module_new_from_name(ctx, "svshm", &mod);
	if (!err && insert)
		err = kmod_module_insert_module(mod, 0, NULL);
	else if (!err)	/* NOLOG: a refusal is what some tests expect */
		err = kmod_module_remove_module(mod, KMOD_REMOVE_NOLOG);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return err;
}

static int rmmod(void)
{
	return kmod_op(0);
}

static int insmod(void)
{
	return kmod_op(1);
}

/* Run @fn in a child; return its exit status (0: all went as expected). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define KEYED_SIZE	(3 * 4096)
#define PRIVATE_SIZE	5000

/* Create a keyed segment full of 0x5a and an idle private one; attach none. */
static int make_idle(void)
{
	int id = svshm_shmget(KEY, KEYED_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	char *p;

	if (id < 0 || svshm_shmget(IPC_PRIVATE, PRIVATE_SIZE, 0600) < 0)
		return 1;
	p = svshm_shmat(id, NULL, 0);
	if (p == (void *)-1)
		return 2;
	memset(p, 0x5a, KEYED_SIZE);
	return svshm_shmdt(p) ? 3 : 0;
}

/* make_idle's private segment, by its size: its id, or -1. */
static int private_id(void)
{
	struct shm_info info;
	struct shmid_ds ds;
	int max = svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info), id;

	for (int i = 0; i <= max; i++) {
		id = svshm_shmctl(i, SHM_STAT_ANY, &ds);
		if (id >= 0 && ds.shm_perm.__key == IPC_PRIVATE && ds.shm_segsz == PRIVATE_SIZE)
			return id;
	}
	return -1;
}

/* Both of make_idle's segments are whole: key, size, every byte. */
static int idle_intact(void)
{
	int id = svshm_shmget(KEY, 0, 0);
	struct shmid_ds ds;
	unsigned char *p;

	if (id < 0 || svshm_shmctl(id, IPC_STAT, &ds) || ds.shm_segsz != KEYED_SIZE ||
	    ds.shm_nattch != 0)
		return 1;
	p = svshm_shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return 2;
	for (int i = 0; i < KEYED_SIZE; i++)
		if (p[i] != 0x5a)
			return 3;
	if (svshm_shmdt(p) || private_id() < 0)
		return 4;
	return 0;
}

static int remove_keyed(void)
{
	return svshm_shmctl(svshm_shmget(KEY, 0, 0), IPC_RMID, NULL) ? 1 : 0;
}

static int remove_private(void)
{
	return svshm_shmctl(private_id(), IPC_RMID, NULL) ? 1 : 0;
}

static int key_gone(void)
{
	return svshm_shmget(KEY, 0, 0) == -1 && errno == ENOENT ? 0 : 1;
}

/* One round's work, all removed at the end: nothing holds the module. */
static int use_and_clean(void)
{
	int id = svshm_shmget(IPC_PRIVATE, 8192, 0600);
	char *p = svshm_shmat(id, NULL, 0);

	if (p == (void *)-1)
		return 1;
	p[0] = 1;
	p[8191] = 2;
	if (svshm_shmdt(p) || svshm_shmctl(id, IPC_RMID, NULL))
		return 2;
	if (make_idle() || idle_intact())
		return 3;
	return remove_keyed() || remove_private() ? 4 : 0;
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	if (geteuid() != 0 || !getenv("SVSHM_KO"))
		SKIP(return, "needs root and SVSHM_KO");
	ASSERT_EQ(0, access("/dev/svshm", F_OK)) TH_LOG("the module is not loaded");
}

FIXTURE_TEARDOWN(mod)
{
	if (geteuid() != 0 || !getenv("SVSHM_KO"))
		return;
	/* A test that stopped half-way leaves no segment to hold the module. */
	if (!access("/dev/svshm", F_OK)) {
		in_child(remove_keyed);
		in_child(remove_private);
	}
	/* Leave the module loaded for the tests that follow. */
	if (access("/dev/svshm", F_OK))
		insmod();
}

TEST_F(mod, rmmod_refused_while_mapped)
{
	int go[2], done[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	if (pid == 0) {
		int id = svshm_shmget(IPC_PRIVATE, 4096, 0600);
		char *p = svshm_shmat(id, NULL, 0);

		svshm_shmctl(id, IPC_RMID, NULL);
		/* Keep only the mapping: close every descriptor but the pipes. */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != go[1] && fd != done[0])
				close(fd);
		c = p == (void *)-1 ? 'x' : 'a';
		if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(1);
		p[0] = 7;
		_exit(svshm_shmdt(p) ? 2 : 0);
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	ASSERT_EQ('a', c);
	EXPECT_NE(0, rmmod());
	EXPECT_EQ(0, access("/dev/svshm", F_OK));
	/* Let the child detach and exit: then the module may go. */
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_EQ(0, rmmod());
	EXPECT_EQ(0, insmod());
}

/*
 * Still loaded after a refusal? If not, the segments went with it: load it
 * again for what follows and fail. (No ASSERT: the harness skips the
 * teardown after one, and the tests after this one need the module.)
 */
static bool still_loaded(struct __test_metadata *_metadata)
{
	if (!access("/dev/svshm", F_OK))
		return true;
	TH_LOG("unloaded with segments: their data went with the module");
	_metadata->exit_code = KSFT_FAIL;
	EXPECT_EQ(0, insmod());
	return false;
}

/*
 * Each segment holds the module: delete_module(O_NONBLOCK), which libkmod
 * always asks for, fails with EWOULDBLOCK (EAGAIN) while one exists, and
 * the data is all still there; it unloads once the last one is removed.
 */
TEST_F(mod, rmmod_refused_while_segments_exist)
{
	ASSERT_EQ(0, in_child(make_idle));
	EXPECT_EQ(-EAGAIN, rmmod());
	if (!still_loaded(_metadata))
		return;
	EXPECT_EQ(0, in_child(idle_intact));
	/* One left, unkeyed and unattached, still holds it. */
	EXPECT_EQ(0, in_child(remove_keyed));
	EXPECT_EQ(-EAGAIN, rmmod());
	if (!still_loaded(_metadata))
		return;
	EXPECT_EQ(0, in_child(remove_private));
	EXPECT_EQ(0, rmmod());
	EXPECT_EQ(0, insmod());
	EXPECT_EQ(0, in_child(key_gone));
}

TEST_F_TIMEOUT(mod, load_use_unload_50_times, 600)
{
	for (int i = 0; i < 50 && !_metadata->exit_code; i++) {
		EXPECT_EQ(0, in_child(use_and_clean)) TH_LOG("round %d", i);
		/* Removed, so unloaded: nothing else may hold it. */
		EXPECT_EQ(0, rmmod()) TH_LOG("round %d", i);
		/* Loaded again whatever happened: the tests after this one need it. */
		if (access("/dev/svshm", F_OK))
			EXPECT_EQ(0, insmod()) TH_LOG("round %d", i);
	}
	EXPECT_EQ(0, in_child(key_gone));
}

/* An idle segment whose creator is gone, as shm_rmid_forced sees orphans. */
static int make_orphan(void)
{
	return svshm_shmget(IPC_PRIVATE, 4096, 0600) < 0;
}

/* Turn shm_rmid_forced on: 0, or the errno of the write. */
static int rmid_forced_on(void)
{
	FILE *f = fopen("/sys/module/svshm/parameters/shm_rmid_forced", "we");
	int err = 0;

	if (!f)
		return errno;
	if (fputs("1", f) < 0)
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

/*
 * Turning shm_rmid_forced on destroys the last segment, which lets the
 * module go: an unload racing with that write waits for the write to be
 * done with the table (or the write, come too late, is refused) and never
 * frees what it still walks. The debug kernel's KASAN tells.
 */
TEST_F_TIMEOUT(mod, rmid_forced_write_racing_rmmod, 600)
{
	int status, tries;
	pid_t pid;

	for (int i = 0; i < 20 && !_metadata->exit_code; i++) {
		ASSERT_EQ(0, in_child(make_orphan)) TH_LOG("round %d", i);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(rmid_forced_on() ? 1 : 0);
		/* The orphan holds the module until the write destroys it. */
		for (tries = 0; rmmod() && tries < 100000; tries++)
			;
		EXPECT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		EXPECT_NE(0, access("/dev/svshm", F_OK)) TH_LOG("round %d: still loaded", i);
		if (access("/dev/svshm", F_OK))
			EXPECT_EQ(0, insmod()) TH_LOG("round %d", i);
	}
}

TEST_HARNESS_MAIN
