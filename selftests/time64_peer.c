// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified program built with 64-bit times (-D_TIME_BITS=64, glibc
 * 2.34 and later). On a 32-bit ABI its shmctl is glibc's __shmctl64, whose
 * struct shmid_ds holds each time in one 64-bit field; compat_test runs it
 * natively and with libsvshm-preload.so. It makes a segment, attaches it,
 * and checks what IPC_STAT, IPC_SET, SHM_STAT, IPC_INFO and SHM_INFO give
 * against what it did (its pid and ids, the clock around its calls); then
 * it prints "ok ID" and leaves the segment for its caller to check and
 * remove. Otherwise it prints one line saying what was wrong and exits 1.
 * A time read from the wrong half of a field is decades off: the clock
 * checks are what a layout mismatch fails.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define SEG_SIZE	(3 * 4096 + 5)

static int failed(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	return 1;
}

/* 0 if @got is @want, else one line naming the field. */
static int check(const char *what, long long got, long long want)
{
	if (got == want)
		return 0;
	printf("%s: %lld, not %lld\n", what, got, want);
	return 1;
}

/* 0 if @t is within [@lo, @hi], else one line naming the field. */
static int check_time(const char *what, time_t t, time_t lo, time_t hi)
{
	if (t >= lo && t <= hi)
		return 0;
	printf("%s: %lld, not within [%lld, %lld]\n", what, (long long)t,
	       (long long)lo, (long long)hi);
	return 1;
}

/* SHM_STAT over every index up to the highest in use: @id's entry. */
static int find_by_index(int id, int max, struct shmid_ds *ds)
{
	for (int i = 0; i <= max; i++)
		if (shmctl(i, SHM_STAT, ds) == id)
			return 0;
	printf("SHM_STAT: id %d at no index up to %d\n", id, max);
	return 1;
}

int main(void)
{
	struct shm_info info;
	struct shminfo lim;
	struct shmid_ds ds;
	time_t t0, t1, at;
	int id, max;
	char *p;

	if (sizeof(time_t) != 8)
		return printf("time_t has %zu bytes: not a 64-bit time build\n", sizeof(time_t)), 1;
	t0 = time(NULL);
	id = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	if (id < 0)
		return failed("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return failed("shmat");
	strcpy(p, "time64");
	if (shmctl(id, IPC_STAT, &ds))
		return failed("IPC_STAT");
	t1 = time(NULL);
	if (check("shm_segsz", ds.shm_segsz, SEG_SIZE) ||
	    check("shm_nattch", ds.shm_nattch, 1) ||
	    check("shm_cpid", ds.shm_cpid, getpid()) ||
	    check("shm_lpid", ds.shm_lpid, getpid()) ||
	    check("shm_perm.mode", ds.shm_perm.mode & 0777, 0600) ||
	    check("shm_perm.uid", ds.shm_perm.uid, geteuid()) ||
	    check("shm_perm.cuid", ds.shm_perm.cuid, geteuid()) ||
	    check("shm_dtime", ds.shm_dtime, 0) ||
	    check_time("shm_atime", ds.shm_atime, t0, t1) ||
	    check_time("shm_ctime", ds.shm_ctime, t0, t1))
		return 1;
	at = ds.shm_atime;

	ds.shm_perm.mode = 0640;
	if (shmctl(id, IPC_SET, &ds))
		return failed("IPC_SET");
	if (shmdt(p))
		return failed("shmdt");
	if (shmctl(id, IPC_STAT, &ds))
		return failed("IPC_STAT after IPC_SET");
	t1 = time(NULL);
	if (check("shm_perm.mode after IPC_SET", ds.shm_perm.mode & 0777, 0640) ||
	    check("shm_nattch after shmdt", ds.shm_nattch, 0) ||
	    check("shm_atime after shmdt", ds.shm_atime, at) ||
	    check_time("shm_dtime", ds.shm_dtime, t0, t1) ||
	    check_time("shm_ctime after IPC_SET", ds.shm_ctime, t0, t1))
		return 1;

	max = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	if (max < 0)
		return failed("SHM_INFO");
	if (info.used_ids < 1)
		return check("SHM_INFO used_ids", info.used_ids, 1);
	if (find_by_index(id, max, &ds) ||
	    check("SHM_STAT shm_segsz", ds.shm_segsz, SEG_SIZE) ||
	    check_time("SHM_STAT shm_ctime", ds.shm_ctime, t0, t1))
		return 1;
	if (shmctl(0, IPC_INFO, (struct shmid_ds *)&lim) < 0)
		return failed("IPC_INFO");
	if (check("IPC_INFO shmmin", lim.shmmin, 1))
		return 1;
	printf("ok %d\n", id);
	return 0;
}
