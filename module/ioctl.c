// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the ioctls of /dev/svshm and of every instance's DIR/svshm: copy
 * the arguments in, check what the ABI fixes, dispatch to the file's
 * instance, copy the results out. See uapi/linux/svshm.h.
 */
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <linux/svshm.h>

#include "internal.h"

/*
 * Every argument structure is 16 bytes: two 8-byte loads in one
 * user-access section read it for less than copy_from_user(), which on
 * x86 takes a string copy (rep movs): slow to start without FSRM, and
 * under emulation a byte at a time (ctl.c's svshm_stat_put() avoids it on
 * the way out too). The loads need no alignment on x86-64, the only
 * architecture served. Inlined: it is most of what an ioctl does before
 * the call it dispatches to.
 */
static __always_inline int svshm_get_arg(void *arg, const void __user *argp)
{
	const u64 __user *src = argp;
	u64 w[2];

	if (!user_read_access_begin(src, sizeof(w)))
		return -EFAULT;
	unsafe_get_user(w[0], &src[0], efault);
	unsafe_get_user(w[1], &src[1], efault);
	user_read_access_end();
	memcpy(arg, w, sizeof(w));
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

static_assert(sizeof(struct svshm_get) == 2 * sizeof(u64));
static_assert(sizeof(struct svshm_ctl) == 2 * sizeof(u64));
static_assert(sizeof(struct svshm_attach) == 2 * sizeof(u64));

static long svshm_ioctl_version(void __user *argp)
{
	struct svshm_version v = {
		.abi_version = SVSHM_ABI_VERSION,
		.features = SVSHM_FEAT_ATTACH_IOCTL | SVSHM_FEAT_INSTANCES,
	};

	return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;
}

static long svshm_ioctl_get(struct svshm_table *table, void __user *argp)
{
	struct svshm_get g;

	if (svshm_get_arg(&g, argp))
		return -EFAULT;
	/* size_t is 64-bit here: every __u64 is a size shmget could be given. */
	return svshm_get(table, g.key, g.size, g.flags);
}

static long svshm_ioctl_ctl(struct svshm_table *table, void __user *argp)
{
	struct svshm_ctl c;

	if (svshm_get_arg(&c, argp))
		return -EFAULT;
	return svshm_ctl(table, c.id, c.cmd, u64_to_user_ptr(c.buf));
}

static long svshm_ioctl_attach(struct svshm_table *table, void __user *argp)
{
	struct svshm_attach a;
	unsigned long addr;
	long ret;

	if (svshm_get_arg(&a, argp))
		return -EFAULT;
	/* Beyond user space, vm_mmap() says ENOMEM, after the id checks, as native. */
	addr = a.addr;
	ret = svshm_attach(table, a.id, a.flags, &addr);
	if (ret)
		return ret;
	a.addr = addr;
	if (put_user(a.addr, &((struct svshm_attach __user *)argp)->addr)) {
		/* Nobody learns the address: do not leave the mapping behind. */
		svshm_detach(addr);
		return -EFAULT;
	}
	return 0;
}

/* The address is the argument itself (ABI 2): nothing to copy in. */
static long svshm_ioctl_detach(unsigned long addr)
{
	if (addr > TASK_SIZE_MAX)
		return -EINVAL;
	return svshm_detach(addr);
}

long svshm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct svshm_table *table = svshm_file_table(filp);
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case SVSHM_IOC_VERSION:
		return svshm_ioctl_version(argp);
	case SVSHM_IOC_GET:
		return svshm_ioctl_get(table, argp);
	case SVSHM_IOC_CTL:
		return svshm_ioctl_ctl(table, argp);
	case SVSHM_IOC_ATTACH:
		return svshm_ioctl_attach(table, argp);
	case SVSHM_IOC_DETACH:
		return svshm_ioctl_detach(arg);
	default:
		return -ENOTTY;
	}
}
