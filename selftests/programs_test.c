// SPDX-License-Identifier: GPL-2.0
/*
 * Real, unmodified programs on svshm: each program runs twice in the same
 * guest, natively and under LD_PRELOAD=libsvshm-preload.so (one variant
 * each), and must give the same observable result both times: the one
 * written here. On a kernel without SysV IPC the native variants skip and
 * the preloaded ones must still give it. Each run leaves proof of where its
 * segments went: a keyed segment that shows on the backend the run used and
 * not on the other (Perl, Python), or the server's segment and the table's
 * counters (PostgreSQL). The programs are Perl's shm* builtins and
 * IPC::SharedMem, Python's sysv_ipc, and PostgreSQL 15 with its main and
 * dynamic shared memory in System V segments.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "preload.h"
#include "pg.h"

#define PERL		"/usr/bin/perl"
#define PYTHON		"/usr/bin/python3"

/*
 * One way of running a program: natively, its segments must show on
 * @where and not on @other; preloaded, the other way round.
 */
struct side {
	const char *name;
	int preload;
	const struct shm_backend *where, *other;
};

static const struct side sides[] = {
	{ "native", 0, &shm_native, &shm_svshm },
	{ "preload", 1, &shm_svshm, &shm_native },
};

/*
 * The proof of where a run went: the marker segment it left under @key
 * holds @text on @s->where, and no segment has @key on @s->other. The
 * marker is removed.
 */
static void check_marker(struct __test_metadata *_metadata, const struct side *s,
			 key_t key, const char *text)
{
	int id = key_id(s->where, key);
	char *p;

	EXPECT_GT(0, key_id(s->other, key)) TH_LOG("%s run left key %#x on %s",
						   s->name, key, s->other->name);
	ASSERT_LE(0, id) TH_LOG("%s run left no key %#x on %s: %s", s->name, key,
				s->where->name, strerror(errno));
	p = s->where->at(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(0, memcmp(p, text, strlen(text))) TH_LOG("marker holds %.32s", p);
	EXPECT_EQ(0, s->where->dt(p));
	EXPECT_EQ(0, s->where->ctl(id, IPC_RMID, NULL));
}

/* A key of our own per test, so that the root and nobody runs never meet. */
static key_t test_key(int test)
{
	return 0x5e000000 | (getpid() & 0xffff) << 8 | test << 4;
}

FIXTURE(prog) {
	key_t key;
};

FIXTURE_VARIANT(prog) {
	const struct side *s;
};

FIXTURE_VARIANT_ADD(prog, native) { .s = &sides[0] };
FIXTURE_VARIANT_ADD(prog, preload) { .s = &sides[1] };

FIXTURE_SETUP(prog)
{
	SKIP_IF_NO_NATIVE(variant->s->where);
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s: %s", preload_lib(), strerror(errno));
	self->key = 0;
}

/*
 * In the parent: the harness's grandchild can skip its own teardown after
 * a failed ASSERT (its fork() result is not kept across the longjmp()).
 */
FIXTURE_TEARDOWN_PARENT(prog)
{
	if (self->key)
		zap_keys(self->key, 4);
}

/*
 * Perl's builtins (shmget, shmwrite, shmread, shmctl with the IPC_STAT buffer
 * unpacked by hand in x86-64's struct shmid_ds layout, IPC_RMID), then
 * IPC::SharedMem, then a marker left under KEY + 2.
 */
static const char perl_script[] =
	"use strict; use warnings;\n"
	"use IPC::SysV qw(IPC_CREAT IPC_EXCL IPC_STAT IPC_RMID);\n"
	"use IPC::SharedMem;\n"
	"my $k = shift;\n"
	"my $id = shmget($k, 10000, IPC_CREAT | IPC_EXCL | 0640) // die \"shmget: $!\\n\";\n"
	"shmwrite($id, 'perl builtins', 5000, 13) or die \"shmwrite: $!\\n\";\n"
	"my $buf;\n"
	"shmread($id, $buf, 5000, 13) or die \"shmread: $!\\n\";\n"
	"print \"shmread: $buf\\n\";\n"
	"my $raw = '';\n"
	"shmctl($id, IPC_STAT, $raw) or die \"IPC_STAT: $!\\n\";\n"
	"my ($key, $uid, $gid, $cuid, $cgid, $mode) = unpack('l L L L L S', $raw);\n"
	"my ($segsz, $at, $dt, $ct, $cpid, $lpid, $nattch) = unpack('x48 Q q q q l l Q', $raw);\n"
	"printf \"stat: len %d key %d uid %d cuid %d mode %o segsz %d nattch %d\\n\",\n"
	"	length($raw), $key == $k, $uid == $>, $cuid == $>, $mode & 0777, $segsz, $nattch;\n"
	"printf \"stat: cpid %d lpid %d atime %d dtime %d ctime %d\\n\",\n"
	"	$cpid == $$, $lpid == $$, $at > 0, $dt >= $at, $ct > 0;\n"
	"shmctl($id, IPC_RMID, 0) or die \"IPC_RMID: $!\\n\";\n"
	"printf \"after IPC_RMID: %s\\n\", defined shmget($k, 0, 0) ? 'found' : $!{ENOENT} ? 'ENOENT' : $!;\n"
	"my $shm = IPC::SharedMem->new($k + 1, 8192, IPC_CREAT | IPC_EXCL | 0600) or die \"new: $!\\n\";\n"
	"$shm->write('IPC::SharedMem', 100, 14) or die \"write: $!\\n\";\n"
	"print 'read: ', $shm->read(100, 14), \"\\n\";\n"
	"$shm->attach or die \"attach: $!\\n\";\n"
	"$shm->write('attached', 200, 8) or die \"memwrite: $!\\n\";\n"
	"my $st = $shm->stat or die \"stat: $!\\n\";\n"
	"printf \"attached: %s segsz %d nattch %d mode %o cpid %d\\n\", $shm->read(200, 8),\n"
	"	$st->segsz, $st->nattch, $st->mode & 0777, $st->cpid == $$;\n"
	"$shm->detach or die \"detach: $!\\n\";\n"
	"printf \"detached: nattch %d read %s\\n\", $shm->stat->nattch, $shm->read(200, 8);\n"
	"$shm->remove or die \"remove: $!\\n\";\n"
	"printf \"removed: %s\\n\", defined shmget($k + 1, 0, 0) ? 'found' : 'gone';\n"
	"my $m = shmget($k + 2, 4096, IPC_CREAT | IPC_EXCL | 0644) // die \"marker: $!\\n\";\n"
	"shmwrite($m, 'left by perl', 0, 12) or die \"marker: $!\\n\";\n"
	"print \"marker left\\n\";\n";

static const char perl_expected[] =
	"shmread: perl builtins\n"
	"stat: len 112 key 1 uid 1 cuid 1 mode 640 segsz 10000 nattch 0\n"
	"stat: cpid 1 lpid 1 atime 1 dtime 1 ctime 1\n"
	"after IPC_RMID: ENOENT\n"
	"read: IPC::SharedMem\n"
	"attached: attached segsz 8192 nattch 1 mode 600 cpid 1\n"
	"detached: nattch 0 read attached\n"
	"removed: gone\n"
	"marker left\n";

TEST_F_TIMEOUT(prog, perl, 120)
{
	const struct side *s = variant->s;
	char out[OUT_MAX], arg[16];
	char *argv[] = { PERL, "-e", (char *)perl_script, arg, NULL };

	if (access(PERL, X_OK))
		SKIP(return, PERL " is not installed");
	self->key = test_key(1);
	snprintf(arg, sizeof(arg), "%d", self->key);
	zap_keys(self->key, 4);
	ASSERT_EQ(0, run_program(argv, s->preload, 0, out, OUT_MAX))
		TH_LOG("%s run:\n%s", s->name, out);
	check_marker(_metadata, s, self->key + 2, "left by perl");
	EXPECT_STREQ(perl_expected, out);
}

/*
 * Python's sysv_ipc: create with IPC_CREX, write, read, a second
 * attachment, a forked child writing through the inherited one, detach,
 * remove; then a marker left under KEY + 1.
 */
static const char python_script[] =
	"import os, sys, sysv_ipc\n"
	"k = int(sys.argv[1])\n"
	"m = sysv_ipc.SharedMemory(k, sysv_ipc.IPC_CREX, mode=0o600, size=5000)\n"
	"print('created', m.size, oct(m.mode), m.number_attached,\n"
	"      m.creator_pid == os.getpid(), m.uid == os.geteuid(), m.read(4, 4996))\n"
	"m.write(b'hello python', 100)\n"
	"print('read', m.read(12, 100))\n"
	"m2 = sysv_ipc.attach(m.id)\n"
	"print('second attach', m.number_attached, m2.read(12, 100))\n"
	"sys.stdout.flush()\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    m2.write(b'from the child', 300)\n"
	"    print('in the child', m.number_attached, flush=True)\n"
	"    os._exit(0)\n"
	"_, st = os.waitpid(pid, 0)\n"
	"print('child', os.waitstatus_to_exitcode(st), m.read(14, 300), m.number_attached)\n"
	"m2.detach()\n"
	"m.detach()\n"
	"print('detached', m.number_attached, m.last_pid == os.getpid(),\n"
	"      m.last_detach_time >= m.last_attach_time > 0)\n"
	"m.remove()\n"
	"try:\n"
	"    sysv_ipc.SharedMemory(k)\n"
	"    print('still there')\n"
	"except sysv_ipc.ExistentialError:\n"
	"    print('removed')\n"
	"mk = sysv_ipc.SharedMemory(k + 1, sysv_ipc.IPC_CREX, mode=0o644, size=4096)\n"
	"mk.write(b'left by python')\n"
	"mk.detach()\n"
	"print('marker left')\n";

static const char python_expected[] =
	"created 5000 0o600 1 True True b'    '\n"
	"read b'hello python'\n"
	"second attach 2 b'hello python'\n"
	"in the child 4\n"
	"child 0 b'from the child' 2\n"
	"detached 0 True True\n"
	"removed\n"
	"marker left\n";

/* sysv_ipc is a package of its own: installed or not, the Debian way. */
static int have_sysv_ipc(void)
{
	glob_t g;
	int found;

	if (access(PYTHON, X_OK))
		return 0;
	found = !glob("/usr/lib/python3/dist-packages/sysv_ipc*.so", 0, NULL, &g);
	if (found)
		globfree(&g);
	return found;
}

TEST_F_TIMEOUT(prog, python_sysv_ipc, 120)
{
	const struct side *s = variant->s;
	char out[OUT_MAX], arg[16];
	char *argv[] = { PYTHON, "-c", (char *)python_script, arg, NULL };

	if (!have_sysv_ipc())
		SKIP(return, PYTHON " with sysv_ipc (python3-sysv-ipc) is not installed");
	self->key = test_key(2);
	snprintf(arg, sizeof(arg), "%d", self->key);
	zap_keys(self->key, 4);
	ASSERT_EQ(0, run_program(argv, s->preload, 0, out, OUT_MAX))
		TH_LOG("%s run:\n%s", s->name, out);
	check_marker(_metadata, s, self->key + 1, "left by python");
	EXPECT_STREQ(python_expected, out);
}

/*
 * PostgreSQL 15 (pg.h), main and dynamic shared memory in System V
 * segments: initdb, start, pgbench, a parallel query (its workers share a
 * dynamic segment), stop, start, a crash (the postmaster killed, its
 * segment left behind, which the next start inspects with IPC_STAT and
 * removes), stop. What each step showed goes into @sum, which must read
 * pg_expected on either side.
 */
static const char pg_expected[] =
	"pgbench: 100 transactions\n"
	"parallel: 2 workers\n"
	"after restart: 0 100000\n"
	"crashed: segment left with nattch 0\n"
	"after crash restart: 0 100000\n"
	"crash recovery: 1\n"
	"log errors: 0\n";

FIXTURE(pg) {
	struct pg_server srv;
	char sum[2048];
};

FIXTURE_VARIANT(pg) {
	const struct side *s;
};

FIXTURE_VARIANT_ADD(pg, native) { .s = &sides[0] };
FIXTURE_VARIANT_ADD(pg, preload) { .s = &sides[1] };

FIXTURE_SETUP(pg)
{
	SKIP_IF_NO_NATIVE(variant->s->where);
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s: %s", preload_lib(), strerror(errno));
	self->srv.dir[0] = 0;
	self->srv.running = 0;
	self->sum[0] = 0;
	/* The killed postmaster must come back to us to be reaped, not to init. */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* In the parent, as for prog: a failed ASSERT must still stop the server. */
FIXTURE_TEARDOWN_PARENT(pg)
{
	pg_cleanup(&self->srv);
}

static void sum(FIXTURE_DATA(pg) *self, const char *fmt, ...)
{
	size_t used = strlen(self->sum);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(self->sum + used, sizeof(self->sum) - used, fmt, ap);
	va_end(ap);
}

/*
 * The running server's segment is on the side's backend only: its key
 * finds its id there and nothing on the other; it is attached. Returns
 * the id.
 */
static int pg_check_segment(struct __test_metadata *_metadata, struct pg_server *srv,
			    const struct side *s)
{
	struct shmid_ds ds;
	key_t key = 0;
	int id = -1;
	pid_t pid;

	ASSERT_EQ(0, pg_pidfile(srv, &pid, &key, &id));
	EXPECT_EQ(id, key_id(s->where, key)) TH_LOG("%s: key %#x id %d not on %s",
						     s->name, key, id, s->where->name);
	EXPECT_GT(0, key_id(s->other, key)) TH_LOG("%s: key %#x on %s", s->name, key,
						   s->other->name);
	EXPECT_EQ(0, s->where->ctl(id, IPC_STAT, &ds));
	EXPECT_LT(0, ds.shm_nattch);
	EXPECT_EQ(NOBODY, ds.shm_perm.uid);
	EXPECT_EQ(0600, ds.shm_perm.mode & 0777);
	return id;
}

/* Kill -9 the postmaster, reap it, wait for its children to detach. */
static void pg_crash(struct __test_metadata *_metadata, FIXTURE_DATA(pg) *self,
		     const struct side *s)
{
	struct shmid_ds ds;
	key_t key;
	pid_t pid;
	int id, i;

	ASSERT_EQ(0, pg_pidfile(&self->srv, &pid, &key, &id));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	/* A zombie postmaster would pass PostgreSQL's kill(pid, 0) check. */
	for (i = 0; i < 600 && !kill(pid, 0); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	/* The children see the postmaster gone and exit: nattch drops to 0. */
	for (i = 0; i < 600; i++) {
		ASSERT_EQ(0, s->where->ctl(id, IPC_STAT, &ds));
		if (!ds.shm_nattch)
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, ds.shm_nattch);
	self->srv.running = 0;
	sum(self, "crashed: segment left with nattch %lu\n", (unsigned long)ds.shm_nattch);
}

TEST_F_TIMEOUT(pg, postgresql, 600)
{
	const struct side *s = variant->s;
	struct pg_server *srv = &self->srv;
	int where0 = used_ids(s->where), other0 = used_ids(s->other);
	char out[OUT_MAX];
	struct shmid_ds ds;
	time_t t0 = time(NULL);
	int id, n, rc;

	if (!pg_installed())
		SKIP(return, "PostgreSQL 15 is not installed in " PG_BIN);
	/* The root run already runs the server as nobody: once is enough. */
	if (geteuid() != 0)
		SKIP(return, "run as root, which serves PostgreSQL as uid 65534");
	ASSERT_EQ(0, pg_prepare(srv, s->preload));
	rc = pg_initdb(srv, out);
	ASSERT_EQ(0, rc) TH_LOG("%s initdb:\n%s", s->name, out);

	ASSERT_EQ(0, pg_ctl(srv, out, "start")) TH_LOG("%s start:\n%s", s->name, out);
	pg_check_segment(_metadata, srv, s);
	/* The main segment and the dynamic shared memory control segment. */
	EXPECT_LE(where0 + 2, used_ids(s->where));
	EXPECT_EQ(other0, used_ids(s->other));

	ASSERT_EQ(0, pg_bench_init(srv, out)) TH_LOG("%s pgbench -i:\n%s", s->name, out);
	n = pg_bench_run(srv, out);
	ASSERT_LT(0, n) TH_LOG("%s pgbench:\n%s", s->name, out);
	sum(self, "pgbench: %d transactions\n", n);

	/* Parallel workers: they share a dynamic segment (shmget by key). */
	rc = psql(srv, out, "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
		  "SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;"
		  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)"
		  " SELECT count(*) FROM pgbench_accounts");
	EXPECT_EQ(0, rc) TH_LOG("%s", out);
	sum(self, "parallel: %s\n", strstr(out, "Workers Launched: 2") ? "2 workers" : out);
	ASSERT_EQ(0, pg_ctl(srv, out, "fast")) TH_LOG("%s stop:\n%s", s->name, out);
	pg_reap();
	EXPECT_EQ(where0, used_ids(s->where));

	ASSERT_EQ(0, pg_ctl(srv, out, "start")) TH_LOG("%s restart:\n%s", s->name, out);
	id = pg_check_segment(_metadata, srv, s);
	rc = psql(srv, out, "SELECT count(*) FROM pgbench_accounts");
	sum(self, "after restart: %d %s", rc, out);
	pg_crash(_metadata, self, s);

	ASSERT_EQ(0, pg_ctl(srv, out, "start")) TH_LOG("%s start after crash:\n%s", s->name, out);
	/* PostgreSQL found its old segment unattached and removed it. */
	EXPECT_EQ(-1, s->where->ctl(id, IPC_STAT, &ds));
	pg_check_segment(_metadata, srv, s);
	rc = psql(srv, out, "SELECT count(*) FROM pgbench_accounts");
	sum(self, "after crash restart: %d %s", rc, out);
	ASSERT_EQ(0, pg_ctl(srv, out, "fast")) TH_LOG("%s stop:\n%s", s->name, out);
	pg_reap();
	EXPECT_EQ(where0, used_ids(s->where));
	EXPECT_EQ(other0, used_ids(s->other));

	sum(self, "crash recovery: %d\n", file_has(srv->log, "not properly shut down"));
	sum(self, "log errors: %d\n", pg_log_errors(_metadata, srv, s->name));
	EXPECT_STREQ(pg_expected, self->sum);
	ksft_print_msg("postgresql %s: %ld s:%s\n", s->name, (long)(time(NULL) - t0), srv->times);
}

TEST_HARNESS_MAIN
