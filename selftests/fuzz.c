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
 *   fuzz [-c CALLS] [-s SEED]
 *
 * Addresses the fuzzer lets the module map with SHM_REMAP lie in an arena
 * it reserved, so that it never replaces its own code or stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include <linux/svshm.h>

#define ARENA_SIZE	(64UL << 20)
#define MAX_IDS		64
#define MAX_MAPS	64

static int fd;
static char *arena;
static char *guard;		/* a readable page followed by an unmapped one */
static int ids[MAX_IDS], nids;
static unsigned long maps[MAX_MAPS];
static int nmaps;
static uint64_t state;
static unsigned long calls, failures, unexpected;
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

static int rand_id(void)
{
	static const uint64_t odd[] = {
		0, 1, (uint64_t)-1, 0x7fffffff, 0x80000000, 32767, 32768, 1 << 15 | 1,
	};

	if (nids && rnd() % 3)
		return ids[rnd() % nids] + (rnd() % 8 ? 0 : 1 << 15);
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

/* Would segment @id, mapped over @a (rounded as SHM_RND may), stay in the arena? */
static int fits_arena(int id, uint64_t a)
{
	struct shmid_ds ds;
	struct svshm_ctl c = { .id = id, .cmd = IPC_STAT, .buf = (uintptr_t)&ds };

	a &= ~4095ULL;
	if (a < (uintptr_t)arena || ioctl(fd, SVSHM_IOC_CTL, &c))
		return 0;
	return a - (uintptr_t)arena + ds.shm_segsz + 4095 <= ARENA_SIZE;
}

static void check(long ret, const char *what, const int *allowed)
{
	calls++;
	if (ret >= 0)
		return;
	failures++;
	for (; *allowed; allowed++)
		if (*allowed == errno)
			return;
	unexpected++;
	if (unexpected <= 10)
		fprintf(stderr, "fuzz: %s: unexpected errno %d (%s)\n", what, errno,
			strerror(errno));
}

static const int get_errs[] = { EINVAL, EEXIST, ENOENT, EACCES, ENOSPC, ENOMEM, EFAULT, EPERM,
				0 };
static const int ctl_errs[] = { EINVAL, EFAULT, EACCES, EPERM, EIDRM, ENOMEM, 0 };
static const int at_errs[] = { EINVAL, EACCES, EIDRM, ENOMEM, EFAULT, EPERM, 0 };
static const int dt_errs[] = { EINVAL, EFAULT, 0 };
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
	uint64_t addr = rnd() % 2 && nmaps ? maps[rnd() % nmaps] : rand_addr();

	check(ioctl(fd, SVSHM_IOC_DETACH, rnd() % 16 ? &addr : (void *)(uintptr_t)rand_ptr(&addr)),
	      "detach", dt_errs);
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
	uint64_t off = rnd() % 2 && nids ? (uint64_t)ids[rnd() % nids] << 12 :
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
	calls++;
	if (p == MAP_FAILED)
		return;
	maps[i] = (uintptr_t)p;
	if (sigsetjmp(fault_jmp, 1) == 0)
		((volatile char *)p)[rnd() % len] = 1;
}

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

int main(int argc, char **argv)
{
	unsigned long ncalls = 100000;
	struct sigaction sa = { .sa_handler = on_fault };
	time_t start = time(NULL);
	int opt;

	state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	while ((opt = getopt(argc, argv, "c:s:")) != -1) {
		if (opt == 'c')
			ncalls = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			state = strtoull(optarg, NULL, 0) | 1;
		else
			return 2;
	}
	fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	arena = mmap(NULL, ARENA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1, 0);
	guard = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || arena == MAP_FAILED || guard == MAP_FAILED) {
		perror("fuzz: setup");
		return 1;
	}
	munmap(guard + 4096, 4096);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	while (calls < ncalls) {
		switch (rnd() % 16) {
		case 0 ... 2: fuzz_get(); break;
		case 3 ... 6: fuzz_ctl(); break;
		case 7 ... 9: fuzz_attach(); break;
		case 10 ... 11: fuzz_detach(); break;
		case 12: fuzz_raw(); break;
		case 13: fuzz_mmap(); break;
		case 14: fuzz_mremap(); break;
		default:
			/* Forget what we made, so the table never fills up. */
			while (nids)
				ioctl(fd, SVSHM_IOC_CTL,
				      &(struct svshm_ctl){ .id = ids[--nids], .cmd = IPC_RMID });
			while (nmaps)
				ioctl(fd, SVSHM_IOC_DETACH, &(uint64_t){ maps[--nmaps] });
		}
	}
	while (nids)
		ioctl(fd, SVSHM_IOC_CTL, &(struct svshm_ctl){ .id = ids[--nids], .cmd = IPC_RMID });
	printf("# fuzz (uid %d): %lu calls in %ld s, %lu clean failures, %lu unexpected\n",
	       getuid(), calls, (long)(time(NULL) - start), failures, unexpected);
	return unexpected ? 1 : 0;
}
