// SPDX-License-Identifier: GPL-2.0
/*
 * The differential test: one list of scenarios, each run on native SysV
 * shm and then on svshm in the same process, each observable result
 * recorded in a trace, the two traces compared entry by entry.
 *
 * A scenario is a sequence of shm* calls (and fork, exit, mprotect,
 * munmap, mremap where they matter) made through the step helpers s_*().
 * Each helper records the call with its arguments normalised, its result
 * normalised, and then IPC_STAT of every segment the scenario has met so
 * far. Normalised means free of what legitimately differs between two
 * runs: ids become their order of appearance (id#0, id#1...), pids become
 * 0 / self / kid#N / other, times become 0 or set, addresses become NULL /
 * asked / asked-rounded / any, keys become K+n relative to the scenario's
 * own key, the sequence becomes "does shm_perm.seq match the id".
 *
 * On any difference both traces are printed side by side and the test
 * fails, unless the difference is listed in deliberate[] below with the
 * README section that documents it. That list is empty on purpose.
 * Native's traces are also recorded below as digests: on a kernel without
 * SysV IPC svshm's trace must match native's recorded one. Under
 * svshm-exec (make check runs it so), native is out of reach and the third
 * backend takes its place: the same scenarios as raw system calls, which
 * svshm-exec serves, compared with libsvshm's and held to native's
 * recorded traces.
 *
 * The scenarios cover native's shmget, shmat, shmdt, shmctl and nattch
 * rules as ipc/shm.c states them, errno order included. As root,
 * the permission scenarios run children under other uids and gids; as an
 * unprivileged user the same children keep the caller's credentials, so
 * what runs is what such a user can do, still compared on both backends.
 *
 * Covered elsewhere, where the scenario needs a change of the system and
 * not one process's calls: SHM_LOCK and SHM_UNLOCK (listing_lock_test),
 * shm_rmid_forced and the overcommit modes (limits_test), SHM_HUGETLB, which
 * svshm refuses on purpose (README, "Differences").
 *
 * Children never use ASSERT or EXPECT: they record into the trace, which
 * lives in a MAP_SHARED mapping, and exit.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "backend.h"
#include "kselftest_harness.h"

#ifndef SHM_DEST
#define SHM_DEST	01000
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY	15
#endif

#define IDX_MASK	((1 << IDX_BITS) - 1)

#define MAX_STEPS	96
#define MAX_IDS		5
#define MAX_KIDS	8
#define MAX_MAPS	24
#define WHAT_LEN	64
#define RES_LEN		160
#define STAT_LEN	112

/* Uids and gids the root run hands to its children; nobody's elsewhere. */
#define U1	1101
#define U2	1102
#define U3	1103
#define G1	2101
#define G2	2102
#define G3	2103

struct step {
	char what[WHAT_LEN];		/* the call, arguments normalised */
	char res[RES_LEN];		/* its result, normalised */
	char st[MAX_IDS][STAT_LEN];	/* IPC_STAT of each segment met */
};

struct trace {
	const struct shm_backend *b;
	bool root;			/* the scenario's process is root */
	key_t key;			/* the scenario's own keys: key + n */
	pid_t self;
	pid_t kids[MAX_KIDS];
	int nkids;
	int ids[MAX_IDS];		/* ids in order of appearance */
	int nids;
	void *maps[MAX_MAPS];		/* every successful attach */
	int nmaps;
	char *region;			/* reserved for fixed addresses */
	size_t region_len;
	int n;
	struct step steps[MAX_STEPS];
};

/*
 * Differences accepted on purpose: scenario, step (its "what"), and the
 * README section ("Differences from native, on purpose" row) that says
 * why. Keep it empty unless a difference cannot be helped.
 */
static const struct deliberate {
	const char *scenario;
	const char *what;
	const char *readme;
} deliberate[] = {
	{ NULL, NULL, NULL }
};

/* --- normalisation ----------------------------------------------------- */

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";

	return s ? s : "E?";
}

static const char *norm_pid(const struct trace *t, pid_t pid, char *buf)
{
	int k;

	if (pid == 0)
		return "0";
	if (pid == t->self)
		return "self";
	for (k = 0; k < t->nkids; k++)
		if (pid == t->kids[k]) {
			sprintf(buf, "kid#%d", k);
			return buf;
		}
	return "other";
}

/* The order of appearance of @id in the scenario, adding it if new. */
static int id_slot(struct trace *t, int id)
{
	int i;

	for (i = 0; i < t->nids; i++)
		if (t->ids[i] == id)
			return i;
	if (t->nids == MAX_IDS)
		return -1;
	t->ids[t->nids] = id;
	return t->nids++;
}

static void norm_id(struct trace *t, int id, char *buf)
{
	int slot = id_slot(t, id);

	if (slot < 0)
		strcpy(buf, "id#?");
	else
		sprintf(buf, "id#%d", slot);
}

/* A known id: its name; anything else as a number (the caller labels odd forms). */
static void id_name(const struct trace *t, int id, char *buf)
{
	int i;

	for (i = 0; i < t->nids; i++)
		if (t->ids[i] == id) {
			sprintf(buf, "id#%d", i);
			return;
		}
	sprintf(buf, "%d", id);
}

static const char *key_name(const struct trace *t, key_t key, char *buf)
{
	if (key == IPC_PRIVATE)
		return "PRIVATE";
	if (key >= t->key && key < t->key + 16)
		sprintf(buf, "K+%d", key - t->key);
	else
		sprintf(buf, "%#x", key);
	return buf;
}

static void addr_name(const struct trace *t, const void *addr, char *buf)
{
	uintptr_t a = (uintptr_t)addr, r = (uintptr_t)t->region;

	if (!addr)
		strcpy(buf, "NULL");
	else if (r && a >= r && a < r + t->region_len)
		sprintf(buf, "R+%#lx", (unsigned long)(a - r));
	else if (a < 0x100000)
		sprintf(buf, "%#lx", (unsigned long)a);
	else
		strcpy(buf, "elsewhere");
}

/* An attach result relative to the address asked. */
static void norm_addr(const void *p, const void *asked, int err, char *buf)
{
	uintptr_t a = (uintptr_t)asked;

	if (p == (void *)-1)
		sprintf(buf, "ERR %s", ename(err));
	else if (!p)
		strcpy(buf, "NULL");
	else if (!asked)
		strcpy(buf, "any");
	else if (p == asked)
		strcpy(buf, "asked");
	else if ((uintptr_t)p == (a & ~(PG - 1)))
		strcpy(buf, "asked-rounded");
	else
		strcpy(buf, "other");
}

static void norm_int(long ret, int err, char *buf)
{
	if (ret < 0)
		sprintf(buf, "%ld %s", ret, ename(err));
	else
		sprintf(buf, "%ld", ret);
}

/* The fields of a shmid_ds as the traces compare them. */
static void ds_line(const struct trace *t, const struct shmid_ds *ds, int id,
		    char *out, size_t len)
{
	char kb[16], cp[16], lp[16];

	snprintf(out, len,
		 "k=%s u=%u g=%u cu=%u cg=%u m=%04o seq=%s sz=%zu n=%lu a%d d%d c%d cp=%s lp=%s",
		 key_name(t, ds->shm_perm.__key, kb), ds->shm_perm.uid,
		 ds->shm_perm.gid, ds->shm_perm.cuid, ds->shm_perm.cgid,
		 ds->shm_perm.mode,
		 ds->shm_perm.__seq == (unsigned short)(id >> IDX_BITS) ? "ok" : "BAD",
		 ds->shm_segsz, (unsigned long)ds->shm_nattch, ds->shm_atime != 0,
		 ds->shm_dtime != 0, ds->shm_ctime != 0,
		 norm_pid(t, ds->shm_cpid, cp), norm_pid(t, ds->shm_lpid, lp));
}

static void stat_line(const struct trace *t, int id, char *out)
{
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	if (t->b->ctl(id, IPC_STAT, &ds) < 0)
		snprintf(out, STAT_LEN, "stat: %s", ename(errno));
	else
		ds_line(t, &ds, id, out, STAT_LEN);
}

/* --- recording --------------------------------------------------------- */

/* Record a step: what was done, its result, then the state of every id. */
static void rec(struct trace *t, const char *res, const char *fmt, ...)
{
	struct step *s;
	va_list ap;
	int i, e = errno;

	if (t->n == MAX_STEPS)
		return;
	s = &t->steps[t->n++];
	va_start(ap, fmt);
	vsnprintf(s->what, WHAT_LEN, fmt, ap);
	va_end(ap);
	snprintf(s->res, RES_LEN, "%s", res);
	for (i = 0; i < t->nids; i++)
		stat_line(t, t->ids[i], s->st[i]);
	errno = e;
}

static void note(struct trace *t, const char *what, const char *res)
{
	rec(t, res, "%s", what);
}

/* --- steps: the shm* calls --------------------------------------------- */

static int s_get(struct trace *t, key_t key, size_t size, int flags)
{
	char res[RES_LEN], kb[16];
	int id = t->b->get(key, size, flags);
	int e = errno;

	if (id < 0)
		sprintf(res, "-1 %s", ename(e));
	else
		norm_id(t, id, res);
	rec(t, res, "shmget(%s, %zu, %#o)", key_name(t, key, kb), size, flags);
	errno = e;
	return id;
}

/* shmat; @label names an id given in an odd form (NULL: derive it). */
static void *s_at_l(struct trace *t, const char *label, int id,
		    const void *addr, int flags)
{
	char res[RES_LEN], ib[24], ab[32];
	void *p = t->b->at(id, addr, flags);
	int e = errno;

	if (p != (void *)-1 && t->nmaps < MAX_MAPS)
		t->maps[t->nmaps++] = p;
	norm_addr(p, addr, e, res);
	id_name(t, id, ib);
	addr_name(t, addr, ab);
	rec(t, res, "shmat(%s, %s, %#o)", label ? label : ib, ab, flags);
	errno = e;
	return p;
}

static void *s_at(struct trace *t, int id, const void *addr, int flags)
{
	return s_at_l(t, NULL, id, addr, flags);
}

static int s_dt(struct trace *t, const void *addr, const char *name)
{
	char res[RES_LEN];
	int ret = t->b->dt(addr);
	int e = errno;

	norm_int(ret, e, res);
	rec(t, res, "shmdt(%s)", name);
	errno = e;
	return ret;
}

static const char *cmd_name(int cmd, char *buf)
{
	static const char * const names[] = {
		[IPC_RMID] = "IPC_RMID", [IPC_SET] = "IPC_SET",
		[IPC_STAT] = "IPC_STAT", [IPC_INFO] = "IPC_INFO",
		[SHM_STAT] = "SHM_STAT", [SHM_INFO] = "SHM_INFO",
		[SHM_STAT_ANY] = "SHM_STAT_ANY",
	};

	if (cmd >= 0 && cmd < (int)(sizeof(names) / sizeof(names[0])) && names[cmd])
		return names[cmd];
	sprintf(buf, "cmd %d", cmd);
	return buf;
}

/*
 * Any shmctl; @label names an id given in an odd form (NULL: derive it).
 * A stat into a real buffer (@bufname "buf") records what it filled in.
 */
static int s_ctl_l(struct trace *t, const char *label, int id, int cmd,
		   void *buf, const char *bufname)
{
	char res[RES_LEN], ib[24], cb[16];
	int ret = t->b->ctl(id, cmd, buf);
	int e = errno;
	bool stat = cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY;
	int len;

	id_name(t, id, ib);
	if (ret >= 0 && (cmd == SHM_STAT || cmd == SHM_STAT_ANY))
		norm_id(t, ret, res);
	else
		norm_int(ret, e, res);
	if (ret >= 0 && stat && !strcmp(bufname, "buf")) {
		len = strlen(res);
		res[len++] = ' ';
		ds_line(t, buf, cmd == IPC_STAT ? id : ret, res + len, RES_LEN - len);
	}
	rec(t, res, "shmctl(%s, %s, %s)", label ? label : ib, cmd_name(cmd, cb),
	    bufname);
	errno = e;
	return ret;
}

static int s_ctl(struct trace *t, int id, int cmd, void *buf, const char *bufname)
{
	return s_ctl_l(t, NULL, id, cmd, buf, bufname);
}

static int s_rmid(struct trace *t, int id)
{
	return s_ctl(t, id, IPC_RMID, NULL, "NULL");
}

static int s_stat(struct trace *t, int id)
{
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	return s_ctl(t, id, IPC_STAT, &ds, "buf");
}

/* IPC_SET from a fresh IPC_STAT (done by the backend, not recorded). */
static int s_set(struct trace *t, int id, uid_t uid, gid_t gid, int mode)
{
	char res[RES_LEN], ib[24];
	struct shmid_ds ds;
	int ret, e;

	memset(&ds, 0, sizeof(ds));
	t->b->ctl(id, IPC_STAT, &ds);
	ds.shm_perm.uid = uid;
	ds.shm_perm.gid = gid;
	ds.shm_perm.mode = mode;
	ret = t->b->ctl(id, IPC_SET, &ds);
	e = errno;
	norm_int(ret, e, res);
	id_name(t, id, ib);
	rec(t, res, "IPC_SET(%s, %d, %d, %#o)", ib, (int)uid, (int)gid, mode);
	errno = e;
	return ret;
}

/* The highest index of this scenario's live segments, -1 if none. */
static int own_max_idx(const struct trace *t)
{
	struct shmid_ds ds;
	int i, max = -1;

	for (i = 0; i < t->nids; i++)
		if ((t->b->ctl(t->ids[i], IPC_STAT, &ds) == 0 || errno == EACCES) &&
		    (t->ids[i] & IDX_MASK) > max)
			max = t->ids[i] & IDX_MASK;
	return max;
}

/*
 * IPC_INFO or SHM_INFO: the limits as they are, the return value relative
 * to this scenario's highest index (other segments may exist).
 */
static int s_info(struct trace *t, int id, int cmd, struct shm_info *usage)
{
	char res[RES_LEN], ib[24], cb[16], rel[16];
	struct shminfo lim;
	int ret, e, max;

	memset(&lim, 0, sizeof(lim));
	ret = t->b->ctl(id, cmd, cmd == IPC_INFO ? (void *)&lim : (void *)usage);
	e = errno;
	max = own_max_idx(t);
	if (ret < 0)
		strcpy(rel, ename(e));
	else if (ret == max || (ret == 0 && max < 0))
		strcpy(rel, "=own-max");
	else
		strcpy(rel, ret > max ? ">own-max" : "<own-max");
	if (cmd == IPC_INFO && ret >= 0)
		snprintf(res, RES_LEN, "%s max=%#lx min=%lu mni=%lu seg=%lu all=%#lx",
			 rel, lim.shmmax, lim.shmmin, lim.shmmni, lim.shmseg,
			 lim.shmall);
	else
		snprintf(res, RES_LEN, "%s", rel);
	id_name(t, id, ib);
	rec(t, res, "shmctl(%s, %s, buf)", ib, cmd_name(cmd, cb));
	errno = e;
	return ret;
}

/* --- steps: memory ----------------------------------------------------- */

static void s_poke(struct trace *t, void *p, char v, const char *name)
{
	*(volatile char *)p = v;
	rec(t, "done", "write %d at %s", v, name);
}

static void s_peek(struct trace *t, const void *p, const char *name)
{
	char res[16];

	sprintf(res, "%d", *(const volatile char *)p);
	rec(t, res, "read at %s", name);
}

/* Which of @pages pages from @p are mapped, as a string of 0 and 1. */
static void s_mapped(struct trace *t, const void *p, size_t pages, const char *name)
{
	char res[RES_LEN];
	unsigned char vec;
	size_t i;

	for (i = 0; i < pages && i < RES_LEN - 1; i++)
		res[i] = mincore((char *)p + i * PG, PG, &vec) ? '0' : '1';
	res[i] = '\0';
	rec(t, res, "mapped %zu pages at %s", pages, name);
}

static int s_mprotect(struct trace *t, void *p, size_t len, int prot, const char *name)
{
	char res[RES_LEN];
	int ret = mprotect(p, len, prot);

	norm_int(ret, errno, res);
	rec(t, res, "mprotect(%s, %zu, %d)", name, len, prot);
	return ret;
}

static int s_munmap(struct trace *t, void *p, size_t len, const char *name)
{
	char res[RES_LEN];
	int ret = munmap(p, len);

	norm_int(ret, errno, res);
	rec(t, res, "munmap(%s, %zu)", name, len);
	return ret;
}

/* --- fixed addresses --------------------------------------------------- */

/*
 * Reserve @pages pages (PROT_NONE) for fixed-address attaches: a freed
 * range would soon be reused by the kernel's own placements. s_hole()
 * frees the part a fixed attach goes to. It starts on a multiple of
 * SHMLBA, so that SHM_RND rounds into it where SHMLBA is four pages.
 */
static char *s_region(struct trace *t, size_t pages)
{
	char *p = reserve_shmlba(pages * PG);

	if (!p) {
		note(t, "reserve region", "FAILED");
		return NULL;
	}
	t->region = p;
	t->region_len = pages * PG;
	return p;
}

static void s_hole(struct trace *t, size_t off, size_t pages)
{
	munmap(t->region + off * PG, pages * PG);
}

/* --- children ---------------------------------------------------------- */

typedef void (*kid_fn)(struct trace *t, void *arg);

/* Run @fn in a child, wait for it, record how it ended. */
static void s_kid(struct trace *t, kid_fn fn, void *arg)
{
	char res[RES_LEN];
	int k = t->nkids, status;
	pid_t pid;

	if (k == MAX_KIDS) {
		note(t, "fork", "too many kids");
		return;
	}
	t->nkids++;
	pid = fork();
	if (pid == 0) {
		t->kids[k] = getpid();
		/*
		 * A kid meant to die of SIGSEGV leaves no core behind. Not by
		 * PR_SET_DUMPABLE: a process that is not dumpable is one
		 * svshm-exec cannot serve unless it runs as root (a limit of
		 * its own, exec_test's), and make check runs this as nobody
		 * under it.
		 */
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		fn(t, arg);
		_exit(0);
	}
	t->kids[k] = pid;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		strcpy(res, "fork/wait failed");
	else if (WIFSIGNALED(status))
		sprintf(res, "signal %d", WTERMSIG(status));
	else
		sprintf(res, "exit %d", WEXITSTATUS(status));
	rec(t, res, "kid#%d ends", k);
}

/*
 * In a kid: take other credentials, when root. Unprivileged, keep the
 * caller's: the steps that follow are then what such a user can do.
 */
static void s_become(struct trace *t, uid_t uid, gid_t gid, gid_t supp)
{
	char res[RES_LEN];
	int ret = 0;

	if (t->root) {
		ret = setgroups(supp ? 1 : 0, &supp) ||
		      setresgid(gid, gid, gid) || setresuid(uid, uid, uid);
		norm_int(ret ? -1 : 0, errno, res);
	} else {
		strcpy(res, "kept own");
	}
	rec(t, res, "become %d/%d+%d", (int)uid, (int)gid, (int)supp);
}

/* In a kid, when root: only the effective uid, so that it can go back. */
static void s_seteuid(struct trace *t, uid_t uid)
{
	char res[RES_LEN];

	if (t->root)
		norm_int(setresuid(-1, uid, 0) ? -1 : 0, errno, res);
	else
		strcpy(res, "kept own");
	rec(t, res, "seteuid %d", (int)uid);
}

/* --- running and comparing --------------------------------------------- */

/* Undo whatever the scenario left: attachments, regions, segments. */
static void cleanup(struct trace *t)
{
	int i;

	for (i = t->nmaps - 1; i >= 0; i--)
		t->b->dt(t->maps[i]);
	if (t->region)
		munmap(t->region, t->region_len);
	for (i = 0; i < t->nids; i++)
		t->b->ctl(t->ids[i], IPC_RMID, NULL);
}

static struct trace *run(const struct shm_backend *b, void (*fn)(struct trace *))
{
	struct trace *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED)
		return NULL;
	t->b = b;
	t->root = geteuid() == 0;
	t->self = getpid();
	/* Room for 16 keys per process; the root and user runs never meet. */
	t->key = 0x5df00000 | ((getpid() & 0xffff) << 4);
	fn(t);
	cleanup(t);
	return t;
}

static bool step_differs(const struct step *a, const struct step *b)
{
	return strcmp(a->what, b->what) || strcmp(a->res, b->res) ||
	       memcmp(a->st, b->st, sizeof(a->st));
}

static const char *deliberate_readme(const char *scenario, const char *what)
{
	const struct deliberate *d;

	for (d = deliberate; d->scenario; d++)
		if (!strcmp(d->scenario, scenario) && !strcmp(d->what, what))
			return d->readme;
	return NULL;
}

static const struct step empty_step = { "-", "-", { "" } };

/* Both traces side by side; return the number of unexplained differences. */
static int compare(struct __test_metadata *_metadata, const char *name,
		   const struct trace *n, const struct trace *s)
{
	int i, j, steps = n->n > s->n ? n->n : s->n, bad = 0, diffs = 0;
	const char *why;

	for (i = 0; i < steps; i++)
		diffs += i >= n->n || i >= s->n ||
			 step_differs(&n->steps[i], &s->steps[i]);
	/* SVSHM_DIFF_SHOW=1 prints equal traces too, to review the scenarios. */
	if (!diffs && !getenv("SVSHM_DIFF_SHOW"))
		return 0;

	TH_LOG("%s: %d of %d steps differ (%s | %s)", name, diffs, steps, n->b->name, s->b->name);
	for (i = 0; i < steps; i++) {
		const struct step *a = i < n->n ? &n->steps[i] : &empty_step;
		const struct step *b = i < s->n ? &s->steps[i] : &empty_step;
		bool d = i >= n->n || i >= s->n || step_differs(a, b);

		why = d ? deliberate_readme(name, a->what) : NULL;
		if (d && !why)
			bad++;
		TH_LOG("%c%2d %-40s | %-24s | %s%s%s", d ? (why ? '~' : '!') : ' ',
		       i, a->what, a->res, b->res, why ? "  deliberate: " : "",
		       why ? why : "");
		if (strcmp(a->what, b->what))
			TH_LOG("    %s did: %s", s->b->name, b->what);
		for (j = 0; j < MAX_IDS; j++) {
			if (!a->st[j][0] && !b->st[j][0])
				continue;
			if (!strcmp(a->st[j], b->st[j])) {
				TH_LOG("      id#%d  %s", j, a->st[j]);
				continue;
			}
			TH_LOG("    ! id#%d  %-6s %s", j, n->b->name, a->st[j]);
			TH_LOG("    ! id#%d  %-6s %s", j, s->b->name, b->st[j]);
		}
	}
	return bad;
}

/* FNV-1a over one string of at most @max bytes, and a separator. */
static void mix(uint64_t *h, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		*h ^= (unsigned char)s[i];
		*h *= 0x100000001b3ULL;
	}
	*h ^= 0xff;
	*h *= 0x100000001b3ULL;
}

/* A digest of every step of a trace: calls, results, IPC_STATs. */
static uint64_t digest(const struct trace *t)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < t->n; i++) {
		mix(&h, t->steps[i].what, WHAT_LEN);
		mix(&h, t->steps[i].res, RES_LEN);
		for (int j = 0; j < MAX_IDS; j++)
			mix(&h, t->steps[i].st[j], STAT_LEN);
	}
	return h;
}

/*
 * Native's traces, recorded as digests, as root and as nobody (what the
 * permission scenarios can do differs). Where the kernel has SysV IPC,
 * native must still give them, so that they cannot go stale unnoticed;
 * where it has none (CONFIG_SYSVIPC=n), svshm's traces are held to them.
 * A failure prints the scenario's digest now; the side-by-side trace needs
 * a kernel with native.
 */
static const struct recorded {
	const char *scenario;
	uint64_t root, user;
} recorded[] = {
	{ "get_private_always_new", 0xa7cd40fb98b349bdULL, 0x51d07f6ecc896b15ULL },
	{ "get_missing_key", 0xb5a010e814307b06ULL, 0xb5a010e814307b06ULL },
	{ "get_create_then_find", 0xf1b1f383b020ca61ULL, 0xc87dd6a9018130b3ULL },
	{ "get_errno_order_existing", 0x9481afebab319a32ULL, 0x65355b8b9e716777ULL },
	{ "get_size_limits", 0x07f0cd023fd7a9f2ULL, 0xc73acef975afc752ULL },
	{ "get_perms_requested", 0xb4490e2ea3acf14cULL, 0x87e01b9eac581f2eULL },
	{ "get_mode_from_flags", 0x674a745bbb12cf4fULL, 0xe42ce4374808d27cULL },
	{ "get_removed_key_is_gone", 0x179096b23e55f0cdULL, 0xdfa34cc5bb61b5e1ULL },
	{ "get_ids_cycle_within_shmmni", 0xbcccb4dc3ab43a3fULL, 0xbcccb4dc3ab43a3fULL },
	{ "at_kernel_chooses", 0x8a7db7b47ddef896ULL, 0x11740c0e14c6743aULL },
	{ "at_bad_ids", 0x679ebeaa89d23d3bULL, 0x730f91207d9e96c9ULL },
	{ "at_unaligned_and_rnd", 0xc28d7b243c54b490ULL, 0xd2dacd0665429f61ULL },
	{ "at_fixed_free_and_taken", 0x1e9ec584190925dULL, 0xc617d952417a57b5ULL },
	{ "at_remap_over_anon", 0x5b58ff5460546aa1ULL, 0xf78822338e13708bULL },
	{ "at_remap_own_attach", 0x5854d3b81761b701ULL, 0xac74dbb5a23aec59ULL },
	{ "at_rdonly", 0xa2d7103c4ac4e0e8ULL, 0xda4d93a92a9ae318ULL },
	{ "at_exec", 0x8899797cfadb45efULL, 0x4cc4c3975e507ffeULL },
	{ "at_own_perm_bits", 0xc1448163b82c8178ULL, 0xd334ac0cbb8e868bULL },
	{ "at_many_times", 0xa169e922e256e55bULL, 0x6b61f6f6ffd44b3bULL },
	{ "dt_errors", 0x545b839a906fb7deULL, 0xb0d299ae592902c4ULL },
	{ "dt_mprotect_pieces", 0x109d3bb57a7744ddULL, 0xa16bf5cefa1a8d23ULL },
	{ "dt_munmap_pieces", 0x6d103c478f43168ULL, 0xdea4b5a6d4cb4120ULL },
	{ "dt_only_the_attachment_asked", 0x71d745b961da399aULL, 0x173bc1160f5c69eaULL },
	{ "life_fork_copies_exit_drops", 0x6bc10fbe731b2071ULL, 0x5f61361b6afdfd53ULL },
	{ "life_kid_attaches", 0xfe92a912315049f0ULL, 0x6e3298f2640b6b16ULL },
	{ "life_mprotect_split", 0x71a03cfbd91bfc4eULL, 0x4baab83b56357a86ULL },
	{ "life_munmap_parts", 0x2dce02974369256cULL, 0xe11210579316d78ULL },
	{ "life_mremap", 0x10e2d992f30a545fULL, 0xa3b93c47ac93a913ULL },
	{ "life_rmid_unattached", 0x14d2e7f4a604929aULL, 0xb2ead9b64aa6b090ULL },
	{ "life_rmid_attached", 0xae0da96a246cffe4ULL, 0xb3e29f5abec049e0ULL },
	{ "life_rmid_by_kid_parent_detaches_last", 0x231b891548d01762ULL, 0xb3b7b0d32596c0ULL },
	{ "life_rmid_destroyed_by_kid_exit", 0xb24408a6498f7267ULL, 0x12f4d2e7a2f847b9ULL },
	{ "life_data_outlives_attachments", 0x517cc69503187b47ULL, 0xd5b449b83066ae9dULL },
	{ "ctl_bad_cmd_and_id", 0xb396e994e54afacbULL, 0x298a2e4ffdee045dULL },
	{ "ctl_efault", 0x9123242b79af92b2ULL, 0xb24c976cf8d07a67ULL },
	{ "ctl_ipc_set", 0xe7f607e4f01bf8e2ULL, 0xbe184b34e00ea1aeULL },
	{ "ctl_ipc_info", 0x5685897cd99757bdULL, 0xf879e9c0b8bf2a2fULL },
	{ "ctl_shm_info", 0x8912b8403eb8c022ULL, 0xb98ed3c842b4c76eULL },
	{ "ctl_shm_stat", 0x9a8b723f15ad0f5bULL, 0x74db326a4f99c87fULL },
	{ "perm_owner_group_other", 0x17d04732778fab2dULL, 0x49da9ffde1844a04ULL },
	{ "perm_owner_triplet_wins", 0x5ee9b006cc9df1beULL, 0x284c594c6e1a5ea1ULL },
	{ "perm_other_bits", 0x70191a4db65f6faeULL, 0xabfe20071e4a85d2ULL },
	{ "perm_creator_rules", 0x9725c0cb9756cd8aULL, 0x569c47fb87d281e1ULL },
	{ "perm_set_and_rmid_ownership", 0x1fb1513cd6a00bc0ULL, 0x60442f06066465c0ULL },
	{ "perm_creds_at_call_time", 0x74ca1eed98548dfdULL, 0xbaf6103c39b8bdc2ULL },
	{ "perm_mode_zero", 0x495353708d7fa9ddULL, 0xaab5b6cd248a65ecULL },
	{ NULL, 0, 0 }
};

/*
 * A 32-bit caller's traces where they differ: the sizes it can ask end
 * below 4 GiB (~0UL is one), and IPC_INFO's limits are cut to 32 bits.
 */
static const struct recorded recorded32[] = {
	{ "get_missing_key", 0x3ff0c2ba11a8ed0cULL, 0x3ff0c2ba11a8ed0cULL },
	{ "get_size_limits", 0xa42a3ccb88d208d4ULL, 0xd5c1ba685314c4ecULL },
	{ "ctl_ipc_info", 0x3be62016f0a4cb65ULL, 0xc373ea125fdc1ac7ULL },
	{ NULL, 0, 0 }
};

/*
 * A caller whose SHMLBA is four pages (32-bit ARM's, which arm64 gives its
 * compat tasks), where its traces differ: SHM_RND rounds to it.
 */
static const struct recorded recorded_lba4[] = {
	{ "at_unaligned_and_rnd", 0xad7fd5125d300cc2ULL, 0x3e109529efc79f77ULL },
	{ NULL, 0, 0 }
};

static uint64_t recorded_digest(const char *name)
{
	if (SHMLBA == 4 * PG)
		for (const struct recorded *r = recorded_lba4; r->scenario; r++)
			if (!strcmp(r->scenario, name))
				return geteuid() == 0 ? r->root : r->user;
	if (sizeof(long) < 8)
		for (const struct recorded *r = recorded32; r->scenario; r++)
			if (!strcmp(r->scenario, name))
				return geteuid() == 0 ? r->root : r->user;
	for (const struct recorded *r = recorded; r->scenario; r++)
		if (!strcmp(r->scenario, name))
			return geteuid() == 0 ? r->root : r->user;
	return 0;
}

/*
 * The scenario on each backend this process reaches (backend.h): each
 * trace compared with the first, and each held to native's recorded one.
 */
static void diff_run(struct __test_metadata *_metadata, const char *name,
		     void (*fn)(struct trace *))
{
	uint64_t want = recorded_digest(name);
	const char *who = geteuid() == 0 ? "root" : "user";
	const struct shm_backend *bs[3];
	struct trace *t[3];
	int n = shm_backends(bs), i;

	if (bs[0] != &shm_native)
		TH_LOG("%s: %s against native's recorded trace", NATIVE_ABSENT,
		       n > 1 ? "svshm and raw system calls" : "svshm");
	for (i = 0; i < n; i++) {
		t[i] = run(bs[i], fn);
		ASSERT_NE(NULL, t[i]);
	}
	for (i = 1; i < n; i++) {
		EXPECT_EQ(0, compare(_metadata, name, t[0], t[i]));
	}
	for (i = 0; i < n; i++) {
		EXPECT_EQ(want, digest(t[i]))
			TH_LOG("%s: %s's trace as %s is not native's recorded one, "
			       "{ \"%s\", %s %#llx }", name, bs[i]->name, who, name, who,
			       (unsigned long long)digest(t[i]));
		munmap(t[i], sizeof(*t[i]));
	}
}

/*
 * One test per scenario, so that TAP names each; with a timeout that the
 * debug kernel's sanitizers leave room for (the id cycle makes 16000 calls).
 */
FIXTURE(sc) {
	int unused;
};

FIXTURE_SETUP(sc)
{
}

FIXTURE_TEARDOWN(sc)
{
}

#define SCENARIO(name)							\
	static void scen_##name(struct trace *t);			\
	TEST_F_TIMEOUT(sc, name, 300) { diff_run(_metadata, #name, scen_##name); } \
	static void scen_##name(struct trace *t)

static void *s_mremap(struct trace *t, void *p, size_t old, size_t len,
		      int flags, void *to, const char *name)
{
	char res[RES_LEN], ab[32];
	void *q = mremap(p, old, len, flags, to);

	norm_addr(q == MAP_FAILED ? (void *)-1 : q, to ? to : p, errno, res);
	addr_name(t, to, ab);
	rec(t, res, "mremap(%s, %zu, %zu, %#x, %s)", name, old, len, flags, ab);
	return q;
}

static bool bad(const void *p)
{
	return p == (void *)-1 || !p;
}

/* ======================================================================
 * The scenarios. Each removes what it creates; cleanup() catches the rest.
 * ====================================================================== */

/* --- SEMANTICS 3: shmget ---------------------------------------------- */

SCENARIO(get_private_always_new)
{
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0640);
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0640);
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | IPC_EXCL | 0600);
	/* IPC_PRIVATE creates even without IPC_CREAT. */
	s_get(t, IPC_PRIVATE, 5000, 0600);
	s_get(t, IPC_PRIVATE, 0, IPC_CREAT | 0600);
	s_get(t, IPC_PRIVATE, 0, 0600);
}

SCENARIO(get_missing_key)
{
	s_get(t, t->key, PG, 0);
	s_get(t, t->key, PG, 0600);
	s_get(t, t->key, PG, IPC_EXCL | 0600);
	s_get(t, t->key, 0, 0);
	/* ENOENT comes before any size check. */
	s_get(t, t->key, ~0UL, 0);
}

SCENARIO(get_create_then_find)
{
	int id = s_get(t, t->key, 3 * PG, IPC_CREAT | 0600);

	s_get(t, t->key, 3 * PG, 0);
	s_get(t, t->key, 0, 0);
	s_get(t, t->key, 1, 0600);
	/* The mode of an existing segment is not changed by shmget. */
	s_get(t, t->key, 3 * PG, IPC_CREAT | 0666);
	s_get(t, t->key, 3 * PG, IPC_EXCL);
	s_get(t, t->key + 1, PG, IPC_CREAT | 0644);
	s_rmid(t, id);
	s_get(t, t->key, PG, 0);
	s_get(t, t->key + 1, PG, 0);
}

SCENARIO(get_errno_order_existing)
{
	int id = s_get(t, t->key, 2 * PG, IPC_CREAT | IPC_EXCL | 0600);

	s_get(t, t->key, 2 * PG, IPC_CREAT | IPC_EXCL | 0600);
	/* EEXIST before EINVAL. */
	s_get(t, t->key, 3 * PG, IPC_CREAT | IPC_EXCL | 0600);
	s_get(t, t->key, 2 * PG + 1, IPC_CREAT | 0600);
	s_get(t, t->key, 2 * PG + 1, 0);
	s_set(t, id, geteuid(), getegid(), 0);
	/* EINVAL before EACCES, EEXIST before EACCES. */
	s_get(t, t->key, 2 * PG + 1, 0600);
	s_get(t, t->key, 2 * PG, 0600);
	s_get(t, t->key, 2 * PG, IPC_CREAT | IPC_EXCL);
	s_get(t, t->key, 2 * PG, 0);
	s_rmid(t, id);
}

SCENARIO(get_size_limits)
{
	/* A 32-bit caller's largest sizes are below 4 GiB. */
	size_t big = sizeof(size_t) > 4 ? (size_t)(1ULL << 46) : (size_t)3 << 30;
	struct shminfo lim;
	int id;

	memset(&lim, 0, sizeof(lim));
	t->b->ctl(0, IPC_INFO, (struct shmid_ds *)&lim);
	note(t, "shmmax is native's default",
	     lim.shmmax == ~0UL - (1UL << 24) ? "yes" : "no");
	s_get(t, IPC_PRIVATE, 0, IPC_CREAT | 0600);
	s_get(t, IPC_PRIVATE, 1, IPC_CREAT | 0600);
	s_get(t, t->key, lim.shmmax + 1, IPC_CREAT | 0600);
	s_get(t, t->key, ~0UL, IPC_CREAT | 0600);
	s_get(t, t->key, lim.shmmax, IPC_CREAT | 0600);
	/* Far beyond memory: refused by accounting. */
	s_get(t, t->key, big, IPC_CREAT | 0600);
	/*
	 * SHM_NORESERVE is taken; native would make even @big so, which svshm
	 * charges all the same (README, "Differences"; limits_test).
	 */
	id = s_get(t, t->key, 2 * PG, IPC_CREAT | SHM_NORESERVE | 0600);
	s_get(t, t->key, 2 * PG + 1, 0);
	s_get(t, t->key, 2 * PG, 0);
	s_rmid(t, id);
}

SCENARIO(get_perms_requested)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0640);

	s_get(t, t->key, PG, 0);
	s_get(t, t->key, PG, 0600);
	s_get(t, t->key, PG, 0644);
	s_get(t, t->key, PG, 0700);
	s_get(t, t->key, PG, 0001);
	s_get(t, t->key, PG, 0040);
	s_set(t, id, geteuid(), getegid(), 0);
	s_get(t, t->key, PG, 0);
	s_get(t, t->key, PG, 0400);
	s_get(t, t->key, PG, IPC_CREAT | 0400);
	s_rmid(t, id);
}

SCENARIO(get_mode_from_flags)
{
	/* Only the low nine bits become the mode. */
	s_get(t, t->key, 5000, IPC_CREAT | SHM_NORESERVE | 0757);
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0);
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0777);
	s_rmid(t, t->ids[0]);
	s_rmid(t, t->ids[1]);
	s_rmid(t, t->ids[2]);
}

SCENARIO(get_removed_key_is_gone)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0600);
	void *p = s_at(t, id, NULL, 0);

	s_rmid(t, id);
	s_get(t, t->key, PG, 0);
	s_get(t, t->key, PG, IPC_CREAT | IPC_EXCL | 0600);
	s_get(t, t->key, PG, 0);
	s_dt(t, p, "p");
	s_get(t, t->key, PG, 0);
	s_rmid(t, t->ids[1]);
}

/* A full index cycle: ids stay unique and indexes below shmmni. */
SCENARIO(get_ids_cycle_within_shmmni)
{
	struct shminfo lim;
	int i, id, first = -1, beyond = 0, reused = 0, seq_bad = 0;
	struct shmid_ds ds;

	memset(&lim, 0, sizeof(lim));
	t->b->ctl(0, IPC_INFO, (struct shmid_ds *)&lim);
	for (i = 0; i < (int)lim.shmmni + 4; i++) {
		id = t->b->get(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		if (id < 0)
			break;
		if (first < 0)
			first = id;
		else
			reused += id == first;
		beyond += (unsigned long)(id & IDX_MASK) >= lim.shmmni;
		if (t->b->ctl(id, IPC_STAT, &ds) || ds.shm_perm.__seq != id >> IDX_BITS)
			seq_bad++;
		t->b->ctl(id, IPC_RMID, NULL);
	}
	note(t, "created shmmni + 4 in turn", i == (int)lim.shmmni + 4 ? "yes" : ename(errno));
	note(t, "index at or above shmmni", beyond ? "yes" : "no");
	note(t, "first id handed out again", reused ? "yes" : "no");
	note(t, "shm_perm.seq not the id's", seq_bad ? "yes" : "no");
}

/* --- SEMANTICS 4: shmat ----------------------------------------------- */

SCENARIO(at_kernel_chooses)
{
	int id = s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0), *q;

	if (bad(p))
		return;
	s_poke(t, p + 4999, 7, "p+4999");
	s_peek(t, p + 4999, "p+4999");
	/* The tail of the last page is mapped too, and zero. */
	s_peek(t, p + 8000, "p+8000");
	s_mapped(t, p, 3, "p");
	q = s_at(t, id, NULL, SHM_RDONLY);
	if (!bad(q))
		s_peek(t, q + 4999, "q+4999");
	s_dt(t, p, "p");
	s_dt(t, q, "q");
	s_rmid(t, id);
}

SCENARIO(at_bad_ids)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	int gone = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);

	s_rmid(t, gone);
	s_at(t, -1, NULL, 0);
	s_at(t, INT_MIN, NULL, 0);
	s_at(t, gone, NULL, 0);
	s_at_l(t, "id#0+seq", id + (1 << IDX_BITS), NULL, 0);
	/* The id is checked first, then the address, then the segment. */
	s_at(t, -1, (void *)100, 0);
	s_at(t, gone, (void *)100, 0);
	s_at(t, gone, NULL, SHM_REMAP);
	s_rmid(t, id);
}

SCENARIO(at_unaligned_and_rnd)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *r = s_region(t, 8);

	if (!r)
		return;
	s_hole(t, 0, 4);
	s_at(t, id, r + 100, 0);
	s_at(t, id, r + 100, SHM_RDONLY);
	s_at(t, id, r + 100, SHM_RND);
	s_dt(t, r + 100, "R+100");
	s_dt(t, r, "R");
	s_at(t, id, r + PG + 1, SHM_RND | SHM_REMAP);
	s_dt(t, r + PG, "R+PG");
	/* Rounding down to 0 is refused with SHM_REMAP only. */
	s_at(t, id, (void *)100, SHM_RND | SHM_REMAP);
	s_at(t, id, (void *)(PG - 1), SHM_RND | SHM_REMAP);
	if (!bad(s_at(t, id, (void *)100, SHM_RND)))
		s_dt(t, NULL, "NULL");
	s_rmid(t, id);
}

SCENARIO(at_fixed_free_and_taken)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *r = s_region(t, 8);

	if (!r)
		return;
	s_hole(t, 0, 2);
	s_at(t, id, r, 0);
	s_at(t, id, r, 0);
	s_at(t, id, r + PG, 0);
	s_at(t, id, r + 2 * PG, 0);
	s_at(t, id, r + 2 * PG, SHM_REMAP);
	/* Over half of each: both are split. */
	s_at(t, id, r + PG, SHM_REMAP);
	s_mapped(t, r, 5, "R");
	s_dt(t, r, "R");
	s_dt(t, r + PG, "R+PG");
	s_dt(t, r + 2 * PG, "R+2PG");
	s_mapped(t, r, 5, "R");
	s_rmid(t, id);
}

SCENARIO(at_remap_over_anon)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *r = s_region(t, 4);

	if (!r)
		return;
	if (mmap(r, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != r)
		note(t, "anon mapping", "FAILED");
	s_poke(t, r, 5, "R");
	s_at(t, id, r, 0);
	s_at(t, id, r, SHM_RDONLY);
	s_at(t, id, NULL, SHM_REMAP);
	s_at(t, id, r, SHM_REMAP);
	s_peek(t, r, "R");
	s_dt(t, r, "R");
	s_mapped(t, r, 2, "R");
	s_rmid(t, id);
}

SCENARIO(at_remap_own_attach)
{
	int id = s_get(t, IPC_PRIVATE, 4 * PG, IPC_CREAT | 0600);
	char *r = s_region(t, 8);

	if (!r)
		return;
	s_hole(t, 0, 4);
	if (bad(s_at(t, id, r, 0)))
		return;
	s_poke(t, r + PG, 6, "R+PG");
	s_at(t, id, r, SHM_REMAP | SHM_RDONLY);
	s_peek(t, r + PG, "R+PG");
	s_mprotect(t, r, PG, PROT_READ | PROT_WRITE, "R");
	s_dt(t, r, "R");
	s_dt(t, r, "R");
	s_rmid(t, id);
}

static void kid_write(struct trace *t, void *p)
{
	s_poke(t, p, 1, "q");
}

SCENARIO(at_rdonly)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0), *q;

	if (bad(p))
		return;
	s_poke(t, p, 9, "p");
	q = s_at(t, id, NULL, SHM_RDONLY);
	if (bad(q))
		return;
	s_peek(t, q, "q");
	/* A read-only attach never becomes writable. */
	s_mprotect(t, q, PG, PROT_READ | PROT_WRITE, "q");
	s_mprotect(t, q, PG, PROT_READ | PROT_EXEC, "q");
	s_kid(t, kid_write, q);
	s_mprotect(t, p, PG, PROT_READ, "p");
	s_mprotect(t, p, PG, PROT_READ | PROT_WRITE, "p");
	s_dt(t, p, "p");
	s_dt(t, q, "q");
	s_rmid(t, id);
}

SCENARIO(at_exec)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	char *p;

	s_at(t, id, NULL, SHM_EXEC);
	s_at(t, id, NULL, SHM_EXEC | SHM_RDONLY);
	s_set(t, id, geteuid(), getegid(), 0700);
	p = s_at(t, id, NULL, SHM_EXEC);
	if (!bad(p)) {
		s_mprotect(t, p, PG, PROT_READ | PROT_EXEC, "p");
		s_dt(t, p, "p");
	}
	s_set(t, id, geteuid(), getegid(), 0500);
	s_at(t, id, NULL, SHM_EXEC | SHM_RDONLY);
	s_at(t, id, NULL, SHM_EXEC);
	s_rmid(t, id);
}

SCENARIO(at_own_perm_bits)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0400);

	s_at(t, id, NULL, 0);
	s_at(t, id, NULL, SHM_RDONLY);
	s_set(t, id, geteuid(), getegid(), 0200);
	s_at(t, id, NULL, SHM_RDONLY);
	s_at(t, id, NULL, 0);
	s_set(t, id, geteuid(), getegid(), 0);
	s_at(t, id, NULL, SHM_RDONLY);
	s_rmid(t, id);
}

SCENARIO(at_many_times)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	void *p1 = s_at(t, id, NULL, 0);
	void *p2 = s_at(t, id, NULL, SHM_RDONLY);
	void *p3 = s_at(t, id, NULL, 0);

	s_dt(t, p2, "p2");
	s_dt(t, p1, "p1");
	s_dt(t, p3, "p3");
	s_dt(t, p3, "p3");
	s_rmid(t, id);
}

/* --- SEMANTICS 5: shmdt ----------------------------------------------- */

SCENARIO(dt_errors)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);
	char *anon = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (bad(p))
		return;
	s_dt(t, p + 1, "p+1");
	s_dt(t, p + PG, "p+PG");
	s_dt(t, NULL, "NULL");
	s_dt(t, anon, "anon");
	s_dt(t, (void *)-PG, "top page");
	s_dt(t, p, "p");
	s_dt(t, p, "p");
	munmap(anon, PG);
	s_rmid(t, id);
}

SCENARIO(dt_mprotect_pieces)
{
	int id = s_get(t, IPC_PRIVATE, 4 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_mprotect(t, p + PG, PG, PROT_READ, "p+PG");
	s_mprotect(t, p + 3 * PG, PG, PROT_NONE, "p+3PG");
	s_dt(t, p + 2 * PG, "p+2PG");
	s_dt(t, p, "p");
	s_mapped(t, p, 4, "p");
	s_rmid(t, id);
}

SCENARIO(dt_munmap_pieces)
{
	/* Not a whole number of pages: the last piece still counts. */
	int id = s_get(t, IPC_PRIVATE, 4 * PG - 100, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_munmap(t, p, PG, "p");
	s_munmap(t, p + 2 * PG, PG, "p+2PG");
	s_mapped(t, p, 4, "p");
	s_dt(t, p + PG, "p+PG");
	s_dt(t, p, "p");
	s_mapped(t, p, 4, "p");
	s_rmid(t, id);
}

SCENARIO(dt_only_the_attachment_asked)
{
	int a = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	int b = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *r = s_region(t, 8);

	if (!r)
		return;
	s_hole(t, 0, 4);
	s_at(t, a, r, 0);
	s_at(t, b, r + 2 * PG, 0);
	s_munmap(t, r, PG, "R");
	/* The piece of a at R+PG goes; b, right after, stays. */
	s_dt(t, r, "R");
	s_mapped(t, r, 4, "R");
	s_dt(t, r + 2 * PG, "R+2PG");
	s_rmid(t, a);
	s_rmid(t, b);
}

/* --- SEMANTICS 6: nattch and lifetime ---------------------------------- */

static void kid_stat(struct trace *t, void *arg)
{
	(void)arg;
	s_stat(t, t->ids[0]);
}

SCENARIO(life_fork_copies_exit_drops)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);

	s_at(t, id, NULL, 0);
	s_at(t, id, NULL, SHM_RDONLY);
	s_kid(t, kid_stat, NULL);
	s_stat(t, id);
	s_rmid(t, id);
}

static void kid_attach_stay(struct trace *t, void *arg)
{
	(void)arg;
	s_at(t, t->ids[0], NULL, 0);
	s_at(t, t->ids[0], NULL, SHM_RDONLY);
}

static void kid_attach_detach(struct trace *t, void *arg)
{
	void *p = s_at(t, t->ids[0], NULL, 0);

	(void)arg;
	s_dt(t, p, "p");
}

SCENARIO(life_kid_attaches)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);

	s_kid(t, kid_attach_stay, NULL);
	s_kid(t, kid_attach_detach, NULL);
	s_rmid(t, id);
}

SCENARIO(life_mprotect_split)
{
	int id = s_get(t, IPC_PRIVATE, 3 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_mprotect(t, p + PG, PG, PROT_READ, "p+PG");
	s_mprotect(t, p + PG, PG, PROT_READ | PROT_WRITE, "p+PG");
	s_mprotect(t, p, 3 * PG, PROT_READ, "p");
	s_dt(t, p, "p");
	s_rmid(t, id);
}

SCENARIO(life_munmap_parts)
{
	int id = s_get(t, IPC_PRIVATE, 4 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_munmap(t, p + PG, 2 * PG, "p+PG");
	s_munmap(t, p, PG, "p");
	/* The last piece: nattch 0, the segment stays. */
	s_munmap(t, p + 3 * PG, PG, "p+3PG");
	s_dt(t, p, "p");
	s_rmid(t, id);
}

SCENARIO(life_mremap)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0), *r = s_region(t, 4), *q;

	if (bad(p) || !r)
		return;
	s_poke(t, p, 4, "p");
	q = s_mremap(t, p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, r, "p");
	if (q == MAP_FAILED)
		return;
	s_dt(t, p, "p");
	s_peek(t, r, "R");
	s_mremap(t, r, 2 * PG, PG, 0, NULL, "R");
	s_dt(t, r, "R");
	s_rmid(t, id);
}

SCENARIO(life_rmid_unattached)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0600);

	s_rmid(t, id);
	s_rmid(t, id);
	s_at(t, id, NULL, 0);
	s_get(t, t->key, PG, 0);
}

SCENARIO(life_rmid_attached)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0), *q;

	if (bad(p))
		return;
	s_poke(t, p, 3, "p");
	s_rmid(t, id);
	s_rmid(t, id);
	/* Still attachable by id while it lives (Linux-specific). */
	q = s_at(t, id, NULL, 0);
	if (!bad(q))
		s_peek(t, q, "q");
	s_set(t, id, geteuid(), getegid(), 0640);
	s_dt(t, p, "p");
	s_dt(t, q, "q");
	s_at(t, id, NULL, 0);
	s_rmid(t, id);
}

static void kid_rmid_detach(struct trace *t, void *p)
{
	s_rmid(t, t->ids[0]);
	s_dt(t, p, "p");
}

SCENARIO(life_rmid_by_kid_parent_detaches_last)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	void *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_kid(t, kid_rmid_detach, p);
	s_dt(t, p, "p");
	s_at(t, id, NULL, 0);
}

static void kid_attach_rmid_stay(struct trace *t, void *arg)
{
	(void)arg;
	s_at(t, t->ids[0], NULL, 0);
	s_rmid(t, t->ids[0]);
}

SCENARIO(life_rmid_destroyed_by_kid_exit)
{
	s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	s_kid(t, kid_attach_rmid_stay, NULL);
	s_stat(t, t->ids[0]);
}

static void kid_read_write(struct trace *t, void *arg)
{
	char *p = s_at(t, t->ids[0], NULL, 0);

	(void)arg;
	if (bad(p))
		return;
	s_peek(t, p + PG, "p+PG");
	s_poke(t, p + PG, 43, "p+PG");
}

SCENARIO(life_data_outlives_attachments)
{
	int id = s_get(t, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	char *p = s_at(t, id, NULL, 0);

	if (bad(p))
		return;
	s_poke(t, p + PG, 42, "p+PG");
	s_dt(t, p, "p");
	s_kid(t, kid_read_write, NULL);
	p = s_at(t, id, NULL, SHM_RDONLY);
	if (!bad(p))
		s_peek(t, p + PG, "p+PG");
	s_dt(t, p, "p");
	s_rmid(t, id);
}

/* --- SEMANTICS 7: shmctl ---------------------------------------------- */

SCENARIO(ctl_bad_cmd_and_id)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	int gone = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	struct shmid_ds ds;
	struct shminfo lim;

	s_rmid(t, gone);
	s_ctl(t, -1, IPC_STAT, &ds, "buf");
	s_ctl(t, id, -1, &ds, "buf");
	s_ctl(t, id, 4, &ds, "buf");
	s_ctl(t, id, 10, &ds, "buf");
	s_ctl(t, id, 16, &ds, "buf");
	s_ctl(t, id, 100, &ds, "buf");
	s_ctl(t, gone, IPC_STAT, &ds, "buf");
	s_ctl_l(t, "id#0+seq", id + (1 << IDX_BITS), IPC_STAT, &ds, "buf");
	s_ctl(t, INT_MAX, IPC_STAT, &ds, "buf");
	s_ctl(t, gone, IPC_RMID, NULL, "NULL");
	s_ctl(t, -1, IPC_RMID, NULL, "NULL");
	s_ctl(t, -1, IPC_INFO, &lim, "lim");
	s_ctl(t, -1, SHM_STAT, &ds, "ds");
	s_rmid(t, id);
}

SCENARIO(ctl_efault)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	int gone = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	void *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char idx[24];

	s_rmid(t, gone);
	s_ctl(t, id, IPC_STAT, NULL, "NULL");
	s_ctl(t, id, IPC_STAT, (void *)8, "8");
	s_ctl(t, id, IPC_STAT, ro, "read-only");
	sprintf(idx, "idx(id#0)");
	s_ctl_l(t, idx, id & IDX_MASK, SHM_STAT, NULL, "NULL");
	s_ctl_l(t, idx, id & IDX_MASK, SHM_STAT_ANY, NULL, "NULL");
	s_ctl(t, id, IPC_SET, NULL, "NULL");
	s_ctl(t, 0, IPC_INFO, NULL, "NULL");
	s_ctl(t, 0, SHM_INFO, NULL, "NULL");
	s_ctl(t, 0, IPC_INFO, ro, "read-only");
	/* The id before the buffer for a stat; the buffer first for a set. */
	s_ctl(t, gone, IPC_STAT, NULL, "NULL");
	s_ctl(t, gone, IPC_SET, NULL, "NULL");
	s_ctl(t, -1, IPC_SET, NULL, "NULL");
	/* Permission before the buffer. */
	s_set(t, id, geteuid(), getegid(), 0);
	s_ctl(t, id, IPC_STAT, NULL, "NULL");
	/* IPC_RMID ignores the buffer. */
	s_ctl(t, id, IPC_RMID, (void *)8, "8");
	munmap(ro, PG);
}

SCENARIO(ctl_ipc_set)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0600);
	char *p;

	s_set(t, id, geteuid(), getegid(), 07777);
	s_set(t, id, geteuid(), getegid(), 0640);
	s_set(t, id, (uid_t)-1, getegid(), 0600);
	s_set(t, id, geteuid(), (gid_t)-1, 0600);
	/* The owner hands ownership on; the creator stays the creator. */
	s_set(t, id, 4242, 4343, 0604);
	s_stat(t, id);
	p = s_at(t, id, NULL, 0);
	s_dt(t, p, "p");
	s_set(t, id, geteuid(), getegid(), 0600);
	s_get(t, t->key, PG, 0600);
	s_rmid(t, id);
}

SCENARIO(ctl_ipc_info)
{
	s_info(t, 0, IPC_INFO, NULL);
	s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	/* The id is ignored, as long as it is not negative. */
	s_info(t, 12345, IPC_INFO, NULL);
	s_info(t, -1, IPC_INFO, NULL);
	s_rmid(t, t->ids[1]);
	s_info(t, 0, IPC_INFO, NULL);
	s_rmid(t, t->ids[0]);
	s_info(t, 0, IPC_INFO, NULL);
}

SCENARIO(ctl_shm_info)
{
	struct shm_info before, after;
	char res[RES_LEN];
	char *p, *q;

	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	t->b->ctl(0, SHM_INFO, (struct shmid_ds *)&before);
	s_get(t, IPC_PRIVATE, 3 * PG, IPC_CREAT | 0600);
	s_get(t, IPC_PRIVATE, 5000, IPC_CREAT | 0600);
	p = s_at(t, t->ids[0], NULL, 0);
	q = s_at(t, t->ids[1], NULL, 0);
	if (bad(p) || bad(q))
		return;
	s_poke(t, p, 1, "p");
	s_poke(t, p + 2 * PG, 1, "p+2PG");
	s_poke(t, q + PG, 1, "q+PG");
	s_info(t, 0, SHM_INFO, &after);
	snprintf(res, RES_LEN, "used+%d tot+%ld rss+%ld swp+%ld att %lu succ %lu",
		 after.used_ids - before.used_ids,
		 (long)(after.shm_tot - before.shm_tot),
		 (long)(after.shm_rss - before.shm_rss),
		 (long)(after.shm_swp - before.shm_swp),
		 after.swap_attempts, after.swap_successes);
	note(t, "SHM_INFO counters", res);
	s_dt(t, p, "p");
	s_dt(t, q, "q");
	s_rmid(t, t->ids[0]);
	s_rmid(t, t->ids[1]);
}

SCENARIO(ctl_shm_stat)
{
	int id = s_get(t, t->key, 5000, IPC_CREAT | 0640);
	int gone = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	struct shmid_ds ds;
	void *p;

	s_rmid(t, gone);
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT, &ds, "buf");
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	/* Only the index part of the number counts. */
	s_ctl_l(t, "idx(id#0)+seq", (id & IDX_MASK) + (1 << IDX_BITS), SHM_STAT,
		&ds, "buf");
	s_ctl_l(t, "idx(id#1)", gone & IDX_MASK, SHM_STAT, &ds, "buf");
	s_ctl_l(t, "idx(id#1)", gone & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	s_set(t, id, geteuid(), getegid(), 0);
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT, &ds, "buf");
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	s_set(t, id, geteuid(), getegid(), 0600);
	p = s_at(t, id, NULL, 0);
	s_rmid(t, id);
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	s_dt(t, p, "p");
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
}

/* --- SEMANTICS 8: permissions ------------------------------------------ */

struct who {
	uid_t uid;
	gid_t gid, supp;
	uid_t set_uid;		/* what IPC_SET is tried with: no change */
	gid_t set_gid;
	int set_mode;
};

/* In a kid: every access a caller can try on id#0 (key K+0), as @w. */
static void kid_access(struct trace *t, void *arg)
{
	const struct who *w = arg;
	int id = t->ids[0];
	struct shmid_ds ds;
	void *p;

	s_become(t, w->uid, w->gid, w->supp);
	s_get(t, t->key, 0, 0);
	s_get(t, t->key, 0, 0400);
	s_get(t, t->key, 0, 0200);
	s_get(t, t->key, 0, 0600);
	s_get(t, t->key, 0, 0100);
	s_stat(t, id);
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT, &ds, "buf");
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	p = s_at(t, id, NULL, SHM_RDONLY);
	if (!bad(p))
		s_dt(t, p, "p");
	p = s_at(t, id, NULL, 0);
	if (!bad(p))
		s_dt(t, p, "p");
	p = s_at(t, id, NULL, SHM_RDONLY | SHM_EXEC);
	if (!bad(p))
		s_dt(t, p, "p");
	s_set(t, id, w->set_uid, w->set_gid, w->set_mode);
}

static void perm_matrix(struct trace *t, int mode, const struct who *kids, int n)
{
	int i, id = s_get(t, t->key, PG, IPC_CREAT | mode);

	s_set(t, id, U1, G1, mode);
	for (i = 0; i < n; i++)
		s_kid(t, kid_access, (void *)&kids[i]);
	s_rmid(t, id);
}

SCENARIO(perm_owner_group_other)
{
	const struct who kids[] = {
		{ U1, G3, 0, U1, G1, 0640 },	/* owner */
		{ U2, G1, 0, U1, G1, 0640 },	/* group by gid */
		{ U2, G2, G1, U1, G1, 0640 },	/* group by supplementary */
		{ U3, G3, 0, U1, G1, 0640 },	/* other */
	};

	perm_matrix(t, 0640, kids, 4);
}

SCENARIO(perm_owner_triplet_wins)
{
	/* The owner in the group gets the owner's bits, not the group's. */
	const struct who kids[] = {
		{ U1, G1, 0, U1, G1, 0460 },
		{ U2, G1, 0, U1, G1, 0460 },
		{ U3, G3, G1, U1, G1, 0460 },
	};

	perm_matrix(t, 0460, kids, 3);
}

SCENARIO(perm_other_bits)
{
	const struct who kids[] = {
		{ U1, G1, 0, U1, G1, 0407 },
		{ U2, G1, 0, U1, G1, 0407 },
		{ U3, G3, 0, U1, G1, 0407 },
	};

	perm_matrix(t, 0407, kids, 3);
}

/* A kid as U1/G1 creates K+0, then hands ownership to U2/G2. */
static void kid_create_give(struct trace *t, void *arg)
{
	int id;

	(void)arg;
	s_become(t, U1, G1, 0);
	id = s_get(t, t->key, PG, IPC_CREAT | 0600);
	s_set(t, id, U2, G2, 0060);
	s_stat(t, id);
	/* The creator's triplet is the owner's: 0 here, whatever cgid gives. */
	s_at(t, id, NULL, SHM_RDONLY);
	s_set(t, id, U2, G2, 0060);
}

static void kid_rmid(struct trace *t, void *arg)
{
	const struct who *w = arg;

	s_become(t, w->uid, w->gid, w->supp);
	s_rmid(t, t->ids[0]);
}

SCENARIO(perm_creator_rules)
{
	const struct who kids[] = {
		{ U2, G3, 0, U2, G2, 0060 },	/* owner */
		{ U3, G1, 0, U2, G2, 0060 },	/* creator's group */
		{ U3, G3, 0, U2, G2, 0060 },	/* nobody of theirs */
		{ U1, G3, 0, U2, G2, 0060 },	/* the creator */
	};
	int i;

	s_kid(t, kid_create_give, NULL);
	for (i = 0; i < 4; i++)
		s_kid(t, kid_access, (void *)&kids[i]);
	s_kid(t, kid_rmid, (void *)&kids[2]);
	s_kid(t, kid_rmid, (void *)&kids[3]);
	s_stat(t, t->ids[0]);
}

static void kid_not_owner(struct trace *t, void *arg)
{
	int id = t->ids[0], gone = t->ids[1];
	struct shmid_ds ds;

	(void)arg;
	s_become(t, U2, G1, 0);
	s_stat(t, id);
	s_set(t, id, U2, G1, 0666);
	s_rmid(t, id);
	/* The buffer is read before anything else is checked. */
	s_ctl(t, id, IPC_SET, NULL, "NULL");
	memset(&ds, 0, sizeof(ds));
	s_ctl(t, gone, IPC_SET, &ds, "buf");
}

static void kid_owner_gives(struct trace *t, void *arg)
{
	(void)arg;
	s_become(t, U1, G3, 0);
	s_set(t, t->ids[0], U2, G2, 0666);
	s_set(t, t->ids[0], U1, G2, 0666);
}

static void kid_new_owner_removes(struct trace *t, void *arg)
{
	(void)arg;
	s_become(t, U2, G3, 0);
	s_rmid(t, t->ids[0]);
}

SCENARIO(perm_set_and_rmid_ownership)
{
	int id = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0666);
	int gone = s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0666);

	s_rmid(t, gone);
	s_set(t, id, U1, G1, 0666);
	s_kid(t, kid_not_owner, NULL);
	s_kid(t, kid_owner_gives, NULL);
	/* U1 gave it away: no longer the owner, never the creator. */
	s_kid(t, kid_owner_gives, NULL);
	s_kid(t, kid_new_owner_removes, NULL);
	s_stat(t, id);
}

static void kid_seteuid(struct trace *t, void *arg)
{
	int id = t->ids[0];
	char *p = s_at(t, id, NULL, 0);

	(void)arg;
	s_seteuid(t, U3);
	s_at(t, id, NULL, 0);
	s_stat(t, id);
	/* An attachment made before keeps its access. */
	if (!bad(p))
		s_poke(t, p, 8, "p");
	s_seteuid(t, 0);
	s_at(t, id, NULL, SHM_RDONLY);
}

SCENARIO(perm_creds_at_call_time)
{
	s_get(t, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	s_kid(t, kid_seteuid, NULL);
	s_rmid(t, t->ids[0]);
}

SCENARIO(perm_mode_zero)
{
	int id = s_get(t, t->key, PG, IPC_CREAT | 0);
	struct shmid_ds ds;

	s_stat(t, id);
	s_at(t, id, NULL, SHM_RDONLY);
	s_at(t, id, NULL, 0);
	s_at(t, id, NULL, SHM_EXEC);
	s_get(t, t->key, PG, 0600);
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT, &ds, "buf");
	s_ctl_l(t, "idx(id#0)", id & IDX_MASK, SHM_STAT_ANY, &ds, "buf");
	/* Owner's commands need ownership, not mode bits. */
	s_set(t, id, geteuid(), getegid(), 0);
	s_rmid(t, id);
}

TEST_HARNESS_MAIN
