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

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include <linux/pag.h>

#include "pag.h"

/*
 * May the calling thread, if it is being traced, move into the PAG
 * @keyring (NULL: a new one)?  A tracer attached before a PAG exists stays
 * attached and follows forks, so it would reach into the PAG without
 * passing the BPF program's ptrace check: as execve() does for a setuid
 * program, refuse while traced by a task that is not in @keyring and lacks
 * CAP_SYS_PTRACE in the initial user namespace.  The tracer's current
 * credentials decide (ptracer_capable(), which looks at the credentials it
 * attached with, is not exported).  The caller holds cred_guard_mutex, so
 * no tracer can attach between this check and commit_creds().
 */
static int pag_session_check_tracer(const struct key *keyring)
{
	struct task_struct *tracer;
	bool allowed = true;

	rcu_read_lock();
	tracer = ptrace_parent(current);
	if (tracer)
		allowed = (keyring &&
			   __task_cred(tracer)->session_keyring == keyring) ||
			  has_capability_noaudit(tracer, CAP_SYS_PTRACE);
	rcu_read_unlock();
	return allowed ? 0 : -EPERM;
}

/**
 * pag_session_new() - create a PAG and make it the caller's session keyring
 *
 * The calling thread leaves whatever session keyring it had, PAG or not.
 * The creation event is sent from here, so that PAG_CMD_NEW and
 * PAG_IOC_NEW are one and the same.
 *
 * Return: the new PAG keyring, with a reference for the caller, or an
 * ERR_PTR: -EPERM when the thread is traced by a task without
 * CAP_SYS_PTRACE in the initial user namespace, -EINTR when killed while
 * waiting for a ptrace attach or execve of the process to finish.  Nothing
 * has changed on error.
 */
struct key *pag_session_new(void)
{
	struct mutex *guard = &current->signal->cred_guard_mutex;
	struct key *keyring;
	struct cred *new;
	int err;

	if (mutex_lock_killable(guard))
		return ERR_PTR(-EINTR);
	err = pag_session_check_tracer(NULL);
	if (err) {
		mutex_unlock(guard);
		return ERR_PTR(err);
	}
	/* Allocate the credentials first: nothing can fail once the PAG lives. */
	new = prepare_creds();
	if (!new) {
		mutex_unlock(guard);
		return ERR_PTR(-ENOMEM);
	}
	keyring = pag_create(new);
	if (IS_ERR(keyring)) {
		abort_creds(new);
		mutex_unlock(guard);
		return keyring;
	}
	key_put(new->session_keyring);
	new->session_keyring = key_get(keyring);
	commit_creds(new);
	mutex_unlock(guard);
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

/*
 * Install @keyring as the calling thread's session keyring, under the
 * process's cred_guard_mutex, after the tracer check when @check_tracer.
 */
static int pag_session_install(struct key *keyring, bool check_tracer)
{
	struct mutex *guard = &current->signal->cred_guard_mutex;
	struct cred *new;
	int err = 0;

	if (mutex_lock_killable(guard))
		return -EINTR;
	if (check_tracer)
		err = pag_session_check_tracer(keyring);
	if (err)
		goto out;
	new = prepare_creds();
	if (!new) {
		err = -ENOMEM;
		goto out;
	}
	key_put(new->session_keyring);
	new->session_keyring = key_get(keyring);
	err = commit_creds(new);
out:
	mutex_unlock(guard);
	return err;
}

/**
 * pag_session_enter() - make a PAG the calling thread's session keyring
 * @keyring: the PAG keyring, referenced by the caller
 *
 * For PAG_CMD_ENTER: the caller has checked privilege and that the process
 * is single-threaded.  The thread leaves whatever session keyring it had.
 *
 * Return: 0, -EPERM when the thread is traced by a task outside @keyring
 * without CAP_SYS_PTRACE in the initial user namespace, -EINTR, or
 * -ENOMEM; nothing has changed on error.
 */
int pag_session_enter(struct key *keyring)
{
	return pag_session_install(keyring, true);
}

/**
 * pag_session_switch() - make a keyring the calling thread's session keyring
 * @keyring: a PAG keyring the process holds a handle to, or its default
 *	(any session keyring, or NULL), referenced by the caller
 *
 * For PAG_IOC_SWITCH and PAG_IOC_SWITCH_DEFAULT: the caller has checked
 * that the process is a member of @keyring.  Only the calling thread
 * changes; its other threads keep theirs, and threads it creates later
 * start in @keyring, as KEYCTL_JOIN_SESSION_KEYRING would have it.  A
 * traced thread may switch into a PAG only if its tracer is in that PAG
 * or has CAP_SYS_PTRACE in the initial user namespace, as for
 * pag_session_enter(): the tracer would reach into it otherwise.
 *
 * Return: 0, -EPERM (the tracer), -EINTR or -ENOMEM; nothing has changed
 * on error.
 */
int pag_session_switch(struct key *keyring)
{
	return pag_session_install(keyring, pag_of_keyring(keyring));
}
