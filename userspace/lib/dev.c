// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's fast path: the calling thread's own NEW, GET and LEAVE through
 * /dev/pag, one ioctl each instead of a netlink round trip.  The handle
 * keeps the device open as it keeps its socket.  Without the device (an
 * older pag.ko, a container whose /dev lacks the node) the netlink family
 * does the same, so every caller here falls back when h->dev < 0.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#define DEV_PATH "/dev/" PAG_DEV_NAME

/* Every attribute of the set: GET reports them all. */
#define DEV_PRESENT                                                           \
	(PAG_INFO_HAS(PAG_A_PAG_ID) | PAG_INFO_HAS(PAG_A_PAG_OWNER_UID) |     \
	 PAG_INFO_HAS(PAG_A_PAG_CREATOR_PID) |                                \
	 PAG_INFO_HAS(PAG_A_PAG_CREATOR_COMM) |                               \
	 PAG_INFO_HAS(PAG_A_PAG_CREATED_NS) | PAG_INFO_HAS(PAG_A_PAG_FLAGS) | \
	 PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT))

/**
 * pag_dev_open() - open /dev/pag for a handle of the kernel backend
 *
 * Return: the descriptor, or -1 when there is no usable device (then the
 * handle uses netlink for everything).
 */
int pag_dev_open(void)
{
	return open(DEV_PATH, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

/*
 * A request the device does not know (ENOTTY: not our device after all)
 * sends this handle to netlink for good; 1 tells the caller to retry there
 * (1 is never a PAG id: key serials start at 3).
 */
static int dev_failed(struct pag_handle *h, int err, const char *what)
{
	if (err == ENOTTY) {
		close(h->dev);
		h->dev = -1;
		return 1;
	}
	if (err == EDQUOT)
		return pag_seterr(
			h, -err,
			"the key quota of the caller's uid is exhausted "
			"(sysctl kernel.keys.maxkeys/maxbytes, "
			"root_maxkeys/root_maxbytes for uid 0); ended PAGs are "
			"freed by the key garbage collector shortly");
	if (err == ENOENT)
		return pag_seterr(h, -err, "the calling thread is in no PAG");
	return pag_seterr(h, -err, "pag.ko: " DEV_PATH ": %s: %m", what);
}

/**
 * pag_dev_info() - a PAG as the device describes it, as libpag does
 * @in: the device's description
 * @out: gets it
 */
void pag_dev_info(const struct pag_ioc_info *in, struct pag_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = in->id;
	out->owner_uid = in->owner_uid;
	out->creator_pid = in->creator_pid;
	memcpy(out->creator_comm, in->creator_comm, sizeof(out->creator_comm));
	out->creator_comm[sizeof(out->creator_comm) - 1] = '\0';
	out->created_ns = in->created_ns;
	out->flags = in->flags;
	out->token_count = in->token_count;
	out->present = DEV_PRESENT;
	/* As over netlink: an unknown count is not reported (never as 0). */
	if (in->flags & PAG_F_TOKEN_COUNT_UNKNOWN)
		out->present &= ~PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT);
}

/**
 * pag_dev_current() - the calling thread's PAG through /dev/pag
 * @h: a handle whose device is open
 * @info: gets its attributes
 *
 * Return: the PAG id, a negative errno, or 1: use netlink instead.
 */
int pag_dev_current(struct pag_handle *h, struct pag_info *info)
{
	struct pag_ioc_info ioc;
	int id;

	id = ioctl(h->dev, PAG_IOC_GET, &ioc);
	if (id < 0)
		return dev_failed(h, errno, "get");
	pag_dev_info(&ioc, info);
	return id;
}

/**
 * pag_dev_create() - create a PAG through /dev/pag
 * @h: a handle whose device is open
 * @info: gets the new PAG's attributes, or NULL: then one ioctl is all
 *
 * Return: the new PAG's id, a negative errno, or 1: use netlink instead.
 */
int pag_dev_create(struct pag_handle *h, struct pag_info *info)
{
	int id, got;

	id = ioctl(h->dev, PAG_IOC_NEW, 0);
	if (id < 0)
		return dev_failed(h, errno, "new");
	if (!info)
		return id;
	/* Only this thread changes its own session keyring. */
	got = pag_dev_current(h, info);
	if (got < 0)
		return got;
	if (got != id)
		return pag_seterr(h, -EAGAIN,
				  "pag.ko: the new PAG %d was left before it "
				  "could be described",
				  id);
	return id;
}

/**
 * pag_dev_leave() - leave the calling thread's PAG through /dev/pag
 * @h: a handle whose device is open
 *
 * Return: 0, a negative errno, or 1: use netlink instead.
 */
int pag_dev_leave(struct pag_handle *h)
{
	if (ioctl(h->dev, PAG_IOC_LEAVE, 0) < 0)
		return dev_failed(h, errno, "leave");
	return 0;
}
