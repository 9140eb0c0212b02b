// SPDX-License-Identifier: GPL-2.0
/*
 * The mount namespace: made private so nothing leaks back to the host, a
 * fresh /proc for a new pid namespace, and the identity sockets of the
 * container's domain subset at /var/lib/sss/pipes.  A tmpfs over
 * /var/lib/sss hides the host's own SSSD files; the socket directory's
 * memory cache (SOCKDIR/mc, which pagd fills from that directory's
 * answers) goes read-only at /var/lib/sss/mc, where the stock libnss_sss
 * reads warm lookups without a system call.  Without it (pagd's
 * memcache_timeout = 0), mc/ stays empty and every lookup asks the socket.
 *
 * With KCM (launch_opts.kcm) the socket directory's kcm socket goes over
 * MIT krb5's default KCM socket path, so that the image's own krb5.conf
 * needs no kcm_socket; the mount point is made when missing: an empty file
 * in the host's /run, as the mount namespace shares the host's files.  A
 * krb5.conf is mounted at /etc/krb5.conf only when asked (--krb5-conf).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "launch.h"

#define SSS_DIR "/var/lib/sss"

static int do_mount(const char *src, const char *target, const char *type,
		    unsigned long flags, const char *data)
{
	int r;

	if (mount(src, target, type, flags, data) == 0)
		return 0;
	r = -errno;
	if (flags & MS_PRIVATE)
		launch_err("cannot make the mounts under %s private: %s",
			   target, strerror(-r));
	else if (flags & MS_REMOUNT)
		launch_err("cannot make %s read-only: %s", target,
			   strerror(-r));
	else
		launch_err("cannot mount %s on %s: %s", type ? type : src,
			   target, strerror(-r));
	return r;
}

static int make_dir(const char *path)
{
	int r = mkdir_p(path, 0755);

	if (r < 0)
		launch_err("cannot create %s: %s", path, strerror(-r));
	return r;
}

/*
 * In a user namespace the mount's atime flags are locked: a remount must
 * repeat them, or it is refused.
 */
static unsigned long kept_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = 0;
	struct statvfs sv;

	if (statvfs(path, &sv) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			flags |= map[i].ms;
	return flags;
}

/* SOCKDIR/mc, read-only: a container must not write what others read. */
static int mount_memcache(const char *sockdir)
{
	char mc[PATH_MAX];
	struct stat st;
	int r;

	if (snprintf(mc, sizeof(mc), "%s/mc", sockdir) >= (int)sizeof(mc))
		return 0;
	if (stat(mc, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	r = do_mount(mc, SSS_DIR "/mc", NULL, MS_BIND, NULL);
	if (!r)
		r = do_mount(NULL, SSS_DIR "/mc", NULL,
			     MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
				     MS_NODEV | MS_NOEXEC | kept_flags(mc),
			     NULL);
	return r;
}

static int mount_sockets(const char *sockdir)
{
	int r;

	r = make_dir(SSS_DIR);
	if (!r)
		r = do_mount("tmpfs", SSS_DIR, "tmpfs", MS_NOSUID | MS_NODEV,
			     "mode=0755,size=64k");
	if (!r)
		r = make_dir(SSS_DIR "/pipes");
	if (!r)
		r = make_dir(SSS_DIR "/mc");
	if (!r)
		r = do_mount(sockdir, SSS_DIR "/pipes", NULL, MS_BIND, NULL);
	if (!r)
		r = mount_memcache(sockdir);
	return r;
}

/* A file to mount over at @path, made (empty, mode 0644) when missing. */
static int mount_point_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST) {
		launch_err("cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* A file bind-mounted read-only (and nosuid, nodev, noexec) at @target. */
static int mount_file(const char *src, const char *target)
{
	int r = mount_point_file(target);

	if (!r)
		r = do_mount(src, target, NULL, MS_BIND, NULL);
	if (!r)
		r = do_mount(NULL, target, NULL,
			     MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
				     MS_NODEV | MS_NOEXEC | kept_flags(target),
			     NULL);
	return r;
}

static int mount_kcm(const char *sockdir)
{
	char kcm[PATH_MAX];

	if (snprintf(kcm, sizeof(kcm), "%s/kcm", sockdir) >= (int)sizeof(kcm))
		return -ENAMETOOLONG;
	return mount_file(kcm, LAUNCH_KCM_SOCKET);
}

int launch_mounts(const struct launch_opts *o, const char *sockdir)
{
	int r;

	if (!(o->clone_flags & CLONE_NEWNS))
		return 0;
	r = do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (!r && (o->clone_flags & CLONE_NEWPID))
		r = do_mount("proc", "/proc", "proc",
			     MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (!r && sockdir)
		r = mount_sockets(sockdir);
	if (!r && sockdir && o->kcm)
		r = mount_kcm(sockdir);
	if (!r && o->krb5_conf)
		r = mount_file(o->krb5_conf, "/etc/krb5.conf");
	return r;
}
