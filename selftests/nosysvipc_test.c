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
 *
 * There, too, nothing owns /proc/sysvipc/shm or kernel.shmmax, shmall,
 * shmmni, shm_rmid_forced, shm_next_id: svshm serves them for /dev/svshm,
 * so that ipcs(1), sysctl(8) and the programs that read them work as with
 * native. The listing must show svshm's segments as IPC_STAT does, in
 * native's format; each sysctl must be the module parameter of its name
 * (one value, whichever is written), with native's ranges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "common.h"
#include "kselftest_harness.h"
#include "preload.h"
#include "pg.h"

#define NO_NATIVE_IN_PG	"could not create shared memory segment: Function not implemented"
#define SYSVIPC_SHM	"/proc/sysvipc/shm"
#define KEY		0x5e7a1000

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

/* One row of the listing, as native's sysvipc_shm_proc_show() prints it. */
struct row {
	int key, id;
	unsigned int mode, cpid, lpid, uid, gid, cuid, cgid;
	unsigned long size, nattch, rss, swap;
	unsigned long long atime, dtime, ctime;
};

/* The row of @id in @path, and its header line in @header: 0, or -1. */
static int listing_row(const char *path, int id, struct row *r, char *header, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int found = -1;

	if (!f)
		return -1;
	/* The rows are compared whole, padding and all. */
	memset(r, 0, sizeof(*r));
	if (!fgets(header, len, f)) {
		fclose(f);
		return -1;
	}
	while (found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %d %o %lu %u %u %lu %u %u %u %u %llu %llu %llu %lu %lu",
			   &r->key, &r->id, &r->mode, &r->size, &r->cpid, &r->lpid, &r->nattch,
			   &r->uid, &r->gid, &r->cuid, &r->cgid, &r->atime, &r->dtime, &r->ctime,
			   &r->rss, &r->swap) == 16 && r->id == id)
			found = 0;
	}
	fclose(f);
	return found;
}

/* Native's header (ipc/shm.c, 64-bit), which ipcs parses. */
#define NATIVE_HEADER								\
	"       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid" \
	"  cgid      atime      dtime      ctime                   rss                  swap\n"

/*
 * A segment made on svshm, attached and written, then detached and
 * attached again (so that lpid, atime and dtime are set): its row in
 * /proc/sysvipc/shm says what IPC_STAT says, field by field, and is
 * /proc/svshm's row.
 */
TEST(sysvipc_shm_lists_svshm)
{
	char header[512], header2[512];
	struct shmid_ds ds;
	struct row r, r2;
	char *p;
	int id;

	REQUIRE_NO_SYSVIPC();
	zap_keys(KEY, 1);
	id = svshm_shmget(KEY, 3 * PG + 5, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id) TH_LOG("svshm shmget: %s", strerror(errno));
	p = svshm_shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	memset(p, 1, 2 * PG);
	EXPECT_EQ(0, svshm_shmdt(p));
	p = svshm_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	ASSERT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));

	ASSERT_EQ(0, listing_row(SYSVIPC_SHM, id, &r, header, sizeof(header)))
		TH_LOG("segment %d not in " SYSVIPC_SHM, id);
	EXPECT_STREQ(NATIVE_HEADER, header);
	EXPECT_EQ(KEY, r.key);
	EXPECT_EQ(id, r.id);
	EXPECT_EQ(ds.shm_perm.mode, r.mode);
	EXPECT_EQ(0640, r.mode);
	EXPECT_EQ(ds.shm_segsz, r.size);
	EXPECT_EQ(3 * PG + 5, r.size);
	EXPECT_EQ(ds.shm_cpid, r.cpid);
	EXPECT_EQ(getpid(), r.cpid);
	EXPECT_EQ(ds.shm_lpid, r.lpid);
	EXPECT_EQ(ds.shm_nattch, r.nattch);
	EXPECT_EQ(1, r.nattch);
	EXPECT_EQ(ds.shm_perm.uid, r.uid);
	EXPECT_EQ(geteuid(), r.uid);
	EXPECT_EQ(ds.shm_perm.gid, r.gid);
	EXPECT_EQ(ds.shm_perm.cuid, r.cuid);
	EXPECT_EQ(ds.shm_perm.cgid, r.cgid);
	EXPECT_EQ(getegid(), r.cgid);
	EXPECT_EQ(ds.shm_atime, r.atime);
	EXPECT_EQ(ds.shm_dtime, r.dtime);
	EXPECT_NE(0, r.dtime);
	EXPECT_EQ(ds.shm_ctime, r.ctime);
	EXPECT_EQ(2 * PG, r.rss);
	EXPECT_EQ(0, r.swap);

	/* The same listing as /proc/svshm's: one code, two names. */
	ASSERT_EQ(0, listing_row("/proc/svshm", id, &r2, header2, sizeof(header2)));
	EXPECT_STREQ(header, header2);
	EXPECT_EQ(0, memcmp(&r, &r2, sizeof(r)));

	EXPECT_EQ(0, svshm_shmdt(p));
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, listing_row(SYSVIPC_SHM, id, &r, header, sizeof(header)));
}

/* util-linux's ipcs -m, not preloaded, reads /proc/sysvipc/shm: svshm's. */
TEST(ipcs_lists_svshm)
{
	unsigned long bytes, nattch;
	char line[512], owner[64];
	unsigned int key, perms;
	int id, sid, rows = 0;
	FILE *f;

	REQUIRE_NO_SYSVIPC();
	zap_keys(KEY + 1, 1);
	id = svshm_shmget(KEY + 1, 5 * PG, IPC_CREAT | IPC_EXCL | 0604);
	ASSERT_LE(0, id) TH_LOG("svshm shmget: %s", strerror(errno));
	f = popen("env -u LD_PRELOAD ipcs -m", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%x %d %63s %o %lu %lu", &key, &sid, owner, &perms, &bytes,
			   &nattch) != 6 || sid != id)
			continue;
		rows++;
		EXPECT_EQ(KEY + 1, key);
		EXPECT_EQ(0604, perms);
		EXPECT_EQ(5 * PG, bytes);
		EXPECT_EQ(0, nattch);
	}
	EXPECT_EQ(0, pclose(f));
	EXPECT_EQ(1, rows) TH_LOG("ipcs -m listed segment %d %d times", id, rows);
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
}

/* kernel.NAME and the module parameter NAME, as files. */
static const char *sysctl_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/proc/sys/kernel/%s", name);
	return buf;
}

static const char *param_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/sys/module/svshm/parameters/%s", name);
	return buf;
}

/* The first line of @path, without its newline, in @buf: 0, or -1. */
static int read_value(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

static const char *const knob_names[] = { "shmmax", "shmall", "shmmni", "shm_rmid_forced" };

FIXTURE(knobs) {
	char saved[4][32];
};

FIXTURE_SETUP(knobs)
{
	char path[128];

	REQUIRE_NO_SYSVIPC();
	if (geteuid() != 0)
		SKIP(return, "changing the limits needs root");
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, read_value(param_path(path, sizeof(path), knob_names[i]),
					self->saved[i], sizeof(self->saved[i])));
}

FIXTURE_TEARDOWN(knobs)
{
	char path[128];

	if (geteuid() != 0 || native_shm_present())
		return;
	for (int i = 0; i < 4; i++)
		file_write(param_path(path, sizeof(path), knob_names[i]), self->saved[i]);
}

/* @name's sysctl and parameter read @sysctl and @param. */
#define EXPECT_BOTH(name, sysctl, param) do {					\
		char _p[128], _v[32];						\
		ASSERT_EQ(0, read_value(sysctl_path(_p, sizeof(_p), name), _v, sizeof(_v))); \
		EXPECT_STREQ(sysctl, _v) TH_LOG("kernel.%s", name);		\
		ASSERT_EQ(0, read_value(param_path(_p, sizeof(_p), name), _v, sizeof(_v))); \
		EXPECT_STREQ(param, _v) TH_LOG("parameter %s", name);		\
	} while (0)

/*
 * sysctl(8) and the files of /proc/sys/kernel change what shmget enforces,
 * and the parameters read the same; a parameter written shows in the
 * sysctl.
 */
TEST_F(knobs, sysctls_are_the_parameters)
{
	char path[128];
	int id, id2;

	ASSERT_EQ(0, system("sysctl -q -w kernel.shmmax=8192"));
	EXPECT_BOTH("shmmax", "8192", "8192");
	EXPECT_EQ(-1, svshm_shmget(IPC_PRIVATE, 8193, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	id = svshm_shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
	ASSERT_EQ(0, file_write(param_path(path, sizeof(path), "shmmax"), "16384"));
	EXPECT_BOTH("shmmax", "16384", "16384");

	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shmall"), "123456"));
	EXPECT_BOTH("shmall", "123456", "123456");

	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shmmni"), "1"));
	EXPECT_BOTH("shmmni", "1", "1");
	id = svshm_shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	if (id >= 0) {
		EXPECT_EQ(-1, svshm_shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600));
		EXPECT_EQ(ENOSPC, errno);
		EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
	} else {
		/* Another segment is there already: none more. */
		EXPECT_EQ(ENOSPC, errno);
	}
	ASSERT_EQ(0, file_write(param_path(path, sizeof(path), "shmmni"), "4096"));
	EXPECT_BOTH("shmmni", "4096", "4096");

	/* On, the orphans go: one made by a child that is gone, and not ours. */
	zap_keys(KEY + 2, 2);
	id = svshm_shmget(KEY + 3, PG, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id);
	if (fork() == 0)
		_exit(svshm_shmget(KEY + 2, PG, IPC_CREAT | IPC_EXCL | 0600) < 0);
	ASSERT_LT(0, wait(&id2));
	ASSERT_EQ(0, id2);
	ASSERT_LE(0, key_id(&shm_svshm, KEY + 2));
	ASSERT_EQ(0, system("sysctl -q -w kernel.shm_rmid_forced=1"));
	EXPECT_BOTH("shm_rmid_forced", "1", "Y");
	EXPECT_EQ(-1, key_id(&shm_svshm, KEY + 2));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(id, key_id(&shm_svshm, KEY + 3));
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
	ASSERT_EQ(0, file_write(param_path(path, sizeof(path), "shm_rmid_forced"), "N"));
	EXPECT_BOTH("shm_rmid_forced", "0", "N");

	/* shm_next_id: the sysctl sets, the parameter reads, the next segment takes it. */
	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shm_next_id"), "300"));
	EXPECT_BOTH("shm_next_id", "300", "300");
	id = svshm_shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	EXPECT_EQ(300, id);
	EXPECT_BOTH("shm_next_id", "-1", "-1");
	if (id >= 0)
		EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));
}

/* Native's ranges and errors: a refused value changes nothing. */
TEST_F(knobs, native_ranges)
{
	static const char *const bad[][2] = {
		{ "shm_rmid_forced", "2" }, { "shm_rmid_forced", "-1" },
		{ "shmmni", "32769" }, { "shmmni", "-1" }, { "shmmax", "junk" },
		{ "shm_next_id", "-1" }, { "shm_next_id", "2147483648" },
	};
	char path[128];

	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shmmni"), "32768"));
	EXPECT_BOTH("shmmni", "32768", "32768");
	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shmmni"), "0"));
	EXPECT_BOTH("shmmni", "0", "0");
	EXPECT_EQ(-1, svshm_shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, file_write(sysctl_path(path, sizeof(path), "shmmni"), "4096"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, file_write(sysctl_path(path, sizeof(path), bad[i][0]), bad[i][1]))
			TH_LOG("kernel.%s=%s", bad[i][0], bad[i][1]);
	}
	EXPECT_BOTH("shmmni", "4096", "4096");
	EXPECT_BOTH("shm_rmid_forced", "0", "N");
	EXPECT_BOTH("shm_next_id", "-1", "-1");
	EXPECT_NE(0, system("sysctl -q -w kernel.shm_rmid_forced=2 2>/dev/null"));
	EXPECT_BOTH("shm_rmid_forced", "0", "N");
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
