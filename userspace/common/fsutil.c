// SPDX-License-Identifier: GPL-2.0
/*
 * Creating directories, the one way every program of pag does it
 * (fsutil.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"

static int mkdir_one(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	/* EEXIST also means a file or a dangling symlink is in the way */
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *copy, *p;
	int r;

	/* the common case: the parents exist */
	r = mkdir_one(path, mode);
	if (r != -ENOENT)
		return r;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	r = 0;
	for (p = copy + 1; *p && r == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_one(copy, 0755);
		*p = '/';
	}
	free(copy);
	return r < 0 ? r : mkdir_one(path, mode);
}

int mkdir_exact_mode(const char *path, mode_t mode)
{
	int r = mkdir_p(path, mode);

	/* mkdir() honours the umask, and an old directory keeps its mode */
	if (r == 0 && chmod(path, mode) < 0)
		r = -errno;
	return r;
}
