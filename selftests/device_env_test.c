// SPDX-License-Identifier: GPL-2.0
/*
 * libsvshm's device: /dev/svshm, or the file named by SVSHM_DEVICE. A
 * missing path or a file that is no svshm device fails every call with
 * ENOSYS and one line naming that path; /dev/svshm named explicitly, or an
 * empty value, serves as the default. The value is read once per process
 * and copied: changed afterwards, it moves neither the process (even when
 * the library must reopen after closefrom) nor a forked child. Then a real
 * second instance (root): a mount of the svshm filesystem, whose svshm
 * file, named by SVSHM_DEVICE, is a table of its own: the key of a segment
 * of /dev/svshm is free there, and svshm-ipcs lists each table alone.
 *
 * Each case runs the library in a forked child, whose first call reads the
 * environment the test gave it: the test process itself never calls it.
 * The instance's tests use no ASSERT once it is mounted: the harness skips
 * the teardown after one, which unmounts it and removes the segments that
 * would otherwise hold the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "kselftest_harness.h"
#include "child.h"
#include "preload.h"
#include "tools.h"
#include "svshm.h"

/* What the four calls did in a child: every one ENOSYS, or all worked. */
enum { ALL_ENOSYS, ALL_WORKED, MIXED };

/* The four calls, twice: ALL_ENOSYS, ALL_WORKED or MIXED. */
static int four_calls(void)
{
	int enosys = 0, worked = 0;

	for (int i = 0; i < 2; i++) {
		struct shmid_ds ds;
		int id = svshm_shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		char *p;

		if (id < 0) {
			enosys += errno == ENOSYS;
			enosys += svshm_shmat(0, NULL, 0) == (void *)-1 && errno == ENOSYS;
			enosys += svshm_shmdt((void *)4096) == -1 && errno == ENOSYS;
			enosys += svshm_shmctl(0, IPC_STAT, &ds) == -1 && errno == ENOSYS;
			continue;
		}
		p = svshm_shmat(id, NULL, 0);
		worked += p != (void *)-1;
		worked += p != (void *)-1 && svshm_shmdt(p) == 0;
		worked += svshm_shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 4096;
		worked += svshm_shmctl(id, IPC_RMID, NULL) == 0;
	}
	return enosys == 8 ? ALL_ENOSYS : worked == 8 ? ALL_WORKED : MIXED;
}

/*
 * In a child with SVSHM_DEVICE=@dev (unset if NULL): four_calls(), its
 * stderr into @err. Returns what four_calls() returned, or -1.
 */
static int calls_with(const char *dev, char *err, size_t len)
{
	int pfd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (dev)
			setenv("SVSHM_DEVICE", dev, 1);
		else
			unsetenv("SVSHM_DEVICE");
		dup2(pfd[1], 2);
		_exit(four_calls());
	}
	close(pfd[1]);
	while ((n = read(pfd[0], err + got, len - 1 - got)) > 0)
		got += n;
	err[got] = 0;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(missing_path_enosys_one_line_naming_it)
{
	char dev[64], err[4096];

	snprintf(dev, sizeof(dev), "/nonexistent/svshm-%d", getpid());
	EXPECT_EQ(ALL_ENOSYS, calls_with(dev, err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_EQ(1, lines(err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, dev)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "SVSHM_DEVICE")) TH_LOG("stderr: %s", err);
	EXPECT_EQ(NULL, strstr(err, "/dev/svshm")) TH_LOG("stderr: %s", err);
}

/* A regular file that is not an svshm file: refused before any ioctl. */
TEST(other_file_enosys_one_line_naming_it)
{
	char dev[64], err[4096];
	int fd;

	snprintf(dev, sizeof(dev), "/tmp/svshm-device-env-%d", getpid());
	fd = open(dev, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(ALL_ENOSYS, calls_with(dev, err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_EQ(1, lines(err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, dev)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "neither")) TH_LOG("stderr: %s", err);
	unlink(dev);
	/* A character device that does not speak svshm's ioctls. */
	EXPECT_EQ(ALL_ENOSYS, calls_with("/dev/null", err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_EQ(1, lines(err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "/dev/null")) TH_LOG("stderr: %s", err);
}

TEST(default_explicit_or_empty_works)
{
	char err[4096];

	EXPECT_EQ(ALL_WORKED, calls_with("/dev/svshm", err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_STREQ("", err);
	EXPECT_EQ(ALL_WORKED, calls_with("", err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_STREQ("", err);
	EXPECT_EQ(ALL_WORKED, calls_with(NULL, err, sizeof(err))) TH_LOG("stderr: %s", err);
	EXPECT_STREQ("", err);
}

/*
 * Read once and kept: after the first call the variable names a missing
 * path; closefrom makes the library reopen, and a fork inherits: both
 * still reach /dev/svshm.
 */
TEST(read_once_kept_across_reopen_and_fork)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		setenv("SVSHM_DEVICE", "/dev/svshm", 1);
		EXPECT_EQ(ALL_WORKED, four_calls());
		setenv("SVSHM_DEVICE", "/nonexistent/svshm", 1);
		closefrom(3);
		EXPECT_EQ(ALL_WORKED, four_calls()) TH_LOG("after closefrom");
		pid = fork();
		if (pid == 0) {
			closefrom(3);
			EXPECT_EQ(ALL_WORKED, four_calls()) TH_LOG("in a forked child");
			child_exit();
		}
		EXPECT_EQ(0, reap(pid));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
}

/* The preload build reads the same variable: util-linux's ipcmk, unmodified. */
TEST(preloaded_program_names_the_path)
{
	char *const argv[] = { "/usr/bin/ipcmk", "-M", "4096", NULL };
	char dev[64], out[OUT_MAX];

	if (access(argv[0], X_OK) || access(preload_lib(), R_OK))
		SKIP(return, "no /usr/bin/ipcmk, or no libsvshm-preload.so");
	snprintf(dev, sizeof(dev), "/nonexistent/svshm-%d", getpid());
	setenv("SVSHM_DEVICE", dev, 1);
	EXPECT_NE(0, run_program(argv, 1, 0, out, sizeof(out)));
	unsetenv("SVSHM_DEVICE");
	EXPECT_NE(NULL, strstr(out, dev)) TH_LOG("ipcmk said: %s", out);
	EXPECT_NE(NULL, strstr(out, "libsvshm: cannot open")) TH_LOG("ipcmk said: %s", out);
}

/*
 * A mount of the svshm filesystem: another table. All library work runs in
 * children (in_child), each reading SVSHM_DEVICE afresh: a child inherits
 * the device its parent read, so the test process never calls the library.
 */
FIXTURE(instance) {
	char dir[64], dev[96];
	key_t key;		/* a segment of 8192 bytes in /dev/svshm, data 'o' */
};

typedef void (*child_fn)(struct __test_metadata *_metadata, key_t key);

/* @fn in a child with SVSHM_DEVICE=@dev (unset if NULL); 0 if it passed. */
static int in_child(const char *dev, child_fn fn, struct __test_metadata *_metadata, key_t key)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (dev)
			setenv("SVSHM_DEVICE", dev, 1);
		else
			unsetenv("SVSHM_DEVICE");
		fn(_metadata, key);
		child_exit();
	}
	return reap(pid);
}

/*
 * In a child, a failed check ends the child (no ASSERT: its longjmp would
 * land in the harness's code in this forked copy).
 */
#define CHILD_CHECK(cond, ...) do {						\
		bool _ok = (cond);						\
		EXPECT_TRUE(_ok) TH_LOG(__VA_ARGS__);				\
		if (!_ok)							\
			return;							\
	} while (0)

static void make_outer(struct __test_metadata *_metadata, key_t key)
{
	int id = svshm_shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
	char *p;

	CHILD_CHECK(id >= 0, "shmget: %s", strerror(errno));
	p = svshm_shmat(id, NULL, 0);
	CHILD_CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	p[0] = 'o';
	EXPECT_EQ(0, svshm_shmdt(p));
}

/* /dev/svshm's segment of @key is as make_outer left it. */
static void outer_intact(struct __test_metadata *_metadata, key_t key)
{
	int id = svshm_shmget(key, 0, 0);
	struct shmid_ds ds;
	char *p;

	CHILD_CHECK(id >= 0, "shmget: %s", strerror(errno));
	CHILD_CHECK(svshm_shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT: %s", strerror(errno));
	EXPECT_EQ(8192, ds.shm_segsz);
	p = svshm_shmat(id, NULL, SHM_RDONLY);
	CHILD_CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	EXPECT_EQ('o', p[0]);
	EXPECT_EQ(0, svshm_shmdt(p));
}

static void remove_key(struct __test_metadata *_metadata, key_t key)
{
	int id = svshm_shmget(key, 0, 0);

	if (id >= 0)
		EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
}

/* In the instance: the key is free, a segment of another size takes it. */
static void new_in_instance(struct __test_metadata *_metadata, key_t key)
{
	struct shmid_ds ds;
	int id;
	char *p;

	EXPECT_EQ(-1, svshm_shmget(key, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	id = svshm_shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	CHILD_CHECK(id >= 0, "shmget: %s", strerror(errno));
	CHILD_CHECK(svshm_shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT: %s", strerror(errno));
	EXPECT_EQ(4096, ds.shm_segsz);
	EXPECT_EQ(key, ds.shm_perm.__key);
	p = svshm_shmat(id, NULL, 0);
	CHILD_CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	EXPECT_EQ(0, p[0]);
	p[0] = 'i';
	EXPECT_EQ(0, svshm_shmdt(p));
}

FIXTURE_SETUP(instance)
{
	self->dir[0] = 0;
	self->key = 0x45000000 | (getpid() & 0xffffff);
	if (geteuid())
		SKIP(return, "needs root to mount the svshm filesystem");
	snprintf(self->dir, sizeof(self->dir), "/tmp/svshm-instance-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (mount("none", self->dir, SVSHM_FS_TYPE, 0, NULL)) {
		int err = errno;

		rmdir(self->dir);
		self->dir[0] = 0;
		if (err == ENODEV)
			SKIP(return, "no svshm filesystem in this module");
		ASSERT_EQ(0, err) TH_LOG("mount -t svshm: %s", strerror(err));
	}
	snprintf(self->dev, sizeof(self->dev), "%s/%s", self->dir, SVSHM_FS_DEVICE);
	if (in_child(NULL, make_outer, _metadata, self->key)) {
		/* No teardown after a failed setup: undo here. */
		in_child(NULL, remove_key, _metadata, self->key);
		umount(self->dir);
		rmdir(self->dir);
		ASSERT_TRUE(false) TH_LOG("no segment in /dev/svshm to compare with");
	}
}

FIXTURE_TEARDOWN(instance)
{
	if (!self->dir[0])
		return;
	/* Every segment holds the module: leave none, in either table. */
	in_child(NULL, remove_key, _metadata, self->key);
	in_child(self->dev, remove_key, _metadata, self->key);
	umount(self->dir);
	rmdir(self->dir);
}

TEST_F(instance, second_table_behind_svshm_device)
{
	char line[512], want[16], first[16];
	int found = 0;
	FILE *f;

	EXPECT_EQ(0, in_child(self->dev, new_in_instance, _metadata, self->key));
	EXPECT_EQ(0, in_child(NULL, outer_intact, _metadata, self->key));
	/* The instance lists its segment under the key, in /proc/svshm's format. */
	snprintf(line, sizeof(line), "%s/%s", self->dir, SVSHM_FS_LISTING);
	f = fopen(line, "re");
	EXPECT_NE(NULL, f) TH_LOG("%s: %s", line, strerror(errno));
	snprintf(want, sizeof(want), "%d", (int)self->key);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s", first) == 1 && !strcmp(first, want))
			found++;
	if (f)
		fclose(f);
	EXPECT_EQ(1, found);
}

/* Run @tool with --device @dev and @args into @out; its exit status. */
static int tool(const char *name, const char *dev, const char *args, char *out, size_t len)
{
	char path[PATH_MAX], cmd[2 * PATH_MAX];

	tool_path(name, path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "%s%s%s %s 2>&1", path, dev ? " --device " : "", dev ? dev : "",
		 args);
	return capture(cmd, out, len);
}

/* The tools reach each table through its device, and only that table. */
TEST_F(instance, tools_work_on_the_named_table)
{
	char out[8192], key[16], size[] = " 12345 ";

	snprintf(key, sizeof(key), "0x%08x", (unsigned int)self->key);
	EXPECT_EQ(0, tool("svshm-ipcmk", self->dev, "-M 12345 -p 0600", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_EQ(0, tool("svshm-ipcs", self->dev, "-m", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, size)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, key)) TH_LOG("%s", out);
	EXPECT_EQ(0, tool("svshm-ipcs", NULL, "-m", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, key)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, size)) TH_LOG("%s", out);
	/* --all there removes the instance's, not ours. */
	EXPECT_EQ(0, tool("svshm-ipcrm", self->dev, "--all", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, tool("svshm-ipcs", self->dev, "-m", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, size)) TH_LOG("%s", out);
	EXPECT_EQ(0, in_child(NULL, outer_intact, _metadata, self->key));
}

TEST_HARNESS_MAIN
