// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsvshm-preload: the <sys/shm.h> names, for LD_PRELOAD, so that an
 * unmodified program's System V shared memory lives in /dev/svshm.
 */
#include <stddef.h>

#include "svshm.h"

int shmget(key_t key, size_t size, int shmflg)
{
	return svshm_shmget(key, size, shmflg);
}

void *shmat(int shmid, const void *shmaddr, int shmflg)
{
	return svshm_shmat(shmid, shmaddr, shmflg);
}

int shmdt(const void *shmaddr)
{
	return svshm_shmdt(shmaddr);
}

int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	return svshm_shmctl(shmid, cmd, buf);
}

/*
 * A 32-bit program built with 64-bit times (_TIME_BITS=64, glibc 2.34 and
 * later) calls __shmctl64 with a struct shmid_ds whose times are one
 * 64-bit field each. Where the C library has such a call (__TIMESIZE 32),
 * the ABIs have that layout byte for byte the kernel's shmid64_ds, which
 * libsvshm's shmctl asks for (IPC_64): each time's low word, then its high
 * word, at the same offsets. The asserts below hold that; an ABI where
 * they fail (a big-endian one) does not build rather than misread times.
 */
#if defined(__TIMESIZE) && __TIMESIZE == 32
struct svshm_shmid_ds_time64 {
	struct ipc_perm shm_perm;
	size_t shm_segsz;
	long long shm_atime;
	long long shm_dtime;
	long long shm_ctime;
	pid_t shm_cpid;
	pid_t shm_lpid;
	shmatt_t shm_nattch;
	unsigned long __glibc_reserved5;
	unsigned long __glibc_reserved6;
};

#define SVSHM_SAME_OFFSET(f)						\
	_Static_assert(offsetof(struct svshm_shmid_ds_time64, f) ==	\
		       offsetof(struct shmid_ds, f), #f " moves with 64-bit times")
SVSHM_SAME_OFFSET(shm_segsz);
SVSHM_SAME_OFFSET(shm_atime);
SVSHM_SAME_OFFSET(shm_dtime);
SVSHM_SAME_OFFSET(shm_ctime);
SVSHM_SAME_OFFSET(shm_cpid);
SVSHM_SAME_OFFSET(shm_lpid);
SVSHM_SAME_OFFSET(shm_nattch);
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "a 64-bit time is not its low word then its high word");

int __shmctl64(int shmid, int cmd, struct svshm_shmid_ds_time64 *buf);

int __shmctl64(int shmid, int cmd, struct svshm_shmid_ds_time64 *buf)
{
	return svshm_shmctl(shmid, cmd, (struct shmid_ds *)buf);
}
#endif
