// SPDX-License-Identifier: GPL-2.0
/*
 * Why svshm exists: on a kernel built with CONFIG_SYSVIPC=n (minimal,
 * embedded, hardened, Android) every native shm* call fails with ENOSYS, so
 * programs that need System V shared memory do not run; with svshm they do.
 * Shown with the calls themselves and with PostgreSQL 15, whose initdb fails
 * natively there and which serves pgbench when preloaded onto svshm.
 *
 * On a kernel with SysV IPC there is nothing to prove and the tests skip,
 * unless SVSHM_EXPECT_NO_SYSVIPC=1 says this run is on the kernel without
 * it: then a working native shmget fails them, so that the boot meant to
 * prove the point cannot pass on the wrong kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "preload.h"
#include "pg.h"

#define NO_NATIVE_IN_PG	"could not create shared memory segment: Function not implemented"

/* Each native call fails with ENOSYS; the same calls on svshm work. */
TEST(native_calls_are_enosys_svshm_serves)
{
	struct shmid_ds ds;
	char *page, *p;
	int id;

	REQUIRE_NO_SYSVIPC();
	errno = 0;
	EXPECT_EQ(-1, shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	EXPECT_EQ(ENOSYS, errno);
	errno = 0;
	EXPECT_EQ((void *)-1, shmat(0, NULL, 0));
	EXPECT_EQ(ENOSYS, errno);
	/* A real mapping to detach, so that only the system call can fail. */
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	errno = 0;
	EXPECT_EQ(-1, shmdt(page));
	EXPECT_EQ(ENOSYS, errno);
	munmap(page, 4096);
	errno = 0;
	EXPECT_EQ(-1, shmctl(0, IPC_STAT, &ds));
	EXPECT_EQ(ENOSYS, errno);
	errno = 0;
	EXPECT_EQ(-1, shmctl(0, IPC_INFO, &ds));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(-1, access("/proc/sysvipc/shm", F_OK));

	id = svshm_shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	ASSERT_LE(0, id) TH_LOG("svshm shmget: %s", strerror(errno));
	p = svshm_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	strcpy(p, "served by svshm");
	EXPECT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(0, svshm_shmdt(p));
	p = svshm_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	EXPECT_STREQ("served by svshm", p);
	EXPECT_EQ(0, svshm_shmdt(p));
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
}

FIXTURE(pg) {
	struct pg_server srv;
};

FIXTURE_SETUP(pg)
{
	self->srv.dir[0] = 0;
	self->srv.running = 0;
}

/* In the parent: a failed ASSERT in the test must still stop the server. */
FIXTURE_TEARDOWN_PARENT(pg)
{
	pg_cleanup(&self->srv);
}

/*
 * Natively, initdb fails: its bootstrap postgres cannot create its
 * segment, and says why. Preloaded onto svshm: initdb, start (the server's
 * segment is svshm's), pgbench's tables, 100 transactions, 0 failed.
 */
TEST_F_TIMEOUT(pg, postgresql_runs_only_on_svshm, 900)
{
	struct pg_server *srv = &self->srv;
	char out[OUT_MAX];
	struct shmid_ds ds;
	time_t t0 = time(NULL);
	key_t key = 0;
	int id = -1, n;
	pid_t pid;

	REQUIRE_NO_SYSVIPC();
	/* The no-SysV-IPC boot exists for this proof: it may not skip it. */
	if (!pg_installed()) {
		ASSERT_FALSE(expect_no_sysvipc())
			TH_LOG("PostgreSQL 15 is not installed in " PG_BIN);
		SKIP(return, "PostgreSQL 15 is not installed in " PG_BIN);
	}
	if (geteuid() != 0)
		SKIP(return, "run as root, which serves PostgreSQL as uid 65534");
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s: %s", preload_lib(), strerror(errno));

	ASSERT_EQ(0, pg_prepare(srv, 0));
	EXPECT_NE(0, pg_initdb(srv, out));
	EXPECT_NE(NULL, strstr(out, NO_NATIVE_IN_PG)) TH_LOG("native initdb said:\n%s", out);
	ksft_print_msg("native:%s\n", srv->times);
	pg_cleanup(srv);

	ASSERT_EQ(0, pg_prepare(srv, 1));
	ASSERT_EQ(0, pg_initdb(srv, out)) TH_LOG("preloaded initdb:\n%s", out);
	ASSERT_EQ(0, pg_ctl(srv, out, "start")) TH_LOG("preloaded start:\n%s", out);
	ASSERT_EQ(0, pg_pidfile(srv, &pid, &key, &id));
	EXPECT_EQ(id, key_id(&shm_svshm, key)) TH_LOG("key %#x id %d not on svshm", key, id);
	EXPECT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_LT(0, ds.shm_nattch);
	ASSERT_EQ(0, pg_bench_init(srv, out)) TH_LOG("pgbench -i:\n%s", out);
	n = pg_bench_run(srv, out);
	EXPECT_EQ(100, n) TH_LOG("pgbench:\n%s", out);
	EXPECT_EQ(0, psql(srv, out, "SELECT count(*) FROM pgbench_accounts"));
	EXPECT_STREQ("100000\n", out);
	ASSERT_EQ(0, pg_ctl(srv, out, "fast")) TH_LOG("stop:\n%s", out);
	pg_reap();
	EXPECT_EQ(-1, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, pg_log_errors(_metadata, srv, "preload"));
	ksft_print_msg("postgresql preloaded: %ld s:%s\n", (long)(time(NULL) - t0), srv->times);
}

TEST_HARNESS_MAIN
