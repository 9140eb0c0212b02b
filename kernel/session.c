// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - the calling thread's session keyring.
 *
 * Membership of a PAG is possession of its keyring as one's session keyring.
 * Since Linux 5.3 the session keyring lives in each thread's credentials, so
 * replacing it with prepare_creds()/commit_creds() changes the calling thread
 * only, and fork(), clone() and execve() carry it to children unchanged.
 * (install_session_keyring_to_cred() does the same but is not exported.)
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>

#include <linux/pag.h>

#include "pag.h"

/**
 * pag_session_new() - create a PAG and make it the caller's session keyring
 *
 * The calling thread leaves whatever session keyring it had, PAG or not.
 * The creation event is sent from here, so that PAG_CMD_NEW and
 * PAG_IOC_NEW are one and the same.
 *
 * Return: the new PAG keyring, with a reference for the caller, or an
 * ERR_PTR.  Nothing has changed on error.
 */
struct key *pag_session_new(void)
{
	struct key *keyring;
	struct cred *new;

	/* Allocate the credentials first: nothing can fail once the PAG lives. */
	new = prepare_creds();
	if (!new)
		return ERR_PTR(-ENOMEM);
	keyring = pag_create(new);
	if (IS_ERR(keyring)) {
		abort_creds(new);
		return keyring;
	}
	key_put(new->session_keyring);
	new->session_keyring = key_get(keyring);
	commit_creds(new);
	pag_nl_notify(pag_of_keyring(keyring), PAG_CMD_CREATED_NTF);
	return keyring;
}

/**
 * pag_session_leave() - take the calling thread out of its PAG
 *
 * Afterwards the thread has no session keyring of its own; the keyring
 * lookups then fall back to the user's session keyring, as after a login
 * without one.
 *
 * Return: 0, -ENOENT if the thread is in no PAG, or -ENOMEM.
 */
int pag_session_leave(void)
{
	struct cred *new;

	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (!pag_of_keyring(new->session_keyring)) {
		abort_creds(new);
		return -ENOENT;
	}
	key_put(new->session_keyring);
	new->session_keyring = NULL;
	return commit_creds(new);
}

/**
 * pag_session_get() - the calling thread's PAG keyring
 *
 * Return: the keyring with a reference for the caller, or NULL if the
 * thread's session keyring is not a PAG (or it has none).
 */
struct key *pag_session_get(void)
{
	struct key *keyring = current_cred()->session_keyring;

	return pag_of_keyring(keyring) ? key_get(keyring) : NULL;
}

/**
 * pag_session_enter() - make a PAG the calling thread's session keyring
 * @keyring: the PAG keyring, referenced by the caller
 *
 * For PAG_CMD_ENTER: the caller has checked privilege and that the process
 * is single-threaded.  The thread leaves whatever session keyring it had.
 *
 * Return: 0 or -ENOMEM; nothing has changed on error.
 */
int pag_session_enter(struct key *keyring)
{
	struct cred *new;

	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	key_put(new->session_keyring);
	new->session_keyring = key_get(keyring);
	return commit_creds(new);
}
