// SPDX-License-Identifier: GPL-2.0
/*
 * Slab sheaves (6.18): per-CPU arrays of objects, through which
 * kfree_rcu() also batches its frees. Before them, kfree_rcu() drained
 * its batches from workqueue items.
 */
#include <linux/slab.h>

unsigned int svshm_probe(void);
unsigned int svshm_probe(void)
{
	struct kmem_cache_args args = { .sheaf_capacity = 32 };

	return args.sheaf_capacity;
}
