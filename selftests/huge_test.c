// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameter huge= (module/huge.c) against the system's
 * /sys/kernel/mm/transparent_hugepage/shmem_enabled, native beside svshm:
 * unset, svshm follows the system as native does; set, svshm's segments
 * get (or are refused) huge pages whatever the system gives native's,
 * except that the system's deny and force still win. A bad value fails
 * the load.
 *
 * Each case reloads the module with a value, makes a 16 MiB segment on
 * each backend, attaches it on a 2 MiB boundary (so that huge pages do
 * not hang on where the kernel would put it), touches every page, and
 * reads the growth of ShmemHugePages in /proc/meminfo. The svshm work is
 * done in children: libsvshm keeps /dev/svshm open for a process's life,
 * which would pin the module in this one.
 *
 * Needs root, SVSHM_KO (scripts/guest/tests.sh sets it) and a kernel with
 * transparent huge pages for shmem. Leaves the module loaded without a
 * value and shmem_enabled as it found it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "kselftest_harness.h"

#define SHMEM_ENABLED	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define SEG_SIZE	(16UL << 20)
#define PMD_SIZE	(2UL << 20)

enum { NONE, HUGE };

static long meminfo_kb(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = atol(line + n + 1);
	fclose(f);
	return kb;
}

/* The value in force in @buf ("always [never] ..." gives "never"). */
static int shmem_enabled(char *buf, size_t len)
{
	char all[256], *b, *e;
	FILE *f = fopen(SHMEM_ENABLED, "r");

	if (!f)
		return -1;
	b = fgets(all, sizeof(all), f);
	fclose(f);
	if (!b || !(b = strchr(all, '[')) || !(e = strchr(b, ']')))
		return -1;
	snprintf(buf, len, "%.*s", (int)(e - b - 1), b + 1);
	return 0;
}

static int set_shmem_enabled(const char *v)
{
	FILE *f = fopen(SHMEM_ENABLED, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(v, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* Load the module afresh, with huge=@value unless NULL; insmod's status. */
static int reload(const char *value)
{
	char cmd[4300];

	if (system("rmmod svshm 2>/dev/null; true"))
		return -1;
	snprintf(cmd, sizeof(cmd), "insmod %s%s%s 2>/dev/null", getenv("SVSHM_KO"),
		 value ? " huge=" : "", value ? value : "");
	return system(cmd);
}

/*
 * In a child: a 16 MiB segment on @b, attached on a 2 MiB boundary
 * (after MADV_HUGEPAGE if @advise), every page touched. Exits with the
 * MiB of huge pages that gave shmem, 255 on failure.
 */
static void touch_segment(const struct shm_backend *b, int advise)
{
	long before = meminfo_kb("ShmemHugePages"), after;
	char *area, *at, *p;
	int id;

	/* Room for the segment on a 2 MiB boundary, then give it back. */
	area = mmap(NULL, SEG_SIZE + PMD_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		_exit(255);
	at = (char *)(((unsigned long)area + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
	munmap(area, SEG_SIZE + PMD_SIZE);
	id = b->get(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	if (id < 0)
		_exit(255);
	p = b->at(id, at, 0);
	b->ctl(id, IPC_RMID, NULL);
	if (p != at)
		_exit(255);
	if (advise && madvise(p, SEG_SIZE, MADV_HUGEPAGE))
		_exit(255);
	for (unsigned long off = 0; off < SEG_SIZE; off += 4096)
		p[off] = 1;
	after = meminfo_kb("ShmemHugePages");
	b->dt(p);
	if (before < 0 || after < before)
		_exit(255);
	_exit((after - before) >> 10);
}

/* NONE or HUGE for a segment on @b, or -1. */
static int huge_on(const struct shm_backend *b, int advise)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		touch_segment(b, advise);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status) ? HUGE : NONE;
}

FIXTURE(huge) {
	char saved[32];
};

FIXTURE_SETUP(huge)
{
	if (geteuid() != 0 || !getenv("SVSHM_KO"))
		SKIP(return, "needs root and SVSHM_KO");
	if (access(SHMEM_ENABLED, W_OK) || meminfo_kb("ShmemHugePages") < 0)
		SKIP(return, "no transparent huge pages for shmem in this kernel");
	ASSERT_EQ(0, shmem_enabled(self->saved, sizeof(self->saved)));
}

FIXTURE_TEARDOWN(huge)
{
	if (self->saved[0])
		set_shmem_enabled(self->saved);
	if (geteuid() == 0 && getenv("SVSHM_KO"))
		reload(NULL);
}

/* Under shmem_enabled=@system and huge=@value: native's and svshm's answers. */
#define EXPECT_HUGE(system, value, advise, want_native, want_svshm) do {	\
		ASSERT_EQ(0, set_shmem_enabled(system));			\
		ASSERT_EQ(0, reload(value)) TH_LOG("insmod huge=%s", value ? value : "(unset)"); \
		if (native_shm_present())					\
			EXPECT_EQ(want_native, huge_on(&shm_native, advise))	\
				TH_LOG("native, shmem_enabled=%s", system);	\
		EXPECT_EQ(want_svshm, huge_on(&shm_svshm, advise))		\
			TH_LOG("svshm huge=%s, shmem_enabled=%s",		\
			       value ? value : "(unset)", system);		\
	} while (0)

TEST_F(huge, unset_follows_the_system_as_native)
{
	EXPECT_HUGE("never", NULL, 0, NONE, NONE);
	EXPECT_HUGE("always", NULL, 0, HUGE, HUGE);
	EXPECT_HUGE("advise", NULL, 0, NONE, NONE);
	EXPECT_HUGE("advise", NULL, 1, HUGE, HUGE);
}

TEST_F(huge, set_gives_segments_their_own)
{
	EXPECT_HUGE("never", "always", 0, NONE, HUGE);
	EXPECT_HUGE("never", "within_size", 0, NONE, HUGE);
	EXPECT_HUGE("never", "advise", 0, NONE, NONE);
	EXPECT_HUGE("never", "advise", 1, NONE, HUGE);
	EXPECT_HUGE("always", "never", 0, HUGE, NONE);
}

TEST_F(huge, system_deny_and_force_still_win)
{
	EXPECT_HUGE("deny", "always", 0, NONE, NONE);
	EXPECT_HUGE("force", "never", 0, HUGE, HUGE);
}

TEST_F(huge, bad_value_fails_the_load)
{
	ASSERT_EQ(0, set_shmem_enabled("never"));
	EXPECT_NE(0, reload("sometimes"));
	EXPECT_NE(0, access("/dev/svshm", F_OK));
	/* An empty value is no value: segments live where native's do. */
	EXPECT_EQ(0, reload(""));
	EXPECT_EQ(NONE, huge_on(&shm_svshm, 0));
}

TEST_HARNESS_MAIN
