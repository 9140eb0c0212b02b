/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user's desktop-profile directory, STATE_DIR/deskprofile/DOMAIN/USER,
 * with the owners and modes of SSSD's:
 *   deskprofile/       root:root 0751
 *   DOMAIN/            root:root 0751
 *   USER/              the user and the user's group, 0700
 *   each profile       the same owner, 0400
 * Everything below deskprofile/ is reached with openat() and O_NOFOLLOW
 * from directory descriptors, and the user's directory is written with
 * the user's fsuid and fsgid: a symlink the user planted there is
 * replaced, never followed, and pagd's privilege never reaches through it.
 */
#ifndef PAGD_DESKPROFILE_FILES_H
#define PAGD_DESKPROFILE_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "pagd/deskprofile/rules.h"

/*
 * dp_write_user_dir() - make USER's directory hold exactly @files.
 * A file whose profile's modifyTimestamp is that of the file (its mtime)
 * is left alone; others are written whole and renamed into place; entries
 * not in @files are removed.  @dir (malloc'ed) gets the directory's path.
 * Return: 0, or a negative errno after an error message naming the path.
 */
int dp_write_user_dir(const char *state_dir, const char *domain,
		      const char *user, uid_t uid, gid_t gid,
		      const struct dp_file *files, size_t n, char **dir);

#endif /* PAGD_DESKPROFILE_FILES_H */
