/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device a tool works on: --device PATH, else $SVSHM_DEVICE, else
 * /dev/svshm: libsvshm's choice, the option given to it with
 * svshm_set_device().
 */
#ifndef SVSHM_TOOLS_DEVICE_H
#define SVSHM_TOOLS_DEVICE_H

/*
 * Open the device for @prog: @opt (--device, or NULL), else $SVSHM_DEVICE,
 * else /dev/svshm; read-write and close-on-exec, as libsvshm opens it.
 * If the file cannot be opened, is neither a character device nor an
 * svshm filesystem's svshm file, or does not answer SVSHM_IOC_VERSION, one
 * line on stderr names it and says where the name came from. Returns the descriptor (the caller closes it)
 * and the path in *@path, or -1 after that line.
 */
int tool_device(const char *prog, const char *opt, const char **path);

/*
 * The same choice and checks for a tool that makes its calls through
 * libsvshm alone: the descriptor is closed again. Returns 0, or -1 after
 * tool_device()'s line.
 */
int tool_use_device(const char *prog, const char *opt, const char **path);

#endif /* SVSHM_TOOLS_DEVICE_H */
