// SPDX-License-Identifier: GPL-2.0
/*
 * A slot's ids through a whole wrap of the sequence, each backend in a
 * table of its own that starts empty (native in a new IPC namespace, svshm
 * in a new instance), so that both hand out ids from the same start.
 *
 * An id is index + (sequence << 15). Native's ipc_idr_alloc() picks the
 * index cyclically below max(in_use * 3 / 2, 64), moves the sequence on
 * each time the index goes back, and wraps the sequence to 0 when it
 * reaches INT_MAX >> 15: it never uses that last value. With 43 segments
 * held, a create-and-remove cycles over indices 43 to 63, so the sequence
 * moves on every 21 creations and wraps after 65,535 rounds of them.
 *
 * Every id is checked against that rule. svshm walks the whole wrap,
 * about 1.4 million creations; native, whose rule this is, walks its
 * first thousand sequence values in make check, and the whole wrap
 * beside svshm's under SVSHM_LONG=1 (make stress): its creations cost as
 * much as svshm's, and under QEMU's TCG the whole walk takes minutes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "instance.h"
#include "kselftest_harness.h"

#define SEQ_END		(INT_MAX >> IDX_BITS)	/* wraps to 0 when reached */
#define HELD		43
#define CYCLE		64

/* A table that starts empty: one backend's way to create and remove. */
struct table {
	int fd;		/* svshm: the instance's file; native: -1 */
};

static int t_get(const struct table *t)
{
	if (t->fd < 0)
		return shmget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	return inst_get(t->fd, IPC_PRIVATE, 1, IPC_CREAT | 0600);
}

static int t_rmid(const struct table *t, int id)
{
	if (t->fd < 0)
		return shmctl(id, IPC_RMID, NULL);
	return inst_ctl(t->fd, id, IPC_RMID, NULL);
}

/* What a walk saw: where it stopped and why. */
struct walk {
	long rounds;	/* creations after the held ones */
	int last_id;
	int err;	/* 0, an errno, or -1: an id broke native's rule */
};

/*
 * Hold HELD segments, then create and remove until the sequence has gone
 * round once, checking every id against native's rule: the index goes on
 * cyclically, and the sequence moves on by one, modulo SEQ_END, exactly
 * when the index goes back.
 */
static void walk(const struct table *t, long max_rounds, struct walk *w)
{
	int held[HELD], prev = -1, wraps = 0;

	memset(w, 0, sizeof(*w));
	for (int i = 0; i < HELD; i++) {
		held[i] = t_get(t);
		if (held[i] != i) {
			w->err = held[i] < 0 ? errno : -1;
			w->last_id = held[i];
			return;
		}
		prev = held[i];
	}
	while (!wraps && w->rounds < max_rounds) {
		int id = t_get(t), idx, seq, pidx = prev & ((1 << IDX_BITS) - 1);
		int pseq = prev >> IDX_BITS;

		w->rounds++;
		w->last_id = id;
		if (id < 0 || t_rmid(t, id)) {
			w->err = errno;
			return;
		}
		idx = id & ((1 << IDX_BITS) - 1);
		seq = id >> IDX_BITS;
		if (idx != (pidx + 1 < CYCLE ? pidx + 1 : HELD) ||
		    seq != (idx > pidx ? pseq : (pseq + 1) % SEQ_END)) {
			w->err = -1;
			return;
		}
		wraps = seq == 0 && idx <= pidx;
		prev = id;
	}
}

/* walk_in_child()'s exit status when the kernel has no IPC namespaces. */
#define NO_IPC_NS	5

/* Run walk() in a child in tables of its own, native's or svshm's. */
static int walk_in_child(bool svshm, int out)
{
	char dir[] = "/tmp/svshm-idwrap-XXXXXX";
	struct table t = { .fd = -1 };
	struct walk w;

	if (unshare(svshm ? CLONE_NEWNS : CLONE_NEWIPC))
		return !svshm && errno == EINVAL ? NO_IPC_NS : 1;
	if (svshm) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || !mkdtemp(dir) ||
		    inst_mount(dir, NULL))
			return 2;
		t.fd = inst_open(dir);
		if (t.fd < 0)
			return 3;
	}
	walk(&t, svshm || getenv("SVSHM_LONG") ? LONG_MAX : (CYCLE - HELD) * 1000L, &w);
	if (svshm) {
		close(t.fd);
		umount(dir);
		rmdir(dir);
	}
	return write(out, &w, sizeof(w)) == sizeof(w) ? 0 : 4;
}

FIXTURE(wrap) {
};

FIXTURE_SETUP(wrap)
{
}

FIXTURE_TEARDOWN(wrap)
{
}

TEST_F_TIMEOUT(wrap, sequence_wraps_where_natives_does, 1800)
{
	bool native = native_shm_present();
	struct walk w[2];
	int fds[2][2], status;
	pid_t pid[2];

	if (geteuid() != 0)
		SKIP(return, "a new IPC namespace and a new instance need root");
	/*
	 * Without native SysV IPC, or without IPC namespaces to give native a
	 * table that starts empty, svshm is held to the rule alone.
	 */
	for (int i = native ? 0 : 1; i < 2; i++) {
		ASSERT_EQ(0, pipe2(fds[i], O_CLOEXEC));
		fflush(NULL);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(walk_in_child(i, fds[i][1]));
		close(fds[i][1]);
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		if (!i && WEXITSTATUS(status) == NO_IPC_NS) {
			TH_LOG("native: no IPC namespaces here, svshm alone");
			close(fds[i][0]);
			native = false;
			continue;
		}
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s: setup step %d",
							i ? "svshm" : "native",
							WEXITSTATUS(status));
		ASSERT_EQ(sizeof(w[i]), read(fds[i][0], &w[i], sizeof(w[i])));
		close(fds[i][0]);
		EXPECT_EQ(0, w[i].err) TH_LOG("%s: id %#x after %ld rounds: %s",
					      i ? "svshm" : "native", w[i].last_id, w[i].rounds,
					      w[i].err > 0 ? strerror(w[i].err) : "breaks the rule");
	}
	/* The first round of each sequence value goes back to index HELD. */
	EXPECT_EQ((long)(CYCLE - HELD) * SEQ_END + 1, w[1].rounds);
	EXPECT_EQ(0, w[1].last_id >> IDX_BITS);
	if (getenv("SVSHM_LONG") && native) {
		EXPECT_EQ(w[0].rounds, w[1].rounds);
		EXPECT_EQ(w[0].last_id, w[1].last_id);
	}
}

TEST_HARNESS_MAIN
