// SPDX-License-Identifier: GPL-2.0
/*
 * Fetching a trust keytab.  The command runs in its own process group,
 * with umask 077, its output (stdout and stderr) collected for the log; a
 * pidfd tells the loop when it ends, a timer kills it (the whole group)
 * when it takes longer than ipa_getkeytab_timeout.  The keytab it wrote
 * is then checked before it replaces the one in use, so a failing or
 * misbehaving command never leaves pagd without the keytab it had.
 */
#include <errno.h>
#include <fcntl.h>
#include <krb5.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/ipa/keytab.h"

#define OUTPUT_MAX 1024

struct ipa_keytab_fetch {
	sd_event_source *exit_src, *timer;
	int pidfd, out_fd;
	pid_t pid;
	bool timed_out, changed;
	char *tmpdir, *tmp, *path, *principal, *program;
	ipa_keytab_done_fn done;
	void *ud;
};

static int fail(char **why, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char **why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(why, fmt, ap) < 0)
		*why = NULL;
	va_end(ap);
	return err;
}

static const char *mode_words(mode_t m)
{
	return m & 007 ? "others" : "its group";
}

int ipa_keytab_dir(const char *path, char **why)
{
	struct stat st;

	*why = NULL;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return fail(why, -errno, "cannot create %s: %s", path,
			    strerror(errno));
	if (lstat(path, &st) < 0)
		return fail(why, -errno, "cannot stat %s: %s", path,
			    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(why, -ENOTDIR, "%s is not a directory", path);
	if (st.st_uid != geteuid())
		return fail(why, -EPERM,
			    "%s is owned by uid %u, not pagd's (%u): refusing "
			    "to keep keytabs there",
			    path, st.st_uid, geteuid());
	if (st.st_mode & 077)
		return fail(why, -EPERM,
			    "%s is mode %04o, open to %s: refusing to keep "
			    "keytabs there (it must be 0700)",
			    path, st.st_mode & 07777,
			    mode_words(st.st_mode & 077));
	return 0;
}

/* Whether the keytab at @path holds a key of @principal. */
static int holds_principal(const char *path, const char *principal, char **why)
{
	krb5_context k;
	krb5_keytab kt = NULL;
	krb5_principal want = NULL;
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	char name[4200];
	int r = -ENOENT;

	if (krb5_init_context(&k))
		return fail(why, -EIO, "cannot initialise Kerberos");
	snprintf(name, sizeof(name), "FILE:%s", path);
	if (krb5_parse_name(k, principal, &want) ||
	    krb5_kt_resolve(k, name, &kt) ||
	    krb5_kt_start_seq_get(k, kt, &cur)) {
		r = fail(why, -EINVAL, "the keytab it wrote cannot be read");
		goto out;
	}
	while (r && !krb5_kt_next_entry(k, kt, &e, &cur)) {
		if (krb5_principal_compare(k, e.principal, want))
			r = 0;
		krb5_free_keytab_entry_contents(k, &e);
	}
	krb5_kt_end_seq_get(k, kt, &cur);
	if (r)
		r = fail(why, -EINVAL, "the keytab it wrote holds no key of %s",
			 principal);
out:
	if (kt)
		krb5_kt_close(k, kt);
	krb5_free_principal(k, want);
	krb5_free_context(k);
	return r;
}

/* Each key of @a (principal, enctype, contents) is one of @b's. */
static bool keys_in(krb5_context k, const char *a, const char *b)
{
	krb5_keytab ka = NULL, kb = NULL;
	krb5_kt_cursor ca, cb;
	krb5_keytab_entry ea, eb;
	char na[4200], nb[4200];
	bool all = true, found;

	snprintf(na, sizeof(na), "FILE:%s", a);
	snprintf(nb, sizeof(nb), "FILE:%s", b);
	if (krb5_kt_resolve(k, na, &ka) || krb5_kt_resolve(k, nb, &kb) ||
	    krb5_kt_start_seq_get(k, ka, &ca)) {
		all = false;
		goto out;
	}
	while (all && !krb5_kt_next_entry(k, ka, &ea, &ca)) {
		found = false;
		if (!krb5_kt_start_seq_get(k, kb, &cb)) {
			while (!found && !krb5_kt_next_entry(k, kb, &eb, &cb)) {
				found = krb5_principal_compare(k, ea.principal,
							       eb.principal) &&
					ea.key.enctype == eb.key.enctype &&
					ea.key.length == eb.key.length &&
					!memcmp(ea.key.contents,
						eb.key.contents, ea.key.length);
				krb5_free_keytab_entry_contents(k, &eb);
			}
			krb5_kt_end_seq_get(k, kb, &cb);
		}
		all = found;
		krb5_free_keytab_entry_contents(k, &ea);
	}
	krb5_kt_end_seq_get(k, ka, &ca);
out:
	if (ka)
		krb5_kt_close(k, ka);
	if (kb)
		krb5_kt_close(k, kb);
	return all;
}

/* Whether keytabs @a and @b hold the same keys (false if one is missing). */
static bool same_keys(const char *a, const char *b)
{
	krb5_context k;
	bool same;

	if (access(b, F_OK) < 0 || krb5_init_context(&k))
		return false;
	same = keys_in(k, a, b) && keys_in(k, b, a);
	krb5_free_context(k);
	return same;
}

/* The command's file, checked, into place. */
static int install(struct ipa_keytab_fetch *f, char **why)
{
	struct stat st;

	if (lstat(f->tmp, &st) < 0)
		return fail(why, -errno, "it wrote no keytab (%s: %s)", f->tmp,
			    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(why, -EINVAL, "%s is not a regular file", f->tmp);
	if (st.st_uid != geteuid())
		return fail(why, -EPERM,
			    "the keytab it wrote is owned by uid %u, not "
			    "pagd's (%u): refusing it",
			    st.st_uid, geteuid());
	if (st.st_mode & 077)
		return fail(why, -EPERM,
			    "the keytab it wrote is mode %04o, open to %s: "
			    "refusing it (it must be 0600)",
			    st.st_mode & 07777, mode_words(st.st_mode & 077));
	if (!st.st_size)
		return fail(why, -EINVAL, "the keytab it wrote is empty");
	if (holds_principal(f->tmp, f->principal, why) < 0)
		return -EINVAL;
	f->changed = !same_keys(f->tmp, f->path);
	if (rename(f->tmp, f->path) < 0)
		return fail(why, -errno, "cannot rename it to %s: %s", f->path,
			    strerror(errno));
	return 0;
}

/* The last non-empty line of what the command printed. */
static void last_line(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);
	char *end, *start;

	buf[n > 0 ? n : 0] = '\0';
	end = buf + strlen(buf);
	while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(buf, '\n');
	if (start)
		memmove(buf, start + 1, strlen(start + 1) + 1);
}

static void finish(struct ipa_keytab_fetch *f, int status)
{
	char out[OUTPUT_MAX], *why = NULL;
	ipa_keytab_done_fn done = f->done;
	void *ud = f->ud;
	bool f_changed;
	int r;

	last_line(f->out_fd, out, sizeof(out));
	if (f->timed_out)
		r = fail(&why, -ETIMEDOUT, "%s did not finish in time (killed)",
			 f->program);
	else if (WIFSIGNALED(status))
		r = fail(&why, -EIO, "%s was killed by signal %d", f->program,
			 WTERMSIG(status));
	else if (WEXITSTATUS(status))
		r = fail(&why, -EIO, "%s failed (exit %d)%s%s", f->program,
			 WEXITSTATUS(status), *out ? ": " : "", out);
	else if ((r = install(f, &why)) < 0) {
		char *w = why;

		if (asprintf(&why, "%s: %s", f->program, w ? w : "") < 0)
			why = NULL;
		free(w);
	}
	f->done = NULL;
	f_changed = f->changed;
	ipa_keytab_fetch_cancel(f);
	done(ud, r, f_changed, why ? why : "out of memory");
	free(why);
}

static int on_exit_cb(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct ipa_keytab_fetch *f = ud;
	int status = 0;

	while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR)
		;
	f->pid = 0;
	finish(f, status);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct ipa_keytab_fetch *f = ud;

	f->timed_out = true;
	kill(-f->pid, SIGKILL);
	return 0;
}

static void child(const struct ipa_keytab_cmd *cmd, const char *tmp, int out)
{
	char *argv[] = { (char *)cmd->program,
			 "-r",
			 "-s",
			 (char *)cmd->server,
			 "-p",
			 (char *)cmd->principal,
			 "-k",
			 (char *)tmp,
			 NULL };
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	umask(077);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	execv(cmd->program, argv);
	dprintf(2, "cannot run %s: %s\n", cmd->program, strerror(errno));
	_exit(127);
}

int ipa_keytab_fetch_start(sd_event *e, const struct ipa_keytab_cmd *cmd,
			   const char *path, ipa_keytab_done_fn done, void *ud,
			   struct ipa_keytab_fetch **out)
{
	struct ipa_keytab_fetch *f = calloc(1, sizeof(*f));
	const char *slash = strrchr(path, '/');
	int fds[2] = { -1, -1 }, r;

	if (!f || !slash)
		goto nomem;
	f->pidfd = f->out_fd = -1;
	f->done = done;
	f->ud = ud;
	f->path = strdup(path);
	f->principal = strdup(cmd->principal);
	f->program = strdup(cmd->program);
	if (!f->path || !f->principal || !f->program ||
	    asprintf(&f->tmpdir, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
		     slash + 1) < 0) {
		f->tmpdir = NULL;
		goto nomem;
	}
	/*
	 * The command creates the keytab itself (MIT krb5 takes no empty
	 * file for one), in a directory made here, 0700 and pagd's, so
	 * nobody else can put anything in its place.
	 */
	if (!mkdtemp(f->tmpdir)) {
		r = -errno;
		free(f->tmpdir);
		f->tmpdir = NULL;
		goto err;
	}
	if (asprintf(&f->tmp, "%s/keytab", f->tmpdir) < 0) {
		f->tmp = NULL;
		goto nomem;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = -errno;
		goto err;
	}
	f->pid = fork();
	if (f->pid < 0) {
		r = -errno;
		f->pid = 0;
		goto err;
	}
	if (f->pid == 0)
		child(cmd, f->tmp, fds[1]);
	close(fds[1]);
	fds[1] = -1;
	f->out_fd = fds[0];
	fcntl(f->out_fd, F_SETFL, O_NONBLOCK);
	f->pidfd = (int)syscall(SYS_pidfd_open, f->pid, 0);
	if (f->pidfd < 0) {
		r = -errno;
		goto err;
	}
	r = sd_event_add_io(e, &f->exit_src, f->pidfd, EPOLLIN, on_exit_cb, f);
	if (r >= 0)
		r = sd_event_add_time_relative(e, &f->timer, CLOCK_MONOTONIC,
					       cmd->timeout * 1000000ULL, 0,
					       on_timeout, f);
	if (r < 0)
		goto err;
	*out = f;
	return 0;
nomem:
	r = -ENOMEM;
err:
	if (fds[1] >= 0)
		close(fds[1]);
	if (f) {
		f->done = NULL;
		ipa_keytab_fetch_cancel(f);
	}
	return r;
}

void ipa_keytab_fetch_cancel(struct ipa_keytab_fetch *f)
{
	if (!f)
		return;
	sd_event_source_disable_unref(f->exit_src);
	sd_event_source_disable_unref(f->timer);
	if (f->pid > 0) {
		kill(-f->pid, SIGKILL);
		while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (f->tmp)
		unlink(f->tmp);
	if (f->tmpdir && rmdir(f->tmpdir) < 0 && errno != ENOENT)
		log_warning("cannot remove %s: %s", f->tmpdir, strerror(errno));
	if (f->pidfd >= 0)
		close(f->pidfd);
	if (f->out_fd >= 0)
		close(f->out_fd);
	free(f->tmp);
	free(f->tmpdir);
	free(f->path);
	free(f->principal);
	free(f->program);
	free(f);
}
