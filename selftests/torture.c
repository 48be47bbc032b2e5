// SPDX-License-Identifier: GPL-2.0
/*
 * torture: N processes for T seconds doing random get, attach, write and
 * verify, detach, stat, set, remove, fork and exit on a small key space, so
 * that they collide. Invariants, checked as it goes and at the end:
 * - what a worker wrote in its own slot of a segment reads back the same
 *   through every attachment of that segment, in it and in its forked
 *   children (nobody else writes that slot);
 * - nattch is never below the attachments one process holds itself;
 * - at the deadline every worker parks with its attachments and reports
 *   them; then each segment's nattch must equal the attachments reported
 *   for it, summed over all workers;
 * - when all have exited and the segments are removed, the table holds
 *   no segment and no page, and the memory counters are back to baseline.
 * Prints operations per second per kind; exits 1 on any violation.
 *
 *   torture [-n] [-p PROCS] [-t SECONDS] [-k KEYS] [-s SEED]
 *   -n: native SysV shm instead of svshm (to compare)
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

#define SEG_SIZE	(64 * 1024 + 100)	/* not a whole number of pages */
#define SLOT		2048			/* bytes per worker in a segment */
#define MAX_PROCS	31			/* slots that fit in SEG_SIZE */
#define MAX_ATT		8			/* attachments one worker holds */

enum op { OP_GET, OP_ATTACH, OP_WRITE, OP_DETACH, OP_STAT, OP_SET, OP_RMID,
	  OP_FORK, OP_EXIT, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
	"get", "attach", "write+verify", "detach", "stat", "set", "rmid", "fork", "exit",
};

#define MAX_IDS		(MAX_PROCS * MAX_ATT)

/* Shared between the master and the workers (MAP_SHARED | MAP_ANONYMOUS). */
struct shared {
	unsigned long ops[OP_COUNT];
	unsigned long violations;
	char first_violation[256];
	/* The census at the deadline: id + 1 (0: free entry) and attachments. */
	struct {
		int id1;
		unsigned long n;
	} held[MAX_IDS];
	int parked;			/* workers that reported and wait */
	int release;			/* set by the master: parked workers exit */
};

struct att {
	char *p;
	int id;
};

static const struct shm_backend *b = &shm_svshm;
static struct shared *sh;
static key_t key_base;
static int nkeys = 4;
static int slot;				/* this worker's slot */
static struct att atts[MAX_ATT];
static int natt;
static unsigned int rnd;
static unsigned long seq;

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&sh->violations, 1, __ATOMIC_RELAXED) == 0) {
		va_start(ap, fmt);
		vsnprintf(sh->first_violation, sizeof(sh->first_violation), fmt, ap);
		va_end(ap);
	}
}

static void count(enum op op)
{
	__atomic_fetch_add(&sh->ops[op], 1, __ATOMIC_RELAXED);
}

static unsigned int next_rand(void)
{
	rnd = rnd * 1103515245 + 12345;
	return rnd >> 8;
}

/* The pattern of write number @n by @pid: every byte depends on both. */
static void pattern(unsigned char *buf, pid_t pid, unsigned long n)
{
	for (int i = 0; i < SLOT; i++)
		buf[i] = (unsigned char)(pid * 31 + n * 7 + i);
}

/* The slot holds a header (pid, n) then the pattern it names. */
struct slot_hdr {
	pid_t pid;
	unsigned long n;
};

static void verify_slot(const char *p, const char *where)
{
	const struct slot_hdr *h = (const void *)(p + slot * SLOT);
	unsigned char want[SLOT];

	if (!h->pid)
		return;			/* never written: zero-filled, fine */
	pattern(want, h->pid, h->n);
	if (memcmp(want + sizeof(*h), p + slot * SLOT + sizeof(*h), SLOT - sizeof(*h)))
		violation("%s: slot %d of pid %d write %lu reads back wrong", where, slot,
			  h->pid, h->n);
}

static void write_slot(const struct att *a)
{
	struct slot_hdr *h = (void *)(a->p + slot * SLOT);
	unsigned char buf[SLOT];

	verify_slot(a->p, "before write");
	pattern(buf, getpid(), ++seq);
	memcpy(a->p + slot * SLOT + sizeof(*h), buf + sizeof(*h), SLOT - sizeof(*h));
	h->n = seq;
	h->pid = getpid();
	/* Every other attachment of the same segment sees it at once. */
	for (int i = 0; i < natt; i++)
		if (atts[i].id == a->id && atts[i].p != a->p &&
		    memcmp(atts[i].p + slot * SLOT, a->p + slot * SLOT, SLOT))
			violation("id %d: a write through %p is not seen at %p", a->id, a->p,
				  atts[i].p);
}

static int pick_id(void)
{
	int id = b->get(key_base + next_rand() % nkeys, SEG_SIZE, IPC_CREAT | 0600);

	count(OP_GET);
	if (id < 0)
		violation("get: %s", strerror(errno));
	return id;
}

static void do_attach(void)
{
	int id = pick_id();
	char *p;

	if (id < 0 || natt == MAX_ATT)
		return;
	p = b->at(id, NULL, 0);
	count(OP_ATTACH);
	if (p == (void *)-1) {
		/* Removed and destroyed between the get and the attach. */
		if (errno != EINVAL && errno != EIDRM)
			violation("attach: %s", strerror(errno));
		return;
	}
	atts[natt++] = (struct att){ p, id };
	verify_slot(p, "new attachment");
}

static void do_detach(void)
{
	int i;

	if (!natt)
		return;
	i = next_rand() % natt;
	count(OP_DETACH);
	if (b->dt(atts[i].p))
		violation("detach: %s", strerror(errno));
	atts[i] = atts[--natt];
}

static void do_stat(void)
{
	struct shmid_ds ds;
	unsigned long mine = 0;
	int id;

	if (!natt)
		return;
	id = atts[next_rand() % natt].id;
	for (int i = 0; i < natt; i++)
		mine += atts[i].id == id;
	count(OP_STAT);
	if (b->ctl(id, IPC_STAT, &ds)) {
		/* Attached segments live on, removed or not. */
		violation("stat of attached id %d: %s", id, strerror(errno));
		return;
	}
	if (ds.shm_nattch < mine)
		violation("nattch %lu below the %lu attachments of pid %d", ds.shm_nattch,
			  mine, getpid());
	if (ds.shm_segsz != SEG_SIZE)
		violation("segsz %zu", ds.shm_segsz);
}

static void do_set(void)
{
	struct shmid_ds ds;
	int id = pick_id();

	if (id < 0)
		return;
	count(OP_SET);
	if (b->ctl(id, IPC_STAT, &ds) == 0) {
		ds.shm_perm.mode = 0600 | (next_rand() & 0066);
		if (b->ctl(id, IPC_SET, &ds) && errno != EINVAL && errno != EIDRM)
			violation("set: %s", strerror(errno));
	}
}

static void do_rmid(void)
{
	int id = pick_id();

	if (id < 0)
		return;
	count(OP_RMID);
	if (b->ctl(id, IPC_RMID, NULL) && errno != EINVAL && errno != EIDRM)
		violation("rmid: %s", strerror(errno));
}

/* The child inherits every attachment and must read the same data. */
static void do_fork(void)
{
	pid_t pid;
	int status;

	count(OP_FORK);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < natt; i++)
			verify_slot(atts[i].p, "forked child");
		do_stat();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		violation("fork: child did not exit cleanly");
}

/* Count one attachment of @id in the census. */
static void census_add(int id)
{
	for (int i = 0; i < MAX_IDS; i++) {
		int cur = 0;

		/* Take a free entry, or join the one another worker took for @id. */
		if (__atomic_compare_exchange_n(&sh->held[i].id1, &cur, id + 1, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
		    cur == id + 1) {
			__atomic_fetch_add(&sh->held[i].n, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	violation("census: more than %d ids", MAX_IDS);
}

/*
 * At the deadline: report this worker's attachments, then wait, still
 * attached, until the master has compared every nattch with the census.
 */
static void park(void)
{
	for (int i = 0; i < natt; i++)
		census_add(atts[i].id);
	__atomic_fetch_add(&sh->parked, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&sh->release, __ATOMIC_ACQUIRE))
		usleep(1000);
	_exit(0);
}

static void worker(int index, time_t deadline)
{
	slot = index;
	rnd = (unsigned int)getpid() * 2654435761u;
	while (time(NULL) < deadline) {
		unsigned int r = next_rand() % 100;

		if (r < 10)
			pick_id();
		else if (r < 30)
			do_attach();
		else if (r < 55) {
			if (natt) {
				write_slot(&atts[next_rand() % natt]);
				count(OP_WRITE);
			}
		} else if (r < 70)
			do_detach();
		else if (r < 82)
			do_stat();
		else if (r < 87)
			do_set();
		else if (r < 93)
			do_rmid();
		else if (r < 99)
			do_fork();
		else {
			count(OP_EXIT);
			_exit(0);	/* with attachments: exit drops them */
		}
	}
	park();
}

/* With every live worker parked: each segment's nattch against the census. */
static void check_census(void)
{
	unsigned long ids = 0, held = 0;

	for (int i = 0; i < MAX_IDS && sh->held[i].id1; i++) {
		int id = sh->held[i].id1 - 1;
		struct shmid_ds ds;

		if (b->ctl(id, IPC_STAT, &ds))
			violation("census: stat of attached id %d: %s", id, strerror(errno));
		else if (ds.shm_nattch != sh->held[i].n)
			violation("census: id %d has nattch %lu, the workers hold %lu", id,
				  (unsigned long)ds.shm_nattch, sh->held[i].n);
		ids++;
		held += sh->held[i].n;
	}
	printf("# census at the deadline: %d workers parked, %lu attachments of %lu segments\n",
	       sh->parked, held, ids);
}

static long meminfo(const char *field)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			kb = atol(line + strlen(field) + 1);
	fclose(f);
	return kb;
}

static int table_usage(struct shm_info *info)
{
	return b->ctl(0, SHM_INFO, (struct shmid_ds *)info);
}

int main(int argc, char **argv)
{
	int procs = 8, seconds = 10, opt, status, bad = 0;
	struct shm_info before, after;
	long shmem_before, shmem_after;
	pid_t *pids;
	time_t deadline;

	key_base = 0x70000000 | ((getpid() & 0xfff) << 8);
	while ((opt = getopt(argc, argv, "np:t:k:s:")) != -1) {
		switch (opt) {
		case 'n': b = &shm_native; break;
		case 'p': procs = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		case 'k': nkeys = atoi(optarg); break;
		case 's': key_base = 0x70000000 | (atoi(optarg) << 8); break;
		default:
			fprintf(stderr, "usage: torture [-n] [-p procs] [-t seconds] [-k keys]\n");
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS || nkeys < 1)
		return 2;
	if (b == &shm_native && !native_shm_present()) {
		fprintf(stderr, "torture -n: %s\n", NATIVE_ABSENT);
		return 4;	/* KSFT_SKIP */
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(procs, sizeof(*pids));
	if (sh == MAP_FAILED || !pids || table_usage(&before) < 0) {
		perror("torture: setup");
		return 1;
	}
	shmem_before = meminfo("Shmem:");

	printf("# torture on %s: %d processes, %d s, %d keys\n", b->name, procs, seconds, nkeys);
	fflush(stdout);
	deadline = time(NULL) + seconds;
	for (int i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, deadline);
	}
	/*
	 * Respawn workers that exit early, in the same slot, until the
	 * deadline; after it, a slot ends when its worker parks or exits.
	 */
	for (int gone = 0; __atomic_load_n(&sh->parked, __ATOMIC_ACQUIRE) + gone < procs;) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid < 0)
			break;
		if (pid == 0) {
			usleep(10000);
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			violation("worker %d died (status %#x)", pid, status);
		for (int i = 0; i < procs; i++) {
			if (pids[i] != pid)
				continue;
			if (time(NULL) < deadline) {
				pids[i] = fork();
				if (pids[i] == 0)
					worker(i, deadline);
			} else {
				gone++;
			}
		}
	}
	check_census();
	__atomic_store_n(&sh->release, 1, __ATOMIC_RELEASE);
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			violation("worker died (status %#x)", status);

	/* Nobody is attached now: every segment left must say nattch 0. */
	for (int k = 0; k < nkeys; k++) {
		struct shmid_ds ds;
		int id = b->get(key_base + k, 0, 0);

		if (id < 0)
			continue;
		if (b->ctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch)
			violation("key %#x: nattch %lu with no process left", key_base + k,
				  ds.shm_nattch);
		b->ctl(id, IPC_RMID, NULL);
	}
	table_usage(&after);
	shmem_after = meminfo("Shmem:");
	if (after.used_ids != before.used_ids || after.shm_tot != before.shm_tot ||
	    after.shm_rss != before.shm_rss)
		violation("table not back to baseline: ids %d -> %d, pages %lu -> %lu, rss %lu -> %lu",
			  before.used_ids, after.used_ids, before.shm_tot, after.shm_tot,
			  before.shm_rss, after.shm_rss);
	/* Allow a little for other users of shmem (tmpfs) in the meantime. */
	if (shmem_after > shmem_before + 512)
		violation("Shmem %ld kB -> %ld kB", shmem_before, shmem_after);

	for (int op = 0; op < OP_COUNT; op++)
		printf("# %-13s %10lu ops %10.0f ops/s\n", op_names[op], sh->ops[op],
		       (double)sh->ops[op] / seconds);
	printf("# Shmem %ld kB before, %ld kB after; violations: %lu\n", shmem_before,
	       shmem_after, sh->violations);
	if (sh->violations) {
		printf("# first violation: %s\n", sh->first_violation);
		bad = 1;
	}
	return bad;
}
