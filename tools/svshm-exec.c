// SPDX-License-Identifier: GPL-2.0
/*
 * svshm-exec [--device PATH] [--] PROGRAM [ARGS]: run PROGRAM, and every
 * process and thread it starts, with its SysV shm system calls served by
 * svshm, whatever issues them: a static binary, Go's runtime, a raw
 * syscall(2). LD_PRELOAD reaches none of those.
 *
 * How. The child sets no_new_privs, installs a seccomp filter that answers
 * SECCOMP_RET_TRACE for shmget, shmat, shmdt and shmctl alone (x86-64's
 * numbers; i386's direct 395..398 and ipc(2)'s SHM* calls) and RET_ALLOW
 * for everything else, stops itself, and execs PROGRAM once this process
 * has PTRACE_SEIZEd it (with TRACESECCOMP, TRACEFORK, TRACEVFORK,
 * TRACECLONE, TRACEEXEC and EXITKILL: what it starts is traced from its
 * first instruction, and dies with the supervisor). A system call that is
 * not a shm one never stops: a program that makes no shm call pays only
 * the filter, a few BPF instructions per system call.
 *
 * At a seccomp stop the stopped thread itself makes the equivalent ioctl
 * of /dev/svshm, the one libsvshm makes for that call (lib/svshm.c: the
 * same structures, filled the same way, and its answers passed on: the
 * value, or -errno; shmat's address comes out of struct svshm_attach):
 * the supervisor writes the ioctl's structure into a page of the process,
 * rewrites the system call into the ioctl, lets it run to its exit stop
 * (PTRACE_SYSCALL), reads the answer and puts native's result in the
 * return register. The few lines that fill the structures are libsvshm's
 * over again rather than shared: here the arguments are another process's
 * registers and the structures are written into its memory, so there is
 * no function of the library to call.
 *
 * What the process needs, it gets by calls injected the same way, at the
 * seccomp stop of a shm call: the page (an anonymous mmap: the structures
 * never go on the program's stack), then the descriptor (openat of the
 * device, O_CLOEXEC, the path written into the page). At the injected
 * call's exit stop the registers are put back and the PC rewound over the
 * system call instruction, so that the shm call is issued again and stops
 * again, now with one more thing in place. A thread that finds another
 * thread's injection under way, or every slot in use, is parked: left at
 * its seccomp stop, on its process's list, and served from there when the
 * injection ends or a slot frees (the injecting or slot-holding thread's
 * stop, or its death). Sending it back to re-issue the call instead would
 * spin: with many threads at once (exec_test's 72), their stops kept
 * waitpid(-1) busy ahead of the one injecting thread's exit stop. A parked
 * thread that dies (SIGKILL, another thread's exit_group or exec) leaves
 * the list at its exit; a parked leader whose process another thread
 * exec'd leaves it at the exec event, which reuses its id.
 *
 * Per process (thread group): the page, the descriptor, and which slots of
 * the page's upper half are in use by a thread's ioctl between its stops
 * (threads of a process share the page; each in-flight call has a slot of
 * its own). A fork, vfork or clone child copies its parent's page and
 * descriptor (its copy of the memory and of the descriptor table has
 * them); a thread shares its process's. An exec drops both (the page is
 * gone, the descriptor was close-on-exec). A descriptor the program
 * closed or replaced answers EBADF or ENOTTY (see <linux/svshm.h>): it is
 * forgotten and the device opened again, up to SVSHM_TRIES times, as
 * libsvshm does; a page the program unmapped fails process_vm_writev() and
 * is mapped again. A process that is not dumpable (PR_SET_DUMPABLE 0, or
 * one that changed credentials) refuses process_vm_writev() to a
 * supervisor without CAP_SYS_PTRACE: its calls fail with ENOSYS and a
 * line. (Lifting this needs memory shared with the supervisor, a memfd
 * passed with pidfd_getfd(2), so that nothing is written across
 * processes: not done yet.)
 *
 * The device cannot be opened, answers no svshm ioctl, or speaks another
 * ABI (asked once at start): the call fails with ENOSYS and one line on
 * stderr, as libsvshm does (once per process).
 *
 * Limits, each said in one line on stderr and in svshm-exec(1): set-user-ID
 * and file-capability programs run without their privileges
 * (no_new_privs; said when such a program is executed); svshm-exec cannot
 * trace a PROGRAM that is traced already (a debugger, strace -f), nor can
 * a debugger run as PROGRAM trace what it starts (EPERM: one tracer); under
 * another svshm-exec it runs PROGRAM directly, served by the outer one
 * (SVSHM_EXEC_PID names the outer supervisor, checked against TracerPid);
 * a seccomp filter of the program's own stacks on ours: shm calls still
 * stop here, but an injected mmap, openat or ioctl that it refuses fails,
 * and the shm call with it (ENOSYS, with a line). x32 processes are not
 * served: their calls go to the kernel as they are (a line when such a
 * program is executed).
 *
 * Signals sent to svshm-exec go to PROGRAM (see take_signals()).
 *
 * Exit status: PROGRAM's, or 128 + the signal that ended it, as a shell
 * gives it; 126 if svshm-exec cannot set up, 127 if PROGRAM is not found.
 * svshm-exec ends when PROGRAM and all it started have ended (a process it
 * started cannot outlive the supervisor: EXITKILL).
 *
 * Served: on x86-64, 64-bit and i386 processes; on arm64, 64-bit ones
 * (32-bit ARM processes get ENOSYS from the filter, and a line when such a
 * program is executed). What differs, registers, numbers and the filter,
 * is in exec_regs_x86_64.h and exec_regs_arm64.h, under the same names.
 * Elsewhere svshm-exec builds and says it does not serve that
 * architecture.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/svshm.h>

#include "args.h"
#include "svshm.h"

#define PROG "svshm-exec"
#define EXEC_ENV "SVSHM_EXEC_PID"
#define EXIT_SETUP 126
#define EXIT_NOTFOUND 127

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n %s [--device PATH] [--] PROGRAM [ARGS]\n\n"
		"Run PROGRAM with its SysV shared memory calls, and those of every\n"
		"process it starts, served by svshm: static programs, Go, raw syscall().\n\n"
		"Options:\n"
		"     --device PATH  the instance's device (default: $SVSHM_DEVICE, else\n"
		"                    /dev/svshm); an svshm filesystem's DIR/svshm\n"
		" -h, --help         display this help\n"
		" -V, --version      display version\n\n"
		"Exit status: PROGRAM's (128 + N if signal N ended it); 126 if PROGRAM\n"
		"cannot be run under svshm-exec, 127 if it is not found.\n", PROG);
}

/*
 * Names the architecture halves share: the four calls as ipc(2) numbers
 * them (the kernel's <linux/ipc.h>, not exported to userspace), and the
 * calls injected into a process.
 */
#define IPCCALL_SHMAT	21
#define IPCCALL_SHMDT	22
#define IPCCALL_SHMGET	23
#define IPCCALL_SHMCTL	24
#define IPC_64_FLAG	0x100

enum exec_call { CALL_MMAP, CALL_OPENAT, CALL_IOCTL };

#if defined(__x86_64__)
#include "exec_regs_x86_64.h"
#elif defined(__aarch64__)
#include "exec_regs_arm64.h"
#endif

#ifdef EXEC_ARCH_NAME

/*
 * The filter is not a sandbox: it must leave the program as it would run
 * without it. seccomp(2) turns on the speculation mitigations a sandbox
 * wants (SSBD, STIBP) unless told SECCOMP_FILTER_FLAG_SPEC_ALLOW; prctl()
 * is for a kernel without the flag (before 4.17).
 */
static int load_filter(struct sock_fprog *prog)
{
	if (!syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, prog))
		return 0;
	if (errno != EINVAL)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog);
}

/* The architecture's filter (exec_filter()), in this process. */
static int install_filter(void)
{
	return load_filter(exec_filter());
}

/*
 * The page: the device's path at its start (at most PATH_LEN bytes with
 * the NUL), then SLOTS slots of SLOT_SIZE bytes for the ioctls' structures.
 */
#define PAGE_LEN	4096
#define PATH_LEN	2048
#define SLOT_SIZE	32
#define SLOTS		((PAGE_LEN - PATH_LEN) / SLOT_SIZE)
#define SVSHM_TRIES	8

struct proc {
	int refs;		/* threads (struct task) that point here */
	uint64_t page;		/* 0: none yet */
	int fd;			/* -1: none */
	int busy;		/* an mmap or openat is under way in one thread */
	int warned;		/* its line about the device was said */
	uint64_t slots;		/* bit i: slot i in use (SLOTS == 64) */
	struct task *parked;	/* threads at their seccomp stop, waiting */
};

enum phase { IDLE, INJ_MMAP, INJ_OPEN, IN_IOCTL };

struct task {
	pid_t tid;
	struct task *next;	/* hash chain */
	struct proc *proc;	/* NULL: a new task whose parent's event has not come */
	int started;		/* it has run (its first stop was seen) */
	int held;		/* stopped, waiting for its parent's event */
	int parked;		/* on proc->parked, at its seccomp stop */
	struct task *park_next;	/* proc->parked chain */
	enum phase phase;
	int arch;		/* ARCH_* of the call being served */
	int op;			/* IPCCALL_* */
	int slot;
	int tries;
	int fd;			/* the descriptor its ioctl went to */
	uint64_t raddr;		/* ipc(SHMAT): where the address goes */
	exec_regs_t regs;	/* at the seccomp stop */
};

#define HASH 1024
static struct task *tasks[HASH];
static const char *device;
static unsigned int device_abi;	/* the module's ABI if not ours, else 0 */
static pid_t main_pid;
static int main_status = -1;

static struct task *task_find(pid_t tid)
{
	struct task *t;

	for (t = tasks[tid % HASH]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static struct task *task_new(pid_t tid)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		exit(EXIT_SETUP);	/* EXITKILL ends the tracees */
	}
	t->tid = tid;
	t->slot = -1;
	t->next = tasks[tid % HASH];
	tasks[tid % HASH] = t;
	return t;
}

static struct proc *proc_new(const struct proc *from)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		exit(EXIT_SETUP);
	}
	p->fd = -1;
	if (from) {
		p->page = from->page;
		p->fd = from->fd;
		p->warned = from->warned;
	}
	return p;
}

static void proc_put(struct proc *p)
{
	if (p && --p->refs == 0)
		free(p);
}

static void task_set_proc(struct task *t, struct proc *p)
{
	p->refs++;
	proc_put(t->proc);
	t->proc = p;
}

/* Leave @t at its seccomp stop until its process's injection or a slot is done. */
static void park(struct task *t)
{
	t->parked = 1;
	t->park_next = t->proc->parked;
	t->proc->parked = t;
}

static void unpark_one(struct task *t)
{
	struct task **pp;

	if (!t->parked)
		return;
	for (pp = &t->proc->parked; *pp != t; pp = &(*pp)->park_next)
		;
	*pp = t->park_next;
	t->parked = 0;
	t->park_next = NULL;
}

static void on_seccomp(struct task *t);

/*
 * An injection of @p ended or a slot freed: serve the parked threads from
 * their seccomp stops. Those that still cannot go park again; the list is
 * taken first, so that they go on a new one. A thread killed meanwhile
 * fails its ptrace requests and leaves at its exit.
 */
static void unpark(struct proc *p)
{
	struct task *t = p->parked, *next;

	p->parked = NULL;
	for (; t; t = next) {
		next = t->park_next;
		t->parked = 0;
		t->park_next = NULL;
		on_seccomp(t);
	}
}

static void task_drop(pid_t tid)
{
	struct task **pp, *t;

	for (pp = &tasks[tid % HASH]; (t = *pp); pp = &t->next) {
		if (t->tid != tid)
			continue;
		*pp = t->next;
		if (t->proc) {
			int wake = t->slot >= 0 ||
				   (t->phase != IDLE && t->phase != IN_IOCTL);

			unpark_one(t);
			if (t->slot >= 0)
				t->proc->slots &= ~(1ULL << t->slot);
			if (t->phase != IDLE && t->phase != IN_IOCTL)
				t->proc->busy = 0;
			if (wake)
				unpark(t->proc);	/* @t's ref keeps it */
		}
		proc_put(t->proc);
		free(t);
		return;
	}
}

/* A field of /proc/PID/status, as a number; -1 if absent. */
static long proc_status(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len }, remote = { (void *)(uintptr_t)addr, len };

	return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static int mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static int is_err(long v)
{
	return v < 0 && v >= -4095;
}

/* Resume @t with @sig, or at its next syscall stop (@sysc). */
static void resume(pid_t tid, int sysc, int sig)
{
	ptrace(sysc ? PTRACE_SYSCALL : PTRACE_CONT, tid, NULL, (void *)(long)sig);
}

/*
 * Send @t back to its system call instruction with its registers as at its
 * seccomp stop, so that the shm call is issued again. At the seccomp stop
 * (@skip) the call is skipped (number -1) and the PC rewound; at an
 * injected call's exit stop, the PC alone.
 */
static void reissue(struct task *t, int skip)
{
	exec_regs_t r = t->regs;

	if (skip)
		regs_skip(&r);
	regs_rewind(&r, &t->regs);
	t->phase = IDLE;
	set_regs(t->tid, &r);
	resume(t->tid, 0, 0);
}

/*
 * End @t's shm call with @ret (a value or -errno) and let it go on. At the
 * seccomp stop itself (nothing injected: phase IDLE) the call is skipped
 * (number -1), or the kernel would run it natively after all.
 */
static void finish(struct task *t, long ret)
{
	exec_regs_t r = t->regs;
	int freed = t->slot >= 0;

	if (t->phase == IDLE)
		regs_skip(&r);
	set_ret(&r, t->arch, ret);
	t->phase = IDLE;
	t->tries = 0;
	if (freed)
		t->proc->slots &= ~(1ULL << t->slot);
	t->slot = -1;
	set_regs(t->tid, &r);
	resume(t->tid, 0, 0);
	if (freed)
		unpark(t->proc);
}

/* The process's own seccomp filters, on top of ours? */
static int own_filters(pid_t tid)
{
	return proc_status(tid, "Seccomp_filters") > 1;
}

/*
 * The device cannot serve @t's process (@what @obj failed with @err): once
 * per process, one line.
 */
static void say_device(struct task *t, const char *what, const char *obj, int err)
{
	const char *why = "";

	if (t->proc->warned)
		return;
	t->proc->warned = 1;
	if (own_filters(t->tid))
		why = " (refused by the program's own seccomp filter?)";
	else if (err == ENOENT && !strcmp(obj, SVSHM_DEVICE_DEFAULT))
		why = " (is svshm.ko loaded?)";
	fprintf(stderr, "%s: process %d: %s%s: %s%s: its shm calls fail with ENOSYS\n",
		PROG, t->tid, what, obj, strerror(err), why);
}

/*
 * A write into @t's page failed. Unmapped by the program (EFAULT): map
 * another and come back, a few times. Refused (EPERM): the process is not
 * dumpable (PR_SET_DUMPABLE 0, or credentials changed) and this
 * supervisor has no CAP_SYS_PTRACE: its calls cannot be served.
 */
static void write_failed(struct task *t)
{
	int err = errno;

	if (err == EPERM || ++t->tries >= SVSHM_TRIES) {
		if (!t->proc->warned)
			fprintf(stderr, "%s: process %d: cannot write its call's arguments into it: %s%s: its shm calls fail with ENOSYS\n",
				PROG, t->tid, strerror(err), err == EPERM ?
				" (it is not dumpable: PR_SET_DUMPABLE 0, or it changed credentials; svshm-exec as root serves it)" : "");
		t->proc->warned = 1;
		finish(t, -ENOSYS);
		return;
	}
	t->proc->page = 0;
	reissue(t, 1);
}

/*
 * Decode @t's shm call (at its seccomp stop, registers in t->regs) into
 * the ioctl libsvshm makes for it: @cmd, and its structure in @buf (@len
 * bytes), or @len 0 and the argument itself in *@a. Returns 0, or -errno
 * to answer at once, as native does before any work.
 */
static long decode(struct task *t, unsigned long *cmd, void *buf, size_t *len, uint64_t *a)
{
	const exec_regs_t *r = &t->regs;
	long nr = regs_nr(r);
	uint64_t x[5];
	int32_t id, ctlcmd, flags = 0, ipc64 = 0;
	uint64_t size = 0, addr = 0, ubuf = 0;

	for (int i = 0; i < 5; i++)
		x[i] = arg(r, t->arch, i);
	t->raddr = 0;
	if (is_ipc_mux(t->arch, nr)) {
		/* ipc(call, first, second, third, ptr): compat_ksys_ipc() */
		t->op = (int)(x[0] & 0xffff);
		id = (int32_t)x[1];
		ctlcmd = (int32_t)x[2];
		size = x[2];
		flags = (int32_t)(t->op == IPCCALL_SHMGET ? x[3] : x[2]);
		addr = x[4];
		ubuf = x[4];
		t->raddr = x[3];
		if (t->op == IPCCALL_SHMAT && (uint32_t)x[0] >> 16 == 1)
			return -EINVAL;
	} else {
		/* shmget(key, size, flg), shmat(id, addr, flg), shmdt(addr), shmctl(id, cmd, buf) */
		t->op = direct_op(t->arch, nr);
		id = (int32_t)x[0];
		size = x[1];
		ctlcmd = (int32_t)x[1];
		flags = (int32_t)x[2];
		addr = t->op == IPCCALL_SHMDT ? x[0] : x[1];
		ubuf = x[2];
		/*
		 * i386's direct shmctl is the IPC_64 one (compat_sys_shmctl):
		 * the module is told so, and a command with the flag in it
		 * is unknown there.
		 */
		if (direct_shmctl_is_ipc64(t->arch) && t->op == IPCCALL_SHMCTL) {
			if (ctlcmd >= 0 && (ctlcmd & IPC_64_FLAG))
				return -EINVAL;
			ipc64 = IPC_64_FLAG;
		}
	}
	switch (t->op) {
	case IPCCALL_SHMGET: {
		struct svshm_get g = { .key = id, .flags = flags, .size = size };

		*cmd = SVSHM_IOC_GET;
		memcpy(buf, &g, sizeof(g));
		*len = sizeof(g);
		return 0;
	}
	case IPCCALL_SHMAT: {
		struct svshm_attach at = { .id = id, .flags = flags, .addr = addr };

		*cmd = SVSHM_IOC_ATTACH;
		memcpy(buf, &at, sizeof(at));
		*len = sizeof(at);
		return 0;
	}
	case IPCCALL_SHMDT:
		*cmd = SVSHM_IOC_DETACH;
		*a = addr;
		*len = 0;
		return 0;
	case IPCCALL_SHMCTL: {
		struct svshm_ctl c = { .id = id, .cmd = ctlcmd | ipc64, .buf = ubuf };

		*cmd = SVSHM_IOC_CTL;
		memcpy(buf, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	}
	return -ENOSYS;	/* not reached: the filter stops these four alone */
}

/* Run @nr(@a) in @t in place of its shm call, to its exit stop. */
static void inject(struct task *t, enum phase phase, enum exec_call call, const uint64_t *a)
{
	exec_regs_t r = t->regs;

	set_call(&r, t->arch, call, a);
	t->phase = phase;
	if (phase != IN_IOCTL)
		t->proc->busy = 1;
	set_regs(t->tid, &r);
	resume(t->tid, 1, 0);
}

/* A seccomp stop of @t: one step towards serving its shm call. */
static void on_seccomp(struct task *t)
{
	struct proc *p = t->proc;
	unsigned long data = 0, cmd = 0;
	char buf[SLOT_SIZE];
	uint64_t a[6] = { 0 };
	size_t len;
	long ret;
	int i;

	ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &data);
	if (get_regs(t->tid, &t->regs) || !arch_valid(data)) {
		resume(t->tid, 0, 0);	/* another filter's RET_TRACE: not ours */
		return;
	}
	t->arch = (int)data;
	if (device_abi) {
		if (!p->warned)
			fprintf(stderr, "%s: process %d: %s speaks ABI %u, this svshm-exec ABI %u: its shm calls fail with ENOSYS\n",
				PROG, t->tid, device, device_abi, SVSHM_ABI_VERSION);
		p->warned = 1;
		finish(t, -ENOSYS);
		return;
	}
	if (p->busy) {
		park(t);	/* another thread's mmap or openat */
		return;
	}
	if (!p->page) {
		a[1] = PAGE_LEN;
		a[2] = PROT_READ | PROT_WRITE;
		a[3] = MAP_PRIVATE | MAP_ANONYMOUS;
		a[4] = (uint64_t)-1;
		inject(t, INJ_MMAP, CALL_MMAP, a);
		return;
	}
	if (p->fd < 0) {
		if (mem_write(t->tid, p->page, device, strlen(device) + 1)) {
			write_failed(t);
			return;
		}
		a[0] = (uint64_t)(int64_t)AT_FDCWD;
		a[1] = p->page;
		a[2] = O_RDWR | O_CLOEXEC;
		inject(t, INJ_OPEN, CALL_OPENAT, a);
		return;
	}
	ret = decode(t, &cmd, buf, &len, &a[2]);
	if (ret) {
		finish(t, ret);
		return;
	}
	if (len) {
		for (i = 0; i < SLOTS && (p->slots & (1ULL << i)); i++)
			;
		if (i == SLOTS) {
			park(t);	/* SLOTS threads in calls: wait for one */
			return;
		}
		a[2] = p->page + PATH_LEN + (uint64_t)i * SLOT_SIZE;
		if (mem_write(t->tid, a[2], buf, len)) {
			write_failed(t);
			return;
		}
		p->slots |= 1ULL << i;
		t->slot = i;
	}
	a[0] = (uint64_t)p->fd;
	a[1] = cmd;
	t->fd = p->fd;
	inject(t, IN_IOCTL, CALL_IOCTL, a);
}

/* The exit stop of @t's injected call. */
static void on_exit_stop(struct task *t)
{
	struct proc *p = t->proc;
	exec_regs_t r;
	long ret;

	if (get_regs(t->tid, &r)) {
		resume(t->tid, 0, 0);
		return;
	}
	ret = ret_of(&r, t->arch);
	switch (t->phase) {
	case INJ_MMAP:
		p->busy = 0;
		if (is_err(ret)) {
			say_device(t, "cannot map a page of memory", "", (int)-ret);
			finish(t, -ENOSYS);
		} else {
			p->page = arch_wide(t->arch) ? (uint64_t)ret : (uint32_t)ret;
			reissue(t, 0);
		}
		unpark(p);
		return;
	case INJ_OPEN:
		p->busy = 0;
		if (is_err(ret)) {
			say_device(t, "cannot open ", device, (int)-ret);
			finish(t, -ENOSYS);
		} else {
			p->fd = (int)ret;
			reissue(t, 0);
		}
		unpark(p);
		return;
	case IN_IOCTL:
		break;
	default:
		resume(t->tid, 0, 0);	/* not ours */
		return;
	}
	if (ret == -EBADF || ret == -ENOTTY) {
		/* Closed or replaced by the program: open the device again. */
		if (t->slot >= 0)
			p->slots &= ~(1ULL << t->slot);
		t->slot = -1;
		if (++t->tries >= SVSHM_TRIES) {
			say_device(t, "no svshm ioctl answered on ", device, (int)-ret);
			finish(t, -ENOSYS);
			return;
		}
		if (p->fd == t->fd)
			p->fd = -1;
		reissue(t, 0);
		unpark(p);
		return;
	}
	if (ret == 0 && t->op == IPCCALL_SHMAT) {
		struct svshm_attach at;

		if (mem_read(t->tid, p->page + PATH_LEN + (uint64_t)t->slot * SLOT_SIZE,
			     &at, sizeof(at))) {
			ret = -EFAULT;
		} else if (t->raddr) {
			uint32_t raddr = (uint32_t)at.addr;

			/* ipc(SHMAT): the address to *third, the call returns 0. */
			ret = mem_write(t->tid, t->raddr, &raddr, sizeof(raddr)) ? -EFAULT : 0;
		} else {
			ret = (long)at.addr;
		}
	}
	finish(t, ret);
}

/* Does the program just executed gain privileges that no_new_privs drops? */
static void check_privileged(pid_t tid)
{
	char path[64], exe[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", tid);
	if (stat(path, &st))
		return;
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if ((st.st_mode & S_ISUID) || ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)))
		fprintf(stderr, "%s: %s is set-user-ID or set-group-ID: it runs without those privileges under svshm-exec (no_new_privs)\n",
			PROG, exe);
	else if (getxattr(path, "security.capability", NULL, 0) > 0)
		fprintf(stderr, "%s: %s has file capabilities: it runs without them under svshm-exec (no_new_privs)\n",
			PROG, exe);
}

/* A program this architecture's half does not serve: one line. */
static void check_served(pid_t tid)
{
	char path[64], exe[PATH_MAX];
	const char *why;
	Elf32_Ehdr h;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, &h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h.e_ident, ELFMAG, SELFMAG))
		return;
	why = unserved_program(&h);
	if (!why)
		return;
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	fprintf(stderr, "%s: %s is %s\n", PROG, exe, why);
}

/* A new task (fork, vfork, clone) of @parent. */
static void on_new(struct task *parent, pid_t tid)
{
	struct task *c = task_find(tid);
	long tgid = proc_status(tid, "Tgid");

	if (!c)
		c = task_new(tid);
	if (tgid == proc_status(parent->tid, "Tgid") && tgid > 0)
		task_set_proc(c, parent->proc);
	else
		task_set_proc(c, proc_new(parent->proc));
	if (c->held) {
		c->held = 0;
		c->started = 1;
		resume(tid, 0, 0);
	}
}

static void on_exec(struct task *t)
{
	unsigned long former = 0;

	unpark_one(t);	/* the leader's, parked when another thread exec'd */
	ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former);
	if ((pid_t)former != t->tid)
		task_drop((pid_t)former);	/* a thread that exec'd took the leader's id */
	t->phase = IDLE;
	t->slot = -1;
	t->tries = 0;
	task_set_proc(t, proc_new(NULL));
	check_privileged(t->tid);
	check_served(t->tid);
	resume(t->tid, 0, 0);
}

static int supervise(void)
{
	for (;;) {
		int st, sig, ev;
		struct task *t;
		pid_t tid = waitpid(-1, &st, __WALL);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: all have ended */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == main_pid)
				main_status = st;
			task_drop(tid);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		t = task_find(tid);
		if (!t)
			t = task_new(tid);
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (!t->proc) {
			/* Before its parent's event: wait for it to say whose it is. */
			t->held = 1;
			continue;
		}
		switch (ev) {
		case PTRACE_EVENT_SECCOMP:
			on_seccomp(t);
			continue;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE: {
			unsigned long child = 0;

			ptrace(PTRACE_GETEVENTMSG, tid, NULL, &child);
			on_new(t, (pid_t)child);
			resume(tid, 0, 0);
			continue;
		}
		case PTRACE_EVENT_EXEC:
			on_exec(t);
			continue;
		case PTRACE_EVENT_STOP:
			if (!t->started) {
				t->started = 1;
				resume(tid, 0, 0);
			} else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
				ptrace(PTRACE_LISTEN, tid, NULL, NULL);	/* group stop */
			} else {
				resume(tid, 0, 0);
			}
			continue;
		case 0:
			break;
		default:
			resume(tid, 0, 0);
			continue;
		}
		t->started = 1;
		if (sig == (SIGTRAP | 0x80)) {
			on_exit_stop(t);
			continue;
		}
		resume(tid, 0, sig);	/* a signal for the program */
	}
	if (main_status < 0)
		return EXIT_SETUP;
	return WIFEXITED(main_status) ? WEXITSTATUS(main_status) : 128 + WTERMSIG(main_status);
}

/* Said, with status 126, where the kernel has no seccomp filters. */
#define NO_SECCOMP_LINE \
	"this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER=n): it cannot serve a program's SysV shm system calls"

/*
 * Signals for svshm-exec are PROGRAM's: a kill of the supervisor would
 * kill PROGRAM with SIGKILL (EXITKILL), and no cleanup of its would run.
 * The terminal's SIGINT and SIGQUIT reach PROGRAM as they reach us (one
 * process group): ignored here. SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are
 * passed on to PROGRAM.
 */
static void forward(int sig)
{
	if (main_pid > 0)
		kill(main_pid, sig);
}

static void take_signals(void)
{
	static const int fwd[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };

	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
}

static int run(char **argv)
{
	char pidbuf[32];
	int st, err;
	pid_t pid;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", PROG, strerror(errno));
		return EXIT_SETUP;
	}
	if (pid == 0) {
		if (setenv(EXEC_ENV, pidbuf, 1) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    install_filter()) {
			/*
			 * The filter is fixed and valid: EINVAL is a kernel
			 * built without seccomp filters, which cannot stop a
			 * program at its shm calls.
			 */
			if (errno == EINVAL)
				fprintf(stderr, "%s: %s\n", PROG, NO_SECCOMP_LINE);
			else
				fprintf(stderr, "%s: seccomp filter: %s\n", PROG, strerror(errno));
			_exit(EXIT_SETUP);
		}
		raise(SIGSTOP);
		execvp(argv[0], argv);
		err = errno;
		fprintf(stderr, "%s: %s: %s\n", PROG, argv[0], strerror(err));
		_exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_SETUP);
	}
	main_pid = pid;
	take_signals();
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
		/* It could not install the filter, and said why. */
		return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_SETUP;
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
			    PTRACE_O_TRACESYSGOOD))) {
		err = errno;
		fprintf(stderr, "%s: cannot trace %s: %s (is it traced already, by a debugger or strace -f?)\n",
			PROG, argv[0], strerror(err));
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return EXIT_SETUP;
	}
	task_set_proc(task_new(pid), proc_new(NULL));
	kill(pid, SIGCONT);
	return supervise();
}

/* Under another svshm-exec already? Then it serves PROGRAM: exec it. */
static void nested(char **argv)
{
	const char *outer = getenv(EXEC_ENV);
	long tracer = proc_status(getpid(), "TracerPid");
	int err;

	if (!outer || tracer <= 0 || strtol(outer, NULL, 10) != tracer)
		return;
	fprintf(stderr, "%s: already under svshm-exec (process %ld): running %s under it\n",
		PROG, tracer, argv[0]);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "%s: %s: %s\n", PROG, argv[0], strerror(err));
	exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_SETUP);
}

/*
 * The module's ABI, asked once here as libsvshm asks it: the structures
 * written into the process are this ABI's. A device that cannot be opened
 * now is left to the calls (their line); one that does not answer the
 * version ioctl, to their retries.
 */
static void check_abi(void)
{
	struct svshm_version v = { 0 };
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	if (ioctl(fd, SVSHM_IOC_VERSION, &v) == 0 && v.abi_version != SVSHM_ABI_VERSION)
		device_abi = v.abi_version;
	close(fd);
}

/* The device's path, absolute: the program may change its directory. */
static const char *absolute(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (path[0] == '/')
		return path;
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&abs, "%s/%s", cwd, path) < 0)
		return NULL;
	return abs;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { TOOL_COMMON_LONGOPTS };
	const char *opt_dev = NULL, *env;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		ret = tool_common_option(PROG, opt, usage, &opt_dev, EXIT_SETUP);
		if (ret != TOOL_OPT_TAKEN)
			return ret;
	}
	if (optind >= argc)
		return bad_usage(PROG, "no program given", NULL), EXIT_SETUP;
	env = getenv(SVSHM_DEVICE_ENV);
	device = opt_dev && *opt_dev ? opt_dev : env && *env ? env : SVSHM_DEVICE_DEFAULT;
	device = absolute(device);
	if (!device || strlen(device) >= PATH_LEN) {
		fprintf(stderr, "%s: the device's path is too long\n", PROG);
		return EXIT_SETUP;
	}
	nested(argv + optind);
	check_abi();
	return run(argv + optind);
}

#else /* !EXEC_ARCH_NAME */

int main(int argc, char **argv)
{
	static const struct option longopts[] = { TOOL_COMMON_LONGOPTS };
	const char *opt_dev = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+" TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		ret = tool_common_option(PROG, opt, usage, &opt_dev, 126);
		if (ret != TOOL_OPT_TAKEN)
			return ret;
	}
	fprintf(stderr, "%s: not supported on this architecture yet (x86-64 and arm64 only)\n", PROG);
	return 126;
}

#endif
