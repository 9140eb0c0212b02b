// SPDX-License-Identifier: GPL-2.0
/*
 * The user namespace.  Its id maps are written from the parent namespace
 * by a helper forked beforehand: a process inside the new namespace has no
 * capability over the parent and could map only its own id.  The helper
 * runs with the caller's credentials, so an unprivileged caller can still
 * map root to itself, and root can map any range.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

/* The helper: waits for the parent to unshare, writes its maps, exits. */
static int write_maps(const struct launch_opts *o, pid_t pid, int rfd)
{
	char uid_map[64], gid_map[64];
	char c;
	int r;

	if (read(rfd, &c, 1) != 1)
		return 1; /* the parent failed and said so */
	if (o->map_count) {
		snprintf(uid_map, sizeof(uid_map), "%u %u %u\n", o->map_inside,
			 o->map_outside, o->map_count);
		snprintf(gid_map, sizeof(gid_map), "%s", uid_map);
	} else {
		snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", getuid());
		snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", getgid());
		/* Required before an unprivileged gid_map; harmless as root. */
		r = write_file(pid, "setgroups", "deny");
		if (r < 0 && r != -ENOENT) {
			launch_err("cannot write /proc/%d/setgroups: %s", pid,
				   strerror(-r));
			return 1;
		}
	}
	r = write_file(pid, "uid_map", uid_map);
	if (r < 0) {
		launch_err("cannot map user ids (%.*s): %s",
			   (int)strcspn(uid_map, "\n"), uid_map, strerror(-r));
		return 1;
	}
	r = write_file(pid, "gid_map", gid_map);
	if (r < 0) {
		launch_err("cannot map group ids (%.*s): %s",
			   (int)strcspn(gid_map, "\n"), gid_map, strerror(-r));
		return 1;
	}
	return 0;
}

int launch_userns(const struct launch_opts *o)
{
	int p[2], status, r = 0;
	pid_t self = getpid(), helper;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	helper = fork();
	if (helper < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (helper == 0) {
		close(p[1]);
		_exit(write_maps(o, self, p[0]));
	}
	close(p[0]);
	if (unshare(CLONE_NEWUSER) < 0) {
		r = -errno;
		launch_err("cannot create a user namespace: %s", strerror(-r));
	} else if (write(p[1], "u", 1) != 1) {
		r = -errno;
	}
	close(p[1]);
	if (waitpid(helper, &status, 0) < 0 && !r)
		r = -errno;
	if (r)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EPERM;

	/* Become root inside, whatever the caller's id mapped to. */
	if (o->map_count && setgroups(0, NULL) < 0) {
		r = -errno;
		launch_err("cannot drop supplementary groups: %s",
			   strerror(-r));
		return r;
	}
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		r = -errno;
		launch_err("cannot become root in the user namespace: %s",
			   strerror(-r));
	}
	return r;
}
