/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svshm-exec's x86-64 half: the registers of a stopped thread, the system
 * call numbers, and the seccomp filter, for 64-bit and i386 processes.
 * Included by svshm-exec.c alone, which uses these names on every
 * architecture it serves (exec_regs_arm64.h has the same ones).
 */
#ifndef SVSHM_EXEC_REGS_X86_64_H
#define SVSHM_EXEC_REGS_X86_64_H

#include <elf.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#define EXEC_ARCH_NAME	"x86-64 (64-bit and i386 processes)"

/* The data seccomp returns with RET_TRACE: which table the number is from. */
#define ARCH_NATIVE	1
#define ARCH_I386	2

/* x86-64's numbers, and i386's (the kernel's syscall_32.tbl). */
#define X64_IOCTL	16
#define X64_MMAP	9
#define X64_OPENAT	257
#define X64_SHMGET	29
#define X64_SHMAT	30
#define X64_SHMCTL	31
#define X64_SHMDT	67
#define I386_IOCTL	54
#define I386_MMAP2	192
#define I386_OPENAT	295
#define I386_IPC	117
#define I386_SHMGET	395
#define I386_SHMCTL	396
#define I386_SHMAT	397
#define I386_SHMDT	398

/* Both the syscall and int $0x80 instructions (and sysenter's landing pad). */
#define SYSCALL_INSN_LEN 2

typedef struct user_regs_struct exec_regs_t;

static int get_regs(pid_t tid, exec_regs_t *r)
{
	return ptrace(PTRACE_GETREGS, tid, NULL, r) ? -1 : 0;
}

static int set_regs(pid_t tid, const exec_regs_t *r)
{
	return ptrace(PTRACE_SETREGS, tid, NULL, r) ? -1 : 0;
}

static int arch_valid(unsigned long data)
{
	return data == ARCH_NATIVE || data == ARCH_I386;
}

/* Does @arch pass 64-bit values (else 32-bit ones, zero-extended)? */
static int arch_wide(int arch)
{
	return arch == ARCH_NATIVE;
}

/* Argument @i of the call in @r, as the process's ABI passes it. */
static uint64_t arg(const exec_regs_t *r, int arch, int i)
{
	static const size_t x64[] = {
		offsetof(exec_regs_t, rdi), offsetof(exec_regs_t, rsi), offsetof(exec_regs_t, rdx),
		offsetof(exec_regs_t, r10), offsetof(exec_regs_t, r8), offsetof(exec_regs_t, r9),
	};
	static const size_t i386[] = {
		offsetof(exec_regs_t, rbx), offsetof(exec_regs_t, rcx), offsetof(exec_regs_t, rdx),
		offsetof(exec_regs_t, rsi), offsetof(exec_regs_t, rdi), offsetof(exec_regs_t, rbp),
	};
	uint64_t v;

	memcpy(&v, (const char *)r + (arch == ARCH_NATIVE ? x64 : i386)[i], sizeof(v));
	return arch == ARCH_NATIVE ? v : (uint32_t)v;
}

static void set_arg(exec_regs_t *r, int arch, int i, uint64_t v)
{
	unsigned long long *x64[] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8, &r->r9 };
	unsigned long long *i386[] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp };

	*(arch == ARCH_NATIVE ? x64 : i386)[i] = arch == ARCH_NATIVE ? v : (uint32_t)v;
}

/* The system call's number, as the seccomp stop shows it. */
static long regs_nr(const exec_regs_t *r)
{
	return (long)r->orig_rax;
}

/* The return register as a signed value of the process's width. */
static long ret_of(const exec_regs_t *r, int arch)
{
	return arch == ARCH_NATIVE ? (long)r->rax : (long)(int32_t)r->rax;
}

static void set_ret(exec_regs_t *r, int arch, long ret)
{
	r->rax = arch == ARCH_NATIVE ? (uint64_t)ret : (uint64_t)(int64_t)(int32_t)ret;
}

/* At the seccomp stop: the call is not run (number -1). */
static void regs_skip(exec_regs_t *r)
{
	r->orig_rax = -1;
}

/*
 * Back to the system call instruction, to issue the call of @at (its
 * seccomp stop's registers) again: the number in rax, which the kernel
 * had replaced with -ENOSYS on entry.
 */
static void regs_rewind(exec_regs_t *r, const exec_regs_t *at)
{
	r->rax = at->orig_rax;
	r->rip -= SYSCALL_INSN_LEN;
}

/* Set the call in @r to @call(@a0..@a5) in @arch's numbers. */
static void set_call(exec_regs_t *r, int arch, enum exec_call call, const uint64_t *a)
{
	static const long x64[] = { X64_MMAP, X64_OPENAT, X64_IOCTL };
	static const long i386[] = { I386_MMAP2, I386_OPENAT, I386_IOCTL };

	r->orig_rax = (arch == ARCH_NATIVE ? x64 : i386)[call];
	for (int i = 0; i < 6; i++)
		set_arg(r, arch, i, a[i]);
}

/* Is @nr the ipc(2) multiplexer of @arch? */
static int is_ipc_mux(int arch, long nr)
{
	return arch == ARCH_I386 && nr == I386_IPC;
}

/* The IPCCALL_* of a direct shm call @nr of @arch. */
static int direct_op(int arch, long nr)
{
	if (arch == ARCH_NATIVE)
		return nr == X64_SHMGET ? IPCCALL_SHMGET : nr == X64_SHMAT ? IPCCALL_SHMAT :
		       nr == X64_SHMDT ? IPCCALL_SHMDT : IPCCALL_SHMCTL;
	return nr == I386_SHMGET ? IPCCALL_SHMGET : nr == I386_SHMAT ? IPCCALL_SHMAT :
	       nr == I386_SHMDT ? IPCCALL_SHMDT : IPCCALL_SHMCTL;
}

/*
 * Is @arch's direct shmctl the IPC_64 one, where IPC_64 in the command is
 * an unknown command? i386's is (compat_sys_shmctl); x86-64 has one layout.
 */
static int direct_shmctl_is_ipc64(int arch)
{
	return arch == ARCH_I386;
}

/* A program svshm-exec does not serve, by its ELF header: NULL, or why. */
static const char *unserved_program(const Elf32_Ehdr *h)
{
	if (h->e_ident[EI_CLASS] == ELFCLASS32 && h->e_machine == EM_X86_64)
		return "an x32 program: its shm calls go to the kernel as they are";
	return NULL;
}

/* The filter: RET_TRACE (with the ARCH_*) for the shm calls alone. */
static struct sock_fprog *exec_filter(void)
{
#define LD_NR		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define RET(v)		BPF_STMT(BPF_RET | BPF_K, (v))
#define JEQ(v, t, f)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), (t), (f))
	static struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ JEQ(AUDIT_ARCH_X86_64, 2, 0),
		/* 2 */ JEQ(AUDIT_ARCH_I386, 8, 0),
		/* 3 */ RET(SECCOMP_RET_ALLOW),
		/* 4: x86-64; x32's numbers (bit 30) match none */ LD_NR,
		/* 5 */ JEQ(X64_SHMGET, 4, 0),
		/* 6 */ JEQ(X64_SHMAT, 3, 0),
		/* 7 */ JEQ(X64_SHMCTL, 2, 0),
		/* 8 */ JEQ(X64_SHMDT, 1, 0),
		/* 9 */ RET(SECCOMP_RET_ALLOW),
		/* 10 */ RET(SECCOMP_RET_TRACE | ARCH_NATIVE),
		/* 11: i386 */ LD_NR,
		/* 12 */ JEQ(I386_IPC, 3, 0),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, I386_SHMGET, 0, 1),
		/* 14 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, I386_SHMDT, 0, 7),
		/* 15 */ RET(SECCOMP_RET_ALLOW),
		/* 16: ipc(call, ...): call's low 16 bits */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		/* 17 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
		/* 18 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, IPCCALL_SHMAT, 0, 2),
		/* 19 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, IPCCALL_SHMCTL, 1, 2),
		/* 20 */ RET(SECCOMP_RET_ALLOW),
		/* 21 */ RET(SECCOMP_RET_ALLOW),
		/* 22 */ RET(SECCOMP_RET_TRACE | ARCH_I386),
	};
	static struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return &prog;
#undef LD_NR
#undef RET
#undef JEQ
}

#endif /* SVSHM_EXEC_REGS_X86_64_H */
