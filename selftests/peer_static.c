// SPDX-License-Identifier: GPL-2.0
/*
 * A statically linked program on glibc's shmget, shmat, shmctl and shmdt:
 * no dynamic loader, so no LD_PRELOAD can reach its calls, which are raw
 * system calls; callers_test runs it natively and under svshm-exec. Its
 * command line is the Go peer's (selftests/go/peer.go), so that the tests
 * pair either with the other:
 *   create KEY SIZE TEXT  make the segment (IPC_CREAT|IPC_EXCL, 0600),
 *                         attach it, write TEXT, print "id=ID nattch=N",
 *                         then hold the attachment until stdin ends
 *   verify ID TEXT        attach it read-only, print "nattch=N" while
 *                         attached; status 1 if it does not hold TEXT
 *   rm ID                 IPC_RMID
 * A failed call prints "CALL: errno=N" and exits with status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

static int fail(const char *call)
{
	printf("%s: errno=%d\n", call, errno);
	return 2;
}

/* Wait for the end of stdin: the test's word that we may detach. */
static void hold(void)
{
	char buf[64];
	ssize_t n;

	fflush(stdout);
	while ((n = read(0, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
}

static int create(key_t key, size_t size, const char *text)
{
	struct shmid_ds ds;
	char *p;
	int id;

	id = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return fail("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return fail("shmat");
	strncpy(p, text, size);
	if (shmctl(id, IPC_STAT, &ds))
		return fail("shmctl");
	printf("id=%d nattch=%lu\n", id, (unsigned long)ds.shm_nattch);
	hold();
	return shmdt(p) ? fail("shmdt") : 0;
}

static int verify(int id, const char *text)
{
	struct shmid_ds ds;
	int same;
	char *p;

	p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return fail("shmat");
	if (shmctl(id, IPC_STAT, &ds))
		return fail("shmctl");
	same = ds.shm_segsz >= strlen(text) && !memcmp(p, text, strlen(text));
	printf("nattch=%lu\n", (unsigned long)ds.shm_nattch);
	if (!same)
		printf("holds: %.32s\n", p);
	if (shmdt(p))
		return fail("shmdt");
	return same ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "create"))
		return create((key_t)strtol(argv[2], NULL, 0), strtoul(argv[3], NULL, 0), argv[4]);
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return verify(atoi(argv[2]), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "rm"))
		return shmctl(atoi(argv[2]), IPC_RMID, NULL) ? fail("shmctl") : 0;
	fprintf(stderr, "usage: %s create KEY SIZE TEXT | verify ID TEXT | rm ID\n", argv[0]);
	return 2;
}
