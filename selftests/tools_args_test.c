// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcs and svshm-ipcrm never guess: junk where an id or a key goes
 * (fixed cases that atoi() or strtoul() would have read as some number,
 * then random bytes), alone or after valid arguments, must fail with
 * status 1 and a message naming the argument, print no segment, and
 * change no segment: the table is compared field by field before and
 * after. The same for junk where the device goes (--device, SVSHM_DEVICE).
 * Then the real thing: valid arguments remove exactly what they name, and a
 * failure names the id or key (as nobody: permission denied).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tools.h"
#include "svshm.h"

#define NSEG 4

/* What a tool could change in a segment. */
struct seg {
	int id;
	key_t key;
	unsigned int mode, uid;
	size_t size;
	unsigned long nattch;
	time_t ctime;
};

/* Every segment of the table, in index order; the count, or -1. */
static int snapshot(struct seg *s, int max_segs)
{
	struct shm_info info;
	struct shmid_ds ds;
	int max = svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info), n = 0;

	if (max < 0)
		return -1;
	for (int i = 0; i <= max && n < max_segs; i++) {
		int id = svshm_shmctl(i, SHM_STAT_ANY, &ds);

		if (id < 0)
			continue;
		s[n++] = (struct seg){ id, ds.shm_perm.__key, ds.shm_perm.mode, ds.shm_perm.uid,
				       ds.shm_segsz, ds.shm_nattch, ds.shm_ctime };
	}
	return n;
}

/*
 * Run build/tools/@tool with @args (NULL-terminated, at most 8), as uid
 * @uid if not -1; stdout and stderr into @out and @err. Returns the exit
 * status, or -1.
 */
static int run(const char *tool, const char *const *args, uid_t uid,
	       char *out, size_t olen, char *err, size_t elen)
{
	const char *argv[12] = { tool };
	int po[2], pe[2], st, argc = 1;
	char path[PATH_MAX];
	ssize_t n;
	pid_t pid;

	tool_path(tool, path, sizeof(path));
	while (*args && argc < 10)
		argv[argc++] = *args++;
	if (pipe(po) || pipe(pe))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (uid != (uid_t)-1 && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
					 setresuid(uid, uid, uid)))
			_exit(126);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* Outputs here are a few lines: read both to the end, one then the other. */
	for (int fd = 0; fd < 2; fd++) {
		char *buf = fd ? err : out;
		size_t len = fd ? elen : olen, got = 0;
		int from = fd ? pe[0] : po[0];

		while (got < len - 1 && (n = read(from, buf + got, len - 1 - got)) > 0)
			got += n;
		buf[got] = 0;
		close(from);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

FIXTURE(table) {
	int ids[NSEG];
	key_t keys[NSEG];
	struct seg before[256];
	int nbefore;
};

FIXTURE_SETUP(table)
{
	for (int i = 0; i < NSEG; i++) {
		/* Keys 0x53000000 + pid + i: their decimal forms are junk below. */
		self->keys[i] = 0x53000000 | ((getpid() & 0xffff) << 4) | i;
		self->ids[i] = svshm_shmget(self->keys[i], 4096 * (i + 1), IPC_CREAT | 0600);
		ASSERT_LE(0, self->ids[i]) TH_LOG("shmget: %s", strerror(errno));
	}
	self->nbefore = snapshot(self->before, 256);
	ASSERT_LE(NSEG, self->nbefore);
}

FIXTURE_TEARDOWN(table)
{
	for (int i = 0; i < NSEG; i++)
		svshm_shmctl(self->ids[i], IPC_RMID, NULL);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The table is what it was at setup. */
#define EXPECT_TABLE_UNCHANGED(what) do {					\
	struct seg _now[256];							\
	int _n = snapshot(_now, 256);						\
	EXPECT_EQ(self->nbefore, _n) TH_LOG("%s", what);			\
	if (_n == self->nbefore)						\
		EXPECT_EQ(0, memcmp(self->before, _now, _n * sizeof(*_now)))	\
			TH_LOG("a segment changed after: %s", what);		\
} while (0)

/* What a junk argument is still good for: none of these for most. */
#define GOOD_ID		1	/* "010": decimal ten as an id */
#define GOOD_KEY	2	/* "0x10", "2147483648": keys, not ids */

/*
 * Junk for a number: what atoi, strtol or strtoul would have read as one,
 * prefixes of real ids, keys in the wrong form, signs, blanks, overflow,
 * bytes. Returns GOOD_ID or GOOD_KEY when it is junk for one kind only.
 */
static int junk(int i, const struct seg *s, char *buf, size_t len)
{
	static const char *const fixed[] = {
		"", " ", "abc", "1junk", "0junk", "-", "+", "--", "+1", " 1", "1 ", "1\n", "0x",
		"0x1g", "0X", "1e3", "1.0", "0b1", "-0x1", "1\t", "\xff",
		"\xd9\xa3" /* Arabic-Indic three */, "99999999999999999999", "-2147483649",
		"4294967296", "0x100000000", "0xffffffffff",
	};
	static const struct {
		const char *s;
		int good;
	} half[] = {
		{ "010", GOOD_ID }, { "08", GOOD_ID }, { "2147483648", GOOD_KEY }, { "0x10", GOOD_KEY },
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), nhalf = sizeof(half) / sizeof(half[0]);
	size_t n;

	if ((size_t)i < nfixed) {
		snprintf(buf, len, "%s", fixed[i]);
		return 0;
	}
	if ((size_t)i < nfixed + nhalf) {
		snprintf(buf, len, "%s", half[i - nfixed].s);
		return half[i - nfixed].good;
	}
	switch (i % 4) {
	case 0:	/* a real id with a tail */
		snprintf(buf, len, "%dx", s->id);
		return 0;
	case 1:	/* a real key with a blank after it */
		snprintf(buf, len, "%u ", (unsigned int)s->key);
		return 0;
	case 2:	/* a real id in hex: a key, not an id */
		snprintf(buf, len, "0x%x", s->id);
		return GOOD_KEY;
	}
	/* Random bytes, never a number: the first is no digit and no sign. */
	n = 1 + rand() % 12;
	for (size_t k = 0; k < n && k < len - 1; k++)
		buf[k] = (char)(1 + rand() % 255);
	buf[n < len ? n : len - 1] = 0;
	if (strchr("0123456789-+", buf[0]))
		buf[0] = 'z';
	return 0;
}

/* About 800 tool runs: minutes under the debug kernel's sanitizers. */
TEST_F_TIMEOUT(table, junk_changes_nothing, 900)
{
	static const char *const id_opts[] = { "-m", "--shmem-id" };
	static const char *const key_opts[] = { "-M", "--shmem-key" };
	char arg[64], valid[32], out[8192], err[8192];

	srand(getpid());
	for (int i = 0; i < 200 && !_metadata->exit_code; i++) {
		const struct seg *s = &self->before[i % self->nbefore];
		int good = junk(i, s, arg, sizeof(arg));
		const char *opt = good == GOOD_ID ? key_opts[i % 2] :
				  good == GOOD_KEY ? id_opts[i % 2] :
				  i % 2 ? id_opts[i / 2 % 2] : key_opts[i / 2 % 2];

		/* Alone: refused, the argument named. */
		EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ opt, arg, NULL }, -1, out,
				 sizeof(out), err, sizeof(err))) TH_LOG("svshm-ipcrm %s '%s'", opt, arg);
		EXPECT_NE(NULL, strstr(err, "failed to parse")) TH_LOG("%s '%s': %s", opt, arg, err);
		EXPECT_NE(NULL, strstr(err, arg)) TH_LOG("%s '%s': %s", opt, arg, err);
		/* After a valid id: nothing is removed, the valid id neither. */
		snprintf(valid, sizeof(valid), "%d", s->id);
		EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ "-m", valid, opt, arg, NULL }, -1,
				 out, sizeof(out), err, sizeof(err)));
		if (good != GOOD_ID) {
			EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "-i", arg, NULL }, -1, out,
					 sizeof(out), err, sizeof(err))) TH_LOG("svshm-ipcs -i '%s'", arg);
			EXPECT_EQ(NULL, strstr(out, "shmid=")) TH_LOG("-i '%s' showed: %s", arg, out);
			EXPECT_NE(NULL, strstr(err, arg)) TH_LOG("-i '%s': %s", arg, err);
		}
		EXPECT_TABLE_UNCHANGED(arg);
	}
}

TEST_F(table, junk_options_change_nothing)
{
	static const char *const lines[][4] = {
		{ "-x", NULL }, { "-m", NULL }, { "-M", NULL }, { "--all=shm", NULL },
		{ "-a", "extra", NULL }, { "shm", "1", NULL }, { "-m1", "-", NULL },
		{ "--shmem", "1", NULL }, { NULL },
	};
	char out[8192], err[8192];

	for (int i = 0; lines[i][0]; i++) {
		EXPECT_EQ(1, run("svshm-ipcrm", lines[i], -1, out, sizeof(out), err, sizeof(err)))
			TH_LOG("svshm-ipcrm %s %s", lines[i][0], lines[i][1] ?: "");
		EXPECT_NE(NULL, strstr(err, "--help")) TH_LOG("%s", err);
		EXPECT_TABLE_UNCHANGED(lines[i][0]);
	}
	EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ NULL }, -1, out, sizeof(out), err,
			 sizeof(err)));
	EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "-m", "junk", NULL }, -1, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "-i", NULL }, -1, out, sizeof(out),
			 err, sizeof(err)));
	EXPECT_TABLE_UNCHANGED("no arguments");
}

/*
 * A device that is not one, by --device or SVSHM_DEVICE: every tool fails
 * with status 1 and one line naming the path, and changes nothing (ipcrm
 * --all and ipcmk fall back on no other device). The option wins over the
 * variable. This process's library read /dev/svshm at setup, for good.
 */
TEST_F(table, junk_device_changes_nothing)
{
	static const char *const devices[] = {
		"/nonexistent/svshm", "", "/", "/dev/null", "/proc/self/status", "-m",
	};
	static const char *const cmds[][3] = {
		{ "svshm-ipcs", NULL }, { "svshm-ipcs", "-u", NULL }, { "svshm-ipcrm", "-a", NULL },
		{ "svshm-ipcmk", "-M", "4096" },
	};
	char out[8192], err[8192];

	for (size_t d = 0; d < sizeof(devices) / sizeof(devices[0]); d++) {
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			const char *args[8] = { "--device", devices[d] };
			int k = 2;

			for (int a = 1; a < 3 && cmds[c][a]; a++)
				args[k++] = cmds[c][a];
			EXPECT_EQ(1, run(cmds[c][0], args, -1, out, sizeof(out), err, sizeof(err)))
				TH_LOG("%s --device '%s': %s", cmds[c][0], devices[d], err);
			EXPECT_EQ(1, lines(err)) TH_LOG("%s --device '%s': %s", cmds[c][0],
							devices[d], err);
			EXPECT_NE(NULL, strstr(err, devices[d])) TH_LOG("%s", err);
			EXPECT_STREQ("", out);
			/* The same path through the environment (empty: the default). */
			if (*devices[d]) {
				setenv("SVSHM_DEVICE", devices[d], 1);
				EXPECT_EQ(1, run(cmds[c][0], args + 2, -1, out, sizeof(out), err,
						 sizeof(err)))
					TH_LOG("SVSHM_DEVICE='%s' %s", devices[d], cmds[c][0]);
				EXPECT_EQ(1, lines(err)) TH_LOG("%s", err);
				EXPECT_NE(NULL, strstr(err, "SVSHM_DEVICE")) TH_LOG("%s", err);
				unsetenv("SVSHM_DEVICE");
			}
			EXPECT_TABLE_UNCHANGED(devices[d]);
		}
	}
	/* An empty variable is no device named: /dev/svshm. */
	setenv("SVSHM_DEVICE", "", 1);
	EXPECT_EQ(0, run("svshm-ipcs", (const char *[]){ NULL }, -1, out, sizeof(out), err,
			 sizeof(err))) TH_LOG("%s", err);
	/* The option wins over the variable. */
	setenv("SVSHM_DEVICE", "/nonexistent/svshm", 1);
	EXPECT_EQ(0, run("svshm-ipcs", (const char *[]){ "--device", "/dev/svshm", NULL }, -1, out,
			 sizeof(out), err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("", err);
	unsetenv("SVSHM_DEVICE");
	EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "--device", NULL }, -1, out, sizeof(out),
			 err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--help")) TH_LOG("%s", err);
}

TEST(help_and_version)
{
	const char *const tools[] = { "svshm-ipcs", "svshm-ipcrm" };
	char out[8192], err[8192];

	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(0, run(tools[i], (const char *[]){ "--help", NULL }, -1, out,
				 sizeof(out), err, sizeof(err)));
		EXPECT_EQ(0, strncmp(out, "Usage:", 6)) TH_LOG("%s", out);
		EXPECT_STREQ("", err);
		EXPECT_EQ(0, run(tools[i], (const char *[]){ "-h", NULL }, -1, out, sizeof(out),
				 err, sizeof(err)));
		EXPECT_EQ(0, run(tools[i], (const char *[]){ "--version", NULL }, -1, out,
				 sizeof(out), err, sizeof(err)));
		EXPECT_NE(NULL, strstr(out, "from svshm ")) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, "(ABI 2)")) TH_LOG("%s", out);
		EXPECT_EQ(0, run(tools[i], (const char *[]){ "-V", NULL }, -1, out, sizeof(out),
				 err, sizeof(err)));
	}
}

TEST_F(table, valid_arguments_remove_exactly_those)
{
	char id[16], key[16], decimal_key[16], out[8192], err[8192];
	struct shmid_ds ds;

	snprintf(id, sizeof(id), "%d", self->ids[0]);
	snprintf(key, sizeof(key), "0x%x", self->keys[1]);
	snprintf(decimal_key, sizeof(decimal_key), "%u", (unsigned int)self->keys[2]);
	EXPECT_EQ(0, run("svshm-ipcrm", (const char *[]){ "-m", id, "-M", key, "--shmem-key",
			 decimal_key, NULL }, -1, out, sizeof(out), err, sizeof(err))) TH_LOG("%s", err);
	for (int i = 0; i < NSEG; i++)
		EXPECT_EQ(i < 3 ? -1 : self->ids[i], svshm_shmctl(self->ids[i], IPC_STAT, &ds) ?
			  -1 : self->ids[i]);
	/* Gone now: each failure names what was asked. */
	EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ "-m", id, "-M", key, NULL }, -1, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "invalid id (")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, id)) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, key)) TH_LOG("%s", err);
	EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "-i", id, NULL }, -1, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, id)) TH_LOG("%s", err);
	/* The one left is shown. */
	snprintf(id, sizeof(id), "%d", self->ids[3]);
	EXPECT_EQ(0, run("svshm-ipcs", (const char *[]){ "-i", id, NULL }, -1, out, sizeof(out),
			 err, sizeof(err)));
	EXPECT_NE(NULL, strstr(out, "shmid=")) TH_LOG("%s", out);
}

/* As root: nobody's refusal names the id and the key; nothing goes. */
TEST_F(table, permission_denied_names_the_id)
{
	char id[16], key[16], out[8192], err[8192];

	if (geteuid())
		SKIP(return, "needs root to play nobody against root's segment");
	snprintf(id, sizeof(id), "%d", self->ids[0]);
	snprintf(key, sizeof(key), "0x%x", self->keys[1]);
	EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ "-m", id, NULL }, 65534, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "permission denied for id (")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, id)) TH_LOG("%s", err);
	EXPECT_EQ(1, run("svshm-ipcrm", (const char *[]){ "-M", key, NULL }, 65534, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "permission denied for key (")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, key)) TH_LOG("%s", err);
	EXPECT_EQ(1, run("svshm-ipcs", (const char *[]){ "-i", id, NULL }, 65534, out,
			 sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, id)) TH_LOG("%s", err);
	EXPECT_TABLE_UNCHANGED("nobody");
}

TEST_HARNESS_MAIN
