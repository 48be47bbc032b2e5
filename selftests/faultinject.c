// SPDX-License-Identifier: GPL-2.0
/*
 * faultinject: failslab and fail_page_alloc aimed at svshm.ko (the stack
 * trace filter takes the module's address range from /proc/modules, the
 * task filter this process), while get, attach, touch, stat, set, lock and
 * remove run in a loop. Every failure must reach the caller as a native
 * errno (ENOMEM and friends), never a crash; afterwards the table must be
 * as it was found and the memory counters back where they were (kmemleak, on the
 * debug kernel, finds what leaked). Prints how many injected failures
 * each operation met. Needs root and a kernel with fault injection.
 *
 *   faultinject [-r ROUNDS] [-p PERCENT]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "svshm.h"

#define DBG "/sys/kernel/debug/"

enum { FI_GET, FI_ATTACH, FI_TOUCH, FI_STAT, FI_SET, FI_LOCK, FI_RMID, FI_COUNT };
static const char *const names[FI_COUNT] = {
	"get", "attach", "touch", "stat", "set", "lock", "remove",
};
static unsigned long done[FI_COUNT], failed[FI_COUNT], bad;

static int put_ul(const char *path, unsigned long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%#lx", v);
	return file_write(path, buf);
}

/* svshm's core range, from "svshm SIZE REFS DEPS STATE ADDR" in /proc/modules. */
static int module_range(unsigned long *start, unsigned long *end)
{
	char line[256], name[64], state[16], deps[128];
	unsigned long size, refs;
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%63s %lu %lu %127s %15s %lx", name, &size, &refs, deps,
			       state, start) == 6 && !strcmp(name, "svshm");
	fclose(f);
	*end = *start + size;
	return found && *start ? 0 : -1;
}

static int setup(const char *attr, unsigned long start, unsigned long end, int percent)
{
	char path[128], val[16];
	int err = 0;

	snprintf(val, sizeof(val), "%d", percent);
#define SET(file, v) do { snprintf(path, sizeof(path), DBG "%s/" file, attr); \
			  err |= file_write(path, v); } while (0)
	SET("task-filter", "Y");
	SET("verbose", "0");
	SET("times", "-1");
	SET("interval", "1");
	SET("space", "0");
	SET("ignore-gfp-wait", "N");
	SET("probability", val);
#undef SET
	snprintf(path, sizeof(path), DBG "%s/require-start", attr);
	err |= put_ul(path, start);
	snprintf(path, sizeof(path), DBG "%s/require-end", attr);
	err |= put_ul(path, end);
	return err;
}

static void inject(int on)
{
	file_write("/proc/self/make-it-fail", on ? "1" : "0");
}

/*
 * Record one call: 0, or a failure whose errno must be in @ok. ENOMEM is
 * what an injected failure looks like, and ENOSPC for shmget: shmem answers
 * a failed inode allocation so (native's shmget does the same); the others
 * follow from an earlier step's failure (no id to attach, say).
 */
static void result(int op, long ret, const int *ok)
{
	done[op]++;
	if (ret >= 0)
		return;
	for (; *ok; ok++) {
		if (*ok == errno) {
			failed[op] += errno == ENOMEM || errno == ENOSPC;
			return;
		}
	}
	bad++;
	fprintf(stderr, "faultinject: %s failed with %s\n", names[op], strerror(errno));
}

static const int nomem[] = { ENOMEM, 0 };
static const int get_errs[] = { ENOMEM, ENOSPC, 0 };
/* An id whose creation failed, or that another step removed. */
static const int nomem_or_gone[] = { ENOMEM, EINVAL, EIDRM, 0 };

static void round_trip(void)
{
	struct shmid_ds ds;
	int id, keyed;
	char *p;

	inject(1);
	id = svshm_shmget(IPC_PRIVATE, 5 * 4096 + 1, 0600);
	result(FI_GET, id, get_errs);
	keyed = svshm_shmget(0x46490000 | (getpid() & 0xffff), 4096, IPC_CREAT | 0600);
	result(FI_GET, keyed, get_errs);
	p = svshm_shmat(id, NULL, 0);
	result(FI_ATTACH, p == (void *)-1 ? -1 : 0, nomem_or_gone);
	if (p != (void *)-1) {
		/* Faults retry until shmem gets its page: no error to see. */
		memset(p, 0xa5, 5 * 4096 + 1);
		result(FI_TOUCH, p[5 * 4096] == (char)0xa5 ? 0 : (errno = EIO, -1), nomem);
	}
	result(FI_STAT, svshm_shmctl(id, IPC_STAT, &ds), nomem_or_gone);
	if (id >= 0) {
		ds.shm_perm.mode = 0640;
		result(FI_SET, svshm_shmctl(id, IPC_SET, &ds), nomem_or_gone);
	}
	result(FI_LOCK, svshm_shmctl(id, SHM_LOCK, NULL), nomem_or_gone);
	result(FI_RMID, svshm_shmctl(id, IPC_RMID, NULL), nomem_or_gone);
	inject(0);
	if (p != (void *)-1 && svshm_shmdt(p)) {
		bad++;
		perror("faultinject: detach");
	}
	if (keyed >= 0)
		svshm_shmctl(keyed, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
	unsigned long start, end, total = 0;
	int rounds = 300, percent = 30, opt;
	struct shm_info info, base;

	while ((opt = getopt(argc, argv, "r:p:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'p')
			percent = atoi(optarg);
		else
			return 2;
	}
	if (access(DBG "failslab", F_OK) || access(DBG "fail_page_alloc", F_OK)) {
		printf("# faultinject: this kernel has no failslab/fail_page_alloc: skipped\n");
		return 0;
	}
	/*
	 * Open the device before aiming: the open is not what is tested. The
	 * table as found is the baseline to come back to.
	 */
	if (svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0 ||
	    module_range(&start, &end) ||
	    setup("failslab", start, end, percent) ||
	    setup("fail_page_alloc", start, end, percent)) {
		perror("faultinject: setup");
		return 1;
	}
	base = info;
	for (int i = 0; i < rounds; i++)
		round_trip();
	setup("failslab", start, end, 0);
	setup("fail_page_alloc", start, end, 0);

	if (svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0 ||
	    info.used_ids != base.used_ids || info.shm_tot != base.shm_tot) {
		bad++;
		fprintf(stderr, "faultinject: table not as found: %d ids, %lu pages (before: %d, %lu)\n",
			info.used_ids, info.shm_tot, base.used_ids, base.shm_tot);
	}
	for (int op = 0; op < FI_COUNT; op++) {
		printf("# faultinject %-7s %6lu calls, %6lu injected failures\n", names[op],
		       done[op], failed[op]);
		total += failed[op];
	}
	printf("# faultinject: %lu injected failures reached the caller cleanly, %lu bad\n",
	       total, bad);
	return bad || !total;
}
