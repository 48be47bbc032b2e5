// SPDX-License-Identifier: GPL-2.0
/*
 * The full permission matrix, native against svshm: for each caller class
 * (owner, creator, owner's group, creator's group, other), each single mode
 * bit and a few combinations, and each operation (shmget asking read or
 * write, attach read-only, read-write and with exec, IPC_STAT, SHM_STAT,
 * IPC_SET, IPC_RMID, SHM_LOCK), the result (0 or errno) must be the same on
 * both backends. Callers are children without capabilities; needs root to
 * make them. Under svshm-exec, where native is out of reach, libsvshm and
 * raw system calls are the two compared (backend.h), both held to native's
 * recorded rows.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

/* Created by 5005:5005, then handed on to 2001:2001 by IPC_SET. */
#define OWNER		2001
#define OGROUP		2001
#define CREATOR		5005
#define CGROUP		5005

enum caller { C_OWNER, C_CREATOR, C_CREATOR_GRP, C_OWNER_GRP, C_OTHER, C_COUNT };
static const char *const caller_names[C_COUNT] = {
	"owner", "creator", "creator's group", "owner's group", "other",
};

enum op { O_GET_R, O_GET_W, O_AT_RO, O_AT_RW, O_AT_X, O_STAT, O_SHM_STAT, O_SET, O_LOCK,
	  O_RMID, O_COUNT };
static const char *const op_names[O_COUNT] = {
	"get 0400", "get 0200", "attach ro", "attach rw", "attach exec", "IPC_STAT",
	"SHM_STAT", "IPC_SET", "SHM_LOCK", "IPC_RMID",
};

static void become(enum caller c)
{
	uid_t uid = 3003;
	gid_t gid = 3003;

	switch (c) {
	case C_OWNER: uid = OWNER; gid = 4004; break;
	case C_CREATOR: uid = CREATOR; gid = 4004; break;
	case C_CREATOR_GRP: gid = CGROUP; break;
	case C_OWNER_GRP: gid = OGROUP; break;
	default: break;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		_exit(255);
}

/* Run @op on @id as @c in a child; 0 or the errno. */
static int try(const struct shm_backend *b, int id, key_t key, enum caller c, enum op op)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct shmid_ds ds;
		long r = 0;
		void *p;

		become(c);
		switch (op) {
		case O_GET_R: r = b->get(key, 0, 0400); break;
		case O_GET_W: r = b->get(key, 0, 0200); break;
		case O_AT_RO: case O_AT_RW: case O_AT_X:
			p = b->at(id, NULL, op == O_AT_RO ? SHM_RDONLY :
				  op == O_AT_X ? SHM_EXEC : 0);
			r = p == (void *)-1 ? -1 : 0;
			break;
		case O_STAT: r = b->ctl(id, IPC_STAT, &ds); break;
		case O_SHM_STAT: r = b->ctl(id & 0x7fff, SHM_STAT, &ds); break;
		case O_SET:
			if (b->ctl(id, SHM_STAT_ANY, &ds) < 0)
				_exit(254);
			r = b->ctl(id, IPC_SET, &ds);
			break;
		case O_LOCK: r = b->ctl(id, SHM_LOCK, NULL); break;
		case O_RMID: r = b->ctl(id, IPC_RMID, NULL); break;
		default: break;
		}
		_exit(r < 0 ? errno : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * A segment of key @key made by CREATOR:CGROUP, who hands it on to
 * OWNER:OGROUP with mode @mode; made in a child, its id comes back by pipe.
 */
static int make(const struct shm_backend *b, key_t key, int mode)
{
	int pfd[2], id = -1;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct shmid_ds ds;

		if (setgroups(0, NULL) || setresgid(CGROUP, CGROUP, CGROUP) ||
		    setresuid(CREATOR, CREATOR, CREATOR))
			_exit(1);
		id = b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0 && !b->ctl(id, IPC_STAT, &ds)) {
			ds.shm_perm.uid = OWNER;
			ds.shm_perm.gid = OGROUP;
			ds.shm_perm.mode = mode;
			if (b->ctl(id, IPC_SET, &ds))
				id = -1;
		}
		_exit(write(pfd[1], &id, sizeof(id)) == sizeof(id) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], &id, sizeof(id)) != sizeof(id))
		id = -1;
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return id;
}

FIXTURE(perm) {
	int unused;
};

FIXTURE_SETUP(perm)
{
}

FIXTURE_TEARDOWN(perm)
{
}

static const int modes[] = {
	0, 0400, 0200, 0100, 0040, 0020, 0010, 0004, 0002, 0001, 0600, 0060, 0006,
	0777, 0707, 0070, 0444, 0666,
};
#define MODES	(sizeof(modes) / sizeof(modes[0]))

/* One letter per result, so that a mode's 50 results make one line. */
static char letter(int r)
{
	switch (r) {
	case 0: return '0';
	case EACCES: return 'A';
	case EPERM: return 'P';
	case ENOMEM: return 'M';
	case EINVAL: return 'I';
	case ENOENT: return 'N';
	case EIDRM: return 'D';
	default: return '?';
	}
}

/*
 * What native gives, per mode of modes[]: for each caller of enum caller,
 * the ten operations of enum op (a block of ten letters, see letter()).
 * Recorded from native on Debian's 6.1 and 6.12 kernels; checked against
 * native wherever the kernel has SysV IPC, so that it cannot go stale
 * unnoticed, and it is what svshm is held to where the kernel has none.
 */
static const char *const native_rows[MODES] = {
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0000 */
	"0A0AA000000A0AA00000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0400 */
	"A0AAAAA000A0AAAAA000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0200 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0100 */
	"AAAAAAA000AAAAAAA0000A0AA00PPP0A0AA00PPPAAAAAAAPPP", /* 0040 */
	"AAAAAAA000AAAAAAA000A0AAAAAPPPA0AAAAAPPPAAAAAAAPPP", /* 0020 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0010 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPP0A0AA00PPP", /* 0004 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPPA0AAAAAPPP", /* 0002 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0001 */
	"0000A000000000A00000AAAAAAAPPPAAAAAAAPPPAAAAAAAPPP", /* 0600 */
	"AAAAAAA000AAAAAAA0000000A00PPP0000A00PPPAAAAAAAPPP", /* 0060 */
	"AAAAAAA000AAAAAAA000AAAAAAAPPPAAAAAAAPPP0000A00PPP", /* 0006 */
	"000000000000000000000000000PPP0000000PPP0000000PPP", /* 0777 */
	"00000000000000000000AAAAAAAPPPAAAAAAAPPP0000000PPP", /* 0707 */
	"AAAAAAA000AAAAAAA0000000000PPP0000000PPPAAAAAAAPPP", /* 0070 */
	"0A0AA000000A0AA000000A0AA00PPP0A0AA00PPP0A0AA00PPP", /* 0444 */
	"0000A000000000A000000000A00PPP0000A00PPP0000A00PPP", /* 0666 */
};

TEST_F_TIMEOUT(perm, matrix, 600)
{
	const struct shm_backend *bs[3];
	key_t key = 0x5e000000 | ((getpid() & 0xffff) << 4);
	int checked = 0, differ = 0, n = shm_backends(bs);

	if (geteuid() != 0)
		SKIP(return, "needs root to make callers of each class");
	if (bs[0] != &shm_native)
		TH_LOG("%s: %s against native's recorded results", NATIVE_ABSENT,
		       n > 1 ? "svshm and raw system calls" : "svshm");
	for (size_t m = 0; m < MODES; m++) {
		char row[3][C_COUNT * O_COUNT + 1] = { "", "", "" };

		for (int c = 0; c < C_COUNT; c++) {
			for (int op = 0; op < O_COUNT; op++) {
				int r[3] = { 0, 0, 0 };

				for (int i = 0; i < n; i++) {
					int id = make(bs[i], key, modes[m]);

					ASSERT_LE(0, id);
					r[i] = try(bs[i], id, key, c, op);
					bs[i]->ctl(id, IPC_RMID, NULL);
					row[i][c * O_COUNT + op] = letter(r[i]);
				}
				checked++;
				for (int i = 1; i < n; i++) {
					if (r[0] == r[i])
						continue;
					differ++;
					TH_LOG("mode %04o, %s, %s: %s %s, %s %s", modes[m],
					       caller_names[c], op_names[op],
					       bs[0]->name, r[0] ? strerror(r[0]) : "ok",
					       bs[i]->name, r[i] ? strerror(r[i]) : "ok");
				}
			}
		}
		/* The recorded row: native must still give it, and the others too. */
		for (int i = 0; i < n; i++) {
			EXPECT_STREQ(native_rows[m] ? native_rows[m] : "", row[i])
				TH_LOG("mode %04o on %s: \"%s\",", modes[m], bs[i]->name, row[i]);
		}
	}
	TH_LOG("%d cases on %d backends, %d differ", checked, n, differ);
	EXPECT_EQ(0, differ);
}

TEST_HARNESS_MAIN
