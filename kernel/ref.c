// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - PAG handles, the extended model.
 *
 * A handle ("pag_ref") is an anonymous-inode file holding a reference to a
 * PAG keyring.  Holding it makes its process a member of that PAG: the PAG
 * lives while a handle to it is open or a thread has it as its session
 * keyring (its "active PAG").  Through a handle a thread of the process that
 * made it switches its active PAG in one ioctl on /dev/pag.
 *
 * A handle works only in the process that made it, and only until that
 * process execs: it names its process by the struct pid of the thread group
 * (which survives exec but is never reused while referenced) and the exec
 * generation of its threads (self_exec_id, which execve() increments and
 * clone() copies).  Passed over SCM_RIGHTS, inherited by a fork child, taken
 * with pidfd_getfd() or kept across execve(), it fails with EXDEV.
 *
 * The process default PAG, to which SWITCH_DEFAULT returns, lives in a
 * struct pag_proc made with the process's first handle and freed with its
 * last, in a small hash table keyed by (thread group, exec generation).
 * It starts as the session keyring of the thread that made the first
 * handle, PAG or not: before any handle, every thread is where the classic
 * model put it, and that is the default to come back to.
 *
 * Each PAG keeps a list of the processes holding handles to it (struct
 * pag_holder, one per process and PAG, counting its handles), which the
 * family reports as the PAG's holders: a process holding a handle is a
 * member though none of its threads need be in the PAG.
 */

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/key.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <linux/pag.h>

#include "pag.h"

/**
 * struct pag_proc - the extended-model state of one process
 * @node: in pag_procs
 * @tgid: the process's thread group, referenced
 * @exec_id: its exec generation when the state was made
 * @nrefs: handles made by the process that are still open anywhere
 * @dflt: the process default: a referenced session keyring, or NULL
 *
 * @nrefs and @dflt are under pag_procs_lock.
 */
struct pag_proc {
	struct hlist_node node;
	struct pid *tgid;
	u64 exec_id;
	unsigned int nrefs;
	struct key *dflt;
};

/**
 * struct pag_holder - the handles one process made to one PAG
 * @node: in the PAG's holders list (struct pag.holders)
 * @proc: the process; its state lives while @nrefs is not 0
 * @nrefs: those handles still open anywhere
 *
 * Under pag_procs_lock.
 */
struct pag_holder {
	struct list_head node;
	struct pag_proc *proc;
	unsigned int nrefs;
};

/**
 * struct pag_ref - what a handle's file holds
 * @keyring: the PAG keyring, referenced
 * @proc: the state of the process that made the handle
 * @holder: the process's entry in the PAG's holders; NULL until the
 *	handle has a PAG
 */
struct pag_ref {
	struct key *keyring;
	struct pag_proc *proc;
	struct pag_holder *holder;
};

static DEFINE_HASHTABLE(pag_procs, 6);
static DEFINE_SPINLOCK(pag_procs_lock);

static u64 pag_exec_id(void)
{
	return READ_ONCE(current->self_exec_id);
}

/* The calling process's state, or NULL; under pag_procs_lock. */
static struct pag_proc *pag_proc_find(void)
{
	struct pid *tgid = task_tgid(current);
	u64 exec_id = pag_exec_id();
	struct pag_proc *proc;

	hash_for_each_possible(pag_procs, proc, node, (unsigned long)tgid)
		if (proc->tgid == tgid && proc->exec_id == exec_id)
			return proc;
	return NULL;
}

/*
 * Count one more handle of the calling process, making its state with the
 * first one.  Return: the state, or ERR_PTR(-EMFILE) when the process
 * holds PAG_REFS_MAX handles already, or -ENOMEM.
 */
static struct pag_proc *pag_proc_attach(void)
{
	struct pag_proc *proc, *fresh = NULL;

	for (;;) {
		spin_lock(&pag_procs_lock);
		proc = pag_proc_find();
		if (proc) {
			if (proc->nrefs >= PAG_REFS_MAX)
				proc = ERR_PTR(-EMFILE);
			else
				proc->nrefs++;
			spin_unlock(&pag_procs_lock);
			break;
		}
		if (fresh) {
			hash_add(pag_procs, &fresh->node,
				 (unsigned long)fresh->tgid);
			spin_unlock(&pag_procs_lock);
			return fresh;
		}
		spin_unlock(&pag_procs_lock);

		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
		if (!fresh)
			return ERR_PTR(-ENOMEM);
		fresh->tgid = get_pid(task_tgid(current));
		fresh->exec_id = pag_exec_id();
		fresh->nrefs = 1;
		fresh->dflt = key_get(current_cred()->session_keyring);
	}
	if (fresh) {
		/* Another thread made the state meanwhile. */
		key_put(fresh->dflt);
		put_pid(fresh->tgid);
		kfree(fresh);
	}
	return proc;
}

/* One handle of @proc's process fewer; the last frees the state. */
static void pag_proc_detach(struct pag_proc *proc)
{
	bool last;

	spin_lock(&pag_procs_lock);
	last = !--proc->nrefs;
	if (last)
		hash_del(&proc->node);
	spin_unlock(&pag_procs_lock);
	if (!last)
		return;
	key_put(proc->dflt);
	put_pid(proc->tgid);
	kfree(proc);
}

/*
 * Count one more handle of @proc's process to @pag, in its holder entry,
 * made from @spare (which is used or freed) with its first handle.
 */
static struct pag_holder *pag_holder_attach(struct pag *pag,
					    struct pag_proc *proc,
					    struct pag_holder *spare)
{
	struct pag_holder *holder;

	spin_lock(&pag_procs_lock);
	list_for_each_entry(holder, &pag->holders, node) {
		if (holder->proc == proc) {
			holder->nrefs++;
			spin_unlock(&pag_procs_lock);
			kfree(spare);
			return holder;
		}
	}
	spare->proc = proc;
	spare->nrefs = 1;
	list_add_tail(&spare->node, &pag->holders);
	spin_unlock(&pag_procs_lock);
	return spare;
}

/* One handle fewer in @holder; the last one frees it. */
static void pag_holder_detach(struct pag_holder *holder)
{
	bool last;

	spin_lock(&pag_procs_lock);
	last = !--holder->nrefs;
	if (last)
		list_del(&holder->node);
	spin_unlock(&pag_procs_lock);
	if (last)
		kfree(holder);
}

static bool pag_proc_is_current(const struct pag_proc *proc)
{
	return proc->tgid == task_tgid(current) &&
	       proc->exec_id == pag_exec_id();
}

static long pag_ref_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg);

static int pag_ref_release(struct inode *inode, struct file *file)
{
	struct pag_ref *ref = file->private_data;

	/* ORDER: the holder points at the process state: it goes first. */
	if (ref->holder)
		pag_holder_detach(ref->holder);
	key_put(ref->keyring);
	pag_proc_detach(ref->proc);
	kfree(ref);
	return 0;
}

static const struct file_operations pag_ref_fops = {
	.owner		= THIS_MODULE,
	.release	= pag_ref_release,
	.unlocked_ioctl	= pag_ref_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * The handle @file, if the calling process may use it.  Return: 0,
 * -EINVAL when @file is not a handle, -EXDEV when it belongs to another
 * process (or to this one before an execve()), or the key_validate() error
 * of its keyring: -EKEYREVOKED when a member revoked it.
 */
static int pag_ref_check(struct file *file)
{
	struct pag_ref *ref;

	if (file->f_op != &pag_ref_fops)
		return -EINVAL;
	ref = file->private_data;
	if (!pag_proc_is_current(ref->proc))
		return -EXDEV;
	return key_validate(ref->keyring);
}

/* Describe the handle's PAG: PAG_IOC_GET on the handle itself. */
static long pag_ref_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct pag_ref *ref = file->private_data;
	int err;

	if (cmd != PAG_IOC_GET)
		return -ENOTTY;
	err = pag_ref_check(file);
	if (err)
		return err;
	return pag_ioc_describe(ref->keyring, (void __user *)arg);
}

/**
 * pag_ref_make() - make a handle for the calling process
 * @new: a new PAG, which the caller does not enter; else the calling
 *	thread's active PAG
 *
 * Return: the handle's file descriptor (close-on-exec), or a negative
 * errno: -ENOENT when @new is false and the thread is in no PAG, -EMFILE
 * when the process holds %PAG_REFS_MAX handles (or its fd limit is
 * reached), the errors of pag_create() and of the key quota.  Nothing is
 * left behind on error.
 */
int pag_ref_make(bool new)
{
	struct pag_holder *spare;
	struct key *keyring = NULL;
	struct pag_ref *ref;
	struct file *file;
	int fd, err;

	if (!new) {
		keyring = pag_session_get();
		if (!keyring)
			return -ENOENT;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_keyring;
	}
	err = -ENOMEM;
	/* Allocated ahead: nothing may fail once a new PAG lives. */
	spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare)
		goto err_fd;
	ref = kzalloc(sizeof(*ref), GFP_KERNEL_ACCOUNT);
	if (!ref)
		goto err_spare;
	ref->proc = pag_proc_attach();
	if (IS_ERR(ref->proc)) {
		err = PTR_ERR(ref->proc);
		goto err_ref;
	}
	file = anon_inode_getfile("[pag_ref]", &pag_ref_fops, ref, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		pag_proc_detach(ref->proc);
		goto err_ref;
	}
	/* ORDER: the PAG last, so that it never ends unannounced. */
	if (new) {
		keyring = pag_create(current_cred());
		if (IS_ERR(keyring)) {
			/* The release frees @ref. */
			fput(file);
			put_unused_fd(fd);
			kfree(spare);
			return PTR_ERR(keyring);
		}
	}
	ref->keyring = keyring;
	ref->holder = pag_holder_attach(pag_of_keyring(keyring), ref->proc,
					spare);
	fd_install(fd, file);
	if (new)
		pag_nl_notify(pag_of_keyring(keyring), PAG_CMD_CREATED_NTF);
	return fd;

err_ref:
	kfree(ref);
err_spare:
	kfree(spare);
err_fd:
	put_unused_fd(fd);
err_keyring:
	key_put(keyring);
	return err;
}

/**
 * pag_ref_switch() - make a handle's PAG the calling thread's active PAG
 * @fd: the handle
 *
 * Return: 0, -EBADF when @fd is not open, -EINVAL when it is no handle,
 * -EXDEV when it belongs to another process or to this one before an
 * execve(), -EKEYREVOKED when its PAG keyring was revoked, or an error of
 * pag_session_switch(); nothing has changed on error.
 */
int pag_ref_switch(int fd)
{
	struct file *file = fget(fd);
	int err;

	if (!file)
		return -EBADF;
	err = pag_ref_check(file);
	if (!err) {
		struct pag_ref *ref = file->private_data;

		err = pag_session_switch(ref->keyring);
	}
	fput(file);
	return err;
}

/**
 * pag_ref_set_default() - make a handle's PAG the process default
 * @fd: the handle
 *
 * Return: 0, or the errors of pag_ref_switch() but those of the switch.
 */
int pag_ref_set_default(int fd)
{
	struct file *file = fget(fd);
	struct pag_ref *ref;
	struct key *old;
	int err;

	if (!file)
		return -EBADF;
	err = pag_ref_check(file);
	if (err)
		goto out;
	ref = file->private_data;
	key_get(ref->keyring);
	spin_lock(&pag_procs_lock);
	old = ref->proc->dflt;
	ref->proc->dflt = ref->keyring;
	spin_unlock(&pag_procs_lock);
	key_put(old);
out:
	fput(file);
	return err;
}

/**
 * pag_ref_switch_default() - return the calling thread to the process default
 *
 * Return: 0, -ENOENT when the process holds no handle (and so has no
 * default but what each thread has), -EKEYREVOKED when the default's
 * keyring was revoked, or an error of pag_session_switch().
 */
int pag_ref_switch_default(void)
{
	struct pag_proc *proc;
	struct key *dflt;
	int err;

	spin_lock(&pag_procs_lock);
	proc = pag_proc_find();
	dflt = proc ? key_get(proc->dflt) : NULL;
	spin_unlock(&pag_procs_lock);
	if (!proc)
		return -ENOENT;
	err = dflt ? key_validate(dflt) : 0;
	if (!err)
		err = pag_session_switch(dflt);
	key_put(dflt);
	return err;
}

/**
 * pag_ref_switched() - has the calling thread switched away from its default?
 *
 * Return: true when the process holds handles and the calling thread's
 * session keyring is not the process default; false when it is, or when
 * the process holds none (then, as in the classic model, the PAG a thread
 * is in is its default).
 */
bool pag_ref_switched(void)
{
	const struct key *self = current_cred()->session_keyring;
	struct pag_proc *proc;
	bool ret;

	spin_lock(&pag_procs_lock);
	proc = pag_proc_find();
	ret = proc && proc->dflt != self;
	spin_unlock(&pag_procs_lock);
	return ret;
}

/**
 * pag_ref_holders() - the processes that hold handles to a PAG
 * @pag: the PAG, pinned by the caller's reference to its keyring
 * @ns: the pid namespace to name them in
 * @pids: gets the pids of up to @max of them, those visible in @ns
 * @max: room in @pids
 * @npids: gets the number of pids written
 *
 * A process counts while it lives and has not called execve() since it
 * made its handles: after that they give it nothing (EXDEV), and it is no
 * member.  Handles it passed to other processes count for it, not for them.
 *
 * Return: the number of holding processes, which may exceed @max.
 */
unsigned int pag_ref_holders(const struct pag *pag, struct pid_namespace *ns,
			     u32 *pids, unsigned int max, unsigned int *npids)
{
	struct pag_holder *holder;
	struct task_struct *task;
	unsigned int n = 0;
	pid_t nr;

	*npids = 0;
	/*
	 * Most PAGs have no holder: the dump of every PAG takes no lock for
	 * them.  A handle made meanwhile may be missed, as by any snapshot.
	 */
	if (list_empty(&pag->holders))
		return 0;
	spin_lock(&pag_procs_lock);
	rcu_read_lock();
	list_for_each_entry(holder, &pag->holders, node) {
		task = pid_task(holder->proc->tgid, PIDTYPE_TGID);
		if (!task ||
		    READ_ONCE(task->self_exec_id) != holder->proc->exec_id)
			continue;
		n++;
		nr = pid_nr_ns(holder->proc->tgid, ns);
		if (nr && *npids < max)
			pids[(*npids)++] = nr;
	}
	rcu_read_unlock();
	spin_unlock(&pag_procs_lock);
	return n;
}
