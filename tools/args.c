// SPDX-License-Identifier: GPL-2.0
/*
 * Strict number parsing for the tools: see args.h.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/svshm.h>

#include "args.h"

/* strtoll/strtoull accept what we do not: leading blanks, a sign on hex. */
static int plain_start(const char *s)
{
	return (*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9');
}

int parse_id(const char *s, int *id)
{
	char *end;
	long long v;

	if (!plain_start(s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return -1;
	*id = (int)v;
	return 0;
}

int parse_key(const char *s, key_t *key)
{
	unsigned long long u;
	long long v;
	char *end;

	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		if (!((s[2] >= '0' && s[2] <= '9') || (s[2] >= 'a' && s[2] <= 'f') ||
		      (s[2] >= 'A' && s[2] <= 'F')))
			return -1;
		errno = 0;
		u = strtoull(s + 2, &end, 16);
		if (errno || *end || u > UINT32_MAX)
			return -1;
		*key = (key_t)(uint32_t)u;
		return 0;
	}
	if (!plain_start(s) || (s[0] == '0' && s[1]) || (s[0] == '-' && s[1] == '0'))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < INT_MIN || v > UINT32_MAX)
		return -1;
	*key = (key_t)(uint32_t)(int64_t)v;
	return 0;
}

int parse_size(const char *s, size_t *size)
{
	static const char units[] = "KMGTPE";
	unsigned long long v, unit = 1, base = 1024;
	const char *u;
	char *end;
	int power;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -1;
		power = (int)(u - units) + 1;
		end++;
		if (!strcmp(end, "B"))
			base = 1000;
		else if (*end && strcmp(end, "iB"))
			return -1;
		while (power--)
			unit *= base;
	}
	if (v > SIZE_MAX / unit)
		return -1;
	*size = (size_t)(v * unit);
	return 0;
}

int parse_mode(const char *s, int *mode)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '7')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || v > 0777)
		return -1;
	*mode = (int)v;
	return 0;
}

int bad_usage(const char *prog, const char *why, const char *arg)
{
	if (why && arg)
		fprintf(stderr, "%s: %s: '%s'\n", prog, why, arg);
	else if (why)
		fprintf(stderr, "%s: %s\n", prog, why);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	return EXIT_FAIL;
}

void print_version(const char *prog)
{
	printf("%s from svshm %s (ABI %d)\n", prog, SVSHM_VERSION, SVSHM_ABI_VERSION);
}

int tool_common_option(const char *prog, int opt, void (*usage)(FILE *out),
		       const char **device, int bad)
{
	switch (opt) {
	case 'D':
		*device = optarg;
		return TOOL_OPT_TAKEN;
	case 'h':
		usage(stdout);
		return EXIT_OK;
	case 'V':
		print_version(prog);
		return EXIT_OK;
	default:
		bad_usage(prog, NULL, NULL);
		return bad;
	}
}
