/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Online/offline state of a domain whose server may be unreachable.
 *
 *   online --(no server answers / SIGUSR1)--> offline
 *   offline --(retry timer: offline_timeout, doubling up to
 *              offline_timeout_max)--> a connection attempt
 *   a connection attempt succeeds --> online (back-off reset)
 *   SIGUSR2 --> back-off reset, attempt now
 *
 * While offline, cached answers (even expired ones) are served and nothing
 * is asked of the server.
 */
#ifndef PAGD_LDAP_OFFLINE_H
#define PAGD_LDAP_OFFLINE_H

#include <stdbool.h>
#include <systemd/sd-event.h>

struct offline {
	sd_event *event;
	sd_event_source *timer;
	const char *domain;
	unsigned int base, max, next; /* seconds */
	bool offline;
	void (*retry)(void *ud);
	void *ud;
};

void offline_init(struct offline *o, sd_event *e, const char *domain,
		  unsigned int base, unsigned int max, void (*retry)(void *),
		  void *ud);
void offline_fini(struct offline *o);
/* No server answered, or SIGUSR1 (@why says which). */
void offline_down(struct offline *o, const char *why);
/* A server answered. */
void offline_up(struct offline *o);
/* SIGUSR2: forget the back-off and try now. */
void offline_reset(struct offline *o);

#endif /* PAGD_LDAP_OFFLINE_H */
