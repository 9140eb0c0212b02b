/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pag-launch: a PAG per container.  main.c parses the options and runs the
 * steps in order; each other file owns one of them:
 *
 *   pagd.c    pagd's API (libpagd-client): bind domains and credentials,
 *             directly or within a profile of pagd's configuration, wait
 *             for the initial credentials, fetch the socket directory
 *   userns.c  the user namespace and its id maps
 *   mounts.c  the mount namespace: /proc, the identity sockets at
 *             /var/lib/sss/pipes and their memory cache at
 *             /var/lib/sss/mc
 *   run.c     the other namespaces, the init of a pid namespace, exec and
 *             the exit status
 *   oci.c     wrapping an OCI runtime (runc, crun)
 *   msg.c     the messages
 *
 * pagd.c, oci.c and msg.c are shared with pag-oci-runtime
 * (tools/oci-runtime/), the runtime wrapper that container engines run.
 *
 * Functions return 0 or a negative errno and have printed what failed;
 * exit_code_of() (common/exitcode.h) turns that into the documented exit
 * status.
 */
#ifndef PAG_LAUNCH_H
#define PAG_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pagd-client/client.h"

/* the exit statuses of pag-launch's own failures (pag-launch(1)) */
#include "common/exitcode.h"

/**
 * struct launch_opts - what the command line asked for
 * @address: pagd's D-Bus address; NULL: the system bus
 * @domains: domains to bind the PAG to (@n_domains of them)
 * @principal: Kerberos principal to bind (its keytab is pagd's to know);
 *             NULL: none, or with @profile the profile's first
 * @profile: pagd's profile to bind within (BindProfile), or NULL
 * @timeout_ms: how long to wait for the initial credentials
 * @clone_flags: CLONE_NEW* namespaces to create
 * @map_inside: first id of the user namespace's map (with @map_count > 0)
 * @map_outside: first host id it maps to
 * @map_count: length of the map; 0: map root to the caller
 * @hostname: host name in the new UTS namespace, or NULL
 * @sockets: mount the identity sockets at /var/lib/sss/pipes
 * @afs_own_netns: the container's kafs mounts are made in its own network
 *                 namespace (--afs-netns container): pagd makes the PAG's
 *                 kafs tokens there
 * @no_kcm: never use pagd's KCM (--no-kcm)
 * @kcm: decided in bind_pag(): pagd's kcm socket at LAUNCH_KCM_SOCKET and
 *       KRB5CCNAME=KCM:
 * @krb5_conf: a krb5.conf to mount at /etc/krb5.conf, or NULL
 * @oci_runtime: OCI runtime to wrap, or NULL
 * @argv: the command (or the runtime's arguments), NULL-terminated
 */
struct launch_opts {
	const char *address;
	char **domains;
	int n_domains;
	const char *principal;
	const char *profile;
	unsigned int timeout_ms;
	int clone_flags;
	uint32_t map_inside;
	uint32_t map_outside;
	uint32_t map_count;
	const char *hostname;
	bool sockets;
	bool afs_own_netns;
	bool no_kcm;
	bool kcm;
	const char *krb5_conf;
	const char *oci_runtime;
	char **argv;
};

/*
 * msg.c: "NAME: message" on stderr, NAME the program's launch_name, and
 * to launch_err_hook when a program sets one
 */
extern const char *const launch_name;
extern void (*launch_err_hook)(const char *msg);
void launch_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* MIT krb5's default KCM socket, where a container gets pagd's */
#define LAUNCH_KCM_SOCKET "/var/run/.heim_org.h5l.kcm-socket"

/* pagd.c */

struct pagd_conn {
	struct pagd_client client;
	int32_t pag;	     /* bound PAG, for launch_pagd_undo() */
	uint64_t created_ns; /* its incarnation */
	bool bound;	     /* domains bound */
	bool creds_bound;    /* credentials bound */
	char **domains;	     /* with a profile and no --domain: all of its */
	int n_domains;
	char *principal; /* with a profile: the principal it gives */
	char *sockdir;	 /* the subset's socket directory */
	char *ccache;	 /* KRB5CCNAME for the command */
};

int launch_pagd_open(struct pagd_conn *c, const char *address);
/* @created_ns: from the NEW reply, so that pagd binds this PAG only */
int launch_pagd_bind(struct pagd_conn *c, int32_t pag, uint64_t created_ns,
		     const struct launch_opts *o);
int launch_pagd_bind_profile(struct pagd_conn *c, int32_t pag,
			     uint64_t created_ns, const struct launch_opts *o);
int launch_pagd_sockets(struct pagd_conn *c, const struct launch_opts *o);
int launch_pagd_bind_credentials(struct pagd_conn *c, int32_t pag,
				 uint64_t created_ns,
				 const struct launch_opts *o);
int launch_pagd_wait_credentials(struct pagd_conn *c,
				 const struct launch_opts *o);
int launch_pagd_credentials_netns(struct pagd_conn *c, uint64_t created_ns,
				  const char *path);
void launch_pagd_undo(struct pagd_conn *c);
/* Whether KCM: serves the PAG's caches here: pagd's sockets and BPF tags */
bool launch_kcm_usable(const char *sockdir);
void launch_pagd_close(struct pagd_conn *c);

/* userns.c */
int launch_userns(const struct launch_opts *o);

/* mounts.c */
int launch_mounts(const struct launch_opts *o, const char *sockdir);

/* run.c */
int launch_unshare(const struct launch_opts *o);
int launch_run(const struct launch_opts *o, const char *sockdir);

/* oci.c */
bool launch_oci_takes_value(const char *arg);
int launch_oci_command(char **argv);
bool launch_oci_creates(char **argv);
int launch_oci_exec(const struct launch_opts *o, const char *sockdir);

#endif /* PAG_LAUNCH_H */
