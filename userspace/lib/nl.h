/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpag's one netlink layer: every request, dump and event of the library
 * goes through it.  Modelled on iproute2's lib/mnl_utils.c: the layer owns
 * the socket (NETLINK_CAP_ACK and NETLINK_EXT_ACK set), resolves the
 * family, runs the receive loop with mnl_cb_run2() and keeps the kernel's
 * extended ack message for the caller.
 */
#ifndef PAG_LIB_NL_H
#define PAG_LIB_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define PAG_NL_ERRMSG_MAX 256

/**
 * struct pag_nl - a generic netlink socket bound to one family
 * @sock: the socket
 * @portid: its port id
 * @seq: sequence number of the last request
 * @family: family id, 0 until resolved
 * @version: family version the kernel reported
 * @ops: bit N set when the kernel implements command N
 * @mcgrp_events: id of the "events" multicast group, 0 when absent
 * @errmsg: the kernel's extended ack message of the last failure, or ""
 * @rbuf: receive buffer of pag_nl_talk(), allocated on first use
 */
struct pag_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t version;
	uint64_t ops;
	uint32_t mcgrp_events;
	char errmsg[PAG_NL_ERRMSG_MAX];
	char *rbuf;
};

int pag_nl_open(struct pag_nl *nl);
void pag_nl_close(struct pag_nl *nl);
int pag_nl_resolve(struct pag_nl *nl, const char *name, const char *mcgrp);
struct nlmsghdr *pag_nl_msg(struct pag_nl *nl, void *buf, uint8_t cmd,
			    uint16_t flags);
int pag_nl_talk(struct pag_nl *nl, struct nlmsghdr *nlh, mnl_cb_t data_cb,
		void *data);
int pag_nl_parse_attrs(const struct nlmsghdr *nlh, unsigned int offset,
		       mnl_attr_cb_t cb, void *data);
int pag_nl_join(struct pag_nl *nl, uint32_t group);
int pag_nl_recv(struct pag_nl *nl, void *buf, size_t len, bool block);

/* Exposed for tests: the parts of the receive path that need no socket. */
int pag_nl_parse_family(const struct nlmsghdr *nlh, struct pag_nl *nl,
			const char *mcgrp);
int pag_nl_run(struct pag_nl *nl, const void *buf, size_t len, uint32_t seq,
	       mnl_cb_t data_cb, void *data);

#endif /* PAG_LIB_NL_H */
