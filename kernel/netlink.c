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

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/key-type.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <linux/pag.h>

#include "compat.h"
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

static const struct nla_policy pag_get_nl_policy[PAG_A_PAG_CREATED_NS + 1] = {
	[PAG_A_PAG_ID]		= NLA_POLICY_MIN(NLA_S32, 1),
	[PAG_A_PAG_CREATED_NS]	= { .type = NLA_U64 },
};

/* Longest key type name and description the key subsystem takes. */
#define PAG_TOKEN_TYPE_MAX	31
#define PAG_TOKEN_NAME_MAX	4095

/*
 * DATA has no length in the policy: the handler rejects oversized payloads
 * with a message that says so.
 */
static const struct nla_policy pag_token_add_nl_policy[PAG_A_TOKEN_PAG_CREATED_NS + 1] = {
	[PAG_A_TOKEN_PAG]	= NLA_POLICY_MIN(NLA_S32, 1),
	[PAG_A_TOKEN_TYPE]	= { .type = NLA_NUL_STRING,
				    .len = PAG_TOKEN_TYPE_MAX },
	[PAG_A_TOKEN_NAME]	= { .type = NLA_NUL_STRING,
				    .len = PAG_TOKEN_NAME_MAX },
	[PAG_A_TOKEN_DATA]	= { .type = NLA_BINARY },
	[PAG_A_TOKEN_EXPIRY]	= { .type = NLA_U64 },
	[PAG_A_TOKEN_PAG_CREATED_NS] = { .type = NLA_U64 },
};

static const struct nla_policy pag_token_del_nl_policy[PAG_A_TOKEN_PAG_CREATED_NS + 1] = {
	[PAG_A_TOKEN_PAG]	= NLA_POLICY_MIN(NLA_S32, 1),
	[PAG_A_TOKEN_TYPE]	= { .type = NLA_NUL_STRING,
				    .len = PAG_TOKEN_TYPE_MAX },
	[PAG_A_TOKEN_NAME]	= { .type = NLA_NUL_STRING,
				    .len = PAG_TOKEN_NAME_MAX },
	[PAG_A_TOKEN_PAG_CREATED_NS] = { .type = NLA_U64 },
};

static const struct nla_policy pag_token_get_nl_policy[PAG_A_TOKEN_PAG_CREATED_NS + 1] = {
	[PAG_A_TOKEN_PAG]	= NLA_POLICY_MIN(NLA_S32, 1),
	[PAG_A_TOKEN_PAG_CREATED_NS] = { .type = NLA_U64 },
};

static struct genl_family pag_nl_family;

/* EDQUOT: whose quota, which limits, and why it comes back by itself. */
#define PAG_NL_QUOTA_MSG \
	"the key quota of the caller's uid is exhausted (sysctl kernel.keys.maxkeys/maxbytes, root_maxkeys/root_maxbytes for uid 0); ended PAGs are freed by the key garbage collector shortly"
#define PAG_NL_NOMEM_MSG	"out of memory"
#define PAG_NL_LINKS_MSG \
	"the PAG keyring holds more than PAG_TOKEN_LINKS_MAX (512) links: its tokens cannot be listed"

/*
 * A request that changed something (the caller's session keyring, a token)
 * has succeeded, whether or not its reply reaches the requester: a full
 * receive buffer (the requester's socket then reports ENOBUFS) must not
 * turn into a failure, and with NLM_F_ACK the ack says "done".  The
 * requester learns what it needs with GET or TOKEN_GET.
 */
static int pag_nl_reply_done(int err)
{
	/* Replies are sized in advance: EMSGSIZE would be a bug here. */
	WARN_ON_ONCE(err == -EMSGSIZE);
	return 0;
}

/*
 * Events carry no holders: sized without them, an event's skb stays in
 * the smaller allocation, so a listener's receive buffer holds twice as
 * many events before it overflows.
 */
static size_t pag_nl_size(bool holders)
{
	size_t size = nla_total_size(sizeof(s32)) +	/* ID */
		      nla_total_size(sizeof(u32)) +	/* OWNER_UID */
		      nla_total_size(sizeof(u32)) +	/* CREATOR_PID */
		      nla_total_size(TASK_COMM_LEN) +	/* CREATOR_COMM */
		      nla_total_size_64bit(sizeof(u64)) + /* CREATED_NS */
		      nla_total_size(sizeof(u32)) +	/* FLAGS */
		      nla_total_size(sizeof(u32)) +	/* TOKEN_COUNT */
		      nla_total_size(sizeof(s32)) +	/* PARENT_ID */
		      nla_total_size_64bit(sizeof(u64)); /* PARENT_CREATED_NS */

	if (holders)
		size += nla_total_size(sizeof(u32)) +	/* HOLDERS */
			PAG_HOLDER_PIDS_MAX * nla_total_size(sizeof(u32));
	return size;
}

/* The processes that are members of @pag by holding handles to it. */
static int pag_nl_fill_holders(struct sk_buff *skb, const struct pag *pag,
			       const struct pag_view *view)
{
	u32 pids[PAG_HOLDER_PIDS_MAX];
	unsigned int n, npids, i;

	n = pag_ref_holders(pag, view->pid_ns, pids, ARRAY_SIZE(pids), &npids);
	if (nla_put_u32(skb, PAG_A_PAG_HOLDERS, n))
		return -EMSGSIZE;
	for (i = 0; i < npids; i++)
		if (nla_put_u32(skb, PAG_A_PAG_HOLDER_PID, pids[i]))
			return -EMSGSIZE;
	return 0;
}

/*
 * Put the attributes of @pag.  @keyring is the PAG's keyring, or NULL for
 * events: then the token count is left out, as it is when it is unknown,
 * and so are the holders.
 */
static int pag_nl_fill(struct sk_buff *skb, const struct pag *pag,
		       struct key *keyring, const struct pag_view *view)
{
	struct pag_ioc_info d;

	pag_describe(pag, keyring, view, &d);
	if (nla_put_s32(skb, PAG_A_PAG_ID, d.id) ||
	    nla_put_u32(skb, PAG_A_PAG_OWNER_UID, d.owner_uid) ||
	    nla_put_u32(skb, PAG_A_PAG_CREATOR_PID, d.creator_pid) ||
	    nla_put_string(skb, PAG_A_PAG_CREATOR_COMM, d.creator_comm) ||
	    nla_put_u64_64bit(skb, PAG_A_PAG_CREATED_NS, d.created_ns,
			      PAG_A_PAG_PAD) ||
	    nla_put_u32(skb, PAG_A_PAG_FLAGS, d.flags))
		return -EMSGSIZE;
	if (!keyring)
		return 0;
	if (!(d.flags & PAG_F_TOKEN_COUNT_UNKNOWN) &&
	    nla_put_u32(skb, PAG_A_PAG_TOKEN_COUNT, d.token_count))
		return -EMSGSIZE;
	return pag_nl_fill_holders(skb, pag, view);
}

/*
 * The creation event names the PAG its creator left for it, so that the
 * host's daemon can give the child what the parent had (a container's
 * login keeps its tenant).  Ids as the initial namespaces see them, like
 * every event.
 */
static int pag_nl_fill_parent(struct sk_buff *skb, const struct pag *pag)
{
	if (!pag->parent_id)
		return 0;
	if (nla_put_s32(skb, PAG_A_PAG_PARENT_ID, pag->parent_id) ||
	    nla_put_u64_64bit(skb, PAG_A_PAG_PARENT_CREATED_NS,
			      pag->parent_created_ns, PAG_A_PAG_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Reply to a doit request with the attributes of the PAG @keyring. */
static int pag_nl_reply(struct sk_buff *msg, struct genl_info *info, u8 cmd,
			struct key *keyring)
{
	struct pag_view view;
	void *hdr;
	int err;

	hdr = genlmsg_put_reply(msg, info, &pag_nl_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	pag_view_current(&view);
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
 * @cmd: %PAG_CMD_CREATED_NTF, %PAG_CMD_ENDED_NTF or %PAG_CMD_TOKENS_NTF
 *
 * Sleeps.  TOKENS_NTF comes from pag_tokens_changed()'s work only (it is
 * coalesced there).  Sent in the initial network namespace only,
 * with ids as the initial namespaces see them; see the comment at the top
 * of this file.
 */
void pag_nl_notify(const struct pag *pag, u8 cmd)
{
	struct pag_view view = {
		.user_ns = &init_user_ns,
		.pid_ns = &init_pid_ns,
	};
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&pag_nl_family, &init_net, PAG_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(pag_nl_size(false), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &pag_nl_family, 0, cmd);
	if (!hdr || pag_nl_fill(msg, pag, NULL, &view) ||
	    (cmd == PAG_CMD_CREATED_NTF && pag_nl_fill_parent(msg, pag))) {
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
	msg = genlmsg_new(pag_nl_size(true), GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		return -ENOMEM;
	}
	keyring = pag_session_new();
	if (IS_ERR(keyring)) {
		nlmsg_free(msg);
		if (PTR_ERR(keyring) == -EDQUOT)
			NL_SET_ERR_MSG(info->extack, PAG_NL_QUOTA_MSG);
		else if (PTR_ERR(keyring) == -ENODEV)
			NL_SET_ERR_MSG(info->extack,
				       "pag.ko is being unloaded");
		else if (PTR_ERR(keyring) == -EPERM)
			NL_SET_ERR_MSG(info->extack,
				       "the caller is traced by a task without CAP_SYS_PTRACE in the initial user namespace");
		else
			NL_SET_ERR_MSG(info->extack, "cannot create the PAG keyring");
		return PTR_ERR(keyring);
	}
	err = pag_nl_reply(msg, info, PAG_CMD_NEW, keyring);
	key_put(keyring);
	return pag_nl_reply_done(err);
}

/*
 * The incarnation check shared by every request that names a PAG: @created
 * (PAG_A_*_CREATED_NS, may be absent) must be @keyring's creation time.
 * Consumes the reference to @keyring on failure.
 */
static struct key *pag_nl_check_incarnation(struct key *keyring,
					    const struct nlattr *created,
					    struct netlink_ext_ack *extack)
{
	if (!created || !nla_get_u64(created) ||
	    pag_of_keyring(keyring)->created_ns == nla_get_u64(created))
		return keyring;
	key_put(keyring);
	NL_SET_ERR_MSG_ATTR(extack, created,
			    "the PAG with this id is not the one created at this time: that PAG ended and its id was reused");
	return ERR_PTR(-ESTALE);
}

/*
 * The live PAG with the id @attr, created at @created (when present), with
 * a reference for the caller; no privilege is checked here.
 */
static struct key *pag_nl_lookup(const struct nlattr *attr,
				 const struct nlattr *created,
				 struct netlink_ext_ack *extack)
{
	struct key *keyring = pag_lookup(nla_get_s32(attr));

	if (!keyring) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no live PAG has this id");
		return ERR_PTR(-ENOENT);
	}
	return pag_nl_check_incarnation(keyring, created, extack);
}

/*
 * The PAG a request is about: the caller's own, or the one named by @attr,
 * in both cases only if it was created at @created (when present).
 * Another PAG than one's own needs CAP_SYS_ADMIN in the initial user
 * namespace, checked before any lookup so that the unprivileged learn
 * nothing about which ids exist.  @tokens: the request is about tokens (for
 * the message).
 */
static struct key *pag_nl_target(struct sk_buff *skb,
				 const struct nlattr *attr,
				 const struct nlattr *created,
				 struct netlink_ext_ack *extack, bool tokens)
{
	struct key *keyring = pag_session_get();

	if (!attr && !keyring) {
		NL_SET_ERR_MSG(extack, "the calling thread is in no PAG");
		return ERR_PTR(-ENOENT);
	}
	if (!attr || (keyring && keyring->serial == nla_get_s32(attr)))
		return pag_nl_check_incarnation(keyring, created, extack);
	key_put(keyring);
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		if (tokens)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "the tokens of another PAG need CAP_SYS_ADMIN in the initial user namespace");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "seeing another PAG needs CAP_SYS_ADMIN in the initial user namespace");
		return ERR_PTR(-EPERM);
	}
	return pag_nl_lookup(attr, created, extack);
}

static int pag_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct key *keyring;
	int err;

	keyring = pag_nl_target(skb, info->attrs[PAG_A_PAG_ID],
				info->attrs[PAG_A_PAG_CREATED_NS], info->extack,
				false);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);

	/* pag_nl_reply() frees @msg on error. */
	msg = genlmsg_new(pag_nl_size(true), GFP_KERNEL);
	if (msg) {
		err = pag_nl_reply(msg, info, PAG_CMD_GET, keyring);
	} else {
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		err = -ENOMEM;
	}
	key_put(keyring);
	return err;
}

static int pag_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = pag_dump_attrs(cb);
	unsigned long index = cb->args[0];
	struct pag_view view;
	struct key *keyring;
	void *hdr;
	int err;

	/* Checked at every step: the dump may go on in other calls. */
	if (!netlink_capable(cb->skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(cb->extack,
			       "listing PAGs needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (attrs && attrs[PAG_A_PAG_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[PAG_A_PAG_ID],
				    "the dump takes no PAG id");
		return -EINVAL;
	}
	if (attrs && attrs[PAG_A_PAG_CREATED_NS]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[PAG_A_PAG_CREATED_NS],
				    "the dump takes no creation time");
		return -EINVAL;
	}

	pag_view_current(&view);
	for (; (keyring = pag_registry_next(&index)); index++) {
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
	else if (err == -ENOMEM)
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
	return err;
}

static int pag_nl_enter_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[PAG_A_PAG_ID];
	struct nlattr *created = info->attrs[PAG_A_PAG_CREATED_NS];
	struct sk_buff *msg;
	struct key *keyring;
	struct pag *pag;
	int err;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "entering a PAG needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (!id_attr) {
		NL_SET_ERR_MSG(info->extack, "the PAG to enter (PAG_A_PAG_ID) is missing");
		return -EINVAL;
	}
	/*
	 * Ids are reused: entering by id alone could put a worker, and the
	 * credentials it was about to store, into a later PAG of someone else.
	 */
	if (!created || !nla_get_u64(created)) {
		NL_SET_ERR_MSG_ATTR(info->extack, created,
				    "the creation time of the PAG to enter (PAG_A_PAG_CREATED_NS) is missing");
		return -EINVAL;
	}
	/*
	 * The session keyring is per thread: entering would leave the other
	 * threads outside, and a long-lived threaded daemon is exactly what
	 * must not live in a PAG.  Only this thread can add threads, so the
	 * answer cannot change under us.
	 */
	if (!thread_group_empty(current)) {
		NL_SET_ERR_MSG(info->extack,
			       "only a single-threaded process may enter a PAG");
		return -EBUSY;
	}

	msg = genlmsg_new(pag_nl_size(true), GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		return -ENOMEM;
	}
	keyring = pag_nl_lookup(id_attr, created, info->extack);
	if (IS_ERR(keyring)) {
		nlmsg_free(msg);
		return PTR_ERR(keyring);
	}
	err = pag_session_enter(keyring);
	if (err) {
		if (err == -EPERM)
			NL_SET_ERR_MSG(info->extack,
				       "the caller is traced by a task outside the PAG without CAP_SYS_PTRACE in the initial user namespace");
		else
			NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		nlmsg_free(msg);
		key_put(keyring);
		return err;
	}
	pag = pag_of_keyring(keyring);
	set_bit(PAG_FLAG_ADMIN_ENTERED, &pag->flags);
	pr_info("pid %d (%s) uid %u entered PAG %d (owner uid %u)\n",
		task_pid_nr(current), current->comm,
		from_kuid(&init_user_ns, current_uid()), pag->id,
		from_kuid(&init_user_ns, pag->owner));
	err = pag_nl_reply(msg, info, PAG_CMD_ENTER, keyring);
	key_put(keyring);
	return pag_nl_reply_done(err);
}

static size_t pag_nl_token_size(const char *type, const char *name)
{
	return nla_total_size(sizeof(s32)) +			/* PAG */
	       nla_total_size(strlen(type) + 1) +		/* TYPE */
	       nla_total_size(strlen(name) + 1) +		/* NAME */
	       nla_total_size_64bit(sizeof(u64)) +		/* EXPIRY */
	       nla_total_size(sizeof(u32)) +			/* SIZE */
	       nla_total_size(sizeof(s32)) +			/* SERIAL */
	       nla_total_size_64bit(sizeof(u64));		/* MTIME */
}

/* Put the metadata of a token; never its payload. */
static int pag_nl_token_fill(struct sk_buff *skb, struct pag *pag,
			     const struct key *key)
{
	time64_t mtime = pag_token_mtime(pag, key);
	time64_t expiry = READ_ONCE(key->expiry);

	/* Keys without expiry have TIME64_MAX (0 on older kernels). */
	if (expiry == TIME64_MAX)
		expiry = 0;
	if (nla_put_s32(skb, PAG_A_TOKEN_PAG, pag->id) ||
	    nla_put_string(skb, PAG_A_TOKEN_TYPE, key->type->name) ||
	    nla_put_string(skb, PAG_A_TOKEN_NAME, key->description) ||
	    nla_put_u64_64bit(skb, PAG_A_TOKEN_EXPIRY, expiry,
			      PAG_A_TOKEN_PAD) ||
	    nla_put_u32(skb, PAG_A_TOKEN_SIZE, key->datalen) ||
	    nla_put_s32(skb, PAG_A_TOKEN_SERIAL, key->serial))
		return -EMSGSIZE;
	if (mtime && nla_put_u64_64bit(skb, PAG_A_TOKEN_MTIME, mtime,
				       PAG_A_TOKEN_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * Check the type and name of a token request.  @add: the types TOKEN_ADD
 * can make; TOKEN_DEL also takes krb5 ccaches.
 */
static int pag_nl_token_check(struct genl_info *info, bool add)
{
	struct nlattr *type_attr = info->attrs[PAG_A_TOKEN_TYPE];
	struct nlattr *name_attr = info->attrs[PAG_A_TOKEN_NAME];
	const char *type, *name;

	if (!type_attr || !name_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "the token type (PAG_A_TOKEN_TYPE) and name (PAG_A_TOKEN_NAME) are required");
		return -EINVAL;
	}
	type = nla_data(type_attr);
	name = nla_data(name_attr);
	if (!strcmp(type, "keyring")) {
		if (!add)
			goto name;
		NL_SET_ERR_MSG_ATTR(info->extack, type_attr,
				    "krb5 keyring ccaches are made by libkrb5 inside the PAG (KEYRING:session:NAME), not by TOKEN_ADD");
		return -EOPNOTSUPP;
	}
	if (strcmp(type, "rxrpc") && strcmp(type, "user") &&
	    strcmp(type, "logon")) {
		NL_SET_ERR_MSG_ATTR(info->extack, type_attr,
				    "key type not allowed in a PAG (allowed: rxrpc, user, logon, and keyring for deletion)");
		return -EINVAL;
	}
name:
	if (!*name) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "the token name is empty");
		return -EINVAL;
	}
	if (!strcmp(type, "rxrpc") &&
	    (!str_has_prefix(name, "afs@") || !name[4])) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "rxrpc tokens are named afs@CELL");
		return -EINVAL;
	}
	if (!strcmp(type, "logon") && (!strchr(name, ':') || *name == ':')) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "logon tokens are named SERVICE:NAME");
		return -EINVAL;
	}
	if (!strcmp(type, "keyring") &&
	    !str_has_prefix(name, PAG_KRB5_CCACHE_PREFIX)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "keyring tokens are krb5 ccaches named _krb_NAME");
		return -EINVAL;
	}
	return 0;
}

/* The message for an error of the key subsystem on TOKEN_ADD. */
static void pag_nl_token_add_error(struct genl_info *info, const char *type,
				   int err)
{
	struct nlattr *data = info->attrs[PAG_A_TOKEN_DATA];

	switch (err) {
	case -ENODEV:
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PAG_A_TOKEN_TYPE],
				    "this key type is not available in the running kernel");
		break;
	case -EDQUOT:
		NL_SET_ERR_MSG(info->extack, PAG_NL_QUOTA_MSG);
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		break;
	case -EINVAL:
	case -EKEYREJECTED:
	case -EBADMSG:
	case -EPROTO:
	case -EMSGSIZE:
	case -ENOPKG:
	case -EPROTONOSUPPORT:
		if (!strcmp(type, "rxrpc"))
			NL_SET_ERR_MSG_ATTR(info->extack, data,
					    "the kernel's rxrpc key parser rejected the payload");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, data,
					    "the key type rejected the payload");
		break;
	default:
		NL_SET_ERR_MSG(info->extack, "cannot add the token");
	}
}

static int pag_nl_token_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[PAG_A_TOKEN_DATA];
	struct nlattr *expiry_attr = info->attrs[PAG_A_TOKEN_EXPIRY];
	struct key *keyring, *key;
	const char *type, *name;
	unsigned int timeout = 0;
	struct sk_buff *msg;
	bool host;
	void *hdr;
	int err;

	err = pag_nl_token_check(info, true);
	if (err)
		return err;
	type = nla_data(info->attrs[PAG_A_TOKEN_TYPE]);
	name = nla_data(info->attrs[PAG_A_TOKEN_NAME]);
	if (!data || !nla_len(data)) {
		NL_SET_ERR_MSG(info->extack,
			       "the token payload (PAG_A_TOKEN_DATA) is missing or empty");
		return -EINVAL;
	}
	if (nla_len(data) > PAG_TOKEN_DATA_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, data,
				    "the token payload is larger than PAG_TOKEN_DATA_MAX (32767 bytes)");
		return -E2BIG;
	}
	if (expiry_attr && nla_get_u64(expiry_attr)) {
		u64 expiry = nla_get_u64(expiry_attr);
		time64_t now = ktime_get_real_seconds();

		/*
		 * The timeout is computed once, here, before anything is
		 * made: computed again later it could reach 0 (which means
		 * "never expires") or less.  Far expiries are clamped to the
		 * largest timeout the key subsystem takes.
		 */
		if (now < 0 || expiry <= (u64)now) {
			NL_SET_ERR_MSG_ATTR(info->extack, expiry_attr,
					    "the token expiry is not in the future");
			return -EINVAL;
		}
		timeout = min_t(u64, expiry - now, UINT_MAX);
	}

	keyring = pag_nl_target(skb, info->attrs[PAG_A_TOKEN_PAG],
				info->attrs[PAG_A_TOKEN_PAG_CREATED_NS],
				info->extack, true);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	msg = genlmsg_new(pag_nl_token_size(type, name), GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, PAG_NL_NOMEM_MSG);
		key_put(keyring);
		return -ENOMEM;
	}
	/* Another PAG than one's own: pag_nl_target() checked the privilege. */
	host = keyring != current_cred()->session_keyring;
	key = pag_token_add(keyring, type, name, nla_data(data), nla_len(data),
			    timeout, host);
	if (IS_ERR(key)) {
		pag_nl_token_add_error(info, type, PTR_ERR(key));
		nlmsg_free(msg);
		key_put(keyring);
		return PTR_ERR(key);
	}
	pag_tokens_changed(pag_of_keyring(keyring));

	/* The reply: the token's metadata, as TOKEN_GET reports it. */
	hdr = genlmsg_put_reply(msg, info, &pag_nl_family, 0, PAG_CMD_TOKEN_ADD);
	err = hdr ? pag_nl_token_fill(msg, pag_of_keyring(keyring), key) :
		    -EMSGSIZE;
	key_put(key);
	key_put(keyring);
	if (err) {
		nlmsg_free(msg);
		return pag_nl_reply_done(err);
	}
	genlmsg_end(msg, hdr);
	return pag_nl_reply_done(genlmsg_reply(msg, info));
}

/* The message for an error of pag_tokens_get(), if any. */
static void pag_nl_tokens_error(struct netlink_ext_ack *extack, int err)
{
	if (err == -EOVERFLOW)
		NL_SET_ERR_MSG(extack, PAG_NL_LINKS_MSG);
	else if (err == -ENOMEM)
		NL_SET_ERR_MSG(extack, PAG_NL_NOMEM_MSG);
}

static int pag_nl_token_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct key *keyring;
	int err, n;

	err = pag_nl_token_check(info, false);
	if (err)
		return err;
	keyring = pag_nl_target(skb, info->attrs[PAG_A_TOKEN_PAG],
				info->attrs[PAG_A_TOKEN_PAG_CREATED_NS],
				info->extack, true);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	n = pag_token_del(keyring, nla_data(info->attrs[PAG_A_TOKEN_TYPE]),
			  nla_data(info->attrs[PAG_A_TOKEN_NAME]));
	if (n > 0)
		pag_tokens_changed(pag_of_keyring(keyring));
	key_put(keyring);
	if (n == 0) {
		NL_SET_ERR_MSG(info->extack,
			       "the PAG has no token of this type and name");
		return -ENOENT;
	}
	pag_nl_tokens_error(info->extack, n);
	return n < 0 ? n : 0;
}

/*
 * The dump resumes after the last serial sent (cb->args[0]): tokens are
 * listed in serial order, so changes between the parts of a dump neither
 * repeat nor skip the tokens that stay.
 */
static int pag_nl_token_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct nlattr **attrs = pag_dump_attrs(cb);
	struct pag_tokens *set;
	struct key *keyring;
	unsigned int i;
	struct pag *pag;
	void *hdr;

	keyring = pag_nl_target(cb->skb,
				attrs ? attrs[PAG_A_TOKEN_PAG] : NULL,
				attrs ? attrs[PAG_A_TOKEN_PAG_CREATED_NS] : NULL,
				cb->extack, true);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	set = pag_tokens_get(keyring);
	if (IS_ERR(set)) {
		pag_nl_tokens_error(cb->extack, PTR_ERR(set));
		key_put(keyring);
		return PTR_ERR(set);
	}
	pag = pag_of_keyring(keyring);
	for (i = 0; i < set->n; i++) {
		struct key *key = set->keys[i];

		if (key->serial <= (key_serial_t)cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pag_nl_family,
				  NLM_F_MULTI, PAG_CMD_TOKEN_GET);
		if (!hdr)
			break;
		if (pag_nl_token_fill(skb, pag, key)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = key->serial;
	}
	pag_tokens_put(set);
	key_put(keyring);
	return skb->len;
}

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
	{
		.cmd	= PAG_CMD_ENTER,
		.doit	= pag_nl_enter_doit,
		.policy	= pag_get_nl_policy,
		.maxattr = ARRAY_SIZE(pag_get_nl_policy) - 1,
	},
	{
		.cmd	= PAG_CMD_TOKEN_ADD,
		.doit	= pag_nl_token_add_doit,
		.policy	= pag_token_add_nl_policy,
		.maxattr = ARRAY_SIZE(pag_token_add_nl_policy) - 1,
	},
	{
		.cmd	= PAG_CMD_TOKEN_DEL,
		.doit	= pag_nl_token_del_doit,
		.policy	= pag_token_del_nl_policy,
		.maxattr = ARRAY_SIZE(pag_token_del_nl_policy) - 1,
	},
	{
		.cmd	= PAG_CMD_TOKEN_GET,
		.dumpit	= pag_nl_token_get_dumpit,
		.policy	= pag_token_get_nl_policy,
		.maxattr = ARRAY_SIZE(pag_token_get_nl_policy) - 1,
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
MODULE_ALIAS_GENL_FAMILY(PAG_FAMILY_NAME);

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
