// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-demo: the seed program. With an argument, store it in a shared
 * segment; without, print what the segment holds. Each run is a separate
 * process: what one stores, the next one reads.
 *   svshm-demo [-n] [TEXT]     -n: native SysV shm instead of /dev/svshm
 *   svshm-demo -r              remove the segment
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "svshm.h"

#define DEMO_KEY	0x5653484d	/* "VSHM" */
#define DEMO_SIZE	4096

struct api {
	const char *name;
	int (*get)(key_t key, size_t size, int flags);
	void *(*at)(int id, const void *addr, int flags);
	int (*dt)(const void *addr);
	int (*ctl)(int id, int cmd, struct shmid_ds *buf);
};

static const struct api svshm_api = {
	"svshm", svshm_shmget, svshm_shmat, svshm_shmdt, svshm_shmctl
};
static const struct api native_api = {
	"native", shmget, shmat, shmdt, shmctl
};

static int die(const char *what)
{
	fprintf(stderr, "svshm-demo: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const struct api *api = &svshm_api;
	struct shmid_ds ds;
	int opt, id, rm = 0;
	char *mem;

	while ((opt = getopt(argc, argv, "nr")) != -1) {
		if (opt == 'n')
			api = &native_api;
		else if (opt == 'r')
			rm = 1;
		else
			return 2;
	}
	id = api->get(DEMO_KEY, DEMO_SIZE, 0666 | (optind < argc ? IPC_CREAT : 0));
	if (id < 0)
		return errno == ENOENT ? (printf("(nothing stored yet)\n"), 0) : die("shmget");
	if (rm)
		return api->ctl(id, IPC_RMID, NULL) ? die("shmctl IPC_RMID") : 0;

	mem = api->at(id, NULL, optind < argc ? 0 : SHM_RDONLY);
	if (mem == (void *)-1)
		return die("shmat");
	if (optind < argc) {
		snprintf(mem, DEMO_SIZE, "%s", argv[optind]);
		printf("%s: stored \"%s\" in segment %d (pid %d)\n", api->name, mem, id, getpid());
	} else {
		if (api->ctl(id, IPC_STAT, &ds))
			return die("shmctl IPC_STAT");
		printf("%s: segment %d holds \"%.*s\" (read by pid %d; created by pid %d, attached %lu)\n",
		       api->name, id, DEMO_SIZE, mem, getpid(), (int)ds.shm_cpid,
		       (unsigned long)ds.shm_nattch);
	}
	return api->dt(mem) ? die("shmdt") : 0;
}
