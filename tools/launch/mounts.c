// SPDX-License-Identifier: GPL-2.0
/*
 * The mount namespace: made private so nothing leaks back to the host, a
 * fresh /proc for a new pid namespace, and the identity sockets of the
 * container's domain subset at /var/lib/sss/pipes.  A tmpfs over
 * /var/lib/sss hides the host's memory cache (mc/): finding none, the
 * stock libnss_sss asks the socket, which is pagd's.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

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
	else
		launch_err("cannot mount %s on %s: %s", type ? type : src,
			   target, strerror(-r));
	return r;
}

static int make_dir(const char *path)
{
	int r;

	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	r = -errno;
	launch_err("cannot create %s: %s", path, strerror(-r));
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
	return r;
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
	return r;
}
