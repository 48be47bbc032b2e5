// SPDX-License-Identifier: GPL-2.0
/*
 * The device itself: present, open to all, answers its ABI version,
 * refuses what is not its ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/svshm.h>

#include "kselftest_harness.h"

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
	EXPECT_TRUE(v.features & SVSHM_FEAT_ATTACH_IOCTL);
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

TEST_HARNESS_MAIN
