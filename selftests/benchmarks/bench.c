// SPDX-License-Identifier: GPL-2.0
/*
 * bench: native SysV shm and svshm side by side in one process, the same
 * loops on each. Each case runs in up to MAX_ROUNDS runs per backend,
 * native and svshm alternating, after one warm-up run each; it reports
 * the median time per operation of each backend and the ratio
 * native / svshm of those times (above 1: svshm is faster).
 *
 * The floor is the cheapest call into each: an empty system call
 * (getppid) for native, SVSHM_IOC_VERSION for svshm. For the control paths
 * a second ratio compares the times above the floor (once per call into
 * the kernel): what the operation itself costs once it is in the kernel,
 * the figure the README's targets are set in.
 *
 * Run by `make bench` in a guest, as root; figures under TCG compare the
 * two, they are not absolute. Limits raised for a case are put back after.
 *
 *   bench [-s SECONDS_PER_CASE] [-H]
 *
 * -H runs only the huge-page rows, which need the module loaded with
 * huge=within_size (a load-time parameter); without it they are left out.
 */
#include <fcntl.h>
#include <sched.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "backend.h"
#include "sys_ioctl.h"

#define MIN_ROUNDS	5
#define MAX_ROUNDS	51
#define MANY_KEYS	30000
#define KEY_BASE	0x5be40000
#define PARAM_HUGE	"/sys/module/svshm/parameters/huge"
#define SHMEM_ENABLED	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"

static double per_case = 1.0;
static bool huge_only;		/* -H: only the rows that need huge= */
static int bench_id = -1;	/* the 16 MiB segment of the current backend */
static int nkeys;		/* keys made for the lookup cases */
static int nprocs;
static int devfd = -1;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read a one-line knob into @buf (the selected word of a [..] list); 0 or -1. */
static int knob_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *sel, *end;
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	sel = strchr(buf, '[');
	end = sel ? strchr(sel, ']') : NULL;
	if (sel && end) {
		*end = 0;
		memmove(buf, sel + 1, end - sel);
	}
	return 0;
}

static int knob_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* Call @fn for @secs seconds (at least once); return its time per op in ns. */
static double run(const struct shm_backend *b, long (*fn)(const struct shm_backend *, int),
		  int arg, double secs)
{
	double start = now(), t;
	long n = 0;

	do {
		n += fn(b, arg);
		t = now() - start;
	} while (t < secs);
	return t * 1e9 / n;
}

/*
 * The floor: the cheapest way into the kernel (native) or into svshm, the
 * way libsvshm issues its ioctls (lib/sys_ioctl.h): the floor must not
 * charge one side a wrapper the other does without.
 */
static long floor_call(const struct shm_backend *b, int unused)
{
	struct svshm_version v;

	(void)unused;
	if (b == &shm_native)
		svshm_sys_call3(SYS_getppid, 0, 0, 0);
	else
		svshm_sys_ioctl(devfd, SVSHM_IOC_VERSION, (unsigned long)&v);
	return 1;
}

static long get_rmid(const struct shm_backend *b, int size)
{
	int id = b->get(IPC_PRIVATE, size, 0600);

	b->ctl(id, IPC_RMID, NULL);
	return 1;
}

static long at_dt(const struct shm_backend *b, int unused)
{
	void *p = b->at(bench_id, NULL, 0);

	(void)unused;
	b->dt(p);
	return 1;
}

static long stat_one(const struct shm_backend *b, int unused)
{
	struct shmid_ds ds;

	(void)unused;
	b->ctl(bench_id, IPC_STAT, &ds);
	return 1;
}

/* shmget of existing keys, a different one each call, as a server's clients do. */
static long lookup(const struct shm_backend *b, int unused)
{
	static unsigned int next;

	(void)unused;
	next = (next + 7919) % nkeys;
	if (b->get(KEY_BASE + next, 0, 0) < 0)
		abort();
	return 1;
}

static const char *const shmmni_knob[2] = {
	"/proc/sys/kernel/shmmni", "/sys/module/svshm/parameters/shmmni",
};
static char shmmni_saved[2][32];

/* Make @n keyed segments on @b, raising shmmni if needed. */
static int keys_setup(const struct shm_backend *b, int n)
{
	int i = b == &shm_svshm;
	char val[32];

	if (knob_read(shmmni_knob[i], shmmni_saved[i], sizeof(shmmni_saved[i])))
		return -1;
	snprintf(val, sizeof(val), "%d", n + 64);
	if (atoi(shmmni_saved[i]) < n + 64 && knob_write(shmmni_knob[i], val))
		return -1;
	for (int k = 0; k < n; k++)
		if (b->get(KEY_BASE + k, 4096, IPC_CREAT | 0600) < 0)
			return -1;
	nkeys = n;
	return 0;
}

static void keys_teardown(const struct shm_backend *b, int n)
{
	int id;

	for (int k = 0; k < n; k++)
		if ((id = b->get(KEY_BASE + k, 0, 0)) >= 0)
			b->ctl(id, IPC_RMID, NULL);
	knob_write(shmmni_knob[b == &shm_svshm], shmmni_saved[b == &shm_svshm]);
}

/* Attach a new segment of @mib MiB, write every page, detach, remove: per page. */
static long first_touch(const struct shm_backend *b, int mib)
{
	size_t len = (size_t)mib << 20;
	int id = b->get(IPC_PRIVATE, len, 0600);
	char *p = b->at(id, NULL, 0);

	if (p == (void *)-1)
		abort();
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	b->dt(p);
	b->ctl(id, IPC_RMID, NULL);
	return len / 4096;
}

/* Touch the pages of an existing segment through a new attachment: per page. */
static long reattach_read(const struct shm_backend *b, int mib)
{
	size_t len = (size_t)mib << 20;
	volatile char *p = b->at(bench_id, NULL, SHM_RDONLY);
	long sum = 0;

	for (size_t off = 0; off < len; off += 4096)
		sum += p[off];
	b->dt((void *)p);
	return len / 4096 + sum * 0;
}

/* Copy into a resident attachment: per MiB. */
static char *copy_src, *copy_dst[2];

static int copy_setup(const struct shm_backend *b, int mib)
{
	char **dst = &copy_dst[b == &shm_svshm];

	if (!copy_src)
		copy_src = malloc((size_t)mib << 20);
	*dst = b->at(bench_id, NULL, 0);
	if (!copy_src || *dst == (void *)-1)
		return -1;
	memset(copy_src, 2, (size_t)mib << 20);
	return 0;
}

static void copy_teardown(const struct shm_backend *b, int mib)
{
	(void)mib;
	b->dt(copy_dst[b == &shm_svshm]);
}

static long copy_in(const struct shm_backend *b, int mib)
{
	memcpy(copy_dst[b == &shm_svshm], copy_src, (size_t)mib << 20);
	return mib;
}

/*
 * Ping-pong: two processes hand a counter back and forth through a word of
 * the segment, sleeping on it with a shared futex (which keys on the
 * segment's pages) as a lock or a latch between processes does. Per round trip.
 */
static struct pp {
	volatile int *word;
	pid_t child;
	int id;
} pp[2];

static void pp_wait(volatile int *w, int seen)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == seen)
		syscall(SYS_futex, w, FUTEX_WAIT, seen, NULL, NULL, 0);
}

static void pp_set(volatile int *w, int val)
{
	__atomic_store_n(w, val, __ATOMIC_RELEASE);
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * Both processes on CPU 0, for the whole case: a round trip is then two
 * wake-ups and two switches on one CPU, the same on every run. Across two
 * vCPUs of one TCG thread it would wait for that thread to come round.
 */
static cpu_set_t pp_saved;

static int pp_setup(const struct shm_backend *b, int unused)
{
	struct pp *p = &pp[b == &shm_svshm];
	cpu_set_t one;

	(void)unused;
	if (b == &shm_native || !native_shm_present()) {	/* the first */
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_getaffinity(0, sizeof(pp_saved), &pp_saved) ||
		    sched_setaffinity(0, sizeof(one), &one))
			return -1;
	}
	p->id = b->get(IPC_PRIVATE, 4096, 0600);
	p->word = b->at(p->id, NULL, 0);
	if (p->word == (void *)-1)
		return -1;
	*p->word = 0;
	p->child = fork();
	if (p->child < 0)
		return -1;
	if (p->child == 0) {
		for (int v = 1; v > 0; v += 2) {
			pp_wait(p->word, v - 1);	/* until the parent's odd value */
			if (*p->word < 0)
				_exit(0);
			pp_set(p->word, v + 1);
		}
		_exit(0);
	}
	return 0;
}

static long ping_pong(const struct shm_backend *b, int unused)
{
	volatile int *w = pp[b == &shm_svshm].word;
	int v = *w;

	(void)unused;
	pp_set(w, v + 1);
	pp_wait(w, v + 1);
	return 1;
}

static void pp_teardown(const struct shm_backend *b, int unused)
{
	struct pp *p = &pp[b == &shm_svshm];

	(void)unused;
	pp_set(p->word, -1);
	waitpid(p->child, NULL, 0);
	b->dt((void *)p->word);
	b->ctl(p->id, IPC_RMID, NULL);
	if (b == &shm_svshm)
		sched_setaffinity(0, sizeof(pp_saved), &pp_saved);
}

/*
 * Run a loop in @nprocs processes at once for the run's length: the
 * aggregate time per op (wall time over the ops of all). The children
 * count their ops in a shared page.
 */
static long together(const struct shm_backend *b, long (*fn)(const struct shm_backend *, int))
{
	long *counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double secs = per_case / MIN_ROUNDS;
	long total = 0;

	if (counts == MAP_FAILED)
		abort();
	for (int i = 0; i < nprocs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			abort();
		if (pid == 0) {
			double start = now();
			long n = 0;

			do
				n += fn(b, 0);
			while (now() - start < secs);
			counts[i] = n;
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < nprocs; i++)
		total += counts[i];
	munmap(counts, 4096);
	return total;
}

/*
 * One call of these is a whole parallel run; run() divides its time by
 * what they return, so the figure is the wall time per op of all.
 */
static long lookup_together(const struct shm_backend *b, int unused)
{
	(void)unused;
	return together(b, lookup);
}

static long at_dt_together(const struct shm_backend *b, int unused)
{
	(void)unused;
	return together(b, at_dt);
}

/*
 * First touch with huge pages: native with shmem_enabled as found or set to
 * within_size (put back after the case), svshm loaded with huge=within_size.
 */
static char thp_saved[64], huge_saved[64];
static const char *thp_native;		/* what native runs with; NULL: as found */

static int huge_setup(const struct shm_backend *b, int mib)
{
	(void)mib;
	if (b == &shm_native) {
		if (knob_read(SHMEM_ENABLED, thp_saved, sizeof(thp_saved)))
			return -1;
		return thp_native ? knob_write(SHMEM_ENABLED, thp_native) : 0;
	}
	/* huge= is fixed at load: bench.sh loads the module with it for -H. */
	if (knob_read(PARAM_HUGE, huge_saved, sizeof(huge_saved)) ||
	    strcmp(huge_saved, "within_size")) {
		fprintf(stderr, "bench: load svshm with huge=within_size for these rows\n");
		return -1;
	}
	return 0;
}

static void huge_teardown(const struct shm_backend *b, int mib)
{
	(void)mib;
	if (b == &shm_native)
		knob_write(SHMEM_ENABLED, thp_saved);
}

static int huge_native_default(const struct shm_backend *b, int mib)
{
	thp_native = NULL;
	return huge_setup(b, mib);
}

static int huge_native_within(const struct shm_backend *b, int mib)
{
	thp_native = "within_size";
	return huge_setup(b, mib);
}

struct bench_case {
	const char *name;
	const char *unit;		/* what one op is */
	long (*fn)(const struct shm_backend *b, int arg);
	int arg;
	int (*setup)(const struct shm_backend *b, int arg);	/* 0 or -1 */
	void (*teardown)(const struct shm_backend *b, int arg);
	bool control;			/* compared above the floor too */
	int calls;			/* calls into the kernel per op, 0: 1 */
	const char *needs;		/* a file that must exist, else skipped */
};

/* Designated fields: a case names only what it uses. */
#define CASE(n, u, f, a, ...) { .name = n, .unit = u, .fn = f, .arg = a, __VA_ARGS__ }
#define KEYS		.setup = keys_setup, .teardown = keys_teardown

static const struct bench_case cases[] = {
	CASE("floor: getppid / SVSHM_IOC_VERSION", "call", floor_call, 0),
	CASE("IPC_STAT", "call", stat_one, 0, .control = true),
	CASE("shmget of a key among 64", "call", lookup, 64, KEYS, .control = true),
	CASE("shmget of a key among 30,000", "call", lookup, MANY_KEYS, KEYS,
	     .control = true),
	CASE("shmget+IPC_RMID, 4 KiB", "pair", get_rmid, 4096, .control = true,
	     .calls = 2),
	CASE("shmget+IPC_RMID, 1 GiB", "pair", get_rmid, 1 << 30, .control = true,
	     .calls = 2),
	CASE("shmat+shmdt, 16 MiB", "pair", at_dt, 0, .control = true, .calls = 2),
	CASE("N procs at once: shmget among 64", "call", lookup_together, 64, KEYS),
	CASE("N procs at once: shmat+shmdt of one segment", "pair", at_dt_together, 0),
	CASE("ping-pong through a segment (futex)", "round trip", ping_pong, 0,
	     .setup = pp_setup, .teardown = pp_teardown),
	CASE("copy into a resident 16 MiB attachment", "MiB", copy_in, 16,
	     .setup = copy_setup, .teardown = copy_teardown),
	CASE("first touch, 16 MiB", "4 KiB page", first_touch, 16),
	CASE("attach+read resident, 16 MiB", "4 KiB page", reattach_read, 16),
	CASE("first touch, 64 MiB: native default, svshm huge=within_size",
	     "4 KiB page", first_touch, 64, .setup = huge_native_default,
	     .teardown = huge_teardown, .needs = PARAM_HUGE),
	CASE("first touch, 64 MiB: native and svshm within_size",
	     "4 KiB page", first_touch, 64, .setup = huge_native_within,
	     .teardown = huge_teardown, .needs = PARAM_HUGE),
};

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * Run case @c on the backends from @first: medians into @t[]. 0, or -1.
 * Many short runs rather than a few long ones: a run that the host's
 * scheduler cut into lands at the top of the sorted times, away from the
 * median, where on a busy host every long run would carry some of that.
 */
static int measure(const struct bench_case *c, const struct shm_backend *const *bs,
		   const int *ids, int first, double *t)
{
	double v[2][MAX_ROUNDS], len, op = 0;
	int i, r, rounds;

	for (i = first; i < 2; i++) {
		bench_id = ids[i];
		if (c->setup && c->setup(bs[i], c->arg)) {
			perror(c->name);
			while (--i >= first)
				if (c->teardown)
					c->teardown(bs[i], c->arg);
			return -1;
		}
	}
	for (i = first; i < 2; i++) {	/* warm up, and the time of one op */
		bench_id = ids[i];
		len = run(bs[i], c->fn, c->arg, per_case / MAX_ROUNDS) / 1e9;
		op = len > op ? len : op;
	}
	len = per_case / MAX_ROUNDS > op ? per_case / MAX_ROUNDS : op;
	rounds = per_case / len;
	rounds = (rounds < MIN_ROUNDS ? MIN_ROUNDS : rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds) | 1;
	for (r = 0; r < rounds; r++)
		for (i = first; i < 2; i++) {
			bench_id = ids[i];
			v[i][r] = run(bs[i], c->fn, c->arg, len);
		}
	for (i = first; i < 2; i++) {
		t[i] = median(v[i], rounds);
		if (c->teardown)
			c->teardown(bs[i], c->arg);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct shm_backend *bs[2] = { &shm_native, &shm_svshm };
	/* Without SysV IPC in the kernel: svshm's column only. */
	int first = native_shm_present() ? 0 : 1;
	double floor_t[2] = { 0, 0 };
	int ids[2], opt;

	while ((opt = getopt(argc, argv, "s:H")) != -1) {
		if (opt == 's')
			per_case = atof(optarg);
		else if (opt == 'H')
			huge_only = true;
		else
			return 2;
	}
	nprocs = sysconf(_SC_NPROCESSORS_ONLN);
	devfd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	if (devfd < 0) {
		perror("/dev/svshm");
		return 1;
	}
	if (first)
		printf("%s: native's column is empty\n\n", NATIVE_ABSENT);
	for (int i = first; i < 2; i++) {
		char *p;

		ids[i] = bs[i]->get(IPC_PRIVATE, 16 << 20, 0600);
		p = bs[i]->at(ids[i], NULL, 0);
		if (ids[i] < 0 || p == (void *)-1) {
			perror("bench: setup");
			return 1;
		}
		memset(p, 1, 16 << 20);
		bs[i]->dt(p);
	}
	printf("Median time per operation in ns (up to %d runs each, alternating; N = %d)."
	       " x native: native's time / svshm's (above 1: svshm is faster);"
	       " above floor: the same for the times minus each one's floor"
	       " per call.\n\n",
	       MAX_ROUNDS, nprocs);
	printf("| case | op | native ns | svshm ns | x native | above floor |\n"
	       "| --- | --- | ---: | ---: | ---: | ---: |\n");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct bench_case *bc = &cases[c];
		char net[32] = "-";
		double t[2];

		if (huge_only != (bc->needs != NULL))
			continue;
		if (bc->needs && access(bc->needs, F_OK)) {
			printf("| %s | %s | - | - | - | skipped: no %s |\n", bc->name, bc->unit,
			       bc->needs);
			continue;
		}
		if (measure(bc, bs, ids, first, t)) {
			printf("| %s | %s | - | - | - | failed |\n", bc->name, bc->unit);
			continue;
		}
		if (c == 0) {
			floor_t[0] = t[0];
			floor_t[1] = t[1];
		}
		if (first) {
			printf("| %s | %s | - | %.0f | - | - |\n", bc->name, bc->unit, t[1]);
			continue;
		}
		if (bc->control) {
			int calls = bc->calls ? bc->calls : 1;

			snprintf(net, sizeof(net), "%.2f", (t[0] - calls * floor_t[0]) /
				 (t[1] - calls * floor_t[1]));
		}
		printf("| %s | %s | %.0f | %.0f | %.2f | %s |\n", bc->name, bc->unit,
		       t[0], t[1], t[0] / t[1], net);
		fflush(stdout);
	}
	for (int i = first; i < 2; i++)
		bs[i]->ctl(ids[i], IPC_RMID, NULL);
	close(devfd);
	return 0;
}
