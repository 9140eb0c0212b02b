/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpag internals shared by its files: the handle, the message helpers
 * (msg.c) and the keyring backend (keyring.c).
 */
#ifndef PAG_LIB_INTERNAL_H
#define PAG_LIB_INTERNAL_H

#include <pag/pag.h>

#include "nl.h"

#define PAG_EXPORT __attribute__((visibility("default")))

/**
 * struct pag_handle - what pag_open() returns
 * @backend: kernel or keyring
 * @dev: /dev/pag, or -1 (kernel backend: then netlink does everything)
 * @req: socket for requests and dumps (kernel backend)
 * @ev: socket subscribed to events, after pag_subscribe()
 * @evbuf: events received but not yet returned
 * @evlen: bytes in @evbuf
 * @evoff: offset of the next event in @evbuf
 * @errmsg: what went wrong last, in words
 * @module_problem: why the loaded pag.ko cannot serve this library, or ""
 */
struct pag_handle {
	enum pag_backend backend;
	int dev;
	struct pag_nl req;
	struct pag_nl ev;
	char *evbuf;
	size_t evlen;
	size_t evoff;
	char errmsg[PAG_NL_ERRMSG_MAX];
	char module_problem[384];
	/*
	 * The pinned tags map, opened at the handle's first tag lookup and
	 * kept: a server asks once per connection (peer.c).
	 */
	int tags_map;
};

int pag_nl_err(struct pag_handle *h, int err, unsigned int cmd);
int pag_require_cmd(struct pag_handle *h, unsigned int cmd);
int pag_seterr(struct pag_handle *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* msg.c: the "pag" attribute set. */
int pag_msg_parse_info(const struct nlmsghdr *nlh, struct pag_info *info);
int pag_msg_parse_holders(const struct nlmsghdr *nlh, struct pag_info *info,
			  struct pag_holders *holders);
struct nlmsghdr *pag_msg_get(struct pag_nl *nl, void *buf, int32_t id,
			     uint64_t created_ns, bool dump);
struct nlmsghdr *pag_msg_enter(struct pag_nl *nl, void *buf, int32_t id,
			       uint64_t created_ns);
const char *pag_cmd_name(unsigned int cmd);

/* msg.c: the "token" attribute set. */
int pag_msg_parse_token(const struct nlmsghdr *nlh, struct pag_token *token);
struct nlmsghdr *pag_msg_token(struct pag_nl *nl, void *buf, uint8_t cmd,
			       int32_t pag, uint64_t created_ns,
			       const char *type, const char *name,
			       const void *data, size_t len, uint64_t expiry);
size_t pag_msg_token_size(const char *type, const char *name, size_t len);

/* dev.c: the fast path through /dev/pag. */
int pag_dev_open(void);
int pag_dev_create(struct pag_handle *h, struct pag_info *info);
int pag_dev_current(struct pag_handle *h, struct pag_info *info);
int pag_dev_leave(struct pag_handle *h);
void pag_dev_info(const struct pag_ioc_info *in, struct pag_info *out);

/* keyring.c: the backend without pag.ko. */
int pag_keyring_create(struct pag_handle *h, struct pag_info *info);
int pag_keyring_current(struct pag_handle *h, struct pag_info *info);

#endif /* PAG_LIB_INTERNAL_H */
