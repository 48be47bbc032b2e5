/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PostgreSQL 15 server for a test, natively or preloaded onto svshm: run
 * as nobody (it refuses root), data, log and socket in a directory of its
 * own under /tmp, main and dynamic shared memory in System V segments.
 * Include after kselftest_harness.h, backend.h and preload.h.
 */
#ifndef SVSHM_SELFTEST_PG_H
#define SVSHM_SELFTEST_PG_H

#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PG_BIN		"/usr/lib/postgresql/15/bin"
#define PG_ARGS_MAX	24

struct pg_server {
	char dir[64], data[96], log[96];
	char times[512];	/* how long each step took: " initdb 71 pg_ctl 9..." */
	time_t t;
	int preload;		/* under LD_PRELOAD=libsvshm-preload.so */
	int running;		/* started by us, not stopped yet */
};

static inline int pg_installed(void)
{
	return !access(PG_BIN "/postgres", X_OK) && !access(PG_BIN "/pgbench", X_OK);
}

/* How long each step took, to keep the whole within bounds in the guest. */
static inline void pg_time(struct pg_server *srv, const char *step)
{
	size_t used = strlen(srv->times);
	time_t now = time(NULL);

	snprintf(srv->times + used, sizeof(srv->times) - used, " %s %ld",
		 step, (long)(now - srv->t));
	srv->t = now;
}

/* Run PG_BIN/@prog with the NULL-terminated arguments, as nobody. */
static inline int pg(struct pg_server *srv, char *out, const char *prog, ...)
{
	char path[PATH_MAX], *argv[PG_ARGS_MAX];
	va_list ap;
	int n = 1;

	snprintf(path, sizeof(path), PG_BIN "/%s", prog);
	argv[0] = path;
	va_start(ap, prog);
	while (n < PG_ARGS_MAX - 1 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	n = run_program(argv, srv->preload, 1, out, OUT_MAX);
	pg_time(srv, prog);
	return n;
}

/* A fresh directory owned by nobody; @preload: where the server will run. */
static inline int pg_prepare(struct pg_server *srv, int preload)
{
	srv->times[0] = 0;
	srv->t = time(NULL);
	srv->preload = preload;
	srv->running = 0;
	strcpy(srv->dir, "/tmp/svshm-pg.XXXXXX");
	if (!mkdtemp(srv->dir)) {
		srv->dir[0] = 0;
		return -1;
	}
	snprintf(srv->data, sizeof(srv->data), "%s/data", srv->dir);
	snprintf(srv->log, sizeof(srv->log), "%s/server.log", srv->dir);
	return chown(srv->dir, NOBODY, NOBODY);
}

/*
 * initdb, then the server's settings: System V shared memory for the main
 * and the dynamic segments, a Unix socket in our directory only. Returns
 * initdb's exit status (its output in @out), or -1 if the settings could
 * not be written.
 */
static inline int pg_initdb(struct pg_server *srv, char *out)
{
	char conf[PATH_MAX];
	FILE *f;
	int rc;

	rc = pg(srv, out, "initdb", "-D", srv->data, "-A", "trust", "--no-locale",
		"-E", "UTF8", "-N", "--no-instructions", NULL);
	if (rc)
		return rc;
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", srv->data);
	f = fopen(conf, "a");
	if (!f)
		return -1;
	/* fsync off: the guest is slow enough, and no crash here loses the OS. */
	fprintf(f, "shared_memory_type = sysv\ndynamic_shared_memory_type = sysv\n"
		"listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\n",
		srv->dir);
	return fclose(f) ? -1 : 0;
}

/* pg_ctl start, or stop with the shutdown mode @action (fast, immediate). */
static inline int pg_ctl(struct pg_server *srv, char *out, const char *action)
{
	int rc;

	if (!strcmp(action, "start"))
		rc = pg(srv, out, "pg_ctl", "-D", srv->data, "-l", srv->log, "-w",
			"-t", "300", "start", NULL);
	else
		rc = pg(srv, out, "pg_ctl", "-D", srv->data, "-w", "-t", "300",
			"-m", action, "stop", NULL);
	srv->running = !strcmp(action, "start") ? !rc : rc != 0;
	return rc;
}

static inline int psql(struct pg_server *srv, char *out, const char *sql)
{
	return pg(srv, out, "psql", "-X", "-q", "-A", "-t", "-h", srv->dir, "-d", "postgres",
		  "-v", "ON_ERROR_STOP=1", "-c", sql, NULL);
}

/* pgbench's tables at scale 1. */
static inline int pg_bench_init(struct pg_server *srv, char *out)
{
	return pg(srv, out, "pgbench", "-h", srv->dir, "-i", "-s", "1", "-q", "postgres", NULL);
}

/*
 * A pgbench run of 2 clients, 50 transactions each (a fixed count rather
 * than -T: the guest's time goes to initdb). Returns the transactions
 * processed when pgbench succeeded with 0 failed, else -1; its report in
 * @out.
 */
static inline int pg_bench_run(struct pg_server *srv, char *out)
{
	const char *done;

	if (pg(srv, out, "pgbench", "-h", srv->dir, "-n", "-t", "50", "-c", "2", "postgres",
	       NULL))
		return -1;
	done = strstr(out, "actually processed: ");
	if (!strstr(out, "number of failed transactions: 0 ") || !done)
		return -1;
	return atoi(done + strlen("actually processed: "));
}

/* Reap the postmasters that came back to us (PR_SET_CHILD_SUBREAPER). */
static inline void pg_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* postmaster.pid: line 1 is the pid, line 7 the segment's key and id. */
static inline int pg_pidfile(struct pg_server *srv, pid_t *pid, key_t *key, int *id)
{
	char path[PATH_MAX], line[256];
	unsigned long k, i;
	int n = 0, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/postmaster.pid", srv->data);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (n == 1)
			*pid = atoi(line);
		if (n == 7 && sscanf(line, "%lu %lu", &k, &i) == 2) {
			*key = k;
			*id = i;
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* Whether a line of the file @path holds @needle: 1, 0, or -1. */
static inline int file_has(const char *path, const char *needle)
{
	char line[1024];
	int found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !!strstr(line, needle);
	fclose(f);
	return found;
}

/* The server log's errors, save the ones a fast stop causes, each logged. */
static inline int pg_log_errors(struct __test_metadata *_metadata, struct pg_server *srv,
				const char *name)
{
	char line[1024];
	int errors = 0;
	FILE *f = fopen(srv->log, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "ERROR:") && !strstr(line, "FATAL:") && !strstr(line, "PANIC:"))
			continue;
		if (strstr(line, "due to administrator command"))
			continue;
		TH_LOG("%s server log: %s", name, line);
		errors++;
	}
	fclose(f);
	return errors;
}

static inline int pg_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Stop what is left running, remove the directory, and any segment. */
static inline void pg_cleanup(struct pg_server *srv)
{
	char out[OUT_MAX];
	key_t key = 0;
	pid_t pid = 0;
	int id;

	if (!srv->dir[0])
		return;
	if (srv->running)
		pg_ctl(srv, out, "immediate");
	/* Only a server we started: a stale pid file's pid may be reused. */
	if (!pg_pidfile(srv, &pid, &key, &id) && srv->running && pid > 0)
		kill(pid, SIGKILL);
	pg_reap();
	if (key)
		zap_keys(key, 1);
	nftw(srv->dir, pg_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	srv->dir[0] = 0;
}

#endif /* SVSHM_SELFTEST_PG_H */
