/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two System V shared memory backends a test can run on: native (the
 * kernel's own shmget/shmat/shmdt/shmctl through glibc) and svshm
 * (libsvshm over /dev/svshm). A test written against struct shm_backend runs
 * the same scenario on both, so that each assertion checks native and svshm
 * alike; FIXTURE_VARIANT() gives one test per backend:
 *
 *	FIXTURE_VARIANT(f) { const struct shm_backend *b; };
 *	SHM_BACKEND_VARIANTS(f);
 */
#ifndef SVSHM_SELFTEST_BACKEND_H
#define SVSHM_SELFTEST_BACKEND_H

#include <sys/ipc.h>
#include <sys/shm.h>

#include "svshm.h"

struct shm_backend {
	const char *name;
	int (*get)(key_t key, size_t size, int flags);
	void *(*at)(int id, const void *addr, int flags);
	int (*dt)(const void *addr);
	int (*ctl)(int id, int cmd, struct shmid_ds *buf);
};

static const struct shm_backend shm_native = {
	"native", shmget, shmat, shmdt, shmctl,
};

static const struct shm_backend shm_svshm = {
	"svshm", svshm_shmget, svshm_shmat, svshm_shmdt, svshm_shmctl,
};

#define SHM_BACKEND_VARIANTS(fixture)				\
	FIXTURE_VARIANT_ADD(fixture, native) { .b = &shm_native };	\
	FIXTURE_VARIANT_ADD(fixture, svshm) { .b = &shm_svshm }

#endif /* SVSHM_SELFTEST_BACKEND_H */
