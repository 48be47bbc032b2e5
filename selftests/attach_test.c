// SPDX-License-Identifier: GPL-2.0
/*
 * shmat and shmdt on both backends: where a segment lands, what the
 * mapping looks like, who sees its data, the flags (SHM_RDONLY, SHM_RND,
 * SHM_REMAP, SHM_EXEC), the errors in native's order, and which pieces
 * shmdt takes away.
 *
 * Children forked here never use ASSERT or EXPECT: a failed assertion
 * longjmps into the harness, which would run the fixture's teardown in the
 * child. They report through their exit status instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "caps.h"
#include "kselftest_harness.h"

/* Not a whole number of pages, so that rounding up shows. */
#define SEG_SIZE	(3 * PG + 100)
#define SEG_PAGES	4
#define MAX_ATT		8

/* Is the page at @addr mapped? mincore() fails with ENOMEM where not. */
static bool mapped(const void *addr)
{
	unsigned char vec;

	return mincore((void *)((uintptr_t)addr & ~(PG - 1)), PG, &vec) == 0;
}

/*
 * Find the mapping that begins at @addr in /proc/self/maps; give its end
 * and its permission string ("rw-s"). Return 0, or -1 if none begins there.
 */
static int map_at(const void *addr, unsigned long *end, char perms[5])
{
	unsigned long s, e;
	char line[512], p[5];
	FILE *f = fopen("/proc/self/maps", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &s, &e, p) == 3 && s == (uintptr_t)addr) {
			*end = e;
			memcpy(perms, p, 5);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * An address range of @pages pages that nothing maps, for fixed attaches,
 * starting on a multiple of SHMLBA.
 */
static char *free_range(size_t pages)
{
	char *p = reserve_shmlba(pages * PG);

	if (p)
		munmap(p, pages * PG);
	return p;
}

static long nattch(const struct shm_backend *b, int id)
{
	struct shmid_ds ds;

	return b->ctl(id, IPC_STAT, &ds) ? -1 : (long)ds.shm_nattch;
}

/*
 * In a child: drop to nobody if root (the runner's unprivileged pass is
 * nobody already, without capabilities), then attach with @flags.
 * Return 0 if the attach worked, its errno if not, -1 if the child broke.
 */
static int attach_unprivileged(const struct shm_backend *b, int id, int flags)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		void *p;

		if (getuid() == 0 && (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
				      setresuid(NOBODY, NOBODY, NOBODY)))
			_exit(255);
		p = b->at(id, NULL, flags);
		_exit(p == (void *)-1 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Fork a child that writes one byte at @p; return the signal that killed it, or 0. */
static int write_in_child(char *p)
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);	/* the fault is expected */
		*(volatile char *)p = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

FIXTURE(att) {
	int id;
	int n;			/* attachments in @at[], detached by teardown */
	char *at[MAX_ATT];
};

FIXTURE_VARIANT(att) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(att);

FIXTURE_SETUP(att)
{
	SKIP_IF_NO_NATIVE(variant->b);
	self->n = 0;
	self->id = variant->b->get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	ASSERT_LE(0, self->id) TH_LOG("%s shmget: %s", variant->b->name, strerror(errno));
}

FIXTURE_TEARDOWN(att)
{
	while (self->n > 0)
		variant->b->dt(self->at[--self->n]);
	if (self->id >= 0)
		variant->b->ctl(self->id, IPC_RMID, NULL);
}

/* Attach and remember the attachment for teardown; (char *)-1 on failure. */
static char *att_at(FIXTURE_DATA(att) *self, const struct shm_backend *b,
		    const void *addr, int flags)
{
	char *p = b->at(self->id, addr, flags);

	if (p != (char *)-1 && self->n < MAX_ATT)
		self->at[self->n++] = p;
	return p;
}

/* Forget an attachment that the test detached (or lost) itself. */
static void att_forget(FIXTURE_DATA(att) *self, const char *p)
{
	int i;

	for (i = 0; i < self->n; i++) {
		if (self->at[i] == p) {
			self->at[i] = self->at[--self->n];
			return;
		}
	}
}

/* Detach @p through the backend and forget it; return shmdt's result. */
static int att_dt(FIXTURE_DATA(att) *self, const struct shm_backend *b, const char *p)
{
	int ret = b->dt(p);

	if (!ret)
		att_forget(self, p);
	return ret;
}

TEST_F(att, null_addr_maps_whole_pages_shared)
{
	unsigned long end;
	char perms[5];
	char *p = att_at(self, variant->b, NULL, 0);

	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	EXPECT_EQ(0, (uintptr_t)p & (PG - 1));
	ASSERT_EQ(0, map_at(p, &end, perms));
	/* The size rounded up to pages, one shared read-write mapping. */
	EXPECT_EQ(SEG_PAGES * PG, end - (uintptr_t)p);
	EXPECT_STREQ("rw-s", perms);
	EXPECT_EQ(1, nattch(variant->b, self->id));
}

TEST_F(att, access_beyond_size_within_last_page)
{
	char *p = att_at(self, variant->b, NULL, 0);

	ASSERT_NE((char *)-1, p);
	/* Past shm_segsz but within its last page: allowed, and kept. */
	p[SEG_SIZE] = 'x';
	p[SEG_PAGES * PG - 1] = 'y';
	EXPECT_EQ('x', p[SEG_SIZE]);
	EXPECT_EQ('y', p[SEG_PAGES * PG - 1]);
}

TEST_F(att, new_pages_are_zero)
{
	char *p = att_at(self, variant->b, NULL, SHM_RDONLY);
	size_t i;

	ASSERT_NE((char *)-1, p);
	for (i = 0; i < SEG_PAGES * PG; i++)
		if (p[i])
			break;
	EXPECT_EQ(SEG_PAGES * PG, i) TH_LOG("byte %zu is %d", i, p[i]);
}

TEST_F(att, two_attachments_share_data)
{
	char *p = att_at(self, variant->b, NULL, 0);
	char *q = att_at(self, variant->b, NULL, 0);

	ASSERT_NE((char *)-1, p);
	ASSERT_NE((char *)-1, q);
	EXPECT_NE(p, q);
	EXPECT_EQ(2, nattch(variant->b, self->id));
	strcpy(p + PG + 10, "through p");
	EXPECT_STREQ("through p", q + PG + 10);
	q[SEG_SIZE - 1] = 'q';
	EXPECT_EQ('q', p[SEG_SIZE - 1]);
}

TEST_F(att, another_process_sees_data)
{
	const struct shm_backend *b = variant->b;
	char *p = att_at(self, b, NULL, 0);
	int status;
	pid_t pid;

	ASSERT_NE((char *)-1, p);
	strcpy(p, "from parent");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* An attachment of its own, not the one fork copied. */
		char *c = b->at(self->id, NULL, 0);

		if (c == (char *)-1)
			_exit(1);
		if (strcmp(c, "from parent"))
			_exit(2);
		strcpy(c + 2 * PG, "from child");
		_exit(b->dt(c) ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_STREQ("from child", p + 2 * PG);
}

TEST_F(att, data_stays_at_nattch_zero_until_rmid)
{
	char *p = att_at(self, variant->b, NULL, 0);

	ASSERT_NE((char *)-1, p);
	strcpy(p + 3 * PG, "kept");
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	ASSERT_EQ(0, nattch(variant->b, self->id));
	p = att_at(self, variant->b, NULL, SHM_RDONLY);
	ASSERT_NE((char *)-1, p);
	EXPECT_STREQ("kept", p + 3 * PG);
}

TEST_F(att, rdonly_write_faults_and_cannot_be_made_writable)
{
	unsigned long end;
	char perms[5];
	char *w = att_at(self, variant->b, NULL, 0);
	char *r = att_at(self, variant->b, NULL, SHM_RDONLY);

	ASSERT_NE((char *)-1, w);
	ASSERT_NE((char *)-1, r);
	w[5] = 'w';
	EXPECT_EQ('w', r[5]);
	ASSERT_EQ(0, map_at(r, &end, perms));
	EXPECT_STREQ("r--s", perms);
	EXPECT_EQ(SIGSEGV, write_in_child(r + 5));
	EXPECT_EQ('w', r[5]);
	EXPECT_EQ(-1, mprotect(r, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* A read-write attachment may drop write and take it back. */
	EXPECT_EQ(0, mprotect(w, PG, PROT_READ));
	EXPECT_EQ(0, mprotect(w, PG, PROT_READ | PROT_WRITE));
}

TEST_F(att, exec_flag_adds_execute)
{
	struct shmid_ds ds;
	unsigned long end;
	char perms[5];
	char *x, *rx;

	/* SHM_EXEC asks for the execute bit, which 0600 lacks without CAP_IPC_OWNER. */
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_STAT, &ds));
	ds.shm_perm.mode = 0700;
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_SET, &ds));
	x = att_at(self, variant->b, NULL, SHM_EXEC);
	rx = att_at(self, variant->b, NULL, SHM_EXEC | SHM_RDONLY);
	ASSERT_NE((char *)-1, x) TH_LOG("SHM_EXEC: %s", strerror(errno));
	ASSERT_NE((char *)-1, rx) TH_LOG("SHM_EXEC|SHM_RDONLY: %s", strerror(errno));
	ASSERT_EQ(0, map_at(x, &end, perms));
	EXPECT_STREQ("rwxs", perms);
	ASSERT_EQ(0, map_at(rx, &end, perms));
	EXPECT_STREQ("r-xs", perms);
}

TEST_F(att, rnd_rounds_unaligned_addr_down)
{
	char *base = free_range(SEG_PAGES + 2);
	char *p;

	ASSERT_NE(NULL, base);
	p = att_at(self, variant->b, base + PG + 123, SHM_RND);
	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	/* base + PG where SHMLBA is a page; base on 32-bit ARM (four). */
	EXPECT_EQ(base + ((PG + 123) & ~(uintptr_t)(SHMLBA - 1)), p);
}

TEST_F(att, unaligned_addr_without_rnd_is_einval)
{
	char *base = free_range(SEG_PAGES + 2);

	ASSERT_NE(NULL, base);
	EXPECT_EQ((char *)-1, att_at(self, variant->b, base + PG + 123, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((char *)-1, att_at(self, variant->b, base + PG + 123, SHM_REMAP));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_FALSE(mapped(base + PG));
}

TEST_F(att, remap_without_addr_is_einval)
{
	EXPECT_EQ((char *)-1, att_at(self, variant->b, NULL, SHM_REMAP));
	EXPECT_EQ(EINVAL, errno);
	/* SHM_RND of an address below one page gives NULL: refused with SHM_REMAP. */
	EXPECT_EQ((char *)-1, att_at(self, variant->b, (void *)123, SHM_RND | SHM_REMAP));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, nattch(variant->b, self->id));
}

TEST_F(att, fixed_free_addr_is_taken_exactly)
{
	char *base = free_range(SEG_PAGES + 2);

	ASSERT_NE(NULL, base);
	EXPECT_EQ(base + PG, att_at(self, variant->b, base + PG, 0));
}

TEST_F(att, fixed_addr_over_mapping_is_einval_without_remap)
{
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, m);
	memset(m, 'm', 2 * PG);
	/* Over the whole mapping, and over its last page only. */
	EXPECT_EQ((char *)-1, att_at(self, variant->b, m, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((char *)-1, att_at(self, variant->b, m + PG, SHM_RDONLY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ('m', m[0]);
	EXPECT_EQ('m', m[2 * PG - 1]);
	EXPECT_EQ(0, nattch(variant->b, self->id));
	munmap(m, 2 * PG);
}

TEST_F(att, fixed_addr_with_remap_replaces_mapping)
{
	char *m = mmap(NULL, (SEG_PAGES + 1) * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	ASSERT_NE(MAP_FAILED, m);
	memset(m, 'm', (SEG_PAGES + 1) * PG);
	p = att_at(self, variant->b, m, SHM_REMAP);
	ASSERT_EQ(m, p) TH_LOG("shmat: %s", strerror(errno));
	EXPECT_EQ(0, p[0]);			/* the segment's page now */
	EXPECT_EQ(0, p[SEG_PAGES * PG - 1]);
	EXPECT_EQ('m', m[SEG_PAGES * PG]);	/* the rest is untouched */
	EXPECT_EQ(1, nattch(variant->b, self->id));
	/* Remapped over an attachment of its own: the old one is closed. */
	EXPECT_EQ(m, att_at(self, variant->b, m, SHM_REMAP));
	att_forget(self, m);
	EXPECT_EQ(1, nattch(variant->b, self->id));
	ASSERT_EQ(0, att_dt(self, variant->b, m));
	EXPECT_FALSE(mapped(m));
	EXPECT_TRUE(mapped(m + SEG_PAGES * PG));
	munmap(m + SEG_PAGES * PG, PG);
}

/*
 * SHM_REMAP over the last attachment of a removed segment: the old mapping
 * goes first, but shmat holds the segment meanwhile (native's do_shmat()
 * raises its count across the mmap), so the segment lives on in the new
 * attachment with its data.
 */
TEST_F(att, remap_over_last_attachment_after_rmid_keeps_the_segment)
{
	char *p = att_at(self, variant->b, NULL, 0);

	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	memset(p, 'd', SEG_SIZE);
	ASSERT_EQ(0, variant->b->ctl(self->id, IPC_RMID, NULL));
	EXPECT_EQ(p, variant->b->at(self->id, p, SHM_REMAP))
		TH_LOG("shmat SHM_REMAP: %s", strerror(errno));
	EXPECT_EQ(1, nattch(variant->b, self->id));
	EXPECT_EQ('d', p[0]);
	EXPECT_EQ('d', p[SEG_SIZE - 1]);
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	/* The last detach destroys it now. */
	EXPECT_EQ(-1, nattch(variant->b, self->id));
	EXPECT_EQ(EINVAL, errno);
	self->id = -1;
}

/*
 * remap_file_pages() re-mmaps the VMA's file (LTP's shmctl05): page 0 of
 * the attachment shows page 2 of the segment, in a VMA of its own.
 */
TEST_F(att, remap_file_pages_on_an_attachment)
{
	char *p = att_at(self, variant->b, NULL, 0);
	int i;

	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	for (i = 0; i < SEG_PAGES; i++)
		p[i * PG] = 'a' + i;
	ASSERT_EQ(0, remap_file_pages(p, PG, 0, 2, 0))
		TH_LOG("remap_file_pages: %s", strerror(errno));
	EXPECT_EQ('c', p[0]);
	EXPECT_EQ('b', p[PG]);
	EXPECT_EQ('c', p[2 * PG]);
	EXPECT_EQ(2, nattch(variant->b, self->id));
	/* shmdt matches no piece at @p (its offset is 2): unmap by hand. */
	att_forget(self, p);
	ASSERT_EQ(0, munmap(p, SEG_PAGES * PG));
	EXPECT_EQ(0, nattch(variant->b, self->id));
}

/*
 * Native's do_mmap() refuses a fixed range beyond the user address space
 * so; a 32-bit task's ends below 4 GiB (its last page is past it).
 */
TEST_F(att, addr_beyond_user_space_is_enomem)
{
	uintptr_t beyond = sizeof(void *) > 4 ? (uintptr_t)(1ULL << 60) : 0xfffff000U;

	EXPECT_EQ((char *)-1, att_at(self, variant->b, (void *)beyond, 0));
	EXPECT_EQ(ENOMEM, errno);
}

TEST_F(att, negative_and_unknown_ids_are_einval)
{
	int gone = variant->b->get(IPC_PRIVATE, PG, IPC_CREAT | 0600);

	EXPECT_EQ((void *)-1, variant->b->at(-1, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, variant->b->at(-1, NULL, SHM_RDONLY));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_LE(0, gone);
	ASSERT_EQ(0, variant->b->ctl(gone, IPC_RMID, NULL));
	EXPECT_EQ((void *)-1, variant->b->at(gone, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	/* The same index under another sequence is another, unknown, id. */
	EXPECT_EQ((void *)-1, variant->b->at(self->id + (1 << 15), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* Also as nobody: the owner's own bits deny without CAP_IPC_OWNER. */
TEST_F(att, mode_denies_without_capability)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;

	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	ds.shm_perm.mode = 0444;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, 0));
	EXPECT_EQ(0, attach_unprivileged(b, self->id, SHM_RDONLY));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, SHM_RDONLY | SHM_EXEC));
	ds.shm_perm.mode = 0555;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(0, attach_unprivileged(b, self->id, SHM_RDONLY | SHM_EXEC));
	ds.shm_perm.mode = 0;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, SHM_RDONLY));
	/* The permission check comes after the address checks. */
	EXPECT_EQ(EINVAL, attach_unprivileged(b, self->id, SHM_REMAP));
	ds.shm_perm.mode = 0600;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(0, nattch(b, self->id));
}

TEST_F(att, owner_group_other_bits)
{
	const struct shm_backend *b = variant->b;
	struct shmid_ds ds;

	if (geteuid() != 0)
		SKIP(return, "needs root to be another user than the owner");
	ASSERT_EQ(0, b->ctl(self->id, IPC_STAT, &ds));
	/* nobody is other to root's 0600 segment. */
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, SHM_RDONLY));
	ds.shm_perm.mode = 0604;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(0, attach_unprivileged(b, self->id, SHM_RDONLY));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, 0));
	/* In the segment's group, the group's bits apply, not the others'. */
	ds.shm_perm.gid = NOBODY;
	ds.shm_perm.mode = 0660;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(0, attach_unprivileged(b, self->id, 0));
	ds.shm_perm.mode = 0606;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, 0));
	/* The owner's bits for the owner, even when others have more. */
	ds.shm_perm.uid = NOBODY;
	ds.shm_perm.mode = 0066;
	ASSERT_EQ(0, b->ctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(EACCES, attach_unprivileged(b, self->id, SHM_RDONLY));
}

TEST_F(att, shmdt_unaligned_or_not_an_attachment_is_einval)
{
	char *p = att_at(self, variant->b, NULL, 0);
	char *m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int local;

	ASSERT_NE((char *)-1, p);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(-1, variant->b->dt(p + 1));
	EXPECT_EQ(EINVAL, errno);
	/* Inside the attachment, not where it begins. */
	EXPECT_EQ(-1, variant->b->dt(p + PG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->b->dt(m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->b->dt(&local));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->b->dt(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, nattch(variant->b, self->id));
	EXPECT_TRUE(mapped(p));
	/* Twice: the second finds nothing. */
	EXPECT_EQ(0, att_dt(self, variant->b, p));
	EXPECT_EQ(-1, variant->b->dt(p));
	EXPECT_EQ(EINVAL, errno);
	munmap(m, PG);
}

TEST_F(att, shmdt_takes_every_piece_of_an_mprotect_split)
{
	char *p = att_at(self, variant->b, NULL, 0);
	int i;

	ASSERT_NE((char *)-1, p);
	ASSERT_EQ(0, mprotect(p + PG, PG, PROT_READ));
	ASSERT_EQ(3, nattch(variant->b, self->id));
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	EXPECT_EQ(0, nattch(variant->b, self->id));
	for (i = 0; i < SEG_PAGES; i++)
		EXPECT_FALSE(mapped(p + i * PG)) TH_LOG("page %d still mapped", i);
}

TEST_F(att, shmdt_takes_pieces_left_by_munmap)
{
	char *p = att_at(self, variant->b, NULL, 0);
	int i;

	ASSERT_NE((char *)-1, p);
	/* A hole in the middle: two pieces. */
	ASSERT_EQ(0, munmap(p + PG, PG));
	ASSERT_EQ(2, nattch(variant->b, self->id));
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	EXPECT_EQ(0, nattch(variant->b, self->id));
	for (i = 0; i < SEG_PAGES; i++)
		EXPECT_FALSE(mapped(p + i * PG)) TH_LOG("page %d still mapped", i);

	/* The first page gone: the address still names what is left. */
	p = att_at(self, variant->b, NULL, 0);
	ASSERT_NE((char *)-1, p);
	ASSERT_EQ(0, munmap(p, PG));
	ASSERT_EQ(1, nattch(variant->b, self->id));
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	EXPECT_EQ(0, nattch(variant->b, self->id));
	EXPECT_FALSE(mapped(p + PG));
}

TEST_F(att, shmdt_leaves_the_next_attachment_alone)
{
	char *base = free_range(2 * SEG_PAGES);
	char *p, *q;

	ASSERT_NE(NULL, base);
	p = att_at(self, variant->b, base, 0);
	q = att_at(self, variant->b, base + SEG_PAGES * PG, 0);
	ASSERT_EQ(base, p);
	ASSERT_EQ(base + SEG_PAGES * PG, q);
	ASSERT_EQ(0, att_dt(self, variant->b, p));
	EXPECT_EQ(1, nattch(variant->b, self->id));
	EXPECT_TRUE(mapped(q));
	EXPECT_TRUE(mapped(q + (SEG_PAGES - 1) * PG));
}

/* Each backend's shmdt knows only its own attachments. */
TEST(shmdt_of_the_other_backend_is_einval)
{
	int nid, sid;
	char *n, *s;

	SKIP_IF_NO_NATIVE(&shm_native);
	nid = shm_native.get(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	sid = shm_svshm.get(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	ASSERT_LE(0, nid);
	ASSERT_LE(0, sid);
	n = shm_native.at(nid, NULL, 0);
	s = shm_svshm.at(sid, NULL, 0);
	EXPECT_NE((char *)-1, n);
	EXPECT_NE((char *)-1, s);
	EXPECT_EQ(-1, shm_native.dt(s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shm_svshm.dt(n));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, shm_native.dt(n));
	EXPECT_EQ(0, shm_svshm.dt(s));
	EXPECT_EQ(0, shm_native.ctl(nid, IPC_RMID, NULL));
	EXPECT_EQ(0, shm_svshm.ctl(sid, IPC_RMID, NULL));
}

/*
 * What the security hooks on a segment's inode answer, through @b: a child
 * attaches @id, opens the attachment through /proc/self/map_files (which
 * needs CAP_SYS_ADMIN), gives CAP_SYS_ADMIN up and sets a security.*
 * attribute on it. The capability check for that is a security hook's
 * (cap_inode_setxattr()), which an inode marked private (S_PRIVATE), as
 * native's segments are, does not see. Return 0, the errno, or 255.
 */
static int private_inode_probe(const struct shm_backend *b, int id)
{
	__u64 caps;
	char path[64];
	int status, fd;
	char *p;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		p = b->at(id, NULL, 0);
		if (p == (char *)-1)
			_exit(255);
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
			 (unsigned long)p, (unsigned long)p + SEG_PAGES * PG);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || caps_get(&caps) || caps_set(caps & ~CAP(CAP_SYS_ADMIN)))
			_exit(255);
		_exit(fsetxattr(fd, "security.svshm-test", "1", 1, 0) ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 255;
	return WEXITSTATUS(status);
}

/*
 * A segment's inode is private to the kernel, as native's: the LSMs guard
 * the IPC object, not a tmpfs file, so whatever they would say of a file
 * of that mount never reaches a segment (an X server and its clients in
 * different domains attach as with native).
 */
TEST(segment_inode_is_private_as_native)
{
	int nid, sid, nret, sret;

	SKIP_IF_NO_NATIVE(&shm_native);
	if (geteuid() != 0)
		SKIP(return, "/proc/PID/map_files needs CAP_SYS_ADMIN");
	nid = shm_native.get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	sid = shm_svshm.get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	ASSERT_LE(0, nid);
	ASSERT_LE(0, sid);
	nret = private_inode_probe(&shm_native, nid);
	sret = private_inode_probe(&shm_svshm, sid);
	EXPECT_EQ(0, shm_native.ctl(nid, IPC_RMID, NULL));
	EXPECT_EQ(0, shm_svshm.ctl(sid, IPC_RMID, NULL));
	ASSERT_NE(255, nret);
	ASSERT_NE(255, sret);
	EXPECT_EQ(nret, sret) TH_LOG("native: %s, svshm: %s", strerror(nret), strerror(sret));
}

TEST_HARNESS_MAIN
