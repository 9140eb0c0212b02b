// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - the "pag" generic netlink family.
 *
 * Acting on one's own PAG needs no privilege; seeing another PAG, listing
 * them all and listening to events need CAP_SYS_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM would mean CAP_NET_ADMIN, so the handlers check
 * it themselves, on the requesting socket and task: netlink_capable()).
 *
 * Events are multicast in the initial network namespace only: the group is
 * marked GENL_MCAST_CAP_SYS_ADMIN, which genetlink checks against the user
 * namespace owning the network namespace of the listener, so in init_net it
 * means CAP_SYS_ADMIN in init_user_ns, while root of a container owning its
 * own network namespace could join the group there but never gets a message.
 *
 * Ids, pids and uids are reported as the receiver sees them: the requesting
 * task for requests, the initial namespaces for events.
 */

#include <linux/capability.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <linux/pag.h>

#include "pag.h"

enum pag_nl_groups {
	PAG_NLGRP_EVENTS,
};

static const struct genl_multicast_group pag_nl_mcgrps[] = {
	[PAG_NLGRP_EVENTS] = {
		.name	= PAG_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_SYS_ADMIN,
	},
};

static const struct nla_policy pag_get_nl_policy[PAG_A_PAG_ID + 1] = {
	[PAG_A_PAG_ID] = NLA_POLICY_MIN(NLA_S32, 1),
};

static struct genl_family pag_nl_family;

/* How the receiver of a message sees ids. */
struct pag_nl_view {
	struct user_namespace *user_ns;
	struct pid_namespace *pid_ns;
	const struct key *self;		/* the receiver's session keyring */
};

static void pag_nl_view_current(struct pag_nl_view *view)
{
	view->user_ns = current_user_ns();
	view->pid_ns = task_active_pid_ns(current);
	view->self = current_cred()->session_keyring;
}

static size_t pag_nl_size(void)
{
	return nla_total_size(sizeof(s32)) +		/* ID */
	       nla_total_size(sizeof(u32)) +		/* OWNER_UID */
	       nla_total_size(sizeof(u32)) +		/* CREATOR_PID */
	       nla_total_size(TASK_COMM_LEN) +		/* CREATOR_COMM */
	       nla_total_size_64bit(sizeof(u64)) +	/* CREATED_NS */
	       nla_total_size(sizeof(u32)) +		/* FLAGS */
	       nla_total_size(sizeof(u32));		/* TOKEN_COUNT */
}

/*
 * Put the attributes of @pag.  @keyring is the PAG's keyring, or NULL when
 * it is gone (ended events): then the token count is left out.
 */
static int pag_nl_fill(struct sk_buff *skb, const struct pag *pag,
		       const struct key *keyring,
		       const struct pag_nl_view *view)
{
	u32 flags = 0;

	if (keyring && keyring == view->self)
		flags |= PAG_F_SELF;
	if (test_bit(PAG_FLAG_ADMIN_ENTERED, &pag->flags))
		flags |= PAG_F_ADMIN_ENTERED;

	if (nla_put_s32(skb, PAG_A_PAG_ID, pag->id) ||
	    nla_put_u32(skb, PAG_A_PAG_OWNER_UID,
			from_kuid_munged(view->user_ns, pag->owner)) ||
	    nla_put_u32(skb, PAG_A_PAG_CREATOR_PID,
			pid_nr_ns(pag->creator, view->pid_ns)) ||
	    nla_put_string(skb, PAG_A_PAG_CREATOR_COMM, pag->comm) ||
	    nla_put_u64_64bit(skb, PAG_A_PAG_CREATED_NS, pag->created_ns,
			      PAG_A_PAG_PAD) ||
	    nla_put_u32(skb, PAG_A_PAG_FLAGS, flags))
		return -EMSGSIZE;
	if (keyring && nla_put_u32(skb, PAG_A_PAG_TOKEN_COUNT,
				   pag_token_count(keyring)))
		return -EMSGSIZE;
	return 0;
}

/* Reply to a doit request with the attributes of the PAG @keyring. */
static int pag_nl_reply(struct sk_buff *msg, struct genl_info *info, u8 cmd,
			const struct key *keyring)
{
	struct pag_nl_view view;
	void *hdr;
	int err;

	hdr = genlmsg_put_reply(msg, info, &pag_nl_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	pag_nl_view_current(&view);
	err = pag_nl_fill(msg, pag_of_keyring(keyring), keyring, &view);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * pag_nl_notify() - multicast an event about a PAG
 * @pag: the PAG
 * @cmd: %PAG_CMD_CREATED_NTF or %PAG_CMD_ENDED_NTF
 *
 * Sleeps.  Sent in the initial network namespace only, with ids as the
 * initial namespaces see them; see the comment at the top of this file.
 */
void pag_nl_notify(const struct pag *pag, u8 cmd)
{
	struct pag_nl_view view = {
		.user_ns = &init_user_ns,
		.pid_ns = &init_pid_ns,
	};
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&pag_nl_family, &init_net, PAG_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(pag_nl_size(), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &pag_nl_family, 0, cmd);
	if (!hdr || pag_nl_fill(msg, pag, NULL, &view)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&pag_nl_family, &init_net, msg, 0,
				PAG_NLGRP_EVENTS, GFP_KERNEL);
}

static int pag_nl_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct key *keyring;
	int err;

	/* Allocate the reply first: once the PAG exists, nothing may fail. */
	msg = genlmsg_new(pag_nl_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	keyring = pag_session_new();
	if (IS_ERR(keyring)) {
		nlmsg_free(msg);
		if (PTR_ERR(keyring) == -EDQUOT)
			NL_SET_ERR_MSG(info->extack,
				       "key quota of the calling user exhausted");
		else
			NL_SET_ERR_MSG(info->extack, "cannot create the PAG keyring");
		return PTR_ERR(keyring);
	}
	pag_nl_notify(pag_of_keyring(keyring), PAG_CMD_CREATED_NTF);
	err = pag_nl_reply(msg, info, PAG_CMD_NEW, keyring);
	key_put(keyring);
	return err;
}

static int pag_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[PAG_A_PAG_ID];
	struct sk_buff *msg;
	struct key *keyring;
	int err;

	keyring = pag_session_get();
	if (!id_attr && !keyring) {
		NL_SET_ERR_MSG(info->extack, "the calling thread is in no PAG");
		return -ENOENT;
	}
	if (id_attr && (!keyring || keyring->serial != nla_get_s32(id_attr))) {
		key_put(keyring);
		if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
					    "seeing another PAG needs CAP_SYS_ADMIN in the initial user namespace");
			return -EPERM;
		}
		keyring = pag_lookup(nla_get_s32(id_attr));
		if (!keyring) {
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
					    "no live PAG has this id");
			return -ENOENT;
		}
	}

	/* pag_nl_reply() frees @msg on error. */
	msg = genlmsg_new(pag_nl_size(), GFP_KERNEL);
	err = msg ? pag_nl_reply(msg, info, PAG_CMD_GET, keyring) : -ENOMEM;
	key_put(keyring);
	return err;
}

static int pag_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	unsigned long index = cb->args[0];
	struct pag_nl_view view;
	struct key *keyring;
	void *hdr;
	int err;

	/* Checked at every step: the dump may go on in other calls. */
	if (!netlink_capable(cb->skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(cb->extack,
			       "listing PAGs needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (info->attrs && info->attrs[PAG_A_PAG_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, info->attrs[PAG_A_PAG_ID],
				    "the dump takes no PAG id");
		return -EINVAL;
	}

	pag_nl_view_current(&view);
	for (; pag_registry_next(&index); index++) {
		keyring = pag_lookup(index);
		if (!keyring)
			continue;	/* ending */
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pag_nl_family,
				  NLM_F_MULTI, PAG_CMD_GET);
		err = hdr ? pag_nl_fill(skb, pag_of_keyring(keyring), keyring,
					&view) : -EMSGSIZE;
		key_put(keyring);
		if (err) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = index;
	return skb->len;
}

static int pag_nl_leave_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = pag_session_leave();
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "the calling thread is in no PAG");
	return err;
}

/*
 * ENTER and TOKEN_* are not offered yet: they are absent, so that
 * CTRL_CMD_GETFAMILY and CTRL_CMD_GETPOLICY tell clients what is there.
 */
static const struct genl_ops pag_nl_ops[] = {
	{
		.cmd	= PAG_CMD_NEW,
		.doit	= pag_nl_new_doit,
	},
	{
		.cmd	= PAG_CMD_GET,
		.doit	= pag_nl_get_doit,
		.dumpit	= pag_nl_get_dumpit,
		.policy	= pag_get_nl_policy,
		.maxattr = ARRAY_SIZE(pag_get_nl_policy) - 1,
	},
	{
		.cmd	= PAG_CMD_LEAVE,
		.doit	= pag_nl_leave_doit,
	},
};

static struct genl_family pag_nl_family __ro_after_init = {
	.name		= PAG_FAMILY_NAME,
	.version	= PAG_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.netnsok	= true,
	.parallel_ops	= true,
	.ops		= pag_nl_ops,
	.n_ops		= ARRAY_SIZE(pag_nl_ops),
	.resv_start_op	= 0,	/* every op: strict header, policy required */
	.mcgrps		= pag_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(pag_nl_mcgrps),
};

/**
 * pag_nl_init() - register the "pag" generic netlink family
 *
 * Return: 0 on success, or a negative errno.
 */
int __init pag_nl_init(void)
{
	return genl_register_family(&pag_nl_family);
}

/**
 * pag_nl_exit() - unregister the "pag" generic netlink family
 */
void pag_nl_exit(void)
{
	genl_unregister_family(&pag_nl_family);
}
