// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: native's kernel.shmmax, shmall, shmmni, shm_rmid_forced and
 * shm_next_id (/proc/sys/kernel/shm*, sysctl(8)) for the initial instance,
 * built only where the kernel has no SysV IPC and so no such names: a
 * kernel that has them keeps them for its own segments, and svshm's are
 * its module parameters alone (main.c).
 *
 * Each sysctl is the module parameter of the same name, one variable in
 * svshm_init_table: either file reads what the other wrote, and shmget
 * enforces it from the next call on. Ranges and errors are native's
 * (ipc/ipc_sysctl.c): shmmni 0 to IPCMNI, shm_rmid_forced 0 or 1,
 * shm_next_id 0 to INT_MAX (-1 is only read, when none is set), EINVAL
 * otherwise. Native's shm_next_id is writable with CAP_CHECKPOINT_RESTORE
 * whatever the uid, ours by root (a module cannot have the kernel's own
 * permission hook) that has that capability or CAP_SYS_ADMIN.
 *
 * The table is unregistered before the module goes; unregistering waits
 * for the handlers under way.
 */
#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/sysctl.h>

#include "compat.h"
#include "internal.h"

/* kernel.shmmni's ceiling, native's ipc_mni. */
static int svshm_sysctl_mni = SVSHM_IDX_MAX;

/* Turned on, the orphans go, as native's proc_ipc_dointvec_minmax_orphans(). */
static int svshm_sysctl_rmid_forced(SVSHM_CTL_CONST struct ctl_table *table,
				    int write, void *buffer, size_t *lenp,
				    loff_t *ppos)
{
	int on = READ_ONCE(svshm_init_table.limits.rmid_forced);
	struct ctl_table t = *table;
	int ret;

	t.data = &on;
	ret = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	return svshm_init_set_rmid_forced(on);
}

static int svshm_sysctl_next_id(SVSHM_CTL_CONST struct ctl_table *table,
				int write, void *buffer, size_t *lenp,
				loff_t *ppos)
{
	if (write && !checkpoint_restore_ns_capable(&init_user_ns))
		return -EPERM;
	return proc_dointvec_minmax(table, write, buffer, lenp, ppos);
}

/* Native's entries, in native's order; an empty one ends it (compat.h). */
static struct ctl_table svshm_sysctls[] = {
	{
		.procname	= "shmmax",
		.data		= &svshm_init_table.limits.shmmax,
		.maxlen		= sizeof(svshm_init_table.limits.shmmax),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "shmall",
		.data		= &svshm_init_table.limits.shmall,
		.maxlen		= sizeof(svshm_init_table.limits.shmall),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "shmmni",
		.data		= &svshm_init_table.limits.shmmni,
		.maxlen		= sizeof(svshm_init_table.limits.shmmni),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &svshm_sysctl_mni,
	},
	{
		.procname	= "shm_rmid_forced",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= svshm_sysctl_rmid_forced,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "shm_next_id",
		.data		= &svshm_init_table.next_id,
		.maxlen		= sizeof(svshm_init_table.next_id),
		.mode		= 0644,
		.proc_handler	= svshm_sysctl_next_id,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{ }
};

static struct ctl_table_header *svshm_sysctl_header;

int svshm_sysctl_init(void)
{
	if (!IS_ENABLED(CONFIG_SYSCTL))
		return 0;
	svshm_sysctl_header = svshm_register_sysctl("kernel", svshm_sysctls,
						    ARRAY_SIZE(svshm_sysctls) - 1);
	return svshm_sysctl_header ? 0 : -ENOMEM;
}

void svshm_sysctl_exit(void)
{
	unregister_sysctl_table(svshm_sysctl_header);
}
