// SPDX-License-Identifier: GPL-2.0
/*
 * Real, unmodified programs on svshm: each program runs twice in the same
 * guest, natively and under LD_PRELOAD=libsvshm-preload.so, and must give
 * the same observable result both times. Each run leaves proof of where its
 * segments went: a keyed segment that shows on the backend the run used and
 * not on the other (Perl, Python), or the server's segment and the table's
 * counters (PostgreSQL). The programs are Perl's shm* builtins and
 * IPC::SharedMem, Python's sysv_ipc, and PostgreSQL 15 with its main and
 * dynamic shared memory in System V segments.
 */
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

#define PERL		"/usr/bin/perl"
#define PYTHON		"/usr/bin/python3"
#define PG_BIN		"/usr/lib/postgresql/15/bin"
#define NOBODY		65534
#define OUT_MAX		16384

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

/* The preload library, found from this binary: build/selftests/ -> lib/. */
static const char *preload_lib(void)
{
	static char lib[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (lib[0])
		return lib;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(lib, sizeof(lib), "%s/../../lib/libsvshm-preload.so", dirname(exe));
	return lib;
}

/*
 * Run @argv with or without the preload library, as nobody when @drop and
 * we are root (PostgreSQL refuses root), stdout and stderr into @out.
 * Returns the exit status, or -1 if the program did not exit normally.
 */
static int run(char *const argv[], int preload, int drop, char *out, size_t len)
{
	size_t used = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[1]);
		if (preload)
			setenv("LD_PRELOAD", preload_lib(), 1);
		else
			unsetenv("LD_PRELOAD");
		setenv("HOME", "/tmp", 1);
		setenv("LC_ALL", "C", 1);
		if (drop && geteuid() == 0 &&
		    (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		     setresuid(NOBODY, NOBODY, NOBODY)))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + used, len - 1 - used)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			used += n;
	/* Drain what did not fit, so that the program never blocks on us. */
	while (read(fds[0], &status, sizeof(status)) > 0)
		;
	out[used] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether a segment of @key exists on @b: its id, or -1. */
static int key_id(const struct shm_backend *b, key_t key)
{
	return b->get(key, 0, 0);
}

/* Remove what a run may have left under keys @key .. @key + @n - 1. */
static void zap_keys(key_t key, int n)
{
	for (int i = 0; i < n; i++) {
		int id;

		while ((id = key_id(&shm_native, key + i)) >= 0 &&
		       !shm_native.ctl(id, IPC_RMID, NULL))
			;
		while ((id = key_id(&shm_svshm, key + i)) >= 0 &&
		       !shm_svshm.ctl(id, IPC_RMID, NULL))
			;
	}
}

static int used_ids(const struct shm_backend *b)
{
	struct shm_info info;

	if (b->ctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -1;
	return info.used_ids;
}

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

FIXTURE_SETUP(prog)
{
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
	char out[2][OUT_MAX], arg[16];

	if (access(PERL, X_OK))
		SKIP(return, PERL " is not installed");
	self->key = test_key(1);
	snprintf(arg, sizeof(arg), "%d", self->key);
	for (int i = 0; i < 2; i++) {
		char *argv[] = { PERL, "-e", (char *)perl_script, arg, NULL };
		const struct side *s = &sides[i];

		zap_keys(self->key, 4);
		ASSERT_EQ(0, run(argv, s->preload, 0, out[i], OUT_MAX))
			TH_LOG("%s run:\n%s", s->name, out[i]);
		check_marker(_metadata, s, self->key + 2, "left by perl");
	}
	EXPECT_STREQ(perl_expected, out[0]);
	EXPECT_STREQ(out[0], out[1]);
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
	char out[2][OUT_MAX], arg[16];

	if (!have_sysv_ipc())
		SKIP(return, PYTHON " with sysv_ipc (python3-sysv-ipc) is not installed");
	self->key = test_key(2);
	snprintf(arg, sizeof(arg), "%d", self->key);
	for (int i = 0; i < 2; i++) {
		char *argv[] = { PYTHON, "-c", (char *)python_script, arg, NULL };
		const struct side *s = &sides[i];

		zap_keys(self->key, 4);
		ASSERT_EQ(0, run(argv, s->preload, 0, out[i], OUT_MAX))
			TH_LOG("%s run:\n%s", s->name, out[i]);
		check_marker(_metadata, s, self->key + 1, "left by python");
	}
	EXPECT_STREQ(python_expected, out[0]);
	EXPECT_STREQ(out[0], out[1]);
}

/*
 * PostgreSQL 15, main and dynamic shared memory in System V segments, run
 * as nobody (it refuses root), data and socket under /tmp: initdb, start,
 * pgbench, a parallel query (its workers share a dynamic segment), stop,
 * start, a crash (the postmaster killed, its segment left behind, which the
 * next start inspects with IPC_STAT and removes), stop. What each step
 * showed goes into @sum, which must be the same on both sides.
 */
#define PG_STEP_MAX	24

FIXTURE(pg) {
	char dir[64], data[96], log[96], sum[2048], times[512];
	time_t t;
	const struct side *s;
	int running;
};

FIXTURE_SETUP(pg)
{
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s: %s", preload_lib(), strerror(errno));
	self->dir[0] = 0;
	self->running = 0;
	/* The killed postmaster must come back to us to be reaped, not to init. */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* How long each step took, to keep the whole within bounds in the guest. */
static void pg_time(FIXTURE_DATA(pg) *self, const char *step)
{
	size_t used = strlen(self->times);
	time_t now = time(NULL);

	snprintf(self->times + used, sizeof(self->times) - used, " %s %ld",
		 step, (long)(now - self->t));
	self->t = now;
}

/* Run PG_BIN/@prog with the NULL-terminated arguments, as nobody. */
static int pg(FIXTURE_DATA(pg) *self, char *out, const char *prog, ...)
{
	char path[PATH_MAX], *argv[PG_STEP_MAX];
	va_list ap;
	int n = 1;

	snprintf(path, sizeof(path), PG_BIN "/%s", prog);
	argv[0] = path;
	va_start(ap, prog);
	while (n < PG_STEP_MAX - 1 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	n = run(argv, self->s->preload, 1, out, OUT_MAX);
	pg_time(self, prog);
	return n;
}

static int pg_ctl(FIXTURE_DATA(pg) *self, char *out, const char *action)
{
	int rc;

	if (!strcmp(action, "start"))
		rc = pg(self, out, "pg_ctl", "-D", self->data, "-l", self->log, "-w",
			"-t", "300", "start", NULL);
	else
		rc = pg(self, out, "pg_ctl", "-D", self->data, "-w", "-t", "300",
			"-m", action, "stop", NULL);
	self->running = !strcmp(action, "start") ? !rc : rc != 0;
	return rc;
}

static int psql(FIXTURE_DATA(pg) *self, char *out, const char *sql)
{
	return pg(self, out, "psql", "-X", "-q", "-A", "-t", "-h", self->dir, "-d", "postgres",
		  "-v", "ON_ERROR_STOP=1", "-c", sql, NULL);
}

/* Reap the postmasters that came back to us (PR_SET_CHILD_SUBREAPER). */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* postmaster.pid: line 1 is the pid, line 7 the segment's key and id. */
static int pg_pidfile(FIXTURE_DATA(pg) *self, pid_t *pid, key_t *key, int *id)
{
	char path[PATH_MAX], line[256];
	unsigned long k, i;
	int n = 0, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/postmaster.pid", self->data);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (n == 1)
			*pid = atoi(line);
		if (n == 7 && sscanf(line, "%lu %lu", &k, &i) == 2) {
			*key = k;
			*id = i;
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
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
static int pg_check_segment(struct __test_metadata *_metadata, FIXTURE_DATA(pg) *self)
{
	const struct side *s = self->s;
	struct shmid_ds ds;
	key_t key = 0;
	int id = -1;
	pid_t pid;

	ASSERT_EQ(0, pg_pidfile(self, &pid, &key, &id));
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
static void pg_crash(struct __test_metadata *_metadata, FIXTURE_DATA(pg) *self)
{
	const struct side *s = self->s;
	struct shmid_ds ds;
	key_t key;
	pid_t pid;
	int id, i;

	ASSERT_EQ(0, pg_pidfile(self, &pid, &key, &id));
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
	self->running = 0;
	sum(self, "crashed: segment left with nattch %lu\n", (unsigned long)ds.shm_nattch);
}

static int pg_log_has(FIXTURE_DATA(pg) *self, const char *needle)
{
	char line[1024];
	int found = 0;
	FILE *f = fopen(self->log, "r");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !!strstr(line, needle);
	fclose(f);
	return found;
}

/* The server log's errors, save the ones a fast stop causes. */
static int pg_log_errors(struct __test_metadata *_metadata, FIXTURE_DATA(pg) *self)
{
	char line[1024];
	int errors = 0;
	FILE *f = fopen(self->log, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "ERROR:") && !strstr(line, "FATAL:") && !strstr(line, "PANIC:"))
			continue;
		if (strstr(line, "due to administrator command"))
			continue;
		TH_LOG("%s server log: %s", self->s->name, line);
		errors++;
	}
	fclose(f);
	return errors;
}

static void pg_side(struct __test_metadata *_metadata, FIXTURE_DATA(pg) *self)
{
	const struct side *s = self->s;
	int where0 = used_ids(s->where), other0 = used_ids(s->other);
	char out[OUT_MAX];
	struct shmid_ds ds;
	time_t t0 = time(NULL);
	int id, n, rc;
	FILE *f;

	self->sum[0] = 0;
	self->times[0] = 0;
	self->t = t0;
	strcpy(self->dir, "/tmp/svshm-pg.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chown(self->dir, NOBODY, NOBODY));
	snprintf(self->data, sizeof(self->data), "%s/data", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/server.log", self->dir);

	rc = pg(self, out, "initdb", "-D", self->data, "-A", "trust", "--no-locale",
		"-E", "UTF8", "-N", "--no-instructions", NULL);
	ASSERT_EQ(0, rc) TH_LOG("%s initdb:\n%s", s->name, out);
	snprintf(out, sizeof(out), "%s/postgresql.conf", self->data);
	f = fopen(out, "a");
	ASSERT_NE(NULL, f);
	/* fsync off: the guest is slow enough, and no crash here loses the OS. */
	fprintf(f, "shared_memory_type = sysv\ndynamic_shared_memory_type = sysv\n"
		"listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\n",
		self->dir);
	fclose(f);

	ASSERT_EQ(0, pg_ctl(self, out, "start")) TH_LOG("%s start:\n%s", s->name, out);
	pg_check_segment(_metadata, self);
	/* The main segment and the dynamic shared memory control segment. */
	EXPECT_LE(where0 + 2, used_ids(s->where));
	EXPECT_EQ(other0, used_ids(s->other));

	rc = pg(self, out, "pgbench", "-h", self->dir, "-i", "-s", "1", "-q", "postgres", NULL);
	ASSERT_EQ(0, rc) TH_LOG("%s pgbench -i:\n%s", s->name, out);
	/* A fixed count rather than -T: the guest's time goes to initdb. */
	rc = pg(self, out, "pgbench", "-h", self->dir, "-n", "-t", "50", "-c", "2", "postgres",
		NULL);
	ASSERT_EQ(0, rc) TH_LOG("%s pgbench:\n%s", s->name, out);
	EXPECT_NE(NULL, strstr(out, "number of failed transactions: 0 ")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "actually processed: "));
	n = atoi(strstr(out, "actually processed: ") + 20);
	EXPECT_LT(0, n);
	sum(self, "pgbench: %d transactions\n", n);

	/* Parallel workers: they share a dynamic segment (shmget by key). */
	rc = psql(self, out, "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
		  "SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;"
		  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)"
		  " SELECT count(*) FROM pgbench_accounts");
	EXPECT_EQ(0, rc) TH_LOG("%s", out);
	sum(self, "parallel: %s\n", strstr(out, "Workers Launched: 2") ? "2 workers" : out);
	ASSERT_EQ(0, pg_ctl(self, out, "fast")) TH_LOG("%s stop:\n%s", s->name, out);
	reap();
	EXPECT_EQ(where0, used_ids(s->where));

	ASSERT_EQ(0, pg_ctl(self, out, "start")) TH_LOG("%s restart:\n%s", s->name, out);
	id = pg_check_segment(_metadata, self);
	rc = psql(self, out, "SELECT count(*) FROM pgbench_accounts");
	sum(self, "after restart: %d %s", rc, out);
	pg_crash(_metadata, self);

	ASSERT_EQ(0, pg_ctl(self, out, "start")) TH_LOG("%s start after crash:\n%s", s->name, out);
	/* PostgreSQL found its old segment unattached and removed it. */
	EXPECT_EQ(-1, s->where->ctl(id, IPC_STAT, &ds));
	pg_check_segment(_metadata, self);
	rc = psql(self, out, "SELECT count(*) FROM pgbench_accounts");
	sum(self, "after crash restart: %d %s", rc, out);
	ASSERT_EQ(0, pg_ctl(self, out, "fast")) TH_LOG("%s stop:\n%s", s->name, out);
	reap();
	EXPECT_EQ(where0, used_ids(s->where));
	EXPECT_EQ(other0, used_ids(s->other));

	sum(self, "crash recovery: %d\n", pg_log_has(self, "not properly shut down"));
	sum(self, "log errors: %d\n", pg_log_errors(_metadata, self));
	ksft_print_msg("postgresql %s: %ld s:%s\n", s->name, (long)(time(NULL) - t0),
		       self->times);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Stop what is left running, remove the directory, and any segment. */
static void pg_cleanup(FIXTURE_DATA(pg) *self)
{
	char out[OUT_MAX];
	key_t key = 0;
	pid_t pid;
	int id;

	if (!self->dir[0])
		return;
	if (self->running)
		pg_ctl(self, out, "immediate");
	/* Only a server we started: a stale pid file's pid may be reused. */
	if (!pg_pidfile(self, &pid, &key, &id) && self->running)
		kill(pid, SIGKILL);
	reap();
	if (key)
		zap_keys(key, 1);
	nftw(self->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	self->dir[0] = 0;
}

/* In the parent, as for prog: a failed ASSERT must still stop the server. */
FIXTURE_TEARDOWN_PARENT(pg)
{
	pg_cleanup(self);
}

TEST_F_TIMEOUT(pg, postgresql, 600)
{
	char sums[2][sizeof(self->sum)];

	if (access(PG_BIN "/postgres", X_OK) || access(PG_BIN "/pgbench", X_OK))
		SKIP(return, "PostgreSQL 15 is not installed in " PG_BIN);
	/* The root run already runs the server as nobody: once is enough. */
	if (geteuid() != 0)
		SKIP(return, "run as root, which serves PostgreSQL as uid 65534");
	for (int i = 0; i < 2; i++) {
		self->s = &sides[i];
		pg_side(_metadata, self);
		memcpy(sums[i], self->sum, sizeof(sums[i]));
		pg_cleanup(self);
	}
	EXPECT_STREQ(sums[0], sums[1]);
	EXPECT_NE(NULL, strstr(sums[0], "after crash restart: 0 100000\ncrash recovery: 1\nlog errors: 0\n"))
		TH_LOG("%s", sums[0]);
}

TEST_HARNESS_MAIN
