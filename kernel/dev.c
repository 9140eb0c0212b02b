// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - /dev/pag, the one-syscall path.
 *
 * A generic netlink request costs a sendmsg(), a request and a reply skb,
 * the family dispatch and a recvmsg(): several times the work of making the
 * PAG itself, when setpag should cost about what joining a fresh session
 * keyring costs.  This misc device offers the calling thread's own NEW, GET
 * and LEAVE as ioctls, served by the same functions as the family's (see
 * session.c), with the same events.
 *
 * It is also the one path of the extended model (ref.c): handles are file
 * descriptors, which a netlink request cannot carry without SCM_RIGHTS, and
 * a switch must cost about what KEYCTL_JOIN_SESSION_KEYRING costs.  Handle
 * fds are passed by value, like LOOP_SET_FD's.
 *
 * Mode 0666: anybody may create a PAG over netlink already.  The ioctls act
 * on current's credentials, never on the opener's (file->f_cred), so an
 * open file handed to another process lets it do only what opening
 * /dev/pag would let it do.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/key.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <linux/pag.h>

#include "pag.h"

static long pag_ioc_new(void)
{
	struct key *keyring;
	long id;

	keyring = pag_session_new();
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	id = keyring->serial;
	key_put(keyring);
	return id;
}

/**
 * pag_ioc_describe() - PAG_IOC_GET: describe a PAG to the caller
 * @keyring: the PAG keyring, referenced by the caller
 * @uinfo: where to put its struct pag_ioc_info
 *
 * Return: the PAG's id, or -EFAULT.
 */
long pag_ioc_describe(struct key *keyring, struct pag_ioc_info __user *uinfo)
{
	struct pag_ioc_info info;
	struct pag_view view;

	pag_view_current(&view);
	pag_describe(pag_of_keyring(keyring), keyring, &view, &info);
	if (copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return info.id;
}

static long pag_ioc_get(struct pag_ioc_info __user *uinfo)
{
	struct key *keyring;
	long ret;

	keyring = pag_session_get();
	if (!keyring)
		return -ENOENT;
	ret = pag_ioc_describe(keyring, uinfo);
	key_put(keyring);
	return ret;
}

static long pag_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case PAG_IOC_NEW:
		return arg ? -EINVAL : pag_ioc_new();
	case PAG_IOC_GET:
		return pag_ioc_get((struct pag_ioc_info __user *)arg);
	case PAG_IOC_LEAVE:
		return arg ? -EINVAL : pag_session_leave();
	case PAG_IOC_REF_NEW:
		return arg ? -EINVAL : pag_ref_make(true);
	case PAG_IOC_REF_CURRENT:
		return arg ? -EINVAL : pag_ref_make(false);
	case PAG_IOC_SWITCH:
		return arg > INT_MAX ? -EBADF : pag_ref_switch((int)arg);
	case PAG_IOC_SWITCH_DEFAULT:
		return arg ? -EINVAL : pag_ref_switch_default();
	case PAG_IOC_SET_DEFAULT:
		return arg > INT_MAX ? -EBADF : pag_ref_set_default((int)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pag_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pag_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pag_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= PAG_DEV_NAME,
	.fops	= &pag_dev_fops,
	.mode	= 0666,		/* devtmpfs; see the comment at the top */
};

/**
 * pag_dev_init() - register /dev/pag
 *
 * Return: 0 on success, or a negative errno.
 */
int __init pag_dev_init(void)
{
	return misc_register(&pag_dev);
}

/**
 * pag_dev_exit() - unregister /dev/pag
 */
void pag_dev_exit(void)
{
	misc_deregister(&pag_dev);
}
