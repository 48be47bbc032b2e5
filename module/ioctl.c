// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the ioctls of /dev/svshm and of every instance's DIR/svshm: copy
 * the arguments in, check what the ABI fixes, dispatch to the file's
 * instance, copy the results out. See uapi/linux/svshm.h.
 */
#include <linux/fs.h>
#include <linux/uaccess.h>

#include <linux/svshm.h>

#include "compat.h"
#include "internal.h"

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

	if (copy_from_user(&g, argp, sizeof(g)))
		return -EFAULT;
	/* size_t is 64-bit here: every __u64 is a size shmget could be given. */
	return svshm_get(table, g.key, g.size, g.flags);
}

static long svshm_ioctl_ctl(struct svshm_table *table, void __user *argp)
{
	struct svshm_ctl c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	/* Only the buffers differ for a 32-bit caller: see ctl_compat.c. */
	if (svshm_compat_caller())
		return svshm_ctl_compat(table, c.id, c.cmd, u64_to_user_ptr(c.buf));
	return svshm_ctl(table, c.id, c.cmd, u64_to_user_ptr(c.buf));
}

static long svshm_ioctl_attach(struct svshm_table *table, void __user *argp)
{
	struct svshm_attach a;
	unsigned long addr;
	long ret;

	if (copy_from_user(&a, argp, sizeof(a)))
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

/*
 * The address is the argument itself (ABI 2): nothing to copy in. The
 * caller's own TASK_SIZE: a 32-bit task's ends at 4 GiB.
 */
static long svshm_ioctl_detach(unsigned long addr)
{
	if (addr > TASK_SIZE)
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
