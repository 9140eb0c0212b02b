// SPDX-License-Identifier: GPL-2.0
/*
 * pam_pag: a PAG of its own for each login session, as pam_keyinit gives
 * one a session keyring of its own: the session part (auth.c is the auth
 * part, login_tgt.c carries its TGT to the PAG made here); see pam_pag(8)
 * (Documentation/man/pam_pag.8).
 *
 * open_session makes a PAG for the calling thread, which the PAM
 * application (login, sshd's monitor, su) then hands to the session's
 * processes across fork and exec.  The PAG belongs to the user: it is made
 * with the user's fsuid and fsgid, as pam_keyinit makes the session keyring
 * with the user's ids.  close_session takes the application out of the PAG
 * it made, so that the PAG ends with the session's last process, not with
 * the application.
 *
 * Without pag.ko there is no PAG to give: libpag's keyring fallback is a
 * plain session keyring, which pam_keyinit already makes, so the module
 * says so and fails (PAM_SESSION_ERR), or steps aside (PAM_IGNORE) with
 * ignore_missing.
 */
#define PAM_SM_SESSION

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>

#include <pag/pag.h>

#include "login_tgt.h"
#include "options.h"

/* The PAG open_session made, for close_session (pam_set_data). */
#define DATA_NAME "pam_pag_session"

/* pag.ko is not there: say so, and what the stack asked for. */
static int no_module(pam_handle_t *pamh, const struct pam_pag_options *o,
		     const char *user)
{
	if (o->ignore_missing) {
		pam_syslog(pamh, LOG_NOTICE,
			   "pag.ko is not loaded: the session of %s gets no "
			   "PAG (ignore_missing)",
			   user);
		return PAM_IGNORE;
	}
	pam_syslog(pamh, LOG_ERR,
		   "pag.ko is not loaded: cannot give the session of %s a "
		   "PAG (modprobe pag; or ignore_missing to go on without)",
		   user);
	return PAM_SESSION_ERR;
}

/*
 * Makes the PAG as the user's fsuid and fsgid, its owner, when we run as
 * root for another user.  setfsuid() changes the calling thread only, like
 * the session keyring, and leaves capabilities other than the file ones.
 */
static int create_as(struct pag_handle *h, const struct passwd *pw,
		     struct pag_info *info)
{
	bool switch_ids = geteuid() == 0 && pw->pw_uid != 0;
	uid_t old_uid = 0;
	gid_t old_gid = 0;
	int r;

	if (switch_ids) {
		old_gid = (gid_t)setfsgid(pw->pw_gid);
		old_uid = (uid_t)setfsuid(pw->pw_uid);
	}
	r = pag_create(h, info);
	if (switch_ids) {
		setfsuid(old_uid);
		setfsgid(old_gid);
	}
	return r;
}

static void free_data(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

/*
 * The session's PAG; *@made says whether one was made (into *@info).
 * Return: a PAM status.
 */
static int open_pag(pam_handle_t *pamh, const struct pam_pag_options *o,
		    struct pag_info *info, bool *made_one)
{
	struct pag_handle *h = NULL;
	const struct passwd *pw;
	struct pag_info *made;
	const char *user = NULL;
	int r;

	*made_one = false;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user) {
		pam_syslog(pamh, LOG_ERR, "no user name: no PAG made");
		return PAM_SESSION_ERR;
	}
	pw = pam_modutil_getpwnam(pamh, user);
	if (!pw) {
		pam_syslog(pamh, LOG_ERR, "unknown user %s: no PAG made", user);
		return PAM_SESSION_ERR;
	}
	r = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	if (r == -ENOENT)
		return no_module(pamh, o, user);
	if (r < 0) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot reach pag.ko: %s: no PAG for %s",
			   strerror(-r), user);
		return PAM_SESSION_ERR;
	}
	if (o->keep) {
		r = pag_current(h, info);
		if (r > 0) {
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG,
					   "%s stays in PAG %d (nested=keep)",
					   user, info->id);
			pag_close(h);
			return PAM_SUCCESS;
		}
		if (r != -ENOENT) {
			pam_syslog(pamh, LOG_ERR,
				   "cannot tell the caller's PAG: %s",
				   pag_errmsg(h));
			pag_close(h);
			return PAM_SESSION_ERR;
		}
	}
	r = create_as(h, pw, info);
	if (r < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot make a PAG for %s: %s", user,
			   pag_errmsg(h));
		pag_close(h);
		return PAM_SESSION_ERR;
	}
	pag_close(h);
	*made_one = true;
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "%s: new PAG %d (created at %llu)",
			   user, info->id,
			   (unsigned long long)info->created_ns);
	made = malloc(sizeof(*made));
	if (made) {
		*made = *info;
		if (pam_set_data(pamh, DATA_NAME, made, free_data) !=
		    PAM_SUCCESS)
			free(made);
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct pam_pag_options o;
	struct pag_info info;
	bool made;
	int r;

	(void)flags;
	if (pam_pag_parse_options(pamh, argc, argv, &o) < 0) {
		login_tgt_drop(pamh, "bad options");
		return PAM_SERVICE_ERR;
	}
	r = open_pag(pamh, &o, &info, &made);
	/* a TGT from auth goes into a PAG made for this session, or nowhere */
	if (made)
		login_tgt_store(pamh, &o, &info);
	else
		login_tgt_drop(pamh, "the session has no PAG of its own "
				     "(nested=keep, or none could be made)");
	return r;
}

/*
 * Leaves the PAG open_session made, if the application is still in that
 * very one (same id and creation time): its processes keep it until the
 * last of them is gone.
 */
PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	const struct pag_info *made = NULL;
	struct pag_handle *h = NULL;
	struct pag_info cur;
	struct pam_pag_options o;
	int r, ret = PAM_SUCCESS;

	(void)flags;
	if (pam_pag_parse_options(pamh, argc, argv, &o) < 0)
		return PAM_SERVICE_ERR;
	if (pam_get_data(pamh, DATA_NAME, (const void **)&made) !=
		    PAM_SUCCESS ||
	    !made)
		return PAM_SUCCESS; /* we made none (nested=keep, no pag.ko) */
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) < 0)
		return PAM_SUCCESS; /* pag.ko is gone: so is the PAG */
	r = pag_current(h, &cur);
	if (r > 0 && cur.id == made->id && cur.created_ns == made->created_ns) {
		r = pag_leave(h);
		if (r < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot leave PAG %d: %s",
				   made->id, pag_errmsg(h));
			ret = PAM_SESSION_ERR;
		} else if (o.debug) {
			pam_syslog(pamh, LOG_DEBUG,
				   "left PAG %d: it ends with the session's "
				   "last process",
				   made->id);
		}
	}
	pag_close(h);
	return ret;
}
