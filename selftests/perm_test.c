// SPDX-License-Identifier: GPL-2.0
/*
 * Who may do what, on native and on svshm alike: the owner, group and
 * other triplets, the creator's rights after ownership is handed on, and
 * what CAP_IPC_OWNER (read and write anything) and CAP_SYS_ADMIN (IPC_SET
 * and IPC_RMID anything) each give, apart.
 *
 * The other users are forked children that change credentials, so every
 * test but the first needs root and skips without it. Those children
 * inherit libsvshm's descriptor of /dev/svshm, opened by root: the rights
 * must be those of the caller at the time of each call, never those of
 * whoever opened the device.
 */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "common.h"
#include "backend.h"
#include "caps.h"
#include "kselftest_harness.h"
#include "child.h"

#define IDX_MASK	((1 << 15) - 1)	/* an id's index, for SHM_STAT */
#define MAX_KEYS	8

FIXTURE(perm) {
	key_t key;			/* base of this test's keys */
	int nkeys;			/* self->key + 1 .. + nkeys are used */
};

FIXTURE_VARIANT(perm) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(perm);

FIXTURE_SETUP(perm)
{
	SKIP_IF_NO_NATIVE(variant->b);
	/* pid_max is at most 2^22: the key stays positive and never 0. */
	self->key = getpid() << 8;
	self->nkeys = MAX_KEYS;
}

FIXTURE_TEARDOWN(perm)
{
	int i, id;

	/*
	 * Segments made by children are found by their keys. Root removes
	 * anyone's; nobody's run only ever has its own.
	 */
	for (i = 1; i <= self->nkeys; i++) {
		id = variant->b->get(self->key + i, 0, 0);
		if (id >= 0)
			variant->b->ctl(id, IPC_RMID, NULL);
	}
}

/* The credentials of a child: one supplementary group at most. */
struct cred_spec {
	uid_t uid;
	gid_t gid;
	gid_t supp;		/* 0: none */
	bool keep;		/* keep @caps, effective and permitted */
	__u64 caps;
};


/* Root with every capability it has but @cap. */
static struct cred_spec root_without(__u64 cap)
{
	struct cred_spec c = { .uid = 0, .gid = 0, .keep = true };

	if (caps_get(&c.caps))
		c.caps = 0;
	c.caps &= ~cap;
	return c;
}

static int become(const struct cred_spec *c)
{
	/* Without KEEPCAPS, leaving uid 0 empties the permitted set. */
	if (c->keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -1;
	if (setgroups(c->supp ? 1 : 0, &c->supp) || setresgid(c->gid, c->gid, c->gid) ||
	    setresuid(c->uid, c->uid, c->uid))
		return -1;
	return c->keep ? caps_set(c->caps) : 0;
}

/* Fork a child with credentials @c. Return its pid; 0 in the child. */
static pid_t fork_as(const struct cred_spec *c)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0 && become(c))
		_exit(99);
	return pid;
}

/* A child without capabilities: root drops to nobody, nobody stays. */
static pid_t fork_unprivileged(void)
{
	static const struct cred_spec nobody = { .uid = NOBODY, .gid = NOBODY };

	if (geteuid() != 0) {
		fflush(NULL);
		return fork();
	}
	return fork_as(&nobody);
}

/* The probes: each returns 0 or the errno of the refusal. */
static int get_errno(const struct shm_backend *b, key_t key, int flags)
{
	return b->get(key, 0, flags) < 0 ? errno : 0;
}

static int stat_errno(const struct shm_backend *b, int id)
{
	struct shmid_ds ds;

	return b->ctl(id, IPC_STAT, &ds) < 0 ? errno : 0;
}

static int shm_stat_errno(const struct shm_backend *b, int id, int cmd)
{
	struct shmid_ds ds;
	int ret = b->ctl(id & IDX_MASK, cmd, &ds);

	if (ret < 0)
		return errno;
	return ret == id ? 0 : -1;
}

/* Attach and detach again. */
static int at_errno(const struct shm_backend *b, int id, int flags)
{
	void *p = b->at(id, NULL, flags);

	if (p == (void *)-1)
		return errno;
	return b->dt(p) ? -1 : 0;
}

static int set_errno(const struct shm_backend *b, int id, uid_t uid, gid_t gid, mode_t mode)
{
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	ds.shm_perm.uid = uid;
	ds.shm_perm.gid = gid;
	ds.shm_perm.mode = mode;
	return b->ctl(id, IPC_SET, &ds) < 0 ? errno : 0;
}

static int rmid_errno(const struct shm_backend *b, int id)
{
	return b->ctl(id, IPC_RMID, NULL) < 0 ? errno : 0;
}

/* Make a segment as user @c; return its id, found again by root. */
static int create_as(struct __test_metadata *_metadata, const struct shm_backend *b,
		     const struct cred_spec *c, key_t key, int mode)
{
	pid_t pid = fork_as(c);

	if (pid == 0)
		_exit(b->get(key, 4096, IPC_CREAT | IPC_EXCL | mode) < 0 ? 1 : 0);
	EXPECT_EQ(0, reap(pid));
	return b->get(key, 0, 0);
}

/*
 * Without capabilities, the owner (also the creator) is bound by the owner
 * triplet alone, and may always IPC_SET and IPC_RMID. Runs as root and as
 * nobody alike.
 */
TEST_F(perm, unprivileged_owner)
{
	const struct shm_backend *b = variant->b;
	key_t key = self->key + 1;
	struct shmid_ds ds;
	uid_t me;
	pid_t pid;
	int id;

	pid = fork_unprivileged();
	if (pid == 0) {
		me = geteuid();
		id = b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0400);
		if (id < 0)
			_exit(2);
		EXPECT_EQ(0, b->ctl(id, IPC_STAT, &ds));
		EXPECT_EQ(me, ds.shm_perm.uid);
		EXPECT_EQ(me, ds.shm_perm.cuid);
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		EXPECT_EQ(EACCES, get_errno(b, key, 0600));
		EXPECT_EQ(0, at_errno(b, id, SHM_RDONLY));
		EXPECT_EQ(EACCES, at_errno(b, id, 0));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY | SHM_EXEC));

		/* The owner's triplet, even if group and others may read. */
		EXPECT_EQ(0, set_errno(b, id, me, getegid(), 0044));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EACCES, shm_stat_errno(b, id, SHM_STAT));
		EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT_ANY));
		EXPECT_EQ(EACCES, get_errno(b, key, 0004));
		EXPECT_EQ(0, get_errno(b, key, 0));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY));

		/* Owning needs no permission bit: set them back, then write. */
		EXPECT_EQ(0, set_errno(b, id, me, getegid(), 0600));
		EXPECT_EQ(0, at_errno(b, id, 0));
		EXPECT_EQ(0, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0));
}

TEST_F(perm, triplets)
{
	const struct shm_backend *b = variant->b;
	const struct cred_spec creator = { .uid = 1000, .gid = 2000 };
	const struct cred_spec owner_other_group = { .uid = 1000, .gid = 9999 };
	const struct cred_spec group = { .uid = 3000, .gid = 2000 };
	const struct cred_spec supp_group = { .uid = 3000, .gid = 3000, .supp = 2000 };
	const struct cred_spec other = { .uid = 3000, .gid = 3000 };
	key_t key = self->key + 1;
	pid_t pid;
	int id;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as other users");
	id = create_as(_metadata, b, &creator, key, 0640);
	ASSERT_LE(0, id);

	pid = fork_as(&owner_other_group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0600));
		EXPECT_EQ(0, stat_errno(b, id));
		EXPECT_EQ(0, at_errno(b, id, 0));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_EXEC));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		EXPECT_EQ(0, stat_errno(b, id));
		EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT));
		EXPECT_EQ(0, at_errno(b, id, SHM_RDONLY));
		EXPECT_EQ(EACCES, at_errno(b, id, 0));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	/* A supplementary group counts as the group. */
	pid = fork_as(&supp_group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&other);
	if (pid == 0) {
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0004));
		EXPECT_EQ(0, get_errno(b, key, 0));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EACCES, shm_stat_errno(b, id, SHM_STAT));
		EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT_ANY));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));

	/*
	 * One triplet applies, the first that matches, even if a later one
	 * would grant more: owner none, group read-write, other read.
	 */
	ASSERT_EQ(0, set_errno(b, id, creator.uid, creator.gid, 0064));
	pid = fork_as(&creator);
	if (pid == 0) {
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0600));
		EXPECT_EQ(0, at_errno(b, id, 0));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&other);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	/* Group none, other read: the group member is refused. */
	ASSERT_EQ(0, set_errno(b, id, creator.uid, creator.gid, 0604));
	pid = fork_as(&group);
	if (pid == 0) {
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, rmid_errno(b, id));
}

TEST_F(perm, creator_keeps_rights)
{
	const struct shm_backend *b = variant->b;
	const struct cred_spec creator = { .uid = 1000, .gid = 2000 };
	const struct cred_spec owner = { .uid = 1001, .gid = 2001 };
	const struct cred_spec creator_group = { .uid = 3000, .gid = 2000 };
	const struct cred_spec owner_group = { .uid = 3000, .gid = 2001 };
	const struct cred_spec other = { .uid = 3000, .gid = 3000 };
	key_t key = self->key + 1, key2 = self->key + 2;
	struct shmid_ds ds;
	pid_t pid;
	int id;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as other users");
	id = create_as(_metadata, b, &creator, key, 0600);
	ASSERT_LE(0, id);

	/* The creator hands the segment on, and keeps the owner's rights. */
	pid = fork_as(&creator);
	if (pid == 0) {
		EXPECT_EQ(0, set_errno(b, id, owner.uid, owner.gid, 0640));
		EXPECT_EQ(0, b->ctl(id, IPC_STAT, &ds));
		EXPECT_EQ(owner.uid, ds.shm_perm.uid);
		EXPECT_EQ(owner.gid, ds.shm_perm.gid);
		EXPECT_EQ(creator.uid, ds.shm_perm.cuid);
		EXPECT_EQ(creator.gid, ds.shm_perm.cgid);
		EXPECT_EQ(0, get_errno(b, key, 0600));
		EXPECT_EQ(0, set_errno(b, id, owner.uid, owner.gid, 0600));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&owner);
	if (pid == 0) {
		EXPECT_EQ(0, stat_errno(b, id));
		EXPECT_EQ(0, get_errno(b, key, 0600));
		EXPECT_EQ(0, set_errno(b, id, owner.uid, owner.gid, 0640));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	/* Both the owner's group and the creator's get the group triplet. */
	pid = fork_as(&creator_group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		EXPECT_EQ(EPERM, set_errno(b, id, creator_group.uid, creator_group.gid, 0666));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&owner_group);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, get_errno(b, key, 0200));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&other);
	if (pid == 0) {
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EPERM, set_errno(b, id, other.uid, other.gid, 0666));
		EXPECT_EQ(EPERM, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	/* The creator, not the owner, removes it. */
	pid = fork_as(&creator);
	if (pid == 0) {
		EXPECT_EQ(0, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0));

	/* An owner that is not the creator removes too. */
	id = b->get(key2, 4096, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, set_errno(b, id, owner.uid, owner.gid, 0600));
	pid = fork_as(&owner);
	if (pid == 0) {
		EXPECT_EQ(0, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(ENOENT, get_errno(b, key2, 0));
}

/* CAP_IPC_OWNER: any access, but no ownership. */
TEST_F(perm, cap_ipc_owner)
{
	const struct shm_backend *b = variant->b;
	const struct cred_spec with_cap = { .uid = 1000, .gid = 1000, .keep = true,
					    .caps = CAP(CAP_IPC_OWNER) };
	const struct cred_spec without = { .uid = 1000, .gid = 1000 };
	struct cred_spec root_no_cap = root_without(CAP(CAP_IPC_OWNER));
	key_t key = self->key + 1;
	pid_t pid;
	int id;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as other users");
	id = b->get(key, 4096, IPC_CREAT | IPC_EXCL | 0000);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, get_errno(b, key, 0777));
	EXPECT_EQ(0, stat_errno(b, id));
	EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT));
	EXPECT_EQ(0, at_errno(b, id, 0));

	/* Root as the owner, without the capability: mode 0 shuts it out. */
	pid = fork_as(&root_no_cap);
	if (pid == 0) {
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EACCES, shm_stat_errno(b, id, SHM_STAT));
		EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT_ANY));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY));
		EXPECT_EQ(0, set_errno(b, id, 0, 0, 0000));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&with_cap);
	if (pid == 0) {
		EXPECT_EQ(0, get_errno(b, key, 0600));
		EXPECT_EQ(0, stat_errno(b, id));
		EXPECT_EQ(0, shm_stat_errno(b, id, SHM_STAT));
		EXPECT_EQ(0, at_errno(b, id, 0));
		EXPECT_EQ(EPERM, set_errno(b, id, with_cap.uid, with_cap.gid, 0600));
		EXPECT_EQ(EPERM, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&without);
	if (pid == 0) {
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(0, get_errno(b, key, 0));
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY));
		EXPECT_EQ(EPERM, set_errno(b, id, without.uid, without.gid, 0600));
		EXPECT_EQ(EPERM, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, rmid_errno(b, id));
}

/* CAP_SYS_ADMIN: IPC_SET and IPC_RMID of anyone's segment, but no access. */
TEST_F(perm, cap_sys_admin)
{
	const struct shm_backend *b = variant->b;
	const struct cred_spec creator = { .uid = 1000, .gid = 2000 };
	const struct cred_spec admin = { .uid = 3000, .gid = 3000, .keep = true,
					 .caps = CAP(CAP_SYS_ADMIN) };
	struct cred_spec root_no_cap = root_without(CAP(CAP_SYS_ADMIN));
	key_t key = self->key + 1;
	struct shmid_ds ds;
	pid_t pid;
	int id;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as other users");
	id = create_as(_metadata, b, &creator, key, 0600);
	ASSERT_LE(0, id);

	/* Root without it reads (CAP_IPC_OWNER) but may not set or remove. */
	pid = fork_as(&root_no_cap);
	if (pid == 0) {
		EXPECT_EQ(0, stat_errno(b, id));
		EXPECT_EQ(EPERM, set_errno(b, id, 0, 0, 0666));
		EXPECT_EQ(EPERM, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	pid = fork_as(&admin);
	if (pid == 0) {
		EXPECT_EQ(EACCES, stat_errno(b, id));
		EXPECT_EQ(EACCES, get_errno(b, key, 0400));
		EXPECT_EQ(EACCES, at_errno(b, id, SHM_RDONLY));
		/* It may give others the right, and so itself. */
		EXPECT_EQ(0, set_errno(b, id, creator.uid, creator.gid, 0604));
		EXPECT_EQ(0, b->ctl(id, IPC_STAT, &ds));
		EXPECT_EQ(0604, ds.shm_perm.mode);
		EXPECT_EQ(creator.uid, ds.shm_perm.uid);
		EXPECT_EQ(0, rmid_errno(b, id));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(ENOENT, get_errno(b, key, 0));
}

TEST_HARNESS_MAIN
