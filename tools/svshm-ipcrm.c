// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcrm: ipcrm for svshm segments, with ipcrm's options for shared
 * memory: -m ID and -M KEY (each may repeat), -a to remove every segment.
 * Every argument is parsed, whole and strictly, before anything is
 * removed: a command line with one bad number removes nothing. The
 * instance is /dev/svshm's, or the one whose device --device PATH or
 * SVSHM_DEVICE names (an svshm filesystem's DIR/svshm). Messages
 * are ipcrm's, each naming the id or key. Exit status 0 if all went, 1 if
 * anything could not be parsed or removed (util-linux's codes).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "device.h"
#include "svshm.h"

#define PROG "svshm-ipcrm"

struct target {
	char kind;		/* 'm' id, 'M' key, 'a' all */
	const char *arg;	/* as the user wrote it, for messages */
	int id;
	key_t key;
};

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n %s [--device PATH] [-m ID] [-M KEY] [-a]\n\n"
		"Remove svshm shared memory segments.\n\n"
		"Options:\n"
		"     --device PATH     the instance's device (default: $SVSHM_DEVICE, else\n"
		"                       /dev/svshm); an svshm filesystem's DIR/svshm\n"
		" -m, --shmem-id ID     remove the segment of id ID (decimal)\n"
		" -M, --shmem-key KEY   remove the segment of key KEY (decimal or 0x hex)\n"
		" -a, --all             remove every segment this user may remove\n"
		" -h, --help            display this help\n"
		" -V, --version         display version\n\n"
		"Exit status: 0 if every segment named went, 1 otherwise.\n", PROG);
}


/* ipcrm's words for IPC_RMID's errors, naming the id or key. */
static int rm_id(int id, const char *what, const char *arg)
{
	if (svshm_shmctl(id, IPC_RMID, NULL) == 0)
		return 0;
	switch (errno) {
	case EACCES:
	case EPERM:
		fprintf(stderr, "%s: permission denied for %s (%s)\n", PROG, what, arg);
		break;
	case EINVAL:
		fprintf(stderr, "%s: invalid %s (%s)\n", PROG, what, arg);
		break;
	case EIDRM:
		fprintf(stderr, "%s: already removed %s (%s)\n", PROG, what, arg);
		break;
	default:
		fprintf(stderr, "%s: %s (%s): %s\n", PROG, what, arg, strerror(errno));
	}
	return 1;
}

static int rm_key(key_t key, const char *arg)
{
	int id;

	if (key == IPC_PRIVATE) {
		fprintf(stderr, "%s: illegal key (%s)\n", PROG, arg);
		return 1;
	}
	id = svshm_shmget(key, 0, 0);
	if (id < 0) {
		if (errno == EACCES)
			fprintf(stderr, "%s: permission denied for key (%s)\n", PROG, arg);
		else if (errno == ENOENT)
			fprintf(stderr, "%s: invalid key (%s)\n", PROG, arg);
		else
			fprintf(stderr, "%s: key (%s): %s\n", PROG, arg, strerror(errno));
		return 1;
	}
	return rm_id(id, "key", arg);
}

static int rm_all(const char *dev)
{
	struct shm_info info;
	struct shmid_ds ds;
	char arg[16];
	int max, i, id, bad = 0;

	max = svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	if (max < 0) {
		fprintf(stderr, "%s: cannot list the segments of %s: %s\n", PROG, dev,
			strerror(errno));
		return 1;
	}
	for (i = 0; i <= max; i++) {
		id = svshm_shmctl(i, SHM_STAT_ANY, &ds);
		if (id < 0 && (errno == EINVAL || errno == ENOENT || errno == EIDRM))
			continue;	/* a free index, or a segment gone since */
		if (id < 0) {
			fprintf(stderr, "%s: cannot read index %d of %s: %s\n", PROG, i, dev,
				strerror(errno));
			bad = 1;
			continue;
		}
		snprintf(arg, sizeof(arg), "%d", id);
		bad |= rm_id(id, "id", arg);
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shmem-id", required_argument, NULL, 'm' },
		{ "shmem-key", required_argument, NULL, 'M' },
		{ "all", no_argument, NULL, 'a' },
		TOOL_COMMON_LONGOPTS,
	};
	struct target *t = calloc(argc, sizeof(*t));
	const char *device = NULL, *dev;
	int opt, n = 0, bad = 0;

	if (!t)
		return EXIT_FAIL;
	/* First parse everything: one bad number and nothing is removed. */
	while ((opt = getopt_long(argc, argv, "m:M:a" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		t[n].kind = (char)opt;
		t[n].arg = optarg;
		switch (opt) {
		case 'm':
			if (parse_id(optarg, &t[n].id))
				return bad_usage(PROG, "failed to parse id (decimal)", optarg);
			break;
		case 'M':
			if (parse_key(optarg, &t[n].key))
				return bad_usage(PROG, "failed to parse key (decimal or 0x hex)", optarg);
			break;
		case 'a':
			break;
		default:
			opt = tool_common_option(PROG, opt, usage, &device, EXIT_FAIL);
			if (opt != TOOL_OPT_TAKEN)
				return opt;
			continue;	/* --device: not a target */
		}
		n++;
	}
	if (optind < argc)
		return bad_usage(PROG, "unexpected argument", argv[optind]);
	if (!n)
		return bad_usage(PROG, "nothing to remove", NULL);
	if (tool_use_device(PROG, device, &dev))
		return EXIT_FAIL;
	for (int i = 0; i < n; i++) {
		if (t[i].kind == 'm')
			bad |= rm_id(t[i].id, "id", t[i].arg);
		else if (t[i].kind == 'M')
			bad |= rm_key(t[i].key, t[i].arg);
		else
			bad |= rm_all(dev);
	}
	free(t);
	return bad ? EXIT_FAIL : EXIT_OK;
}
