/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calling thread's capabilities as one 64-bit mask, through the raw
 * system calls (no libcap on a minimal guest).
 */
#ifndef SVSHM_SELFTEST_CAPS_H
#define SVSHM_SELFTEST_CAPS_H

#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP(c)	(1ULL << (c))

static inline int caps_get(__u64 *permitted)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*permitted = data[0].permitted | (__u64)data[1].permitted << 32;
	return 0;
}

/* Keep only @caps, effective and permitted. */
static inline int caps_set(__u64 caps)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (__u32)caps;
	data[1].effective = data[1].permitted = caps >> 32;
	return syscall(SYS_capset, &hdr, data);
}

#endif /* SVSHM_SELFTEST_CAPS_H */
