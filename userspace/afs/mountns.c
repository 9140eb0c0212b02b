// SPDX-License-Identifier: GPL-2.0
/*
 * kafs looks a token up in the network namespace of the mount a file is
 * reached through (fixed when it was mounted), not in that of the process
 * touching the file, and each network namespace has its own kafs cells
 * (/proc/net/afs/cells).  So a token made in a network namespace whose
 * kafs does not know a cell can serve no mount of that cell, while a mount
 * of the cell the caller sees proves that the cell is known in the mount's
 * namespace: that mount comes from another network namespace, and a token
 * made here is one it will never find.
 *
 * A mount serves a cell when its source names it ("#CELL:volume",
 * "%CELL:volume") or when it is a dynamic root (super option "dyn") with
 * an entry for the cell; looking that entry up makes the mount's kafs
 * learn the cell, as any access through it would.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mountns.h"

/* Undo the octal escapes (\040 and friends) of a mountinfo field, in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* Does the kafs of the caller's network namespace know @cell? */
static int cell_known_here(const char *cell)
{
	char line[512], *name;
	FILE *f = fopen("/proc/net/afs/cells", "re");
	bool known = false;

	if (!f)
		return -errno;
	while (!known && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		name = strrchr(line, ' ');
		name = name ? name + 1 : line;
		known = !strcasecmp(name, cell);
	}
	fclose(f);
	return known;
}

/* Does the afs mount at @mnt, from @source with @opts, serve @cell? */
static bool mount_serves(const char *mnt, const char *source, const char *opts,
			 const char *cell)
{
	size_t n = strlen(cell);
	char path[4096];
	struct stat st;

	if ((source[0] == '#' || source[0] == '%') &&
	    !strncasecmp(source + 1, cell, n) && source[n + 1] == ':')
		return true;
	if (strcmp(opts, "dyn") && !strstr(opts, ",dyn") &&
	    strncmp(opts, "dyn,", 4))
		return false;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", mnt, cell) >=
	    sizeof(path))
		return false;
	return !lstat(path, &st);
}

/**
 * afs_cell_mount_elsewhere() - is @cell mounted from another network namespace?
 * @cell: the cell a token is about to be made for
 * @mount: receives the mount point of such a mount
 * @mlen: size of @mount
 *
 * Return: 1 when the caller sees a kafs mount serving @cell while the
 * caller's own network namespace's kafs does not know @cell (a token made
 * here would not be found through that mount); 0 when not, or when kafs is
 * not loaded (there is nothing to compare); a negative errno when the
 * caller's mounts cannot be read.
 */
int afs_cell_mount_elsewhere(const char *cell, char *mount, size_t mlen)
{
	char *line = NULL, *sep, *f[10], *save, *tok;
	size_t cap = 0;
	int known, ret = 0, i;
	FILE *mi;

	known = cell_known_here(cell);
	if (known < 0)
		return 0;
	if (known)
		return 0;
	mi = fopen("/proc/self/mountinfo", "re");
	if (!mi)
		return -errno;
	while (!ret && getline(&line, &cap, mi) > 0) {
		line[strcspn(line, "\n")] = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		/* Before " - ": id parent dev root mountpoint options [tags].
		 */
		tok = strtok_r(line, " ", &save);
		for (i = 0; tok && i < 5; i++, tok = strtok_r(NULL, " ", &save))
			f[i] = tok;
		if (i < 5)
			continue;
		/* After it: fstype source superoptions. */
		tok = strtok_r(sep + 3, " ", &save);
		for (i = 5; tok && i < 8; i++, tok = strtok_r(NULL, " ", &save))
			f[i] = tok;
		if (i < 8 || strcmp(f[5], "afs"))
			continue;
		unescape(f[4]);
		unescape(f[6]);
		if (mount_serves(f[4], f[6], f[7], cell)) {
			snprintf(mount, mlen, "%s", f[4]);
			ret = 1;
		}
	}
	free(line);
	fclose(mi);
	/* A dynamic root's lookup may just have taught the mount's kafs. */
	if (ret == 1 && cell_known_here(cell) == 1)
		ret = 0;
	return ret;
}
