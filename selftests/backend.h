/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The System V shared memory backends a test can run on: native (the
 * kernel's own shmget/shmat/shmdt/shmctl through glibc), svshm (libsvshm
 * over /dev/svshm) and, under svshm-exec (tools/svshm-exec.c), raw: the
 * system calls themselves, issued with syscall(2) and no libc wrapper,
 * which svshm-exec answers from svshm's table. A test written against
 * struct shm_backend runs the same scenario on each, so that each
 * assertion checks native and svshm alike; FIXTURE_VARIANT() gives one
 * test per backend:
 *
 *	FIXTURE_VARIANT(f) { const struct shm_backend *b; };
 *	SHM_BACKEND_VARIANTS(f);
 *
 * Under svshm-exec every shm system call of the process is svshm's, glibc's
 * included: native is out of reach there, and counts as absent.
 */
#ifndef SVSHM_SELFTEST_BACKEND_H
#define SVSHM_SELFTEST_BACKEND_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "svshm.h"

struct shm_backend {
	const char *name;
	int (*get)(key_t key, size_t size, int flags);
	void *(*at)(int id, const void *addr, int flags);
	int (*dt)(const void *addr);
	int (*ctl)(int id, int cmd, struct shmid_ds *buf);
};

/*
 * Native's shmctl as the kernel answers it. glibc's for a 32-bit caller
 * (i386) stats into a buffer of its own and copies it to the caller's
 * field by field: a bad pointer is a SIGSEGV in glibc, not the kernel's
 * EFAULT, and the reserved words keep what the caller had there. There
 * the call goes to ipc(2) as glibc sends it, with IPC_64 and the
 * caller's buffer, which is what libsvshm hands the module.
 */
static inline int native_shmctl(int id, int cmd, struct shmid_ds *buf)
{
#ifdef SYS_ipc
	if (sizeof(long) < 8)
		return syscall(SYS_ipc, 24 /* SHMCTL */, id, cmd | 0x100 /* IPC_64 */,
			       0, buf, 0);
#else
	/*
	 * 32-bit ARM has no ipc(2) (EABI), and glibc converts there too:
	 * its direct shmctl, which parses IPC_64 as ipc(2) does.
	 */
	if (sizeof(long) < 8)
		return syscall(SYS_shmctl, id, cmd | 0x100 /* IPC_64 */, buf);
#endif
	return shmctl(id, cmd, buf);
}

/*
 * Raw system calls, as static programs, Go and language runtimes issue
 * them. i386 uses the direct numbers (Linux 5.1), where its glibc goes
 * through ipc(2), so that svshm-exec is held to both; their shmctl always
 * has the 64-bit layout, and IPC_64 in the command is an unknown command
 * (EINVAL), as native's compat_sys_shmctl has it. An ABI without ipc(2)
 * (32-bit ARM's EABI) has one shmctl, which reads IPC_64 from the command
 * as ipc(2) does: a 32-bit caller asks for the 64-bit layout there.
 */
static inline int raw_shmget(key_t key, size_t size, int flags)
{
	return syscall(SYS_shmget, key, size, flags);
}

static inline void *raw_shmat(int id, const void *addr, int flags)
{
	return (void *)syscall(SYS_shmat, id, addr, flags);
}

static inline int raw_shmdt(const void *addr)
{
	return syscall(SYS_shmdt, addr);
}

static inline int raw_shmctl(int id, int cmd, struct shmid_ds *buf)
{
#ifndef SYS_ipc
	if (sizeof(long) < 8)
		cmd |= 0x100;	/* IPC_64 */
#endif
	return syscall(SYS_shmctl, id, cmd, buf);
}

static const struct shm_backend shm_native = {
	"native", shmget, shmat, shmdt, native_shmctl,
};

static const struct shm_backend shm_svshm = {
	"svshm", svshm_shmget, svshm_shmat, svshm_shmdt, svshm_shmctl,
};

static const struct shm_backend shm_raw = {
	"raw", raw_shmget, raw_shmat, raw_shmdt, raw_shmctl,
};

#define SHM_BACKEND_VARIANTS(fixture)				\
	FIXTURE_VARIANT_ADD(fixture, native) { .b = &shm_native };	\
	FIXTURE_VARIANT_ADD(fixture, svshm) { .b = &shm_svshm }

/* Segments in use on @b (SHM_INFO), or -1 with errno set. */
static inline int used_ids(const struct shm_backend *b)
{
	struct shm_info info;

	if (b->ctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -1;
	return info.used_ids;
}

/* The id of the segment of @key on @b, or -1. */
static inline int key_id(const struct shm_backend *b, key_t key)
{
	return b->get(key, 0, 0);
}

/* Remove what a program may have left under keys @key .. @key + @n - 1. */
static inline void zap_keys(key_t key, int n)
{
	const struct shm_backend *bs[] = { &shm_native, &shm_svshm };
	int id;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < 2; j++)
			while ((id = key_id(bs[j], key + i)) >= 0 && !bs[j]->ctl(id, IPC_RMID, NULL))
				;
}

/*
 * Under svshm-exec: it names itself in SVSHM_EXEC_PID and is this
 * process's tracer (TracerPid), as its own check for nesting does. An
 * inherited variable without the tracer is not enough. Asked once per
 * process; a child forked under svshm-exec is under it too.
 */
static inline bool under_svshm_exec(void)
{
	static int under = -1;
	const char *env = getenv("SVSHM_EXEC_PID");
	char line[128];
	FILE *f;

	if (under >= 0)
		return under;
	under = 0;
	if (!env || !*env)
		return under;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return under;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10)) {
			under = atoi(line + 10) == atoi(env);
			break;
		}
	fclose(f);
	return under;
}

/*
 * Kernels built with CONFIG_SYSVIPC=n (minimal, embedded, hardened,
 * Android) answer every native shm* system call with ENOSYS: there is no
 * native to run on or compare with, and svshm is the only System V shared
 * memory there is. Under svshm-exec, native is out of reach as well. The
 * probe cannot create anything: size 0 is below SHMMIN, so a kernel with
 * SysV IPC answers EINVAL. Asked once per process.
 */
#define NATIVE_ABSENT (under_svshm_exec() ?					\
	"native SysV IPC: out of reach under svshm-exec (every shm system call is svshm's)" : \
	"native SysV IPC: not in this kernel (CONFIG_SYSVIPC=n)")

static inline bool native_shm_present(void)
{
	static int present = -1;
	int saved = errno, id;

	if (present < 0 && under_svshm_exec())
		present = 0;
	if (present < 0) {
		id = shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600);
		present = !(id < 0 && errno == ENOSYS);
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
		errno = saved;
	}
	return present;
}

/*
 * The backends this process reaches, in the order a comparison takes them
 * (native first, the reference, where there is one): native where present,
 * svshm, and raw under svshm-exec. Returns how many, at most 3.
 */
static inline int shm_backends(const struct shm_backend *bs[3])
{
	int n = 0;

	if (native_shm_present())
		bs[n++] = &shm_native;
	bs[n++] = &shm_svshm;
	if (under_svshm_exec())
		bs[n++] = &shm_raw;
	return n;
}

/*
 * In a FIXTURE_SETUP or a TEST (kselftest_harness.h): skip when @b is
 * native and the kernel has none, saying why; an svshm run goes on. Use it
 * before any EXPECT: a SKIP replaces the exit code of a failure before it.
 */
#define SKIP_IF_NO_NATIVE(b) do {						\
		if ((b) == &shm_native && !native_shm_present())		\
			SKIP(return, "%s", NATIVE_ABSENT);			\
	} while (0)

/*
 * SVSHM_EXPECT_NO_SYSVIPC=1: this run is on the kernel without SysV IPC
 * (make check's no-sysvipc guest), so a working native shmget is a failure.
 */
static inline int expect_no_sysvipc(void)
{
	const char *e = getenv("SVSHM_EXPECT_NO_SYSVIPC");

	return e && !strcmp(e, "1");
}

/*
 * In a test about a kernel without SysV IPC: go on only there; elsewhere
 * skip, or fail when SVSHM_EXPECT_NO_SYSVIPC=1 says this is that kernel,
 * so that the boot meant to prove the point cannot pass on the wrong one.
 */
#define REQUIRE_NO_SYSVIPC() do {						\
		if (native_shm_present()) {					\
			ASSERT_FALSE(expect_no_sysvipc())			\
				TH_LOG("SVSHM_EXPECT_NO_SYSVIPC=1, but native shmget works: " \
				       "this kernel has SysV IPC");		\
			SKIP(return, "this kernel has SysV IPC (CONFIG_SYSVIPC=y): " \
			     "nothing to prove");				\
		}							\
	} while (0)

#endif /* SVSHM_SELFTEST_BACKEND_H */
