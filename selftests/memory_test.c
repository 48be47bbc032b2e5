// SPDX-License-Identifier: GPL-2.0
/*
 * What a segment costs in memory, on both backends: a large segment is
 * created at once and holds only the pages touched; they stay while
 * nothing is attached and go back when the segment is destroyed.
 *
 * Read from /proc/meminfo: Shmem (shmem pages, SysV segments among them),
 * MemAvailable, and Committed_AS (a segment made without SHM_NORESERVE
 * reserves its whole size there, not in real memory). The counters are
 * system wide and approximate (per-cpu batches and free lists), so each
 * check allows a margin well below the amounts that would show a wrong
 * behaviour; 128 MiB are touched so that the margins stay small beside it.
 *
 * Also where the pages come from: huge pages where native gets them
 * (shmem_enabled=always), and the NUMA policy that mbind() sets on an
 * attachment, which is the segment's, as native's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "kselftest_harness.h"

#define MiB		(1024L * 1024)
#define GiB		(1024 * MiB)
#define TOUCHED		(128 * MiB)
#define SLACK		(3 * MiB)	/* noise allowed on Shmem */
/*
 * MemAvailable counts free pages, and pages that sit in the per-cpu free
 * lists are not counted: after a free, or an allocation served from those
 * lists, it is off by up to some tens of MiB, on both backends alike (28
 * MiB seen on 6.1; on 6.12 the lists grow to 100 MiB and shrink back over
 * seconds). So MemAvailable is checked for what cannot be noise: a cost
 * far below 1 GiB, and a return to the level before, waited for. Shmem is
 * exact and is checked closely.
 */
#define AVAIL_SLACK	(40 * MiB)

struct mem {
	long shmem;		/* bytes */
	long avail;
	long committed;
};

static long meminfo_field(const char *text, const char *name)
{
	const char *s = strstr(text, name);
	long kb;

	if (!s || sscanf(s + strlen(name), ": %ld kB", &kb) != 1)
		return -1;
	return kb * 1024;
}

static int read_mem(struct mem *m)
{
	char text[8192];
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	m->shmem = meminfo_field(text, "\nShmem");
	m->avail = meminfo_field(text, "\nMemAvailable");
	m->committed = meminfo_field(text, "\nCommitted_AS");
	return m->shmem < 0 || m->avail < 0 || m->committed < 0 ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Read /proc/meminfo into @m until MemAvailable is back within AVAIL_SLACK
 * of @m0's, for at most 20 s (the per-cpu lists drain slowly). Return the
 * seconds it took, or -1.
 */
static double avail_back(const struct mem *m0, struct mem *m)
{
	double t0 = now();

	do {
		if (read_mem(m))
			return -1;
		if (m0->avail - m->avail < AVAIL_SLACK)
			return now() - t0;
		usleep(250 * 1000);
	} while (now() - t0 < 20);
	return now() - t0;
}

/* SHM_INFO's resident pages of the backend's whole table. */
static long shm_rss_pages(const struct shm_backend *b)
{
	struct shm_info info;

	if (b->ctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -1;
	return info.shm_rss;
}

/* Write one byte in each page of [@p, @p + @len). */
static void touch(char *p, long len)
{
	long off;

	for (off = 0; off < len; off += PG)
		p[off] = 1;
}

FIXTURE(mem) {
	int id;
};

FIXTURE_VARIANT(mem) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(mem);

FIXTURE_SETUP(mem)
{
	SKIP_IF_NO_NATIVE(variant->b);
	self->id = -1;
}

FIXTURE_TEARDOWN(mem)
{
	if (self->id >= 0)
		variant->b->ctl(self->id, IPC_RMID, NULL);
}

TEST_F_TIMEOUT(mem, one_gib_costs_only_the_pages_touched, 90)
{
	const struct shm_backend *b = variant->b;
	struct mem m0, m;
	long rss0;
	double t;
	char *p;

	ASSERT_EQ(0, read_mem(&m0));
	rss0 = shm_rss_pages(b);
	ASSERT_LE(0, rss0);

	t = now();
	self->id = b->get(IPC_PRIVATE, GiB, IPC_CREAT | 0600);
	ASSERT_LE(0, self->id) TH_LOG("%s shmget 1 GiB: %s", b->name, strerror(errno));
	EXPECT_GT(1.0, now() - t);
	ASSERT_EQ(0, read_mem(&m));
	TH_LOG("created: Shmem %+ld kB, MemAvailable %+ld kB, Committed_AS %+ld kB",
	       (m.shmem - m0.shmem) / 1024, (m.avail - m0.avail) / 1024,
	       (m.committed - m0.committed) / 1024);
	EXPECT_GT(SLACK, m.shmem - m0.shmem);
	EXPECT_GT(AVAIL_SLACK, m0.avail - m.avail);
	/* Reserved, without SHM_NORESERVE: the whole size, give or take batches. */
	EXPECT_GT(32 * MiB, labs(m.committed - m0.committed - GiB));

	t = now();
	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	EXPECT_GT(1.0, now() - t);
	/* Half at the start, half at the end: far apart, as a sparse user. */
	touch(p, TOUCHED / 2);
	touch(p + GiB - TOUCHED / 2, TOUCHED / 2);
	ASSERT_EQ(0, read_mem(&m));
	TH_LOG("touched: Shmem %+ld kB, MemAvailable %+ld kB",
	       (m.shmem - m0.shmem) / 1024, (m.avail - m0.avail) / 1024);
	EXPECT_LE(TOUCHED - SLACK, m.shmem - m0.shmem);
	EXPECT_GE(TOUCHED + SLACK, m.shmem - m0.shmem);
	EXPECT_GE(TOUCHED + AVAIL_SLACK, m0.avail - m.avail);
	EXPECT_EQ(TOUCHED / PG, shm_rss_pages(b) - rss0);

	/* Detached, not removed: the pages stay. */
	ASSERT_EQ(0, b->dt(p));
	ASSERT_EQ(0, read_mem(&m));
	EXPECT_LE(TOUCHED - SLACK, m.shmem - m0.shmem);
	EXPECT_EQ(TOUCHED / PG, shm_rss_pages(b) - rss0);

	/* Removed: everything comes back. */
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	self->id = -1;
	ASSERT_EQ(0, read_mem(&m));
	EXPECT_GT(SLACK, labs(m.shmem - m0.shmem));
	t = avail_back(&m0, &m);
	TH_LOG("removed: Shmem %+ld kB, MemAvailable %+ld kB after %.1f s, Committed_AS %+ld kB",
	       (m.shmem - m0.shmem) / 1024, (m.avail - m0.avail) / 1024, t,
	       (m.committed - m0.committed) / 1024);
	EXPECT_GT(AVAIL_SLACK, m0.avail - m.avail);
	EXPECT_GT(32 * MiB, labs(m.committed - m0.committed));
	EXPECT_EQ(0, shm_rss_pages(b) - rss0);
}

TEST_F_TIMEOUT(mem, rmid_while_attached_frees_at_last_detach, 90)
{
	const struct shm_backend *b = variant->b;
	struct mem m0, m;
	double t;
	char *p;

	ASSERT_EQ(0, read_mem(&m0));
	self->id = b->get(IPC_PRIVATE, TOUCHED, IPC_CREAT | 0600);
	ASSERT_LE(0, self->id);
	p = b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	touch(p, TOUCHED);
	ASSERT_EQ(0, b->ctl(self->id, IPC_RMID, NULL));
	self->id = -1;
	/* Marked for removal, still attached: the pages are still in use. */
	ASSERT_EQ(0, read_mem(&m));
	EXPECT_LE(TOUCHED - SLACK, m.shmem - m0.shmem);
	ASSERT_EQ(0, b->dt(p));
	ASSERT_EQ(0, read_mem(&m));
	EXPECT_GT(SLACK, labs(m.shmem - m0.shmem));
	t = avail_back(&m0, &m);
	TH_LOG("after last detach: Shmem %+ld kB, MemAvailable %+ld kB after %.1f s",
	       (m.shmem - m0.shmem) / 1024, (m.avail - m0.avail) / 1024, t);
	EXPECT_GT(AVAIL_SLACK, m0.avail - m.avail);
}

#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define HPAGE		(2 * MiB)
#define HUGE_SEG	(16 * MiB)

/* The setting shown in brackets in @path ("always [never] ..."), or -1. */
static int read_choice(const char *path, char *buf, size_t len)
{
	char text[256], *l, *r;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	l = strchr(text, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!r || (size_t)(r - l) > len)
		return -1;
	memcpy(buf, l + 1, r - l - 1);
	buf[r - l - 1] = '\0';
	return 0;
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(s, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* ShmemPmdMapped of the mapping that begins at @addr, in kB; -1 if none. */
static long pmd_mapped_kb(const void *addr)
{
	char line[256];
	unsigned long s, e;
	FILE *f = fopen("/proc/self/smaps", "r");
	long kb = -1;
	bool in = false;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line; no field's name reads as "hex-hex". */
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			if (in)
				break;
			in = s == (uintptr_t)addr;
		} else if (in && sscanf(line, "ShmemPmdMapped: %ld kB", &kb) == 1) {
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * With shmem_enabled=always, a 16 MiB attachment starts on a 2 MiB
 * boundary (where shmem would put its file) and its pages are mapped by
 * PMD, as native's. Root only: the setting is put back afterwards.
 */
TEST_F_TIMEOUT(mem, huge_pages_where_native_gets_them, 90)
{
	char old[32];
	long kb;
	char *p;

	if (read_choice(THP_SHMEM, old, sizeof(old)))
		SKIP(return, "no transparent huge pages for shmem in this kernel");
	if (geteuid() != 0)
		SKIP(return, "root only: sets " THP_SHMEM);
	ASSERT_EQ(0, write_str(THP_SHMEM, "always"));
	self->id = variant->b->get(IPC_PRIVATE, HUGE_SEG, IPC_CREAT | 0600);
	p = self->id < 0 ? (char *)-1 : variant->b->at(self->id, NULL, 0);
	if (p != (char *)-1) {
		touch(p, HUGE_SEG);
		kb = pmd_mapped_kb(p);
	}
	write_str(THP_SHMEM, old);
	ASSERT_LE(0, self->id) TH_LOG("shmget: %s", strerror(errno));
	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	EXPECT_EQ(0, (uintptr_t)p % HPAGE) TH_LOG("attached at %p", p);
	EXPECT_LT(0, kb) TH_LOG("ShmemPmdMapped: %ld kB", kb);
	EXPECT_EQ(0, variant->b->dt(p));
}

#define MPOL_BIND_	2	/* <linux/mempolicy.h>, without libnuma */
#define MPOL_F_ADDR_	2

/*
 * mbind(MPOL_BIND, node 0) on one attachment sets the segment's shared
 * policy (shmem's), which get_mempolicy(MPOL_F_ADDR) then reads back on
 * another attachment of it. A kernel without NUMA answers ENOSYS to both
 * backends alike.
 */
TEST_F(mem, mbind_sets_the_policy_of_the_segment)
{
	unsigned long mask = 1, got = 0;
	char *p, *q;
	int mode = -1;
	long ret;

	self->id = variant->b->get(IPC_PRIVATE, 4 * PG, IPC_CREAT | 0600);
	ASSERT_LE(0, self->id) TH_LOG("shmget: %s", strerror(errno));
	p = variant->b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	q = variant->b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, q) TH_LOG("shmat: %s", strerror(errno));
	ret = syscall(SYS_mbind, p, 4 * PG, MPOL_BIND_, &mask, 8 * sizeof(mask), 0);
	if (ret && errno == ENOSYS) {
		EXPECT_EQ(-1, syscall(SYS_get_mempolicy, &mode, &got, 8 * sizeof(got),
				      q, MPOL_F_ADDR_));
		EXPECT_EQ(ENOSYS, errno);
	} else {
		EXPECT_EQ(0, ret) TH_LOG("mbind: %s", strerror(errno));
		EXPECT_EQ(0, syscall(SYS_get_mempolicy, &mode, &got, 8 * sizeof(got),
				     q, MPOL_F_ADDR_)) TH_LOG("get_mempolicy: %s", strerror(errno));
		EXPECT_EQ(MPOL_BIND_, mode);
		EXPECT_EQ(1, got);
	}
	EXPECT_EQ(0, variant->b->dt(q));
	EXPECT_EQ(0, variant->b->dt(p));
}

TEST_HARNESS_MAIN
