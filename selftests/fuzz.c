// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: hostile input for /dev/svshm. Random and boundary values for every
 * ioctl and every field (sizes near 2^63, negative ids, unaligned and
 * kernel addresses, wrong struct sizes, unknown flags and commands), raw
 * mmap(2) of the device with offsets and lengths that match no segment,
 * MAP_PRIVATE, mremap of attachments, attach after removal. Every call must
 * either succeed or fail with one of the errnos the ABI documents; the
 * kernel log is checked by the runner. Exits 1 on an unexpected result.
 *
 *   fuzz [-c CALLS] [-s SEED] [-u UID]
 *
 * With -u (run as root), it first makes sentinel segments owned by root with
 * modes that deny "other" some or all access, some under keys the fuzzer
 * asks for, then fuzzes as UID (and GID UID, no groups, no capabilities)
 * with the sentinels' ids among its targets. Afterwards every sentinel must
 * still exist, owned by root, with its mode, key and size, unlocked, not
 * marked for destruction, unattached, and its bytes unchanged unless
 * "other" could write them: an unprivileged user never changes, removes,
 * locks or writes what it has no right to, however it asks.
 *
 * Addresses the fuzzer lets the module map with SHM_REMAP lie in an arena
 * it reserved, so that it never replaces its own code or stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "common.h"

#define ARENA_SIZE	(64UL << 20)
#define MAX_IDS		64
#define MAX_MAPS	64

static int fd;
static char *arena;
static char *guard;		/* a readable page followed by an unmapped one */
static int ids[MAX_IDS], nids;

/*
 * Root's sentinels for an unprivileged run: other may read some, write one,
 * do nothing to the rest; keys 3 and 11 are among those fuzz_get() asks for.
 */
static const struct {
	key_t key;
	int mode;
} sentinels[] = {
	{ IPC_PRIVATE, 0600 }, { 3, 0644 }, { IPC_PRIVATE, 0604 },
	{ 11, 0666 }, { IPC_PRIVATE, 0000 }, { 12345, 0640 },
};
static int sentinel_ids[sizeof(sentinels) / sizeof(sentinels[0])], nsentinels;
static unsigned long maps[MAX_MAPS];
static int nmaps;
static uint64_t state;

/* The kinds of call, run by kinds[] below. */
enum kind { K_GET, K_CTL, K_ATTACH, K_DETACH, K_RAW, K_MMAP, K_MREMAP, K_FORGET, K_COUNT };

/* Shared with the fuzzing children, which run one after another. */
static struct stats {
	unsigned long calls, failures, unexpected;
	struct {
		unsigned long runs, calls;
		long long ns;
	} kind[K_COUNT];
} *st;
static sigjmp_buf fault_jmp;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

/* An id this process made, or a sentinel's. */
static int known_id(void)
{
	uint64_t i = rnd() % (nids + nsentinels);

	return i < (uint64_t)nids ? ids[i] : sentinel_ids[i - nids];
}

static int rand_id(void)
{
	static const uint64_t odd[] = {
		0, 1, (uint64_t)-1, 0x7fffffff, 0x80000000, 32767, 32768, 1 << 15 | 1,
	};

	if (nids + nsentinels && rnd() % 3)
		return known_id() + (rnd() % 8 ? 0 : 1 << 15);
	return (int)pick(odd, sizeof(odd) / sizeof(odd[0])) ^ (int)(rnd() % 4);
}

static uint64_t rand_size(void)
{
	static const uint64_t sizes[] = {
		0, 1, 4095, 4096, 4097, 65536, 1 << 20, 1ULL << 30, 1ULL << 62, 1ULL << 63,
		(1ULL << 63) - 1, (uint64_t)-1, (uint64_t)-1 - (1ULL << 24), (uint64_t)-4096,
	};

	return rnd() % 4 ? rnd() % 100000 : pick(sizes, sizeof(sizes) / sizeof(sizes[0]));
}

/* A user pointer for a buffer: valid, crossing into nothing, or wild. */
static uint64_t rand_ptr(void *valid)
{
	const uint64_t wild[] = {
		0, 1, 8, 4095, (uintptr_t)guard + 4096 - 8, (uintptr_t)guard + 4096 - 1,
		0xffffffff81000000ULL, 0xffff888000000000ULL, (uint64_t)-1, 1ULL << 47,
		(uintptr_t)valid + 1,
	};

	return rnd() % 3 ? (uintptr_t)valid : pick(wild, sizeof(wild) / sizeof(wild[0]));
}

static uint64_t rand_addr(void)
{
	const uint64_t addrs[] = {
		0, 1, 4096, (uintptr_t)arena + (rnd() % (ARENA_SIZE >> 12)) * 4096,
		(uintptr_t)arena + rnd() % ARENA_SIZE, 0xffffffff81000000ULL, 1ULL << 47,
		(uint64_t)-4096, nmaps ? maps[rnd() % nmaps] : 0,
	};

	return pick(addrs, sizeof(addrs) / sizeof(addrs[0]));
}

/*
 * Would segment @id, mapped over @a (rounded as SHM_RND may), stay in the
 * arena? It starts no lower than @a rounded down to SHMLBA (four pages for
 * a 32-bit ARM program) and ends no higher than from @a's page.
 */
static int fits_arena(int id, uint64_t a)
{
	struct shmid_ds ds;
	struct svshm_ctl c = { .id = id, .cmd = IPC_STAT | CTL_IPC_64, .buf = (uintptr_t)&ds };
	uint64_t lo = a & ~((uint64_t)SHMLBA - 1);

	a &= ~4095ULL;
	if (lo < (uintptr_t)arena || ioctl(fd, SVSHM_IOC_CTL, &c))
		return 0;
	return a - (uintptr_t)arena + ds.shm_segsz + 4095 <= ARENA_SIZE;
}

#define SENTINEL_SIZE	(2 * 4096 + 100)

static unsigned char sentinel_byte(int i, size_t off)
{
	return (unsigned char)(off * 31 + i * 7 + 1);
}

static void *attach_ro(int id)
{
	struct svshm_attach a = { .id = id, .flags = SHM_RDONLY };

	return ioctl(fd, SVSHM_IOC_ATTACH, &a) ? NULL : (void *)(uintptr_t)a.addr;
}

static int make_sentinels(void)
{
	for (size_t i = 0; i < sizeof(sentinels) / sizeof(sentinels[0]); i++) {
		struct svshm_get g = {
			.key = sentinels[i].key, .size = SENTINEL_SIZE,
			.flags = IPC_CREAT | IPC_EXCL | 0600,
		};
		struct shmid_ds ds = { 0 };
		struct svshm_ctl c = { .cmd = IPC_SET | CTL_IPC_64, .buf = (uintptr_t)&ds };
		struct svshm_attach a = { 0 };
		unsigned char *p;
		int id = ioctl(fd, SVSHM_IOC_GET, &g);

		if (id < 0)
			return -1;
		sentinel_ids[nsentinels++] = id;
		a.id = id;
		if (ioctl(fd, SVSHM_IOC_ATTACH, &a))
			return -1;
		p = (void *)(uintptr_t)a.addr;
		for (size_t off = 0; off < SENTINEL_SIZE; off++)
			p[off] = sentinel_byte((int)i, off);
		ioctl(fd, SVSHM_IOC_DETACH, (unsigned long)a.addr);
		/* Filled while 0600; its own mode from here on. */
		ds.shm_perm.mode = (unsigned short)sentinels[i].mode;
		c.id = id;
		if (ioctl(fd, SVSHM_IOC_CTL, &c))
			return -1;
	}
	return 0;
}

static unsigned long check_sentinel(int i)
{
	int id = sentinel_ids[i];
	struct shmid_ds ds;
	struct svshm_ctl c = { .id = id, .cmd = IPC_STAT | CTL_IPC_64, .buf = (uintptr_t)&ds };
	unsigned long bad = 0;
	unsigned char *p;

	if (ioctl(fd, SVSHM_IOC_CTL, &c)) {
		fprintf(stderr, "fuzz: sentinel %d (mode %04o) is gone: %s\n", id,
			sentinels[i].mode, strerror(errno));
		return 1;
	}
	if (ds.shm_perm.uid || ds.shm_perm.gid || ds.shm_perm.cuid || ds.shm_perm.cgid ||
	    ds.shm_perm.mode != (unsigned int)sentinels[i].mode || ds.shm_perm.__key != sentinels[i].key ||
	    ds.shm_segsz != SENTINEL_SIZE || ds.shm_nattch) {
		fprintf(stderr, "fuzz: sentinel %d changed: uid %u gid %u cuid %u cgid %u mode %#o key %d size %zu nattch %lu\n",
			id, ds.shm_perm.uid, ds.shm_perm.gid, ds.shm_perm.cuid, ds.shm_perm.cgid,
			ds.shm_perm.mode, ds.shm_perm.__key, ds.shm_segsz, (unsigned long)ds.shm_nattch);
		bad++;
	}
	if (sentinels[i].mode & 0002)
		return bad;
	p = attach_ro(id);
	if (!p)
		return bad + 1;
	for (size_t off = 0; off < SENTINEL_SIZE; off++) {
		if (p[off] != sentinel_byte(i, off)) {
			fprintf(stderr, "fuzz: sentinel %d (mode %04o) written at %zu\n", id,
				sentinels[i].mode, off);
			bad++;
			break;
		}
	}
	ioctl(fd, SVSHM_IOC_DETACH, (unsigned long)p);
	return bad;
}

static void check(long ret, const char *what, const int *allowed)
{
	st->calls++;
	if (ret >= 0)
		return;
	st->failures++;
	for (; *allowed; allowed++)
		if (*allowed == errno)
			return;
	st->unexpected++;
	if (st->unexpected <= 10)
		fprintf(stderr, "fuzz: %s: unexpected errno %d (%s)\n", what, errno,
			strerror(errno));
}

static const int get_errs[] = { EINVAL, EEXIST, ENOENT, EACCES, ENOSPC, ENOMEM, EFAULT, EPERM,
				0 };
static const int ctl_errs[] = { EINVAL, EFAULT, EACCES, EPERM, EIDRM, ENOMEM, 0 };
static const int at_errs[] = { EINVAL, EACCES, EIDRM, ENOMEM, EFAULT, EPERM, 0 };
static const int dt_errs[] = { EINVAL, 0 };	/* by value: no EFAULT */
static const int raw_errs[] = { ENOTTY, EFAULT, EINVAL, 0 };
static const int mmap_errs[] = { EINVAL, EACCES, EIDRM, ENOMEM, EPERM, EOVERFLOW, ENODEV,
				 EEXIST, 0 };

static void fuzz_get(void)
{
	struct svshm_get g = {
		.key = rnd() % 4 ? (int)(rnd() % 16) : (int)rnd(),
		.flags = (int)((rnd() % 2 ? IPC_CREAT : 0) | (rnd() % 4 ? 0 : IPC_EXCL) |
			       (rnd() % 0777) | (rnd() % 8 ? 0 : (int)rnd())),
		.size = rand_size(),
	};
	long id = ioctl(fd, SVSHM_IOC_GET, rnd() % 8 ? &g : (void *)(uintptr_t)rand_ptr(&g));

	check(id, "get", get_errs);
	if (id >= 0 && nids < MAX_IDS)
		ids[nids++] = (int)id;
}

static void fuzz_ctl(void)
{
	static const uint64_t cmds[] = {
		IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, SHM_LOCK, SHM_UNLOCK, SHM_STAT,
		SHM_INFO, SHM_STAT_ANY, 4, 10, 16, 0x100 | IPC_STAT, (uint64_t)-1, 1000,
		0x80000000,
	};
	unsigned char buf[256];
	struct svshm_ctl c;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)rnd();
	c.id = rnd() % 4 ? rand_id() : (int)rnd() % 40;
	c.cmd = (int)pick(cmds, sizeof(cmds) / sizeof(cmds[0]));
	/* IPC_SET with random bytes would hand segments to random uids. */
	if (c.cmd == IPC_SET && rnd() % 2) {
		struct shmid_ds *ds = (void *)buf;

		ds->shm_perm.uid = getuid();
		ds->shm_perm.gid = getgid();
	}
	c.buf = rand_ptr(buf);
	check(ioctl(fd, SVSHM_IOC_CTL, &c), "ctl", ctl_errs);
}

static void fuzz_attach(void)
{
	struct svshm_attach a = {
		.id = rand_id(),
		.flags = (int)(rnd() % 0x10000 & (rnd() % 2 ? 0x7000 : 0xffff)),
		.addr = rand_addr(),
	};
	long ret;

	/* Replacing mappings is only allowed inside the arena. */
	if ((a.flags & SHM_REMAP) && !fits_arena(a.id, a.addr))
		a.flags &= ~SHM_REMAP;
	ret = ioctl(fd, SVSHM_IOC_ATTACH, rnd() % 16 ? &a : (void *)(uintptr_t)rand_ptr(&a));
	check(ret, "attach", at_errs);
	if (ret == 0 && nmaps < MAX_MAPS)
		maps[nmaps++] = a.addr;
}

static void fuzz_detach(void)
{
	/* The address by value (ABI 2): any value, a kernel one included. */
	unsigned long addr = rnd() % 2 && nmaps ? maps[rnd() % nmaps] : rand_addr();

	check(ioctl(fd, SVSHM_IOC_DETACH, addr), "detach", dt_errs);
}

/* Unknown numbers, known numbers with the wrong size or direction. */
static void fuzz_raw(void)
{
	unsigned char buf[64];
	unsigned long cmd = _IOC(rnd() % 4, rnd() % 2 ? SVSHM_IOC_MAGIC : rnd() % 256,
				 rnd() % 8, rnd() % 64);

	if (cmd == SVSHM_IOC_VERSION || cmd == SVSHM_IOC_GET || cmd == SVSHM_IOC_CTL ||
	    cmd == SVSHM_IOC_ATTACH || cmd == SVSHM_IOC_DETACH)
		return;
	memset(buf, (int)rnd(), sizeof(buf));
	errno = 0;
	check(ioctl(fd, cmd, buf), "raw ioctl", raw_errs);
}

static void fuzz_mmap(void)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_WRITE,
				     PROT_READ | PROT_EXEC };
	uint64_t off = rnd() % 2 && nids + nsentinels ? (uint64_t)known_id() << 12 :
		       (rnd() % 4 ? rnd() % 64 : rnd()) << 12;
	size_t len = rnd() % 2 ? rnd() % (1 << 20) : 4096 * (1 + rnd() % 32);
	int flags = rnd() % 4 ? MAP_SHARED : MAP_PRIVATE;
	void *p;

	p = mmap(NULL, len, prots[rnd() % 5], flags, fd, (off_t)off);
	check(p == MAP_FAILED ? -1 : 0, "mmap", mmap_errs);
	if (p != MAP_FAILED)
		munmap(p, len);
}

/* mremap an attachment, then touch it: SIGBUS past the end is fine. */
static void fuzz_mremap(void)
{
	size_t len = 4096 * (1 + rnd() % 64);
	int i;
	void *p;

	if (!nmaps)
		return;
	i = (int)(rnd() % nmaps);
	p = mremap((void *)maps[i], 4096, len, MREMAP_MAYMOVE);
	st->calls++;
	if (p == MAP_FAILED)
		return;
	maps[i] = (uintptr_t)p;
	if (sigsetjmp(fault_jmp, 1) == 0)
		((volatile char *)p)[rnd() % len] = 1;
}

/* Forget what we made, so the table never fills up. */
static void fuzz_forget(void)
{
	while (nids)
		ioctl(fd, SVSHM_IOC_CTL, &(struct svshm_ctl){ .id = ids[--nids], .cmd = IPC_RMID });
	while (nmaps)
		ioctl(fd, SVSHM_IOC_DETACH, maps[--nmaps]);
}

/* What each kind of call costs, so that a slow kernel's run can be read. */
static struct {
	const char *name;
	void (*run)(void);
	unsigned int weight;		/* out of 16 */
} kinds[K_COUNT] = {
	[K_GET] = { "get", fuzz_get, 3 },
	[K_CTL] = { "ctl", fuzz_ctl, 4 },
	[K_ATTACH] = { "attach", fuzz_attach, 3 },
	[K_DETACH] = { "detach", fuzz_detach, 2 },
	[K_RAW] = { "raw ioctl", fuzz_raw, 1 },
	[K_MMAP] = { "mmap", fuzz_mmap, 1 },
	[K_MREMAP] = { "mremap", fuzz_mremap, 1 },
	[K_FORGET] = { "forget", fuzz_forget, 1 },
};

static enum kind pick_kind(void)
{
	unsigned int r = rnd() % 16;
	enum kind k;

	for (k = 0; r >= kinds[k].weight; k++)
		r -= kinds[k].weight;
	return k;
}

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* One child's share: @ncalls calls, then exit, which drops what it left. */
static void fuzz_chunk(unsigned long ncalls)
{
	unsigned long end = st->calls + ncalls;

	while (st->calls < end) {
		enum kind k = pick_kind();
		unsigned long before = st->calls;
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		kinds[k].run();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		st->kind[k].runs++;
		st->kind[k].calls += st->calls - before;
		st->kind[k].ns += (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec;
	}
	fuzz_forget();
}

/*
 * @ncalls calls in children of CHUNK calls each, one after another. A child
 * leaves pieces behind (the rest of an attachment whose head mremap moved,
 * attachments past MAX_MAPS, segments those keep alive); its exit takes
 * them down through the module's close path, and the next child starts
 * with an address space and a table that have not grown.
 */
#define CHUNK	10000

static void fuzz(unsigned long ncalls)
{
	time_t start = time(NULL);

	while (st->calls < ncalls) {
		unsigned long n = ncalls - st->calls < CHUNK ? ncalls - st->calls : CHUNK;
		int status;
		pid_t pid;

		rnd();			/* each child its own stream */
		pid = fork();
		if (pid == 0) {
			fuzz_chunk(n);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			perror("fuzz: fork");
			st->unexpected++;
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "fuzz: a child ended with status %#x\n", status);
			st->unexpected++;
			break;
		}
	}
	printf("# fuzz (uid %d): %lu calls in %ld s, %lu clean failures, %lu unexpected\n",
	       getuid(), st->calls, (long)(time(NULL) - start), st->failures, st->unexpected);
	for (enum kind k = 0; k < K_COUNT; k++)
		printf("#   %-10s %8lu runs %8lu calls %8.1f s %8.1f us/run\n", kinds[k].name,
		       st->kind[k].runs, st->kind[k].calls, st->kind[k].ns / 1e9,
		       st->kind[k].runs ? st->kind[k].ns / 1e3 / st->kind[k].runs : 0.0);
	fflush(stdout);
}

/*
 * Root makes the sentinels, a child becomes @uid and fuzzes, with the
 * device file root opened: svshm must judge the caller, not the opener.
 * Return: the number of violations, the child's included.
 */
static unsigned long fuzz_unprivileged(unsigned long ncalls, uid_t uid)
{
	unsigned long bad = 0;
	int status;
	pid_t pid;

	if (getuid() != 0 || make_sentinels()) {
		fprintf(stderr, "fuzz: -u needs root to make the sentinels: %s\n", strerror(errno));
		bad++;
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid) ||
		    !setuid(0)) {
			perror("fuzz: dropping privileges");
			_exit(1);
		}
		fuzz(ncalls);
		_exit(st->unexpected ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "fuzz: the unprivileged run failed\n");
		bad++;
	}
	for (int i = 0; i < nsentinels; i++)
		bad += check_sentinel(i);
	printf("# fuzz: %d sentinel segments of root's checked after uid %u's run, %lu violations\n",
	       nsentinels, uid, bad);
out:
	for (int i = 0; i < nsentinels; i++)
		ioctl(fd, SVSHM_IOC_CTL, &(struct svshm_ctl){ .id = sentinel_ids[i], .cmd = IPC_RMID });
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long ncalls = 100000;
	struct sigaction sa = { .sa_handler = on_fault };
	long uid = -1;
	int opt;

	state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	while ((opt = getopt(argc, argv, "c:s:u:")) != -1) {
		if (opt == 'c')
			ncalls = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			state = strtoull(optarg, NULL, 0) | 1;
		else if (opt == 'u')
			uid = strtol(optarg, NULL, 0);
		else
			return 2;
	}
	fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	arena = mmap(NULL, ARENA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1, 0);
	guard = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || arena == MAP_FAILED || guard == MAP_FAILED || st == MAP_FAILED) {
		perror("fuzz: setup");
		return 1;
	}
	munmap(guard + 4096, 4096);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	if (uid >= 0)
		return fuzz_unprivileged(ncalls, (uid_t)uid) ? 1 : 0;
	fuzz(ncalls);
	return st->unexpected ? 1 : 0;
}
