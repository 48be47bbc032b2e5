// SPDX-License-Identifier: GPL-2.0
/*
 * The tools' device: see device.h. The choice is libsvshm's
 * (svshm_set_device() with --device, else its own default), so that the
 * tool checks the very file its calls will reach. The tool opens it before
 * libsvshm does so that a wrong path fails in one line of the tool's own,
 * naming the path and where it came from, rather than in libsvshm's line
 * followed by the tool's about a call that failed with ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/svshm.h>

#include "device.h"
#include "svshm.h"

int tool_device(const char *prog, const char *opt, const char **path)
{
	struct svshm_version v;
	struct statfs sfs;
	const char *dev, *from;
	struct stat st;
	int fd, err;

	if (opt && svshm_set_device(opt)) {
		*path = opt;
		fprintf(stderr, "%s: %s (--device): %s\n", prog, opt, strerror(errno));
		return -1;
	}
	dev = svshm_device_path();
	if (opt)
		from = " (--device)";
	else if (strcmp(dev, SVSHM_DEVICE_DEFAULT))
		from = " (named by " SVSHM_DEVICE_ENV ")";
	else
		from = "";
	*path = dev;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "%s: cannot open %s%s: %s%s\n", prog, dev, from, strerror(err),
			!*from && err == ENOENT ? " (is svshm.ko loaded? svshm load)" : "");
		return -1;
	}
	/* libsvshm's own test, so that what passes here passes there. */
	if (fstat(fd, &st) || !(S_ISCHR(st.st_mode) ||
				(S_ISREG(st.st_mode) && fstatfs(fd, &sfs) == 0 &&
				 (unsigned int)sfs.f_type == SVSHM_FS_MAGIC))) {
		fprintf(stderr, "%s: %s%s is neither svshm's device nor an svshm filesystem's %s file\n",
			prog, dev, from, SVSHM_FS_DEVICE);
		close(fd);
		return -1;
	}
	/*
	 * Another character device answers ENOTTY, as a module of ABI 1 (another
	 * magic) does. A version other than ours is left to libsvshm's line and
	 * to svshm status, which both say what to do about it.
	 */
	if (ioctl(fd, SVSHM_IOC_VERSION, &v)) {
		fprintf(stderr, "%s: %s%s does not answer svshm's version ioctl: not svshm's device, or a module older than ABI %d\n",
			prog, dev, from, SVSHM_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int tool_use_device(const char *prog, const char *opt, const char **path)
{
	int fd = tool_device(prog, opt, path);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}
