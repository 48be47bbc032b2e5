// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcrm: ipcrm for svshm segments, with ipcrm's options for shared
 * memory: -m ID and -M KEY (each may repeat), -a to remove every segment.
 * Exit status 0 if all went, 1 if any could not be removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svshm.h"

static int rm_id(int id, const char *what)
{
	if (svshm_shmctl(id, IPC_RMID, NULL) == 0)
		return 0;
	fprintf(stderr, "svshm-ipcrm: %s: %s\n", what,
		errno == EINVAL ? "invalid id" : errno == EPERM ? "permission denied" :
		strerror(errno));
	return 1;
}

static int rm_key(const char *arg)
{
	key_t key = (key_t)strtoul(arg, NULL, 0);
	int id;

	if (key == IPC_PRIVATE) {
		fprintf(stderr, "svshm-ipcrm: illegal key (%s)\n", arg);
		return 1;
	}
	id = svshm_shmget(key, 0, 0);
	if (id < 0) {
		fprintf(stderr, "svshm-ipcrm: invalid key (%s)\n", arg);
		return 1;
	}
	return rm_id(id, arg);
}

static int rm_all(void)
{
	struct shm_info info;
	struct shmid_ds ds;
	int max, i, id, bad = 0;

	max = svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	for (i = 0; i <= max; i++) {
		id = svshm_shmctl(i, SHM_STAT_ANY, &ds);
		if (id >= 0)
			bad |= rm_id(id, "segment");
	}
	return max < 0 || bad;
}

int main(int argc, char **argv)
{
	int opt, bad = 0, did = 0;

	while ((opt = getopt(argc, argv, "m:M:ah")) != -1) {
		did = 1;
		if (opt == 'm')
			bad |= rm_id(atoi(optarg), optarg);
		else if (opt == 'M')
			bad |= rm_key(optarg);
		else if (opt == 'a')
			bad |= rm_all();
		else
			return fprintf(stderr, "usage: svshm-ipcrm [-m id] [-M key] [-a]\n"), 2;
	}
	if (!did)
		return fprintf(stderr, "usage: svshm-ipcrm [-m id] [-M key] [-a]\n"), 2;
	return bad;
}
