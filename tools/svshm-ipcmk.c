// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcmk: ipcmk for svshm, shared memory only: -M SIZE [-p MODE]
 * creates a segment under a random key and prints "Shared memory id: N",
 * as util-linux's ipcmk. SIZE takes ipcmk's suffixes (K, M, G, ... and
 * KiB or KB), MODE is octal (default 0644); both are parsed whole and
 * strictly. The segment goes into /dev/svshm's instance, or the one whose
 * device --device PATH or SVSHM_DEVICE names. -S and -Q (semaphores, queues) are refused: svshm has neither.
 * Exit status 0, or 1 on any error (util-linux's codes).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "args.h"
#include "device.h"
#include "svshm.h"

#define PROG "svshm-ipcmk"

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n %s [--device PATH] -M SIZE [-p MODE]\n\n"
		"Create an svshm shared memory segment under a random key.\n\n"
		"Options:\n"
		"     --device PATH  the instance's device (default: $SVSHM_DEVICE, else\n"
		"                    /dev/svshm); an svshm filesystem's DIR/svshm\n"
		" -M, --shmem SIZE   create a segment of SIZE bytes (suffixes K, M, G, T,\n"
		"                    P, E for KiB ... EiB; KB, MB, ... for powers of 1000)\n"
		" -p, --mode MODE    permissions of the segment, octal (default 0644)\n"
		" -h, --help         display this help\n"
		" -V, --version      display version\n\n"
		"Exit status: 0, or 1 on any error.\n", PROG);
}


/* A random key, never IPC_PRIVATE; another if it is taken. */
static int create(size_t size, int mode)
{
	key_t key;
	int id;

	for (int tries = 0; tries < 64; tries++) {
		if (getrandom(&key, sizeof(key), 0) != sizeof(key))
			return -1;
		if (key == IPC_PRIVATE)
			continue;
		id = svshm_shmget(key, size, mode | IPC_CREAT | IPC_EXCL);
		if (id >= 0 || errno != EEXIST)
			return id;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shmem", required_argument, NULL, 'M' },
		{ "semaphore", required_argument, NULL, 'S' },
		{ "queue", no_argument, NULL, 'Q' },
		{ "mode", required_argument, NULL, 'p' },
		TOOL_COMMON_LONGOPTS,
	};
	const char *device = NULL, *dev;
	int opt, id, mode = 0644, have_size = 0;
	size_t size = 0;

	while ((opt = getopt_long(argc, argv, "M:S:Qp:" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'M':
			if (parse_size(optarg, &size))
				return bad_usage(PROG, "failed to parse size", optarg);
			have_size = 1;
			break;
		case 'p':
			if (parse_mode(optarg, &mode))
				return bad_usage(PROG, "failed to parse mode (octal, up to 0777)", optarg);
			break;
		case 'S':
		case 'Q':
			return bad_usage(PROG, "svshm has shared memory only: no semaphores or message queues (-M)", NULL);
		default:
			opt = tool_common_option(PROG, opt, usage, &device, EXIT_FAIL);
			if (opt != TOOL_OPT_TAKEN)
				return opt;
		}
	}
	if (optind < argc)
		return bad_usage(PROG, "unexpected argument", argv[optind]);
	if (!have_size)
		return bad_usage(PROG, "bad usage", NULL);
	if (tool_use_device(PROG, device, &dev))
		return EXIT_FAIL;
	id = create(size, mode);
	if (id < 0) {
		fprintf(stderr, "%s: create share memory failed in %s: %s\n", PROG, dev,
			strerror(errno));
		return EXIT_FAIL;
	}
	printf("Shared memory id: %d\n", id);
	return EXIT_OK;
}
