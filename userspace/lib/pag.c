// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's public API: one handle, two backends.  With pag.ko loaded every
 * call is a request of the "pag" generic netlink family, made through the
 * netlink layer (nl.c), except the calling thread's own create, current and
 * leave, which take one ioctl on /dev/pag when it exists (dev.c); without it
 * the keyring backend (keyring.c) does what can be done with keyrings alone and
 * the rest fails with -EOPNOTSUPP and a message that names the missing
 * guarantee.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "internal.h"
#include "pag_version.h"

#define KEYRING_LIMITS                                                      \
	(PAG_LIMIT_NO_REGISTRY | PAG_LIMIT_NO_EVENTS | PAG_LIMIT_NO_ADMIN | \
	 PAG_LIMIT_NO_LEAVE)

int pag_seterr(struct pag_handle *h, int err, const char *fmt, ...)
{
	va_list ap;

	errno = -err; /* for %m */
	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
	errno = -err;
	return err;
}

/**
 * pag_nl_err() - record a failed request
 * @h: the handle
 * @err: negative errno
 * @cmd: the PAG_CMD_* that failed
 *
 * Keeps the kernel's own words (extended ack) when it gave any.
 *
 * Return: @err.
 */
int pag_nl_err(struct pag_handle *h, int err, unsigned int cmd)
{
	if (h->req.errmsg[0])
		return pag_seterr(h, err, "%s", h->req.errmsg);
	return pag_seterr(h, err, "pag.ko: %s: %m", pag_cmd_name(cmd));
}

/* The keyring backend lacks @limit; say so. */
static int limited(struct pag_handle *h, enum pag_limit limit)
{
	return pag_seterr(h, -EOPNOTSUPP, "pag.ko is not loaded: %s",
			  pag_limit_str(limit));
}

/**
 * pag_require_cmd() - fail unless the loaded pag.ko implements a command
 * @h: the handle
 * @cmd: PAG_CMD_*
 *
 * Return: 0, or -EOPNOTSUPP with a message naming what is missing.
 */
int pag_require_cmd(struct pag_handle *h, unsigned int cmd)
{
	if (pag_has_cmd(h, cmd))
		return 0;
	if (h->module_problem[0])
		return pag_seterr(h, -EOPNOTSUPP, "%s", h->module_problem);
	if (h->backend != PAG_BACKEND_KERNEL)
		return pag_seterr(h, -EOPNOTSUPP,
				  "pag.ko is not loaded: '%s' needs it",
				  pag_cmd_name(cmd));
	return pag_seterr(h, -EOPNOTSUPP,
			  "the loaded pag.ko (family version %u) does not "
			  "implement '%s'",
			  h->req.version, pag_cmd_name(cmd));
}

/*
 * The oldest family version whose meaning this library relies on: every
 * request that names a PAG is checked against its creation time
 * (uapi/linux/pag.h).  An older pag.ko may ignore the creation time and
 * act on whichever PAG has the id now, so it is refused, not used.
 */
#define PAG_FAMILY_VERSION_MIN 2U

/* "0.1.0", or "an unversioned build" for modules before they had one. */
static void module_version(char *buf, size_t len)
{
	char v[64] = "";
	FILE *f = fopen("/sys/module/pag/version", "re");

	if (f) {
		if (fgets(v, sizeof(v), f))
			v[strcspn(v, "\n")] = '\0';
		fclose(f);
	}
	snprintf(buf, len, "%s", v[0] ? v : "an unversioned build");
}

/* Refuse a pag.ko that speaks an older family than this library needs. */
static void check_module(struct pag_handle *h)
{
	char mod[80];

	if (h->req.version >= PAG_FAMILY_VERSION_MIN)
		return;
	module_version(mod, sizeof(mod));
	snprintf(h->module_problem, sizeof(h->module_problem),
		 "the loaded pag.ko (%s, netlink family version %u) is older "
		 "than "
		 "libpag %s, which needs family version %u or later: once no "
		 "PAG is alive, unload it (rmmod pag) and load the installed "
		 "one (modprobe pag)",
		 mod, h->req.version, PAG_VERSION, PAG_FAMILY_VERSION_MIN);
}

/**
 * pag_open() - open a handle
 * @handle: gets the handle
 * @flags: PAG_OPEN_* flags
 *
 * Looks for the "pag" family; when it is not registered (pag.ko is not
 * loaded) the handle uses the keyring backend, unless
 * %PAG_OPEN_KERNEL_ONLY is set.  A socket that cannot be opened at all
 * (generic netlink filtered out) also means the keyring backend.
 *
 * Return: 0, -ENOENT when pag.ko is required but absent, or another
 * negative errno.
 */
PAG_EXPORT int pag_open(struct pag_handle **handle, unsigned int flags)
{
	struct pag_handle *h;
	int err;

	*handle = NULL;
	if ((flags & PAG_OPEN_KERNEL_ONLY) && (flags & PAG_OPEN_KEYRING_ONLY))
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;

	h->dev = -1;
	h->tags_map = -1;
	h->backend = PAG_BACKEND_KEYRING;
	if (!(flags & PAG_OPEN_KEYRING_ONLY)) {
		err = pag_nl_open(&h->req);
		if (!err) {
			err = pag_nl_resolve(&h->req, PAG_FAMILY_NAME,
					     PAG_MCGRP_EVENTS);
			if (err)
				pag_nl_close(&h->req);
		}
		if (!err) {
			h->backend = PAG_BACKEND_KERNEL;
			check_module(h);
			if (!h->module_problem[0])
				h->dev = pag_dev_open();
		} else if ((err != -ENOENT && err != -EPERM &&
			    err != -EAFNOSUPPORT && err != -EPROTONOSUPPORT) ||
			   (flags & PAG_OPEN_KERNEL_ONLY)) {
			free(h);
			return err;
		}
	}
	*handle = h;
	return 0;
}

/**
 * pag_close() - close a handle and its sockets
 * @h: the handle, or NULL
 */
PAG_EXPORT void pag_close(struct pag_handle *h)
{
	if (!h)
		return;
	if (h->dev >= 0)
		close(h->dev);
	if (h->tags_map >= 0)
		close(h->tags_map);
	pag_nl_close(&h->req);
	pag_nl_close(&h->ev);
	free(h->evbuf);
	free(h);
}

/**
 * pag_backend() - what the handle talks to
 * @h: the handle
 *
 * Return: %PAG_BACKEND_KERNEL or %PAG_BACKEND_KEYRING.
 */
PAG_EXPORT enum pag_backend pag_backend(const struct pag_handle *h)
{
	return h->backend;
}

/**
 * pag_limits() - the guarantees the handle's backend lacks
 * @h: the handle
 *
 * Return: a mask of PAG_LIMIT_* bits; 0 with pag.ko.
 */
PAG_EXPORT unsigned int pag_limits(const struct pag_handle *h)
{
	return h->backend == PAG_BACKEND_KERNEL ? 0 : KEYRING_LIMITS;
}

/**
 * pag_limit_str() - a missing guarantee in words
 * @limit: one PAG_LIMIT_* bit
 *
 * Return: a static string.
 */
PAG_EXPORT const char *pag_limit_str(enum pag_limit limit)
{
	switch (limit) {
	case PAG_LIMIT_NO_REGISTRY:
		return "no registry: other PAGs cannot be listed or looked up, "
		       "and a PAG cannot be told from any anonymous session "
		       "keyring";
	case PAG_LIMIT_NO_EVENTS:
		return "no events: nothing reports PAGs created or ended";
	case PAG_LIMIT_NO_ADMIN:
		return "no admin operations: nothing can enter a PAG or place "
		       "tokens in it from outside";
	case PAG_LIMIT_NO_LEAVE:
		return "no leave: a session keyring can be replaced but not "
		       "dropped";
	}
	return "unknown limit";
}

/**
 * pag_limit_name() - a missing guarantee as one word, for scripts
 * @limit: one PAG_LIMIT_* bit
 *
 * Return: "registry", "events", "admin", "leave", or "unknown".
 */
PAG_EXPORT const char *pag_limit_name(enum pag_limit limit)
{
	switch (limit) {
	case PAG_LIMIT_NO_REGISTRY:
		return "registry";
	case PAG_LIMIT_NO_EVENTS:
		return "events";
	case PAG_LIMIT_NO_ADMIN:
		return "admin";
	case PAG_LIMIT_NO_LEAVE:
		return "leave";
	}
	return "unknown";
}

/**
 * pag_has_cmd() - whether the loaded pag.ko implements a command
 * @h: the handle
 * @cmd: PAG_CMD_*
 *
 * Return: true when it does; always false with the keyring backend.
 */
PAG_EXPORT bool pag_has_cmd(const struct pag_handle *h, unsigned int cmd)
{
	return h->backend == PAG_BACKEND_KERNEL && !h->module_problem[0] &&
	       cmd < 64 && (h->req.ops & (1ULL << cmd));
}

/**
 * pag_module_problem() - why the loaded pag.ko cannot serve this library
 * @h: the handle
 *
 * A pag.ko older than the library (one loaded before an upgrade stays
 * while any PAG lives) answers no command: pag_has_cmd() is false for
 * all, and every call fails with -EOPNOTSUPP and this message, which
 * names both versions and what to do.
 *
 * Return: the message, or NULL when there is no such problem.
 */
PAG_EXPORT const char *pag_module_problem(const struct pag_handle *h)
{
	return h->module_problem[0] ? h->module_problem : NULL;
}

/**
 * pag_errmsg() - what went wrong in the last failed call
 * @h: the handle
 *
 * Return: the kernel's extended ack message when it sent one, otherwise
 * the library's description; "" before any failure.
 */
PAG_EXPORT const char *pag_errmsg(const struct pag_handle *h)
{
	return h->errmsg;
}

/* Where an answer goes; @holders may be NULL. */
struct answer {
	struct pag_info *info;
	struct pag_holders *holders;
};

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct answer *ans = data;

	if (pag_msg_parse_holders(nlh, ans->info, ans->holders) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* One request answered by one "pag" message, with its holders if asked. */
static int request_holders(struct pag_handle *h, struct nlmsghdr *nlh,
			   struct pag_info *info, struct pag_holders *holders)
{
	struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct answer ans = { .info = info, .holders = holders };
	unsigned int cmd = genl->cmd;
	int err;

	memset(info, 0, sizeof(*info));
	if (holders)
		memset(holders, 0, sizeof(*holders));
	err = pag_nl_talk(&h->req, nlh, info_cb, &ans);
	if (err < 0)
		return pag_nl_err(h, err, cmd);
	if (!info->present)
		return pag_seterr(h, -EBADMSG, "pag.ko: %s: empty answer",
				  pag_cmd_name(cmd));
	return info->id;
}

static int request_info(struct pag_handle *h, struct nlmsghdr *nlh,
			struct pag_info *info)
{
	return request_holders(h, nlh, info, NULL);
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * NEW's answer was lost: the request socket's receive buffer overflowed
 * (-ENOBUFS).  pag.ko never answers "failed" once the PAG exists, but a
 * failure's answer could have been lost too, so the thread's PAG tells
 * which: the request succeeded if this thread created its PAG after
 * @sent_ns.  Whatever is still queued on the socket is stale: dropped.
 */
static int create_lost(struct pag_handle *h, struct pag_info *info,
		       uint64_t sent_ns)
{
	char buf[4096];
	int id, n;

	do
		n = pag_nl_recv(&h->req, buf, sizeof(buf), false);
	while (n > 0 || n == -ENOBUFS || n == -EINTR);
	id = pag_current(h, info);
	if (id > 0 && info->creator_pid == (uint32_t)gettid() &&
	    info->created_ns >= sent_ns)
		return id;
	return pag_seterr(h, -ENOBUFS,
			  "pag.ko: NEW: the answer was lost (receive buffer "
			  "full) and the thread is in no new PAG");
}

/**
 * pag_create() - create a PAG and make it the calling thread's
 * @h: the handle
 * @info: gets the new PAG's attributes, or NULL
 *
 * Only the calling thread enters the PAG (credentials are per thread);
 * its children created afterwards inherit it.  Should the kernel's answer
 * be lost (the socket's receive buffer overflowed), the thread's PAG is
 * read back: a PAG that exists is never reported as a failure.
 *
 * Return: the new PAG's id (> 0), or a negative errno.
 */
PAG_EXPORT int pag_create(struct pag_handle *h, struct pag_info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pag_info local;
	uint64_t sent_ns;
	int err;

	if (h->dev >= 0) {
		err = pag_dev_create(h, info);
		if (err != 1)
			return err;
	}
	if (!info)
		info = &local;
	if (h->backend == PAG_BACKEND_KEYRING)
		return pag_keyring_create(h, info);
	err = pag_require_cmd(h, PAG_CMD_NEW);
	if (err)
		return err;
	sent_ns = boottime_ns();
	err = request_info(h, pag_nl_msg(&h->req, buf, PAG_CMD_NEW, 0), info);
	return err == -ENOBUFS ? create_lost(h, info, sent_ns) : err;
}

/**
 * pag_current() - the calling thread's PAG
 * @h: the handle
 * @info: gets its attributes, or NULL
 *
 * Return: the PAG id, -ENOENT when the thread is in no PAG, or another
 * negative errno.
 */
PAG_EXPORT int pag_current(struct pag_handle *h, struct pag_info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pag_info local;
	int err;

	if (!info)
		info = &local;
	if (h->dev >= 0) {
		err = pag_dev_current(h, info);
		if (err != 1)
			return err;
	}
	if (h->backend == PAG_BACKEND_KEYRING)
		return pag_keyring_current(h, info);
	err = pag_require_cmd(h, PAG_CMD_GET);
	if (err)
		return err;
	return request_info(h, pag_msg_get(&h->req, buf, 0, 0, false), info);
}

/**
 * pag_get() - one PAG by id
 * @h: the handle
 * @id: the PAG
 * @created_ns: its creation time (CLOCK_BOOTTIME ns), or 0 for whichever
 *	PAG has @id now
 * @info: gets its attributes, or NULL
 *
 * Any PAG but the caller's own needs CAP_SYS_ADMIN in the initial user
 * namespace.  The keyring backend knows only the caller's own PAG.
 *
 * Return: @id, or a negative errno (the kernel's for an unknown PAG;
 * -ESTALE when @id now belongs to a PAG created at another time).
 */
PAG_EXPORT int pag_get(struct pag_handle *h, int32_t id, uint64_t created_ns,
		       struct pag_info *info)
{
	return pag_get_holders(h, id, created_ns, info, NULL);
}

/**
 * pag_get_holders() - pag_get(), with the processes holding handles to it
 * @h: the handle
 * @id: as pag_get()
 * @created_ns: as pag_get()
 * @info: as pag_get()
 * @holders: filled in when the kernel reports holders (@info's @present
 *	has PAG_INFO_HAS(PAG_A_PAG_HOLDERS)), zeroed otherwise; NULL to skip
 *
 * Since LIBPAG_0.2.  Holders are not fields of struct pag_info, which
 * callers of libpag.so.0 allocate at its 0.1 size.
 *
 * Return: as pag_get().
 */
PAG_EXPORT int pag_get_holders(struct pag_handle *h, int32_t id,
			       uint64_t created_ns, struct pag_info *info,
			       struct pag_holders *holders)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pag_info local;
	int err;

	if (!info)
		info = &local;
	if (holders)
		memset(holders, 0, sizeof(*holders));
	if (id <= 0)
		return pag_seterr(h, -EINVAL, "invalid PAG id %d", id);
	if (h->backend == PAG_BACKEND_KEYRING) {
		err = pag_keyring_current(h, info);
		if (err == id && !created_ns)
			return id;
		return limited(h, PAG_LIMIT_NO_REGISTRY);
	}
	err = pag_require_cmd(h, PAG_CMD_GET);
	if (err)
		return err;
	return request_holders(h,
			       pag_msg_get(&h->req, buf, id, created_ns, false),
			       info, holders);
}

/**
 * pag_leave() - take the calling thread out of its PAG
 * @h: the handle
 *
 * Return: 0, or a negative errno.
 */
PAG_EXPORT int pag_leave(struct pag_handle *h)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	if (h->dev >= 0) {
		err = pag_dev_leave(h);
		if (err != 1)
			return err;
	}
	if (h->backend == PAG_BACKEND_KEYRING)
		return limited(h, PAG_LIMIT_NO_LEAVE);
	err = pag_require_cmd(h, PAG_CMD_LEAVE);
	if (err)
		return err;
	err = pag_nl_talk(&h->req, pag_nl_msg(&h->req, buf, PAG_CMD_LEAVE, 0),
			  NULL, NULL);
	return err < 0 ? pag_nl_err(h, err, PAG_CMD_LEAVE) : 0;
}

/**
 * pag_enter() - move the calling process into another PAG
 * @h: the handle
 * @id: the PAG to enter
 * @created_ns: its creation time (CLOCK_BOOTTIME ns, struct pag_info's
 *	@created_ns): ids are reused, and only this incarnation is entered
 *
 * Needs CAP_SYS_ADMIN in the initial user namespace and a single-threaded
 * caller: it is meant for short-lived forked workers of a host daemon.
 *
 * Return: 0, or a negative errno (-ENOENT: no live PAG has @id; -ESTALE:
 * the PAG with @id now is not the one created at @created_ns).
 */
PAG_EXPORT int pag_enter(struct pag_handle *h, int32_t id, uint64_t created_ns)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	if (id <= 0)
		return pag_seterr(h, -EINVAL, "invalid PAG id %d", id);
	if (!created_ns)
		return pag_seterr(h, -EINVAL,
				  "entering PAG %d needs its creation time",
				  id);
	if (h->backend == PAG_BACKEND_KEYRING)
		return limited(h, PAG_LIMIT_NO_ADMIN);
	err = pag_require_cmd(h, PAG_CMD_ENTER);
	if (err)
		return err;
	err = pag_nl_talk(&h->req, pag_msg_enter(&h->req, buf, id, created_ns),
			  NULL, NULL);
	return err < 0 ? pag_nl_err(h, err, PAG_CMD_ENTER) : 0;
}

/* A dump's caller: @cb (plain) or @holders_cb, whichever is set. */
struct iter_ctx {
	pag_iter_cb cb;
	pag_holders_iter_cb holders_cb;
	void *arg;
	int ret;
};

static int iter_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct iter_ctx *ctx = data;
	struct pag_holders holders;
	struct pag_info info;

	if (pag_msg_parse_holders(nlh, &info, &holders) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Once the caller said stop, drain the dump without calling it. */
	if (ctx->ret != 0)
		return MNL_CB_OK;
	if (ctx->holders_cb)
		ctx->ret = ctx->holders_cb(&info, &holders, ctx->arg);
	else
		ctx->ret = ctx->cb(&info, ctx->arg);
	return MNL_CB_OK;
}

/* Dump every PAG to @ctx. */
static int iterate(struct pag_handle *h, struct iter_ctx *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	if (h->backend == PAG_BACKEND_KEYRING)
		return limited(h, PAG_LIMIT_NO_REGISTRY);
	err = pag_require_cmd(h, PAG_CMD_GET);
	if (err)
		return err;
	err = pag_nl_talk(&h->req, pag_msg_get(&h->req, buf, 0, 0, true),
			  iter_msg_cb, ctx);
	if (err < 0)
		return pag_nl_err(h, err, PAG_CMD_GET);
	return ctx->ret;
}

/**
 * pag_iterate() - call @cb for every live PAG
 * @h: the handle
 * @cb: called with each PAG; a non-zero return stops the calls
 * @arg: argument of @cb
 *
 * Needs CAP_SYS_ADMIN in the initial user namespace.
 *
 * Return: 0, the first non-zero value @cb returned, or a negative errno.
 */
PAG_EXPORT int pag_iterate(struct pag_handle *h, pag_iter_cb cb, void *arg)
{
	struct iter_ctx ctx = { .cb = cb, .arg = arg };

	return iterate(h, &ctx);
}

/**
 * pag_iterate_holders() - pag_iterate(), with each PAG's handle holders
 * @h: the handle
 * @cb: called with each PAG and its holders (zeroed when the kernel does
 *	not report them: no PAG_INFO_HAS(PAG_A_PAG_HOLDERS) in @present); a
 *	non-zero return stops the calls
 * @arg: argument of @cb
 *
 * Since LIBPAG_0.2.  One dump, as pag_iterate(): the holders come in the
 * same messages.
 *
 * Return: as pag_iterate().
 */
PAG_EXPORT int pag_iterate_holders(struct pag_handle *h, pag_holders_iter_cb cb,
				   void *arg)
{
	struct iter_ctx ctx = { .holders_cb = cb, .arg = arg };

	return iterate(h, &ctx);
}
