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
 * The device is /dev/svshm, or the file named by the environment variable
 * SVSHM_DEVICE (an svshm filesystem's DIR/svshm: another instance), read
 * once per process with secure_getenv().
 */
#ifndef SVSHM_LIB_H
#define SVSHM_LIB_H

#include <sys/shm.h>

#ifdef __cplusplus
extern "C" {
#endif

int svshm_shmget(key_t key, size_t size, int shmflg);
void *svshm_shmat(int shmid, const void *shmaddr, int shmflg);
int svshm_shmdt(const void *shmaddr);
int svshm_shmctl(int shmid, int cmd, struct shmid_ds *buf);

#ifdef __cplusplus
}
#endif

#endif /* SVSHM_LIB_H */
