// SPDX-License-Identifier: GPL-2.0
/*
 * insns: the guest half of scripts/insns.sh. Makes one native segment and
 * one svshm segment, both keyed, writes "ready" to the file named by its
 * argument, then calls each control path of both in a loop, slowly, until
 * killed: the host's gdb, on QEMU's stub, catches one call of each at its
 * system call and counts the instructions it executes until it is back in
 * user space (scripts/insns.py). Raw system calls and ioctls, no library:
 * only the kernel's part is counted, and each call is told apart by its
 * arguments (see scripts/insns.py for what it matches).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/svshm.h>

#define KEY	0x5be4c0de
#define SIZE	4096

int main(int argc, char **argv)
{
	struct svshm_get get = { .key = KEY, .flags = IPC_CREAT | 0600, .size = SIZE };
	struct svshm_get create = { .key = IPC_PRIVATE, .flags = IPC_CREAT | 0600, .size = SIZE };
	struct svshm_version version;
	struct svshm_ctl ctl;
	struct shmid_ds ds;
	int fd, nid, sid;
	FILE *ready;

	if (argc != 2)
		return 2;
	fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	nid = shmget(KEY, SIZE, IPC_CREAT | 0600);
	sid = fd < 0 ? -1 : ioctl(fd, SVSHM_IOC_GET, &get);
	if (nid < 0 || sid < 0) {
		perror("insns: the segments");
		return 1;
	}
	get.flags = 0600;
	ready = fopen(argv[1], "w");
	if (!ready || fputs("ready\n", ready) < 0 || fclose(ready))
		return 1;
	for (;;) {
		int n = shmget(IPC_PRIVATE, SIZE, IPC_CREAT | 0600);
		int s = ioctl(fd, SVSHM_IOC_GET, &create);
		struct svshm_attach at = { .id = s };
		void *p = shmat(n, NULL, 0);

		syscall(SYS_getppid);
		ioctl(fd, SVSHM_IOC_VERSION, &version);
		shmctl(nid, IPC_STAT, &ds);
		ctl = (struct svshm_ctl){ .id = sid, .cmd = IPC_STAT, .buf = (uintptr_t)&ds };
		ioctl(fd, SVSHM_IOC_CTL, &ctl);
		shmget(KEY, SIZE, 0600);
		ioctl(fd, SVSHM_IOC_GET, &get);
		shmdt(p);
		ioctl(fd, SVSHM_IOC_ATTACH, &at);
		ioctl(fd, SVSHM_IOC_DETACH, (unsigned long)at.addr);
		shmctl(n, IPC_RMID, NULL);
		ctl = (struct svshm_ctl){ .id = s, .cmd = IPC_RMID };
		ioctl(fd, SVSHM_IOC_CTL, &ctl);
		usleep(1000);
	}
}
