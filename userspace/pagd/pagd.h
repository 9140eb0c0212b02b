/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd: the daemon's shared state and the calls between its parts.
 *
 * Threading: none.  One sd-event loop owns everything: the NSS listeners
 * and their clients (nss/responder.c), the management API (bus/),
 * signals and reload (main.c), LDAP connections (ldap/conn.c).  Handlers
 * never block: files domains are in memory, LMDB reads are memory-mapped
 * and its writes are small, and a request for an LDAP domain whose cache
 * has no fresh answer waits for its fetch without holding up anyone else
 * (nss/responder.c).
 */
#ifndef PAGD_PAGD_H
#define PAGD_PAGD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "pagd/idcache.h"
#include "pagd/config.h"
#include "pagd/domain.h"
#include "pagd/state.h"
#include "pagd/view.h"

struct listener;
struct client;
struct bus_conn;

struct pagd {
	sd_event *event;
	struct pagd_config *cfg;
	struct domain **domains;
	size_t n_domains;
	struct state *state;
	struct idcache *cache; /* what LDAP domains learnt */
	char *default_key;

	/*
	 * Views are cached by key and thrown away when what they depend on
	 * changes (reload, bind, unbind): clients compare generations.
	 */
	struct view **views;
	size_t n_views;
	unsigned int generation;

	struct listener *listeners;
	struct client *clients;
	size_t n_clients;

	sd_bus *system_bus;
	int bus_fd;
	sd_event_source *bus_listen;
	struct bus_conn *bus_conns;
};

/* main.c */
/*
 * With p->event NULL (pagd -t), LDAP domains are only checked.  A failure
 * comes with *@msg naming the domain (the caller logs it or passes it on).
 */
int pagd_load_domains(struct pagd *p, const struct pagd_config *cfg,
		      struct domain ***out, size_t *n, char **msg);
void pagd_free_domains(struct domain **d, size_t n);
/*
 * Reads the configuration again and swaps it in, or keeps the running one
 * and says why in *@msg (NULL without words beyond the -errno).
 */
int pagd_reload(struct pagd *p, char **msg);
/*
 * What SIGUSR2 (@online) and SIGUSR1 do: offline and inactive domains, a
 * trusted domain's included, try their servers at the next request; or
 * every LDAP domain goes offline until its retry.
 */
void pagd_set_online(struct pagd *p, bool online);

/* scope.c */
const struct view *scope_view(struct pagd *p, const char *key);
void scope_invalidate_views(struct pagd *p);
const struct domain *pagd_domain(const struct pagd *p, const char *name);
/*
 * The domain key a client of the main socket sees: the binding of its PAG
 * (@pag, @created_ns) when the binding is for that incarnation, else the
 * default.
 */
int scope_key_for_pag(struct pagd *p, bool has_pag, int32_t pag,
		      uint64_t created_ns, char **key);

/* nss/responder.c */
int responder_listen(struct pagd *p, const char *path, const char *key);
int responder_listen_pam(struct pagd *p, const char *path, const char *key,
			 mode_t mode);
void responder_close_all(struct pagd *p);
void responder_reset_memcaches(struct pagd *p);
bool responder_serves(const struct pagd *p, const char *dir);

/* sockdir.c */
/* for messages; the list is sockdir.c's known_responders[] */
#define PAGD_RESPONDERS "nss, pam"
int sockdir_get(struct pagd *p, const char *const *domains, size_t n_domains,
		const char *const *responders, size_t n_responders, char **path,
		char **msg);
int sockdir_restore(struct pagd *p);
int sockdir_path(const struct pagd *p, uint32_t id, char **path);
/* Splits "domains;responders". */
int sockdir_split_key(const char *key, char **domains, char **responders);

/* pam/sockets.c: DIR/pam and DIR/private/pam, for @key as responder_listen() */
int pam_listen_in(struct pagd *p, const char *dir, const char *key);

/* bus/bus.c, bus/signals.c */
int bus_setup(struct pagd *p);
void bus_close(struct pagd *p);
void bus_emit_credentials_changed(struct pagd *p, int32_t pag,
				  const char *state, const char *message);

/* peer.c */
/*
 * pagd_open_pag_ko() - a handle on pag.ko alone (no keyring fallback)
 * @without: what pagd goes without if there is none, for the log
 * @then: what that means
 *
 * Return: the handle, or NULL after a warning "@without (pag.ko: why):
 * @then".  Each user has its own: an events socket cannot serve lookups.
 */
struct pag_handle *pagd_open_pag_ko(const char *without, const char *then);
int pagd_peer_init(void);
void pagd_peer_exit(void);
int pagd_peer_pag(int fd, int32_t *pag, uint64_t *created_ns);
/*
 * pagd_peer_incarnation() - the PAG incarnation the peer of @fd's tag
 * names, not looked up in the registry: for a caller whose next step takes
 * the incarnation and checks it exactly (a worker's pag_enter()).
 * Return: as pagd_peer_pag().
 */
int pagd_peer_incarnation(int fd, int32_t *pag, uint64_t *created_ns);
/*
 * pagd_pag_created() - the creation time of the live PAG @pag
 * Return: 0 with *@created_ns set; -EOPNOTSUPP without pag.ko; -ENOENT
 * when no PAG has the id.
 */
int pagd_pag_created(int32_t pag, uint64_t *created_ns);
/*
 * pagd_pag_alive() - whether (@pag, @created_ns) still lives
 * Return: 1 yes, 0 no (ended, or its id is another PAG's now), or a negative
 * errno when it cannot be told (-EOPNOTSUPP without pag.ko).
 */
int pagd_pag_alive(int32_t pag, uint64_t created_ns);

/* watch.c */
/*
 * pagd_pag_gone() - (@pag, @created_ns) ended: its bindings go, and those
 * of @pag recorded without a creation time; those of another incarnation
 * of @pag stay.
 */
void pagd_pag_gone(struct pagd *p, int32_t pag, uint64_t created_ns,
		   const char *why);
int pagd_watch_start(struct pagd *p);
void pagd_watch_stop(void);
/*
 * pagd_watch_catch_up() - handle the PAG events already queued, now
 * Return: true when one was handled (bindings may have changed).
 */
bool pagd_watch_catch_up(struct pagd *p);

/* inherit.c */
/*
 * pagd_pag_inherit() - (@pag, @created_ns) was made by a member of
 * (@parent, @parent_ns): it gets the parent's binding, if that is for this
 * very incarnation.
 */
void pagd_pag_inherit(struct pagd *p, int32_t pag, uint64_t created_ns,
		      int32_t parent, uint64_t parent_ns);

#endif /* PAGD_PAGD_H */
