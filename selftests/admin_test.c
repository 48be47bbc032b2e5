// SPDX-License-Identifier: GPL-2.0
/*
 * svshm(8), the admin command: status reports the loaded module (version,
 * ABI, parameters, huge= among them, segments of the instance named by
 * --device, and that they hold the module) and exits with LSB's status
 * codes (0 loaded, 3 not loaded, 4 cannot tell); unload is refused with
 * one line while a segment is attached, or exists at all, or an instance
 * is mounted, and succeeds once it is gone; load takes a path and
 * parameters, refuses unknown ones and a second load, and names the value
 * the kernel refuses, leaving the module unloaded; as a user, load and
 * unload say they need root.
 *
 * Root's tests need SVSHM_KO, the module's path (scripts/guest/tests.sh sets
 * it), and leave the module loaded. The svshm work is done in children, so
 * that no descriptor of this process pins the module.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "kselftest_harness.h"
#include "tools.h"
#include "svshm.h"

/* Run "svshm ARGS", stdout and stderr together into @out; the exit status. */
static int svshm(const char *args, char *out, size_t len)
{
	char path[PATH_MAX], cmd[PATH_MAX + 512];

	tool_path("svshm", path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", path, args);
	return capture(cmd, out, len);
}

static int param(const char *name)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/svshm/parameters/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	/* Booleans read back as Y or N. */
	return buf[0] == 'Y' ? 1 : buf[0] == 'N' ? 0 : atoi(buf);
}

FIXTURE(root) {
	char out[4096];
};

FIXTURE_SETUP(root)
{
	if (geteuid() != 0 || !getenv("SVSHM_KO"))
		SKIP(return, "needs root and SVSHM_KO");
	ASSERT_EQ(0, access("/dev/svshm", F_OK)) TH_LOG("the module is not loaded");
}

FIXTURE_TEARDOWN(root)
{
	char out[512];

	if (geteuid() == 0 && getenv("SVSHM_KO") && access("/dev/svshm", F_OK))
		svshm("load", out, sizeof(out));
}

TEST_F(root, status_of_loaded_module)
{
	char want[64];

	ASSERT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "svshm: live\n")) TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "abi: %d ", 2);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "version: ")) TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, "version: ?")) TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, "srcversion: ?")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " shmmni=")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " userns_mounts=Y")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " huge=(unset)\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "segments: ")) TH_LOG("%s", self->out);
	/* A device named that is none: one line, and status cannot tell (4). */
	EXPECT_EQ(4, svshm("--device /nonexistent/svshm status", self->out, sizeof(self->out)));
	EXPECT_EQ(strlen(self->out) - 1, strcspn(self->out, "\n")) TH_LOG("one line: %s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "/nonexistent/svshm")) TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("--device /dev/svshm unload", self->out, sizeof(self->out)));
	EXPECT_EQ(0, access("/dev/svshm", F_OK));
}

/* An idle segment, in a child: this process keeps no descriptor. */
static int make_idle(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(svshm_shmget(0x41444d4e /* "ADMN" */, 4096, IPC_CREAT | 0600) < 0);
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run svshm-ipcrm ARGS; its exit status. */
static int ipcrm(const char *args)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64];

	tool_path("svshm-ipcrm", path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "%s %s", path, args);
	return system(cmd);
}

/*
 * Segments hold the module: status says so, unload says how to remove them.
 * No ASSERT once the segment exists: the harness skips the teardown after
 * one, and the module must be left loaded, the segment gone, either way.
 */
TEST_F(root, unload_refused_while_a_segment_exists)
{
	ASSERT_EQ(0, make_idle());
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "segments: 1 in /dev/svshm, 1 page (")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "svshm-ipcrm --all before unloading"))
		TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("unload", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "svshm: in use by 1 segment of /dev/svshm (remove it: svshm-ipcrm --all)"))
		TH_LOG("%s", self->out);
	EXPECT_EQ(strlen(self->out) - 1, strcspn(self->out, "\n")) TH_LOG("one line: %s", self->out);
	if (access("/dev/svshm", F_OK)) {
		TH_LOG("unloaded with a segment: its data went with the module");
		EXPECT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
		return;
	}
	/* Removing it is enough (by key: --all would hide what others leave). */
	EXPECT_EQ(0, ipcrm("-M 0x41444d4e"));
	EXPECT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

TEST_F(root, unload_refused_while_attached)
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
		_exit(svshm_shmdt(p) ? 2 : 0);
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	ASSERT_EQ('a', c);
	EXPECT_EQ(1, svshm("unload", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "svshm: in use by 1 attachment (end its process"))
		TH_LOG("%s", self->out);
	EXPECT_EQ(strlen(self->out) - 1, strcspn(self->out, "\n")) TH_LOG("one line: %s", self->out);
	EXPECT_EQ(0, access("/dev/svshm", F_OK));
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(0, access("/dev/svshm", F_OK));
	EXPECT_EQ(3, svshm("status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "not loaded")) TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("unload", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "not loaded")) TH_LOG("%s", self->out);
}

/* LSB's status codes, so that a script can test them: 0 loaded, 3 not, 4 cannot tell. */
TEST_F(root, status_exit_codes)
{
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(4, svshm("status junk", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(4, svshm("--nosuch status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(3, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_STREQ("svshm: not loaded (load it: svshm load)\n", self->out);
	/* Not loaded is the answer, whatever device is named. */
	EXPECT_EQ(3, svshm("--device /dev/svshm status", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_EQ(4, svshm("status junk", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

/*
 * A value the kernel refuses: one line that names it (and only it) with
 * the module's description of the parameter, status 1, no module left.
 */
static void expect_refused(struct __test_metadata *_metadata, const char *args,
			   const char *named, const char *innocent, const char *desc)
{
	char out[4096], want[256];

	EXPECT_EQ(1, svshm(args, out, sizeof(out))) TH_LOG("svshm %s: %s", args, out);
	snprintf(want, sizeof(want), "svshm: the kernel refused %s (", named);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("svshm %s: %s", args, out);
	EXPECT_NE(NULL, strstr(out, desc)) TH_LOG("svshm %s: %s", args, out);
	if (innocent)
		EXPECT_EQ(NULL, strstr(out, innocent)) TH_LOG("svshm %s: %s", args, out);
	EXPECT_EQ(strlen(out) - 1, strcspn(out, "\n")) TH_LOG("one line: %s", out);
	EXPECT_NE(0, access("/sys/module/svshm", F_OK)) TH_LOG("svshm %s left it loaded", args);
	EXPECT_NE(0, access("/dev/svshm", F_OK));
	if (!access("/sys/module/svshm", F_OK))
		svshm("unload", out, sizeof(out));
}

TEST_F(root, load_names_the_value_the_kernel_refuses)
{
	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	/* The module's setter: out of range. */
	expect_refused(_metadata, "load shmmni=99999", "shmmni=99999", NULL, "0 to 32768");
	/* Among values it accepts, before and after. */
	expect_refused(_metadata, "load shmmax=4096 shmmni=99999 shm_rmid_forced=1",
		       "shmmni=99999", "shmmax=4096", "0 to 32768");
	/* The kernel's own setters: not a number, too large, not a boolean. */
	expect_refused(_metadata, "load shmall=junk", "shmall=junk", NULL, "Pages in all");
	expect_refused(_metadata, "load shmmax=99999999999999999999999",
		       "shmmax=99999999999999999999999", NULL, "Largest segment");
	expect_refused(_metadata, "load userns_mounts=maybe", "userns_mounts=maybe", NULL,
		       "user namespace");
	/* The module's init: huge= is checked there, after the setters. */
	expect_refused(_metadata, "load shmmni=7 huge=sometimes", "huge=sometimes", "shmmni=7",
		       "within_size");
	/* Two refused: both named, on one line. */
	expect_refused(_metadata, "load shmmni=-1 shmall=junk", "shmmni=-1", NULL,
		       ") and shmall=junk (shmall: Pages");
	ASSERT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(4096, param("shmmni"));
}

/* huge= in status's parameters: what was given at load, or (unset). */
TEST_F(root, status_shows_huge)
{
	char args[PATH_MAX + 64];

	ASSERT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " huge=(unset)\n")) TH_LOG("%s", self->out);
	/* tmpfs takes huge= only where the kernel has transparent huge pages. */
	if (access("/sys/kernel/mm/transparent_hugepage/shmem_enabled", F_OK))
		SKIP(return, "no transparent huge pages for shmem");
	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	snprintf(args, sizeof(args), "load --module %s huge=within_size", getenv("SVSHM_KO"));
	ASSERT_EQ(0, svshm(args, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " huge=within_size\n")) TH_LOG("%s", self->out);
	/* Back to the default, for the tests after this one. */
	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, " huge=(unset)\n")) TH_LOG("%s", self->out);
}

TEST_F(root, load_path_and_parameters)
{
	char args[PATH_MAX + 64];

	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("load nosuch=1", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "no parameter 'nosuch=1'")) TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("load shmmni", self->out, sizeof(self->out)));
	EXPECT_EQ(1, svshm("load --module /nonexistent/svshm.ko", self->out, sizeof(self->out)));
	EXPECT_NE(0, access("/dev/svshm", F_OK));
	snprintf(args, sizeof(args), "load --module %s shmmni=7 shm_rmid_forced=1",
		 getenv("SVSHM_KO"));
	ASSERT_EQ(0, svshm(args, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(7, param("shmmni"));
	EXPECT_EQ(1, param("shm_rmid_forced"));
	EXPECT_EQ(0, svshm("status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, " shmmni=7")) TH_LOG("%s", self->out);
	EXPECT_EQ(1, svshm("load", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "already loaded")) TH_LOG("%s", self->out);
	/* Back to the defaults, through SVSHM_KO. */
	ASSERT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(4096, param("shmmni"));
}

/*
 * A mounted instance holds the module, and its segments do, though no
 * file here lists them: unload says where to look, and works once the
 * instance is unmounted (which ends its segments, as an IPC namespace's).
 */
TEST_F(root, unload_refused_while_an_instance_is_mounted)
{
	char dir[] = "/tmp/svshm-admin-XXXXXX";

	ASSERT_NE(NULL, mkdtemp(dir));
	if (mount("none", dir, SVSHM_FS_TYPE, 0, NULL)) {
		int err = errno;

		rmdir(dir);
		if (err == ENODEV)
			SKIP(return, "no svshm filesystem in this module");
		ASSERT_EQ(0, err) TH_LOG("mount -t svshm: %s", strerror(err));
	}
	EXPECT_EQ(1, svshm("unload", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "in use by 1 other reference (")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "findmnt -t svshm")) TH_LOG("%s", self->out);
	EXPECT_EQ(strlen(self->out) - 1, strcspn(self->out, "\n")) TH_LOG("one line: %s", self->out);
	EXPECT_EQ(0, umount(dir));
	rmdir(dir);
	if (access("/dev/svshm", F_OK)) {
		TH_LOG("unloaded under a mounted instance");
		EXPECT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
		return;
	}
	EXPECT_EQ(0, svshm("unload", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, svshm("load", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

TEST(user_needs_root)
{
	char out[1024];

	if (geteuid() == 0)
		SKIP(return, "runs as a user");
	EXPECT_EQ(1, svshm("unload", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "unload needs root")) TH_LOG("%s", out);
	EXPECT_EQ(1, svshm("load", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "load needs root")) TH_LOG("%s", out);
	EXPECT_EQ(0, svshm("status", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, " huge=")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
