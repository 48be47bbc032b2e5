// SPDX-License-Identifier: GPL-2.0
/*
 * Programs whose shm calls no preload library reaches, on svshm through
 * svshm-exec: a statically linked C program on glibc (peer-static,
 * selftests/peer_static.c), a Go program on golang.org/x/sys/unix
 * (peer-go, selftests/go/peer.go) and a static busybox's ipcs and ipcrm
 * (scripts/busybox-build.sh). Each shares segments with the others, with
 * this test (libsvshm) and with util-linux's programs under LD_PRELOAD:
 * the data one writes the other reads, nattch counts every attachment, a
 * listing shows what another made, a removal removes it. The peers run
 * natively too (the "native" variant, where the kernel has SysV IPC), and
 * each run's segment must show on its own backend and not on the other.
 * On the kernel without SysV IPC the same static programs without
 * svshm-exec get ENOSYS.
 *
 * The programs are built by make callers into build/callers (make check
 * builds them before the guests), and by the kselftest build beside the
 * tests; the guest sees the host's tree, so they are found from this
 * binary: beside it, else ../callers (from build/selftests). A missing one
 * fails the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"
#include "preload.h"
#include "tools.h"

#define SEG_SIZE	8192
#define IPCMK		"/usr/bin/ipcmk"
#define IPCS		"/usr/bin/ipcs"
#define IPCRM		"/usr/bin/ipcrm"
/* What svshm-exec says where it cannot trace (tools/svshm-exec.c). */
#define NO_ARCH		"not supported on this architecture"
#define NO_SECCOMP	"no seccomp filters"

/* The path of caller @name (see the top) into @buf; "" if there is none. */
static void caller_path(const char *name, char *buf, size_t len)
{
	static const char *const where[] = { "", "../callers/" };
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	dir = dirname(exe);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(buf, len, "%s/%s%s", dir, where[i], name);
		if (!access(buf, X_OK))
			return;
	}
	buf[0] = 0;
}

/* A peer that holds its segment until its stdin ends. */
struct peer {
	pid_t pid;
	int in;
	FILE *out;
};

/* Start @argv, its stdout and stderr into @p->out, its stdin from @p->in. */
static int peer_start(struct peer *p, char *const argv[])
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC))
		return -1;
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	p->pid = fork();
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		unsetenv("LD_PRELOAD");
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in = in[1];
	p->out = fdopen(out[0], "r");
	return p->pid < 0 || !p->out ? -1 : 0;
}

/* Let the peer go: close its stdin, wait; its exit status, or -1. */
static int peer_end(struct peer *p)
{
	int status;

	if (p->pid <= 0)
		return -1;
	close(p->in);
	while (p->out && fgetc(p->out) != EOF)
		;
	if (p->out)
		fclose(p->out);
	p->out = NULL;
	if (waitpid(p->pid, &status, 0) != p->pid)
		status = -1;
	p->pid = 0;
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A row of an ipcs -m listing (util-linux's layout, busybox's the same). */
struct row {
	unsigned int key;
	int id;
	unsigned int perms;
	unsigned long bytes, nattch;
};

/* Find the row of @id in listing @out; 1 if found. */
static int find_row(const char *out, int id, struct row *r)
{
	char owner[64];

	for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (sscanf(l, "0x%x %d %63s %o %lu %lu", &r->key, &r->id, owner, &r->perms,
			   &r->bytes, &r->nattch) == 6 && r->id == id)
			return 1;
	return 0;
}

FIXTURE(callers) {
	char exec[PATH_MAX], cstatic[PATH_MAX], go[PATH_MAX], busybox[PATH_MAX];
	char text[64], out[OUT_MAX];
	const struct shm_backend *b, *other;
	struct peer peer;
	key_t key;
	int id;
	char *p;
};

/*
 * native: the peers run natively and the test's side is glibc's; svshm:
 * the peers run under svshm-exec and the test's side is libsvshm.
 */
FIXTURE_VARIANT(callers) {
	int exec;
};

FIXTURE_VARIANT_ADD(callers, native) { .exec = 0 };
FIXTURE_VARIANT_ADD(callers, svshm) { .exec = 1 };

FIXTURE_SETUP(callers)
{
	char *const probe[] = { self->exec, "--", "/bin/true", NULL };

	self->b = variant->exec ? &shm_svshm : &shm_native;
	self->other = variant->exec ? &shm_native : &shm_svshm;
	SKIP_IF_NO_NATIVE(self->b);
	tool_path("svshm-exec", self->exec, sizeof(self->exec));
	ASSERT_EQ(0, access(self->exec, X_OK)) TH_LOG("no svshm-exec: %s (make tools)", self->exec);
	caller_path("peer-static", self->cstatic, sizeof(self->cstatic));
	caller_path("peer-go", self->go, sizeof(self->go));
	caller_path("busybox", self->busybox, sizeof(self->busybox));
	ASSERT_NE(0, self->cstatic[0]) TH_LOG("no build/callers/peer-static (make callers)");
	ASSERT_NE(0, self->go[0]) TH_LOG("no build/callers/peer-go (make callers)");
	ASSERT_NE(0, self->busybox[0]) TH_LOG("no build/callers/busybox (make callers)");
	ASSERT_EQ(0, access(preload_lib(), R_OK)) TH_LOG("%s", preload_lib());
	if (variant->exec && run_program(probe, 0, 0, self->out, sizeof(self->out)) == 126) {
		if (strstr(self->out, NO_ARCH))
			SKIP(return, "svshm-exec: " NO_ARCH);
		/* Only where the kernel has no seccomp filters at all. */
		if (strstr(self->out, NO_SECCOMP)) {
			ASSERT_NE(0, access("/proc/sys/kernel/seccomp", F_OK));
			SKIP(return, "svshm-exec: %.200s", self->out);
		}
	}
	self->key = (key_t)(0x5c000000 | (getpid() & 0xffff) << 8);
	self->id = -1;
	self->p = (void *)-1;
	snprintf(self->text, sizeof(self->text), "caller text of %d", getpid());
	zap_keys(self->key, 1);
}

FIXTURE_TEARDOWN(callers)
{
	if (self->peer.pid > 0) {
		kill(self->peer.pid, SIGKILL);
		peer_end(&self->peer);
	}
	/* A setup that skipped made nothing: key 0 is no key of this test. */
	if (!self->key)
		return;
	if (self->p != (void *)-1)
		self->b->dt(self->p);
	zap_keys(self->key, 1);
}

/*
 * Run @prog with @args (NULL-terminated, at most 6), under svshm-exec in
 * the svshm variant; its output into self->out, its exit status returned.
 */
static int run_peer(FIXTURE_DATA(callers) *self, const FIXTURE_VARIANT(callers) *variant,
		    const char *prog, const char *const args[])
{
	char *argv[10];
	int n = 0, st;

	if (variant->exec) {
		argv[n++] = self->exec;
		argv[n++] = "--";
	}
	argv[n++] = (char *)prog;
	for (int i = 0; args[i] && n < 9; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	st = run_program(argv, 0, 0, self->out, sizeof(self->out));
	return st;
}

/* Start @prog's "create KEY SIZE TEXT" as self->peer; its id, or -1. */
static int start_creator(struct __test_metadata *_metadata, FIXTURE_DATA(callers) *self,
			 const FIXTURE_VARIANT(callers) *variant, const char *prog)
{
	char key[16], size[16], line[256] = "";
	char *argv[] = { self->exec, "--", (char *)prog, "create", key, size, self->text, NULL };
	unsigned long nattch = 0;
	int id = -1;

	snprintf(key, sizeof(key), "%#x", (unsigned int)self->key);
	snprintf(size, sizeof(size), "%d", SEG_SIZE);
	if (peer_start(&self->peer, variant->exec ? argv : argv + 2))
		return -1;
	if (!fgets(line, sizeof(line), self->peer.out) ||
	    sscanf(line, "id=%d nattch=%lu", &id, &nattch) != 2) {
		TH_LOG("%s create said: %s", prog, line);
		return -1;
	}
	EXPECT_EQ(1, nattch);
	return id;
}

/*
 * @creator makes the segment and writes into it; this test sees it on its
 * backend (not on the other), reads the text, and counts two attachments
 * with its own; @verifier reads the same and counts three; when the
 * creator ends, ours is the one left.
 */
static void peer_to_peer(struct __test_metadata *_metadata, FIXTURE_DATA(callers) *self,
			 const FIXTURE_VARIANT(callers) *variant, const char *creator,
			 const char *verifier)
{
	char id[16];
	struct shmid_ds ds;

	self->id = start_creator(_metadata, self, variant, creator);
	ASSERT_LE(0, self->id);
	EXPECT_EQ(self->id, key_id(self->b, self->key));
	EXPECT_GT(0, key_id(self->other, self->key)) TH_LOG("the segment is on %s",
							     self->other->name);
	self->p = self->b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, self->p) TH_LOG("%s: %s", self->b->name, strerror(errno));
	EXPECT_STREQ(self->text, self->p);
	ASSERT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	EXPECT_EQ(2, ds.shm_nattch);

	snprintf(id, sizeof(id), "%d", self->id);
	EXPECT_EQ(0, run_peer(self, variant, verifier,
			      (const char *[]){ "verify", id, self->text, NULL }))
		TH_LOG("%s verify: %s", verifier, self->out);
	EXPECT_NE(NULL, strstr(self->out, "nattch=3")) TH_LOG("%s", self->out);
	/* The verifier can tell: other text is not what it finds. */
	EXPECT_EQ(1, run_peer(self, variant, verifier,
			      (const char *[]){ "verify", id, "other text", NULL }))
		TH_LOG("%s verify: %s", verifier, self->out);

	EXPECT_EQ(0, peer_end(&self->peer));
	ASSERT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_NE(getpid(), ds.shm_lpid);	/* the verifier's or the creator's shmdt */
}

/*
 * This test makes the segment; @prog reads it (two attachments while it
 * does), then removes it: the key is gone at once, the segment when our
 * attachment goes.
 */
static void test_to_peer(struct __test_metadata *_metadata, FIXTURE_DATA(callers) *self,
			 const FIXTURE_VARIANT(callers) *variant, const char *prog)
{
	struct shmid_ds ds;
	char id[16];

	self->id = self->b->get(self->key, SEG_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, self->id) TH_LOG("%s: %s", self->b->name, strerror(errno));
	self->p = self->b->at(self->id, NULL, 0);
	ASSERT_NE((void *)-1, self->p);
	strcpy(self->p, self->text);

	snprintf(id, sizeof(id), "%d", self->id);
	EXPECT_EQ(0, run_peer(self, variant, prog,
			      (const char *[]){ "verify", id, self->text, NULL }))
		TH_LOG("%s verify: %s", prog, self->out);
	EXPECT_NE(NULL, strstr(self->out, "nattch=2")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, run_peer(self, variant, prog, (const char *[]){ "rm", id, NULL }))
		TH_LOG("%s rm: %s", prog, self->out);
	EXPECT_GT(0, key_id(self->b, self->key));
	ASSERT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_NE(0, ds.shm_perm.mode & SHM_DEST);
	EXPECT_EQ(0, self->b->dt(self->p));
	self->p = (void *)-1;
	EXPECT_EQ(-1, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(callers, static_c_creates_go_verifies)
{
	peer_to_peer(_metadata, self, variant, self->cstatic, self->go);
}

TEST_F(callers, go_creates_static_c_verifies)
{
	peer_to_peer(_metadata, self, variant, self->go, self->cstatic);
}

TEST_F(callers, go_reads_and_removes_ours)
{
	test_to_peer(_metadata, self, variant, self->go);
}

TEST_F(callers, static_c_reads_and_removes_ours)
{
	test_to_peer(_metadata, self, variant, self->cstatic);
}

/*
 * busybox's ipcs lists, and its ipcrm removes, segments that util-linux's
 * ipcmk made: both on the variant's backend (ipcmk preloaded for svshm).
 * The controls: the listing of the other side does not show the segment,
 * and busybox's ipcrm there cannot remove it.
 */
TEST_F(callers, busybox_ipcs_ipcrm)
{
	char *const ipcmk[] = { IPCMK, "-M", "12345", "-p", "0640", NULL };
	char *const other_ipcs[] = { self->exec, "--", self->busybox, "ipcs", "-m", NULL };
	char id[16], key[16];
	struct shmid_ds ds;
	struct row r;

	for (int round = 0; round < 2; round++) {
		ASSERT_EQ(0, run_program(ipcmk, variant->exec, 0, self->out, sizeof(self->out)))
			TH_LOG("ipcmk: %s", self->out);
		ASSERT_EQ(1, sscanf(self->out, "Shared memory id: %d", &self->id))
			TH_LOG("ipcmk: %s", self->out);
		ASSERT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
		snprintf(id, sizeof(id), "%d", self->id);
		snprintf(key, sizeof(key), "%#x", (unsigned int)ds.shm_perm.__key);

		EXPECT_EQ(0, run_peer(self, variant, self->busybox,
				      (const char *[]){ "ipcs", "-m", NULL })) TH_LOG("%s", self->out);
		ASSERT_EQ(1, find_row(self->out, self->id, &r)) TH_LOG("%s", self->out);
		EXPECT_EQ((unsigned int)ds.shm_perm.__key, r.key);
		EXPECT_EQ(0640, r.perms);
		EXPECT_EQ(12345, r.bytes);
		EXPECT_EQ(0, r.nattch);
		/* The other side's listing (may fail: no SysV IPC) has not got it. */
		run_program(variant->exec ? other_ipcs + 2 : other_ipcs, 0, 0, self->out,
			    sizeof(self->out));
		EXPECT_EQ(0, find_row(self->out, self->id, &r) && r.key == (unsigned int)ds.shm_perm.__key)
			TH_LOG("%s", self->out);
		/* busybox ipcrm of the other side cannot remove it */
		if (variant->exec) {
			char *const bb_native[] = { self->busybox, "ipcrm", "-m", id, NULL };

			EXPECT_NE(0, run_program(bb_native, 0, 0, self->out, sizeof(self->out)));
			EXPECT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
		}

		/* by key the first time, by id the second */
		EXPECT_EQ(0, run_peer(self, variant, self->busybox,
				      (const char *[]){ "ipcrm", round ? "-m" : "-M",
							round ? id : key, NULL }))
			TH_LOG("%s", self->out);
		EXPECT_EQ(-1, self->b->ctl(self->id, IPC_STAT, &ds)) TH_LOG("round %d", round);
		EXPECT_EQ(EINVAL, errno);
	}
}

/*
 * The static C program's segment, seen and removed by util-linux's ipcs
 * and ipcrm on the same backend (preloaded for svshm). util-linux's ipcs
 * reads /proc/sysvipc/shm where it exists, native's table, and calls shmctl
 * only where the kernel has no SysV IPC (README): there, preloaded, it
 * must list the segment; elsewhere svshm's listing is svshm-ipcs's.
 */
TEST_F(callers, util_linux_sees_and_removes_static_c)
{
	char *const ipcs[] = { IPCS, "-m", NULL };
	char id[16], svshm_ipcs[PATH_MAX];
	char *const tool_ipcs[] = { svshm_ipcs, "-m", NULL };
	int by_proc = !access("/proc/sysvipc/shm", R_OK);
	struct shmid_ds ds;
	struct row r;

	self->id = start_creator(_metadata, self, variant, self->cstatic);
	ASSERT_LE(0, self->id);
	snprintf(id, sizeof(id), "%d", self->id);
	tool_path("svshm-ipcs", svshm_ipcs, sizeof(svshm_ipcs));

	EXPECT_EQ(0, run_program(variant->exec && by_proc ? tool_ipcs : ipcs, variant->exec, 0,
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(1, find_row(self->out, self->id, &r)) TH_LOG("%s", self->out);
	EXPECT_EQ((unsigned int)self->key, r.key);
	EXPECT_EQ(0600, r.perms);
	EXPECT_EQ(SEG_SIZE, r.bytes);
	EXPECT_EQ(1, r.nattch);

	EXPECT_EQ(0, run_program((char *const[]){ IPCRM, "-m", id, NULL }, variant->exec, 0,
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_GT(0, key_id(self->b, self->key));
	ASSERT_EQ(0, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_NE(0, ds.shm_perm.mode & SHM_DEST);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(0, peer_end(&self->peer));
	EXPECT_EQ(-1, self->b->ctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Without SysV IPC in the kernel, the same static programs without
 * svshm-exec get ENOSYS from the first call (the tests above show them
 * served under it).
 */
TEST(no_sysvipc_without_exec_is_enosys)
{
	char want[32], out[OUT_MAX], prog[2][PATH_MAX];

	REQUIRE_NO_SYSVIPC();
	caller_path("peer-static", prog[0], sizeof(prog[0]));
	caller_path("peer-go", prog[1], sizeof(prog[1]));
	snprintf(want, sizeof(want), "shmget: errno=%d\n", ENOSYS);
	for (int i = 0; i < 2; i++) {
		char *const argv[] = { prog[i], "create", "0x5c000001", "4096", "x", NULL };

		ASSERT_NE(0, prog[i][0]) TH_LOG("no build/callers/peer-%s (make callers)",
						i ? "go" : "static");
		EXPECT_EQ(2, run_program(argv, 0, 0, out, sizeof(out))) TH_LOG("%s: %s", prog[i], out);
		EXPECT_STREQ(want, out);
	}
}

TEST_HARNESS_MAIN
