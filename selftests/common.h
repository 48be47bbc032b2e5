/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftests share beyond a backend: the page size they assume,
 * the unprivileged user they become, and native's id layout.
 */
#ifndef SVSHM_SELFTEST_COMMON_H
#define SVSHM_SELFTEST_COMMON_H

#define PG		4096UL	/* x86-64's page, which the tests size segments in */
#define NOBODY		65534	/* nobody's uid and nogroup's gid on Debian */
#define IDX_BITS	15	/* native's id: index + (sequence << 15) */

#endif /* SVSHM_SELFTEST_COMMON_H */
