// SPDX-License-Identifier: GPL-2.0
/*
 * The record of a container's PAG: OCI_RECORD_DIR/ID holds
 * "pag=ID created_ns=NS", the PAG's incarnation, so that exec enters that
 * PAG and no later one that got its id, and "ccache=NAME" when pagd keeps
 * credentials in it: an engine builds an exec's environment from its own
 * configuration, which knows nothing of the KRB5CCNAME create added.  The
 * directory is root's alone (0700): a record decides which PAG a process joins.
 * A record is written to a temporary file and renamed over the old one, so a
 * reader sees the old record or the new, never a part; /run is a tmpfs, so
 * records end with the boot, as PAGs do.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci-runtime.h"

static int path_of(const char *id, char *buf, size_t size)
{
	if (snprintf(buf, size, OCI_RECORD_DIR "/%s", id) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* Makes OCI_RECORD_DIR root's own, whatever mode it was left with. */
static int make_dir(void)
{
	struct stat st;
	int r;

	if (mkdir("/run/pag", 0755) < 0 && errno != EEXIST)
		goto fail;
	if (mkdir(OCI_RECORD_DIR, 0700) < 0 && errno != EEXIST)
		goto fail;
	if (lstat(OCI_RECORD_DIR, &st) < 0)
		goto fail;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0) {
		launch_err("%s is not a directory of root's", OCI_RECORD_DIR);
		return -EPERM;
	}
	if ((st.st_mode & 07777) != 0700 && chmod(OCI_RECORD_DIR, 0700) < 0)
		goto fail;
	return 0;
fail:
	r = -errno;
	launch_err("cannot make %s: %s", OCI_RECORD_DIR, strerror(-r));
	return r;
}

int oci_record_write(const char *id, const struct oci_record *rec)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, r;

	r = make_dir();
	if (r < 0)
		return r;
	if (path_of(id, path, sizeof(path)) < 0 ||
	    snprintf(tmp, sizeof(tmp), OCI_RECORD_DIR "/.%s.XXXXXX", id) >=
		    (int)sizeof(tmp)) {
		launch_err("container id too long: %s", id);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	if (dprintf(fd, "pag=%" PRId32 " created_ns=%" PRIu64 "\n", rec->pag,
		    rec->created_ns) < 0 ||
	    (*rec->ccache && dprintf(fd, "ccache=%s\n", rec->ccache) < 0) ||
	    fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (!r)
		return 0;
	unlink(tmp);
fail:
	launch_err("cannot record the PAG of container %s in %s: %s", id,
		   OCI_RECORD_DIR, strerror(-r));
	return r;
}

int oci_record_read(const char *id, struct oci_record *rec)
{
	char path[PATH_MAX], line[sizeof(rec->ccache) + 16];
	int r = path_of(id, path, sizeof(path));
	FILE *f;

	*rec = (struct oci_record){};
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		if (r == -ENOENT)
			launch_err(
				"no PAG is recorded for container %s: it was "
				"not created through this runtime",
				id);
		else
			launch_err("cannot read %s: %s", path, strerror(-r));
		return r;
	}
	if (fscanf(f, "pag=%" SCNd32 " created_ns=%" SCNu64 "\n", &rec->pag,
		   &rec->created_ns) != 2 ||
	    rec->pag <= 0 || !rec->created_ns) {
		launch_err("%s: not a PAG record", path);
		r = -EBADMSG;
	}
	if (!r && fgets(line, sizeof(line), f) &&
	    !strncmp(line, "ccache=", 7)) {
		size_t n = strcspn(line + 7, "\n");

		if (n < sizeof(rec->ccache)) {
			memcpy(rec->ccache, line + 7, n);
			rec->ccache[n] = '\0';
		}
	}
	fclose(f);
	return r;
}

int oci_record_remove(const char *id)
{
	char path[PATH_MAX];
	int r = path_of(id, path, sizeof(path));

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT) {
		r = -errno;
		launch_err("cannot remove %s: %s", path, strerror(-r));
		return r;
	}
	return 0;
}
