// SPDX-License-Identifier: GPL-2.0
/*
 * svshm instances: each mount of the svshm filesystem is a System V shared
 * memory table of its own, as each IPC namespace is natively, and
 * /dev/svshm with /proc/svshm is the initial one (uapi/linux/svshm.h).
 *
 * - One key in two instances and in /dev/svshm: three segments; each
 *   instance's ids, stats, info, listing and data are its own.
 * - The filesystem: statfs's magic, the two files' modes and owners, and
 *   no way to add, link, rename or remove a name in it.
 * - The limits (shmmax, shmall, shmmni, shm_rmid_forced) as mount
 *   options, per instance, changed by a remount; bad ones mount nothing.
 * - The end of an instance: idle segments destroyed and attached ones
 *   kept until their last detach, every page back in Shmem; an open file
 *   of the instance keeps it alive after the unmount.
 * - User namespaces: nobody mounts an instance of its own in a user
 *   namespace; the root of that namespace has CAP_IPC_OWNER, CAP_SYS_ADMIN
 *   and CAP_IPC_LOCK in its instance and not in /dev/svshm, while going
 *   past RLIMIT_MEMLOCK needs CAP_IPC_LOCK in the initial namespace; the
 *   module parameter userns_mounts=N refuses those mounts.
 * - rmmod refused while a segment exists in any instance, even one whose
 *   instance has ended.
 *
 * Root only (mounting from the initial user namespace), except the test
 * of an unprivileged mount, which runs as anyone. The calls go straight
 * to the uapi ioctls of each instance's file (instance.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "common.h"
#include "instance.h"
#include "caps.h"
#include "kselftest_harness.h"
#include "child.h"

#define MiB		(1024L * 1024)
#define BIG		(64 * MiB)	/* touched in full: far above Shmem's noise */
#define SLACK		(3 * MiB)	/* noise allowed on Shmem */
#define NKEYS		8		/* a test uses self->key .. + NKEYS - 1 */
#define NATIVE_MAX	(~0UL - (1UL << 24))	/* native's shmmax and shmall */
/* shmmax as IPC_INFO gives it: a 32-bit caller reads INT_MAX past it. */
#define INFO_SHMMAX	(sizeof(long) > 4 ? NATIVE_MAX : (unsigned long)INT_MAX)
#define PARAM		"/sys/module/svshm/parameters/userns_mounts"

/*
 * ASSERT for forked children: the harness's ASSERT longjmps into the
 * harness, which would run the fixture's teardown in the child. A child
 * says why and exits 1; its parent checks the status with reap().
 */
#define CHILD_ASSERT(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "# %s:%d: %s: %s\n", __FILE__, __LINE__,	\
				#cond, strerror(errno));			\
			_exit(1);						\
		}								\
	} while (0)

/* One int over a pipe. */
static int put(int fd, int v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static bool take(int fd, int *v)
{
	return read(fd, v, sizeof(*v)) == sizeof(*v);
}

/* The first line of @path, without its newline; -1 if unreadable. */
static int read_line(const char *path, char *buf, int len)
{
	FILE *f = fopen(path, "re");
	char *ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f);
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int caps_drop(int cap)
{
	__u64 caps;

	return caps_get(&caps) ? -1 : caps_set(caps & ~(1ULL << cap));
}

/* Shmem of /proc/meminfo, in bytes; -1 if unreadable. */
static long shmem_bytes(void)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/*
 * Shmem once it is within SLACK of @want, waiting up to 10 s for it (the
 * last file reference of a segment may be dropped after the call returns);
 * the last reading otherwise.
 */
static long shmem_near(long want)
{
	long now = shmem_bytes();

	for (int i = 0; i < 100 && labs(now - want) >= SLACK; i++) {
		usleep(100 * 1000);
		now = shmem_bytes();
	}
	return now;
}

/* Fill [@p, @p + @len) with @c; does every byte still hold @c? */
static void fill(void *p, long len, int c)
{
	memset(p, c, len);
}

static bool holds(const void *p, long len, int c)
{
	const unsigned char *s = p;

	for (long i = 0; i < len; i++)
		if (s[i] != (unsigned char)c)
			return false;
	return true;
}

/* A row of a listing, in /proc/sysvipc/shm's format. */
struct row {
	int key, id;
	unsigned int mode;
	unsigned long size;
	unsigned int uid, cuid;
};

/*
 * The rows of listing @path with key @key: how many (the last in @match),
 * or -1 if it cannot be read or a row does not parse; all its rows in
 * *@total, its header line in @head.
 */
static int listing(const char *path, key_t key, struct row *match, int *total,
		   char *head, int headlen)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int n = 0;

	*total = 0;
	if (!f)
		return -1;
	if (!fgets(head, headlen, f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct row r;
		unsigned int skip;

		/* key shmid perms size cpid lpid nattch uid gid cuid ... */
		if (sscanf(line, "%d %d %o %lu %u %u %u %u %u %u", &r.key, &r.id, &r.mode, &r.size,
			   &skip, &skip, &skip, &r.uid, &skip, &r.cuid) != 10) {
			n = -1;
			break;
		}
		++*total;
		if (r.key == key) {
			*match = r;
			n++;
		}
	}
	fclose(f);
	return n;
}

static bool is_svshm(const char *path)
{
	struct statfs s;

	return !statfs(path, &s) && (unsigned long)s.f_type == SVSHM_FS_MAGIC;
}

/* IPC_INFO of @fd's instance, and its return value. */
static int info(int fd, struct shminfo *si)
{
	memset(si, 0, sizeof(*si));
	return inst_ctl(fd, 0, IPC_INFO, si);
}

/*
 * A child in user and mount namespaces of its own, as an unprivileged
 * container runtime makes one: it leaves root for nobody (a caller that is
 * not root stays who it is), unshares, maps that uid and gid to 0 inside,
 * makes its mounts private and, given a directory, mounts an instance
 * there. It tells the parent how that went (UNS_READY) and then talks to
 * it over the pipes.
 */
struct uns {
	pid_t pid;
	int to;		/* parent to child */
	int from;	/* child to parent */
};

/* Where the child's setup stopped (times 1000, plus the errno). */
enum { UNS_CREDS = 1, UNS_UNSHARE, UNS_MAP, UNS_PRIVATE, UNS_MOUNT };
static const char *const uns_steps[] = {
	"", "leaving root", "unshare", "uid_map/gid_map", "MS_PRIVATE", "mount",
};

static int uns_enter(const char *dir, const char *opts)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[32];

	if (uid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			return UNS_CREDS * 1000 + errno;
		uid = gid = NOBODY;
		/* Leaving root made us undumpable: /proc/self would be root's. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			return UNS_CREDS * 1000 + errno;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return UNS_UNSHARE * 1000 + errno;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (file_write("/proc/self/uid_map", map) || file_write("/proc/self/setgroups", "deny"))
		return UNS_MAP * 1000 + errno;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (file_write("/proc/self/gid_map", map))
		return UNS_MAP * 1000 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return UNS_PRIVATE * 1000 + errno;
	if (dir && inst_mount(dir, opts))
		return UNS_MOUNT * 1000 + errno;
	return 0;
}

/* Fork the child: 0 in it, once set up (it exits if that failed). */
static pid_t uns_fork(struct uns *u, const char *dir, const char *opts)
{
	int to[2], from[2], st;

	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -1;
	fflush(NULL);
	u->pid = fork();
	if (u->pid == 0) {
		close(to[1]);
		close(from[0]);
		u->to = to[0];
		u->from = from[1];
		st = uns_enter(dir, opts);
		if (put(u->from, st) || st)
			_exit(0);
		return 0;
	}
	close(to[0]);
	close(from[1]);
	u->to = to[1];
	u->from = from[0];
	return u->pid;
}

/* Why this system gives nobody no user namespace, or NULL. */
static const char *userns_blocked(void)
{
	char v[16];

	if (!read_line("/proc/sys/kernel/unprivileged_userns_clone", v, sizeof(v)) &&
	    !strcmp(v, "0"))
		return "kernel.unprivileged_userns_clone is 0";
	if (!read_line("/proc/sys/user/max_user_namespaces", v, sizeof(v)) && !strcmp(v, "0"))
		return "user.max_user_namespaces is 0";
	return NULL;
}

/*
 * In the parent: the child's word on its setup into int @st (declared by
 * the caller). A user namespace refused to nobody skips, with the reason;
 * any other failure fails the test.
 */
#define UNS_READY(u, st) do {							\
		st = -1;							\
		ASSERT_TRUE(take((u)->from, &st)) TH_LOG("the child died");	\
		if (st / 1000 == UNS_UNSHARE) {					\
			reap((u)->pid);						\
			SKIP(return, "no user namespace for nobody here: unshare: %s", \
			     strerror(st % 1000));				\
		}								\
	} while (0)

#define UNS_OK(st) ASSERT_EQ(0, st) TH_LOG("user namespace child: %s: %s", \
					   uns_steps[(st) / 1000 % 6], strerror((st) % 1000))

/* The path of DIR/@name as seen from the initial mount namespace. */
static const char *in_child(char *buf, size_t len, pid_t pid, const char *dir, const char *name)
{
	snprintf(buf, len, "/proc/%d/root%s/%s", pid, dir, name);
	return buf;
}

FIXTURE(inst) {
	char dir[2][32];	/* mount points */
	int fd[2];		/* DIR/svshm of each, or -1 */
	int dev;		/* /dev/svshm */
	key_t key;
	char userns_mounts[8];	/* the parameter before the test */
};

FIXTURE_SETUP(inst)
{
	self->fd[0] = self->fd[1] = self->dev = -1;
	self->dir[0][0] = self->dir[1][0] = 0;
	self->userns_mounts[0] = 0;
	if (geteuid() != 0)
		SKIP(return, "mounting svshm from the initial user namespace needs root");
	for (int i = 0; i < 2; i++) {
		strcpy(self->dir[i], "/tmp/svshm-inst.XXXXXX");
		ASSERT_NE(NULL, mkdtemp(self->dir[i]));
		/* Reachable by nobody, who mounts there in a user namespace. */
		ASSERT_EQ(0, chmod(self->dir[i], 0777));
	}
	self->dev = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev) TH_LOG("/dev/svshm: %s", strerror(errno));
	/* pid_max is at most 2^22: the keys stay positive and never 0. */
	self->key = getpid() << 8;
	read_line(PARAM, self->userns_mounts, sizeof(self->userns_mounts));
}

FIXTURE_TEARDOWN(inst)
{
	int id;

	if (geteuid() != 0)
		return;
	if (self->userns_mounts[0])
		file_write(PARAM, self->userns_mounts);
	for (int i = 0; i < 2; i++) {
		if (self->fd[i] >= 0)
			close(self->fd[i]);
		if (!self->dir[i][0])
			continue;
		while (!umount2(self->dir[i], MNT_DETACH))
			;
		rmdir(self->dir[i]);
	}
	for (int k = 0; self->dev >= 0 && k < NKEYS; k++)
		while ((id = inst_get(self->dev, self->key + k, 0, 0)) >= 0 &&
		       !inst_ctl(self->dev, id, IPC_RMID, NULL))
			;
	if (self->dev >= 0)
		close(self->dev);
}

/*
 * Mount instance @i of the fixture with options @opts and open its file.
 * A kernel whose svshm has no filesystem fails here (ENODEV).
 */
#define MOUNT_INST(i, opts) do {						\
		ASSERT_EQ(0, inst_mount(self->dir[i], opts))			\
			TH_LOG("mount -t svshm -o '%s' none %s: %s", (opts) ? (opts) : "", \
			       self->dir[i], strerror(errno));			\
		self->fd[i] = inst_open(self->dir[i]);				\
		ASSERT_LE(0, self->fd[i]) TH_LOG("open %s/svshm: %s", self->dir[i], \
						 strerror(errno));		\
	} while (0)

/* A call that the filesystem must refuse, whatever the errno it picks. */
#define REFUSED(call) do {							\
		errno = 0;							\
		EXPECT_EQ(-1, (call)) TH_LOG("%s succeeded", #call);		\
		EXPECT_TRUE(errno == EPERM || errno == EACCES || errno == EROFS) \
			TH_LOG("%s: %s", #call, strerror(errno));		\
	} while (0)

/* The names in @dir (but . and ..), sorted, joined by spaces. */
static void names(const char *dir, char *buf, size_t len)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
			if (buf[0])
				strncat(buf, " ", len - strlen(buf) - 1);
			strncat(buf, list[i]->d_name, len - strlen(buf) - 1);
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

TEST_F(inst, the_filesystem)
{
	char p[PATH_MAX], q[PATH_MAX], head[256], native_head[256], ls[128];
	const char *d = self->dir[0];
	struct svshm_version v;
	struct statfs sfs;
	struct stat st;

	/* Both the initial instance and a mounted one announce instances. */
	ASSERT_EQ(0, ioctl(self->dev, SVSHM_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & SVSHM_FEAT_INSTANCES);
	MOUNT_INST(0, NULL);
	ASSERT_EQ(0, ioctl(self->fd[0], SVSHM_IOC_VERSION, &v));
	EXPECT_EQ(SVSHM_ABI_VERSION, v.abi_version);
	EXPECT_TRUE(v.features & SVSHM_FEAT_INSTANCES);

	ASSERT_EQ(0, statfs(d, &sfs));
	EXPECT_EQ(SVSHM_FS_MAGIC, (unsigned long)sfs.f_type);
	ASSERT_EQ(0, fstatfs(self->fd[0], &sfs));
	EXPECT_EQ(SVSHM_FS_MAGIC, (unsigned long)sfs.f_type);

	ASSERT_EQ(0, stat(inst_path(p, sizeof(p), d, SVSHM_FS_DEVICE), &st));
	EXPECT_EQ(S_IFREG | 0666, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	ASSERT_EQ(0, stat(inst_path(p, sizeof(p), d, SVSHM_FS_LISTING), &st));
	EXPECT_EQ(S_IFREG | 0444, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	names(d, ls, sizeof(ls));
	EXPECT_STREQ(SVSHM_FS_LISTING " " SVSHM_FS_DEVICE, ls);

	/* The listing's header is /proc/svshm's. */
	ASSERT_EQ(0, read_line(p, head, sizeof(head)));
	ASSERT_EQ(0, read_line("/proc/svshm", native_head, sizeof(native_head)));
	EXPECT_STREQ(native_head, head);

	/* No name can be added, linked, renamed or removed. */
	REFUSED(open(inst_path(p, sizeof(p), d, "new"), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	REFUSED(mknod(inst_path(p, sizeof(p), d, "fifo"), S_IFIFO | 0600, 0));
	REFUSED(mkdir(inst_path(p, sizeof(p), d, "sub"), 0700));
	REFUSED(symlink(SVSHM_FS_DEVICE, inst_path(p, sizeof(p), d, "sym")));
	REFUSED(link(inst_path(q, sizeof(q), d, SVSHM_FS_DEVICE),
		     inst_path(p, sizeof(p), d, "hard")));
	REFUSED(rename(inst_path(q, sizeof(q), d, SVSHM_FS_DEVICE),
		       inst_path(p, sizeof(p), d, "moved")));
	REFUSED(rename(inst_path(q, sizeof(q), d, SVSHM_FS_LISTING),
		       inst_path(p, sizeof(p), d, SVSHM_FS_DEVICE)));
	REFUSED(unlink(inst_path(p, sizeof(p), d, SVSHM_FS_DEVICE)));
	REFUSED(unlink(inst_path(p, sizeof(p), d, SVSHM_FS_LISTING)));
	names(d, ls, sizeof(ls));
	EXPECT_STREQ(SVSHM_FS_LISTING " " SVSHM_FS_DEVICE, ls);
	/* And the file still serves. */
	EXPECT_LE(0, inst_get(self->fd[0], IPC_PRIVATE, PG, 0600));
}

/*
 * The same key in two instances and in /dev/svshm: three segments, of three
 * sizes, each instance seeing only its own, by key, id, info, listing and
 * data.
 */
TEST_F(inst, one_key_three_tables)
{
	const long size[3] = { 1 * PG, 2 * PG, 3 * PG };
	char path[PATH_MAX], head[256];
	int id[3], fd[3], extra[2];
	int crossed = 0, total, maxidx, found, n;
	key_t key = self->key;
	struct shm_info usage;
	struct shmid_ds ds;
	struct shminfo si;
	struct row r;
	void *p[3];

	MOUNT_INST(0, NULL);
	MOUNT_INST(1, NULL);
	fd[0] = self->fd[0];
	fd[1] = self->fd[1];
	fd[2] = self->dev;
	/* Two segments in the second before the key's: its ids are not the first's. */
	for (int j = 0; j < 2; j++) {
		ASSERT_LE(0, extra[j] = inst_get(fd[1], IPC_PRIVATE, PG, 0600));
	}
	for (int i = 0; i < 3; i++) {
		ASSERT_LE(0, id[i] = inst_get(fd[i], key, size[i], IPC_CREAT | IPC_EXCL | 0600))
			TH_LOG("table %d: %s", i, strerror(errno));
	}
	for (int j = 0; j < 2; j++) {
		ASSERT_EQ(0, inst_ctl(fd[1], extra[j], IPC_RMID, NULL));
	}
	ASSERT_NE(id[0], id[1]);

	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(id[i], inst_get(fd[i], key, 0, 0));
		ASSERT_EQ(0, inst_ctl(fd[i], id[i], IPC_STAT, &ds));
		EXPECT_EQ(size[i], (long)ds.shm_segsz);
		EXPECT_EQ(key, ds.shm_perm.__key);
	}

	/*
	 * An id of one table names nothing in another, unless that one uses
	 * the same number for its own (or, for /dev/svshm, for anyone's).
	 */
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			if (i == j)
				continue;
			memset(&ds, 0, sizeof(ds));
			n = inst_ctl(fd[j], id[i], IPC_STAT, &ds);
			if (id[i] == id[j]) {
				EXPECT_EQ(0, n);
				EXPECT_EQ(size[j], (long)ds.shm_segsz);
				continue;
			}
			if (j == 2 && n == 0) {
				EXPECT_NE(key, ds.shm_perm.__key);
				continue;
			}
			EXPECT_EQ(-1, n) TH_LOG("id %d of table %d in table %d", id[i], i, j);
			EXPECT_EQ(EINVAL, errno);
			EXPECT_EQ(-1, inst_attach(fd[j], id[i], 0, &p[0]));
			EXPECT_EQ(EINVAL, errno);
			EXPECT_EQ(-1, inst_ctl(fd[j], id[i], IPC_RMID, NULL));
			EXPECT_EQ(EINVAL, errno);
			crossed++;
		}
	}
	/* At least the two instances' ids, each in the other. */
	EXPECT_LE(2, crossed);

	/* SHM_INFO, IPC_INFO and SHM_STAT_ANY: each instance holds one segment. */
	for (int i = 0; i < 2; i++) {
		memset(&usage, 0, sizeof(usage));
		maxidx = inst_ctl(fd[i], 0, SHM_INFO, &usage);
		ASSERT_LE(0, maxidx);
		EXPECT_EQ(1, usage.used_ids);
		EXPECT_EQ(size[i] / PG, (long)usage.shm_tot);
		EXPECT_EQ(maxidx, info(fd[i], &si));
		found = 0;
		for (int idx = 0; idx <= maxidx; idx++) {
			n = inst_ctl(fd[i], idx, SHM_STAT_ANY, &ds);
			if (n < 0)
				continue;
			found++;
			EXPECT_EQ(id[i], n);
			EXPECT_EQ(key, ds.shm_perm.__key);
			EXPECT_EQ(size[i], (long)ds.shm_segsz);
		}
		EXPECT_EQ(1, found);
	}
	maxidx = inst_ctl(fd[2], 0, SHM_INFO, &usage);
	ASSERT_LE(0, maxidx);
	found = 0;
	for (int idx = 0; idx <= maxidx; idx++) {
		n = inst_ctl(fd[2], idx, SHM_STAT_ANY, &ds);
		if (n >= 0 && ds.shm_perm.__key == key) {
			found++;
			EXPECT_EQ(id[2], n);
			EXPECT_EQ(size[2], (long)ds.shm_segsz);
		}
	}
	EXPECT_EQ(1, found);

	/* The listings: one row each under the key, the table's own. */
	for (int i = 0; i < 3; i++) {
		if (i < 2)
			inst_path(path, sizeof(path), self->dir[i], SVSHM_FS_LISTING);
		else
			strcpy(path, "/proc/svshm");
		EXPECT_EQ(1, listing(path, key, &r, &total, head, sizeof(head))) TH_LOG("%s", path);
		EXPECT_EQ(id[i], r.id);
		EXPECT_EQ(size[i], (long)r.size);
		EXPECT_EQ(0600, r.mode & 0777);
		if (i < 2) {
			EXPECT_EQ(1, total);
		}
	}

	/* The data: what is written in one is seen in no other. */
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, inst_attach(fd[i], id[i], 0, &p[i]));
		fill(p[i], size[i], 'a' + i);
	}
	for (int i = 0; i < 3; i++) {
		EXPECT_TRUE(holds(p[i], size[i], 'a' + i)) TH_LOG("table %d", i);
		EXPECT_EQ(0, inst_detach(fd[i], p[i]));
	}
	/* And removal in one leaves the others. */
	EXPECT_EQ(0, inst_ctl(fd[0], id[0], IPC_RMID, NULL));
	EXPECT_EQ(-1, inst_get(fd[0], key, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(id[1], inst_get(fd[1], key, 0, 0));
	EXPECT_EQ(id[2], inst_get(fd[2], key, 0, 0));
}

/* Without options, an instance has native's defaults, as a new IPC namespace. */
TEST_F(inst, default_limits)
{
	struct shminfo si;

	MOUNT_INST(0, NULL);
	ASSERT_LE(0, info(self->fd[0], &si));
	EXPECT_EQ(INFO_SHMMAX, si.shmmax);
	EXPECT_EQ(NATIVE_MAX, si.shmall);
	EXPECT_EQ(4096, si.shmmni);
	EXPECT_EQ(4096, si.shmseg);
	EXPECT_EQ(1, si.shmmin);
}

TEST_F(inst, shmmni_per_instance_and_remount)
{
	int fd, id[4], other[3], dev;
	struct shmid_ds ds;
	struct shminfo si;

	MOUNT_INST(0, "shmmni=2");
	MOUNT_INST(1, NULL);
	fd = self->fd[0];
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(2, si.shmmni);
	EXPECT_EQ(2, si.shmseg);
	EXPECT_EQ(INFO_SHMMAX, si.shmmax);
	ASSERT_LE(0, id[0] = inst_get(fd, IPC_PRIVATE, PG, 0600));
	ASSERT_LE(0, id[1] = inst_get(fd, self->key, PG, IPC_CREAT | 0600));
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, PG, 0600));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, inst_get(fd, self->key + 1, PG, IPC_CREAT | 0600));
	EXPECT_EQ(ENOSPC, errno);

	/* Neither /dev/svshm nor the other instance is held to it. */
	for (int i = 0; i < 3; i++) {
		EXPECT_LE(0, other[i] = inst_get(self->fd[1], IPC_PRIVATE, PG, 0600));
	}
	dev = inst_get(self->dev, self->key + 2, PG, IPC_CREAT | IPC_EXCL | 0600);
	EXPECT_LE(0, dev);

	/* A remount raises it; the limits it does not name stay. */
	ASSERT_EQ(0, inst_remount(self->dir[0], "shmmni=3")) TH_LOG("%s", strerror(errno));
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(3, si.shmmni);
	EXPECT_EQ(INFO_SHMMAX, si.shmmax);
	EXPECT_EQ(NATIVE_MAX, si.shmall);
	ASSERT_LE(0, id[2] = inst_get(fd, IPC_PRIVATE, PG, 0600));
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, PG, 0600));
	EXPECT_EQ(ENOSPC, errno);

	/* Lowered below what is in use: the segments stay, no new one. */
	ASSERT_EQ(0, inst_remount(self->dir[0], "shmmni=1"));
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(1, si.shmmni);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0, inst_ctl(fd, id[i], IPC_STAT, &ds));
	}
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, PG, 0600));
	EXPECT_EQ(ENOSPC, errno);
}

TEST_F(inst, shmmax_shmall_per_instance_and_remount)
{
	int fd, big, small, dev;
	struct shm_info usage;
	struct shminfo si;

	MOUNT_INST(0, "shmmax=8192,shmall=3");
	fd = self->fd[0];
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(8192, si.shmmax);
	EXPECT_EQ(3, si.shmall);
	EXPECT_EQ(4096, si.shmmni);

	/* shmmax first (EINVAL), then shmall (ENOSPC), in native's order. */
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, 8193, 0600));
	EXPECT_EQ(EINVAL, errno);
	dev = inst_get(self->dev, self->key, 8193, IPC_CREAT | IPC_EXCL | 0600);
	EXPECT_LE(0, dev) TH_LOG("/dev/svshm held to the instance's shmmax");
	ASSERT_LE(0, big = inst_get(fd, IPC_PRIVATE, 8192, 0600));
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, 8192, 0600));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_LE(0, small = inst_get(fd, IPC_PRIVATE, 1, 0600));
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, 1, 0600));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_LE(0, inst_ctl(fd, 0, SHM_INFO, &usage));
	EXPECT_EQ(3, (long)usage.shm_tot);

	ASSERT_EQ(0, inst_remount(self->dir[0], "shmmax=4096")) TH_LOG("%s", strerror(errno));
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(4096, si.shmmax);
	EXPECT_EQ(3, si.shmall);
	ASSERT_EQ(0, inst_ctl(fd, big, IPC_RMID, NULL));
	EXPECT_EQ(-1, inst_get(fd, IPC_PRIVATE, 8192, 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_LE(0, inst_get(fd, IPC_PRIVATE, 4096, 0600));

	ASSERT_EQ(0, inst_remount(self->dir[0], "shmall=100,shmmax=1048576"));
	ASSERT_LE(0, info(fd, &si));
	EXPECT_EQ(1048576, si.shmmax);
	EXPECT_EQ(100, si.shmall);
	EXPECT_LE(0, inst_get(fd, IPC_PRIVATE, 16 * PG, 0600));
}

TEST_F(inst, shm_rmid_forced_per_instance)
{
	int fd, id, dev, orphan;
	pid_t pid;
	struct shmid_ds ds;
	void *p;

	MOUNT_INST(0, "shm_rmid_forced=1");
	fd = self->fd[0];
	ASSERT_LE(0, id = inst_get(fd, IPC_PRIVATE, PG, 0600));
	ASSERT_EQ(0, inst_attach(fd, id, 0, &p));
	ASSERT_EQ(0, inst_detach(fd, p));
	EXPECT_EQ(-1, inst_ctl(fd, id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);

	/* /dev/svshm keeps its own setting (the module parameter, 0 here). */
	ASSERT_LE(0, dev = inst_get(self->dev, self->key, PG, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_EQ(0, inst_attach(self->dev, dev, 0, &p));
	ASSERT_EQ(0, inst_detach(self->dev, p));
	EXPECT_EQ(0, inst_ctl(self->dev, dev, IPC_STAT, &ds));

	ASSERT_EQ(0, inst_remount(self->dir[0], "shm_rmid_forced=0"));
	ASSERT_LE(0, id = inst_get(fd, IPC_PRIVATE, PG, 0600));
	ASSERT_EQ(0, inst_attach(fd, id, 0, &p));
	ASSERT_EQ(0, inst_detach(fd, p));
	EXPECT_EQ(0, inst_ctl(fd, id, IPC_STAT, &ds));

	/*
	 * Turned on again by a remount: the orphans (creator gone, nothing
	 * attached) go at once, as native's sysctl does; ours stays.
	 */
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(inst_get(fd, self->key + 1, PG, IPC_CREAT | IPC_EXCL | 0600) < 0 ||
		      inst_get(self->dev, self->key + 2, PG, IPC_CREAT | IPC_EXCL | 0600) < 0);
	ASSERT_EQ(0, reap(pid));
	ASSERT_LE(0, orphan = inst_get(fd, self->key + 1, 0, 0));
	ASSERT_LE(0, dev = inst_get(self->dev, self->key + 2, 0, 0));
	ASSERT_EQ(0, inst_remount(self->dir[0], "shm_rmid_forced=1"));
	EXPECT_EQ(-1, inst_ctl(fd, orphan, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, inst_ctl(fd, id, IPC_STAT, &ds));
	/* /dev/svshm's orphan: another table, whose shm_rmid_forced is still 0. */
	EXPECT_EQ(0, inst_ctl(self->dev, dev, IPC_STAT, &ds));
}

/* Options out of range or unknown fail the mount and mount nothing. */
TEST_F(inst, bad_options)
{
	static const char *const bad[] = {
		"shmmni=40000", "shmmni=32769", "shmmni=-1", "shmmni=2x", "shmmni=",
		"shmmax=junk", "shmall=", "shm_rmid_forced=2", "shm_rmid_forced=-1",
		"nosuchoption=1", "nosuchoption",
	};
	char p[PATH_MAX];
	struct shminfo si;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, inst_mount(self->dir[0], bad[i])) TH_LOG("-o %s mounted", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("-o %s: %s", bad[i], strerror(errno));
		EXPECT_FALSE(is_svshm(self->dir[0])) TH_LOG("-o %s", bad[i]);
		EXPECT_NE(0, access(inst_path(p, sizeof(p), self->dir[0], SVSHM_FS_DEVICE), F_OK));
	}

	/* The highest shmmni is native's, 32768; a bad remount changes nothing. */
	MOUNT_INST(0, "shmmni=32768,shmmax=65536");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, inst_remount(self->dir[0], bad[i])) TH_LOG("-o remount,%s", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("-o remount,%s: %s", bad[i], strerror(errno));
	}
	ASSERT_LE(0, info(self->fd[0], &si));
	EXPECT_EQ(32768, si.shmmni);
	EXPECT_EQ(65536, si.shmmax);
}

/*
 * The last unmount, no file of the instance open, ends it as the end of an
 * IPC namespace does: the idle segment is destroyed at once, the attached
 * one keeps its data for its mapping and goes at the last detach. Every
 * page comes back.
 */
TEST_F_TIMEOUT(inst, umount_ends_the_instance, 180)
{
	int fd, attached, idle;
	long m0, m;
	void *pa, *pi;

	m0 = shmem_bytes();
	ASSERT_LE(0, m0);
	MOUNT_INST(0, NULL);
	fd = self->fd[0];
	ASSERT_LE(0, attached = inst_get(fd, self->key, BIG, IPC_CREAT | 0600));
	ASSERT_LE(0, idle = inst_get(fd, self->key + 1, BIG, IPC_CREAT | 0600));
	ASSERT_EQ(0, inst_attach(fd, attached, 0, &pa));
	ASSERT_EQ(0, inst_attach(fd, idle, 0, &pi));
	fill(pa, BIG, 0xa5);
	fill(pi, BIG, 0x5a);
	ASSERT_EQ(0, inst_detach(fd, pi));
	m = shmem_bytes();
	EXPECT_LE(2 * BIG - SLACK, m - m0);

	/* The attachment's file is shmem's, not the instance's: umount works. */
	close(fd);
	self->fd[0] = -1;
	ASSERT_EQ(0, umount(self->dir[0])) TH_LOG("umount: %s", strerror(errno));
	EXPECT_FALSE(is_svshm(self->dir[0]));
	m = shmem_near(m0 + BIG);
	TH_LOG("unmounted: Shmem %+ld kB", (m - m0) / 1024);
	EXPECT_GT(SLACK, labs(m - m0 - BIG)) TH_LOG("the idle segment was not destroyed");

	/* The attached segment: its data, readable and writable. */
	EXPECT_TRUE(holds(pa, BIG, 0xa5));
	fill(pa, BIG, 0xc3);
	EXPECT_TRUE(holds(pa, BIG, 0xc3));
	/* Its last detach (there is no descriptor left: munmap is shmdt). */
	ASSERT_EQ(0, munmap(pa, BIG));
	m = shmem_near(m0);
	TH_LOG("detached: Shmem %+ld kB", (m - m0) / 1024);
	EXPECT_GT(SLACK, labs(m - m0));
}

/*
 * An open file of the instance keeps it alive after a lazy unmount: its
 * segments, data and calls, while a new mount at the same place is a new,
 * empty instance. Closing the file ends it.
 */
TEST_F_TIMEOUT(inst, open_file_keeps_the_instance, 180)
{
	struct shm_info usage;
	struct shmid_ds ds;
	int fd, fd2, id;
	long m0, m;
	void *p;

	m0 = shmem_bytes();
	ASSERT_LE(0, m0);
	MOUNT_INST(0, NULL);
	fd = self->fd[0];
	ASSERT_LE(0, id = inst_get(fd, self->key, BIG, IPC_CREAT | 0600));
	ASSERT_EQ(0, inst_attach(fd, id, 0, &p));
	fill(p, BIG, 0x3c);
	ASSERT_EQ(0, inst_detach(fd, p));

	ASSERT_EQ(0, umount2(self->dir[0], MNT_DETACH));
	EXPECT_FALSE(is_svshm(self->dir[0]));

	/* A new mount in the same place: a new table, without the key. */
	ASSERT_EQ(0, inst_mount(self->dir[0], NULL));
	fd2 = inst_open(self->dir[0]);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, inst_get(fd2, self->key, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	close(fd2);
	ASSERT_EQ(0, umount(self->dir[0]));

	/* The old file still serves the old table. */
	EXPECT_EQ(id, inst_get(fd, self->key, 0, 0));
	ASSERT_EQ(0, inst_ctl(fd, id, IPC_STAT, &ds));
	EXPECT_EQ(BIG, (long)ds.shm_segsz);
	EXPECT_EQ(0, (int)ds.shm_nattch);
	ASSERT_LE(0, inst_ctl(fd, 0, SHM_INFO, &usage));
	EXPECT_EQ(1, usage.used_ids);
	ASSERT_EQ(0, inst_attach(fd, id, SHM_RDONLY, &p));
	EXPECT_TRUE(holds(p, BIG, 0x3c));
	EXPECT_EQ(0, inst_detach(fd, p));
	EXPECT_LE(0, inst_get(fd, self->key + 1, PG, IPC_CREAT | IPC_EXCL | 0600));
	m = shmem_bytes();
	EXPECT_LE(BIG - SLACK, m - m0);

	/* Its last file closed: the instance ends, its pages come back. */
	close(fd);
	self->fd[0] = -1;
	m = shmem_near(m0);
	TH_LOG("closed: Shmem %+ld kB", (m - m0) / 1024);
	EXPECT_GT(SLACK, labs(m - m0));
}

/*
 * Nobody (or any user) mounts an instance in a user namespace of its own:
 * the files belong to that namespace's root, who owns what it makes there;
 * seen from outside, that is the user. Runs as root and as nobody.
 */
TEST(userns_mount_by_anyone)
{
	char dir[] = "/tmp/svshm-inst.XXXXXX", p[PATH_MAX];
	uid_t outside = geteuid() == 0 ? NOBODY : geteuid();
	const char *why = userns_blocked();
	struct shmid_ds ds;
	struct shminfo si;
	struct stat st;
	struct uns u;
	int st_, id, fd, total;
	char head[256];
	struct row r;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, chmod(dir, 0777));
	if (uns_fork(&u, dir, "shmmni=8") == 0) {
		CHILD_ASSERT(0 == stat(inst_path(p, sizeof(p), dir, SVSHM_FS_DEVICE), &st));
		EXPECT_EQ(S_IFREG | 0666, st.st_mode);
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		CHILD_ASSERT(0 == stat(inst_path(p, sizeof(p), dir, SVSHM_FS_LISTING), &st));
		EXPECT_EQ(S_IFREG | 0444, st.st_mode);
		EXPECT_EQ(0, st.st_uid);
		EXPECT_TRUE(is_svshm(dir));
		fd = inst_open(dir);
		CHILD_ASSERT(0 <= fd);
		CHILD_ASSERT(0 <= info(fd, &si));
		EXPECT_EQ(8, si.shmmni);
		id = inst_get(fd, 0x5eed, PG, IPC_CREAT | IPC_EXCL | 0640);
		CHILD_ASSERT(0 <= id);
		CHILD_ASSERT(0 == inst_ctl(fd, id, IPC_STAT, &ds));
		EXPECT_EQ(0, ds.shm_perm.uid);
		EXPECT_EQ(0, ds.shm_perm.cuid);
		EXPECT_EQ(0, ds.shm_perm.gid);
		/* The listing shows ids as its reader's namespace maps them. */
		EXPECT_EQ(1, listing(inst_path(p, sizeof(p), dir, SVSHM_FS_LISTING), 0x5eed, &r,
				     &total, head, sizeof(head)));
		EXPECT_EQ(0, r.uid);
		EXPECT_EQ(0, r.cuid);
		EXPECT_EQ(0, put(u.from, id));
		/* Stay, with the mount, until the parent has looked. */
		take(u.to, &id);
		child_exit();
	}
	ASSERT_LT(0, u.pid);
	UNS_READY(&u, st_);
	UNS_OK(st_);
	ASSERT_TRUE(take(u.from, &id));

	/* From outside: the user who mounted. */
	ASSERT_EQ(0, stat(in_child(p, sizeof(p), u.pid, dir, SVSHM_FS_DEVICE), &st))
		TH_LOG("%s: %s", p, strerror(errno));
	EXPECT_EQ(outside, st.st_uid);
	fd = open(p, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, inst_ctl(fd, id, IPC_STAT, &ds));
	EXPECT_EQ(outside, ds.shm_perm.uid);
	EXPECT_EQ(outside, ds.shm_perm.cuid);
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	close(fd);
	EXPECT_EQ(1, listing(in_child(p, sizeof(p), u.pid, dir, SVSHM_FS_LISTING), 0x5eed, &r,
			     &total, head, sizeof(head)));
	EXPECT_EQ(outside, r.uid);
	EXPECT_EQ(outside, r.cuid);
	/* Never in /dev/svshm. */
	fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, inst_get(fd, 0x5eed, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	close(fd);

	EXPECT_EQ(0, put(u.to, 0));
	EXPECT_EQ(0, reap(u.pid));
	rmdir(dir);
}

/*
 * The root of a user namespace (nobody outside) has CAP_IPC_OWNER and
 * CAP_SYS_ADMIN in the instance it mounted: it reads, writes, IPC_SETs and
 * removes real root's 0600 segments there, which a process of that
 * namespace without capabilities cannot. Not in /dev/svshm, whose
 * capabilities count in the initial user namespace: EACCES and EPERM.
 * Ids are shown mapped: real root is unmapped there (65534).
 */
TEST_F(inst, userns_root_capabilities_only_in_its_instance)
{
	char p[PATH_MAX], *text;
	int st_, a, a2, b, ifd, fd, dev, v;
	const char *why = userns_blocked();
	struct shmid_ds ds;
	struct stat st;
	struct uns u;
	pid_t pid;
	void *pa, *q;

	if (why)
		SKIP(return, "%s", why);
	if (uns_fork(&u, self->dir[0], NULL) == 0) {
		CHILD_ASSERT(take(u.to, &a));
		CHILD_ASSERT(take(u.to, &a2));
		CHILD_ASSERT(take(u.to, &b));
		fd = inst_open(self->dir[0]);
		CHILD_ASSERT(0 <= fd);
		CHILD_ASSERT(0 == fstat(fd, &st));
		EXPECT_EQ(0, st.st_uid);
		dev = open("/dev/svshm", O_RDWR | O_CLOEXEC);
		CHILD_ASSERT(0 <= dev);

		/* Without capabilities in the namespace: other, mode 0600. */
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			CHILD_ASSERT(0 == caps_set(0));
			EXPECT_EQ(-1, inst_ctl(fd, a, IPC_STAT, &ds));
			EXPECT_EQ(EACCES, errno);
			EXPECT_EQ(-1, inst_attach(fd, a, SHM_RDONLY, &q));
			EXPECT_EQ(EACCES, errno);
			EXPECT_EQ(-1, inst_get(fd, self->key, 0, 0400));
			EXPECT_EQ(EACCES, errno);
			EXPECT_EQ(-1, inst_ctl(fd, a2, IPC_RMID, NULL));
			EXPECT_EQ(EPERM, errno);
			child_exit();
		}
		EXPECT_EQ(0, reap(pid));

		/* With them: CAP_IPC_OWNER. */
		CHILD_ASSERT(0 == inst_ctl(fd, a, IPC_STAT, &ds));
		EXPECT_EQ(NOBODY, ds.shm_perm.uid);
		EXPECT_EQ(NOBODY, ds.shm_perm.cuid);
		EXPECT_EQ(0600, ds.shm_perm.mode & 0777);
		EXPECT_EQ(a, inst_get(fd, self->key, 0, 0600));
		CHILD_ASSERT(0 == inst_attach(fd, a, 0, &q));
		EXPECT_STREQ("from root", (char *)q);
		strcpy(q, "from the namespace's root");
		EXPECT_EQ(0, inst_detach(fd, q));
		/* CAP_SYS_ADMIN: hand it to ourselves, then remove another. */
		ds.shm_perm.uid = 1;	/* not mapped here: no such user */
		ds.shm_perm.gid = 0;
		ds.shm_perm.mode = 0640;
		EXPECT_EQ(-1, inst_ctl(fd, a, IPC_SET, &ds));
		EXPECT_EQ(EINVAL, errno);
		ds.shm_perm.uid = 0;
		ds.shm_perm.gid = 0;
		ds.shm_perm.mode = 0640;
		EXPECT_EQ(0, inst_ctl(fd, a, IPC_SET, &ds)) TH_LOG("%s", strerror(errno));
		CHILD_ASSERT(0 == inst_ctl(fd, a, IPC_STAT, &ds));
		EXPECT_EQ(0, ds.shm_perm.uid);
		EXPECT_EQ(0, ds.shm_perm.gid);
		EXPECT_EQ(NOBODY, ds.shm_perm.cuid);
		EXPECT_EQ(0, inst_ctl(fd, a2, IPC_RMID, NULL)) TH_LOG("%s", strerror(errno));

		/* /dev/svshm: none of those. */
		EXPECT_EQ(-1, inst_get(dev, self->key, 0, 0600));
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(-1, inst_ctl(dev, b, IPC_STAT, &ds));
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(-1, inst_attach(dev, b, SHM_RDONLY, &q));
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(b, inst_ctl(dev, b & 0x7fff, SHM_STAT_ANY, &ds));
		ds.shm_perm.mode = 0666;
		EXPECT_EQ(-1, inst_ctl(dev, b, IPC_SET, &ds));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, inst_ctl(dev, b, IPC_RMID, NULL));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, inst_ctl(dev, b, SHM_LOCK, NULL));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(0, put(u.from, 0));
		take(u.to, &v);
		child_exit();
	}
	ASSERT_LT(0, u.pid);
	UNS_READY(&u, st_);
	UNS_OK(st_);

	/* Real root makes a 0600 segment in the child's instance and one in /dev/svshm. */
	ifd = open(in_child(p, sizeof(p), u.pid, self->dir[0], SVSHM_FS_DEVICE),
		   O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ifd) TH_LOG("%s: %s", p, strerror(errno));
	ASSERT_EQ(0, fstat(ifd, &st));
	EXPECT_EQ(NOBODY, st.st_uid);
	EXPECT_EQ(NOBODY, st.st_gid);
	ASSERT_LE(0, a = inst_get(ifd, self->key, PG, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_LE(0, a2 = inst_get(ifd, IPC_PRIVATE, PG, 0600));
	ASSERT_LE(0, b = inst_get(self->dev, self->key, PG, IPC_CREAT | IPC_EXCL | 0600));
	ASSERT_EQ(0, inst_attach(ifd, a, 0, &pa));
	strcpy(pa, "from root");
	ASSERT_EQ(0, put(u.to, a));
	ASSERT_EQ(0, put(u.to, a2));
	ASSERT_EQ(0, put(u.to, b));
	ASSERT_TRUE(take(u.from, &v)) TH_LOG("the child died");

	/* What the namespace's root did, seen from outside. */
	text = pa;
	EXPECT_STREQ("from the namespace's root", text);
	ASSERT_EQ(0, inst_ctl(ifd, a, IPC_STAT, &ds));
	EXPECT_EQ(NOBODY, ds.shm_perm.uid);
	EXPECT_EQ(NOBODY, ds.shm_perm.gid);
	EXPECT_EQ(0, ds.shm_perm.cuid);
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	EXPECT_EQ(-1, inst_ctl(ifd, a2, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	/* /dev/svshm's: untouched. */
	ASSERT_EQ(0, inst_ctl(self->dev, b, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_perm.uid);
	EXPECT_EQ(0600, ds.shm_perm.mode & 0777);
	EXPECT_EQ(0, ds.shm_perm.mode & SVSHM_MODE_LOCKED);

	EXPECT_EQ(0, inst_detach(ifd, pa));
	EXPECT_EQ(0, put(u.to, 0));
	EXPECT_EQ(0, reap(u.pid));
	close(ifd);
}

/*
 * SHM_LOCK in a user namespace's instance: its root may lock real root's
 * segment (CAP_IPC_LOCK in the namespace passes the owner check) within its
 * RLIMIT_MEMLOCK, and gets ENOMEM past it, having no CAP_IPC_LOCK in the
 * initial namespace; without CAP_IPC_LOCK in the namespace, EPERM. Real
 * root goes past the limit.
 */
TEST_F(inst, userns_shm_lock)
{
	const long size = 1 * MiB;
	const char *why = userns_blocked();
	struct shmid_ds ds;
	struct rlimit rl;
	char p[PATH_MAX];
	int st_, s, ifd, fd, v;
	struct uns u;
	pid_t pid;

	if (why)
		SKIP(return, "%s", why);
	if (uns_fork(&u, self->dir[0], NULL) == 0) {
		CHILD_ASSERT(take(u.to, &s));
		fd = inst_open(self->dir[0]);
		CHILD_ASSERT(0 <= fd);

		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			CHILD_ASSERT(0 == caps_drop(CAP_IPC_LOCK));
			EXPECT_EQ(-1, inst_ctl(fd, s, SHM_LOCK, NULL));
			EXPECT_EQ(EPERM, errno);
			child_exit();
		}
		EXPECT_EQ(0, reap(pid));

		CHILD_ASSERT(0 == getrlimit(RLIMIT_MEMLOCK, &rl));
		CHILD_ASSERT(rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= 4 * size);
		rl.rlim_cur = 4 * size;
		CHILD_ASSERT(0 == setrlimit(RLIMIT_MEMLOCK, &rl));
		EXPECT_EQ(0, inst_ctl(fd, s, SHM_LOCK, NULL)) TH_LOG("%s", strerror(errno));
		CHILD_ASSERT(0 == inst_ctl(fd, s, IPC_STAT, &ds));
		EXPECT_EQ(SVSHM_MODE_LOCKED, ds.shm_perm.mode & SVSHM_MODE_LOCKED);
		EXPECT_EQ(0, inst_ctl(fd, s, SHM_UNLOCK, NULL));
		CHILD_ASSERT(0 == inst_ctl(fd, s, IPC_STAT, &ds));
		EXPECT_EQ(0, ds.shm_perm.mode & SVSHM_MODE_LOCKED);

		rl.rlim_cur = size / 16;
		CHILD_ASSERT(0 == setrlimit(RLIMIT_MEMLOCK, &rl));
		EXPECT_EQ(-1, inst_ctl(fd, s, SHM_LOCK, NULL));
		EXPECT_EQ(ENOMEM, errno);
		CHILD_ASSERT(0 == inst_ctl(fd, s, IPC_STAT, &ds));
		EXPECT_EQ(0, ds.shm_perm.mode & SVSHM_MODE_LOCKED);
		EXPECT_EQ(0, put(u.from, 0));
		take(u.to, &v);
		child_exit();
	}
	ASSERT_LT(0, u.pid);
	UNS_READY(&u, st_);
	UNS_OK(st_);

	ifd = open(in_child(p, sizeof(p), u.pid, self->dir[0], SVSHM_FS_DEVICE),
		   O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ifd) TH_LOG("%s: %s", p, strerror(errno));
	ASSERT_LE(0, s = inst_get(ifd, IPC_PRIVATE, size, 0600));
	ASSERT_EQ(0, put(u.to, s));
	ASSERT_TRUE(take(u.from, &v)) TH_LOG("the child died");

	/* Real root, with the same low limit: CAP_IPC_LOCK of the initial namespace. */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		rl.rlim_cur = rl.rlim_max = size / 16;
		CHILD_ASSERT(0 == setrlimit(RLIMIT_MEMLOCK, &rl));
		EXPECT_EQ(0, inst_ctl(ifd, s, SHM_LOCK, NULL)) TH_LOG("%s", strerror(errno));
		CHILD_ASSERT(0 == inst_ctl(ifd, s, IPC_STAT, &ds));
		EXPECT_EQ(SVSHM_MODE_LOCKED, ds.shm_perm.mode & SVSHM_MODE_LOCKED);
		EXPECT_EQ(0, inst_ctl(ifd, s, SHM_UNLOCK, NULL));
		child_exit();
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, put(u.to, 0));
	EXPECT_EQ(0, reap(u.pid));
	close(ifd);
}

/*
 * userns_mounts=N: no mount from a user namespace other than the initial
 * one (EPERM); root's own still works. Y again: the namespace's mount works.
 */
TEST_F(inst, userns_mounts_parameter)
{
	const char *why = userns_blocked();
	struct stat st;
	struct uns u;
	int st_;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, stat(PARAM, &st)) TH_LOG("%s: %s", PARAM, strerror(errno));
	EXPECT_EQ(S_IFREG | 0644, st.st_mode);
	EXPECT_STREQ("Y", self->userns_mounts);

	ASSERT_EQ(0, file_write(PARAM, "N"));
	if (uns_fork(&u, self->dir[0], NULL) == 0)
		_exit(0);
	ASSERT_LT(0, u.pid);
	UNS_READY(&u, st_);
	EXPECT_EQ(UNS_MOUNT * 1000 + EPERM, st_)
		TH_LOG("userns_mounts=N: %s: %s", uns_steps[st_ / 1000 % 6], strerror(st_ % 1000));
	reap(u.pid);
	MOUNT_INST(1, NULL);

	ASSERT_EQ(0, file_write(PARAM, "Y"));
	if (uns_fork(&u, self->dir[0], NULL) == 0)
		_exit(0);
	ASSERT_LT(0, u.pid);
	UNS_READY(&u, st_);
	UNS_OK(st_);
	reap(u.pid);
}

/*
 * rmmod is refused while a segment exists in any instance: here the last
 * one, attached after its instance ended, with no file of the module open
 * and no mount; its last detach lets the module go. Needs SVSHM_KO (the
 * module's path, set by scripts/guest/tests.sh) to load it again.
 */
TEST_F(inst, rmmod_refused_while_an_ended_instance_has_a_segment)
{
	const char *ko = getenv("SVSHM_KO");
	int id, kfd;
	void *p;

	if (!ko)
		SKIP(return, "needs SVSHM_KO to load the module again");
	MOUNT_INST(0, NULL);
	ASSERT_LE(0, id = inst_get(self->fd[0], self->key, PG, IPC_CREAT | 0600));
	ASSERT_EQ(0, inst_attach(self->fd[0], id, 0, &p));
	strcpy(p, "kept");
	close(self->fd[0]);
	self->fd[0] = -1;
	close(self->dev);
	self->dev = -1;
	ASSERT_EQ(0, umount(self->dir[0]));

	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "svshm", O_NONBLOCK)) TH_LOG("svshm unloaded");
	EXPECT_TRUE(errno == EAGAIN || errno == EBUSY) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, access("/dev/svshm", F_OK));
	EXPECT_STREQ("kept", (char *)p);

	ASSERT_EQ(0, munmap(p, PG));
	EXPECT_EQ(0, syscall(SYS_delete_module, "svshm", O_NONBLOCK)) TH_LOG("%s", strerror(errno));
	EXPECT_NE(0, access("/dev/svshm", F_OK));
	kfd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kfd) TH_LOG("%s: %s", ko, strerror(errno));
	EXPECT_EQ(0, syscall(SYS_finit_module, kfd, "", 0)) TH_LOG("%s", strerror(errno));
	close(kfd);
	self->dev = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
}

TEST_HARNESS_MAIN
