// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsvshm-preload: the <sys/shm.h> names, for LD_PRELOAD, so that an
 * unmodified program's System V shared memory lives in /dev/svshm.
 */
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
