// SPDX-License-Identifier: GPL-2.0
/*
 * pag-example-server - a small server that acts for many users, each in a
 * PAG of its own, switching the serving thread's active PAG per request
 * (the extended model, Documentation/userspace-api/pag.rst).
 *
 *   pag-example-server [-t THREADS] [-c CMD] [-k CCACHE] [-n] SOCKET USER...
 *
 * At start it makes a PAG per USER (pag_ref_new()), and in it stores the
 * user's credentials: a "user" key "pag-example:identity" holding the
 * user's name, and, with -c, whatever CMD puts there: it runs in the
 * user's PAG with PAG_EXAMPLE_USER set, as a kinit into KEYRING:session:
 * and an aklog would (pagd, bound to the PAG, would do the same).  THREADS
 * threads (4) then accept on the unix stream SOCKET; a request is a user
 * name and a newline; the answer, computed with the thread switched into
 * that user's PAG, is what that context sees:
 *
 *   USER identity=NAME principal=PRINCIPAL cell=CELL keys=N afs=M
 *
 * NAME: the identity key found in the session keyring; PRINCIPAL: the
 * default principal of the MIT krb5 cache CCACHE (KEYRING:session:pagd,
 * where pagd puts a PAG's TGT), resolved afresh for the request, since a
 * krb5 cache handle keeps the keyring it found; CELL: the cell of the
 * kafs token (an rxrpc key "afs@CELL") in the session keyring; "-" for
 * what is not there.  N and M: how many identity keys and kafs tokens the
 * session keyring holds, 1 each when nothing leaked.  Or "USER unknown".
 * On SIGTERM it prints "home PAG ID tokens=N" for its own PAG, which no
 * request may have touched, and exits.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <krb5.h>

#include "pag/pag.h"

#define IDENTITY "pag-example:identity"
/* The description of a kafs token: its key type and name prefix. */
#define AFS_TYPE   "rxrpc"
#define AFS_PREFIX "afs@"

struct user {
	const char *name;
	int ref;
};

static struct user *users;
static int n_users;
static int listener;
static int no_switch;
static const char *ccname = "KEYRING:session:pagd";

static struct user *find_user(const char *name)
{
	int i;

	for (i = 0; i < n_users; i++)
		if (!strcmp(users[i].name, name))
			return &users[i];
	return NULL;
}

/* Run @cmd through sh in the calling thread's active PAG. */
static int run_in_pag(const char *cmd, const char *user)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setenv("PAG_EXAMPLE_USER", user, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/* A PAG for @u holding its credentials. */
static int make_user(struct pag_handle *h, struct user *u, const char *cmd)
{
	int err;

	u->ref = pag_ref_new(h);
	if (u->ref < 0)
		return u->ref;
	err = pag_switch(h, u->ref);
	if (err)
		return err;
	if (add_key("user", IDENTITY, u->name, strlen(u->name),
		    KEY_SPEC_SESSION_KEYRING) < 0)
		err = -errno;
	else if (cmd)
		err = run_in_pag(cmd, u->name);
	if (pag_switch_default(h) && !err)
		err = -EIO;
	return err;
}

/* The payload of the "user" key @desc the session keyring finds, or "-". */
static void lookup(const char *desc, char *buf, size_t len)
{
	key_serial_t k;
	long n = -1;

	k = keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", desc, 0);
	if (k > 0)
		n = keyctl_read(k, buf, len - 1);
	if (n <= 0 || n >= (long)len)
		snprintf(buf, len, "-");
	else
		buf[n] = '\0';
}

/* The default principal of the krb5 cache @ccname, or "-". */
static void principal(krb5_context ctx, char *buf, size_t len)
{
	krb5_principal princ = NULL;
	krb5_ccache cc = NULL;
	char *name = NULL;

	snprintf(buf, len, "-");
	/* Per request: a resolved KEYRING cache keeps its keyring. */
	if (krb5_cc_resolve(ctx, ccname, &cc))
		return;
	if (!krb5_cc_get_principal(ctx, cc, &princ) &&
	    !krb5_unparse_name(ctx, princ, &name))
		snprintf(buf, len, "%s", name);
	krb5_free_unparsed_name(ctx, name);
	krb5_free_principal(ctx, princ);
	krb5_cc_close(ctx, cc);
}

/*
 * Walk the keys linked in the session keyring: count the identity keys and
 * the kafs tokens, and take the cell of the first token.  A key's
 * description reads "TYPE;UID;GID;PERM;NAME".
 */
static void scan_session(long *identities, long *tokens, char *cell, size_t len)
{
	void *keys = NULL;
	long n, i;

	*identities = *tokens = 0;
	snprintf(cell, len, "-");
	n = keyctl_read_alloc(KEY_SPEC_SESSION_KEYRING, &keys);
	for (i = 0; i < n / (long)sizeof(key_serial_t); i++) {
		char *desc = NULL, *name;

		if (keyctl_describe_alloc(((key_serial_t *)keys)[i], &desc) < 0)
			continue;
		name = strrchr(desc, ';');
		name = name ? name + 1 : desc;
		if (!strcmp(name, IDENTITY)) {
			++*identities;
		} else if (!strncmp(desc, AFS_TYPE ";", strlen(AFS_TYPE ";")) &&
			   !strncmp(name, AFS_PREFIX, strlen(AFS_PREFIX))) {
			if (!(*tokens)++)
				snprintf(cell, len, "%s",
					 name + strlen(AFS_PREFIX));
		}
		free(desc);
	}
	free(keys);
}

/* What the thread's active PAG shows: the answer to a request. */
static void answer(krb5_context ctx, char *out, size_t len, const char *user)
{
	char name[128], princ[256], cell[128];
	long identities, tokens;

	lookup(IDENTITY, name, sizeof(name));
	principal(ctx, princ, sizeof(princ));
	scan_session(&identities, &tokens, cell, sizeof(cell));
	snprintf(out, len,
		 "%s identity=%s principal=%s cell=%s keys=%ld afs=%ld\n", user,
		 name, princ, cell, identities, tokens);
}

static void serve(struct pag_handle *h, krb5_context ctx, int fd)
{
	char req[128], out[1024];
	struct user *u;
	ssize_t n;
	char *nl;

	n = read(fd, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	req[n] = '\0';
	nl = strchr(req, '\n');
	if (nl)
		*nl = '\0';
	u = find_user(req);
	if (!u) {
		snprintf(out, sizeof(out), "%s unknown\n", req);
	} else if (no_switch) {
		answer(ctx, out, sizeof(out), req);
	} else if (pag_switch(h, u->ref)) {
		snprintf(out, sizeof(out), "%s error %s\n", req, pag_errmsg(h));
	} else {
		answer(ctx, out, sizeof(out), req);
		/* ORDER: back home before anything else runs on this thread. */
		if (pag_switch_default(h)) {
			fprintf(stderr, "pag-example-server: %s\n",
				pag_errmsg(h));
			exit(1);
		}
	}
	if (write(fd, out, strlen(out)) < 0)
		perror("pag-example-server: write");
}

static void *worker(void *arg)
{
	struct pag_handle *h;
	krb5_context ctx;
	int fd;

	(void)arg;
	/* A libpag handle is per thread; the PAG handles are the process's. */
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY)) {
		fprintf(stderr, "pag-example-server: pag.ko is needed\n");
		exit(1);
	}
	/* A krb5 context is per thread too; caches are resolved per request. */
	if (krb5_init_context(&ctx)) {
		fprintf(stderr, "pag-example-server: no krb5 context\n");
		exit(1);
	}
	for (;;) {
		fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("pag-example-server: accept");
			exit(1);
		}
		serve(h, ctx, fd);
		close(fd);
	}
	return NULL;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -1;
	strcpy(addr.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(fd, 128))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	struct pag_handle *h;
	const char *cmd = NULL;
	int threads = 4, i, opt, sig;
	struct pag_info home;
	pthread_t th;
	sigset_t set;

	while ((opt = getopt(argc, argv, "t:c:k:n")) != -1) {
		if (opt == 't')
			threads = atoi(optarg);
		else if (opt == 'c')
			cmd = optarg;
		else if (opt == 'k')
			ccname = optarg;
		else if (opt == 'n')
			no_switch = 1;
		else
			return 2;
	}
	if (argc - optind < 2 || threads < 1) {
		fprintf(stderr, "usage: pag-example-server [-t THREADS] "
				"[-c CMD] [-k CCACHE] [-n] SOCKET USER...\n");
		return 2;
	}
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) || pag_current(h, &home) < 0) {
		fprintf(stderr, "pag-example-server: run it in a PAG of "
				"pag.ko (pag new -- ...)\n");
		return 1;
	}
	n_users = argc - optind - 1;
	users = calloc(n_users, sizeof(*users));
	if (!users)
		return 1;
	for (i = 0; i < n_users; i++) {
		users[i].name = argv[optind + 1 + i];
		if (make_user(h, &users[i], cmd)) {
			fprintf(stderr, "pag-example-server: user %s: %s\n",
				users[i].name, pag_errmsg(h));
			return 1;
		}
	}
	/*
	 * The baseline serves in its own PAG: give it credentials like a
	 * user's (-c runs there as user "home"), so that its lookups do the
	 * same work and only the switches differ.
	 */
	if (no_switch && (add_key("user", IDENTITY, "home", 4,
				  KEY_SPEC_SESSION_KEYRING) < 0 ||
			  (cmd && run_in_pag(cmd, "home")))) {
		fprintf(stderr, "pag-example-server: the baseline's "
				"credentials could not be made\n");
		return 1;
	}
	listener = listen_on(argv[optind]);
	if (listener < 0) {
		perror("pag-example-server: listen");
		return 1;
	}
	/* SIGTERM is waited for here; the workers never see it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < threads; i++)
		if (pthread_create(&th, NULL, worker, NULL))
			return 1;
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	if (pag_current(h, &home) < 0)
		return 1;
	printf("home PAG %d tokens=%u\n", home.id, home.token_count);
	fflush(stdout);
	return 0;
}
