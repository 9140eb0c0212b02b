// SPDX-License-Identifier: GPL-2.0
/*
 * Events: a second socket of the netlink layer joined to the family's
 * "events" multicast group, so that requests on the first never see them.
 * The caller polls the socket's fd and reads events one by one.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"

#define EVBUF_SIZE 32768

/**
 * pag_subscribe() - receive the family's events
 * @h: the handle
 *
 * pag.ko marks its events group GENL_MCAST_CAP_SYS_ADMIN and multicasts
 * in the initial network namespace only: joining needs CAP_SYS_ADMIN in
 * the user namespace that owns the caller's network namespace (-EPERM
 * otherwise), and only listeners in the initial network namespace receive
 * anything.  In effect the subscribers are those with CAP_SYS_ADMIN in the
 * initial user namespace; root of a container with a network namespace of
 * its own may join there but is sent nothing.  A subscriber gets every
 * PAG's events, with ids as the initial namespaces see them.  Calling it
 * again returns the same fd.
 *
 * Return: a file descriptor to poll for POLLIN (owned by @h), or a
 * negative errno: -EOPNOTSUPP without pag.ko or when it has no events;
 * -EPERM without the capability.
 */
PAG_EXPORT int pag_subscribe(struct pag_handle *h)
{
	int err;

	if (h->backend == PAG_BACKEND_KEYRING)
		return pag_seterr(h, -EOPNOTSUPP, "pag.ko is not loaded: %s",
				  pag_limit_str(PAG_LIMIT_NO_EVENTS));
	if (pag_module_problem(h))
		return pag_seterr(h, -EOPNOTSUPP, "%s", pag_module_problem(h));
	if (h->ev.sock)
		return mnl_socket_get_fd(h->ev.sock);
	if (!h->req.mcgrp_events)
		return pag_seterr(h, -EOPNOTSUPP,
				  "the loaded pag.ko has no \"%s\" multicast "
				  "group",
				  PAG_MCGRP_EVENTS);
	if (!h->evbuf) {
		h->evbuf = malloc(EVBUF_SIZE);
		if (!h->evbuf)
			return pag_seterr(h, -ENOMEM, "out of memory");
	}
	err = pag_nl_open(&h->ev);
	if (!err)
		err = pag_nl_join(&h->ev, h->req.mcgrp_events);
	if (err) {
		pag_nl_close(&h->ev);
		return pag_seterr(h, err, "cannot join the \"%s\" group: %m",
				  PAG_MCGRP_EVENTS);
	}
	h->ev.family = h->req.family;
	h->evlen = 0;
	h->evoff = 0;
	return mnl_socket_get_fd(h->ev.sock);
}

/* The next event in the buffer: 1 when found, 0 at its end, or -errno. */
static int next_event(struct pag_handle *h, struct pag_event *ev)
{
	while (h->evoff < h->evlen) {
		const struct nlmsghdr *nlh =
			(const void *)(h->evbuf + h->evoff);
		int len = (int)(h->evlen - h->evoff);
		const struct genlmsghdr *genl;
		int err;

		if (!mnl_nlmsg_ok(nlh, len)) {
			h->evlen = h->evoff = 0;
			return pag_seterr(h, -EBADMSG, "malformed event");
		}
		h->evoff += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_type != h->ev.family ||
		    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*genl)))
			continue;
		genl = mnl_nlmsg_get_payload(nlh);
		switch (genl->cmd) {
		case PAG_CMD_CREATED_NTF:
		case PAG_CMD_ENDED_NTF:
		case PAG_CMD_TOKENS_NTF:
			break;
		default:
			continue; /* a newer kernel's event: not ours */
		}
		err = pag_msg_parse_info(nlh, &ev->pag);
		if (err)
			return pag_seterr(h, err, "malformed %s event",
					  pag_cmd_name(genl->cmd));
		ev->type = (enum pag_event_type)genl->cmd;
		return 1;
	}
	h->evlen = h->evoff = 0;
	return 0;
}

/**
 * pag_event_read() - the next event, without waiting
 * @h: the handle, after pag_subscribe()
 * @ev: gets the event
 *
 * Return: 0, -EAGAIN when no event is waiting (poll the fd), -ENOBUFS when
 * events were lost because they came faster than they were read (reading
 * can go on), or another negative errno.
 */
PAG_EXPORT int pag_event_read(struct pag_handle *h, struct pag_event *ev)
{
	int ret;

	if (!h->ev.sock)
		return pag_seterr(h, -EINVAL, "not subscribed to events");
	for (;;) {
		ret = next_event(h, ev);
		if (ret)
			return ret < 0 ? ret : 0;
		ret = pag_nl_recv(&h->ev, h->evbuf, EVBUF_SIZE, false);
		if (ret == -EINTR)
			continue;
		if (ret == -ENOBUFS)
			return pag_seterr(h, ret,
					  "events were lost: they came faster "
					  "than they were read");
		if (ret < 0)
			return ret == -EAGAIN
				       ? ret
				       : pag_seterr(h, ret,
						    "reading events: %m");
		h->evlen = (size_t)ret;
		h->evoff = 0;
	}
}

/**
 * pag_event_str() - the name of an event type
 * @type: PAG_EVENT_*
 *
 * Return: "created", "ended", "tokens-changed", or "unknown".
 */
PAG_EXPORT const char *pag_event_str(enum pag_event_type type)
{
	return pag_cmd_name(type);
}
