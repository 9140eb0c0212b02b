// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a user's desktop profiles (files.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/deskprofile/files.h"

#define DP_DIR "deskprofile"

/*
 * Opens (making it first) directory @name in @at, then gives it @uid,
 * @gid and @mode if it had others.  Return: the descriptor or -errno.
 */
static int dir_at(int at, const char *name, uid_t uid, gid_t gid, mode_t mode,
		  const char *path)
{
	struct stat st;
	int fd, r;

	if (mkdirat(at, name, mode) < 0 && errno != EEXIST) {
		r = -errno;
		log_errno(LOG_ERR, r, "deskprofile: cannot make %s: %m", path);
		return r;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		log_errno(LOG_ERR, r,
			  "deskprofile: cannot open %s (not a directory?): %m",
			  path);
		return r;
	}
	if (fstat(fd, &st) < 0 ||
	    ((st.st_uid != uid || st.st_gid != gid) &&
	     fchown(fd, uid, gid) < 0) ||
	    ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0)) {
		r = -errno;
		log_errno(LOG_ERR, r,
			  "deskprofile: cannot give %s owner %u:%u and mode "
			  "%04o: %m",
			  path, uid, gid, mode);
		close(fd);
		return r;
	}
	return fd;
}

/* modifyTimestamp (GeneralizedTime, "YYYYMMDDHHMMSSZ") as seconds. */
static int parse_gentime(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return -EINVAL;
	end = strptime(s, "%Y%m%d%H%M%S", &tm);
	if (!end || (*end != 'Z' && *end != '.'))
		return -EINVAL;
	*out = timegm(&tm);
	return 0;
}

/* Whether @name in @dirfd already is @f's profile as last written. */
static bool unchanged(int dirfd, const struct dp_file *f, uid_t uid)
{
	struct stat st;
	time_t t;

	return parse_gentime(f->profile->modified, &t) == 0 &&
	       fstatat(dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode) && st.st_uid == uid &&
	       (st.st_mode & 07777) == 0400 && st.st_mtime == t &&
	       (size_t)st.st_size == strlen(f->profile->data);
}

/* Writes @f as .NAME.tmp and renames it over NAME (as the user). */
static int write_profile(int dirfd, const struct dp_file *f, const char *dir)
{
	const char *data = f->profile->data;
	size_t len = strlen(data), off = 0;
	char tmp[DP_FILE_NAME_MAX + 8];
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT } };
	time_t t;
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", f->name);
	/* what a crash (or the user) left there: never followed */
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += w;
	}
	if (fchmod(fd, 0400) < 0)
		goto fail;
	if (parse_gentime(f->profile->modified, &t) == 0) {
		ts[1] = (struct timespec){ .tv_sec = t };
		if (futimens(fd, ts) < 0)
			goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, f->name) < 0)
		goto fail;
	log_debug("deskprofile: wrote %s/%s (%zu bytes)", dir, f->name, len);
	return 0;
fail:
	r = -errno;
	log_errno(LOG_ERR, r, "deskprofile: cannot write %s/%s: %m", dir,
		  f->name);
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return r;
}

static bool listed(const struct dp_file *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return true;
	return false;
}

/* Removes what is in @dirfd but not in @files. */
static int remove_others(int dirfd, const struct dp_file *files, size_t n,
			 const char *dir)
{
	int fd = dup(dirfd), r = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    listed(files, n, de->d_name))
			continue;
		if (unlinkat(dirfd, de->d_name,
			     de->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0) {
			r = -errno;
			log_errno(LOG_WARNING, r,
				  "deskprofile: cannot remove %s/%s: %m", dir,
				  de->d_name);
			continue;
		}
		log_debug("deskprofile: removed %s/%s: no longer applies", dir,
			  de->d_name);
	}
	closedir(d);
	return r;
}

/* Switches the file-system ids; Return: whether they are now @uid, @gid. */
static bool become(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	setfsuid(uid);
	return (uid_t)setfsuid(-1) == uid && (gid_t)setfsgid(-1) == gid;
}

int dp_write_user_dir(const char *state_dir, const char *domain,
		      const char *user, uid_t uid, gid_t gid,
		      const struct dp_file *files, size_t n, char **dir)
{
	int top = -1, dp = -1, dom = -1, ud = -1, r;
	char *path = NULL;

	if (asprintf(&path, "%s/" DP_DIR "/%s/%s", state_dir, domain, user) < 0)
		return -ENOMEM;
	top = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		r = -errno;
		log_errno(LOG_ERR, r, "deskprofile: cannot open %s: %m",
			  state_dir);
		goto out;
	}
	r = dp = dir_at(top, DP_DIR, 0, 0, 0751, path);
	if (r >= 0)
		r = dom = dir_at(dp, domain, 0, 0, 0751, path);
	if (r >= 0)
		r = ud = dir_at(dom, user, uid, gid, 0700, path);
	if (r < 0)
		goto out;
	log_debug("deskprofile: %s is %u:%u 0700", path, uid, gid);
	if (!become(uid, gid)) {
		r = -EPERM;
		log_error("deskprofile: cannot take fsuid %u and fsgid %u "
			  "to write %s (CAP_SETUID, CAP_SETGID?)",
			  uid, gid, path);
		goto back;
	}
	for (size_t i = 0; i < n; i++) {
		int e;

		if (unchanged(ud, &files[i], uid)) {
			log_debug("deskprofile: %s/%s unchanged "
				  "(modifyTimestamp %s)",
				  path, files[i].name,
				  files[i].profile->modified);
			continue;
		}
		e = write_profile(ud, &files[i], path);
		if (e < 0 && r >= 0)
			r = e;
	}
	remove_others(ud, files, n, path);
back:
	become(geteuid(), getegid());
out:
	if (top >= 0)
		close(top);
	if (dp >= 0)
		close(dp);
	if (dom >= 0)
		close(dom);
	if (ud >= 0)
		close(ud);
	if (r < 0) {
		free(path);
		return r;
	}
	*dir = path;
	return 0;
}
