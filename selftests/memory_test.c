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
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

#define PG		4096L
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

TEST_HARNESS_MAIN
