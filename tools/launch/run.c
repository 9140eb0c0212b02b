// SPDX-License-Identifier: GPL-2.0
/*
 * Running the command: the namespaces other than the user namespace, then
 * exec.  A new pid namespace applies to children only, so with --pid
 * pag-launch clones a child into one: it is pid 1 inside, sets up the mounts (a
 * /proc of the new namespace must be mounted from inside it), starts the
 * command, reaps orphans and forwards signals, as an init does; when the
 * command ends it hands the command's wait status to the parent over a
 * pipe and exits, which ends the namespace.  The parent outside waits and
 * exits as the command did.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

static volatile sig_atomic_t forward_to;

static const int forwarded[] = { SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
				 SIGUSR1, SIGUSR2, SIGWINCH };

static void forward(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

static void forward_signals(pid_t to)
{
	struct sigaction sa = { .sa_handler = forward };

	forward_to = to;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
}

static void default_signals(void)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		signal(forwarded[i], SIG_DFL);
}

/* A new network namespace has only lo, and it is down. */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	if (r)
		launch_err("cannot bring up lo: %s", strerror(-r));
	return r;
}

int launch_unshare(const struct launch_opts *o)
{
	/* The user namespace is made first, the pid namespace by clone(). */
	int flags = o->clone_flags & ~(CLONE_NEWUSER | CLONE_NEWPID), r;

	if (flags && unshare(flags) < 0) {
		r = -errno;
		launch_err("cannot create the namespaces: %s", strerror(-r));
		return r;
	}
	if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0) {
		r = -errno;
		launch_err("cannot set the host name to '%s': %s", o->hostname,
			   strerror(-r));
		return r;
	}
	if (flags & CLONE_NEWNET)
		return loopback_up();
	return 0;
}

static int exec_command(char **argv)
{
	fflush(NULL);
	execvp(argv[0], argv);
	launch_err("cannot run %s: %s", argv[0], strerror(errno));
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

/* Exits as a process with wait status @status did. */
static int exit_like(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	default_signals();
	signal(WTERMSIG(status), SIG_DFL);
	fflush(NULL);
	raise(WTERMSIG(status));
	return 128 + WTERMSIG(status);
}

/* pid 1 of the new pid namespace; writes the command's status to @wfd. */
static int pid1(const struct launch_opts *o, const char *sockdir, int wfd)
{
	int status = EX_OSERR << 8, r;
	pid_t cmd, pid;

	r = launch_mounts(o, sockdir);
	if (r < 0)
		return EX_OSERR;
	cmd = fork();
	if (cmd < 0) {
		launch_err("cannot fork: %s", strerror(errno));
		return EX_OSERR;
	}
	if (cmd == 0) {
		default_signals();
		close(wfd);
		_exit(exec_command(o->argv));
	}
	forward_signals(cmd);
	/* Reap everything; stop when the command itself ends. */
	for (;;) {
		int st;

		pid = wait(&st);
		if (pid == cmd) {
			status = st;
			break;
		}
		if (pid < 0 && errno != EINTR)
			break;
	}
	if (write(wfd, &status, sizeof(status)) != sizeof(status))
		return EX_OSERR;
	return 0;
}

int launch_run(const struct launch_opts *o, const char *sockdir)
{
	int p[2], status, cmd_status;
	pid_t child;
	ssize_t n;

	if (!(o->clone_flags & CLONE_NEWPID)) {
		if (launch_mounts(o, sockdir) < 0)
			return EX_OSERR;
		return exec_command(o->argv);
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		launch_err("cannot make a pipe: %s", strerror(errno));
		return EX_OSERR;
	}
	fflush(NULL);
	/*
	 * clone() rather than unshare() + fork(): the parent keeps its own pid
	 * namespace for children, so it can still fork (and sanitizers start
	 * threads) after pid 1 is gone.
	 */
	child = syscall(SYS_clone, SIGCHLD | CLONE_NEWPID, NULL, NULL, NULL, 0);
	if (child < 0) {
		launch_err("cannot fork: %s", strerror(errno));
		return EX_OSERR;
	}
	if (child == 0) {
		close(p[0]);
		_exit(pid1(o, sockdir, p[1]));
	}
	close(p[1]);
	forward_signals(child);
	do {
		n = read(p[0], &cmd_status, sizeof(cmd_status));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			launch_err("cannot wait for pid %d: %s", child,
				   strerror(errno));
			return EX_OSERR;
		}
	}
	forward_to = 0;
	/* Without a status from pid 1, its own tells what went wrong. */
	return exit_like(n == sizeof(cmd_status) ? cmd_status : status);
}
