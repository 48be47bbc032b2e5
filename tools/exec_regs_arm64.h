/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm-exec's arm64 half: the registers of a stopped thread, the system
 * call numbers, and the seccomp filter, for 64-bit processes. The names
 * are exec_regs_x86_64.h's; what differs is said here.
 *
 * The number of the call a thread is stopped in is not a register of the
 * thread (x8 holds what it asked; the kernel keeps its own copy): it is
 * read and changed through the NT_ARM_SYSTEM_CALL register set, and -1
 * there skips the call, x0 then being its result. x0 is both the first
 * argument and the result, so the argument is taken from the seccomp
 * stop's registers when a call is issued again.
 *
 * 32-bit ARM processes (armhf, through CONFIG_COMPAT) are not served yet:
 * the filter answers their shm calls ENOSYS itself, so that they never
 * reach native's table while their peers use svshm's, and svshm-exec says
 * so in one line when such a program is executed.
 */
#ifndef SVSHM_EXEC_REGS_ARM64_H
#define SVSHM_EXEC_REGS_ARM64_H

#include <asm/ptrace.h>
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#define EXEC_ARCH_NAME	"arm64 (64-bit processes)"

#define ARCH_NATIVE	1

/* The generic table's numbers (<asm-generic/unistd.h>), and 32-bit ARM's. */
#define A64_IOCTL	29
#define A64_OPENAT	56
#define A64_MMAP	222
#define A64_SHMGET	194
#define A64_SHMCTL	195
#define A64_SHMAT	196
#define A64_SHMDT	197
#define ARM_SHMAT	305
#define ARM_SHMCTL	308

/* svc #0 */
#define SYSCALL_INSN_LEN 4

typedef struct {
	struct user_pt_regs r;
	int nr;			/* NT_ARM_SYSTEM_CALL */
} exec_regs_t;

static int get_regs(pid_t tid, exec_regs_t *r)
{
	struct iovec gp = { &r->r, sizeof(r->r) }, nr = { &r->nr, sizeof(r->nr) };

	return ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &gp) ||
	       ptrace(PTRACE_GETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &nr) ? -1 : 0;
}

static int set_regs(pid_t tid, const exec_regs_t *r)
{
	struct iovec gp = { (void *)&r->r, sizeof(r->r) }, nr = { (void *)&r->nr, sizeof(r->nr) };

	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &gp) ||
	       ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &nr) ? -1 : 0;
}

static int arch_valid(unsigned long data)
{
	return data == ARCH_NATIVE;
}

static int arch_wide(int arch)
{
	(void)arch;
	return 1;
}

static uint64_t arg(const exec_regs_t *r, int arch, int i)
{
	(void)arch;
	return r->r.regs[i];
}

static void set_arg(exec_regs_t *r, int arch, int i, uint64_t v)
{
	(void)arch;
	r->r.regs[i] = v;
}

static long regs_nr(const exec_regs_t *r)
{
	return r->nr;
}

static long ret_of(const exec_regs_t *r, int arch)
{
	(void)arch;
	return (long)r->r.regs[0];
}

static void set_ret(exec_regs_t *r, int arch, long ret)
{
	(void)arch;
	r->r.regs[0] = (uint64_t)ret;
}

static void regs_skip(exec_regs_t *r)
{
	r->nr = -1;
}

/*
 * Back to svc, to issue the call of @at again: x8 still holds its number
 * (only NT_ARM_SYSTEM_CALL was changed); x0, its first argument, came
 * back as a result.
 */
static void regs_rewind(exec_regs_t *r, const exec_regs_t *at)
{
	r->r.regs[0] = at->r.regs[0];
	r->r.pc -= SYSCALL_INSN_LEN;
}

static void set_call(exec_regs_t *r, int arch, enum exec_call call, const uint64_t *a)
{
	static const int nrs[] = { A64_MMAP, A64_OPENAT, A64_IOCTL };

	r->nr = nrs[call];
	for (int i = 0; i < 6; i++)
		set_arg(r, arch, i, a[i]);
}

/* arm64 has no ipc(2). */
static int is_ipc_mux(int arch, long nr)
{
	(void)arch;
	(void)nr;
	return 0;
}

static int direct_op(int arch, long nr)
{
	(void)arch;
	return nr == A64_SHMGET ? IPCCALL_SHMGET : nr == A64_SHMAT ? IPCCALL_SHMAT :
	       nr == A64_SHMDT ? IPCCALL_SHMDT : IPCCALL_SHMCTL;
}

static int direct_shmctl_is_ipc64(int arch)
{
	(void)arch;
	return 0;
}

static const char *unserved_program(const Elf32_Ehdr *h)
{
	if (h->e_ident[EI_CLASS] == ELFCLASS32 && h->e_machine == EM_ARM)
		return "a 32-bit ARM program, which svshm-exec does not serve yet: its shm calls fail with ENOSYS";
	return NULL;
}

static struct sock_fprog *exec_filter(void)
{
#define LD_NR		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define RET(v)		BPF_STMT(BPF_RET | BPF_K, (v))
#define JEQ(v, t, f)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), (t), (f))
#define JGE(v, t, f)	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (v), (t), (f))
#define JGT(v, t, f)	BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (v), (t), (f))
	static struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ JEQ(AUDIT_ARCH_AARCH64, 2, 0),
		/* 2 */ JEQ(AUDIT_ARCH_ARM, 6, 0),
		/* 3 */ RET(SECCOMP_RET_ALLOW),
		/* 4: arm64: shmget..shmdt */ LD_NR,
		/* 5 */ JGE(A64_SHMGET, 0, 1),
		/* 6 */ JGT(A64_SHMDT, 0, 1),
		/* 7 */ RET(SECCOMP_RET_ALLOW),
		/* 8 */ RET(SECCOMP_RET_TRACE | ARCH_NATIVE),
		/* 9: 32-bit ARM: shmat..shmctl */ LD_NR,
		/* 10 */ JGE(ARM_SHMAT, 0, 1),
		/* 11 */ JGT(ARM_SHMCTL, 0, 1),
		/* 12 */ RET(SECCOMP_RET_ALLOW),
		/* 13 */ RET(SECCOMP_RET_ERRNO | ENOSYS),
	};
	static struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return &prog;
#undef LD_NR
#undef RET
#undef JEQ
#undef JGE
#undef JGT
}

#endif /* SVSHM_EXEC_REGS_ARM64_H */
