/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kernel tests: keyrings, children, module state.
 */
#ifndef PAG_TESTS_UTIL_H
#define PAG_TESTS_UTIL_H

#include <errno.h>
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

/* The module's reference count: the number of live PAGs when idle. */
static inline int module_refcnt(void)
{
	FILE *f = fopen("/sys/module/pag/refcnt", "r");
	int n = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &n) != 1)
		n = -EIO;
	fclose(f);
	return n;
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

/*
 * unshare(CLONE_NEWUSER) fails with EPERM in a chroot; tools/vmtest runs the
 * tests chrooted into the overlay, so user namespace cases skip there.
 */
#define USERNS_EPERM 99
#define USERNS_SKIP  "no user namespace in a chroot (tools/vmtest chroots)"

static inline int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* PAG_TESTS_UTIL_H */
