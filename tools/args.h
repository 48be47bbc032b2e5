/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line numbers of svshm-ipcs, svshm-ipcrm and svshm-ipcmk, parsed as
 * util-linux parses them (strtos32_or_err): the whole string or nothing,
 * never a prefix and never a default. A tool that guesses removes the
 * wrong segment: atoi("junk") is 0, a valid id.
 */
#ifndef SVSHM_TOOLS_ARGS_H
#define SVSHM_TOOLS_ARGS_H

#include <stdio.h>
#include <sys/types.h>

/* Exit codes, as util-linux's tools. */
#define EXIT_OK		0
#define EXIT_FAIL	1

/*
 * An id: decimal, the whole of @s, within int. Negative ids parse (the
 * kernel refuses them with EINVAL, as it does native's). 0 or -1.
 */
int parse_id(const char *s, int *id);

/*
 * A key: decimal (from INT_MIN to UINT32_MAX: ipcs prints keys unsigned)
 * or 0x hex up to 0xffffffff, the whole of @s. A leading 0 before more
 * digits is refused: ipcrm reads it as octal, a reader as decimal. 0 or -1.
 */
int parse_key(const char *s, key_t *key);

/*
 * A size as ipcmk's -M: decimal bytes, optionally followed by K, M, G, T,
 * P or E (upper or lower case) for powers of 1024 ("iB" may follow: KiB)
 * or by KB, MB, ... for powers of 1000; the whole of @s, no sign, no
 * overflow. 0 or -1.
 */
int parse_size(const char *s, size_t *size);

/* A mode as ipcmk's -p: octal permission bits up to 0777, the whole of @s. */
int parse_mode(const char *s, int *mode);

/*
 * A usage error as util-linux reports it, on stderr: "PROG: WHY: 'ARG'"
 * (without ARG, or without the line when getopt has said it already), then
 * where help is. Returns EXIT_FAIL.
 */
int bad_usage(const char *prog, const char *why, const char *arg);

/* "PROG from svshm VERSION (ABI N)" on stdout, as util-linux's -V. */
void print_version(const char *prog);

/* The options every tool takes, at the end of its struct option table. */
#define TOOL_COMMON_LONGOPTS						\
	{ "help", no_argument, NULL, 'h' },				\
	{ "version", no_argument, NULL, 'V' },				\
	{ "device", required_argument, NULL, 'D' },			\
	{ NULL, 0, NULL, 0 }

/* Their short letters, for the end of a tool's getopt string. */
#define TOOL_COMMON_SHORTOPTS	"hV"

/* tool_common_option()'s answer when the tool goes on parsing. */
#define TOOL_OPT_TAKEN	(-1)

/*
 * The options every tool takes, from the default case of its getopt loop:
 * --device PATH into *@device, --help (@usage on stdout) or --version.
 * Returns TOOL_OPT_TAKEN (go on), or the status to exit with: EXIT_OK
 * after help or version, @bad after bad_usage()'s line for an option that
 * is none of them (getopt has named it).
 */
int tool_common_option(const char *prog, int opt, void (*usage)(FILE *out),
		       const char **device, int bad);

#endif /* SVSHM_TOOLS_ARGS_H */
