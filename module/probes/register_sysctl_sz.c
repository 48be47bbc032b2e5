// SPDX-License-Identifier: GPL-2.0
/* A sysctl table is registered with its size and no sentinel entry (6.6; 6.11 refuses one). */
#include <linux/sysctl.h>

struct ctl_table_header *svshm_probe(struct ctl_table *table, size_t size);
struct ctl_table_header *svshm_probe(struct ctl_table *table, size_t size)
{
	return register_sysctl_sz("kernel", table, size);
}
