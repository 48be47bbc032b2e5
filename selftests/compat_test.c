// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit callers of a 64-bit kernel, native beside svshm.
 *
 * Built twice (make selftests, make selftests32), each build runs the
 * other as its peer: a segment one width made is attached, written and
 * stated by the other, and both see the same data, nattch and IPC_STAT.
 * The 32-bit build also reads the layouts a 32-bit C library does not use
 * but a program may ask for, through the raw ipc(2) call (or shmctl(2),
 * where the ABI has no ipc(2): 32-bit ARM's, whose shmctl parses IPC_64
 * in the command as ipc(2) does): shmctl without IPC_64 (16-bit ids,
 * 32-bit times) and with it, IPC_INFO and SHM_INFO,
 * each checked field by field and for its size (a sentinel after it), and
 * a segment too big for a 32-bit address space, which shmat refuses.
 * Each build also runs itself as an unmodified program, glibc's shm*
 * preloaded with its own width's libsvshm-preload.so: served by svshm,
 * also where the kernel has no SysV IPC of its own (ENOSYS without it);
 * and time64_peer, the same width built with 64-bit times (glibc's
 * __shmctl64 on a 32-bit ABI), likewise.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include <linux/svshm.h>

#include "backend.h"
#include "common.h"
#include "preload.h"

#define SEG_SIZE	(3 * PG + 5)
#define DATA_OFF	0
#define REPLY_OFF	64
#define SENTINEL	0xaa
#define WIDTH		((int)sizeof(void *) * 8)
#define IPCOP_SHMCTL	24	/* ipc(2)'s call number for shmctl */
#define IPC_64_FLAG	0x100	/* <linux/ipc.h>'s IPC_64 */

static const struct shm_backend *backend_named(const char *name)
{
	return strcmp(name, "native") ? &shm_svshm : &shm_native;
}

/* What each side sees of the segment, as one line. */
static void stat_line(const struct shm_backend *b, int id, char *line, size_t len)
{
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	if (b->ctl(id, IPC_STAT, &ds) < 0) {
		snprintf(line, len, "stat failed: %s", strerror(errno));
		return;
	}
	snprintf(line, len, "nattch=%lu segsz=%lu cpid=%d lpid=%d mode=%o uid=%u key=%d",
		 (unsigned long)ds.shm_nattch, (unsigned long)ds.shm_segsz,
		 (int)ds.shm_cpid, (int)ds.shm_lpid, (unsigned int)ds.shm_perm.mode & 0777,
		 (unsigned int)ds.shm_perm.uid, (int)ds.shm_perm.__key);
}

/*
 * The peer: attach @id, check the other width's words, answer with ours,
 * print what IPC_STAT says, and once told (a line on stdin), detach and
 * print it again.
 */
static int peer(const char *backend, const char *idstr)
{
	const struct shm_backend *b = backend_named(backend);
	char want[32], line[256];
	int id = atoi(idstr);
	char *p;

	p = b->at(id, NULL, 0);
	if (p == (char *)-1) {
		printf("attach failed: %s\n", strerror(errno));
		return 1;
	}
	snprintf(want, sizeof(want), "from-%d-bit", sizeof(void *) > 4 ? 32 : 64);
	if (strcmp(p + DATA_OFF, want)) {
		printf("data: \"%.31s\", want \"%s\"\n", p + DATA_OFF, want);
		return 1;
	}
	snprintf(p + REPLY_OFF, 32, "peer-%d-bit", WIDTH);
	stat_line(b, id, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (b->dt(p))
		return 1;
	stat_line(b, id, line, sizeof(line));
	printf("%s\n", line);
	return 0;
}

/*
 * An unmodified program: glibc's shm* alone. It makes a segment, attaches,
 * writes, stats and detaches it, and leaves it for the test to find: it
 * prints its id, or the errno of the first call that failed.
 */
static int glibc_program(void)
{
	struct shmid_ds ds;
	int id;
	char *p;

	id = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	if (id < 0)
		return printf("shmget: %s\n", strerror(errno)), 1;
	p = shmat(id, NULL, 0);
	if (p == (char *)-1)
		return printf("shmat: %s\n", strerror(errno)), 1;
	snprintf(p, 32, "glibc-%d-bit", WIDTH);
	if (shmctl(id, IPC_STAT, &ds) || ds.shm_nattch != 1 || ds.shm_segsz != SEG_SIZE)
		return printf("shmctl: %s\n", strerror(errno)), 1;
	if (shmdt(p))
		return printf("shmdt: %s\n", strerror(errno)), 1;
	printf("id %d\n", id);
	return 0;
}

/* The other width's build of this test, if it was built. */
static const char *peer_path(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "%s/../%s/compat_test", dirname(exe),
		 sizeof(void *) > 4 ? "selftests32" : "selftests");
	return access(path, X_OK) ? NULL : path;
}

FIXTURE(width) {
	int id;
	char *p;
};

FIXTURE_VARIANT(width) {
	const struct shm_backend *b;
};

SHM_BACKEND_VARIANTS(width);

FIXTURE_SETUP(width)
{
	SKIP_IF_NO_NATIVE(variant->b);
	self->id = variant->b->get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0640);
	ASSERT_LE(0, self->id);
	self->p = variant->b->at(self->id, NULL, 0);
	ASSERT_NE((char *)-1, self->p);
}

FIXTURE_TEARDOWN(width)
{
	if (self->p && self->p != (char *)-1)
		variant->b->dt(self->p);
	if (self->id >= 0)
		variant->b->ctl(self->id, IPC_RMID, NULL);
}

/* Read one line from @f into @line, without its newline. */
static int read_line(FILE *f, char *line, size_t len)
{
	if (!fgets(line, len, f))
		return -1;
	line[strcspn(line, "\n")] = 0;
	return 0;
}

TEST_F(width, shared_with_the_other_width)
{
	const char *path = peer_path();
	char idstr[16], line[256], mine[256], want[64];
	int to[2], from[2], status;
	FILE *in, *out;
	pid_t pid;

	if (!path)
		SKIP(return, "the other width's build of compat_test is not there");
	snprintf(self->p + DATA_OFF, 32, "from-%d-bit", WIDTH);
	snprintf(idstr, sizeof(idstr), "%d", self->id);
	ASSERT_EQ(0, pipe(to));
	ASSERT_EQ(0, pipe(from));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl(path, path, "--peer", variant->b->name, idstr, (char *)NULL);
		printf("cannot run: %s\n", strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	in = fdopen(from[0], "r");
	out = fdopen(to[1], "w");
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);

	/* Attached by both: the same stat from either side, the peer last. */
	ASSERT_EQ(0, read_line(in, line, sizeof(line)));
	/* A kernel without 32-bit emulation (IA32_EMULATION=n) runs no peer. */
	if (!strncmp(line, "cannot run: ", 12)) {
		waitpid(pid, &status, 0);
		SKIP(return, "the other width's build %s", line);
	}
	stat_line(variant->b, self->id, mine, sizeof(mine));
	EXPECT_STREQ(mine, line);
	snprintf(want, sizeof(want), "nattch=2 segsz=%lu cpid=%d lpid=%d ",
		 (unsigned long)SEG_SIZE, getpid(), pid);
	EXPECT_EQ(0, strncmp(line, want, strlen(want))) {
		TH_LOG("peer: %s; want %s", line, want);
	}
	snprintf(want, sizeof(want), "peer-%d-bit", sizeof(void *) > 4 ? 32 : 64);
	EXPECT_STREQ(want, self->p + REPLY_OFF);

	/* Detached by the peer: seen by both again. */
	fputs("go\n", out);
	fflush(out);
	ASSERT_EQ(0, read_line(in, line, sizeof(line)));
	stat_line(variant->b, self->id, mine, sizeof(mine));
	EXPECT_STREQ(mine, line);
	snprintf(want, sizeof(want), "nattch=1 segsz=%lu cpid=%d lpid=%d ",
		 (unsigned long)SEG_SIZE, getpid(), pid);
	EXPECT_EQ(0, strncmp(line, want, strlen(want))) {
		TH_LOG("peer: %s; want %s", line, want);
	}
	fclose(out);
	fclose(in);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#if defined(SYS_ipc) || (defined(SYS_shmctl) && __SIZEOF_LONG__ == 4)
/*
 * shmctl with the command as given, IPC_64 or not: native's through the
 * ipc(2) multiplexer, which a 32-bit C library calls, or its shmctl(2)
 * where there is none; svshm's through the ioctl, which the module parses
 * as native parses ipc(2)'s.
 */
static long raw_ctl(const struct shm_backend *b, int id, int cmd, void *buf)
{
	struct svshm_ctl c = { .id = id, .cmd = cmd, .buf = (uintptr_t)buf };
	long ret;
	int fd;

	if (b == &shm_native)
#ifdef SYS_ipc
		return syscall(SYS_ipc, IPCOP_SHMCTL, id, cmd, 0, buf, 0);
#else
		return syscall(SYS_shmctl, id, cmd, buf);
#endif
	fd = open(svshm_device_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, SVSHM_IOC_CTL, &c);
	close(fd);
	return ret;
}

/* The old layouts, without IPC_64 (the kernel's struct shmid_ds, shminfo). */
struct old_ipc_perm {
	int32_t key;
	uint16_t uid, gid, cuid, cgid, mode, seq;
};

struct old_shmid_ds {
	struct old_ipc_perm perm;
	int32_t segsz;
	int32_t atime, dtime, ctime;
	uint16_t cpid, lpid, nattch, unused;
	uint32_t unused2, unused3;
};

struct old_shminfo {
	int32_t shmmax, shmmin, shmmni, shmseg, shmall;
};

/* shminfo64 and shm_info of a 32-bit caller: 32-bit longs. */
struct shminfo64_32 {
	uint32_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

struct shm_info_32 {
	int32_t used_ids;
	uint32_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

/* Whether the kernel wrote @len bytes of @buf and nothing after. */
static bool sized(const unsigned char *buf, size_t len)
{
	return buf[len] == SENTINEL && buf[len + 1] == SENTINEL;
}

TEST_F(width, ipc_stat_without_ipc_64_is_the_old_layout)
{
	unsigned char buf[128];
	struct old_shmid_ds ds;
	time_t now = time(NULL);

	memset(buf, SENTINEL, sizeof(buf));
	ASSERT_EQ(0, raw_ctl(variant->b, self->id, IPC_STAT, buf));
	EXPECT_TRUE(sized(buf, sizeof(ds)));
	memcpy(&ds, buf, sizeof(ds));
	EXPECT_EQ(IPC_PRIVATE, ds.perm.key);
	EXPECT_EQ(geteuid(), ds.perm.uid);
	EXPECT_EQ(getegid(), ds.perm.gid);
	EXPECT_EQ(0640, ds.perm.mode & 0777);
	EXPECT_EQ(SEG_SIZE, (unsigned long)ds.segsz);
	EXPECT_EQ(1, ds.nattch);
	EXPECT_EQ(getpid() & 0xffff, ds.cpid);
	EXPECT_EQ(getpid() & 0xffff, ds.lpid);
	EXPECT_LE(now - 60, ds.atime);
	EXPECT_GE(now + 60, ds.atime);
	EXPECT_EQ(0, ds.dtime);
	EXPECT_EQ(0, ds.unused2 | ds.unused3);

	/* IPC_SET reads the old record too: the mode changes, the owner stays. */
	ds.perm.mode = 0600;
	ASSERT_EQ(0, raw_ctl(variant->b, self->id, IPC_SET, &ds));
	memset(buf, SENTINEL, sizeof(buf));
	ASSERT_EQ(0, raw_ctl(variant->b, self->id, IPC_STAT, buf));
	memcpy(&ds, buf, sizeof(ds));
	EXPECT_EQ(0600, ds.perm.mode & 0777);
	EXPECT_EQ(geteuid(), ds.perm.uid);
}

TEST_F(width, ipc_stat_with_ipc_64_is_glibcs_layout)
{
	unsigned char buf[256];
	struct shmid_ds ds;

	memset(buf, SENTINEL, sizeof(buf));
	ASSERT_EQ(0, raw_ctl(variant->b, self->id, IPC_STAT | IPC_64_FLAG, buf));
	EXPECT_TRUE(sized(buf, sizeof(ds)));
	memcpy(&ds, buf, sizeof(ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(geteuid(), ds.shm_perm.uid);
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	/* SHM_STAT takes an index and answers the id, in either layout. */
	memset(buf, SENTINEL, sizeof(buf));
	EXPECT_EQ(self->id, raw_ctl(variant->b, self->id & ((1 << IDX_BITS) - 1),
				    SHM_STAT, buf));
	EXPECT_TRUE(sized(buf, sizeof(struct old_shmid_ds)));
}

TEST_F(width, ipc_info_in_both_layouts)
{
	unsigned char buf[128];
	struct shminfo64_32 l64;
	struct old_shminfo old;

	memset(buf, SENTINEL, sizeof(buf));
	ASSERT_LE(0, raw_ctl(variant->b, 0, IPC_INFO, buf));
	EXPECT_TRUE(sized(buf, sizeof(old)));
	memcpy(&old, buf, sizeof(old));
	/* A shmmax past INT_MAX reads as INT_MAX (both defaults are past it). */
	EXPECT_EQ(INT_MAX, old.shmmax);
	EXPECT_EQ(1, old.shmmin);
	EXPECT_EQ(old.shmmni, old.shmseg);

	memset(buf, SENTINEL, sizeof(buf));
	ASSERT_LE(0, raw_ctl(variant->b, 0, IPC_INFO | IPC_64_FLAG, buf));
	EXPECT_TRUE(sized(buf, sizeof(l64)));
	memcpy(&l64, buf, sizeof(l64));
	EXPECT_EQ((uint32_t)INT_MAX, l64.shmmax);
	EXPECT_EQ(1U, l64.shmmin);
	EXPECT_EQ((uint32_t)old.shmmni, l64.shmmni);
	EXPECT_EQ(0U, l64.unused[0] | l64.unused[1] | l64.unused[2] | l64.unused[3]);
}

TEST_F(width, shm_info_has_one_layout)
{
	unsigned char buf[128], buf64[128];
	struct shm_info_32 info;

	memset(buf, SENTINEL, sizeof(buf));
	memset(buf64, SENTINEL, sizeof(buf64));
	ASSERT_LE(0, raw_ctl(variant->b, 0, SHM_INFO, buf));
	ASSERT_LE(0, raw_ctl(variant->b, 0, SHM_INFO | IPC_64_FLAG, buf64));
	EXPECT_TRUE(sized(buf, sizeof(info)));
	EXPECT_TRUE(sized(buf64, sizeof(info)));
	memcpy(&info, buf, sizeof(info));
	EXPECT_LE(1, info.used_ids);
	EXPECT_LE(4U, info.shm_tot);
}

/* Unknown commands stay unknown with IPC_64, and a negative one too. */
TEST_F(width, bad_commands_are_einval_in_both_layouts)
{
	unsigned char buf[256];

	EXPECT_EQ(-1, raw_ctl(variant->b, self->id, 99 | IPC_64_FLAG, buf));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, raw_ctl(variant->b, self->id, -1, buf));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, raw_ctl(variant->b, self->id, IPC_STAT | IPC_64_FLAG, (void *)16));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * The largest range of a 32-bit address space that no mapping of this
 * process takes (/proc/self/maps), counting from 0 and up to 4 GiB: more
 * than the kernel would give, never less, whatever the layout (i386's
 * programs high and low, armhf's on arm64 with 3.5 GiB between them).
 */
static uint64_t largest_hole(void)
{
	uint64_t prev = 0, best = 0, lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2 || lo >= 1ULL << 32)
			continue;
		if (lo > prev && lo - prev > best)
			best = lo - prev;
		prev = hi;
	}
	fclose(f);
	if ((1ULL << 32) > prev && (1ULL << 32) - prev > best)
		best = (1ULL << 32) - prev;
	return best;
}

/*
 * A segment larger than any hole of this 32-bit address space: made under
 * vm.overcommit_memory=1 (svshm charges it, native does not for
 * SHM_NORESERVE), then refused by shmat: ENOMEM where the kernel chooses,
 * EINVAL at an address whose range holds the program's own mappings or
 * runs past the top. At least 3.5 GiB, which no hole of i386's holds.
 */
TEST_F(width, too_big_for_32_bits_is_enomem)
{
	uint64_t hole = largest_hole();
	size_t big = (size_t)7 << 29;	/* 3.5 GiB */
	char old[16] = "";
	int id, fd;
	ssize_t n;

	if (geteuid())
		SKIP(return, "vm.overcommit_memory is root's to change");
	ASSERT_LT(0, hole);
	if (hole >= big) {
		ASSERT_GT(0xffff0000ULL, hole) TH_LOG("a hole of %#llx: nothing is too big",
						      (unsigned long long)hole);
		big = (hole | 0xffff) + 1;	/* 64 KiB past it: SHMLBA-aligned too */
	}
	fd = open("/proc/sys/vm/overcommit_memory", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, old, sizeof(old) - 1);
	ASSERT_LT(0, n);
	ASSERT_EQ(1, pwrite(fd, "1", 1, 0));
	id = variant->b->get(IPC_PRIVATE, big, IPC_CREAT | SHM_NORESERVE | 0600);
	EXPECT_EQ(n, pwrite(fd, old, n, 0));
	close(fd);
	ASSERT_LE(0, id);
	EXPECT_EQ((void *)-1, variant->b->at(id, NULL, 0))
		TH_LOG("%#zx bytes attached; largest hole %#llx", big, (unsigned long long)hole);
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ((void *)-1, variant->b->at(id, (void *)0x10000000, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, variant->b->ctl(id, IPC_RMID, NULL));
}
#endif

/*
 * This very program, preloaded: its segment is svshm's, with its words in
 * it; without the preload it is native's, or ENOSYS where there is none.
 */
TEST(unmodified_program_preloaded)
{
	char exe[PATH_MAX], out[OUT_MAX], want[64];
	char *argv[] = { exe, "--glibc", NULL };
	struct shmid_ds ds;
	ssize_t n;
	int id;
	char *p;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = 0;
	ASSERT_EQ(0, run_program(argv, 1, 0, out, sizeof(out))) TH_LOG("preloaded: %s", out);
	ASSERT_EQ(1, sscanf(out, "id %d", &id)) TH_LOG("preloaded: %s", out);
	ASSERT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);
	EXPECT_EQ(0, ds.shm_nattch);
	p = svshm_shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((char *)-1, p);
	snprintf(want, sizeof(want), "glibc-%d-bit", WIDTH);
	EXPECT_STREQ(want, p);
	EXPECT_EQ(0, svshm_shmdt(p));
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));

	if (native_shm_present()) {
		ASSERT_EQ(0, run_program(argv, 0, 0, out, sizeof(out))) TH_LOG("native: %s", out);
		ASSERT_EQ(1, sscanf(out, "id %d", &id)) TH_LOG("native: %s", out);
		EXPECT_EQ(0, shmctl(id, IPC_RMID, NULL));
	} else {
		EXPECT_NE(0, run_program(argv, 0, 0, out, sizeof(out)));
		snprintf(want, sizeof(want), "shmget: %s\n", strerror(ENOSYS));
		EXPECT_STREQ(want, out);
	}
}

/*
 * A program built with 64-bit times (time64_peer, beside this test), whose
 * shmctl is glibc's __shmctl64 on a 32-bit ABI: preloaded, every check it
 * makes of its own segment holds and the segment is svshm's; natively the
 * same, or ENOSYS where the kernel has no SysV IPC.
 */
TEST(time64_program_preloaded)
{
	char exe[PATH_MAX], peer[PATH_MAX + 16], out[OUT_MAX];
	char *argv[] = { peer, NULL };
	struct shmid_ds ds;
	ssize_t n;
	int id;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = 0;
	snprintf(peer, sizeof(peer), "%s/time64_peer", dirname(exe));
	ASSERT_EQ(0, access(peer, X_OK)) TH_LOG("%s: not built", peer);
	ASSERT_EQ(0, run_program(argv, 1, 0, out, sizeof(out))) TH_LOG("preloaded: %s", out);
	ASSERT_EQ(1, sscanf(out, "ok %d", &id)) TH_LOG("preloaded: %s", out);
	ASSERT_EQ(0, svshm_shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(SEG_SIZE, ds.shm_segsz);	/* time64_peer's too */
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	EXPECT_EQ(0, svshm_shmctl(id, IPC_RMID, NULL));

	if (native_shm_present()) {
		ASSERT_EQ(0, run_program(argv, 0, 0, out, sizeof(out))) TH_LOG("native: %s", out);
		ASSERT_EQ(1, sscanf(out, "ok %d", &id)) TH_LOG("native: %s", out);
		EXPECT_EQ(0, shmctl(id, IPC_RMID, NULL));
	} else {
		EXPECT_NE(0, run_program(argv, 0, 0, out, sizeof(out)));
		EXPECT_EQ(0, strncmp(out, "shmget: ", 8)) TH_LOG("native: %s", out);
		EXPECT_NE(NULL, strstr(out, strerror(ENOSYS))) TH_LOG("native: %s", out);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--glibc"))
		return glibc_program();
	if (argc == 4 && !strcmp(argv[1], "--peer"))
		return peer(argv[2], argv[3]);
	return test_harness_run(argc, argv);
}
