/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pag-oci-runtime: the OCI runtime a container engine (podman, docker, a
 * CRI runtime) is configured with to give every container a PAG of its
 * own, bound in pagd under a profile of the host's configuration.  It
 * wraps a real runtime (runc, crun); see pag-oci-runtime(8) and
 * Documentation/admin-guide/oci-runtime.rst.  main.c reads the wrapper's
 * own options and hands each runtime command to its file:
 *
 *   args.c    the runtime command's container id and bundle
 *   bundle.c  the bundle's config.json: annotations, mounts, rewrite
 *   record.c  /run/pag/oci: which PAG (id, creation time) is whose
 *   create.c  create and run: a new PAG, bound under the profile
 *   enter.c   exec: into the container's PAG, incarnation-checked
 *   log.c     errors into the engine's runtime log, where it reads them
 *
 * pagd's calls, --no-new-keyring and the messages are pag-launch's
 * (tools/launch/launch.h).  Functions return 0 or a negative errno and
 * have printed what failed.
 */
#ifndef PAG_OCI_RUNTIME_H
#define PAG_OCI_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "launch.h"

/* Where the records live: a tmpfs, so none outlives a boot. */
#define OCI_RECORD_DIR "/run/pag/oci"

/* The annotations a container may narrow its profile with. */
#define OCI_ANN_PRINCIPAL "org.pag.principal"
#define OCI_ANN_DOMAINS	  "org.pag.domains"
/* Where its kafs mounts are made: "host" (the default) or "container". */
#define OCI_ANN_AFS_NETNS "org.pag.afs-netns"

/**
 * struct oci_opts - the wrapper's configuration, from the engine's
 * runtime configuration (never from the container)
 * @profile: pagd profile the containers are bound under, or NULL
 * @runtime: path of the real runtime
 * @address: pagd's D-Bus address; NULL: the system bus
 * @timeout_ms: how long to wait for a container's credentials
 * @no_kcm: keep KRB5CCNAME on the PAG's keyring (--pag-kcm no)
 * @krb5_conf: a krb5.conf to mount at /etc/krb5.conf, or NULL
 * @argv: the runtime's arguments, the wrapper's own options removed
 * @cmd: index of the runtime's command in @argv, or -1
 */
struct oci_opts {
	const char *profile;
	const char *runtime;
	const char *address;
	unsigned int timeout_ms;
	bool no_kcm;
	const char *krb5_conf;
	char **argv;
	int cmd;
};

/**
 * struct oci_target - what a runtime command acts on
 * @id: the container id
 * @bundle: the bundle directory (create, run)
 * @config: its config.json, or crun's --config FILE
 * @process: exec's --process FILE, the new process's configuration, or NULL
 */
struct oci_target {
	const char *id;
	const char *bundle;
	char *config;
	const char *process;
};

/* log.c: the wrapper's errors in the runtime log (--log) too */
void oci_log_setup(char **argv);

/* args.c */
int oci_target(const struct oci_opts *o, struct oci_target *t);
void oci_target_free(struct oci_target *t);

/* bundle.c */
struct oci_bundle;
struct oci_request {
	const char *principal; /* NULL: the profile's choice */
	char **domains;	       /* NULL: the profile's domains */
	int n_domains;
	/* with org.pag.afs-netns=container: the container's network namespace
	 */
	const char *netns_path;
};
int oci_bundle_read(const char *config, struct oci_bundle **b,
		    struct oci_request *req);
int oci_bundle_add_sockets(struct oci_bundle *b, const char *sockdir);
int oci_bundle_add_file(struct oci_bundle *b, const char *dest,
			const char *src);
int oci_bundle_set_env(struct oci_bundle *b, const char *name,
		       const char *value);
int oci_bundle_write(struct oci_bundle *b);
int oci_process_set_env(const char *path, const char *name, const char *value);
void oci_bundle_free(struct oci_bundle *b, struct oci_request *req);

/* record.c: a container's PAG, and its KRB5CCNAME ("" for none) */
struct oci_record {
	int32_t pag;
	uint64_t created_ns;
	char ccache[256];
};
int oci_record_write(const char *id, const struct oci_record *rec);
int oci_record_read(const char *id, struct oci_record *rec);
int oci_record_remove(const char *id);

/* create.c */
int oci_create(const struct oci_opts *o, const struct oci_target *t);

/* enter.c */
int oci_enter(const struct oci_opts *o, const struct oci_target *t);

/* main.c: execs the real runtime with @o->argv; returns only on failure */
int oci_exec_runtime(const struct oci_opts *o);

#endif /* PAG_OCI_RUNTIME_H */
