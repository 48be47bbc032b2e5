// SPDX-License-Identifier: GPL-2.0
/*
 * shm_nattch, the times and pids that attach and detach record, and a
 * segment's lifetime around IPC_RMID, on both backends.
 *
 * nattch counts mappings (VMAs), not shmat calls: fork copies them, exit
 * and exec drop them, mprotect and munmap can split one into pieces, and
 * mremap moves one without changing the count.
 *
 * Children forked here never use ASSERT or EXPECT (a failed assertion
 * would longjmp into the harness and run the teardown in the child); they
 * report through their exit status or a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "kselftest_harness.h"

#ifndef SHM_DEST
#define SHM_DEST	01000
#endif

#define SEG_PAGES	4
#define SEG_SIZE	(SEG_PAGES * PG)

static bool mapped(const void *addr)
{
	unsigned char vec;

	return mincore((void *)((uintptr_t)addr & ~(PG - 1)), PG, &vec) == 0;
}

static long nattch(const struct shm_backend *b, int id)
{
	struct shmid_ds ds;

	return b->ctl(id, IPC_STAT, &ds) ? -1 : (long)ds.shm_nattch;
}

/* A key of this test process's own, so that runs never meet. */
static key_t own_key(void)
{
	return 0x5a000000 | (getpid() & 0xffffff);
}

/*
 * A child that stays alive until release_child(): it blocks reading a pipe
 * whose write end only the parent holds.
 */
struct held_child {
	pid_t pid;
	int release_fd;
};

static int hold_child(struct held_child *c)
{
	int fds[2];
	char x;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		close(fds[1]);
		while (read(fds[0], &x, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	c->release_fd = fds[1];
	return 0;
}

/* Let the child exit and reap it. Return its exit status, or -1. */
static int release_child(struct held_child *c)
{
	int status;

	close(c->release_fd);
	if (waitpid(c->pid, &status, 0) != c->pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(nat) {
	int id;
};

FIXTURE_VARIANT(nat) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(nat);

FIXTURE_SETUP(nat)
{
	SKIP_IF_NO_NATIVE(variant->b);
	self->id = variant->b->get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	ASSERT_LE(0, self->id) TH_LOG("%s shmget: %s", variant->b->name, strerror(errno));
}

/*
 * Attachments still mapped go with the test process; the segment is
 * removed here (tests that destroy it themselves set id to -1).
 */
FIXTURE_TEARDOWN(nat)
{
	if (self->id >= 0)
		variant->b->ctl(self->id, IPC_RMID, NULL);
}

TEST_F(nat, one_per_shmat)
{
	const struct shm_backend *b = variant->b;
	char *p, *q;

	EXPECT_EQ(0, nattch(b, self->id));
	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	EXPECT_EQ(1, nattch(b, self->id));
	q = b->at(self->id, NULL, SHM_RDONLY);
	ASSERT_NE((char *)-1, q);
	EXPECT_EQ(2, nattch(b, self->id));
	EXPECT_EQ(0, b->dt(p));
	EXPECT_EQ(1, nattch(b, self->id));
	EXPECT_EQ(0, b->dt(q));
	EXPECT_EQ(0, nattch(b, self->id));
}

/*
 * Attach and detach again and again, with other attachments of the
 * segment coming and going between: each shmat is an attachment of its
 * own, each shmdt ends exactly one. (svshm gives a shmat the attach file
 * of one that ended: never the file of one still mapped, even in part.)
 */
TEST_F(nat, attach_detach_cycles_keep_attachments_apart)
{
	const struct shm_backend *b = variant->b;
	char *p, *q, *r;

	for (int i = 0; i < 50; i++) {
		p = b->at(self->id, NULL, i & 1 ? SHM_RDONLY : 0);
		ASSERT_NE((char *)-1, p);
		if (i & 1) {
			EXPECT_EQ(i - 1, p[PG + 1]);
		} else {
			p[PG + 1] = i;
		}
		EXPECT_EQ(1, nattch(b, self->id));
		ASSERT_EQ(0, b->dt(p));
	}
	EXPECT_EQ(0, nattch(b, self->id));

	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	q = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, q);
	/* p in two pieces; the first one gone: p's attachment still lives. */
	ASSERT_EQ(0, mprotect(p, PG, PROT_READ));
	ASSERT_EQ(0, munmap(p, PG));
	EXPECT_EQ(2, nattch(b, self->id));
	r = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, r);
	EXPECT_EQ(3, nattch(b, self->id));
	ASSERT_EQ(0, b->dt(q));
	EXPECT_TRUE(mapped(r));
	EXPECT_TRUE(mapped(p + PG));
	EXPECT_EQ(2, nattch(b, self->id));
	ASSERT_EQ(0, b->dt(p));
	EXPECT_FALSE(mapped(p + PG));
	EXPECT_TRUE(mapped(r));
	/* q's attachment ended: a new one may take its file, not r's. */
	q = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, q);
	EXPECT_EQ(2, nattch(b, self->id));
	ASSERT_EQ(0, b->dt(r));
	EXPECT_FALSE(mapped(r));
	EXPECT_TRUE(mapped(q));
	EXPECT_EQ(q[PG + 1], 48);
	EXPECT_EQ(-1, b->dt(r));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, b->dt(q));
	EXPECT_EQ(0, nattch(b, self->id));
}

/*
 * remap_file_pages() over a whole attachment closes its only VMA and maps
 * its file again: the attachment lives on, and a shmat after it is another
 * attachment. Kernels that merge a moved piece into a neighbour of the
 * same file (6.12 on) show it: a piece of the second attachment moved
 * next to the first stays a VMA of its own, which shmdt of the first
 * leaves alone.
 */
TEST_F(nat, shmat_after_remap_file_pages_is_another_attachment)
{
	const struct shm_backend *b = variant->b;
	char *p, *q;

	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	for (unsigned long i = 0; i < SEG_PAGES; i++)
		p[i * PG] = 'a' + i;
	ASSERT_EQ(0, remap_file_pages(p, SEG_SIZE, 0, 0, 0));
	EXPECT_EQ(1, nattch(b, self->id));
	q = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, q);
	EXPECT_EQ(2, nattch(b, self->id));
	/* p keeps its first page; q's second page moves in behind it. */
	ASSERT_EQ(0, munmap(p + PG, SEG_SIZE - PG));
	ASSERT_EQ(p + PG, mremap(q + PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, p + PG));
	/* p, and q in three pieces. */
	EXPECT_EQ(4, nattch(b, self->id));
	ASSERT_EQ(0, b->dt(p));
	EXPECT_FALSE(mapped(p));
	ASSERT_TRUE(mapped(p + PG));
	EXPECT_EQ('b', p[PG]);
	EXPECT_EQ(3, nattch(b, self->id));
	/* shmdt(q) takes q's pieces within its range; the moved one is not. */
	ASSERT_EQ(0, b->dt(q));
	EXPECT_TRUE(mapped(p + PG));
	ASSERT_EQ(0, munmap(p + PG, PG));
	EXPECT_EQ(0, nattch(b, self->id));
}

/* Fork; in the child run @fn(@b, @id) and exit with it. Its status, or -1. */
static int in_child(int (*fn)(const struct shm_backend *, int), const struct shm_backend *b,
		    int id)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(b, id));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int unshare_user(const struct shm_backend *b, int id)
{
	(void)b;
	(void)id;
	return unshare(CLONE_NEWUSER) ? 1 : 0;
}

/* In a user namespace of its own: attach @id, write, detach. */
static int attach_in_userns(const struct shm_backend *b, int id)
{
	char *p;

	if (unshare(CLONE_NEWUSER))
		return 1;
	p = b->at(id, NULL, 0);
	if (p == (char *)-1)
		return 2;
	p[0] = 'u';
	return b->dt(p) ? 3 : 0;
}

/* Outcomes of userns_goes_after_detach(). */
enum { UNS_GONE, UNS_PINNED, UNS_NO_ROOM = 10, UNS_NO_USERNS, UNS_MAP, UNS_LIMIT, UNS_ATTACH };

/*
 * In a user namespace of its own that has room for one more: a child
 * makes that one, attaches @id there, detaches and exits. Its namespace
 * must go (after an RCU grace period and a work item, so it is retried
 * for a while): there is room again, while the segment lives on.
 */
static int userns_goes_after_detach(const struct shm_backend *b, int id)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[32];

	if (unshare(CLONE_NEWUSER))
		return UNS_NO_USERNS;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (file_write("/proc/self/uid_map", map) || file_write("/proc/self/setgroups", "deny"))
		return UNS_MAP;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (file_write("/proc/self/gid_map", map))
		return UNS_MAP;
	if (file_write("/proc/sys/user/max_user_namespaces", "1"))
		return UNS_LIMIT;
	if (in_child(attach_in_userns, b, id))
		return UNS_ATTACH;
	for (int i = 0; i < 500; i++) {
		if (in_child(unshare_user, b, id) == 0)
			return UNS_GONE;
		usleep(20000);
	}
	return UNS_PINNED;
}

/*
 * What an attachment holds goes with it: native lets the attacher's
 * credentials go at shmdt, so a container that attached a segment,
 * detached and exited leaves nothing of itself behind it, however long
 * the segment lives.
 */
TEST_F(nat, detach_and_exit_let_the_user_namespace_go)
{
	int st = in_child(userns_goes_after_detach, variant->b, self->id);

	if (st == UNS_NO_USERNS)
		SKIP(return, "no user namespace here");
	ASSERT_NE(UNS_ATTACH, st) TH_LOG("shmat or shmdt failed in a user namespace");
	ASSERT_GT(UNS_NO_ROOM, st) TH_LOG("setting up the namespaces: step %d", st);
	EXPECT_EQ(UNS_GONE, st) TH_LOG("the namespace that attached is still there");
	EXPECT_EQ(0, nattch(variant->b, self->id));
}

TEST_F(nat, fork_copies_and_exit_drops)
{
	const struct shm_backend *b = variant->b;
	struct held_child c;
	struct shmid_ds ds;

	ASSERT_NE((void *)-1, b->at(self->id, NULL, 0));
	ASSERT_NE((void *)-1, b->at(self->id, NULL, SHM_RDONLY));
	ASSERT_EQ(0, hold_child(&c));
	/* fork opened the copies in the parent: lpid is still ours. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(4, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_lpid);
	EXPECT_EQ(0, release_child(&c));
	/* The child's exit closed its copies: lpid is the child's. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(2, ds.shm_nattch);
	EXPECT_EQ(c.pid, ds.shm_lpid);
}

TEST_F(nat, exec_drops)
{
	const struct shm_backend *b = variant->b;
	int ready[2], go[2], hold[2], status;
	char x;
	pid_t pid;

	ASSERT_NE((void *)-1, b->at(self->id, NULL, 0));
	/*
	 * ready: the child says it attached, and its write end closes at exec
	 * (cloexec); go: the parent lets it exec; hold keeps cat reading.
	 */
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		close(hold[1]);
		if (b->at(self->id, NULL, 0) == (void *)-1 || write(ready[1], "a", 1) != 1)
			_exit(1);
		if (read(go[0], &x, 1) != 1 || dup2(hold[0], 0) < 0)
			_exit(2);
		execl("/bin/cat", "cat", (char *)NULL);
		_exit(3);
	}
	close(ready[1]);
	close(go[0]);
	close(hold[0]);
	/* The child attached: ours, its copy of ours, its own. */
	ASSERT_EQ(1, read(ready[0], &x, 1));
	EXPECT_EQ(3, nattch(b, self->id));
	ASSERT_EQ(1, write(go[1], "g", 1));
	/* EOF once exec closed the cloexec end, after the old mm went. */
	EXPECT_EQ(0, read(ready[0], &x, 1));
	EXPECT_EQ(1, nattch(b, self->id));
	close(ready[0]);
	close(go[1]);
	close(hold[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(1, nattch(b, self->id));
}

TEST_F(nat, mprotect_split_and_munmap_of_pieces)
{
	const struct shm_backend *b = variant->b;
	char *p = b->at(self->id, NULL, 0);

	ASSERT_NE((char *)-1, p);
	/* Splitting out the second page: three pieces. */
	ASSERT_EQ(0, mprotect(p + PG, PG, PROT_READ));
	EXPECT_EQ(3, nattch(b, self->id));
	/* Unmapping that whole piece: two. */
	ASSERT_EQ(0, munmap(p + PG, PG));
	EXPECT_EQ(2, nattch(b, self->id));
	/* Trimming the end of the last piece: still two. */
	ASSERT_EQ(0, munmap(p + 3 * PG, PG));
	EXPECT_EQ(2, nattch(b, self->id));
	/* A whole piece again: one. */
	ASSERT_EQ(0, munmap(p, PG));
	EXPECT_EQ(1, nattch(b, self->id));
	EXPECT_EQ(0, b->dt(p));
	EXPECT_EQ(0, nattch(b, self->id));
	EXPECT_FALSE(mapped(p + 2 * PG));
}

TEST_F(nat, munmap_of_a_middle_part_adds_one)
{
	const struct shm_backend *b = variant->b;
	char *p = b->at(self->id, NULL, 0);

	ASSERT_NE((char *)-1, p);
	ASSERT_EQ(0, munmap(p + PG, 2 * PG));
	EXPECT_EQ(2, nattch(b, self->id));
	EXPECT_EQ(0, b->dt(p));
	EXPECT_EQ(0, nattch(b, self->id));
}

TEST_F(nat, mremap_move_keeps_the_count)
{
	const struct shm_backend *b = variant->b;
	char *p = b->at(self->id, NULL, 0);
	char *dst, *q;

	ASSERT_NE((char *)-1, p);
	strcpy(p + PG, "moved");
	dst = mmap(NULL, SEG_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	q = mremap(p, SEG_SIZE, SEG_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, q);
	EXPECT_EQ(1, nattch(b, self->id));
	EXPECT_STREQ("moved", q + PG);
	EXPECT_FALSE(mapped(p));
	/* The moved attachment is detached at its new address. */
	EXPECT_EQ(-1, b->dt(p));
	EXPECT_EQ(0, b->dt(q));
	EXPECT_EQ(0, nattch(b, self->id));
}

TEST_F(nat, times_and_pids)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;
	time_t t0 = time(NULL), t1;
	int status;
	pid_t pid;
	char *p;

	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_EQ(0, ds.shm_lpid);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);

	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	t1 = time(NULL);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_TRUE(ds.shm_atime >= t0 && ds.shm_atime <= t1);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_EQ(getpid(), ds.shm_lpid);

	ASSERT_EQ(0, b->dt(p));
	t1 = time(NULL);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_TRUE(ds.shm_dtime >= t0 && ds.shm_dtime <= t1);
	EXPECT_EQ(getpid(), ds.shm_lpid);

	/* Another process's attach and detach: lpid is its pid. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *c = b->at(self->id, NULL, SHM_RDONLY);

		_exit(c == (void *)-1 || b->dt(c));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(pid, ds.shm_lpid);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0, ds.shm_nattch);
}

TEST_F(nat, rmid_without_attachment_destroys_at_once)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;

	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(-1, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, b->at(self->id, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, b->ctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(EINVAL, errno);
	self->id = -1;
}

TEST_F(nat, rmid_while_attached_lives_until_last_detach)
{
	const struct shm_backend *b = variant->b;
	key_t key = own_key();
	struct shmid_ds ds;
	int id, fresh;
	char *p, *q;

	/* A keyed segment of its own: the fixture's is private. */
	id = b->get(key, SEG_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id) TH_LOG("shmget: %s", strerror(errno));
	p = b->at(id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	strcpy(p, "still here");
	ASSERT_EQ(0, b->ctl(id, IPC_RMID, NULL));

	/* Marked, made private, still usable. */
	ASSERT_EQ(0, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(SHM_DEST | 0600, ds.shm_perm.mode);
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_STREQ("still here", p);
	strcpy(p + PG, "written after rmid");
	EXPECT_EQ(0, b->ctl(id, IPC_RMID, NULL));	/* again: no error */

	/* The key no longer finds it: IPC_CREAT makes a new segment. */
	EXPECT_EQ(-1, b->get(key, SEG_SIZE, 0600));
	EXPECT_EQ(ENOENT, errno);
	fresh = b->get(key, SEG_SIZE, IPC_CREAT | 0600);
	ASSERT_LE(0, fresh);
	EXPECT_NE(id, fresh);

	/* Linux lets a removed segment be attached by id while it lives. */
	q = b->at(id, NULL, SHM_RDONLY);
	ASSERT_NE((char *)-1, q);
	EXPECT_STREQ("written after rmid", q + PG);
	EXPECT_EQ(2, nattch(b, id));

	EXPECT_EQ(0, b->dt(p));
	EXPECT_EQ(1, nattch(b, id));
	EXPECT_EQ(0, b->dt(q));
	EXPECT_EQ(-1, b->ctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, b->at(id, NULL, 0));
	EXPECT_EQ(EINVAL, errno);

	/* The new segment of the key is untouched by all this. */
	p = b->at(fresh, NULL, SHM_RDONLY);
	ASSERT_NE((char *)-1, p);
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, p[PG]);
	EXPECT_EQ(0, b->dt(p));
	EXPECT_EQ(fresh, b->get(key, 0, 0));
	EXPECT_EQ(0, b->ctl(fresh, IPC_RMID, NULL));
}

TEST_F(nat, rmid_then_the_last_exit_destroys)
{
	const struct shm_backend *b = variant->b;
	struct held_child c;
	struct shmid_ds ds;
	char *p = b->at(self->id, NULL, 0);

	ASSERT_NE((char *)-1, p);
	ASSERT_EQ(0, hold_child(&c));
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	ASSERT_EQ(0, b->dt(p));
	/* The child's copy keeps it alive. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_TRUE(ds.shm_perm.mode & SHM_DEST);
	EXPECT_EQ(0, release_child(&c));
	EXPECT_EQ(-1, b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	self->id = -1;
}

/*
 * IPC_RMID of an unattached segment racing shmat of its id: the attach
 * either comes first (the segment lives on, removed, with nattch 1) or
 * fails; it never leaves a mapping of a segment that is gone from the
 * table. A child attaches whatever id the parent last made, and stats it
 * while attached; the parent makes and removes segments for 2 seconds.
 */
TEST_F(nat, rmid_racing_shmat_never_orphans_the_mapping)
{
	const struct shm_backend *b = variant->b;
	struct race {
		int id, stop;
		unsigned long attached, orphaned;
	} *r;
	time_t end = time(NULL) + 2;
	unsigned long rounds = 0, rmid_failed = 0;
	pid_t pid;
	int status;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	r->id = self->id;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
			int id = __atomic_load_n(&r->id, __ATOMIC_RELAXED);
			struct shmid_ds ds;
			char *p = b->at(id, NULL, 0);

			if (p == (char *)-1)
				continue;
			r->attached++;
			if (b->ctl(id, IPC_STAT, &ds) || ds.shm_nattch < 1)
				r->orphaned++;
			b->dt(p);
		}
		_exit(0);
	}
	while (time(NULL) < end) {
		int id = b->get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);

		if (id < 0)
			break;
		__atomic_store_n(&r->id, id, __ATOMIC_RELAXED);
		rmid_failed += b->ctl(id, IPC_RMID, NULL) != 0;
		rounds++;
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	TH_LOG("%s: %lu segments removed, %lu attaches won the race", b->name, rounds,
	       r->attached);
	EXPECT_LT(0, rounds);
	EXPECT_EQ(0, rmid_failed);
	EXPECT_EQ(0, r->orphaned);
	munmap(r, sizeof(*r));
}

TEST_F(nat, stat_into_a_bad_pointer_is_efault)
{
	const struct shm_backend *b = variant->b;

	EXPECT_EQ(-1, b->ctl(self->id, IPC_STAT, (struct shmid_ds *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, b->ctl(self->id, IPC_STAT, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
