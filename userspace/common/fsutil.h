/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Directories for pagd's state, its sockets and pins, and a container's
 * mount points.  Both functions return 0 or a negative errno and log
 * nothing: the caller names the directory in its own message.
 */
#ifndef PAG_COMMON_FSUTIL_H
#define PAG_COMMON_FSUTIL_H

#include <sys/types.h>

/*
 * mkdir_p() - create @path and its missing parents, like `mkdir -p`: the
 * parents get 0755 and @path gets @mode, both less the umask.  A directory
 * that exists is left as it is.
 */
int mkdir_p(const char *path, mode_t mode);

/*
 * mkdir_exact_mode() - mkdir_p(), then set @path's mode to exactly @mode,
 * whatever the umask and whether or not it existed: for directories that
 * others must (or must not) be able to enter.
 */
int mkdir_exact_mode(const char *path, mode_t mode);

#endif /* PAG_COMMON_FSUTIL_H */
