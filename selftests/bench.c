// SPDX-License-Identifier: GPL-2.0
/*
 * bench: native SysV shm and svshm side by side in one process, the same
 * loops on each, reported as operations per second and as the ratio
 * svshm / native (above 1: svshm is faster). Run by `make bench` in a
 * guest; numbers under TCG compare the two, they are not absolute.
 *
 *   bench [-s SECONDS_PER_CASE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

static double per_case = 1.0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run @fn until per_case seconds have passed; return its calls per second. */
static double rate(const struct shm_backend *b, long (*fn)(const struct shm_backend *, int),
		   int arg)
{
	double start = now(), t;
	long n = 0;

	do {
		n += fn(b, arg);
		t = now() - start;
	} while (t < per_case);
	return n / t;
}

static long get_rmid(const struct shm_backend *b, int size)
{
	int id = b->get(IPC_PRIVATE, size, 0600);

	b->ctl(id, IPC_RMID, NULL);
	return 1;
}

static int bench_id = -1;

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

/* Attach a new segment of @mib MiB, write every page, detach, remove: pages/s. */
static long first_touch(const struct shm_backend *b, int mib)
{
	size_t len = (size_t)mib << 20;
	int id = b->get(IPC_PRIVATE, len, 0600);
	char *p = b->at(id, NULL, 0);

	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	b->dt(p);
	b->ctl(id, IPC_RMID, NULL);
	return len / 4096;
}

/* Touch the pages of an existing segment through a new attachment. */
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

struct bench_case {
	const char *name;
	const char *unit;
	long (*fn)(const struct shm_backend *, int);
	int arg;
};

static const struct bench_case cases[] = {
	{ "shmget+IPC_RMID, 4 KiB", "ops/s", get_rmid, 4096 },
	{ "shmget+IPC_RMID, 1 GiB", "ops/s", get_rmid, 1 << 30 },
	{ "shmat+shmdt, 16 MiB", "ops/s", at_dt, 0 },
	{ "IPC_STAT", "ops/s", stat_one, 0 },
	{ "first touch, 16 MiB", "pages/s", first_touch, 16 },
	{ "attach+read resident, 16 MiB", "pages/s", reattach_read, 16 },
};

int main(int argc, char **argv)
{
	const struct shm_backend *bs[2] = { &shm_native, &shm_svshm };
	/* Without SysV IPC in the kernel: svshm's column only. */
	int first = native_shm_present() ? 0 : 1;
	int ids[2], opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			return 2;
		per_case = atof(optarg);
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
	printf("| case | unit | native | svshm | svshm / native |\n| --- | --- | ---: | ---: | ---: |\n");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double r[2];

		for (int i = first; i < 2; i++) {
			bench_id = ids[i];
			rate(bs[i], cases[c].fn, cases[c].arg);	/* warm up */
			r[i] = rate(bs[i], cases[c].fn, cases[c].arg);
		}
		if (first)
			printf("| %s | %s | - | %.0f | - |\n", cases[c].name, cases[c].unit, r[1]);
		else
			printf("| %s | %s | %.0f | %.0f | %.2f |\n", cases[c].name, cases[c].unit,
			       r[0], r[1], r[1] / r[0]);
		fflush(stdout);
	}
	for (int i = first; i < 2; i++)
		bs[i]->ctl(ids[i], IPC_RMID, NULL);
	return 0;
}
