// SPDX-License-Identifier: GPL-2.0
/*
 * The PAM sockets of a directory, laid out as SSSD lays them out, because
 * pam_sss checks: DIR/pam (root's, 0666) for ordinary callers, and
 * DIR/private/pam (the directory 0700, the socket 0600, both root's) for
 * uid 0, which pam_sss uses whenever its caller's uid is 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/pagd.h"

int pam_listen_in(struct pagd *p, const char *dir, const char *key)
{
	char *path = NULL;
	int r;

	if (asprintf(&path, "%s/pam", dir) < 0)
		return -ENOMEM;
	r = responder_listen_pam(p, path, key, 0666);
	free(path);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/private", dir) < 0)
		return -ENOMEM;
	r = mkdir_exact_mode(path, 0700);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create %s: %m", path);
		free(path);
		return r;
	}
	free(path);
	if (asprintf(&path, "%s/private/pam", dir) < 0)
		return -ENOMEM;
	r = responder_listen_pam(p, path, key, 0600);
	free(path);
	return r;
}
