// SPDX-License-Identifier: GPL-2.0
/*
 * abi_peer: libsvshm built for another ABI version (-DSVSHM_LIB_ABI=N, see
 * the Makefile): a library left behind by a package upgrade, or ahead of
 * the module still loaded. Every call must fail with ENOSYS, as without the
 * module, after the library said once on stderr what is wrong. Exits 0 if
 * so, else the number of calls that did otherwise. Run by abi_test.
 */
#include <errno.h>
#include <stdio.h>

#include "svshm.h"

int main(void)
{
	int bad = 0;

	for (int i = 0; i < 2; i++) {
		bad += svshm_shmget(IPC_PRIVATE, 4096, 0600) != -1 || errno != ENOSYS;
		bad += svshm_shmat(0, NULL, 0) != (void *)-1 || errno != ENOSYS;
		bad += svshm_shmdt((void *)4096) != -1 || errno != ENOSYS;
		bad += svshm_shmctl(0, IPC_STAT, NULL) != -1 || errno != ENOSYS;
	}
	return bad;
}
