// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-ipcs: ipcs -m for svshm. Lists the segments of /dev/svshm in the
 * layout of util-linux's ipcs, read through shmctl (SHM_INFO, then
 * SHM_STAT_ANY per index, as ipcs does when it cannot read /proc): through
 * the device, never /proc/svshm, so that the device of another instance
 * (--device PATH or SVSHM_DEVICE: an svshm filesystem's DIR/svshm, or a
 * node bound alone into a container) lists that instance.
 *   svshm-ipcs [-m] [-p | -t | -c | -u | -l]    list, or one view of all
 *   svshm-ipcs -i ID                             one segment in detail
 * The id is parsed whole and strictly (decimal), as util-linux does: no
 * guess shows segment 0 for "abc". Exit status 0, or 1 on any error.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "device.h"
#include "svshm.h"

#define PROG "svshm-ipcs"

#ifndef SHM_DEST
#define SHM_DEST	01000
#endif
#ifndef SHM_LOCKED
#define SHM_LOCKED	02000
#endif

static const char *user(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
	snprintf(buf, len, "%u", uid);
	return buf;
}

static const char *group(gid_t gid, char *buf, size_t len)
{
	struct group *gr = getgrgid(gid);

	if (gr)
		return gr->gr_name;
	snprintf(buf, len, "%u", gid);
	return buf;
}

static const char *when(time_t t, char *buf, size_t len)
{
	if (!t)
		return "Not set";
	strftime(buf, len, "%b %d %H:%M:%S", localtime(&t));
	return buf;
}

static void row(char view, int id, const struct shmid_ds *ds)
{
	char a[32], b[32], c[32], d[32];
	const struct ipc_perm *p = &ds->shm_perm;

	switch (view) {
	case 'p':
		printf("%-10d %-10s %-10u %-10u\n", id, user(p->uid, a, sizeof(a)),
		       ds->shm_cpid, ds->shm_lpid);
		break;
	case 't':
		printf("%-10d %-10s %-20s %-20s %-20s\n", id, user(p->uid, a, sizeof(a)),
		       when(ds->shm_atime, b, sizeof(b)), when(ds->shm_dtime, c, sizeof(c)),
		       when(ds->shm_ctime, d, sizeof(d)));
		break;
	case 'c':
		printf("%-10d %-10o %-10s %-10s %-10s %-10s\n", id, p->mode & 0777,
		       user(p->cuid, a, sizeof(a)), group(p->cgid, b, sizeof(b)),
		       user(p->uid, c, sizeof(c)), group(p->gid, d, sizeof(d)));
		break;
	default:
		printf("0x%08x %-10d %-10s %-10o %-10lu %-10lu %-6s %-6s\n", (unsigned int)p->__key,
		       id, user(p->uid, a, sizeof(a)), p->mode & 0777,
		       (unsigned long)ds->shm_segsz, (unsigned long)ds->shm_nattch,
		       p->mode & SHM_DEST ? "dest" : " ", p->mode & SHM_LOCKED ? "locked" : " ");
	}
}

static int list(char view, const char *dev)
{
	static const char *const titles[] = {
		['p'] = "Creator/Last-op PIDs", ['t'] = "Attach/Detach/Change Times",
		['c'] = "Segment Creators/Owners",
	};
	struct shm_info info;
	struct shmid_ds ds;
	int max, i, id;

	max = svshm_shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	if (max < 0) {
		fprintf(stderr, "%s: cannot list the segments of %s: %s\n", PROG, dev,
			strerror(errno));
		return 1;
	}
	if (view == 'u') {
		printf("\n------ Shared Memory Status --------\n"
		       "segments allocated %d\npages allocated %lu\npages resident  %lu\n"
		       "pages swapped   %lu\nSwap performance: %lu attempts\t %lu successes\n\n",
		       info.used_ids, info.shm_tot, info.shm_rss, info.shm_swp,
		       info.swap_attempts, info.swap_successes);
		return 0;
	}
	printf("\n------ Shared Memory %s --------\n", view ? titles[(int)view] : "Segments");
	if (view == 'p')
		printf("%-10s %-10s %-10s %-10s\n", "shmid", "owner", "cpid", "lpid");
	else if (view == 't')
		printf("%-10s %-10s %-20s %-20s %-20s\n", "shmid", "owner", "attached",
		       "detached", "changed");
	else if (view == 'c')
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n", "shmid", "perms", "cuid", "cgid",
		       "uid", "gid");
	else
		printf("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n", "key", "shmid", "owner",
		       "perms", "bytes", "nattch", "status");
	/* An index may be free, or its segment gone since SHM_INFO: skip it. */
	for (i = 0; i <= max; i++) {
		id = svshm_shmctl(i, SHM_STAT_ANY, &ds);
		if (id >= 0) {
			row(view, id, &ds);
		} else if (errno != EINVAL && errno != ENOENT && errno != EIDRM) {
			fprintf(stderr, "%s: cannot read index %d of %s: %s\n", PROG, i, dev,
				strerror(errno));
			return 1;
		}
	}
	printf("\n");
	return 0;
}

static int limits(const char *dev)
{
	struct shminfo lim;

	if (svshm_shmctl(0, IPC_INFO, (struct shmid_ds *)&lim) < 0) {
		fprintf(stderr, "%s: cannot read the limits of %s: %s\n", PROG, dev,
			strerror(errno));
		return 1;
	}
	printf("\n------ Shared Memory Limits --------\nmax number of segments = %lu\n"
	       "max seg size (kbytes) = %lu\nmax total shared memory (kbytes) = %llu\n"
	       "min seg size (bytes) = %lu\n\n", lim.shmmni, lim.shmmax >> 10,
	       (unsigned long long)lim.shmall * (unsigned long long)getpagesize() >> 10,
	       lim.shmmin);
	return 0;
}

static int one(int id)
{
	char a[32], b[32], c[32];
	struct shmid_ds ds;

	if (svshm_shmctl(id, IPC_STAT, &ds) < 0) {
		if (errno == EINVAL || errno == EIDRM)
			fprintf(stderr, "%s: id %d not found\n", PROG, id);
		else if (errno == EACCES)
			fprintf(stderr, "%s: id %d: permission denied\n", PROG, id);
		else
			fprintf(stderr, "%s: id %d: %s\n", PROG, id, strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(a, sizeof(a), "%s", ds.shm_atime ? ctime(&ds.shm_atime) : "Not set");
	snprintf(b, sizeof(b), "%s", ds.shm_dtime ? ctime(&ds.shm_dtime) : "Not set");
	snprintf(c, sizeof(c), "%s", ds.shm_ctime ? ctime(&ds.shm_ctime) : "Not set");
	printf("\nShared memory Segment shmid=%d\nuid=%u\tgid=%u\tcuid=%u\tcgid=%u\n"
	       "mode=%#o\taccess_perms=%#o\nbytes=%lu\tlpid=%u\tcpid=%u\tnattch=%lu\n",
	       id, ds.shm_perm.uid, ds.shm_perm.gid, ds.shm_perm.cuid, ds.shm_perm.cgid,
	       ds.shm_perm.mode, ds.shm_perm.mode & 0777, (unsigned long)ds.shm_segsz,
	       ds.shm_lpid, ds.shm_cpid, (unsigned long)ds.shm_nattch);
	printf("att_time=%-26.24s\ndet_time=%-26.24s\nchange_time=%-26.24s\n\n", a, b, c);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n %s [--device PATH] [-m] [-p | -t | -c | -u | -l]\n"
		" %s [--device PATH] [-m] -i ID\n\n"
		"Show svshm shared memory segments as ipcs -m shows native's.\n\n"
		"Options:\n"
		"     --device PATH  the instance's device (default: $SVSHM_DEVICE, else\n"
		"                    /dev/svshm); an svshm filesystem's DIR/svshm\n"
		" -m, --shmems     shared memory segments (the only kind; accepted for ipcs)\n"
		" -i, --id ID      the segment of id ID (decimal) in detail\n"
		" -p, --pid        creator and last operator pids\n"
		" -t, --time       attach, detach and change times\n"
		" -c, --creator    creators and owners\n"
		" -u, --summary    usage summary\n"
		" -l, --limits     limits\n"
		" -h, --help       display this help\n"
		" -V, --version    display version\n\n"
		"Exit status: 0, or 1 on any error.\n", PROG, PROG);
}


int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shmems", no_argument, NULL, 'm' },
		{ "id", required_argument, NULL, 'i' },
		{ "pid", no_argument, NULL, 'p' },
		{ "time", no_argument, NULL, 't' },
		{ "creator", no_argument, NULL, 'c' },
		{ "summary", no_argument, NULL, 'u' },
		{ "limits", no_argument, NULL, 'l' },
		TOOL_COMMON_LONGOPTS,
	};
	const char *device = NULL, *dev;
	char view = 0;
	int opt, id = -1, by_id = 0;

	while ((opt = getopt_long(argc, argv, "mptculi:" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			break;
		case 'p': case 't': case 'c': case 'u': case 'l':
			view = (char)opt;
			break;
		case 'i':
			if (parse_id(optarg, &id))
				return bad_usage(PROG, "failed to parse id (decimal)", optarg);
			by_id = 1;
			break;
		default:
			opt = tool_common_option(PROG, opt, usage, &device, EXIT_FAIL);
			if (opt != TOOL_OPT_TAKEN)
				return opt;
		}
	}
	if (optind < argc)
		return bad_usage(PROG, "unexpected argument", argv[optind]);
	if (tool_use_device(PROG, device, &dev))
		return EXIT_FAIL;
	if (by_id)
		return one(id);
	if (view == 'l')
		return limits(dev);
	return list(view, dev);
}
