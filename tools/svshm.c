// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the module's admin command, on libkmod.
 *   svshm [--device PATH] status        loaded or not; version, ABI, srcversion,
 *                                       refcount, holders, parameters, usage
 *   svshm load [--module PATH] [NAME=VALUE ...]   insert svshm.ko
 *   svshm unload                        remove it
 * load finds the module as modprobe does (modules.dep of the running
 * kernel), or takes a path: --module PATH, else $SVSHM_KO (a guest or a
 * build tree has no modules installed). Errors are one line that says
 * what to do. status exits with LSB's codes for an init script's status
 * action, so that a script can test it: 0 loaded, 3 not loaded, 4 cannot
 * tell (and never 1, which LSB gives a dead service's stale pid file);
 * load and unload exit 0, or 1 on any error.
 *
 * Every segment, in any instance, holds a reference on the module, as
 * every attachment and open descriptor does: the kernel refuses to unload
 * it while one exists rather than destroy data. status counts the
 * segments of one instance through its device (--device PATH, else
 * $SVSHM_DEVICE, else /dev/svshm: SHM_INFO, then SHM_STAT_ANY for the
 * attachments), so that a container's own device counts its own. unload
 * explains a refusal from /proc/svshm and the module's refcount, not from
 * the device: an open descriptor would pin what it tries to remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "args.h"
#include "device.h"
#include "svshm.h"

#define PROG "svshm"
#define MODNAME "svshm"
#define SYSMOD "/sys/module/" MODNAME

/* status's exit codes (LSB's: "program is not running", "status is unknown"). */
#define STATUS_NOT_LOADED	3
#define STATUS_UNKNOWN		4

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n"
		" %s [--device PATH] status\n"
		" %s load [--module PATH] [NAME=VALUE ...]\n"
		" %s unload\n\n"
		"Load, unload and inspect the svshm module (System V shared memory\n"
		"through /dev/svshm).\n\n"
		"Options:\n"
		" -m, --module PATH   load this svshm.ko (default: $SVSHM_KO, else the\n"
		"                     module installed for the running kernel)\n"
		"     --device PATH   status of this instance's device (default:\n"
		"                     $SVSHM_DEVICE, else /dev/svshm)\n"
		" -h, --help          display this help\n"
		" -V, --version       display version\n\n"
		"Parameters of load: shmmax, shmall, shmmni, shm_rmid_forced,\n"
		"shm_next_id, userns_mounts, huge (svshm(4)).\n\n"
		"Exit status: status: 0 loaded, 3 not loaded, 4 cannot tell (no\n"
		"sysfs, a device named that cannot be opened, a bad argument), as\n"
		"LSB's status; load, unload: 0, or 1 on any error.\n", PROG, PROG, PROG);
}

/* "s" unless @n is 1: "1 segment", "2 segments". */
static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", PROG);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

/* The first line of @path into @buf, without its newline; "" if none. */
static const char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/*
 * The segments of the instance whose device is @fd, and their attachments,
 * pages and resident pages: SHM_INFO, then SHM_STAT_ANY for each index up
 * to the highest in use. -1 with errno if the device does not answer.
 */
static int device_census(int fd, unsigned long *segs, unsigned long *nattch,
			 unsigned long *pages, unsigned long *resident)
{
	struct shm_info info;
	struct shmid_ds ds;
	struct svshm_ctl c = { .cmd = SHM_INFO, .buf = (uintptr_t)&info };
	int max = ioctl(fd, SVSHM_IOC_CTL, &c);

	if (max < 0)
		return -1;
	*segs = info.used_ids;
	*pages = info.shm_tot;
	*resident = info.shm_rss;
	*nattch = 0;
	for (int i = 0; i <= max; i++) {
		c = (struct svshm_ctl){ .id = i, .cmd = SHM_STAT_ANY, .buf = (uintptr_t)&ds };
		if (ioctl(fd, SVSHM_IOC_CTL, &c) >= 0)
			*nattch += ds.shm_nattch;
	}
	return 0;
}

/*
 * The initial instance's segments from /proc/svshm, which pins nothing:
 * @live those not removed, @dest those removed but still attached (they go
 * with their last detach), @nattch their attachments. -1 if absent.
 */
static int census(unsigned long *live, unsigned long *dest, unsigned long *nattch)
{
	FILE *f = fopen("/proc/svshm", "re");
	unsigned int mode;
	unsigned long n;
	char line[512];

	*live = *dest = *nattch = 0;
	if (!f)
		return -1;
	/* key shmid perms size cpid lpid nattch ...; the first line is the header. */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %o %*u %*u %*u %lu", &mode, &n) != 2)
			continue;
		if (mode & 01000)	/* SHM_DEST */
			(*dest)++;
		else
			(*live)++;
		*nattch += n;
	}
	fclose(f);
	return 0;
}

/*
 * Every parameter the module declares, as sysfs reads them back; "?" for
 * one it cannot read. huge= unset (native's placement, the system's
 * shmem_enabled) reads back as "(null)", or empty after "huge=".
 */
static void print_params(void)
{
	static const char *const names[] = {
		"shmmax", "shmall", "shmmni", "shm_rmid_forced", "shm_next_id",
		"userns_mounts", "huge",
	};
	char path[128], buf[64];
	const char *v;

	printf("parameters:");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), SYSMOD "/parameters/%s", names[i]);
		v = first_line(path, buf, sizeof(buf));
		if (!strcmp(names[i], "huge") && (!strcmp(v, "(null)") ||
						  (!*v && !access(path, R_OK))))
			v = "(unset)";
		printf(" %s=%s", names[i], *v ? v : "?");
	}
	printf("\n");
}

/* The segments line of status, for the instance whose device is @fd. */
static void print_segments(int fd, const char *dev, const char *opt)
{
	unsigned long segs, nattch, pages, resident;

	if (fd < 0) {
		printf("segments: ? (cannot open %s)\n", dev);
		return;
	}
	if (device_census(fd, &segs, &nattch, &pages, &resident)) {
		printf("segments: ? (%s: %s)\n", dev, strerror(errno));
		return;
	}
	printf("segments: %lu in %s, %lu page%s (%lu resident), %lu attachment%s", segs, dev,
	       pages, plural(pages), resident, nattch, plural(nattch));
	if (segs)
		printf(" (they hold svshm.ko: remove them with svshm-ipcrm%s%s --all before unloading)",
		       opt ? " --device " : "", opt ? dev : "");
	printf("\n");
}

static int status(struct kmod_ctx *ctx, const char *device)
{
	struct svshm_version v = { 0 };
	struct kmod_module *mod;
	struct kmod_list *holders, *l;
	const char *dev;
	char buf[128];
	int state, fd;

	if (kmod_module_new_from_name(ctx, MODNAME, &mod) < 0) {
		fail("%s", "out of memory");
		return STATUS_UNKNOWN;
	}
	state = kmod_module_get_initstate(mod);
	/*
	 * No /sys/module/svshm is "not loaded" only where sysfs is there to
	 * say so: a chroot or a container without it cannot tell.
	 */
	if (state < 0) {
		kmod_module_unref(mod);
		if (state == -ENOENT && !access("/sys/module", F_OK)) {
			printf("svshm: not loaded (load it: svshm load)\n");
			return STATUS_NOT_LOADED;
		}
		if (state == -ENOENT)
			fprintf(stderr, "%s: cannot tell whether svshm.ko is loaded: /sys/module: %s (no sysfs here?)\n",
				PROG, strerror(errno));
		else
			fprintf(stderr, "%s: cannot tell whether svshm.ko is loaded: %s: %s\n",
				PROG, SYSMOD "/initstate", strerror(-state));
		return STATUS_UNKNOWN;
	}
	/*
	 * A device that cannot be opened has said so in one line. A device
	 * named (--device, SVSHM_DEVICE) must be there: status cannot tell
	 * about its instance; without /dev/svshm, status goes on with what
	 * the module's sysfs says.
	 */
	fd = tool_device(PROG, device, &dev);
	if (fd < 0 && strcmp(dev, SVSHM_DEVICE_DEFAULT)) {
		kmod_module_unref(mod);
		return STATUS_UNKNOWN;
	}
	printf("svshm: %s\n", kmod_module_initstate_str(state));
	printf("version: %s\n", *first_line(SYSMOD "/version", buf, sizeof(buf)) ? buf : "?");
	if (fd < 0)
		printf("abi: ? (cannot open %s)\n", dev);
	else if (ioctl(fd, SVSHM_IOC_VERSION, &v) == 0)
		printf("abi: %u (features %#x; this command: ABI %d)\n", v.abi_version,
		       v.features, SVSHM_ABI_VERSION);
	else
		printf("abi: ? (%s: %s)\n", dev, strerror(errno));
	printf("srcversion: %s\n", *first_line(SYSMOD "/srcversion", buf, sizeof(buf)) ? buf : "?");
	printf("refcount: %d\n", kmod_module_get_refcnt(mod));
	printf("holders:");
	holders = kmod_module_get_holders(mod);
	kmod_list_foreach(l, holders) {
		struct kmod_module *h = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	printf("%s\n", holders ? "" : " none");
	kmod_module_unref_list(holders);
	print_params();
	print_segments(fd, dev, device);
	if (fd >= 0)
		close(fd);
	kmod_module_unref(mod);
	return EXIT_OK;
}

/* NAME=VALUE with NAME a parameter the module declares. */
static int check_param(struct kmod_module *mod, const char *arg)
{
	struct kmod_list *info = NULL, *l;
	size_t n = strcspn(arg, "=");
	int found = 0;

	if (!n || arg[n] != '=' || !arg[n + 1] || strchr(arg, ' '))
		return fail("not NAME=VALUE: '%s' (svshm --help)", arg);
	if (kmod_module_get_info(mod, &info) < 0)
		return EXIT_OK;	/* the kernel will judge */
	kmod_list_foreach(l, info) {
		const char *v = kmod_module_info_get_value(l);

		if (!strcmp(kmod_module_info_get_key(l), "parm") && v &&
		    !strncmp(v, arg, n) && v[n] == ':')
			found = 1;
	}
	kmod_module_info_free_list(info);
	return found ? EXIT_OK : fail("svshm.ko has no parameter '%s' (svshm(4))", arg);
}

/* The module's vermagic names another kernel: say so before the kernel does. */
static int check_vermagic(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	struct utsname u;
	int bad = 0;

	if (uname(&u) || kmod_module_get_info(mod, &info) < 0)
		return EXIT_OK;
	kmod_list_foreach(l, info) {
		const char *v = kmod_module_info_get_value(l);
		size_t n = strlen(u.release);

		if (!strcmp(kmod_module_info_get_key(l), "vermagic") && v &&
		    (strncmp(v, u.release, n) || (v[n] && v[n] != ' '))) {
			fprintf(stderr, "%s: %s is built for kernel %.*s, this is %s: rebuild it (make, or dkms install svshm/%s)\n",
				PROG, kmod_module_get_path(mod), (int)strcspn(v, " "), v,
				u.release, SVSHM_VERSION);
			bad = 1;
		}
	}
	kmod_module_info_free_list(info);
	return bad ? EXIT_FAIL : EXIT_OK;
}

/*
 * The kernel refuses a module whose signature it cannot check against a key
 * it trusts: EKEYREJECTED under module.sig_enforce=1, EPERM under lockdown,
 * which Debian's kernels enter when booted with Secure Boot. DKMS signs
 * what it builds with a key of its own, which the firmware trusts only once
 * enrolled as a MOK.
 */
#define SIGNATURE_REFUSED "the kernel refused the module's signature (Secure Boot: lockdown or module.sig_enforce): enrol DKMS's signing key, mokutil --import /var/lib/dkms/mok.pub, and reboot to confirm it, or sign svshm.ko with a key the kernel trusts"

/* Whether this process has CAP_SYS_MODULE (16) in its effective set. */
static int can_load_modules(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long caps = ~0ULL;
	char line[256];

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return !!(caps & (1ULL << 16));
}

/*
 * EPERM from init_module has three causes: loading disabled, no
 * CAP_SYS_MODULE, or lockdown refusing the signature. Said by elimination:
 * the lockdown level is in securityfs, which may not be mounted.
 */
static const char *why_eperm(void)
{
	char buf[16];

	if (!strcmp(first_line("/proc/sys/kernel/modules_disabled", buf, sizeof(buf)), "1"))
		return "module loading is disabled until the next boot (kernel.modules_disabled=1)";
	if (!can_load_modules())
		return "this process may not load modules (no CAP_SYS_MODULE: a container?)";
	return SIGNATURE_REFUSED;
}

/*
 * Which parameter the kernel refused. finit_module() answers a whole load
 * with one errno (EINVAL, or a setter's ERANGE or ENOSPC), and the kernel
 * is the authority on values: ranges copied here would drift from the
 * module's, and most parameters state none. Loading again with each
 * parameter alone would find the culprit, but every value the kernel
 * accepts would then load the module for a moment: its init runs,
 * /dev/svshm appears, and a process that opens it, or makes a segment,
 * keeps a module loaded with values nobody asked for. The kernel names
 * the culprit already, in its log: parse_args() logs
 *   svshm: `VALUE' invalid for parameter `NAME'
 * for each value a setter refuses (and goes on to the next), and the
 * module's init logs "svshm: NAME=VALUE: why" for a value it checks
 * itself (huge=). So the log is read through /dev/kmsg from where it
 * ended just before the load: this load's records, whatever else the
 * buffer holds. Without it (no CAP_SYSLOG under dmesg_restrict, no
 * printk), the line says where to look instead.
 */

/* /dev/kmsg at its end, for what the kernel logs from now on; -1 if none. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Whether @s holds @a (@n long) quoted as the kernel quotes: `a' or 'a'. */
static int quoted(const char *s, const char *a, size_t n)
{
	for (const char *p = s; (p = strstr(p, a)); p++)
		if (p > s && (p[-1] == '`' || p[-1] == '\'') && p[n] == '\'')
			return 1;
	return 0;
}

/* Whether the kernel's message @msg refuses NAME=VALUE @arg. */
static int refuses(const char *msg, const char *arg)
{
	static const char prefix[] = MODNAME ": ";
	size_t n = strcspn(arg, "="), len = strlen(arg);
	const char *value = arg + n + 1, *p;
	char name[64];

	if (strncmp(msg, prefix, sizeof(prefix) - 1) || n >= sizeof(name))
		return 0;
	msg += sizeof(prefix) - 1;
	if (!strncmp(msg, arg, len) && (msg[len] == ':' || msg[len] == ' ' || !msg[len]))
		return 1;
	snprintf(name, sizeof(name), "%.*s", (int)n, arg);
	p = strstr(msg, " for parameter ");
	return p && quoted(p, name, n) && quoted(msg, value, strlen(value));
}

/* The module's description of parameter @arg (NAME=...), or NULL; free() it. */
static char *param_desc(struct kmod_module *mod, const char *arg)
{
	struct kmod_list *info = NULL, *l;
	size_t n = strcspn(arg, "=");
	char *desc = NULL;

	if (kmod_module_get_info(mod, &info) < 0)
		return NULL;
	kmod_list_foreach(l, info) {
		const char *v = kmod_module_info_get_value(l);

		if (!desc && !strcmp(kmod_module_info_get_key(l), "parm") && v &&
		    !strncmp(v, arg, n) && v[n] == ':' && v[n + 1])
			desc = strdup(v + n + 1);
	}
	kmod_module_info_free_list(info);
	return desc;
}

/*
 * The kernel refused the load with @err, the values given in @argv being
 * the likely cause. One line naming each one the kernel's log (@kmsg)
 * refuses, with the module's description of it, where the values are
 * told; else one line that names them all and where to look.
 */
static int refused(struct kmod_module *mod, int kmsg, int argc, char **argv, int err)
{
	char rec[4096], *msg, *desc;
	unsigned char *hit = calloc((size_t)argc + 1, 1);
	int named = 0;
	ssize_t n;

	if (!hit)
		return fail("%s", "out of memory");
	/* One record a read: "PRIO,SEQ,USEC,FLAGS;MESSAGE\n" (then " KEY=VALUE" lines). */
	while (kmsg >= 0 && ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 ||
			     (n < 0 && (errno == EPIPE || errno == EINTR)))) {
		if (n <= 0)
			continue;	/* EPIPE: overwritten records, read on */
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = 0;
		for (int i = 0; i < argc; i++)
			hit[i] |= refuses(msg, argv[i]);
	}
	for (int i = 0; i < argc; i++) {
		if (!hit[i])
			continue;
		desc = param_desc(mod, argv[i]);
		if (!named)
			fprintf(stderr, "%s: the kernel refused", PROG);
		fprintf(stderr, "%s %s", named ? " and" : "", argv[i]);
		if (desc)
			fprintf(stderr, " (%.*s: %s)", (int)strcspn(argv[i], "="), argv[i], desc);
		free(desc);
		named = 1;
	}
	free(hit);
	if (named) {
		fputc('\n', stderr);
		return EXIT_FAIL;
	}
	if (!argc)
		return fail("the kernel refused the module: %s (dmesg says why)", strerror(-err));
	fprintf(stderr, "%s: the kernel refused the module or a value of", PROG);
	for (int i = 0; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, ": %s (dmesg says which)\n", strerror(-err));
	return EXIT_FAIL;
}

static int load(struct kmod_ctx *ctx, const char *path, int argc, char **argv)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	char opts[1024] = "";
	struct utsname u;
	size_t used = 0;
	int err, kmsg;

	if (geteuid() != 0)
		return fail("%s", "load needs root: sudo svshm load");
	if (path) {
		err = kmod_module_new_from_path(ctx, path, &mod);
		if (err < 0)
			return fail("cannot read %s", path);
	} else {
		uname(&u);
		if (kmod_module_new_from_lookup(ctx, MODNAME, &list) < 0 || !list) {
			fprintf(stderr, "%s: no svshm module installed for kernel %s: install it (make install, or dkms install svshm/%s), or give one: svshm load --module PATH\n",
				PROG, u.release, SVSHM_VERSION);
			return EXIT_FAIL;
		}
		mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
	}
	err = check_vermagic(mod);
	for (int i = 0; !err && i < argc; i++) {
		err = check_param(mod, argv[i]);
		if (!err && used + strlen(argv[i]) + 2 > sizeof(opts))
			err = fail("%s", "too many parameters");
		if (!err)
			used += (size_t)snprintf(opts + used, sizeof(opts) - used, "%s%s",
						 used ? " " : "", argv[i]);
	}
	if (!err) {
		kmsg = kmsg_open();
		err = kmod_module_insert_module(mod, 0, opts);
		switch (err) {
		case 0:
			break;
		case -EEXIST:
			err = fail("%s", "already loaded (svshm status; to change parameters: svshm unload first)");
			break;
		case -ENOEXEC:
			err = fail("%s is not built for this kernel: rebuild it (make, or dkms install svshm)",
				   kmod_module_get_path(mod));
			break;
		case -EKEYREJECTED:
		case -EKEYREVOKED:
			err = fail("%s", SIGNATURE_REFUSED);
			break;
		case -EINVAL:
			err = refused(mod, kmsg, argc, argv, err);
			break;
		case -ERANGE:
		case -ENOSPC:
			if (argc) {
				err = refused(mod, kmsg, argc, argv, err);
				break;
			}
			err = fail("cannot load: %s", strerror(-err));
			break;
		case -EPERM:
			err = fail("%s", why_eperm());
			break;
		default:
			err = fail("cannot load: %s", strerror(-err));
		}
		if (kmsg >= 0)
			close(kmsg);
	}
	kmod_module_unref(mod);
	return err ? EXIT_FAIL : EXIT_OK;
}

/*
 * Why the kernel refused: @refs references. /proc/svshm (the initial
 * instance) accounts for @live segments, which stay until removed, and
 * @nattch attachments, with the @dest removed segments they keep alive.
 * The rest are open descriptors of a device, mounted svshm instances and
 * their segments, which no file here lists. One line, each part with its
 * remedy. (Forked attachments share one attach file and so one reference:
 * the rest is a floor, never below 0.)
 */
static void in_use(int refs, unsigned long live, unsigned long dest, unsigned long nattch)
{
	long rest = (long)refs - (long)live - (long)dest - (long)nattch;
	const char *sep = "";

	fprintf(stderr, "%s: in use by", PROG);
	if (live) {
		fprintf(stderr, " %lu segment%s of /dev/svshm (remove %s: svshm-ipcrm --all)", live,
			plural(live), live == 1 ? "it" : "them");
		sep = nattch && rest > 0 ? "," : " and";
	}
	if (nattch) {
		fprintf(stderr, "%s %lu attachment%s (end %s: svshm-ipcs -p shows who)", sep, nattch,
			plural(nattch), nattch == 1 ? "its process" : "those processes");
		sep = " and";
	}
	if (rest > 0 || (!live && !nattch)) {
		rest = rest > 0 ? rest : refs;
		fprintf(stderr, "%s %ld other reference%s (open descriptors of a device, svshm mounts and their segments: findmnt -t svshm)",
			sep, rest, plural((unsigned long)rest));
	}
	fprintf(stderr, "\n");
}

static int unload(struct kmod_ctx *ctx)
{
	unsigned long live, dest, nattch;
	struct kmod_module *mod;
	int err, refs;

	if (geteuid() != 0)
		return fail("%s", "unload needs root: sudo svshm unload");
	if (kmod_module_new_from_name(ctx, MODNAME, &mod) < 0)
		return fail("%s", "out of memory");
	if (kmod_module_get_initstate(mod) < 0) {
		kmod_module_unref(mod);
		return fail("%s", "not loaded");
	}
	/* NOLOG: libkmod's own line would repeat ours, less helpfully. */
	err = kmod_module_remove_module(mod, KMOD_REMOVE_NOLOG);
	if (err == -EBUSY || err == -EAGAIN) {
		refs = kmod_module_get_refcnt(mod);
		if (census(&live, &dest, &nattch))
			live = dest = nattch = 0;
		in_use(refs, live, dest, nattch);
	} else if (err < 0) {
		fprintf(stderr, "%s: cannot unload: %s\n", PROG, strerror(-err));
	}
	kmod_module_unref(mod);
	return err ? EXIT_FAIL : EXIT_OK;
}

/*
 * The command word, read ahead of getopt, so that a status command line
 * svshm cannot parse still exits with one of status's codes: options
 * (with their separate arguments) come first, then the command.
 */
static const char *command_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (argv[i][0] != '-' || !argv[i][1])
			return argv[i];
		if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--module") ||
		    !strcmp(argv[i], "--device"))
			i++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "module", required_argument, NULL, 'm' },
		TOOL_COMMON_LONGOPTS,
	};
	const char *path = getenv("SVSHM_KO"), *device = NULL, *cmd = command_word(argc, argv);
	int bad = cmd && !strcmp(cmd, "status") ? STATUS_UNKNOWN : EXIT_FAIL;
	struct kmod_ctx *ctx;
	int opt, ret;

	/* "+": options end at the command; load's NAME=VALUE follow it. */
	while ((opt = getopt_long(argc, argv, "+m:" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			path = optarg;
			break;
		default:
			opt = tool_common_option(PROG, opt, usage, &device, bad);
			if (opt != TOOL_OPT_TAKEN)
				return opt;
		}
	}
	if (optind >= argc)
		return fail("%s", "no command: status, load or unload (svshm --help)");
	cmd = argv[optind++];
	bad = strcmp(cmd, "status") ? EXIT_FAIL : STATUS_UNKNOWN;
	/* load takes its options after the command too, as modprobe users type. */
	if (!strcmp(cmd, "load")) {
		while (optind + 1 < argc && (!strcmp(argv[optind], "--module") ||
					     !strcmp(argv[optind], "-m"))) {
			path = argv[optind + 1];
			optind += 2;
		}
	} else if (strcmp(cmd, "status") && strcmp(cmd, "unload")) {
		return fail("unknown command '%s': status, load or unload (svshm --help)", cmd);
	} else if (!strcmp(cmd, "status") && optind + 1 < argc &&
		   !strcmp(argv[optind], "--device")) {
		device = argv[optind + 1];
		optind += 2;
	}
	if (strcmp(cmd, "load") && optind < argc) {
		fail("unexpected argument '%s' (svshm --help)", argv[optind]);
		return bad;
	}
	if (device && strcmp(cmd, "status"))
		return fail("%s", "--device goes with status only (svshm --help)");
	if (path && !*path)
		path = NULL;
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		fail("%s", "cannot start libkmod");
		return bad;
	}
	if (!strcmp(cmd, "status"))
		ret = status(ctx, device);
	else if (!strcmp(cmd, "load"))
		ret = load(ctx, path, argc - optind, argv + optind);
	else
		ret = unload(ctx);
	kmod_unref(ctx);
	return ret;
}
