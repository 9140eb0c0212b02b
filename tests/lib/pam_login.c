// SPDX-License-Identifier: GPL-2.0
/*
 * pam_login SERVICE USER CMD [ARG...]: what login or sshd does with PAM,
 * for tests: authenticate (the password is stdin's first line), account,
 * open the session, run CMD in it (with the environment the session's
 * modules set, as pam_getenvlist() gives it), then close the session.
 * A failing step prints "STEP: PAM's message" and exits 1; otherwise the
 * exit status is CMD's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

static char password[1024];

static int converse(int n, const struct pam_message **msg,
		    struct pam_response **resp, void *ud)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)ud;
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = strdup(password);
			break;
		default:
			/* messages for the user: the test reads them */
			fprintf(stderr, "%s\n", msg[i]->msg);
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static int step(pam_handle_t *h, const char *what, int r)
{
	if (r != PAM_SUCCESS) {
		printf("%s: %s\n", what, pam_strerror(h, r));
		pam_end(h, r);
		exit(1);
	}
	return r;
}

int main(int argc, char **argv)
{
	struct pam_conv conv = { converse, NULL };
	pam_handle_t *h = NULL;
	char **env;
	int status = 0;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: pam_login SERVICE USER CMD [ARG...]\n");
		return 64;
	}
	if (!fgets(password, sizeof(password), stdin))
		password[0] = '\0';
	password[strcspn(password, "\n")] = '\0';
	if (pam_start(argv[1], argv[2], &conv, &h) != PAM_SUCCESS) {
		fprintf(stderr, "pam_start failed\n");
		return 1;
	}
	step(h, "authenticate", pam_authenticate(h, 0));
	step(h, "account", pam_acct_mgmt(h, 0));
	step(h, "open_session", pam_open_session(h, 0));
	pid = fork();
	if (pid == 0) {
		env = pam_getenvlist(h);
		for (char **e = env; e && *e; e++)
			putenv(*e);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	step(h, "close_session", pam_close_session(h, 0));
	pam_end(h, PAM_SUCCESS);
	explicit_bzero(password, sizeof(password));
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
