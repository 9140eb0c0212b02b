// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's PAG handles ("refs"): the extended model of pag.ko, where a
 * process holds several PAGs and each thread switches its active PAG in
 * one ioctl on /dev/pag.  A ref is a plain file descriptor (close it with
 * close()): servers keep thousands, and a descriptor is what the kernel
 * checks.  There is no netlink path and no keyring fallback: a ref is
 * what makes switching safe, and only pag.ko's device makes refs.
 */

#include <errno.h>
#include <sys/ioctl.h>

#include "internal.h"

/* The device, or a message saying why there is none. */
static int ref_dev(struct pag_handle *h)
{
	if (h->backend != PAG_BACKEND_KERNEL)
		return pag_seterr(h, -EOPNOTSUPP,
				  "PAG handles need pag.ko (the keyring "
				  "fallback has none)");
	if (h->dev < 0)
		return pag_seterr(h, -EOPNOTSUPP,
				  "PAG handles need /dev/" PAG_DEV_NAME
				  ", which this handle could not open");
	return h->dev;
}

/* Words for the errors a ref request can get; @what names the request. */
static int ref_failed(struct pag_handle *h, int err, const char *what)
{
	switch (err) {
	case EXDEV:
		return pag_seterr(
			h, -err,
			"%s: the PAG handle belongs to another process "
			"(or to this one before an execve()): it "
			"gives nothing here",
			what);
	case EBADF:
		return pag_seterr(h, -err, "%s: the PAG handle is not open",
				  what);
	case EINVAL:
		return pag_seterr(h, -err,
				  "%s: the descriptor is not a PAG handle",
				  what);
	case EKEYREVOKED:
		return pag_seterr(h, -err, "%s: the PAG's keyring was revoked",
				  what);
	case EMFILE:
		return pag_seterr(h, -err,
				  "%s: the process holds PAG_REFS_MAX (%d) PAG "
				  "handles, or its file descriptor limit",
				  what, PAG_REFS_MAX);
	case EPERM:
		return pag_seterr(h, -err,
				  "%s: the calling thread is traced by a task "
				  "outside the PAG without CAP_SYS_PTRACE",
				  what);
	default:
		return pag_seterr(
			h, -err, "pag.ko: /dev/" PAG_DEV_NAME ": %s: %m", what);
	}
}

static int ref_ioctl(struct pag_handle *h, unsigned long req, long arg,
		     const char *what)
{
	int dev = ref_dev(h);
	int ret;

	if (dev < 0)
		return dev;
	ret = ioctl(dev, req, arg);
	return ret < 0 ? ref_failed(h, errno, what) : ret;
}

/**
 * pag_ref_new() - create a PAG without entering it
 * @h: a handle of the kernel backend
 *
 * Return: a PAG handle (a close-on-exec file descriptor; close() it), or
 * a negative errno.
 */
PAG_EXPORT int pag_ref_new(struct pag_handle *h)
{
	return ref_ioctl(h, PAG_IOC_REF_NEW, 0, "new PAG handle");
}

/**
 * pag_ref_current() - a PAG handle for the calling thread's active PAG
 * @h: a handle of the kernel backend
 *
 * Return: a PAG handle, or a negative errno (-ENOENT: in no PAG).
 */
PAG_EXPORT int pag_ref_current(struct pag_handle *h)
{
	int ret = ref_ioctl(h, PAG_IOC_REF_CURRENT, 0, "current PAG handle");

	if (ret == -ENOENT)
		pag_seterr(h, ret, "the calling thread is in no PAG");
	return ret;
}

/**
 * pag_ref_info() - describe the PAG of a PAG handle
 * @h: a handle of the kernel backend
 * @ref: a PAG handle of this process
 * @info: gets its attributes, or NULL
 *
 * Return: the PAG id, or a negative errno.
 */
PAG_EXPORT int pag_ref_info(struct pag_handle *h, int ref,
			    struct pag_info *info)
{
	struct pag_ioc_info ioc;
	int dev = ref_dev(h);
	int id;

	if (dev < 0)
		return dev;
	id = ioctl(ref, PAG_IOC_GET, &ioc);
	if (id < 0)
		return ref_failed(h, errno == ENOTTY ? EINVAL : errno,
				  "describe PAG handle");
	if (info)
		pag_dev_info(&ioc, info);
	return id;
}

/**
 * pag_switch() - make a PAG handle's PAG the calling thread's active PAG
 * @h: a handle of the kernel backend
 * @ref: a PAG handle of this process
 *
 * Return: 0, or a negative errno; the thread is where it was on error.
 */
PAG_EXPORT int pag_switch(struct pag_handle *h, int ref)
{
	if (ref < 0)
		return ref_failed(h, EBADF, "switch");
	return ref_ioctl(h, PAG_IOC_SWITCH, ref, "switch");
}

/**
 * pag_switch_default() - return the calling thread to the process default
 * @h: a handle of the kernel backend
 *
 * Return: 0, or a negative errno (-ENOENT: the process holds no PAG
 * handle, so it has no default beyond each thread's PAG).
 */
PAG_EXPORT int pag_switch_default(struct pag_handle *h)
{
	int ret = ref_ioctl(h, PAG_IOC_SWITCH_DEFAULT, 0, "switch to default");

	if (ret == -ENOENT)
		pag_seterr(h, ret,
			   "the process holds no PAG handle: it has no default "
			   "to switch to");
	return ret;
}

/**
 * pag_set_default() - make a PAG handle's PAG the process default
 * @h: a handle of the kernel backend
 * @ref: a PAG handle of this process
 *
 * Return: 0, or a negative errno.
 */
PAG_EXPORT int pag_set_default(struct pag_handle *h, int ref)
{
	if (ref < 0)
		return ref_failed(h, EBADF, "set default");
	return ref_ioctl(h, PAG_IOC_SET_DEFAULT, ref, "set default");
}
