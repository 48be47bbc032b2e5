// SPDX-License-Identifier: GPL-2.0
/* A sysctl's proc_handler takes its table const (6.11). */
#include <linux/sysctl.h>

int svshm_probe(const struct ctl_table *table, int write, void *buffer,
		size_t *lenp, loff_t *ppos);
int svshm_probe(const struct ctl_table *table, int write, void *buffer,
		size_t *lenp, loff_t *ppos)
{
	return proc_dointvec_minmax(table, write, buffer, lenp, ppos);
}
