/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kernel tests: keyrings, children, module state.
 */
#ifndef PAG_TESTS_UTIL_H
#define PAG_TESTS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>

/* Serial of the calling thread's session keyring (without creating one). */
static inline key_serial_t session_id(void)
{
	return keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
}

/* Exit status of a child, or -1 if it did not exit normally. */
static inline int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The integer in sysfs file @path, or a negative errno. */
static inline int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &n) != 1)
		n = -EIO;
	fclose(f);
	return n;
}

/* The module's reference count: the number of live PAGs when idle. */
static inline int module_refcnt(void)
{
	return read_int_file("/sys/module/pag/refcnt");
}

/*
 * Wait (up to @ms milliseconds) until no PAG lives any more: the key GC
 * destroys dead keyrings asynchronously, in two passes.
 */
static inline int wait_no_pags(int ms)
{
	int n;

	while ((n = module_refcnt()) > 0 && ms > 0) {
		usleep(10000);
		ms -= 10;
	}
	return n;
}

/* Keys of kuid @uid, as /proc/key-users counts them, or -1. */
static inline int key_user_nkeys(uid_t uid)
{
	FILE *f = fopen("/proc/key-users", "r");
	unsigned int u, usage, nkeys = 0;
	char line[256];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %u: %u %u/", &u, &usage, &nkeys) == 3 &&
		    u == uid)
			n = (int)nkeys;
	fclose(f);
	return n;
}

/*
 * pag.ko's pool_size parameter: how many blanks (kernel/pool.c) it keeps
 * ready, each a marker key of kuid 0; or a negative errno.
 */
static inline int pag_pool_size(void)
{
	return read_int_file("/sys/module/pag/parameters/pool_size");
}

/*
 * unshare(CLONE_NEWUSER) fails with EPERM in a chroot (tools/vmtest moves
 * its root onto / so that it does not); should a runner chroot, the user
 * namespace cases skip instead of failing.
 */
#define USERNS_EPERM 99
#define USERNS_SKIP  "no user namespace here (chrooted runner?)"

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/*
 * Become root of a new user namespace whose root is our own (host) uid and
 * gid, as a container's root is mapped: ids resolve, capabilities are the
 * namespace's only.  Returns 0 or a negative errno.
 */
static inline int enter_mapped_user_ns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER))
		return -errno;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_str("/proc/self/uid_map", map))
		return -EIO;
	if (write_str("/proc/self/setgroups", "deny"))
		return -EIO;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_str("/proc/self/gid_map", map);
}

static inline int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* PAG_TESTS_UTIL_H */
