/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsvshm: the shm* API of <sys/shm.h>, served by /dev/svshm.
 *
 * Each function has the prototype, the return values and the errno of its
 * glibc namesake. The device is opened on first use, close-on-exec, and
 * its module must speak this library's ABI version; if it cannot be opened,
 * or its version differs, the calls fail with ENOSYS and one line on stderr
 * says why and what to do (once per process). A program may close the
 * library's descriptor or reuse its number (closefrom(3), dup2(2)): the
 * library notices, opens the device again, and never touches that number.
 * The device is the one the program names with svshm_set_device(), else
 * the file named by the environment variable SVSHM_DEVICE (an svshm
 * filesystem's DIR/svshm: another instance), read with secure_getenv(),
 * else /dev/svshm: chosen once per process, at its first call.
 * A 32-bit program built with 64-bit times (_TIME_BITS=64) passes its own
 * struct shmid_ds to svshm_shmctl(): on the ABIs glibc has it for, that
 * layout is the one the library asks the module for (lib/preload.c, which
 * also answers glibc's __shmctl64 for such programs).
 */
#ifndef SVSHM_LIB_H
#define SVSHM_LIB_H

#include <sys/shm.h>

#define SVSHM_DEVICE_DEFAULT	"/dev/svshm"
#define SVSHM_DEVICE_ENV	"SVSHM_DEVICE"

#ifdef __cplusplus
extern "C" {
#endif

int svshm_shmget(key_t key, size_t size, int shmflg);
void *svshm_shmat(int shmid, const void *shmaddr, int shmflg);
int svshm_shmdt(const void *shmaddr);
int svshm_shmctl(int shmid, int cmd, struct shmid_ds *buf);

/*
 * Name the device before the process's first call (a tool's --device):
 * 0, or -1 with errno EBUSY (another is already chosen: a call, or an
 * earlier svshm_set_device(), made the choice), EINVAL (no path) or ENOMEM.
 */
int svshm_set_device(const char *path);

/* The device the calls go to, chosen now if no call has chosen it yet. */
const char *svshm_device_path(void);

#ifdef __cplusplus
}
#endif

#endif /* SVSHM_LIB_H */
