// SPDX-License-Identifier: GPL-2.0
/*
 * The device itself: present, open to all, answers its ABI version,
 * refuses what is not its ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/svshm.h>

#include "kselftest_harness.h"

#include "common.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/svshm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/svshm: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST(node_is_a_char_device_open_to_all)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/svshm", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 07777);
}

TEST_F(dev, version)
{
	struct svshm_version v = { 0 };

	ASSERT_EQ(0, ioctl(self->fd, SVSHM_IOC_VERSION, &v));
	EXPECT_EQ(SVSHM_ABI_VERSION, v.abi_version);
	EXPECT_EQ(2, v.abi_version);
	EXPECT_TRUE(v.features & SVSHM_FEAT_ATTACH_IOCTL);
}

/*
 * ABI 2's numbers are fixed: a library built against this header must
 * meet them in any module of version 2. The magic is 0xE6, free in the
 * kernel's ioctl list; 0xE5 is FUSE's and ABI 1's, and answers ENOTTY.
 */
TEST_F(dev, abi2_numbers)
{
	struct svshm_version v;

	EXPECT_EQ(0xE6, SVSHM_IOC_MAGIC);
	EXPECT_EQ(0x8008e600UL, (unsigned long)SVSHM_IOC_VERSION);
	EXPECT_EQ(0x4010e601UL, (unsigned long)SVSHM_IOC_GET);
	EXPECT_EQ(0x4010e602UL, (unsigned long)SVSHM_IOC_CTL);
	EXPECT_EQ(0xc010e603UL, (unsigned long)SVSHM_IOC_ATTACH);
	EXPECT_EQ(0x0000e604UL, (unsigned long)SVSHM_IOC_DETACH);
	/* ABI 1's VERSION and DETACH: gone. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(0xE5, 0x00, struct svshm_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(0xE5, 0x04, __u64), &(__u64){ 0 }));
	EXPECT_EQ(ENOTTY, errno);
}

/* SVSHM_IOC_DETACH takes the address itself, not a pointer to it. */
TEST_F(dev, detach_by_value)
{
	struct svshm_get g = { .key = IPC_PRIVATE, .flags = 0600, .size = 8192 };
	struct svshm_attach a = { 0 };
	struct shmid_ds ds;
	struct svshm_ctl c = { .cmd = IPC_STAT | CTL_IPC_64, .buf = (uintptr_t)&ds };

	c.id = a.id = ioctl(self->fd, SVSHM_IOC_GET, &g);
	ASSERT_LE(0, a.id);
	ASSERT_EQ(0, ioctl(self->fd, SVSHM_IOC_ATTACH, &a));
	/* A pointer to the address is just another address: nothing starts there. */
	EXPECT_EQ(-1, ioctl(self->fd, SVSHM_IOC_DETACH, &a.addr));
	EXPECT_EQ(EINVAL, errno);
	/* Unaligned, and beyond user space: EINVAL, never EFAULT. */
	EXPECT_EQ(-1, ioctl(self->fd, SVSHM_IOC_DETACH, (unsigned long)a.addr + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SVSHM_IOC_DETACH, 0xffffffff81000000UL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->fd, SVSHM_IOC_CTL, &c));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(0, ioctl(self->fd, SVSHM_IOC_DETACH, (unsigned long)a.addr));
	ASSERT_EQ(0, ioctl(self->fd, SVSHM_IOC_CTL, &c));
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(-1, ioctl(self->fd, SVSHM_IOC_DETACH, (unsigned long)a.addr));
	EXPECT_EQ(EINVAL, errno);
	c.cmd = IPC_RMID;
	c.buf = 0;
	EXPECT_EQ(0, ioctl(self->fd, SVSHM_IOC_CTL, &c));
}

TEST_F(dev, version_bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd, SVSHM_IOC_VERSION, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, unknown_ioctls_get_enotty)
{
	struct svshm_version v;

	/* Same magic, next number; another magic; a wrong size; plain 0. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(SVSHM_IOC_MAGIC, 0x7f, struct svshm_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR('x', 0x00, struct svshm_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(SVSHM_IOC_MAGIC, 0x00, __u32), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, 0, &v));
	EXPECT_EQ(ENOTTY, errno);
}

TEST(read_only_open_still_answers)
{
	struct svshm_version v = { 0 };
	int fd = open("/dev/svshm", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, SVSHM_IOC_VERSION, &v));
	EXPECT_EQ(SVSHM_ABI_VERSION, v.abi_version);
	close(fd);
}

/* An attachment is a mapping of the segment, not of the device: its rights decide. */
TEST(read_only_open_attaches_read_write)
{
	struct svshm_get g = { .key = IPC_PRIVATE, .size = 4096, .flags = IPC_CREAT | 0600 };
	struct svshm_attach a = { 0 };
	int fd = open("/dev/svshm", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	a.id = ioctl(fd, SVSHM_IOC_GET, &g);
	ASSERT_LE(0, a.id);
	EXPECT_EQ(0, ioctl(fd, SVSHM_IOC_ATTACH, &a));
	if (a.addr) {
		*(volatile char *)(uintptr_t)a.addr = 1;
		EXPECT_EQ(0, ioctl(fd, SVSHM_IOC_DETACH, (unsigned long)a.addr));
	}
	EXPECT_EQ(0, ioctl(fd, SVSHM_IOC_CTL,
			   &(struct svshm_ctl){ .id = a.id, .cmd = IPC_RMID }));
	close(fd);
}

TEST_HARNESS_MAIN
